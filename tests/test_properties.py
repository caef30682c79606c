"""Property-based tests (hypothesis): generated inputs, hostile ones included.

Each property says what must hold for every input: a right answer, or a
ValueError that says what is wrong (never another exception, a NaN, a row
silently lost or duplicated). Examples are derandomised so that CI sees the
same cases on every run; their numbers keep the module to about a minute.
"""

import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

from sklearn_ecg import BeatNormalizer, OutlierFilter, PairGroupKFold, RPeakSegmenter, make_pairs  # noqa: E402
from sklearn_ecg.datasets import read_signal  # noqa: E402
from sklearn_ecg.segmentation._beats import window_bounds  # noqa: E402


def _settings(n):
    return settings(max_examples=n, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# -- signals: ECG-like, with flat, saturated, spiky and missing stretches -------------


@st.composite
def signals(draw):
    """A 1-D signal and its rate: pulses at a random rate, noise, and damaged stretches."""
    fs = draw(st.sampled_from([50.0, 100.0, 128.0, 250.0, 360.0, 500.0, 1000.0])
              | st.floats(50.0, 1000.0))
    n = draw(st.integers(1, int(20 * fs)))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    t = np.arange(n) / fs
    period = 60.0 / draw(st.floats(25.0, 220.0))
    x = np.exp(-(((t + rng.uniform(0, period)) % period - period / 2) ** 2) / (2 * 0.012 ** 2))
    x = x * 10.0 ** draw(st.floats(-4.0, 4.0)) + rng.normal(0, draw(st.floats(0.0, 0.5)), n)
    x += draw(st.floats(-1e3, 1e3))
    for _ in range(draw(st.integers(0, 3))):
        start, length = rng.integers(0, n), rng.integers(1, max(2, n // 3))
        kind = draw(st.sampled_from(["flat", "saturated", "spike", "nan"]))
        stop = min(n, start + length)
        if kind == "flat":
            x[start:stop] = x[start]
        elif kind == "saturated":
            x[start:stop] = np.clip(x[start:stop], None, np.percentile(x, 60))
        elif kind == "spike":
            x[start] = x.max() + 50 * (np.ptp(x) + 1)
        else:
            x[start:stop] = np.nan
    return x, fs


@_settings(1500)
@given(signals(), st.sampled_from(["drop", "pad"]), st.floats(0.05, 0.5), st.floats(0.05, 0.8))
def test_segmenter_accounts_for_every_detected_beat(signal, edge, before, after):
    x, fs = signal
    segmenter = RPeakSegmenter(fs=fs, before=before, after=after, edge=edge)
    if np.isnan(x).any():
        with pytest.raises(ValueError, match="NaN"):
            segmenter.segment(x)
        return
    result = segmenter.segment(x)
    detected = result.detected
    assert detected.dtype.kind == "i" and np.all(np.diff(detected) > 0)
    assert detected.size == 0 or (detected[0] >= 0 and detected[-1] < x.size)
    # Every detection is a beat or dropped, never both, never lost.
    assert np.array_equal(np.sort(np.concatenate([result.peaks, result.dropped])), detected)
    n_before, n_after = window_bounds(before, after, fs)
    fits = (result.dropped - n_before < 0) | (result.dropped + n_after > x.size)
    assert fits.all()  # dropped only for running past an end
    assert edge == "drop" or result.dropped.size == 0
    assert result.beats.shape == (result.peaks.size, n_before + n_after)
    assert result.rr.shape == (result.peaks.size, 10)
    assert np.isfinite(result.beats).all()
    rr = result.rr[:, :3]  # intervals in seconds: positive where defined
    assert np.all(rr[np.isfinite(rr)] > 0)


@_settings(300)
@given(signals())
def test_chunked_detection_finds_the_peaks_of_one_pass(signal):
    x, fs = signal
    if np.isnan(x).any():
        return
    whole = RPeakSegmenter(fs=fs).detect(x)
    chunked = RPeakSegmenter(fs=fs, chunk_duration=3.0).detect(x)
    assert np.array_equal(whole, chunked)


# -- beat matrices -----------------------------------------------------------------

finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False, width=64)


def beat_matrices(min_columns=2):
    return hnp.arrays(
        np.float64,
        st.tuples(st.integers(1, 12), st.integers(min_columns, 48)),
        elements=finite,
    )


@_settings(1000)
@given(beat_matrices(), st.sampled_from(["minmax", "zscore", "baseline", None]),
       st.none() | st.integers(2, 64))
def test_beat_normalizer_keeps_rows_and_gives_finite_beats(X, method, n_samples):
    Xt = BeatNormalizer(method, beat_length=n_samples).fit_transform(X)
    assert Xt.shape == (X.shape[0], n_samples or X.shape[1])
    assert np.isfinite(Xt).all()
    if method == "minmax" and n_samples is None:
        assert Xt.min() >= -1e-12 and Xt.max() <= 1 + 1e-12


@_settings(300)
@given(beat_matrices(), st.integers(0, 11), st.sampled_from([np.nan, np.inf, -np.inf]))
def test_beat_normalizer_refuses_missing_or_infinite_samples(X, row, bad):
    X = X.copy()
    X[row % X.shape[0], 0] = bad
    with pytest.raises(ValueError, match=r"NaN|infinity"):
        BeatNormalizer().fit_transform(X)


@_settings(1000)
@given(hnp.arrays(np.float64, st.tuples(st.integers(2, 30), st.integers(1, 6)), elements=finite),
       st.floats(0.5, 10.0), st.sampled_from(["zscore", "robust"]),
       st.sampled_from(["clip", "location", "nan"]))
def test_outlier_filter_keeps_rows_and_repairs_what_it_flags(X, threshold, method, replace):
    model = OutlierFilter(threshold=threshold, method=method, replace=replace).fit(X)
    Xt = model.transform(X)
    assert Xt.shape == X.shape
    flags = model.predict(X)
    assert set(np.unique(flags)) <= {-1, 1}
    unchanged = np.isclose(Xt, X, equal_nan=False)
    # Rows it calls inliers are passed through untouched.
    assert unchanged[flags == 1].all()
    if replace == "clip":
        assert (model.predict(Xt) == 1).all()  # a clipped value counts as inlying
    if replace == "nan":
        assert np.array_equal(np.isnan(Xt).any(axis=1), flags == -1)


# -- pairs and splitters -----------------------------------------------------------------


@st.composite
def grouped_rows(draw):
    n_patients = draw(st.integers(2, 8))
    groups = draw(st.lists(st.integers(0, n_patients - 1), min_size=2, max_size=40))
    groups = np.asarray(groups)
    if len(np.unique(groups)) < 2:
        groups[0] = (groups[1] + 1) % n_patients
    X = np.arange(len(groups) * 3, dtype=float).reshape(len(groups), 3)
    return X, groups


@_settings(1000)
@given(grouped_rows(), st.integers(1, 120), st.integers(0, 2**16))
def test_make_pairs_labels_every_pair_by_its_patients(rows, n_pairs, seed):
    X, groups = rows
    counts = np.unique(groups, return_counts=True)[1]
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # repeats, said in a warning
        try:
            X_pairs, y, pair_groups, idx = make_pairs(X, groups, n_pairs=n_pairs,
                                                      random_state=seed, return_indices=True)
        except ValueError as exc:
            # Only when a kind of pair cannot be made at all.
            assert (counts < 2).all() and "same-patient" in str(exc)
            return
    assert X_pairs.shape == (n_pairs, 6) and y.shape == (n_pairs,)
    assert (idx[:, 0] != idx[:, 1]).all()
    assert np.array_equal(y, (groups[idx[:, 0]] == groups[idx[:, 1]]).astype(int))
    assert np.array_equal(X_pairs, np.hstack([X[idx[:, 0]], X[idx[:, 1]]]))
    assert np.array_equal(pair_groups, groups[idx])


@_settings(1000)
@given(grouped_rows(), st.integers(2, 8), st.booleans(), st.integers(0, 2**16))
def test_group_folds_never_put_a_patient_on_both_sides(rows, n_splits, shuffle, seed):
    X, groups = rows
    n_splits = min(n_splits, len(np.unique(groups)))
    cv = PairGroupKFold(n_splits, shuffle=shuffle, random_state=seed if shuffle else None)
    tested = np.zeros(len(groups), dtype=int)
    for train, test in cv.split(X, groups=groups):
        assert not set(groups[train]) & set(groups[test])
        assert len(np.intersect1d(train, test)) == 0
        tested[test] += 1
    assert (tested == 1).all()  # every row is tested exactly once


@_settings(500)
@given(grouped_rows(), st.integers(2, 5), st.integers(0, 2**16))
def test_pair_folds_never_put_a_patient_on_both_sides(rows, n_splits, seed):
    import warnings

    X, groups = rows
    if not (np.unique(groups, return_counts=True)[1] >= 2).any():
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # repeated pairs, said in a warning
        X_pairs, _, pair_groups = make_pairs(X, groups, n_pairs=40, random_state=seed)
    n_splits = min(n_splits, len(np.unique(pair_groups)))
    try:
        for train, test in PairGroupKFold(n_splits).split(X_pairs, groups=pair_groups):
            assert not set(pair_groups[train].ravel()) & set(pair_groups[test].ravel())
            assert len(train) and len(test)
    except ValueError as exc:
        # A fold left empty by pairs straddling it is refused, with what to do.
        assert "has no test rows" in str(exc) or "has no training rows" in str(exc)


# -- readers -----------------------------------------------------------------------------


@_settings(500)
@given(st.text(alphabet="0123456789.,-e\n ab;\"'\t\x00", max_size=300))
def test_read_signal_reads_a_csv_or_says_why_not(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("csv") / "recording.csv"
    path.write_text(text)
    try:
        rec = read_signal(path, fs=250.0)
    except ValueError as exc:
        assert "recording.csv" in str(exc) or "column" in str(exc)
        return
    # Read: one float per data row, and no more rows than the file has lines.
    rows = [line for line in text.splitlines() if line.strip()]
    assert rec.fs == 250.0 and rec.signal.ndim == 1 and rec.signal.dtype == float
    assert 1 <= rec.signal.size <= len(rows)
