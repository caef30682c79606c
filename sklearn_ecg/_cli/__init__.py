"""The command line of sklearn-ecg, ``python -m sklearn_ecg`` or ``sklearn-ecg``, as a package.

- :mod:`._main`: the parser (:func:`build_parser`) and :func:`main`, which reads
  the options of a command, calls the function that does its work and prints
  what it returned;
- :mod:`._commands`: ``detect``, ``segment``, ``predict`` and ``report`` as
  functions of their inputs that return a :class:`~sklearn.utils.Bunch`;
- :mod:`._demo`: :func:`run_demo`, the main job on the bundled samples, which
  checks every option first and returns the figures it prints;
- :mod:`._format`: the text, built from those returned values.
"""

from ._commands import detect_records, predict_files, report_recording, segment_records
from ._demo import run_demo
from ._main import build_parser, main

__all__ = [
    "build_parser",
    "detect_records",
    "main",
    "predict_files",
    "report_recording",
    "run_demo",
    "segment_records",
]
