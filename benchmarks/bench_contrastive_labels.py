"""Label efficiency of contrastive pretraining, patient-grouped, and fine-tuning from it.

The MIT-BIH records of the data home without the paced ones (102, 104, 107, 217)
are split into folds by patient with PairGroupKFold: no patient has beats on both
sides. Classes N, S, V, F (Q beats left out); beats of 187 samples at 125 Hz,
min-max normalised, as in ``bench_cnn_interpatient.py``.

In each fold the training beats are first thinned to at most
``--max-beats-per-record`` per record, picked at random (0 keeps them all): this
is the fold's training pool, so that the run fits in minutes on two cores. Then:

1. a :class:`~sklearn_ecg.neural.ContrastiveEncoder` is pretrained on the whole
   pool *without labels*, once for each kind of positives (``--positives``):
   another augmentation of the beat (SimCLR) and the previous or next beat of
   its record (CLOCS's temporal positives), each augmented;
2. for each labelled fraction (1%, 10%, 100% of the pool, drawn stratified by
   class with at least one beat of every class the pool holds, nested so that
   the 1% are among the 10%), on the same labelled beats, side by side:

   - "contrastive + LR": a logistic regression on the pretrained embeddings;
   - "raw beats + LR": a logistic regression on the normalised beats themselves;
   - "CNN from scratch": :class:`~sklearn_ecg.neural.HeartbeatCNNClassifier`;
   - "CNN fine-tuned": the same classifier, its convolutional encoder
     initialised from the contrastive encoder (``pretrained=``), all layers
     trained (benchmark item 2: fine-tuning against from scratch, same folds,
     same seeds).

Every model weighs classes inversely to their frequency. The score is the macro
F1 over N, S, V and F (:func:`sklearn_ecg.metrics.aami_macro_f1`) on *all* beats
of the fold's test patients; each figure is the mean over folds (of every seed,
``--seeds``, the patients shuffled into folds by each) with a t-based 95%
confidence interval, and the pretrained routes are also given as paired
differences from their references (the linear probe from the logistic
regression on raw beats, the fine-tuned CNN from the CNN from scratch).

Usage::

    SKLEARN_ECG_DATA=../shared/data python benchmarks/bench_contrastive_labels.py \\
        [--folds 5] [--max-beats-per-record 400] [--pretrain-epochs 10] [--epochs 20]
"""

import argparse
import shlex
import sys
import time
from pathlib import Path

import numpy as np
from _common import fmt, load_beats
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_ecg import PairGroupKFold
from sklearn_ecg.metrics import aami_macro_f1
from sklearn_ecg.neural import ContrastiveEncoder, HeartbeatCNNClassifier

CLASSES = ("N", "S", "V", "F")
MODELS = ("contrastive + LR", "raw beats + LR", "CNN from scratch", "CNN fine-tuned")
#: The encoder has the classifier's default convolutions, so that it can initialise it.
CNN_ARCHITECTURE = {k: HeartbeatCNNClassifier().get_params()[k]
                    for k in ("conv_filters", "kernel_size", "padding")}
#: The models that depend on the pretraining, one row per kind of positives.
PRETRAINED = ("contrastive + LR", "CNN fine-tuned")


def thin(train, records, max_per_record, rng):
    """At most ``max_per_record`` random beats of each record among ``train``."""
    if not max_per_record:
        return train
    keep = []
    for record in np.unique(records[train]):
        beats = train[records[train] == record]
        keep.append(rng.choice(beats, min(max_per_record, beats.size), replace=False))
    return np.sort(np.concatenate(keep))


def nested_fractions(y, fractions, rng):
    """Index sets of each fraction of ``y``, stratified, nested, at least one per class."""
    order = {}
    for c in np.unique(y):
        order[c] = rng.permutation(np.flatnonzero(y == c))
    subsets = {}
    for fraction in fractions:
        picked = [idx[: max(1, int(round(fraction * idx.size)))] for idx in order.values()]
        subsets[fraction] = np.sort(np.concatenate(picked))
    return subsets


def parse_augmentation(text):
    """``noise`` or ``noise:scale=0.2,p=0.5`` -> a name or a (name, params) pair."""
    name, _, rest = text.partition(":")
    if not rest:
        return name
    params = {}
    for item in rest.split(","):
        key, _, value = item.partition("=")
        params[key] = int(value) if value.isdigit() else float(value)
    return (name, params)


def counts(y):
    return ", ".join(f"{c} {n}" for c, n in zip(*np.unique(y, return_counts=True)))


def cnn_batch_size(n_labelled, min_steps):
    """Batches of 256 beats, smaller for few labels so that an epoch has ``min_steps`` steps."""
    return int(min(256, max(16, n_labelled // min_steps)))


def logistic_regression():
    return make_pipeline(StandardScaler(), LogisticRegression(class_weight="balanced", max_iter=3000))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--max-folds", type=int, default=None,
                        help="run only the first folds (for a quick look)")
    parser.add_argument("--max-beats-per-record", type=int, default=400,
                        help="training beats kept per record (0: all)")
    parser.add_argument("--fractions", type=float, nargs="+", default=[0.01, 0.1, 1.0])
    parser.add_argument("--pretrain-epochs", type=int, default=10)
    parser.add_argument("--epochs", type=int, default=20, help="maximum epochs of the CNNs")
    parser.add_argument("--temperature", type=float, default=0.1)
    parser.add_argument("--embedding-dim", type=int, default=64, help="0: the pooled features")
    parser.add_argument("--augmentations", nargs="+", default=["time_warp", "zero_mask", "noise"],
                        help="names, or name:key=value,... (e.g. noise:scale=0.2)")
    parser.add_argument("--batch-size", type=int, default=256, help="of the pretraining")
    parser.add_argument("--cnn-min-steps", type=int, default=10,
                        help="the CNNs' batches shrink (to 16 at least) for this many steps per epoch")
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=MODELS)
    parser.add_argument("--positives", nargs="+", default=["augment", "adjacent"],
                        choices=["augment", "adjacent"],
                        help="the encoder's positives, one pretraining each: another augmentation "
                             "of the beat (SimCLR) or the next or previous beat of its record (CLOCS)")
    parser.add_argument("--seeds", type=int, default=1,
                        help="repetitions of the folds, the patients shuffled by each seed")
    parser.add_argument("--data-home", default=None)
    parser.add_argument("--output", default=str(Path(__file__).parent / "results" / "contrastive_labels.txt"))
    args = parser.parse_args(argv)

    data = load_beats(CLASSES, include_paced=False, data_home=args.data_home)
    records = np.asarray(data.record)
    fractions = sorted(args.fractions)
    augmentations = tuple(parse_augmentation(a) for a in args.augmentations)
    header = (f"{len(data.y)} beats, {len(set(data.groups))} patients; classes "
              f"{counts(data.y)}; at most "
              f"{args.max_beats_per_record or 'all'} training beats per record; pretraining "
              f"{args.pretrain_epochs} epochs (temperature {args.temperature}, embedding "
              f"{args.embedding_dim or 'pooled'}, batch {args.batch_size}, "
              f"{' + '.join(args.augmentations)}); "
              f"CNNs up to {args.epochs} epochs with early stopping, batches of "
              f"min(256, max(16, n / {args.cnn_min_steps})) beats")
    print(header, flush=True)
    rows = []
    for name in (m for m in MODELS if m in args.models):
        rows += [f"{name} ({p})" for p in args.positives] if name in PRETRAINED else [name]
    scores = {(row, f): [] for row in rows for f in fractions}
    seconds = {name: 0.0 for name in (*(f"pretraining ({p})" for p in args.positives), *rows)}
    start_all = time.perf_counter()
    for seed in range(args.seeds):
        cv = PairGroupKFold(args.folds, shuffle=args.seeds > 1, random_state=seed if args.seeds > 1 else None)
        for fold, (train, test) in enumerate(cv.split(data.X, data.y, data.groups)):
            if args.max_folds is not None and fold >= args.max_folds:
                break
            split_seed = fold + 100 * seed
            rng = np.random.default_rng(split_seed)
            pool = thin(train, records, args.max_beats_per_record, rng)
            subsets = nested_fractions(data.y[pool], fractions, rng)
            print(f"seed {seed} fold {fold + 1}: test patients {' '.join(sorted(set(data.groups[test])))} "
                  f"({len(test)} beats); pool {len(pool)} beats ({counts(data.y[pool])})", flush=True)
            embedded, pretrained = {}, {}
            for positives in args.positives:
                start = time.perf_counter()
                metadata = {} if positives == "augment" else dict(
                    record=records[pool], start=np.asarray(data.sample)[pool])
                encoder = ContrastiveEncoder(
                    epochs=args.pretrain_epochs, temperature=args.temperature,
                    embedding_dim=args.embedding_dim or None, augmentations=augmentations,
                    batch_size=args.batch_size, positives=positives, random_state=split_seed,
                    **CNN_ARCHITECTURE,
                ).fit(data.X[pool], **metadata)  # no labels
                embedded[positives] = encoder.transform(data.X[pool]), encoder.transform(data.X[test])
                pretrained[positives] = encoder.export_encoder()
                seconds[f"pretraining ({positives})"] += time.perf_counter() - start
                print(f"   pretrained ({positives}): loss {encoder.history_['loss'][0]:.3f} -> "
                      f"{encoder.history_['loss'][-1]:.3f} ({time.perf_counter() - start:.0f} s)",
                      flush=True)

            for fraction in fractions:
                labelled = pool[subsets[fraction]]
                y = data.y[labelled]
                cnn = dict(epochs=args.epochs, patience=3, class_weight="balanced",
                           random_state=split_seed,
                           batch_size=cnn_batch_size(len(labelled), args.cnn_min_steps))
                line = []
                for row in rows:
                    name, _, positives = row.partition(" (")
                    positives = positives.rstrip(")")
                    if name == "contrastive + LR":
                        Z_pool, Z_test = embedded[positives]
                        model, X_fit, X_test = logistic_regression(), Z_pool[subsets[fraction]], Z_test
                    elif name == "raw beats + LR":
                        model, X_fit, X_test = logistic_regression(), data.X[labelled], data.X[test]
                    elif name == "CNN from scratch":
                        model = HeartbeatCNNClassifier(**cnn)
                        X_fit, X_test = data.X[labelled], data.X[test]
                    else:
                        model = HeartbeatCNNClassifier(pretrained=pretrained[positives], **cnn)
                        X_fit, X_test = data.X[labelled], data.X[test]
                    start = time.perf_counter()
                    model.fit(X_fit, y)
                    score = aami_macro_f1(data.y[test], model.predict(X_test), classes=CLASSES)
                    seconds[row] += time.perf_counter() - start
                    scores[row, fraction].append(score)
                    line.append(f"{row} {100 * score:.1f}")
                print(f"   {100 * fraction:g}% labels ({len(labelled)} beats): " + ", ".join(line),
                      flush=True)
    models = rows

    n_folds = len(scores[models[0], fractions[0]])
    given = sys.argv[1:] if argv is None else argv
    command = "python benchmarks/bench_contrastive_labels.py " + shlex.join(given)
    lines = [command.strip(), "", header, "",
             f"macro-F1 (N, S, V, F) in %, mean ± 95% CI (t, {n_folds} folds of "
             f"{args.seeds} seed(s))", ""]
    cells = ["model"] + [f"{100 * f:g}% labels" for f in fractions]
    lines.append("| " + " | ".join(cells) + " |")
    lines.append("|---" + "|---:" * len(fractions) + "|")
    for name in models:
        lines.append("| " + " | ".join([name] + [fmt(scores[name, f]) for f in fractions]) + " |")
    lines.append("")
    for reference, kind in (("raw beats + LR", "contrastive + LR"), ("CNN from scratch", "CNN fine-tuned")):
        if reference not in models:
            continue
        lines.append(f"Paired differences from {reference} on the same labels and folds, "
                     "in points, mean ± 95% CI:")
        for name in (m for m in models if m.startswith(kind)):
            diffs = [fmt(np.subtract(scores[name, f], scores[reference, f])) for f in fractions]
            lines.append(f"- {name}: " + ", ".join(
                f"{d} at {100 * f:g}%" for d, f in zip(diffs, fractions)))
        lines.append("")
    lines.append("seconds in all folds: " + ", ".join(f"{k} {v:.0f}" for k, v in seconds.items())
                 + f"; total {time.perf_counter() - start_all:.0f}")
    report = "\n".join(lines)
    print("\n" + report)
    if args.output:
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text(report + "\n")
        print(f"\nwritten to {args.output}")


if __name__ == "__main__":
    main()
