"""A learned R-peak detector: a small dilated 1-D convolutional network, NumPy inference.

The network gives each sample of the signal, resampled to :data:`CNN_FS` Hz,
band-passed and scaled by its own typical QRS amplitude, the probability that an
R peak lies within 40 ms of it; peaks are the maxima of that probability above a
threshold, at least 200 ms apart, mapped back to the signal's rate and moved to the
peak of the QRS (:func:`~sklearn_ecg.segmentation.refine_peaks`).

The weights ship with the package (``data/rpeak_cnn.npz``, a few kB). They are
rebuilt by ``benchmarks/train_rpeak_detector.py`` from every annotated record of a
data home (MIT-BIH Arrhythmia and Supraventricular Arrhythmia, both leads) with the
NSTDB noise records and synthetic artefacts mixed in; that script also measures the
recipe on patient-grouped folds. Inference needs NumPy and SciPy only.
"""

from fractions import Fraction
from functools import lru_cache
from importlib import resources

import numpy as np
from scipy.signal import butter, find_peaks, resample_poly, sosfiltfilt

CNN_FS = 100.0
"""Rate (Hz) the learned detector works at; signals are resampled to it."""
#: Seconds of each block whose largest absolute value estimates the QRS amplitude.
_SCALE_BLOCK = 2.0
#: After scaling, values are clipped to this many typical QRS amplitudes: a sentinel
#: value or a spike cannot dominate the network's input.
_CLIP = 8.0
_WEIGHTS = "rpeak_cnn.npz"


def cnn_input(signal, fs):
    """The learned detector's input: resampled to 100 Hz, band-passed, scaled, clipped.

    Parameters
    ----------
    signal : ndarray of shape (n_samples,)
        One lead, finite values.
    fs : float
        Its sampling frequency in Hz.

    Returns
    -------
    x : ndarray of float32, shape (n_internal,)
        The signal at :data:`CNN_FS` Hz, 0.5-40 Hz band-passed with a
        zero-phase filter, divided by the median over 2-s blocks of each
        block's largest absolute value (at least a tenth of their 90th
        percentile), and clipped to [-8, 8].
    """
    x = np.asarray(signal, dtype=float)
    if fs != CNN_FS:
        ratio = Fraction(CNN_FS / fs).limit_denominator(1000)
        x = resample_poly(x, ratio.numerator, ratio.denominator)
    if x.size < 3 * 7:  # shorter than the filter's padding: nothing to find
        return np.zeros(x.size, dtype=np.float32)
    sos = butter(2, [0.5, 40.0], btype="band", fs=CNN_FS, output="sos")
    x = sosfiltfilt(sos, x)
    block = int(_SCALE_BLOCK * CNN_FS)
    n_blocks = max(1, x.size // block)
    maxima = np.abs(x[: n_blocks * block]).reshape(n_blocks, -1).max(axis=1) if x.size >= block \
        else np.abs(x).max(keepdims=True)
    # The median block holds a beat in any rhythm; where most blocks hold none (a long
    # pause, a lead off), a tenth of the larger blocks' amplitude keeps filter tails
    # and noise from being blown up to the size of a beat.
    scale = max(float(np.median(maxima)), 0.1 * float(np.quantile(maxima, 0.9)))
    if not scale > 0:
        return np.zeros(x.size, dtype=np.float32)
    return np.clip(x / scale, -_CLIP, _CLIP).astype(np.float32)


@lru_cache(maxsize=1)
def load_cnn_weights():
    """The shipped weights: a dict of arrays (read once, cached)."""
    with resources.files("sklearn_ecg.segmentation").joinpath("data", _WEIGHTS).open("rb") as f:
        with np.load(f) as data:
            return {k: data[k] for k in data.files}


#: Samples of the signal run through the network at a time: the activations of a
#: block stay in the processor's cache.
_BLOCK = 8192


def cnn_forward(x, weights):
    """Probability of an R peak near each sample of ``x`` (output of :func:`cnn_input`).

    The network: a first convolution, residual blocks of dilated convolutions
    (ReLU), and a 1x1 convolution with a sigmoid, each convolution zero-padded
    to the signal's length ("same", as Keras computes it). The signal runs
    through in blocks of 8,192 samples, each read with the network's receptive
    field on both sides, so that memory stays bounded and the result is that
    of the whole signal at once; each convolution is one matrix product over
    its kernel's taps. Called from the main thread, the blocks run in threads,
    one per processor, each matrix product on one BLAS thread: small products
    split across BLAS threads wait for each other, and on a busy machine
    several times longer than they compute.
    """
    import threading

    from ..utils._threads import thread_map

    x = np.asarray(x, dtype=np.float32)
    n_layers = int(weights["n_layers"])
    dilations = [int(d) for d in weights["dilations"]]
    halo = sum((weights[f"kernel_{i}"].shape[0] - 1) // 2 * dilations[i] for i in range(n_layers))
    n = x.size
    logits = np.empty(n, dtype=np.float32)
    padded = np.pad(x, halo)

    def run(start):
        stop = min(n, start + _BLOCK)
        h = padded[start:stop + 2 * halo][None, :]
        # Columns before the signal's first sample and after its last: each layer
        # sees zeros there, as Keras pads each convolution.
        before, after = max(0, halo - start), max(0, stop + halo - n)
        for i in range(n_layers):
            out = np.maximum(_conv_same(h, weights[f"kernel_{i}"], weights[f"bias_{i}"], dilations[i]), 0.0)
            h = out if i == 0 else h + out
            h[:, :before] = 0.0
            h[:, h.shape[1] - after:] = 0.0
        block = _conv_same(h, weights["kernel_out"], weights["bias_out"], 1)[0]
        logits[start:stop] = block[halo:halo + stop - start]

    starts = range(0, n, _BLOCK)
    if threading.current_thread() is threading.main_thread():
        thread_map(run, starts, one_blas_thread=True)
    else:  # in a thread of its own already (the leads of a record rated side by side)
        for start in starts:
            run(start)
    return 1.0 / (1.0 + np.exp(-np.clip(logits, -30, 30)))


def _conv_same(h, kernel, bias, dilation):
    """A 1-D convolution of ``h`` (channels, time), zero-padded to its length."""
    k, c_in, c_out = kernel.shape
    half = (k - 1) // 2 * dilation
    n = h.shape[1]
    padded = np.pad(h, ((0, 0), (half, half)))
    columns = np.empty((k * c_in, n), dtype=np.float32)
    for j in range(k):
        columns[j * c_in:(j + 1) * c_in] = padded[:, j * dilation:j * dilation + n]
    return kernel.reshape(k * c_in, c_out).T @ columns + bias[:, None]


def cnn_peaks(signal, fs, *, threshold=None, weights=None):
    """R peaks of one lead by the learned detector, at the signal's rate (not refined).

    Parameters
    ----------
    signal : ndarray of shape (n_samples,)
    fs : float
    threshold : float, default=None
        Smallest probability of a peak; ``None`` takes the one chosen with
        the shipped weights on their training patients.
    weights : dict, default=None
        Network weights; ``None`` loads the shipped ones.

    Returns
    -------
    peaks : ndarray of int64
    """
    weights = load_cnn_weights() if weights is None else weights
    threshold = float(weights["threshold"]) if threshold is None else threshold
    x = cnn_input(signal, fs)
    if x.size == 0 or not x.any():
        return np.empty(0, dtype=np.int64)
    proba = cnn_forward(x, weights)
    found, _ = find_peaks(proba, height=threshold, distance=max(1, round(0.2 * CNN_FS)))
    return peaks_at_signal_rate(found, x.size, len(signal))


def peaks_at_signal_rate(found, n_internal, n_samples):
    """Peaks found in the network's input of ``n_internal`` samples, at the signal's rate."""
    peaks = np.round(np.asarray(found) * (n_samples / n_internal)).astype(np.int64)
    return peaks[(peaks >= 0) & (peaks < n_samples)]
