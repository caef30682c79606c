"""Command line of sklearn-ecg: ``python -m sklearn_ecg`` or ``sklearn-ecg``.

``demo`` runs the main job on the samples bundled with the package (no download):
signal reports, R-peak detection, beats, a baseline and a CNN evaluated on unseen
patients, a Siamese similarity model, plots and saved pipelines. ``report``
summarises the quality of each channel of a CSV recording; ``detect`` and
``segment`` turn one WFDB record or CSV file into R peaks or beats.
Every input error ends with one line on standard error and exit code 2.

The commands live in :mod:`sklearn_ecg._cli`; this module is the entry point
(``sklearn_ecg.__main__:main``, the console script of pyproject.toml).
"""

import sys

from ._cli import main

if __name__ == "__main__":
    sys.exit(main())
