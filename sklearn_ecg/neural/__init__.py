"""Keras-backed estimators.

Importing this subpackage does not import TensorFlow: the estimators import Keras
when they are fitted, used or unpickled.
"""

from ._architectures import PretrainedEncoder
from ._classifier import HeartbeatCNNClassifier
from ._contrastive import ContrastiveEncoder
from ._metric import MetricEncoder
from ._siamese import SiameseSimilarityRegressor
from ._similarity import SimilarityMixin

__all__ = [
    "ContrastiveEncoder",
    "HeartbeatCNNClassifier",
    "MetricEncoder",
    "PretrainedEncoder",
    "SiameseSimilarityRegressor",
    "SimilarityMixin",
]
