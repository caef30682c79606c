"""Cleaning raw ECG signals: band-pass, baseline wander and powerline interference removed."""

from numbers import Integral, Real

import numpy as np
from scipy.signal import butter, iirnotch, sosfiltfilt, welch
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from ..utils import check_fs

#: Each powerline frequency is looked for within this many Hz of its nominal value.
_MAINS_SEARCH = 1.5
#: A line counts as interference when its band holds this many times the power of the
#: spectrum around it.
_MAINS_RATIO = 5.0


def _powerlines(x, fs):
    """(frequency, prominence) of each mains line (near 50 or 60 Hz) that stands out."""
    f, p = welch(x - x.mean(), fs=fs, nperseg=min(x.size, int(4 * fs)))
    found = []
    for nominal in (50.0, 60.0):
        if nominal + _MAINS_SEARCH + 8 >= fs / 2:
            continue
        line = (f >= nominal - _MAINS_SEARCH) & (f <= nominal + _MAINS_SEARCH)
        around = (np.abs(f - nominal) >= 3) & (np.abs(f - nominal) <= 8)
        if not line.any() or not around.any():
            continue
        peak = np.argmax(np.where(line, p, -np.inf))
        floor = np.median(p[around])
        ratio = p[peak] / floor if floor > 0 else (np.inf if p[peak] > 0 else 0.0)
        if ratio > _MAINS_RATIO:
            found.append((float(f[peak]), ratio))
    return found


def find_powerline(signal, fs):
    """The powerline frequency in a signal, from its spectrum, or None.

    The spectrum (Welch, 4-s segments) is searched within 1.5 Hz of 50 and of
    60 Hz; a line counts when its power stands five times above the median of
    the spectrum 3 to 8 Hz on either side of it.

    Parameters
    ----------
    signal : array-like of shape (n_samples,)
    fs : float
        Sampling frequency in Hz.

    Returns
    -------
    frequency : float or None
        The frequency of the strongest line (50.2 Hz in the jacket's sitting
        recording, 60 Hz in several MIT-BIH records), or None when neither
        stands out or the rate cannot hold it.
    """
    found = _powerlines(np.asarray(signal, dtype=float), check_fs(fs))
    return max(found, key=lambda line: line[1])[0] if found else None


class SignalCleaner(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Band-pass ECG signals and remove powerline interference, with zero-phase filters.

    Each row is a signal (a record, or a window of one, of one lead). A
    Butterworth band-pass removes baseline wander below ``low`` Hz and noise
    above ``high`` Hz; notch filters remove the powerline frequency and its
    harmonics below the Nyquist frequency, found in each row's spectrum when
    ``powerline="auto"`` (each line near 50 or 60 Hz that stands out, see
    :func:`find_powerline`). Every filter runs forwards
    and backwards, so that R peaks do not move. As neurokit2's ``ecg_clean``
    does, for scikit-learn: the first step of a
    :class:`~sklearn.pipeline.Pipeline` before
    :class:`~sklearn_ecg.segmentation.RPeakSegmenter`.

    Parameters
    ----------
    fs : float, default=360.0
        Sampling frequency of the rows in Hz.
    low : float or None, default=0.5
        High-pass corner in Hz (baseline wander); None keeps the baseline.
    high : float or None, default=40.0
        Low-pass corner in Hz; None or a corner at or above 0.45 ``fs`` keeps
        the high frequencies.
    powerline : "auto", 50, 60 or None, default="auto"
        The mains frequency to remove: found in each row's spectrum with
        ``"auto"``, given, or None for none.
    order : int, default=2
        Order of the Butterworth filters (doubled by running them both ways).

    Attributes
    ----------
    n_features_in_ : int
        Samples per row seen in ``fit``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.datasets import load_mitdb_sample
    >>> from sklearn_ecg.preprocessing import SignalCleaner, find_powerline
    >>> rec = load_mitdb_sample()[0]
    >>> t = np.arange(rec.signal.size) / rec.fs
    >>> hum = rec.signal + 0.3 * np.sin(2 * np.pi * 50.2 * t)
    >>> find_powerline(hum, rec.fs)
    50.25
    >>> clean = SignalCleaner(fs=rec.fs).fit_transform(hum[None, :])[0]
    >>> find_powerline(clean, rec.fs) is None
    True
    """

    _parameter_constraints = {
        "fs": [Interval(Real, 0, None, closed="neither")],
        "low": [Interval(Real, 0, None, closed="neither"), None],
        "high": [Interval(Real, 0, None, closed="neither"), None],
        "powerline": [StrOptions({"auto"}), Interval(Real, 0, None, closed="neither"), None],
        "order": [Interval(Integral, 1, 8, closed="both")],
    }

    def __init__(self, fs=360.0, low=0.5, high=40.0, powerline="auto", order=2):
        self.fs = fs
        self.low = low
        self.high = high
        self.powerline = powerline
        self.order = order

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check the parameters against the rate; nothing is learned.

        Parameters
        ----------
        X : array-like of shape (n_rows, n_samples)
        y : None

        Returns
        -------
        self : SignalCleaner
        """
        validate_data(self, X, dtype=np.float64)
        self._filters()
        return self

    def _filters(self):
        fs = check_fs(self.fs)
        nyquist = fs / 2
        if self.low is not None and self.low >= 0.45 * fs:
            raise ValueError(f"low must be below 0.45 fs = {0.45 * fs:g} Hz, got {self.low!r}")
        if self.low is not None and self.high is not None and self.high <= self.low:
            raise ValueError(f"high must be above low, got low={self.low!r} and high={self.high!r}")
        if self.powerline not in (None, "auto") and self.powerline >= nyquist:
            raise ValueError(
                f"powerline must be below the Nyquist frequency {nyquist:g} Hz, got {self.powerline!r}"
            )
        high = self.high if self.high is not None and self.high < 0.45 * fs else None
        if self.low is not None and high is not None:
            return butter(self.order, [self.low, high], btype="band", fs=fs, output="sos")
        if self.low is not None:
            return butter(self.order, self.low, btype="high", fs=fs, output="sos")
        if high is not None:
            return butter(self.order, high, btype="low", fs=fs, output="sos")
        return None

    def transform(self, X):
        """Clean each row.

        Parameters
        ----------
        X : array-like of shape (n_rows, n_samples)
            Signals without NaN.

        Returns
        -------
        X_clean : ndarray of shape (n_rows, n_samples)
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        sos = self._filters()
        fs = float(self.fs)
        out = np.empty_like(X)
        padlen = 3 * (2 * self.order + 1)
        for i, x in enumerate(X):
            if self.powerline == "auto":
                lines = [f for f, _ in _powerlines(x, fs)] if x.size > 2 * fs else []
            else:
                lines = [] if self.powerline is None else [float(self.powerline)]
            for line in lines if x.size > 9 else []:
                harmonic = line
                while harmonic < 0.95 * fs / 2:
                    b, a = iirnotch(harmonic, Q=30.0, fs=fs)
                    x = _filtfilt_ba(b, a, x)
                    harmonic += line
            if sos is not None and x.size > padlen:
                x = sosfiltfilt(sos, x)
            out[i] = x
        return out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        return tags


def _filtfilt_ba(b, a, x):
    from scipy.signal import filtfilt

    return filtfilt(b, a, x, padlen=min(x.size - 1, 3 * max(len(a), len(b))))
