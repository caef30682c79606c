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
