"""Network architectures: the 1-D convolutional beat encoder and the classifier head.

Functions take the ``keras`` module as their first argument so that this module
itself imports nothing heavy.
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
                "them to more samples (BeatNormalizer(n_samples=187)) or use padding='same'"
            )
    return kernels


def build_conv_encoder(keras, input_shape, conv_filters, kernel_size, padding, conv_dropout,
                       global_pooling=True):
    """The beat encoder: blocks of two Conv1D, max-pooling and dropout, then a global max.

    With the defaults of :class:`~sklearn_ecg.neural.HeartbeatCNNClassifier` this is
    the 1-D CNN of the MIT-BIH beat classifier (Conv1D 16-16 kernel 5, three
    blocks of Conv1D 32-32 kernel 3, Conv1D 256-256 kernel 3, global max-pool).
    With ``global_pooling=False`` the global max is left out and the encoder
    returns the feature sequence, for a recurrent or attention layer on top.
    """
    layers = keras.layers
    encoder = keras.Sequential(name="encoder")
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


class PretrainedEncoder:
    """The weights of a fitted convolutional encoder, to initialise another estimator.

    Obtained from a fitted estimator's ``export_encoder()`` and passed as the
    ``pretrained`` parameter of :class:`~sklearn_ecg.neural.HeartbeatCNNClassifier`.
    It is a plain object, not an estimator, so that ``clone`` (and with it
    ``GridSearchCV``) copies it with its weights instead of resetting it.

    Parameters
    ----------
    architecture : dict
        ``conv_filters``, ``kernel_size``, ``padding`` and ``conv_dropout`` of
        the encoder; pass them to the estimator that receives the weights.
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
        return f"PretrainedEncoder(source={self.source!r}, input_shape={self.input_shape}, {self.architecture})"
