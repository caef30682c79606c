"""Signal augmentations for contrastive pretraining and supervised training, in NumPy.

Each augmentation takes a batch of segments of shape ``(n, length, leads)`` and a
:class:`numpy.random.Generator`, and returns a new batch of the same shape; the
input is never modified. They are the transformations of the self-supervised ECG
work that :class:`~sklearn_ecg.neural.ContrastiveEncoder` follows (time warping,
permutation, zero masking, dropout masking, Gaussian noise), each under a name
with named parameters, so that a parameter grid can choose between them.

Every augmentation also takes ``p``, the probability that it is applied to a
given view (1.0: always). Randomness comes only from the generator passed in:
drawing from a fresh part of one generator for every batch gives every batch
new masks, warps and noise.
"""

from numbers import Integral, Real

import numpy as np


def time_warp(x, rng, *, n_segments=4, stretch=0.2):
    """Cut each segment into ``n_segments`` equal pieces, stretch and squeeze them in turn.

    Pieces alternately last ``1 + s`` and ``1 - s`` times as long (which of the
    two comes first is drawn per segment, and ``s`` uniformly from
    ``[0, stretch]``); the result is resampled (linear interpolation) back to the
    original length, so that the segment's start and end stay in place.
    """
    n, length, _ = x.shape
    strength = rng.uniform(0.0, stretch, size=(n, 1))
    sign = np.where(rng.random((n, 1)) < 0.5, 1.0, -1.0)
    alternating = np.where(np.arange(n_segments) % 2 == 0, 1.0, -1.0)
    durations = 1.0 + strength * sign * alternating  # (n, n_segments), all > 0
    out_edges = np.concatenate([np.zeros((n, 1)), np.cumsum(durations, axis=1)], axis=1)
    out_edges *= length / out_edges[:, -1:]
    in_edges = np.linspace(0.0, length, n_segments + 1)
    t = np.arange(length) + 0.5  # sample centres of the output
    piece = (t[None, None, :] >= out_edges[:, 1:-1, None]).sum(axis=1)  # (n, length)
    start = np.take_along_axis(out_edges, piece, axis=1)
    end = np.take_along_axis(out_edges, piece + 1, axis=1)
    source = in_edges[piece] + (t - start) / (end - start) * (length / n_segments)
    return _interpolate(x, source - 0.5)


def permute(x, rng, *, n_segments=4):
    """Cut each segment into ``n_segments`` pieces and put them in a random order."""
    n, length, _ = x.shape
    n_segments = min(n_segments, length)
    starts = np.linspace(0, length, n_segments + 1).round().astype(np.intp)
    sizes = np.diff(starts)
    order = rng.permuted(np.tile(np.arange(n_segments), (n, 1)), axis=1)
    out_ends = np.cumsum(sizes[order], axis=1)
    t = np.arange(length)
    slot = (t[None, None, :] >= out_ends[:, :-1, None]).sum(axis=1)  # (n, length)
    piece = np.take_along_axis(order, slot, axis=1)
    out_start = np.take_along_axis(out_ends - sizes[order], slot, axis=1)
    index = starts[piece] + (t - out_start)
    return np.take_along_axis(x, index[:, :, None], axis=1)


def zero_mask(x, rng, *, fraction=0.2):
    """Set one contiguous block of ``fraction`` of each segment (all leads) to zero."""
    n, length, _ = x.shape
    width = min(length, max(1, int(round(fraction * length))))
    start = rng.integers(0, length - width + 1, size=n)
    t = np.arange(length)
    inside = (t[None, :] >= start[:, None]) & (t[None, :] < start[:, None] + width)
    return np.where(inside[:, :, None], 0.0, x).astype(x.dtype)


def dropout(x, rng, *, rate=0.1):
    """Set each sample of each lead to zero with probability ``rate``."""
    return np.where(rng.random(x.shape) < rate, 0.0, x).astype(x.dtype)


def noise(x, rng, *, scale=0.1):
    """Add Gaussian noise whose standard deviation is ``scale`` times the segment's own."""
    std = x.std(axis=1, keepdims=True)
    return (x + rng.standard_normal(x.shape) * (scale * std)).astype(x.dtype)


def scale(x, rng, *, factor=0.2):
    """Multiply each segment (all leads alike) by a gain drawn from [1 - factor, 1 + factor].

    Electrode placement and body build change the amplitude of the same beat
    between patients.
    """
    gain = rng.uniform(1.0 - factor, 1.0 + factor, size=(x.shape[0], 1, 1))
    return (x * gain).astype(x.dtype)


def baseline_wander(x, rng, *, amplitude=0.1, max_cycles=1.0):
    """Add a slow sinusoid (respiration, movement), of up to ``max_cycles`` per segment.

    Its amplitude is drawn from [0, ``amplitude``] times the segment's peak-to-peak
    range, its phase uniformly; each lead gets its own.
    """
    n, length, leads = x.shape
    span = np.ptp(x, axis=1, keepdims=True)
    cycles = rng.uniform(0.0, max_cycles, size=(n, 1, leads))
    phase = rng.uniform(0.0, 2 * np.pi, size=(n, 1, leads))
    height = rng.uniform(0.0, amplitude, size=(n, 1, leads)) * span
    t = (np.arange(length) / length)[None, :, None]
    return (x + height * np.sin(2 * np.pi * cycles * t + phase)).astype(x.dtype)


def shift(x, rng, *, max_fraction=0.03):
    """Shift each segment in time by up to ``max_fraction`` of its length, edges held.

    An R peak located a few milliseconds off, as detectors do.
    """
    n, length, _ = x.shape
    most = max(1, int(round(max_fraction * length)))
    offset = rng.integers(-most, most + 1, size=(n, 1))
    index = np.clip(np.arange(length)[None, :] - offset, 0, length - 1)
    return np.take_along_axis(x, index[:, :, None], axis=1)


def _interpolate(x, position):
    """Sample every row of ``x`` at fractional ``position`` (n, length) along axis 1."""
    length = x.shape[1]
    position = np.clip(position, 0.0, length - 1)
    left = np.floor(position).astype(np.intp)
    right = np.minimum(left + 1, length - 1)
    weight = (position - left)[:, :, None]
    a = np.take_along_axis(x, left[:, :, None], axis=1)
    b = np.take_along_axis(x, right[:, :, None], axis=1)
    return (a * (1.0 - weight) + b * weight).astype(x.dtype)


def _positive_int_at_least_2(value):
    return isinstance(value, Integral) and not isinstance(value, bool) and value >= 2


def _real_in(low, high, *, low_open=False, high_open=False):
    def check(value):
        if not isinstance(value, Real) or isinstance(value, bool):
            return False
        above = value > low if low_open else value >= low
        below = value < high if high_open else value <= high
        return above and below
    return check


_PROBABILITY = (_real_in(0.0, 1.0), "a probability in [0, 1]")

AUGMENTATIONS = {
    "time_warp": (time_warp, {
        "n_segments": (4, _positive_int_at_least_2, "an int >= 2"),
        "stretch": (0.2, _real_in(0.0, 1.0, low_open=True, high_open=True), "a number in (0, 1)"),
    }),
    "permute": (permute, {
        "n_segments": (4, _positive_int_at_least_2, "an int >= 2"),
    }),
    "zero_mask": (zero_mask, {
        "fraction": (0.2, _real_in(0.0, 1.0, low_open=True, high_open=True), "a number in (0, 1)"),
    }),
    "dropout": (dropout, {
        "rate": (0.1, _real_in(0.0, 1.0, high_open=True), "a number in [0, 1)"),
    }),
    "noise": (noise, {
        "scale": (0.1, _real_in(0.0, np.inf, low_open=True, high_open=True), "a positive number"),
    }),
    "scale": (scale, {
        "factor": (0.2, _real_in(0.0, 1.0, low_open=True, high_open=True), "a number in (0, 1)"),
    }),
    "baseline_wander": (baseline_wander, {
        "amplitude": (0.1, _real_in(0.0, np.inf, low_open=True, high_open=True), "a positive number"),
        "max_cycles": (1.0, _real_in(0.0, np.inf, low_open=True, high_open=True), "a positive number"),
    }),
    "shift": (shift, {
        "max_fraction": (0.03, _real_in(0.0, 0.5, low_open=True), "a number in (0, 0.5]"),
    }),
}
"""Name -> (function, {parameter: (default, check, what it must be)}); each also takes ``p``."""


def check_augmentations(augmentations, name="augmentations"):
    """Validate a specification of augmentations; return ``[(name, function, params, p)]``.

    ``augmentations`` is a name, a sequence of names and ``(name, params)``
    pairs, or a dict mapping names to params (a dict or None), where params
    overrides some of the augmentation's parameters and ``p``. The errors name
    the argument and say what was expected.
    """
    if isinstance(augmentations, str) or _is_pair(augmentations):
        items = [augmentations]
    elif isinstance(augmentations, dict):
        items = list(augmentations.items())
    elif isinstance(augmentations, (list, tuple)):
        items = list(augmentations)
    else:
        raise ValueError(
            f"{name} must be a name, a sequence of names and (name, params) pairs or a "
            f"dict of name: params, got {augmentations!r}"
        )
    checked = []
    for item in items:
        if isinstance(item, str):
            aug, params = item, None
        elif _is_pair(item):
            aug, params = item
        else:
            raise ValueError(
                f"{name}: each item must be a name or a (name, params) pair, got {item!r}"
            )
        if aug not in AUGMENTATIONS:
            raise ValueError(
                f"{name}: unknown augmentation {aug!r}; choose from {sorted(AUGMENTATIONS)}"
            )
        if params is None:
            params = {}
        function, spec = AUGMENTATIONS[aug]
        spec = {**spec, "p": (1.0, *_PROBABILITY)}
        unknown = sorted(set(params) - set(spec))
        if unknown:
            raise ValueError(
                f"{name}: {aug!r} has no parameter {', '.join(map(repr, unknown))}; "
                f"its parameters are {', '.join(spec)}"
            )
        values = {}
        for key, (default, check, expected) in spec.items():
            value = params.get(key, default)
            if not check(value):
                raise ValueError(f"{name}: {aug}'s {key} must be {expected}, got {value!r}")
            values[key] = value
        checked.append((aug, function, values))
    return checked


def _is_pair(item):
    return (isinstance(item, (list, tuple)) and len(item) == 2 and isinstance(item[0], str)
            and (item[1] is None or isinstance(item[1], dict)))


def augment(x, rng, augmentations):
    """Apply checked ``augmentations`` in order, each to the rows it draws with probability ``p``."""
    out = np.array(x, dtype=np.float32, copy=True)
    for _, function, values in augmentations:
        params = dict(values)
        p = params.pop("p")
        if p >= 1.0:
            out = function(out, rng, **params)
            continue
        rows = rng.random(len(out)) < p
        if rows.any():
            out[rows] = function(out[rows], rng, **params)
    return out
