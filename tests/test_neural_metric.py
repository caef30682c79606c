"""Tests of MetricEncoder (tiny networks, few epochs).

What the Keras estimators share (lazy TensorFlow, tags, seeding, pickling,
warm_start) is in test_keras_common.py.
"""

import numpy as np
import pytest
from _shared import TINY_METRIC as TINY
from sklearn.metrics import roc_auc_score
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_ecg.model_selection import PairGroupKFold, identification_accuracy, verification_scores
from sklearn_ecg.neural import MetricEncoder
from sklearn_ecg.neural._architectures import arcface_loss, batch_hard_triplet_loss


@pytest.mark.slow
@parametrize_with_checks(
    [MetricEncoder(epochs=2, early_stopping=False, augmentations=None, random_state=0, **TINY),
     MetricEncoder(loss="triplet", epochs=2, early_stopping=False, random_state=0, **TINY)],
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


def _keras():
    from sklearn_ecg.neural._keras import import_keras

    return import_keras()


def test_arcface_loss_is_the_margin_on_the_true_class_only():
    keras = _keras()
    cosine = np.array([[0.8, 0.1, -0.2], [0.3, 0.5, 0.0]], dtype="float32")
    y = np.array([0, 2])
    margin, scale = 0.3, 10.0
    got = np.asarray(arcface_loss(keras, 3, margin, scale)(y, cosine))
    logits = scale * cosine.astype(float)
    for i, c in enumerate(y):
        logits[i, c] = scale * np.cos(np.arccos(cosine[i, c]) + margin)
    expected = -(logits[np.arange(2), y] - np.log(np.exp(logits).sum(axis=1)))
    np.testing.assert_allclose(got, expected, rtol=1e-4)
    # Without a margin it is the softmax cross-entropy of the scaled cosines.
    plain = np.asarray(arcface_loss(keras, 3, 1e-9, scale)(y, cosine))
    z = scale * cosine.astype(float)
    np.testing.assert_allclose(plain, -(z[np.arange(2), y] - np.log(np.exp(z).sum(axis=1))),
                               rtol=1e-4)


def test_triplet_loss_mines_the_hardest_pairs_of_the_batch():
    keras = _keras()
    angles = np.array([0.0, 0.6, 0.7, 1.3, 3.0])  # persons a a b b c
    emb = np.column_stack([np.cos(angles), np.sin(angles)]).astype("float32")
    labels = np.array([0, 0, 1, 1, 2])
    margin = 0.2
    got = np.asarray(batch_hard_triplet_loss(keras, margin)(labels, emb))
    d = 1 - emb.astype(float) @ emb.T.astype(float)
    expected = []
    for i in range(5):
        pos = [j for j in range(5) if labels[j] == labels[i] and j != i]
        neg = [j for j in range(5) if labels[j] != labels[i]]
        expected.append(max(d[i, pos].max() - d[i, neg].min() + margin, 0) if pos else 0.0)
    np.testing.assert_allclose(got, expected, atol=1e-6)
    # c has no positive: no loss; the second a is nearer the first b than the first a.
    assert got[4] == 0 and got[1] > 0


@pytest.mark.parametrize("loss", ["arcface", "triplet"])
def test_embeddings_are_unit_and_scores_are_their_cosines(ecgid_segments, loss):
    X = ecgid_segments.X
    enc = MetricEncoder(loss=loss, epochs=2, random_state=0, **TINY).fit(X, ecgid_segments.groups)
    assert enc.encoder_ == "cnn" and enc.classes_.size == 10
    Z = enc.transform(X)
    assert Z.shape == (len(X), TINY["embedding_dim"])
    np.testing.assert_allclose(np.linalg.norm(Z, axis=1), 1.0, atol=1e-6)
    np.testing.assert_allclose(enc.score_pairs(X[:4], X[4:9]), Z[:4] @ Z[4:9].T, atol=1e-6)
    np.testing.assert_allclose(enc.score_embeddings(3 * Z[:4], Z[4:9]), Z[:4] @ Z[4:9].T, atol=1e-6)
    np.testing.assert_array_equal(enc.embed(X[:5]), Z[:5])
    assert enc.get_feature_names_out().tolist()[:2] == ["metricencoder0", "metricencoder1"]
    # The NumPy forward pass embeds alike, without Keras.
    enc.set_params(inference="numpy")
    np.testing.assert_allclose(enc.transform(X), Z, atol=1e-5)


@pytest.mark.slow
@pytest.mark.parametrize("loss", ["arcface", "triplet"])
def test_learns_training_persons_and_helps_on_unseen_ones(ecgid_segments, loss):
    # The bundled sample is small (10 persons, 5 per side): on it, learning shows
    # clearly on the training persons and a little on unseen ones; the benchmark
    # (benchmarks/bench_siamese.py) measures the objectives on all of ECG-ID.
    seg = ecgid_segments
    train, test = next(PairGroupKFold(2, shuffle=True, random_state=0).split(seg.X, groups=seg.groups))
    assert not set(seg.groups[train]) & set(seg.groups[test])

    def auc(model, rows):
        same, scores = verification_scores(model, seg.X[rows], seg.groups[rows], seg.record[rows],
                                           level="segment")
        return roc_auc_score(same, scores)

    params = dict(loss=loss, conv_filters=(16, 32), kernel_size=(7, 5), embedding_dim=16,
                  batch_size=32, early_stopping=False, augmentations=None, random_state=0)
    untrained = MetricEncoder(epochs=1, learning_rate=1e-9, **params).fit(seg.X[train], seg.groups[train])
    trained = MetricEncoder(epochs=30, **params).fit(seg.X[train], seg.groups[train])
    assert auc(trained, train) > 0.95 > auc(untrained, train) + 0.05
    assert auc(trained, test) > auc(untrained, test) + 0.02
    top1 = identification_accuracy(trained, seg.X[test], seg.groups[test], seg.record[test],
                                   level="recording", fusion="embedding", metric="cosine")
    assert top1 > 1 / np.unique(seg.groups[test]).size


def test_errors_name_the_argument(ecgid_segments):
    X, groups = ecgid_segments.X, ecgid_segments.groups
    with pytest.raises(ValueError, match="y has 1 class, one person"):
        MetricEncoder(**TINY).fit(X[:10], np.zeros(10))
    with pytest.raises(ValueError, match="encoder='dense' takes 2-D X"):
        MetricEncoder(encoder="dense", **TINY).fit(np.stack([X, X], axis=-1), groups)
    with pytest.raises(ValueError, match="augmentations: unknown augmentation"):
        MetricEncoder(augmentations=["nope"], **TINY).fit(X, groups)
    enc = MetricEncoder(epochs=1, random_state=0, **TINY).fit(X, groups)
    with pytest.raises(ValueError, match="Y has segments of shape"):
        enc.score_pairs(X, X[:, :32])
    with pytest.raises(ValueError, match="A has embeddings of 3 dimensions"):
        enc.score_embeddings(np.ones((2, 3)))
    warm = MetricEncoder(epochs=1, warm_start=True, random_state=0, **TINY).fit(X, groups)
    with pytest.raises(ValueError, match="warm_start: y has other persons"):
        warm.fit(X, np.where(groups == groups[0], "someone else", groups))
