"""R peaks of a signal with gaps: detected on each NaN-free stretch, never across a gap.

The one rule for missing samples before detection, shared by the signal report
(:func:`~sklearn_ecg.inspection.signal_report`) and the command line's ``detect``
and ``segment``: no signal is invented where none was recorded, so no R peak is
found in a gap and no RR interval spans one.
"""

import numpy as np
from sklearn.utils import Bunch

from ..utils import check_fs
from ._detectors import MIN_DURATION, MIN_FS, check_detector, detect_r_peaks
from ._segmenter import plausible_rr_share


def nan_free_stretches(signal, fs):
    """``[start, stop)`` of each stretch of finite samples long enough to detect beats in.

    Parameters
    ----------
    signal : array-like of shape (n_samples,)
        One lead; NaN and infinite samples are missing.
    fs : float
        Sampling frequency in Hz.

    Returns
    -------
    stretches : ndarray of int64, shape (n_stretches, 2)
        Start and stop (exclusive) of each run of finite samples lasting at
        least :data:`MIN_DURATION` seconds (shorter ones hold no beat window),
        in order.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.segmentation import nan_free_stretches
    >>> x = np.ones(1000)
    >>> x[400:410] = np.nan
    >>> nan_free_stretches(x, 360).tolist()
    [[0, 400], [410, 1000]]
    """
    fs = check_fs(fs)
    valid = np.isfinite(np.asarray(signal, dtype=float))
    edges = np.flatnonzero(np.diff(np.concatenate([[0], valid.astype(np.int8), [0]])))
    stretches = edges.reshape(-1, 2).astype(np.int64)
    return stretches[stretches[:, 1] - stretches[:, 0] >= MIN_DURATION * fs]


def detect_r_peaks_on_stretches(signal, fs, detector="cnn"):
    """R peaks of a signal that may have gaps, detected on each NaN-free stretch.

    A signal without missing samples gives what
    :func:`~sklearn_ecg.segmentation.detect_r_peaks` gives.

    Parameters
    ----------
    signal : array-like of shape (n_samples,)
        One lead; NaN and infinite samples are missing.
    fs : float
        Sampling frequency in Hz, at least :data:`MIN_FS`.
    detector : str, default="cnn"
        One of :data:`~sklearn_ecg.segmentation.DETECTORS`.

    Returns
    -------
    result : :class:`~sklearn.utils.Bunch`
        - ``peaks``: ndarray of int64, the R peaks' sample indices in ``signal``;
        - ``rr``: ndarray of float, RR intervals in seconds between
          consecutive peaks of the same stretch (none spans a gap);
        - ``stretches``: the ``[start, stop)`` searched, as
          :func:`nan_free_stretches` gives them (none: nothing was searched);
        - ``n_missing``: the number of NaN or infinite samples.

    Raises
    ------
    ValueError
        If ``fs`` is not a positive number or below :data:`MIN_FS`, or
        ``detector`` is unknown.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.datasets import load_mitdb_sample
    >>> from sklearn_ecg.segmentation import detect_r_peaks_on_stretches
    >>> record = load_mitdb_sample()[0]
    >>> x = record.signal.copy()
    >>> x[36000:37800] = np.nan  # a 5-s gap
    >>> found = detect_r_peaks_on_stretches(x, record.fs)
    >>> len(found.stretches), found.n_missing, bool(found.rr.max() < 2)
    (2, 1800, True)
    """
    fs = check_fs(fs)
    if fs < MIN_FS:
        raise ValueError(f"fs must be at least {MIN_FS:g} Hz for R-peak detection, got {fs:g}")
    check_detector(detector)
    x = np.asarray(signal, dtype=float)
    if x.ndim != 1:
        raise ValueError(f"signal must be one lead, a 1-D array, got shape {x.shape}")
    stretches = nan_free_stretches(x, fs)
    peaks, rr = [], []
    for start, stop in stretches:
        found = detect_r_peaks(x[start:stop], fs, detector)
        peaks.append(found + start)
        rr.append(np.diff(found) / fs)
    return Bunch(
        peaks=np.concatenate(peaks).astype(np.int64) if peaks else np.empty(0, dtype=np.int64),
        rr=np.concatenate(rr) if rr else np.empty(0),
        stretches=stretches,
        n_missing=int(x.size - np.isfinite(x).sum()),
    )


def segment_on_stretches(segmenter, signal, stretches, peaks=None):
    """``segmenter.segment`` on each NaN-free stretch, put together in the signal's samples.

    No beat window reaches into a gap (a beat too near a stretch's end is left
    out, as at the ends of a signal) and no RR interval spans one. A signal
    without gaps is one stretch: ``segmenter.segment(signal, peaks)``.

    Parameters
    ----------
    segmenter : RPeakSegmenter
    signal : ndarray of shape (n_samples,)
        One lead; NaN samples are gaps.
    stretches : ndarray of shape (n_stretches, 2)
        ``[start, stop)`` of the stretches to cut, as :func:`nan_free_stretches`
        gives them.
    peaks : ndarray of int, default=None
        The signal's R peaks (each stretch gets its own); None detects them on
        each stretch.

    Returns
    -------
    result : :class:`~sklearn.utils.Bunch`
        ``beats``, ``rr``, ``peaks``, ``dropped`` (in the signal's samples),
        ``feature_names`` and ``template_corr`` as
        :meth:`RPeakSegmenter.segment` gives them, and ``plausible_rr`` over
        the intervals inside stretches.
    """
    parts = []
    for start, stop in stretches:
        inside = None if peaks is None else peaks[(peaks >= start) & (peaks < stop)] - start
        parts.append((start, segmenter.segment(signal[start:stop], peaks=inside)))
    if not parts:  # nothing long enough to hold a beat: an empty result of the right shape
        parts.append((0, segmenter.segment(np.zeros(0), peaks=None)))
    first = parts[0][1]
    intervals = np.concatenate([np.diff(part.detected) for _, part in parts]) / segmenter.fs
    return Bunch(
        beats=np.concatenate([part.beats for _, part in parts]),
        rr=np.concatenate([part.rr for _, part in parts]),
        peaks=np.concatenate([part.peaks + start for start, part in parts]),
        dropped=np.concatenate([part.dropped + start for start, part in parts]),
        feature_names=first.feature_names,
        template_corr=np.concatenate([part.template_corr for _, part in parts]),
        plausible_rr=plausible_rr_share(intervals),
    )
