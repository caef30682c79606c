"""RPeakSegmenter: R-peak detection and beat segmentation as a scikit-learn transformer."""

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils import Bunch
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import _check_feature_names_in, check_is_fitted, validate_data

from ..utils import beat_feature_names, check_peaks
from ..utils._signal import template_correlation
from ..utils._vocabulary import RR_FEATURE_NAMES, WINDOW_RR_FEATURE_NAMES
from ._beats import beat_windows, rr_features, window_bounds
from ._detectors import DETECTORS, MIN_FS, detect_r_peaks

PLAUSIBLE_RR = (0.24, 2.0)
"""RR intervals, in seconds, of a heart beating 30 to 250 times a minute."""


def plausible_rr_share(intervals):
    """The share of RR ``intervals`` (seconds) within :data:`PLAUSIBLE_RR`; NaN for none."""
    intervals = np.asarray(intervals, dtype=float)
    low, high = PLAUSIBLE_RR
    return float(np.mean((intervals >= low) & (intervals <= high))) if intervals.size \
        else float("nan")


class RPeakSegmenter(TransformerMixin, BaseEstimator):
    """Detect R peaks and cut beats, with RR-interval features.

    The segmenter works at two scales:

    - :meth:`segment` turns one long signal (a whole record) into beats: one row
      per R peak, a window of ``before`` + ``after`` seconds, plus the
      RR-interval features of each beat. This changes what a row is, so it is
      a method of its own rather than ``transform``.
    - :meth:`transform` keeps rows in equal to rows out, as a Pipeline step
      must: each input row is a window of one lead (for example 10 s), and
      becomes the median of its beats followed by RR statistics of the window.

    Parameters
    ----------
    fs : float, default=360.0
        Sampling frequency of the signals in Hz (at least 50).
    detector : str, default="cnn"
        R-peak detector, one of :data:`~sklearn_ecg.segmentation.DETECTORS`:
        this library's learned ``"cnn"`` (fewest errors on held-out patients,
        clean and in noise) or zero-phase ``"fast_pan_tompkins"``, or any detector of
        py-ecg-detectors (``"two_average"``, ``"matched_filter"``, ``"swt"``,
        ``"engzee"``, ``"christov"``, ``"hamilton"``, ``"pan_tompkins"``,
        ``"wqrs"``). Detections are always moved to the peak of their QRS
        complex, which removes the 40-80 ms delay of the causal detectors.
    before : float, default=0.25
        Seconds of signal kept before each R peak.
    after : float, default=0.45
        Seconds of signal kept after each R peak.
    beat_length : int, default=None
        Resample each beat window to this many samples. None keeps
        ``round(before * fs) + round(after * fs)`` samples.
    rr_features : bool, default=True
        Add RR-interval features: per beat in :meth:`segment`
        (``rr_prev``, ``rr_next``, ``rr_local`` in seconds, and the ratios of
        :data:`~sklearn_ecg.segmentation.RR_FEATURE_NAMES` that normalise them
        by the patient's own rhythm), per window in :meth:`transform`
        (``n_beats``, ``rr_mean``, ``rr_std``, ``rr_rmssd``). Before a step
        that treats a whole row as one beat, such as
        :class:`~sklearn_ecg.BeatNormalizer`, set it to False or route the
        RR columns around that step with a ``ColumnTransformer``.
    edge : {"drop", "pad"}, default="drop"
        What to do with a beat whose window runs past an end of the signal:
        ``"drop"`` leaves it out (:meth:`segment` lists such peaks in
        ``dropped``), ``"pad"`` keeps it, filling the missing samples with the
        signal's first or last sample, so that every window stays aligned on
        its R peak.
    no_beat : {"warn", "nan", "raise"}, default="warn"
        What :meth:`transform` does with a window that yields no median beat
        (see Notes): ``"warn"`` gives its NaN row and warns, naming the rows;
        ``"nan"`` gives the NaN row silently (you drop or impute them);
        ``"raise"`` raises a ValueError naming the rows.
    chunk_duration : float, default=None
        Detect and cut in stretches of this many seconds (each read with
        :data:`~sklearn_ecg.segmentation.CHUNK_OVERLAP` seconds of signal on
        either side), so that a record of any length, such as a 24-hour Holter
        record or a ``numpy.memmap`` of one, is segmented in bounded memory:
        only a stretch at a time is converted to float and filtered. The
        default detector gives the same peaks as a single pass. None (the
        default) processes the whole signal at once.

    Attributes
    ----------
    n_features_in_ : int
        Number of samples of each input window seen in ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during ``fit``. Defined only when `X`
        has feature names that are all strings.
    beat_length_ : int
        Number of samples of each output beat.

    See Also
    --------
    sklearn_ecg.BeatNormalizer : Normalise and resample the beats.
    sklearn_ecg.datasets.make_beat_dataset : Labelled beats from annotated records,
        cut by the same code.

    Notes
    -----
    In :meth:`transform`, ``n_beats`` counts every R peak detected in the
    window and the RR statistics use the intervals between all of them; the
    median beat is taken over the beats whose whole window fits in the row
    (with ``edge="drop"``; ``edge="pad"`` keeps them all). So:

    - a window with no detectable beat gives NaN for the median beat and the
      RR statistics, and ``n_beats`` 0;
    - a window with one beat gives that beat and NaN RR statistics;
    - a window whose beats all lie too near its ends (``edge="drop"``) gives
      a NaN median beat, with ``n_beats`` and the RR statistics still
      describing the rhythm.

    The NaNs say "no beat here" explicitly; drop those rows
    (``np.isnan(Xt[:, :beat_length_]).any(axis=1)``) or impute them before an
    estimator that rejects NaN; ``no_beat`` says whether you are warned.

    Every detector finds "R peaks" in noise. :meth:`segment` therefore also
    measures how alike the beats are: ``template_corr``, each beat's
    correlation with the median beat (above 0.9 for most beats of clean
    records; near 0.1 for white noise), and ``plausible_rr``, the share of
    intervals between 0.24 and 2 s (30 to 250 beats per minute).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg import RPeakSegmenter
    >>> fs = 360
    >>> t = np.arange(10 * fs) / fs
    >>> ecg = np.exp(-(((t % 0.8) - 0.4) ** 2) / (2 * 0.01 ** 2))  # 75 beats/min
    >>> seg = RPeakSegmenter(fs=fs, beat_length=100)
    >>> beats = seg.segment(ecg)
    >>> beats.beats.shape, beats.rr.shape
    ((12, 100), (12, 10))
    >>> Xt = seg.fit_transform(np.vstack([ecg, ecg]))
    >>> Xt.shape
    (2, 104)
    >>> seg.get_feature_names_out()[-4:].tolist()
    ['n_beats', 'rr_mean', 'rr_std', 'rr_rmssd']
    """

    _parameter_constraints: dict = {
        "fs": [Interval(Real, MIN_FS, None, closed="left")],
        "detector": [StrOptions(set(DETECTORS))],
        "before": [Interval(Real, 0, None, closed="left")],
        "after": [Interval(Real, 0, None, closed="left")],
        "beat_length": [Interval(Integral, 1, None, closed="left"), None],
        "rr_features": ["boolean"],
        "edge": [StrOptions({"drop", "pad"})],
        "no_beat": [StrOptions({"warn", "nan", "raise"})],
        "chunk_duration": [Interval(Real, 0, None, closed="neither"), None],
    }

    def __init__(
        self,
        fs=360.0,
        detector="cnn",
        before=0.25,
        after=0.45,
        beat_length=None,
        rr_features=True,
        edge="drop",
        no_beat="warn",
        chunk_duration=None,
    ):
        self.fs = fs
        self.detector = detector
        self.before = before
        self.after = after
        self.beat_length = beat_length
        self.rr_features = rr_features
        self.edge = edge
        self.no_beat = no_beat
        self.chunk_duration = chunk_duration

    def _beat_length(self):
        """Samples of each output beat: ``beat_length``, else the window's at ``fs``."""
        n_before, n_after = window_bounds(self.before, self.after, self.fs)
        if n_before + n_after < 1:
            raise ValueError(
                f"before + after must span at least one sample at fs={self.fs}, "
                f"got before={self.before} and after={self.after}"
            )
        return self.beat_length or n_before + n_after

    def _cut(self, x, peaks, length):
        """Beats and kept mask of one signal (float, 1-D or leads as columns) at known peaks."""
        if x.ndim == 2:
            # Every lead is cut at the same peaks: beats of shape (n, length, n_leads).
            cut = [self._cut(lead, peaks, length) for lead in x.T]
            return np.stack([b for b, _ in cut], axis=-1), cut[0][1]
        return beat_windows(x, peaks, self.fs, self.before, self.after, edge=self.edge,
                            beat_length=length)

    def _cut_in_chunks(self, signal, peaks, length):
        """:meth:`_cut` stretch by stretch, converting only a stretch at a time to float."""
        n = signal.shape[0]
        n_before, n_after = window_bounds(self.before, self.after, self.fs)
        if self.edge == "drop":
            kept = (peaks - n_before >= 0) & (peaks + n_after <= n)
        else:
            kept = np.ones(peaks.size, dtype=bool)
        shape = (int(kept.sum()), length, *signal.shape[1:])
        beats = np.empty(shape)
        core = max(1, int(round(self.chunk_duration * self.fs)))
        done = 0
        for start in range(0, n, core):
            mine = peaks[(peaks >= start) & (peaks < start + core)]
            if mine.size == 0:
                continue
            # Every window of a peak of this stretch lies inside [lo, hi): only the
            # record's own ends cut a window short.
            lo, hi = max(0, start - n_before), min(n, start + core + n_after)
            part, _ = self._cut(np.asarray(signal[lo:hi], dtype=float), mine - lo, length)
            beats[done:done + len(part)] = part
            done += len(part)
        return beats, kept

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check the windows and the parameters.

        The segmenter learns nothing from data; fitting records the number of
        samples per window so that :meth:`transform` can check its input.

        Parameters
        ----------
        X : array-like of shape (n_windows, n_samples_per_window)
            Windows of one lead, one per row.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted segmenter.
        """
        validate_data(self, X, reset=True)
        self.beat_length_ = self._beat_length()
        return self

    def detect(self, signal):
        """Detect the R peaks of one signal.

        Parameters
        ----------
        signal : array-like of shape (n_samples,)
            One lead at ``fs``, without NaN.

        Returns
        -------
        peaks : ndarray of int64
            Sorted sample indices of the R peaks.
        """
        self._validate_params()
        return detect_r_peaks(signal, self.fs, self.detector, chunk_duration=self.chunk_duration)

    def segment(self, signal, peaks=None):
        """Cut one signal into beats.

        Parameters
        ----------
        signal : array-like of shape (n_samples,) or (n_samples, n_leads)
            One lead at ``fs``, for example a whole record, or several leads
            of it as columns (R peaks are then detected on the first).
        peaks : array-like of int, default=None
            R-peak sample indices to use instead of detecting them (for
            example reference annotations).

        Returns
        -------
        result : :class:`~sklearn.utils.Bunch`
            - ``beats`` : ndarray of shape (n_beats, beat_length), the windows,
              or (n_beats, beat_length, n_leads) for a signal of several leads;
            - ``rr`` : ndarray of shape (n_beats, 10), their RR-interval
              features (an empty (n_beats, 0) array when
              ``rr_features=False``), computed from all peaks so that a beat
              dropped at an edge still counts as a neighbour;
            - ``peaks`` : the R peak of each row of ``beats``;
            - ``dropped`` : the peaks left out because their window ran past an
              end of the signal (``edge="drop"``);
            - ``detected`` : all peaks, ``peaks`` and ``dropped`` together, sorted;
            - ``feature_names`` : names of the columns of ``np.hstack([beats, rr])``;
            - ``template_corr`` : each beat's correlation with the median beat
              (of the first lead; 0 for a flat beat);
            - ``plausible_rr`` : the share of intervals between detected peaks
              that lie between 0.24 and 2 s (NaN without an interval). Low
              values of both say the detections are not heartbeats (noise).
        """
        self._validate_params()
        length = self._beat_length()
        chunked = self.chunk_duration is not None
        # In chunks, an array (a memmap of a 24-hour record, say) stays as it is
        # and only a stretch at a time is converted.
        x = signal if chunked and isinstance(signal, np.ndarray) else np.asarray(signal, dtype=float)
        if x.ndim not in (1, 2) or (x.ndim == 2 and x.shape[1] < 1):
            raise ValueError(
                "signal must be one lead (a 1-D array) or leads as columns (a 2-D array "
                f"of shape (n_samples, n_leads)), got shape {x.shape}"
            )
        if x.ndim == 2 and x.shape[1] > x.shape[0]:
            # Leads as rows (2 x 108000, say) read as 108000 leads of 2 samples gave no beat.
            raise ValueError(
                f"signal has more columns ({x.shape[1]}) than rows ({x.shape[0]}): leads go in "
                "columns, as (n_samples, n_leads); pass signal.T"
            )
        if x.ndim == 2 and x.shape[1] == 1:
            x = x[:, 0]
        if peaks is None:
            peaks = detect_r_peaks(x if x.ndim == 1 else x[:, 0], self.fs, self.detector,
                                   chunk_duration=self.chunk_duration)
        else:
            peaks = check_peaks(peaks, "peaks", signal_length=x.shape[0])
        beats, kept = self._cut_in_chunks(x, peaks, length) if chunked else self._cut(x, peaks, length)
        rr = rr_features(peaks, self.fs)[kept] if self.rr_features else np.empty((kept.sum(), 0))
        names = beat_feature_names(length) + (list(RR_FEATURE_NAMES) if self.rr_features else [])
        intervals = np.diff(peaks) / self.fs
        plausible = plausible_rr_share(intervals)
        return Bunch(
            beats=beats, rr=rr, peaks=peaks[kept], dropped=peaks[~kept], detected=peaks,
            feature_names=np.asarray(names, dtype=object),
            template_corr=template_correlation(beats if beats.ndim == 2 else beats[:, :, 0]),
            plausible_rr=plausible,
        )

    def transform(self, X):
        """Turn each window into its median beat and RR statistics.

        Parameters
        ----------
        X : array-like of shape (n_windows, n_samples_per_window)
            Windows of one lead at ``fs``, one per row.

        Returns
        -------
        Xt : ndarray of shape (n_windows, `beat_length_` + 4) or (n_windows, `beat_length_`)
            The median beat of each window, followed (when
            ``rr_features=True``) by ``n_beats``, ``rr_mean``, ``rr_std`` and
            ``rr_rmssd`` (seconds). See Notes for windows with few or no beats.
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        n_extra = len(WINDOW_RR_FEATURE_NAMES) if self.rr_features else 0
        Xt = np.full((X.shape[0], self.beat_length_ + n_extra), np.nan)
        for i, row in enumerate(X):
            peaks = detect_r_peaks(row, self.fs, self.detector, chunk_duration=self.chunk_duration)
            beats, _ = beat_windows(
                row, peaks, self.fs, self.before, self.after, edge=self.edge,
                beat_length=self.beat_length_,
            )
            if len(beats):
                Xt[i, : self.beat_length_] = np.median(beats, axis=0)
            if n_extra:
                rr = np.diff(peaks) / self.fs
                Xt[i, self.beat_length_] = peaks.size
                if rr.size:
                    Xt[i, self.beat_length_ + 1] = rr.mean()
                    Xt[i, self.beat_length_ + 2] = rr.std()
                if rr.size > 1:
                    Xt[i, self.beat_length_ + 3] = np.sqrt(np.mean(np.diff(rr) ** 2))
        empty = np.flatnonzero(np.isnan(Xt[:, : self.beat_length_]).any(axis=1))
        if empty.size and self.no_beat != "nan":
            rows = ", ".join(map(str, empty[:10])) + (" ..." if empty.size > 10 else "")
            message = (
                f"{empty.size} of {len(X)} windows yield no beat to take the median of "
                f"(rows {rows}): flat, too short, or with every beat too near an end"
            )
            if self.no_beat == "raise":
                raise ValueError(f"X: {message}; set no_beat='nan' to get NaN rows instead")
            warnings.warn(
                f"{message}; their median beat is NaN: drop those rows "
                "(np.isnan(Xt[:, :beat_length_]).any(axis=1)) or impute them, or set "
                "no_beat='nan' to silence this or 'raise' to refuse such windows",
                UserWarning, stacklevel=2,
            )
        return Xt

    def get_feature_names_out(self, input_features=None):
        """Names of the columns of :meth:`transform`'s output.

        Parameters
        ----------
        input_features : array-like of str, default=None
            Checked against the names seen in ``fit``, then unused: output
            columns do not correspond to input columns.

        Returns
        -------
        feature_names_out : ndarray of str objects
            ``beat_000`` … for the median beat, then the RR statistics.
        """
        check_is_fitted(self)
        _check_feature_names_in(self, input_features)
        names = beat_feature_names(self.beat_length_)
        if self.rr_features:
            names += list(WINDOW_RR_FEATURE_NAMES)
        return np.asarray(names, dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64"]
        return tags

