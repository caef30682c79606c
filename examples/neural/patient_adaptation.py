"""
==============================================================================
Classifying the beats of a new patient, then adapting to that patient
==============================================================================

A :class:`~sklearn_ecg.HeartbeatCNNClassifier` is trained on six patients of the
bundled MIT-BIH excerpts, with the RR features of
:func:`~sklearn_ecg.datasets.make_beat_dataset` (intervals over the patient's own
mean and running mean RR carry across patients) joined to its convolutional
features. ``fit`` gets the patients as ``groups``, so that early stopping
watches patients the network does not train on; with scikit-learn's metadata
routing the same works inside ``GridSearchCV``.

Two patients are kept apart. For each, AAMI EC57's patient-specific protocol:
the first part of the record is labelled (five minutes of a 30-minute record;
one minute of these five-minute excerpts), :meth:`adapt` fine-tunes a copy of
the classifier on it, and the rest of the record is classified by both. The
original classifier is not changed, so one saved model adapts to every patient.

Eight patients and a few epochs keep this to a minute; the benchmark
``benchmarks/bench_cnn_interpatient.py`` measures both on the 22 patients of
MIT-BIH DS1.
"""

import os

import numpy as np
import sklearn
from sklearn.model_selection import GridSearchCV

from sklearn_ecg import PairGroupKFold
from sklearn_ecg.datasets import load_mitdb_sample, make_beat_dataset
from sklearn_ecg.metrics import aami_macro_f1, aami_macro_f1_scorer
from sklearn_ecg.neural import HeartbeatCNNClassifier
from sklearn_ecg.preprocessing import BeatNormalizer

# SKLEARN_ECG_EXAMPLE_QUICK=1 (what the test suite sets) runs this example small: one epoch a network,
# on every fourth normal training beat, two folds in the search and two epochs of adaptation.
QUICK = os.environ.get("SKLEARN_ECG_EXAMPLE_QUICK") == "1"
EPOCHS = 1 if QUICK else 4
STEP = 4 if QUICK else 1
FOLDS = 2 if QUICK else 3
ADAPT_EPOCHS = 2 if QUICK else 10
LABELLED_SECONDS = 60

records = load_mitdb_sample()
data = make_beat_dataset(records, before=0.3, after=1.196, beat_length=187,
                         classes=("N", "S", "V", "F"))
X = np.hstack([BeatNormalizer("minmax").fit_transform(data.X), data.rr])
n_rr = data.rr.shape[1]
print(f"{len(X)} beats of {len(set(data.groups))} patients, {n_rr} RR features: "
      + ", ".join(data.rr_feature_names[3:]))

new = np.isin(data.groups, ["208", "223"])
train = ~new & ((data.y != "N") | (np.arange(len(X)) % STEP == 0))
clf = HeartbeatCNNClassifier(extra_features=n_rr, epochs=EPOCHS, random_state=0)
clf.fit(X[train], data.y[train], groups=data.groups[train])
print(f"trained {clf.n_epochs_} epochs on {train.sum()} beats of "
      f"{len(set(data.groups[train]))} patients")

# Inside a grid search, groups reach both the splitter and fit.
with sklearn.config_context(enable_metadata_routing=True):
    search = GridSearchCV(
        HeartbeatCNNClassifier(extra_features=n_rr, epochs=1, random_state=0)
        .set_fit_request(groups=True),
        {"dense_units": [(32,), (64, 64)]}, scoring=aami_macro_f1_scorer, cv=PairGroupKFold(FOLDS),
    ).fit(X[train], data.y[train], groups=data.groups[train])
print(f"grid search with routed groups: best dense_units {search.best_params_['dense_units']}")

fs = records[0].fs
for patient in ["208", "223"]:
    rows = data.groups == patient
    labelled = rows & (data.sample < LABELLED_SECONDS * fs)
    rest = rows & ~labelled
    adapted = clf.adapt(X[labelled], data.y[labelled], epochs=ADAPT_EPOCHS)
    before = aami_macro_f1(data.y[rest], clf.predict(X[rest]))
    after = aami_macro_f1(data.y[rest], adapted.predict(X[rest]))
    print(f"patient {patient}: {labelled.sum()} labelled beats, {rest.sum()} classified; "
          f"macro-F1 {before:.3f} unadapted, {after:.3f} adapted")
