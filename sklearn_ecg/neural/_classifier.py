"""HeartbeatCNNClassifier: the 1-D CNN heartbeat classifier as a scikit-learn estimator."""

import copy
from numbers import Integral, Real

import numpy as np
from sklearn.base import ClassifierMixin, _fit_context
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    StrOptions,
    validate_parameter_constraints,
)
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from ..utils import extra_column_indices
from ..utils._signal import check_extra_columns
from ._architectures import (
    PretrainedEncoder,
    build_classifier,
    build_conv_encoder,
    check_pretrained,
    conv_architecture,
    encoder_architecture,
    pretrained_encoder,
    resolve_pretrained,
)
from ._augment import check_augmentations
from ._extra_model import fit_extra_model
from ._keras import BaseKerasEstimator, draw_seed, import_keras


class HeartbeatCNNClassifier(ClassifierMixin, BaseKerasEstimator):
    """1-D convolutional heartbeat classifier (Keras), with transfer learning.

    The network is the beat classifier of Kachuee et al. (2018) as published
    with the MIT-BIH beat datasets, made lighter: input (187, n_leads); two
    Conv1D of 16 filters (kernel 5, ReLU, valid padding), max-pool 2, dropout
    0.1; two blocks of two Conv1D of 32 filters (kernel 3), max-pool 2, dropout
    0.1; two Conv1D of 64 filters (kernel 3); global max-pool; dropout 0.2;
    extra scalar inputs (RR features) joined here; Dense 64, Dense 64 (ReLU);
    softmax over the classes (one sigmoid unit for two). Adam with learning
    rate 0.001. The published network (``conv_filters=(16, 32, 32, 32, 256)``,
    ``kernel_size=(5, 3, 3, 3, 3)``) trains 2.7 times slower and did not
    classify unseen patients better (``benchmarks/bench_cnn_interpatient.py``).
    Every size is a parameter.

    The training defaults are those that measured best on unseen patients:
    class weights softened to the square root of inverse frequency, beats
    augmented (amplitude, baseline wander, small shifts, noise) afresh for each
    batch, and, when ``fit`` is given the patients as ``groups``, early
    stopping on patients the network does not train on. When there are extra
    columns, gradient boosting trained on them alone (``extra_model``) is
    averaged with the network: on unseen patients the pair had a better mean
    macro-F1 per patient than either, though the network alone found more of
    the pooled S beats.

    TensorFlow is imported when the classifier is fitted, used or unpickled,
    never when it is created: ``import sklearn_ecg`` and building parameter
    grids stay fast.

    Parameters
    ----------
    conv_filters : tuple of int, default=(16, 32, 32, 64)
        Filters of each convolutional block; each block has two Conv1D layers,
        and every block but the last ends with max-pooling and dropout.
    kernel_size : int or tuple of int, default=(5, 3, 3, 3)
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
    extra_model : "boosting", classifier or None, default="boosting"
        A second model trained on the extra columns alone, whose class
        probabilities are averaged with the network's (used only when there
        are extra columns). ``"boosting"`` is a class-balanced
        :class:`~sklearn.ensemble.HistGradientBoostingClassifier` whose number
        of iterations (300 at most) is chosen by macro-F1 on 20 % of the
        training beats held out (20 % of the patients, when ``fit`` is given
        ``groups``; ``validation_fraction`` is the network's), then refitted on
        all of them; a classifier with ``predict_proba`` is cloned and fitted on the
        extra columns instead. ``None`` predicts with the network alone. On
        unseen patients the averaged pair had a better mean macro-F1 per
        patient than the network or the boosting alone, and a better V F1; the
        network alone found more of the pooled S beats
        (``benchmarks/bench_cnn_interpatient.py``). It is
        fitted by the first call of ``fit``; a warm start and :meth:`adapt`
        keep it, and it needs no TensorFlow to predict.
    learning_rate : float, default=0.001
        Adam's learning rate.
    epochs : int, default=30
        Maximum number of epochs (per call of ``fit``).
    batch_size : int, default=256
        Beats per gradient step.
    validation_fraction : float, default=0.1
        Share of the training beats held out (stratified by class) to decide
        early stopping; when ``fit`` is given ``groups``, the share of the
        training patients held out instead.
    early_stopping : bool, default=True
        Stop when the validation loss has not improved for ``patience`` epochs
        and restore the weights of the best epoch.
    patience : int, default=5
        Epochs without improvement before stopping.
    class_weight : dict, "balanced", "balanced_sqrt" or None, default="balanced_sqrt"
        Weights of the classes in the loss; ``"balanced"`` weighs them
        inversely to their frequency, as scikit-learn does;
        ``"balanced_sqrt"`` by the square root of that (softened: rare
        classes count more, without giving up the common one).
    loss : {"cross_entropy", "focal"}, default="cross_entropy"
        The training loss: cross-entropy, or the focal loss of Lin et al.
        (2017, gamma 2), which down-weights beats the network already
        classifies confidently.
    augmentations : str, sequence, dict or None, \
            default=("scale", "baseline_wander", "shift", "noise")
        Augmentations of the beats, drawn afresh for every batch of training,
        by name (with parameters, as in
        :class:`~sklearn_ecg.neural.ContrastiveEncoder`): ``"scale"``
        (amplitude), ``"baseline_wander"``, ``"noise"``, ``"shift"``,
        ``"time_warp"`` (stretches) and others; each takes ``p``, the share of
        beats it is applied to. They make the network robust to what differs
        between patients and recordings. ``None`` trains on the beats as given.
    n_leads : int, default=1
        Leads per beat in a 2-D ``X``: its beat columns are ``n_leads`` blocks
        of equal length, lead after lead (for example both leads of
        :func:`~sklearn_ecg.datasets.make_beat_dataset` flattened, followed
        by the RR columns). A 3-D ``X`` says it by its shape.
    adaptation_memory : int, default=200
        Training beats per class kept with the fitted classifier (chosen at
        random, seeded) and rehearsed by :meth:`adapt` beside the new
        patient's beats, so that adapting to a patient whose few labelled
        beats lack a class does not make the network forget that class. 0
        keeps none (and adaptation fine-tunes on the patient's beats alone).
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
    inference : {"keras", "numpy"}, default="keras"
        How the fitted network computes outputs. ``"numpy"`` runs it as a NumPy
        forward pass that never imports TensorFlow, for deployment: set it on a
        loaded model (``set_params(inference="numpy")``) or before saving it.
        Outputs equal Keras's to within float32 rounding (1e-5). Training
        always uses Keras; a loaded model imports TensorFlow only when it needs
        Keras.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels, of any type (``"N"``, ``"S"``, ``"V"``, ``"F"``, ``"Q"`` …).
    n_features_in_ : int
        Number of columns of ``X`` (samples per beat for 3-D input).
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, when ``X`` was a DataFrame of string names.
    segment_shape_ : tuple of int
        ``(n_samples, n_leads)`` of one beat as the network sees it.
    extra_indices_ : ndarray of int
        Columns of ``X`` used as extra scalar features.
    extra_model_ : classifier or None
        The fitted ``extra_model`` (trained on the extra columns), or None when
        there are no extra columns or ``extra_model=None``.
    model_ : keras.Model
        The trained network.
        After loading (pickle, joblib, skops) it is rebuilt from the saved
        weights when first accessed, which imports TensorFlow.
    history_ : dict of list
        Loss per epoch (``loss``, ``val_loss``), over all calls of ``fit``.
    n_epochs_ : int
        Epochs trained so far.
    memory_X_, memory_y_ : ndarray
        The training rows kept for :meth:`adapt` (``adaptation_memory`` per
        class at most) and their labels.

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
        **BaseKerasEstimator._parameter_constraints,
        **BaseKerasEstimator._early_stopping_constraints,
        **BaseKerasEstimator._conv_encoder_constraints,
        "dense_units": ["array-like"],
        "dense_dropout": [Interval(Real, 0, 1, closed="left")],
        "extra_features": [None, Interval(Integral, 0, None, closed="left"), "array-like"],
        "extra_model": [None, StrOptions({"boosting"}), HasMethods(["fit", "predict_proba"])],
        "class_weight": [dict, StrOptions({"balanced", "balanced_sqrt"}), None],
        "loss": [StrOptions({"cross_entropy", "focal"})],
        "augmentations": [None, str, list, tuple, dict],
        "n_leads": [Interval(Integral, 1, None, closed="left")],
        "adaptation_memory": [Interval(Integral, 0, None, closed="left")],
        "pretrained": "no_validation",
        "freeze_encoder": ["boolean"],
    }
    _X_axes = "beats, samples[, leads]"

    def __init__(
        self,
        conv_filters=(16, 32, 32, 64),
        kernel_size=(5, 3, 3, 3),
        padding="valid",
        conv_dropout=0.1,
        dense_units=(64, 64),
        dense_dropout=0.2,
        extra_features=None,
        extra_model="boosting",
        learning_rate=0.001,
        epochs=30,
        batch_size=256,
        validation_fraction=0.1,
        early_stopping=True,
        patience=5,
        class_weight="balanced_sqrt",
        loss="cross_entropy",
        augmentations=("scale", "baseline_wander", "shift", "noise"),
        n_leads=1,
        adaptation_memory=200,
        pretrained=None,
        freeze_encoder=False,
        warm_start=False,
        random_state=None,
        verbose=0,
        inference="keras",
    ):
        self.conv_filters = conv_filters
        self.kernel_size = kernel_size
        self.padding = padding
        self.conv_dropout = conv_dropout
        self.dense_units = dense_units
        self.dense_dropout = dense_dropout
        self.extra_features = extra_features
        self.extra_model = extra_model
        self.learning_rate = learning_rate
        self.epochs = epochs
        self.batch_size = batch_size
        self.validation_fraction = validation_fraction
        self.early_stopping = early_stopping
        self.patience = patience
        self.class_weight = class_weight
        self.loss = loss
        self.augmentations = augmentations
        self.n_leads = n_leads
        self.adaptation_memory = adaptation_memory
        self.pretrained = pretrained
        self.freeze_encoder = freeze_encoder
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose
        self.inference = inference

    # -- data -------------------------------------------------------------------

    def _extra_indices(self, X):
        if self.extra_features is None or (isinstance(self.extra_features, Integral)
                                           and self.extra_features == 0):
            return np.empty(0, dtype=np.intp)
        if X.ndim != 2:
            raise ValueError("extra_features needs 2-D X (beat columns then extra columns)")
        return extra_column_indices(
            self.extra_features, X.shape[1], getattr(self, "feature_names_in_", None)
        )

    def _network_inputs(self, X):
        """Split validated X into the beat tensor and the standardised extra columns."""
        X = np.asarray(X, dtype="float32")
        if X.ndim == 3:
            if self.extra_indices_.size or X.shape[1:] != self.segment_shape_:
                raise ValueError(
                    f"X has beats of shape {X.shape[1:]}, but this classifier was fitted on "
                    f"beats of shape {self.segment_shape_}"
                    + (" followed by extra columns (2-D X)" if self.extra_indices_.size else "")
                )
            return [X]
        if self.segment_shape_[1] != self.n_leads:
            raise ValueError(
                f"X is 2-D, but this classifier was fitted on beats of {self.segment_shape_[1]} "
                f"leads: pass X of shape (n_beats, {self.segment_shape_[0]}, {self.segment_shape_[1]}), "
                f"or set n_leads={self.segment_shape_[1]} for 2-D X holding the leads one after another"
            )
        beat_columns = np.setdiff1d(np.arange(X.shape[1]), self.extra_indices_)
        length, leads = self.segment_shape_
        if beat_columns.size != length * leads:
            raise ValueError(
                f"X has {beat_columns.size} beat columns, but this classifier was fitted on "
                f"{length * leads} ({leads} lead(s) of {length} samples)"
            )
        # Lead after lead: columns [lead 0 samples | lead 1 samples | ...].
        beat = X[:, beat_columns].reshape(len(X), leads, length).transpose(0, 2, 1)
        if self.extra_indices_.size == 0:
            return [beat]
        extra = (X[:, self.extra_indices_] - self.extra_mean_) / self.extra_scale_
        return [beat, extra.astype("float32")]

    # -- model ------------------------------------------------------------------

    def _pretrained_encoder(self):
        return resolve_pretrained(self.pretrained)

    def _architecture(self, beat_shape=None):
        beat_shape = self.segment_shape_ if beat_shape is None else beat_shape
        return conv_architecture(self.conv_filters, self.kernel_size, self.padding,
                                 self.conv_dropout, beat_shape[0])

    def _build_keras_model(self):
        keras = import_keras()
        pretrained = self._pretrained_encoder()
        if pretrained is None:
            encoder = build_conv_encoder(keras, self.segment_shape_, **self._architecture())
        else:  # the pretrained encoder as it was built: its head (LSTM, attention) too
            encoder = pretrained_encoder(keras, self.segment_shape_, pretrained)
            encoder.trainable = not self.freeze_encoder
        return build_classifier(
            keras, encoder, n_extra=self.extra_indices_.size,
            dense_units=tuple(int(u) for u in self.dense_units),
            dense_dropout=self.dense_dropout, n_classes=len(self.classes_),
            learning_rate=self.learning_rate, loss=self.loss,
        )

    def _check_pretrained(self, beat_shape):
        check_pretrained(self._pretrained_encoder(), self._architecture(beat_shape), beat_shape,
                         "classifier")

    def export_encoder(self):
        """The trained encoder, to initialise another estimator.

        Returns
        -------
        encoder : PretrainedEncoder
            Weights and architecture (that of ``pretrained`` when the network
            was initialised from one); pass it as ``pretrained=`` (with the
            same ``conv_filters``, ``kernel_size`` and ``padding``).
        """
        check_is_fitted(self)
        pretrained = self._pretrained_encoder()
        architecture = (encoder_architecture("cnn", self._architecture()) if pretrained is None
                        else pretrained.architecture)
        return PretrainedEncoder(
            architecture, self.segment_shape_,
            self.model_.get_layer("encoder").get_weights(), "HeartbeatCNNClassifier",
        )

    # -- estimator API ------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, groups=None):
        """Train the network.

        Parameters
        ----------
        X : array-like of shape (n_beats, n_samples) or (n_beats, n_samples, n_leads)
            Beats, optionally followed by extra scalar columns (2-D only, see
            ``extra_features``); a 2-D ``X`` holds ``n_leads`` leads one after
            another.
        y : array-like of shape (n_beats,)
            Class labels of any type.
        sample_weight : array-like of shape (n_beats,), default=None
            Weights of the beats in the loss (multiplied by ``class_weight``).
        groups : array-like of shape (n_beats,), default=None
            The patient of each beat. When given (with at least two patients),
            the validation fraction that decides early stopping is a fraction of
            the patients, so that training stops when the network stops
            improving on people it does not train on. Inside ``GridSearchCV``
            it is routed here with ``set_fit_request(groups=True)`` and
            scikit-learn's metadata routing enabled.

        Returns
        -------
        self : object
            The fitted classifier.
        """
        return self._fit(X, y, sample_weight, groups)

    def _fit(self, X, y, sample_weight, groups, *, adapting=False):
        """Fit from scratch, continue a warm start, or (``adapting``) fine-tune a copy."""
        X, y, refit = self._start_fit(X, y)
        classes = self._check_fit_labels(y, refit, adapting)
        groups = self._check_groups(groups, len(y))
        extra = self._extra_indices(X)
        if not refit:
            check_extra_columns(X, extra, getattr(self, "feature_names_in_", None))
        beat_shape = self._beat_shape(X, extra, refit)
        # Checked before a warm start changes anything and before TensorFlow is imported.
        self._architecture(beat_shape)
        self._check_pretrained(beat_shape)
        augmentations = check_augmentations(self.augmentations) if self.augmentations else None
        if not refit:
            self._start_state(X, y, sample_weight, groups, classes, extra, beat_shape)
        elif adapting and self.memory_y_.size:
            X, y, sample_weight = self._with_rehearsal(X, y, sample_weight)
        classes, encoded = np.unique(y, return_inverse=True)
        encoded = np.searchsorted(self.classes_, classes)[encoded]
        weights = self._beat_weights(X, y, classes, sample_weight)
        targets = encoded.astype("float32" if len(self.classes_) == 2 else "int32")
        return self._fit_keras(
            self._network_inputs(X), targets, sample_weight=weights.astype("float32"),
            stratify=encoded, groups=groups, augmentations=augmentations,
        )

    def _check_fit_labels(self, y, refit, adapting):
        """The classes of ``y``: two at least, the fitted ones on a warm start, known ones to adapt."""
        _check_labels(y)
        check_classification_targets(y)
        classes = np.unique(y)
        if adapting:
            unknown = sorted(set(classes.tolist()) - set(self.classes_.tolist()))
            if unknown:
                raise ValueError(
                    f"y has classes {unknown} that the fitted network does not know "
                    f"({self.classes_.tolist()}); adaptation can only use known classes"
                )
        elif refit and not np.array_equal(classes, self.classes_):
            raise ValueError(
                f"warm_start: y has classes {classes.tolist()}, but the fitted network "
                f"knows {self.classes_.tolist()}"
            )
        elif len(classes) < 2:
            raise ValueError(f"y must hold at least two classes, got one class: {classes.tolist()}")
        return classes

    @staticmethod
    def _check_groups(groups, n):
        if groups is None:
            return None
        groups = np.asarray(groups)
        if groups.shape != (n,):
            raise ValueError(
                f"groups must hold one patient per beat, shape ({n},), got {groups.shape}"
            )
        return groups

    def _beat_shape(self, X, extra, refit):
        """``(n_samples, n_leads)`` of a beat of ``X`` (its beat columns in 2-D), checked."""
        if X.ndim == 3:
            beat_shape = (X.shape[1], X.shape[2])
        else:
            n_beat = X.shape[1] - extra.size
            if n_beat % self.n_leads:
                raise ValueError(
                    f"X has {n_beat} beat columns, which do not split into n_leads="
                    f"{self.n_leads} leads of equal length"
                )
            beat_shape = (n_beat // self.n_leads, self.n_leads)
        beat_shape = self._check_segment_shape(beat_shape, refit)
        if refit and not np.array_equal(extra, self.extra_indices_):
            raise ValueError(
                f"warm_start: X has extra feature columns {extra.tolist()}, but the first fit "
                f"had {self.extra_indices_.tolist()}"
            )
        return beat_shape

    def _start_state(self, X, y, sample_weight, groups, classes, extra, beat_shape):
        """What a first fit learns besides the network: shapes, extra columns' scale and model."""
        self.classes_ = classes
        self.extra_indices_ = extra
        self.segment_shape_ = beat_shape
        if extra.size:
            values = X[:, extra].astype(float)
            self.extra_mean_ = values.mean(axis=0).astype("float32")
            scale = values.std(axis=0)
            self.extra_scale_ = np.where(scale > 0, scale, 1.0).astype("float32")
        self._keep_memory(X, y)
        self.extra_model_ = None
        if extra.size and self.extra_model is not None:
            self.extra_model_ = fit_extra_model(
                self.extra_model, X[:, extra], y, groups,
                None if sample_weight is None else _check_sample_weight(
                    sample_weight, X, dtype=np.float64, ensure_non_negative=True),
                None if self.random_state is None
                else draw_seed(check_random_state(self.random_state)), classes)

    def _with_rehearsal(self, X, y, sample_weight):
        """The patient's beats followed by the training beats kept at fit (weight 1)."""
        n_new = len(y)
        X = np.concatenate([X, self.memory_X_.astype(X.dtype)])
        y = np.concatenate([y, self.memory_y_.astype(y.dtype)])
        if sample_weight is not None:
            sample_weight = np.concatenate([
                _check_sample_weight(sample_weight, X[:n_new], dtype=np.float64,
                                     ensure_non_negative=True),
                np.ones(len(y) - n_new)])
        return X, y, sample_weight

    def _beat_weights(self, X, y, classes, sample_weight):
        """``sample_weight`` times the weight of each beat's class (``class_weight``)."""
        weights = _check_sample_weight(sample_weight, X, dtype=np.float64, ensure_non_negative=True)
        if self.class_weight is None:
            return weights
        if isinstance(self.class_weight, str):
            per_class = compute_class_weight("balanced", classes=classes, y=y)
            if self.class_weight == "balanced_sqrt":
                # Softened: the square root of the balanced weights, scaled so
                # that the average beat keeps weight 1.
                per_class = np.sqrt(per_class)
                per_class /= np.average(per_class, weights=np.bincount(
                    np.searchsorted(classes, y), minlength=len(classes)))
        else:
            per_class = np.array([self.class_weight.get(c, 1.0) for c in classes])
        return weights * per_class[np.searchsorted(classes, y)]

    def _keep_memory(self, X, y):
        """A seeded random sample of at most ``adaptation_memory`` training rows per class."""
        rng = np.random.default_rng(
            None if self.random_state is None
            else draw_seed(check_random_state(self.random_state)))
        keep = []
        for label in self.classes_:
            rows = np.flatnonzero(y == label)
            if rows.size > self.adaptation_memory:
                rows = np.sort(rng.choice(rows, self.adaptation_memory, replace=False))
            keep.append(rows)
        keep = np.concatenate(keep) if self.adaptation_memory else np.empty(0, dtype=np.intp)
        self.memory_X_ = X[keep].copy()
        self.memory_y_ = y[keep].copy()

    def adapt(self, X, y, sample_weight=None, *, epochs=10, learning_rate=None, batch_size=32,
              random_state="inherit"):
        """A copy of this classifier fine-tuned to one patient from a few labelled beats.

        This is the patient-specific protocol of AAMI EC57 (the first five
        minutes of a record are labelled, the rest is classified): the copy
        continues training every layer on ``X, y`` for ``epochs`` epochs at a
        lower learning rate, without early stopping, from this classifier's
        weights, rehearsing the training beats kept at fit
        (``adaptation_memory``) beside the patient's. The patient's beats need
        not hold every class; classes they lack are still predicted. The
        ``extra_model_`` is kept as fitted (gradient boosting cannot continue
        on other rows) and still averaged with the adapted network. This
        classifier is not changed, so one fitted (or ``joblib``-loaded) model
        can be adapted to each patient.

        Parameters
        ----------
        X : array-like
            Labelled beats of the patient, shaped as in :meth:`fit`.
        y : array-like of shape (n_beats,)
            Their classes, all among ``classes_``.
        sample_weight : array-like of shape (n_beats,), default=None
            Weights of the beats (multiplied by ``class_weight``).
        epochs : int, default=10
            Epochs of fine-tuning.
        learning_rate : float, default=None
            Learning rate of the fine-tuning; ``None`` uses a fifth of
            ``learning_rate``.
        batch_size : int, default=32
            Beats per step: a few hundred beats make few steps of 256.
        random_state : int, RandomState instance, None or "inherit", default="inherit"
            Seeds the fine-tuning; ``"inherit"`` uses this classifier's
            ``random_state``, so that a seeded classifier adapts reproducibly.

        Returns
        -------
        adapted : HeartbeatCNNClassifier
            A new fitted classifier; its parameters say how it was fine-tuned
            (``epochs``, ``learning_rate``, ``batch_size``, ``early_stopping=False``,
            ``warm_start=True``).

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_ecg.neural import HeartbeatCNNClassifier
        >>> rng = np.random.default_rng(0)
        >>> X = rng.normal(size=(60, 40)); y = np.repeat(["N", "V"], 30)
        >>> X[y == "V"] += 1.0
        >>> clf = HeartbeatCNNClassifier(conv_filters=(4,), kernel_size=3, dense_units=(8,),
        ...                              epochs=2, random_state=0).fit(X, y)
        >>> adapted = clf.adapt(X[:20], y[:20], epochs=2)
        >>> adapted is clf, adapted.classes_.tolist()
        (False, ['N', 'V'])
        """
        check_is_fitted(self)
        if learning_rate is None:
            learning_rate = self.learning_rate / 5
        seed = self.random_state if isinstance(random_state, str) and random_state == "inherit" \
            else random_state
        fine_tuning = dict(epochs=epochs, learning_rate=learning_rate, batch_size=batch_size,
                           early_stopping=False, warm_start=True, random_state=seed)
        # Checked by the parameters' own constraints (errors name them) before the copy.
        validate_parameter_constraints(
            {name: self._parameter_constraints[name] for name in fine_tuning}, fine_tuning,
            caller_name=f"{type(self).__name__}.adapt")
        adapted = copy.deepcopy(self).set_params(**fine_tuning)
        adapted.model_.optimizer.learning_rate.assign(float(learning_rate))
        return adapted._fit(X, y, sample_weight, None, adapting=True)

    def predict_proba(self, X):
        """Probability of each class for each beat.

        Parameters
        ----------
        X : array-like of shape (n_beats, n_samples) or (n_beats, n_samples, n_leads)
            Beats, shaped as in ``fit``.

        Returns
        -------
        proba : ndarray of shape (n_beats, n_classes), dtype float32
            Columns in the order of ``classes_``. The network computes in
            float32, so its probabilities are returned as float32: their last
            bits may differ with the composition of a batch on some BLAS
            kernels, which float32's tolerance allows and float64's would not.
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, allow_nd=True, dtype="float32")
        proba = self._predict_network(self._network_inputs(X)).astype(np.float64)
        if len(self.classes_) == 2:
            proba = np.column_stack([1.0 - proba[:, 0], proba[:, 0]])
        if getattr(self, "extra_model_", None) is not None:
            # Trained on the same labels: its columns are those of classes_.
            proba = (proba + self.extra_model_.predict_proba(X[:, self.extra_indices_])) / 2
        return proba.astype(np.float32)

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


def _check_labels(y):
    missing = [i for i, label in enumerate(np.asarray(y, dtype=object).ravel()) if label is None]
    if missing:
        raise ValueError(
            f"y must hold a class for every beat, got None at {len(missing)} position(s), "
            f"first at {missing[0]}"
        )
