"""HeartbeatCNNClassifier: the 1-D CNN heartbeat classifier as a scikit-learn estimator."""

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.exceptions import NotFittedError
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from ._architectures import (
    PretrainedEncoder,
    build_classifier,
    build_conv_encoder,
    check_conv_architecture,
)
from ._keras import KerasEstimatorMixin, import_keras


class HeartbeatCNNClassifier(ClassifierMixin, KerasEstimatorMixin, BaseEstimator):
    """1-D convolutional heartbeat classifier (Keras), with transfer learning.

    The default network is the beat classifier of Kachuee et al. (2018) as
    published with the MIT-BIH beat datasets: input (187, 1); two Conv1D of 16
    filters (kernel 5, ReLU, valid padding), max-pool 2, dropout 0.1; three
    blocks of two Conv1D of 32 filters (kernel 3), max-pool 2, dropout 0.1; two
    Conv1D of 256 filters (kernel 3); global max-pool; dropout 0.2; Dense 64,
    Dense 64 (ReLU); softmax over the classes (one sigmoid unit for two). Adam
    with learning rate 0.001. Every size is a parameter.

    TensorFlow is imported when the classifier is fitted, used or unpickled,
    never when it is created: ``import sklearn_ecg`` and building parameter
    grids stay fast.

    Parameters
    ----------
    conv_filters : tuple of int, default=(16, 32, 32, 32, 256)
        Filters of each convolutional block; each block has two Conv1D layers,
        and every block but the last ends with max-pooling and dropout.
    kernel_size : int or tuple of int, default=(5, 3, 3, 3, 3)
        Kernel size of each block's convolutions.
    padding : {"valid", "same"}, default="valid"
        Padding of convolutions and pooling; ``"valid"`` needs beats long
        enough for the stack (about 90 samples with the defaults).
    conv_dropout : float, default=0.1
        Dropout after each pooled block.
    dense_units : tuple of int, default=(64, 64)
        Units of the dense ReLU layers of the head.
    dense_dropout : float, default=0.2
        Dropout on the pooled convolutional features.
    extra_features : int, sequence of str or int, or None, default=None
        Scalar columns joined to the convolutional features before the dense
        layers, such as the RR-interval features of
        :class:`~sklearn_ecg.RPeakSegmenter`, so that premature beats can be
        told apart by their timing: an int ``k`` takes the last ``k`` columns of
        a 2-D ``X``; names take those columns of a DataFrame; a sequence of ints
        takes those positions. The other columns are the beat. They are
        standardised with statistics learned in ``fit``.
    learning_rate : float, default=0.001
        Adam's learning rate.
    epochs : int, default=30
        Maximum number of epochs (per call of ``fit``).
    batch_size : int, default=256
        Beats per gradient step.
    validation_fraction : float, default=0.1
        Share of the training beats held out (stratified by class) to decide
        early stopping.
    early_stopping : bool, default=True
        Stop when the validation loss has not improved for ``patience`` epochs
        and restore the weights of the best epoch.
    patience : int, default=5
        Epochs without improvement before stopping.
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes in the loss; ``"balanced"`` weighs them
        inversely to their frequency, as scikit-learn does.
    pretrained : PretrainedEncoder or fitted estimator, default=None
        Initialise the convolutional encoder from another fitted
        HeartbeatCNNClassifier (or its ``export_encoder()``, which survives
        ``clone`` and so works inside ``GridSearchCV``), as in the original
        work's transfer learning between datasets. The architecture parameters
        must match the encoder's.
    freeze_encoder : bool, default=False
        With ``pretrained``, keep the convolutional layers fixed and train the
        head only; otherwise all layers are fine-tuned.
    warm_start : bool, default=False
        Continue training the fitted network on the next call of ``fit``
        (optimizer state included, also after unpickling).
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, dropout, shuffling and the validation
        split. Two fits with the same int give identical predictions on CPU.
        The seeding is undone after ``fit``.
    verbose : int, default=0
        Keras's progress output: 0 silent, 1 progress bar, 2 one line per epoch.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels, of any type (``"N"``, ``"S"``, ``"V"``, ``"F"``, ``"Q"`` …).
    n_features_in_ : int
        Number of columns of ``X`` (samples per beat for 3-D input).
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names, when ``X`` was a DataFrame of string names.
    beat_shape_ : tuple of int
        ``(n_samples, n_leads)`` of one beat as the network sees it.
    extra_indices_ : ndarray of int
        Columns of ``X`` used as extra scalar features.
    model_ : keras.Model
        The trained network.
    history_ : dict of list
        Loss per epoch (``loss``, ``val_loss``), over all calls of ``fit``.
    n_epochs_ : int
        Epochs trained so far.

    See Also
    --------
    sklearn_ecg.RPeakSegmenter : Beats and RR-interval features from a signal.
    sklearn_ecg.BeatNormalizer : Min-max normalisation and resampling to 187 samples.
    sklearn_ecg.metrics.aami_report : Sensitivity and positive predictivity per class.

    Notes
    -----
    Kachuee M, Fazeli S, Sarrafzadeh M. ECG Heartbeat Classification: A Deep
    Transferable Representation. IEEE ICHI (2018).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.neural import HeartbeatCNNClassifier
    >>> rng = np.random.default_rng(0)
    >>> t = np.linspace(0, 1, 100)
    >>> X = np.vstack([np.exp(-((t - c) ** 2) / 0.002) for c in rng.uniform(0.3, 0.7, 40)])
    >>> y = np.where(X.argmax(axis=1) < 50, "early", "late")
    >>> clf = HeartbeatCNNClassifier(conv_filters=(8, 8), kernel_size=5, dense_units=(16,),
    ...                              epochs=3, random_state=0).fit(X, y)
    >>> clf.classes_
    array(['early', 'late'], dtype='<U5')
    >>> clf.predict_proba(X[:2]).shape
    (2, 2)
    """

    _parameter_constraints: dict = {
        "conv_filters": ["array-like"],
        "kernel_size": [Interval(Integral, 1, None, closed="left"), "array-like"],
        "padding": [StrOptions({"valid", "same"})],
        "conv_dropout": [Interval(Real, 0, 1, closed="left")],
        "dense_units": ["array-like"],
        "dense_dropout": [Interval(Real, 0, 1, closed="left")],
        "extra_features": [None, Interval(Integral, 0, None, closed="left"), "array-like"],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "early_stopping": ["boolean"],
        "patience": [Interval(Integral, 0, None, closed="left")],
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "pretrained": "no_validation",
        "freeze_encoder": ["boolean"],
        "warm_start": ["boolean"],
        "random_state": ["random_state"],
        "verbose": [Interval(Integral, 0, 2, closed="both")],
    }

    def __init__(
        self,
        conv_filters=(16, 32, 32, 32, 256),
        kernel_size=(5, 3, 3, 3, 3),
        padding="valid",
        conv_dropout=0.1,
        dense_units=(64, 64),
        dense_dropout=0.2,
        extra_features=None,
        learning_rate=0.001,
        epochs=30,
        batch_size=256,
        validation_fraction=0.1,
        early_stopping=True,
        patience=5,
        class_weight=None,
        pretrained=None,
        freeze_encoder=False,
        warm_start=False,
        random_state=None,
        verbose=0,
    ):
        self.conv_filters = conv_filters
        self.kernel_size = kernel_size
        self.padding = padding
        self.conv_dropout = conv_dropout
        self.dense_units = dense_units
        self.dense_dropout = dense_dropout
        self.extra_features = extra_features
        self.learning_rate = learning_rate
        self.epochs = epochs
        self.batch_size = batch_size
        self.validation_fraction = validation_fraction
        self.early_stopping = early_stopping
        self.patience = patience
        self.class_weight = class_weight
        self.pretrained = pretrained
        self.freeze_encoder = freeze_encoder
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose

    # -- data -------------------------------------------------------------------

    def _extra_indices(self, X):
        spec = self.extra_features
        if spec is None or (isinstance(spec, Integral) and spec == 0):
            return np.empty(0, dtype=np.intp)
        if X.ndim != 2:
            raise ValueError("extra_features needs 2-D X (beat columns then extra columns)")
        n = X.shape[1]
        if isinstance(spec, Integral):
            if spec >= n:
                raise ValueError(f"extra_features={spec} leaves no beat column in X of {n} columns")
            return np.arange(n - spec, n)
        spec = list(spec)
        if all(isinstance(s, str) for s in spec):
            names = getattr(self, "feature_names_in_", None)
            if names is None:
                raise ValueError("extra_features given as names needs X as a DataFrame with those columns")
            missing = [s for s in spec if s not in list(names)]
            if missing:
                raise ValueError(f"extra_features {missing} are not columns of X")
            return np.array([list(names).index(s) for s in spec], dtype=np.intp)
        if all(isinstance(s, Integral) for s in spec) and all(0 <= s < n for s in spec):
            positions = np.unique(np.asarray(spec, dtype=np.intp))
            if positions.size != len(spec) or positions.size >= n:
                raise ValueError(
                    f"extra_features must name distinct columns and leave at least one "
                    f"beat column, got {self.extra_features!r} for X of {n} columns"
                )
            return positions
        raise ValueError(
            f"extra_features must be an int, column names or column positions of X, got {self.extra_features!r}"
        )

    def _network_inputs(self, X):
        """Split validated X into the beat tensor and the standardised extra columns."""
        X = np.asarray(X, dtype="float32")
        if X.ndim == 3:
            if self.extra_indices_.size or X.shape[1:] != self.beat_shape_:
                raise ValueError(
                    f"X has beats of shape {X.shape[1:]}, but this classifier was fitted on "
                    f"beats of shape {self.beat_shape_}"
                    + (" followed by extra columns (2-D X)" if self.extra_indices_.size else "")
                )
            return [X]
        if self.beat_shape_[1] != 1:
            raise ValueError(
                f"X is 2-D, but this classifier was fitted on beats of {self.beat_shape_[1]} "
                f"leads: pass X of shape (n_beats, {self.beat_shape_[0]}, {self.beat_shape_[1]})"
            )
        beat_columns = np.setdiff1d(np.arange(X.shape[1]), self.extra_indices_)
        beat = X[:, beat_columns, None]
        if self.extra_indices_.size == 0:
            return [beat]
        extra = (X[:, self.extra_indices_] - self.extra_mean_) / self.extra_scale_
        return [beat, extra.astype("float32")]

    # -- model ------------------------------------------------------------------

    def _pretrained_encoder(self):
        source = self.pretrained
        if source is None or isinstance(source, PretrainedEncoder):
            return source
        if hasattr(source, "export_encoder"):
            try:
                return source.export_encoder()
            except NotFittedError as exc:
                raise ValueError(
                    "pretrained must be fitted; inside GridSearchCV (which clones "
                    "its parameters) pass pretrained=fitted.export_encoder() instead"
                ) from exc
        raise ValueError(
            "pretrained must be None, a PretrainedEncoder or a fitted estimator with "
            f"export_encoder(), got {type(source).__name__}"
        )

    def _architecture(self, beat_shape=None):
        beat_shape = self.beat_shape_ if beat_shape is None else beat_shape
        kernels = check_conv_architecture(
            self.conv_filters, self.kernel_size, self.padding, beat_shape[0]
        )
        return {
            "conv_filters": tuple(int(f) for f in self.conv_filters),
            "kernel_size": tuple(int(k) for k in kernels),
            "padding": self.padding,
            "conv_dropout": float(self.conv_dropout),
        }

    def _build_keras_model(self):
        keras = import_keras()
        arch = self._architecture()
        encoder = build_conv_encoder(keras, self.beat_shape_, **arch)
        pretrained = self._pretrained_encoder()
        if pretrained is not None:
            encoder.set_weights(pretrained.weights)
            encoder.trainable = not self.freeze_encoder
        return build_classifier(
            keras, encoder, n_extra=self.extra_indices_.size,
            dense_units=tuple(int(u) for u in self.dense_units),
            dense_dropout=self.dense_dropout, n_classes=len(self.classes_),
            learning_rate=self.learning_rate,
        )

    def _check_pretrained(self, beat_shape):
        pretrained = self._pretrained_encoder()
        if pretrained is None:
            return
        arch = self._architecture(beat_shape)
        mine = {k: arch[k] for k in ("conv_filters", "kernel_size", "padding")}
        theirs = {k: tuple(v) if isinstance(v, (list, tuple)) else v
                  for k, v in pretrained.architecture.items() if k in mine}
        if mine != theirs:
            raise ValueError(
                f"pretrained encoder ({pretrained.source}) has architecture {theirs}, but this "
                f"classifier has {mine}; set the same conv_filters, kernel_size and padding"
            )
        if tuple(pretrained.input_shape) != tuple(beat_shape):
            raise ValueError(
                f"pretrained encoder was trained on beats of shape {pretrained.input_shape}, "
                f"but X has beats of shape {beat_shape}; resample the beats to match"
            )

    def export_encoder(self):
        """The trained convolutional encoder, to initialise another estimator.

        Returns
        -------
        encoder : PretrainedEncoder
            Weights and architecture; pass it as ``pretrained=`` (with the same
            ``conv_filters``, ``kernel_size`` and ``padding``).
        """
        check_is_fitted(self)
        return PretrainedEncoder(
            self._architecture(), self.beat_shape_,
            self.model_.get_layer("encoder").get_weights(), "HeartbeatCNNClassifier",
        )

    # -- estimator API ------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Train the network.

        Parameters
        ----------
        X : array-like of shape (n_beats, n_samples) or (n_beats, n_samples, n_leads)
            Beats, optionally followed by extra scalar columns (2-D only, see
            ``extra_features``).
        y : array-like of shape (n_beats,)
            Class labels of any type.
        sample_weight : array-like of shape (n_beats,), default=None
            Weights of the beats in the loss (multiplied by ``class_weight``).

        Returns
        -------
        self : object
            The fitted classifier.
        """
        refit = self.warm_start and hasattr(self, "model_")
        if not refit:
            # A fit that fails leaves the classifier unfitted, never an old
            # network under new labels.
            self.__dict__.pop("model_", None)
        X, y = validate_data(self, X, y, reset=not refit, allow_nd=True, dtype="float32")
        if X.ndim > 3:
            raise ValueError(f"X must be 2-D or 3-D (beats, samples[, leads]), got shape {X.shape}")
        check_classification_targets(y)
        classes, encoded = np.unique(y, return_inverse=True)
        if refit and not np.array_equal(classes, self.classes_):
            raise ValueError(
                f"warm_start: y has classes {classes.tolist()}, but the fitted network "
                f"knows {self.classes_.tolist()}"
            )
        if len(classes) < 2:
            raise ValueError(f"y must hold at least two classes, got one class: {classes.tolist()}")
        extra = self._extra_indices(X)
        beat_shape = (X.shape[1], X.shape[2]) if X.ndim == 3 else (X.shape[1] - extra.size, 1)
        beat_shape = tuple(int(s) for s in beat_shape)
        if refit and (beat_shape != self.beat_shape_ or not np.array_equal(extra, self.extra_indices_)):
            raise ValueError("warm_start: X has a different shape than in the first fit")
        # Checked before a warm start changes anything and before TensorFlow is imported.
        self._architecture(beat_shape)
        self._check_pretrained(beat_shape)
        if not refit:
            self.classes_ = classes
            self.extra_indices_ = extra
            self.beat_shape_ = beat_shape
            if extra.size:
                values = X[:, extra].astype(float)
                self.extra_mean_ = values.mean(axis=0).astype("float32")
                scale = values.std(axis=0)
                self.extra_scale_ = np.where(scale > 0, scale, 1.0).astype("float32")

        weights = _check_sample_weight(sample_weight, X, dtype=np.float64)
        if self.class_weight is not None:
            if self.class_weight == "balanced":
                per_class = compute_class_weight("balanced", classes=classes, y=y)
            else:
                per_class = np.array([self.class_weight.get(c, 1.0) for c in classes])
            weights = weights * per_class[encoded]
        targets = encoded.astype("float32" if len(classes) == 2 else "int32")
        return self._fit_keras(
            self._network_inputs(X), targets, sample_weight=weights.astype("float32"),
            stratify=encoded,
        )

    def predict_proba(self, X):
        """Probability of each class for each beat.

        Parameters
        ----------
        X : array-like of shape (n_beats, n_samples) or (n_beats, n_samples, n_leads)
            Beats, shaped as in ``fit``.

        Returns
        -------
        proba : ndarray of shape (n_beats, n_classes)
            Columns in the order of ``classes_``.
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, allow_nd=True, dtype="float32")
        proba = self._predict_keras(self._network_inputs(X)).astype(np.float64)
        if len(self.classes_) == 2:
            proba = np.column_stack([1.0 - proba[:, 0], proba[:, 0]])
        return proba

    def predict(self, X):
        """Class of each beat.

        Parameters
        ----------
        X : array-like of shape (n_beats, n_samples) or (n_beats, n_samples, n_leads)

        Returns
        -------
        y : ndarray of shape (n_beats,)
        """
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.non_deterministic = self.random_state is None
        return tags
