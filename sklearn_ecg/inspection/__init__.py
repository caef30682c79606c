"""Exploration of recordings and models: quality reports and plots.

- :func:`signal_report` (and :func:`write_html_report`, one self-contained HTML
  file) summarises each channel of a recording: missing values, range, flat
  lines, saturation, outlying samples and heart rate;
  :func:`missing_values_by_row` counts the missing channels of each row.
- :func:`holter_summary` (and :func:`write_holter_report`) summarises a
  record's beat table as a Holter report does: beats per class, ectopic
  burden, V couplets, triplets and runs, S runs, heart rate.
- The ``*Display`` classes follow scikit-learn's visualisation API: build one
  with a ``from_*`` class method, which draws it and returns it with its
  matplotlib artists (``figure_``, ``ax_`` ...).

  - :class:`SignalDisplay`: channels over time, with a rolling mean;
  - :class:`RPeakDisplay`: detected R peaks, with missed and false ones;
  - :class:`BeatsDisplay`: beats overlaid by class, with median beats;
  - :class:`AAMIConfusionMatrixDisplay`: confusion matrix in AAMI order;
  - :class:`TrainingHistoryDisplay`: loss per epoch of a Keras-backed model;
  - :class:`SimilarityDisplay` and :class:`SimilarityMatrixDisplay`: scores of
    a similarity model, by pair and as a matrix (or, with
    :meth:`SimilarityMatrixDisplay.from_group_means`, averaged by channel,
    activity or person);
  - :class:`VerificationDetDisplay`: the detection error trade-off of a verification
    score, false non-match against false match rate, with its EER.

Plots need matplotlib, the optional ``plot`` extra
(``pip install "sklearn-ecg[plot]"``); importing this module does not import it.
"""

from ._beats import AAMIConfusionMatrixDisplay, BeatsDisplay
from ._history import TrainingHistoryDisplay
from ._holter import holter_summary, holter_summary_lines, write_holter_report
from ._report import missing_values_by_row, signal_report, write_html_report
from ._signal import RPeakDisplay, SignalDisplay
from ._similarity import SimilarityDisplay, SimilarityMatrixDisplay, VerificationDetDisplay

__all__ = [
    "AAMIConfusionMatrixDisplay",
    "BeatsDisplay",
    "RPeakDisplay",
    "SignalDisplay",
    "SimilarityDisplay",
    "SimilarityMatrixDisplay",
    "TrainingHistoryDisplay",
    "VerificationDetDisplay",
    "holter_summary",
    "holter_summary_lines",
    "missing_values_by_row",
    "signal_report",
    "write_holter_report",
    "write_html_report",
]
