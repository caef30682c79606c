"""
=====================================================
Why heartbeats must be split by patient
=====================================================

A beat classifier evaluated with beats of the same patient on both sides of the
split learns that patient's beat shapes, not arrhythmias: its score says little
about a new patient. This example builds a labelled beat dataset from the bundled
MIT-BIH excerpts, then scores the same pipeline twice: with a shuffled
``StratifiedKFold`` over beats (patients leak) and with
:class:`~sklearn_ecg.PairGroupKFold` over patients (no leak), and finally tunes it
with ``GridSearchCV`` on patient-grouped folds.
"""

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_ecg import BeatNormalizer, PairGroupKFold
from sklearn_ecg.datasets import load_mitdb_sample, make_beat_dataset

data = make_beat_dataset(load_mitdb_sample(), beat_length=90, classes=("N", "S", "V", "F"))
X = np.hstack([data.X, data.rr])
n_beat = data.X.shape[1]
print(f"{len(data.y)} beats from {len(set(data.groups))} patients; classes:",
      dict(zip(*np.unique(data.y, return_counts=True))))

model = make_pipeline(
    ColumnTransformer([
        ("beat", BeatNormalizer("zscore", beat_length=30), slice(0, n_beat)),
        ("rr", StandardScaler(), slice(n_beat, None)),
    ]),
    LogisticRegression(class_weight="balanced", max_iter=1000),
)

leaky = cross_val_score(model, X, data.y, cv=StratifiedKFold(4, shuffle=True, random_state=0),
                        scoring="f1_macro")
honest = cross_val_score(model, X, data.y, groups=data.groups, cv=PairGroupKFold(4),
                         scoring="f1_macro")
print(f"macro-F1, beats split at random (patients on both sides): {leaky.mean():.3f}")
print(f"macro-F1, patients split (no patient on both sides):      {honest.mean():.3f}")

search = GridSearchCV(model, {"logisticregression__C": [0.01, 1.0]}, scoring="f1_macro",
                      cv=PairGroupKFold(4))
search.fit(X, data.y, groups=data.groups)
print("best C on patient-grouped folds:", search.best_params_["logisticregression__C"],
      f"(macro-F1 {search.best_score_:.3f})")
