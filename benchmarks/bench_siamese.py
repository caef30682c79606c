"""Similarity of ECG recordings on persons never seen in training (ECG-ID), and on the jacket.

ECG-ID holds 20-s lead-I recordings of each person, some taken months apart.
Each recording is cut into 5-s windows; a window becomes its median beat
(0.25 s before to 0.45 s after the R peak, 128 samples, z-normalised) or, for
the raw-window model, 2.5-s windows resampled to 100 Hz (250 samples,
z-normalised). Persons are split into folds with PairGroupKFold: nobody of a
test fold was seen in training.

In each fold, side by side:

- two baselines with no learning, on the median beats: Pearson correlation,
  and minus the Euclidean distance of the z-normalised beats;
- SiameseSimilarityRegressor trained on pairs of training persons (make_pairs,
  half same person, half different), on median beats and on raw windows.

Test pairs are every pair of test segments from *different recordings* (pairs
within one recording, seconds apart, would be too easy); label 1 for the same
person (``sklearn_ecg.metrics.verification_scores``, level="segment").
Reported: ROC AUC and equal error rate (EER), mean with a t-based 95%
confidence interval over folds.

Identification: the segments of each test person's first recording form the
gallery (every test person is in it); every segment of their other recordings
is a query, assigned to the gallery person with the highest mean score
(top-1 accuracy; ``sklearn_ecg.metrics.identification_accuracy``,
level="segment", fusion="score"). The Siamese networks are also read as
embeddings with a 1-nearest-neighbour classifier on the same gallery
(``sklearn_ecg.model_selection.gallery_query_split``).

Jacket: the model of fold 1 (median beats) scores 5-s median beats of the five
jacket channels during four activities (one wearer), pairs within a channel: a
table of the mean score within and across activities, and two matrix plots of
mean scores: the five channels against each other (pairs within one activity)
and the four activities against each other (pairs within one channel).

Usage::

    SKLEARN_ECG_DATA=../shared/data python benchmarks/bench_siamese.py
"""

import argparse
import time
from pathlib import Path

import numpy as np
from _common import fmt
from sklearn.metrics import roc_auc_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.utils import Bunch

from sklearn_ecg import BeatNormalizer, PairGroupKFold, make_pairs
from sklearn_ecg.datasets import (
    GARMENT_ACTIVITIES,
    list_ecgid_records,
    load_garment,
    make_segments,
    read_ecgid_record,
)
from sklearn_ecg.metrics import equal_error_rate, identification_accuracy, verification_scores
from sklearn_ecg.model_selection import gallery_query_split
from sklearn_ecg.neural import SiameseSimilarityRegressor

RESULTS = Path(__file__).parent / "results"


def zscore(X):
    return BeatNormalizer("zscore").fit_transform(X).astype("float32")


def load_ecgid(data_home=None, max_persons=None):
    names = list_ecgid_records(data_home)
    if not names:
        raise SystemExit("no ECG-ID records found: set SKLEARN_ECG_DATA")
    if max_persons:
        keep = sorted({p for p, _ in names})[:max_persons]
        names = [(p, r) for p, r in names if p in keep]
    records = [read_ecgid_record(p, r, data_home) for p, r in names]
    beats = make_segments(records, kind="median_beat", window=5.0, segment_length=128)
    windows = make_segments(records, kind="window", window=2.5, segment_length=250)
    beats.X, windows.X = zscore(beats.X), zscore(windows.X)
    return beats, windows, len(records)


def verification(matrix, seg, idx):
    """ROC AUC, EER, pairs and same-person pairs of the segments idx (their score matrix)."""
    same, scores = verification_scores("precomputed", matrix, seg.groups[idx], seg.record[idx],
                                       level="segment")
    return roc_auc_score(same, scores), equal_error_rate(same, scores), same.size, same.sum()


def identification(matrix, seg, idx):
    """Top-1 accuracy: gallery = first recording of each person, queries = the others."""
    groups, rec = seg.groups[idx], seg.record[idx]
    _, query = gallery_query_split(groups, rec)
    top1 = identification_accuracy("precomputed", matrix, groups, rec, level="segment")
    return top1, query.size, np.unique(groups).size


def knn_identification(emb, seg, idx):
    groups = seg.groups[idx]
    gallery, query = gallery_query_split(groups, seg.record[idx])
    knn = KNeighborsClassifier(1).fit(emb[gallery], groups[gallery])
    return knn.score(emb[query], groups[query])


def siamese(args, **kw):
    return SiameseSimilarityRegressor(
        bound_output=True, epochs=args.epochs, batch_size=128, patience=4,
        random_state=args.seed, **kw,
    )


def jacket(model, data_home, out):
    """Mean scores within and across activities of the jacket's median beats."""
    segs, labels = [], []
    for activity in GARMENT_ACTIVITIES:
        frame = load_garment(activity, data_home)
        for channel in [c for c in frame.columns if c.startswith("ecg")]:
            signal = frame[channel].to_numpy(dtype=float)
            if np.isnan(signal).any():  # a few missing samples: interpolate, say so
                n_missing = int(np.isnan(signal).sum())
                print(f"  jacket {activity}/{channel}: {n_missing} missing samples interpolated")
                t = np.arange(signal.size)
                ok = ~np.isnan(signal)
                signal = np.interp(t, t[ok], signal[ok])
            rec = Bunch(signal=signal, fs=frame.attrs["fs"], record=f"{activity}/{channel}",
                        subject="wearer")
            seg = make_segments([rec], window=5.0, segment_length=128)
            for s in seg.skipped:
                print(f"  jacket: left out {s}")
            segs.append(zscore(seg.X))
            labels += [(activity, channel)] * len(seg.X)
    X = np.vstack(segs)
    activity = np.array([a for a, _ in labels])
    channel = np.array([c for _, c in labels])
    siamese_m = model.score_pairs(X)
    pearson_m = np.corrcoef(X)
    acts = list(GARMENT_ACTIVITIES)
    lines = ["| activity pair | pairs | Siamese score | Pearson r |", "|---|---:|---:|---:|"]
    for a_i, a in enumerate(acts):
        for b in acts[a_i:]:
            same_channel = channel[:, None] == channel[None, :]
            mask = (activity[:, None] == a) & (activity[None, :] == b) & same_channel
            if a == b:
                mask &= ~np.eye(len(X), dtype=bool)
            lines.append(f"| {a} / {b} | {int(mask.sum())} | {siamese_m[mask].mean():.3f} | "
                         f"{pearson_m[mask].mean():.3f} |")
    table = "\n".join(lines)
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        from sklearn_ecg.inspection import SimilarityMatrixDisplay

        figure, axes = plt.subplots(1, 2, figsize=(14, 6), layout="constrained")
        SimilarityMatrixDisplay.from_group_means(
            siamese_m, channel, within=activity, group_name="channel",
            similarity_name="Siamese score", ax=axes[0],
            title="How alike the five channels are\n(pairs of 5-s median beats within "
                  "one activity)",
        )
        SimilarityMatrixDisplay.from_group_means(
            siamese_m, activity, within=channel, labels=acts, group_name="activity",
            similarity_name="Siamese score", ax=axes[1],
            title="How alike the four activities are\n(pairs of 5-s median beats within "
                  "one channel)",
        )
        figure.suptitle("Jacket, one wearer: mean Siamese similarity (fold-1 median-beat model)")
        figure.savefig(out, dpi=90, bbox_inches="tight")
        plt.close(figure)
        table += f"\n\n(plot: {out.name})"
    except ImportError:
        table += "\n\n(matplotlib not installed: no plot)"
    return table


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--pairs", type=int, default=20000, help="training pairs per fold")
    parser.add_argument("--max-persons", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-windows", action="store_true", help="skip the raw-window model")
    args = parser.parse_args()

    t0 = time.perf_counter()
    beats, windows, n_records = load_ecgid(max_persons=args.max_persons)
    persons = np.unique(beats.groups)
    print(f"ECG-ID: {persons.size} persons, {n_records} recordings, {len(beats.X)} median-beat "
          f"segments, {len(windows.X)} raw windows ({time.perf_counter() - t0:.0f} s); "
          f"left out: {len(beats.skipped)} windows without a beat")
    names = ["Pearson r (median beats)", "-Euclidean (z-norm. median beats)",
             "Siamese, median beats"] + ([] if args.no_windows else ["Siamese, raw windows"])
    res = {n: {"auc": [], "eer": [], "top1": []} for n in names}
    knn = {n: [] for n in names[2:]}
    cv = PairGroupKFold(args.folds, shuffle=True, random_state=args.seed)
    first_model = None
    for fold, (train, test) in enumerate(cv.split(beats.X, groups=beats.groups)):
        train_persons = np.unique(beats.groups[train])
        assert not set(train_persons) & set(beats.groups[test])
        matrices = {
            names[0]: np.corrcoef(beats.X[test]),
            names[1]: -np.linalg.norm(beats.X[test][:, None] - beats.X[test][None], axis=-1),
        }
        t = time.perf_counter()
        Xp, y, _ = make_pairs(beats.X[train], beats.groups[train], n_pairs=args.pairs,
                              random_state=fold)
        model = siamese(args).fit(Xp, y)
        first_model = first_model or model
        matrices[names[2]] = model.score_pairs(beats.X[test])
        knn[names[2]].append(knn_identification(model.embed(beats.X[test]), beats, test))
        log = f"beats {model.n_epochs_} epochs {time.perf_counter() - t:.0f} s"
        if not args.no_windows:
            t = time.perf_counter()
            w_train = np.flatnonzero(np.isin(windows.groups, train_persons))
            w_test = np.flatnonzero(~np.isin(windows.groups, train_persons))
            Xp, y, _ = make_pairs(windows.X[w_train], windows.groups[w_train], n_pairs=args.pairs,
                                  random_state=fold)
            wmodel = siamese(args).fit(Xp, y)
            wm = wmodel.score_pairs(windows.X[w_test])
            auc, eer, _, _ = verification(wm, windows, w_test)
            res[names[3]]["auc"].append(auc)
            res[names[3]]["eer"].append(eer)
            res[names[3]]["top1"].append(identification(wm, windows, w_test)[0])
            knn[names[3]].append(knn_identification(wmodel.embed(windows.X[w_test]), windows, w_test))
            log += f", windows {wmodel.n_epochs_} epochs {time.perf_counter() - t:.0f} s"
        for name, m in matrices.items():
            auc, eer, n_pairs, n_same = verification(m, beats, test)
            res[name]["auc"].append(auc)
            res[name]["eer"].append(eer)
            top1, n_query, n_gallery = identification(m, beats, test)
            res[name]["top1"].append(top1)
        print(f"fold {fold + 1}: {len(train_persons)} train / {np.unique(beats.groups[test]).size} "
              f"test persons, {n_pairs} test pairs ({n_same} same), {n_query} queries vs "
              f"{n_gallery} gallery persons; {log}; EER "
              + ", ".join(f"{n.split(',')[-1].strip()} {100 * r['eer'][-1]:.1f}%" for n, r in res.items()))

    lines = [
        f"ECG-ID, {persons.size} persons, {args.folds} person-disjoint folds; mean ± t 95% CI (%)",
        "", "| method | ROC AUC | EER | top-1 identification | top-1, 1-NN on embeddings |",
        "|---|---|---|---|---|",
    ]
    for name, r in res.items():
        lines.append(f"| {name} | {fmt(r['auc'])} | {fmt(r['eer'])} | {fmt(r['top1'])} | "
                     f"{fmt(knn[name]) if name in knn else '—'} |")
    best = min(np.mean(res[n]["eer"]) for n in names[:2])
    ours = min(np.mean(res[n]["eer"]) for n in names[2:])
    lines += ["", f"best baseline EER {100 * best:.1f}%, best Siamese EER {100 * ours:.1f}%: "
              f"target (at most half the baseline's and below 5%) "
              f"{'met' if ours <= best / 2 and ours < 0.05 else 'NOT met'}"]
    report = "\n".join(lines)
    print("\n" + report)
    jacket_table = jacket(first_model, None, RESULTS / "siamese_jacket.png")
    print("\nJacket (one wearer; fold-1 median-beat model; pairs within a channel):\n" + jacket_table)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "siamese.txt").write_text(report + "\n\nJacket:\n" + jacket_table + "\n")
    print(f"\ntotal {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
