"""Tests of sklearn_ecg.preprocessing: OutlierFilter and BeatNormalizer."""

import warnings

import numpy as np
import pandas as pd
import pytest
from _shared import SET_OUTPUT_CHECKS
from numpy.testing import assert_allclose, assert_array_equal
from scipy import stats
from sklearn.base import clone
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_ecg.preprocessing import BeatFeatureExtractor, BeatNormalizer, OutlierFilter

ESTIMATORS = [
    OutlierFilter(),
    OutlierFilter(method="robust"),
    OutlierFilter(threshold=2.0),
    OutlierFilter(threshold=2.0, method="robust", replace="nan"),
    OutlierFilter(threshold=2.0, replace="location"),
    BeatNormalizer(),
    BeatNormalizer(beat_length=7),
    BeatNormalizer(method="zscore"),
    BeatNormalizer(method="baseline", fs=4, target_fs=6),
    BeatNormalizer(method=None, beat_length=3),
    BeatFeatureExtractor(),
    BeatFeatureExtractor(fs=10, r_offset=0.1, n_points=2, extra_features=1),
]

_NO_OUTLIER_IN_BLOBS = (
    "the check's data (300 points in 3 Gaussian blobs) has no value more than "
    "2.6 standard deviations from its column's mean or median, so a "
    "3-sigma rule rightly finds no outlier while the check requires both "
    "labels; the same checks pass with threshold=2"
)


def _expected_failed_checks(estimator):
    if isinstance(estimator, OutlierFilter) and estimator.threshold >= 2.6:
        return {
            "check_outliers_train": _NO_OUTLIER_IN_BLOBS,
            "check_outliers_fit_predict": _NO_OUTLIER_IN_BLOBS,
        }
    return {}


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected_failed_checks)
def test_sklearn_compatible(estimator, check):
    check(estimator)


# check_estimator does not run the set_output / feature-name checks: run them here.
# The checks themselves mix DataFrame and ndarray inputs, hence the filter.
@pytest.mark.filterwarnings("ignore:X (does not have valid|has) feature names")
@pytest.mark.parametrize(
    "check",
    SET_OUTPUT_CHECKS,
    ids=lambda c: c.__name__,
)
@pytest.mark.parametrize("estimator", ESTIMATORS, ids=repr)
def test_set_output_and_feature_names_checks(estimator, check):
    check(type(estimator).__name__, clone(estimator))


# --------------------------------------------------------------------------
# OutlierFilter
# --------------------------------------------------------------------------


def _spike_data():
    """20 rows: column 0 is 0 with a spike of 20 in the last row; column 1 is ±1."""
    X = np.zeros((20, 2))
    X[19, 0] = 20.0
    X[:, 1] = np.tile([-1.0, 1.0], 10)
    return X


def test_outlier_filter_hand_computed_spike():
    X = _spike_data()
    filt = OutlierFilter().fit(X)
    # Column 0: mean 20 / 20 = 1, population std sqrt((19 * 1 + 19**2) / 20).
    assert_allclose(filt.location_, [1.0, 0.0])
    assert_allclose(filt.scale_, [np.sqrt(19.0), 1.0])
    assert filt.offset_ == -3.0

    # The spike's z is 19 / sqrt(19) = sqrt(19) ~ 4.36 > 3.
    expected = np.ones(20, dtype=int)
    expected[19] = -1
    assert_array_equal(filt.predict(X), expected)
    assert_array_equal(filt.fit_predict(X), expected)
    assert_allclose(filt.score_samples(X)[19], -np.sqrt(19.0))
    assert_allclose(filt.score_samples(X)[0], -1.0)  # column 1 has |z| = 1
    assert_allclose(filt.decision_function(X), filt.score_samples(X) + 3.0)

    clipped = filt.transform(X)
    assert clipped[19, 0] == 1.0 + 3.0 * np.sqrt(19.0)
    assert_array_equal(np.delete(clipped, 19, axis=0), np.delete(X, 19, axis=0))
    assert clipped[19, 1] == X[19, 1]

    located = OutlierFilter(replace="location").fit_transform(X)
    assert located[19, 0] == 1.0
    assert_array_equal(np.delete(located, 19, axis=0), np.delete(X, 19, axis=0))

    nanned = OutlierFilter(replace="nan").fit_transform(X)
    assert np.isnan(nanned[19, 0])
    assert np.isnan(nanned).sum() == 1


def test_outlier_filter_clips_low_values_to_lower_bound():
    X = -_spike_data()
    filt = OutlierFilter().fit(X)
    assert filt.transform(X)[19, 0] == -1.0 - 3.0 * np.sqrt(19.0)


def test_outlier_filter_robust_resists_spike():
    x = np.tile([-1.0, 1.0], 10)
    x[3] = 41.0  # a spike replacing a +1
    X = x[:, None]
    plain = OutlierFilter().fit(X)
    robust = OutlierFilter(method="robust").fit(X)
    # The mean is pulled to 2 by the spike; the median stays 0.
    assert_allclose(plain.location_, [2.0])
    assert_allclose(robust.location_, [np.median(x)])
    assert robust.location_[0] == 0.0
    assert_allclose(robust.scale_, [1.4826])  # MAD = 1
    assert_array_equal(np.flatnonzero(robust.predict(X) == -1), [3])
    assert robust.transform(X)[3, 0] == 3.0 * 1.4826
    # Far fewer false alarms at a lower threshold than the mean/std estimate.
    assert (OutlierFilter(1.0, method="robust").fit(X).predict(X) == -1).sum() == 1


def test_outlier_filter_robust_zero_mad_falls_back_to_mean_absolute_deviation():
    X = _spike_data()[:, :1]  # 19 zeros and one spike: MAD = 0
    filt = OutlierFilter(method="robust").fit(X)
    assert filt.location_[0] == 0.0
    assert_allclose(filt.scale_, [1.253314 * 20.0 / 20.0])
    assert_array_equal(np.flatnonzero(filt.predict(X) == -1), [19])


def test_outlier_filter_matches_pandas_one_liner():
    rng = np.random.RandomState(0)
    df = pd.DataFrame(
        rng.normal(size=(500, 5)), columns=[f"ecg{i}" for i in range(1, 6)]
    )
    df.iloc[[10, 200, 201], [0, 3, 4]] = [8.0, -9.0, 7.5]
    reference = (np.abs(stats.zscore(df, ddof=0)) < 3).all(axis=1)

    filt = OutlierFilter(threshold=3.0)
    inlier = filt.fit(df).predict(df) == 1
    reference = np.asarray(reference)
    assert_array_equal(inlier, reference)
    assert (~inlier).sum() >= 3
    pd.testing.assert_frame_equal(df[inlier], df[reference])
    assert_allclose(filt.location_, df.mean())
    assert_allclose(filt.scale_, df.std(ddof=0))


def test_outlier_filter_keeps_rows_and_pandas_output():
    rng = np.random.RandomState(1)
    df = pd.DataFrame(
        rng.normal(size=(100, 3)),
        columns=["ecg1", "ecg2", "ecg3"],
        index=pd.RangeIndex(1000, 1100),
    )
    df.iloc[5, 1] = 50.0
    filt = OutlierFilter().set_output(transform="pandas")
    out = filt.fit_transform(df)
    assert isinstance(out, pd.DataFrame)
    assert out.shape == df.shape
    assert list(out.columns) == ["ecg1", "ecg2", "ecg3"]
    pd.testing.assert_index_equal(out.index, df.index)
    assert_array_equal(filt.get_feature_names_out(), ["ecg1", "ecg2", "ecg3"])
    assert out.iloc[5, 1] < 50.0

    # Inside a pipeline the rows stay aligned with y.
    y = (df["ecg1"] > 0).astype(int)
    pipe = make_pipeline(OutlierFilter(), StandardScaler()).fit(df, y)
    assert pipe.transform(df).shape == df.shape


def test_outlier_filter_missing_values():
    X = _spike_data()
    X[0, 1] = np.nan
    X[3, :] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        filt = OutlierFilter().fit(X)
        assert_allclose(filt.location_, np.nanmean(X, axis=0))
        assert_allclose(filt.scale_, np.nanstd(X, axis=0))
        Xt = filt.transform(X)
        scores = filt.score_samples(X)
    # NaN passes through and is never outlying.
    assert np.isnan(Xt[0, 1]) and np.isnan(Xt[3]).all()
    assert np.isnan(Xt).sum() == 3
    pred = filt.predict(X)
    assert pred[0] == 1 and pred[3] == 1 and pred[19] == -1
    assert scores[3] == 0.0  # all-NaN row

    # A column that is entirely NaN in fit: nothing in it is outlying.
    X_all_nan = X.copy()
    X_all_nan[:, 1] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        filt = OutlierFilter().fit(X_all_nan)
        assert np.isnan(filt.location_[1]) and np.isnan(filt.scale_[1])
        assert_array_equal(filt.predict(np.array([[1.0, 1e9]])), [1])


def test_outlier_filter_constant_column():
    X = np.column_stack([np.full(20, 0.1), np.tile([-1.0, 1.0], 10)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        filt = OutlierFilter().fit(X)
        assert filt.scale_[0] == 0.0
        assert filt.location_[0] == 0.1
        assert_array_equal(filt.predict(X), np.ones(20))
        X_new = np.array([[0.1, 0.0], [0.2, 0.0]])
        assert_array_equal(filt.predict(X_new), [1, -1])
        assert filt.score_samples(X_new)[1] == -np.inf
        assert_array_equal(filt.transform(X_new), [[0.1, 0.0], [0.1, 0.0]])


def test_outlier_filter_float32_preserved():
    X = _spike_data().astype(np.float32)
    assert OutlierFilter().fit_transform(X).dtype == np.float32


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("method", ["zscore", "robust"])
def test_outlier_filter_clipped_values_are_inliers(dtype, method):
    # location_ ± threshold * scale_, rounded, can land an ulp past the
    # threshold; clipped rows must still be inliers for predict.
    rng = np.random.RandomState(0)
    for trial in range(100):
        X = rng.normal(rng.uniform(-5, 5), rng.uniform(0.1, 3), size=(50, 4))
        spikes = rng.rand(*X.shape) < 0.05
        n_spikes = spikes.sum()
        X[spikes] += rng.choice([-1, 1], n_spikes) * rng.uniform(5, 40, n_spikes)
        X = X.astype(dtype)
        threshold = rng.uniform(1.5, 3.5)
        filt = OutlierFilter(threshold=threshold, method=method).fit(X)
        Xt = filt.transform(X)
        assert Xt.dtype == dtype
        assert_array_equal(filt.predict(Xt), 1, err_msg=f"trial {trial}")
        # Clipped values stay next to the bound, not at the location.
        clipped = Xt != X
        bound = filt.location_ + threshold * filt.scale_ * np.sign(X - filt.location_)
        bound = np.broadcast_to(bound.astype(dtype), X.shape)
        assert_allclose(Xt[clipped], bound[clipped], rtol=1e-6)


@pytest.mark.parametrize(
    "params, name",
    [
        ({"threshold": 0}, "threshold"),
        ({"threshold": -1.0}, "threshold"),
        ({"threshold": np.inf}, "threshold"),
        ({"threshold": "3"}, "threshold"),
        ({"method": "mad"}, "method"),
        ({"replace": "drop"}, "replace"),
    ],
)
def test_outlier_filter_bad_params(params, name):
    with pytest.raises(ValueError, match=f"'{name}' parameter of OutlierFilter"):
        OutlierFilter(**params).fit(_spike_data())


def test_outlier_filter_wrong_number_of_features():
    filt = OutlierFilter().fit(_spike_data())
    with pytest.raises(ValueError, match="features"):
        filt.predict(np.zeros((3, 3)))


# --------------------------------------------------------------------------
# BeatNormalizer
# --------------------------------------------------------------------------


def _random_beats(n_beats=10, n_samples=50, seed=0):
    rng = np.random.RandomState(seed)
    return rng.normal(scale=0.3, size=(n_beats, n_samples)) + rng.uniform(
        -2, 2, size=(n_beats, 1)
    )


@pytest.mark.parametrize("n_samples", [None, 187])
def test_beat_normalizer_minmax_exact_range(n_samples):
    X = _random_beats()
    X[:, 20] += 5.0  # a sharp peak, which polyphase resampling overshoots
    Xt = BeatNormalizer(beat_length=n_samples).fit_transform(X)
    assert Xt.shape == (10, n_samples or 50)
    assert_array_equal(Xt.min(axis=1), np.zeros(10))
    assert_array_equal(Xt.max(axis=1), np.ones(10))


def test_beat_normalizer_zscore():
    Xt = BeatNormalizer("zscore").fit_transform(_random_beats())
    assert_allclose(Xt.mean(axis=1), 0.0, atol=1e-12)
    assert_allclose(Xt.std(axis=1), 1.0)


def test_beat_normalizer_baseline_keeps_units():
    X = _random_beats()
    Xt = BeatNormalizer("baseline").fit_transform(X)
    assert_allclose(np.median(Xt, axis=1), 0.0, atol=1e-12)
    assert_allclose(X - Xt, np.repeat(np.median(X, axis=1, keepdims=True), 50, 1))


def test_beat_normalizer_none_is_identity_without_resampling():
    X = _random_beats()
    assert_array_equal(BeatNormalizer(None).fit_transform(X), X)


def test_beat_normalizer_resampling_keeps_shape_of_bump_and_sine():
    fs, n_in, n_out = 360.0, 540, 187  # 1.5 s beats at MIT-BIH's rate
    t_in = np.arange(n_in) / fs
    t_out = np.arange(n_out) * (n_in / n_out) / fs  # same 1.5 s window

    def bump(t):
        return 1.2 * np.exp(-0.5 * ((t - 0.6) / 0.05) ** 2) + 0.1

    def sine(t):
        return np.sin(2 * np.pi * t / 1.5)

    X = np.vstack([bump(t_in), sine(t_in)])
    Xt = BeatNormalizer(None, beat_length=n_out).fit_transform(X)
    assert Xt.shape == (2, n_out)
    assert_allclose(Xt[0], bump(t_out), atol=0.01)
    assert_allclose(Xt[1], sine(t_out), atol=0.01)

    # Normalised after resampling: the analytic curve, min-max scaled.
    Xn = BeatNormalizer("minmax", beat_length=n_out).fit_transform(X)
    ref = bump(t_out)
    assert_allclose(Xn[0], (ref - ref.min()) / np.ptp(ref), atol=0.02)


def test_beat_normalizer_target_fs():
    X = np.zeros((2, 360))
    norm = BeatNormalizer(fs=360, target_fs=125).fit(X)
    assert norm.beat_length_ == 125
    assert norm.transform(X).shape == (2, 125)


@pytest.mark.parametrize("method", ["minmax", "zscore", "baseline"])
@pytest.mark.parametrize("n_samples", [None, 9])
def test_beat_normalizer_flat_beat_gives_zeros(method, n_samples):
    X = np.vstack([np.full(6, 0.1), np.full(6, -3.0), np.arange(6.0)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Xt = BeatNormalizer(method, beat_length=n_samples).fit_transform(X)
    assert_array_equal(Xt[:2], 0.0)
    assert np.ptp(Xt[2]) > 0


def test_beat_normalizer_feature_names():
    X = _random_beats(n_samples=5)
    assert_array_equal(
        BeatNormalizer().fit(X).get_feature_names_out(),
        ["beat_0", "beat_1", "beat_2", "beat_3", "beat_4"],
    )
    names = BeatNormalizer(beat_length=187).fit(X).get_feature_names_out()
    assert len(names) == 187
    assert names[0] == "beat_000" and names[-1] == "beat_186"

    df = pd.DataFrame(X, columns=[f"t{i}" for i in range(5)])
    assert_array_equal(
        BeatNormalizer().fit(df).get_feature_names_out(), list(df.columns)
    )
    norm = BeatNormalizer(beat_length=12).set_output(transform="pandas").fit(df)
    out = norm.transform(df)
    assert isinstance(out, pd.DataFrame)
    assert out.shape == (10, 12)
    assert out.columns[0] == "beat_00" and out.columns[-1] == "beat_11"
    with pytest.raises(ValueError, match="input_features"):
        norm.get_feature_names_out(["a", "b", "c", "d", "e"])


def test_beat_normalizer_warns_about_rr_feature_columns():
    # As after RPeakSegmenter(rr_features=True).set_output(transform="pandas").
    beat_columns = [f"beat_{i}" for i in range(5)]
    rr_columns = ["n_beats", "rr_mean", "rr_std", "rr_rmssd"]
    X = np.hstack([_random_beats(n_samples=5), np.ones((10, 4))])
    df = pd.DataFrame(X, columns=beat_columns + rr_columns)
    with pytest.warns(UserWarning, match=r"columns \['n_beats', 'rr_mean', 'rr_st"):
        BeatNormalizer().fit(df)
    with pytest.warns(UserWarning, match="rr_features=False.*ColumnTransformer"):
        BeatNormalizer().fit(df[[*beat_columns, "rr_std"]])

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        BeatNormalizer().fit(df[beat_columns])
        BeatNormalizer().fit(X)  # no names, nothing to recognise


@pytest.mark.parametrize(
    "params, match",
    [
        ({"method": "l2"}, "'method' parameter of BeatNormalizer"),
        ({"beat_length": 0}, "'beat_length' parameter of BeatNormalizer"),
        ({"beat_length": 2.5}, "'beat_length' parameter of BeatNormalizer"),
        ({"fs": -360}, "'fs' parameter of BeatNormalizer"),
        ({"beat_length": 187, "fs": 360, "target_fs": 125}, "beat_length and target_fs"),
        ({"target_fs": 125}, "target_fs needs fs"),
    ],
)
def test_beat_normalizer_bad_params(params, match):
    with pytest.raises(ValueError, match=match):
        BeatNormalizer(**params).fit(_random_beats())


def test_beat_normalizer_input_errors():
    norm = BeatNormalizer(beat_length=20).fit(_random_beats(n_samples=50))
    with pytest.raises(ValueError, match="features"):
        norm.transform(_random_beats(n_samples=40))
    X = _random_beats()
    X[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        BeatNormalizer().fit(X)


def test_beat_normalizer_normalises_each_lead_of_three_d_beats():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(5, 40, 2))
    out = BeatNormalizer("minmax", beat_length=20).fit_transform(X)
    assert out.shape == (5, 20, 2)
    for lead in range(2):
        expected = BeatNormalizer("minmax", beat_length=20).fit_transform(X[:, :, lead])
        assert_allclose(out[:, :, lead], expected)
    with pytest.raises(ValueError, match="beats as rows"):
        BeatNormalizer().fit(np.zeros((2, 3, 4, 5)))


def test_beat_normalizer_warns_about_every_rr_column_name():
    from sklearn_ecg.segmentation import RR_FEATURE_NAMES

    frame = pd.DataFrame(np.random.default_rng(0).normal(size=(4, 6)),
                         columns=["beat_0", "beat_1", "beat_2", "beat_3", RR_FEATURE_NAMES[0],
                                  RR_FEATURE_NAMES[-1]])
    with pytest.warns(UserWarning, match="rr_prev"):
        BeatNormalizer().fit(frame)


def _gaussian_beats(fs=360.0, widths=(0.01, 0.04), heights=(1.0, 1.0)):
    t = np.arange(int(0.7 * fs)) / fs
    return np.vstack([h * np.exp(-((t - 0.25) ** 2) / (2 * w ** 2)) for w, h in zip(widths, heights)])


def test_beat_features_measure_what_they_name():
    X = _gaussian_beats(widths=(0.01, 0.04), heights=(1.0, 2.0))
    extractor = BeatFeatureExtractor(n_points=4).fit(X)
    names = list(extractor.get_feature_names_out())
    out = pd.DataFrame(extractor.transform(X), columns=names)
    assert names[:9] == ["r_amplitude", "q_amplitude", "s_amplitude", "qrs_width", "qrs_energy",
                         "qrs_max_slope", "p_amplitude", "t_amplitude", "t_min"]
    assert_allclose(out["r_amplitude"], [1.0, 2.0], atol=1e-3)
    # A wide (ventricular-like) QRS is wider and less steep.
    assert out["qrs_width"][1] > 3 * out["qrs_width"][0]
    assert out["qrs_max_slope"][1] < out["qrs_max_slope"][0]
    assert out.shape == (2, 9 + 4)


def test_beat_features_pass_rr_columns_through_and_name_leads():
    X = _gaussian_beats()
    frame = pd.DataFrame(np.hstack([X, X, [[0.8], [1.2]]]),
                         columns=[f"a{i}" for i in range(2 * X.shape[1])] + ["rr_prev_record"])
    extractor = BeatFeatureExtractor(n_points=0, n_leads=2, extra_features=["rr_prev_record"])
    out = extractor.fit(frame).transform(frame)
    names = extractor.get_feature_names_out()
    assert names[0] == "rr_prev_record" and names[1] == "lead0_r_amplitude"
    assert "lead1_t_min" in names and out.shape == (2, 1 + 2 * 9)
    assert_allclose(out[:, 0], [0.8, 1.2])
    three_d = np.stack([X, X], axis=-1)
    assert_allclose(BeatFeatureExtractor(n_points=0).fit_transform(three_d), out[:, 1:])
    with pytest.raises(ValueError, match="do not split into n_leads=2"):
        BeatFeatureExtractor(n_leads=2).fit(X[:, :3])


def test_beat_features_relative_to_each_patient():
    same = dict(widths=(0.02, 0.02))
    X = np.vstack([_gaussian_beats(heights=(1.0, 1.0), **same),
                   _gaussian_beats(heights=(3.0, 3.0), **same)])
    X = np.vstack([X, X[[0]] * 1.5])  # patient a: two normal beats and a taller one
    groups = np.array(["a", "a", "b", "b", "a"])
    extractor = BeatFeatureExtractor(n_points=0, relative=True).fit(X)
    out = pd.DataFrame(extractor.transform(X, groups=groups),
                       columns=extractor.get_feature_names_out())
    # Patient b's beats are its usual beats; patient a's taller one stands out.
    assert_allclose(out["rel_r_amplitude"][[2, 3]], 0.0, atol=1e-9)
    assert out["rel_r_amplitude"][4] == pytest.approx(0.5, abs=1e-3)
    assert (out["template_corr"] > 0.99).all()
    with pytest.raises(ValueError, match="relative=True needs groups"):
        extractor.transform(X)
    with pytest.raises(ValueError, match="groups must hold one patient per beat"):
        extractor.transform(X, groups=groups[:2])
    assert_allclose(BeatFeatureExtractor(n_points=0, relative=True).fit_transform(X, groups=groups),
                    out.to_numpy())


def test_outlier_filter_refuses_one_row():
    # Fitted on one row, every column looked constant and every other row was flagged.
    with pytest.raises(ValueError, match="1 sample"):
        OutlierFilter().fit(np.array([[0.1, 0.2, 0.3]]))


# -- columns that are not beat samples (issue 31) ------------------------------------------


def _beats_frame():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(20, 32)), columns=[f"s{i}" for i in range(32)])
    X["record"] = 208.0
    return X


@pytest.mark.parametrize("estimator", [BeatNormalizer(), BeatFeatureExtractor(fs=128)])
def test_a_numeric_column_beside_the_beat_is_refused_not_scaled(estimator):
    # record=208 was scaled as a beat sample, squashing the beat into [0, 0.018].
    with pytest.raises(ValueError, match=r"X has columns \['record'\] beside its beat samples"):
        estimator.fit(_beats_frame())


def test_beat_features_pass_named_extra_columns_through():
    X = _beats_frame()
    out = BeatFeatureExtractor(fs=128, extra_features=["record"]).fit_transform(X)
    assert np.all(np.asarray(out)[:, 0] == 208.0)


@pytest.mark.parametrize("estimator", [BeatNormalizer(), BeatFeatureExtractor(fs=128),
                                       OutlierFilter()])
@pytest.mark.parametrize("column", [["208"] * 20, pd.Timestamp("2020-01-01")])
def test_text_and_date_columns_are_refused_by_name(estimator, column):
    # A patient string was converted silently; a date gave NumPy's promotion error.
    X = _beats_frame().drop(columns="record")
    X["patient"] = column
    with pytest.raises(ValueError, match=r"X has columns that are not numbers: \['patient'\]"):
        estimator.fit(X)
    fitted = clone(estimator).fit(X.drop(columns="patient"))
    with pytest.raises(ValueError, match="not numbers"):
        fitted.transform(X)
