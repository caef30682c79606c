"""Tests of ContrastiveEncoder and its augmentations (tiny networks, one to three epochs).

What the three Keras estimators share (lazy TensorFlow, tags, seeding, pickling,
warm_start) is in test_keras_common.py.
"""

import numpy as np
import pytest
from _shared import SET_OUTPUT_CHECKS, TINY_CNN, TINY_METRIC, TINY_SIAMESE
from _shared import TINY_CONTRASTIVE as TINY
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_ecg import BeatNormalizer, PairGroupKFold, RPeakSegmenter
from sklearn_ecg.datasets import load_mitdb_sample
from sklearn_ecg.neural import (
    ContrastiveEncoder,
    HeartbeatCNNClassifier,
    MetricEncoder,
    PretrainedEncoder,
    SiameseSimilarityRegressor,
    SimilarityMixin,
)
from sklearn_ecg.neural._augment import AUGMENTATIONS, augment, check_augmentations

# No check is expected to fail. The classifier's one expected failure (sample
# weights against repeated samples) does not arise: fit takes no sample_weight.
# Seeded fits are exact, which the idempotence and subset-invariance checks need.
EXPECTED_FAILURES = {}


@pytest.mark.slow
@parametrize_with_checks(
    [ContrastiveEncoder(epochs=1, random_state=0, **TINY)],
    expected_failed_checks=lambda est: EXPECTED_FAILURES,
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


# check_estimator does not run the set_output / feature-name checks: run them here.
@pytest.mark.filterwarnings("ignore:X (does not have valid|has) feature names")
@pytest.mark.parametrize("check", SET_OUTPUT_CHECKS, ids=lambda c: c.__name__)
def test_set_output_and_feature_names_checks(check):
    check("ContrastiveEncoder", ContrastiveEncoder(epochs=1, random_state=0, **TINY))


@pytest.fixture
def beats(encoder_beats):
    return encoder_beats


def test_every_batch_gets_fresh_views(beats, monkeypatch):
    X, _ = beats
    # All segments alike: then views differ only by their augmentation.
    same = np.tile(X[:1], (96, 1))
    enc = ContrastiveEncoder(epochs=2, random_state=0, **TINY)
    drawn = []
    original = enc._draw_views

    def record(segments, rng):
        views = original(segments, rng)
        drawn.append(views)
        return views

    monkeypatch.setattr(enc, "_draw_views", record)
    enc.fit(same)
    assert len(drawn) == 6  # 96 segments in batches of 32, two epochs
    firsts = [first[:30] for first, _ in drawn]
    for i in range(len(firsts)):
        assert not np.allclose(drawn[i][0], drawn[i][1])  # the two views of a batch
        for j in range(i):
            assert not np.allclose(firsts[i], firsts[j])  # batches within and across epochs
    # draw_views shows the same views for the same seed, and new ones as a Generator advances.
    a1, _ = enc.draw_views(X[:5], random_state=0)
    a2, _ = enc.draw_views(X[:5], random_state=0)
    np.testing.assert_array_equal(a1, a2)
    rng = np.random.default_rng(0)
    assert not np.array_equal(enc.draw_views(X[:5], rng)[0], enc.draw_views(X[:5], rng)[0])
    assert a1.shape == X[:5].shape and a1.dtype == np.float32


def test_augmentations_do_what_they_say():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 100, 2)).astype("float32")

    def one(name, **params):
        return augment(x, np.random.default_rng(1), check_augmentations([(name, params)]))

    masked = one("zero_mask", fraction=0.2)
    zeros = (masked[:, :, 0] == 0) & (masked[:, :, 1] == 0)
    assert (zeros.sum(axis=1) == 20).all()  # one block of 20 samples, on both leads
    assert (np.diff(np.flatnonzero(zeros[0])) == 1).all()  # and contiguous
    assert len({np.flatnonzero(z)[0] for z in zeros}) > 10  # at many places
    noisy = one("noise", scale=0.1)
    ratio = (noisy - x).std(axis=1) / x.std(axis=1)
    assert 0.08 < ratio.mean() < 0.12
    permuted = one("permute", n_segments=5)
    np.testing.assert_array_equal(np.sort(permuted, axis=1), np.sort(x, axis=1))
    assert not np.array_equal(permuted, x)
    dropped = one("dropout", rate=0.3)
    assert 0.27 < (dropped == 0).mean() < 0.33
    ramp = np.broadcast_to(np.linspace(0, 1, 100, dtype="float32")[None, :, None], (50, 100, 1))
    warped = augment(ramp, np.random.default_rng(1), check_augmentations([("time_warp", {"stretch": 0.5})]))
    assert (np.diff(warped[:, :, 0], axis=1) >= 0).all()  # a warp keeps time's order
    assert np.abs(warped - ramp).max() > 0.02
    scaled = one("scale", factor=0.2)
    gain = scaled / x
    assert np.allclose(gain, gain[:, :1, :1], rtol=1e-4)  # one gain per segment, all leads
    assert 0.8 <= gain.min() and gain.max() <= 1.2 and gain.std() > 0.05
    shifted = one("shift", max_fraction=0.05)
    assert shifted.shape == x.shape and np.isin(shifted, x).all()  # samples moved, not made
    assert not np.array_equal(shifted, x)
    wander = one("baseline_wander", amplitude=0.1) - x
    assert np.abs(np.diff(wander, axis=1)).max() < 0.1 * np.abs(wander).max() + 1e-6  # slow
    assert np.abs(wander).max() <= 0.1 * np.ptp(x, axis=1).max() + 1e-5
    # p is the probability per view; the input is never changed in place.
    untouched = augment(x, rng, check_augmentations({"noise": {"p": 0.0}}))
    np.testing.assert_array_equal(untouched, x)
    half = augment(x, rng, check_augmentations([("noise", {"p": 0.5})]))
    changed = (half != x).any(axis=(1, 2)).mean()
    assert 0.35 < changed < 0.65
    assert set(AUGMENTATIONS) == {"time_warp", "permute", "zero_mask", "dropout", "noise",
                                  "scale", "baseline_wander", "shift"}


def test_invalid_parameters_name_the_argument(beats):
    X, _ = beats
    cases = [
        (dict(augmentations=["blur"]), "augmentations: unknown augmentation 'blur'"),
        (dict(augmentations=[("noise", {"sigma": 1})]), "'noise' has no parameter 'sigma'"),
        (dict(augmentations=("zero_mask", {"fraction": 1.5})), "zero_mask's fraction must be"),
        (dict(augmentations=()), "augmentations is empty"),
        (dict(temperature=0), "'temperature' parameter"),
        (dict(batch_size=1), "'batch_size' parameter"),
        (dict(encoder="resnet"), "'encoder' parameter"),
        (dict(projection_units=()), "projection_units must be"),
        (dict(padding="valid", conv_filters=(8,) * 7), "too short"),
    ]
    for params, message in cases:
        with pytest.raises(ValueError, match=message):
            ContrastiveEncoder(**{**TINY, **params}).fit(X)
    with pytest.raises(ValueError, match="needs at least 2 samples"):
        ContrastiveEncoder(**TINY).fit(X[:1])


def test_pretraining_learns_and_initialises_the_classifier(beats):
    X, y = beats
    enc = ContrastiveEncoder(epochs=3, random_state=0, **TINY).fit(X)
    assert enc.history_["loss"][-1] < enc.history_["loss"][0]
    # A linear model on the embeddings tells the classes apart.
    assert cross_val_score(LogisticRegression(), enc.transform(X), y, cv=3).mean() > 0.8

    encoder = enc.export_encoder()
    assert isinstance(encoder, PretrainedEncoder) and encoder.input_shape == (96, 1)
    arch = {**TINY_CNN, "dense_units": (8,), "epochs": 1}
    # The fitted encoder itself works as pretrained= too (outside GridSearchCV).
    frozen = HeartbeatCNNClassifier(pretrained=enc, freeze_encoder=True, random_state=0,
                                    **arch).fit(X, y)
    for a, b in zip(encoder.weights, frozen.model_.get_layer("encoder").get_weights()):
        np.testing.assert_array_equal(a, b)
    assert frozen.predict(X).shape == (len(y),)
    with pytest.raises(ValueError, match="set the same conv_filters"):
        HeartbeatCNNClassifier(pretrained=encoder, conv_filters=(4,), kernel_size=3,
                               padding="same").fit(X, y)


def test_pretrained_encoder_initialises_the_siamese_and_metric_encoders(beats, ecgid_segments,
                                                                        ecgid_pairs):
    enc = ContrastiveEncoder(epochs=1, random_state=0, **TINY).fit(beats[0])  # 96-sample beats
    encoder = enc.export_encoder()
    X_pairs, y_pairs, _ = ecgid_pairs  # 64-sample segments: the length may differ
    # A learning rate of 1e-9 leaves the weights where they started.
    still = dict(epochs=1, learning_rate=1e-9, random_state=0)
    siamese = SiameseSimilarityRegressor(pretrained=enc, **{**TINY_SIAMESE, **still}).fit(X_pairs, y_pairs)
    metric = MetricEncoder(pretrained=encoder, **{**TINY_METRIC, **still}).fit(
        ecgid_segments.X, ecgid_segments.groups)
    for model in (siamese, metric):
        weights = model.model_.get_layer("encoder").get_weights()
        assert len(weights) == len(encoder.weights) + 2  # the conv blocks, then the embedding
        for a, b in zip(encoder.weights, weights):
            np.testing.assert_allclose(a, b, atol=1e-6)
    fresh = MetricEncoder(**{**TINY_METRIC, **still}).fit(ecgid_segments.X, ecgid_segments.groups)
    assert not np.allclose(encoder.weights[0], fresh.model_.get_layer("encoder").get_weights()[0])
    with pytest.raises(ValueError, match="set the same conv_filters"):
        MetricEncoder(pretrained=encoder, **{**TINY_METRIC, "conv_filters": (4,)}).fit(
            ecgid_segments.X, ecgid_segments.groups)
    with pytest.raises(ValueError, match="encoder resolves to 'dense'"):
        SiameseSimilarityRegressor(pretrained=encoder, encoder="dense", **TINY_SIAMESE).fit(
            X_pairs, y_pairs)
    with pytest.raises(ValueError, match="give it as many leads"):
        MetricEncoder(pretrained=encoder, **TINY_METRIC).fit(
            np.stack([ecgid_segments.X] * 2, axis=-1), ecgid_segments.groups)


@pytest.mark.parametrize("encoder", ["cnn_lstm", "cnn_transformer", "cnn_attention_lstm"])
def test_every_encoder_of_the_family_embeds_and_initialises_the_other_estimators(
        beats, ecgid_segments, encoder):
    X, y = beats[0][::3], beats[1][::3]
    conv = dict(conv_filters=(8, 8), kernel_size=3, padding="same")
    enc = ContrastiveEncoder(encoder=encoder, epochs=1, random_state=0,
                             **{**TINY, **conv, "embedding_dim": None, "lstm_units": 6})
    Z = enc.fit(X).transform(X)
    assert Z.shape == (len(X), 8 if encoder == "cnn_transformer" else 6) and np.isfinite(Z).all()
    np.testing.assert_allclose(clone(enc).set_params(inference="numpy").fit(X).transform(X), Z,
                               rtol=1e-4, atol=1e-5)

    exported = enc.export_encoder()
    assert exported.architecture["encoder"] == encoder
    clf = HeartbeatCNNClassifier(pretrained=enc, freeze_encoder=True, dense_units=(8,), epochs=1,
                                 random_state=0, **conv).fit(X, y)
    for a, b in zip(exported.weights, clf.model_.get_layer("encoder").get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(clf.set_params(inference="numpy").predict_proba(X),
                               clf.set_params(inference="keras").predict_proba(X), atol=1e-5)
    assert clf.export_encoder().architecture == exported.architecture

    segments = ecgid_segments.X if encoder != "cnn_transformer" else \
        np.resize(ecgid_segments.X, (len(ecgid_segments.X), 96))  # learned positions: one length
    metric = MetricEncoder(pretrained=exported, epochs=1, random_state=0,
                           **{**TINY_METRIC, **conv, "learning_rate": 1e-9}).fit(
        segments, ecgid_segments.groups)
    for a, b in zip(exported.weights, metric.model_.get_layer("encoder").get_weights()):
        np.testing.assert_allclose(a, b, atol=1e-6)
    np.testing.assert_allclose(metric.set_params(inference="numpy").transform(segments),
                               metric.set_params(inference="keras").transform(segments), atol=1e-5)
    if encoder == "cnn_transformer":
        with pytest.raises(ValueError, match="trained on segments of shape"):
            MetricEncoder(pretrained=exported, **{**TINY_METRIC, **conv}).fit(
                ecgid_segments.X, ecgid_segments.groups)


def test_the_similarity_protocol_scores_by_the_cosine_of_the_embeddings(beats):
    X = beats[0][::3]
    enc = ContrastiveEncoder(epochs=1, random_state=0, **TINY).fit(X)
    assert all(issubclass(c, SimilarityMixin)
               for c in (ContrastiveEncoder, MetricEncoder, SiameseSimilarityRegressor))
    Z = enc.embed(X).astype(np.float64)
    unit = Z / np.linalg.norm(Z, axis=1, keepdims=True)
    np.testing.assert_allclose(enc.score_pairs(X[:4], X[4:9]), unit[:4] @ unit[4:9].T, atol=1e-6)
    np.testing.assert_allclose(enc.score_embeddings(2 * Z[:4], Z[4:9]), unit[:4] @ unit[4:9].T,
                               atol=1e-6)
    with pytest.raises(ValueError, match="Y has segments of shape"):
        enc.score_pairs(X, X[:, :32])
    with pytest.raises(ValueError, match="A has embeddings of 3 dimensions"):
        enc.score_embeddings(np.ones((2, 3)))


def test_adjacent_halves_of_windows():
    # Four-second windows of real rhythm: the halves are adjacent two-second stretches.
    signal = load_mitdb_sample()[1].signal
    windows = signal[: 40 * 1440].reshape(40, 1440)[:, ::8]  # 45 Hz is enough here
    windows = (windows - windows.mean(axis=1, keepdims=True)) / windows.std(axis=1, keepdims=True)
    enc = ContrastiveEncoder(views="adjacent_halves", augmentations=["noise"], epochs=1,
                             random_state=0, **TINY)
    first, second = enc.draw_views(windows, random_state=0)
    assert first.shape == second.shape == (40, 90)
    Z = enc.fit(windows).transform(windows)
    assert enc.encoder_input_shape_ == (90, 1) and enc.export_encoder().input_shape == (90, 1)
    assert Z.shape == (40, 4) and np.isfinite(Z).all()
    # No augmentation is needed: the halves differ by themselves.
    ContrastiveEncoder(views="adjacent_halves", augmentations=(), epochs=1, **TINY).fit(windows)


@pytest.mark.slow
def test_grid_search_in_a_pipeline_with_patient_groups():
    # Windows of 4 s from the eight bundled patients, labelled by whether they
    # hold a ventricular beat; each becomes its median beat, then an embedding.
    X, y, groups = [], [], []
    for record in load_mitdb_sample():
        for start in np.arange(12) * 1440 * 6:
            X.append(record.signal[start : start + 1440])
            inside = (record.r_peaks >= start) & (record.r_peaks < start + 1440)
            y.append("V" if "V" in set(np.asarray(record.beat_labels)[inside]) else "N")
            groups.append(record.subject)
    X, y, groups = np.array(X), np.array(y), np.array(groups)
    pipe = make_pipeline(
        RPeakSegmenter(fs=360.0, rr_features=False, beat_length=64),
        BeatNormalizer("minmax"),
        ContrastiveEncoder(epochs=1, random_state=0, **TINY),
        LogisticRegression(),
    )
    grid = [
        {"contrastiveencoder__temperature": [0.5], "contrastiveencoder__embedding_dim": [8]},
        {"contrastiveencoder__augmentations": [("permute", ("dropout", {"rate": 0.2}))]},
    ]
    search = GridSearchCV(pipe, grid, cv=PairGroupKFold(3), n_jobs=2, error_score="raise")
    search.fit(X, y, groups=groups)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert search.predict(X[:3]).shape == (3,)
    # clone keeps every parameter, the augmentations' specification included.
    best = search.best_estimator_.named_steps["contrastiveencoder"]
    assert clone(best).get_params() == best.get_params()
