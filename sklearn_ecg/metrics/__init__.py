"""Metrics for ECG tasks: R-peak detection (AAMI EC57), beat classification, similarity.

The protocols that evaluate a similarity on pairs, galleries and recordings
are in :mod:`sklearn_ecg.model_selection`.
"""

from ._aami import (
    AAMI_EVALUATION_CLASSES,
    aami_macro_f1,
    aami_macro_f1_scorer,
    aami_report,
)
from ._peaks import detection_scores, in_intervals, match_peaks
from ._similarity import eer_scorer, equal_error_rate, max_cross_correlation

__all__ = [
    "AAMI_EVALUATION_CLASSES",
    "aami_macro_f1",
    "aami_macro_f1_scorer",
    "aami_report",
    "detection_scores",
    "eer_scorer",
    "equal_error_rate",
    "in_intervals",
    "match_peaks",
    "max_cross_correlation",
]
