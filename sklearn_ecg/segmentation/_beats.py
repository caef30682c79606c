"""Beat windows around R peaks and RR-interval features.

These two functions are the only place where beats are cut out of a signal:
:class:`~sklearn_ecg.RPeakSegmenter` and
:func:`~sklearn_ecg.datasets.make_beat_dataset` both call them.
"""

import numpy as np

from ..utils import resample_rows
from ..utils._vocabulary import RR_FEATURE_NAMES

# Number of RR intervals on each side of a beat that make up its local average, as
# in the "local average RR" of de Chazal et al. (2004).
_LOCAL_RR_BEATS = 10
#: Number of preceding RR intervals in the causal running mean (about half a minute
#: of sinus rhythm): long enough that one premature beat barely moves it.
RUNNING_RR_BEATS = 32


def window_bounds(before, after, fs):
    """Samples before and after the R peak of a beat window."""
    return int(round(before * fs)), int(round(after * fs))


def beat_windows(signal, peaks, fs, before, after, *, edge="drop", beat_length=None):
    """Cut one window around each R peak.

    The window of a peak at sample ``p`` covers samples ``p - round(before * fs)``
    to ``p + round(after * fs)`` (exclusive), so the R peak is always at index
    ``round(before * fs)`` of the window before any resampling.

    Parameters
    ----------
    signal : ndarray of shape (n_samples,)
    peaks : ndarray of int
        Sorted R-peak sample indices.
    fs : float
    before, after : float
        Seconds before and after the peak.
    edge : {"drop", "pad"}, default="drop"
        Peaks whose window runs past an end of the signal are either dropped
        (``"drop"``: they are reported in ``kept``) or kept with the missing
        samples filled by the nearest sample of the signal (``"pad"``), which
        keeps every window aligned on its R peak.
    beat_length : int, default=None
        Resample each window to this many samples (``n_samples`` before 0.2,
        still accepted with a FutureWarning).

    Returns
    -------
    beats : ndarray of shape (n_kept, window_length or beat_length)
    kept : ndarray of bool of shape (n_peaks,)
        Which peaks have a window in ``beats``.
    """
    x = np.asarray(signal, dtype=float)
    peaks = np.asarray(peaks, dtype=np.int64)
    n_before, n_after = window_bounds(before, after, fs)
    length = n_before + n_after
    if edge == "drop":
        kept = (peaks - n_before >= 0) & (peaks + n_after <= x.size)
        starts = peaks[kept] - n_before
        source = x
    else:
        kept = np.ones(peaks.size, dtype=bool)
        # In the padded signal a window starts exactly at its peak's old index.
        source = np.pad(x, (n_before, n_after), mode="edge") if x.size else x
        starts = peaks
    if starts.size == 0 or length == 0:
        beats = np.empty((0, beat_length or length))
        return beats, kept
    index = starts[:, None] + np.arange(length)[None, :]
    beats = source[index]
    if beat_length is not None and beat_length != length:
        beats = resample_rows(beats, beat_length)
    return beats, kept


def rr_features(peaks, fs):
    """RR-interval features of each beat, in seconds.

    Columns are :data:`RR_FEATURE_NAMES`: the RR interval before the beat, the
    one after it, the local average (mean of up to 10 intervals on each side),
    and the previous and next intervals divided by that local average. Premature
    beats have ``rr_prev_ratio`` well below 1 and, with a compensatory pause,
    ``rr_next_ratio`` above 1.

    Intervals in seconds differ between patients more than between beat classes;
    the last five columns normalise them by the patient's own rhythm, which is
    what carries a classifier across patients (Lin & Yang 2014; Mondejar-Guerra
    et al. 2019): the previous, next and local intervals over the mean RR of the
    whole signal (``*_record``), and the previous and next intervals over the
    running mean of the :data:`RUNNING_RR_BEATS` intervals that end at the beat
    (``*_running``), which uses no future beat but the next one and so also
    works on a stream.

    The first beat has no previous interval and the last no next one: those
    entries are set to the local average (ratio 1). With fewer than two peaks
    every entry is NaN.

    Parameters
    ----------
    peaks : ndarray of int
        Sorted R-peak sample indices of one signal (all beats, so that the
        intervals are true intervals).
    fs : float

    Returns
    -------
    features : ndarray of shape (n_peaks, 10)
    """
    peaks = np.asarray(peaks, dtype=np.int64)
    n = peaks.size
    out = np.full((n, len(RR_FEATURE_NAMES)), np.nan)
    if n < 2:
        return out
    rr = np.diff(peaks) / fs
    # Beat i sits between interval i - 1 (before) and interval i (after).
    csum = np.concatenate([[0.0], np.cumsum(rr)])
    i = np.arange(n)
    lo = np.clip(i - _LOCAL_RR_BEATS, 0, n - 1)
    hi = np.clip(i + _LOCAL_RR_BEATS, 1, n - 1)
    local = (csum[hi] - csum[lo]) / (hi - lo)
    prev = np.concatenate([[local[0]], rr])
    nxt = np.concatenate([rr, [local[-1]]])
    out[:, 0], out[:, 1], out[:, 2] = prev, nxt, local
    out[:, 3], out[:, 4] = prev / local, nxt / local
    record_mean = rr.mean()
    out[:, 5], out[:, 6], out[:, 7] = prev / record_mean, nxt / record_mean, local / record_mean
    # Running mean of the intervals ending at beat i (interval i - 1 is rr_prev);
    # the first beat, which has none, uses its own previous interval (ratio 1).
    end = np.maximum(i, 1)
    start = np.maximum(end - RUNNING_RR_BEATS, 0)
    running = (csum[end] - csum[start]) / (end - start)
    running[0] = prev[0]
    out[:, 8], out[:, 9] = prev / running, nxt / running
    return out
