"""The networks of the Keras estimators, apart from the estimators that train them.

The 1-D convolutional encoder (shared by all three estimators), the dense
encoder, the classifier, the Siamese scoring head and its losses, the
contrastive model with its learned positions, and the NT-Xent loss. Functions
take the ``keras`` module as their first argument, and import TensorFlow inside,
so that this module itself imports nothing heavy.
"""

from numbers import Integral

import numpy as np


def check_conv_architecture(conv_filters, kernel_size, padding, input_length):
    """Validate the encoder's sizes and return ``kernel_size`` as a tuple.

    Raises a ``ValueError`` naming the parameter at fault, including when beats
    of ``input_length`` samples are too short for the stack with
    ``padding="valid"``.
    """
    filters = tuple(conv_filters)
    if not filters or not all(isinstance(f, Integral) and f > 0 for f in filters):
        raise ValueError(f"conv_filters must be a non-empty sequence of positive ints, got {conv_filters!r}")
    kernels = (kernel_size,) * len(filters) if isinstance(kernel_size, Integral) else tuple(kernel_size)
    if len(kernels) != len(filters) or not all(isinstance(k, Integral) and k > 0 for k in kernels):
        raise ValueError(
            f"kernel_size must be a positive int or one per block of conv_filters "
            f"({len(filters)}), got {kernel_size!r}"
        )
    if padding not in ("valid", "same"):
        raise ValueError(f"padding must be 'valid' or 'same', got {padding!r}")
    if padding == "valid":
        length = input_length
        for i, k in enumerate(kernels):
            length -= 2 * (k - 1)  # two convolutions per block
            if length < 1:
                break
            if i < len(kernels) - 1:
                length //= 2
        if length < 1:
            raise ValueError(
                f"beats of {input_length} samples are too short for conv_filters="
                f"{filters} and kernel_size={kernels} with padding='valid'; resample "
                "them to more samples (BeatNormalizer(beat_length=187)) or use padding='same'"
            )
    return kernels


def conv_architecture(conv_filters, kernel_size, padding, conv_dropout, input_length):
    """The checked arguments of :func:`build_conv_encoder`, in plain types.

    This is also the ``architecture`` a :class:`PretrainedEncoder` records, so
    that an encoder's weights are only handed to an equal encoder.
    """
    kernels = check_conv_architecture(conv_filters, kernel_size, padding, input_length)
    return {
        "conv_filters": tuple(int(f) for f in conv_filters),
        "kernel_size": tuple(int(k) for k in kernels),
        "padding": padding,
        "conv_dropout": float(conv_dropout),
    }


def build_conv_encoder(keras, input_shape, conv_filters, kernel_size, padding, conv_dropout,
                       global_pooling=True, name="encoder"):
    """The beat encoder: blocks of two Conv1D, max-pooling and dropout, then a global max.

    With the defaults of :class:`~sklearn_ecg.neural.HeartbeatCNNClassifier` this is
    the 1-D CNN of the MIT-BIH beat classifier (Conv1D 16-16 kernel 5, three
    blocks of Conv1D 32-32 kernel 3, Conv1D 256-256 kernel 3, global max-pool).
    With ``global_pooling=False`` the global max is left out and the encoder
    returns the feature sequence, for a recurrent or attention layer on top.
    """
    layers = keras.layers
    encoder = keras.Sequential(name=name)
    encoder.add(keras.Input(shape=input_shape))
    for i, (filters, kernel) in enumerate(zip(conv_filters, kernel_size)):
        encoder.add(layers.Conv1D(filters, kernel, activation="relu", padding=padding))
        encoder.add(layers.Conv1D(filters, kernel, activation="relu", padding=padding))
        if i < len(conv_filters) - 1:
            encoder.add(layers.MaxPooling1D(2, padding=padding))
            encoder.add(layers.Dropout(conv_dropout))
    if global_pooling:
        encoder.add(layers.GlobalMaxPooling1D())
    return encoder


def build_dense_encoder(keras, input_shape, dense_units):
    """An encoder of feature vectors: the input flattened, then Dense ReLU layers."""
    layers = keras.layers
    encoder = keras.Sequential(name="encoder")
    encoder.add(keras.Input(shape=input_shape))
    encoder.add(layers.Flatten())
    for units in dense_units:
        encoder.add(layers.Dense(int(units), activation="relu"))
    return encoder


#: The encoders of the Contrastive-ECG family: the convolutional blocks of
#: :func:`build_conv_encoder`, then a global max (``"cnn"``), an LSTM
#: (``"cnn_lstm"``), self-attention layers (``"cnn_transformer"``), or an LSTM
#: whose outputs are pooled by a learned attention over time (``"cnn_attention_lstm"``).
ENCODERS = ("cnn", "cnn_lstm", "cnn_transformer", "cnn_attention_lstm")

_CONV_KEYS = ("conv_filters", "kernel_size", "padding", "conv_dropout")


def encoder_architecture(encoder, conv, *, lstm_units=64, attention_heads=4, attention_layers=1):
    """The ``architecture`` of an encoder of :data:`ENCODERS`: its kind, blocks and head.

    ``conv`` is a :func:`conv_architecture`; only the sizes of ``encoder``'s
    own head are kept, so that two equal encoders have equal architectures.
    """
    if encoder not in ENCODERS:
        raise ValueError(f"encoder must be one of {list(ENCODERS)}, got {encoder!r}")
    architecture = {"encoder": encoder, **{k: conv[k] for k in _CONV_KEYS}}
    if encoder in ("cnn_lstm", "cnn_attention_lstm"):
        architecture["lstm_units"] = int(lstm_units)
    elif encoder == "cnn_transformer":
        architecture.update(attention_heads=int(attention_heads),
                            attention_layers=int(attention_layers))
    return architecture


def build_encoder(keras, input_shape, architecture):
    """Segment to feature vector: an encoder of :data:`ENCODERS` (see :func:`encoder_architecture`).

    ``"cnn"`` is :func:`build_conv_encoder` itself (so that its weights fit
    :class:`~sklearn_ecg.neural.HeartbeatCNNClassifier` as it is built without
    ``pretrained``); the others are a model named ``"encoder"`` whose first
    layer is the blocks without the global max (``"conv_blocks"``).
    """
    kind = architecture.get("encoder", "cnn")
    conv = {k: architecture[k] for k in _CONV_KEYS}
    if kind == "cnn":
        return build_conv_encoder(keras, tuple(input_shape), **conv)
    layers = keras.layers
    segment = keras.Input(shape=tuple(input_shape))
    x = build_conv_encoder(keras, tuple(input_shape), **conv, global_pooling=False,
                           name="conv_blocks")(segment)
    if kind == "cnn_lstm":
        features = layers.LSTM(architecture["lstm_units"], name="lstm")(x)
    elif kind == "cnn_attention_lstm":
        # Attention over the LSTM's outputs (Yang et al. 2016): a score per time step
        # from a tanh layer, softmax over time, the outputs' weighted sum.
        units = architecture["lstm_units"]
        h = layers.LSTM(units, return_sequences=True, name="lstm")(x)
        hidden = layers.Dense(units, activation="tanh", name="attention_hidden")(h)
        scores = layers.Dense(1, use_bias=False, name="attention_score")(hidden)
        weights = layers.Softmax(axis=1, name="attention_weights")(scores)
        pooled = layers.Dot(axes=1, name="attention_pool")([weights, h])
        features = layers.Flatten(name="attended")(pooled)
    else:  # cnn_transformer
        channels = x.shape[-1]
        heads = architecture["attention_heads"]
        x = add_positions(keras)(x)
        for i in range(architecture["attention_layers"]):
            attended = layers.MultiHeadAttention(
                heads, key_dim=max(1, channels // heads),
                dropout=architecture["conv_dropout"], name=f"attention_{i}",
            )(x, x)
            x = layers.LayerNormalization(name=f"attention_norm_{i}")(layers.Add()([x, attended]))
            forward = layers.Dense(2 * channels, activation="relu", name=f"feed_forward_{i}")(x)
            forward = layers.Dense(channels, name=f"feed_forward_out_{i}")(forward)
            x = layers.LayerNormalization(name=f"feed_forward_norm_{i}")(layers.Add()([x, forward]))
        features = layers.GlobalAveragePooling1D(name="time_average")(x)
    return keras.Model(segment, features, name="encoder")


def focal_loss(keras, n_classes, gamma=2.0):
    """The focal loss (Lin et al. 2017) for integer labels, on probabilities."""
    ops = keras.ops

    def loss(y_true, y_pred):
        y_pred = ops.clip(y_pred, 1e-7, 1.0 - 1e-7)
        if n_classes == 2:
            y_true = ops.cast(ops.reshape(y_true, (-1, 1)), y_pred.dtype)
            p = ops.where(y_true > 0.5, y_pred, 1.0 - y_pred)[:, 0]
        else:
            index = ops.cast(ops.reshape(y_true, (-1, 1)), "int32")
            p = ops.take_along_axis(y_pred, index, axis=1)[:, 0]
        return -((1.0 - p) ** gamma) * ops.log(p)

    return loss


def build_classifier(keras, encoder, *, n_extra, dense_units, dense_dropout, n_classes,
                     learning_rate, loss="cross_entropy"):
    """Encoder, optional extra scalar inputs joined to its features, dense head, output."""
    layers = keras.layers
    beat = keras.Input(shape=encoder.input_shape[1:], name="beat")
    features = layers.Dropout(dense_dropout)(encoder(beat))
    inputs = [beat]
    if n_extra:
        extra = keras.Input(shape=(n_extra,), name="extra")
        inputs.append(extra)
        features = layers.Concatenate()([features, extra])
    for units in dense_units:
        features = layers.Dense(units, activation="relu")(features)
    if n_classes == 2:
        output = layers.Dense(1, activation="sigmoid")(features)
        objective = "binary_crossentropy"
    else:
        output = layers.Dense(n_classes, activation="softmax")(features)
        objective = "sparse_categorical_crossentropy"
    if loss == "focal":
        objective = focal_loss(keras, n_classes)
    model = keras.Model(inputs, output)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=objective)
    return model


def build_siamese_head(keras, embedding_dim, path_units, merge_units, dropout, bound_output):
    """The symmetric scoring head on two embeddings (a named sub-model, "head")."""
    layers = keras.layers

    def path(name):
        dense = layers.Dense(path_units, name=f"{name}_dense")
        norm = layers.BatchNormalization(name=f"{name}_norm")
        drop = layers.Dropout(dropout, name=f"{name}_dropout")
        relu = layers.Activation("relu", name=f"{name}_relu")
        return lambda x: relu(drop(norm(dense(x))))

    a = keras.Input(shape=(embedding_dim,), name="embedding_a")
    b = keras.Input(shape=(embedding_dim,), name="embedding_b")
    difference = layers.Subtract()([a, b])
    squared = path("squared_difference")(layers.Multiply()([difference, difference]))
    product = path("product")(layers.Multiply()([a, b]))
    concatenated = path("concatenated")
    both = layers.Average()([
        concatenated(layers.Concatenate()([a, b])),
        concatenated(layers.Concatenate()([b, a])),
    ])
    merged = layers.Concatenate()([squared, product, both])
    merged = layers.Dense(merge_units, name="merge_dense")(merged)
    merged = layers.BatchNormalization(name="merge_norm")(merged)
    merged = layers.Dropout(dropout, name="merge_dropout")(merged)
    merged = layers.Activation("relu", name="merge_relu")(merged)
    output = layers.Dense(1, activation="sigmoid" if bound_output else None, name="score")(merged)
    return keras.Model([a, b], output, name="head")


def siamese_loss(keras, name, margin):
    """The loss of :class:`~sklearn_ecg.neural.SiameseSimilarityRegressor` named ``name``."""
    if name == "mse":
        return "mean_squared_error"
    if name == "cross_entropy":
        return "binary_crossentropy"

    def contrastive(y_true, y_pred):
        ops = keras.ops
        y_true = ops.cast(ops.reshape(y_true, (-1,)), y_pred.dtype)
        distance = 1.0 - ops.reshape(y_pred, (-1,))
        # One loss per pair: Keras applies the sample weights and the mean.
        return (y_true * ops.square(distance)
                + (1.0 - y_true) * ops.square(ops.maximum(margin - distance, 0.0)))

    return contrastive


def arcface_loss(keras, n_classes, margin, scale):
    """The additive angular margin loss (ArcFace) on the cosines to each class's weights.

    ``y_pred`` holds the cosine of each unit embedding to each class's unit
    weight vector; the cosine to the true class becomes ``cos(theta + margin)``
    (where ``theta + margin`` would pass pi, ``cos(theta) - margin sin(margin)``,
    as Deng et al. do, so that the target logit keeps falling with the angle),
    and the cosines times ``scale`` go through a softmax cross-entropy.
    """
    import math

    ops = keras.ops
    cos_m, sin_m = math.cos(margin), math.sin(margin)
    threshold, fallback = math.cos(math.pi - margin), math.sin(math.pi - margin) * margin

    def loss(y_true, y_pred):
        cosine = ops.clip(y_pred, -1.0 + 1e-7, 1.0 - 1e-7)
        sine = ops.sqrt(1.0 - ops.square(cosine))
        with_margin = ops.where(cosine > threshold, cosine * cos_m - sine * sin_m, cosine - fallback)
        target = ops.one_hot(ops.cast(ops.reshape(y_true, (-1,)), "int32"), n_classes,
                             dtype=cosine.dtype)
        logits = scale * (target * with_margin + (1.0 - target) * cosine)
        return keras.losses.categorical_crossentropy(target, logits, from_logits=True)

    return loss


def batch_hard_triplet_loss(keras, margin):
    """The batch-hard triplet loss (Hermans et al. 2017) on cosine distances of unit embeddings.

    For each segment of the batch, the hardest positive (the farthest segment
    of the same label) and the hardest negative (the nearest of another label)
    are mined in the batch; a segment without either costs nothing.
    """
    ops = keras.ops

    def loss(y_true, y_pred):
        labels = ops.reshape(y_true, (-1,))
        distance = 1.0 - ops.matmul(y_pred, ops.transpose(y_pred))
        same = ops.cast(ops.equal(labels[:, None], labels[None, :]), y_pred.dtype)
        n = ops.shape(y_pred)[0]
        others = 1.0 - ops.eye(n, dtype=y_pred.dtype)
        positive = same * others
        negative = 1.0 - same
        hardest_positive = ops.max(distance * positive - 2.0 * (1.0 - positive), axis=1)
        hardest_negative = ops.min(distance + 4.0 * (1.0 - negative), axis=1)
        valid = ops.cast((ops.sum(positive, axis=1) > 0) & (ops.sum(negative, axis=1) > 0),
                         y_pred.dtype)
        return valid * ops.maximum(hardest_positive - hardest_negative + margin, 0.0)

    return loss


_POSITIONS_LAYER = []


def add_positions(keras):
    """A layer adding a learned embedding of each time step (made once, when Keras is loaded)."""
    if not _POSITIONS_LAYER:
        class AddPositions(keras.layers.Layer):
            def build(self, input_shape):
                self.positions = self.add_weight(
                    shape=tuple(input_shape[1:]), name="positions",
                    initializer=keras.initializers.RandomNormal(stddev=0.02),
                )

            def call(self, x):
                return x + self.positions

        _POSITIONS_LAYER.append(AddPositions)
    return _POSITIONS_LAYER[0](name="positions")


def build_contrastive_model(keras, input_shape, *, architecture, embedding_dim, projection_units,
                            learning_rate):
    """Segment -> (embedding, projection), with the embedding model as layer ``"embedder"``.

    Its first layer is the encoder of ``architecture`` (:func:`build_encoder`),
    named ``"encoder"``, whose weights :meth:`export_encoder` hands on.
    """
    layers = keras.layers
    segment = keras.Input(shape=tuple(input_shape), name="segment")
    features = build_encoder(keras, tuple(input_shape), architecture)(segment)
    if embedding_dim is not None:
        features = layers.Dense(int(embedding_dim), name="embedding")(features)
    embedder = keras.Model(segment, features, name="embedder")

    inputs = keras.Input(shape=tuple(input_shape), name="segment")
    embedding = embedder(inputs)
    projection = embedding
    for units in projection_units[:-1]:
        projection = layers.Dense(units, activation="relu")(projection)
    projection = layers.Dense(projection_units[-1], name="projection")(projection)
    model = keras.Model(inputs, [embedding, projection], name="contrastive")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate))
    return model


def nt_xent(first, second, temperature):
    """The NT-Xent loss of two batches of projections, row i of each a positive pair."""
    import tensorflow as tf

    n = tf.shape(first)[0]
    z = tf.math.l2_normalize(tf.concat([first, second], axis=0), axis=1)
    logits = tf.matmul(z, z, transpose_b=True) / temperature
    # A view is never its own candidate.
    logits -= 1e9 * tf.eye(2 * n, dtype=logits.dtype)
    positives = tf.reduce_sum(z[:n] * z[n:], axis=1) / temperature
    positives = tf.concat([positives, positives], axis=0)
    return tf.reduce_mean(tf.reduce_logsumexp(logits, axis=1) - positives)


class PretrainedEncoder:
    """The weights of a fitted encoder, to initialise another estimator.

    Obtained from a fitted estimator's ``export_encoder()`` and passed as the
    ``pretrained`` parameter of :class:`~sklearn_ecg.neural.HeartbeatCNNClassifier`,
    :class:`~sklearn_ecg.neural.SiameseSimilarityRegressor` or
    :class:`~sklearn_ecg.neural.MetricEncoder`, which then build the same
    encoder (any of the Contrastive-ECG family: ``"cnn"``, ``"cnn_lstm"``,
    ``"cnn_transformer"``, ``"cnn_attention_lstm"``).
    It is a plain object, not an estimator, so that ``clone`` (and with it
    ``GridSearchCV``) copies it with its weights instead of resetting it.

    Parameters
    ----------
    architecture : dict
        ``encoder`` (the kind; ``"cnn"`` when absent), ``conv_filters``,
        ``kernel_size``, ``padding`` and ``conv_dropout`` of its convolutional
        blocks (pass these four to the estimator that receives the weights),
        and the sizes of its head (``lstm_units``, ``attention_heads``,
        ``attention_layers``), taken as they are.
    input_shape : tuple of int
        ``(n_samples, n_leads)`` of the beats the encoder was trained on.
    weights : list of ndarray
        The encoder's weights.
    source : str
        What the encoder was trained as, for messages.
    """

    def __init__(self, architecture, input_shape, weights, source):
        self.architecture = dict(architecture)
        self.input_shape = tuple(int(s) for s in input_shape)
        self.weights = [np.asarray(w) for w in weights]
        self.source = source

    def __repr__(self):
        return (f"PretrainedEncoder(source={self.source!r}, input_shape={self.input_shape}, "
                f"{self.architecture})")


def resolve_pretrained(source):
    """The :class:`PretrainedEncoder` of a ``pretrained`` parameter (None stays None).

    ``source`` is None, a PretrainedEncoder, or a fitted estimator with
    ``export_encoder()``; the errors name the parameter.
    """
    from sklearn.exceptions import NotFittedError

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


def pretrained_encoder(keras, input_shape, pretrained):
    """The encoder of ``pretrained`` (:func:`build_encoder`) on ``input_shape``, its weights set."""
    encoder = build_encoder(keras, tuple(input_shape), pretrained.architecture)
    encoder.set_weights(pretrained.weights)
    return encoder


def check_pretrained(pretrained, architecture, input_shape, what, *, same_length=True):
    """Check that ``pretrained`` (or None) fits an encoder of ``architecture`` on ``input_shape``.

    The convolutions' sizes and padding must be equal, and so must the leads;
    with ``same_length`` the samples per segment too (the classifier's dense
    head sees them; an encoder ending in a global pooling does not).
    """
    if pretrained is None:
        return
    if pretrained.architecture.get("encoder", "cnn") == "cnn_transformer":
        same_length = True  # its learned positions are one per time step
    mine = {k: architecture[k] for k in ("conv_filters", "kernel_size", "padding")}
    theirs = {k: tuple(v) if isinstance(v, (list, tuple)) else v
              for k, v in pretrained.architecture.items() if k in mine}
    if mine != theirs:
        raise ValueError(
            f"pretrained encoder ({pretrained.source}) has architecture {theirs}, but this "
            f"{what} has {mine}; set the same conv_filters, kernel_size and padding"
        )
    theirs_shape, shape = tuple(pretrained.input_shape), tuple(input_shape)
    if (theirs_shape if same_length else theirs_shape[1:]) != (shape if same_length else shape[1:]):
        raise ValueError(
            f"pretrained encoder was trained on segments of shape {theirs_shape}, but X has "
            f"segments of shape {shape}; "
            + ("resample them to match" if same_length else "give it as many leads")
        )


def check_encoder_pretrained(pretrained, encoder, conv, segment_shape, what):
    """Check a pair estimator's ``pretrained`` (resolved) against its resolved ``encoder``."""
    if pretrained is None:
        return
    if encoder != "cnn":
        raise ValueError(
            f"pretrained initialises an encoder of convolutional blocks, but encoder resolves to "
            f"{encoder!r}; set encoder='cnn'"
        )
    check_pretrained(pretrained, conv, segment_shape, what, same_length=False)


def build_pair_encoder(keras, shape, *, encoder, conv, dense_units, embedding_dim, pretrained):
    """The encoder of a Siamese or metric estimator: conv or dense, then a linear embedding.

    ``encoder`` is ``"cnn"`` (the blocks of ``conv``, a :func:`conv_architecture`,
    or those of ``pretrained``, a :class:`PretrainedEncoder` or None, with its
    head and weights) or ``"dense"`` (layers of ``dense_units``).
    """
    kind = None if pretrained is None else pretrained.architecture.get("encoder", "cnn")
    if encoder == "cnn" and kind not in (None, "cnn"):
        # The pretrained encoder as it was built (its head included), then the embedding.
        network = keras.Sequential(name="encoder")
        network.add(keras.Input(shape=shape))
        network.add(pretrained_encoder(keras, shape, pretrained))
    elif encoder == "cnn":
        network = build_conv_encoder(keras, shape, **conv)
        if pretrained is not None:
            network.set_weights(pretrained.weights)
    else:
        network = build_dense_encoder(keras, shape, dense_units)
    network.add(keras.layers.Dense(embedding_dim, name="embedding"))
    return network


#: Below this many samples per segment, ``encoder="auto"`` picks the dense encoder.
_CONV_MIN_LENGTH = 32


def resolve_pair_encoder(encoder, segment_shape, *, conv_filters, kernel_size, padding,
                         conv_dropout, dense_units, pretrained, what):
    """The encoder (``"cnn"`` or ``"dense"``) of a Siamese or metric estimator, checked.

    ``"auto"`` is ``"cnn"`` for multi-lead segments and for segments of at
    least 32 samples; the sizes and ``pretrained`` (resolved) are checked against it.
    """
    units = tuple(dense_units)
    if not all(isinstance(u, Integral) and u > 0 for u in units):
        raise ValueError(f"dense_units must be a sequence of positive ints, got {dense_units!r}")
    if encoder == "auto":
        encoder = "cnn" if segment_shape[1] > 1 or segment_shape[0] >= _CONV_MIN_LENGTH else "dense"
    if encoder == "dense" and segment_shape[1] > 1:
        raise ValueError(
            "encoder='dense' takes 2-D X of feature vectors; 3-D X (multi-lead segments) "
            "needs encoder='cnn' or 'auto'"
        )
    if encoder == "cnn":
        conv = conv_architecture(conv_filters, kernel_size, padding, conv_dropout, segment_shape[0])
        check_encoder_pretrained(pretrained, encoder, conv, segment_shape, what)
    elif pretrained is not None:
        check_encoder_pretrained(pretrained, encoder, None, segment_shape, what)
    return encoder
