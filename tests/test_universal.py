"""UniversalBeatClassifier, the shipped beat classifier and the Holter summary."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from scipy.signal import resample_poly
from sklearn.base import clone
from sklearn.ensemble import HistGradientBoostingClassifier

from sklearn_ecg.datasets import get_sample_home, load_mitdb_sample
from sklearn_ecg.inspection import holter_summary, holter_summary_lines, write_holter_report
from sklearn_ecg.metrics import match_peaks
from sklearn_ecg.pipeline import (
    UniversalBeatClassifier,
    beat_context_feature_names,
    beat_context_features,
)
from sklearn_ecg.pretrained import load_beat_classifier


@pytest.fixture(scope="module")
def records():
    return load_mitdb_sample()


@pytest.fixture(scope="module")
def small_model(records):
    return UniversalBeatClassifier(
        HistGradientBoostingClassifier(max_iter=15, random_state=0), n_seeds=2, quality=None,
        random_state=0).fit(records[:5])


@pytest.fixture(scope="module")
def shipped():
    return load_beat_classifier()


def test_features_have_their_names_and_are_lead_independent(records):
    rec = records[5]
    peaks = rec.r_peaks[5:-5]
    features = beat_context_features(rec.signal, rec.fs, peaks)
    assert features.shape == (1, peaks.size, len(beat_context_feature_names()))
    assert np.isfinite(features).all()
    # The same lead inverted and scaled describes the same beats.
    flipped = beat_context_features(-3.0 * rec.signal, rec.fs, peaks)
    np.testing.assert_allclose(flipped, features, rtol=1e-6, atol=1e-6)


def test_fit_predict_record_table(small_model, records):
    rec = records[6]
    table = small_model.predict_record(rec.signal, fs=rec.fs)
    assert table.columns.tolist() == ["sample", "time_s", "class", *[
        f"proba_{c}" for c in small_model.classes_], "template_corr"]
    assert set(table["class"]) <= set(small_model.classes_)
    np.testing.assert_allclose(table.filter(like="proba_").sum(axis=1), 1.0, rtol=1e-6)
    _ref, det = match_peaks(rec.r_peaks, table["sample"], rec.fs)
    assert det.size >= 0.97 * rec.r_peaks.size
    assert len(small_model.estimators_) == 2
    assert small_model.training_records_.tolist() == [r.record for r in records[:5]]


def test_fit_is_seeded(records, small_model):
    again = clone(small_model).fit(records[:5])
    rec = records[6]
    pd.testing.assert_frame_equal(again.predict_record(rec.signal, fs=rec.fs),
                                  small_model.predict_record(rec.signal, fs=rec.fs))


def test_prior_shift_is_an_em_fixed_point_and_moves_toward_the_records_priors():
    from sklearn_ecg.pipeline._universal import _shift_to_record_priors

    # A balanced model's probabilities of N and S for a record of 190 N-looking beats
    # and 10 S-looking ones.
    proba = np.vstack([np.tile([0.99, 0.01], (190, 1)), np.tile([0.01, 0.99], (10, 1))])
    np.testing.assert_array_equal(_shift_to_record_priors(proba, 0.0), proba)
    full = _shift_to_record_priors(proba, 1.0, n_iter=500)
    # EM's fixed point: reweighting by the mean of the result (against the equal
    # priors the balanced model assumes) gives the result again.
    prior = full.mean(axis=0)
    again = proba * prior / 0.5
    np.testing.assert_allclose(again / again.sum(axis=1, keepdims=True), full, atol=1e-6)
    assert 0.02 < prior[1] < 0.1  # the record holds few S beats: S is rarer than assumed
    # Partial shifts lie between: S probabilities fall, more the larger the shift.
    s = [_shift_to_record_priors(proba, a, n_iter=500)[:, 1] for a in (0.0, 0.25, 0.5, 1.0)]
    assert all((s[k + 1] < s[k]).all() for k in range(3))
    # A record with as many S-looking beats as N-looking ones keeps them S.
    many = np.vstack([np.tile([0.7, 0.3], (100, 1)), np.tile([0.3, 0.7], (100, 1))])
    assert (_shift_to_record_priors(many, 1.0)[100:, 1] >= 0.7 - 1e-9).all()
    assert (_shift_to_record_priors(many, 0.5).argmax(axis=1) == 1).sum() == 100


def test_prior_shift_is_applied_at_prediction(small_model, records):
    rec = records[6]
    plain = small_model.predict_record(rec.signal, fs=rec.fs)
    shifted = clone(small_model).set_params(prior_shift=1.0)
    for name, value in vars(small_model).items():
        if name.endswith("_"):
            setattr(shifted, name, value)
    table = shifted.predict_record(rec.signal, fs=rec.fs)
    assert not np.allclose(table.filter(like="proba_"), plain.filter(like="proba_"))
    # The record's majority class gains probability where the shift reaches.
    assert table["proba_N"].mean() > plain["proba_N"].mean()
    with pytest.raises(ValueError, match="prior_shift"):
        shifted.set_params(prior_shift=1.5).predict_record(rec.signal, fs=rec.fs)


def test_clone_and_params(small_model):
    params = small_model.get_params()
    assert params["n_seeds"] == 2 and params["adaptation"] == "self"
    assert not hasattr(clone(small_model), "estimators_")


@pytest.mark.parametrize("how", ["skops", "pickle"])
def test_saved_trees_are_packed_and_come_back_the_same(small_model, records, tmp_path, how):
    import pickle
    import zipfile

    from sklearn_ecg.utils import load_model, save_model

    if how == "skops":
        path = tmp_path / "model.skops"
        save_model(small_model, path)
        # each boosting's trees are a few arrays, not an object (and entries) per tree
        assert "TreePredictor" not in zipfile.ZipFile(path).read("schema.json").decode()
        loaded = load_model(path)
    else:
        loaded = pickle.loads(pickle.dumps(small_model))
    for est, back in zip(small_model.estimators_, loaded.estimators_):
        assert [len(row) for row in back._predictors] == [len(row) for row in est._predictors]
        for row, row_back in zip(est._predictors, back._predictors):
            for tree, tree_back in zip(row, row_back):
                assert tree.nodes.tobytes() == tree_back.nodes.tobytes()
    assert small_model.estimators_[0]._predictors is not None  # the model saved is unchanged
    rec = records[6]
    pd.testing.assert_frame_equal(loaded.predict_record(rec.signal, fs=rec.fs),
                                  small_model.predict_record(rec.signal, fs=rec.fs),
                                  check_exact=True)


def test_adapt_returns_a_new_model(small_model, records):
    rec = records[6]
    minutes = dict(rec, signal=rec.signal[: int(120 * rec.fs)],
                   r_peaks=rec.r_peaks[rec.r_peaks < 120 * rec.fs],
                   beat_labels=rec.beat_labels[rec.r_peaks < 120 * rec.fs])
    adapted = small_model.adapt(minutes)
    assert adapted is not small_model and adapted.patient_model_ is not None
    assert small_model.patient_model_ is None
    table = adapted.predict_record(rec.signal, fs=rec.fs)
    assert len(table) == len(small_model.predict_record(rec.signal, fs=rec.fs))
    with pytest.raises(ValueError, match="weight"):
        small_model.adapt(minutes, weight=0)


@pytest.mark.parametrize("signal, fs, match", [
    (np.zeros((3, 1000, 2)), 360, "shape"),
    (np.zeros((2, 20000)), 360, "leads-by-samples|more leads than samples"),
    (np.sin(np.arange(20000) / 50.0), 80, "fs.*100 Hz"),
    (np.sin(np.arange(20000) / 50.0), 1e9, "fs must be at most"),
    (np.full(20000, np.nan), 360, "no valid sample"),
    (np.ones((20000, 2)), 360, "flat"),
    (np.ones(100), 360, "2 s"),
    (np.array(["a"] * 5000), 360, "signal must be an array of numbers"),
])
def test_bad_inputs_name_the_argument(small_model, signal, fs, match):
    with pytest.raises(ValueError, match=match):
        small_model.predict_record(signal, fs=fs)


def test_nan_gap_is_left_out_and_said(small_model, records):
    rec = records[6]
    x = rec.signal.copy()
    gap = slice(int(60 * rec.fs), int(90 * rec.fs))
    x[gap] = np.nan
    with pytest.warns(UserWarning, match="missing"):
        table = small_model.predict_record(x, fs=rec.fs)
    inside = (table["sample"] >= gap.start) & (table["sample"] < gap.stop)
    assert not inside.any()
    assert len(table) > 0.85 * rec.r_peaks.size


def test_lead_order_does_not_matter(shipped):
    rec = load_mitdb_sample()[2]
    two = np.column_stack([rec.signal, np.roll(rec.signal, 3) * -0.7])
    a = shipped.predict_record(two, fs=rec.fs)
    b = shipped.predict_record(two[:, ::-1], fs=rec.fs)
    assert (a["class"].to_numpy() == b["class"].to_numpy()).mean() > 0.99


def test_predictions_do_not_depend_on_the_number_of_processors(shipped, monkeypatch):
    # The leads are rated and the rows predicted in threads, one per processor:
    # the table is the one a single processor computes, to the last bit.
    rec = load_mitdb_sample()[2]
    two = np.column_stack([rec.signal, np.roll(rec.signal, 3) * -0.7])
    with monkeypatch.context() as patch:
        patch.setattr("os.cpu_count", lambda: 1)
        one = shipped.predict_record(two, fs=rec.fs)
    with monkeypatch.context() as patch:
        patch.setattr("os.cpu_count", lambda: 3)
        three = shipped.predict_record(two, fs=rec.fs)
    pd.testing.assert_frame_equal(one, three, check_exact=True)


@pytest.mark.parametrize("n_leads", [1, 2])
def test_beats_of_a_noise_stretch_are_q_in_any_number_of_leads(shipped, n_leads):
    rec = load_mitdb_sample()[2]
    x = np.column_stack([rec.signal, np.roll(rec.signal, 3) * -0.7])[:, :n_leads]
    noisy = slice(int(60 * rec.fs), int(90 * rec.fs))
    x[noisy] = np.random.default_rng(0).normal(0, 3 * x.std(), size=x[noisy].shape)
    table = shipped.predict_record(x, fs=rec.fs)
    inside = (table["sample"] > noisy.start + 5 * rec.fs) & (table["sample"] < noisy.stop)
    assert (table["class"][inside] == "Q").all()
    assert (table["class"][table["sample"] < noisy.start - 5 * rec.fs] != "Q").mean() > 0.95


def test_self_adaptation_keeps_the_probability_of_classes_it_cannot_teach(small_model, records):
    rec = records[5]
    peaks = rec.r_peaks[rec.r_peaks > rec.fs][:300]
    features = beat_context_features(rec.signal[:, None], rec.fs, peaks).astype(np.float32)
    n, s, v = (list(small_model.classes_).index(c) for c in "NSV")
    proba = np.full((peaks.size, small_model.classes_.size), 0.01)
    proba[:, n] = 0.95  # confident N beats and V beats teach the record ...
    proba[3:40, n], proba[3:40, v] = 0.01, 0.95
    proba[:3, n], proba[:3, s] = 0.01, 0.95  # ... three confident S beats are too few
    proba /= proba.sum(axis=1, keepdims=True)
    adapted = small_model._self_adapt(features, proba)
    np.testing.assert_allclose(adapted[:, 2], proba[:, 2])
    np.testing.assert_allclose(adapted.sum(axis=1), 1.0)
    assert (adapted.argmax(axis=1)[:3] == s).all()


def test_shipped_model_is_a_fitted_estimator(shipped):
    assert isinstance(shipped, UniversalBeatClassifier)
    assert list(shipped.classes_) == ["F", "N", "S", "V"]
    assert shipped.n_features_in_ == len(beat_context_feature_names())
    assert clone(shipped).get_params()["n_seeds"] == shipped.n_seeds
    assert load_beat_classifier() is not load_beat_classifier()


def test_shipped_model_agrees_across_rates(shipped):
    rec = load_mitdb_sample()[5]  # 208: many V beats
    base = shipped.predict_record(rec.signal, fs=rec.fs)
    for fs in (128, 250, 500):
        x = resample_poly(rec.signal, int(fs), 360)
        table = shipped.predict_record(x, fs=fs)
        i, j = match_peaks(np.round(base["time_s"] * 1000), np.round(table["time_s"] * 1000), 1000)
        agree = (base["class"].to_numpy()[i] == table["class"].to_numpy()[j]).mean()
        assert agree >= 0.95, (fs, agree)
        assert i.size >= 0.98 * len(base)


def test_shipped_model_finds_v_beats_of_208(shipped):
    rec = load_mitdb_sample()[5]
    table = shipped.predict_record(rec.signal, fs=rec.fs)
    i, j = match_peaks(rec.r_peaks, table["sample"], rec.fs)
    truth = rec.beat_labels[i]
    pred = table["class"].to_numpy()[j]
    assert ((pred == "V") & (truth == "V")).sum() >= 0.8 * (truth == "V").sum()


def test_loading_and_predicting_does_not_import_tensorflow():
    code = (
        "import sys\n"
        "from sklearn_ecg.datasets import load_mitdb_sample\n"
        "from sklearn_ecg.pretrained import load_beat_classifier\n"
        "rec = load_mitdb_sample()[0]\n"
        "load_beat_classifier().predict_record(rec.signal, fs=rec.fs)\n"
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_holter_summary_counts_runs():
    labels = [*list("NVVNVVVNVVVVNSSNSSSN"), "Q", "N"]
    table = pd.DataFrame({"time_s": np.arange(len(labels)) * 0.8, "class": labels})
    s = holter_summary(table)
    assert (s.v_couplets, s.v_triplets, s.v_runs, s.longest_v_run) == (1, 1, 1, 4)
    assert (s.s_couplets, s.s_runs, s.longest_s_run) == (1, 1, 3)
    assert s.counts == {"N": 7, "Q": 1, "S": 5, "V": 9}
    assert s.v_burden == pytest.approx(100 * 9 / 21)
    assert s.unusable_share == pytest.approx(100 / 22)
    assert s.heart_rate_mean == pytest.approx(75.0)
    assert len(holter_summary_lines(s)) == 4


@pytest.mark.parametrize("table, match", [
    (pd.DataFrame({"time_s": [0.0, 1.0]}), "class"),
    (pd.DataFrame({"time_s": [1.0, 0.0], "class": ["N", "N"]}), "increasing"),
])
def test_holter_summary_bad_table(table, match):
    with pytest.raises(ValueError, match=match):
        holter_summary(table)


def test_holter_report_on_a_real_record(shipped, tmp_path):
    pytest.importorskip("matplotlib")
    rec = load_mitdb_sample()[5]
    table = shipped.predict_record(rec.signal, fs=rec.fs)
    summary = write_holter_report(table, rec.signal, rec.fs, tmp_path / "r.html", title="208")
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "V burden" in page and page.count("<img") >= 2
    assert summary.counts.get("V", 0) > 50 and summary.v_burden > 10


def test_cli_predict_without_a_model(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    from sklearn_ecg._cli import main

    record = get_sample_home() / "mitdb" / "208"
    out = tmp_path / "beats.csv"
    main(["predict", str(record), "--output", str(out), "--report", str(tmp_path / "h.html")])
    err = capsys.readouterr().err
    assert "shipped beat classifier" in err and "ectopic burden" in err and "V:" in err
    table = pd.read_csv(out)
    assert {"record", "sample", "class", "proba_V"} <= set(table.columns)
    assert (tmp_path / "h.html").exists()
