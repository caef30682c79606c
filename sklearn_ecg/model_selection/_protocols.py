"""Evaluation protocols of a similarity: pairs, galleries and recordings.

:func:`recording_scores` compares recordings by fusing the scores (or the
embeddings) of their segments; :func:`verification_scores` and
:func:`identification_accuracy` evaluate a similarity at the level of segments
or of recordings, on the pairs of :func:`verification_pairs` and the gallery of
:func:`gallery_query_split`; :func:`group_mean_scores` averages a matrix of
scores over groups. A similarity is a fitted estimator of the similarity
protocol (:class:`sklearn_ecg.neural.SimilarityMixin`), a callable
``similarity(A, B)`` or precomputed scores.
"""

import numpy as np

from ._gallery import (
    _check_labels,
    _person_and_recording_codes,
    gallery_query_split,
    verification_pairs,
)
from ._split import _encode_labels

__all__ = [
    "group_mean_scores",
    "identification_accuracy",
    "recording_scores",
    "verification_scores",
]


# -- scores of recordings, fused from their segments --------------------------------

_FUSIONS = ("score", "embedding")


def _block_means(matrix, row_codes, col_codes, mask=None):
    """Mean of ``matrix`` over the rows of each row code and columns of each column code.

    ``mask`` (same shape as ``matrix``) keeps only some entries; a block with no
    entry left is NaN.
    """
    from scipy import sparse

    def indicator(codes):
        k = int(codes.max()) + 1 if codes.size else 0
        return sparse.csr_matrix(
            (np.ones(codes.size), (codes, np.arange(codes.size))), shape=(k, codes.size)
        )

    rows, cols = indicator(row_codes), indicator(col_codes)
    values = matrix if mask is None else np.where(mask, matrix, 0.0)
    weights = np.ones_like(matrix) if mask is None else mask.astype(float)
    # sparse @ dense is dense: (rows @ values @ cols.T) without a dense indicator.
    sums = np.asarray(cols @ (rows @ values).T).T
    counts = np.asarray(cols @ (rows @ weights).T).T
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / np.where(counts > 0, counts, 1), np.nan)


def _similarity_kind(similarity):
    if isinstance(similarity, str):
        if similarity == "precomputed":
            return "precomputed"
        raise ValueError(
            f"similarity must be a fitted estimator with score_pairs, a callable "
            f"similarity(A, B) or 'precomputed', got the string {similarity!r}"
        )
    # The similarity protocol (neural.SimilarityMixin): score_pairs, and embed and
    # score_embeddings for fusion="embedding"; any object that has them takes part.
    if callable(getattr(similarity, "score_pairs", None)):
        return "estimator"
    if callable(similarity):
        return "callable"
    if callable(getattr(similarity, "predict", None)):
        return "pair_rows"  # a model of pair rows [a | b], as make_pairs builds them
    raise TypeError(
        "similarity must be a fitted estimator with score_pairs (the similarity protocol of "
        "sklearn_ecg.neural.SimilarityMixin, such as SiameseSimilarityRegressor or "
        "MetricEncoder) or whose predict scores pair rows [a | b], a callable "
        "similarity(A, B) returning the (len(A), len(B)) matrix of scores, or "
        f"'precomputed'; got {type(similarity).__name__}"
    )


def _check_matrix(matrix, shape, what):
    matrix = np.asarray(matrix, dtype=float)
    if matrix.shape != shape:
        raise ValueError(f"{what} must have shape {shape}, got {matrix.shape}")
    if not np.all(np.isfinite(matrix)):
        raise ValueError(f"{what} must be finite, got NaN or infinite scores")
    return matrix


def _segment_scores(similarity, kind, X, Y):
    """The (n_X, n_Y) matrix of segment-pair scores."""
    n_y = len(X) if Y is None else len(Y)
    if kind == "precomputed":
        return _check_matrix(X, (len(X), n_y), "X (precomputed scores)")
    if kind == "estimator":
        scores = similarity.score_pairs(X, Y)
        what = f"{type(similarity).__name__}.score_pairs"
    elif kind == "pair_rows":
        scores = _pair_row_scores(similarity, X, X if Y is None else Y)
        what = f"{type(similarity).__name__}.predict"
    else:
        scores = similarity(X, X if Y is None else Y)
        what = "similarity(A, B)"
    return _check_matrix(scores, (len(X), n_y), f"the scores of {what}")


_PAIR_BUDGET = 2**24  # values of the pair rows built at a time


def _pair_row_scores(estimator, X, Y):
    """The (len(X), len(Y)) scores of a model whose ``predict`` scores pair rows ``[a | b]``.

    Every pair row is built, joined along axis 1 (3-D segments too), and
    predicted in chunks of about ``_PAIR_BUDGET`` values.
    """
    X, Y = np.asarray(X), np.asarray(Y)
    for name, A in (("X", X), ("Y", Y)):
        if A.ndim < 2:
            raise ValueError(f"{name} must hold one segment per row, got shape {A.shape}")
    n, m = len(X), len(Y)
    left, right = np.divmod(np.arange(n * m), m)
    chunk = max(1, _PAIR_BUDGET // (2 * int(np.prod(X.shape[1:]))))
    scores = [
        np.asarray(estimator.predict(np.concatenate(
            [X[left[k:k + chunk]], Y[right[k:k + chunk]]], axis=1)), dtype=float).ravel()
        for k in range(0, n * m, chunk)
    ]
    return np.concatenate(scores).reshape(n, m) if scores else np.empty((n, m))


def group_mean_scores(scores, groups, *, within=None, labels=None):
    """Mean score of the segments of each pair of groups (a segment never with itself).

    Parameters
    ----------
    scores : array-like of shape (n_segments, n_segments)
        Score of each pair of segments; NaN scores are left out of the means.
    groups : array-like of shape (n_segments,)
        The group of each segment (a person, a channel, an activity).
    within : array-like of shape (n_segments,), default=None
        Only segments with the same ``within`` label are paired; None pairs
        every two segments.
    labels : array-like, default=None
        The groups to average, in this order; None takes every group, sorted.

    Returns
    -------
    means : ndarray of shape (n_labels, n_labels)
        The mean score of the segments of the row's group with those of the
        column's group; NaN where no pair counts.
    labels : ndarray of shape (n_labels,)
        The groups of the rows and columns.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.model_selection import group_mean_scores
    >>> scores = np.array([[1.0, 0.8, 0.1], [0.8, 1.0, 0.3], [0.1, 0.3, 1.0]])
    >>> means, labels = group_mean_scores(scores, ["a", "a", "b"])
    >>> means.round(2).tolist(), labels.tolist()
    ([[0.8, 0.2], [0.2, nan]], ['a', 'b'])
    """
    from sklearn.utils.validation import check_consistent_length

    matrix = np.asarray(scores, dtype=float)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"scores must be a square matrix, got shape {matrix.shape}")
    groups = np.asarray(groups).ravel()
    check_consistent_length(matrix, groups)
    labels = np.unique(groups) if labels is None else np.asarray(labels).ravel()
    if labels.size == 0 or len(set(labels.tolist())) != labels.size:
        raise ValueError(f"labels must name distinct groups, got {labels.tolist()!r}")
    unknown = sorted(set(labels.tolist()) - set(groups.tolist()), key=str)
    if unknown:
        raise ValueError(
            f"labels {unknown!r} are not in groups; give labels among "
            f"{sorted(set(groups.tolist()), key=str)!r}"
        )
    mask = ~np.eye(len(matrix), dtype=bool)
    if within is not None:
        within = np.asarray(within).ravel()
        check_consistent_length(matrix, within)
        mask &= within[:, None] == within[None, :]
    keep = np.isin(groups, labels)
    position = {label: k for k, label in enumerate(labels.tolist())}
    codes = np.array([position[g] for g in groups[keep].tolist()], dtype=np.intp)
    kept = np.ix_(keep, keep)
    means = _block_means(np.nan_to_num(matrix[kept]), codes, codes,
                         mask=mask[kept] & ~np.isnan(matrix[kept]))
    return means, labels


def _mean_rows(values, codes):
    """Mean of the rows of ``values`` (any number of dimensions) per code."""
    k = int(codes.max()) + 1
    flat = values.reshape(len(values), -1)
    sums = np.zeros((k, flat.shape[1]))
    np.add.at(sums, codes, flat)
    return (sums / np.bincount(codes, minlength=k)[:, None]).reshape(k, *values.shape[1:])


def _protocol_method(estimator, name, message):
    """The method ``name`` of ``estimator``; a ValueError saying ``message`` if it lacks it."""
    method = getattr(estimator, name, None)
    if not callable(method):
        raise ValueError(message)
    return method


def _embeddings(similarity, kind, X):
    """What ``fusion="embedding"`` averages: the estimator's embeddings, or the segments."""
    if kind == "precomputed":
        _refuse_embedding_of_scores()
    if kind == "estimator":
        embed = _protocol_method(
            similarity, "embed",
            f"fusion='embedding' needs {type(similarity).__name__}.embed, which it lacks; "
            "use fusion='score'",
        )
        return np.asarray(embed(X), dtype=float)
    return np.asarray(X, dtype=float)


def _fused(similarity, kind, X, codes_X, Y, codes_Y, fusion, metric):
    """Scores of units (codes) of X against units of Y, fused from segments."""
    if fusion == "score":
        matrix = _segment_scores(similarity, kind, X, Y)
        return _block_means(matrix, codes_X, codes_X if Y is None else codes_Y)
    emb_X = _embeddings(similarity, kind, X)
    emb_Y = emb_X if Y is None else _embeddings(similarity, kind, Y)
    mean_X = _mean_rows(emb_X, codes_X)
    mean_Y = mean_X if Y is None else _mean_rows(emb_Y, codes_Y)
    return _embedding_scores(similarity, kind, mean_X, mean_Y, metric)


def _embedding_scores(similarity, kind, mean_X, mean_Y, metric):
    """The (n_X, n_Y) scores of (mean) embeddings: their cosine, or the similarity's own."""
    shape = (len(mean_X), len(mean_Y))
    if metric == "cosine":
        from sklearn.metrics.pairwise import cosine_similarity

        return cosine_similarity(mean_X.reshape(shape[0], -1), mean_Y.reshape(shape[1], -1))
    if kind == "estimator":
        head = _protocol_method(
            similarity, "score_embeddings",
            f"{type(similarity).__name__} has no score_embeddings to score mean "
            "embeddings with its own head; pass metric='cosine'",
        )
        return _check_matrix(head(mean_X, mean_Y), shape,
                             f"the scores of {type(similarity).__name__}.score_embeddings")
    return _check_matrix(similarity(mean_X, mean_Y), shape, "the scores of similarity(A, B)")


def _pair_scores(similarity, kind, X, pairs, fusion, metric, chunk=256):
    """Scores of the segment pairs ``pairs`` (row indices into ``X``), one per pair.

    The full (n, n) matrix is computed only when there are at least n ** 2 /
    ``chunk`` pairs (or the scores are precomputed); otherwise the pairs are
    scored ``chunk`` at a time, each chunk's (chunk, chunk) scores computed and
    their diagonal kept, so memory stays O(chunk ** 2) and the similarity sees
    only the segments of the pairs.
    """
    n = len(X)
    left, right = pairs[:, 0], pairs[:, 1]
    if kind == "precomputed" or len(pairs) * chunk >= n * n:
        return _fused(similarity, kind, X, np.arange(n), None, None, fusion, metric)[left, right]
    if fusion == "score":
        items = X

        def score(A, B):
            return _segment_scores(similarity, kind, A, B)
    else:
        items = _embeddings(similarity, kind, X)
        if metric == "cosine":
            from sklearn.preprocessing import normalize

            unit = normalize(items.reshape(n, -1))  # a zero row stays zero: cosine 0, as in the matrix
            return np.einsum("ij,ij->i", unit[left], unit[right])

        def score(A, B):
            return _embedding_scores(similarity, kind, A, B, metric)
    scores = np.empty(len(pairs))
    for start in range(0, len(pairs), chunk):
        stop = start + chunk
        scores[start:stop] = np.diagonal(score(items[left[start:stop]], items[right[start:stop]]))
    return scores


def _refuse_embedding_of_scores():
    raise ValueError(
        "fusion='embedding' needs the segments, not precomputed scores; pass the "
        "estimator or a callable as similarity, or use fusion='score'"
    )


def _check_fusion(fusion, metric):
    if fusion not in _FUSIONS:
        raise ValueError(
            f"fusion must be 'score' (mean of the segment-pair scores) or 'embedding' "
            f"(score of the mean embeddings), got {fusion!r}"
        )
    if metric not in (None, "cosine"):
        raise ValueError(
            "metric must be None (score mean embeddings with the similarity itself) or "
            f"'cosine', got {metric!r}"
        )


def _check_segments(X, kind, name):
    if kind == "precomputed":
        return np.asarray(X, dtype=float)
    from sklearn.utils import check_array

    return check_array(X, allow_nd=True, input_name=name)


def _labels(values, n, name):
    values = _check_labels(values, name)
    if len(values) != n:
        raise ValueError(
            f"{name} has {len(values)} entries but there are {n} segments; give one "
            "label per segment."
        )
    return _encode_labels(values)


def recording_scores(similarity, X, recordings, Y=None, recordings_Y=None, *,
                     fusion="score", metric=None):
    """Similarity of recordings, each fused from the similarity of its segments.

    Two recordings are compared through their segments (beats or windows):

    - ``fusion="score"``: the mean of the scores of every segment of one with
      every segment of the other;
    - ``fusion="embedding"``: the score of the mean embeddings of their
      segments (for a callable ``similarity``, the mean segments).

    Labelling the segments of ``Y`` by person instead of by recording scores
    recordings against enrolled persons: the template of a person is then all
    their enrolment segments, fused the same way.

    Parameters
    ----------
    similarity : estimator, callable or "precomputed"
        How two segments are scored:

        - a fitted estimator with ``score_pairs(X, Y)`` returning the
          ``(len(X), len(Y))`` matrix of scores, such as
          :class:`~sklearn_ecg.neural.SiameseSimilarityRegressor`; with
          ``fusion="embedding"`` it also needs ``embed(X)``, and
          ``score_embeddings(A, B)`` unless ``metric="cosine"``;
        - a callable ``similarity(A, B)`` returning that matrix for arrays of
          segments, such as a correlation
          (``lambda A, B: 1 - pairwise_distances(A, B, metric="correlation")``);
        - ``"precomputed"``: ``X`` is already the matrix of segment scores,
          ``(n_segments_X, n_segments_Y)`` (only ``fusion="score"``).
    X : array-like of shape (n_segments_X, ...)
        Segments, one per row, or the precomputed scores.
    recordings : array-like of shape (n_segments_X,)
        The recording (or person) of each segment of ``X``.
    Y : array-like of shape (n_segments_Y, ...), default=None
        Segments to compare with; ``None`` compares the recordings of ``X``
        with each other. With ``"precomputed"``, leave it None.
    recordings_Y : array-like of shape (n_segments_Y,), default=None
        The recording (or person) of each segment of ``Y``; required with
        ``Y``, and with precomputed scores that are not square.
    fusion : {"score", "embedding"}, default="score"
        Mean of the segment scores, or score of the mean embedding.
    metric : {None, "cosine"}, default=None
        How mean embeddings are scored (``fusion="embedding"``): None uses the
        similarity itself (the estimator's head through
        ``score_embeddings``, or the callable), ``"cosine"`` their cosine
        similarity. Ignored with ``fusion="score"``.

    Returns
    -------
    scores : ndarray of shape (n_recordings_X, n_recordings_Y)
        The fused score of each recording of ``X`` with each of ``Y``.
    recordings_X : ndarray of shape (n_recordings_X,)
        The recordings of the rows, sorted.
    recordings_Y : ndarray of shape (n_recordings_Y,)
        The recordings of the columns, sorted.

    See Also
    --------
    verification_scores : Fused scores of same- and different-person pairs.
    identification_accuracy : Top-1 identification against enrolled persons.

    Notes
    -----
    Segments are scored in one call, as a ``(n_segments_X, n_segments_Y)``
    matrix; with ``Y=None`` each segment is also scored with itself, so the
    diagonal of ``scores`` (a recording with itself) includes those
    self-scores.

    Examples
    --------
    Two recordings of ann and one of bob, scored with Pearson's correlation:

    >>> import numpy as np
    >>> from sklearn_ecg.model_selection import recording_scores
    >>> def pearson(A, B):
    ...     return np.corrcoef(A, B)[: len(A), len(A):]
    >>> X = np.array([[0, 1, 2, 1.0], [0, 1, 2, 2.0], [0, 1, 2, 1.5], [2, 1, 0, 0.5]])
    >>> scores, rows, cols = recording_scores(pearson, X, ["a1", "a1", "a2", "b1"])
    >>> rows.tolist()
    ['a1', 'a2', 'b1']
    >>> bool(scores[0, 1] > 0.8 > 0 > scores[0, 2])
    True
    >>> scores, rows, cols = recording_scores(
    ...     pearson, X[:3], ["a1", "a1", "a2"], X[3:], ["bob"], fusion="embedding")
    >>> scores.shape, cols.tolist()
    ((2, 1), ['bob'])
    """
    kind = _similarity_kind(similarity)
    _check_fusion(fusion, metric)
    X = _check_segments(X, kind, "X")
    labels_X, codes_X = _labels(recordings, len(X), "recordings")
    if kind == "precomputed":
        if Y is not None:
            raise ValueError(
                "with similarity='precomputed', X holds the scores and Y must be None; "
                "label the columns with recordings_Y"
            )
        if X.ndim != 2:
            raise ValueError(f"X (precomputed scores) must be 2-D, got shape {X.shape}")
        if recordings_Y is None:
            if X.shape[0] != X.shape[1]:
                raise ValueError(
                    f"X (precomputed scores) has shape {X.shape}: not square, so give "
                    "recordings_Y, the recording of each column"
                )
            labels_Y, codes_Y = labels_X, codes_X
        else:
            labels_Y, codes_Y = _labels(recordings_Y, X.shape[1], "recordings_Y")
        matrix = _check_matrix(X, X.shape, "X (precomputed scores)")
        if fusion == "embedding":
            _refuse_embedding_of_scores()
        return _block_means(matrix, codes_X, codes_Y), labels_X, labels_Y
    if (Y is None) != (recordings_Y is None):
        raise ValueError("give Y and recordings_Y together, or neither")
    if Y is None:
        return _fused(similarity, kind, X, codes_X, None, None, fusion, metric), labels_X, labels_X
    Y = _check_segments(Y, kind, "Y")
    labels_Y, codes_Y = _labels(recordings_Y, len(Y), "recordings_Y")
    scores = _fused(similarity, kind, X, codes_X, Y, codes_Y, fusion, metric)
    return scores, labels_X, labels_Y


_LEVELS = ("recording", "segment")


def _check_level(level):
    if level not in _LEVELS:
        raise ValueError(
            f"level must be 'recording' (fuse the segments of each recording) or "
            f"'segment' (score single segments), got {level!r}"
        )


def _units(groups, recordings, level, n):
    """Codes of the units scored (segments or recordings), and their persons."""
    person, rec = _person_and_recording_codes(groups, recordings)
    if len(person) != n:
        raise ValueError(
            f"groups has {len(person)} entries but X has {n} segments; give one person "
            "and one recording per segment."
        )
    if level == "segment":
        return np.arange(n), person, rec
    unit_person = np.empty(int(rec.max()) + 1, dtype=person.dtype)
    unit_person[rec] = person
    return rec, unit_person, np.arange(unit_person.size)


def verification_scores(similarity, X, groups, recordings, *, level="recording",
                        fusion="score", metric=None, n_pairs=None, random_state=None):
    """Scores of same-person and different-person pairs of recordings (or segments).

    The pairs are those of
    :func:`~sklearn_ecg.model_selection.verification_pairs`: a same-person pair
    joins two *different* recordings of one person. At ``level="recording"``
    each recording is one item, scored by fusing its segments as
    :func:`recording_scores` does; at ``level="segment"`` each segment is one
    item. Feed the result to :func:`~sklearn_ecg.metrics.equal_error_rate`,
    :func:`sklearn.metrics.roc_auc_score` or
    :class:`~sklearn_ecg.inspection.VerificationDetDisplay`.

    Parameters
    ----------
    similarity : estimator, callable or "precomputed"
        How two segments are scored; see :func:`recording_scores`. With
        ``"precomputed"``, ``X`` is the square matrix of the scores of every
        pair of segments.
    X : array-like of shape (n_segments, ...) or (n_segments, n_segments)
        Segments, one per row, or the precomputed scores.
    groups : array-like of shape (n_segments,)
        The person of each segment.
    recordings : array-like of shape (n_segments,)
        The recording of each segment (a recording belongs to one person).
    level : {"recording", "segment"}, default="recording"
        Score pairs of recordings, fused from their segments, or pairs of
        single segments from different recordings.
    fusion : {"score", "embedding"}, default="score"
        How the segments of a recording are fused; see :func:`recording_scores`.
        At ``level="segment"`` there is nothing to fuse, but
        ``fusion="embedding", metric="cosine"`` scores the cosine of the
        segments' embeddings.
    metric : {None, "cosine"}, default=None
        How mean embeddings are scored; see :func:`recording_scores`.
    n_pairs : int, default=None
        None scores every pair; an int samples that many, half of the same
        person (see :func:`~sklearn_ecg.model_selection.verification_pairs`).
        At ``level="segment"``, fewer than ``n_segments ** 2 / 256`` pairs
        are scored 256 at a time rather than through the matrix of every pair
        of segments: the same scores, in the memory of 256 x 256.
    random_state : int, RandomState instance or None, default=None
        Seeds the sampling of pairs.

    Returns
    -------
    same : ndarray of int of shape (n_pairs,)
        1 for a same-person pair, 0 otherwise.
    scores : ndarray of shape (n_pairs,)
        The score of each pair, higher for more alike. The pairs come in the
        order of :func:`~sklearn_ecg.model_selection.verification_pairs`, the
        recordings numbered in the order their segments first appear.

    See Also
    --------
    recording_scores : The fused scores of every pair of recordings.
    identification_accuracy : Top-1 identification against enrolled persons.
    sklearn_ecg.model_selection.verification_pairs : The pairs scored.

    Examples
    --------
    Two persons, two recordings each, two segments per recording; the segments
    of a person differ from recording to recording by noise:

    >>> import numpy as np
    >>> from sklearn_ecg.metrics import equal_error_rate
    >>> from sklearn_ecg.model_selection import verification_scores
    >>> rng = np.random.RandomState(0)
    >>> person = np.repeat(["ann", "bob"], 4)
    >>> recording = np.repeat(["a1", "a2", "b1", "b2"], 2)
    >>> shape = {"ann": np.sin(np.linspace(0, 3, 50)), "bob": np.cos(np.linspace(0, 3, 50))}
    >>> X = np.array([shape[p] for p in person]) + 0.3 * rng.randn(8, 50)
    >>> def pearson(A, B):
    ...     return np.corrcoef(A, B)[: len(A), len(A):]
    >>> same, scores = verification_scores(pearson, X, person, recording)
    >>> same.tolist()
    [1, 0, 0, 0, 0, 1]
    >>> equal_error_rate(same, scores)
    0.0
    >>> same, scores = verification_scores(pearson, X, person, recording, level="segment")
    >>> same.shape
    (24,)
    """
    kind = _similarity_kind(similarity)
    _check_fusion(fusion, metric)
    _check_level(level)

    X = _check_segments(X, kind, "X")
    codes, unit_person, unit_rec = _units(groups, recordings, level, len(X))
    pairs, same = verification_pairs(unit_person, unit_rec, n_pairs=n_pairs,
                                      random_state=random_state)
    if level == "segment":
        return same, _pair_scores(similarity, kind, X, pairs, fusion, metric)
    matrix = _fused(similarity, kind, X, codes, None, None, fusion, metric)
    return same, matrix[pairs[:, 0], pairs[:, 1]]


def identification_accuracy(similarity, X, groups, recordings, *, n_enrol=1,
                            level="recording", fusion="score", metric=None):
    """Top-1 identification: how often a query is named as the right enrolled person.

    The segments of the first ``n_enrol`` recordings of each person form the
    gallery (see :func:`~sklearn_ecg.model_selection.gallery_query_split`);
    each person's template is all their gallery segments. Every query, a
    later recording (``level="recording"``) or one of its segments
    (``level="segment"``), is scored against every template, fusing segments
    as :func:`recording_scores` does, and named as the person of the highest
    score.

    Parameters
    ----------
    similarity : estimator, callable or "precomputed"
        How two segments are scored; see :func:`recording_scores`. With
        ``"precomputed"``, ``X`` is the square matrix of the scores of every
        pair of segments.
    X : array-like of shape (n_segments, ...) or (n_segments, n_segments)
        Segments, one per row, or the precomputed scores.
    groups : array-like of shape (n_segments,)
        The person of each segment.
    recordings : array-like of shape (n_segments,)
        The recording of each segment (a recording belongs to one person).
    n_enrol : int, default=1
        Recordings enrolled per person.
    level : {"recording", "segment"}, default="recording"
        Identify whole recordings, fused from their segments, or single
        segments.
    fusion : {"score", "embedding"}, default="score"
        How segments are fused, on both sides; see :func:`recording_scores`.
    metric : {None, "cosine"}, default=None
        How mean embeddings are scored; see :func:`recording_scores`.

    Returns
    -------
    accuracy : float
        The share of queries named as their own person, in [0, 1].

    See Also
    --------
    recording_scores : The fused scores behind it.
    verification_scores : Fused scores of same- and different-person pairs.
    sklearn_ecg.model_selection.gallery_query_split : The gallery and queries.

    Notes
    -----
    Every person is in the gallery, including those with no query, so a query
    can be mistaken for any of them. Ties go to the first person in sorted
    order.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ecg.model_selection import identification_accuracy
    >>> person = ["ann", "ann", "bob", "bob", "ann", "bob"]
    >>> recording = ["a1", "a1", "b1", "b1", "a2", "b2"]
    >>> X = np.array([[1.0, 0], [0.9, 0.1], [0, 1], [0.2, 1], [1, 0.2], [0.1, 0.9]])
    >>> def dot(A, B):
    ...     return A @ B.T
    >>> identification_accuracy(dot, X, person, recording)
    1.0
    """
    kind = _similarity_kind(similarity)
    _check_fusion(fusion, metric)
    _check_level(level)

    X = _check_segments(X, kind, "X")
    codes, _, _ = _units(groups, recordings, level, len(X))
    gallery, query = gallery_query_split(groups, recordings, n_enrol=n_enrol)
    groups = np.asarray(groups).ravel()
    _, person_codes = _labels(groups, len(groups), "groups")
    _, query_codes = np.unique(codes[query], return_inverse=True)
    if kind == "precomputed":
        X = _check_matrix(X, (len(X), len(X)), "X (precomputed scores)")
        if fusion == "embedding":
            _refuse_embedding_of_scores()
        scores = _block_means(X[np.ix_(query, gallery)], query_codes, person_codes[gallery])
    else:
        scores = _fused(similarity, kind, X[query], query_codes, X[gallery],
                        person_codes[gallery], fusion, metric)
    # The person of each query unit: every segment of a unit has the same person.
    truth = np.empty(int(query_codes.max()) + 1, dtype=np.intp)
    truth[query_codes] = person_codes[query]
    return float(np.mean(scores.argmax(axis=1) == truth))
