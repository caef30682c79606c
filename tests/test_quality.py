"""Tests of the signal-quality classifier and the learned detector it builds on."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_ecg.datasets import load_mitdb_sample
from sklearn_ecg.segmentation import (
    QUALITY_FEATURE_NAMES,
    SignalQualityClassifier,
    beat_quality,
    detect_r_peaks,
    load_signal_quality,
    quality_features,
)

# The checks' X has a few columns (at most 10 samples): a window shorter than 2 s
# holds no beat to rate, and fit refuses it with a ValueError naming X and the
# length needed. The properties these checks test are tested below on real windows.
_TOO_SHORT = (
    "the check's X holds windows of a few samples; fit refuses windows shorter than 2 s "
    "(a ValueError naming X). The property it checks is tested below on real windows"
)
EXPECTED_FAILURES = dict.fromkeys([
    "check_fit_score_takes_y", "check_estimators_overwrite_params", "check_dont_overwrite_parameters",
    "check_estimators_fit_returns_self", "check_readonly_memmap_input", "check_n_features_in_after_fitting",
    "check_positive_only_tag_during_fit", "check_estimators_dtypes", "check_sample_weights_pandas_series",
    "check_sample_weights_not_an_array", "check_sample_weights_list", "check_all_zero_sample_weights_error",
    "check_sample_weights_shape", "check_sample_weights_not_overwritten",
    "check_sample_weight_equivalence_on_dense_data", "check_dtype_object", "check_pipeline_consistency",
    "check_estimators_nan_inf", "check_estimators_pickle", "check_f_contiguous_array_estimator",
    "check_classifier_data_not_an_array", "check_classifiers_one_label",
    "check_classifiers_one_label_sample_weights", "check_classifiers_classes", "check_classifiers_train",
    "check_classifiers_regression_target", "check_supervised_y_2d",
    "check_non_transformer_estimators_n_iter", "check_classifier_not_supporting_multiclass",
    "check_methods_sample_order_invariance", "check_methods_subset_invariance", "check_fit2d_1sample",
    "check_dict_unchanged", "check_fit_idempotent", "check_fit_check_is_fitted", "check_n_features_in",
    "check_fit2d_predict1d", "check_requires_y_none", "check_fit2d_1feature",
], _TOO_SHORT)


def _checks_estimator():
    return SignalQualityClassifier(fs=100.0, max_iter=5, random_state=0)


@pytest.mark.slow
@parametrize_with_checks([_checks_estimator()], expected_failed_checks=lambda est: EXPECTED_FAILURES)
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.fixture(scope="module")
def record():
    return load_mitdb_sample()[0]


def _windows(x, fs, seconds=5.0):
    width = int(seconds * fs)
    n = x.size // width
    return x[: n * width].reshape(n, width)


def test_features_tell_ecg_from_noise(record):
    fs = record.fs
    clean = quality_features(_windows(record.signal, fs)[:10], fs)
    noise = quality_features(np.random.default_rng(0).normal(size=(10, int(5 * fs))), fs)
    assert clean.shape == (10, len(QUALITY_FEATURE_NAMES))
    agreement = QUALITY_FEATURE_NAMES.index("agreement")
    assert clean[:, agreement].min() > 0.9 > noise[:, agreement].mean()
    flat = quality_features(np.zeros((2, int(5 * fs))), fs)
    assert flat[:, QUALITY_FEATURE_NAMES.index("flat")].min() == 1.0


@pytest.mark.parametrize(
    ("X", "fs", "match"),
    [
        (np.zeros((2, 100)), 360.0, "at least 2 s"),
        (np.zeros((2, 1000)), 50.0, "fs must be at least 100"),
        (np.full((2, 1000), np.nan), 360.0, "NaN"),
        (np.zeros(1000), 360.0, "shape"),
    ],
)
def test_features_bad_input(X, fs, match):
    with pytest.raises(ValueError, match=match):
        quality_features(X, fs)


def test_fit_predict_levels_and_rate_signal(record):
    fs = record.fs
    rng = np.random.default_rng(0)
    clean = _windows(record.signal, fs)[:30]
    noise = rng.normal(0, np.std(record.signal), size=(30, clean.shape[1]))
    X, y = np.vstack([clean, noise]), np.r_[np.ones(30), np.zeros(30)]
    quality = SignalQualityClassifier(fs=fs, random_state=0).fit(X, y)
    assert quality.predict(X[[0, 40]]).tolist() == [1.0, 0.0]
    assert clone(quality).get_params() == quality.get_params()
    # A record whose middle minute is noise: those windows are unusable, the others not.
    signal = record.signal.copy()
    middle = slice(int(120 * fs), int(180 * fs))
    signal[middle] = rng.normal(0, np.std(record.signal), size=signal[middle].size)
    table = quality.rate_signal(signal)
    assert list(table.columns) == ["start", "stop", "start_s", "proba_usable", "level"]
    inside = (table.start >= middle.start) & (table.stop <= middle.stop)
    assert (table.level[inside] == "unusable").all()
    assert (table.level[table.stop < middle.start] != "unusable").all()
    assert table.stop.iloc[-1] == signal.size
    proba, level = beat_quality(detect_r_peaks(signal, fs), table)
    assert proba.shape == level.shape and set(level) <= {"excellent", "acceptable", "unusable"}
    with pytest.raises(ValueError, match="window"):
        quality.rate_signal(signal, window=1.0)
    with pytest.raises(ValueError, match="at least 2 s"):
        quality.rate_signal(signal[:100])
    with pytest.raises(ValueError, match="fs must be at least 100"):
        quality.rate_signal(signal, fs=80.0)
    with pytest.raises(ValueError, match="two classes"):
        SignalQualityClassifier(fs=fs).fit(X, np.ones(60))
    with pytest.raises(ValueError, match="acceptable must be at most excellent"):
        SignalQualityClassifier(fs=fs, acceptable=0.95).fit(X, y)


def test_shipped_quality_rates_noise_unusable_and_clean_usable(record):
    quality = load_signal_quality()
    fs = record.fs
    rng = np.random.default_rng(1)
    clean = quality.rate_signal(record.signal, fs=fs)
    assert (clean.level != "unusable").mean() > 0.9
    for noise in (rng.normal(size=int(60 * fs)), np.zeros(int(60 * fs))):
        assert (quality.rate_signal(noise, fs=fs).level == "unusable").all()


def test_estimator_contract_on_real_windows(record):
    """What scikit-learn's checks test, on windows long enough to rate."""
    import pickle

    fs = record.fs
    rng = np.random.default_rng(0)
    clean = _windows(record.signal, fs, 2.0)[:20]
    noise = rng.normal(0, np.std(record.signal), size=clean.shape)
    X, y = np.vstack([clean, noise]), np.r_[np.ones(20, int), np.zeros(20, int)]
    est = SignalQualityClassifier(fs=fs, max_iter=20, random_state=0)
    params = est.get_params()
    assert est.fit(X, y) is est and est.get_params() == params
    assert est.n_features_in_ == X.shape[1] and est.classes_.tolist() == [0, 1]
    proba = est.predict_proba(X)
    assert proba.shape == (40, 2) and np.allclose(proba.sum(axis=1), 1)
    order = rng.permutation(40)
    np.testing.assert_allclose(est.predict_proba(X[order]), proba[order])
    np.testing.assert_allclose(pickle.loads(pickle.dumps(est)).predict_proba(X), proba)
    np.testing.assert_allclose(clone(est).fit(X, y).predict_proba(X), proba)  # idempotent, seeded
    weighted = clone(est).fit(X, y, sample_weight=np.r_[np.ones(39), 0.0])
    assert weighted.predict_proba(X).shape == (40, 2)
    with pytest.raises(ValueError, match="features"):
        est.predict_proba(X[:, :-10])
    with pytest.raises(ValueError, match="NaN"):
        clone(est).fit(np.where(X == X[0, 0], np.nan, X), y)
