"""Beat-classification metrics as reported in the arrhythmia literature (AAMI EC57).

Papers on MIT-BIH report, per AAMI class, the sensitivity (recall) and the
positive predictivity (precision), usually for the four classes N, S, V and F,
and summarise with macro-F1. These functions compute exactly those figures, and
:data:`aami_macro_f1_scorer` plugs macro-F1 into ``GridSearchCV(scoring=...)``.
"""

import numpy as np
import pandas as pd
from sklearn.metrics import confusion_matrix, make_scorer
from sklearn.utils.validation import check_consistent_length

from ..utils._vocabulary import AAMI_EVALUATION_CLASSES


def _check(y_true, y_pred, classes):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    check_consistent_length(y_true, y_pred)
    classes = list(classes)
    if not classes:
        raise ValueError("classes must name at least one class")
    return y_true, y_pred, classes


def aami_report(y_true, y_pred, *, classes=AAMI_EVALUATION_CLASSES):
    """Sensitivity, positive predictivity and F1 of each class.

    Beats of other classes (for example Q) count where they matter: a V beat
    called Q is a missed V, a Q beat called V is a false V.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_beats,)
        True and predicted AAMI labels.
    classes : sequence of str, default=("N", "S", "V", "F")
        Classes to report, in this order.

    Returns
    -------
    report : pandas.DataFrame
        One row per class: ``sensitivity`` = TP / (TP + FN),
        ``positive_predictivity`` = TP / (TP + FP), ``f1``,
        ``false_positive_rate`` = FP / (FP + TN), ``support`` (true beats).
        A ratio whose denominator is zero is NaN.

    Examples
    --------
    >>> from sklearn_ecg.metrics import aami_report
    >>> aami_report(["N", "N", "V", "S"], ["N", "V", "V", "N"])[["sensitivity", "positive_predictivity"]]
           sensitivity  positive_predictivity
    class
    N              0.5                    0.5
    S              0.0                    NaN
    V              1.0                    0.5
    F              NaN                    NaN
    """
    y_true, y_pred, classes = _check(y_true, y_pred, classes)
    everything = list(dict.fromkeys(list(classes) + list(np.unique(np.concatenate([y_true, y_pred])))))
    cm = confusion_matrix(y_true, y_pred, labels=everything)
    tp = np.diag(cm)[: len(classes)].astype(float)
    fn = cm.sum(axis=1)[: len(classes)] - tp
    fp = cm.sum(axis=0)[: len(classes)] - tp
    tn = cm.sum() - tp - fn - fp
    with np.errstate(invalid="ignore", divide="ignore"):
        se = np.where(tp + fn > 0, tp / (tp + fn), np.nan)
        ppv = np.where(tp + fp > 0, tp / (tp + fp), np.nan)
        f1 = np.where(2 * tp + fn + fp > 0, 2 * tp / (2 * tp + fn + fp), np.nan)
        fpr = np.where(fp + tn > 0, fp / (fp + tn), np.nan)
    return pd.DataFrame(
        {"sensitivity": se, "positive_predictivity": ppv, "f1": f1,
         "false_positive_rate": fpr, "support": (tp + fn).astype(int)},
        index=pd.Index(classes, name="class"),
    )


def aami_macro_f1(y_true, y_pred, *, classes=AAMI_EVALUATION_CLASSES):
    """Mean F1 over the AAMI classes present in ``y_true``.

    Classes absent from ``y_true`` (an F-free fold, say) are left out of the
    mean rather than counted as zero.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_beats,)
    classes : sequence of str, default=("N", "S", "V", "F")

    Returns
    -------
    score : float

    Examples
    --------
    >>> from sklearn_ecg.metrics import aami_macro_f1
    >>> round(aami_macro_f1(["N", "N", "V", "S"], ["N", "V", "V", "N"]), 3)
    0.389
    """
    report = aami_report(y_true, y_pred, classes=classes)
    present = report["support"] > 0
    if not present.any():
        raise ValueError(f"y_true holds none of the classes {list(report.index)}")
    return float(report.loc[present, "f1"].mean())


aami_macro_f1_scorer = make_scorer(aami_macro_f1)
"""Scorer for ``GridSearchCV(scoring=aami_macro_f1_scorer)``: macro-F1 over N, S, V, F."""
