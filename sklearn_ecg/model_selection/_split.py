"""Patient-aware cross-validation splitters for single beats and for pairs of beats.

An ECG model that has seen a patient during training scores that patient far
better than a new one, so honest validation keeps every patient on one side of
each split. With one row per beat that is scikit-learn's ``GroupKFold``; with one
row per *pair* of beats (verification, similarity learning) each row belongs to
two patients, and a pair whose patients fall on different sides of a split has
to be left out of both. The splitters here handle both cases with one rule.
"""

from math import ceil, floor
from numbers import Integral, Real

import numpy as np
from sklearn.model_selection import BaseCrossValidator
from sklearn.utils import check_random_state
from sklearn.utils.validation import _num_samples

__all__ = ["PairGroupKFold", "PairGroupShuffleSplit"]


def _encode_labels(labels):
    """Map hashable labels to integer codes 0..n_unique-1.

    Parameters
    ----------
    labels : ndarray of any shape
        Patient labels (ints, strings or any hashable objects).

    Returns
    -------
    uniques : ndarray of shape (n_unique,)
        The distinct labels, sorted when they can be ordered.
    codes : ndarray of int, same shape as ``labels``
        The position of each label in ``uniques``.
    """
    flat = np.asarray(labels).ravel()
    try:
        uniques, codes = np.unique(flat, return_inverse=True)
    except TypeError:
        # Mixed label types (say ints and strings in an object array) cannot be
        # sorted; number them in order of first appearance instead.
        first_seen = {}
        codes = np.array(
            [first_seen.setdefault(label, len(first_seen)) for label in flat],
            dtype=np.intp,
        )
        uniques = np.empty(len(first_seen), dtype=object)
        uniques[:] = list(first_seen)
    return uniques, codes.reshape(np.shape(labels))


def _check_groups(groups, X=None):
    """Validate ``groups`` and encode it as an (n_samples, 1 or 2) array of codes.

    Parameters
    ----------
    groups : array-like of shape (n_samples,) or (n_samples, 2)
        One patient per row, or the two patients of each pair row.
    X : array-like, default=None
        When given, ``groups`` must have one entry per row of ``X``.

    Returns
    -------
    codes : ndarray of int of shape (n_samples, 1) or (n_samples, 2)
        Integer patient codes; one column for single rows, two for pairs.
    n_patients : int
        Number of distinct patients.
    """
    if groups is None:
        raise ValueError(
            "groups must be given: pass one patient id per row (shape "
            "(n_samples,)) or the two patient ids of each pair row (shape "
            "(n_samples, 2)), e.g. split(X, y, groups=groups)."
        )
    groups = np.asarray(groups)
    if groups.ndim == 1:
        groups = groups.reshape(-1, 1)
    elif groups.ndim != 2 or groups.shape[1] not in (1, 2):
        raise ValueError(
            "groups must be 1-D (one patient per row) or 2-D with exactly two "
            "columns (the two patients of a pair row), got an array of shape "
            f"{groups.shape}."
        )
    if X is not None:
        n_samples = _num_samples(X)
        if groups.shape[0] != n_samples:
            raise ValueError(
                f"groups has {groups.shape[0]} rows but X has {n_samples}; give "
                "one entry of groups per row of X."
            )
    missing = _missing_ids(groups)
    if missing.any():
        raise ValueError(
            f"groups must name a patient on every row; {int(missing.any(axis=1).sum())} "
            f"row(s) have a missing id (None or NaN), first at row "
            f"{int(np.flatnonzero(missing.any(axis=1))[0])}."
        )
    uniques, codes = _encode_labels(groups)
    return codes, len(uniques)


def _missing_ids(groups):
    """Where an array of patient ids holds None or NaN."""
    if groups.dtype.kind == "f":
        return np.isnan(groups)
    if groups.dtype.kind == "O":
        return np.vectorize(lambda v: v is None or (isinstance(v, float) and v != v),
                            otypes=[bool])(groups)
    return np.zeros(groups.shape, dtype=bool)


def _rows_for_patients(codes, is_test, is_train=None):
    """Turn sets of test and training patients into row indices.

    A row goes to the test side when all its patients are test patients and to
    the training side when all its patients are training patients; any other row
    (a pair straddling the two sides, or a row of a patient on neither side) is
    left out.

    Parameters
    ----------
    codes : ndarray of int of shape (n_samples, 1) or (n_samples, 2)
        Patient codes from :func:`_check_groups`.
    is_test : ndarray of bool of shape (n_patients,)
        Whether each patient is a test patient.
    is_train : ndarray of bool of shape (n_patients,), default=None
        Whether each patient is a training patient; all non-test patients
        when None.

    Returns
    -------
    train : ndarray of int
    test : ndarray of int
    """
    if is_train is None:
        is_train = ~is_test
    train = np.flatnonzero(is_train[codes].all(axis=1))
    test = np.flatnonzero(is_test[codes].all(axis=1))
    return train, test


def _check_sides(train, test, name, n_test_patients, is_pairs):
    """Raise a ValueError naming the split when one of its sides is empty."""
    if len(test) == 0:
        if is_pairs:
            reason = (
                f"none of the pair rows has both patients among its "
                f"{n_test_patients} test patient(s); add same-patient pairs "
                "(make_pairs makes them) or use fewer, larger splits"
            )
        else:
            reason = "its test patients have no rows"
        raise ValueError(f"{name} has no test rows: {reason}.")
    if len(train) == 0:
        reason = (
            "every row involves one of its test patients"
            if is_pairs
            else "no patient is left for training"
        )
        raise ValueError(
            f"{name} has no training rows: {reason}; use fewer splits, a smaller "
            "test set, or data from more patients."
        )


def _check_n_splits(n_splits, minimum):
    if (
        not isinstance(n_splits, Integral)
        or isinstance(n_splits, bool)
        or n_splits < minimum
    ):
        raise ValueError(
            f"n_splits must be an int >= {minimum}, got {n_splits!r}; "
            f"pass a whole number of splits such as n_splits={max(minimum, 5)}."
        )


class _BasePairGroupSplitter(BaseCrossValidator):
    """Shared machinery: splits are computed once per call from patient sets."""

    # Ask for ``groups`` under metadata routing, as GroupKFold does.
    __metadata_request__split = {"groups": True}

    # The fewest splits that make sense: 2 for k folds, 1 for shuffled splits.
    _min_n_splits = 1

    def _patient_splits(self, n_patients, codes):
        """Yield ``(name, is_test, is_train)`` boolean patient masks per split."""
        raise NotImplementedError

    def _compute_splits(self, X, groups):
        codes, n_patients = _check_groups(groups, X)
        is_pairs = codes.shape[1] == 2
        splits = []
        for name, is_test, is_train in self._patient_splits(n_patients, codes):
            train, test = _rows_for_patients(codes, is_test, is_train)
            _check_sides(train, test, name, int(is_test.sum()), is_pairs)
            splits.append((train, test, len(codes) - len(train) - len(test)))
        return splits

    def split(self, X, y=None, groups=None):
        """Generate indices to split data into training and test set.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data; only its number of rows is used.
        y : array-like of shape (n_samples,), default=None
            Ignored, present for API consistency.
        groups : array-like of shape (n_samples,) or (n_samples, 2)
            The patient of each row, or the two patients of each pair row.

        Yields
        ------
        train : ndarray
            The training set indices for that split.
        test : ndarray
            The testing set indices for that split.
        """
        if y is not None and _num_samples(y) != _num_samples(X):
            raise ValueError(
                f"y has {_num_samples(y)} rows but X has {_num_samples(X)}; give one "
                "target per row of X."
            )
        for train, test, _ in self._compute_splits(X, groups):
            yield train, test

    def get_n_splits(self, X=None, y=None, groups=None):
        """Return the number of splitting iterations.

        Parameters
        ----------
        X, y, groups : object
            Ignored, present for API consistency.

        Returns
        -------
        n_splits : int
            Returns the number of splitting iterations in the cross-validator.
        """
        _check_n_splits(self.n_splits, self._min_n_splits)
        return self.n_splits

    def _draws_at_random(self):
        """Whether the splits depend on ``random_state``."""
        raise NotImplementedError

    def get_n_left_out(self, X=None, y=None, groups=None):
        """Return, for each split, the number of rows on neither side.

        The splits are computed again from ``groups``, so the counts match those
        of :meth:`split` only when the splits are reproducible: when they are
        random, ``random_state`` must be an int.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), default=None
            When given, its number of rows is checked against ``groups``.
        y : object
            Ignored, present for API consistency.
        groups : array-like of shape (n_samples,) or (n_samples, 2)
            The same ``groups`` as passed to :meth:`split`.

        Returns
        -------
        n_left_out : ndarray of int of shape (n_splits,)
            Rows of each split that are in neither the training nor the test
            set, in the order :meth:`split` yields the splits.

        Raises
        ------
        ValueError
            If the splits are random and ``random_state`` is None or a
            ``RandomState`` instance: each computation then draws other splits
            than the ones :meth:`split` yielded.
        """
        if self._draws_at_random() and not isinstance(self.random_state, Integral):
            raise ValueError(
                f"get_n_left_out cannot count the rows of the splits that split "
                f"yielded with random_state={self.random_state!r}: the splits are "
                "random and would be drawn anew, so the counts would describe "
                "other splits. Pass an int seed as random_state (e.g. "
                "random_state=0) to get counts that match split."
            )
        return np.array(
            [n_left for _, _, n_left in self._compute_splits(X, groups)], dtype=int
        )


class PairGroupKFold(_BasePairGroupSplitter):
    """K-fold iterator that keeps each patient's rows, single or paired, in one fold.

    Each patient is assigned to one of ``n_splits`` folds. For fold ``k`` the
    test set holds the rows whose patients are all in fold ``k`` and the
    training set the rows with no patient in fold ``k``. With one patient per row
    this is scikit-learn's ``GroupKFold``; with two patients per row (pairs of
    beats) a pair whose patients fall on different sides of the split belongs
    to neither, so no patient is ever seen on both sides.

    Parameters
    ----------
    n_splits : int, default=5
        Number of folds, at least 2 and at most the number of distinct patients.
    shuffle : bool, default=False
        Whether to shuffle the patients before assigning them to folds. When
        False the folds are deterministic.
    random_state : int, RandomState instance or None, default=None
        Seeds the shuffling when ``shuffle=True``; pass an int for splits that
        are the same on every call (and for :meth:`get_n_left_out`, which
        raises a ``ValueError`` otherwise). Must stay None when
        ``shuffle=False``.

    Methods
    -------
    get_n_left_out(X=None, y=None, groups=None)
        Number of rows each fold leaves on neither side: the pairs straddling
        the split. Always zeros for one patient per row. With ``shuffle=True``
        it needs an int ``random_state``, so that it counts the folds that
        :meth:`split` yields.

    See Also
    --------
    PairGroupShuffleSplit : Random patient-aware train/test splits.
    make_pairs : Build same-patient and different-patient pairs of rows.
    sklearn.model_selection.GroupKFold : The one-group-per-row equivalent.

    Notes
    -----
    The folds are balanced by the number of rows each patient touches (a pair
    of two patients counts for both). With ``shuffle=False`` patients are placed
    largest first, each into the currently lightest fold, as in ``GroupKFold``.
    With ``shuffle=True`` they are placed in a random order, still each into the
    lightest fold, so that every seed gives different folds; the balance is then
    a little looser.

    With pairs, every fold needs some pairs whose two patients both belong to
    it, such as same-patient pairs, or it would have no test rows; a
    ``ValueError`` names such a fold. Splits are computed when iteration starts.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.model_selection import PairGroupKFold
    >>> X = np.zeros((6, 2))
    >>> groups = [["a", "a"], ["a", "b"], ["b", "b"],  # pairs of patients
    ...           ["c", "c"], ["c", "a"], ["b", "b"]]
    >>> cv = PairGroupKFold(n_splits=3)
    >>> for train, test in cv.split(X, groups=groups):
    ...     print("train:", train, "test:", test)
    train: [0 3 4] test: [2 5]
    train: [2 3 5] test: [0]
    train: [0 1 2 5] test: [3]
    >>> cv.get_n_left_out(X, groups=groups)  # pairs straddling each split
    array([1, 2, 1])
    """

    _min_n_splits = 2

    def __init__(self, n_splits=5, *, shuffle=False, random_state=None):
        self.n_splits = n_splits
        self.shuffle = shuffle
        self.random_state = random_state

    def _check_params(self):
        _check_n_splits(self.n_splits, self._min_n_splits)
        if not self.shuffle and self.random_state is not None:
            raise ValueError(
                "random_state has no effect since shuffle is False; leave "
                "random_state=None, or set shuffle=True."
            )

    def _draws_at_random(self):
        return bool(self.shuffle)

    def _patient_splits(self, n_patients, codes):
        self._check_params()
        if n_patients < 2:
            # n_splits is at least 2: one patient cannot be on both sides of a split.
            raise ValueError(
                f"groups has {n_patients} distinct patient(s); patient-grouped folds need at "
                "least 2 patients (one to test on while the others train), so add patients."
            )
        if n_patients < self.n_splits:
            raise ValueError(
                f"groups has {n_patients} distinct patient(s), fewer than "
                f"n_splits={self.n_splits}; lower n_splits to at most "
                f"{n_patients} or add patients."
            )
        # Weight = rows touching a patient; a same-patient pair counts once.
        weights = np.bincount(codes[:, 0], minlength=n_patients)
        if codes.shape[1] == 2:
            other = codes[:, 1][codes[:, 1] != codes[:, 0]]
            weights = weights + np.bincount(other, minlength=n_patients)

        if self.shuffle:
            # A random order (not largest first) so that folds vary with the
            # seed even when every patient has a different number of rows.
            order = check_random_state(self.random_state).permutation(n_patients)
        else:
            order = np.argsort(weights, kind="stable")[::-1]

        fold_of = np.empty(n_patients, dtype=np.intp)
        fold_weight = np.zeros(self.n_splits)
        for patient in order:
            lightest = np.argmin(fold_weight)
            fold_of[patient] = lightest
            fold_weight[lightest] += weights[patient]

        for k in range(self.n_splits):
            yield f"fold {k}", fold_of == k, None


class PairGroupShuffleSplit(_BasePairGroupSplitter):
    """Random train/test splits that keep each patient, single or paired, on one side.

    Each split draws a random set of test patients; the training patients are
    the others (or a random ``train_size`` of them). The test set holds the rows
    whose patients are all test patients and the training set the rows whose
    patients are all training patients. A pair whose patients fall on different
    sides (or a row of a patient drawn for neither side) is left out.

    Parameters
    ----------
    n_splits : int, default=5
        Number of re-shuffling and splitting iterations, at least 1.
    test_size : float, int or None, default=0.2
        A float in (0, 1) is the proportion of distinct patients drawn for the
        test side (rounded up, at least one patient); an int is a number of
        patients. None means the complement of ``train_size``.
    train_size : float, int or None, default=None
        A float in (0, 1) is the proportion of distinct patients used for
        training (rounded down, at least one); an int is a number of patients.
        None means all patients that are not test patients.
    random_state : int, RandomState instance or None, default=None
        Seeds the draws; pass an int for splits that are the same on every call
        (and for :meth:`get_n_left_out`, which raises a ``ValueError``
        otherwise).

    Methods
    -------
    get_n_left_out(X=None, y=None, groups=None)
        Number of rows each split leaves on neither side: pairs straddling the
        split, plus rows of patients on neither side when ``train_size`` is set.
        Needs an int ``random_state``, so that it counts the splits that
        :meth:`split` yields.

    See Also
    --------
    PairGroupKFold : Patient-aware K-fold splits.
    make_pairs : Build same-patient and different-patient pairs of rows.
    sklearn.model_selection.GroupShuffleSplit : The one-group-per-row equivalent.

    Notes
    -----
    Sizes count patients, not rows, as in ``GroupShuffleSplit``: patients with
    many rows make the test set larger in rows. With pairs a split needs some
    pairs whose two patients are both test patients, or it has no test rows;
    a ``ValueError`` names such a split. Splits are computed when iteration
    starts.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.model_selection import PairGroupShuffleSplit
    >>> groups = np.array([[1, 1], [1, 2], [2, 2], [3, 3], [3, 1], [4, 4], [4, 2]])
    >>> X = np.zeros((len(groups), 2))
    >>> cv = PairGroupShuffleSplit(n_splits=2, test_size=0.25, random_state=0)
    >>> for train, test in cv.split(X, groups=groups):
    ...     print("train:", train, "test:", test)
    train: [0 1 2 5 6] test: [3]
    train: [2 3 5 6] test: [0]
    >>> cv.get_n_left_out(X, groups=groups)
    array([1, 2])
    """

    def __init__(
        self, n_splits=5, *, test_size=0.2, train_size=None, random_state=None
    ):
        self.n_splits = n_splits
        self.test_size = test_size
        self.train_size = train_size
        self.random_state = random_state

    def _n_patients_per_side(self, n_patients):
        """Return the number of test and training patients per split."""

        def size(value, name, round_fn):
            if value is None:
                return None
            if isinstance(value, Integral) and not isinstance(value, bool):
                if value < 1:
                    raise ValueError(
                        f"{name} must be a positive int (a number of patients) or "
                        f"a float in (0, 1), got {value!r}."
                    )
                return int(value)
            if isinstance(value, Real) and 0 < value < 1:
                return max(1, int(round_fn(value * n_patients)))
            raise ValueError(
                f"{name} must be a float in (0, 1) (a proportion of patients), "
                f"a positive int (a number of patients) or None, got {value!r}."
            )

        n_test = size(self.test_size, "test_size", ceil)
        n_train = size(self.train_size, "train_size", floor)
        if n_test is None and n_train is None:
            raise ValueError(
                "test_size and train_size cannot both be None; set test_size, "
                "e.g. test_size=0.2."
            )
        if n_test is None:
            n_test = n_patients - n_train
        if n_train is None:
            n_train = n_patients - n_test
        if n_test < 1 or n_train < 1 or n_test + n_train > n_patients:
            raise ValueError(
                f"test_size={self.test_size!r} and train_size={self.train_size!r} "
                f"ask for {max(n_test, 0)} test and {max(n_train, 0)} training "
                f"patient(s), but groups has {n_patients} distinct patients; each "
                "side needs at least one patient and together no more than there "
                "are: lower test_size or train_size."
            )
        return n_test, n_train

    def _draws_at_random(self):
        return True

    def _patient_splits(self, n_patients, codes):
        _check_n_splits(self.n_splits, self._min_n_splits)
        if n_patients < 2:
            raise ValueError(
                f"groups has {n_patients} distinct patient(s), but at least 2 are "
                "needed, one for the test side and one for training; add patients."
            )
        n_test, n_train = self._n_patients_per_side(n_patients)
        rng = check_random_state(self.random_state)
        for k in range(self.n_splits):
            order = rng.permutation(n_patients)
            is_test = np.zeros(n_patients, dtype=bool)
            is_test[order[:n_test]] = True
            is_train = np.zeros(n_patients, dtype=bool)
            is_train[order[n_test : n_test + n_train]] = True
            yield f"split {k}", is_test, is_train
