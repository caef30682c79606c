"""Scoring a detector over annotated records: the loop the benchmark, the command
line and the examples share."""

import time

import numpy as np
import pandas as pd

from ..metrics import detection_scores
from ..utils._records import record_field
from ._detectors import detect_r_peaks


def evaluate_detector(records, detector="cnn", *, refine=True, tolerance=0.15):
    """Detect R peaks in annotated records and score them as in AAMI EC57.

    Parameters
    ----------
    records : list of Bunch
        Records with ``signal``, ``fs``, ``record``, ``r_peaks`` (the
        reference; ``beat_samples`` before 0.2, still read with a
        FutureWarning) and ``vf_episodes`` (as returned by
        :func:`~sklearn_ecg.datasets.read_mitdb_record`); ventricular flutter
        episodes are left out of the count.
    detector : str, default="cnn"
        A name of :data:`~sklearn_ecg.segmentation.DETECTORS`.
    refine : bool, default=True
        Move detections to the QRS peak, as :func:`detect_r_peaks` does.
    tolerance : float, default=0.15
        Matching window in seconds.

    Returns
    -------
    table : pandas.DataFrame
        One row per record and a last row ``"total"``: ``beats`` (annotated),
        ``tp``, ``fn``, ``fp``, ``sensitivity``, ``positive_predictivity``,
        ``mean_abs_error_ms`` (of matched peaks; the total weighs records by
        matches) and ``seconds`` (time spent detecting; the total row gives the
        mean per 30 minutes of signal).

    Examples
    --------
    >>> from sklearn_ecg.datasets import load_mitdb_sample
    >>> from sklearn_ecg.segmentation import evaluate_detector
    >>> table = evaluate_detector(load_mitdb_sample()[:2])
    >>> list(table.index)
    ['101', '119', 'total']
    >>> bool(table.loc["total", "sensitivity"] > 0.99)
    True
    """
    rows = {}
    per_30_min = []
    for rec in records:
        start = time.perf_counter()
        peaks = detect_r_peaks(rec.signal, rec.fs, detector, refine=refine)
        seconds = time.perf_counter() - start
        per_30_min.append(seconds * 1800.0 * rec.fs / rec.signal.size)
        reference = record_field(rec, "r_peaks")
        s = detection_scores(reference, peaks, rec.fs, tolerance=tolerance,
                             exclude=rec.vf_episodes)
        rows[str(rec.record)] = {"beats": len(reference), **s, "seconds": seconds}
    table = pd.DataFrame.from_dict(rows, orient="index")
    tp, fn, fp = (int(table[c].sum()) for c in ("tp", "fn", "fp"))
    errors = table["mean_abs_error_ms"].fillna(0) * table["tp"]
    table.loc["total"] = {
        "beats": int(table["beats"].sum()), "tp": tp, "fn": fn, "fp": fp,
        "sensitivity": tp / (tp + fn) if tp + fn else np.nan,
        "positive_predictivity": tp / (tp + fp) if tp + fp else np.nan,
        "mean_abs_error_ms": errors.sum() / tp if tp else np.nan,
        "mean_error_ms": np.nan,
        "seconds": float(np.mean(per_30_min)),
    }
    return table.drop(columns="mean_error_ms").astype({c: int for c in ("beats", "tp", "fn", "fp")})
