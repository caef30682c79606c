"""Unseen ECG-ID persons on ContrastiveEncoder embeddings, and the encoder initialising the similarity models.

The raw 2-s windows, folds and scoring of ``bench_siamese.py`` (lead I
filtered, 125 Hz, 250 samples, z-normalised; person-disjoint folds with
PairGroupKFold; verification of pairs from different recordings and top-1
identification against each test person's first recording, at segment and at
recording level). In each fold a ContrastiveEncoder pretrains on the training
persons' windows *without labels*, with the convolutions of the similarity
models (``conv_filters=(16, 32, 64)``, ``kernel_size=(7, 5, 3)``,
``padding="same"``). Side by side, on the test persons:

- the z-normalised windows themselves, scored by cosine (no learning);
- the encoder's embeddings, scored by cosine (no labels used);
- SiameseSimilarityRegressor (defaults) and MetricEncoder (ArcFace), each
  trained from scratch and initialised from the encoder (``pretrained=``),
  same seeds, same training data: paired differences over folds show whether
  the pretraining helps them.

Usage::

    SKLEARN_ECG_DATA=../shared/data python benchmarks/bench_contrastive_ecgid.py
"""

import argparse
import time

import numpy as np
from _common import fmt
from bench_siamese import evaluate, fit_model, load_ecgid
from sklearn.metrics.pairwise import cosine_similarity

from sklearn_ecg import ContrastiveEncoder, PairGroupKFold

ARCHITECTURE = dict(conv_filters=(16, 32, 64), kernel_size=(7, 5, 3), padding="same")
MODELS = {
    "Siamese (defaults)": ("siamese", dict()),
    "MetricEncoder, ArcFace": ("metric", dict(loss="arcface")),
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=30, help="of the similarity models")
    parser.add_argument("--pretrain-epochs", type=int, default=20)
    parser.add_argument("--pairs", type=int, default=10000, help="training pairs per fold (Siamese)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    data, n_records = load_ecgid()
    win = data["windows"]
    persons = np.unique(win.groups)
    rows = ["z-normalised windows, cosine (no learning)", "ContrastiveEncoder embeddings, cosine"]
    rows += [f"{name}, {start}" for name in MODELS for start in ("from scratch", "from the encoder")]
    res = {name: [] for name in rows}
    seconds = {name: 0.0 for name in rows}
    cv = PairGroupKFold(args.folds, shuffle=True, random_state=args.seed)
    for fold, (train_p, test_p) in enumerate(cv.split(persons, groups=persons)):
        train = np.isin(win.groups, persons[train_p])
        test = np.isin(win.groups, persons[test_p])
        g, r = win.groups[test], win.record[test]
        t = time.perf_counter()
        encoder = ContrastiveEncoder(epochs=args.pretrain_epochs, random_state=fold,
                                     **ARCHITECTURE).fit(win.X[train])  # no labels
        pretrained = encoder.export_encoder()
        seconds[rows[1]] += time.perf_counter() - t
        res[rows[0]].append(evaluate(cosine_similarity, win.X[test], g, r, embeddings=False))
        res[rows[1]].append(evaluate(cosine_similarity, encoder.transform(win.X[test]), g, r,
                                     embeddings=False))
        for name, (kind, params) in MODELS.items():
            for start, init in (("from scratch", {}), ("from the encoder", {"pretrained": pretrained})):
                t = time.perf_counter()
                model = fit_model(kind, {**ARCHITECTURE, **params, **init}, win.X[train],
                                  win.groups[train], args, fold)
                res[f"{name}, {start}"].append(evaluate(model, win.X[test], g, r, embeddings=True))
                seconds[f"{name}, {start}"] += time.perf_counter() - t
        print(f"fold {fold + 1}: pretrained {encoder.n_epochs_} epochs on {int(train.sum())} windows; "
              "recording EER (%) " + ", ".join(
                  f"{n} {100 * v[-1]['recording']['eer']:.1f}" for n, v in res.items())
              + f"  [{time.perf_counter() - t0:.0f} s]", flush=True)

    print(f"\nECG-ID, {persons.size} persons, {n_records} recordings, {args.folds} person-disjoint "
          f"folds (seed {args.seed}); mean ± t 95% CI over folds (%)\n")
    print("| features or model | level | ROC AUC | EER | FNMR@FMR1% | top-1 identification | "
          "time per fold (s) |")
    print("|---|---|---|---|---|---|---|")
    for name, folds in res.items():
        for level in folds[0]:
            v = [f[level] for f in folds]
            print(f"| {name} | {level} | {fmt([x['auc'] for x in v])} | {fmt([x['eer'] for x in v])} | "
                  f"{fmt([x['fnmr'] for x in v])} | {fmt([x['top1'] for x in v])} | "
                  f"{seconds[name] / args.folds:.0f} |")
    print("\nPaired differences, initialised from the encoder minus from scratch (points, "
          "mean ± 95% CI over folds):")
    for name in MODELS:
        a, b = res[f"{name}, from the encoder"], res[f"{name}, from scratch"]
        for level in a[0]:
            print(f"- {name}, {level}: EER " + fmt([x[level]["eer"] - y[level]["eer"] for x, y in zip(a, b)])
                  + ", top-1 " + fmt([x[level]["top1"] - y[level]["top1"] for x, y in zip(a, b)]))
    base, emb = res[rows[0]], res[rows[1]]
    print("- ContrastiveEncoder embeddings minus the windows themselves, top-1: "
          + ", ".join(f"{level} " + fmt([x[level]["top1"] - y[level]["top1"] for x, y in zip(emb, base)])
                      for level in base[0]))
    print(f"\ntotal {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
