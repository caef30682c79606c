"""Tests for the patient-aware splitters and the pair sampler."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, GroupKFold, cross_validate

from sklearn_ecg.model_selection import (
    PairGroupKFold,
    PairGroupShuffleSplit,
    make_pairs,
)


@st.composite
def patients(draw, min_patients=1):
    # Small alphabets of one label type per draw, as in a real dataset.
    ids = draw(
        st.sampled_from(
            [st.integers(min_value=0, max_value=9), st.sampled_from(list("abcdefghij"))]
        )
    )
    return draw(st.lists(ids, min_size=min_patients, max_size=7, unique=True))


@st.composite
def groups_1d(draw, min_patients=1):
    """One patient per row; every patient has at least one row."""
    ids = draw(patients(min_patients))
    extra = draw(st.lists(st.sampled_from(ids), max_size=30))
    return draw(st.permutations(ids + extra))


@st.composite
def groups_2d(draw, min_patients=1):
    """Two patients per row; every patient has at least one same-patient pair.

    The same-patient pairs give every fold or test side some test rows and
    every training side some training rows, so that no split is refused and
    every example checks the properties (empty sides are tested separately).
    """
    ids = draw(patients(min_patients))
    patient = st.sampled_from(ids)
    pairs = draw(st.lists(st.tuples(patient, patient), max_size=30))
    return draw(st.permutations(pairs + [(p, p) for p in ids]))


@st.composite
def groups_and_n_splits(draw, groups):
    """Groups and a number of folds that their patients can fill."""
    groups = draw(groups)
    n_patients = len(set(_as_2d(groups).ravel()))
    return groups, draw(st.integers(2, min(5, n_patients)))


def _as_2d(groups):
    groups = np.asarray(groups)
    return groups.reshape(len(groups), -1)


def _check_common(cv, groups):
    """Check the rules every split must follow; return splits and left-out counts."""
    X = np.zeros((len(groups), 1))
    rows = _as_2d(groups)
    splits = list(cv.split(X, groups=groups))
    n_left = cv.get_n_left_out(X, groups=groups)
    assert len(splits) == cv.get_n_splits() == len(n_left)
    assert n_left.dtype.kind == "i"
    for (train, test), left in zip(splits, n_left):
        assert len(train) and len(test)
        assert np.array_equal(train, np.unique(train))
        assert np.array_equal(test, np.unique(test))
        assert not np.intersect1d(train, test).size
        train_patients = set(rows[train].ravel())
        test_patients = set(rows[test].ravel())
        assert not train_patients & test_patients
        left_out = np.setdiff1d(np.arange(len(rows)), np.union1d(train, test))
        assert len(left_out) == left
    return splits, n_left


# The strategies only make groups that every split accepts, so these tests
# never skip an example: each one checks the whole property.
@settings(max_examples=60, deadline=None)
@given(
    case=groups_and_n_splits(groups_1d(min_patients=2)),
    shuffle=st.booleans(),
    seed=st.integers(0, 1000),
)
def test_kfold_1d_property(case, shuffle, seed):
    groups, n_splits = case
    cv = PairGroupKFold(
        n_splits, shuffle=shuffle, random_state=seed if shuffle else None
    )
    splits, n_left = _check_common(cv, groups)
    assert not n_left.any()
    in_test = np.concatenate([test for _, test in splits])
    assert np.array_equal(np.sort(in_test), np.arange(len(groups)))


@settings(max_examples=80, deadline=None)
@given(
    case=groups_and_n_splits(groups_2d(min_patients=2)),
    shuffle=st.booleans(),
    seed=st.integers(0, 1000),
)
def test_kfold_2d_property(case, shuffle, seed):
    groups, n_splits = case
    cv = PairGroupKFold(
        n_splits, shuffle=shuffle, random_state=seed if shuffle else None
    )
    splits, n_left = _check_common(cv, groups)
    rows = _as_2d(groups)
    n_test = np.zeros(len(rows), dtype=int)
    n_out = np.zeros(len(rows), dtype=int)
    for train, test in splits:
        n_test[test] += 1
        n_out[np.setdiff1d(np.arange(len(rows)), np.union1d(train, test))] += 1
    # A pair inside one fold is tested once; a pair across two folds is left out
    # exactly by those two folds and trained on by all others.
    assert set(zip(n_test, n_out)) <= {(1, 0), (0, 2)}
    straddling = n_out == 2
    assert np.all(rows[straddling, 0] != rows[straddling, 1])
    assert n_left.sum() == 2 * straddling.sum()


@st.composite
def shuffle_split_case(draw):
    """Groups, and sizes that ask for a feasible number of patients per side."""
    groups = draw(st.one_of(groups_1d(min_patients=2), groups_2d(min_patients=2)))
    n_patients = len(set(_as_2d(groups).ravel()))
    n_test = draw(st.integers(1, n_patients - 1))
    # A proportion that rounds up to n_test patients, kept 1e-6 away from the
    # rounding edges.
    proportion = st.floats(
        (n_test - 1 + 1e-6) / n_patients, (n_test - 1e-6) / n_patients
    )
    test_size = draw(st.one_of(st.just(n_test), proportion))
    n_train = draw(st.one_of(st.none(), st.integers(1, n_patients - n_test)))
    return groups, test_size, n_test, n_train


@settings(max_examples=80, deadline=None)
@given(case=shuffle_split_case(), n_splits=st.integers(1, 4), seed=st.integers(0, 1000))
def test_shuffle_split_property(case, n_splits, seed):
    groups, test_size, n_test, n_train = case
    cv = PairGroupShuffleSplit(
        n_splits, test_size=test_size, train_size=n_train, random_state=seed
    )
    rows = _as_2d(groups)
    n_patients = len(set(rows.ravel()))
    splits, _ = _check_common(cv, groups)
    for train, test in splits:
        # Every patient has a row of its own, so these are the patients drawn
        # for each side.
        train_patients = set(rows[train].ravel())
        test_patients = set(rows[test].ravel())
        assert len(test_patients) == n_test
        assert len(train_patients) == (n_train or n_patients - n_test)
        # A row is on a side exactly when all its patients are.
        in_test = np.isin(np.arange(len(rows)), test)
        in_train = np.isin(np.arange(len(rows)), train)
        for row, is_test, is_train in zip(rows, in_test, in_train):
            assert is_test == (set(row) <= test_patients)
            assert is_train == (set(row) <= train_patients)
    # Same seed, same splits.
    X = np.zeros((len(groups), 1))
    again = list(cv.split(X, groups=groups))
    assert all(
        np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
        for a, b in zip(splits, again)
    )


def test_kfold_matches_group_kfold_for_single_rows():
    groups = np.repeat(np.arange(7), [9, 1, 4, 4, 6, 2, 3])
    X = np.zeros((len(groups), 1))
    ours = list(PairGroupKFold(3).split(X, groups=groups))
    ref = list(GroupKFold(3).split(X, groups=groups))
    for (a_train, a_test), (b_train, b_test) in zip(ours, ref):
        assert np.array_equal(a_train, b_train)
        assert np.array_equal(a_test, b_test)


def test_kfold_accepts_column_groups_and_mixed_labels():
    groups = np.array([1, "a", 1, "a", 2, 2, "b", "b"], dtype=object)
    X = np.zeros((len(groups), 1))
    flat = list(PairGroupKFold(2).split(X, groups=groups))
    column = list(PairGroupKFold(2).split(X, groups=groups.reshape(-1, 1)))
    assert all(np.array_equal(a[1], b[1]) for a, b in zip(flat, column))


def test_kfold_shuffle_is_seeded():
    groups = np.repeat(np.arange(15), 4)
    X = np.zeros((len(groups), 1))

    def folds(seed):
        cv = PairGroupKFold(5, shuffle=True, random_state=seed)
        return [tuple(test) for _, test in cv.split(X, groups=groups)]

    assert folds(0) == folds(0)
    assert any(folds(seed) != folds(0) for seed in range(1, 5))
    unshuffled = PairGroupKFold(5)
    first = [tuple(t) for _, t in unshuffled.split(X, groups=groups)]
    assert first == [tuple(t) for _, t in unshuffled.split(X, groups=groups)]


def test_repr_and_get_n_splits():
    assert repr(PairGroupKFold(3)) == (
        "PairGroupKFold(n_splits=3, random_state=None, shuffle=False)"
    )
    assert "PairGroupShuffleSplit(n_splits=4" in repr(PairGroupShuffleSplit(4))
    assert PairGroupKFold(4).get_n_splits() == 4
    assert PairGroupShuffleSplit(7).get_n_splits() == 7


@pytest.mark.parametrize("cv_class", [PairGroupKFold, PairGroupShuffleSplit])
@pytest.mark.parametrize(
    "groups, match",
    [
        (None, "groups must be given"),
        (np.zeros((4, 3)), r"exactly two columns.*\(4, 3\)"),
        (np.zeros((4, 2, 1)), r"groups must be 1-D.*\(4, 2, 1\)"),
        (np.arange(5), "groups has 5 rows but X has 4"),
    ],
)
def test_group_errors(cv_class, groups, match):
    with pytest.raises(ValueError, match=match):
        list(cv_class(2).split(np.zeros((4, 1)), groups=groups))
    # get_n_left_out of a shuffle split needs an int seed.
    seeded = {} if cv_class is PairGroupKFold else {"random_state": 0}
    with pytest.raises(ValueError, match=match):
        cv_class(2, **seeded).get_n_left_out(np.zeros((4, 1)), groups=groups)


@pytest.mark.parametrize("n_splits", [1, 0, 2.5, "3", True])
def test_kfold_n_splits_errors(n_splits):
    with pytest.raises(ValueError, match="n_splits must be an int >= 2"):
        list(PairGroupKFold(n_splits).split(np.zeros((6, 1)), groups=np.arange(6)))
    with pytest.raises(ValueError, match="n_splits must be an int >= 2"):
        PairGroupKFold(n_splits).get_n_splits()


def test_kfold_too_few_patients_and_random_state_errors():
    X, groups = np.zeros((4, 1)), [0, 0, 1, 1]
    with pytest.raises(ValueError, match=r"2 distinct patient\(s\), fewer than n_spl"):
        list(PairGroupKFold(3).split(X, groups=groups))
    with pytest.raises(ValueError, match="random_state has no effect"):
        list(PairGroupKFold(2, random_state=0).split(X, groups=groups))


def test_kfold_empty_side_errors_name_the_fold():
    X = np.zeros((3, 1))
    with pytest.raises(ValueError, match=r"fold 0 has no test rows.*same-patient pairs"):
        list(PairGroupKFold(3).split(X, groups=[(0, 1), (1, 2), (2, 0)]))
    hub = [(0, 0), (0, 1), (0, 2), (0, 3)]
    with pytest.raises(ValueError, match="fold 0 has no training rows"):
        list(PairGroupKFold(2).split(np.zeros((4, 1)), groups=hub))


def test_kfold_left_out_pairs():
    groups = [["a", "a"], ["a", "b"], ["b", "b"], ["c", "c"], ["c", "a"], ["b", "b"]]
    X = np.zeros((6, 1))
    cv = PairGroupKFold(3)
    assert cv.get_n_left_out(X, groups=groups).tolist() == [1, 2, 1]
    assert cv.get_n_left_out(groups=groups).tolist() == [1, 2, 1]
    assert cv.get_n_left_out(groups=np.repeat(np.arange(3), 2)).tolist() == [0, 0, 0]


@pytest.mark.parametrize(
    "cv",
    [
        PairGroupKFold(3, shuffle=True),
        PairGroupKFold(3, shuffle=True, random_state=np.random.RandomState(0)),
        PairGroupShuffleSplit(3),
        PairGroupShuffleSplit(3, random_state=np.random.RandomState(0)),
    ],
    ids=["kfold-None", "kfold-RandomState", "shuffle-None", "shuffle-RandomState"],
)
def test_get_n_left_out_refuses_unreproducible_splits(cv):
    # Counting would draw new splits, which need not match those split yielded.
    groups = [(p, q) for p in range(6) for q in range(6)]
    X = np.zeros((len(groups), 1))
    assert len(list(cv.split(X, groups=groups))) == 3
    with pytest.raises(ValueError, match=r"random_state=.*Pass an int seed"):
        cv.get_n_left_out(X, groups=groups)


@pytest.mark.parametrize(
    "cv",
    [
        PairGroupKFold(3),
        PairGroupKFold(3, shuffle=True, random_state=7),
        PairGroupShuffleSplit(3, test_size=2, random_state=np.int64(7)),
    ],
    ids=repr,
)
def test_get_n_left_out_counts_the_splits_of_split(cv):
    groups = [(p, q) for p in range(6) for q in range(6)]
    X = np.zeros((len(groups), 1))
    expected = [
        len(groups) - len(train) - len(test)
        for train, test in cv.split(X, groups=groups)
    ]
    assert cv.get_n_left_out(X, groups=groups).tolist() == expected


def test_shuffle_split_sizes_count_patients():
    groups = np.repeat(np.arange(10), 3)
    X = np.zeros((len(groups), 1))
    for test_size, n_test in [(0.2, 2), (0.25, 3), (3, 3), (0.01, 1)]:
        cv = PairGroupShuffleSplit(3, test_size=test_size, random_state=0)
        for train, test in cv.split(X, groups=groups):
            assert len(np.unique(groups[test])) == n_test
            assert len(np.unique(groups[train])) == 10 - n_test
    cv = PairGroupShuffleSplit(2, test_size=2, train_size=0.5, random_state=0)
    for train, _ in cv.split(X, groups=groups):
        assert len(np.unique(groups[train])) == 5
    # Rows of the 3 patients drawn for neither side are left out.
    assert cv.get_n_left_out(X, groups=groups).tolist() == [9, 9]
    cv = PairGroupShuffleSplit(2, test_size=None, train_size=7, random_state=0)
    for _, test in cv.split(X, groups=groups):
        assert len(np.unique(groups[test])) == 3


@pytest.mark.parametrize(
    "params, match",
    [
        ({"test_size": 1.5}, "test_size must be a float in"),
        ({"test_size": 0}, "test_size must be a positive int"),
        ({"test_size": 5}, "ask for 5 test and 0 training"),
        ({"test_size": 2, "train_size": 3}, "ask for 2 test and 3 training"),
        ({"test_size": None}, "cannot both be None"),
        ({"train_size": "half"}, "train_size must be a float in"),
        ({"n_splits": 0}, "n_splits must be an int >= 1"),
    ],
)
def test_shuffle_split_param_errors(params, match):
    cv = PairGroupShuffleSplit(**params)
    with pytest.raises(ValueError, match=match):
        list(cv.split(np.zeros((8, 1)), groups=np.repeat(np.arange(4), 2)))


def test_shuffle_split_too_few_patients():
    with pytest.raises(ValueError, match=r"1 distinct patient\(s\), but at least 2"):
        list(PairGroupShuffleSplit().split(np.zeros((3, 1)), groups=[(0, 0)] * 3))


# --- make_pairs -------------------------------------------------------------


def _beats(n_patients=15, per_patient=8, n_features=3, seed=0):
    rng = np.random.RandomState(seed)
    groups = np.repeat(np.arange(n_patients), per_patient)
    centers = rng.normal(scale=3.0, size=(n_patients, n_features))
    X = centers[groups] + rng.normal(size=(len(groups), n_features))
    return X, groups


@pytest.mark.parametrize("n_pairs", [1, 2, 7, 100])
def test_make_pairs_shapes_and_balance(n_pairs):
    X, groups = _beats()
    X_pairs, y, pair_groups = make_pairs(X, groups, n_pairs=n_pairs, random_state=0)
    assert X_pairs.shape == (n_pairs, 2 * X.shape[1])
    assert y.shape == (n_pairs,) and y.dtype.kind == "i"
    assert pair_groups.shape == (n_pairs, 2)
    assert y.sum() == n_pairs // 2
    assert (y == 0).sum() == n_pairs - n_pairs // 2


def test_make_pairs_is_consistent():
    X, groups = _beats(per_patient=3)
    labels = np.array([f"p{g}" for g in groups])
    X_pairs, y, pair_groups, indices = make_pairs(
        X, labels, n_pairs=301, random_state=1, return_indices=True
    )
    assert indices.shape == (301, 2) and indices.dtype.kind == "i"
    assert np.array_equal(X_pairs, np.hstack([X[indices[:, 0]], X[indices[:, 1]]]))
    assert np.array_equal(pair_groups, labels[indices])
    assert np.array_equal(y, (pair_groups[:, 0] == pair_groups[:, 1]).astype(int))
    assert np.all(indices[y == 1, 0] != indices[y == 1, 1])
    # The order of pairs is shuffled and left/right is random.
    assert 0 < y[:150].sum() < 150
    negatives = {tuple(p) for p in pair_groups[y == 0]}
    assert any((b, a) in negatives for a, b in negatives)


def test_make_pairs_is_seeded():
    X, groups = _beats()
    first = make_pairs(X, groups, n_pairs=50, random_state=3, return_indices=True)
    again = make_pairs(X, groups, n_pairs=50, random_state=3, return_indices=True)
    other = make_pairs(X, groups, n_pairs=50, random_state=4, return_indices=True)
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    assert not np.array_equal(first[3], other[3])


def test_make_pairs_skips_patients_with_one_row_for_positives():
    X = np.arange(10.0).reshape(5, 2)
    groups = [0, 1, 1, 2, 3]
    _, y, pair_groups = make_pairs(X, groups, n_pairs=40, random_state=0)
    assert np.all(pair_groups[y == 1] == 1)


@settings(max_examples=30, deadline=None)
@given(groups=groups_1d(), n_pairs=st.integers(2, 30), seed=st.integers(0, 1000))
def test_make_pairs_property(groups, n_pairs, seed):
    groups = np.asarray(groups)
    X = np.arange(len(groups), dtype=float).reshape(-1, 1)
    _, counts = np.unique(groups, return_counts=True)
    if counts.max() < 2 or len(counts) < 2:
        with pytest.raises(ValueError, match="groups has"):
            make_pairs(X, groups, n_pairs=n_pairs, random_state=seed)
        return
    X_pairs, y, pair_groups, indices = make_pairs(
        X, groups, n_pairs=n_pairs, random_state=seed, return_indices=True
    )
    assert np.array_equal(X_pairs, indices.astype(float))
    assert np.array_equal(y == 1, pair_groups[:, 0] == pair_groups[:, 1])
    assert np.all(indices[:, 0] != indices[:, 1])


@pytest.mark.parametrize(
    "X, groups, kwargs, match",
    [
        (np.zeros((4, 2)), [0, 0, 1, 1], {"n_pairs": 0}, "n_pairs must be a positive"),
        (np.zeros((4, 2)), [0, 0, 1, 1], {"n_pairs": 2.5}, "n_pairs must be a posit"),
        (np.zeros((4, 2)), [0, 0, 1, 1], {"n_pairs": True}, "n_pairs must be a posi"),
        (np.zeros((4, 2)), [0, 0, 1], {}, "groups has 3 entries but X has 4 rows"),
        (np.zeros((4, 2)), np.zeros((4, 2)), {}, "groups must be 1-D"),
        (np.zeros((3, 2)), [0, 1, 2], {}, "no patient with at least 2 rows"),
        (np.zeros((3, 2)), [0, 0, 0], {}, "so no different-patient pair"),
    ],
)
def test_make_pairs_errors(X, groups, kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_pairs(X, groups, **kwargs)


# --- scikit-learn integration ------------------------------------------------


def test_grid_search_with_pair_groups():
    X, groups = _beats()
    X_pairs, y, pair_groups = make_pairs(X, groups, n_pairs=300, random_state=0)
    search = GridSearchCV(
        LogisticRegression(), {"C": [0.1, 1]}, cv=PairGroupKFold(5)
    ).fit(X_pairs, y, groups=pair_groups)
    assert search.n_splits_ == 5
    assert "split4_test_score" in search.cv_results_
    assert "split5_test_score" not in search.cv_results_
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))


@pytest.mark.parametrize(
    "cv",
    [
        PairGroupKFold(3, shuffle=True, random_state=0),
        PairGroupShuffleSplit(3, random_state=0),
    ],
)
def test_cross_validate_with_pairs_and_single_rows(cv):
    X, groups = _beats()
    y = (groups % 2).astype(int)
    single = cross_validate(LogisticRegression(), X, y, groups=groups, cv=cv)
    assert len(single["test_score"]) == 3
    X_pairs, y_pairs, pair_groups = make_pairs(X, groups, n_pairs=200, random_state=0)
    paired = cross_validate(
        LogisticRegression(), X_pairs, y_pairs, groups=pair_groups, cv=cv
    )
    assert len(paired["test_score"]) == 3
    again = cross_validate(
        LogisticRegression(), X_pairs, y_pairs, groups=pair_groups, cv=cv
    )
    assert np.array_equal(paired["test_score"], again["test_score"])


def test_splitters_refuse_y_of_another_length_and_missing_patients():
    X = np.zeros((6, 2))
    groups = np.array(["a", "a", "b", "b", "c", "c"])
    with pytest.raises(ValueError, match="y has 5 rows but X has 6"):
        list(PairGroupKFold(2).split(X, np.zeros(5), groups))
    for missing in (np.array([1.0, 1.0, np.nan, 2.0, 3.0, 3.0]),
                    np.array(["a", "a", None, "b", "c", "c"], dtype=object)):
        with pytest.raises(ValueError, match="missing id"):
            list(PairGroupKFold(2).split(X, None, missing))
        with pytest.raises(ValueError, match="missing id"):
            make_pairs(X, missing, n_pairs=4)


def test_make_pairs_warns_when_pairs_must_repeat():
    X = np.arange(8.0).reshape(4, 2)
    groups = ["a", "a", "b", "b"]
    with pytest.warns(UserWarning, match="distinct ordered pairs"):
        make_pairs(X, groups, n_pairs=100, random_state=0)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        make_pairs(X, groups, n_pairs=4, random_state=0)


def test_one_patient_is_refused_without_suggesting_one_fold():
    # "lower n_splits to at most 1" suggested a value n_splits refuses.
    X, groups = np.zeros((6, 2)), np.full(6, "p1")
    with pytest.raises(ValueError, match="need at least 2 patients") as raised:
        next(PairGroupKFold(n_splits=2).split(X, groups=groups))
    assert "at most 1" not in str(raised.value)
