"""Biometric evaluation at the level of recordings: pairs, gallery, fusion and the pictures.

What a user relies on: verification pairs never join two segments of one
recording, never repeat and are labelled right; the gallery enrols each
person's first recordings; fused scores are the means the docstrings promise
(checked on hand-made numbers); the DET display draws on normal-deviate axes
with its EER point; the group-mean matrix labels its axes. Real segments come
from the bundled ECG-ID sample; one tiny Siamese network is trained for one
epoch, in the one test marked slow.
"""

import numpy as np
import pytest
from _shared import TINY_SIAMESE
from scipy.stats import norm
from sklearn.metrics import det_curve

from sklearn_ecg.datasets import load_ecgid_sample, make_segments
from sklearn_ecg.metrics import equal_error_rate
from sklearn_ecg.model_selection import (
    gallery_query_split,
    group_mean_scores,
    identification_accuracy,
    make_pairs,
    recording_scores,
    verification_pairs,
    verification_scores,
)


class _PairRows:
    """A model of pair rows ``[a | b]`` (as make_pairs builds them): minus their distance."""

    def predict(self, pairs):
        pairs = np.asarray(pairs, dtype=float)
        half = pairs.shape[1] // 2
        return -np.abs(pairs[:, :half] - pairs[:, half:]).sum(axis=1)


def pearson(A, B):
    return np.corrcoef(A, B)[: len(A), len(A):]


def cosine(A, B):
    A = A / np.linalg.norm(A, axis=1, keepdims=True)
    B = B / np.linalg.norm(B, axis=1, keepdims=True)
    return A @ B.T


@pytest.fixture(scope="module")
def segments():
    seg = make_segments(load_ecgid_sample(), window=5.0, segment_length=64)
    X = (seg.X - seg.X.mean(axis=1, keepdims=True)) / seg.X.std(axis=1, keepdims=True)
    return X, seg.groups, seg.record


@pytest.fixture
def plt():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    yield plt
    plt.close("all")


# -- verification_pairs -----------------------------------------------------------


def check_pairs(pairs, same, groups, recordings):
    groups, recordings = np.asarray(groups), np.asarray(recordings)
    i, j = pairs[:, 0], pairs[:, 1]
    assert np.all(i < j)
    assert len(np.unique(i * (len(groups) + 1) + j)) == len(pairs), "a pair repeats"
    same_person = groups[i] == groups[j]
    assert np.array_equal(same, same_person.astype(int))
    # A pair never joins two segments of one recording (of one person).
    assert not np.any(same_person & (recordings[i] == recordings[j]))


def test_all_pairs_are_those_of_different_recordings(segments):
    _, groups, recordings = segments
    pairs, same = verification_pairs(groups, recordings)
    check_pairs(pairs, same, groups, recordings)
    i, j = np.triu_indices(len(groups), k=1)
    keep = recordings[i] != recordings[j]
    assert np.array_equal(pairs, np.column_stack([i[keep], j[keep]]))
    # The bundled sample: 10 persons x 3 recordings x 4 windows.
    assert same.sum() == 10 * (12 * 12 - 3 * 16) // 2


def test_sampled_pairs_are_balanced_distinct_and_seeded(segments):
    _, groups, recordings = segments
    pairs, same = verification_pairs(groups, recordings, n_pairs=301, random_state=0)
    check_pairs(pairs, same, groups, recordings)
    assert (same.sum(), (same == 0).sum()) == (150, 151)
    again, _ = verification_pairs(groups, recordings, n_pairs=301, random_state=0)
    other, _ = verification_pairs(groups, recordings, n_pairs=301, random_state=1)
    assert np.array_equal(pairs, again)
    assert not np.array_equal(pairs, other)


def test_sampling_almost_every_pair_repeats_none():
    groups = np.repeat(["a", "b", "c"], 4)
    recordings = np.repeat(["r1", "r2"] * 3, 2)
    every, same_all = verification_pairs(groups, recordings)
    n_same = int(same_all.sum())
    n_pairs = 2 * n_same
    pairs, same = verification_pairs(groups, recordings, n_pairs=n_pairs, random_state=0)
    check_pairs(pairs, same, groups, recordings)
    assert same.sum() == n_same
    assert {tuple(p) for p in pairs} <= {tuple(p) for p in every}


def test_recordings_named_alike_for_two_persons_stay_apart():
    groups = ["ann", "ann", "bob", "bob"]
    recordings = ["rec_1", "rec_2", "rec_1", "rec_2"]
    pairs, same = verification_pairs(groups, recordings)
    # Every pair is one of different recordings, including ann/rec_1 with bob/rec_1.
    assert pairs.tolist() == [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]]
    assert same.tolist() == [1, 0, 0, 0, 0, 1]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (dict(groups=[1, 1, 2], recordings=[1, 2]), "recordings has 2 entries but groups has 3"),
        (dict(groups=np.ones((3, 2)), recordings=[1, 2, 3]), "groups must be 1-D"),
        (dict(groups=["a", None, "b"], recordings=[1, 2, 3]), "groups must name a label"),
        (dict(groups=[1, 1, 2], recordings=[1, np.nan, 2]), "recordings must name a label"),
        (dict(groups=[1, 1, 2], recordings=[1, 2, 3], n_pairs=0), "n_pairs must be a positive"),
        (dict(groups=[1, 1, 2], recordings=[1, 2, 3], n_pairs=True), "n_pairs must be a positive"),
        (dict(groups=[1, 1, 2], recordings=[1, 2, 3], n_pairs=2.0), "n_pairs must be a positive"),
        (dict(groups=[1, 1, 2], recordings=[1, 2, 3], n_pairs=4), "only 1; ask for at most n_pairs=3"),
        (dict(groups=[1, 1, 1], recordings=[1, 2, 3], n_pairs=2), "different-person pairs"),
        (dict(groups=[1, 1], recordings=[5, 5]), "every segment comes from one recording"),
    ],
)
def test_verification_pairs_errors_name_the_argument(kwargs, match):
    with pytest.raises(ValueError, match=match):
        verification_pairs(**kwargs)


def test_make_pairs_is_still_the_training_sampler(segments):
    # verification_pairs is for evaluation; make_pairs keeps its own contract.
    X, groups, _ = segments
    X_pairs, y, _ = make_pairs(X, groups, n_pairs=10, random_state=0)
    assert X_pairs.shape == (10, 2 * X.shape[1]) and y.sum() == 5


# -- gallery_query_split ----------------------------------------------------------


def test_gallery_is_the_first_recording_of_each_person(segments):
    _, groups, recordings = segments
    gallery, query = gallery_query_split(groups, recordings)
    assert np.array_equal(np.sort(np.concatenate([gallery, query])), np.arange(len(groups)))
    first = {}
    for g, r in zip(groups, recordings):
        first.setdefault(g, r)
    assert set(recordings[gallery]) == set(first.values())
    assert set(groups[gallery]) == set(groups)
    assert not set(recordings[gallery]) & set(recordings[query])


def test_gallery_enrols_several_recordings_in_order_of_appearance():
    groups = ["b", "a", "a", "b", "a", "b", "c"]
    recordings = ["b9", "a5", "a1", "b2", "a5", "b1", "c1"]
    gallery, query = gallery_query_split(groups, recordings, n_enrol=2)
    # a: a5 then a1; b: b9 then b2; c has a single recording, enrolled, with no query.
    assert gallery.tolist() == [0, 1, 2, 3, 4, 6]
    assert query.tolist() == [5]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (dict(n_enrol=0), "n_enrol must be a positive int"),
        (dict(n_enrol=1.5), "n_enrol must be a positive int"),
        (dict(n_enrol=3), "no person has more than n_enrol=3"),
    ],
)
def test_gallery_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        gallery_query_split([1, 1, 2, 2], ["a", "b", "c", "d"], **kwargs)


# -- fusion on hand-made numbers ----------------------------------------------------


def test_score_and_embedding_fusion_on_a_known_example():
    # Recording "a": two orthogonal segments; recording "b": one segment.
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]])
    rec = ["a", "a", "b"]
    scores, rows, cols = recording_scores(cosine, X, rec)
    assert rows.tolist() == cols.tolist() == ["a", "b"]
    # Mean of the segment scores: a-b = (1 + 0) / 2; a-a = (1 + 0 + 0 + 1) / 4.
    np.testing.assert_allclose(scores, [[0.5, 0.5], [0.5, 1.0]])
    # Score of the mean segments: cos([.5, .5], [1, 0]) = 1 / sqrt(2).
    scores, _, _ = recording_scores(cosine, X, rec, fusion="embedding")
    np.testing.assert_allclose(scores, [[1.0, 2**-0.5], [2**-0.5, 1.0]])
    # metric="cosine" scores the mean segments by their cosine, whatever the callable.
    scores, _, _ = recording_scores(lambda A, B: A @ B.T, X, rec, fusion="embedding",
                                    metric="cosine")
    np.testing.assert_allclose(scores, [[1.0, 2**-0.5], [2**-0.5, 1.0]])


def test_precomputed_scores_and_templates_of_persons(segments):
    X, groups, recordings = segments
    direct, rows, _ = recording_scores(pearson, X, recordings)
    precomputed, rows_p, _ = recording_scores("precomputed", pearson(X, X), recordings)
    np.testing.assert_allclose(direct, precomputed)
    assert np.array_equal(rows, rows_p)
    # Recordings of X against persons of Y: templates; and precomputed non-square scores.
    gallery, query = gallery_query_split(groups, recordings)
    by_person, _, persons = recording_scores(pearson, X[query], recordings[query],
                                             X[gallery], groups[gallery])
    rect, _, _ = recording_scores("precomputed", pearson(X[query], X[gallery]),
                                  recordings[query], recordings_Y=groups[gallery])
    np.testing.assert_allclose(by_person, rect)
    assert persons.tolist() == sorted(set(groups))
    assert by_person.shape == (20, 10)


def test_recording_fusion_corrects_a_stray_segment():
    # Two persons, "ann" near (1, 0) and "bob" near (0, 1). Ann's second recording
    # has one stray segment closer to bob: a segment-level query errs, the fused
    # recording does not.
    X = np.array([[1, 0.1], [1, 0.0], [0.0, 1], [0.1, 1],   # enrolment
                  [1, 0.2], [1, 0.1], [0.1, 1],             # ann, second recording
                  [0.1, 1], [0.2, 1]])                      # bob, second recording
    person = ["ann"] * 2 + ["bob"] * 2 + ["ann"] * 3 + ["bob"] * 2
    recording = ["a1", "a1", "b1", "b1", "a2", "a2", "a2", "b2", "b2"]
    assert identification_accuracy(cosine, X, person, recording, level="segment") == 4 / 5
    for fusion in ("score", "embedding"):
        assert identification_accuracy(cosine, X, person, recording, fusion=fusion) == 1.0
    same, scores = verification_scores(cosine, X, person, recording)
    # Recordings in order of appearance a1, b1, a2, b2: a1-a2 and b1-b2 are one person.
    assert same.tolist() == [0, 1, 0, 0, 1, 0]
    assert equal_error_rate(same, scores) == 0.0


def test_verification_scores_at_segment_level_are_the_pairs_scores(segments):
    X, groups, recordings = segments
    matrix = pearson(X, X)
    pairs, same_pairs = verification_pairs(groups, recordings, n_pairs=200, random_state=0)
    same, scores = verification_scores(pearson, X, groups, recordings, level="segment",
                                       n_pairs=200, random_state=0)
    assert np.array_equal(same, same_pairs)
    np.testing.assert_allclose(scores, matrix[pairs[:, 0], pairs[:, 1]])
    _, scores_p = verification_scores("precomputed", matrix, groups, recordings,
                                           level="segment", n_pairs=200, random_state=0)
    np.testing.assert_allclose(scores_p, scores)
    # At recording level on the sample: 30 recordings, 435 pairs, 30 of one person.
    same, scores = verification_scores(pearson, X, groups, recordings)
    assert (same.size, same.sum()) == (435, 30)


class _CountingSimilarity:
    """score_pairs, embed and score_embeddings that record the rows they are given."""

    def __init__(self):
        self.rows = []

    def embed(self, X):
        self.rows.append(("embed", len(X)))
        return np.tanh(X[:, :8])

    def score_pairs(self, X, Y=None):
        Y = X if Y is None else Y
        self.rows.append(("score_pairs", len(X) * len(Y)))
        return cosine(X, Y)

    def score_embeddings(self, A, B=None):
        B = A if B is None else B
        self.rows.append(("score_embeddings", len(A) * len(B)))
        return -((A[:, None, :] - B[None, :, :]) ** 2).sum(axis=2)


@pytest.mark.parametrize("fusion, metric", [("score", None), ("embedding", None), ("embedding", "cosine")])
def test_sampled_segment_pairs_are_scored_without_the_full_matrix(segments, fusion, metric):
    from sklearn_ecg.model_selection._protocols import _pair_scores, _similarity_kind

    X, groups, recordings = segments
    n = len(X)
    assert 40 * 256 < n * n  # 40 sampled pairs take the chunked path
    pairs, _ = verification_pairs(groups, recordings, n_pairs=40, random_state=0)
    if fusion == "score":
        full = cosine(X, X)
    elif metric == "cosine":
        full = cosine(np.tanh(X[:, :8]), np.tanh(X[:, :8]))
    else:
        full = _CountingSimilarity().score_embeddings(np.tanh(X[:, :8]))
    model = _CountingSimilarity()
    same, scores = verification_scores(model, X, groups, recordings, level="segment", n_pairs=40,
                                       random_state=0, fusion=fusion, metric=metric)
    assert same.shape == scores.shape == (40,)
    np.testing.assert_allclose(scores, full[pairs[:, 0], pairs[:, 1]], rtol=1e-12, atol=1e-12)
    # Several chunks: no call scores more than a chunk's combinations, the segments are embedded once.
    model = _CountingSimilarity()
    scores = _pair_scores(model, _similarity_kind(model), X, pairs, fusion, metric, chunk=16)
    np.testing.assert_allclose(scores, full[pairs[:, 0], pairs[:, 1]], rtol=1e-12, atol=1e-12)
    scored = [k for name, k in model.rows if name != "embed"]
    assert len(scored) == (0 if metric == "cosine" else 3) and max(scored, default=0) <= 16 * 16
    assert sum(k for name, k in model.rows if name == "embed") == (0 if fusion == "score" else n)

def test_identification_precomputed_equals_callable(segments):
    X, groups, recordings = segments
    for level in ("segment", "recording"):
        a = identification_accuracy(pearson, X, groups, recordings, level=level)
        b = identification_accuracy("precomputed", pearson(X, X), groups, recordings, level=level)
        assert a == b
        assert 0.5 < a <= 1.0  # Pearson on median beats names most of 10 persons


class _Fake:
    """An estimator with the Siamese interface: a dot product as head."""

    def embed(self, X):
        return np.asarray(X, dtype=float)

    def score_pairs(self, X, Y=None):
        return self.score_embeddings(self.embed(X), None if Y is None else self.embed(Y))

    def score_embeddings(self, A, B=None):
        return A @ (A if B is None else B).T


def test_estimator_fusion_uses_embed_and_its_head():
    X = np.array([[1.0, 0.0], [0.0, 3.0], [2.0, 0.0]])
    rec = ["a", "a", "b"]
    scores, _, _ = recording_scores(_Fake(), X, rec, fusion="embedding")
    # Mean embeddings (0.5, 1.5) and (2, 0), scored by the head (a dot product).
    np.testing.assert_allclose(scores, [[2.5, 1.0], [1.0, 4.0]])
    scores, _, _ = recording_scores(_Fake(), X, rec)
    np.testing.assert_allclose(scores, [[2.5, 1.0], [1.0, 4.0]])


def test_estimator_without_a_head_on_embeddings_needs_cosine():
    class EncoderOnly:
        def embed(self, X):
            return np.asarray(X, dtype=float)

        def score_pairs(self, X, Y=None):
            return cosine(X, X if Y is None else Y)

    X, rec = np.array([[1.0, 0], [0, 1.0], [1, 0]]), ["a", "a", "b"]
    with pytest.raises(ValueError, match=r"no score_embeddings.*metric='cosine'"):
        recording_scores(EncoderOnly(), X, rec, fusion="embedding")
    scores, _, _ = recording_scores(EncoderOnly(), X, rec, fusion="embedding", metric="cosine")
    np.testing.assert_allclose(scores[0, 1], 2**-0.5)


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [
        (("cosine", np.eye(2), [0, 1]), {}, ValueError, "got the string 'cosine'"),
        ((42, np.eye(2), [0, 1]), {}, TypeError, "similarity must be a fitted estimator"),
        ((_PairRows(), np.eye(3), [0, 1]), {}, ValueError, "recordings has 2 entries"),
        ((pearson, np.eye(3), [0, 1, 1]), dict(fusion="max"), ValueError, "fusion must be"),
        ((pearson, np.eye(3), [0, 1, 1]), dict(metric="euclidean"), ValueError, "metric must be"),
        (("precomputed", np.eye(3), [0, 1, 1]), dict(fusion="embedding"), ValueError,
         "needs the segments, not precomputed"),
        (("precomputed", np.ones((3, 2)), [0, 1, 1]), {}, ValueError, "not square"),
        ((pearson, np.eye(3), [0, 1]), {}, ValueError, "recordings has 2 entries"),
        ((pearson, np.eye(3), [0, 1, 1], np.eye(3)), {}, ValueError, "give Y and recordings_Y"),
        ((lambda A, B: A[:, :1], np.eye(3), [0, 1, 1]), {}, ValueError, r"must have shape \(3, 3\)"),
    ],
)
def test_recording_scores_errors(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        recording_scores(*args, **kwargs)


def test_level_is_checked():
    with pytest.raises(ValueError, match="level must be 'recording'"):
        verification_scores(pearson, np.eye(4), [0, 0, 1, 1], [0, 1, 2, 3], level="beat")
    with pytest.raises(ValueError, match="groups has 4 entries but X has 3"):
        identification_accuracy(pearson, np.eye(3), [0, 0, 1, 1], [0, 1, 2, 3])


# -- a real Siamese network ----------------------------------------------------------


@pytest.mark.slow
def test_siamese_head_on_embeddings_and_fusion(segments):
    from sklearn_ecg.neural import SiameseSimilarityRegressor

    X, groups, recordings = segments
    X_pairs, y, _ = make_pairs(X, groups, n_pairs=64, random_state=0)
    model = SiameseSimilarityRegressor(epochs=1, random_state=0, **TINY_SIAMESE).fit(X_pairs, y)
    np.testing.assert_allclose(model.score_embeddings(model.embed(X[:5]), model.embed(X[5:9])),
                               model.score_pairs(X[:5], X[5:9]), rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="embedding_dim"):
        model.score_embeddings(np.ones((2, 3)))
    for fusion, metric in [("score", None), ("embedding", None), ("embedding", "cosine")]:
        scores, _, _ = recording_scores(model, X, recordings, fusion=fusion, metric=metric)
        assert scores.shape == (30, 30) and np.all(np.isfinite(scores))
        top1 = identification_accuracy(model, X, groups, recordings, fusion=fusion, metric=metric)
        assert 0.0 <= top1 <= 1.0
    # Symmetric head: a recording scored against another, either way round.
    scores, _, _ = recording_scores(model, X, recordings, fusion="embedding")
    np.testing.assert_allclose(scores, scores.T, atol=1e-5)


# -- the pictures --------------------------------------------------------------------


def test_det_display_draws_normal_deviates_and_the_eer(plt):
    from sklearn_ecg.inspection import VerificationDetDisplay

    rng = np.random.default_rng(0)
    same = np.repeat([1, 0], 300)
    scores = rng.normal(1.5 * same)
    disp = VerificationDetDisplay.from_predictions(same, scores, name="model")
    fmr, fnmr, _ = det_curve(same, scores)
    eps = np.finfo(float).eps
    np.testing.assert_allclose(disp.line_.get_xdata(), norm.ppf(np.clip(fmr, eps, 1 - eps)))
    np.testing.assert_allclose(disp.line_.get_ydata(), norm.ppf(np.clip(fnmr, eps, 1 - eps)))
    assert disp.eer == pytest.approx(equal_error_rate(same, scores))
    x, y = disp.eer_point_.get_xdata()[0], disp.eer_point_.get_ydata()[0]
    assert x == y == pytest.approx(norm.ppf(disp.eer))
    # Ticks at the normal deviates of round rates, labelled as rates.
    ticks = {t.get_text(): v for t, v in zip(disp.ax_.get_xticklabels(), disp.ax_.get_xticks())}
    assert ticks["1%"] == pytest.approx(norm.ppf(0.01))
    assert ticks["50%"] == pytest.approx(0.0)
    assert "false match rate" in disp.ax_.get_xlabel()
    assert "false non-match rate" in disp.ax_.get_ylabel()
    assert "EER" in disp.ax_.get_legend().get_texts()[0].get_text()
    # A second curve on the same axes.
    again = VerificationDetDisplay.from_predictions(same, -scores, name="reversed", ax=disp.ax_)
    assert again.ax_ is disp.ax_ and len(disp.ax_.get_legend().get_texts()) == 2


def test_det_display_from_estimator(plt):
    from sklearn_ecg.inspection import VerificationDetDisplay

    class Dot:
        def predict(self, X):
            return np.sum(X[:, :2] * X[:, 2:], axis=1)

    X = np.array([[1, 0, 1, 0], [1, 0, 0, 1], [0, 1, 0, 1], [0, 1, 1, 0.0]])
    disp = VerificationDetDisplay.from_estimator(Dot(), X, [1, 0, 1, 0])
    assert disp.name == "Dot" and disp.eer == 0.0
    with pytest.raises(ValueError, match="both same-person"):
        VerificationDetDisplay.from_predictions([1, 1], [0.1, 0.2])


def test_group_means_of_the_jacket_channels_and_activities(plt):
    from sklearn_ecg.datasets import GARMENT_ACTIVITIES, load_garment_sample
    from sklearn_ecg.inspection import SimilarityMatrixDisplay

    segs, channel, activity = [], [], []
    for name in GARMENT_ACTIVITIES:
        frame = load_garment_sample(name)
        for column in frame.columns:
            signal = frame[column].to_numpy()
            signal = np.nan_to_num(signal, nan=np.nanmean(signal))
            windows = signal[: 4 * 1000].reshape(4, 1000)  # four 2-s windows
            segs.append(windows)
            channel += [column] * 4
            activity += [name] * 4
    S = np.corrcoef(np.vstack(segs))
    channel, activity = np.array(channel), np.array(activity)
    disp = SimilarityMatrixDisplay.from_group_means(
        S, channel, within=activity, group_name="channel", similarity_name="Pearson r")
    assert disp.similarity.shape == (5, 5)
    assert [t.get_text() for t in disp.ax_.get_xticklabels()] == [f"ecg{k}" for k in range(1, 6)]
    assert disp.ax_.get_xlabel() == disp.ax_.get_ylabel() == "channel"
    assert disp.ax_.get_title() == "Mean Pearson r of segments, by channel"
    assert disp.colorbar_.ax.get_ylabel() == "mean Pearson r"
    assert disp.text_[0, 1].get_text() == f"{disp.similarity[0, 1]:.2f}"
    # The cell ecg1/ecg2 is the mean over pairs of one activity, by hand.
    mask = (channel[:, None] == "ecg1") & (channel[None] == "ecg2")
    mask &= activity[:, None] == activity[None]
    assert disp.similarity[0, 1] == pytest.approx(S[mask].mean())
    # Within a group, a segment is never paired with itself.
    mask = (channel[:, None] == "ecg1") & (channel[None] == "ecg1")
    mask &= (activity[:, None] == activity[None]) & ~np.eye(len(S), dtype=bool)
    assert disp.similarity[0, 0] == pytest.approx(S[mask].mean())

    acts = list(GARMENT_ACTIVITIES)
    disp = SimilarityMatrixDisplay.from_group_means(
        S, activity, within=channel, labels=acts, group_name="activity",
        title="How alike the four activities are")
    assert disp.similarity.shape == (4, 4)
    assert [t.get_text() for t in disp.ax_.get_yticklabels()] == acts
    assert disp.ax_.get_title() == "How alike the four activities are"
    with pytest.raises(ValueError, match="not in groups"):
        SimilarityMatrixDisplay.from_group_means(S, activity, labels=["sitting", "running"])


def test_a_model_of_pair_rows_takes_part_in_every_protocol(segments, plt):
    from sklearn_ecg.inspection import SimilarityMatrixDisplay

    X, groups, recordings = segments
    X = X[:30]
    groups, recordings = groups[:30], recordings[:30]
    full = -np.abs(X[:, None, :] - X[None, :, :]).sum(axis=2)
    scores, recs, _ = recording_scores(_PairRows(), X, recordings)
    codes = np.searchsorted(recs, recordings)
    k = len(recs)
    by_hand = np.array([[full[np.ix_(codes == a, codes == b)].mean() for b in range(k)]
                        for a in range(k)])
    np.testing.assert_allclose(scores, by_hand, rtol=1e-12)
    _, pair_scores = verification_scores(_PairRows(), X, groups, recordings, level="segment",
                                            n_pairs=20, random_state=0)
    pairs, _ = verification_pairs(groups, recordings, n_pairs=20, random_state=0)
    np.testing.assert_allclose(pair_scores, full[pairs[:, 0], pairs[:, 1]], rtol=1e-12)
    disp = SimilarityMatrixDisplay.from_estimator(_PairRows(), X, groups)
    np.testing.assert_allclose(disp.similarity, full, rtol=1e-12)


def test_group_mean_scores_by_hand():
    scores = np.array([[1.0, 0.8, 0.1, 0.4],
                       [0.8, 1.0, 0.3, np.nan],
                       [0.1, 0.3, 1.0, 0.6],
                       [0.4, np.nan, 0.6, 1.0]])
    means, labels = group_mean_scores(scores, ["a", "a", "b", "b"])
    assert labels.tolist() == ["a", "b"]
    # a segment never with itself; NaN scores left out
    np.testing.assert_allclose(means, [[0.8, (0.1 + 0.4 + 0.3) / 3], [(0.1 + 0.4 + 0.3) / 3, 0.6]])
    means, labels = group_mean_scores(scores, ["a", "a", "b", "b"], within=[0, 1, 0, 1],
                                      labels=["b", "a"])
    assert labels.tolist() == ["b", "a"]
    np.testing.assert_allclose(means, [[np.nan, 0.1], [0.1, np.nan]])
    with pytest.raises(ValueError, match="scores must be a square matrix"):
        group_mean_scores(np.ones((2, 3)), [0, 1])
    with pytest.raises(ValueError, match="not in groups"):
        group_mean_scores(scores, [0, 0, 1, 1], labels=[2])


def test_matrix_display_keeps_its_old_labels(plt):
    from sklearn_ecg.inspection import SimilarityMatrixDisplay

    disp = SimilarityMatrixDisplay.from_matrix(np.eye(4), ["a", "a", "b", "b"])
    assert disp.ax_.get_xlabel() == "segments by person" and disp.text_ is None


@pytest.mark.slow
def test_a_short_fit_with_defaults_beats_the_shift_invariant_baseline(ecgid_sample):
    """Issue 11: defaults, 3,000 pairs, 4 epochs, 2-s raw windows of persons never seen.

    The learned similarity must beat the maximum normalised cross-correlation,
    which needs no training and does not care where the beats fall in a window.
    """
    from sklearn.metrics import roc_auc_score

    from sklearn_ecg.metrics import max_cross_correlation
    from sklearn_ecg.neural import SiameseSimilarityRegressor

    seg = make_segments(ecgid_sample, kind="window", window=2.0, step=1.0)
    X = (seg.X - seg.X.mean(axis=1, keepdims=True)) / seg.X.std(axis=1, keepdims=True)
    groups, recordings = np.asarray(seg.groups), np.asarray(seg.record)
    persons = np.unique(groups)
    unseen = np.isin(groups, np.random.default_rng(0).choice(persons, len(persons) // 2,
                                                             replace=False))
    X_pairs, y, _ = make_pairs(X[~unseen], groups[~unseen], n_pairs=3000, random_state=0)
    model = SiameseSimilarityRegressor(epochs=4, random_state=0).fit(X_pairs, y)
    auc = {}
    for name, similarity in [("siamese", model), ("max_xcorr", max_cross_correlation)]:
        same, scores = verification_scores(similarity, X[unseen], groups[unseen],
                                           recordings[unseen], level="segment",
                                           n_pairs=2000, random_state=0)
        auc[name] = roc_auc_score(same, scores)
    assert auc["siamese"] > auc["max_xcorr"] + 0.05, auc
