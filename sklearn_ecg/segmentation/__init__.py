"""R-peak detection and beat segmentation."""

from ..utils._vocabulary import RR_FEATURE_NAMES, WINDOW_RR_FEATURE_NAMES
from ._beats import RUNNING_RR_BEATS, beat_windows, rr_features
from ._detectors import (
    CHUNK_OVERLAP,
    DETECTORS,
    MIN_DURATION,
    MIN_FS,
    detect_r_peaks,
    refine_peaks,
)
from ._evaluate import evaluate_detector
from ._quality import (
    QUALITY_FEATURE_NAMES,
    QUALITY_LEVELS,
    SignalQualityClassifier,
    beat_quality,
    load_signal_quality,
    peak_quality,
    quality_features,
)
from ._segmenter import RPeakSegmenter
from ._stretches import detect_r_peaks_on_stretches, nan_free_stretches, segment_on_stretches

__all__ = [
    "CHUNK_OVERLAP",
    "DETECTORS",
    "MIN_DURATION",
    "MIN_FS",
    "QUALITY_FEATURE_NAMES",
    "QUALITY_LEVELS",
    "RR_FEATURE_NAMES",
    "RUNNING_RR_BEATS",
    "WINDOW_RR_FEATURE_NAMES",
    "RPeakSegmenter",
    "SignalQualityClassifier",
    "beat_quality",
    "beat_windows",
    "detect_r_peaks",
    "detect_r_peaks_on_stretches",
    "evaluate_detector",
    "load_signal_quality",
    "nan_free_stretches",
    "peak_quality",
    "quality_features",
    "refine_peaks",
    "rr_features",
    "segment_on_stretches",
]
