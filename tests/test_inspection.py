"""Tests of sklearn_ecg.inspection: the signal report and the displays.

The report is checked against statistics computed by hand with pandas and
numpy on the raw CSVs (the bundled sample always, the full sitting recording
when ``SKLEARN_ECG_DATA`` holds it). The displays are drawn with the Agg
backend and checked for what they draw: axes, lines, marker counts, legends,
labels and titles.
"""

import base64
import itertools
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import NotFittedError
from sklearn.metrics import ConfusionMatrixDisplay, confusion_matrix
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_ecg import RPeakSegmenter
from sklearn_ecg.datasets import (
    get_sample_home,
    load_garment_sample,
    load_mitdb_sample,
    read_garment_csv,
)
from sklearn_ecg.inspection import (
    AAMIConfusionMatrixDisplay,
    BeatsDisplay,
    RPeakDisplay,
    SignalDisplay,
    SimilarityDisplay,
    SimilarityMatrixDisplay,
    TrainingHistoryDisplay,
    missing_values_by_row,
    signal_report,
    write_html_report,
)
from sklearn_ecg.inspection._report import REPORT_COLUMNS
from sklearn_ecg.metrics import equal_error_rate
from sklearn_ecg.segmentation import DETECTORS, detect_r_peaks

CHANNELS = ["ecg1", "ecg2", "ecg3", "ecg4", "ecg5"]
SAMPLE_SITTING = get_sample_home() / "smart-garment" / "Sitting_data.csv.gz"
FULL_HOME = os.environ.get("SKLEARN_ECG_DATA")
FULL_SITTING = Path(FULL_HOME or "", "smart-garment", "Sitting_data.csv")


@pytest.fixture
def pyplot():
    """matplotlib.pyplot on the Agg backend; every figure is closed afterwards."""
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    yield plt
    plt.close("all")


def spike_train(fs=360.0, seconds=10.0, period=1.0, first=0.5):
    """A clean ECG-like signal: a narrow Gaussian spike every ``period`` seconds."""
    t = np.arange(int(seconds * fs)) / fs
    x = np.exp(-(((t - first) % period) ** 2) / (2 * 0.01**2))
    x += np.exp(-(((t - first) % period - period) ** 2) / (2 * 0.01**2))
    peaks = np.round((first + period * np.arange(seconds / period)) * fs).astype(int)
    return x, peaks[peaks < t.size]


def legend_texts(ax):
    return [text.get_text() for text in ax.get_legend().get_texts()]


def hand_statistics(raw, threshold=3.0):
    """Per-channel statistics of a raw CSV computed with plain pandas and numpy."""
    rows = {}
    for channel in CHANNELS:
        x = pd.to_numeric(raw[channel], errors="coerce").to_numpy(dtype=float)
        v = x[~np.isnan(x)]
        mean, std = v.mean(), np.sqrt(np.mean((v - v.mean()) ** 2))
        rows[channel] = {
            "n_samples": len(x),
            "n_missing": int(np.isnan(x).sum()),
            "mean": mean,
            "std": std,
            "min": v.min(),
            "max": v.max(),
            "median": np.median(v),
            "outlier_share": np.mean(np.abs(v - mean) / std > threshold),
        }
    return pd.DataFrame(rows).T


def check_against_hand_statistics(report, raw):
    expected = hand_statistics(raw)
    assert list(report.index) == CHANNELS
    assert report.index.name == "channel"
    assert tuple(report.columns) == REPORT_COLUMNS
    assert_array_equal(report["n_samples"], expected["n_samples"].astype(int))
    assert_array_equal(report["n_missing"], expected["n_missing"].astype(int))
    assert_allclose(report["missing_share"], expected["n_missing"] / len(raw))
    for column in ("mean", "std", "min", "max", "median", "outlier_share"):
        assert_allclose(report[column], expected[column].astype(float), rtol=1e-9,
                        atol=1e-15, err_msg=column)
    # The jacket's values are 5-digit decimals: no flat line, no clipping.
    assert (report["flat_share"] == 0).all()
    assert (report["saturated_share"] == 0).all()


# --------------------------------------------------------------------------
# Import and the optional matplotlib dependency


def test_import_does_not_import_matplotlib():
    code = (
        "import sys, sklearn_ecg, sklearn_ecg.inspection; "
        "assert 'matplotlib' not in sys.modules, 'matplotlib was imported'; "
        "assert sklearn_ecg.inspection.signal_report"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def _plot_calls(tmp_path):
    x, _ = spike_train()
    frame = load_garment_sample()
    rng = np.random.default_rng(0)

    class History:
        history_ = {"loss": [1.0, 0.5]}

    return {
        "SignalDisplay.from_signal": lambda: SignalDisplay.from_signal(frame),
        "SignalDisplay.plot": lambda: SignalDisplay(np.zeros((10, 1)), 100).plot(),
        "RPeakDisplay.from_signal": lambda: RPeakDisplay.from_signal(x, 360),
        "RPeakDisplay.from_estimator": lambda: RPeakDisplay.from_estimator(
            RPeakSegmenter(), x),
        "BeatsDisplay.from_beats": lambda: BeatsDisplay.from_beats(
            rng.random((4, 10)), ["N", "N", "V", "V"]),
        "AAMIConfusionMatrixDisplay.from_predictions": (
            lambda: AAMIConfusionMatrixDisplay.from_predictions(["N", "V"], ["N"] * 2)),
        "TrainingHistoryDisplay.from_estimator": (
            lambda: TrainingHistoryDisplay.from_estimator(History())),
        "SimilarityDisplay.from_predictions": (
            lambda: SimilarityDisplay.from_predictions([0, 1], [0.2, 0.8])),
        "SimilarityMatrixDisplay.from_embeddings": (
            lambda: SimilarityMatrixDisplay.from_embeddings(rng.random((3, 2)))),
        "write_html_report": lambda: write_html_report(frame, tmp_path / "r.html"),
    }


@pytest.mark.parametrize("caller", list(_plot_calls(Path("."))))
def test_plots_need_matplotlib_and_name_the_extra(caller, monkeypatch, tmp_path):
    call = _plot_calls(tmp_path)[caller]
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    extra = re.escape('pip install "sklearn-ecg[plot]"')
    with pytest.raises(ImportError, match=extra) as info:
        call()
    assert caller in str(info.value)
    assert not (tmp_path / "r.html").exists()


def test_report_needs_no_matplotlib(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    assert signal_report(load_garment_sample()).shape == (5, len(REPORT_COLUMNS))


# --------------------------------------------------------------------------
# signal_report on real data


def test_signal_report_of_bundled_sample_matches_hand_computation():
    frame = load_garment_sample("sitting")
    report = signal_report(frame)
    check_against_hand_statistics(report, pd.read_csv(SAMPLE_SITTING))
    assert report.attrs == {
        "fs": 500.0, "duration": 10.0, "n_rows": 5000,
        "n_rows_with_missing": 0, "n_rows_all_missing": 0,
    }
    # Heart rate: the median RR of detect_r_peaks, about 54 bpm when sitting.
    for channel in CHANNELS:
        peaks = detect_r_peaks(frame[channel].to_numpy(), 500.0)
        assert report.loc[channel, "n_beats"] == peaks.size
        assert report.loc[channel, "heart_rate"] == pytest.approx(
            60 / np.median(np.diff(peaks) / 500.0))
    assert report["heart_rate"].between(50, 60).all()


@pytest.mark.data("smart-garment/Sitting_data.csv")
def test_signal_report_of_full_sitting_recording_matches_hand_computation():
    raw = pd.read_csv(FULL_SITTING)
    report = signal_report(read_garment_csv(FULL_SITTING))
    check_against_hand_statistics(report, raw)
    assert report.attrs["duration"] == pytest.approx(len(raw) / 500.0)
    # One wearer, sitting for a minute: every channel agrees on the rhythm.
    assert report["heart_rate"].between(45, 70).all()
    expected_beats = report["heart_rate"] * report.attrs["duration"] / 60
    assert_allclose(report["n_beats"], expected_beats, rtol=0.1)


# --------------------------------------------------------------------------
# signal_report on synthetic edge cases


def _runs(x):
    """(value, length) of each run of equal consecutive values, by itertools."""
    return [(value, len(list(group))) for value, group in itertools.groupby(x)]


@pytest.fixture
def edge_case_frame():
    """Channels with gaps, flat lines, clipping, a constant and no data at all."""
    fs = 100.0
    n = 2000
    rng = np.random.default_rng(0)
    ecg, _ = spike_train(fs=fs, seconds=n / fs, period=0.8, first=0.4)
    ecg = ecg + 0.01 * rng.standard_normal(n)
    ecg[1000:1150] = np.nan  # a 1.5 s gap

    flat = rng.uniform(-1, 1, n)
    flat[100:130] = 0.25  # 0.3 s flat: counted
    flat[500:505] = 0.25  # 0.05 s: too short to count
    flat[[700, 900]] = np.nan

    # Clipped for about 60 ms of each second at each rail.
    clipped = np.clip(1.02 * np.sin(2 * np.pi * 1.0 * np.arange(n) / fs), -1.0, 1.0)

    spiky = rng.uniform(-1, 1, n)
    spiky[[10, 1000, 1990]] = 100.0

    frame = pd.DataFrame({
        "ecg": ecg,
        "flat": flat,
        "clipped": clipped,
        "spiky": spiky,
        "constant": np.ones(n),
        "empty": np.full(n, np.nan),
    })
    frame.attrs["fs"] = fs
    return frame


@pytest.mark.filterwarnings("error")
def test_signal_report_edge_cases(edge_case_frame):
    frame = edge_case_frame
    n = len(frame)
    report = signal_report(frame, ecg_channels=["ecg", "constant", "empty"])

    assert report.loc["ecg", "n_missing"] == 150
    assert report.loc["ecg", "missing_share"] == pytest.approx(150 / n)
    valid = frame["ecg"].dropna().to_numpy()
    assert report.loc["ecg", "mean"] == pytest.approx(valid.mean())
    assert report.loc["ecg", "std"] == pytest.approx(valid.std())
    # 75 bpm; no RR interval spans the gap, so the median stays exact.
    assert report.loc["ecg", "heart_rate"] == pytest.approx(75.0)
    peaks = np.concatenate([
        detect_r_peaks(frame["ecg"].to_numpy()[:1000], 100.0),
        detect_r_peaks(frame["ecg"].to_numpy()[1150:], 100.0),
    ])
    assert report.loc["ecg", "n_beats"] == peaks.size

    assert report.loc["flat", "n_missing"] == 2
    assert report.loc["flat", "flat_share"] == pytest.approx(30 / (n - 2))

    x = frame["clipped"].to_numpy()
    saturated = sum(
        length for value, length in _runs(x)
        if value in (x.min(), x.max()) and length >= 2
    )
    assert saturated > 0
    assert report.loc["clipped", "saturated_share"] == pytest.approx(saturated / n)
    assert report.loc["clipped", "flat_share"] == 0  # runs at the rails are < 0.1 s

    assert report.loc["spiky", "outlier_share"] == pytest.approx(3 / n)

    constant = report.loc["constant"]
    assert constant["std"] == 0 and constant["mean"] == 1
    assert constant["flat_share"] == 1
    assert constant["saturated_share"] == 0
    assert constant["outlier_share"] == 0
    assert constant["n_beats"] == 0 and np.isnan(constant["heart_rate"])

    empty = report.loc["empty"]
    assert empty["n_samples"] == n and empty["n_missing"] == n
    assert empty["missing_share"] == 1
    for column in ("mean", "std", "min", "max", "median", "flat_share",
                   "saturated_share", "outlier_share", "n_beats", "heart_rate"):
        assert np.isnan(empty[column]), column

    # Channels outside ecg_channels get no beat count.
    not_ecg = report.loc[["flat", "clipped", "spiky"], ["n_beats", "heart_rate"]]
    assert not_ecg.isna().all(axis=None)
    assert report.attrs["n_rows_with_missing"] == n  # the empty channel
    assert report.attrs["n_rows_all_missing"] == 0


@pytest.mark.parametrize("run, counted", [(10, True), (9, False)])
def test_flat_duration_is_a_minimum_run(run, counted):
    fs, flat_duration = 100.0, 0.1  # 10 samples
    x = np.arange(200, dtype=float)
    x[50:50 + run] = -1.0
    report = signal_report(x, fs, flat_duration=flat_duration, ecg_channels=[])
    assert report.loc[0, "flat_share"] == pytest.approx(run / 200 if counted else 0)


def test_saturation_needs_a_run_at_the_extreme():
    x = np.sin(np.linspace(0, 20, 1000))
    x[100] = 5.0  # one sample at the maximum: a spike, not saturation
    x[500:503] = -5.0  # three at the minimum
    fs = 100.0
    report = signal_report(x, fs, saturation_duration=0.03, ecg_channels=[])
    assert report.loc[0, "saturated_share"] == pytest.approx(3 / 1000)
    report = signal_report(x, fs, saturation_duration=0.04, ecg_channels=[])
    assert report.loc[0, "saturated_share"] == 0


def test_infinite_values_count_as_missing():
    x = np.arange(100.0)
    x[[3, 4]] = [np.inf, -np.inf]
    report = signal_report(x, 100.0, ecg_channels=[])
    assert report.loc[0, "n_missing"] == 2
    assert report.loc[0, "max"] == 99


def test_signal_report_options():
    frame = load_garment_sample()
    report = signal_report(frame, fs=250.0, ecg_channels="ecg2")
    assert report.attrs["duration"] == 20.0  # an explicit fs wins over attrs
    assert report["n_beats"].isna().tolist() == [True, False, True, True, True]
    robust = signal_report(frame, outlier_method="robust", outlier_threshold=5)
    assert (robust["outlier_share"] != report["outlier_share"]).any()
    # Below 50 Hz no detector runs: no beat count, and no error.
    slow = signal_report(np.random.default_rng(0).random((400, 2)), fs=10.0)
    assert slow[["n_beats", "heart_rate"]].isna().all(axis=None)
    assert list(slow.index) == [0, 1]


def test_missing_values_by_row():
    frame = load_garment_sample().iloc[:5].copy()
    frame.iloc[1, 0] = np.nan
    frame.iloc[3, :] = np.nan
    counts = missing_values_by_row(frame)
    assert counts.name == "n_missing"
    assert counts.index.equals(frame.index)
    assert counts.tolist() == [0, 1, 0, 5, 0]
    X = np.array([[1.0, np.nan], [np.inf, np.nan]])
    assert missing_values_by_row(X).tolist() == [1, 2]
    report = signal_report(frame, ecg_channels=[])
    assert report.attrs["n_rows_with_missing"] == 2
    assert report.attrs["n_rows_all_missing"] == 1


def _bad_attrs_frame():
    frame = load_garment_sample().iloc[:100]
    frame = frame.copy()
    frame.attrs["fs"] = 0
    return frame


@pytest.mark.parametrize(
    "data, kwargs, message",
    [
        (np.zeros((100, 2)), {}, "fs is required"),
        (np.zeros((100, 2)), {"fs": 0}, "fs must be a positive number"),
        (np.zeros((100, 2)), {"fs": -500}, "fs must be a positive number"),
        (np.zeros((100, 2)), {"fs": float("nan")}, "fs must be a positive number"),
        (np.zeros((100, 2)), {"fs": "500"}, "fs must be a positive number"),
        (np.zeros((10, 2, 2)), {"fs": 500}, "data must be 2-D"),
        (np.zeros((0, 2)), {"fs": 500}, "data has no samples"),
        (np.zeros((10, 0)), {"fs": 500}, "data has no channels"),
        (np.array([["a", "b"]]), {"fs": 500}, "data must hold numbers"),
        (pd.read_csv(SAMPLE_SITTING, nrows=50), {"fs": 500},
         r"the columns \['tstamp'\] are not numeric"),
        (pd.DataFrame(np.zeros((5, 2)), columns=["a", "a"]), {"fs": 500},
         "duplicated column names"),
        (_bad_attrs_frame(), {}, r"data.attrs\['fs'\] must be a positive"),
        (np.zeros((100, 2)), {"fs": 500, "ecg_channels": [5]},
         "ecg_channels must name"),
        (np.zeros((100, 2)), {"fs": 500, "outlier_threshold": 0}, "outlier_threshold"),
        (np.zeros((100, 2)), {"fs": 500, "outlier_method": "mad"}, "outlier_method"),
        (np.zeros((100, 2)), {"fs": 500, "flat_duration": -1}, "flat_duration"),
        (np.zeros((100, 2)), {"fs": 500, "saturation_duration": 0},
         "saturation_duration"),
        (np.zeros((100, 2)), {"fs": 500, "detector": "best"},
         "detector must be one of"),
    ],
)
def test_signal_report_rejects_bad_input(data, kwargs, message):
    with pytest.raises(ValueError, match=message):
        signal_report(data, **kwargs)


# --------------------------------------------------------------------------
# HTML report


def test_write_html_report(tmp_path, pyplot):
    frame = load_garment_sample("walking_fast")
    frame.iloc[100:200, 1] = np.nan
    path = tmp_path / "jacket.html"
    report = write_html_report(frame, path, title="Jacket <walking>")
    pd.testing.assert_frame_equal(report, signal_report(frame))
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "<title>Jacket &lt;walking&gt;</title>" in page
    for channel in CHANNELS:
        assert f"<td>{channel}</td>" in page
    assert "outlier_share" in page and "<dl>" in page
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(images) == 2  # the channels, and the R peaks
    for image in images:
        assert base64.b64decode(image).startswith(b"\x89PNG\r\n\x1a\n")
    # Self-contained: nothing is fetched and nothing runs in the browser.
    assert "<script" not in page
    assert not re.search(r'(src|href)="(?!data:)', page)
    assert pyplot.get_fignums() == []  # no figure left open in pyplot

    write_html_report(frame, path, ecg_channels=[], window=None)
    assert path.read_text(encoding="utf-8").count("data:image/png;base64,") == 1


# --------------------------------------------------------------------------
# SignalDisplay


def test_signal_display_draws_each_channel_and_its_rolling_mean(pyplot):
    frame = load_garment_sample()
    disp = SignalDisplay.from_signal(frame, window=0.2, title="sitting")
    assert isinstance(disp, SignalDisplay)
    assert disp.axes_.shape == (5,) and disp.lines_.shape == (5,)
    assert disp.rolling_lines_.shape == (5,)
    assert len(disp.figure_.axes) == 5
    assert [ax.get_ylabel() for ax in disp.axes_] == CHANNELS
    assert disp.axes_[-1].get_xlabel() == "time (s)"
    assert disp.axes_[0].get_title() == "sitting"
    assert disp.axes_[0].get_shared_x_axes().joined(disp.axes_[0], disp.axes_[4])
    for k, ax in enumerate(disp.axes_):
        assert len(ax.get_lines()) == 2
        assert legend_texts(ax) == ["signal", "rolling mean (0.2 s)"]
        assert_allclose(disp.lines_[k].get_ydata(), frame[CHANNELS[k]])
    time = disp.lines_[0].get_xdata()
    assert time[0] == 0 and time[1] == pytest.approx(1 / 500) and time.size == 5000
    expected = frame["ecg3"].rolling(100, center=True, min_periods=1).mean()
    assert_allclose(disp.rolling_lines_[2].get_ydata(), expected)


def test_signal_display_options(pyplot):
    frame = load_garment_sample()
    disp = SignalDisplay.from_signal(frame.iloc[1000:2000], channels=["ecg4", "ecg2"])
    assert [ax.get_ylabel() for ax in disp.axes_] == ["ecg4", "ecg2"]
    assert disp.rolling_lines_ is None
    assert disp.axes_[0].get_legend() is None  # one line: nothing to tell apart
    assert disp.lines_[0].get_xdata()[0] == pytest.approx(2.0)  # the TimedeltaIndex

    # Drawn over another display: one legend entry per display.
    clipped = frame.clip(-0.0002, 0.0002)
    over = SignalDisplay.from_signal(
        clipped.iloc[1000:2000], channels=["ecg4", "ecg2"], ax=disp.axes_,
        signal_kw={"label": "clipped", "color": "C3"},
    )
    assert over.figure_ is disp.figure_
    assert legend_texts(disp.axes_[0]) == ["signal", "clipped"]

    arr = SignalDisplay.from_signal(frame.to_numpy()[:, :2], fs=500)
    assert [ax.get_ylabel() for ax in arr.axes_] == ["0", "1"]
    with pytest.raises(ValueError, match="one Axes per channel"):
        SignalDisplay.from_signal(frame, ax=disp.axes_)
    with pytest.raises(ValueError, match="channels must name"):
        SignalDisplay.from_signal(frame, channels=["ecg9"])
    with pytest.raises(ValueError, match="window must be a positive"):
        SignalDisplay.from_signal(frame, window=0)


# --------------------------------------------------------------------------
# RPeakDisplay


def test_rpeak_display_marks_matched_missed_and_false_detections(pyplot):
    x, true_peaks = spike_train()  # 10 spikes, detected exactly
    fs = 360.0
    missing_beat = 2160  # an annotation between two spikes: it will be missed
    reference = np.sort(np.append(np.delete(true_peaks, 3), missing_beat))
    disp = RPeakDisplay.from_signal(x, fs, reference=reference)
    assert legend_texts(disp.ax_) == [
        "signal", "matched (9)", "missed (1)", "false (1)"]
    assert disp.peaks_.get_xdata().size == 9
    assert_allclose(disp.missed_.get_xdata(), [missing_beat / fs])
    assert_allclose(disp.false_.get_xdata(), [true_peaks[3] / fs])
    assert_allclose(disp.false_.get_ydata(), x[[true_peaks[3]]])
    assert disp.ax_.get_title() == "R peaks (cnn): Se 90.0%, +P 90.0%"
    assert disp.ax_.get_xlabel() == "time (s)"
    assert disp.false_.get_marker() == "x"
    assert disp.missed_.get_color() != disp.false_.get_color()

    plain = RPeakDisplay.from_signal(x, fs)
    assert legend_texts(plain.ax_) == ["signal", "detected (10)"]
    assert plain.missed_ is None and plain.false_ is None
    assert_allclose(plain.peaks_.get_xdata(), true_peaks / fs)


@pytest.mark.parametrize("detector", DETECTORS)
def test_rpeak_display_with_every_detector_on_real_ecg(detector, pyplot):
    record = load_mitdb_sample()[5]  # record 208
    n = int(10 * record.fs)
    x, reference = record.signal[:n], record.r_peaks[record.r_peaks < n]
    segmenter = RPeakSegmenter(fs=record.fs, detector=detector)
    disp = RPeakDisplay.from_estimator(segmenter, x, reference=reference)
    n_matched = disp.peaks_.get_xdata().size
    n_missed = disp.missed_.get_xdata().size
    n_false = disp.false_.get_xdata().size
    assert n_matched + n_false == detect_r_peaks(x, record.fs, detector).size
    assert n_matched + n_missed == reference.size
    assert legend_texts(disp.ax_)[1:] == [
        f"matched ({n_matched})", f"missed ({n_missed})", f"false ({n_false})"]
    assert disp.ax_.get_title().startswith(f"R peaks ({detector}): Se ")


def test_rpeak_display_inputs(pyplot):
    frame = load_garment_sample()
    disp = RPeakDisplay.from_signal(frame["ecg1"])  # fs from the Series' attrs
    assert disp.fs == 500.0
    # Nine beats; the Pan-Tompkins' tenth "beat", 0.24 s after the ninth, was a T wave.
    assert legend_texts(disp.ax_) == ["signal", "detected (9)"]
    with pytest.raises(ValueError, match="signal must be one lead"):
        RPeakDisplay.from_signal(frame)
    with pytest.raises(ValueError, match="segmenter must be an RPeakSegmenter"):
        RPeakDisplay.from_estimator(StandardScaler(), frame["ecg1"])
    with pytest.raises(ValueError, match="NaN"):
        RPeakDisplay.from_signal(np.full(1000, np.nan), 500)


# --------------------------------------------------------------------------
# BeatsDisplay


def test_beats_display_overlays_classes_with_bold_medians(pyplot):
    rng = np.random.default_rng(0)
    labels = np.array(["V"] * 5 + ["N"] * 12 + ["Q"] * 3 + ["paced"] * 2)
    rng.shuffle(labels)
    X = rng.standard_normal((labels.size, 50))
    disp = BeatsDisplay.from_beats(X, labels, fs=100)
    assert disp.classes_ == ["N", "V", "Q", "paced"]
    assert legend_texts(disp.ax_) == ["N (n=12)", "V (n=5)", "Q (n=3)", "paced (n=2)"]
    for label in disp.classes_:
        rows = X[labels == label]
        assert len(disp.lines_[label].get_segments()) == len(rows)
        assert_allclose(disp.median_lines_[label].get_ydata(), np.median(rows, axis=0))
        bold = disp.median_lines_[label].get_linewidth()
        assert bold > disp.lines_[label].get_linewidth()[0]
    colors = {label: disp.median_lines_[label].get_color() for label in disp.classes_}
    assert len(set(colors.values())) == 4
    assert disp.ax_.get_xlabel() == "time from the start of the window (s)"
    assert disp.median_lines_["N"].get_xdata()[-1] == pytest.approx(0.49)
    assert disp.ax_.get_title() == "22 beats, 4 classes: median beat in bold"

    single = BeatsDisplay.from_beats(X)
    assert single.classes_ == ["all beats"]
    assert single.ax_.get_xlabel() == "sample"
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        BeatsDisplay.from_beats(X, labels[:-1])


# --------------------------------------------------------------------------
# AAMIConfusionMatrixDisplay


def test_aami_confusion_matrix_display_orders_classes(pyplot):
    y_true = ["V", "N", "F", "N", "S", "V", "N"]
    y_pred = ["V", "N", "N", "S", "S", "N", "N"]
    disp = AAMIConfusionMatrixDisplay.from_predictions(y_true, y_pred)
    assert isinstance(disp, ConfusionMatrixDisplay)
    labels = ["N", "S", "V", "F"]
    assert [t.get_text() for t in disp.ax_.get_xticklabels()] == labels
    assert [t.get_text() for t in disp.ax_.get_yticklabels()] == labels
    assert_array_equal(
        disp.confusion_matrix, confusion_matrix(y_true, y_pred, labels=labels))
    assert disp.text_.shape == (4, 4)
    assert disp.im_.get_array().shape == (4, 4)
    assert disp.ax_.get_title() == "AAMI confusion matrix (beats)"

    normalised = AAMIConfusionMatrixDisplay.from_predictions(
        y_true, y_pred, normalize="true")
    assert_allclose(normalised.confusion_matrix.sum(axis=1), 1)
    assert "sensitivity on the diagonal" in normalised.ax_.get_title()
    with pytest.raises(ValueError, match="normalize must be"):
        AAMIConfusionMatrixDisplay.from_predictions(y_true, y_pred, normalize="rows")


def test_aami_confusion_matrix_display_from_estimator(pyplot):
    X = np.array([[0.0], [0.1], [1.0], [1.1], [2.0], [2.1]])
    y = np.array(["Q", "Q", "V", "V", "N", "N"])
    clf = KNeighborsClassifier(n_neighbors=1).fit(X, y)
    disp = AAMIConfusionMatrixDisplay.from_estimator(clf, X, y, colorbar=False)
    assert [t.get_text() for t in disp.ax_.get_xticklabels()] == ["N", "V", "Q"]
    assert_array_equal(disp.confusion_matrix, 2 * np.eye(3, dtype=int))
    with pytest.raises(ValueError, match="needs a classifier"):
        AAMIConfusionMatrixDisplay.from_estimator(StandardScaler().fit(X), X, y)


# --------------------------------------------------------------------------
# TrainingHistoryDisplay


class FakeKerasEstimator:
    """What the display reads of a fitted Keras-backed estimator: history_."""

    def __init__(self, history):
        self.history_ = history

    def fit(self, X, y=None):
        return self


def test_training_history_display(pyplot):
    history = {
        "loss": [1.0, 0.6, 0.4, 0.3],
        "val_loss": [1.1, 0.8, 0.7, 0.75],
        "accuracy": [0.5, 0.7, 0.8, 0.85],
    }
    disp = TrainingHistoryDisplay.from_estimator(FakeKerasEstimator(history))
    assert list(disp.lines_) == ["loss", "val_loss", "accuracy"]
    assert len(disp.ax_.get_lines()) == 3
    assert legend_texts(disp.ax_) == ["loss", "val_loss", "accuracy"]
    assert_array_equal(disp.lines_["loss"].get_xdata(), [1, 2, 3, 4])
    assert_array_equal(disp.lines_["val_loss"].get_ydata(), history["val_loss"])
    assert disp.lines_["val_loss"].get_color() == disp.lines_["loss"].get_color()
    assert disp.lines_["val_loss"].get_linestyle() == "--"
    assert disp.lines_["accuracy"].get_color() != disp.lines_["loss"].get_color()
    assert disp.ax_.get_xlabel() == "epoch"
    assert disp.ax_.get_ylabel() == "value"
    assert disp.ax_.get_title() == "FakeKerasEstimator: training history, 4 epochs"

    losses = TrainingHistoryDisplay.from_estimator(
        Pipeline([("model", FakeKerasEstimator(history))]), keys=["loss", "val_loss"],
        logy=True,
    )
    assert list(losses.lines_) == ["loss", "val_loss"]
    assert losses.ax_.get_ylabel() == "loss"
    assert losses.ax_.get_yscale() == "log"


def test_training_history_display_errors(pyplot):
    untitled = TrainingHistoryDisplay({"loss": [1.0]}).plot()
    assert untitled.ax_.get_title() == "Training history, 1 epoch"
    with pytest.raises(NotFittedError, match="has no history_"):
        TrainingHistoryDisplay.from_estimator(StandardScaler())
    with pytest.raises(ValueError, match="keys must be keys of the history"):
        TrainingHistoryDisplay({"loss": [1.0]}).plot(keys=["accuracy"])
    with pytest.raises(ValueError, match="history is empty"):
        TrainingHistoryDisplay({}).plot()
    with pytest.raises(ValueError, match=r"history\['loss'\] must be a list"):
        TrainingHistoryDisplay({"loss": [[1.0, 2.0]]}).plot()


# --------------------------------------------------------------------------
# Equal error rate, SimilarityDisplay


def _scores(rng, n_same=150, n_different=450):
    same = np.repeat([True, False], [n_same, n_different])
    scores = np.clip(rng.normal(np.where(same, 0.7, 0.35), 0.12), 0, 1)
    return scores, same


def test_similarity_display(pyplot):
    scores, same = _scores(np.random.default_rng(0))
    disp = SimilarityDisplay.from_predictions(
        same.astype(int), scores, name="Siamese", bins=20)
    eer, threshold = equal_error_rate(same.astype(int), scores, return_threshold=True)
    assert disp.eer == eer and disp.threshold == threshold
    assert 0 < eer < 0.2
    assert len(disp.hist_same_) == len(disp.hist_different_) == 20
    assert sum(bar.get_height() for bar in disp.hist_same_) == 150
    assert sum(bar.get_height() for bar in disp.hist_different_) == 450
    assert_allclose(disp.threshold_line_.get_xdata(), [threshold, threshold])
    assert legend_texts(disp.ax_) == [
        "same person (150)", "different persons (450)",
        f"EER {100 * eer:.1f}% at {threshold:.3g}",
    ]
    assert disp.ax_.get_xlabel() == "similarity score"
    assert disp.ax_.get_ylabel() == "pairs"
    assert disp.ax_.get_title().startswith("Siamese: similarity of same")

    plain = SimilarityDisplay(scores, same).plot(density=True)
    assert plain.threshold_line_ is None
    assert plain.ax_.get_ylabel() == "density"


def test_similarity_display_from_estimator(pyplot):
    class FakeSiamese:
        """Scores a pair row [left | right] by how close the halves are."""

        def predict(self, X_pairs):
            half = X_pairs.shape[1] // 2
            distance = np.abs(X_pairs[:, :half] - X_pairs[:, half:]).mean(axis=1)
            return np.exp(-distance)[:, np.newaxis]  # a Keras-like column

    rng = np.random.default_rng(0)
    left = rng.random((40, 3))
    right = np.vstack([left[:20] + 0.01, rng.random((20, 3))])
    same = np.repeat([1, 0], 20)
    X_pairs = np.hstack([left, right])
    disp = SimilarityDisplay.from_estimator(FakeSiamese(), X_pairs, same)
    assert disp.name == "FakeSiamese"
    assert disp.eer == 0.0
    assert disp.ax_.get_title().startswith("FakeSiamese: ")


@pytest.mark.parametrize(
    "scores, same, message",
    [
        ([0.1, 0.2], [1, 1], "both same-person"),
        ([0.1, 0.2], [0, 2], "same must be 1"),
        ([0.1, np.nan], [0, 1], "scores must be finite"),
        ([0.1, 0.2, 0.3], [0, 1], "inconsistent numbers of samples"),
    ],
)
def test_similarity_display_rejects_bad_input(scores, same, message, pyplot):
    with pytest.raises(ValueError, match=message):
        SimilarityDisplay.from_predictions(same, scores)


# --------------------------------------------------------------------------
# SimilarityMatrixDisplay


def test_similarity_matrix_display_orders_segments_by_person(pyplot):
    groups = np.array(["p2", "p1", "p3", "p1", "p2", "p1"])
    rng = np.random.default_rng(0)
    matrix = rng.random((6, 6))
    disp = SimilarityMatrixDisplay.from_matrix(matrix, groups, similarity_name="score")
    order = [1, 3, 5, 0, 4, 2]  # p1, p1, p1, p2, p2, p3, each in its first order
    assert disp.groups.tolist() == ["p1", "p1", "p1", "p2", "p2", "p3"]
    assert disp.im_.get_array().shape == (6, 6)
    assert_allclose(disp.im_.get_array(), matrix[np.ix_(order, order)])
    assert [t.get_text() for t in disp.ax_.get_yticklabels()] == ["p1", "p2", "p3"]
    assert [t.get_text() for t in disp.ax_.get_xticklabels()] == ["p1", "p2", "p3"]
    assert_allclose(disp.ax_.get_yticks(), [1, 3.5, 5])
    assert len(disp.boundary_lines_) == 4  # two block edges, drawn across and down
    assert disp.colorbar_.ax.get_ylabel() == "score"
    assert disp.ax_.get_title() == "Pairwise similarity of 6 segments of 3 persons"

    plain = SimilarityMatrixDisplay.from_matrix(matrix, colorbar=False)
    assert plain.colorbar_ is None and plain.boundary_lines_ == []
    assert_allclose(plain.im_.get_array(), matrix)
    with pytest.raises(ValueError, match="square matrix"):
        SimilarityMatrixDisplay.from_matrix(matrix[:, :5])


def test_similarity_matrix_display_from_embeddings(pyplot):
    rng = np.random.default_rng(0)
    embeddings = rng.standard_normal((8, 4))
    groups = np.repeat(["a", "b"], 4)
    cosine = SimilarityMatrixDisplay.from_embeddings(embeddings, groups)
    assert_allclose(np.diag(cosine.im_.get_array()), 1)
    assert cosine.colorbar_.ax.get_ylabel() == "cosine similarity"
    euclid = SimilarityMatrixDisplay.from_embeddings(
        embeddings, groups, metric="euclidean")
    assert_allclose(np.diag(euclid.im_.get_array()), 0, atol=1e-12)
    assert (euclid.im_.get_array() <= 1e-12).all()
    with pytest.raises(ValueError, match="metric must be"):
        SimilarityMatrixDisplay.from_embeddings(embeddings, metric="manhattan")


def test_similarity_matrix_display_from_estimator(pyplot, monkeypatch):
    def pair_score(left, right):
        return 1 / (1 + np.abs(left - right).sum(axis=-1))

    class FakeSiamese:
        """predict on pair rows [left | right]; score_pairs on segments."""

        def predict(self, X_pairs):
            half = X_pairs.shape[1] // 2
            return pair_score(X_pairs[:, :half], X_pairs[:, half:])

        def score_pairs(self, X, Y=None):  # the similarity protocol's signature
            Y = X if Y is None else Y
            return pair_score(X[:, np.newaxis, :], Y[np.newaxis, :, :])

        def transform(self, X):
            return X[:, :2]

    class FakePredictor:
        predict = FakeSiamese.predict

    class FakeEncoder:
        def transform(self, X):
            return X[:, :2]

    rng = np.random.default_rng(0)
    X = rng.random((7, 3))
    groups = ["b", "a", "b", "a", "c", "c", "a"]
    order = np.argsort(groups, kind="stable")
    expected = pair_score(X[:, np.newaxis, :], X[np.newaxis, :, :])
    expected = expected[np.ix_(order, order)]
    # A small budget forces several chunks of pair rows.
    monkeypatch.setattr("sklearn_ecg.model_selection._protocols._PAIR_BUDGET", 30)
    for estimator, method in [(FakeSiamese(), "auto"), (FakeSiamese(), "predict"),
                              (FakePredictor(), "auto")]:
        disp = SimilarityMatrixDisplay.from_estimator(
            estimator, X, groups, response_method=method)
        assert_allclose(disp.im_.get_array(), expected)
        assert disp.colorbar_.ax.get_ylabel() == f"{type(estimator).__name__} score"

    for estimator, method in [(FakeSiamese(), "transform"), (FakeEncoder(), "auto")]:
        embedded = SimilarityMatrixDisplay.from_estimator(
            estimator, X, groups, response_method=method)
        assert embedded.colorbar_.ax.get_ylabel() == "cosine similarity"
        assert_allclose(np.diag(embedded.im_.get_array()), 1)
    with pytest.raises(ValueError, match="response_method must be"):
        SimilarityMatrixDisplay.from_estimator(
            FakeSiamese(), X, response_method="score")
    with pytest.raises(ValueError, match="not a similarity model"):
        SimilarityMatrixDisplay.from_estimator(object(), X)


def test_rpeak_display_shades_unusable_stretches(pyplot):
    plt = pyplot

    record = load_mitdb_sample()[0]
    x = record.signal[: int(60 * record.fs)].copy()
    noisy = slice(int(20 * record.fs), int(40 * record.fs))
    x[noisy] = np.random.default_rng(0).normal(0, np.std(x), size=x[noisy].size)
    disp = RPeakDisplay.from_signal(x, record.fs, quality=True)
    assert disp.unusable_ and disp.quality is not None
    for span in disp.unusable_:
        left, right = span.get_x(), span.get_x() + span.get_width()
        assert left >= 15 and right <= 45  # only around the noise
    assert "too noisy to trust" in [t.get_text() for t in disp.ax_.get_legend().get_texts()]
    plain = RPeakDisplay.from_signal(x, record.fs)
    assert plain.unusable_ == [] and plain.quality is None
    plt.close("all")
