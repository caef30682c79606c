"""Whole-record models: RecordBeatClassifier, predict_records and ``sklearn-ecg predict``."""

import contextlib
import io
import subprocess
import sys
import warnings

import joblib
import numpy as np
import pandas as pd
import pytest
import sklearn
from _shared import SMALL_CNN
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression

from sklearn_ecg import RPeakSegmenter
from sklearn_ecg.__main__ import main
from sklearn_ecg.datasets import get_sample_home, load_mitdb_sample, make_beat_dataset
from sklearn_ecg.neural import HeartbeatCNNClassifier
from sklearn_ecg.pipeline import (
    RecordBeatClassifier,
    predict_records,
    read_record_signal,
    relative_feature_names,
    relative_morphology,
)
from sklearn_ecg.utils import save_model, set_inference

RECORDS = load_mitdb_sample()
SAMPLE_MITDB = get_sample_home() / "mitdb"
SEGMENTER = RPeakSegmenter(fs=360, before=0.25, after=0.45, beat_length=96)
CNN = {**SMALL_CNN, "epochs": 1, "random_state": 0}


@pytest.fixture(scope="module")
def linear():
    """A logistic regression on beats, RR and relative features of six sample records."""
    return RecordBeatClassifier(LogisticRegression(max_iter=500), segmenter=SEGMENTER,
                                relative_features=True).fit(RECORDS[:6])


@pytest.fixture(scope="module")
def cnn_file(tmp_path_factory):
    """A tiny CNN record model, fitted with the patients routed to its early stopping."""
    with sklearn.config_context(enable_metadata_routing=True):
        model = RecordBeatClassifier(
            HeartbeatCNNClassifier(extra_features=20, **CNN).set_fit_request(groups=True),
            segmenter=SEGMENTER, relative_features=True,
        ).fit(RECORDS[:4])
    path = tmp_path_factory.mktemp("model") / "cnn.joblib"
    joblib.dump(model, path)
    return model, path


def test_features_are_those_of_make_beat_dataset(linear):
    # The rows of a record are cut and described exactly as in training.
    record = RECORDS[6]
    data = make_beat_dataset([record], peaks=SEGMENTER.detector, beat_length=96)
    features = linear.beat_features(record.signal, fs=360)
    labelled = np.isin(features.peaks, data.sample)
    expected_relative = relative_morphology(
        linear.segmenter_.segment(record.signal).beats, np.zeros(len(features.X)),
        fs=96 / 0.7, r_offset=0.25)
    assert np.allclose(features.X[labelled, :96 + 10], np.hstack([data.X, data.rr]))
    assert np.allclose(features.X[:, -10:], expected_relative)
    names = linear.feature_names_
    assert len(names) == features.X.shape[1] == 96 + 10 + 10
    assert names[-10:].tolist() == relative_feature_names() and names[-1] == "template_corr"


def test_predict_record_gives_one_row_per_beat(linear):
    record = RECORDS[6]
    table = linear.predict_record(record.signal, fs=record.fs)
    segmented = linear.segmenter_.segment(record.signal)
    assert table.columns.tolist() == ["sample", "time_s", "class"] + [
        f"proba_{c}" for c in linear.classes_] + ["template_corr", "proba_usable", "quality"]
    assert np.allclose(table["template_corr"], segmented.template_corr)
    assert table["sample"].tolist() == segmented.peaks.tolist()
    assert np.allclose(table["time_s"], segmented.peaks / 360)
    proba = table[[f"proba_{c}" for c in linear.classes_]].to_numpy()
    assert np.allclose(proba.sum(axis=1), 1)
    features = linear.beat_features(record.signal).X
    usable = (table["quality"] != "unusable").to_numpy()
    assert usable.mean() > 0.9  # a clean five-minute excerpt
    assert (table["class"].to_numpy()[usable] == linear.estimator_.predict(features)[usable]).all()
    assert (table["class"].to_numpy()[~usable] == "Q").all()
    plain = clone(linear).set_params(quality=None).fit(RECORDS[:6]).predict_record(record.signal)
    assert "quality" not in plain and (plain["class"].to_numpy() == linear.estimator_.predict(features)).all()


def test_beats_in_a_stretch_of_noise_are_labelled_q(linear):
    """A minute of muscle-like noise in the middle of a record: its "beats" are Q, not N/S/V/F."""
    record = RECORDS[6]
    signal = record.signal.copy()
    rng = np.random.default_rng(0)
    noisy = slice(int(120 * 360), int(180 * 360))
    signal[noisy] += 10 * np.std(signal) * rng.normal(size=signal[noisy].size)  # beats buried
    table = linear.predict_record(signal, fs=record.fs)
    inside = (table["sample"] >= noisy.start + 5 * 360) & (table["sample"] < noisy.stop - 5 * 360)
    outside = (table["sample"] < noisy.start - 5 * 360) | (table["sample"] >= noisy.stop + 5 * 360)
    assert inside.any() and (table.loc[inside, "class"] == "Q").mean() > 0.9
    assert (table.loc[outside, "class"] == "Q").mean() < 0.1


def test_predict_record_refuses_a_signal_the_model_does_not_fit(linear):
    signal = RECORDS[6].signal
    with pytest.raises(ValueError, match="fs: the model was fitted on records at 360 Hz"):
        linear.predict_record(signal, fs=250)
    with pytest.raises(ValueError, match="signal must hold 1 lead"):
        linear.predict_record(np.column_stack([signal, signal]))
    gappy = signal.copy()
    gappy[100:110] = np.nan
    with pytest.raises(ValueError, match="10 NaN samples"):
        linear.predict_record(gappy)
    with pytest.raises(ValueError, match="segmenter has fs=250 Hz but the records are at 360 Hz"):
        RecordBeatClassifier(LogisticRegression(), segmenter=RPeakSegmenter(fs=250)).fit(RECORDS[:2])
    with pytest.raises(ValueError, match="records must be a non-empty list"):
        RecordBeatClassifier(LogisticRegression()).fit(RECORDS[0])


def test_a_record_without_beats_gives_an_empty_table(linear):
    table = linear.predict_record(np.zeros(3600))
    assert len(table) == 0 and "proba_N" in table.columns


def test_groups_reach_an_estimator_that_takes_them():
    class Recorder(LogisticRegression):
        def fit(self, X, y, groups=None):
            self.groups_seen_ = groups
            return super().fit(X, y)

    model = RecordBeatClassifier(Recorder(max_iter=200), segmenter=SEGMENTER).fit(RECORDS[:3])
    assert set(model.estimator_.groups_seen_) == {r.subject for r in RECORDS[:3]}
    assert len(model.estimator_.groups_seen_) == model.n_beats_


def test_predict_records_reads_paths_and_records_in_order(linear):
    paths = [SAMPLE_MITDB / "209", SAMPLE_MITDB / "223"]
    table = predict_records(linear, [paths[0], RECORDS[7]])
    assert table["record"].unique().tolist() == ["209", "223"]
    one = linear.predict_record(read_record_signal(paths[0], lead="MLII").signal)
    assert table[table["record"] == "209"].drop(columns="record").reset_index(drop=True).equals(one)
    with pytest.raises(TypeError, match="model must be a fitted RecordBeatClassifier"):
        predict_records(linear.estimator_, paths)


def test_cnn_record_model_predicts_the_same_without_tensorflow(cnn_file):
    model, _ = cnn_file
    signal = RECORDS[5].signal
    assert set_inference(model, "keras") == 1
    keras_table = model.predict_record(signal)
    set_inference(model, "numpy")
    numpy_table = model.predict_record(signal)
    assert np.abs(keras_table.filter(like="proba_").to_numpy()
                  - numpy_table.filter(like="proba_").to_numpy()).max() < 1e-5


def test_cli_predict_writes_the_beat_table_without_importing_tensorflow(cnn_file, tmp_path):
    model, path = cnn_file
    out = tmp_path / "beats.csv"
    code = (
        "import sys\nfrom sklearn_ecg.__main__ import main\n"
        f"assert main(['predict', {str(path)!r}, {str(SAMPLE_MITDB / '208')!r}, "
        f"{str(SAMPLE_MITDB / '209.hea')!r}, '--output', {str(out)!r}]) == 0\n"
        "assert 'tensorflow' not in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "records, " in done.stderr and "(numpy inference)" in done.stderr
    table = pd.read_csv(out, dtype={"record": str})
    assert table["record"].unique().tolist() == ["208", "209"]
    set_inference(model, "keras")
    expected = model.predict_record(RECORDS[5].signal)  # record 208
    got = table[table["record"] == "208"]
    assert got["sample"].tolist() == expected["sample"].tolist()
    assert np.allclose(got.filter(like="proba_").to_numpy(),
                       expected.filter(like="proba_").to_numpy(), atol=1e-5)


def test_cli_predict_reads_a_folder_and_a_skops_file(linear, tmp_path):
    path = tmp_path / "linear.skops"
    save_model(linear, path)
    out = tmp_path / "beats.csv"
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        assert main(["predict", str(path), str(SAMPLE_MITDB), "--output", str(out)]) == 0
    table = pd.read_csv(out, dtype={"record": str})
    assert table["record"].unique().tolist() == sorted(r.record for r in RECORDS)
    assert f"8/8 records, {len(table)} beats" in stderr.getvalue()


@pytest.mark.parametrize(
    "args, message",
    [
        (["{model}", "{record}", "--output", "x.txt"], "--output must end in .csv or .parquet"),
        (["missing.joblib", "{record}"], "no such model file"),
        (["{beat_model}", "{record}"], "holds a LogisticRegression, not a RecordBeatClassifier"),
        (["{model}", "{csv}"], "--fs is required"),
        (["{model}", "{csv}", "--fs", "500"], "the model was fitted on records at 360 Hz"),
        (["{model}", "{record}", "--lead", "V9"], "no --lead 'V9'"),
    ],
)
def test_cli_predict_errors(linear, tmp_path, capsys, args, message):
    paths = {"model": tmp_path / "m.joblib", "beat_model": tmp_path / "b.joblib",
             "record": SAMPLE_MITDB / "101", "csv": tmp_path / "x.csv"}
    joblib.dump(linear, paths["model"])
    joblib.dump(linear.estimator_, paths["beat_model"])
    pd.DataFrame({"ecg": np.sin(np.arange(5000) / 20)}).to_csv(paths["csv"], index=False)
    argv = ["predict"] + [a.format(**paths) for a in args]
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_an_inverted_signal_is_said_and_turned_over_on_request():
    # A raw-beat model called every N beat of an inverted record V, silently.
    records = load_mitdb_sample()
    model = RecordBeatClassifier(LogisticRegression(max_iter=1000), quality=None,
                                 segmenter=RPeakSegmenter(fs=360, beat_length=64)).fit(records[:6])
    assert model.polarity_.tolist() == [1]
    x = records[6].signal
    upright = model.predict_record(x, fs=360)
    with pytest.warns(UserWarning, match="lead 0 point the other way.*classified as given"):
        given = model.predict_record(-x, fs=360)
    assert (given["class"] == "V").mean() > 0.9 > (upright["class"] == "V").mean()
    with pytest.warns(UserWarning, match="classified turned over"):
        turned = model.set_params(polarity="auto").predict_record(-x, fs=360)
    assert (turned["class"].to_numpy() == upright["class"].to_numpy()).mean() > 0.95
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.set_params(polarity="keep").predict_record(-x, fs=360)
        model.set_params(polarity="warn").predict_record(x, fs=360)
