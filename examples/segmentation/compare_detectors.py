"""
=========================================
Comparing R-peak detectors on real ECG
=========================================

Every detector of py-ecg-detectors, plus this library's ``fast_pan_tompkins``,
runs over the MIT-BIH excerpts bundled with sklearn-ecg. Detections are scored as
ANSI/AAMI EC57 prescribes: a detection is correct when it lies within 150 ms of an
annotated beat, and ventricular flutter episodes are left out.

Several of py-ecg-detectors' detectors filter causally and report each peak 40 to
80 ms after the R wave. :func:`~sklearn_ecg.segmentation.detect_r_peaks` moves
every detection to the true R peak; the table shows the timing error before and
after that correction.
"""

import os

from sklearn.utils import Bunch

from sklearn_ecg.datasets import load_mitdb_sample
from sklearn_ecg.segmentation import DETECTORS, evaluate_detector

# The first minute of each record keep the slowest pure-Python detectors
# (christov, wqrs) to seconds; benchmarks/bench_detectors.py runs whole records.
# SKLEARN_ECG_EXAMPLE_QUICK=1 (what the test suite sets) runs this example small: the first 10 s.
SECONDS = 10 if os.environ.get("SKLEARN_ECG_EXAMPLE_QUICK") == "1" else 60
records = []
for rec in load_mitdb_sample():
    n = int(SECONDS * rec.fs)
    records.append(Bunch(**{**rec, "signal": rec.signal[:n],
                            "r_peaks": rec.r_peaks[rec.r_peaks < n]}))

print(f"{'detector':>18}  Se (%)  +P (%)  raw error (ms)  corrected (ms)  s / 30 min")
for name in DETECTORS:
    raw = evaluate_detector(records, name, refine=False).loc["total"]
    corrected = evaluate_detector(records, name).loc["total"]
    print(f"{name:>18}  {100 * corrected.sensitivity:6.2f}  "
          f"{100 * corrected.positive_predictivity:6.2f}  {raw.mean_abs_error_ms:14.1f}  "
          f"{corrected.mean_abs_error_ms:14.1f}  {corrected.seconds:10.2f}")
