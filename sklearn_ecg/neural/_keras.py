"""The Keras base of sklearn-ecg's neural estimators.

TensorFlow takes seconds to import, so nothing here imports it at module level:
Keras is imported when a model is built, trained, used or unpickled. The base
gives every Keras-backed estimator the same behaviour:

- the constraints of the training parameters they share, the opening of
  ``fit`` (warm-start reset, ``validate_data``, shape checks), the tags, the
  choice between eager and compiled training, and the training itself as a
  hook, ``_train``, whose default is Keras's supervised ``Model.fit`` (the
  contrastive encoder overrides it with its own loop); the networks are built
  in ``_architectures``;
- ``random_state`` seeds Python, NumPy, TensorFlow and Keras and turns on
  TensorFlow's op determinism for the duration of ``fit`` only; everything is
  restored afterwards, so a seeded fit leaves no global state behind;
- a validation fraction drawn (stratified for classifiers) from the training data
  drives early stopping, which restores the best weights;
- pickling stores the weights and optimizer state as NumPy arrays, with the
  network described in plain types; the model is rebuilt from the estimator's
  own parameters when first needed, so a fitted estimator survives ``pickle``,
  ``joblib``, ``skops`` and a fresh process with identical predictions, and a
  loaded one imports no TensorFlow until it needs Keras;
- ``inference="numpy"`` predicts with a NumPy forward pass of the network
  (``_numpy_forward``), equal to Keras's to within float32 rounding, without
  importing TensorFlow at all.
"""

import contextlib
import os
import random
import threading
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.model_selection import train_test_split
from sklearn.utils import check_array, check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

_SEED_MAX = 2**31 - 1
# Compiling a training step costs seconds; a fit of at most this many steps runs
# faster eagerly. The choice depends on the data size only, so seeded fits agree.
EAGER_MAX_STEPS = 30
# Seeding swaps process-wide state; fits in several threads take turns.
_GLOBAL_STATE_LOCK = threading.RLock()


def import_keras():
    """Import Keras (TensorFlow backend) quietly; the one place that does it."""
    # TensorFlow's C++ start-up and tf.data messages are noise to a scikit-learn
    # user; a value the user set is kept.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    import sys

    if "keras" not in sys.modules and not os.environ.get("SKLEARN_ECG_TF_LOGS"):
        # TensorFlow 2.21 prints its oneDNN, CUDA and cuInit lines from C++ at
        # import and at its first op, whatever TF_CPP_MIN_LOG_LEVEL says: both
        # happen here with the process's stderr pointed away, then put back.
        # SKLEARN_ECG_TF_LOGS=1 shows them.
        with _stderr_muted():
            import keras
            import tensorflow as tf

            tf.config.list_physical_devices()
            tf.constant(0.0) + 1.0
        # Each new model traces its own functions; TensorFlow then warns of
        # "retracing" in a grid search or a loop of fits, where nothing is wrong.
        tf.get_logger().setLevel("ERROR")
    import keras

    if keras.backend.backend() != "tensorflow":
        raise RuntimeError(
            "sklearn-ecg's neural estimators need Keras's TensorFlow backend, but Keras "
            f"runs on {keras.backend.backend()!r}; set KERAS_BACKEND=tensorflow before "
            "importing keras"
        )
    return keras


@contextlib.contextmanager
def _stderr_muted():
    """Point file descriptor 2 at /dev/null for the duration, C++ writers included."""
    import sys

    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no real stderr (some notebooks): nothing to mute
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


@contextlib.contextmanager
def seeded(seed):
    """Seed every random source Keras training uses, and restore them on exit.

    Inside, Python's ``random``, NumPy's global generator, TensorFlow's global
    seed and Keras's global seed generator are seeded with ``seed``, and
    TensorFlow op determinism is on, so that training is reproducible on CPU.
    On exit all of them are put back as they were, so that later models, seeded
    or not, behave as if this block never ran.

    The process-wide generators are shared with every other thread: a Dask
    worker's event loop, a web server or any library drawing from them during
    the fit would change its draws. So the default seeds of Keras's layers come
    from a private ``random.Random(seed)`` while the block runs, and the block
    yields a private ``numpy.random.RandomState`` for the fit's own draws.
    """
    keras = import_keras()
    import tensorflow as tf
    from keras.src.backend.common import global_state
    from keras.src.random import seed_generator
    from tensorflow.python.eager import context
    from tensorflow.python.framework import config

    _GLOBAL_STATE_LOCK.acquire()
    saved_python = random.getstate()
    saved_numpy = np.random.get_state()  # noqa: NPY002 - restored below
    saved_tf_seed = context.global_seed()
    saved_keras_seed = global_state.get_global_attribute("global_random_seed")
    saved_generator = global_state.get_global_attribute(seed_generator.GLOBAL_SEED_GENERATOR)
    was_deterministic = config.is_op_determinism_enabled()
    saved_default_seeds = seed_generator.python_random
    try:
        keras.utils.set_random_seed(int(seed))
        seed_generator.python_random = random.Random(int(seed))
        config.enable_op_determinism()
        yield np.random.RandomState(int(seed))
    finally:
        seed_generator.python_random = saved_default_seeds
        random.setstate(saved_python)
        np.random.set_state(saved_numpy)  # noqa: NPY002 - the caller's global state
        tf.random.set_seed(saved_tf_seed)
        global_state.set_global_attribute("global_random_seed", saved_keras_seed)
        global_state.set_global_attribute(seed_generator.GLOBAL_SEED_GENERATOR, saved_generator)
        if not was_deterministic:
            config.disable_op_determinism()
        _GLOBAL_STATE_LOCK.release()


def draw_seed(rng):
    """A seed for another generator, drawn from the ``RandomState`` ``rng``."""
    return rng.randint(_SEED_MAX)


def training_context(random_state):
    """The context a fit runs in: seeded when ``random_state`` says so.

    It yields the generator of the fit's own draws: a private one when seeded,
    NumPy's global one otherwise.

    An unseeded fit normally runs as is. If someone else turned TensorFlow op
    determinism on without a global seed, unseeded random ops would fail
    ("Random ops require a seed"), so such a fit is seeded from NumPy's global
    generator instead.
    """
    if random_state is not None:
        return seeded(draw_seed(check_random_state(random_state)))
    import_keras()
    from tensorflow.python.eager import context
    from tensorflow.python.framework import config

    if config.is_op_determinism_enabled() and context.global_seed() is None:
        return seeded(draw_seed(np.random.mtrand._rand))
    return contextlib.nullcontext(np.random.mtrand._rand)


class BaseKerasEstimator(BaseEstimator):
    """The base of the Keras-backed estimators: fit, training, seeding and pickling.

    A subclass implements ``_build_keras_model()`` (from its parameters and
    fitted attributes, so that it can be called again after unpickling), and
    its ``fit`` runs :meth:`_start_fit` (warm-start reset, validation of ``X``
    and ``y``), its own checks and fitted attributes, then :meth:`_fit_keras`,
    which builds the network unless warm-starting and trains it with
    :meth:`_train`. The default :meth:`_train` is Keras's supervised
    ``Model.fit`` with early stopping on a validation fraction; an estimator
    with another training loop overrides it and nothing else.

    Its parameters' constraints are merged into the subclass's, as scikit-learn's
    SGD estimators do: ``{**BaseKerasEstimator._parameter_constraints, ...}``,
    with ``_early_stopping_constraints`` for the estimators whose ``_train``
    stops early.
    """

    #: The parameters every Keras estimator has.
    _parameter_constraints: dict = {
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "warm_start": ["boolean"],
        "random_state": ["random_state"],
        "verbose": [Interval(Integral, 0, 2, closed="both")],
        "inference": [StrOptions({"keras", "numpy"})],
    }
    #: The parameters of the default ``_train``'s early stopping.
    _early_stopping_constraints: dict = {
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "early_stopping": ["boolean"],
        "patience": [Interval(Integral, 0, None, closed="left")],
    }
    #: The parameters of the convolutional encoder (``build_conv_encoder``), for
    #: the estimators that build one.
    _conv_encoder_constraints: dict = {
        "conv_filters": ["array-like"],
        "kernel_size": [Interval(Integral, 1, None, closed="left"), "array-like"],
        "padding": [StrOptions({"valid", "same"})],
        "conv_dropout": [Interval(Real, 0, 1, closed="left")],
    }
    #: The axes of ``X``, for messages.
    _X_axes = "samples, features[, leads]"

    # -- fitting ------------------------------------------------------------------

    def _start_fit(self, X, y="no_validation", **check_params):
        """The opening of ``fit``: ``(X, y, refit)``, validated, the old network let go.

        ``refit`` is whether the fit continues the fitted network
        (``warm_start``). Otherwise the network is deleted first: a fit that
        fails leaves the estimator unfitted, never an old network under new
        data. ``X`` (2-D or 3-D) and ``y`` are validated, as float32, by
        ``validate_data``, which sets ``n_features_in_`` and
        ``feature_names_in_`` unless refitting; ``y="no_validation"`` (an
        estimator that ignores ``y``) leaves ``y`` out and returns None for it.
        """
        refit = self.warm_start and self._has_model()
        if not refit:
            del self.model_
        validated = validate_data(self, X, y, reset=not refit, allow_nd=True, dtype="float32",
                                  **check_params)
        X, y = validated if isinstance(validated, tuple) else (validated, None)
        return self._check_dims(X), y, refit

    def _check_segment_shape(self, segment_shape, refit):
        """``(n_samples, n_leads)`` of one segment, as plain ints; a warm start keeps its shape."""
        segment_shape = tuple(int(n) for n in segment_shape)
        if refit and segment_shape != self.segment_shape_:
            raise ValueError(
                f"warm_start: X has segments of shape {segment_shape}, but the fitted "
                f"{type(self).__name__} takes {self.segment_shape_}"
            )
        return segment_shape

    #: Whether the network's input is standardised by the ``mean_`` and
    #: ``scale_`` learnt in ``fit`` (a contrastive encoder's augmentations act
    #: on the segments as they are).
    _standardises = True

    def _segments(self, X, *, name="X"):
        """Validated ``X`` as the network's input: float32 segments ``(n, n_samples, n_leads)``.

        A 2-D ``X`` holds one lead. The segments must have the shape
        ``segment_shape_`` (set in ``fit`` before this is called) and are
        standardised where the estimator standardises.
        """
        X = np.asarray(X, dtype="float32")
        segments = X if X.ndim == 3 else X[:, :, None]
        if segments.shape[1:] != self.segment_shape_:
            raise ValueError(
                f"{name} has segments of shape {segments.shape[1:]}, but {type(self).__name__} "
                f"was fitted on segments of shape {self.segment_shape_}"
            )
        if not self._standardises:
            return segments
        return ((segments - self.mean_) / self.scale_).astype("float32")

    def _check_segments(self, X, *, name="X"):
        """:meth:`_segments` of an unvalidated ``X`` given to a fitted estimator."""
        check_is_fitted(self)
        X = check_array(X, allow_nd=True, dtype="float32", input_name=name)
        return self._segments(X, name=name)

    def _check_dims(self, X):
        if X.ndim > 3:
            raise ValueError(f"X must be 2-D or 3-D ({self._X_axes}), got shape {X.shape}")
        return X

    def _runs_eagerly(self, steps_per_epoch):
        """Whether training runs eagerly (few steps) rather than compiled."""
        return steps_per_epoch * self.epochs <= EAGER_MAX_STEPS

    def _fit_keras(self, inputs, targets=None, **train_params):
        """Build (unless warm-starting) and train ``model_``; record ``history_``.

        Everything runs in the :func:`training_context` of ``random_state``;
        ``train_params`` go to :meth:`_train`. The network becomes ``model_``
        when it has been trained, so that a fit that fails half-way leaves a
        fresh estimator unfitted.
        """
        with training_context(self.random_state) as rng:
            new_model = not (self.warm_start and self._has_model())
            if new_model:
                model = self._build_keras_model()
                self.history_ = {}
            else:
                model = self.model_
            history = self._train(model, inputs, targets, rng, new_model=new_model,
                                  **train_params)
        self.model_ = model
        for key, values in history.items():
            self.history_.setdefault(key, []).extend(float(v) for v in values)
        self.n_epochs_ = len(self.history_.get("loss", []))
        return self

    def _train(self, model, inputs, targets, rng, *, new_model, sample_weight=None,
               stratify=None, groups=None, augmentations=None):
        """Train ``model`` with Keras's ``fit``; return this call's history (lists per epoch).

        ``rng`` is the generator of the fit's own draws (see
        :func:`training_context`); ``new_model`` says whether ``model`` was
        just built. With ``groups`` (the patient of each row, at least two
        patients), the validation fraction that drives early stopping is drawn
        by patient, so that the network stops when it stops improving on
        people it does not train on; else it is stratified by ``stratify``
        where it can be. ``augmentations`` (checked, see
        ``_augment.check_augmentations``) are applied to the first input,
        freshly drawn for every batch.
        """
        keras = import_keras()
        arrays = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
        n = len(targets)
        # Uniform weights are left out: Keras then skips the weighted loss.
        weights = None if sample_weight is None or np.all(sample_weight == 1) else sample_weight
        validation = None
        callbacks = []
        if self.early_stopping and self.validation_fraction and n >= 2:
            train_idx, val_idx = _validation_split(
                n, self.validation_fraction, stratify, groups, draw_seed(rng)
            )
            validation = (_unwrap(_take(arrays, val_idx)), targets[val_idx])
            if weights is not None:
                validation += (weights[val_idx],)
                weights = weights[train_idx]
            arrays, targets = _take(arrays, train_idx), targets[train_idx]
            callbacks.append(keras.callbacks.EarlyStopping(
                monitor="val_loss", patience=self.patience, restore_best_weights=True,
            ))
        else:
            arrays = _take(arrays, None)
        model.run_eagerly = self._runs_eagerly(-(-len(targets) // self.batch_size))
        if augmentations:
            # The batches shuffle themselves; Keras would shuffle their order
            # with Python's process-wide generator.
            data = dict(x=_augmented_batches(
                keras, arrays, targets, weights, self.batch_size, augmentations,
                draw_seed(rng),
            ), shuffle=False)
        else:
            data = dict(x=_unwrap(arrays), y=targets, sample_weight=weights,
                        batch_size=self.batch_size, shuffle=True)
        try:
            history = model.fit(
                **data,
                epochs=self.epochs,
                validation_data=validation,
                callbacks=callbacks,
                verbose=self.verbose,
            )
        finally:
            # Predictions always run compiled, as they do after unpickling.
            model.run_eagerly = False
        return history.history

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.non_deterministic = self.random_state is None
        return tags

    # -- the network, kept or restored ---------------------------------------------

    @property
    def model_(self):
        """The fitted Keras model, rebuilt from the saved weights when first needed.

        A loaded estimator holds its weights as NumPy arrays; Keras (and
        TensorFlow) is imported only when something needs the model itself:
        training again, adapting, or predicting with ``inference="keras"``.
        """
        model = self.__dict__.get("_keras_model")
        if model is None:
            saved = self.__dict__.get("_keras_saved")
            if saved is None:
                raise AttributeError(f"{type(self).__name__!r} object has no attribute 'model_'")
            model = self._restore_keras_model(saved)
        return model

    @model_.setter
    def model_(self, model):
        self.__dict__["_keras_model"] = model
        self.__dict__.pop("_keras_saved", None)

    @model_.deleter
    def model_(self):
        self.__dict__.pop("_keras_model", None)
        self.__dict__.pop("_keras_saved", None)

    def _has_model(self):
        return "_keras_model" in self.__dict__ or "_keras_saved" in self.__dict__

    def _restore_keras_model(self, saved):
        # Building draws default seeds from Python's generator: leave it as it was.
        saved_python = random.getstate()
        try:
            model = self._build_keras_model()
        finally:
            random.setstate(saved_python)
        for variable, value in zip(model.variables, saved["variables"], strict=True):
            variable.assign(value)
        if saved.get("optimizer") is not None:
            optimizer = model.optimizer
            optimizer.build(model.trainable_variables)
            for variable, value in zip(optimizer.variables, saved["optimizer"], strict=True):
                variable.assign(value)
        self.model_ = model
        return model

    def _numpy_network(self):
        """The network's description and variables for the NumPy forward pass."""
        from ._numpy_forward import export_graph

        saved = self.__dict__.get("_keras_saved")
        if saved is None:
            model = self.__dict__["_keras_model"]
            try:
                graph = export_graph(model)
            except NotImplementedError as exc:
                graph = str(exc)
            saved = {"variables": [np.asarray(v) for v in model.variables], "graph": graph}
        if isinstance(saved["graph"], str):
            raise ValueError(f"inference='numpy' cannot run this network: {saved['graph']}; "
                             "use inference='keras'")
        return saved["graph"], saved["variables"]

    def _predict_network(self, inputs, part=None, batch_size=None):
        """Outputs of the network, or of its sub-network ``part``, in Keras or in NumPy."""
        arrays = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
        inference = getattr(self, "inference", "keras")
        if inference == "numpy":
            from ._numpy_forward import find_part, run_graph

            graph, variables = self._numpy_network()
            return run_graph(graph if part is None else find_part(graph, part), arrays, variables)
        if inference != "keras":
            raise ValueError(f"inference must be 'keras' or 'numpy', got {inference!r}")
        network = self.model_ if part is None else self.model_.get_layer(part)
        return network.predict(
            _unwrap(arrays),
            batch_size=batch_size or max(self.batch_size, 1024),
            verbose=0,
        )

    def __sklearn_is_fitted__(self):
        # Fitted means a trained network: a fit that failed half-way is not fitted.
        return self._has_model()

    def __getstate__(self):
        state = dict(super().__getstate__())
        model = state.pop("_keras_model", None)
        if model is not None:
            from ._numpy_forward import export_graph

            # Loading restores these arrays only (the model is rebuilt when first
            # needed, see model_, so that loading imports no TensorFlow): all
            # variables, the dropout seed generators' included, so that a
            # warm start after unpickling continues exactly; the network's
            # description in plain types for inference without TensorFlow.
            saved = {"variables": [np.asarray(v) for v in model.variables], "optimizer": None}
            optimizer = getattr(model, "optimizer", None)
            if optimizer is not None and optimizer.built:
                saved["optimizer"] = [np.asarray(v) for v in optimizer.variables]
            try:
                saved["graph"] = export_graph(model)
            except NotImplementedError as exc:
                saved["graph"] = str(exc)
            state["_keras_saved"] = saved
        return state


class PairEncoderMixin:
    """The encoder of the estimators that embed segments for pairs (Siamese, metric).

    Their ``encoder`` (``"auto"``, ``"cnn"``, ``"dense"``), convolutional
    sizes, ``dense_units``, ``embedding_dim`` and ``pretrained`` name one
    encoder: :meth:`_resolve_encoder` checks them on the first fit,
    :meth:`_build_encoder` builds it from them.
    """

    def _resolve_encoder(self, segment_shape):
        from ._architectures import resolve_pair_encoder, resolve_pretrained

        return resolve_pair_encoder(
            self.encoder, segment_shape, conv_filters=self.conv_filters,
            kernel_size=self.kernel_size, padding=self.padding, conv_dropout=self.conv_dropout,
            dense_units=self.dense_units, pretrained=resolve_pretrained(self.pretrained),
            what=type(self).__name__)

    def _build_encoder(self, keras):
        from ._architectures import build_pair_encoder, conv_architecture, resolve_pretrained

        shape = self.segment_shape_
        conv = conv_architecture(self.conv_filters, self.kernel_size, self.padding,
                                 self.conv_dropout, shape[0]) if self.encoder_ == "cnn" else None
        return build_pair_encoder(
            keras, shape, encoder=self.encoder_, conv=conv, dense_units=self.dense_units,
            embedding_dim=self.embedding_dim, pretrained=resolve_pretrained(self.pretrained))


def _unwrap(arrays):
    """Keras takes one array for a single-input model, a list for several."""
    return arrays if len(arrays) > 1 else arrays[0]


def _take(arrays, index):
    if index is None:
        return [np.ascontiguousarray(a) for a in arrays]
    return [np.ascontiguousarray(a[index]) for a in arrays]


def _validation_split(n, fraction, stratify, groups, seed):
    """Training and validation rows: by patient when there are patients, else stratified."""
    if groups is not None and len(np.unique(groups)) >= 2:
        from sklearn.model_selection import GroupShuffleSplit

        n_groups = len(np.unique(groups))
        n_val = min(max(1, int(round(fraction * n_groups))), n_groups - 1)
        split = GroupShuffleSplit(n_splits=1, test_size=n_val, random_state=seed)
        return next(split.split(np.zeros(n), groups=groups))
    n_val = min(max(1, int(round(fraction * n))), n - 1)
    labels = stratify if _can_stratify(stratify, n_val) else None
    return train_test_split(np.arange(n), test_size=n_val, stratify=labels, random_state=seed)


def _augmented_batches(keras, arrays, targets, weights, batch_size, augmentations, seed):
    """Shuffled batches whose first input is augmented afresh each time, as a PyDataset.

    Batch ``i`` of epoch ``e`` draws its order and its augmentations from a
    generator seeded by ``(seed, e, i)``: reproducible, and new every epoch.
    """
    from ._augment import augment

    class AugmentedBatches(keras.utils.PyDataset):
        def __init__(self):
            super().__init__()
            self.epoch = 0
            self.order = np.random.default_rng([seed, 0]).permutation(len(targets))

        def __len__(self):
            return -(-len(targets) // batch_size)

        def __getitem__(self, i):
            rows = np.sort(self.order[i * batch_size:(i + 1) * batch_size])
            rng = np.random.default_rng([seed, self.epoch, i])
            x = [augment(arrays[0][rows], rng, augmentations)] + [a[rows] for a in arrays[1:]]
            x = tuple(x) if len(x) > 1 else x[0]
            if weights is None:
                return x, targets[rows]
            return x, targets[rows], weights[rows]

        def on_epoch_end(self):
            self.epoch += 1
            self.order = np.random.default_rng([seed, self.epoch]).permutation(len(targets))

    return AugmentedBatches()


def _can_stratify(labels, n_val):
    if labels is None:
        return False
    _, counts = np.unique(labels, return_counts=True)
    return counts.min() >= 2 and n_val >= len(counts) and len(labels) - n_val >= len(counts)
