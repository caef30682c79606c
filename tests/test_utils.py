"""Tests of the shared signal helpers."""

import numpy as np
import pytest

from sklearn_ecg.utils import check_fs, resample_rows


def test_resample_keeps_constants_and_lines_exact():
    np.testing.assert_array_equal(resample_rows(np.full((2, 50), 0.1), 187), np.full((2, 187), 0.1))
    np.testing.assert_allclose(resample_rows(np.arange(10.0)[None], 5), [[0, 2, 4, 6, 8]])


def test_resample_follows_a_smooth_curve():
    n_in, n_out = 252, 187
    x = np.sin(np.linspace(0, 3, n_in))[None]
    t_out = np.arange(n_out) * n_in / n_out / (n_in - 1) * 3  # output sample positions
    np.testing.assert_allclose(resample_rows(x, n_out)[0], np.sin(t_out), atol=2e-3)


def test_resample_3d_and_identity():
    x = np.random.default_rng(0).normal(size=(3, 7, 2))
    assert resample_rows(x, 20).shape == (3, 20, 2)
    np.testing.assert_array_equal(resample_rows(x, 7), x)


@pytest.mark.parametrize("n", [0, -3, 2.5, True])
def test_resample_rejects_bad_length(n):
    with pytest.raises(ValueError, match="n_samples must be a positive integer"):
        resample_rows(np.ones((1, 5)), n)


@pytest.mark.parametrize("fs", [0, -1, np.nan, "360", True])
def test_check_fs(fs):
    with pytest.raises(ValueError, match="fs must be a positive number"):
        check_fs(fs)
    assert check_fs(360) == 360.0


def test_one_vocabulary_for_classes_and_limits():
    from sklearn_ecg import datasets, metrics, segmentation
    from sklearn_ecg.inspection import _base
    from sklearn_ecg.segmentation import _detectors
    from sklearn_ecg.utils import _vocabulary

    assert datasets.AAMI_CLASSES is _vocabulary.AAMI_CLASSES is _base.AAMI_CLASSES
    assert metrics.AAMI_EVALUATION_CLASSES is _vocabulary.AAMI_EVALUATION_CLASSES
    assert (segmentation.MIN_FS, segmentation.MIN_DURATION) == (50.0, 0.5)
    assert (_detectors._MIN_FS, _detectors._MIN_DURATION) == (50.0, 0.5)  # the old names
