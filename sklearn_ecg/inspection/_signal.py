"""Displays of signals over time: raw channels, and R peaks against a reference.

They follow scikit-learn's ``*Display`` convention: the constructor stores the
data, :meth:`plot` draws it and returns the display with its artists
(``figure_``, ``ax_`` or ``axes_``, ``lines_`` ...), and the ``from_*``
class methods compute what to draw from a signal or an estimator.
"""

import numpy as np
import pandas as pd

from ..metrics import match_peaks
from ..segmentation import detect_r_peaks
from ..utils import check_fs, check_peaks
from ._base import (
    check_channels,
    check_matplotlib_support,
    check_positive,
    check_recording,
    check_signal,
    figure_and_axes,
    style_kwargs,
)

# Legends sit to the right of the axes, where they hide no sample or marker.
_LEGEND_OUTSIDE = {"loc": "upper left", "bbox_to_anchor": (1.0, 1.0),
                   "fontsize": "small"}


class SignalDisplay:
    """Channels of a recording over time, one axis each, with a rolling mean.

    It is recommended to create one with :meth:`from_signal`. All parameters
    are stored as attributes.

    Parameters
    ----------
    signal : array-like of shape (n_samples, n_channels) or (n_samples,)
        The samples; NaN values leave gaps.
    fs : float
        Sampling frequency in Hz.
    channel_names : list of str, default=None
        Name of each channel, used as its axis label. None uses 0, 1, ...
    start : float, default=0.0
        Time of the first sample, in seconds.
    rolling_mean : array-like of the shape of ``signal``, default=None
        A smoothed version of the signal drawn over it; None draws none.
    window : float, default=None
        Length in seconds of the rolling-mean window, for the legend.

    Attributes
    ----------
    axes_ : ndarray of matplotlib Axes of shape (n_channels,)
        One axis per channel, top to bottom.
    lines_ : ndarray of matplotlib Line2D of shape (n_channels,)
        The signal of each channel.
    rolling_lines_ : ndarray of matplotlib Line2D of shape (n_channels,) or None
        The rolling mean of each channel, None when there is none.
    figure_ : matplotlib Figure
        The figure holding the axes.

    See Also
    --------
    RPeakDisplay : The R peaks found in one lead.
    signal_report : The statistics of each channel.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from sklearn_ecg.datasets import load_garment_sample
    >>> from sklearn_ecg.inspection import SignalDisplay
    >>> frame = load_garment_sample("walking_fast")
    >>> disp = SignalDisplay.from_signal(frame, window=0.2)
    >>> disp.axes_.shape, disp.axes_[-1].get_xlabel()
    ((5,), 'time (s)')
    >>> [text.get_text() for text in disp.axes_[0].get_legend().get_texts()]
    ['signal', 'rolling mean (0.2 s)']
    >>> plt.close(disp.figure_)
    """

    def __init__(
        self,
        signal,
        fs,
        *,
        channel_names=None,
        start=0.0,
        rolling_mean=None,
        window=None,
    ):
        self.signal = signal
        self.fs = fs
        self.channel_names = channel_names
        self.start = start
        self.rolling_mean = rolling_mean
        self.window = window

    def plot(self, ax=None, *, title=None, signal_kw=None, rolling_kw=None):
        """Draw each channel on its own axis, with a shared time axis.

        Parameters
        ----------
        ax : matplotlib Axes or array-like of Axes, default=None
            One Axes per channel, top to bottom (for example the ``axes_`` of
            another display, to draw over it). None creates a figure with one
            row per channel and a shared x axis.
        title : str, default=None
            Title above the first axis; None draws none.
        signal_kw : dict, default=None
            Keywords passed to :meth:`matplotlib.axes.Axes.plot` for the
            signal (default: a thin line labelled ``"signal"``).
        rolling_kw : dict, default=None
            Keywords passed to :meth:`matplotlib.axes.Axes.plot` for the
            rolling mean.

        Returns
        -------
        display : SignalDisplay
            The display, with its artists.
        """
        check_matplotlib_support(f"{type(self).__name__}.plot")
        import matplotlib.pyplot as plt

        signal = np.asarray(self.signal, dtype=float)
        if signal.ndim == 1:
            signal = signal[:, np.newaxis]
        n_samples, n_channels = signal.shape
        fs = check_fs(self.fs)
        names = (
            list(range(n_channels)) if self.channel_names is None
            else list(self.channel_names)
        )
        if len(names) != n_channels:
            raise ValueError(
                f"channel_names has {len(names)} names for {n_channels} channels"
            )
        if ax is None:
            figure, axes = plt.subplots(
                n_channels, 1, sharex=True, squeeze=False,
                figsize=(10, 1.5 * n_channels + 1.0), layout="constrained",
            )
            axes = axes[:, 0]
        else:
            axes = np.asarray(ax, dtype=object).ravel()
            if axes.size != n_channels:
                raise ValueError(
                    f"ax must hold one Axes per channel ({n_channels}), got "
                    f"{axes.size}"
                )
            figure = axes[0].figure

        time = self.start + np.arange(n_samples) / fs
        signal_style = style_kwargs(
            {"color": "C0", "linewidth": 0.6, "label": "signal"}, signal_kw
        )
        rolling = None
        if self.rolling_mean is not None:
            rolling = np.asarray(self.rolling_mean, dtype=float).reshape(signal.shape)
            label = (
                "rolling mean" if self.window is None
                else f"rolling mean ({self.window:g} s)"
            )
            rolling_style = style_kwargs(
                {"color": "C1", "linewidth": 1.5, "label": label}, rolling_kw
            )
        lines, rolling_lines = [], []
        for k, axis in enumerate(axes):
            lines.append(axis.plot(time, signal[:, k], **signal_style)[0])
            if rolling is not None:
                rolling_lines.append(axis.plot(time, rolling[:, k], **rolling_style)[0])
            axis.set_ylabel(str(names[k]))
            # A legend only says something when an axis holds several lines
            # (e.g. another display drawn over this one).
            labelled = [
                line for line in axis.get_lines()
                if not line.get_label().startswith("_")
            ]
            if len(labelled) > 1:
                axis.legend(**_LEGEND_OUTSIDE)
        axes[-1].set_xlabel("time (s)")
        if title is not None:
            axes[0].set_title(title)

        self.axes_ = axes
        self.lines_ = np.asarray(lines, dtype=object)
        self.rolling_lines_ = (
            np.asarray(rolling_lines, dtype=object) if rolling is not None else None
        )
        self.figure_ = figure
        return self

    @classmethod
    def from_signal(
        cls,
        data,
        fs=None,
        *,
        channels=None,
        window=None,
        ax=None,
        title=None,
        signal_kw=None,
        rolling_kw=None,
    ):
        """Plot the channels of a recording, optionally with a rolling mean.

        Parameters
        ----------
        data : DataFrame or array-like of shape (n_samples, n_channels)
            The recording, one column per channel (a 1-D array or a Series is
            one channel), such as a frame of
            :func:`~sklearn_ecg.datasets.read_garment_csv`. Time starts at
            the first value of a ``TimedeltaIndex``, else at 0.
        fs : float, default=None
            Sampling frequency in Hz; required unless ``data.attrs["fs"]``
            holds it.
        channels : list of str or int, default=None
            The channels to draw, in this order; None draws all.
        window : float, default=None
            Length in seconds of a centred rolling mean drawn over each
            channel (the mean of the non-missing samples in the window); None
            draws none. It shows the baseline wander and, on a large window,
            the drift of a channel.
        ax : matplotlib Axes or array-like of Axes, default=None
            One Axes per drawn channel; None creates them.
        title : str, default=None
            Title above the first axis.
        signal_kw, rolling_kw : dict, default=None
            Keywords passed to :meth:`matplotlib.axes.Axes.plot`.

        Returns
        -------
        display : SignalDisplay
            The display, with its artists.
        """
        check_matplotlib_support(f"{cls.__name__}.from_signal")
        recording = check_recording(data, fs)
        positions = check_channels(channels, recording.channels, "channels")
        values = recording.samples[:, positions]
        rolling = None
        if window is not None:
            window = check_positive(window, "window")
            n_window = max(1, round(window * recording.fs))
            rolling = (
                pd.DataFrame(values)
                .rolling(n_window, center=True, min_periods=1)
                .mean()
                .to_numpy()
            )
        display = cls(
            values,
            recording.fs,
            channel_names=[recording.channels[k] for k in positions],
            start=recording.start,
            rolling_mean=rolling,
            window=window,
        )
        return display.plot(
            ax=ax, title=title, signal_kw=signal_kw, rolling_kw=rolling_kw
        )


def _rate(numerator, denominator):
    return numerator / denominator if denominator else float("nan")


def _percent(value):
    return "n/a" if np.isnan(value) else f"{100 * value:.1f}%"


class RPeakDisplay:
    """R peaks on one ECG lead; with a reference, also the missed and false ones.

    It is recommended to create one with :meth:`from_signal` or
    :meth:`from_estimator`. All parameters are stored as attributes.

    Parameters
    ----------
    signal : array-like of shape (n_samples,)
        One lead.
    peaks : array-like of int
        Sample indices of the detected R peaks.
    fs : float
        Sampling frequency in Hz.
    reference : array-like of int, default=None
        Sample indices of reference beats (annotations). When given,
        detections are matched to them one to one within ``tolerance``
        (:func:`~sklearn_ecg.metrics.match_peaks`), and the missed beats and
        false detections are drawn apart.
    tolerance : float, default=0.15
        Largest distance in seconds between a detection and the beat it
        matches (150 ms in AAMI EC57).
    detector_name : str, default=None
        The detector's name, for the title.
    start : float, default=0.0
        Time of the first sample, in seconds.
    quality : pandas.DataFrame, default=None
        Signal quality of the lead's windows, as
        :meth:`~sklearn_ecg.segmentation.SignalQualityClassifier.rate_signal`
        returns it; windows rated ``"unusable"`` are shaded.

    Attributes
    ----------
    line_ : matplotlib Line2D
        The signal.
    unusable_ : list of matplotlib Rectangle
        One shaded span per window rated unusable (empty without ``quality``).
    peaks_ : matplotlib Line2D
        Markers on the detections: all of them without a reference (legend
        ``"detected (n)"``), the ones that match a reference beat with one
        (``"matched (n)"``).
    missed_ : matplotlib Line2D or None
        Markers on the reference beats that no detection matches
        (``"missed (n)"``); None without a reference.
    false_ : matplotlib Line2D or None
        Markers on the detections that match no reference beat
        (``"false (n)"``); None without a reference.
    ax_ : matplotlib Axes
        The axes.
    figure_ : matplotlib Figure
        The figure.

    See Also
    --------
    sklearn_ecg.segmentation.detect_r_peaks : The detectors.
    sklearn_ecg.metrics.detection_scores : Sensitivity and positive
        predictivity of a detector.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from sklearn_ecg.datasets import load_mitdb_sample
    >>> from sklearn_ecg.inspection import RPeakDisplay
    >>> record = load_mitdb_sample()[5]  # record 208, many ventricular beats
    >>> n = int(10 * record.fs)
    >>> disp = RPeakDisplay.from_signal(
    ...     record.signal[:n], record.fs, detector="hamilton",
    ...     reference=record.r_peaks[record.r_peaks < n])
    >>> [text.get_text() for text in disp.ax_.get_legend().get_texts()]
    ['signal', 'matched (12)', 'missed (4)', 'false (0)']
    >>> disp.ax_.get_title()
    'R peaks (hamilton): Se 75.0%, +P 100.0%'
    >>> plt.close(disp.figure_)
    """

    def __init__(
        self,
        signal,
        peaks,
        fs,
        *,
        reference=None,
        tolerance=0.15,
        detector_name=None,
        start=0.0,
        quality=None,
    ):
        self.signal = signal
        self.peaks = peaks
        self.fs = fs
        self.reference = reference
        self.tolerance = tolerance
        self.detector_name = detector_name
        self.start = start
        self.quality = quality

    def plot(
        self,
        ax=None,
        *,
        title=None,
        signal_kw=None,
        peaks_kw=None,
        missed_kw=None,
        false_kw=None,
    ):
        """Draw the signal and mark the peaks.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a figure.
        title : str, default=None
            Title of the axes. None names the detector and, with a reference,
            gives its sensitivity (Se) and positive predictivity (+P).
        signal_kw, peaks_kw, missed_kw, false_kw : dict, default=None
            Keywords passed to :meth:`matplotlib.axes.Axes.plot` for the
            signal and each kind of marker.

        Returns
        -------
        display : RPeakDisplay
            The display, with its artists.
        """
        check_matplotlib_support(f"{type(self).__name__}.plot")

        signal = np.asarray(self.signal, dtype=float)
        if signal.ndim != 1:
            raise ValueError(
                f"signal must be one lead, a 1-D array, got shape {signal.shape}"
            )
        fs = check_fs(self.fs)
        peaks = check_peaks(self.peaks, "peaks", signal_length=signal.size)
        figure, ax = figure_and_axes(ax, figsize=(10, 3))
        time = self.start + np.arange(signal.size) / fs

        self.line_ = ax.plot(
            time, signal,
            **style_kwargs({"color": "C0", "linewidth": 0.8, "label": "signal"},
                           signal_kw),
        )[0]
        self.unusable_ = []
        if self.quality is not None:
            bad = self.quality[self.quality["level"] == "unusable"]
            for k, (a, b) in enumerate(zip(bad["start"], bad["stop"])):
                self.unusable_.append(ax.axvspan(
                    self.start + a / fs, self.start + b / fs, color="0.85", zorder=0,
                    label="too noisy to trust" if k == 0 else None))
        marker = {"linestyle": "none", "zorder": 3}
        name = "R peaks" if self.detector_name is None else (
            f"R peaks ({self.detector_name})"
        )
        if self.reference is None:
            self.peaks_ = ax.plot(
                time[peaks], signal[peaks],
                **style_kwargs({**marker, "marker": "o", "markersize": 5,
                                "color": "tab:green",
                                "label": f"detected ({peaks.size})"}, peaks_kw),
            )[0]
            self.missed_ = self.false_ = None
            default_title = f"{name}: {peaks.size} detected"
        else:
            reference = check_peaks(self.reference, "reference", signal_length=signal.size)
            ref_idx, det_idx = match_peaks(
                reference, peaks, fs, tolerance=self.tolerance
            )
            matched = peaks[det_idx]
            missed = np.delete(reference, ref_idx)
            false = np.delete(peaks, det_idx)
            self.peaks_ = ax.plot(
                time[matched], signal[matched],
                **style_kwargs({**marker, "marker": "o", "markersize": 5,
                                "color": "tab:green",
                                "label": f"matched ({matched.size})"}, peaks_kw),
            )[0]
            self.missed_ = ax.plot(
                time[missed], signal[missed],
                **style_kwargs({**marker, "marker": "o", "markersize": 11,
                                "markerfacecolor": "none", "markeredgewidth": 2,
                                "color": "tab:orange",
                                "label": f"missed ({missed.size})"}, missed_kw),
            )[0]
            self.false_ = ax.plot(
                time[false], signal[false],
                **style_kwargs({**marker, "marker": "x", "markersize": 9,
                                "markeredgewidth": 2, "color": "tab:red",
                                "label": f"false ({false.size})"}, false_kw),
            )[0]
            sensitivity = _rate(matched.size, reference.size)
            predictivity = _rate(matched.size, peaks.size)
            default_title = (
                f"{name}: Se {_percent(sensitivity)}, +P {_percent(predictivity)}"
            )
        ax.set(
            xlabel="time (s)",
            ylabel="amplitude",
            title=default_title if title is None else title,
        )
        ax.legend(**_LEGEND_OUTSIDE)
        self.ax_ = ax
        self.figure_ = figure
        return self

    @classmethod
    def from_signal(
        cls,
        signal,
        fs=None,
        *,
        detector="cnn",
        reference=None,
        tolerance=0.15,
        ax=None,
        title=None,
        signal_kw=None,
        peaks_kw=None,
        missed_kw=None,
        false_kw=None,
        quality=False,
    ):
        """Detect the R peaks of one lead and plot them.

        Parameters
        ----------
        signal : array-like of shape (n_samples,) or Series
            One lead, without NaN.
        fs : float, default=None
            Sampling frequency in Hz; required unless ``signal`` is a Series
            whose ``attrs["fs"]`` holds it.
        detector : str, default="cnn"
            One of :data:`~sklearn_ecg.segmentation.DETECTORS`, as for
            :func:`~sklearn_ecg.segmentation.detect_r_peaks`.
        reference : array-like of int, default=None
            Sample indices of reference beats; see :class:`RPeakDisplay`.
        tolerance : float, default=0.15
            Matching window in seconds.
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a figure.
        title : str, default=None
            Title; None names the detector (and its Se and +P).
        signal_kw, peaks_kw, missed_kw, false_kw : dict, default=None
            Keywords passed to :meth:`matplotlib.axes.Axes.plot`.
        quality : bool, default=False
            Rate the signal in 5-s windows with
            :func:`~sklearn_ecg.segmentation.load_signal_quality` and shade the
            unusable ones.

        Returns
        -------
        display : RPeakDisplay
            The display, with its artists.
        """
        check_matplotlib_support(f"{cls.__name__}.from_signal")
        x, fs, start = check_signal(signal, fs)
        peaks = detect_r_peaks(x, fs, detector)
        rated = None
        if quality:
            from ..segmentation import load_signal_quality

            rated = load_signal_quality().rate_signal(x, fs=fs)
        display = cls(
            x, peaks, fs, reference=reference, tolerance=tolerance,
            detector_name=detector, start=start, quality=rated,
        )
        return display.plot(
            ax=ax, title=title, signal_kw=signal_kw, peaks_kw=peaks_kw,
            missed_kw=missed_kw, false_kw=false_kw,
        )

    @classmethod
    def from_estimator(
        cls,
        segmenter,
        signal,
        *,
        reference=None,
        tolerance=0.15,
        ax=None,
        title=None,
        signal_kw=None,
        peaks_kw=None,
        missed_kw=None,
        false_kw=None,
    ):
        """Plot the R peaks that a segmenter detects in one lead.

        Parameters
        ----------
        segmenter : RPeakSegmenter
            A :class:`~sklearn_ecg.RPeakSegmenter`, fitted or not: its
            :meth:`~sklearn_ecg.RPeakSegmenter.detect` finds the peaks at its
            ``fs`` with its ``detector``.
        signal : array-like of shape (n_samples,) or Series
            One lead at the segmenter's ``fs``, without NaN.
        reference : array-like of int, default=None
            Sample indices of reference beats; see :class:`RPeakDisplay`.
        tolerance : float, default=0.15
            Matching window in seconds.
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a figure.
        title : str, default=None
            Title; None names the detector (and its Se and +P).
        signal_kw, peaks_kw, missed_kw, false_kw : dict, default=None
            Keywords passed to :meth:`matplotlib.axes.Axes.plot`.

        Returns
        -------
        display : RPeakDisplay
            The display, with its artists.
        """
        check_matplotlib_support(f"{cls.__name__}.from_estimator")
        detect = getattr(segmenter, "detect", None)
        if not (callable(detect) and hasattr(segmenter, "fs")):
            raise ValueError(
                "segmenter must be an RPeakSegmenter (an object with fs and "
                f"detect(signal)), got {type(segmenter).__name__}"
            )
        x, fs, start = check_signal(signal, segmenter.fs)
        peaks = segmenter.detect(x)
        display = cls(
            x, peaks, fs, reference=reference, tolerance=tolerance,
            detector_name=getattr(segmenter, "detector", type(segmenter).__name__),
            start=start,
        )
        return display.plot(
            ax=ax, title=title, signal_kw=signal_kw, peaks_kw=peaks_kw,
            missed_kw=missed_kw, false_kw=false_kw,
        )
