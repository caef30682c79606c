"""Inference without TensorFlow: the networks the library builds, run in NumPy.

A fitted Keras model is described once, when its estimator is pickled or saved,
by :func:`export_graph`: a tree of plain dicts, lists, strings and numbers
(the layers, their settings and how they are wired) whose weights are indices
into the list of the model's variables that the estimator stores anyway.
:func:`run_graph` evaluates that description with NumPy in float32, the
precision Keras computes in, so that a loaded estimator with
``inference="numpy"`` predicts without importing TensorFlow.

Only the layers the library's builders use are supported; :func:`export_graph`
raises :class:`NotImplementedError` naming any other, and the estimator then
keeps predicting with Keras.
"""

import numpy as np

# Rows evaluated at once: bounds the memory of the convolutions' sliding windows.
_CHUNK = 512

_ACTIVATIONS = {
    "linear": lambda x: x,
    "relu": lambda x: np.maximum(x, 0.0),
    "sigmoid": lambda x: _sigmoid(x),
    "tanh": np.tanh,
    "softmax": lambda x: _softmax(x, axis=-1),
}

# The settings each supported layer needs, taken from its get_config().
_SETTINGS = {
    "Conv1D": ("activation", "padding", "strides", "dilation_rate", "groups", "use_bias",
               "data_format"),
    "Dense": ("activation", "use_bias"),
    "Activation": ("activation",),
    "MaxPooling1D": ("pool_size", "strides", "padding", "data_format"),
    "GlobalMaxPooling1D": ("data_format", "keepdims"),
    "GlobalAveragePooling1D": ("data_format", "keepdims"),
    "BatchNormalization": ("axis", "epsilon", "center", "scale"),
    "LayerNormalization": ("axis", "epsilon", "center", "scale", "rms_scaling"),
    "Concatenate": ("axis",),
    "LSTM": ("activation", "recurrent_activation", "use_bias", "return_sequences",
             "go_backwards", "unit_forget_bias"),
    "MultiHeadAttention": ("num_heads", "key_dim", "value_dim", "use_bias",
                           "attention_axes"),
    "Dropout": (),
    "Flatten": (),
    "UnitNormalization": ("axis",),
    "Add": (),
    "Subtract": (),
    "Multiply": (),
    "Average": (),
    "AddPositions": (),
    "Softmax": ("axis",),
    "Dot": ("axes", "normalize"),
}


def export_graph(model):
    """Describe a built Keras model in plain types; weights as indices into ``model.variables``.

    Raises
    ------
    NotImplementedError
        If the model holds a layer that :func:`run_graph` cannot evaluate.
    """
    index = {id(v): i for i, v in enumerate(model.variables)}
    return _export(model, index)


def _export(layer, index):
    kind = type(layer).__name__
    if kind == "Sequential":
        return {"op": "sequential", "name": layer.name,
                "layers": [_export(sub, index) for sub in layer.layers]}
    if kind == "Functional":
        config = layer.get_config()
        nodes = {}
        for entry in config["layers"]:
            if entry["class_name"] == "InputLayer":
                continue
            sub = layer.get_layer(entry["name"])
            nodes[entry["name"]] = {
                "layer": _export(sub, index),
                "calls": [_call_arguments(node) for node in entry["inbound_nodes"]],
                # Keras numbers a nested functional model's calls from 1: its node 0
                # is the one that links its own inputs to its outputs.
                "first_call": 1 if type(sub).__name__ == "Functional" else 0,
            }
        return {
            "op": "functional", "name": layer.name, "nodes": nodes,
            "inputs": [list(t) for t in _tensor_list(config["input_layers"])],
            "outputs": [list(t) for t in _tensor_list(config["output_layers"])],
            "single_output": not isinstance(layer.output, (list, tuple)),
        }
    if kind not in _SETTINGS:
        raise NotImplementedError(f"no NumPy evaluation of Keras layer {kind} ({layer.name!r})")
    config = layer.get_config()
    settings = {key: config.get(key) for key in _SETTINGS[kind]}
    weights = {}
    for w in layer.weights:
        # The weight's path below its layer: "kernel", "query/kernel" (attention);
        # the LSTM's cell is left out ("lstm/lstm_cell/kernel" -> "kernel").
        parts = w.path.split("/")
        below = parts[parts.index(layer.name) + 1:] if layer.name in parts[:-1] else parts[-1:]
        name = below[-1] if kind == "LSTM" else "/".join(below)
        weights[name] = index[id(w)]
    return {"op": kind, "name": layer.name, "settings": _plain(settings), "weights": weights}


def _tensor_list(spec):
    # A single [name, node, tensor] or a list of them.
    if spec and not isinstance(spec[0], (list, tuple)):
        return [spec]
    return spec


def _call_arguments(node):
    """The arguments of one call of a layer, keras tensors as {"tensor": [name, node, index]}."""
    def unset(v):
        return v is None or (isinstance(v, (list, tuple)) and all(unset(x) for x in v))

    kwargs = {k: v for k, v in node.get("kwargs", {}).items() if not unset(v)}
    kwargs.pop("training", None)
    if kwargs:
        raise NotImplementedError(f"no NumPy evaluation of layer calls with {sorted(kwargs)}")

    def convert(arg):
        if isinstance(arg, dict) and arg.get("class_name") == "__keras_tensor__":
            return {"tensor": list(arg["config"]["keras_history"])}
        if isinstance(arg, (list, tuple)):
            return [convert(a) for a in arg]
        raise NotImplementedError(f"no NumPy evaluation of a layer called with {arg!r}")

    return [convert(a) for a in node.get("args", [])]


def _plain(value):
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def find_part(graph, name):
    """The sub-network called ``name`` (e.g. ``"encoder"``), searched depth first."""
    if graph.get("name") == name:
        return graph
    children = (graph["layers"] if graph["op"] == "sequential"
                else [n["layer"] for n in graph["nodes"].values()] if graph["op"] == "functional"
                else [])
    for child in children:
        found = find_part(child, name)
        if found is not None:
            return found
    return None


def run_graph(graph, inputs, variables):
    """Evaluate ``graph`` on ``inputs`` (a list of arrays, one per model input) in float32.

    Returns one array, or a list of arrays for a model with several outputs.
    """
    inputs = [np.asarray(x, dtype=np.float32) for x in inputs]
    n = len(inputs[0])
    if n <= _CHUNK:
        return _apply(graph, inputs, variables)
    parts = [_apply(graph, [x[i:i + _CHUNK] for x in inputs], variables)
             for i in range(0, n, _CHUNK)]
    if isinstance(parts[0], list):
        return [np.concatenate([p[k] for p in parts]) for k in range(len(parts[0]))]
    return np.concatenate(parts)


def _apply(graph, args, variables):
    """Apply one layer or sub-network to its call arguments."""
    op = graph["op"]
    if op == "sequential":
        (x,) = _flatten(args)
        for layer in graph["layers"]:
            x = _apply(layer, [x], variables)
        return x
    if op == "functional":
        return _run_functional(graph, _flatten(args), variables)
    w = {name: np.asarray(variables[i], dtype=np.float32) for name, i in graph["weights"].items()}
    return _LAYERS[op](graph["settings"], w, *args)


def _flatten(args):
    flat = []
    for a in args:
        flat.extend(_flatten(a) if isinstance(a, list) else [a])
    return flat


def _run_functional(graph, inputs, variables):
    if len(inputs) != len(graph["inputs"]):
        raise ValueError(f"{graph['name']} takes {len(graph['inputs'])} inputs, got {len(inputs)}")
    values = {(name, 0, 0): x for (name, _, _), x in zip(graph["inputs"], inputs)}

    def resolve(key):
        key = tuple(key)
        if key not in values:
            name, node_index, _ = key
            node = graph["nodes"][name]
            args = substitute(node["calls"][node_index - node["first_call"]])
            out = _apply(node["layer"], args, variables)
            for i, value in enumerate(out if isinstance(out, list) else [out]):
                values[(name, node_index, i)] = value
        return values[key]

    def substitute(arg):
        if isinstance(arg, dict):
            return resolve(arg["tensor"])
        return [substitute(a) for a in arg]

    outputs = [resolve(key) for key in graph["outputs"]]
    return outputs[0] if graph.get("single_output", len(outputs) == 1) else outputs


# -- layers ---------------------------------------------------------------------


def _sigmoid(x):
    # Stable on both sides: exp of a negative number only.
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(x.dtype)


def _softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _activation(name):
    if name not in _ACTIVATIONS:
        raise NotImplementedError(f"no NumPy evaluation of activation {name!r}")
    return _ACTIVATIONS[name]


def _channels_last(s):
    if s.get("data_format", "channels_last") not in (None, "channels_last"):
        raise NotImplementedError("only channels_last layers are evaluated in NumPy")


def _conv1d(s, w, x):
    _channels_last(s)
    if list(s["strides"]) != [1] or list(s["dilation_rate"]) != [1] or s["groups"] != 1:
        raise NotImplementedError("Conv1D with strides, dilation or groups")
    kernel = w["kernel"]  # (k, c_in, c_out)
    k = kernel.shape[0]
    if s["padding"] == "same":
        x = np.pad(x, ((0, 0), ((k - 1) // 2, k // 2), (0, 0)))
    elif s["padding"] != "valid":
        raise NotImplementedError(f"Conv1D padding {s['padding']!r}")
    n, length, c_in = x.shape
    out_length = length - k + 1
    # Each output step as one matrix product over (kernel tap, input channel).
    windows = np.lib.stride_tricks.sliding_window_view(x, k, axis=1)  # (n, L', c_in, k)
    windows = windows.transpose(0, 1, 3, 2).reshape(n * out_length, k * c_in)
    y = (windows @ kernel.reshape(k * c_in, -1)).reshape(n, out_length, -1)
    if s["use_bias"]:
        y += w["bias"]
    return _activation(s["activation"])(y)


def _max_pooling1d(s, w, x):
    _channels_last(s)
    pool, stride = int(_first(s["pool_size"])), int(_first(s["strides"] or s["pool_size"]))
    length = x.shape[1]
    if s["padding"] == "same":
        out_length = -(-length // stride)
        total = max((out_length - 1) * stride + pool - length, 0)
        x = np.pad(x, ((0, 0), (total // 2, total - total // 2), (0, 0)), constant_values=-np.inf)
    elif s["padding"] == "valid":
        out_length = (length - pool) // stride + 1
    else:
        raise NotImplementedError(f"MaxPooling1D padding {s['padding']!r}")
    windows = np.lib.stride_tricks.sliding_window_view(x, pool, axis=1)[:, ::stride][:, :out_length]
    return windows.max(axis=-1)


def _first(value):
    return value[0] if isinstance(value, (list, tuple)) else value


def _global_pooling(reduce):
    def layer(s, w, x):
        _channels_last(s)
        return reduce(x, axis=1, keepdims=bool(s.get("keepdims")))
    return layer


def _dense(s, w, x):
    y = x @ w["kernel"]
    if s["use_bias"]:
        y = y + w["bias"]
    return _activation(s["activation"])(y)


def _batch_normalization(s, w, x):
    if s["axis"] not in (-1, x.ndim - 1, [-1], [x.ndim - 1]):
        raise NotImplementedError("BatchNormalization over another axis than the last")
    y = (x - w["moving_mean"]) / np.sqrt(w["moving_variance"] + np.float32(s["epsilon"]))
    return _scale_and_center(s, w, y)


def _layer_normalization(s, w, x):
    axis = s["axis"]
    if axis not in (-1, x.ndim - 1, [-1], [x.ndim - 1]) or s.get("rms_scaling"):
        raise NotImplementedError("LayerNormalization over another axis than the last, or RMS")
    mean = x.mean(axis=-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    y = (x - mean) / np.sqrt(variance + np.float32(s["epsilon"]))
    return _scale_and_center(s, w, y)


def _scale_and_center(s, w, y):
    """The learned scale (``gamma``) and offset (``beta``) of a normalisation layer."""
    if s["scale"]:
        y = y * w["gamma"]
    if s["center"]:
        y = y + w["beta"]
    return y


def _lstm(s, w, x):
    if s["go_backwards"]:
        raise NotImplementedError("LSTM going backwards")
    activation = _activation(s["activation"])
    recurrent = _activation(s["recurrent_activation"])
    kernel, recurrent_kernel = w["kernel"], w["recurrent_kernel"]
    units = recurrent_kernel.shape[0]
    projected = x @ kernel  # (n, L, 4 units): the inputs' share of every step at once
    if s["use_bias"]:
        projected = projected + w["bias"]
    h = np.zeros((len(x), units), dtype=np.float32)
    c = np.zeros_like(h)
    sequence = []
    for t in range(x.shape[1]):
        z = projected[:, t] + h @ recurrent_kernel
        i, f, g, o = np.split(z, 4, axis=-1)  # Keras's gate order
        c = recurrent(f) * c + recurrent(i) * activation(g)
        h = recurrent(o) * activation(c)
        if s["return_sequences"]:
            sequence.append(h)
    return np.stack(sequence, axis=1) if s["return_sequences"] else h


def _dot(s, w, inputs):
    axes = s["axes"]
    axes = (axes, axes) if isinstance(axes, int) else tuple(axes)
    a, b = inputs
    if s["normalize"] or a.ndim != 3 or b.ndim != 3 or axes != (1, 1):
        raise NotImplementedError("Dot other than of two sequences over their time axis")
    return np.einsum("nti,ntj->nij", a, b)


def _multi_head_attention(s, w, query, value, key=None):
    if s.get("attention_axes") not in (None, [1], [-2]):
        raise NotImplementedError("MultiHeadAttention over other axes")
    key = value if key is None else key

    def project(x, name):
        y = np.einsum("nld,dhk->nlhk", x, w[f"{name}/kernel"])
        return y + w[f"{name}/bias"] if s["use_bias"] else y

    q, k, v = project(query, "query"), project(key, "key"), project(value, "value")
    scores = np.einsum("nqhk,nvhk->nhqv", q, k) / np.float32(np.sqrt(q.shape[-1]))
    attended = np.einsum("nhqv,nvhk->nqhk", _softmax(scores, axis=-1), v)
    out = np.einsum("nqhk,hkd->nqd", attended, w["attention_output/kernel"])
    return out + w["attention_output/bias"] if s["use_bias"] else out


def _unit_normalization(s, w, x):
    axis = s["axis"]
    axis = tuple(axis) if isinstance(axis, list) else axis
    squares = np.sum(np.square(x), axis=axis, keepdims=True)
    return x / np.sqrt(np.maximum(squares, np.float32(1e-12)))


def _merge(combine):
    def layer(s, w, inputs):
        return combine(inputs)
    return layer


_LAYERS = {
    "Conv1D": _conv1d,
    "Dense": _dense,
    "Activation": lambda s, w, x: _activation(s["activation"])(x),
    "MaxPooling1D": _max_pooling1d,
    "GlobalMaxPooling1D": _global_pooling(np.max),
    "GlobalAveragePooling1D": _global_pooling(np.mean),
    "BatchNormalization": _batch_normalization,
    "LayerNormalization": _layer_normalization,
    "LSTM": _lstm,
    "MultiHeadAttention": _multi_head_attention,
    "Dropout": lambda s, w, x: x,
    "Flatten": lambda s, w, x: x.reshape(len(x), -1),
    "Concatenate": lambda s, w, inputs: np.concatenate(inputs, axis=s["axis"]),
    "Add": _merge(lambda xs: sum(xs[1:], xs[0])),
    "Subtract": _merge(lambda xs: xs[0] - xs[1]),
    "Multiply": _merge(lambda xs: np.prod(np.stack(xs), axis=0)),
    "Average": _merge(lambda xs: sum(xs[1:], xs[0]) / np.float32(len(xs))),
    "AddPositions": lambda s, w, x: x + w["positions"],
    "UnitNormalization": _unit_normalization,
    "Softmax": lambda s, w, x: _softmax(
        x, axis=tuple(s["axis"]) if isinstance(s["axis"], list) else s["axis"]),
    "Dot": _dot,
}
