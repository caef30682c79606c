"""Patient-aware model selection: splitters that keep patients apart, pairs, and protocols.

:class:`PairGroupKFold` and :class:`PairGroupShuffleSplit` accept one patient per
row or two patients per pair row; :func:`make_pairs` builds the pairs to train on.
For biometric evaluation, :func:`verification_pairs` pairs segments of different
recordings (same person or not) and :func:`gallery_query_split` enrols the first
recordings of each person and keeps the others as queries; the protocols
:func:`verification_scores`, :func:`identification_accuracy` and
:func:`recording_scores` score a similarity on them, and
:func:`group_mean_scores` averages its scores over groups.
"""

from ._gallery import gallery_query_split, verification_pairs
from ._pairs import make_pairs
from ._protocols import (
    group_mean_scores,
    identification_accuracy,
    recording_scores,
    verification_scores,
)
from ._split import PairGroupKFold, PairGroupShuffleSplit

__all__ = [
    "PairGroupKFold",
    "PairGroupShuffleSplit",
    "gallery_query_split",
    "group_mean_scores",
    "identification_accuracy",
    "make_pairs",
    "recording_scores",
    "verification_pairs",
    "verification_scores",
]
