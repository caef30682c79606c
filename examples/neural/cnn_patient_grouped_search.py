"""
================================================================================
Heartbeat classification with a CNN: patient-grouped search and a saved pipeline
================================================================================

Beats from the bundled MIT-BIH excerpts go through a Pipeline of
:class:`~sklearn_ecg.BeatNormalizer` (resampling to 187 samples, min-max to
[0, 1]) and :class:`~sklearn_ecg.HeartbeatCNNClassifier`. ``GridSearchCV`` tunes
the dense head on folds that never share a patient
(:class:`~sklearn_ecg.PairGroupKFold`), scoring macro-F1 over the AAMI classes;
the refitted pipeline is saved with joblib, loaded back and scored per class with
the sensitivity and positive predictivity the arrhythmia literature reports.

Eight patients and a few epochs keep this example to a minute: the figures say
how to use the estimator, not how well it classifies (``benchmarks/README.md``
measures that).
"""

import os
import tempfile
from pathlib import Path

import joblib
import numpy as np
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from sklearn_ecg import BeatNormalizer, HeartbeatCNNClassifier, PairGroupKFold
from sklearn_ecg.datasets import load_mitdb_sample, make_beat_dataset
from sklearn_ecg.metrics import aami_macro_f1_scorer, aami_report

# SKLEARN_ECG_EXAMPLE_QUICK=1 (what the test suite sets) runs this example small: one epoch a network,
# on every fourth normal training beat (and every other one).
QUICK = os.environ.get("SKLEARN_ECG_EXAMPLE_QUICK") == "1"
EPOCHS = 1 if QUICK else 4

data = make_beat_dataset(load_mitdb_sample(), before=0.25, after=0.45,
                         classes=("N", "S", "V", "F"))
test = np.isin(data.groups, ["208", "223"])  # two patients kept for the end
train = ~test & ((data.y != "N") | (np.arange(len(data.y)) % (4 if QUICK else 1) == 0))
print(f"{train.sum()} training beats from {len(set(data.groups[train]))} patients")

pipe = make_pipeline(
    BeatNormalizer("minmax", beat_length=187),
    HeartbeatCNNClassifier(epochs=EPOCHS, class_weight="balanced", random_state=0),
)
search = GridSearchCV(
    pipe,
    {"heartbeatcnnclassifier__dense_units": [(32,), (64, 64)]},
    scoring=aami_macro_f1_scorer,
    cv=PairGroupKFold(3),
)
search.fit(data.X[train], data.y[train], groups=data.groups[train])
print("best head:", search.best_params_, f"macro-F1 on held-out patients {search.best_score_:.3f}")

path = Path(tempfile.mkdtemp()) / "beat_classifier.joblib"
joblib.dump(search.best_estimator_, path)
loaded = joblib.load(path)
pred = loaded.predict(data.X[test])
assert np.array_equal(pred, search.best_estimator_.predict(data.X[test]))
print(f"\nreloaded from {path.name}; on patients 208 and 223, never seen:")
print((100 * aami_report(data.y[test], pred)).round(1).to_string())
