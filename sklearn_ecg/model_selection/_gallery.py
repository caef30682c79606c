"""Verification pairs and gallery/query splits for biometric evaluation.

A person is judged on recordings, not on seconds: two windows of one recording,
seconds apart, are far easier to match than two recordings taken on different
days. :func:`verification_pairs` therefore pairs segments of *different
recordings* (same person, or different persons), and
:func:`gallery_query_split` enrols the first recordings of each person and
keeps their other recordings as queries. Both work on per-segment labels only,
so the same pairs and the same split serve any model, from a correlation to a
trained network (see :func:`sklearn_ecg.model_selection.verification_scores` and
:func:`sklearn_ecg.model_selection.identification_accuracy`).
"""

from numbers import Integral

import numpy as np
from sklearn.utils import check_random_state

from ._split import _encode_labels, _missing_ids

__all__ = ["gallery_query_split", "verification_pairs"]


def _check_labels(values, name, n_samples=None):
    """1-D labels without missing ids, as an array."""
    values = np.asarray(values)
    if values.ndim == 2 and values.shape[1] == 1:
        values = values.ravel()
    if values.ndim != 1:
        raise ValueError(
            f"{name} must be 1-D, one label per segment, got an array of shape {values.shape}."
        )
    if n_samples is not None and len(values) != n_samples:
        raise ValueError(
            f"{name} has {len(values)} entries but groups has {n_samples}; give one "
            "person (groups) and one recording (recordings) per segment."
        )
    missing = _missing_ids(values)
    if missing.any():
        raise ValueError(
            f"{name} must name a label on every segment; {int(missing.sum())} segment(s) "
            f"have a missing id (None or NaN), first at {int(np.flatnonzero(missing)[0])}."
        )
    return values


def _person_and_recording_codes(groups, recordings):
    """Codes of the person and of the recording of each segment.

    A recording is identified by its label *and* its person, so that recordings
    named alike for different persons (``"rec_1"``) stay apart. Recording codes
    are numbered in order of first appearance.
    """
    groups = _check_labels(groups, "groups")
    recordings = _check_labels(recordings, "recordings", n_samples=len(groups))
    if len(groups) == 0:
        raise ValueError("groups and recordings are empty; give one label per segment.")
    _, person = _encode_labels(groups)
    _, rec = _encode_labels(recordings)
    key = person.astype(np.int64) * (int(rec.max()) + 1) + rec
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    # Renumber the recordings by where they first appear.
    rank = np.empty(first.size, dtype=np.intp)
    rank[np.argsort(first, kind="stable")] = np.arange(first.size)
    return person, rank[inverse.ravel()]


def _check_positive_int(value, name, example):
    if not isinstance(value, Integral) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{name} must be a positive int, got {value!r}; e.g. {name}={example}.")
    return int(value)


def verification_pairs(groups, recordings, *, n_pairs=None, random_state=None):
    """Pairs of segments from different recordings, labelled same person or not.

    A same-person pair joins two segments of one person taken from two
    *different* recordings; a different-person pair joins segments of two
    persons (and so of two recordings). Two segments of one recording are never
    paired: seconds apart, they would make verification look easier than it is.

    Parameters
    ----------
    groups : array-like of shape (n_segments,)
        The person of each segment (ints, strings or any hashable labels).
    recordings : array-like of shape (n_segments,)
        The recording of each segment. A recording belongs to one person: two
        persons' recordings with the same label (``"rec_1"``) are different
        recordings.
    n_pairs : int, default=None
        None returns every pair. An int samples that many distinct pairs,
        ``n_pairs // 2`` of the same person and the rest of different persons,
        each drawn uniformly without replacement among the pairs of its kind.
    random_state : int, RandomState instance or None, default=None
        Seeds the sampling when ``n_pairs`` is an int; the same int gives the
        same pairs.

    Returns
    -------
    pairs : ndarray of int of shape (n_pairs, 2)
        Rows ``(i, j)`` with ``i < j``, indices into the segments, sorted by
        ``i`` then ``j``. No pair appears twice.
    same : ndarray of int of shape (n_pairs,)
        1 when both segments come from one person, 0 otherwise.

    Raises
    ------
    ValueError
        When ``n_pairs`` asks for more pairs of a kind than the segments make,
        or when the segments make no pair at all (every one from one recording).

    See Also
    --------
    gallery_query_split : Enrolment and query segments for identification.
    make_pairs : Pair rows ``[X[i] | X[j]]`` for training, within recordings too.
    sklearn_ecg.model_selection.verification_scores : Scores of these pairs, by
        segment or by recording.

    Notes
    -----
    With ``n_pairs=None`` the pairs are those of ``np.triu_indices(n_segments,
    k=1)`` whose two segments come from different recordings, in that order;
    they take memory in ``n_segments ** 2``. Sampled same-person pairs are
    drawn from the complete list of such pairs; different-person pairs are
    drawn by rejection, so a sample of a few thousand pairs stays cheap even
    for many segments.

    Examples
    --------
    >>> from sklearn_ecg.model_selection import verification_pairs
    >>> groups = ["ann", "ann", "ann", "bob", "bob"]
    >>> recordings = ["a1", "a1", "a2", "b1", "b2"]
    >>> pairs, same = verification_pairs(groups, recordings)
    >>> pairs[same == 1].tolist()
    [[0, 2], [1, 2], [3, 4]]
    >>> int((same == 0).sum())
    6
    >>> pairs, same = verification_pairs(groups, recordings, n_pairs=4, random_state=0)
    >>> same.tolist().count(1), same.tolist().count(0)
    (2, 2)
    """
    person, rec = _person_and_recording_codes(groups, recordings)
    n = person.size
    if n_pairs is None:
        i, j = np.triu_indices(n, k=1)
        keep = rec[i] != rec[j]
        i, j = i[keep], j[keep]
        if i.size == 0:
            raise ValueError(
                "every segment comes from one recording, so no pair of different "
                "recordings can be made; give segments of at least 2 recordings."
            )
        return np.column_stack([i, j]).astype(np.intp), (person[i] == person[j]).astype(int)

    n_pairs = _check_positive_int(n_pairs, "n_pairs", 1000)
    n_same = n_pairs // 2
    n_different = n_pairs - n_same
    rng = check_random_state(random_state)

    # Every same-person pair of different recordings, person by person.
    candidates = []
    for p in np.unique(person):
        rows = np.flatnonzero(person == p)
        a, b = np.triu_indices(rows.size, k=1)
        keep = rec[rows[a]] != rec[rows[b]]
        candidates.append(np.column_stack([rows[a[keep]], rows[b[keep]]]))
    same_pairs = np.concatenate(candidates).reshape(-1, 2)
    _, per_person = np.unique(person, return_counts=True)
    n_available = int((n * n - np.sum(per_person.astype(np.int64) ** 2)) // 2)
    if n_same > len(same_pairs):
        raise ValueError(
            f"n_pairs={n_pairs} asks for {n_same} same-person pairs of different recordings, "
            f"but groups and recordings make only {len(same_pairs)}; ask for at most "
            f"n_pairs={2 * len(same_pairs) + 1}, or give more recordings per person."
        )
    if n_different > n_available:
        raise ValueError(
            f"n_pairs={n_pairs} asks for {n_different} different-person pairs, but groups "
            f"makes only {n_available}; ask for fewer pairs or give segments of more persons."
        )
    chosen = same_pairs[rng.choice(len(same_pairs), size=n_same, replace=False)]
    different = _sample_different(person, n_different, n_available, rng)
    pairs = np.concatenate([chosen, different]).astype(np.intp)
    order = np.lexsort((pairs[:, 1], pairs[:, 0]))
    pairs = pairs[order]
    return pairs, (person[pairs[:, 0]] == person[pairs[:, 1]]).astype(int)


def _sample_different(person, n_wanted, n_available, rng):
    """``n_wanted`` distinct pairs ``(i < j)`` of different persons, uniformly."""
    n = person.size
    if n_wanted == 0:
        return np.empty((0, 2), dtype=np.intp)
    if 2 * n_wanted > n_available:
        # Most of them are wanted: list them all, rejection would repeat itself.
        i, j = np.triu_indices(n, k=1)
        keep = person[i] != person[j]
        i, j = i[keep], j[keep]
        pick = rng.choice(i.size, size=n_wanted, replace=False)
        return np.column_stack([i[pick], j[pick]])
    # An ordered draw (a, b) of two rows, kept when the persons differ, is
    # uniform over the unordered pairs {a, b}; duplicates are dropped.
    keys = np.empty(0, dtype=np.int64)
    while keys.size < n_wanted:
        m = 2 * (n_wanted - keys.size) + 16
        a, b = rng.randint(n, size=m), rng.randint(n, size=m)
        ok = person[a] != person[b]
        lo, hi = np.minimum(a, b)[ok], np.maximum(a, b)[ok]
        keys = np.concatenate([keys, lo.astype(np.int64) * n + hi])
        _, first = np.unique(keys, return_index=True)
        keys = keys[np.sort(first)]
    keys = keys[:n_wanted]
    return np.column_stack([keys // n, keys % n])


def gallery_query_split(groups, recordings, *, n_enrol=1):
    """Split segments into a gallery (enrolled recordings) and queries (the others).

    Each person is enrolled with the segments of their first ``n_enrol``
    recordings (in the order their segments first appear); the segments of
    their later recordings are the queries to identify. A person with no more
    than ``n_enrol`` recordings is enrolled with all of them and has no query:
    they stay in the gallery, as someone a query could be mistaken for.

    Parameters
    ----------
    groups : array-like of shape (n_segments,)
        The person of each segment.
    recordings : array-like of shape (n_segments,)
        The recording of each segment; as for :func:`verification_pairs`, a
        recording belongs to one person.
    n_enrol : int, default=1
        Recordings enrolled per person.

    Returns
    -------
    gallery : ndarray of int of shape (n_gallery,)
        Indices of the enrolled segments, in increasing order.
    query : ndarray of int of shape (n_query,)
        Indices of the other segments, in increasing order.

    Raises
    ------
    ValueError
        When no person has more than ``n_enrol`` recordings, so that nothing
        is left to identify.

    See Also
    --------
    verification_pairs : Same- and different-person pairs of recordings.
    sklearn_ecg.model_selection.identification_accuracy : Top-1 accuracy of the
        queries against the gallery.

    Examples
    --------
    >>> from sklearn_ecg.model_selection import gallery_query_split
    >>> groups = ["ann", "ann", "bob", "ann", "bob", "bob", "ann"]
    >>> recordings = ["a1", "a1", "b1", "a2", "b2", "b3", "a3"]
    >>> gallery, query = gallery_query_split(groups, recordings)
    >>> gallery.tolist(), query.tolist()
    ([0, 1, 2], [3, 4, 5, 6])
    >>> gallery, query = gallery_query_split(groups, recordings, n_enrol=2)
    >>> gallery.tolist(), query.tolist()
    ([0, 1, 2, 3, 4], [5, 6])
    """
    person, rec = _person_and_recording_codes(groups, recordings)
    n_enrol = _check_positive_int(n_enrol, "n_enrol", 1)
    # Rank of each recording among its person's recordings (codes follow first
    # appearance, so sorting them by code orders them by first appearance).
    n_rec = int(rec.max()) + 1
    rec_person = np.empty(n_rec, dtype=np.intp)
    rec_person[rec] = person
    order = np.lexsort((np.arange(n_rec), rec_person))
    rank = np.empty(n_rec, dtype=np.intp)
    start = np.flatnonzero(np.r_[True, rec_person[order][1:] != rec_person[order][:-1]])
    sizes = np.diff(np.r_[start, n_rec])
    rank[order] = np.arange(n_rec) - np.repeat(start, sizes)
    enrolled = rank[rec] < n_enrol
    if enrolled.all():
        raise ValueError(
            f"no person has more than n_enrol={n_enrol} recording(s), so no query is left "
            "to identify; enrol fewer recordings or give persons more recordings."
        )
    return np.flatnonzero(enrolled), np.flatnonzero(~enrolled)
