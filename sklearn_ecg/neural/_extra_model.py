"""The classifier of the extra columns whose probabilities HeartbeatCNNClassifier averages with its own."""

import warnings

import numpy as np
from sklearn import config_context
from sklearn.base import clone
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import f1_score
from sklearn.utils.validation import has_fit_parameter

from ._keras import _validation_split


def fit_validated_boosting(X, y, *, groups=None, sample_weight=None, max_iter=300, learning_rate=0.1,
                           validation_fraction=0.2, random_state=None):
    """Class-balanced gradient boosting whose number of iterations is chosen on held-out rows.

    A probe with ``max_iter`` iterations is trained on all but
    ``validation_fraction`` of the rows (of the patients, when ``groups`` holds
    at least two); the number of iterations whose predictions have the best
    macro-F1 on the rest (every class of ``y`` present there counted) is kept,
    and the model is refitted with it on all rows. Choosing by macro-F1 on
    other patients, rather than by the loss on random beats, stops the
    boosting where it still generalises to new people and favours the rare
    classes as the AAMI scores do. When the probe's or the held-out rows hold
    a single class, there is nothing to choose by: the model keeps
    ``max_iter`` iterations and a warning says so.

    Parameters
    ----------
    X : ndarray of shape (n_rows, n_features)
    y : ndarray of shape (n_rows,)
    groups : ndarray of shape (n_rows,), default=None
        The patient of each row.
    sample_weight : ndarray of shape (n_rows,), default=None
    max_iter : int, default=300
        Iterations of the probe: the most the model can have.
    learning_rate : float, default=0.1
    validation_fraction : float, default=0.2
    random_state : int or None, default=None
        Seeds the split (and the boosting's own draws).

    Returns
    -------
    model : HistGradientBoostingClassifier
        Fitted on all rows, with ``max_iter`` set to the chosen iterations.
    """
    model = HistGradientBoostingClassifier(max_iter=max_iter, learning_rate=learning_rate,
                                           class_weight="balanced", early_stopping=False,
                                           random_state=random_state)
    inner, val = _validation_split(len(y), validation_fraction, y, groups, random_state)
    weight = {} if sample_weight is None else {"sample_weight": sample_weight[inner]}
    labels = np.unique(y[val])
    if labels.size < 2 or np.unique(y[inner]).size < 2:
        warnings.warn(
            f"extra_model='boosting': the {'held-out' if labels.size < 2 else 'training'} part of "
            f"the split that chooses its iterations holds one class only, so it keeps "
            f"max_iter={max_iter} iterations",
            UserWarning, stacklevel=2,
        )
        best = max_iter
    else:
        probe = clone(model).fit(X[inner], y[inner], **weight)
        scores = [f1_score(y[val], pred, labels=labels, average="macro", zero_division=0)
                  for pred in probe.staged_predict(X[val])]
        best = int(np.argmax(scores)) + 1
    weight = {} if sample_weight is None else {"sample_weight": sample_weight}
    return clone(model).set_params(max_iter=best).fit(X, y, **weight)


def fit_extra_model(spec, X, y, groups, sample_weight, random_state, classes):
    """Fit ``extra_model`` (``"boosting"`` or a classifier) on the extra columns ``X``.

    The classifier's parameters are validated although the network's ``fit``
    skips nested validation, and its ``classes_`` must be ``classes``, the
    network's, in that order: their probability columns are averaged.
    """
    if isinstance(spec, str):
        return fit_validated_boosting(X, y, groups=groups, sample_weight=sample_weight,
                                      random_state=random_state)
    model = clone(spec)
    if sample_weight is not None and not has_fit_parameter(model, "sample_weight"):
        raise ValueError(
            f"sample_weight was given, but extra_model={spec!r} does not accept sample_weight in fit"
        )
    with config_context(skip_parameter_validation=False):
        model.fit(X, y, **({} if sample_weight is None else {"sample_weight": sample_weight}))
    fitted = getattr(model, "classes_", None)
    if fitted is None or not np.array_equal(np.asarray(fitted), classes):
        raise ValueError(
            f"extra_model={spec!r} must learn the classes {classes.tolist()} in that order "
            f"(classes_), as the network does, to average their probabilities; it has "
            f"{None if fitted is None else np.asarray(fitted).tolist()}"
        )
    return model

