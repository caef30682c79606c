"""Tests of SiameseSimilarityRegressor (tiny networks, few epochs).

What the three Keras estimators share (lazy TensorFlow, tags, seeding, pickling,
warm_start) is in test_keras_common.py.
"""


import numpy as np
import pytest
from _shared import TINY_SIAMESE as TINY
from sklearn.base import clone, is_regressor
from sklearn.model_selection import GridSearchCV
from sklearn.neighbors import KNeighborsClassifier
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_ecg import PairGroupKFold
from sklearn_ecg.metrics import eer_scorer
from sklearn_ecg.neural import SiameseSimilarityRegressor

_ODD = (
    "the check's X has an odd number of columns (1, 3 or 5), which cannot be a pair "
    "row [left | right]; fit rejects it with a ValueError naming X. The property it "
    "checks is tested below on pair rows"
)
EXPECTED_FAILURES = {
    **dict.fromkeys([
        "check_fit_score_takes_y", "check_dont_overwrite_parameters",
        "check_estimators_dtypes", "check_sample_weights_list",
        "check_pipeline_consistency", "check_estimators_nan_inf",
        "check_estimators_pickle", "check_f_contiguous_array_estimator",
        "check_supervised_y_2d", "check_methods_sample_order_invariance",
        "check_methods_subset_invariance", "check_fit2d_1feature",
        "check_dict_unchanged", "check_fit2d_predict1d",
    ], _ODD),
    "check_regressors_train": (
        "R^2 > 0.5 on a generic regression problem (10 features read as two "
        "segments of 5): a twin network is symmetric in its two halves, so it "
        "cannot fit a target that depends on them asymmetrically"
    ),
    "check_sample_weight_equivalence_on_dense_data": (
        "mini-batch training: a pair of weight 2 and the same pair twice reach the "
        "loss in different batches and validation splits, so the two fits differ by "
        "training noise, not by a weighting error"
    ),
}


# scikit-learn's regressor checks draw y from a generic regression problem, outside
# [0, 1], which the default loss (the probability that a pair is one person's)
# refuses with a ValueError naming y: the checks run the original's regression.
@pytest.mark.slow
@parametrize_with_checks(
    [SiameseSimilarityRegressor(epochs=2, early_stopping=False, random_state=0,
                                loss="mse", bound_output=False, **TINY)],
    expected_failed_checks=lambda est: EXPECTED_FAILURES,
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.fixture
def segments(ecgid_segments):
    """Median beats of 5-s windows of the bundled ECG-ID sample: 10 persons."""
    return ecgid_segments


@pytest.fixture
def pairs(ecgid_pairs):
    return ecgid_pairs


def _swap(X_pairs):
    d = X_pairs.shape[1] // 2
    return np.hstack([X_pairs[:, d:], X_pairs[:, :d]])


def test_is_a_regressor():
    assert is_regressor(SiameseSimilarityRegressor())


@pytest.mark.parametrize("encoder", ["dense", "cnn"])
def test_symmetric_on_random_input(encoder):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(80, 2 * 40))
    y = rng.integers(0, 2, 80).astype(float)
    model = SiameseSimilarityRegressor(encoder=encoder, epochs=2, random_state=0, **TINY).fit(X, y)
    scores = model.predict(X)
    assert np.ptp(scores) > 0  # not a constant output, which would be trivially symmetric
    np.testing.assert_allclose(model.predict(_swap(X)), scores, rtol=0, atol=1e-6)


@pytest.mark.slow
def test_symmetric_on_real_input_and_embeddings(segments, pairs):
    X_pairs, y, _ = pairs
    model = SiameseSimilarityRegressor(epochs=3, bound_output=True, random_state=0, **TINY)
    model.fit(X_pairs, y)
    assert model.encoder_ == "cnn"  # 64-sample beats
    scores = model.predict(X_pairs)
    assert np.all((scores >= 0) & (scores <= 1))
    np.testing.assert_allclose(model.predict(_swap(X_pairs)), scores, rtol=0, atol=1e-6)
    # embed and score_pairs give what predict gives on the pair rows
    emb = model.embed(segments.X[:7])
    assert emb.shape == (7, TINY["embedding_dim"]) and np.all(np.isfinite(emb))
    matrix = model.score_pairs(segments.X[:3], segments.X[3:7])
    rows = np.hstack([np.repeat(segments.X[:3], 4, axis=0), np.tile(segments.X[3:7], (3, 1))])
    np.testing.assert_allclose(matrix, model.predict(rows).reshape(3, 4), rtol=0, atol=1e-6)
    np.testing.assert_allclose(model.score_pairs(segments.X[:5]), model.score_pairs(segments.X[:5]).T,
                               rtol=0, atol=1e-6)


def test_embeddings_feed_nearest_neighbours(segments, pairs):
    X_pairs, y, _ = pairs
    model = SiameseSimilarityRegressor(epochs=2, random_state=0, **TINY).fit(X_pairs, y)
    knn = KNeighborsClassifier(1).fit(model.embed(segments.X), segments.groups)
    assert knn.score(model.embed(segments.X), segments.groups) == 1.0  # each segment finds itself


@pytest.mark.slow
def test_grid_search_with_pair_groups(pairs):
    X_pairs, y, pair_groups = pairs
    search = GridSearchCV(
        SiameseSimilarityRegressor(epochs=1, bound_output=True, random_state=0, **TINY),
        {"loss": ["mse", "cross_entropy"]},
        cv=PairGroupKFold(3), scoring=eer_scorer, n_jobs=2,
    ).fit(X_pairs, y, groups=pair_groups)
    assert search.best_params_["loss"] in ("mse", "cross_entropy")
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    assert np.all(search.cv_results_["mean_test_score"] <= 0)  # minus an error rate
    assert is_regressor(search.best_estimator_)


@pytest.mark.slow
def test_properties_the_odd_width_checks_cover(pairs):
    """Pickle, lists, int dtype, order and subset invariance, NaN, 2-D y, on pair rows."""
    X_pairs, y, _ = pairs
    X, y = X_pairs[:120], y[:120]
    model = SiameseSimilarityRegressor(epochs=1, random_state=0, **TINY)
    params = model.get_params()
    model.fit(X, y)
    assert model.get_params() == params  # fit does not change parameters
    scores = model.predict(X)
    # sample order and subsets: each pair is scored on its own
    order = np.random.default_rng(0).permutation(len(X))
    np.testing.assert_allclose(model.predict(X[order]), scores[order], rtol=0, atol=1e-6)
    np.testing.assert_allclose(model.predict(X[:7]), scores[:7], rtol=0, atol=1e-6)
    # F-ordered, list and integer input are accepted
    np.testing.assert_allclose(model.predict(np.asfortranarray(X)), scores, rtol=0, atol=1e-6)
    assert model.predict(X[:3].tolist()).shape == (3,)
    clone(model).fit(np.round(X * 100).astype(int), y, sample_weight=list(np.ones(len(y))))
    with pytest.raises(ValueError, match="NaN"):
        clone(model).fit(np.where(np.eye(*X.shape, dtype=bool), np.nan, X), y)
    with pytest.raises(ValueError, match=r"NaN|infinity"):
        model.predict(np.full_like(X[:2], np.inf))
    with pytest.warns(Warning, match="column-vector y"):
        clone(model).fit(X, y[:, None])
    import pickle
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(model)).predict(X), scores)


def test_bad_input_names_the_argument(pairs, segments):
    X_pairs, y, _ = pairs
    with pytest.raises(ValueError, match="even number of columns"):
        SiameseSimilarityRegressor(**TINY).fit(X_pairs[:, 1:], y)
    with pytest.raises(ValueError, match="needs bound_output=True"):
        SiameseSimilarityRegressor(loss="contrastive", bound_output=False, **TINY).fit(X_pairs, y)
    with pytest.raises(ValueError, match=r"y must lie in \[0, 1\]"):
        SiameseSimilarityRegressor(loss="cross_entropy", bound_output=True,
                                   **TINY).fit(X_pairs, y * 2)
    with pytest.raises(ValueError, match="metrics must be names"):
        SiameseSimilarityRegressor(metrics=["accuracy"], **TINY).fit(X_pairs, y)
    with pytest.raises(ValueError, match="encoder='dense' takes 2-D X"):
        SiameseSimilarityRegressor(encoder="dense", **TINY).fit(X_pairs.reshape(200, -1, 2), y)
    with pytest.raises(ValueError, match="loss"):
        SiameseSimilarityRegressor(loss="hinge").fit(X_pairs, y)
    model = SiameseSimilarityRegressor(epochs=1, **TINY).fit(X_pairs, y)
    with pytest.raises(ValueError, match="has segments of shape"):
        model.embed(X_pairs[:3])
    with pytest.raises(ValueError, match="X has 10 features"):
        model.predict(X_pairs[:, :10])


def test_losses_and_metrics():
    """The contrastive loss is Hadsell's on d = 1 - score; metrics land in history_."""
    from sklearn_ecg.neural._architectures import siamese_loss
    from sklearn_ecg.neural._keras import import_keras

    keras = import_keras()
    loss = siamese_loss(keras, "contrastive", 0.5)
    y_true = np.array([1.0, 1.0, 0.0, 0.0], dtype="float32")
    score = np.array([[0.9], [0.2], [0.9], [0.2]], dtype="float32")
    d = 1 - score[:, 0]
    expected = y_true * d**2 + (1 - y_true) * np.maximum(0.5 - d, 0) ** 2  # [.01, .64, .16, 0]
    np.testing.assert_allclose(np.asarray(loss(y_true, score)), expected, rtol=1e-6)

    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(64, 12)), rng.integers(0, 2, 64)
    model = SiameseSimilarityRegressor(loss="contrastive", bound_output=True, epochs=2,
                                       metrics=["mse", "mae", "mape", "cosine_similarity"],
                                       random_state=0, **TINY).fit(X, y)
    assert {"loss", "val_loss", "mean_absolute_error", "val_mean_squared_error",
            "mean_absolute_percentage_error", "cosine_similarity"} <= set(model.history_)
    assert model.n_epochs_ == 2 and all(len(v) == 2 for v in model.history_.values())


def test_bounded_output_refuses_targets_outside_zero_one():
    X = np.random.default_rng(0).normal(size=(20, 40))
    with pytest.raises(ValueError, match=r"y must lie in \[0, 1\] for bound_output=True"):
        SiameseSimilarityRegressor(loss="mse", bound_output=True, epochs=1, **TINY).fit(
            X, np.tile([0.0, 5.0], 10))


def test_negative_sample_weight_is_refused():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(20, 40)), np.r_[np.ones(10), np.zeros(10)]
    with pytest.raises(ValueError, match="Negative values in data passed to `sample_weight`"):
        SiameseSimilarityRegressor(epochs=1, **TINY).fit(X, y, sample_weight=-np.ones(20))


def test_one_target_for_every_pair_is_refused():
    # Pairs of one person only (all targets 1) trained a model where MetricEncoder refuses.
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="y must hold at least two different targets"):
        SiameseSimilarityRegressor(epochs=1, **TINY).fit(rng.normal(size=(20, 40)), np.ones(20))
