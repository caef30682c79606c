"""The main job's claim: with the demo's own settings its CNN is not below its baseline.

Its own file (a few minutes of training), so that a test worker takes it while
the other takes the rest.
"""

import pytest

from sklearn_ecg._cli import _main
from sklearn_ecg._cli._demo import (
    _demo_baseline,
    _demo_beats,
    _demo_cnn,
    _demo_read,
    _DemoRun,
)


@pytest.mark.slow
def test_demo_cnn_with_its_own_settings_is_at_least_as_good_as_its_baseline(tmp_path):
    # The main job's claim (issue 10): with the demo's defaults (15 epochs, 4 patient
    # folds, seed 0) the CNN's macro-F1 on unseen patients is not below the logistic
    # regression's on the same folds. Seeded fits are reproducible on CPU.
    args = _main.build_parser().parse_args(["demo", "--output", str(tmp_path)])
    said = []
    demo = _DemoRun(output=args.output, detector=args.detector, epochs=args.epochs,
                    folds=args.folds, say=said.append)
    for step in (_demo_read, _demo_beats, _demo_baseline, _demo_cnn):
        step(demo)
    out = "\n".join(said)
    macro_f1 = demo.result.macro_f1
    assert macro_f1["cnn"] >= macro_f1["baseline"], out
    assert f"macro-F1 {macro_f1['cnn']:.3f} against {macro_f1['baseline']:.3f}" in out
