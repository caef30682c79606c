"""Patient-aware model selection: splitters that keep patients apart, and pairs.

:class:`PairGroupKFold` and :class:`PairGroupShuffleSplit` accept one patient per
row or two patients per pair row; :func:`make_pairs` builds the pairs.
"""

from ._pairs import make_pairs
from ._split import PairGroupKFold, PairGroupShuffleSplit

__all__ = ["PairGroupKFold", "PairGroupShuffleSplit", "make_pairs"]
