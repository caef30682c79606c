"""A short fit of SiameseSimilarityRegressor against the shift-invariant baseline.

ECG-ID persons of the data home, 2-s raw windows every second (z-normalised),
persons split in half at random (``--splits`` seeds): each network trains on
3,000 pairs of one half (half of them same-person) for 4 epochs, and every
model scores 2,000 verification pairs of the other half (same person from
different recordings, or different persons; ``verification_scores``). Side by
side: the maximum normalised cross-correlation (no learning, shift-invariant),
the default network and the original's loss (MSE, linear output). ROC AUC per
split and its mean with a t-based 95 % interval.

Usage::

    SKLEARN_ECG_DATA=../shared/data python benchmarks/bench_siamese_short_fit.py
"""

import argparse
import time

import numpy as np
from _common import mean_ci
from sklearn.metrics import roc_auc_score

from sklearn_ecg.datasets import fetch_ecgid, list_ecgid_records, make_segments
from sklearn_ecg.metrics import max_cross_correlation
from sklearn_ecg.model_selection import make_pairs, verification_scores
from sklearn_ecg.neural import SiameseSimilarityRegressor

MODELS = {
    "Siamese, defaults (binary cross-entropy, sigmoid)": dict(),
    "Siamese, the original's loss (MSE, linear output)": dict(loss="mse", bound_output=False),
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-home", default=None)
    parser.add_argument("--splits", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--pairs", type=int, default=3000)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    persons = sorted({person for person, _ in list_ecgid_records(args.data_home)})
    if not persons:
        raise SystemExit("no ECG-ID records found: set SKLEARN_ECG_DATA")
    seg = make_segments(fetch_ecgid(persons, args.data_home, download_if_missing=False),
                        kind="window", window=2.0, step=1.0)
    scale = seg.X.std(axis=1)
    keep = np.isfinite(seg.X).all(axis=1) & (scale > 0)  # flat or gapped windows
    X = (seg.X[keep] - seg.X[keep].mean(axis=1, keepdims=True)) / scale[keep, None]
    groups, recordings = np.asarray(seg.groups)[keep], np.asarray(seg.record)[keep]
    print(f"{len(X)} windows of {X.shape[1]} samples ({int((~keep).sum())} flat or with gaps "
          f"left out), {len(np.unique(groups))} persons", flush=True)
    auc = {"max. normalised cross-correlation (no learning)": [], **{m: [] for m in MODELS}}
    for split in range(args.splits):
        ids = np.unique(groups)
        unseen = np.isin(groups, np.random.default_rng(split).choice(ids, len(ids) // 2,
                                                                     replace=False))
        X_pairs, y, _ = make_pairs(X[~unseen], groups[~unseen], n_pairs=args.pairs,
                                   random_state=split)
        similarities = {"max. normalised cross-correlation (no learning)": max_cross_correlation}
        for name, params in MODELS.items():
            similarities[name] = SiameseSimilarityRegressor(
                epochs=args.epochs, random_state=split, **params).fit(X_pairs, y)
        for name, similarity in similarities.items():
            same, scores = verification_scores(similarity, X[unseen], groups[unseen],
                                               recordings[unseen], level="segment",
                                               n_pairs=2000, random_state=split)
            auc[name].append(roc_auc_score(same, scores))
        print(f"split {split}: " + ", ".join(f"{n.split(' (')[0]} {v[-1]:.3f}" for n, v in auc.items())
              + f"  [{time.perf_counter() - start:.0f} s]", flush=True)
    print(f"\n{args.pairs} training pairs, {args.epochs} epochs, 2,000 test pairs per split, "
          f"{args.splits} splits of the persons in halves\n")
    print("| similarity | ROC AUC per split | mean ± 95% CI |")
    print("|---|---|---|")
    for name, values in auc.items():
        mean, half = mean_ci(values)
        print(f"| {name} | {' / '.join(f'{v:.3f}' for v in values)} | {mean:.3f} ± {half:.3f} |")
    print(f"\nwall time {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
