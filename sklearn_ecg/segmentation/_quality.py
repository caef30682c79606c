"""Signal quality: is R-peak detection in a stretch of signal to be trusted?

:class:`SignalQualityClassifier` rates windows of one ECG lead (a few seconds each)
from features that describe how detection went in them: whether two unlike detectors
(the zero-phase Pan-Tompkins and the learned network) agree, how sure the network is,
the spectral shares of the QRS band and of baseline wander (Li, Mark & Clifford 2008;
Zhao & Zhang 2018), kurtosis and skewness, flat and saturated samples, the plausibility
of the rhythm. It is trained where the truth is known: a window is *unusable* when the
default detector misses or invents a beat in it.
"""

from functools import lru_cache
from numbers import Integral, Real

import numpy as np
from scipy.signal import butter, find_peaks, sosfiltfilt, welch
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.utils._param_validation import Interval
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from ..utils import check_fs
from ._detectors import _fast_pan_tompkins
from ._learned import CNN_FS, cnn_forward, cnn_input, load_cnn_weights

QUALITY_FEATURE_NAMES = (
    "agreement", "n_cnn", "n_pan_tompkins", "cnn_peak_proba", "cnn_uncertain", "cnn_max_gap",
    "qrs_power", "baseline_power", "high_power", "kurtosis", "skewness", "flat", "saturated",
    "rr_cv", "rr_min", "rr_max",
)
"""The columns of :func:`quality_features`, in order."""
QUALITY_LEVELS = ("excellent", "acceptable", "unusable")
"""The quality classes of :meth:`SignalQualityClassifier.predict_level`, best first."""
MIN_WINDOW = 2.0
"""Seconds of the shortest window rated: shorter holds too few beats to judge."""


def _record_features(x, fs, starts, width, weights=None, detections=None):
    """Features of the windows ``[start, start + width)`` of one record.

    The network and the Pan-Tompkins detector run once over the whole record, as
    they do in use (their adaptive scale and thresholds see the record), and each
    window takes its share: a window is rated for what detection did in it.
    ``detections``, a dict, receives the network's peaks (``"cnn"``, at
    :data:`CNN_FS`) and the length of its input (``"n_cnn"``), so that the
    record need not run through the network again to be detected.
    """
    weights = load_cnn_weights() if weights is None else weights
    x = np.asarray(x, dtype=float)
    if np.ptp(x) > 0:
        z = cnn_input(x, fs)
        proba = cnn_forward(z, weights)
        cnn, props = find_peaks(proba, height=float(weights["threshold"]), distance=round(0.2 * CNN_FS))
        heights = props["peak_heights"]
        pan = _fast_pan_tompkins(x, fs) / fs
        band = sosfiltfilt(butter(2, [0.5, min(40.0, 0.45 * fs)], btype="band", fs=fs, output="sos"), x)
    else:
        z = np.zeros(0)
        proba, cnn, heights, pan, band = np.zeros(0), np.zeros(0, int), np.zeros(0), np.zeros(0), x
    if detections is not None:  # as cnn_peaks finds them
        detections.update(cnn=cnn if z.any() else np.zeros(0, int), n_cnn=z.size)
    cnn_s = cnn / CNN_FS
    starts = np.asarray(starts, dtype=np.int64)
    rows = np.empty((starts.size, len(QUALITY_FEATURE_NAMES)))
    for first in range(0, starts.size, _WINDOWS_AT_ONCE):  # memory bounded on long records
        chunk = starts[first:first + _WINDOWS_AT_ONCE]
        rows[first:first + chunk.size] = _window_features(
            x, band, fs, chunk, width, cnn_s, heights, pan, proba)
    return rows


#: Windows whose spectra and moments are computed in one array operation.
_WINDOWS_AT_ONCE = 256


def _window_features(x, band, fs, starts, width, cnn_s, heights, pan, proba):
    """The rows of :func:`quality_features` for windows ``[start, start + width)`` of ``x``.

    What is a function of the window's samples alone is computed for all windows
    in one array operation; what depends on the peaks inside each window is taken
    from the sorted peak arrays by binary search.
    """
    index = starts[:, None] + np.arange(width)
    W, B = x[index], band[index]
    f, p = welch(W - W.mean(axis=1, keepdims=True), fs=fs, nperseg=min(width, int(2 * fs)), axis=-1)
    moments = _kurtosis_skew(B)
    a, b = starts / fs, (starts + width) / fs
    duration = b - a
    top, bottom = W.max(axis=1), W.min(axis=1)
    span = top - bottom
    scale = np.maximum(np.maximum(top, -bottom), 1e-300)[:, None]
    flat = np.mean(np.abs(np.diff(W, axis=1)) <= 1e-12 * scale, axis=1)
    saturated = np.mean((W >= (top - 1e-9 * span)[:, None]) | (W <= (bottom + 1e-9 * span)[:, None]),
                        axis=1)

    qrs_band, wide_band, low_band, ecg_band, high_band = (
        (f >= 5) & (f <= 15), (f >= 5) & (f <= 40), f <= 1, f <= 40, f > 40)
    pan = np.sort(pan)
    cnn_lo, cnn_hi = np.searchsorted(cnn_s, a), np.searchsorted(cnn_s, b)
    pan_lo, pan_hi = np.searchsorted(pan, a), np.searchsorted(pan, b)
    rows = np.empty((starts.size, len(QUALITY_FEATURE_NAMES)))
    for k in range(starts.size):
        if span[k] == 0:
            rows[k] = [0.0, 0.0, 0.0, 0.0, 0.0, duration[k], 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 1.0,
                       0.0, 0.0, 0.0]
            continue
        mine, mine_heights = cnn_s[cnn_lo[k]:cnn_hi[k]], heights[cnn_lo[k]:cnn_hi[k]]
        theirs = pan[pan_lo[k]:pan_hi[k]]
        matched = int(np.count_nonzero((np.abs(mine[None, :] - theirs[:, None]) <= 0.1).any(axis=1)))
        total = mine.size + theirs.size
        edges = np.concatenate([[a[k]], mine, [b[k]]])
        rr = np.diff(mine)
        stretch = proba[int(a[k] * CNN_FS):int(np.ceil(b[k] * CNN_FS))]
        pk = p[k]  # each band's power summed as a 1-D array is, to the last bit
        qrs = pk[qrs_band].sum() / (pk[wide_band].sum() or 1.0)
        baseline = pk[low_band].sum() / (pk[ecg_band].sum() or 1.0)
        high = pk[high_band].sum() / (pk.sum() or 1.0)
        rows[k] = [2.0 * matched / total if total else 1.0, mine.size / duration[k],
                   theirs.size / duration[k],
                   float(mine_heights.mean()) if mine.size else 0.0,
                   float(np.mean((stretch > 0.1) & (stretch < 0.9))) if stretch.size else 0.0,
                   float(np.diff(edges).max()), qrs, baseline, high,
                   *moments[k], flat[k], saturated[k],
                   float(rr.std() / rr.mean()) if rr.size > 1 else 0.0,
                   float(rr.min()) if rr.size else 0.0, float(rr.max()) if rr.size else 0.0]
    return rows


def _kurtosis_skew(X):
    """``scipy.stats.kurtosis`` and ``scipy.stats.skew`` (biased, Fisher) of each row, 20 times faster.

    NaN for a constant row.
    """
    d = X - X.mean(axis=1, keepdims=True)
    m2 = np.mean(d * d, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        kurt = np.mean(d ** 4, axis=1) / m2 ** 2 - 3.0
        # The power as Python computes it (the vectorised one may differ in the last bit):
        # the shipped quality model was fitted on these values.
        skew = np.mean(d ** 3, axis=1) / np.array([float(v) ** 1.5 for v in m2])
    constant = m2 == 0
    kurt[constant], skew[constant] = np.nan, np.nan
    return np.column_stack([kurt, skew])


def quality_features(X, fs):
    """Features of each window that tell whether R-peak detection in it can be trusted.

    Parameters
    ----------
    X : array-like of shape (n_windows, n_samples)
        Windows of one lead, at least :data:`MIN_WINDOW` seconds each.
    fs : float
        Sampling frequency in Hz, at least 100.

    Returns
    -------
    features : ndarray of shape (n_windows, len(QUALITY_FEATURE_NAMES))
        Columns named by :data:`QUALITY_FEATURE_NAMES`: the agreement of the
        learned and Pan-Tompkins detectors (2 x matched / both, within 100 ms),
        beats per second by each, the network's mean peak probability and share
        of uncertain samples, the longest stretch without a beat (s), the power
        shares of the QRS band (5-15 of 5-40 Hz), of baseline wander (below
        1 Hz) and above 40 Hz, kurtosis and skewness of the 0.5-40 Hz signal,
        the shares of flat and of saturated samples, and the RR intervals'
        coefficient of variation, minimum and maximum (s).
    """
    X = np.asarray(X, dtype=float)
    fs = _check_quality_fs(fs)
    _check_windows(X, fs)
    weights = load_cnn_weights()
    return np.concatenate([_record_features(x, fs, [0], x.size, weights) for x in X]) if len(X) \
        else np.empty((0, len(QUALITY_FEATURE_NAMES)))


def _check_quality_fs(fs):
    fs = check_fs(fs)
    if fs < 100:
        raise ValueError(f"fs must be at least 100 Hz to rate signal quality, got {fs:g}")
    return fs


def _check_windows(X, fs):
    if X.ndim != 2:
        raise ValueError(f"X must be windows of one lead, shape (n_windows, n_samples), got shape {X.shape}")
    if X.shape[1] < MIN_WINDOW * fs:
        raise ValueError(
            f"X holds windows of {X.shape[1] / fs:.2f} s; signal quality needs windows of at least "
            f"{MIN_WINDOW:g} s ({int(np.ceil(MIN_WINDOW * fs))} samples at fs={fs:g})"
        )
    if not np.all(np.isfinite(X)):
        raise ValueError("X contains NaN or infinite values; a window with a gap cannot be rated")


class SignalQualityClassifier(ClassifierMixin, BaseEstimator):
    """Rate windows of one ECG lead as usable for beat detection or not.

    Each window (a few seconds of raw signal, any unit) is described by
    :func:`quality_features` and classified by gradient boosting. Trained on
    windows labelled ``1`` where the default detector found every beat and
    no false one, ``0`` where it did not, :meth:`predict_proba`'s last column
    is the probability that detection in a window can be trusted;
    :meth:`predict_level` turns it into ``"excellent"``, ``"acceptable"`` or
    ``"unusable"``, as neurokit2's ``ecg_quality`` and Zhao & Zhang (2018) grade
    signals. :func:`~sklearn_ecg.segmentation.load_signal_quality` returns one
    trained on noise stress records of the data home.

    Parameters
    ----------
    fs : float, default=360.0
        Sampling frequency of the windows in Hz (at least 100).
    max_iter : int, default=200
        Boosting iterations.
    excellent : float, default=0.9
        Smallest usability probability of an ``"excellent"`` window.
    acceptable : float, default=0.5
        Smallest usability probability of an ``"acceptable"`` window; below it
        a window is ``"unusable"``.
    random_state : int, RandomState instance or None, default=None
        Seed of the boosting.

    Attributes
    ----------
    classes_ : ndarray
        The labels seen in ``fit``; the usable class is the last.
    model_ : HistGradientBoostingClassifier
        The fitted boosting, on :data:`QUALITY_FEATURE_NAMES`.
    n_features_in_ : int
        Samples per window seen in ``fit``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.datasets import load_mitdb_sample
    >>> from sklearn_ecg.segmentation import SignalQualityClassifier
    >>> rec = load_mitdb_sample()[0]
    >>> clean = rec.signal[: 20 * 1800].reshape(20, 1800)  # 5-s windows
    >>> noise = np.random.default_rng(0).normal(0, 1, size=(20, 1800))
    >>> X, y = np.vstack([clean, noise]), np.r_[np.ones(20), np.zeros(20)]
    >>> quality = SignalQualityClassifier(fs=rec.fs, random_state=0).fit(X, y)
    >>> quality.predict_level(np.vstack([clean[:1], noise[:1]])).tolist()
    ['excellent', 'unusable']
    """

    _parameter_constraints = {
        "fs": [Interval(Real, 100, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "excellent": [Interval(Real, 0, 1, closed="both")],
        "acceptable": [Interval(Real, 0, 1, closed="both")],
        "random_state": ["random_state"],
    }

    def __init__(self, fs=360.0, max_iter=200, excellent=0.9, acceptable=0.5, random_state=None):
        self.fs = fs
        self.max_iter = max_iter
        self.excellent = excellent
        self.acceptable = acceptable
        self.random_state = random_state

    def _features(self, X, reset):
        X = validate_data(self, X, reset=reset, dtype=np.float64)
        _check_windows(X, float(self.fs))
        return quality_features(X, self.fs)

    def _fit_features(self, features, y, sample_weight=None):
        y = np.asarray(y)
        check_classification_targets(y)
        if self.acceptable > self.excellent:
            raise ValueError(
                f"acceptable must be at most excellent, got acceptable={self.acceptable!r} "
                f"and excellent={self.excellent!r}"
            )
        if np.unique(y).size != 2:
            raise ValueError(f"y must hold two classes, usable and unusable, got {np.unique(y).tolist()}")
        self.model_ = HistGradientBoostingClassifier(
            max_iter=self.max_iter, random_state=self.random_state,
        ).fit(features, y, sample_weight=sample_weight)
        self.classes_ = self.model_.classes_
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Learn usable from unusable windows.

        Parameters
        ----------
        X : array-like of shape (n_windows, n_samples)
            Windows of one lead, raw.
        y : array-like of shape (n_windows,)
            Two labels; the larger (``1``, ``True``) is usable.
        sample_weight : array-like of shape (n_windows,), default=None

        Returns
        -------
        self : SignalQualityClassifier
        """
        return self._fit_features(self._features(X, reset=True), y, sample_weight)

    def predict_proba(self, X):
        """Probability of each class for each window; the last column is usability.

        Parameters
        ----------
        X : array-like of shape (n_windows, n_samples)

        Returns
        -------
        proba : ndarray of shape (n_windows, 2)
        """
        check_is_fitted(self)
        return self.model_.predict_proba(self._features(X, reset=False))

    def predict(self, X):
        """The class of each window (the usable class where its probability >= ``acceptable``).

        Parameters
        ----------
        X : array-like of shape (n_windows, n_samples)

        Returns
        -------
        y : ndarray of shape (n_windows,)
        """
        usable = self.predict_proba(X)[:, 1] >= self.acceptable
        return self.classes_[usable.astype(int)]

    def predict_level(self, X):
        """``"excellent"``, ``"acceptable"`` or ``"unusable"`` for each window.

        Parameters
        ----------
        X : array-like of shape (n_windows, n_samples)

        Returns
        -------
        levels : ndarray of str, shape (n_windows,)
        """
        return _levels(self.predict_proba(X)[:, 1], self.excellent, self.acceptable)

    def rate_signal(self, signal, *, fs=None, window=5.0):
        """Rate a whole record, window after window.

        Parameters
        ----------
        signal : array-like of shape (n_samples,)
            One lead, raw, without NaN (rate the stretches between gaps).
        fs : float, default=None
            Its sampling rate (at least 100 Hz); ``None`` takes ``self.fs``.
            The features are measured in seconds and hertz, so one fitted
            classifier rates signals of any rate.
        window : float, default=5.0
            Seconds per window (at least :data:`MIN_WINDOW`); the last window
            ends at the signal's end and may overlap the one before.

        Returns
        -------
        table : pandas.DataFrame
            One row per window: ``start`` and ``stop`` (samples), ``start_s``,
            ``proba_usable`` and ``level`` (see :meth:`predict_level`).
        """
        check_is_fitted(self)
        fs = _check_quality_fs(self.fs if fs is None else fs)
        x = np.asarray(signal, dtype=float)
        if x.ndim != 1:
            raise ValueError(f"signal must be one lead, a 1-D array, got shape {x.shape}")
        if isinstance(window, bool) or not isinstance(window, Real) or not window >= MIN_WINDOW:
            raise ValueError(f"window must be at least {MIN_WINDOW:g} seconds, got {window!r}")
        if x.size < MIN_WINDOW * fs:
            raise ValueError(
                f"signal is {x.size / fs:.2f} s long; signal quality needs at least {MIN_WINDOW:g} s"
            )
        if not np.all(np.isfinite(x)):
            raise ValueError("signal contains NaN or infinite values; rate the stretches between gaps")
        return self._rate(x, fs, window)

    def _rate(self, x, fs, window, detections=None):
        """:meth:`rate_signal` on a checked signal; ``detections`` as :func:`_record_features`."""
        import pandas as pd

        starts, width = window_starts(x.size, fs, window)
        features = _record_features(x, fs, starts, width, detections=detections)
        usable = self.model_.predict_proba(features)[:, 1]
        return pd.DataFrame({"start": starts, "stop": starts + width, "start_s": starts / fs,
                             "proba_usable": usable,
                             "level": _levels(usable, self.excellent, self.acceptable)})

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags


def window_starts(n_samples, fs, window):
    """Starts of consecutive windows of ``window`` s over ``n_samples``, the last ending at the end."""
    width = min(n_samples, int(round(window * fs)))
    starts = list(range(0, n_samples - width + 1, width))
    if starts[-1] + width < n_samples:
        starts.append(n_samples - width)
    return np.asarray(starts, dtype=np.int64), width


def beat_quality(peaks, table):
    """The usability probability of each beat: that of the (last) window holding it.

    Parameters
    ----------
    peaks : array-like of int
        R-peak samples.
    table : pandas.DataFrame
        As :meth:`SignalQualityClassifier.rate_signal` returns.

    Returns
    -------
    proba_usable : ndarray of float, shape (n_peaks,)
    level : ndarray of str, shape (n_peaks,)
    """
    peaks = np.asarray(peaks, dtype=np.int64)
    starts = table["start"].to_numpy()
    index = np.clip(np.searchsorted(starts, peaks, side="right") - 1, 0, len(starts) - 1)
    return table["proba_usable"].to_numpy()[index], table["level"].to_numpy()[index]


def peak_quality(signal, fs, peaks, *, quality=None, window=5.0):
    """The usability of each R peak's stretch of signal, NaN gaps allowed.

    Each stretch of finite samples at least :data:`MIN_WINDOW` seconds long is
    rated by :meth:`SignalQualityClassifier.rate_signal`; a peak takes the rating of
    its window, ``"unrated"`` (and NaN) where its stretch is too short or the
    rate below 100 Hz.

    Parameters
    ----------
    signal : array-like of shape (n_samples,)
        One lead; NaN marks missing samples.
    fs : float
    peaks : array-like of int
    quality : SignalQualityClassifier, default=None
        Fitted; None uses :func:`load_signal_quality`.
    window : float, default=5.0

    Returns
    -------
    proba_usable : ndarray of float, shape (n_peaks,)
    level : ndarray of object, shape (n_peaks,)
    """
    from ._stretches import nan_free_stretches

    x = np.asarray(signal, dtype=float)
    peaks = np.asarray(peaks, dtype=np.int64)
    proba = np.full(peaks.size, np.nan)
    level = np.full(peaks.size, "unrated", dtype=object)
    fs = check_fs(fs)
    if fs < 100 or peaks.size == 0:
        return proba, level
    rater = load_signal_quality() if quality is None else quality
    for start, stop in nan_free_stretches(x, fs):
        if stop - start < MIN_WINDOW * fs:
            continue
        inside = (peaks >= start) & (peaks < stop)
        if inside.any():
            table = rater.rate_signal(x[start:stop], fs=fs, window=window)
            proba[inside], level[inside] = beat_quality(peaks[inside] - start, table)
    return proba, level


@lru_cache(maxsize=1)
def load_signal_quality():
    """The signal-quality classifier trained on noise stress records, shipped with the package.

    Trained by ``benchmarks/train_signal_quality.py`` on 5-s windows of every
    annotated record of a data home (MIT-BIH Arrhythmia and Supraventricular
    Arrhythmia) clean, with the NSTDB ``bw`` and ``ma`` noise records at -6 to
    24 dB, white and electrode-motion-like noise, flat and saturated stretches,
    electrode pops, and noise alone; a window is usable when the default
    detector found every beat in it and no false one. Loaded with skops,
    trusting the library's and scikit-learn's types only.

    Returns
    -------
    quality : SignalQualityClassifier
        Fitted; :meth:`~SignalQualityClassifier.rate_signal` rates a record
        of any rate from 100 Hz up. Read once and cached: the same object
        is returned on each call (clone it before changing it).
    """
    from importlib import resources

    from ..utils import load_model

    with resources.as_file(resources.files("sklearn_ecg.segmentation").joinpath(
            "data", "signal_quality.skops")) as path:
        return load_model(path)


def _levels(usable, excellent, acceptable):
    return np.where(usable >= excellent, "excellent",
                    np.where(usable >= acceptable, "acceptable", "unusable"))
