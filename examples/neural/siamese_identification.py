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
  a 1-nearest-neighbour classifier names the person of every other window.

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
i, j = np.triu_indices(test.size, k=1)
keep = seg.record[test][i] != seg.record[test][j]
i, j = i[keep], j[keep]
same = (seg.groups[test][i] == seg.groups[test][j]).astype(int)
scores = {
    "Pearson r (no learning)": np.corrcoef(X[test])[i, j],
    "Siamese network": model.score_pairs(X[test])[i, j],
}
print(f"\n{same.size} test pairs, {same.sum()} of the same person")
for name, s in scores.items():
    print(f"{name:>24}: ROC AUC {roc_auc_score(same, s):.3f}, "
          f"EER {100 * equal_error_rate(same, s):.1f}%")

# The score is symmetric: swapping the two segments of a pair changes nothing.
d = X.shape[1]
swapped = np.hstack([X_pairs[:, d:], X_pairs[:, :d]])
print(f"largest change when left and right are swapped: "
      f"{np.abs(model.predict(X_pairs) - model.predict(swapped)).max():.1e}")

# %%
# Identification: a gallery of one recording per unseen person
records = seg.record[test]
first = {g: r for g, r in zip(seg.groups[test][::-1], records[::-1])}  # first recording
gallery = np.array([first[g] == r for g, r in zip(seg.groups[test], records)])
embeddings = model.embed(X[test])
knn = KNeighborsClassifier(n_neighbors=1).fit(embeddings[gallery], seg.groups[test][gallery])
print(f"\nidentification of {np.sum(~gallery)} windows against a gallery of "
      f"{len(first)} persons: top-1 accuracy "
      f"{knn.score(embeddings[~gallery], seg.groups[test][~gallery]):.2f}")
