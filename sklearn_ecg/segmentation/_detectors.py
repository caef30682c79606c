"""R-peak detectors: a registry over py-ecg-detectors plus the library's own two, a learned
network (the default, :mod:`._learned`) and a fast zero-phase Pan-Tompkins.

Every detector returns sorted integer sample indices, and every detection is moved to
the peak of its QRS complex (:func:`refine_peaks`), because several detectors of
py-ecg-detectors work on causally filtered signals and report peaks 40 to 80 ms late.
"""

from numbers import Real

import numpy as np
from scipy.ndimage import uniform_filter1d
from scipy.signal import butter, find_peaks, sosfiltfilt

from ..utils import check_fs, check_peaks, resample_rows

# Names accepted by ``detector=``; the py-ecg-detectors ones map to methods of
# ``ecgdetectors.Detectors``.
_ECGDETECTORS_METHODS = {
    "two_average": "two_average_detector",
    "matched_filter": "matched_filter_detector",
    "swt": "swt_detector",
    "engzee": "engzee_detector",
    "christov": "christov_detector",
    "hamilton": "hamilton_detector",
    "pan_tompkins": "pan_tompkins_detector",
    "wqrs": "wqrs_detector",
}
DETECTORS = ("cnn", "fast_pan_tompkins", *_ECGDETECTORS_METHODS)
"""Names of the available R-peak detectors; the first, the learned ``"cnn"``, is the
library's default."""

MIN_DURATION = 0.5
"""Seconds of the shortest signal handed to a detector: shorter cannot hold one beat window;
:func:`detect_r_peaks` finds no peak in it."""
# The matched filter of py-ecg-detectors ships QRS templates for these rates only.
_MATCHED_FILTER_RATES = (250.0, 360.0)
MIN_FS = 50.0
"""Lowest sampling rate (Hz) R-peak detection accepts."""
MAX_FS = 20_000.0
"""Highest sampling rate (Hz) R-peak detection accepts: ECG is recorded at a few kHz at
most, and a rate of 1e9 (a time stamp in nanoseconds taken for a rate) found no beat
in silence."""
# The old private names, for code that imported them.
_MIN_DURATION, _MIN_FS = MIN_DURATION, MIN_FS
# How far a detection may be moved to reach the R peak: detectors report peaks up to
# about 80 ms late, rarely early.
_REFINE_BEFORE = 0.10
_REFINE_AFTER = 0.075
#: Seconds of signal each chunk of a chunked detection reads beyond its own stretch
#: on both sides: the filters' transients and the detector's adaptive thresholds
#: (exponential averages over beats) have settled long before the stretch begins.
CHUNK_OVERLAP = 60.0


def check_detector(detector):
    """Raise a clear ``ValueError`` unless ``detector`` names a known detector."""
    if detector not in DETECTORS:
        raise ValueError(
            f"detector must be one of {list(DETECTORS)}, got {detector!r}"
        )
    return detector


def _bandpass(x, fs, low, high, order=2):
    sos = butter(order, [low, high], btype="band", fs=fs, output="sos")
    return sosfiltfilt(sos, x)


def _fast_pan_tompkins(x, fs):
    """Pan & Tompkins (1985) with zero-phase filters and vectorised feature extraction.

    The band-pass, derivative, squaring and moving-window integration are computed
    on the whole signal with zero-phase filters, so peaks are not delayed. The
    adaptive thresholds, the search-back for missed beats and the T-wave test run
    over candidate peaks only (a few thousand per 30-minute record), not over samples.
    Two changes to the original make it robust on MIT-BIH: thresholds are learned
    on the root of the integrated energy, whose dynamic range is smaller, so that a
    run of large ventricular beats does not lift the threshold above normal beats;
    and the T-wave test also works backwards: when a steep QRS follows a flat
    accepted peak within 360 ms, the earlier peak was a P wave or an artefact.
    """
    state = _PanTompkins(fs)
    state.feed(*_pan_tompkins_features(x, fs), offset=0, stop=x.size)
    return state.peaks()


def _pan_tompkins_features(x, fs):
    """The integrated envelope and the absolute slope of the 5-15 Hz band."""
    band = _bandpass(x, fs, 5.0, 15.0)
    slope = np.gradient(band) * fs
    energy = uniform_filter1d(slope * slope, max(1, round(0.15 * fs)))
    envelope = np.sqrt(np.maximum(energy, 0.0))  # the running mean can dip below 0 by rounding
    return envelope, np.abs(slope)


class _PanTompkins:
    """The decision stage of :func:`_fast_pan_tompkins`, fed one stretch at a time.

    Its state (signal and noise levels, recent RR intervals, rejected candidates,
    the last beat) carries from one stretch to the next, so that a record fed in
    chunks gives the peaks of the record fed at once.
    """

    def __init__(self, fs):
        self.fs = fs
        self.refractory = round(0.2 * fs)
        self.t_wave_window = 0.36 * fs
        self.slope_span = round(0.075 * fs)
        self.learning = round(2 * fs)
        self.relearn = round(2.5 * fs)
        self.threshold_ratio, self.searchback_ratio = 0.35, 0.5
        self.signal_level = None
        self.beats, self.rr, self.pending = [], [], []  # pending: rejected since the last beat
        self.last, self.last_slope = None, None
        self._last_candidate = None

    def peaks(self):
        return np.asarray(self.beats, dtype=np.int64)

    def feed(self, envelope, abs_slope, *, offset, stop):
        """Decide on the candidates of ``[offset + ..., stop)``.

        ``envelope`` and ``abs_slope`` cover the samples from ``offset`` on (the
        stretch with its overlap); candidates before the stretch already
        decided, or from ``stop`` on, are left to the neighbouring calls.
        """
        candidates, _ = find_peaks(envelope, distance=self.refractory)
        positions = candidates + offset
        keep = positions < stop
        if self._last_candidate is not None:
            keep &= positions > self._last_candidate
        candidates, positions = candidates[keep], positions[keep]
        if self.signal_level is None:
            if candidates.size == 0:
                return
            heights = envelope[candidates]
            first = heights[positions < self.learning]
            self.signal_level = 0.5 * (first.max() if first.size else heights.max())
            self.noise_level = 0.5 * envelope[:self.learning].mean()
        if candidates.size:
            self._last_candidate = int(positions[-1])

        def max_slope(p):  # p: position in the record
            i = p - offset
            return abs_slope[max(0, i - self.slope_span) : i + 1].max()

        refractory = self.refractory
        for p, h in zip(positions.tolist(), envelope[candidates].tolist()):
            typical = self._typical_rr()
            if self.last is not None and p - self.last > max(self.relearn, 3.0 * typical):
                self._relearn(p)
            # An artefact (a spike, a sentinel value, a step) moves the levels by a bounded
            # step only: its height counts as at most three times the signal level.
            h_level = min(h, 3.0 * self.signal_level)
            threshold = self.noise_level + self.threshold_ratio * (self.signal_level - self.noise_level)
            if (self.rr and self.pending and self.last is not None
                    and p - self.last > 1.66 * typical):
                # Search back for a beat missed since the last one.
                floor = self.searchback_ratio * threshold
                back = [(q, g, s) for q, g, s in self.pending
                        if q - self.last > refractory and p - q > refractory and g > floor]
                if back:
                    q, g, s = max(back, key=lambda c: c[1])
                    self.rr.append(q - self.last)
                    self.beats.append(q)
                    self.last, self.last_slope = q, s
                    self.signal_level = 0.25 * g + 0.75 * self.signal_level
                    self.pending = [c for c in self.pending if c[0] > q]
            if h <= threshold:
                self.noise_level = 0.125 * h_level + 0.875 * self.noise_level
                self.pending.append((p, h, max_slope(p)))
                continue
            s = max_slope(p)
            if self.last is not None and p - self.last < self.t_wave_window:
                if s < 0.5 * self.last_slope:  # a T wave: far flatter than the beat before it
                    self.noise_level = 0.125 * h_level + 0.875 * self.noise_level
                    self.pending.append((p, h, s))
                    continue
                if self.last_slope < 0.5 * s:  # the previous peak was a P wave or artefact
                    self.beats.pop()
                    if self.rr:
                        self.rr.pop()
                    self.last = self.beats[-1] if self.beats else None
            if self.last is not None:
                self.rr.append(p - self.last)
            self.beats.append(p)
            self.last, self.last_slope = p, s
            self.signal_level = 0.125 * h_level + 0.875 * self.signal_level
            self.pending = []

    def _typical_rr(self):
        """The mean of the last eight RR intervals (samples; ``fs`` before any)."""
        # Integers: their sum is exact, so this is numpy's mean, ten times faster.
        recent = self.rr[-8:]
        return sum(recent) / len(recent) if recent else self.fs

    def _relearn(self, p):
        """Learn the levels again from the candidates rejected in the last few seconds.

        When no beat has been accepted for several beat intervals, the levels
        are wrong: an artefact lifted them, or the signal's amplitude fell (a
        lead change, a gain change). Without this, one sample of -9999 in a
        record stopped detection for the rest of it.
        """
        recent = [g for q, g, _ in self.pending if p - q <= self.relearn]
        if recent:
            self.signal_level = max(recent)
            self.noise_level = min(self.noise_level, 0.5 * float(np.median(recent)))
        # Start afresh from here: no interval to the last beat, nothing to search back.
        self.last, self.last_slope = None, None
        self.pending = []


def _ecgdetectors_peaks(x, fs, detector):
    import ecgdetectors  # imported lazily: it pulls in PyWavelets and more

    # py-ecg-detectors needs an integer rate (wqrs pads by 10 * fs samples) and, for
    # the matched filter, a rate it has a QRS template for: other rates run on a
    # resampled copy, and the peaks are mapped back.
    if detector == "matched_filter":
        rate = fs if fs in _MATCHED_FILTER_RATES else 360.0
    else:
        rate = float(round(fs))
    if rate != fs:
        x = resample_rows(x[None, :], max(2, round(x.size * rate / fs)))[0]
    method = getattr(ecgdetectors.Detectors(int(rate)), _ECGDETECTORS_METHODS[detector])
    try:
        found = method(x)
    except (IndexError, ValueError):
        # Several of these detectors index past their own buffers when a signal
        # holds no beat or too few for their learning phase (engzee, wqrs and
        # two_average on windows of a few seconds): that means "no beat found".
        return np.empty(0, dtype=np.int64)
    peaks = np.asarray(found, dtype=float).ravel() * (fs / rate)
    return np.round(peaks).astype(np.int64)


def refine_peaks(signal, peaks, fs, *, before=_REFINE_BEFORE, after=_REFINE_AFTER):
    """Move each detection to the peak of its QRS complex.

    The peak is the largest absolute deflection of the signal band-passed to
    0.5-40 Hz with a zero-phase filter (so neither baseline wander nor the
    filter shifts it): the R wave, or the S or QS wave of a beat whose main
    deflection is negative, which is also where the MIT-BIH annotations sit.
    It is searched from ``before`` seconds before to ``after`` seconds after
    each detection, a window cut short at the ends of the signal. Detections
    that land on the same sample are merged.

    Parameters
    ----------
    signal : array-like of shape (n_samples,)
        One ECG lead.
    peaks : array-like of int
        Detections to refine.
    fs : float
        Sampling frequency in Hz.
    before, after : float, default=0.1, 0.075
        Search window in seconds around each detection.

    Returns
    -------
    peaks : ndarray of int64
        Sorted, unique peak sample indices.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.segmentation import refine_peaks
    >>> x = np.zeros(1000)
    >>> x[500] = 1.0
    >>> refine_peaks(x, [520], fs=360)  # a detection 20 samples late
    array([500])
    """
    x = np.asarray(signal, dtype=float)
    fs = check_fs(fs)
    peaks = check_peaks(peaks, signal_length=x.size)
    if peaks.size == 0:
        return peaks
    y = np.abs(_bandpass(x, fs, 0.5, min(40.0, 0.45 * fs)))
    n_before, n_after = round(before * fs), round(after * fs)
    # Padding with -inf on both sides keeps every window exactly
    # [p - n_before, p + n_after] and never lets the padding win.
    padded = np.concatenate([np.full(n_before, -np.inf), y, np.full(n_after, -np.inf)])
    windows = np.lib.stride_tricks.sliding_window_view(padded, n_before + n_after + 1)[peaks]
    return np.unique(peaks - n_before + np.argmax(windows, axis=1))


def detect_r_peaks(signal, fs, detector="cnn", *, refine=True, chunk_duration=None):
    """Detect R peaks in one ECG lead.

    Parameters
    ----------
    signal : array-like of shape (n_samples,)
        One ECG lead, any unit. Must not contain NaN.
    fs : float
        Sampling frequency in Hz (at least 50).
    detector : str, default="cnn"
        One of :data:`DETECTORS`: ``"cnn"`` (a small dilated convolutional
        network trained on annotated MIT-BIH and SVDB records with noise and
        artefacts mixed in, NumPy inference; half the errors of
        ``"fast_pan_tompkins"`` on held-out patients, clean and in noise, see
        benchmarks/README.md), ``"fast_pan_tompkins"`` (this library's zero-phase,
        vectorised Pan-Tompkins, a third faster) or a detector of
        py-ecg-detectors:
        ``"two_average"``, ``"matched_filter"`` (signals at rates other than 250
        and 360 Hz are resampled to 360 Hz for it), ``"swt"``, ``"engzee"``,
        ``"christov"``, ``"hamilton"``, ``"pan_tompkins"``, ``"wqrs"``.
    refine : bool, default=True
        Move each detection to the peak of its QRS complex
        (:func:`refine_peaks`), which removes the delays of causal detectors.
    chunk_duration : float, default=None
        Detect in consecutive stretches of this many seconds, each read with
        :data:`CHUNK_OVERLAP` seconds of signal on either side, so that memory
        stays bounded for records of any length (a 24-hour Holter record, or a
        ``numpy.memmap`` of one: only a chunk at a time is converted to float).
        Each stretch keeps the peaks that fall in it. None detects on the whole
        signal at once.

    Returns
    -------
    peaks : ndarray of int64
        Sorted R-peak sample indices. Empty when the signal is shorter than
        0.5 s, is flat, or holds no beat the detector can find (the
        py-ecg-detectors detectors that fail on such signals count as finding
        none).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.segmentation import detect_r_peaks
    >>> fs = 360
    >>> t = np.arange(10 * fs) / fs
    >>> ecg = np.exp(-(((t % 1.0) - 0.5) ** 2) / (2 * 0.01 ** 2))  # one spike a second
    >>> detect_r_peaks(ecg, fs)
    array([ 180,  540,  900, 1260, 1620, 1980, 2340, 2700, 3060, 3420])
    """
    fs = check_fs(fs)
    if fs < MIN_FS:
        raise ValueError(f"fs must be at least {MIN_FS:g} Hz for R-peak detection, got {fs:g}")
    if fs > MAX_FS:
        raise ValueError(
            f"fs must be at most {MAX_FS:g} Hz for R-peak detection, got {fs:g}: is it the "
            "sampling rate in Hz?"
        )
    check_detector(detector)
    if chunk_duration is not None:
        return _detect_in_chunks(signal, fs, detector, refine, chunk_duration)
    x = np.asarray(signal, dtype=float)
    if x.ndim != 1:
        raise ValueError(f"signal must be one lead, a 1-D array, got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError(
            "signal contains NaN or infinite values; interpolate or drop missing "
            "samples before detecting R peaks"
        )
    if x.size < MIN_DURATION * fs or np.ptp(x) == 0:
        return np.empty(0, dtype=np.int64)
    if detector == "fast_pan_tompkins":
        peaks = _fast_pan_tompkins(x, fs)
    elif detector == "cnn":
        from ._learned import cnn_peaks

        peaks = cnn_peaks(x, fs)
    else:
        peaks = _ecgdetectors_peaks(x, fs, detector)
    peaks = np.unique(peaks[(peaks >= 0) & (peaks < x.size)])
    return refine_peaks(x, peaks, fs) if refine else peaks


def _detect_in_chunks(signal, fs, detector, refine, chunk_duration):
    """:func:`detect_r_peaks` stretch by stretch, each read with its overlap on both sides.

    The default detector carries its decision state from one stretch to the next
    and gives the peaks of a single pass; the py-ecg-detectors detectors start
    afresh on each stretch (with its overlap) and keep the peaks that fall in it.
    """
    if isinstance(chunk_duration, bool) or not isinstance(chunk_duration, Real) or not chunk_duration > 0:
        raise ValueError(
            f"chunk_duration must be a positive number of seconds or None, got {chunk_duration!r}"
        )
    if np.ndim(signal) != 1:
        raise ValueError(f"signal must be one lead, a 1-D array, got shape {np.shape(signal)}")
    n = len(signal)
    if n < MIN_DURATION * fs:
        return np.empty(0, dtype=np.int64)
    core = max(1, int(round(chunk_duration * fs)))
    margin = int(round(CHUNK_OVERLAP * fs))
    spans = [(start, min(start + core, n), max(0, start - margin), min(n, start + core + margin))
             for start in range(0, n, core)]

    def read(lo, hi):
        x = np.asarray(signal[lo:hi], dtype=float)  # only this stretch is converted
        if not np.all(np.isfinite(x)):
            raise ValueError(
                f"signal contains NaN or infinite values (between samples {lo} and {hi}); "
                "interpolate or drop missing samples before detecting R peaks"
            )
        return x

    if detector == "fast_pan_tompkins":
        state = _PanTompkins(fs)
        low, high = np.inf, -np.inf
        for _, stop, lo, hi in spans:
            x = read(lo, hi)
            low, high = min(low, x.min()), max(high, x.max())
            state.feed(*_pan_tompkins_features(x, fs), offset=lo, stop=stop)
        if low == high:
            return np.empty(0, dtype=np.int64)  # a flat signal, as in one pass
        found = state.peaks()
        if not refine or found.size == 0:
            return found
        refined = []
        for start, stop, lo, hi in spans:
            mine = found[(found >= start) & (found < stop)]
            if mine.size:
                refined.append(refine_peaks(read(lo, hi), mine - lo, fs) + lo)
        return np.unique(np.concatenate(refined))
    found = []
    for start, stop, lo, hi in spans:
        peaks = detect_r_peaks(read(lo, hi), fs, detector, refine=refine) + lo
        found.append(peaks[(peaks >= start) & (peaks < stop)])
    return np.concatenate(found)
