"""
=========================================================
Same person or not? ECG pairs and PairGroupKFold
=========================================================

ECG-ID holds several 20-second recordings of each person. Each recording becomes
one median beat (:class:`~sklearn_ecg.RPeakSegmenter` inside a Pipeline keeps one
row per recording); :func:`~sklearn_ecg.make_pairs` pairs recordings of the same
person and of different persons (120 pairs: the 30 recordings make only 60 distinct
ordered same-person pairs, so asking for more would repeat them). A pair row is
``[left | right]`` and carries two patients, so :class:`~sklearn_ecg.PairGroupKFold`
takes 2-D ``groups``: nobody in a test fold was seen in training, and pairs that
would straddle the split are left out (the splitter reports how many). Three folds
of the ten persons leave both kinds of pair in every test fold.
"""

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from sklearn_ecg import BeatNormalizer, PairGroupKFold, RPeakSegmenter, make_pairs
from sklearn_ecg.datasets import load_ecgid_sample

records = load_ecgid_sample()
windows = np.vstack([rec.signal for rec in records])
persons = np.array([rec.subject for rec in records])

embed = make_pipeline(
    RPeakSegmenter(fs=500, before=0.2, after=0.4, beat_length=120, rr_features=False),
    BeatNormalizer("zscore"),
)
beats = embed.fit_transform(windows)
X_pairs, y, pair_groups = make_pairs(beats, persons, n_pairs=120, random_state=0)


def pair_distance(X):
    """Absolute difference of the two halves: symmetric in left and right."""
    left, right = np.split(X, 2, axis=1)
    return np.abs(left - right)


model = make_pipeline(FunctionTransformer(pair_distance), LogisticRegression(max_iter=1000))
cv = PairGroupKFold(n_splits=3)
print("pairs left out per fold (straddling the split):",
      cv.get_n_left_out(X_pairs, y, pair_groups).tolist())
search = GridSearchCV(model, {"logisticregression__C": [0.1, 1.0, 10.0]}, cv=cv, scoring="roc_auc")
search.fit(X_pairs, y, groups=pair_groups)
print(f"ROC AUC on persons never seen in training: {search.best_score_:.3f} "
      f"(C={search.best_params_['logisticregression__C']})")
