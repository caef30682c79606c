"""Deployment: inference without TensorFlow, and safe saving with skops (tiny networks)."""

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import joblib
import numpy as np
import pytest
from _shared import SMALL_CNN, TINY_CONTRASTIVE, TINY_SIAMESE
from sklearn.pipeline import make_pipeline

from sklearn_ecg import BeatNormalizer
from sklearn_ecg.datasets import make_beat_dataset
from sklearn_ecg.neural import ContrastiveEncoder, HeartbeatCNNClassifier, SiameseSimilarityRegressor
from sklearn_ecg.utils import load_model, save_model, trusted_types

skops_io = pytest.importorskip("skops.io")

# Six networks trained for the module, and new processes that load them.
pytestmark = pytest.mark.slow

# Two convolutional blocks: "valid" padding for the classifier, "same" for the encoder,
# so that the NumPy forward pass is checked on both.
# One epoch: what is compared is the forward pass, not what training found.
CNN = {**SMALL_CNN, "epochs": 1, "random_state": 0}
SIAMESE = {**TINY_SIAMESE, "epochs": 1, "random_state": 0}
CONTRASTIVE = {**TINY_CONTRASTIVE, "conv_filters": (8, 8), "epochs": 1, "random_state": 0}


@pytest.fixture(scope="module")
def fitted(mitdb_sample, ecgid_segments, ecgid_pairs):
    """One fitted model of each kind, on the bundled samples, and the inputs to test them on."""
    beats = make_beat_dataset(mitdb_sample, beat_length=96, classes=("N", "S", "V"))
    X_beats = np.hstack([beats.X, beats.rr])[::4]
    y_beats = beats.y[::4]
    n_rr = beats.rr.shape[1]
    cnn = make_pipeline(
        BeatNormalizer("minmax"),
        HeartbeatCNNClassifier(extra_features=n_rr, **CNN),
    ).fit(X_beats, y_beats)
    segments = ecgid_segments
    X_pairs, y_pairs = ecgid_pairs[:2]
    siamese = SiameseSimilarityRegressor(encoder="cnn", **SIAMESE).fit(X_pairs, y_pairs)
    siamese_dense = SiameseSimilarityRegressor(encoder="dense", **SIAMESE).fit(X_pairs, y_pairs)
    contrastive = {
        encoder: ContrastiveEncoder(encoder=encoder, **CONTRASTIVE).fit(beats.X[::8])
        for encoder in ("cnn", "cnn_lstm", "cnn_transformer")
    }
    return dict(cnn=cnn, X_beats=X_beats, siamese=siamese, siamese_dense=siamese_dense,
                pairs=X_pairs, segments=segments.X, contrastive=contrastive,
                X_segments=beats.X[::8])


def _outputs(models, inference):
    """Every output the models give, with ``inference`` set on each network."""
    out = {}
    cnn = models["cnn"]
    cnn[-1].set_params(inference=inference)
    out["cnn"] = cnn.predict_proba(models["X_beats"])
    for key in ("siamese", "siamese_dense"):
        model = models[key].set_params(inference=inference)
        out[key] = model.predict(models["pairs"])
        out[key + "_embed"] = model.embed(models["segments"])
        out[key + "_score_pairs"] = model.score_pairs(models["segments"][:20], models["segments"][20:50])
    for encoder, model in models["contrastive"].items():
        out["contrastive_" + encoder] = model.set_params(inference=inference).transform(
            models["X_segments"])
    return out


def test_numpy_inference_equals_keras(fitted):
    keras_out = _outputs(fitted, "keras")
    numpy_out = _outputs(fitted, "numpy")
    _outputs(fitted, "keras")
    for key, expected in keras_out.items():
        np.testing.assert_allclose(numpy_out[key], expected, rtol=0, atol=1e-5, err_msg=key)
    # The same classes, not only close probabilities.
    assert (numpy_out["cnn"].argmax(1) == keras_out["cnn"].argmax(1)).all()


def test_numpy_inference_imports_no_tensorflow(fitted, tmp_path):
    joblib.dump(fitted, tmp_path / "models.joblib")
    joblib.dump(_outputs(fitted, "keras"), tmp_path / "expected.joblib")
    code = (
        "import sys, joblib, numpy as np\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from test_persistence import _outputs\n"
        f"models = joblib.load({str(tmp_path / 'models.joblib')!r})\n"
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules, 'load'\n"
        "got = _outputs(models, 'numpy')\n"
        f"expected = joblib.load({str(tmp_path / 'expected.joblib')!r})\n"
        "for key in expected:\n"
        "    np.testing.assert_allclose(got[key], expected[key], rtol=0, atol=1e-5, err_msg=key)\n"
        "assert 'tensorflow' not in sys.modules, sorted(m for m in sys.modules if 'tensorflow' in m)[:5]\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_inference_is_checked_when_used(fitted):
    model = fitted["siamese"]
    try:
        with pytest.raises(ValueError, match="inference must be 'keras' or 'numpy'"):
            model.set_params(inference="onnx").predict(fitted["pairs"][:3])
    finally:
        model.set_params(inference="keras")


def test_skops_round_trip_in_a_new_process_is_exact(fitted, tmp_path):
    models = {"cnn": fitted["cnn"], "siamese": fitted["siamese"],
              "contrastive": fitted["contrastive"]["cnn_transformer"]}
    for key, model in models.items():
        save_model(model, tmp_path / f"{key}.skops")
    untrusted = set()
    for key in models:
        untrusted.update(skops_io.get_untrusted_types(file=tmp_path / f"{key}.skops"))
    # Nothing but the library's own types needs trusting.
    assert untrusted and untrusted <= set(trusted_types())
    inputs = {"cnn": fitted["X_beats"], "siamese": fitted["pairs"],
              "contrastive": fitted["X_segments"]}
    expected = {"cnn": models["cnn"].predict_proba(inputs["cnn"]),
                "siamese": models["siamese"].predict(inputs["siamese"]),
                "contrastive": models["contrastive"].transform(inputs["contrastive"])}
    joblib.dump((inputs, expected), tmp_path / "expected.joblib")
    path = {name: str(tmp_path / name) for name in
            ("expected.joblib", "cnn.skops", "siamese.skops", "contrastive.skops")}
    code = (
        "import joblib, numpy as np\n"
        "from sklearn_ecg.utils import load_model\n"
        f"inputs, expected = joblib.load({path['expected.joblib']!r})\n"
        f"cnn = load_model({path['cnn.skops']!r})\n"
        "np.testing.assert_array_equal(cnn.predict_proba(inputs['cnn']), expected['cnn'])\n"
        f"siamese = load_model({path['siamese.skops']!r})\n"
        "np.testing.assert_array_equal(siamese.predict(inputs['siamese']), expected['siamese'])\n"
        f"contrastive = load_model({path['contrastive.skops']!r})\n"
        "np.testing.assert_array_equal(contrastive.transform(inputs['contrastive']),\n"
        "                              expected['contrastive'])\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_skops_refuses_a_tampered_file(fitted, tmp_path):
    path = tmp_path / "cnn.skops"
    save_model(fitted["cnn"], path)
    # Rename the normaliser's type to a function that runs shell commands.
    with zipfile.ZipFile(path) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    schema = json.loads(files["schema.json"])
    text = json.dumps(schema).replace('"sklearn_ecg.preprocessing._beat_normalizer"', '"os"')
    text = text.replace('"BeatNormalizer"', '"system"')
    assert text != json.dumps(schema)
    files["schema.json"] = text.encode()
    tampered = tmp_path / "tampered.skops"
    with zipfile.ZipFile(tampered, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    from skops.io.exceptions import UntrustedTypesFoundException

    with pytest.raises(UntrustedTypesFoundException, match=r"os\.system"):
        load_model(tampered)
    assert isinstance(load_model(path), type(fitted["cnn"]))


def test_load_model_checks_trusted():
    with pytest.raises(TypeError, match="trusted must be a sequence of type names"):
        load_model("unused.skops", trusted=[HeartbeatCNNClassifier])
