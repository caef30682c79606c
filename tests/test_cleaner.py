"""Tests of SignalCleaner and find_powerline."""

import numpy as np
import pytest
from sklearn.pipeline import make_pipeline
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_ecg import RPeakSegmenter
from sklearn_ecg.datasets import load_garment_sample, load_mitdb_sample
from sklearn_ecg.preprocessing import SignalCleaner, find_powerline
from sklearn_ecg.segmentation import detect_r_peaks


@parametrize_with_checks([SignalCleaner(fs=200.0, powerline=50)])
def test_sklearn_compatible(estimator, check):
    check(estimator)


def _power_near(x, fs, frequency):
    from scipy.signal import welch

    f, p = welch(x - x.mean(), fs=fs, nperseg=int(4 * fs))
    return p[np.abs(f - frequency) <= 0.5].sum() / p.sum()


@pytest.mark.parametrize("fs", [250.0, 360.0, 500.0, 1000.0])
@pytest.mark.parametrize("mains", [50.2, 60.0])
def test_powerline_found_and_removed_and_peaks_do_not_move(fs, mains):
    from sklearn_ecg.utils import resample_rows

    rec = load_mitdb_sample()[2]
    x = resample_rows(rec.signal[None, :], round(rec.signal.size * fs / rec.fs))[0]
    t = np.arange(x.size) / fs
    hum = x + 0.5 * np.sin(2 * np.pi * mains * t)
    assert find_powerline(hum, fs) == pytest.approx(mains, abs=0.3)
    clean = SignalCleaner(fs=fs).fit_transform(hum[None, :])[0]
    assert _power_near(clean, fs, mains) < 0.01 < _power_near(hum, fs, mains)
    # Zero-phase: the R peaks found in the cleaned signal are those of the original.
    before, after = detect_r_peaks(x, fs), detect_r_peaks(clean, fs)
    assert before.size == after.size and np.abs(after - before).max() <= max(1, round(0.002 * fs))


def test_jacket_sitting_hum_is_removed():
    frame = load_garment_sample("sitting")
    fs = frame.attrs["fs"]
    x = frame["ecg1"].to_numpy(dtype=float)
    line = find_powerline(x, fs)
    assert line == pytest.approx(50.2, abs=0.3)
    clean = SignalCleaner(fs=fs).fit_transform(x[None, :])[0]
    assert _power_near(clean, fs, line) < 0.05 * _power_near(x, fs, line)


def test_baseline_wander_removed_and_no_line_no_notch():
    fs = 360.0
    t = np.arange(int(20 * fs)) / fs
    drift = 2.0 * np.sin(2 * np.pi * 0.1 * t)
    x = load_mitdb_sample()[0].signal[: t.size]
    clean = SignalCleaner(fs=fs, powerline=None).fit_transform((x + drift)[None, :])[0]
    reference = SignalCleaner(fs=fs, powerline=None).fit_transform(x[None, :])[0]
    assert np.abs(clean - reference).max() < 0.1 * np.ptp(reference)
    assert find_powerline(np.random.default_rng(0).normal(size=t.size), fs) is None


def test_first_step_of_a_pipeline():
    rec = load_mitdb_sample()[0]
    X = rec.signal[: 6 * 3600].reshape(6, 3600)
    Xt = make_pipeline(SignalCleaner(fs=rec.fs), RPeakSegmenter(fs=rec.fs)).fit_transform(X)
    assert Xt.shape[0] == 6 and np.isfinite(Xt).all()


@pytest.mark.parametrize(
    ("params", "match"),
    [
        (dict(fs=100.0, low=60.0), "low must be below"),
        (dict(fs=360.0, low=5.0, high=2.0), "high must be above low"),
        (dict(fs=100.0, powerline=60), "powerline must be below"),
        (dict(fs=-1.0), "fs"),
    ],
)
def test_bad_parameters(params, match):
    with pytest.raises(ValueError, match=match):
        SignalCleaner(**params).fit(np.zeros((2, 1000)))
