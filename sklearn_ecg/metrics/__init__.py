"""Metrics for ECG tasks: R-peak detection scores (AAMI EC57)."""

from ._peaks import detection_scores, in_intervals, match_peaks

__all__ = ["detection_scores", "in_intervals", "match_peaks"]
