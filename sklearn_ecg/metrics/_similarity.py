"""Metrics for similarity and verification scores (same person or not)."""

import numpy as np
from sklearn.metrics import make_scorer, roc_curve
from sklearn.utils import column_or_1d

__all__ = ["eer_scorer", "equal_error_rate"]


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
