"""What the three Keras estimators share, tested once for each (tiny networks, few epochs).

HeartbeatCNNClassifier, SiameseSimilarityRegressor and ContrastiveEncoder have one
base: TensorFlow imported only when a network is built, tags that declare 3-D
input, seeded fits that agree and put the global generators back, pickling into
a new process, and ``warm_start``. What only one of them does is tested in its
own module (``test_neural_*.py``).
"""

import random
import subprocess
import sys
from dataclasses import dataclass, field

import joblib
import numpy as np
import pytest
from _shared import TINY_CNN, TINY_CONTRASTIVE, TINY_METRIC, TINY_SIAMESE
from sklearn.base import clone

from sklearn_ecg.neural import (
    ContrastiveEncoder,
    HeartbeatCNNClassifier,
    MetricEncoder,
    SiameseSimilarityRegressor,
)


@dataclass
class Spec:
    """One estimator: how to make and fit it, what it outputs, how it is seeded."""

    estimator: type
    tiny: dict
    outputs: tuple  # (method, input) pairs: "X" is the training X, "segments" single segments
    supervised: bool = True
    early_stopping: bool = True
    # Params of the seeded and unseeded fits, and the rows the unseeded ones train on
    # (one epoch is enough to tell two unseeded fits apart).
    seeded: dict = field(default_factory=dict)
    unseeded: dict = field(default_factory=dict)
    unseeded_step: int = 1
    # Code run in a fresh interpreter before the check that TensorFlow is still not imported.
    untrained_use: str = ""

    def make(self, **params):
        if not self.early_stopping:
            params.pop("early_stopping", None)
        return self.estimator(**{**self.tiny, **params})

    def fit(self, estimator, X, y):
        return estimator.fit(X, y) if self.supervised else estimator.fit(X)


SPECS = {
    "HeartbeatCNNClassifier": Spec(
        HeartbeatCNNClassifier, TINY_CNN, outputs=(("predict_proba", "X"),),
        seeded=dict(epochs=3, random_state=7), unseeded=dict(epochs=1),
        untrained_use="clone(HeartbeatCNNClassifier(epochs=2)).get_params()\n",
    ),
    "SiameseSimilarityRegressor": Spec(
        SiameseSimilarityRegressor, TINY_SIAMESE, outputs=(("predict", "X"), ("embed", "segments")),
        seeded=dict(epochs=2, random_state=3), unseeded=dict(epochs=1),
        untrained_use="clone(SiameseSimilarityRegressor(embedding_dim=4)).get_params()\n",
    ),
    "ContrastiveEncoder": Spec(
        ContrastiveEncoder, TINY_CONTRASTIVE, outputs=(("transform", "X"),),
        supervised=False, early_stopping=False,
        # 14 steps: the compiled train step (a fit of a few steps runs eagerly).
        seeded=dict(epochs=2, random_state=3), unseeded=dict(epochs=1),
        # Unseeded fits of a few eager steps (seeded ones are compared by
        # check_fit_idempotent in test_neural_contrastive.py).
        unseeded_step=2,
        untrained_use=(
            "import pytest\n"
            "enc = clone(ContrastiveEncoder(epochs=2)).set_params(temperature=0.5)\n"
            "enc.get_params()\n"
            "a, b = enc.draw_views(np.random.default_rng(0).normal(size=(4, 50)), random_state=0)\n"
            "with pytest.raises(ValueError, match='unknown augmentation'):\n"
            "    ContrastiveEncoder(augmentations=['nope']).fit(np.ones((4, 100)))\n"
        ),
    ),
    "MetricEncoder": Spec(
        MetricEncoder, TINY_METRIC, outputs=(("transform", "X"), ("score_pairs", "X")),
        seeded=dict(epochs=2, random_state=3), unseeded=dict(epochs=1),
        untrained_use="clone(MetricEncoder(loss='triplet')).get_params()\n",
    ),
}
NAMES = list(SPECS)


@pytest.fixture(scope="module")
def data(balanced_beats, encoder_beats, ecgid_segments, ecgid_pairs):
    """Per estimator: ``(X, y, segments)`` it trains on; ``segments`` are what ``embed`` takes."""
    X_pairs, y_pairs, _ = ecgid_pairs
    return {
        "HeartbeatCNNClassifier": (*balanced_beats[:2], None),
        "SiameseSimilarityRegressor": (X_pairs, y_pairs, ecgid_segments.X),
        "ContrastiveEncoder": (*encoder_beats, None),
        "MetricEncoder": (ecgid_segments.X, ecgid_segments.groups, None),
    }


def _outputs(estimator, spec, X, segments):
    inputs = {"X": X, "segments": segments}
    return {method: getattr(estimator, method)(inputs[name]) for method, name in spec.outputs}


@pytest.mark.parametrize("name", NAMES)
def test_tags_declare_three_d_input_and_determinism(name):
    spec = SPECS[name]
    tags = spec.make(random_state=0).__sklearn_tags__()
    assert tags.input_tags.three_d_array and tags.input_tags.two_d_array
    assert tags.non_deterministic is False
    assert spec.make().__sklearn_tags__().non_deterministic is True


@pytest.mark.parametrize("name", NAMES)
def test_tensorflow_is_not_imported_until_fit(name):
    code = (
        "import sys, numpy as np, sklearn_ecg\n"
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules, 'import'\n"
        "from sklearn.base import clone\n"
        f"from sklearn_ecg.neural import {name}\n"
        + SPECS[name].untrained_use
        + "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("name", NAMES)
def test_seeded_fits_agree_and_unseeded_after_seeded_works(name, data):
    spec = SPECS[name]
    X, y, _ = data[name]
    python_state, numpy_state = random.getstate(), np.random.get_state()
    first = spec.fit(spec.make(**spec.seeded), X, y)
    a = _outputs(first, spec, X, data[name][2])
    # The seeded fit put the global generators back as they were.
    assert random.getstate() == python_state
    np.testing.assert_array_equal(np.random.get_state()[1], numpy_state[1])
    # Seeded: a second fit gives the very same outputs (given labels, for the encoder,
    # which ignores them).
    b = _outputs(spec.make(**spec.seeded).fit(X, y), spec, X, data[name][2])
    for method in a:
        np.testing.assert_array_equal(a[method], b[method], err_msg=method)
    # What the network computes in float32 is returned as float32, so that scikit-learn's
    # dtype-aware checks (sample-order invariance) allow float32's rounding: with float64
    # outputs they failed on BLAS kernels whose results depend on the batch's composition.
    for method in set(a) - {"score_pairs"}:
        assert a[method].dtype == np.float32, method
    from tensorflow.python.framework import config

    assert not config.is_op_determinism_enabled()  # the seeded fits left nothing behind
    if name == "ContrastiveEncoder":
        Z = a["transform"]
        assert Z.shape == (len(X), 4) and np.isfinite(Z).all()
        assert first.n_epochs_ == len(first.history_["loss"]) == 2
        assert first.get_feature_names_out().tolist() == [f"contrastiveencoder{i}" for i in range(4)]
    # An unseeded model after seeded ones trains (no "Random ops require a seed")...
    rows = slice(None, None, spec.unseeded_step)
    c, d = (_outputs(spec.fit(spec.make(**spec.unseeded), X[rows], y[rows]), spec, X, data[name][2])
            for _ in range(2))
    for method in c:
        assert not np.array_equal(c[method], d[method]), method  # ...and is not secretly seeded


def _bad_warm_start(name, X, y):
    """A refit a warm start cannot continue on, and the message that says so."""
    if name == "HeartbeatCNNClassifier":
        return (X, np.where(y == "N", "A", "B")), "warm_start: y has classes"
    # One message for all three: the shape of a segment is checked in one place.
    return (np.stack([X, X], axis=-1), None if name == "ContrastiveEncoder" else y), \
        f"warm_start: X has segments of shape .* but the fitted {name} takes"


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_pickled_in_a_new_process_predicts_the_same_and_warm_starts_alike(name, data, tmp_path):
    spec = SPECS[name]
    X, y, segments = data[name]
    epochs = 1  # one epoch, then one more: what is compared is how training continues
    estimator = spec.make(epochs=epochs, warm_start=True, early_stopping=False, random_state=0)
    assert clone(estimator).get_params() == estimator.get_params()
    spec.fit(estimator, X, y)
    expected = _outputs(estimator, spec, X, segments)
    path = tmp_path / "model.joblib"
    joblib.dump(estimator, path)
    np.savez(tmp_path / "inputs.npz", X=X, **({} if segments is None else {"segments": segments}))
    joblib.dump(expected, tmp_path / "expected.joblib")
    code = (
        "import joblib, numpy as np\n"
        f"model = joblib.load({str(path)!r})\n"
        f"inputs = np.load({str(tmp_path / 'inputs.npz')!r})\n"
        f"expected = joblib.load({str(tmp_path / 'expected.joblib')!r})\n"
        f"for method, name in {spec.outputs!r}:\n"
        "    assert np.array_equal(getattr(model, method)(inputs[name]), expected[method]), method\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    copy = joblib.load(path)
    for method, output in _outputs(copy, spec, X, segments).items():
        np.testing.assert_array_equal(output, expected[method], err_msg=method)

    # Unpickled, it continues training exactly as the original does: weights,
    # optimizer state (and the encoder's views' generator) all came along.
    saved, restored = estimator.model_.optimizer.variables, copy.model_.optimizer.variables
    assert len(saved) == len(restored) > 2  # iteration count, then moments per weight
    for a, b in zip(saved, restored):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    weights = [w.copy() for w in estimator.model_.get_weights()]
    spec.fit(estimator, X, y)
    spec.fit(copy, X, y)
    assert copy.n_epochs_ == estimator.n_epochs_ == 2 * epochs  # continued: history grows
    assert len(estimator.history_["loss"]) == 2 * epochs
    assert any(not np.array_equal(a, b) for a, b in zip(weights, estimator.model_.get_weights()))
    for method, output in _outputs(copy, spec, X, segments).items():
        np.testing.assert_array_equal(output, _outputs(estimator, spec, X, segments)[method],
                                      err_msg=method)
    args, message = _bad_warm_start(name, X, y)
    with pytest.raises(ValueError, match=message):
        spec.fit(estimator, *args)

    # Without warm_start, a fit starts again: a new network, a new history.
    copy.set_params(warm_start=False)
    spec.fit(copy, X, y)
    assert copy.n_epochs_ == len(copy.history_["loss"]) == epochs
