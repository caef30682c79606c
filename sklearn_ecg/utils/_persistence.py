"""Saving and sharing fitted models safely, with skops.

``joblib`` and ``pickle`` files run whatever code they name when loaded: a model
received from someone else can take over the machine. ``skops.io`` files hold
the state as NumPy arrays and plain types, and loading refuses every type that
is not trusted. :func:`load_model` trusts scikit-learn's and NumPy's own types
(skops's defaults, and the trees of histogram gradient boosting) and
sklearn-ecg's (:func:`trusted_types`), nothing else.
"""

import importlib
import inspect

# The packages whose classes a saved model may hold.
_MODEL_MODULES = (
    "sklearn_ecg.neural",
    "sklearn_ecg.preprocessing",
    "sklearn_ecg.segmentation",
    "sklearn_ecg.model_selection",
    "sklearn_ecg.pipeline",
)

# scikit-learn's types a saved model may hold that skops does not trust by default:
# the trees of the gradient boosting HeartbeatCNNClassifier averages with its
# network (extra_model="boosting"), which hold arrays and numbers only.
_SKLEARN_TYPES = ("sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",)


def trusted_types():
    """The fully qualified names of the classes a saved model may hold, beyond skops's defaults.

    sklearn-ecg's estimators, transformers and splitters, the pretrained
    encoder a classifier may be built with, and the tree type of scikit-learn's
    histogram gradient boosting (the classifier's ``extra_model``); the names as
    ``skops.io`` writes them.

    Returns
    -------
    names : list of str
    """
    from sklearn.base import BaseEstimator
    from sklearn.model_selection import BaseCrossValidator

    names = set()
    for module_name in _MODEL_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError:
            continue
        for obj in vars(module).values():
            if (inspect.isclass(obj) and obj.__module__.startswith("sklearn_ecg.")
                    and (issubclass(obj, (BaseEstimator, BaseCrossValidator))
                         or obj.__name__ == "PretrainedEncoder")):
                names.add(f"{obj.__module__}.{obj.__qualname__}")
    return sorted(names | set(_SKLEARN_TYPES))


def save_model(model, file):
    """Save a fitted estimator or pipeline with ``skops.io``, for sharing.

    Keras-backed estimators are stored as their weights (NumPy arrays) and a
    description of their network in plain types, so the file loads without
    TensorFlow and predicts without it with ``inference="numpy"``.

    Parameters
    ----------
    model : object
        A fitted estimator, pipeline or search.
    file : str or path-like
        Where to write, conventionally ``*.skops``. The archive is compressed
        (deflate), which makes files of tree ensembles several times smaller.
    """
    import zipfile

    import skops.io

    skops.io.dump(model, file, compression=zipfile.ZIP_DEFLATED, compresslevel=9)


def load_model(file, *, trusted=None):
    """Load a model saved by :func:`save_model`, refusing any type not trusted.

    Parameters
    ----------
    file : str or path-like
        A file written by :func:`save_model` (or ``skops.io.dump``).
    trusted : sequence of str, default=None
        Further fully qualified type names to trust, e.g. a third-party
        estimator of the pipeline. Look at ``skops.io.get_untrusted_types``
        before adding any.

    Returns
    -------
    model : object

    Raises
    ------
    skops.io.exceptions.UntrustedTypesFoundException
        If the file names a type that is neither skops's default, sklearn-ecg's
        nor in ``trusted``: the file was tampered with or holds foreign code.
    ValueError
        If ``file`` is not a skops archive (empty, truncated, a joblib or CSV
        file renamed).
    """
    import zipfile

    import skops.io

    extra = [] if trusted is None else list(trusted)
    if not all(isinstance(name, str) for name in extra):
        raise TypeError(f"trusted must be a sequence of type names (str), got {trusted!r}")
    own = trusted_types()
    try:
        return skops.io.load(file, trusted=own + [t for t in extra if t not in own])
    except zipfile.BadZipFile:
        raise ValueError(
            f"{file} is not a skops file (a zip archive): an empty, truncated or renamed file; "
            "a model saved with joblib loads with joblib.load"
        ) from None


def set_inference(model, inference):
    """Set how every Keras-backed estimator inside a fitted model runs its network.

    Works on a fitted estimator, a pipeline, a
    :class:`~sklearn_ecg.pipeline.RecordBeatClassifier` (its fitted
    ``estimator_``) and any nesting of them: each ``inference`` parameter
    found is set, so that a deployed model predicts without TensorFlow
    (``"numpy"``) or through Keras (``"keras"``).

    Parameters
    ----------
    model : estimator object
    inference : {"numpy", "keras"}

    Returns
    -------
    n_set : int
        How many fitted estimators were set (0 for a model without a network);
        the unfitted template of a meta-estimator is set too, for a refit.
    """
    if inference not in ("numpy", "keras"):
        raise ValueError(f"inference must be 'numpy' or 'keras', got {inference!r}")
    n_set = 0
    fitted = getattr(model, "estimator_", None)
    for obj in (model, fitted):
        if obj is None or not hasattr(obj, "get_params"):
            continue
        keys = [k for k in obj.get_params(deep=True) if k == "inference" or k.endswith("__inference")]
        if keys:
            obj.set_params(**{k: inference for k in keys})
        if fitted is None or obj is fitted:
            n_set = len(keys)
    return n_set
