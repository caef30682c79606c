"""The honest benchmark: patient-grouped cross-validation of beat classifiers.

The MIT-BIH records of the data home without the paced ones (102, 104, 107, 217)
are split into 5 folds by patient with PairGroupKFold: no patient has beats on
both sides. Classes N, S, V, F (Q beats left out). In each fold, on the same
beats:

- the CNN on beats alone (187 samples at 125 Hz, min-max);
- the CNN with the five RR-interval features joined to its convolutional features;
- a classical baseline: the RR features plus a few morphology features (R
  amplitude, QRS energy and width proxies, and the beat down-sampled to 12
  points) into a class-balanced logistic regression.

Every model weighs classes inversely to their frequency (``class_weight=
"balanced"``). Each figure is the mean over folds with a t-based 95% confidence
interval. A fold's sensitivity for a class it lacks is left out of that class's mean.

Usage::

    SKLEARN_ECG_DATA=../shared/data python benchmarks/bench_cnn_interpatient.py
"""

import argparse
import time

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from _common import fmt, load_beats
from sklearn_ecg import PairGroupKFold
from sklearn_ecg.metrics import aami_macro_f1, aami_report
from sklearn_ecg.neural import HeartbeatCNNClassifier
from sklearn_ecg.utils import resample_rows

CLASSES = ("N", "S", "V", "F")


def morphology(X):
    """A few hand-made features of min-max beats whose R peak sits at 0.3 s."""
    r = int(round(0.3 * 125))
    qrs = X[:, r - 6 : r + 7]  # +-50 ms around the R peak
    slope = np.abs(np.diff(X, axis=1))
    return np.column_stack([
        X[:, r], qrs.mean(axis=1), qrs.std(axis=1), (qrs > 0.5).sum(axis=1),
        slope[:, r - 6 : r + 7].max(axis=1), X[:, r + 7 : r + 50].mean(axis=1),
        resample_rows(X[:, : r + 50], 12),
    ])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--data-home", default=None)
    args = parser.parse_args(argv)
    data = load_beats(CLASSES, include_paced=False, data_home=args.data_home)
    X_beats_rr = np.hstack([data.X, data.rr])
    X_classic = np.hstack([data.rr, morphology(data.X)])
    print(f"{len(data.y)} beats, {len(set(data.groups))} patients ({' '.join(data.records)}); "
          f"classes {dict(zip(*np.unique(data.y, return_counts=True)))}")
    models = {
        "CNN, beats": lambda seed: (HeartbeatCNNClassifier(
            epochs=args.epochs, patience=3, class_weight="balanced", random_state=seed), data.X),
        "CNN, beats + RR": lambda seed: (HeartbeatCNNClassifier(
            epochs=args.epochs, patience=3, class_weight="balanced", extra_features=5,
            random_state=seed), X_beats_rr),
        "RR + morphology, logistic regression": lambda seed: (make_pipeline(
            StandardScaler(), LogisticRegression(class_weight="balanced", max_iter=3000)), X_classic),
    }
    scores = {name: {"macro_f1": [], **{f"{m}_{c}": [] for c in CLASSES for m in ("se", "ppv")}}
              for name in models}
    cv = PairGroupKFold(args.folds)
    for fold, (train, test) in enumerate(cv.split(data.X, data.y, data.groups)):
        patients = sorted(set(data.groups[test]))
        print(f"fold {fold + 1}: test patients {' '.join(patients)} ({len(test)} beats)", flush=True)
        for name, make in models.items():
            model, X = make(fold)
            start = time.perf_counter()
            model.fit(X[train], data.y[train])
            pred = model.predict(X[test])
            report = aami_report(data.y[test], pred, classes=CLASSES)
            s = scores[name]
            s["macro_f1"].append(aami_macro_f1(data.y[test], pred, classes=CLASSES))
            for c in CLASSES:
                s[f"se_{c}"].append(report.loc[c, "sensitivity"])
                s[f"ppv_{c}"].append(report.loc[c, "positive_predictivity"])
            print(f"   {name}: macro-F1 {100 * s['macro_f1'][-1]:.1f}% "
                  f"({time.perf_counter() - start:.0f} s)", flush=True)
    print(f"\nmean ± 95% CI (t, {args.folds} folds), in %\n")
    header = ["model", "macro-F1"] + [f"{m} {c}" for c in CLASSES for m in ("Se", "+P")]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for name, s in scores.items():
        cells = [name, fmt(s["macro_f1"])] + [fmt(s[f"{m}_{c}"]) for c in CLASSES for m in ("se", "ppv")]
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
