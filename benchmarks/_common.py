"""What the classification benchmarks share: the MIT-BIH beats of the data home.

Beats follow the original classifier's datasets: 187 samples at 125 Hz (a window
of 1.496 s from 0.3 s before the R peak, so that the next R peak of a normal
rhythm falls inside it), min-max normalised to [0, 1].
"""

import numpy as np
from scipy import stats

from sklearn_ecg.datasets import MITDB_PACED_RECORDS, list_mitdb_records, make_beat_dataset, read_mitdb_record
from sklearn_ecg.preprocessing import BeatNormalizer

BEFORE, AFTER, N_SAMPLES = 0.3, 1.196, 187


def load_beats(classes, *, include_paced, data_home=None):
    """Beats X (min-max, 187 samples), labels, patient groups and RR features."""
    names = [r for r in list_mitdb_records(data_home)
             if include_paced or r not in MITDB_PACED_RECORDS]
    if not names:
        raise SystemExit("no MIT-BIH records found: set SKLEARN_ECG_DATA")
    records = [read_mitdb_record(r, data_home, lead=("MLII", "V5")) for r in names]
    data = make_beat_dataset(records, before=BEFORE, after=AFTER, beat_length=N_SAMPLES,
                             classes=classes)
    data.X = BeatNormalizer("minmax").fit_transform(data.X).astype("float32")
    data.records = names
    return data


def mean_ci(values, confidence=0.95):
    """Mean and half-width of the t-based confidence interval over folds."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    if values.size < 2:
        return float(np.mean(values)) if values.size else float("nan"), float("nan")
    half = stats.t.ppf(0.5 + confidence / 2, values.size - 1) * values.std(ddof=1) / np.sqrt(values.size)
    return float(values.mean()), float(half)


def fmt(values, scale=100.0):
    mean, half = mean_ci(values)
    return f"{scale * mean:.1f} ± {scale * half:.1f}"
