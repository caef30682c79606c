"""Tests of R-peak detection, beat windows, RR features and RPeakSegmenter."""

import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from _shared import SET_OUTPUT_CHECKS
from sklearn.pipeline import make_pipeline
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_ecg import BeatNormalizer, RPeakSegmenter
from sklearn_ecg.datasets import load_ecgid_sample, load_mitdb_sample
from sklearn_ecg.metrics import detection_scores
from sklearn_ecg.segmentation import (
    DETECTORS,
    RR_FEATURE_NAMES,
    beat_windows,
    detect_r_peaks,
    rr_features,
)
from sklearn_ecg.utils import resample_rows

FS = 360


def spikes(period=0.8, duration=9.9, fs=FS, phase=0.4):
    t = np.arange(round(duration * fs)) / fs
    return np.exp(-(((t % period) - phase) ** 2) / (2 * 0.01**2))


@pytest.fixture(scope="module")
def mitdb_minute():
    """The first minute of each bundled MIT-BIH record, with its reference beats."""
    out = []
    for rec in load_mitdb_sample():
        n = int(60 * rec.fs)
        beats = rec.r_peaks[rec.r_peaks < n]
        out.append((rec.signal[:n], beats, rec.fs, rec.vf_episodes))
    return out


@parametrize_with_checks(
    [
        RPeakSegmenter(),
        RPeakSegmenter(beat_length=50, rr_features=False),
        RPeakSegmenter(edge="pad", detector="two_average"),
    ]
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


def test_detect_returns_sorted_int_array():
    x = spikes()
    peaks = RPeakSegmenter(fs=FS).detect(x)
    assert isinstance(peaks, np.ndarray) and peaks.dtype == np.int64
    np.testing.assert_array_equal(peaks, 144 + 288 * np.arange(12))


@pytest.mark.parametrize("detector", DETECTORS)
def test_every_detector_on_real_records(detector, mitdb_minute):
    """Each detector finds the beats of real records, and lands on the R peak.

    Records 124, 209 and 223 are ones every detector handles; the harder records
    separate the detectors, which is the benchmark's job (see the README).
    """
    tp = fn = fp = 0
    errors = []
    records = [m for m, rec in zip(mitdb_minute, load_mitdb_sample()) if rec.record in {"124", "209", "223"}]
    assert len(records) == 3
    for x, ref, fs, vf in records:
        peaks = detect_r_peaks(x, fs, detector)
        assert np.all(np.diff(peaks) > 0)
        s = detection_scores(ref, peaks, fs, exclude=vf)
        tp, fn, fp = tp + s["tp"], fn + s["fn"], fp + s["fp"]
        errors.append(s["mean_abs_error_ms"])
    assert tp / (tp + fn) > 0.97, detector
    assert tp / (tp + fp) > 0.97, detector
    # After correction the detections sit on the annotated R peak, whatever the
    # detector's own delay.
    assert np.nanmedian(errors) < 15, (detector, errors)


def test_default_detector_accuracy_on_sample():
    """The default detector over the whole bundled sample (40 minutes, 8 patients)."""
    tp = fn = fp = 0
    for rec in load_mitdb_sample():
        s = detection_scores(
            rec.r_peaks, detect_r_peaks(rec.signal, rec.fs), rec.fs, exclude=rec.vf_episodes
        )
        tp, fn, fp = tp + s["tp"], fn + s["fn"], fp + s["fp"]
    assert tp / (tp + fn) >= 0.995
    assert tp / (tp + fp) >= 0.99


def test_delay_correction_removes_causal_delay(mitdb_minute):
    x, ref, fs, _ = mitdb_minute[0]
    raw = detection_scores(ref, detect_r_peaks(x, fs, "hamilton", refine=False), fs)
    fixed = detection_scores(ref, detect_r_peaks(x, fs, "hamilton"), fs)
    assert raw["mean_error_ms"] > 25  # Hamilton's causal filters report late
    assert abs(fixed["mean_error_ms"]) < 10


def test_matched_filter_at_a_rate_without_template():
    """py-ecg-detectors has templates for 250 and 360 Hz only; 500 Hz is resampled."""
    rec = load_ecgid_sample()[0]
    assert rec.fs == 500
    peaks = detect_r_peaks(rec.signal, rec.fs, "matched_filter")
    s = detection_scores(rec.r_peaks, peaks, rec.fs)
    assert s["sensitivity"] == 1.0
    assert s["mean_abs_error_ms"] < 20


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"detector": "pan-tompkins"}, "detector must be one of"),
        ({"fs": 20}, "fs must be at least 50"),
    ],
)
def test_detect_errors(kwargs, match):
    params = {"fs": FS, "detector": "fast_pan_tompkins", **kwargs}
    with pytest.raises(ValueError, match=match):
        detect_r_peaks(spikes(), params["fs"], params["detector"])


def test_detect_rejects_nan_and_2d():
    x = spikes()
    x[10] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        detect_r_peaks(x, FS)
    with pytest.raises(ValueError, match="1-D"):
        detect_r_peaks(np.ones((2, 1000)), FS)


def test_short_or_flat_signal_has_no_peak():
    assert detect_r_peaks(np.ones(1000), FS).size == 0
    assert detect_r_peaks(spikes()[:100], FS).size == 0


def test_beat_windows_keep_the_r_peak_aligned():
    x = np.arange(100.0)
    peaks = np.array([3, 50, 97])
    beats, kept = beat_windows(x, peaks, fs=10, before=0.5, after=0.5, edge="drop")
    np.testing.assert_array_equal(kept, [False, True, False])
    np.testing.assert_array_equal(beats[0], np.arange(45, 55))
    beats, kept = beat_windows(x, peaks, fs=10, before=0.5, after=0.5, edge="pad")
    assert kept.all()
    # The R peak is always at index round(before * fs), edge beats included.
    np.testing.assert_array_equal(beats[:, 5], x[peaks])
    np.testing.assert_array_equal(beats[0], [0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8][1:11])
    np.testing.assert_array_equal(beats[2], [92, 93, 94, 95, 96, 97, 98, 99, 99, 99])


def test_rr_features_by_hand():
    peaks = np.array([0, 100, 200, 250, 400, 500])  # a premature beat at 250
    rr = rr_features(peaks, fs=100)
    assert rr.shape == (6, len(RR_FEATURE_NAMES))
    local = rr[:, 2]
    np.testing.assert_allclose(local, 1.0)  # 5 intervals summing to 5 s
    np.testing.assert_allclose(rr[3, :2], [0.5, 1.5])  # premature, then the pause
    np.testing.assert_allclose(rr[3, 3:5], [0.5, 1.5])
    # First and last beats lack one neighbour: set to the local average.
    np.testing.assert_allclose(rr[0, 0], local[0])
    np.testing.assert_allclose(rr[-1, 1], local[-1])
    assert np.isnan(rr_features(np.array([10]), fs=100)).all()


def test_segment_reports_dropped_edge_beats():
    x = spikes(phase=0.1)  # the first beat is 0.1 s from the start
    seg = RPeakSegmenter(fs=FS, before=0.25, after=0.45)
    out = seg.segment(x)
    assert out.dropped.size >= 1 and out.dropped[0] < 0.25 * FS
    assert len(out.beats) == len(out.peaks) == len(out.rr)
    np.testing.assert_array_equal(out.detected, np.union1d(out.peaks, out.dropped))
    assert len(out.feature_names) == out.beats.shape[1] + out.rr.shape[1]
    padded = RPeakSegmenter(fs=FS, edge="pad").segment(x)
    assert padded.dropped.size == 0
    assert len(padded.beats) == len(out.beats) + len(out.dropped)


def test_segment_with_given_peaks():
    x = spikes()
    out = RPeakSegmenter(fs=FS, beat_length=64).segment(x, peaks=[432, 144])
    np.testing.assert_array_equal(out.peaks, [144, 432])
    assert out.beats.shape == (2, 64)
    with pytest.raises(ValueError, match="peaks must lie inside the signal"):
        RPeakSegmenter(fs=FS).segment(x, peaks=[10**7])


def test_transform_rows_in_rows_out():
    X = np.vstack([spikes(), spikes(period=0.6)])
    seg = RPeakSegmenter(fs=FS, beat_length=100).fit(X)
    Xt = seg.transform(X)
    names = seg.get_feature_names_out()
    assert Xt.shape == (2, 104) == (len(X), len(names))
    # 12 beats 0.8 s apart; the median beat peaks where the R peak sits.
    n_beats, rr_mean, rr_std = Xt[0, 100:103]
    assert n_beats == 12 and rr_mean == pytest.approx(0.8, abs=0.005) and rr_std < 0.005
    assert Xt[1, 100] == 16 and Xt[1, 101] == pytest.approx(0.6, abs=0.005)
    assert np.argmax(Xt[0, :100]) == pytest.approx(100 * 0.25 / 0.7, abs=1)


def test_transform_windows_with_few_or_no_beats():
    """The documented rows for windows without a full beat (see Notes)."""
    no_beat = np.zeros(round(9.9 * FS))
    one_beat = spikes(period=20.0, phase=5.0)
    edge_beats = spikes(period=9.7, phase=0.1)  # beats at 0.1 s and 9.8 s: too near the ends
    seg = RPeakSegmenter(fs=FS, beat_length=100).fit(np.vstack([no_beat]))
    with pytest.warns(UserWarning, match=r"2 of 3 windows yield no beat .*\(rows 0, 2\)"):
        Xt = seg.transform(np.vstack([no_beat, one_beat, edge_beats]))
    # No beat: NaN beat, n_beats 0, NaN RR statistics.
    assert np.isnan(Xt[0, :100]).all()
    assert Xt[0, 100] == 0
    assert np.isnan(Xt[0, 101:]).all()
    # One beat: its beat, n_beats 1, no interval to measure.
    assert np.isfinite(Xt[1, :100]).all()
    assert Xt[1, 100] == 1
    assert np.isnan(Xt[1, 101:]).all()
    # Two beats, both too near the ends to cut: no median beat, but the rhythm.
    assert np.isnan(Xt[2, :100]).all()
    assert Xt[2, 100] == 2
    assert Xt[2, 101] == pytest.approx(9.7, abs=0.01)
    # edge="pad" cuts them anyway.
    padded = RPeakSegmenter(fs=FS, beat_length=100, edge="pad").fit(no_beat[None])
    assert np.isfinite(padded.transform(edge_beats[None])[0, :100]).all()


def test_what_a_beatless_window_becomes_is_the_users_choice():
    windows = np.vstack([np.zeros(round(9.9 * FS)), spikes(period=0.8, phase=0.4)])
    Xt = RPeakSegmenter(fs=FS, beat_length=100, no_beat="nan").fit_transform(windows)
    assert np.isnan(Xt[0, :100]).all() and np.isfinite(Xt[1, :100]).all()
    with pytest.raises(ValueError, match=r"X: 1 of 2 windows yield no beat .*\(rows 0\)"):
        RPeakSegmenter(fs=FS, beat_length=100, no_beat="raise").fit_transform(windows)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        RPeakSegmenter(fs=FS, beat_length=100).fit_transform(windows[1:])  # no warning


def test_segment_measures_how_alike_the_detected_beats_are():
    # Detectors find "R peaks" in noise too: the measures tell them apart.
    rng = np.random.default_rng(0)
    white = rng.normal(size=360 * 60)
    noise = RPeakSegmenter(fs=360).segment(white)
    assert noise.peaks.size > 60  # 60 s of white noise, yet "beats"
    ecg = RPeakSegmenter(fs=360).segment(load_mitdb_sample()[0].signal)
    assert noise.template_corr.shape == noise.peaks.shape
    assert np.median(noise.template_corr) < 0.3 < 0.9 < np.median(ecg.template_corr)
    # The learned detector's "beats" in noise keep a plausible rhythm; the Pan-Tompkins' do not.
    classic = RPeakSegmenter(fs=360, detector="fast_pan_tompkins").segment(white)
    assert ecg.plausible_rr > 0.95 and classic.plausible_rr < 0.85
    flat = RPeakSegmenter(fs=360).segment(np.zeros(3600))
    assert flat.template_corr.size == 0 and np.isnan(flat.plausible_rr)


@pytest.mark.parametrize("detector", DETECTORS)
def test_short_windows_never_crash(detector):
    """Rows of a few seconds: every detector gives a row, NaN where it finds nothing."""
    rec = load_mitdb_sample()[0]
    X = rec.signal[: 10 * 720].reshape(10, 720)  # 2-second windows
    Xt = RPeakSegmenter(fs=rec.fs, detector=detector).fit_transform(X)
    assert Xt.shape == (10, 252 + 4)
    assert np.all(Xt[:, 252] >= 0)


def test_transform_median_beat_of_real_windows():
    rec = load_mitdb_sample()[0]
    n = int(10 * rec.fs)
    X = rec.signal[: 6 * n].reshape(6, n)
    seg = RPeakSegmenter(fs=rec.fs, before=0.25, after=0.45)
    Xt = seg.fit_transform(X)
    beats = Xt[:, : seg.beat_length_]
    # Refined peaks: the median beat peaks at the R peak, index round(0.25 * fs).
    peak_at = np.argmax(np.abs(beats - np.median(beats, axis=1, keepdims=True)), axis=1)
    assert np.all(np.abs(peak_at - 90) <= 3)
    heart_rate = 60 / Xt[:, -3]
    assert np.all((heart_rate > 40) & (heart_rate < 150))


def test_set_output_pandas_and_pipeline():
    X = np.vstack([spikes(), spikes(period=0.7)])
    pipe = make_pipeline(RPeakSegmenter(fs=FS, rr_features=False), BeatNormalizer(beat_length=50))
    pipe.set_output(transform="pandas")
    out = pipe.fit_transform(X)
    assert isinstance(out, pd.DataFrame) and out.shape == (2, 50)
    seg = RPeakSegmenter(fs=FS).set_output(transform="pandas")
    df = seg.fit_transform(X)
    assert list(df.columns) == list(seg.get_feature_names_out())
    assert df["n_beats"].tolist() == [12, 14]


@pytest.mark.filterwarnings("ignore:X (does not have valid|has) feature names")
@pytest.mark.parametrize(
    "check",
    SET_OUTPUT_CHECKS,
)
def test_set_output_and_feature_name_checks(check):
    # parametrize_with_checks does not run these; they run here.
    check("RPeakSegmenter", RPeakSegmenter())


def test_invalid_parameters_name_the_argument():
    X = np.vstack([spikes()])
    with pytest.raises(ValueError, match="detector"):
        RPeakSegmenter(detector="nope").fit(X)
    with pytest.raises(ValueError, match="edge"):
        RPeakSegmenter(edge="wrap").fit(X)
    with pytest.raises(ValueError, match="before"):
        RPeakSegmenter(before=-1).fit(X)
    with pytest.raises(ValueError, match="'fs' parameter"):
        RPeakSegmenter(fs=20).fit(X)
    with pytest.raises(ValueError, match="peaks must hold whole sample indices"):
        RPeakSegmenter().segment(spikes(), peaks=[100.5])


def test_rr_ratios_relative_to_the_record_and_running_mean():
    # A slow patient and a fast one with the same premature beat, in proportion.
    for scale in (1.0, 0.6):
        peaks = np.round(np.array([0, 100, 200, 300, 350, 500, 600, 700]) * scale).astype(int)
        rr = rr_features(peaks, fs=100)
        names = list(RR_FEATURE_NAMES)
        record = rr[:, names.index("rr_prev_record")]
        mean_rr = np.diff(peaks).mean() / 100
        np.testing.assert_allclose(record, rr[:, 0] / mean_rr)
        # The premature beat is below its rhythm whatever the heart rate.
        np.testing.assert_allclose(record[4], 0.5 / (7 / 7), rtol=0.05)
        running = rr[:, names.index("rr_prev_running")]
        # Running mean of the intervals up to beat i: 1, 1, 1, then (3 + 0.5) / 4.
        np.testing.assert_allclose(running[1:5], [1, 1, 1, 0.5 / (3.5 / 4)], rtol=0.02)
        np.testing.assert_allclose(rr[:, names.index("rr_next_running")][3], 0.5 / 1.0, rtol=0.02)


def test_running_rr_ratio_is_causal():
    peaks = np.cumsum(np.full(60, 80))
    late = peaks.copy()
    late[50:] += 30  # change only the future of beat 48
    a, b = rr_features(peaks, fs=100), rr_features(late, fs=100)
    column = list(RR_FEATURE_NAMES).index("rr_prev_running")
    np.testing.assert_array_equal(a[:49, column], b[:49, column])
    # The record-wide ratio, by contrast, sees the whole record.
    record = list(RR_FEATURE_NAMES).index("rr_prev_record")
    assert not np.allclose(a[:49, record], b[:49, record])


def test_segment_cuts_every_lead_at_the_peaks_of_the_first():
    x = spikes(phase=0.5)
    two = np.column_stack([x, -2 * x])
    seg = RPeakSegmenter(fs=FS, beat_length=50)
    one, both = seg.segment(x), seg.segment(two)
    np.testing.assert_array_equal(one.peaks, both.peaks)
    assert both.beats.shape == (len(one.beats), 50, 2)
    np.testing.assert_allclose(both.beats[:, :, 0], one.beats)
    np.testing.assert_allclose(both.beats[:, :, 1], -2 * one.beats)
    with pytest.raises(ValueError, match="signal must be one lead"):
        seg.segment(np.zeros((10, 2, 2)))


# -- long records in chunks ------------------------------------------------------


@pytest.mark.parametrize("chunk", [7.0, 60.0])
def test_chunked_detection_gives_the_peaks_of_a_single_pass(chunk):
    # The zero-phase Pan-Tompkins carries its state from chunk to chunk: the same peaks.
    for record in load_mitdb_sample():
        whole = detect_r_peaks(record.signal, record.fs, "fast_pan_tompkins")
        np.testing.assert_array_equal(
            detect_r_peaks(record.signal, record.fs, "fast_pan_tompkins", chunk_duration=chunk), whole,
            err_msg=f"record {record.record}")


@pytest.mark.parametrize("chunk", [7.0, 60.0])
def test_chunked_learned_detection_is_as_good_as_a_single_pass(chunk):
    # The network scales each chunk (with its minute of overlap on either side) by its own
    # amplitude: where the amplitude changes (record 207's flutter) a few peaks differ,
    # none of the accuracy.
    tp = {"whole": 0, "chunked": 0}
    fp = dict(tp)
    for record in load_mitdb_sample():
        for name, kwargs in (("whole", {}), ("chunked", {"chunk_duration": chunk})):
            s = detection_scores(record.r_peaks, detect_r_peaks(record.signal, record.fs, **kwargs),
                                 record.fs, exclude=record.vf_episodes)
            tp[name] += s["tp"]
            fp[name] += s["fp"]
    assert tp["chunked"] >= tp["whole"] - 5 and fp["chunked"] <= fp["whole"] + 5, (tp, fp)


@pytest.mark.parametrize("edge", ["drop", "pad"])
def test_chunked_segment_of_a_memmap_equals_a_single_pass(tmp_path, edge):
    record = load_mitdb_sample(lead=("MLII", "V1", "V5", "V2"))[0]
    signal = record.signal
    if signal.ndim == 1:
        signal = np.column_stack([signal, -signal[::-1]])
    stored = np.lib.format.open_memmap(tmp_path / "x.npy", mode="w+", dtype=np.float32,
                                       shape=signal.shape)
    stored[:] = signal
    stored.flush()
    on_disk = np.load(tmp_path / "x.npy", mmap_mode="r")
    params = dict(fs=record.fs, beat_length=64, edge=edge)
    whole = RPeakSegmenter(**params).segment(np.asarray(on_disk, dtype=float))
    chunked = RPeakSegmenter(**params, chunk_duration=20.0).segment(on_disk)
    for key in ("beats", "rr", "peaks", "dropped", "detected"):
        np.testing.assert_array_equal(chunked[key], whole[key], err_msg=key)
    assert chunked.beats.ndim == 3 and len(chunked.beats) > 300


def test_chunked_detection_errors_name_the_argument_and_the_place():
    x = np.sin(np.arange(40 * 360) / 20.0)
    with pytest.raises(ValueError, match="chunk_duration must be a positive number"):
        detect_r_peaks(x, 360, chunk_duration=0)
    x[30 * 360] = np.nan
    with pytest.raises(ValueError, match=r"NaN.*between samples 0 and 14400"):
        detect_r_peaks(x, 360, chunk_duration=10.0)
    with pytest.raises(ValueError, match="chunk_duration"):
        RPeakSegmenter(chunk_duration=-1.0).segment(x)


def _artefact(x, kind, at, fs):
    x = x.copy()
    if kind == "sentinel":  # one lead-off / saturation sentinel sample, as recorders write
        x[at] = -9999.0
    elif kind == "spike":
        x[at] = x[at] + 50.0
    elif kind == "step":  # a gain or offset change for the rest of the record
        x[at:] += 5.0
    elif kind == "saturated":  # three seconds at the rail
        x[at:at + int(3 * fs)] = 5.0
    return x


@pytest.mark.parametrize("detector", ["fast_pan_tompkins", "cnn"])
@pytest.mark.parametrize("chunk_duration", [None, 60.0])
@pytest.mark.parametrize("kind", ["sentinel", "spike", "step", "saturated"])
def test_one_artefact_affects_detection_only_near_it(kind, chunk_duration, detector):
    # One sample of -9999 stopped the default detector for the rest of the record (its
    # adaptive levels lifted for good): every artefact now affects its own few seconds.
    rec = load_mitdb_sample()[0]
    fs, at = rec.fs, rec.signal.size // 3
    clean = detect_r_peaks(rec.signal, fs, detector, chunk_duration=chunk_duration)
    found = detect_r_peaks(_artefact(rec.signal, kind, at, fs), fs, detector, chunk_duration=chunk_duration)
    far = int(5 * fs)
    outside = lambda p: p[(p < at - far) | (p > at + far + int(3 * fs))]  # noqa: E731
    np.testing.assert_array_equal(outside(found), outside(clean))
    assert detection_scores(rec.r_peaks, found, fs)["sensitivity"] > 0.97


def test_learned_detector_predicts_without_tensorflow():
    code = (
        "import sys\n"
        "from sklearn_ecg.datasets import load_mitdb_sample\n"
        "from sklearn_ecg.segmentation import detect_r_peaks\n"
        "rec = load_mitdb_sample()[0]\n"
        "peaks = detect_r_peaks(rec.signal, rec.fs, 'cnn')\n"
        "assert abs(len(peaks) - len(rec.r_peaks)) < 10, len(peaks)\n"
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("fs", [100.0, 128.0, 250.0, 500.0, 1000.0])
def test_learned_detector_at_any_rate(fs):
    """The network works at 100 Hz; a record resampled to any rate gives the same beats."""
    rec = load_mitdb_sample()[1]
    x = resample_rows(rec.signal[None, :], round(rec.signal.size * fs / rec.fs))[0]
    reference = np.round(rec.r_peaks * fs / rec.fs).astype(int)
    s = detection_scores(reference, detect_r_peaks(x, fs, "cnn"), fs)
    assert s["sensitivity"] > 0.99 and s["positive_predictivity"] > 0.99, s


def test_learned_detector_inverted_and_scaled():
    rec = load_mitdb_sample()[0]
    for x in (-rec.signal, 1000 * rec.signal, 0.001 * rec.signal):
        s = detection_scores(rec.r_peaks, detect_r_peaks(x, rec.fs, "cnn"), rec.fs)
        assert s["sensitivity"] > 0.99 and s["positive_predictivity"] > 0.99, s


def test_detections_in_noise_alone_are_in_unusable_stretches():
    """A detector finds "beats" in noise; the signal quality says none is to be trusted."""
    from sklearn_ecg.segmentation import peak_quality

    rng = np.random.default_rng(0)
    fs = 360.0
    assert detect_r_peaks(np.zeros(int(60 * fs)), fs).size == 0
    for noise in (rng.normal(size=int(60 * fs)), np.cumsum(rng.normal(size=int(60 * fs)))):
        peaks = detect_r_peaks(noise, fs)
        _, level = peak_quality(noise, fs, peaks)
        assert (level == "unusable").all(), dict(zip(*np.unique(level, return_counts=True)))


def test_learned_detector_weights_ship_small_and_plain():
    from importlib import resources

    from sklearn_ecg.segmentation._learned import load_cnn_weights

    path = resources.files("sklearn_ecg.segmentation").joinpath("data", "rpeak_cnn.npz")
    assert path.is_file() and path.stat().st_size < 200_000
    weights = load_cnn_weights()
    assert 0 < float(weights["threshold"]) < 1
    assert all(np.isfinite(np.asarray(v, dtype=float)).all() for v in weights.values())


def test_segment_refuses_leads_as_rows():
    # Leads by samples gave beats of shape (0, 252, 108000) where detect refuses the input.
    rec = load_mitdb_sample()[0]
    two_leads = np.vstack([rec.signal, rec.signal])  # (2, n_samples): leads as rows
    with pytest.raises(ValueError, match=r"leads go in columns.*signal\.T"):
        RPeakSegmenter(fs=rec.fs).segment(two_leads)
    assert RPeakSegmenter(fs=rec.fs).segment(two_leads.T).beats.ndim == 3


def test_detect_refuses_an_implausibly_high_rate():
    # --fs 1e9 gave "0 R peaks" and exit 0.
    with pytest.raises(ValueError, match="fs must be at most 20000 Hz"):
        detect_r_peaks(np.zeros(10_000), 1e9)


@pytest.mark.slow
def test_learned_detector_numpy_forward_matches_keras():
    """The shipped weights in a Keras network (as train_rpeak_detector.py builds it) give
    the probabilities the NumPy forward pass computes, ends of the signal included."""
    import keras

    from sklearn_ecg.segmentation._learned import cnn_forward, cnn_input, load_cnn_weights

    weights = load_cnn_weights()
    n_layers = int(weights["n_layers"])
    inputs = keras.Input((None, 1))
    h = x = inputs
    for i in range(n_layers):
        k, _, c_out = weights[f"kernel_{i}"].shape
        layer = keras.layers.Conv1D(c_out, k, dilation_rate=int(weights["dilations"][i]), padding="same",
                                    activation="relu")
        out = layer(x)
        layer.set_weights([weights[f"kernel_{i}"], weights[f"bias_{i}"]])
        h = out if i == 0 else keras.layers.Add()([h, out])
        x = h
    last = keras.layers.Conv1D(1, 1, activation="sigmoid")
    outputs = last(h)
    last.set_weights([weights["kernel_out"], weights["bias_out"]])
    model = keras.Model(inputs, outputs)
    rec = load_mitdb_sample()[0]
    z = cnn_input(rec.signal[: 20_000 * 36 // 10], rec.fs)  # 20,000 samples at 100 Hz: several blocks
    expected = model.predict(z[None, :, None], verbose=0)[0, :, 0]
    np.testing.assert_allclose(cnn_forward(z, weights), expected, atol=2e-5)
