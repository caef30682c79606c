"""sklearn-ecg: ECG machine learning inside scikit-learn.

R-peak segmentation, beat normalisation, outlier filtering, real-data loaders and
patient-aware cross-validation, as scikit-learn estimators and splitters.

Importing the package is cheap: nothing here imports TensorFlow. The Keras-backed
estimators import it when they are fitted, used or unpickled.
"""

__version__ = "0.1.0"

from . import datasets, inspection, metrics, neural
from .model_selection import PairGroupKFold, PairGroupShuffleSplit, make_pairs
from .neural import (
    ContrastiveEncoder,
    HeartbeatCNNClassifier,
    MetricEncoder,
    SiameseSimilarityRegressor,
)
from .preprocessing import BeatNormalizer, OutlierFilter
from .segmentation import RPeakSegmenter, SignalQualityClassifier

__all__ = [
    "BeatNormalizer",
    "ContrastiveEncoder",
    "HeartbeatCNNClassifier",
    "MetricEncoder",
    "OutlierFilter",
    "PairGroupKFold",
    "PairGroupShuffleSplit",
    "RPeakSegmenter",
    "SiameseSimilarityRegressor",
    "SignalQualityClassifier",
    "__version__",
    "datasets",
    "inspection",
    "make_pairs",
    "metrics",
    "neural",
]
