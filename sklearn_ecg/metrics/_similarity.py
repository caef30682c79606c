"""Metrics for similarity and verification scores (same person or not).

Functions of scores: :func:`equal_error_rate` reads a score's EER (and
:data:`eer_scorer` makes it a scorer); :func:`max_cross_correlation` is the
shift-invariant similarity of two sets of segments. The evaluation protocols
that sample pairs, enrol galleries and fuse segment scores into recording
scores live in :mod:`sklearn_ecg.model_selection`.
"""

import numpy as np
from sklearn.metrics import make_scorer, roc_curve
from sklearn.utils import check_array, column_or_1d

__all__ = [
    "eer_scorer",
    "equal_error_rate",
    "max_cross_correlation",
]


def equal_error_rate(y_true, y_score, *, sample_weight=None, return_threshold=False):
    """Equal error rate of a verification score: where false accepts equal false rejects.

    A pair is accepted as "same" when its score is at least a threshold. Raising
    the threshold trades false accepts (different pairs accepted, the false
    positive rate) for false rejects (same pairs rejected, the false negative
    rate); the equal error rate (EER) is the rate at which both are equal. It is
    read off the ROC curve, interpolating linearly between its two points that
    bracket ``fpr == fnr``.

    Parameters
    ----------
    y_true : array-like of shape (n_pairs,)
        1 (or True) for a same pair, 0 (or False) for a different pair.
    y_score : array-like of shape (n_pairs,)
        Higher means more alike, e.g. the output of
        :class:`~sklearn_ecg.neural.SiameseSimilarityRegressor` or a correlation.
        For a distance, pass its negative.
    sample_weight : array-like of shape (n_pairs,), default=None
        Weights of the pairs.
    return_threshold : bool, default=False
        Whether to also return the score threshold at the EER.

    Returns
    -------
    eer : float
        Equal error rate in [0, 1]; 0 for perfectly separated scores, about
        0.5 for scores unrelated to the labels.
    threshold : float
        Score threshold at the EER (interpolated). Only returned when
        ``return_threshold=True``.

    See Also
    --------
    sklearn.metrics.roc_curve : The curve the EER is read from.
    eer_scorer : The EER as a scorer for ``GridSearchCV`` and ``cross_val_score``.

    Examples
    --------
    >>> from sklearn_ecg.metrics import equal_error_rate
    >>> equal_error_rate([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.5
    >>> equal_error_rate([0, 0, 1, 1], [0.1, 0.2, 0.7, 0.8])
    0.0
    """
    y_true = column_or_1d(y_true)
    y_score = column_or_1d(y_score).astype(float)
    if y_true.shape != y_score.shape:
        raise ValueError(
            f"y_true and y_score must have the same length, got {y_true.shape[0]} and {y_score.shape[0]}"
        )
    labels = np.unique(y_true)
    if not np.all(np.isin(labels, [0, 1])) or labels.size != 2:
        raise ValueError(
            f"y_true must hold both 0 (different) and 1 (same), got values {labels.tolist()}"
        )
    if not np.all(np.isfinite(y_score)):
        raise ValueError("y_score must be finite")
    fpr, tpr, thresholds = roc_curve(y_true, y_score, sample_weight=sample_weight,
                                     drop_intermediate=False)
    fnr = 1.0 - tpr
    gap = fnr - fpr  # decreasing from 1 (nothing accepted) to -1 (everything accepted)
    k = int(np.argmax(gap <= 0))  # first point where false accepts reach false rejects
    if gap[k] == 0 or k == 0:
        eer, threshold = fpr[k], thresholds[k]
    else:
        # Interpolate between point k-1 (gap > 0) and point k (gap < 0).
        w = gap[k - 1] / (gap[k - 1] - gap[k])
        eer = fpr[k - 1] + w * (fpr[k] - fpr[k - 1])
        t0 = thresholds[k - 1] if np.isfinite(thresholds[k - 1]) else thresholds[k]
        threshold = t0 + w * (thresholds[k] - t0)
    eer = float(eer)
    return (eer, float(threshold)) if return_threshold else eer


#: The equal error rate as a scorer (lower is better, so scikit-learn negates it:
#: ``GridSearchCV(..., scoring=eer_scorer)`` maximises ``-EER``). It scores the
#: ``predict`` output of a similarity regressor.
eer_scorer = make_scorer(equal_error_rate, greater_is_better=False, response_method="predict")


def _z_rows(X, name):
    centred = X - X.mean(axis=1, keepdims=True)
    scale = np.sqrt((centred**2).mean(axis=1))
    flat = np.flatnonzero(scale == 0)
    if flat.size:
        raise ValueError(
            f"{name} has constant rows {flat[:10].tolist()}: a flat segment has no "
            "correlation with anything; drop it before scoring"
        )
    return centred / scale[:, None]


def max_cross_correlation(X, Y=None):
    """Maximum normalised cross-correlation of every pair of segments.

    A similarity that needs no training and does not care where in a window
    the beats fall: each segment is centred and scaled to unit variance, and
    two segments score the largest of their cross-correlations over every
    lag, divided by the segment length (Pearson's r at lag 0; at other lags
    the overlap shrinks, so a shift costs a little). It is the shift-invariant
    baseline a learned similarity of raw windows has to beat, and a callable
    ``similarity(A, B)`` for :func:`verification_scores`,
    :func:`identification_accuracy` and :func:`recording_scores`.

    Parameters
    ----------
    X : array-like of shape (n_segments_X, n_samples)
        Segments, one per row.
    Y : array-like of shape (n_segments_Y, n_samples), default=None
        Other segments of the same length; None scores ``X`` against itself.

    Returns
    -------
    scores : ndarray of shape (n_segments_X, n_segments_Y)
        In [-1, 1]; 1 for a segment against a copy of itself, shifted or not
        by whole samples within its length (up to the lost overlap).

    Raises
    ------
    ValueError
        If a segment is constant, has NaN, or ``X`` and ``Y`` differ in length.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.metrics import max_cross_correlation
    >>> t = np.linspace(0, 1, 200, endpoint=False)
    >>> beat = np.exp(-((t - 0.3) / 0.02) ** 2)
    >>> shifted = np.roll(beat, 40)
    >>> round(float(np.corrcoef(beat, shifted)[0, 1]), 2)
    -0.06
    >>> round(float(max_cross_correlation([beat], [shifted])[0, 0]), 2)
    1.0
    """
    X = check_array(X, dtype=np.float64, input_name="X")
    Y = X if Y is None else check_array(Y, dtype=np.float64, input_name="Y")
    if X.shape[1] != Y.shape[1]:
        raise ValueError(
            f"X and Y must hold segments of one length, got {X.shape[1]} and {Y.shape[1]} samples"
        )
    n = X.shape[1]
    if n < 2:
        raise ValueError(f"segments need at least 2 samples to correlate, got {n}")
    zx, zy = _z_rows(X, "X"), _z_rows(Y, "Y")
    length = 2 * n  # zero padding: circular shifts never wrap one beat onto another
    fy = np.conj(np.fft.rfft(zy, length))
    scores = np.empty((len(zx), len(zy)))
    # Rows of X in chunks, so that the (chunk, n_Y, 2n) products stay near 64 MB.
    chunk = max(1, int(8e6 // max(1, len(zy) * length)))
    for start in range(0, len(zx), chunk):
        fx = np.fft.rfft(zx[start : start + chunk], length)
        correlations = np.fft.irfft(fx[:, None, :] * fy[None, :, :], length)
        scores[start : start + chunk] = correlations.max(axis=2) / n
    return scores
