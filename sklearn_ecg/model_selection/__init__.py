"""Patient-aware model selection: splitters that keep patients apart, and pairs.

:class:`PairGroupKFold` and :class:`PairGroupShuffleSplit` accept one patient per
row or two patients per pair row; :func:`make_pairs` builds the pairs to train on.
For biometric evaluation, :func:`verification_pairs` pairs segments of different
recordings (same person or not) and :func:`gallery_query_split` enrols the first
recordings of each person and keeps the others as queries.
"""

from ._gallery import gallery_query_split, verification_pairs
from ._pairs import make_pairs
from ._split import PairGroupKFold, PairGroupShuffleSplit

__all__ = [
    "PairGroupKFold",
    "PairGroupShuffleSplit",
    "gallery_query_split",
    "make_pairs",
    "verification_pairs",
]
