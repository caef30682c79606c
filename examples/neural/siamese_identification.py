"""
=====================================================================
Same person or not? A trained Siamese network, and identification
=====================================================================

:class:`~sklearn_ecg.neural.SiameseSimilarityRegressor` learns how alike two ECG
segments are: one encoder, with one set of weights, embeds both segments of a
pair and a symmetric head scores them. Here the segments are median beats of
5-s windows of the ECG-ID recordings bundled with the package (10 persons,
3 recordings each). The network learns on pairs of 6 persons and is judged on
the 4 others, whom it has never seen, beside a baseline with no learning
(Pearson correlation of the median beats):

- verification: the equal error rate of the scores on pairs of windows from
  different recordings;
- identification: the embeddings of one recording per person form a gallery;
  a 1-nearest-neighbour classifier names the person of every other window;
- the same at the level of recordings: the four windows of a recording are
  fused, by averaging their scores or their embeddings.

The bundled sample is tiny; ``benchmarks/bench_siamese.py`` runs the same
comparison on the 60 persons of a full data home with 5 person-disjoint folds.
"""

import os

import numpy as np
from sklearn.metrics import roc_auc_score
from sklearn.neighbors import KNeighborsClassifier

from sklearn_ecg import BeatNormalizer, PairGroupKFold, make_pairs
from sklearn_ecg.datasets import load_ecgid_sample, make_segments
from sklearn_ecg.metrics import equal_error_rate
from sklearn_ecg.model_selection import gallery_query_split, identification_accuracy, verification_scores
from sklearn_ecg.neural import SiameseSimilarityRegressor

# SKLEARN_ECG_EXAMPLE_QUICK=1 (what the test suite sets) runs this example small: one epoch on 500 pairs.
QUICK = os.environ.get("SKLEARN_ECG_EXAMPLE_QUICK") == "1"
EPOCHS = 1 if QUICK else 15
N_PAIRS = 500 if QUICK else 3000

# %%
# Segments: one median beat per 5-s window, z-normalised
seg = make_segments(load_ecgid_sample(), window=5.0, segment_length=96)
X = BeatNormalizer("zscore").fit_transform(seg.X)
print(f"{len(X)} segments of {X.shape[1]} samples from {len(set(seg.groups))} persons")

# %%
# Persons, not segments, are split: nobody of the test side was seen in training
train, test = next(PairGroupKFold(n_splits=3, shuffle=True, random_state=0).split(X, groups=seg.groups))
print(f"train persons {sorted(set(seg.groups[train].tolist()))}, "
      f"test persons {sorted(set(seg.groups[test].tolist()))}")
X_pairs, y, _ = make_pairs(X[train], seg.groups[train], n_pairs=N_PAIRS, random_state=0)
model = SiameseSimilarityRegressor(bound_output=True, epochs=EPOCHS, random_state=0)
model.fit(X_pairs, y)
print(f"trained {model.n_epochs_} epochs on {len(y)} pairs ({model.encoder_} encoder)")

# %%
# Verification on the unseen persons: pairs of windows from different recordings
# (two windows of one recording, seconds apart, would be too easy to match).


def pearson(A, B):
    """Pearson correlation of every segment of A with every segment of B."""
    return np.corrcoef(A, B)[: len(A), len(A):]


similarities = {"Pearson r (no learning)": pearson, "Siamese network": model}
persons, recordings = seg.groups[test], seg.record[test]
for name, similarity in similarities.items():
    same, s = verification_scores(similarity, X[test], persons, recordings, level="segment")
    print(f"{name:>24}: ROC AUC {roc_auc_score(same, s):.3f}, "
          f"EER {100 * equal_error_rate(same, s):.1f}%")
print(f"on {same.size} test pairs, {same.sum()} of the same person")

# The score is symmetric: swapping the two segments of a pair changes nothing.
d = X.shape[1]
swapped = np.hstack([X_pairs[:, d:], X_pairs[:, :d]])
print(f"largest change when left and right are swapped: "
      f"{np.abs(model.predict(X_pairs) - model.predict(swapped)).max():.1e}")

# %%
# Identification: a gallery of one recording per unseen person
gallery, query = gallery_query_split(persons, recordings)  # the first recording enrols
embeddings = model.embed(X[test])
knn = KNeighborsClassifier(n_neighbors=1).fit(embeddings[gallery], persons[gallery])
print(f"\nidentification of {query.size} windows against a gallery of "
      f"{np.unique(persons).size} persons: top-1 accuracy (1-NN on the embeddings) "
      f"{knn.score(embeddings[query], persons[query]):.2f}")

# %%
# Recordings, not windows
# -----------------------
# A user compares recordings. Fusing the windows of each recording, by the mean
# of their scores or by the score of their mean embedding (for Pearson r, of the
# mean beat), gives one score per pair of recordings, and names each later
# recording by the enrolled person it is most alike.
for name, similarity in similarities.items():
    for fusion in ("score", "embedding"):
        same, s = verification_scores(similarity, X[test], persons, recordings, fusion=fusion)
        top1 = identification_accuracy(similarity, X[test], persons, recordings, fusion=fusion)
        print(f"{name:>24}, fused by {fusion:>9}: EER {100 * equal_error_rate(same, s):4.1f}% "
              f"on {same.size} pairs of recordings, top-1 identification {top1:.2f}")
