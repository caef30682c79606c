"""ContrastiveEncoder: self-supervised (SimCLR) pretraining of an ECG encoder, as a transformer.

The encoder learns from unlabelled segments: two randomly augmented views of
each segment are pulled together and pushed away from the views of the other
segments of the batch (the NT-Xent loss). The views are drawn in NumPy from the
estimator's own generator, fresh for every batch, and fed to a compiled
TensorFlow train step: this training loop overrides the Keras base's ``_train``,
and the rest (the opening of ``fit``, seeding, pickling by weights, TensorFlow
imported only when needed) is the base's. The network is built in
``_architectures``.

The second view of a segment is, by default, another augmentation of it
(SimCLR); ``positives`` takes it instead from a partner segment of the same
patient (CLOCS): the next or previous segment of its record and lead, or the
same moment in another lead. The partners come from the metadata ``record``,
``lead`` and ``start`` passed to ``fit``. Only the rows of a batch are read
from ``X``, so a memory-mapped array (see
:func:`~sklearn_ecg.datasets.write_unlabelled_segments`) is trained on in place.
"""

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import ClassNamePrefixFeaturesOutMixin, TransformerMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_array, check_is_fitted, validate_data

from ._architectures import (
    ENCODERS,
    PretrainedEncoder,
    build_contrastive_model,
    conv_architecture,
    encoder_architecture,
    nt_xent,
)
from ._augment import augment, check_augmentations
from ._keras import BaseKerasEstimator, draw_seed, import_keras
from ._similarity import SimilarityMixin


class ContrastiveEncoder(ClassNamePrefixFeaturesOutMixin, TransformerMixin, SimilarityMixin,
                         BaseKerasEstimator):
    """Self-supervised contrastive encoder of ECG segments (SimCLR), for few labels.

    ``fit`` learns an encoder from unlabelled segments (beats, or windows of a
    few beats) and ignores ``y``: two augmented views of each segment pass
    through the encoder and a projection head, and the NT-Xent loss makes the
    two views of one segment more alike than the views of all other segments of
    the batch. ``transform`` returns the encoder's embeddings, for a simple
    model trained on the few segments that have labels (a logistic
    regression), or the encoder initialises a
    :class:`~sklearn_ecg.neural.HeartbeatCNNClassifier` (``export_encoder``).

    The views are drawn from the estimator's own NumPy generator, fresh for
    every batch of every epoch (:meth:`draw_views` shows them). TensorFlow is
    imported when the encoder is fitted, used or unpickled, never when it is
    created.

    Parameters
    ----------
    encoder : {"cnn", "cnn_lstm", "cnn_transformer", "cnn_attention_lstm"}, default="cnn"
        The network that embeds a segment (the four of the Contrastive-ECG
        family): the convolutional blocks of
        :class:`~sklearn_ecg.neural.HeartbeatCNNClassifier` with a global max
        over time (``"cnn"``), or the same blocks followed by an LSTM
        (``"cnn_lstm"``), by self-attention layers with learned positions and
        a global average (``"cnn_transformer"``), or by an LSTM whose outputs
        are pooled by a learned attention over time (``"cnn_attention_lstm"``).
        ``export_encoder`` hands any of them to the classifier and the pair
        estimators.
    conv_filters : tuple of int, default=(16, 32, 32, 32, 256)
        Filters of each convolutional block (two Conv1D each; every block but
        the last ends with max-pooling and dropout).
    kernel_size : int or tuple of int, default=(5, 3, 3, 3, 3)
        Kernel size of each block's convolutions.
    padding : {"valid", "same"}, default="valid"
        Padding of convolutions and pooling; ``"valid"`` needs segments long
        enough for the stack (about 90 samples with the defaults).
    conv_dropout : float, default=0.1
        Dropout after each pooled block (and in the attention layers).
    lstm_units : int, default=64
        Units of the LSTM of ``encoder="cnn_lstm"`` and ``"cnn_attention_lstm"``.
    attention_heads : int, default=4
        Heads of each self-attention layer of ``encoder="cnn_transformer"``.
    attention_layers : int, default=1
        Self-attention layers (each with a feed-forward block) of
        ``encoder="cnn_transformer"``.
    embedding_dim : int or None, default=64
        Width of the embedding: a linear projection of the encoder's pooled
        features. None uses the pooled features themselves (as wide as the
        last block of ``conv_filters``, or ``lstm_units``).
    projection_units : tuple of int, default=(128, 64)
        Dense layers of the projection head (ReLU between them, the last
        linear) on which the loss is computed; used in training only.
    augmentations : str, sequence or dict, default=("time_warp", "zero_mask", "noise")
        What turns a segment into a view: applied in order, each to a view
        with its probability ``p``. Items are names, or ``(name, params)``
        pairs where ``params`` overrides some defaults (a dict of name to
        params works too):

        - ``"time_warp"`` (``n_segments=4``, ``stretch=0.2``): the segment cut
          into equal pieces, alternately stretched and squeezed by up to
          ``stretch``, resampled to its length;
        - ``"permute"`` (``n_segments=4``): the pieces in a random order;
        - ``"zero_mask"`` (``fraction=0.2``): a contiguous block set to zero;
        - ``"dropout"`` (``rate=0.1``): single samples set to zero;
        - ``"noise"`` (``scale=0.1``): Gaussian noise with ``scale`` times the
          segment's standard deviation.

        Every augmentation also takes ``p`` (default 1.0).
    views : {"augmented", "adjacent_halves"}, default="augmented"
        What makes the two views of a segment: two augmentations of the whole
        segment (SimCLR), or its first and second halves, each augmented (the
        temporal contrast of CLOCS, for windows longer than one beat: adjacent
        stretches of one recording share its patient and rhythm). With
        ``"adjacent_halves"`` the encoder sees half-segments, and
        ``transform`` returns the mean embedding of a segment's two halves.
    positives : {"augment", "adjacent", "lead"}, default="augment"
        Where the second view of a segment comes from (each view then gets
        its own ``augmentations``):

        - ``"augment"``: the segment itself (SimCLR: two augmentations of one
          segment);
        - ``"adjacent"``: the segment just before or just after it in its
          record and lead (CLOCS's contrast across time), drawn afresh for
          every batch;
        - ``"lead"``: the segment of the same record and start in another
          lead (CLOCS's contrast across leads), drawn afresh for every batch
          when there are several.

        ``"adjacent"`` and ``"lead"`` need the metadata of ``fit``
        (``record``, ``start``, and ``lead``); a segment without a partner
        (alone in its record, or its only lead at that moment) falls back
        to two augmentations of itself, and ``n_without_partner_`` counts
        them. They need ``views="augmented"``.
    temperature : float, default=0.1
        Temperature of the NT-Xent loss: lower values weigh the hardest
        negatives more.
    learning_rate : float, default=0.001
        Adam's learning rate.
    epochs : int, default=20
        Epochs per call of ``fit``.
    batch_size : int, default=256
        Segments per gradient step (each gives two views); every other segment
        of a batch is a negative, so larger batches make a harder task.
    warm_start : bool, default=False
        Continue training the fitted network (optimizer state and view
        generator included, also after unpickling) on the next call of ``fit``.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, dropout, shuffling and the views. Two fits
        with the same int give identical embeddings on CPU. The seeding is
        undone after ``fit``.
    verbose : int, default=0
        1 or 2: print the loss after every epoch.
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
        Number of columns of ``X`` (samples per segment for 3-D input).
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, when ``X`` was a DataFrame of string names.
    segment_shape_ : tuple of int
        ``(n_samples, n_leads)`` of one segment as given to ``fit``.
    encoder_input_shape_ : tuple of int
        ``(n_samples, n_leads)`` the encoder sees: ``segment_shape_``, or half
        of it with ``views="adjacent_halves"``.
    model_ : keras.Model
        The network in training: segment to (embedding, projection); its
        layer ``"embedder"`` maps a segment to its embedding.
        After loading (pickle, joblib, skops) it is rebuilt from the saved
        weights when first accessed, which imports TensorFlow.
    history_ : dict of list
        ``loss`` (NT-Xent) per epoch, over all calls of ``fit``.
    n_epochs_ : int
        Epochs trained so far.
    n_without_partner_ : int or None
        Segments of the last ``fit`` that had no partner of the ``positives``
        kind and were paired with an augmentation of themselves; None with
        ``positives="augment"``.

    See Also
    --------
    sklearn_ecg.neural.HeartbeatCNNClassifier : Takes ``export_encoder()`` as
        ``pretrained`` to fine-tune the encoder with labels.
    sklearn_ecg.BeatNormalizer : Min-max normalisation and resampling of beats.

    Notes
    -----
    The two views of a batch of ``B`` segments make ``2B`` embeddings; each has
    one positive (its partner) and ``2B - 2`` negatives, and the loss is the
    cross-entropy of finding the positive by cosine similarity divided by
    ``temperature``. Training runs for ``epochs`` epochs with no early stopping:
    the loss on held-out segments depends on the random views and batches, and
    says little about the embeddings' later use.

    With ``positives="adjacent"`` or ``"lead"`` the two views of a pair come
    from two segments; a batch is drawn over the anchor segments, so that a
    partner may also be an anchor of the same batch, where it counts as a
    negative of the pair it does not belong to (CLOCS does the same). Only
    the rows of each batch are read from ``X``: a float32 ``numpy.memmap``
    (C order) is validated and trained on without being copied into memory.

    Chen T, Kornblith S, Norouzi M, Hinton G. A simple framework for
    contrastive learning of visual representations. ICML (2020).
    Sarkar P, Etemad A. Self-supervised ECG representation learning for
    emotion recognition. IEEE Trans Affective Computing (2020).
    Kiyasseh D, Zhu T, Clifton DA. CLOCS: Contrastive learning of cardiac
    signals across space, time, and patients. ICML (2021).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.neural import ContrastiveEncoder
    >>> rng = np.random.default_rng(0)
    >>> t = np.linspace(0, 1, 64)
    >>> X = np.vstack([np.exp(-((t - c) ** 2) / 0.002) for c in rng.uniform(0.3, 0.7, 40)])
    >>> enc = ContrastiveEncoder(conv_filters=(8, 8), kernel_size=5, embedding_dim=4,
    ...                          projection_units=(8,), epochs=2, batch_size=16,
    ...                          random_state=0).fit(X)
    >>> enc.transform(X).shape
    (40, 4)
    >>> enc.get_feature_names_out()[:2].tolist()
    ['contrastiveencoder0', 'contrastiveencoder1']
    """

    _standardises = False  # the augmentations act on the segments as they are

    _parameter_constraints: dict = {
        **BaseKerasEstimator._parameter_constraints,
        "encoder": [StrOptions(set(ENCODERS))],
        **BaseKerasEstimator._conv_encoder_constraints,
        "lstm_units": [Interval(Integral, 1, None, closed="left")],
        "attention_heads": [Interval(Integral, 1, None, closed="left")],
        "attention_layers": [Interval(Integral, 1, None, closed="left")],
        "embedding_dim": [Interval(Integral, 1, None, closed="left"), None],
        "projection_units": ["array-like"],
        "augmentations": [str, list, tuple, dict],
        "views": [StrOptions({"augmented", "adjacent_halves"})],
        "positives": [StrOptions({"augment", "adjacent", "lead"})],
        "temperature": [Interval(Real, 0, None, closed="neither")],
        # A batch of one segment has no negative.
        "batch_size": [Interval(Integral, 2, None, closed="left")],
    }
    _X_axes = "segments, samples[, leads]"

    def __init__(
        self,
        encoder="cnn",
        conv_filters=(16, 32, 32, 32, 256),
        kernel_size=(5, 3, 3, 3, 3),
        padding="valid",
        conv_dropout=0.1,
        lstm_units=64,
        attention_heads=4,
        attention_layers=1,
        embedding_dim=64,
        projection_units=(128, 64),
        augmentations=("time_warp", "zero_mask", "noise"),
        views="augmented",
        positives="augment",
        temperature=0.1,
        learning_rate=0.001,
        epochs=20,
        batch_size=256,
        warm_start=False,
        random_state=None,
        verbose=0,
        inference="keras",
    ):
        self.encoder = encoder
        self.conv_filters = conv_filters
        self.kernel_size = kernel_size
        self.padding = padding
        self.conv_dropout = conv_dropout
        self.lstm_units = lstm_units
        self.attention_heads = attention_heads
        self.attention_layers = attention_layers
        self.embedding_dim = embedding_dim
        self.projection_units = projection_units
        self.augmentations = augmentations
        self.views = views
        self.positives = positives
        self.temperature = temperature
        self.learning_rate = learning_rate
        self.epochs = epochs
        self.batch_size = batch_size
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose
        self.inference = inference

    # -- views --------------------------------------------------------------------

    def _checked_augmentations(self):
        if self.positives != "augment" and self.views != "augmented":
            raise ValueError(
                f"positives={self.positives!r} takes the second view from another segment, "
                f"views={self.views!r} from the same one: use views='augmented' with "
                "positives, or positives='augment' with views='adjacent_halves'"
            )
        checked = check_augmentations(self.augmentations)
        if not checked and self.views == "augmented" and self.positives == "augment":
            raise ValueError(
                "augmentations is empty, so both views of a segment would be the same "
                "segment; name at least one augmentation, or use views='adjacent_halves' "
                "or positives='adjacent' or 'lead'"
            )
        return checked

    def _draw_views(self, segments, rng, partners=None):
        """Two views of each of ``segments`` (n, length, leads), drawn from ``rng``.

        ``partners``, when given, are the segments the second views come from.
        """
        augmentations = self._checked_augmentations()
        if partners is not None:
            first, second = segments, partners
        elif self.views == "adjacent_halves":
            half = segments.shape[1] // 2
            first, second = segments[:, :half], segments[:, half : 2 * half]
        else:
            first = second = segments
        return augment(first, rng, augmentations), augment(second, rng, augmentations)

    def _partners(self, n, record, lead, start):
        """The partners of ``n`` segments for ``positives``, from the metadata; None for "augment"."""
        if self.positives == "augment":
            return None
        partners = segment_partners(self.positives, n, record=record, lead=lead, start=start)
        unpaired = int(np.sum(np.diff(partners[0]) == 0))
        if unpaired and not check_augmentations(self.augmentations):
            raise ValueError(
                f"{unpaired} of the {n} segments have no partner for positives="
                f"{self.positives!r}, so their two views would be the same segment, and "
                "augmentations is empty: name at least one augmentation"
            )
        if unpaired == n:
            warnings.warn(
                f"no segment has a partner for positives={self.positives!r} (" + (
                    "no record has two segments of one lead"
                    if self.positives == "adjacent"
                    else "no moment of a record is in two leads") +
                "): every segment is paired with an augmentation of itself, as with "
                "positives='augment'", UserWarning, stacklevel=3,
            )
        return partners, unpaired

    def draw_views(self, X, random_state=None, *, record=None, lead=None, start=None):
        """Draw two views of each segment, as ``fit`` does for every batch.

        Needs no fitting and no TensorFlow: use it to see what the
        augmentations (and the partners of ``positives``) do to your segments.

        Parameters
        ----------
        X : array-like of shape (n_segments, n_samples) or (n_segments, n_samples, n_leads)
            Segments.
        random_state : int, numpy.random.Generator or None, default=None
            Where the random choices come from; a Generator is advanced, as
            ``fit`` advances its own from batch to batch.
        record, lead, start : array-like of shape (n_segments,), default=None
            The metadata of each segment, as in :meth:`fit`; used with
            ``positives="adjacent"`` or ``"lead"`` only.

        Returns
        -------
        first, second : ndarray of float32
            The two views, shaped like ``X`` (with half the samples for
            ``views="adjacent_halves"``).
        """
        self._validate_params()
        X = self._check_dims(check_array(X, allow_nd=True, dtype="float32", ensure_min_features=1))
        if self.views == "adjacent_halves" and X.shape[1] < 2:
            raise ValueError("views='adjacent_halves' needs segments of at least 2 samples")
        segments = X if X.ndim == 3 else X[:, :, None]
        found = self._partners(len(X), record, lead, start)
        rng = np.random.default_rng(random_state)
        if found is None:
            first, second = self._draw_views(segments, rng)
        else:
            index = np.arange(len(X))
            other = draw_partners(found[0], index, rng)
            first, second = self._draw_views(segments, rng, segments[other])
        if X.ndim == 2:
            return first[:, :, 0], second[:, :, 0]
        return first, second

    # -- model --------------------------------------------------------------------

    def _input_shape(self, beat_shape):
        if self.views == "adjacent_halves":
            return (beat_shape[0] // 2, beat_shape[1])
        return tuple(beat_shape)

    def _architecture(self, input_length):
        return encoder_architecture(
            self.encoder, conv_architecture(self.conv_filters, self.kernel_size, self.padding,
                                            self.conv_dropout, input_length),
            lstm_units=self.lstm_units, attention_heads=self.attention_heads,
            attention_layers=self.attention_layers)

    def _projection_units(self):
        units = tuple(self.projection_units)
        if not units or not all(isinstance(u, Integral) and u > 0 for u in units):
            raise ValueError(
                "projection_units must be a non-empty sequence of positive ints, "
                f"got {self.projection_units!r}"
            )
        return tuple(int(u) for u in units)

    def _build_keras_model(self):
        keras = import_keras()
        return build_contrastive_model(
            keras, self.encoder_input_shape_,
            architecture=self._architecture(self.encoder_input_shape_[0]),
            embedding_dim=self.embedding_dim, projection_units=self._projection_units(),
            learning_rate=self.learning_rate,
        )

    @property
    def _n_features_out(self):
        if getattr(self, "inference", "keras") == "numpy":
            return int(self._embed(np.zeros((1, *self.encoder_input_shape_), "float32")).shape[1])
        return int(self.model_.get_layer("embedder").output.shape[-1])

    def export_encoder(self):
        """The pretrained encoder, to initialise a classifier or a pair estimator.

        Returns
        -------
        encoder : PretrainedEncoder
            Weights and architecture of the encoder (its convolutional blocks
            and its head: global max, LSTM, attention layers or attention
            LSTM; the embedding layer and projection head stay behind); pass
            it as ``pretrained`` to :class:`~sklearn_ecg.neural.HeartbeatCNNClassifier`,
            :class:`~sklearn_ecg.neural.SiameseSimilarityRegressor` or
            :class:`~sklearn_ecg.neural.MetricEncoder` with the same
            ``conv_filters``, ``kernel_size`` and ``padding``, for segments of
            ``encoder_input_shape_`` (of its number of samples for
            ``encoder="cnn_transformer"``, whose learned positions are per step).
        """
        check_is_fitted(self)
        network = self.model_.get_layer("embedder").get_layer("encoder")
        return PretrainedEncoder(
            self._architecture(self.encoder_input_shape_[0]), self.encoder_input_shape_,
            network.get_weights(), f"ContrastiveEncoder(encoder={self.encoder!r})",
        )

    # -- estimator API --------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, *, record=None, lead=None, start=None):
        """Pretrain the encoder on unlabelled segments.

        Parameters
        ----------
        X : array-like of shape (n_segments, n_samples) or (n_segments, n_samples, n_leads)
            Segments: beats, or windows of a few beats. A float32
            ``numpy.memmap`` (such as
            :func:`~sklearn_ecg.datasets.write_unlabelled_segments` gives) is
            read batch by batch, never copied into memory whole.
        y : None
            Ignored: the training is self-supervised.
        record : array-like of shape (n_segments,), default=None
            The record each segment was cut from (any hashable labels, unique
            across databases). Needed by ``positives="adjacent"`` and
            ``"lead"``; ignored with ``"augment"``.
        lead : array-like of shape (n_segments,), default=None
            The lead of each segment in its record. Needed by
            ``positives="lead"``; with ``"adjacent"``, None means one lead per
            record.
        start : array-like of shape (n_segments,), default=None
            Where each segment starts in its record (seconds or samples, one
            unit for all): ``"adjacent"`` orders the segments of a record and
            lead by it, ``"lead"`` pairs the leads of equal starts. Needed by
            both.

            The three are per-segment metadata: in a pipeline or a
            cross-validation, request them with
            ``set_fit_request(record=True, lead=True, start=True)`` (scikit-learn's
            metadata routing), and they are split with ``X``.

        Returns
        -------
        self : object
            The fitted encoder.

        Raises
        ------
        ValueError
            If ``positives`` needs metadata that is missing (the message names
            it), or the metadata does not have one value per segment.
        """
        X, _, refit = self._start_fit(X)  # y is ignored, so not validated
        if X.shape[0] < 2:
            raise ValueError(
                f"X has {X.shape[0]} sample; contrastive training needs at least 2 samples, "
                "since the other segments of a batch are the negatives"
            )
        beat_shape = self._check_segment_shape((X.shape[1], X.shape[2] if X.ndim == 3 else 1),
                                               refit)
        if self.views == "adjacent_halves" and beat_shape[0] < 2:
            raise ValueError("views='adjacent_halves' needs segments of at least 2 samples")
        # Everything is checked before TensorFlow is imported.
        self._checked_augmentations()
        self._architecture(self._input_shape(beat_shape)[0])
        self._projection_units()
        found = self._partners(X.shape[0], record, lead, start)
        self.segment_shape_ = beat_shape
        self.encoder_input_shape_ = self._input_shape(beat_shape)
        self.n_without_partner_ = None if found is None else found[1]
        return self._fit_keras(self._segments(X),
                               partners=None if found is None else found[0])

    def _train(self, model, segments, targets, rng, *, new_model, partners=None):
        """Run ``epochs`` epochs over ``segments``; return the mean loss of each.

        The views come from the estimator's own generator, seeded from ``rng``
        with a new network and kept with it, so that a warm start continues it.
        ``partners`` (see :func:`segment_partners`) give the second views'
        segments, drawn for every batch from the same generator.
        """
        if new_model:
            self._views_rng = np.random.default_rng(draw_seed(rng))
        views_rng = self._views_rng
        n = len(segments)
        # Batches of nearly equal size (never a last batch of one segment, which has
        # no negative), with fresh views for each.
        n_batches = -(-n // min(self.batch_size, n))
        step = make_train_step(model, self.temperature,
                               compiled=not self._runs_eagerly(n_batches))
        n_before = len(self.history_.get("loss", []))
        losses = []
        for epoch in range(self.epochs):
            total = 0.0
            for index in np.array_split(views_rng.permutation(n), n_batches):
                if partners is None:
                    first, second = self._draw_views(segments[index], views_rng)
                else:
                    other = draw_partners(partners, index, views_rng)
                    first, second = self._draw_views(segments[index], views_rng,
                                                     segments[other])
                total += float(step(first, second)) * len(index)
            losses.append(total / n)
            if self.verbose:
                print(f"epoch {n_before + epoch + 1}: loss {losses[-1]:.4f}")
        return {"loss": losses}

    def transform(self, X):
        """Embed each segment.

        Parameters
        ----------
        X : array-like of shape (n_segments, n_samples) or (n_segments, n_samples, n_leads)
            Segments, shaped as in ``fit``.

        Returns
        -------
        embeddings : ndarray of shape (n_segments, embedding_dim), dtype float32
            One row per segment (the pooled features' width when
            ``embedding_dim=None``), in the network's precision.
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, allow_nd=True, dtype="float32")
        return self._embed_segments(self._segments(X))

    def _embedded(self, X, name):
        return self._embed_segments(self._check_segments(X, name=name))

    def _embed_segments(self, segments):
        if self.views == "adjacent_halves":
            half = self.encoder_input_shape_[0]
            first = self._embed(segments[:, :half])
            second = self._embed(segments[:, half : 2 * half])
            return (first + second) / 2
        return self._embed(segments)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float32"]  # the network's precision
        return tags

    def embed(self, X):
        """Embed each segment: :meth:`transform`, as the similarity protocol names it.

        :meth:`SiameseSimilarityRegressor.embed
        <sklearn_ecg.neural.SiameseSimilarityRegressor.embed>` embeds segments
        with its shared encoder; this is the same call here, so that code
        that indexes a gallery takes either estimator (see
        :class:`~sklearn_ecg.neural.SimilarityMixin`: ``score_pairs`` and
        ``score_embeddings`` score by the cosine of the embeddings).

        Parameters
        ----------
        X : array-like of shape (n_segments, n_samples) or (n_segments, n_samples, n_leads)
            Segments, shaped as in ``fit``.

        Returns
        -------
        embeddings : ndarray of shape (n_segments, embedding_dim)
            What :meth:`transform` returns (a DataFrame after
            ``set_output(transform="pandas")``).
        """
        return self.transform(X)

    def _embed(self, segments):
        batch_size = max(self.batch_size, 1024)
        if getattr(self, "inference", "keras") != "keras" or len(segments) > batch_size:
            return self._predict_network(segments, part="embedder",
                                         batch_size=batch_size).astype(np.float32)
        # One batch: a direct call costs milliseconds, predict() a graph trace.
        embedder = self.model_.get_layer("embedder")
        return np.asarray(embedder(segments, training=False), dtype=np.float32)


def _metadata(value, name, n, positives):
    if value is None:
        return None
    value = np.asarray(value)
    if value.ndim != 1 or len(value) != n:
        raise ValueError(
            f"{name} must hold one value per segment, {n}, for positives={positives!r}; "
            f"got shape {value.shape}"
        )
    return value


def segment_partners(positives, n, *, record=None, lead=None, start=None):
    """The partner segments of each of ``n`` segments, for ``positives``.

    Parameters
    ----------
    positives : {"adjacent", "lead"}
        ``"adjacent"``: the segments just before and just after a segment, by
        ``start``, among those of its record and lead. ``"lead"``: the
        segments of its record with the same ``start`` in another lead.
    n : int
        The number of segments.
    record, lead, start : array-like of shape (n,)
        The metadata of each segment; ``lead`` may be None with
        ``"adjacent"`` (one lead per record).

    Returns
    -------
    indptr : ndarray of int64, shape (n + 1,)
    indices : ndarray of int64
        The partners of segment ``i`` are ``indices[indptr[i]:indptr[i + 1]]``
        (compressed sparse rows); a segment without one has none.
    """
    needed = {"adjacent": ("record", "start"), "lead": ("record", "lead", "start")}[positives]
    given = {"record": record, "lead": lead, "start": start}
    missing = [name for name in needed if given[name] is None]
    if missing:
        what = ("pairs each segment with the one before or after it in its record and lead"
                if positives == "adjacent" else
                "pairs each segment with the same moment in another lead of its record")
        raise ValueError(
            f"positives={positives!r} {what}, so fit needs "
            + ", ".join(f"{name}=" for name in needed)
            + f" (one value per segment); {' and '.join(missing)} "
            + ("is" if len(missing) == 1 else "are") + " missing"
            + ("" if positives == "lead" else "; pass lead= too for records of several leads")
        )
    record = _metadata(record, "record", n, positives)
    lead = _metadata(lead, "lead", n, positives)
    start = _metadata(start, "start", n, positives)
    try:
        start = start.astype(np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            f"start must hold numbers (the start of each segment in its record), got "
            f"{start[:3].tolist()}..."
        ) from None
    record_code = np.unique(record, return_inverse=True)[1].ravel()
    lead_code = (np.zeros(n, np.int64) if lead is None
                 else np.unique(lead, return_inverse=True)[1].ravel())
    if positives == "adjacent":
        order = np.lexsort((start, lead_code, record_code))
        rec, ld, st = record_code[order], lead_code[order], start[order]
        same = (rec[1:] == rec[:-1]) & (ld[1:] == ld[:-1])  # position p and p + 1
        if lead is None and np.any(same & (st[1:] == st[:-1])):
            p = int(np.flatnonzero(same & (st[1:] == st[:-1]))[0])
            raise ValueError(
                f"segments {order[p]} and {order[p + 1]} share record "
                f"{record[order[p]].tolist()!r} and start {float(start[order[p]])!r}: they are "
                "two leads of one moment, so pass "
                "lead= to tell them apart"
            )
        # Pairs (position p, its partner): the previous and the next of the same run.
        source = np.concatenate([np.flatnonzero(same) + 1, np.flatnonzero(same)])
        target = np.concatenate([np.flatnonzero(same), np.flatnonzero(same) + 1])
    else:
        order = np.lexsort((lead_code, start, record_code))
        rec, st, ld = record_code[order], start[order], lead_code[order]
        new_group = np.ones(n, dtype=bool)
        new_group[1:] = (rec[1:] != rec[:-1]) | (st[1:] != st[:-1])
        group_start = np.flatnonzero(new_group)
        sizes = np.diff(np.append(group_start, n))
        # Every ordered pair of positions within a moment, then those of two leads.
        first = np.repeat(group_start, sizes)
        size = np.repeat(sizes, sizes)
        source = np.repeat(np.arange(n), size)
        target = np.repeat(first, size) + (np.arange(size.sum()) - np.repeat(
            np.cumsum(size) - size, size))
        other = ld[source] != ld[target]
        source, target = source[other], target[other]
    source, target = order[source], order[target]
    by_source = np.lexsort((target, source))
    source, target = source[by_source], target[by_source]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(source, minlength=n), out=indptr[1:])
    return indptr, target.astype(np.int64)


def draw_partners(partners, index, rng):
    """One partner of each segment of ``index``, drawn from ``rng``; itself when it has none.

    ``partners`` is ``segment_partners``'s ``(indptr, indices)``. The draw takes
    one number per segment whatever its partners, so that the generator
    advances the same way for every batch size.
    """
    indptr, indices = partners
    counts = indptr[index + 1] - indptr[index]
    pick = np.floor(rng.random(len(index)) * counts).astype(np.int64)
    chosen = indices[np.minimum(indptr[index] + pick, max(len(indices) - 1, 0))] \
        if len(indices) else index
    return np.where(counts > 0, chosen, index)


def make_train_step(model, temperature, compiled=True):
    """One training step: both views through the network, NT-Xent, one Adam update.

    Compiled with ``tf.function`` unless ``compiled=False``.
    """
    import tensorflow as tf

    optimizer = model.optimizer
    variables = model.trainable_variables
    optimizer.build(variables)  # outside the graph, so that tracing creates no variable
    temperature = float(temperature)
    spec = tf.TensorSpec((None, *model.input_shape[1:]), tf.float32)

    def step(first, second):
        n = tf.shape(first)[0]
        with tf.GradientTape() as tape:
            # One pass over both views: twice the batch, half the calls.
            _, projection = model(tf.concat([first, second], axis=0), training=True)
            loss = nt_xent(projection[:n], projection[n:], temperature)
        optimizer.apply(tape.gradient(loss, variables), variables)
        return loss

    if not compiled:
        return lambda first, second: step(tf.constant(first), tf.constant(second))
    return tf.function(step, input_signature=[spec, spec])
