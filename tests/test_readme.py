"""The README runs as written and stays short."""

import warnings
from pathlib import Path

import numpy as np

README = Path(__file__).parent.parent / "README.md"


def _tour():
    text = README.read_text(encoding="utf-8")
    start = text.index("## A tour")
    start = text.index("```python", start) + len("```python")
    return text[start:text.index("```", start)]


def test_readme_tour_runs_as_written_without_a_warning():
    namespace = {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        exec(compile(_tour(), "README.md", "exec"), namespace)
    table, record = namespace["table"], namespace["record"]
    assert len(table) > 0.9 * len(record.r_peaks)
    assert set(table["class"]) <= {"N", "S", "V", "F", "Q"}
    assert namespace["summary"]["n_beats"] == len(table)
    assert np.array_equal(namespace["beats"].peaks, np.sort(namespace["beats"].peaks))
    assert namespace["search"].best_score_ > 0.5


def test_readme_is_short():
    assert len(README.read_text(encoding="utf-8").splitlines()) < 250
