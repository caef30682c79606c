"""A per-channel quality report of a multichannel ECG recording, as a table or HTML.

:func:`signal_report` answers the first questions asked of a new recording, such
as the smart-garment jacket's five channels: how much is missing, what range do
the values take, are there flat lines (a lost contact), saturated stretches (a
clipping amplifier) or outlying spikes, and can a heart rate be found in each
channel. :func:`write_html_report` puts the same table and the plots of
:class:`SignalDisplay` and :class:`RPeakDisplay` in one self-contained HTML file.
"""

import base64
import html
import io
import math
import os
from numbers import Real

import numpy as np
import pandas as pd

from ..preprocessing import OutlierFilter
from ..segmentation import DETECTORS, MIN_FS, detect_r_peaks_on_stretches
from ._base import (
    check_channels,
    check_matplotlib_support,
    check_positive,
    check_recording,
)

REPORT_COLUMNS = (
    "n_samples",
    "n_missing",
    "missing_share",
    "mean",
    "std",
    "min",
    "max",
    "median",
    "flat_share",
    "saturated_share",
    "outlier_share",
    "n_beats",
    "unusable_share",
    "heart_rate",
)

# What each column means, shown under the table of the HTML report.
_COLUMN_HELP = {
    "n_samples": "samples (rows) of the channel",
    "n_missing": "missing samples (NaN or infinite)",
    "missing_share": "n_missing / n_samples",
    "mean": "mean of the non-missing samples",
    "std": "population standard deviation (ddof=0) of the non-missing samples",
    "min": "smallest non-missing sample",
    "max": "largest non-missing sample",
    "median": "median of the non-missing samples",
    "flat_share": "share of the non-missing samples lying in a run of at least "
    "{flat_duration:g} s of identical consecutive values",
    "saturated_share": "share of the non-missing samples equal to the channel's "
    "minimum or maximum and lying in a run of at least {saturation_duration:g} s "
    "at that value",
    "outlier_share": "share of the non-missing samples that OutlierFilter("
    "threshold={outlier_threshold:g}, method={outlier_method!r}) flags, "
    "|x - location| / scale > {outlier_threshold:g}",
    "n_beats": "R peaks found by detect_r_peaks (detector={detector!r}) in the "
    "NaN-free stretches of at least 0.5 s; empty for non-ECG channels",
    "heart_rate": "60 / median RR interval, in beats per minute; RR intervals "
    "never span a missing stretch",
}


def _check_report_params(
    outlier_threshold, outlier_method, flat_duration, saturation_duration, detector
):
    if (
        isinstance(outlier_threshold, bool)
        or not isinstance(outlier_threshold, Real)
        or not np.isfinite(outlier_threshold)
        or outlier_threshold <= 0
    ):
        raise ValueError(
            "outlier_threshold must be a positive number of standard deviations, "
            f"got {outlier_threshold!r}"
        )
    if outlier_method not in ("zscore", "robust"):
        raise ValueError(
            f"outlier_method must be 'zscore' or 'robust' (see OutlierFilter), "
            f"got {outlier_method!r}"
        )
    check_positive(flat_duration, "flat_duration")
    check_positive(saturation_duration, "saturation_duration")
    if detector not in DETECTORS:
        raise ValueError(f"detector must be one of {list(DETECTORS)}, got {detector!r}")


def _min_run(duration, fs):
    """Samples in a run of ``duration`` seconds; a run has at least two samples."""
    # The tolerance keeps e.g. 0.1 s at 500 Hz at 50 samples, not 51.
    return max(2, math.ceil(duration * fs - 1e-9))


def _run_lengths(x):
    """Length of the run of identical consecutive values each sample belongs to.

    NaN never equals anything, so each missing sample is a run of its own.
    """
    starts = np.ones(x.size, dtype=bool)
    starts[1:] = x[1:] != x[:-1]
    run_id = np.cumsum(starts) - 1
    return np.bincount(run_id)[run_id]


def _outlying(values, threshold, method):
    """Where OutlierFilter flags a value, fitted on the recording itself."""
    filtered = (
        OutlierFilter(threshold=threshold, method=method, replace="nan")
        .fit(values)
        .transform(values)
    )
    return np.isnan(filtered) & ~np.isnan(values)


def _channel_row(x, outlying, fs, *, flat_run, saturation_run, detector, is_ecg):
    valid = ~np.isnan(x)
    v = x[valid]
    n_valid = v.size
    row = {
        "n_samples": x.size,
        "n_missing": x.size - n_valid,
        "missing_share": (x.size - n_valid) / x.size,
    }
    nan = float("nan")
    if n_valid:
        lo, hi = v.min(), v.max()
        runs = _run_lengths(x)
        flat = valid & (runs >= flat_run)
        if hi > lo:
            saturated = valid & (runs >= saturation_run) & ((x == lo) | (x == hi))
        else:
            saturated = np.zeros_like(valid)
        row.update(
            mean=float(v.mean()),
            std=float(v.std()),
            min=float(lo),
            max=float(hi),
            median=float(np.median(v)),
            flat_share=flat.sum() / n_valid,
            saturated_share=saturated.sum() / n_valid,
            outlier_share=outlying.sum() / n_valid,
        )
    else:
        row.update(
            mean=nan, std=nan, min=nan, max=nan, median=nan,
            flat_share=nan, saturated_share=nan, outlier_share=nan,
        )
    n_beats, heart_rate, unusable = nan, nan, nan
    if is_ecg and fs >= MIN_FS:
        found = detect_r_peaks_on_stretches(x, fs, detector)
        if found.stretches.size:
            n_beats = float(found.peaks.size)
        if found.rr.size:
            heart_rate = 60.0 / float(np.median(found.rr))
        unusable = _unusable_share(x, fs, found.stretches)
    row.update(n_beats=n_beats, heart_rate=heart_rate, unusable_share=unusable)
    return row


def _unusable_share(x, fs, stretches):
    """Share of the 5-s windows of the NaN-free stretches rated unusable (NaN if none is rated)."""
    from ..segmentation import load_signal_quality
    from ..segmentation._quality import MIN_WINDOW

    if fs < 100:
        return float("nan")
    levels = [load_signal_quality().rate_signal(x[a:b], fs=fs).level.to_numpy()
              for a, b in stretches if b - a >= MIN_WINDOW * fs]
    return float(np.mean(np.concatenate(levels) == "unusable")) if levels else float("nan")


def signal_report(
    data,
    fs=None,
    *,
    outlier_threshold=3.0,
    outlier_method="zscore",
    flat_duration=0.1,
    saturation_duration=0.01,
    detector="cnn",
    ecg_channels=None,
):
    """Summarise the quality of each channel of a recording in one table.

    Parameters
    ----------
    data : DataFrame or array-like of shape (n_samples, n_channels)
        The recording, one column per channel, for example a smart-garment
        frame from :func:`~sklearn_ecg.datasets.read_garment_csv`. A 1-D
        array or a Series is one channel. Columns must be numeric; NaN and
        infinite values count as missing.
    fs : float, default=None
        Sampling frequency in Hz. Required for arrays; for a DataFrame or
        Series it defaults to ``data.attrs["fs"]``, which the readers of
        :mod:`sklearn_ecg.datasets` set.
    outlier_threshold : float, default=3.0
        A sample is outlying when ``|x - location| / scale`` exceeds this,
        as for :class:`~sklearn_ecg.preprocessing.OutlierFilter` (which is
        used, fitted on the recording itself).
    outlier_method : {"zscore", "robust"}, default="zscore"
        ``OutlierFilter``'s location and scale: the mean and the population
        standard deviation, or the median and the scaled MAD.
    flat_duration : float, default=0.1
        Shortest run of identical consecutive values, in seconds, that counts
        as a flat line (at least two samples). The default is about five
        times the longest run of identical samples in the MIT-BIH excerpts
        bundled with the package (22 ms), whose 11-bit quantisation makes
        short runs common on real ECG.
    saturation_duration : float, default=0.01
        Shortest run, in seconds (at least two samples), of samples at the
        channel's minimum or maximum that counts as saturation.
    detector : str, default="cnn"
        R-peak detector, one of :data:`~sklearn_ecg.segmentation.DETECTORS`.
    ecg_channels : list of str or int, default=None
        The channels that hold ECG, where beats are looked for. None means
        all of them; the others get NaN ``n_beats`` and ``heart_rate``.

    Returns
    -------
    report : pandas.DataFrame
        One row per channel, indexed by channel name (``"channel"``; the
        column positions 0, 1, ... for an array), with the columns:

        - ``n_samples``, ``n_missing`` (NaN or infinite samples) and
          ``missing_share`` (``n_missing / n_samples``);
        - ``mean``, ``std`` (population standard deviation, ``ddof=0``, as
          ``OutlierFilter`` uses; note that :meth:`pandas.DataFrame.std`
          defaults to ``ddof=1``), ``min``, ``max`` and ``median`` of the
          non-missing samples;
        - ``flat_share``: share of the non-missing samples that lie in a run
          of at least ``flat_duration`` seconds of identical (exactly equal)
          consecutive values; a missing sample ends a run;
        - ``saturated_share``: share of the non-missing samples that equal the
          channel's minimum or maximum and lie in a run of at least
          ``saturation_duration`` seconds at that value. A constant channel
          has no range to saturate: its share is 0 and its ``flat_share``
          tells the story;
        - ``outlier_share``: share of the non-missing samples that
          ``OutlierFilter(outlier_threshold, method=outlier_method)`` flags;
        - ``n_beats``: R peaks found by
          :func:`~sklearn_ecg.segmentation.detect_r_peaks` on each NaN-free
          stretch of at least 0.5 s, added up;
        - ``heart_rate``: ``60 / median RR interval`` in beats per minute,
          from RR intervals within those stretches (never across a gap);
        - ``unusable_share``: share of the 5-s windows of those stretches
          (of at least 2 s) that the shipped signal-quality classifier
          (:func:`~sklearn_ecg.segmentation.load_signal_quality`) rates
          ``"unusable"``: where beat detection is not to be trusted. NaN
          as ``n_beats`` is, and below 100 Hz.

        Every share is NaN for a channel with no non-missing sample, and so
        are the statistics. ``n_beats`` is NaN for a channel outside
        ``ecg_channels``, for one with no NaN-free stretch of 0.5 s, and when
        ``fs`` is below the 50 Hz that detection needs; ``heart_rate`` is
        also NaN when fewer than two beats were found in one stretch.

        ``report.attrs`` holds a summary of the recording: ``fs``,
        ``duration`` (``n_rows / fs`` seconds), ``n_rows``,
        ``n_rows_with_missing`` (rows with at least one missing channel) and
        ``n_rows_all_missing``; :func:`missing_values_by_row` gives the count
        of each row.

    Raises
    ------
    ValueError
        If ``data`` is not 1-D or 2-D, has no sample, no channel, a
        non-numeric or duplicated column; if ``fs`` is missing or not
        positive; or if another argument is out of range. The message names
        the argument.

    See Also
    --------
    missing_values_by_row : Missing channels of each row.
    write_html_report : The same table with plots, in one HTML file.
    sklearn_ecg.preprocessing.OutlierFilter : The outlier rule used here.

    Examples
    --------
    >>> from sklearn_ecg.datasets import load_garment_sample
    >>> from sklearn_ecg.inspection import signal_report
    >>> frame = load_garment_sample("sitting")  # 10 s at 500 Hz, ecg1 ... ecg5
    >>> report = signal_report(frame)
    >>> report[["n_missing", "outlier_share", "n_beats", "heart_rate", "unusable_share"]].round(3)
             n_missing  outlier_share  n_beats  heart_rate  unusable_share
    channel
    ecg1             0          0.014      9.0      53.571             0.0
    ecg2             0          0.020      9.0      53.476             0.0
    ecg3             0          0.013     10.0      56.285             0.5
    ecg4             0          0.020      9.0      53.476             0.0
    ecg5             0          0.026      9.0      53.476             0.0
    >>> report.attrs["duration"], report.attrs["n_rows_with_missing"]
    (10.0, 0)
    """
    recording = check_recording(data, fs)
    _check_report_params(
        outlier_threshold, outlier_method, flat_duration, saturation_duration, detector
    )
    ecg = set(check_channels(ecg_channels, recording.channels, "ecg_channels"))
    values, fs = recording.samples, recording.fs
    outlying = _outlying(values, outlier_threshold, outlier_method)
    flat_run = _min_run(flat_duration, fs)
    saturation_run = _min_run(saturation_duration, fs)
    rows = [
        _channel_row(
            values[:, k],
            outlying[:, k],
            fs,
            flat_run=flat_run,
            saturation_run=saturation_run,
            detector=detector,
            is_ecg=k in ecg,
        )
        for k in range(values.shape[1])
    ]
    report = pd.DataFrame(
        rows,
        index=pd.Index(recording.channels, name="channel"),
        columns=list(REPORT_COLUMNS),
    )
    missing_per_row = np.isnan(values).sum(axis=1)
    report.attrs.update(
        fs=fs,
        duration=values.shape[0] / fs,
        n_rows=int(values.shape[0]),
        n_rows_with_missing=int((missing_per_row > 0).sum()),
        n_rows_all_missing=int((missing_per_row == values.shape[1]).sum()),
    )
    return report


def missing_values_by_row(data):
    """Count the missing channels of each row of a recording.

    Parameters
    ----------
    data : DataFrame or array-like of shape (n_samples, n_channels)
        The recording, one column per channel (a 1-D array or a Series is one
        channel). NaN and infinite values count as missing.

    Returns
    -------
    n_missing : pandas.Series of int
        The number of missing channels of each row, named ``"n_missing"``,
        with the index of ``data`` (a ``RangeIndex`` for an array).
        ``n_missing.value_counts()`` tells how many rows miss 0, 1, ...
        channels.

    Raises
    ------
    ValueError
        If ``data`` is not 1-D or 2-D, is empty, or holds non-numeric values.

    See Also
    --------
    signal_report : Missing values and more, by channel.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.inspection import missing_values_by_row
    >>> X = np.array([[1.0, np.nan], [2.0, 3.0], [np.nan, np.nan]])
    >>> missing_values_by_row(X).tolist()
    [1, 0, 2]
    """
    # The sampling frequency plays no part here.
    recording = check_recording(data, fs=1.0)
    counts = np.isnan(recording.samples).sum(axis=1)
    return pd.Series(counts, index=recording.index, name="n_missing")


def _png_tag(figure, alt):
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{encoded}">'


_HTML_STYLE = """
body { font-family: sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; font-size: 0.9em; }
th, td { border: 1px solid #bbb; padding: 0.25em 0.6em; text-align: right; }
th { background: #eee; }
img { max-width: 100%; }
dt { font-family: monospace; font-weight: bold; }
dd { margin-bottom: 0.4em; }
"""


def write_html_report(
    data,
    path,
    fs=None,
    *,
    title=None,
    window=0.5,
    outlier_threshold=3.0,
    outlier_method="zscore",
    flat_duration=0.1,
    saturation_duration=0.01,
    detector="cnn",
    ecg_channels=None,
):
    """Write the signal report and its plots to one self-contained HTML file.

    The file holds the table of :func:`signal_report` with the definition of
    each column, the count of rows by number of missing channels, every
    channel over time with its rolling mean (:class:`SignalDisplay`) and the
    R peaks found in each ECG channel (:class:`RPeakDisplay`). The plots are
    PNG images embedded in the file (base64), so it needs no other file, no
    network and no script to be read.

    Parameters
    ----------
    data : DataFrame or array-like of shape (n_samples, n_channels)
        The recording; see :func:`signal_report`.
    path : str or path-like
        The HTML file to write (overwritten if it exists).
    fs : float, default=None
        Sampling frequency in Hz; required unless ``data.attrs["fs"]`` holds it.
    title : str, default=None
        Title of the page. None uses the file name of ``path``.
    window : float or None, default=0.5
        Length in seconds of the rolling mean drawn over each channel; None
        draws none.
    outlier_threshold : float, default=3.0
        Passed to :func:`signal_report`.
    outlier_method : {"zscore", "robust"}, default="zscore"
        Passed to :func:`signal_report`.
    flat_duration : float, default=0.1
        Passed to :func:`signal_report`.
    saturation_duration : float, default=0.01
        Passed to :func:`signal_report`.
    detector : str, default="cnn"
        Passed to :func:`signal_report`; it also finds the R peaks drawn.
    ecg_channels : list of str or int, default=None
        The channels whose R peaks are counted and drawn; None means all.

    Returns
    -------
    report : pandas.DataFrame
        The table of :func:`signal_report`.

    Raises
    ------
    ImportError
        If matplotlib is not installed (``pip install "sklearn-ecg[plot]"``).
    ValueError
        As :func:`signal_report`.

    See Also
    --------
    signal_report : The table alone.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn_ecg.datasets import load_garment_sample
    >>> from sklearn_ecg.inspection import write_html_report
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = pathlib.Path(folder) / "sitting.html"
    ...     report = write_html_report(load_garment_sample(), path)
    ...     page = path.read_text(encoding="utf-8")
    >>> page.count("data:image/png;base64,")
    2
    """
    check_matplotlib_support("write_html_report")
    from matplotlib.figure import Figure

    from ._signal import RPeakDisplay, SignalDisplay

    report = signal_report(
        data,
        fs,
        outlier_threshold=outlier_threshold,
        outlier_method=outlier_method,
        flat_duration=flat_duration,
        saturation_duration=saturation_duration,
        detector=detector,
        ecg_channels=ecg_channels,
    )
    if window is not None:
        check_positive(window, "window")
    recording = check_recording(data, fs)
    values, fs = recording.samples, recording.fs
    channels = recording.channels
    title = os.path.basename(os.fspath(path)) if title is None else str(title)

    n_channels = len(channels)
    figure = Figure(figsize=(12, 1.6 * n_channels + 0.8), layout="constrained")
    signal_display = SignalDisplay.from_signal(
        data, fs, window=window,
        ax=figure.subplots(n_channels, 1, sharex=True, squeeze=False)[:, 0],
    )
    for ax in signal_display.axes_:
        ax.margins(x=0)
    signal_png = _png_tag(figure, "channels over time")

    ecg = check_channels(ecg_channels, channels, "ecg_channels")
    peaks_png = ""
    if ecg and fs >= MIN_FS:
        figure = Figure(figsize=(12, 2.0 * len(ecg) + 0.8), layout="constrained")
        axes = figure.subplots(len(ecg), 1, sharex=True, squeeze=False)[:, 0]
        for ax, k in zip(axes, ecg):
            peaks = detect_r_peaks_on_stretches(values[:, k], fs, detector).peaks
            RPeakDisplay(
                values[:, k], peaks, fs, detector_name=detector, start=recording.start
            ).plot(ax=ax, title=f"{channels[k]}: {peaks.size} R peaks ({detector})")
            ax.set_ylabel(str(channels[k]))
            ax.margins(x=0)
            if ax is not axes[-1]:
                ax.set_xlabel("")
        peaks_png = _png_tag(figure, "R peaks")

    params = dict(
        flat_duration=flat_duration,
        saturation_duration=saturation_duration,
        outlier_threshold=outlier_threshold,
        outlier_method=outlier_method,
        detector=detector,
    )
    definitions = "".join(
        f"<dt>{html.escape(column)}</dt><dd>{html.escape(text.format(**params))}</dd>"
        for column, text in _COLUMN_HELP.items()
    )
    by_row = (
        missing_values_by_row(values)
        .value_counts()
        .sort_index()
        .rename_axis("missing channels")
        .rename("rows")
        .reset_index()
    )
    attrs = report.attrs
    summary = (
        f"{len(channels)} channels, {attrs['n_rows']} rows at {fs:g} Hz "
        f"({attrs['duration']:g} s); {attrs['n_rows_with_missing']} rows miss at "
        f"least one channel, {attrs['n_rows_all_missing']} miss all."
    )
    table = report.reset_index().to_html(
        index=False, float_format=lambda v: f"{v:.4g}", na_rep="", border=0
    )
    sections = [
        f"<h1>{html.escape(title)}</h1>",
        f"<p>{html.escape(summary)}</p>",
        "<h2>Channels</h2>",
        table,
        f"<dl>{definitions}</dl>",
        "<h2>Missing values by row</h2>",
        by_row.to_html(index=False, border=0),
        "<h2>Signals</h2>",
        signal_png,
    ]
    if peaks_png:
        sections += ["<h2>R peaks</h2>", peaks_png]
    page = (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{html.escape(title)}</title>\n<style>{_HTML_STYLE}</style>\n"
        "</head>\n<body>\n" + "\n".join(sections) + "\n</body>\n</html>\n"
    )
    with open(path, "w", encoding="utf-8") as file:
        file.write(page)
    return report
