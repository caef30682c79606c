"""Identification of unseen ECG-ID persons on ContrastiveEncoder embeddings.

The same segments, folds and gallery as ``bench_siamese.py`` (median beats of
5-s windows, 128 samples, z-normalised; 5 folds over persons with
PairGroupKFold; gallery = each test person's first recording, queries = the
segments of their other recordings). In each fold a ContrastiveEncoder
(default network with ``padding="same"``: 128 samples are too short for
``"valid"``) pretrains on the training persons' segments without labels; the test
segments are embedded and named by a 1-nearest-neighbour classifier (cosine
distance) fitted on the gallery. Verification uses the cosine similarity of two
embeddings as the score (pairs of test segments from different recordings).
Beside it, the same on the z-normalised beats themselves (no learning). Compare
with the Siamese network's figures in the README (same folds, same seed).

Usage::

    SKLEARN_ECG_DATA=../shared/data python benchmarks/bench_contrastive_ecgid.py
"""

import argparse
import time

import numpy as np
from _common import fmt
from bench_siamese import gallery_mask, load_ecgid, test_pairs, verification
from sklearn.metrics.pairwise import cosine_similarity
from sklearn.neighbors import KNeighborsClassifier

from sklearn_ecg import ContrastiveEncoder, PairGroupKFold


def knn_top1(Z, seg, idx):
    groups = seg.groups[idx]
    gallery = gallery_mask(seg, idx)
    knn = KNeighborsClassifier(1, metric="cosine").fit(Z[gallery], groups[gallery])
    return knn.score(Z[~gallery], groups[~gallery])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    t0 = time.perf_counter()
    beats, _, n_records = load_ecgid()
    res = {name: {"auc": [], "eer": [], "top1": []}
           for name in ("z-normalised median beats (no learning)", "ContrastiveEncoder embeddings")}
    cv = PairGroupKFold(args.folds, shuffle=True, random_state=args.seed)
    for fold, (train, test) in enumerate(cv.split(beats.X, groups=beats.groups)):
        t = time.perf_counter()
        encoder = ContrastiveEncoder(padding="same", epochs=args.epochs,
                                     random_state=args.seed).fit(beats.X[train])
        features = {
            "z-normalised median beats (no learning)": beats.X[test],
            "ContrastiveEncoder embeddings": encoder.transform(beats.X[test]),
        }
        i, j, same = test_pairs(beats, test)
        for name, Z in features.items():
            auc, eer = verification(cosine_similarity(Z), i, j, same)
            res[name]["auc"].append(auc)
            res[name]["eer"].append(eer)
            res[name]["top1"].append(knn_top1(Z, beats, test))
        print(f"fold {fold + 1}: pretrained {encoder.n_epochs_} epochs on {len(train)} segments "
              f"({time.perf_counter() - t:.0f} s); top-1 "
              + ", ".join(f"{n.split(' ')[0]} {100 * r['top1'][-1]:.1f}%" for n, r in res.items()),
              flush=True)
    print(f"\nECG-ID, {np.unique(beats.groups).size} persons, {n_records} recordings, "
          f"{args.folds} person-disjoint folds; mean ± t 95% CI (%)\n")
    print("| features | ROC AUC (cosine) | EER (cosine) | top-1, 1-NN (cosine) |")
    print("|---|---|---|---|")
    for name, r in res.items():
        print(f"| {name} | {fmt(r['auc'])} | {fmt(r['eer'])} | {fmt(r['top1'])} |")
    print(f"\ntotal {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
