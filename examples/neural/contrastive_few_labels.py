"""
=====================================================================
Few labels: pretrain an encoder on unlabelled beats, then classify
=====================================================================

Labelling beats takes a cardiologist; recording them takes nothing. Here a
:class:`~sklearn_ecg.neural.ContrastiveEncoder` learns from the beats of six
patients *without their labels* (SimCLR: two augmented views of each beat are
pulled together, away from the other beats of the batch). Then only one beat in
twenty of those patients is labelled, and three models learn from those few
labels:

- a logistic regression on the pretrained embeddings (a Pipeline of the
  pretrained encoder, wrapped in scikit-learn's ``FrozenEstimator`` so that
  fitting the Pipeline keeps its pretraining, and a ``LogisticRegression``);
- a logistic regression on the normalised beats themselves;
- a :class:`~sklearn_ecg.HeartbeatCNNClassifier` whose convolutional encoder
  starts from the pretrained one (``pretrained=encoder.export_encoder()``).

All three are scored on two patients never seen, by macro-F1 over the AAMI
classes present. Eight short records and a few epochs keep this example to
seconds: the figures show how to use the encoder, not how well it works (see
``benchmarks/bench_contrastive_labels.py`` for that).
"""

import os

import numpy as np
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_ecg import BeatNormalizer, HeartbeatCNNClassifier
from sklearn_ecg.datasets import load_mitdb_sample, make_beat_dataset
from sklearn_ecg.metrics import aami_macro_f1
from sklearn_ecg.neural import ContrastiveEncoder

# SKLEARN_ECG_EXAMPLE_QUICK=1 (what the test suite sets) runs this example small: one epoch a network.
QUICK = os.environ.get("SKLEARN_ECG_EXAMPLE_QUICK") == "1"
PRETRAINING_EPOCHS, EPOCHS = (1, 1) if QUICK else (4, 10)

data = make_beat_dataset(load_mitdb_sample(), before=0.3, after=1.196, beat_length=187,
                         classes=("N", "S", "V", "F"))
X = BeatNormalizer("minmax").fit_transform(data.X)
test = np.isin(data.groups, ["208", "223"])
train = np.flatnonzero(~test)

# 1. Pretraining: every training beat, no label.
encoder = ContrastiveEncoder(
    conv_filters=(16, 32, 64), kernel_size=(5, 3, 3), embedding_dim=32,
    augmentations=("time_warp", "zero_mask", ("noise", {"scale": 0.1})),
    temperature=0.1, epochs=PRETRAINING_EPOCHS, random_state=0,
)
encoder.fit(X[train])
print(f"pretrained on {len(train)} unlabelled beats of 6 patients: NT-Xent loss "
      + " -> ".join(f"{loss:.2f}" for loss in encoder.history_["loss"]))
first, second = encoder.draw_views(X[:1], random_state=0)
print(f"two views of one beat differ by {np.abs(first - second).mean():.3f} on average "
      "(time warp, masked block, noise)")

# 2. Labels for one beat in twenty, drawn per class.
rng = np.random.default_rng(0)
labelled = np.concatenate([
    rng.choice(idx, max(1, len(idx) // 20), replace=False)
    for idx in (train[data.y[train] == c] for c in np.unique(data.y[train]))
])
print(f"\n{len(labelled)} labelled beats:",
      ", ".join(f"{c} {n}" for c, n in zip(*np.unique(data.y[labelled], return_counts=True))))

models = {
    "embeddings + logistic regression": make_pipeline(
        FrozenEstimator(encoder), StandardScaler(),
        LogisticRegression(class_weight="balanced", max_iter=2000)),
    "raw beats + logistic regression": make_pipeline(
        StandardScaler(), LogisticRegression(class_weight="balanced", max_iter=2000)),
    "CNN from the pretrained encoder": HeartbeatCNNClassifier(
        conv_filters=(16, 32, 64), kernel_size=(5, 3, 3), pretrained=encoder.export_encoder(),
        epochs=EPOCHS, batch_size=16, class_weight="balanced", random_state=0),
}
print("\nmacro-F1 over the classes N, S, V, F present, on patients 208 and 223, never seen:")
for name, model in models.items():
    model.fit(X[labelled], data.y[labelled])
    score = aami_macro_f1(data.y[test], model.predict(X[test]))
    print(f"{name:>34}: {score:.3f}")
