"""Verification and identification of persons never seen in training (ECG-ID), and the jacket.

ECG-ID holds 20-s lead-I recordings of each person, some taken months apart.
Each recording is cut into 2-s raw windows every second, resampled to 125 Hz
(250 samples) and z-normalised, and into the median beats of its 5-s windows
(0.25 s before to 0.45 s after the R peak, 128 samples, z-normalised) for
Pearson's r. Persons are split into folds with PairGroupKFold, repeated with
several seeds: nobody of a test fold was seen in training.

Side by side, on the test persons of every fold:

- no learning: Pearson's r of median beats; the maximum normalised
  cross-correlation of raw windows (shift-invariant);
- SiameseSimilarityRegressor on raw windows, trained on pairs of the training
  persons (make_pairs, half same person): the article's objective (MSE, linear
  output), the default (binary cross-entropy on a sigmoid), and the
  contrastive loss of Hadsell et al.;
- MetricEncoder on raw windows, trained on the training persons' windows
  labelled with their person: the batch-hard triplet loss and the ArcFace
  loss, embeddings scored by their cosine; and ArcFace on two channels (the
  raw and the filtered lead I as one 2-channel window).

Verification (``sklearn_ecg.model_selection.verification_scores``): every pair of
test segments (or recordings) from *different recordings*, label 1 for the same
person; ROC AUC, equal error rate (EER) and the false non-match rate at a
false-match rate of 1 % (FNMR@FMR1%). Identification
(``identification_accuracy``): each test person's first recording enrolled,
their other recordings the queries; top-1 accuracy. Both at segment level (one
window) and at recording level (the windows of a recording fused: their
scores averaged, or, for the learned models, their embeddings averaged and
scored by the model). Mean with a t-based 95 % interval over all folds of all
seeds.

Jacket: the best objective of the table (MetricEncoder, ArcFace), trained
on the median beats of all ECG-ID persons, scores 5-s median beats of the five jacket channels during four
activities (one wearer), pairs within a channel: a table of the mean score
within and across activities, and two matrix plots of mean scores: the five
channels against each other (pairs within one activity) and the four
activities against each other (pairs within one channel).

Usage::

    SKLEARN_ECG_DATA=../shared/data python benchmarks/bench_siamese.py
    SKLEARN_ECG_DATA=../shared/data python benchmarks/bench_siamese.py --seeds 1 --folds 3 --epochs 5
    SKLEARN_ECG_DATA=../shared/data python benchmarks/bench_siamese.py --jacket-only
"""

import argparse
import time
from pathlib import Path

import numpy as np
from _common import fmt
from sklearn.metrics import roc_auc_score, roc_curve
from sklearn.utils import Bunch

from sklearn_ecg import BeatNormalizer, PairGroupKFold, make_pairs
from sklearn_ecg.datasets import (
    GARMENT_ACTIVITIES,
    list_ecgid_records,
    load_garment,
    make_segments,
    read_ecgid_record,
)
from sklearn_ecg.metrics import equal_error_rate, max_cross_correlation
from sklearn_ecg.model_selection import identification_accuracy, verification_scores
from sklearn_ecg.neural import MetricEncoder, SiameseSimilarityRegressor

RESULTS = Path(__file__).parent / "results"
LEADS = ("ECG I", "ECG I filtered")

#: name: (kind, parameters, input)
MODELS = {
    "Siamese, MSE (the article's)": ("siamese", dict(loss="mse", bound_output=False), "windows"),
    "Siamese, binary cross-entropy (default)": ("siamese", dict(), "windows"),
    "Siamese, contrastive": ("siamese", dict(loss="contrastive"), "windows"),
    "MetricEncoder, batch-hard triplet": ("metric", dict(loss="triplet"), "windows"),
    "MetricEncoder, ArcFace": ("metric", dict(loss="arcface"), "windows"),
    "MetricEncoder, ArcFace, two channels": ("metric", dict(loss="arcface"), "windows2"),
}
BASELINES = {
    "Pearson r, median beats (no learning)": "beats",
    "max. cross-correlation, raw windows (no learning)": "windows",
}


def zscore(X):
    return BeatNormalizer("zscore").fit_transform(X).astype("float32")


def load_ecgid(data_home=None, max_persons=None):
    names = list_ecgid_records(data_home)
    if not names:
        raise SystemExit("no ECG-ID records found: set SKLEARN_ECG_DATA")
    if max_persons:
        keep = sorted({p for p, _ in names})[:max_persons]
        names = [(p, r) for p, r in names if p in keep]
    by_lead = {lead: [read_ecgid_record(p, r, data_home, lead=lead) for p, r in names]
               for lead in LEADS}
    beats = make_segments(by_lead["ECG I filtered"], kind="median_beat", window=5.0,
                          segment_length=128)
    windows = [make_segments(by_lead[lead], kind="window", window=2.0, step=1.0,
                             segment_length=250) for lead in LEADS]
    raw, filtered = windows
    assert np.array_equal(raw.record, filtered.record) and np.array_equal(raw.start, filtered.start)
    keep = np.ones(len(raw.X), bool)
    for w in windows:  # flat or gapped windows cannot be z-normalised
        keep &= np.isfinite(w.X).all(axis=1) & (np.nan_to_num(w.X).std(axis=1) > 0)
    win = Bunch(X=zscore(filtered.X[keep]), groups=np.asarray(raw.groups)[keep],
                record=np.asarray(raw.record)[keep], n_left_out=int((~keep).sum()))
    win.X2 = np.stack([zscore(raw.X[keep]), win.X], axis=-1)
    beats.X = zscore(beats.X)
    return {"beats": beats, "windows": win}, len(names)


def fnmr_at(same, scores, fmr=0.01):
    """False non-match rate at the threshold whose false-match rate is at most ``fmr``."""
    fpr, tpr, _ = roc_curve(same, scores)
    return 1.0 - tpr[fpr <= fmr].max()


def evaluate(similarity, X, groups, record, *, embeddings):
    """Segment- and recording-level verification and identification of one model on one fold.

    The scores of every pair of segments are computed once; the recording level
    averages them (``fusion="score"``), and, with ``embeddings``, also scores
    the mean embedding of each recording with the model (``fusion="embedding"``).
    """
    if similarity == "pearson":
        matrix = np.corrcoef(X)
    elif hasattr(similarity, "score_pairs"):
        matrix = similarity.score_pairs(X)
    else:
        matrix = similarity(X, X)
    levels = [("segment", "score"), ("recording", "score")]
    if embeddings:
        levels.append(("recording", "embedding"))
    out = {}
    for level, fusion in levels:
        scorer, data = (similarity, X) if fusion == "embedding" else ("precomputed", matrix)
        same, scores = verification_scores(scorer, data, groups, record, level=level, fusion=fusion)
        key = level if fusion == "score" else "recording, embeddings fused"
        out[key] = dict(
            auc=roc_auc_score(same, scores), eer=equal_error_rate(same, scores),
            fnmr=fnmr_at(same, scores), n_pairs=same.size,
            top1=identification_accuracy(scorer, data, groups, record, level=level, fusion=fusion),
        )
    return out


def jacket(model, data_home, out, name="MetricEncoder cosine"):
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
    lines = [f"| activity pair | pairs | {name} | Pearson r |", "|---|---:|---:|---:|"]
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
            similarity_name=name, ax=axes[0],
            title="How alike the five channels are\n(pairs of 5-s median beats within "
                  "one activity)",
        )
        SimilarityMatrixDisplay.from_group_means(
            siamese_m, activity, within=channel, labels=acts, group_name="activity",
            similarity_name=name, ax=axes[1],
            title="How alike the four activities are\n(pairs of 5-s median beats within "
                  "one channel)",
        )
        figure.suptitle(f"Jacket, one wearer: mean similarity ({name}, a model of all ECG-ID "
                        "persons' median beats)")
        figure.savefig(out, dpi=90, bbox_inches="tight")
        plt.close(figure)
        table += f"\n\n(plot: {out.name})"
    except ImportError:
        table += "\n\n(matplotlib not installed: no plot)"
    return table


def fit_model(kind, params, X, groups, args, seed):
    if kind == "siamese":
        pairs, y, _ = make_pairs(X, groups, n_pairs=args.pairs, random_state=seed)
        return SiameseSimilarityRegressor(epochs=args.epochs, batch_size=128, patience=4,
                                          random_state=seed, **params).fit(pairs, y)
    return MetricEncoder(epochs=args.epochs, patience=4, random_state=seed, **params).fit(X, groups)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seeds", type=int, default=2, help="repetitions of the folds")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--pairs", type=int, default=10000, help="training pairs per fold (Siamese)")
    parser.add_argument("--max-persons", type=int, default=None)
    parser.add_argument("--models", default=None,
                        help="comma-separated substrings: only the learned models whose name has one")
    parser.add_argument("--no-jacket", action="store_true")
    parser.add_argument("--jacket-only", action="store_true", help="skip the ECG-ID folds")
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    data, n_records = load_ecgid(max_persons=args.max_persons)
    beats, win = data["beats"], data["windows"]
    persons = np.unique(win.groups)
    models = {n: m for n, m in MODELS.items()
              if not args.models or any(k.strip() in n for k in args.models.split(","))}
    print(f"ECG-ID: {persons.size} persons, {n_records} recordings, {len(win.X)} raw 2-s windows "
          f"({win.n_left_out} flat or gapped left out), {len(beats.X)} median beats "
          f"({time.perf_counter() - t0:.0f} s)", flush=True)
    res = {n: [] for n in [*BASELINES, *models]}
    seconds = {n: 0.0 for n in res}
    epochs = {n: [] for n in models}
    for seed in range(0 if args.jacket_only else args.seeds):
        cv = PairGroupKFold(args.folds, shuffle=True, random_state=seed)
        for fold, (train_p, test_p) in enumerate(cv.split(persons, groups=persons)):
            train_persons, test_persons = persons[train_p], persons[test_p]
            line = []
            for name, source in BASELINES.items():
                seg = data[source]
                test = np.isin(seg.groups, test_persons)
                t = time.perf_counter()
                sim = "pearson" if source == "beats" else max_cross_correlation
                res[name].append(evaluate(sim, seg.X[test], seg.groups[test], seg.record[test],
                                          embeddings=False))
                seconds[name] += time.perf_counter() - t
            train = np.isin(win.groups, train_persons)
            test = np.isin(win.groups, test_persons)
            for name, (kind, params, source) in models.items():
                X = win.X2 if source == "windows2" else win.X
                t = time.perf_counter()
                model = fit_model(kind, params, X[train], win.groups[train], args, 10 * seed + fold)
                res[name].append(evaluate(model, X[test], win.groups[test], win.record[test],
                                          embeddings=True))
                seconds[name] += time.perf_counter() - t
                epochs[name].append(model.n_epochs_)
                line.append(f"{name.split(', ', 1)[1]} {100 * res[name][-1]['recording']['eer']:.1f}")
            print(f"seed {seed} fold {fold + 1}: {train_persons.size} train / {test_persons.size} test "
                  f"persons; recording EER (%) Pearson "
                  f"{100 * res[next(iter(BASELINES))][-1]['recording']['eer']:.1f}, "
                  + ", ".join(line) + f"  [{time.perf_counter() - t0:.0f} s]", flush=True)

    if not args.jacket_only:
        n_splits = args.folds * args.seeds
        lines = [
            f"ECG-ID, {persons.size} persons, {args.folds} person-disjoint folds x {args.seeds} seeds "
            f"({n_splits} splits); mean ± t 95% CI over splits (%). Learned models: at most "
            f"{args.epochs} epochs (early stopping), Siamese {args.pairs} training pairs per fold.",
            "",
            "| method | level | ROC AUC | EER | FNMR@FMR1% | top-1 identification | fit+score time (s) |",
            "|---|---|---|---|---|---|---|",
        ]
        for name, rows in res.items():
            for level in rows[0]:
                r = [row[level] for row in rows]
                lines.append(f"| {name} | {level} | {fmt([x['auc'] for x in r])} | "
                             f"{fmt([x['eer'] for x in r])} | {fmt([x['fnmr'] for x in r])} | "
                             f"{fmt([x['top1'] for x in r])} | "
                             f"{seconds[name] / n_splits:.0f} per split |")
        if epochs:
            lines += ["", "Epochs trained (fewest-most over splits): "
                      + "; ".join(f"{name} {min(e)}-{max(e)}" for name, e in epochs.items())]

        def best(names, level):
            return min((np.mean([row[level]["eer"] for row in res[n]]), n) for n in names
                       for _ in [0] if level in res[n][0])

        seg_base = best(BASELINES, "segment")
        if models:
            seg_ours = best(models, "segment")
            rec_ours = min(best(models, "recording"), best(models, "recording, embeddings fused")
                           if any("recording, embeddings fused" in res[n][0] for n in models) else (1, ""))
            top1 = max((np.mean([row[lv]["top1"] for row in res[n]]), n, lv) for n in models
                       for lv in res[n][0] if lv != "segment")
            lines += [
                "",
                f"Targets: recording-level EER <= 3 %: best {100 * rec_ours[0]:.1f} % ({rec_ours[1]}); "
                f"top-1 identification >= 95 %: best {100 * top1[0]:.1f} % ({top1[1]}, {top1[2]}); "
                f"segment-level EER at most a third of the best no-learning baseline's "
                f"({100 * seg_base[0]:.1f} %, {seg_base[1]}): best {100 * seg_ours[0]:.1f} % "
                f"({seg_ours[1]}), {seg_base[0] / max(seg_ours[0], 1e-9):.2f} times lower",
            ]
        report = "\n".join(lines)
        print("\n" + report)
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "siamese.txt").write_text(report + "\n")
    if not args.no_jacket:
        RESULTS.mkdir(exist_ok=True)
        # The benchmark's best objective (ArcFace), trained on every ECG-ID person's median beats.
        t = time.perf_counter()
        model = MetricEncoder(epochs=args.epochs, patience=4, random_state=0).fit(beats.X, beats.groups)
        jacket_table = jacket(model, None, RESULTS / "siamese_jacket.png")
        print(f"\nJacket (one wearer; MetricEncoder, ArcFace, trained on all ECG-ID median beats, "
              f"{model.n_epochs_} epochs, {time.perf_counter() - t:.0f} s; pairs within a channel):\n"
              + jacket_table)
        (RESULTS / "siamese_jacket.txt").write_text(jacket_table + "\n")
    print(f"\ntotal {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
