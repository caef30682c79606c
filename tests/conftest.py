"""Shared fixtures and the test tiers.

Tiers, by marker (``pyproject.toml`` lists them):

- ``data``: reads the full data home ``SKLEARN_ECG_DATA``; skipped, with the reason,
  when it is not set or lacks the files the test names (``@pytest.mark.data("mitdb/207.hea")``).
- ``slow``: takes long (a network trained for real, a subprocess that imports
  TensorFlow, an example). ``pytest -m "not slow"`` is the quick tier.

The fixtures are the bundled samples and what the Keras tests cut from them, loaded
once per session. They are shared: a test that changes one copies it first.
"""

import os
from pathlib import Path

import numpy as np
import pytest

from sklearn_ecg import make_pairs
from sklearn_ecg.datasets import load_ecgid_sample, load_mitdb_sample, make_beat_dataset, make_segments

DATA_HOME = os.environ.get("SKLEARN_ECG_DATA")


def _missing_data(paths):
    """Why a test marked ``data`` cannot run here, or None when it can."""
    if not DATA_HOME:
        return "needs the full data home: set SKLEARN_ECG_DATA (see README, 'Data')"
    home = Path(DATA_HOME)
    if not home.is_dir():
        return f"needs the full data home: SKLEARN_ECG_DATA={DATA_HOME} is not a folder"
    missing = [path for path in paths if not (home / path).is_file()]
    if missing:
        return f"needs the full data: SKLEARN_ECG_DATA={DATA_HOME} lacks {', '.join(missing)}"
    return None


def pytest_collection_modifyitems(config, items):
    for item in items:
        for marker in item.iter_markers("data"):
            reason = _missing_data(marker.args)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))
                break


# -- the bundled samples ------------------------------------------------------------


@pytest.fixture(scope="session")
def mitdb_sample():
    """The eight bundled MIT-BIH excerpts (lead MLII)."""
    return load_mitdb_sample()


@pytest.fixture(scope="session")
def ecgid_sample():
    """The bundled ECG-ID recordings: 10 persons, 3 recordings each."""
    return load_ecgid_sample()


@pytest.fixture(scope="session")
def mitdb_beats(mitdb_sample):
    """Beats of 96 samples of classes N and V of the bundled MIT-BIH excerpts."""
    return make_beat_dataset(mitdb_sample, beat_length=96, classes=("N", "V"))


def _n_and_v(y, per_class):
    """Indices of ``per_class`` N beats then ``per_class`` V beats, drawn with seed 0."""
    rng = np.random.default_rng(0)
    return np.concatenate([rng.choice(np.flatnonzero(y == c), per_class, replace=False)
                           for c in ("N", "V")])


@pytest.fixture(scope="session")
def balanced_beats(mitdb_beats):
    """300 beats, 150 N and 150 V: both classes in every fold. ``(X, y, groups, rr)``."""
    data = mitdb_beats
    idx = _n_and_v(data.y, 150)
    return data.X[idx], data.y[idx], data.groups[idx], data.rr[idx]


@pytest.fixture(scope="session")
def ecgid_segments(ecgid_sample):
    """Median beats (64 samples) of 5-s windows of the bundled ECG-ID sample: 10 persons.

    Cut at the zero-phase Pan-Tompkins' peaks, on which the similarity tests' thresholds
    were set (with the learned detector's cleaner beats an untrained encoder already
    separates these ten persons at AUC 0.93, leaving no room to show learning).
    """
    return make_segments(ecgid_sample, window=5.0, segment_length=64, detector="fast_pan_tompkins")


@pytest.fixture(scope="session")
def ecgid_pairs(ecgid_segments):
    """200 pair rows of those segments: ``(X_pairs, y, pair_groups)``."""
    return make_pairs(ecgid_segments.X, ecgid_segments.groups, n_pairs=200, random_state=0)


@pytest.fixture(scope="session")
def encoder_beats(mitdb_beats):
    """200 beats, 100 N and 100 V, min-max normalised (7 batches of 32): ``(X, y)``."""
    from sklearn_ecg import BeatNormalizer

    data = mitdb_beats
    idx = _n_and_v(data.y, 100)
    return BeatNormalizer("minmax").fit_transform(data.X[idx]), data.y[idx]
