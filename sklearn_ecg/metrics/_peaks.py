"""R-peak detection scoring: one-to-one matching of detections to reference beats.

Sensitivity and positive predictivity follow ANSI/AAMI EC57: a detection matches a
reference beat when they are at most 150 ms apart, each beat and each detection is
matched at most once, and ventricular flutter/fibrillation episodes are left out of
the count.
"""

import numpy as np

from ..utils import check_fs, check_peaks


def match_peaks(reference, detected, fs, *, tolerance=0.15):
    """Match detected R peaks to reference beats one to one.

    Pairs closer than ``tolerance`` seconds are matched, nearest first, so that
    each reference beat and each detection is used at most once.

    Parameters
    ----------
    reference : array-like of shape (n_reference,)
        Sample indices of the reference beats (for example annotations).
    detected : array-like of shape (n_detected,)
        Sample indices of the detections.
    fs : float
        Sampling frequency in Hz.
    tolerance : float, default=0.15
        Largest distance in seconds between a matched detection and its beat
        (150 ms in AAMI EC57).

    Returns
    -------
    ref_idx : ndarray of int
        Positions in the sorted, de-duplicated ``reference`` of the matched beats.
    det_idx : ndarray of int
        Positions in the sorted, de-duplicated ``detected`` of their matched detections,
        aligned with ``ref_idx``.

    Examples
    --------
    >>> from sklearn_ecg.metrics import match_peaks
    >>> match_peaks([100, 400, 700], [110, 390, 1000], fs=360)
    (array([0, 1]), array([0, 1]))
    """
    fs = check_fs(fs)
    if not np.isfinite(tolerance) or tolerance < 0:
        raise ValueError(f"tolerance must be a non-negative number of seconds, got {tolerance!r}")
    ref = check_peaks(reference, "reference")
    det = check_peaks(detected, "detected")
    if ref.size == 0 or det.size == 0:
        return np.empty(0, dtype=np.intp), np.empty(0, dtype=np.intp)
    tol = tolerance * fs
    # Candidate pairs: each detection with its nearest reference on either side.
    right = np.searchsorted(ref, det)
    cand_det = np.concatenate([np.arange(det.size), np.arange(det.size)])
    cand_ref = np.concatenate([right - 1, right])
    ok = (cand_ref >= 0) & (cand_ref < ref.size)
    cand_det, cand_ref = cand_det[ok], cand_ref[ok]
    dist = np.abs(ref[cand_ref] - det[cand_det])
    keep = dist <= tol
    cand_det, cand_ref, dist = cand_det[keep], cand_ref[keep], dist[keep]
    order = np.lexsort((cand_ref, dist))
    used_ref = np.zeros(ref.size, dtype=bool)
    used_det = np.zeros(det.size, dtype=bool)
    ref_idx, det_idx = [], []
    for k in order:  # nearest pairs first; at most two candidates per detection
        r, d = cand_ref[k], cand_det[k]
        if not used_ref[r] and not used_det[d]:
            used_ref[r] = used_det[d] = True
            ref_idx.append(r)
            det_idx.append(d)
    ref_idx = np.asarray(ref_idx, dtype=np.intp)
    det_idx = np.asarray(det_idx, dtype=np.intp)
    order = np.argsort(ref_idx)
    return ref_idx[order], det_idx[order]


def in_intervals(samples, intervals):
    """Which ``samples`` fall inside any ``[start, end)`` interval.

    Parameters
    ----------
    samples : ndarray of int
    intervals : array-like of shape (n_intervals, 2) or None

    Returns
    -------
    inside : ndarray of bool of the shape of ``samples``
    """
    samples = np.asarray(samples)
    inside = np.zeros(samples.shape, dtype=bool)
    if intervals is None:
        return inside
    for start, end in np.asarray(intervals, dtype=np.int64).reshape(-1, 2):
        inside |= (samples >= start) & (samples < end)
    return inside


def detection_scores(reference, detected, fs, *, tolerance=0.15, exclude=None):
    """Score R-peak detections against reference beats as in AAMI EC57.

    Parameters
    ----------
    reference : array-like of shape (n_reference,)
        Sample indices of the reference beats.
    detected : array-like of shape (n_detected,)
        Sample indices of the detections.
    fs : float
        Sampling frequency in Hz.
    tolerance : float, default=0.15
        Matching window in seconds.
    exclude : array-like of shape (n_intervals, 2), default=None
        ``[start, end)`` sample intervals left out of the count, such as the
        ventricular flutter episodes of a record (``vf_episodes`` of
        :func:`~sklearn_ecg.datasets.read_mitdb_record`): reference beats and
        detections inside them count neither way.

    Returns
    -------
    scores : dict
        ``tp``, ``fn``, ``fp`` (counts), ``sensitivity`` (tp / (tp + fn)),
        ``positive_predictivity`` (tp / (tp + fp)), ``mean_abs_error_ms``
        (mean absolute distance of matched pairs in milliseconds) and
        ``mean_error_ms`` (signed: positive when detections are late).

    Examples
    --------
    >>> from sklearn_ecg.metrics import detection_scores
    >>> s = detection_scores([100, 400, 700], [110, 390, 1000], fs=360)
    >>> s["tp"], s["fn"], s["fp"], round(s["sensitivity"], 3)
    (2, 1, 1, 0.667)
    """
    fs = check_fs(fs)
    ref = check_peaks(reference, "reference")
    det = check_peaks(detected, "detected")
    ref = ref[~in_intervals(ref, exclude)]
    det = det[~in_intervals(det, exclude)]
    ref_idx, det_idx = match_peaks(ref, det, fs, tolerance=tolerance)
    tp = int(ref_idx.size)
    fn = int(ref.size - tp)
    fp = int(det.size - tp)
    err = (det[det_idx] - ref[ref_idx]) * 1000.0 / fs
    return {
        "tp": tp,
        "fn": fn,
        "fp": fp,
        "sensitivity": tp / (tp + fn) if tp + fn else float("nan"),
        "positive_predictivity": tp / (tp + fp) if tp + fp else float("nan"),
        "mean_abs_error_ms": float(np.mean(np.abs(err))) if tp else float("nan"),
        "mean_error_ms": float(np.mean(err)) if tp else float("nan"),
    }
