"""Every example script runs to the end on the bundled sample."""

import runpy
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").rglob("*.py"))


def test_examples_found():
    assert len(EXAMPLES) >= 3


@pytest.mark.slow
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_example_runs(path, capsys, monkeypatch):
    # Small settings (one epoch a network, less data): the suite checks that each
    # example runs, not how well. Run directly, an example uses its real settings.
    monkeypatch.setenv("SKLEARN_ECG_EXAMPLE_QUICK", "1")
    runpy.run_path(str(path), run_name="__main__")
    assert capsys.readouterr().out.strip(), "an example tells its story on stdout"
