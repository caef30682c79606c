"""Tests of the Keras base and HeartbeatCNNClassifier (tiny networks, few epochs).

What the three Keras estimators share (lazy TensorFlow, tags, seeding, pickling,
warm_start) is in test_keras_common.py.
"""

import copy
import subprocess
import sys

import joblib
import numpy as np
import pandas as pd
import pytest
from _shared import TINY_CNN as TINY
from sklearn.base import BaseEstimator, ClassifierMixin, clone, is_classifier
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold, check_cv
from sklearn.pipeline import make_pipeline
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_ecg import BeatNormalizer, PairGroupKFold
from sklearn_ecg.neural import HeartbeatCNNClassifier, PretrainedEncoder
from sklearn_ecg.neural._extra_model import fit_validated_boosting
from sklearn_ecg.segmentation import RR_FEATURE_NAMES

EXPECTED_FAILURES = {
    "check_sample_weight_equivalence_on_dense_data": (
        "mini-batch training: a sample of weight 2 and the same sample twice "
        "reach the loss in different batches and validation splits, so the two "
        "fits differ by training noise, not by a weighting error"
    ),
}


@pytest.mark.slow
@parametrize_with_checks(
    [HeartbeatCNNClassifier(epochs=8, early_stopping=False, random_state=0, **TINY)],
    expected_failed_checks=lambda est: EXPECTED_FAILURES,
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.fixture
def beats(balanced_beats):
    # A balanced subset keeps the tests fast and both classes present in every fold.
    return balanced_beats


def test_is_a_classifier_and_stratifies():
    clf = HeartbeatCNNClassifier()
    assert is_classifier(clf)
    y = np.array(["N", "V"] * 10)
    assert isinstance(check_cv(3, y, classifier=is_classifier(clf)), StratifiedKFold)


def test_learns_real_beats_with_string_labels(beats):
    X, y, _, _ = beats
    clf = HeartbeatCNNClassifier(epochs=15, random_state=0, **TINY).fit(X, y)
    assert list(clf.classes_) == ["N", "V"]
    assert clf.score(X, y) > 0.9
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-6)
    assert clf.n_epochs_ == len(clf.history_["loss"]) <= 15
    assert "val_loss" in clf.history_


def test_seeded_fit_is_unmoved_by_other_threads_drawing_random_numbers(beats):
    # A Dask worker's event loop, a web server: other threads draw from the
    # process-wide generators while a seeded fit trains (defaults: augmented
    # batches, a validation split, dropout).
    import random
    import threading

    X, y, _, _ = beats
    quiet = HeartbeatCNNClassifier(epochs=2, random_state=3, **TINY).fit(X, y).predict_proba(X)
    stop = threading.Event()

    def draw():
        while not stop.wait(0.0002):
            random.random()
            np.random.rand()

    thread = threading.Thread(target=draw)
    thread.start()
    try:
        busy = HeartbeatCNNClassifier(epochs=2, random_state=3, **TINY).fit(X, y).predict_proba(X)
    finally:
        stop.set()
        thread.join()
    np.testing.assert_array_equal(quiet, busy)


def test_unseeded_fit_under_user_determinism(beats):
    X, y, _, _ = beats
    from tensorflow.python.framework import config

    config.enable_op_determinism()
    try:
        HeartbeatCNNClassifier(epochs=1, **TINY).fit(X, y)
    finally:
        config.disable_op_determinism()


def test_rr_features_as_extra_columns(beats):
    X, y, _, rr = beats
    names = [f"beat_{i}" for i in range(X.shape[1])] + list(RR_FEATURE_NAMES)
    frame = pd.DataFrame(np.hstack([X, rr]), columns=names)
    clf = HeartbeatCNNClassifier(epochs=2, random_state=0, extra_features=["rr_prev_ratio", "rr_next_ratio"],
                                 **TINY).fit(frame, y)
    # the other RR columns count as beat here
    assert clf.segment_shape_ == (X.shape[1] + len(RR_FEATURE_NAMES) - 2, 1)
    assert len(clf.model_.inputs) == 2
    by_count = HeartbeatCNNClassifier(epochs=2, random_state=0,
                                      extra_features=len(RR_FEATURE_NAMES), **TINY)
    by_count.fit(np.hstack([X, rr]), y)
    assert by_count.segment_shape_ == (X.shape[1], 1)
    np.testing.assert_allclose(by_count.extra_mean_, rr.mean(axis=0), rtol=1e-4)
    with pytest.raises(ValueError, match="extra_features \\['nope'\\] are not columns"):
        HeartbeatCNNClassifier(extra_features=["nope"], **TINY).fit(frame, y)
    with pytest.raises(ValueError, match="needs X as a DataFrame"):
        HeartbeatCNNClassifier(extra_features=["rr_prev"], **TINY).fit(frame.to_numpy(), y)


def test_three_d_beats_and_class_weight(beats):
    X, y, _, _ = beats
    X3 = np.stack([X, X[:, ::-1]], axis=-1)
    clf = HeartbeatCNNClassifier(epochs=2, class_weight="balanced", random_state=0, **TINY).fit(X3, y)
    assert clf.segment_shape_ == (X.shape[1], 2)
    assert clf.predict(X3).shape == (len(y),)
    with pytest.raises(ValueError, match="fitted on beats of shape"):
        clf.predict(X3[:, :, :1])
    with pytest.raises(ValueError, match="fitted on beats of 2 leads"):
        clf.predict(X)


def test_default_architecture_is_the_lighter_original():
    clf = HeartbeatCNNClassifier(epochs=1, random_state=0)
    X = np.random.default_rng(0).normal(size=(40, 187))
    clf.fit(X, np.repeat(["N", "S", "V", "F"], 10))
    convs = [layer for layer in clf.model_.get_layer("encoder").layers
             if layer.__class__.__name__ == "Conv1D"]
    assert [c.filters for c in convs] == [16, 16, 32, 32, 32, 32, 64, 64]
    assert [c.kernel_size[0] for c in convs] == [5, 5] + [3] * 6


def test_published_architecture_is_the_original():
    clf = HeartbeatCNNClassifier(conv_filters=(16, 32, 32, 32, 256), kernel_size=(5, 3, 3, 3, 3),
                                 epochs=1, random_state=0)
    X = np.random.default_rng(0).normal(size=(40, 187))
    y = np.repeat(["N", "S", "V", "F"], 10)
    clf.fit(X, y)
    model = clf.model_
    encoder = model.get_layer("encoder")
    convs = [layer for layer in encoder.layers if layer.__class__.__name__ == "Conv1D"]
    assert [c.filters for c in convs] == [16, 16, 32, 32, 32, 32, 32, 32, 256, 256]
    assert [c.kernel_size[0] for c in convs] == [5, 5] + [3] * 8
    assert all(c.padding == "valid" for c in convs)
    dense = [layer for layer in model.layers if layer.__class__.__name__ == "Dense"]
    assert [d.units for d in dense] == [64, 64, 4]
    assert dense[-1].activation.__name__ == "softmax"
    assert model.count_params() > 200_000


def test_failed_refit_leaves_no_stale_network(beats):
    X, y, _, _ = beats
    clf = HeartbeatCNNClassifier(epochs=1, random_state=0, **TINY).fit(X, y)
    with pytest.raises(ValueError, match="too short"):
        clf.set_params(padding="valid", conv_filters=(8,) * 7).fit(X, np.where(y == "N", "A", "B"))
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        clf.predict(X)


def test_extra_features_positions_are_checked(beats):
    X, y, _, _ = beats
    with pytest.raises(ValueError, match="distinct columns"):
        HeartbeatCNNClassifier(extra_features=[3, 3], **TINY).fit(X, y)


def test_short_beats_error_names_the_fix():
    with pytest.raises(ValueError, match=r"too short .* padding='same'"):
        HeartbeatCNNClassifier().fit(np.ones((4, 30)), [0, 1, 0, 1])


@pytest.mark.slow
def test_transfer_learning_frozen_and_fine_tuned(beats):
    X, y, _, _ = beats
    source = HeartbeatCNNClassifier(epochs=3, random_state=0, **TINY).fit(X, y)
    encoder = source.export_encoder()
    assert isinstance(encoder, PretrainedEncoder)
    y2 = np.where(y == "N", "normal", "ventricular")
    frozen = HeartbeatCNNClassifier(epochs=2, pretrained=encoder, freeze_encoder=True,
                                    random_state=1, **TINY).fit(X, y2)
    for a, b in zip(encoder.weights, frozen.model_.get_layer("encoder").get_weights()):
        np.testing.assert_array_equal(a, b)
    tuned = HeartbeatCNNClassifier(epochs=2, pretrained=source, random_state=1, **TINY).fit(X, y2)
    scratch = HeartbeatCNNClassifier(epochs=2, random_state=1, **TINY).fit(X, y2)

    def distance(clf):
        return sum(np.abs(a - b).sum() for a, b in
                   zip(encoder.weights, clf.model_.get_layer("encoder").get_weights()))

    # Fine-tuning moves the pretrained weights, but starts from them.
    assert 0 < distance(tuned) < distance(scratch) / 2
    # clone keeps a PretrainedEncoder (it is not an estimator) with its weights...
    copied = clone(frozen).pretrained
    assert isinstance(copied, PretrainedEncoder) and copied is not encoder
    for a, b in zip(copied.weights, encoder.weights):
        np.testing.assert_array_equal(a, b)
    # ...but resets an estimator, which then says what to do.
    with pytest.raises(ValueError, match="export_encoder"):
        clone(HeartbeatCNNClassifier(pretrained=source, **TINY)).fit(X, y2)
    with pytest.raises(ValueError, match="set the same conv_filters"):
        HeartbeatCNNClassifier(pretrained=encoder, **{**TINY, "conv_filters": (4,)}).fit(X, y2)


@pytest.mark.slow
@pytest.mark.parametrize("n_jobs", [1, 2])
def test_grid_search_in_a_pipeline_with_patient_groups(beats, n_jobs):
    X, y, groups, _ = beats
    # One epoch: the test is of the plumbing (a pipeline, groups, workers), not of training.
    pipe = make_pipeline(BeatNormalizer("minmax"),
                         HeartbeatCNNClassifier(epochs=1, random_state=0, **TINY))
    search = GridSearchCV(
        pipe, {"heartbeatcnnclassifier__dense_units": [(8,), (16,)]},
        cv=PairGroupKFold(3), n_jobs=n_jobs, error_score="raise",
    )
    search.fit(X, y, groups=groups)
    assert len(search.cv_results_["mean_test_score"]) == 2
    assert search.predict(X[:5]).shape == (5,)


# -- inter-patient training and patient adaptation ------------------------------------


def test_validation_split_holds_out_whole_patients():
    from sklearn_ecg.neural._keras import _validation_split

    groups = np.repeat(np.arange(10), 20)
    train, val = _validation_split(len(groups), 0.2, None, groups, seed=0)
    assert len(set(groups[val])) == 2
    assert not set(groups[val]) & set(groups[train])
    assert len(train) + len(val) == len(groups)
    # Without patients the split is by beat, as before.
    train, val = _validation_split(len(groups), 0.1, None, None, seed=0)
    assert len(val) == 20


@pytest.mark.slow
def test_groups_reach_fit_inside_grid_search_with_routing(beats):
    import sklearn

    X, y, groups, _ = beats
    seen = []

    class Recording(HeartbeatCNNClassifier):
        def fit(self, X, y, sample_weight=None, groups=None):
            seen.append(None if groups is None else len(set(groups)))
            return super().fit(X, y, sample_weight=sample_weight, groups=groups)

    with sklearn.config_context(enable_metadata_routing=True):
        clf = Recording(epochs=1, random_state=0, **TINY).set_fit_request(groups=True)
        search = GridSearchCV(clf, {"dense_units": [(8,), (16,)]}, cv=PairGroupKFold(2),
                              scoring="accuracy")
        search.fit(X, y, groups=groups)
    assert len(seen) == 2 * 2 + 1 and all(n is not None and n >= 1 for n in seen)
    assert hasattr(search, "best_estimator_")


def test_groups_must_match_the_beats(beats):
    X, y, groups, _ = beats
    with pytest.raises(ValueError, match="groups must hold one patient per beat"):
        HeartbeatCNNClassifier(epochs=1, **TINY).fit(X, y, groups=groups[:-1])


def test_none_among_labels_is_a_clear_error(beats):
    X, y, _, _ = beats
    labels = y.astype(object)
    labels[3] = None
    with pytest.raises(ValueError, match="y must hold a class for every beat, got None"):
        HeartbeatCNNClassifier(epochs=1, **TINY).fit(X, labels)


def test_two_d_leads_one_after_another_equal_three_d(beats):
    X, y, _, rr = beats
    X3 = np.stack([X, X[:, ::-1]], axis=-1)
    flat = X3.transpose(0, 2, 1).reshape(len(X), -1)
    a = HeartbeatCNNClassifier(epochs=2, random_state=0, **TINY).fit(X3, y)
    b = HeartbeatCNNClassifier(epochs=2, random_state=0, n_leads=2, **TINY).fit(flat, y)
    assert a.segment_shape_ == b.segment_shape_ == (X.shape[1], 2)
    np.testing.assert_allclose(a.predict_proba(X3), b.predict_proba(flat), rtol=1e-5, atol=1e-6)
    # With the RR columns after the two leads.
    c = HeartbeatCNNClassifier(epochs=1, random_state=0, n_leads=2, extra_features=rr.shape[1],
                               **TINY).fit(np.hstack([flat, rr]), y)
    assert c.segment_shape_ == (X.shape[1], 2) and c.extra_indices_.size == rr.shape[1]
    with pytest.raises(ValueError, match="do not split into n_leads=2"):
        HeartbeatCNNClassifier(n_leads=2, **TINY).fit(flat[:, :-1], y)
    with pytest.raises(ValueError, match="expecting 96 features"):
        HeartbeatCNNClassifier(epochs=1, **TINY).fit(X3, y).predict(flat)


@pytest.mark.parametrize("options", [
    dict(loss="focal"),
    dict(class_weight="balanced_sqrt"),
    dict(augmentations=None),
    dict(augmentations=[("scale", {"factor": 0.5}), ("shift", {"max_fraction": 0.1, "p": 0.5})]),
])
def test_training_options_fit_and_are_reproducible(beats, options):
    X, y, _, _ = beats
    a = HeartbeatCNNClassifier(epochs=2, random_state=1, **TINY, **options).fit(X, y)
    b = HeartbeatCNNClassifier(epochs=2, random_state=1, **TINY, **options).fit(X, y)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))


def test_augmentations_change_training_and_are_checked(beats):
    X, y, _, _ = beats
    plain = HeartbeatCNNClassifier(epochs=2, random_state=1, augmentations=None, **TINY).fit(X, y)
    augmented = HeartbeatCNNClassifier(epochs=2, random_state=1, **TINY).fit(X, y)
    assert not np.allclose(plain.predict_proba(X), augmented.predict_proba(X))
    with pytest.raises(ValueError, match="unknown augmentation 'nope'"):
        HeartbeatCNNClassifier(augmentations=["nope"], **TINY).fit(X, y)


def test_softened_class_weights_lie_between_none_and_balanced():
    from sklearn.utils.class_weight import compute_class_weight

    y = np.array(["N"] * 90 + ["V"] * 10)
    balanced = compute_class_weight("balanced", classes=np.array(["N", "V"]), y=y)
    soft = np.sqrt(balanced)
    soft /= np.average(soft, weights=[90, 10])
    assert 1 < soft[1] / soft[0] < balanced[1] / balanced[0]
    assert soft[1] / soft[0] == pytest.approx(np.sqrt(balanced[1] / balanced[0]))


def test_adapt_returns_a_fine_tuned_copy_and_leaves_the_original(beats):
    X, y, _, _ = beats
    clf = HeartbeatCNNClassifier(epochs=3, random_state=0, adaptation_memory=20, **TINY).fit(X, y)
    before = clf.predict_proba(X)
    assert clf.memory_X_.shape == (40, X.shape[1])
    assert sorted(set(clf.memory_y_)) == ["N", "V"]
    patient = np.flatnonzero(y == "N")[:30]  # one class only: the other must not be forgotten
    adapted = clf.adapt(X[patient], y[patient], epochs=3)
    again = clf.adapt(X[patient], y[patient], epochs=3)
    assert adapted is not clf and adapted.model_ is not clf.model_
    np.testing.assert_array_equal(clf.predict_proba(X), before)
    np.testing.assert_array_equal(adapted.predict_proba(X), again.predict_proba(X))
    assert not np.allclose(adapted.predict_proba(X), before)
    assert list(adapted.classes_) == ["N", "V"]
    assert adapted.get_params()["early_stopping"] is False
    assert (adapted.predict(X) == "V").any()
    with pytest.raises(ValueError, match=r"classes \['Q'\] that the fitted network does not know"):
        clf.adapt(X[:4], np.array(["N", "Q", "N", "V"]))
    with pytest.raises(ValueError, match=r"'epochs' parameter of HeartbeatCNNClassifier\.adapt"):
        clf.adapt(X[:4], y[:4], epochs=0)
    with pytest.raises(ValueError, match="'learning_rate' parameter"):
        clf.adapt(X[:4], y[:4], learning_rate=-1.0)
    with pytest.raises(NotFittedError):
        HeartbeatCNNClassifier().adapt(X[:4], y[:4])


@pytest.mark.slow
def test_adapt_works_on_a_model_loaded_in_a_new_process(beats, tmp_path):
    X, y, _, _ = beats
    clf = HeartbeatCNNClassifier(epochs=2, random_state=0, **TINY).fit(X, y)
    np.savez(tmp_path / "beats.npz", X=X, y=y)
    joblib.dump(clf, tmp_path / "model.joblib")
    expected = clf.adapt(X[:40], y[:40], epochs=2).predict_proba(X)
    code = (
        "import sys, joblib, numpy as np\n"
        f"d = np.load(r'{tmp_path / 'beats.npz'}')\n"
        f"clf = joblib.load(r'{tmp_path / 'model.joblib'}')\n"
        "before = clf.predict_proba(d['X'])\n"
        "adapted = clf.adapt(d['X'][:40], d['y'][:40], epochs=2)\n"
        "assert np.array_equal(clf.predict_proba(d['X']), before)\n"
        f"np.save(r'{tmp_path / 'proba.npy'}', adapted.predict_proba(d['X']))\n"
        f"joblib.dump(adapted, r'{tmp_path / 'adapted.joblib'}')\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    np.testing.assert_allclose(np.load(tmp_path / "proba.npy"), expected, rtol=1e-5, atol=1e-6)
    reloaded = joblib.load(tmp_path / "adapted.joblib")
    np.testing.assert_allclose(reloaded.predict_proba(X), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.slow
def test_tensorflow_start_up_lines_stay_off_stderr():
    code = (
        "import numpy as np\n"
        "from sklearn_ecg.neural import HeartbeatCNNClassifier\n"
        "X = np.random.default_rng(0).normal(size=(40, 30)); y = np.repeat(['a', 'b'], 20)\n"
        "HeartbeatCNNClassifier(conv_filters=(4,), kernel_size=3, dense_units=(4,), epochs=1,\n"
        "                       padding='same').fit(X, y).predict(X)\n"
        "import sys; print('end of run', file=sys.stderr)\n"
    )
    env = {k: v for k, v in __import__("os").environ.items() if k != "SKLEARN_ECG_TF_LOGS"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, env=env)
    assert "oneDNN" not in result.stderr and "cuda" not in result.stderr.lower()
    assert result.stderr.strip().endswith("end of run")  # stderr itself still works


def test_extra_features_that_are_beat_samples_are_not_taken_silently(beats):
    X, y, _, _ = beats
    beats_only = X  # 96 beat samples, no RR feature
    with pytest.warns(UserWarning, match=r"extra_features: column \d+, the first taken as an "
                                         r"extra feature, continues the beat"):
        HeartbeatCNNClassifier(extra_features=5, epochs=1, **TINY).fit(beats_only, y)
    frame = pd.DataFrame(beats_only, columns=[f"beat_{i:03d}" for i in range(beats_only.shape[1])])
    with pytest.raises(ValueError, match=r"extra_features takes columns \['beat_"):
        HeartbeatCNNClassifier(extra_features=5, epochs=1, **TINY).fit(frame, y)


def test_extra_model_boosting_is_averaged_with_the_network(beats):
    X, y, groups, rr = beats
    Xr = np.hstack([X, rr])
    clf = HeartbeatCNNClassifier(epochs=2, random_state=0, extra_features=rr.shape[1], **TINY)
    clf.fit(Xr, y, groups=groups)
    boosting = clf.extra_model_
    assert isinstance(boosting, HistGradientBoostingClassifier)
    assert boosting.n_features_in_ == rr.shape[1] and 1 <= boosting.n_iter_ <= 300
    network = clf._predict_network(clf._network_inputs(Xr.astype("float32")))[:, 0]
    network = np.column_stack([1 - network, network])
    np.testing.assert_allclose(
        clf.predict_proba(Xr), (network + boosting.predict_proba(rr.astype("float32"))) / 2, rtol=1e-6)
    again = clone(clf).fit(Xr, y, groups=groups)
    np.testing.assert_array_equal(again.predict_proba(Xr), clf.predict_proba(Xr))
    # adapt fine-tunes the network and keeps the boosting as fitted
    adapted = clf.adapt(Xr[:40], y[:40], epochs=1)
    np.testing.assert_array_equal(adapted.extra_model_.predict_proba(rr), boosting.predict_proba(rr))
    tuned = adapted._predict_network(adapted._network_inputs(Xr.astype("float32")))[:, 0]
    assert not np.allclose(tuned, network[:, 1])  # the network moved, and is averaged with the boosting
    np.testing.assert_allclose(
        adapted.predict_proba(Xr),
        (np.column_stack([1 - tuned, tuned]) + boosting.predict_proba(rr.astype("float32"))) / 2, rtol=1e-6)
    # a warm start trains the network on and keeps the boosting as it is
    warm = copy.deepcopy(clf).set_params(warm_start=True)
    kept = warm.extra_model_
    assert warm.fit(Xr, y, groups=groups).extra_model_ is kept
    alone = clone(clf).set_params(extra_model=None).fit(Xr, y, groups=groups)
    assert alone.extra_model_ is None
    np.testing.assert_allclose(alone.predict_proba(Xr), network, rtol=1e-6)
    # nothing to average without extra columns
    assert HeartbeatCNNClassifier(epochs=1, **TINY).fit(X, y).extra_model_ is None


def test_extra_model_takes_any_classifier_and_is_checked(beats):
    X, y, _, rr = beats
    Xr = np.hstack([X, rr])
    lr = LogisticRegression(max_iter=500)
    clf = HeartbeatCNNClassifier(epochs=1, random_state=0, extra_features=rr.shape[1],
                                 extra_model=lr, **TINY).fit(Xr, y)
    assert isinstance(clf.extra_model_, LogisticRegression) and clf.extra_model_ is not lr
    assert clf.extra_model_.coef_.shape == (1, rr.shape[1])
    assert not hasattr(lr, "coef_")
    with pytest.raises(ValueError, match=r"extra_model=.*does not accept sample_weight"):
        HeartbeatCNNClassifier(epochs=1, extra_features=rr.shape[1], extra_model=_NoWeights(),
                               **TINY).fit(Xr, y, sample_weight=np.ones(len(y)))
    with pytest.raises(ValueError, match="'extra_model' parameter"):
        HeartbeatCNNClassifier(extra_model="forest", extra_features=2, **TINY).fit(Xr, y)


def test_validated_boosting_chooses_its_iterations_on_held_out_patients(beats):
    _, y, groups, rr = beats
    model = fit_validated_boosting(rr, y, groups=groups, max_iter=40, random_state=0)
    assert isinstance(model, HistGradientBoostingClassifier)
    assert 1 <= model.max_iter <= 40 and model.n_iter_ == model.max_iter
    assert model.n_features_in_ == rr.shape[1]  # refitted on all rows
    same = fit_validated_boosting(rr, y, groups=groups, max_iter=40, random_state=0)
    np.testing.assert_array_equal(same.predict_proba(rr), model.predict_proba(rr))


def test_extra_model_columns_follow_the_classes_of_three_string_labels(beats):
    X, y, _, rr = beats
    Xr = np.hstack([X, rr])
    y3 = np.where((y == "N") & (np.arange(len(y)) % 3 == 0), "A", y)  # classes A, N, V
    clf = HeartbeatCNNClassifier(epochs=1, random_state=0, extra_features=rr.shape[1],
                                 extra_model=LogisticRegression(max_iter=500), **TINY).fit(Xr, y3)
    assert clf.classes_.tolist() == clf.extra_model_.classes_.tolist() == ["A", "N", "V"]
    network = clf._predict_network(clf._network_inputs(Xr.astype("float32")))
    np.testing.assert_allclose(clf.predict_proba(Xr),
                               (network + clf.extra_model_.predict_proba(rr.astype("float32"))) / 2,
                               rtol=1e-5)
    with pytest.raises(ValueError, match=r"extra_model=.*must learn the classes \['A', 'N', 'V'\]"):
        HeartbeatCNNClassifier(epochs=1, extra_features=rr.shape[1], extra_model=_Reversed(),
                               **TINY).fit(Xr, y3)


def test_extra_model_parameters_are_validated_inside_fit(beats):
    from sklearn.utils._param_validation import InvalidParameterError

    X, y, _, rr = beats
    with pytest.raises(InvalidParameterError, match="'C' parameter of LogisticRegression"):
        HeartbeatCNNClassifier(epochs=1, extra_features=rr.shape[1],
                               extra_model=LogisticRegression(C=-1.0), **TINY).fit(np.hstack([X, rr]), y)


def test_validated_boosting_without_two_held_out_classes_keeps_max_iter(beats):
    _, y, groups, rr = beats
    # One patient holds all V beats and is the only one: a patient split holds out one class.
    groups = np.where(y == "V", "all-V", "all-N")
    with pytest.warns(UserWarning, match="holds one class only, so it keeps max_iter=7"):
        model = fit_validated_boosting(rr, y, groups=groups, max_iter=7, random_state=0)
    assert model.n_iter_ == 7 and model.classes_.tolist() == ["N", "V"]

class _NoWeights(ClassifierMixin, BaseEstimator):
    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def predict_proba(self, X):
        return np.full((len(X), len(self.classes_)), 1 / len(self.classes_))


class _Reversed(_NoWeights):
    """A classifier whose classes_ are in the reverse order."""

    def fit(self, X, y):
        self.classes_ = np.unique(y)[::-1]
        return self


def test_negative_sample_weight_is_refused():
    # All weights -1 trained a network that called every beat S (issue 31).
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(40, 64)), np.repeat(["N", "V"], 20)
    with pytest.raises(ValueError, match="Negative values in data passed to `sample_weight`"):
        HeartbeatCNNClassifier(epochs=1, **TINY).fit(X, y, sample_weight=-np.ones(40))
