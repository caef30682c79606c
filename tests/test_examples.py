"""Every example script runs to the end on the bundled sample."""

import runpy
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").rglob("*.py"))


def test_examples_found():
    assert len(EXAMPLES) >= 3


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_example_runs(path, capsys, monkeypatch):
    # One epoch a network: the suite checks that each example runs, not how well.
    monkeypatch.setenv("SKLEARN_ECG_EXAMPLE_EPOCHS", "1")
    runpy.run_path(str(path), run_name="__main__")
    assert capsys.readouterr().out.strip(), "an example tells its story on stdout"
