"""Tests of R-peak matching and detection scores."""

import numpy as np
import pytest

from sklearn_ecg.metrics import detection_scores, match_peaks


def test_match_is_one_to_one_and_nearest_first():
    # Two detections near the beat at 100: the nearer one matches, the other is false.
    ref_idx, det_idx = match_peaks([100, 500], [95, 130, 505], fs=100, tolerance=0.5)
    np.testing.assert_array_equal(ref_idx, [0, 1])
    np.testing.assert_array_equal(det_idx, [0, 2])
    s = detection_scores([100, 500], [95, 130, 505], fs=100, tolerance=0.5)
    assert (s["tp"], s["fn"], s["fp"]) == (2, 0, 1)


def test_tolerance_is_150_ms_by_default():
    s = detection_scores([1000], [1000 + 54], fs=360)  # 150 ms at 360 Hz = 54 samples
    assert s["tp"] == 1
    s = detection_scores([1000], [1000 + 55], fs=360)
    assert (s["tp"], s["fn"], s["fp"]) == (0, 1, 1)


def test_timing_errors_signed():
    s = detection_scores([100, 200], [110, 210], fs=1000)
    assert s["mean_error_ms"] == pytest.approx(10)
    assert s["mean_abs_error_ms"] == pytest.approx(10)


def test_excluded_intervals_count_neither_way():
    ref = [100, 255, 300]  # the beat at 255 lies inside a flutter episode
    det = [100, 250, 260, 300]  # so do two detections
    s = detection_scores(ref, det, fs=100, tolerance=0.1, exclude=[[240, 270]])
    assert (s["tp"], s["fn"], s["fp"]) == (2, 0, 0)
    s = detection_scores(ref, det, fs=100, tolerance=0.1)
    assert (s["tp"], s["fn"], s["fp"]) == (3, 0, 1)


def test_empty_inputs():
    s = detection_scores([], [10], fs=100)
    assert (s["tp"], s["fn"], s["fp"]) == (0, 0, 1)
    assert np.isnan(s["sensitivity"])


def test_errors():
    with pytest.raises(ValueError, match="reference must be a 1-D"):
        match_peaks(np.ones((2, 2)), [1], fs=100)
    with pytest.raises(ValueError, match="fs must be a positive"):
        match_peaks([1], [1], fs=0)
    with pytest.raises(ValueError, match="tolerance"):
        match_peaks([1], [1], fs=10, tolerance=-1)


# -- beat classification ------------------------------------------------------

from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402

from sklearn_ecg.metrics import aami_macro_f1, aami_macro_f1_scorer, aami_report  # noqa: E402


def test_aami_report_by_hand():
    y_true = ["N"] * 6 + ["S"] * 2 + ["V"] * 2 + ["Q"]
    y_pred = ["N"] * 5 + ["S"] + ["S", "N"] + ["V", "Q"] + ["V"]
    r = aami_report(y_true, y_pred)
    assert list(r.index) == ["N", "S", "V", "F"]
    assert r.loc["N", "sensitivity"] == pytest.approx(5 / 6)
    assert r.loc["N", "positive_predictivity"] == pytest.approx(5 / 6)
    assert r.loc["S", "sensitivity"] == pytest.approx(1 / 2)
    assert r.loc["S", "positive_predictivity"] == pytest.approx(1 / 2)
    # The V beat called Q is a missed V; the Q beat called V is a false V.
    assert r.loc["V", "sensitivity"] == pytest.approx(1 / 2)
    assert r.loc["V", "positive_predictivity"] == pytest.approx(1 / 2)
    assert np.isnan(r.loc["F", "sensitivity"]) and r.loc["F", "support"] == 0
    assert r.loc["S", "false_positive_rate"] == pytest.approx(1 / 9)


def test_macro_f1_ignores_absent_classes_and_scores_in_grid_search():
    y = np.array(["N", "N", "V", "S"])
    expected = np.mean([2 / 3 * 0 + 0.5, 0.0, 2 / 3])  # F1 of N 0.5, S 0, V 2/3
    assert aami_macro_f1(y, ["N", "V", "V", "N"]) == pytest.approx(expected)
    with pytest.raises(ValueError, match="none of the classes"):
        aami_macro_f1(["Q"], ["Q"])
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    labels = np.array(["N", "S", "V"])[np.argmax(X, axis=1)]
    search = GridSearchCV(LogisticRegression(), {"C": [0.1, 10]}, scoring=aami_macro_f1_scorer, cv=3)
    search.fit(X, labels)
    assert 0.7 < search.best_score_ <= 1.0


def test_equal_error_rate_against_counting():
    from sklearn_ecg.metrics import equal_error_rate

    assert equal_error_rate([0, 0, 1, 1], [0.1, 0.2, 0.7, 0.9], return_threshold=True) == (0.0, 0.7)
    # 4 same, 4 different; one different pair (0.6) outscores one same pair (0.3):
    # at threshold 0.6 one false accept in 4 and one false reject in 4.
    eer, threshold = equal_error_rate([1, 1, 1, 1, 0, 0, 0, 0],
                                      [0.9, 0.8, 0.7, 0.3, 0.6, 0.2, 0.1, 0.0],
                                      return_threshold=True)
    assert eer == pytest.approx(0.25) and threshold == pytest.approx(0.6)
    assert equal_error_rate([0, 1], [0.5, 0.5]) == pytest.approx(0.5)
    # Gaussian scores 2 standard deviations apart: EER = Phi(-1) = 0.1587.
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 40000)
    assert equal_error_rate(y, rng.normal(2.0 * y, 1.0)) == pytest.approx(0.1587, abs=0.006)
    # Between the false accept and false reject rates counted at its threshold.
    same = rng.random(300) < 0.3
    scores = np.round(rng.normal(same * 1.0, 1.0), 2)
    eer, t = equal_error_rate(same.astype(int), scores, return_threshold=True)
    far, frr = np.mean(scores[~same] >= t), np.mean(scores[same] < t)
    assert min(far, frr) - 1 / 90 <= eer <= max(far, frr) + 1 / 90


def test_equal_error_rate_bad_input():
    from sklearn_ecg.metrics import equal_error_rate

    with pytest.raises(ValueError, match="y_true must hold both"):
        equal_error_rate([1, 1], [0.2, 0.3])
    with pytest.raises(ValueError, match="same length"):
        equal_error_rate([0, 1], [0.2])
    with pytest.raises(ValueError, match="y_score must be finite"):
        equal_error_rate([0, 1], [0.2, np.nan])


def test_eer_scorer_is_minus_the_eer():
    from sklearn.dummy import DummyRegressor

    from sklearn_ecg.metrics import eer_scorer, equal_error_rate

    X = np.arange(20.0)[:, None]
    y = (np.arange(20) % 2).astype(float)
    model = DummyRegressor().fit(X, y)
    assert eer_scorer(model, X, y) == pytest.approx(-equal_error_rate(y, model.predict(X)))
