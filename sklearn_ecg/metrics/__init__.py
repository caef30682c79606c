"""Metrics for ECG tasks: R-peak detection (AAMI EC57) beat classification and similarity."""

from ._aami import (
    AAMI_EVALUATION_CLASSES,
    aami_macro_f1,
    aami_macro_f1_scorer,
    aami_report,
)
from ._peaks import detection_scores, in_intervals, match_peaks
from ._similarity import (
    eer_scorer,
    equal_error_rate,
    identification_accuracy,
    max_cross_correlation,
    recording_scores,
    verification_scores,
)

__all__ = [
    "AAMI_EVALUATION_CLASSES",
    "aami_macro_f1",
    "aami_macro_f1_scorer",
    "aami_report",
    "detection_scores",
    "eer_scorer",
    "equal_error_rate",
    "identification_accuracy",
    "in_intervals",
    "match_peaks",
    "max_cross_correlation",
    "recording_scores",
    "verification_scores",
]
