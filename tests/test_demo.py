"""The main job, ``sklearn-ecg demo``: one quick run shared by its tests.

Apart from the command line's other tests (test_cli.py) and the demo's claim
(test_demo_claim.py), so that the test workers take them in parallel.
"""

import contextlib
import io
import re

import joblib
import numpy as np
import pytest

from sklearn_ecg.__main__ import main
from sklearn_ecg._cli import _main, run_demo
from sklearn_ecg._cli._demo import (
    DEMO_STEPS,
    _demo_cnn,
    _demo_report,
)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
DEMO_PNGS = [
    "jacket_channels.png",
    "r_peaks.png",
    "beats_by_class.png",
    "cnn_confusion_matrix.png",
    "cnn_training_history.png",
    "similarity.png",
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """One quick run of the demo (one epoch a network, two folds), shared by the demo tests.

    Run through ``main``, as the command runs it; what ``run_demo`` returned is kept.
    """
    output = tmp_path_factory.mktemp("demo")
    returned = []

    def keep(**options):
        returned.append(run_demo(**options))
        return returned[-1]

    stdout = io.StringIO()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(stdout):
        patch.setattr(_main, "run_demo", keep)
        code = main(["demo", "--output", str(output), "--epochs", "1", "--folds", "2"])
    return code, stdout.getvalue(), output, returned[0]


def _step_output(out, step):
    """The lines printed by a step of the demo: its number (from 1) or its function."""
    n = len(DEMO_STEPS)
    k = step if isinstance(step, int) else [f for _, f in DEMO_STEPS].index(step) + 1
    start = out.index(f"[{k}/{n}]")
    end = out.index(f"[{k + 1}/{n}]") if k < n else out.index("Done in")
    return out[start:end].splitlines()


@pytest.mark.slow
def test_demo_shows_each_step_with_its_time(demo):
    code, out, _, result = demo
    assert code == 0
    n = len(DEMO_STEPS)
    assert len(result.steps) == n and all(step.seconds >= 0 for step in result.steps)
    assert result.steps[2].title == "Detecting R peaks with cnn and scoring them " \
        "(AAMI EC57, 150 ms)"
    # The printed account: each step's number in order, its time on its last line.
    positions = [out.index(f"[{k}/{n}] ") for k in range(1, n + 1)]
    assert positions == sorted(positions)
    for k in range(1, n + 1):
        assert re.fullmatch(r"\s+\(\d+\.\d s\)", _step_output(out, k)[-1])


@pytest.mark.slow
def test_demo_prints_detection_accuracy(demo):
    _, out, _, result = demo
    total = result.detection.loc["total"]
    assert total.sensitivity > 0.99 and total.positive_predictivity > 0.99
    assert any(re.fullmatch(r"R-peak detection \(cnn\): Se \d+\.\d+%, \+P \d+\.\d+% "
                            r"on \d+ annotated beats", line) for line in result.summary)
    # The same figures as printed: the total row of the detection table.
    row = next(line.split() for line in out.splitlines() if line.split()[:1] == ["total"])
    assert float(row[2]) == pytest.approx(100 * total.sensitivity, abs=0.005)


@pytest.mark.slow
def test_demo_prints_per_class_sensitivity_and_predictivity(demo):
    _, out, _, result = demo
    for model in (result.baseline, result.cnn):
        report = model.report
        assert report.index.tolist() == ["N", "S", "V", "F"]
        assert (report["support"] > 0).all()
        for column in ("sensitivity", "positive_predictivity"):
            values = report[column].dropna()
            assert ((values >= 0) & (values <= 1)).all()
    assert result.macro_f1 == {"baseline": result.baseline.macro_f1, "cnn": result.cnn.macro_f1}
    assert any(re.match(r"beat classes on unseen patients, CNN \(Se / \+P %\): N \d+ / \d+", line)
               for line in result.summary)
    # The printed table: the two models side by side.
    cnn_step = _step_output(out, _demo_cnn)
    assert any("Se (%)  +P (%)   Se (%)  +P (%)" in line for line in cnn_step)
    assert any("logistic regr." in line and "CNN" in line for line in cnn_step)


@pytest.mark.slow
def test_demo_prints_similarity_auc_and_eer(demo):
    _, out, _, result = demo
    similarity = result.similarity
    for name in ("Pearson r (no learning)", "Siamese network"):
        assert 0 <= similarity.auc[name] <= 1 and 0 <= similarity.eer[name] <= 1
        assert 0 <= similarity.recording_auc[name] <= 1 and 0 <= similarity.recording_eer[name] <= 1
    assert 0 < similarity.n_same < similarity.n_pairs
    # Recording-level verification: fewer pairs than windows, both kinds present.
    assert 0 < similarity.n_recording_same < similarity.n_recording_pairs < similarity.n_pairs
    assert any(re.search(r"EER \d+\.\d% \(Siamese network\), \d+\.\d% \(Pearson r\)", line)
               for line in result.summary)
    assert "ROC AUC  EER (%)  ROC AUC  EER (%)" in out
    assert any(re.search(r"recordings: \d+\.\d% and \d+\.\d%", line) for line in result.summary)


@pytest.mark.slow
def test_demo_saves_and_reloads_the_fitted_pipelines(demo):
    _, _, output, result = demo
    assert result.baseline.reloaded_same is True
    assert result.cnn.reloaded_same is True and result.cnn.record.isdigit()
    beats = np.load(output / "beats.npz")
    X = np.hstack([beats["X"], beats["rr"]])[:50]
    # The CNN also takes each beat's morphology relative to its patient's median beat.
    X_cnn = np.hstack([beats["X"], beats["rr"], beats["relative"]])[:50]
    assert beats["relative_names"][-1] == "template_corr"
    # Saved as a whole-record model: the pipeline and the settings its beats were cut with.
    record_model = joblib.load(output / "cnn_pipeline.joblib")
    cnn = record_model.estimator_
    proba = cnn.predict_proba(X_cnn)
    assert proba.shape == (50, 4) and np.allclose(proba.sum(axis=1), 1, atol=1e-5)
    assert set(cnn.predict(X_cnn)) <= {"N", "S", "V", "F"}
    assert record_model.feature_names_.size == X_cnn.shape[1]
    assert record_model.segmenter_.beat_length == beats["X"].shape[1]
    assert joblib.load(output / "baseline_pipeline.joblib").predict(X).shape == (50,)


@pytest.mark.slow
def test_demo_writes_the_plots_and_the_html_report(demo):
    _, out, output, result = demo
    for name in DEMO_PNGS:
        content = (output / name).read_bytes()
        assert content.startswith(PNG_MAGIC) and len(content) > 5000, name
    page = (output / "signal_report.html").read_text(encoding="utf-8")
    assert "<table" in page and page.count("data:image/png;base64,") >= 2
    written = [*DEMO_PNGS, "signal_report.html", "beats.npz", "baseline_pipeline.joblib",
               "cnn_pipeline.joblib"]
    assert sorted(path.name for path in result.files) == sorted(written)
    assert all(path.parent == output for path in result.files)
    listed = out[out.index("Files written to"):]
    for name in written:
        assert name in listed


@pytest.mark.slow
def test_demo_reports_the_signals(demo):
    _, out, _, result = demo
    table = result.signal_report.table
    assert table.index.tolist() == [f"jacket ecg{k}" for k in range(1, 6)] + ["MIT-BIH 208 MLII"]
    assert all(40 < rate < 120 for rate in table["heart_rate"])
    report = _step_output(out, _demo_report)
    assert sum(bool(re.match(r"\s+(jacket ecg\d|MIT-BIH 208 MLII) ", line)) for line in report) == 6
