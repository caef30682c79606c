"""MetricEncoder: embeddings of ECG segments learned from who they belong to, for open-set biometrics."""

from numbers import Integral, Real

import numpy as np
from sklearn.base import ClassNamePrefixFeaturesOutMixin, TransformerMixin, _fit_context
from sklearn.preprocessing import LabelEncoder
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from ._architectures import (
    arcface_loss,
    batch_hard_triplet_loss,
)
from ._augment import check_augmentations
from ._keras import BaseKerasEstimator, PairEncoderMixin, import_keras
from ._similarity import SimilarityMixin, unit_rows

#: The margin of each loss when ``margin=None``: an angle (radians) for ArcFace, a
#: cosine distance for the triplet loss.
_DEFAULT_MARGIN = {"arcface": 0.3, "triplet": 0.2}


class MetricEncoder(ClassNamePrefixFeaturesOutMixin, TransformerMixin, SimilarityMixin,
                    PairEncoderMixin, BaseKerasEstimator):
    """Embeddings of ECG segments in which one person's segments lie close together.

    Trained on segments labelled with their person (``fit(X, y)``, ``y`` the
    person of each segment), it embeds segments of *anyone*, persons it never
    saw included, on the unit sphere; two segments are scored by the cosine
    of their embeddings (:meth:`score_pairs`). This is open-set metric
    learning, as in face and ECG biometrics, and the counterpart of
    :class:`SiameseSimilarityRegressor`, which learns a score from pairs:

    - ``loss="arcface"``: the additive angular margin loss of Deng et al.
      (2019). A linear layer with one unit-norm weight vector per training
      person gives the cosine of each embedding to each person; the cosine to
      the segment's own person is replaced by ``cos(theta + margin)`` and the
      cosines, times ``scale``, go through a softmax cross-entropy. The
      person weights are dropped after training; only the embedding is kept.
    - ``loss="triplet"``: the batch-hard triplet loss of Hermans, Beyer and
      Leibe (2017) on cosine distances: for every segment of a batch, its
      farthest segment of the same person and its nearest segment of another
      person are mined in the batch, and
      ``max(0, d(anchor, positive) - d(anchor, negative) + margin)`` is
      minimised.

    Segments are augmented afresh for every batch (amplitude, baseline wander,
    noise, time warp by default: what changes from one session of a person
    to the next), and standardised with one mean and standard deviation
    learned in ``fit``. It is a transformer (:meth:`transform` gives the
    embeddings) with the scoring methods of the Siamese regressor, so
    :func:`~sklearn_ecg.model_selection.verification_scores`,
    :func:`~sklearn_ecg.model_selection.recording_scores` and
    :func:`~sklearn_ecg.model_selection.identification_accuracy` take either.

    TensorFlow is imported when the encoder is fitted, used or unpickled, never
    when it is created; ``inference="numpy"`` embeds without it.

    Parameters
    ----------
    loss : {"arcface", "triplet"}, default="arcface"
        The training objective (see above).
    margin : float, default=None
        The loss's margin: an angle in radians for ``"arcface"`` (0.3 when
        None), a cosine distance for ``"triplet"`` (0.2 when None).
    scale : float, default=30.0
        ArcFace's scale of the cosines (its inverse temperature); ignored by
        the triplet loss.
    encoder : {"auto", "dense", "cnn"}, default="auto"
        The encoder, as in :class:`SiameseSimilarityRegressor`: ``"cnn"`` for
        beat- or window-shaped segments, ``"dense"`` for feature vectors,
        ``"auto"`` ``"cnn"`` for 3-D ``X`` and segments of at least 32
        samples. Either ends in a linear Dense layer of ``embedding_dim`` units.
    embedding_dim : int, default=64
        Size of the embedding.
    conv_filters : tuple of int, default=(16, 32, 64)
        Filters of each convolutional block.
    kernel_size : int or tuple of int, default=(7, 5, 3)
        Kernel size of each block's convolutions.
    padding : {"same", "valid"}, default="same"
        Padding of convolutions and pooling.
    conv_dropout : float, default=0.1
        Dropout after each pooled block but the last.
    dense_units : tuple of int, default=(256, 128)
        Units of the Dense ReLU layers of the dense encoder.
    pretrained : PretrainedEncoder or fitted estimator, default=None
        Initialise the convolutional encoder (``encoder="cnn"``) from another
        fitted estimator's, such as a
        :class:`~sklearn_ecg.neural.ContrastiveEncoder` pretrained without
        labels (or its ``export_encoder()``, which survives ``clone``); the
        embedding layer and the person weights start afresh, and all layers are
        trained. ``conv_filters``, ``kernel_size``, ``padding`` and the leads
        must match the encoder's; the segments may be of another length.
    augmentations : str, sequence, dict or None, \
            default=("scale", "baseline_wander", "noise", "time_warp")
        Augmentations of the segments, drawn afresh for every batch, by name
        (with parameters, as in :class:`ContrastiveEncoder`); ``None`` trains on
        the segments as given.
    learning_rate : float, default=0.001
        Adam's learning rate.
    epochs : int, default=30
        Maximum number of epochs (per call of ``fit``).
    batch_size : int, default=128
        Segments per gradient step; the triplet loss mines its positives and
        negatives among them, so a batch should hold several segments of each
        of many persons.
    validation_fraction : float, default=0.1
        Share of the training segments held out (stratified by person) to
        decide early stopping.
    early_stopping : bool, default=True
        Stop when the validation loss has not improved for ``patience`` epochs
        and restore the weights of the best epoch.
    patience : int, default=5
        Epochs without improvement before stopping.
    warm_start : bool, default=False
        Continue training the fitted network on the next call of ``fit``
        (the same persons).
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, dropout, shuffling, augmentations and the
        validation split. The seeding is undone after ``fit``.
    verbose : int, default=0
        Keras's progress output.
    inference : {"keras", "numpy"}, default="keras"
        How the fitted encoder computes embeddings: ``"numpy"`` never imports
        TensorFlow (see :class:`HeartbeatCNNClassifier`).

    Attributes
    ----------
    classes_ : ndarray of shape (n_persons,)
        The training persons.
    n_features_in_ : int
        Columns of ``X`` (samples per segment for 3-D input).
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, when ``X`` was a DataFrame of string names.
    segment_shape_ : tuple of int
        ``(n_samples, n_leads)`` of one segment.
    encoder_ : str
        The encoder used (``"auto"`` resolved).
    mean_, scale_ : float
        The standardisation learned in ``fit``.
    model_ : keras.Model
        The network as trained (with the ArcFace person weights); its
        ``"encoder"`` part embeds.
    history_ : dict of list
        Loss per epoch (``loss``, ``val_loss``), over all calls of ``fit``.
    n_epochs_ : int
        Epochs trained so far.

    See Also
    --------
    SiameseSimilarityRegressor : A similarity score learned from pairs.
    ContrastiveEncoder : Embeddings learned without labels.
    sklearn_ecg.model_selection.verification_scores : Same-person scores of recordings.

    Notes
    -----
    Deng J, Guo J, Xue N, Zafeiriou S. ArcFace: Additive angular margin loss for
    deep face recognition. CVPR (2019).
    Hermans A, Beyer L, Leibe B. In defense of the triplet loss for person
    re-identification. arXiv:1703.07737 (2017).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.neural import MetricEncoder
    >>> rng = np.random.default_rng(0)
    >>> t = np.linspace(0, 1, 64)
    >>> persons = np.repeat(np.arange(6), 10)
    >>> X = np.vstack([np.exp(-((t - 0.3 - 0.05 * p) ** 2) / 0.002) for p in persons])
    >>> X += rng.normal(scale=0.05, size=X.shape)
    >>> enc = MetricEncoder(conv_filters=(8,), kernel_size=5, embedding_dim=4, epochs=3,
    ...                     batch_size=20, random_state=0).fit(X, persons)
    >>> enc.transform(X).shape
    (60, 4)
    >>> enc.score_pairs(X[:2], X[:3]).shape
    (2, 3)
    """

    _parameter_constraints: dict = {
        **BaseKerasEstimator._parameter_constraints,
        **BaseKerasEstimator._early_stopping_constraints,
        "loss": [StrOptions({"arcface", "triplet"})],
        "margin": [Interval(Real, 0, None, closed="neither"), None],
        "scale": [Interval(Real, 0, None, closed="neither")],
        "encoder": [StrOptions({"auto", "dense", "cnn"})],
        "embedding_dim": [Interval(Integral, 1, None, closed="left")],
        **BaseKerasEstimator._conv_encoder_constraints,
        "dense_units": ["array-like"],
        "augmentations": [str, list, tuple, dict, None],
        "pretrained": "no_validation",
        # A batch of one segment has neither positive nor negative.
        "batch_size": [Interval(Integral, 2, None, closed="left")],
    }
    _X_axes = "segments, samples[, leads]"

    def __init__(
        self,
        loss="arcface",
        margin=None,
        scale=30.0,
        encoder="auto",
        embedding_dim=64,
        conv_filters=(16, 32, 64),
        kernel_size=(7, 5, 3),
        padding="same",
        conv_dropout=0.1,
        dense_units=(256, 128),
        augmentations=("scale", "baseline_wander", "noise", "time_warp"),
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
        self.loss = loss
        self.margin = margin
        self.scale = scale
        self.encoder = encoder
        self.embedding_dim = embedding_dim
        self.conv_filters = conv_filters
        self.kernel_size = kernel_size
        self.padding = padding
        self.conv_dropout = conv_dropout
        self.dense_units = dense_units
        self.augmentations = augmentations
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

    # -- checks -------------------------------------------------------------------

    def _margin(self):
        return _DEFAULT_MARGIN[self.loss] if self.margin is None else float(self.margin)

    # -- model --------------------------------------------------------------------

    def _build_keras_model(self):
        keras = import_keras()
        layers = keras.layers
        shape = self.segment_shape_
        encoder = self._build_encoder(keras)
        segment = keras.Input(shape=shape, name="segment")
        embedding = layers.UnitNormalization(name="unit_embedding")(encoder(segment))
        if self.loss == "arcface":
            # Cosines to each training person: unit embeddings times unit-norm columns.
            output = layers.Dense(
                len(self.classes_), use_bias=False, name="persons",
                kernel_constraint=keras.constraints.UnitNorm(axis=0),
            )(embedding)
            loss = arcface_loss(keras, len(self.classes_), self._margin(), self.scale)
        else:
            output = embedding
            loss = batch_hard_triplet_loss(keras, self._margin())
        model = keras.Model(segment, output, name="metric_encoder")
        model.compile(optimizer=keras.optimizers.Adam(self.learning_rate), loss=loss)
        return model

    @property
    def _n_features_out(self):
        return self.embedding_dim

    # -- estimator API --------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Train the encoder on segments labelled with their person.

        Parameters
        ----------
        X : array-like of shape (n_segments, n_samples) or (n_segments, n_samples, n_leads)
            Segments (median beats, windows), of several segments per person.
        y : array-like of shape (n_segments,)
            The person of each segment (any labels); at least two persons.

        Returns
        -------
        self : object
            The fitted encoder.
        """
        X, y, refit = self._start_fit(X, y)
        check_classification_targets(y)
        segment_shape = self._check_segment_shape(
            (X.shape[1], X.shape[2] if X.ndim == 3 else 1), refit)
        classes = np.unique(y)
        if classes.size < 2:
            raise ValueError(
                f"y has {classes.size} class, one person; learning what tells persons apart "
                "needs at least 2"
            )
        if refit and not np.array_equal(classes, self.classes_):
            raise ValueError("warm_start: y has other persons than the first fit")
        encoder = self._resolve_encoder(segment_shape)
        augmentations = None if self.augmentations is None else check_augmentations(self.augmentations)
        if not refit:
            self.classes_ = classes
            self.segment_shape_ = segment_shape
            self.encoder_ = encoder
            std = float(np.std(X, dtype=np.float64))
            self.mean_ = np.float32(np.mean(X, dtype=np.float64))
            self.scale_ = np.float32(std if std > 0 else 1.0)
        codes = LabelEncoder().fit(self.classes_).transform(y).astype("int32")
        return self._fit_keras(self._segments(X), codes, stratify=codes,
                               augmentations=augmentations)

    def transform(self, X):
        """Embed each segment on the unit sphere.

        Parameters
        ----------
        X : array-like of shape (n_segments, n_samples) or (n_segments, n_samples, n_leads)
            Segments, shaped as in ``fit``.

        Returns
        -------
        embeddings : ndarray of shape (n_segments, embedding_dim), dtype float32
            Unit-norm rows: their dot product is the cosine score. In the
            network's precision, float32.
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, allow_nd=True, dtype="float32")
        return self._embed(self._segments(X)).astype(np.float32)

    def embed(self, X):
        """Embed each segment on the unit sphere: :meth:`transform`, as the protocol names it.

        Parameters
        ----------
        X : array-like of shape (n_segments, n_samples) or (n_segments, n_samples, n_leads)
            Segments, shaped as in ``fit``.

        Returns
        -------
        embeddings : ndarray of shape (n_segments, embedding_dim)
        """
        return self.transform(X)

    def _embedded(self, X, name):
        return self._embed(self._check_segments(X, name=name))

    def _embed(self, segments):
        raw = self._predict_network(segments, part="encoder").astype(np.float64)
        return unit_rows(raw)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        tags.transformer_tags.preserves_dtype = ["float32"]  # the network's precision
        return tags
