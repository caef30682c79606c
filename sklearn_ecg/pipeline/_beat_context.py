"""Lead- and rate-independent description of every beat of a record, in its record's context.

The rows of :class:`~sklearn_ecg.pipeline.UniversalBeatClassifier`: each lead
is resampled to one internal rate, band-passed, turned so that its usual QRS
points up and scaled by its usual QRS amplitude, so that a beat reads the same
from any lead, device or rate; each beat is then described by its own shape,
its difference from the record's median beat (what makes a beat ectopic is how
it differs from the patient's usual beat), its P wave against the usual P wave,
and its rhythm: RR intervals relative to the surrounding rhythm and how
irregular that rhythm is over the surrounding half minute (in atrial
fibrillation every beat looks premature, so prematurity alone cannot tell an S
beat).
"""

import numpy as np
from scipy.signal import butter, resample_poly, sosfiltfilt

from ..segmentation import rr_features
from ..utils._vocabulary import RR_FEATURE_NAMES

INTERNAL_FS = 128.0
"""The rate every lead is resampled to before its beats are described (Hz)."""

_BEFORE, _AFTER = 32, 58  # samples at INTERNAL_FS: 0.25 s before the R peak, 0.45 s after
_STEP = 2  # the beat's shape is described at every second sample (64 Hz)
_P = slice(_BEFORE - 29, _BEFORE - 8)  # 0.23 s to 0.06 s before the R peak
_QRS = slice(_BEFORE - 10, _BEFORE + 12)  # 80 ms before to 95 ms after
_T = slice(_BEFORE + 14, _BEFORE + _AFTER)  # 110 ms to 450 ms after
_CONTEXT_BEATS = 20  # beats on each side for the rhythm's irregularity (about half a minute)
_MEDIAN_BEATS = 2000  # beats sampled for a record's median beat


def _shape_names():
    times = (np.arange(-_BEFORE, _AFTER, _STEP) / INTERNAL_FS * 1000).round().astype(int)
    return [f"beat_{t}ms" for t in times], [f"diff_{t}ms" for t in times]


_MORPHOLOGY_NAMES = (
    "corr_median", "corr_median_qrs", "corr_median_p", "corr_median_t", "corr_previous",
    "corr_next", "qrs_range_ratio", "qrs_area_ratio", "qrs_slope_ratio", "qrs_width",
    "qrs_width_ratio", "p_energy_ratio", "t_range_ratio", "r_shift", "distance_median",
)
_RHYTHM_NAMES = (
    "rr_irregularity", "rr_irregularity_short", "rr_prev_context", "rr_next_context",
    "rr_prev_over_previous", "rr_jump", "heart_rate", "share_premature",
)


def beat_context_feature_names():
    """Names of the columns of :func:`beat_context_features`, in order.

    Returns
    -------
    names : list of str
    """
    beat, diff = _shape_names()
    return beat + diff + list(_MORPHOLOGY_NAMES) + list(RR_FEATURE_NAMES) + list(_RHYTHM_NAMES)


def to_internal_rate(lead, fs):
    """One lead resampled to :data:`INTERNAL_FS` and band-passed (0.5-40 Hz).

    Parameters
    ----------
    lead : ndarray of shape (n_samples,)
        Without NaN.
    fs : float

    Returns
    -------
    x : ndarray of float64
    """
    x = np.asarray(lead, dtype=float)
    if fs != INTERNAL_FS:
        up, down = _ratio(fs)
        x = resample_poly(x, up, down)
    if x.size > 30:
        sos = butter(2, [0.5, 40.0], btype="band", fs=INTERNAL_FS, output="sos")
        x = sosfiltfilt(sos, x)
    return x


def _ratio(fs):
    from fractions import Fraction

    frac = Fraction(INTERNAL_FS / float(fs)).limit_denominator(1000)
    return frac.numerator, frac.denominator


def _windows(x, centres):
    offsets = np.arange(-_BEFORE, _AFTER)
    padded = np.pad(x, (_BEFORE, _AFTER), mode="edge")
    return padded[centres[:, None] + offsets[None, :] + _BEFORE]


def _rowcorr(a, b):
    a = a - a.mean(axis=-1, keepdims=True)
    b = b - b.mean(axis=-1, keepdims=True)
    den = np.sqrt((a * a).sum(axis=-1) * (b * b).sum(axis=-1))
    return np.divide((a * b).sum(axis=-1), den, out=np.zeros(np.broadcast(a, b).shape[:-1]),
                     where=den > 0)


def _median_beat(beats):
    if len(beats) > _MEDIAN_BEATS:
        beats = beats[np.linspace(0, len(beats) - 1, _MEDIAN_BEATS).round().astype(int)]
    return np.median(beats, axis=0)


def _qrs_width(beats):
    # Samples of the QRS region where the slope exceeds a third of its maximum.
    slope = np.abs(np.diff(beats[:, _QRS], axis=1))
    return (slope > slope.max(axis=1, keepdims=True) / 3).sum(axis=1).astype(float)


def lead_morphology(x, peaks):
    """Shape of each beat of one lead at the internal rate, alone and against its record's.

    Parameters
    ----------
    x : ndarray of shape (n_samples,)
        The lead, from :func:`to_internal_rate`.
    peaks : ndarray of int
        R peaks at the internal rate.

    Returns
    -------
    features : ndarray of shape (n_peaks, n_shape + n_morphology)
    """
    beats = _windows(x, peaks)
    beats = beats - np.median(beats, axis=1, keepdims=True)
    median = _median_beat(beats)
    qrs = median[_QRS]
    sign = 1.0 if qrs.max() >= -qrs.min() else -1.0  # the usual QRS points up
    scale = max(float(np.ptp(qrs)), 1e-6)
    beats *= sign / scale
    median = median * sign / scale
    diff = beats - median
    ptp = np.ptp(beats[:, _QRS], axis=1)
    area = np.abs(beats[:, _QRS]).sum(axis=1)
    slope = np.abs(np.diff(beats[:, _QRS], axis=1)).max(axis=1)
    med_area = max(np.abs(median[_QRS]).sum(), 1e-6)
    med_slope = max(np.abs(np.diff(median[_QRS])).max(), 1e-6)
    width = _qrs_width(beats)
    med_width = max(float(_qrs_width(median[None])[0]), 1.0)
    p_energy = (beats[:, _P] - beats[:, _P].mean(axis=1, keepdims=True)).std(axis=1)
    med_p = max(float(median[_P].std()), 1e-3)
    t_range = np.ptp(beats[:, _T], axis=1)
    med_t = max(float(np.ptp(median[_T])), 1e-3)
    corr_prev = np.ones(len(beats))
    corr_next = np.ones(len(beats))
    if len(beats) > 1:
        pair = _rowcorr(beats[1:, _QRS], beats[:-1, _QRS])
        corr_prev[1:], corr_next[:-1] = pair, pair
    r_shift = (np.argmax(beats[:, _QRS], axis=1) - np.argmax(median[_QRS])).astype(float)
    morphology = np.column_stack([
        _rowcorr(beats, median[None]), _rowcorr(beats[:, _QRS], median[None, _QRS]),
        _rowcorr(beats[:, _P], median[None, _P]), _rowcorr(beats[:, _T], median[None, _T]),
        corr_prev, corr_next, ptp, area / med_area, slope / med_slope, width, width / med_width,
        p_energy / med_p, t_range / med_t, r_shift, np.sqrt((diff ** 2).mean(axis=1)),
    ])
    return np.hstack([beats[:, ::_STEP], diff[:, ::_STEP], morphology])


def rhythm_features(peaks, fs):
    """RR intervals of each beat relative to its rhythm, and the rhythm's irregularity.

    The ten :data:`~sklearn_ecg.segmentation.RR_FEATURE_NAMES` columns, then
    the irregularity of the surrounding :data:`_CONTEXT_BEATS` beats on each side
    (median absolute successive difference over median interval, over the
    context and over 5 beats), the previous and next intervals over the
    context's median, the previous interval over the previous beat's, the
    jump from the previous interval to the next, the heart rate of the context
    (beats per minute) and the share of the context's beats that came early
    (interval under 85 % of the context's median).

    Parameters
    ----------
    peaks : ndarray of int
        Every R peak of one record, sorted.
    fs : float

    Returns
    -------
    features : ndarray of shape (n_peaks, 18)
    """
    peaks = np.asarray(peaks, dtype=np.int64)
    n = peaks.size
    rr10 = rr_features(peaks, fs)
    out = np.full((n, len(_RHYTHM_NAMES)), np.nan)
    if n < 3:
        return np.hstack([rr10, out])
    prev, nxt = rr10[:, 0], rr10[:, 1]
    # A sliding window of the context's previous intervals (edge beats see a one-sided context).
    k = _CONTEXT_BEATS
    padded = np.pad(prev, k, mode="reflect")
    context = np.lib.stride_tricks.sliding_window_view(padded, 2 * k + 1)[:n]
    med = np.median(context, axis=1)
    succ = np.abs(np.diff(context, axis=1))
    out[:, 0] = np.median(succ, axis=1) / med
    short = np.abs(np.diff(np.lib.stride_tricks.sliding_window_view(
        np.pad(prev, 3, mode="reflect"), 7)[:n], axis=1))
    out[:, 1] = np.median(short, axis=1) / med
    out[:, 2], out[:, 3] = prev / med, nxt / med
    before = np.concatenate([[prev[0]], prev[:-1]])
    out[:, 4] = prev / before
    out[:, 5] = (nxt - prev) / med
    out[:, 6] = 60.0 / med
    out[:, 7] = (context < 0.85 * med[:, None]).mean(axis=1)
    return np.hstack([rr10, out])


def beat_context_features(signal, fs, peaks):
    """Describe every beat of every lead of one record, lead-independently.

    Parameters
    ----------
    signal : ndarray of shape (n_samples,) or (n_samples, n_leads)
        One record, without NaN.
    fs : float
    peaks : ndarray of int
        The record's R peaks at ``fs``, sorted.

    Returns
    -------
    features : ndarray of shape (n_leads, n_peaks, n_features)
        Columns :func:`beat_context_feature_names`; the rhythm columns are the
        same for every lead.
    """
    x = np.asarray(signal, dtype=float)
    x = x[:, None] if x.ndim == 1 else x
    peaks = np.asarray(peaks, dtype=np.int64)
    rhythm = rhythm_features(peaks, fs)
    at = np.clip(np.round(peaks * INTERNAL_FS / fs).astype(np.int64), 0, None)
    out = []
    for j in range(x.shape[1]):
        lead = to_internal_rate(x[:, j], fs)
        at_j = np.minimum(at, lead.size - 1)
        out.append(np.hstack([lead_morphology(lead, at_j), rhythm]))
    return np.stack(out)
