"""SiameseSimilarityRegressor: a trained, weight-shared twin network scoring ECG pairs."""

from numbers import Integral, Real

import numpy as np
from sklearn.base import RegressorMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)

from ._architectures import (
    build_siamese_head,
    siamese_loss,
)
from ._keras import BaseKerasEstimator, PairEncoderMixin, import_keras
from ._similarity import SimilarityMixin

_METRICS = {
    "mse": "mean_squared_error",
    "mae": "mean_absolute_error",
    "mape": "mean_absolute_percentage_error",
    "cosine_similarity": "cosine_similarity",
}


class SiameseSimilarityRegressor(RegressorMixin, SimilarityMixin, PairEncoderMixin,
                                 BaseKerasEstimator):
    """Weight-shared twin network that scores how alike two ECG segments are.

    Each row of ``X`` is a pair ``[left | right]`` of two segments of ``d``
    columns (as :func:`~sklearn_ecg.make_pairs` builds them); ``y`` says how
    alike they are, 1 for the same person and 0 for different persons, or any
    value in between. One encoder, with one set of weights, embeds both
    segments; a head turns the two embeddings into one score.

    The head is the one of the article this library grew from, made symmetric:
    three paths, each Dense(``path_units``) with batch normalisation, dropout
    and ReLU, take the squared difference of the embeddings, their element-wise
    product, and the two embeddings concatenated; the concatenated path runs
    on both orders ``[a, b]`` and ``[b, a]`` with shared weights and the two
    results are averaged. The three paths are joined into
    Dense(``merge_units``) with batch normalisation, dropout and ReLU, then one
    output unit. Every part of the network is symmetric in the two segments, so
    ``predict([a | b])`` equals ``predict([b | a])`` (to float rounding).

    TensorFlow is imported when the model is fitted, used or unpickled, never
    when it is created.

    Parameters
    ----------
    encoder : {"auto", "dense", "cnn"}, default="auto"
        The twin encoder. ``"cnn"`` is a 1-D convolutional encoder for beat- or
        window-shaped segments (blocks of two Conv1D, pooling and dropout, a
        global max-pool); ``"dense"`` a stack of Dense ReLU layers for feature
        vectors. ``"auto"`` picks ``"cnn"`` for 3-D ``X`` (pairs of
        multi-lead segments) and for segments of at least 32 samples, and
        ``"dense"`` otherwise. Either ends in a linear Dense layer of
        ``embedding_dim`` units: the embedding.
    embedding_dim : int, default=64
        Size of the embedding of one segment (see :meth:`embed`).
    conv_filters : tuple of int, default=(16, 32, 64)
        Filters of each convolutional block (``encoder="cnn"``).
    kernel_size : int or tuple of int, default=(7, 5, 3)
        Kernel size of each block's convolutions.
    padding : {"same", "valid"}, default="same"
        Padding of convolutions and pooling.
    conv_dropout : float, default=0.1
        Dropout after each pooled block but the last.
    dense_units : tuple of int, default=(256, 128)
        Units of the Dense ReLU layers of the dense encoder
        (``encoder="dense"``).
    path_units : int, default=64
        Units of each of the head's three paths.
    merge_units : int, default=256
        Units of the Dense layer joining the three paths.
    dropout : float, default=0.25
        Dropout in the head.
    loss : {"mse", "cross_entropy", "contrastive"}, default="cross_entropy"
        Training loss. ``"cross_entropy"`` treats the score as the
        probability of "same" and needs ``bound_output=True``: on persons never
        seen it generalises far better than the original's ``"mse"`` (on
        ECG-ID, 2-s raw windows, 3,000 training pairs and 4 epochs, ROC AUC
        0.84 against 0.68 for ``"mse"`` and 0.71 for the maximum normalised
        cross-correlation), so it is the default since 0.2; ``"mse"``
        (with ``bound_output=False``) is the original's and takes any real
        ``y``. ``"contrastive"`` is the loss of Hadsell, Chopra
        and LeCun (2006) on the distance ``d = 1 - score``:
        ``y d² + (1 - y) max(0, margin - d)²``; it needs ``bound_output=True``.
        The last two need ``y`` in [0, 1].
    margin : float, default=0.5
        Margin of the contrastive loss: different pairs whose distance exceeds
        it cost nothing.
    bound_output : bool, default=True
        Pass the output through a sigmoid so that scores lie in [0, 1]; without
        it the output is linear, as in the original (``loss="mse"``,
        ``bound_output=False``).
    metrics : list of {"mse", "mae", "mape", "cosine_similarity"} or None, default=None
        The original's metrics, computed every epoch on training (and
        validation) data and recorded in ``history_``.
    pretrained : PretrainedEncoder or fitted estimator, default=None
        Initialise the convolutional encoder (``encoder="cnn"``) from another
        fitted estimator's, such as a
        :class:`~sklearn_ecg.neural.ContrastiveEncoder` pretrained without
        labels (or its ``export_encoder()``, which survives ``clone``); the
        embedding layer and the head start afresh, and all layers are
        trained. ``conv_filters``, ``kernel_size``, ``padding`` and the leads
        must match the encoder's; the segments may be of another length.
    standardize : bool, default=True
        Standardise segments with statistics learned in ``fit`` from both
        halves of every pair (so that left and right are scaled alike): one
        mean and standard deviation per column for the dense encoder, one for
        all values for the convolutional encoder (which keeps each segment's
        shape).
    learning_rate : float, default=0.001
        Adam's learning rate.
    epochs : int, default=30
        Maximum number of epochs (per call of ``fit``).
    batch_size : int, default=128
        Pairs per gradient step.
    validation_fraction : float, default=0.1
        Share of the training pairs held out (stratified when ``y`` has two
        values) to decide early stopping.
    early_stopping : bool, default=True
        Stop when the validation loss has not improved for ``patience`` epochs
        and restore the weights of the best epoch.
    patience : int, default=5
        Epochs without improvement before stopping.
    warm_start : bool, default=False
        Continue training the fitted network on the next call of ``fit``.
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
    n_features_in_ : int
        Columns of a pair row (``2 * d``).
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, when ``X`` was a DataFrame of string names.
    segment_shape_ : tuple of int
        ``(d, n_leads)`` of one segment as the network sees it.
    encoder_ : str
        The encoder used, ``"dense"`` or ``"cnn"``.
    mean_, scale_ : ndarray
        The standardisation learned in ``fit`` (0 and 1 with
        ``standardize=False``).
    model_ : keras.Model
        The trained twin network; its layers ``"encoder"`` and ``"head"`` are
        the shared encoder and the scoring head.
        After loading (pickle, joblib, skops) it is rebuilt from the saved
        weights when first accessed, which imports TensorFlow.
    history_ : dict of list
        Loss and metrics per epoch, over all calls of ``fit``.
    n_epochs_ : int
        Epochs trained so far.

    See Also
    --------
    sklearn_ecg.make_pairs : Same- and different-person pairs of segments.
    sklearn_ecg.PairGroupKFold : Cross-validation with no person on both sides.
    sklearn_ecg.metrics.equal_error_rate : Verification error of the scores.
    sklearn_ecg.datasets.make_segments : Segments to pair, from records.

    Notes
    -----
    Scaling pair rows with a scikit-learn scaler before this model would scale
    the left and right halves differently and break the symmetry; use
    ``standardize`` or normalise each segment before pairing (e.g.
    :class:`~sklearn_ecg.BeatNormalizer`).

    Bromley J, et al. Signature verification using a "Siamese" time delay neural
    network. NIPS (1993). Hadsell R, Chopra S, LeCun Y. Dimensionality reduction
    by learning an invariant mapping. CVPR (2006).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg import make_pairs
    >>> from sklearn_ecg.neural import SiameseSimilarityRegressor
    >>> rng = np.random.default_rng(0)
    >>> persons = np.repeat(np.arange(6), 10)
    >>> X = rng.normal(size=(6, 8))[persons] + 0.1 * rng.normal(size=(60, 8))
    >>> X_pairs, y, pair_groups = make_pairs(X, persons, n_pairs=200, random_state=0)
    >>> model = SiameseSimilarityRegressor(embedding_dim=8, dense_units=(16,), epochs=5,
    ...                                    bound_output=True, random_state=0)
    >>> model.fit(X_pairs, y).predict(X_pairs[:3]).shape
    (3,)
    >>> model.embed(X[:4]).shape
    (4, 8)
    """

    _parameter_constraints: dict = {
        **BaseKerasEstimator._parameter_constraints,
        **BaseKerasEstimator._early_stopping_constraints,
        "encoder": [StrOptions({"auto", "dense", "cnn"})],
        "embedding_dim": [Interval(Integral, 1, None, closed="left")],
        **BaseKerasEstimator._conv_encoder_constraints,
        "dense_units": ["array-like"],
        "path_units": [Interval(Integral, 1, None, closed="left")],
        "merge_units": [Interval(Integral, 1, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "loss": [StrOptions({"mse", "cross_entropy", "contrastive"})],
        "margin": [Interval(Real, 0, None, closed="neither")],
        "bound_output": ["boolean"],
        "metrics": [list, tuple, None],
        "standardize": ["boolean"],
        "pretrained": "no_validation",
    }
    _X_axes = "pairs, 2 * samples[, leads]"

    def __init__(
        self,
        encoder="auto",
        embedding_dim=64,
        conv_filters=(16, 32, 64),
        kernel_size=(7, 5, 3),
        padding="same",
        conv_dropout=0.1,
        dense_units=(256, 128),
        path_units=64,
        merge_units=256,
        dropout=0.25,
        loss="cross_entropy",
        margin=0.5,
        bound_output=True,
        metrics=None,
        standardize=True,
        pretrained=None,
        learning_rate=0.001,
        epochs=30,
        batch_size=128,
        validation_fraction=0.1,
        early_stopping=True,
        patience=5,
        warm_start=False,
        random_state=None,
        verbose=0,
        inference="keras",
    ):
        self.encoder = encoder
        self.embedding_dim = embedding_dim
        self.conv_filters = conv_filters
        self.kernel_size = kernel_size
        self.padding = padding
        self.conv_dropout = conv_dropout
        self.dense_units = dense_units
        self.path_units = path_units
        self.merge_units = merge_units
        self.dropout = dropout
        self.loss = loss
        self.margin = margin
        self.bound_output = bound_output
        self.metrics = metrics
        self.standardize = standardize
        self.pretrained = pretrained
        self.learning_rate = learning_rate
        self.epochs = epochs
        self.batch_size = batch_size
        self.validation_fraction = validation_fraction
        self.early_stopping = early_stopping
        self.patience = patience
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose
        self.inference = inference

    # -- checks -----------------------------------------------------------------

    def _check_settings(self, segment_shape, y):
        if self.loss != "mse" and not self.bound_output:
            raise ValueError(f"loss={self.loss!r} needs bound_output=True (scores in [0, 1])")
        if (self.loss != "mse" or self.bound_output) and y is not None and len(y) \
                and (np.min(y) < 0 or np.max(y) > 1):
            why = f"loss={self.loss!r}" if self.loss != "mse" else "bound_output=True (a sigmoid)"
            raise ValueError(
                f"y must lie in [0, 1] for {why}, got values in "
                f"[{np.min(y):g}, {np.max(y):g}]; for any real y use "
                "loss='mse', bound_output=False (the original's regression)"
            )
        for name in self.metrics or ():
            if name not in _METRICS:
                raise ValueError(f"metrics must be names among {sorted(_METRICS)}, got {name!r}")
        return self._resolve_encoder(segment_shape)

    def _split_pairs(self, X):
        """Validated pair rows ``[left | right]`` as the network's two inputs (:meth:`_segments`)."""
        d = X.shape[1] // 2
        return self._segments(X[:, :d]), self._segments(X[:, d:])

    # -- model ------------------------------------------------------------------

    def _build_keras_model(self):
        keras = import_keras()
        shape = self.segment_shape_
        encoder = self._build_encoder(keras)
        head = build_siamese_head(keras, self.embedding_dim, self.path_units, self.merge_units,
                                  self.dropout, self.bound_output)
        left = keras.Input(shape=shape, name="left")
        right = keras.Input(shape=shape, name="right")
        score = head([encoder(left), encoder(right)])
        model = keras.Model([left, right], score, name="siamese")
        model.compile(
            optimizer=keras.optimizers.Adam(self.learning_rate),
            loss=siamese_loss(keras, self.loss, self.margin),
            metrics=[_METRICS[m] for m in self.metrics or ()],
        )
        return model

    # -- estimator API ------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Train the twin network on pairs.

        Parameters
        ----------
        X : array-like of shape (n_pairs, 2 * d) or (n_pairs, 2 * n_samples, n_leads)
            Pair rows ``[left | right]``; for 3-D ``X`` the two segments are
            the first and second half of axis 1.
        y : array-like of shape (n_pairs,)
            Similarity of each pair: 1 same, 0 different, or any value in
            between.
        sample_weight : array-like of shape (n_pairs,), default=None
            Weights of the pairs in the loss.

        Returns
        -------
        self : object
            The fitted regressor.
        """
        X, y, refit = self._start_fit(X, y, y_numeric=True)
        if len(y) < 2:
            raise ValueError("X must hold at least two pairs to train on, got 1 sample")
        if np.unique(y).size < 2:
            # One person's pairs only (all targets 1): nothing tells alike from unlike.
            raise ValueError(
                f"y must hold at least two different targets (pairs of the same person and "
                f"of different persons), got only {float(y[0]):g} for all {len(y)} pairs"
            )
        if X.shape[1] % 2:
            raise ValueError(
                f"X must have an even number of columns, a pair row [left | right], got {X.shape[1]}"
            )
        d = X.shape[1] // 2
        segment_shape = self._check_segment_shape((d, X.shape[2] if X.ndim == 3 else 1), refit)
        encoder = self._check_settings(segment_shape, y)
        if not refit:
            self.segment_shape_ = segment_shape
            self.encoder_ = encoder
            segments = np.concatenate([X[:, :d], X[:, d:]]).reshape(-1, *segment_shape)
            if not self.standardize:
                self.mean_, self.scale_ = np.float32(0.0), np.float32(1.0)
            elif encoder == "cnn":
                self.mean_ = np.float32(segments.mean(dtype=np.float64))
                std = segments.std(dtype=np.float64)
                self.scale_ = np.float32(std if std > 0 else 1.0)
            else:
                self.mean_ = segments.mean(axis=0, dtype=np.float64).astype("float32")
                std = segments.std(axis=0, dtype=np.float64)
                self.scale_ = np.where(std > 0, std, 1.0).astype("float32")
        weights = _check_sample_weight(sample_weight, X, dtype=np.float64, ensure_non_negative=True)
        labels = np.unique(y)
        stratify = y if labels.size == 2 else None
        return self._fit_keras(self._split_pairs(X), y.astype("float32"),
                               sample_weight=weights.astype("float32"), stratify=stratify)

    def predict(self, X):
        """Similarity score of each pair.

        Parameters
        ----------
        X : array-like of shape (n_pairs, 2 * d) or (n_pairs, 2 * n_samples, n_leads)
            Pair rows ``[left | right]``.

        Returns
        -------
        scores : ndarray of shape (n_pairs,), dtype float32
            Higher means more alike; in [0, 1] with ``bound_output=True``. In
            the network's precision, float32.
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, allow_nd=True, dtype="float32")
        return self._predict_network(self._split_pairs(X))[:, 0].astype(np.float32)

    def embed(self, X):
        """Embedding of single segments by the shared encoder.

        Use it to index a gallery for identification, e.g. with
        :class:`~sklearn.neighbors.KNeighborsClassifier`, or pass a gallery and
        queries to :meth:`score_pairs`. This regressor has no ``transform``:
        its rows are pairs, and an embedding takes single segments, half as wide.

        Parameters
        ----------
        X : array-like of shape (n_segments, d) or (n_segments, n_samples, n_leads)
            Segments shaped as one half of a pair row.

        Returns
        -------
        embeddings : ndarray of shape (n_segments, embedding_dim), dtype float32
        """
        return self._embedded(X, "X")

    def _embedded(self, X, name):
        segments = self._check_segments(X, name=name)
        return self._predict_network(segments, part="encoder").astype(np.float32)

    def _score_embeddings(self, a, b):
        """The learned head on every pair of rows of ``a`` and ``b``: the scores of :meth:`predict`."""
        left = np.repeat(a, len(b), axis=0)
        right = np.tile(b, (len(a), 1))
        scores = self._predict_network([left, right], part="head",
                                       batch_size=max(self.batch_size, 4096))
        return scores[:, 0].astype(np.float64).reshape(len(a), len(b))
