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

import time

from sklearn_ecg.datasets import load_mitdb_sample
from sklearn_ecg.metrics import detection_scores
from sklearn_ecg.segmentation import DETECTORS, detect_r_peaks, refine_peaks

# The first two minutes of each record keep the slowest pure-Python detectors
# (christov, wqrs) to seconds; benchmarks/bench_detectors.py runs whole records.
SECONDS = 120
records = load_mitdb_sample()

print(f"{'detector':>18}  Se (%)  +P (%)  raw error (ms)  corrected (ms)  time (s)")
for name in DETECTORS:
    tp = fn = fp = 0
    raw_error = corrected_error = elapsed = 0.0
    for rec in records:
        n = int(SECONDS * rec.fs)
        signal, beats = rec.signal[:n], rec.beat_samples[rec.beat_samples < n]
        start = time.perf_counter()
        raw = detect_r_peaks(signal, rec.fs, name, refine=False)
        peaks = refine_peaks(signal, raw, rec.fs)  # what detect_r_peaks does by default
        elapsed += time.perf_counter() - start
        s = detection_scores(beats, peaks, rec.fs, exclude=rec.vf_episodes)
        r = detection_scores(beats, raw, rec.fs, exclude=rec.vf_episodes)
        tp, fn, fp = tp + s["tp"], fn + s["fn"], fp + s["fp"]
        corrected_error += s["mean_abs_error_ms"] / len(records)
        raw_error += r["mean_abs_error_ms"] / len(records)
    print(f"{name:>18}  {100 * tp / (tp + fn):6.2f}  {100 * tp / (tp + fp):6.2f}  "
          f"{raw_error:14.1f}  {corrected_error:14.1f}  {elapsed:8.2f}")
