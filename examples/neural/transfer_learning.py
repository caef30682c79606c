"""
=====================================================================
Transfer learning: reuse a trained beat encoder for a new, small task
=====================================================================

The original CNN beat classifier was pretrained on arrhythmia beats and then
fine-tuned for another task with far fewer labels. Here a network learns the
four AAMI classes on five patients; its convolutional encoder then starts a
second network for a new question (is this beat ventricular?) on a new patient
with only 150 labelled beats. Three ways to train the second network are scored
on two further patients: from scratch, with the pretrained encoder frozen (only
the head learns), and with every layer fine-tuned.

``export_encoder()`` gives a :class:`~sklearn_ecg.neural.PretrainedEncoder`: a
plain object that ``clone`` copies, so it also works inside ``GridSearchCV``.
"""

import os

import numpy as np
from sklearn.metrics import balanced_accuracy_score

from sklearn_ecg import BeatNormalizer, HeartbeatCNNClassifier
from sklearn_ecg.datasets import load_mitdb_sample, make_beat_dataset

# SKLEARN_ECG_EXAMPLE_QUICK=1 (what the test suite sets) runs this example small: one epoch a network.
QUICK = os.environ.get("SKLEARN_ECG_EXAMPLE_QUICK") == "1"
EPOCHS = 1 if QUICK else 5

data = make_beat_dataset(load_mitdb_sample(), beat_length=187, classes=("N", "S", "V", "F"))
X = BeatNormalizer("minmax").fit_transform(data.X)
source = np.isin(data.groups, ["101", "124", "201", "207", "209"])
target = data.groups == "119"
test = np.isin(data.groups, ["208", "223"])

pretrained = HeartbeatCNNClassifier(epochs=EPOCHS, class_weight="balanced", random_state=0)
pretrained.fit(X[source], data.y[source])
encoder = pretrained.export_encoder()
print("pretrained on", source.sum(), "beats of 5 patients:", encoder)

rng = np.random.default_rng(0)
few = rng.choice(np.flatnonzero(target), 150, replace=False)
is_v = np.where(data.y == "V", "ventricular", "other")
for name, params in [
    ("from scratch", {}),
    ("frozen encoder", {"pretrained": encoder, "freeze_encoder": True}),
    ("fine-tuned", {"pretrained": encoder}),
]:
    clf = HeartbeatCNNClassifier(epochs=EPOCHS, class_weight="balanced", random_state=1, **params)
    clf.fit(X[few], is_v[few])
    score = balanced_accuracy_score(is_v[test], clf.predict(X[test]))
    print(f"{name:>15}: balanced accuracy on 2 unseen patients {score:.3f}")
