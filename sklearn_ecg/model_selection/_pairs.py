"""Pair construction for patient verification and similarity learning.

A verification model answers "do these two beats come from the same patient?",
so it learns from pairs of rows. :func:`make_pairs` is the library's one pair
sampler; the ``pair_groups`` it returns feed the patient-aware splitters so that
no patient is on both sides of a split.
"""

import warnings
from numbers import Integral

import numpy as np
from sklearn.utils import check_array, check_random_state

from ._split import _encode_labels, _missing_ids

__all__ = ["make_pairs"]


def make_pairs(X, groups, *, n_pairs=1000, random_state=None, return_indices=False):
    """Sample balanced same-patient and different-patient pairs of rows.

    Each pair row is the concatenation ``[X[i] | X[j]]`` of two rows of ``X``,
    labelled 1 when both rows come from the same patient and 0 otherwise.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        One row per sample, e.g. one beat or one beat embedding.
    groups : array-like of shape (n_samples,)
        The patient of each row (ints, strings or any hashable labels).
    n_pairs : int, default=1000
        Number of pairs to sample.
    random_state : int, RandomState instance or None, default=None
        Seeds the sampling; the same int gives the same pairs.
    return_indices : bool, default=False
        Whether to also return the rows of ``X`` each pair was built from.

    Returns
    -------
    X_pairs : ndarray of shape (n_pairs, 2 * n_features)
        The left row followed by the right row.
    y : ndarray of int of shape (n_pairs,)
        1 for a same-patient pair, 0 for a different-patient pair.
    pair_groups : ndarray of shape (n_pairs, 2)
        The patients of the left and right rows; pass it as ``groups`` to
        :class:`PairGroupKFold` or :class:`PairGroupShuffleSplit`.
    indices : ndarray of int of shape (n_pairs, 2)
        The rows of ``X`` used on the left and right. Only returned when
        ``return_indices=True``.

    See Also
    --------
    PairGroupKFold : Patient-aware K-fold splits for pairs.
    PairGroupShuffleSplit : Random patient-aware splits for pairs.

    Notes
    -----
    ``n_pairs // 2`` pairs (rounded down) are same-patient pairs and the rest
    (rounded up) different-patient pairs, so an odd ``n_pairs`` gives one more
    negative than positive.

    A same-patient pair picks a patient uniformly among the patients with at
    least two rows, then two distinct rows of that patient. A different-patient
    pair picks two distinct patients uniformly, then one row of each. Which row
    is on the left is random and the pairs come in random order. Pairs are drawn
    independently, so the same pair may appear more than once.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.model_selection import make_pairs
    >>> X = np.arange(12.0).reshape(6, 2)
    >>> groups = ["p1", "p1", "p2", "p2", "p3", "p3"]
    >>> X_pairs, y, pair_groups = make_pairs(X, groups, n_pairs=4, random_state=0)
    >>> X_pairs.shape
    (4, 4)
    >>> int(y.sum())
    2
    >>> bool(np.all((pair_groups[:, 0] == pair_groups[:, 1]) == (y == 1)))
    True
    """
    if (
        not isinstance(n_pairs, Integral)
        or isinstance(n_pairs, bool)
        or n_pairs < 1
    ):
        raise ValueError(
            f"n_pairs must be a positive int, got {n_pairs!r}; pass the number of "
            "pairs to sample, e.g. n_pairs=1000."
        )
    X = check_array(X)
    groups = np.asarray(groups)
    if groups.ndim == 2 and groups.shape[1] == 1:
        groups = groups.ravel()
    if groups.ndim != 1:
        raise ValueError(
            "groups must be 1-D, one patient per row of X, got an array of shape "
            f"{groups.shape}."
        )
    if len(groups) != len(X):
        raise ValueError(
            f"groups has {len(groups)} entries but X has {len(X)} rows; give one "
            "patient per row of X."
        )

    missing = _missing_ids(groups)
    if missing.any():
        raise ValueError(
            f"groups must name a patient on every row; {int(missing.sum())} row(s) have a "
            f"missing id (None or NaN), first at row {int(np.flatnonzero(missing)[0])}."
        )
    _, codes = _encode_labels(groups)
    counts = np.bincount(codes)
    n_patients = len(counts)
    n_positive = n_pairs // 2
    n_negative = n_pairs - n_positive
    eligible = np.flatnonzero(counts >= 2)
    if n_positive > 0 and len(eligible) == 0:
        raise ValueError(
            "groups has no patient with at least 2 rows, so no same-patient pair "
            "can be made; give at least one patient two or more rows."
        )
    if n_negative > 0 and n_patients < 2:
        raise ValueError(
            f"groups has {n_patients} distinct patient(s), so no different-patient "
            "pair can be made; give rows from at least 2 patients."
        )

    # Ordered pairs (i, j), i != j, that exist: beyond them, pairs must repeat.
    n_same = int(np.sum(counts * (counts - 1)))
    n_different = int(len(codes) ** 2 - np.sum(counts ** 2))
    if n_positive > n_same or n_negative > n_different:
        warnings.warn(
            f"n_pairs={n_pairs} asks for {n_positive} same-patient and {n_negative} "
            f"different-patient pairs, but the {len(codes)} rows make only {n_same} and "
            f"{n_different} distinct ordered pairs: pairs are drawn with replacement "
            "and repeat. Ask for fewer pairs or give more rows.",
            UserWarning,
            stacklevel=2,
        )

    rng = check_random_state(random_state)
    # Rows sorted by patient: patient p owns rows_by_patient[start[p]:start[p + 1]].
    rows_by_patient = np.argsort(codes, kind="stable")
    start = np.concatenate([[0], np.cumsum(counts)[:-1]])

    # Drawing the second item among the remaining ones (shift past the first)
    # makes the ordered pair uniform, so left and right are already random.
    patient = eligible[rng.randint(len(eligible), size=n_positive)]
    first = rng.randint(counts[patient])
    second = rng.randint(counts[patient] - 1)
    second += second >= first
    positives = np.column_stack(
        [
            rows_by_patient[start[patient] + first],
            rows_by_patient[start[patient] + second],
        ]
    )

    left = rng.randint(n_patients, size=n_negative)
    right = rng.randint(n_patients - 1, size=n_negative)
    right += right >= left
    negatives = np.column_stack(
        [
            rows_by_patient[start[left] + rng.randint(counts[left])],
            rows_by_patient[start[right] + rng.randint(counts[right])],
        ]
    )

    indices = np.concatenate([positives, negatives]).astype(np.intp).reshape(-1, 2)
    y = np.repeat(np.array([1, 0]), [n_positive, n_negative])
    order = rng.permutation(n_pairs)
    indices, y = indices[order], y[order]

    X_pairs = np.hstack([X[indices[:, 0]], X[indices[:, 1]]])
    pair_groups = groups[indices]
    if return_indices:
        return X_pairs, y, pair_groups, indices
    return X_pairs, y, pair_groups
