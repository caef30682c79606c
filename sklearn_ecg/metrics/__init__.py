"""Metrics for ECG tasks: R-peak detection (AAMI EC57) and beat classification."""

from ._aami import (
    AAMI_EVALUATION_CLASSES,
    aami_macro_f1,
    aami_macro_f1_scorer,
    aami_report,
)
from ._peaks import detection_scores, in_intervals, match_peaks

__all__ = [
    "AAMI_EVALUATION_CLASSES",
    "aami_macro_f1",
    "aami_macro_f1_scorer",
    "aami_report",
    "detection_scores",
    "in_intervals",
    "match_peaks",
]
