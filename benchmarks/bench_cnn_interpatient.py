"""The honest benchmark: beat classification of patients never seen, and adapted to them.

Leave-one-patient-out over the MIT-BIH records of the data home without the
paced ones (102, 104, 107, 217): 22 records, 22 patients, classes N, S, V, F
(Q left out). In each fold every model is trained on the other patients only
and scored on the test patient's beats after its first 5 minutes (AAMI EC57's
patient-specific protocol: those 5 minutes are labelled, and only the adapted
model uses them). Side by side, on the same beats:

- "LR, old features": the previous baseline, five RR features in seconds and
  a few morphology features into a class-balanced logistic regression;
- "HGB, new features": gradient boosting on BeatFeatureExtractor(relative=True)
  of both leads and all ten RR features (normalised by the patient's rhythm),
  its number of iterations chosen on 20 % of the training patients;
- "CNN, old defaults": HeartbeatCNNClassifier() with lead MLII and the five RR
  features, as it was;
- "CNN, new defaults": HeartbeatCNNClassifier(n_leads=2, extra_features=...)
  with its defaults, both leads, the ten RR features and the relative
  morphology as extra inputs, early stopping on training patients (groups),
  the network's probabilities averaged with those of the boosting of its
  extra columns (``extra_model="boosting"``);
- "CNN, adapted": the new CNN fine-tuned with ``adapt`` on the test
  patient's first 5 minutes;
- "network alone" rows: the same two fitted classifiers predicting without
  the boosting average (what ``extra_model=None`` gives, without a second
  training).

Figures: gross (all test beats pooled, as AAMI EC57 and the literature do)
Se, +P and F1 per class and macro-F1; beside them the mean over patients with
a t-based 95 % interval, and paired differences over patients.

``--ablation`` instead runs 5 patient-grouped folds of the new CNN with one
technique removed (or, for the windows that also hold the preceding beat,
added) at a time. ``--versus-hgb`` runs 5 patient-grouped folds of
the gradient boosting and of CNN variants that might close the per-patient gap
to it (longer training, no patient hold-out, every classical feature as an
extra input, each lead minus its patient's median beat as two more leads,
three seeds averaged, class offsets tuned on held-out training patients, a
second seed, smaller convolutions; each network alone, ``extra_model=None``,
and averaged with either boosting, the CNN's extra columns' being the new
default), and the boosting on only the CNN's extra columns, scored per
patient on the beats after each record's first 5 minutes, paired against the
boosting.

Usage::

    SKLEARN_ECG_DATA=../shared/data python benchmarks/bench_cnn_interpatient.py
    SKLEARN_ECG_DATA=../shared/data python benchmarks/bench_cnn_interpatient.py --ablation
    SKLEARN_ECG_DATA=../shared/data python benchmarks/bench_cnn_interpatient.py --versus-hgb
"""

import argparse
import copy
import time

import numpy as np
from _common import mean_ci
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupShuffleSplit
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_ecg import PairGroupKFold
from sklearn_ecg.datasets import MITDB_PACED_RECORDS, list_mitdb_records, make_beat_dataset, read_mitdb_record
from sklearn_ecg.metrics import aami_macro_f1, aami_report
from sklearn_ecg.neural import HeartbeatCNNClassifier
from sklearn_ecg.neural._extra_model import fit_validated_boosting
from sklearn_ecg.preprocessing import BeatFeatureExtractor, BeatNormalizer
from sklearn_ecg.utils import resample_rows

CLASSES = ("N", "S", "V", "F")
BEFORE, AFTER, N_SAMPLES, FS_BEAT = 0.3, 1.196, 187, 125.0
ADAPT_SECONDS = 300.0
CONTEXT_BEFORE = 0.9  # --ablation's wider windows: the preceding beat's QRS down to 67 beats/min
N_OLD_RR = 5  # rr_prev, rr_next, rr_local, rr_prev_ratio, rr_next_ratio


def old_morphology(X):
    """The previous baseline's features of min-max beats whose R peak sits at 0.3 s."""
    r = round(0.3 * 125)
    qrs = X[:, r - 6 : r + 7]  # +-50 ms around the R peak
    slope = np.abs(np.diff(X, axis=1))
    return np.column_stack([
        X[:, r], qrs.mean(axis=1), qrs.std(axis=1), (qrs > 0.5).sum(axis=1),
        slope[:, r - 6 : r + 7].max(axis=1), X[:, r + 7 : r + 50].mean(axis=1),
        resample_rows(X[:, : r + 50], 12),
    ])


def load(data_home):
    names = [r for r in list_mitdb_records(data_home) if r not in MITDB_PACED_RECORDS]
    if not names:
        raise SystemExit("no MIT-BIH records found: set SKLEARN_ECG_DATA")
    records = [read_mitdb_record(r, data_home, lead=("MLII", "V5"), all_leads=True) for r in names]
    data = make_beat_dataset(records, before=BEFORE, after=AFTER, beat_length=N_SAMPLES,
                             classes=CLASSES)
    beats = BeatNormalizer("minmax").fit_transform(data.X).astype("float32")  # per lead
    flat = beats.transpose(0, 2, 1).reshape(len(beats), -1)  # lead after lead
    extractor = BeatFeatureExtractor(fs=FS_BEAT, r_offset=BEFORE, n_leads=2, relative=True,
                                     extra_features=data.rr.shape[1])
    features = extractor.fit_transform(np.hstack([flat, data.rr]), groups=data.record)
    names_out = extractor.get_feature_names_out()
    relative = np.array([("rel_" in n) or n.endswith("template_corr") for n in names_out])
    n_rr = data.rr.shape[1]

    def context_beats():
        """Both leads of windows from CONTEXT_BEFORE s before each R peak, and which beats have one.

        A beat nearer than CONTEXT_BEFORE s to its record's start has no such
        window: its row is zeros and ``has`` is False there.
        """
        wide = make_beat_dataset(records, before=CONTEXT_BEFORE, after=AFTER, classes=CLASSES,
                                 beat_length=round((CONTEXT_BEFORE + AFTER) * FS_BEAT))
        at = {key: i for i, key in enumerate(zip(data.record, data.sample))}
        rows = np.array([at[key] for key in zip(wide.record, wide.sample)])
        out = np.zeros((len(data.y), wide.X.shape[1] * 2), dtype="float32")
        out[rows] = BeatNormalizer("minmax").fit_transform(wide.X).transpose(0, 2, 1).reshape(len(rows), -1)
        has = np.zeros(len(data.y), dtype=bool)
        has[rows] = True
        return out, has

    return dict(
        y=data.y, groups=data.groups, record=data.record, names=names,
        adapt=data.sample < ADAPT_SECONDS * records[0].fs,
        X_lr_old=np.hstack([data.rr[:, :N_OLD_RR], old_morphology(beats[:, :, 0])]),
        X_hgb=features,
        X_cnn_old=np.hstack([beats[:, :, 0], data.rr[:, :N_OLD_RR]]),
        # both leads, the ten RR features, the relative morphology
        X_cnn=np.hstack([flat, data.rr, features[:, relative]]).astype("float32"),
        n_extra=n_rr + int(relative.sum()), n_rr=n_rr, n_relative=int(relative.sum()),
        flat=flat, rr=data.rr, rel=features[:, relative], context_beats=context_beats,
    )


def lr_old():
    return make_pipeline(StandardScaler(), LogisticRegression(class_weight="balanced", max_iter=3000))


def fit_hgb(X, y, groups, seed):
    """Gradient boosting whose number of iterations is chosen on 20 % of the training patients.

    The boosting HeartbeatCNNClassifier averages with its network
    (``extra_model="boosting"``), here on whichever columns are given.
    """
    return fit_validated_boosting(X, y, groups=groups, random_state=seed)


def network_alone(model):
    """The fitted classifier predicting with its network only, as ``extra_model=None`` would."""
    alone = copy.copy(model)
    alone.extra_model_ = None
    return alone


def cnn_new(d, seed, epochs, **changes):
    params = dict(n_leads=2, extra_features=d["n_extra"], random_state=seed)
    if epochs:
        params["epochs"] = epochs
    params.update(changes)
    return HeartbeatCNNClassifier(**params)


def scores_of(y_true, y_pred):
    report = aami_report(y_true, y_pred, classes=CLASSES)
    out = {"macro_f1": aami_macro_f1(y_true, y_pred, classes=CLASSES)}
    for c in CLASSES:
        se, ppv = report.loc[c, "sensitivity"], report.loc[c, "positive_predictivity"]
        out[f"se_{c}"], out[f"ppv_{c}"] = se, ppv
        # A class absent from the test beats has no F1 (left out of the means).
        if se != se:
            out[f"f1_{c}"] = float("nan")
        else:
            ppv = 0.0 if ppv != ppv else ppv
            out[f"f1_{c}"] = 2 * se * ppv / (se + ppv) if se + ppv > 0 else 0.0
    return out


def pct(value):
    return "n/a" if value != value else f"{100 * value:.1f}"


def ci(values):
    mean, half = mean_ci(values)
    return f"{100 * mean:.1f} ± {100 * half:.1f}"


def leave_one_patient_out(d, args):
    models = ["LR, old features", "HGB, new features", "CNN, old defaults", "CNN, new defaults",
              "CNN, adapted", "CNN, new defaults, network alone", "CNN, adapted, network alone"]
    if args.skip_old_cnn:
        models.remove("CNN, old defaults")
    y, groups = d["y"], d["groups"]
    patients = sorted(set(groups))
    pred = {m: np.empty(len(y), dtype=object) for m in models}
    scored = np.zeros(len(y), dtype=bool)
    per_patient = {m: [] for m in models}
    times = {m: 0.0 for m in models}
    start_all = time.perf_counter()
    for k, patient in enumerate(patients):
        test = groups == patient
        train = ~test
        adapt_rows = test & d["adapt"]
        score_rows = test & ~d["adapt"]
        scored |= score_rows
        line = []

        def timed(name, fit_predict):
            t = time.perf_counter()
            pred[name][score_rows] = fit_predict()
            times[name] += time.perf_counter() - t
            per_patient[name].append(scores_of(y[score_rows], pred[name][score_rows]))
            short = name.split(",")[0] + ("/" + name.split(" ")[1].rstrip(",") if "," in name else "") \
                + ("/net" if name.endswith("network alone") else "")
            line.append(f"{short} {100 * per_patient[name][-1]['macro_f1']:.0f}")

        timed("LR, old features", lambda: lr_old().fit(d["X_lr_old"][train], y[train])
              .predict(d["X_lr_old"][score_rows]))
        timed("HGB, new features", lambda: fit_hgb(d["X_hgb"][train], y[train], groups[train], k)
              .predict(d["X_hgb"][score_rows]))
        if "CNN, old defaults" in models:
            cap = args.old_epochs or args.epochs
            old = {"epochs": cap} if cap else {}
            timed("CNN, old defaults", lambda: HeartbeatCNNClassifier(
                extra_features=N_OLD_RR, random_state=k, **OLD_DEFAULTS, **old)
                .fit(d["X_cnn_old"][train], y[train]).predict(d["X_cnn_old"][score_rows]))
        fitted = {}

        def new_cnn():
            fitted["cnn"] = cnn_new(d, k, args.epochs).fit(
                d["X_cnn"][train], y[train], groups=groups[train])
            return fitted["cnn"].predict(d["X_cnn"][score_rows])

        def adapted_cnn():
            fitted["adapted"] = fitted["cnn"].adapt(d["X_cnn"][adapt_rows], y[adapt_rows])
            return fitted["adapted"].predict(d["X_cnn"][score_rows])

        timed("CNN, new defaults", new_cnn)
        timed("CNN, adapted", adapted_cnn)
        # The same fitted networks without the boosting average: no training of their own.
        timed("CNN, new defaults, network alone",
              lambda: network_alone(fitted["cnn"]).predict(d["X_cnn"][score_rows]))
        timed("CNN, adapted, network alone",
              lambda: network_alone(fitted["adapted"]).predict(d["X_cnn"][score_rows]))
        counts = dict(zip(*np.unique(y[score_rows], return_counts=True)))
        print(f"patient {patient} ({k + 1}/{len(patients)}, {int(score_rows.sum())} beats scored "
              f"{counts}, {int(adapt_rows.sum())} for adaptation): macro-F1 " + ", ".join(line)
              + f"  [{time.perf_counter() - start_all:.0f} s]", flush=True)

    if args.save:
        np.savez(args.save, y=y, groups=groups, scored=scored,
                 **{m: pred[m].astype(str) for m in models})
    print(f"\nLeave-one-patient-out, {len(patients)} patients, {int(scored.sum())} beats scored "
          f"(each record after its first {ADAPT_SECONDS / 60:.0f} minutes); "
          f"total {time.perf_counter() - start_all:.0f} s\n")
    header = ["model", "gross macro-F1"] + [f"{c} {m}" for c in CLASSES for m in ("Se", "+P", "F1")] \
        + ["macro-F1 per patient (mean ± 95% CI)", "fit+predict time (s)"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for m in models:
        g = scores_of(y[scored], pred[m][scored].astype(str))
        cells = [m, pct(g["macro_f1"])] + [pct(g[f"{s}_{c}"]) for c in CLASSES
                                           for s in ("se", "ppv", "f1")]
        cells += [ci([p["macro_f1"] for p in per_patient[m]]), f"{times[m]:.0f}"]
        print("| " + " | ".join(cells) + " |")

    def paired(a, b, key):
        diff = [pa[key] - pb[key] for pa, pb in zip(per_patient[a], per_patient[b])]
        return ci(diff)

    print("\nPaired differences over patients (points, mean ± 95% CI):")
    new = "CNN, new defaults"
    print(f"- CNN new defaults - HGB, macro-F1: {paired(new, 'HGB, new features', 'macro_f1')}")
    print(f"- CNN new defaults - LR old, macro-F1: {paired(new, 'LR, old features', 'macro_f1')}")
    if "CNN, old defaults" in models:
        print(f"- CNN new - CNN old, macro-F1: {paired(new, 'CNN, old defaults', 'macro_f1')}")
    for key in ("macro_f1", "f1_S", "f1_V"):
        print(f"- CNN adapted - CNN new defaults, {key}: {paired('CNN, adapted', 'CNN, new defaults', key)}")
    alone = "CNN, new defaults, network alone"
    print(f"- CNN new defaults - its network alone, macro-F1: {paired(new, alone, 'macro_f1')}")
    print(f"- network alone - HGB, macro-F1: {paired(alone, 'HGB, new features', 'macro_f1')}")
    for key in ("f1_S", "f1_V"):
        print(f"- adapted network alone - network alone, {key}: "
              f"{paired('CNN, adapted, network alone', alone, key)}")


OLD_DEFAULTS = dict(conv_filters=(16, 32, 32, 32, 256), kernel_size=(5, 3, 3, 3, 3),
                    class_weight=None, augmentations=None, adaptation_memory=0, extra_model=None)

ABLATION = {
    "new defaults": dict(),
    "network alone (extra_model=None, no boosting averaged)": dict(extra_model=None),
    "without relative morphology": dict(columns="no_relative"),
    "without patient-normalised RR (5 old RR features)": dict(columns="old_rr"),
    "without augmentation": dict(augmentations=None),
    "class_weight='balanced' (inverse frequency)": dict(class_weight="balanced"),
    "focal loss": dict(loss="focal"),
    "early stopping on random beats (no groups)": dict(groups=False),
    "one lead (MLII)": dict(columns="one_lead"),
    f"the preceding beat in the window too ({CONTEXT_BEFORE} s before the R peak)": dict(columns="context"),
    "old defaults (MLII, 5 RR features, published network, no class weights)":
        dict(columns="old", groups=False, **OLD_DEFAULTS),
}


def only(rows, spec):
    """The rows whose name holds one of the comma-separated substrings of ``spec`` (all if None)."""
    return {n: v for n, v in rows.items() if not spec or any(k.strip() in n for k in spec.split(","))}


def ablation(d, args):
    y, groups = d["y"], d["groups"]
    n = len(y)
    length = d["flat"].shape[1] // 2
    columns = {
        None: (d["X_cnn"], dict(n_leads=2, extra_features=d["n_extra"])),
        "old_rr": (np.hstack([d["flat"], d["rr"][:, :N_OLD_RR], d["rel"]]),
                   dict(n_leads=2, extra_features=N_OLD_RR + d["n_relative"])),
        "no_relative": (np.hstack([d["flat"], d["rr"]]), dict(n_leads=2, extra_features=d["n_rr"])),
        "old": (d["X_cnn_old"], dict(n_leads=1, extra_features=N_OLD_RR)),
        "one_lead": (np.hstack([d["flat"][:, :length], d["rr"], d["rel"][:, : d["n_relative"] // 2]]),
                     dict(n_leads=1, extra_features=d["n_rr"] + d["n_relative"] // 2)),
    }
    selected = only(ABLATION, args.only)
    has = np.ones(n, dtype=bool)
    if any(change.get("columns") == "context" for change in selected.values()):
        wide, has = d["context_beats"]()
        columns["context"] = (np.hstack([wide, d["rr"], d["rel"]]),
                              dict(n_leads=2, extra_features=d["n_extra"]))
    folds = list(PairGroupKFold(args.folds).split(np.zeros(n), y, groups))
    print(f"Ablation: {args.folds} patient-grouped folds, all beats of each test patient\n")
    print("| variant | macro-F1 (gross) | S F1 | V F1 | S Se / +P | V Se / +P | time (s) |")
    print("|---|---|---|---|---|---|---|")
    for name, change in selected.items():
        change = dict(change)
        which = change.pop("columns", None)
        X, spec = columns[which]
        # Only the wider windows lack beats: those at a record's start, left out of its row.
        kept = has if which == "context" else np.ones(n, dtype=bool)
        use_groups = change.pop("groups", True)
        t = time.perf_counter()
        pred = np.empty(n, dtype=object)
        for k, (train, test) in enumerate(folds):
            train, test = train[kept[train]], test[kept[test]]
            model = cnn_new(d, k, args.epochs, **{**spec, **change})
            model.fit(X[train], y[train], groups=groups[train] if use_groups else None)
            pred[test] = model.predict(X[test])
        s = scores_of(y[kept], pred[kept].astype(str))
        if not kept.all():
            name = f"{name}; {int((~kept).sum())} beats without such a window left out"
        print(f"| {name} | {pct(s['macro_f1'])} | {pct(s['f1_S'])} | {pct(s['f1_V'])} | "
              f"{pct(s['se_S'])} / {pct(s['ppv_S'])} | {pct(s['se_V'])} / {pct(s['ppv_V'])} | "
              f"{time.perf_counter() - t:.0f} |", flush=True)


VERSUS_HGB = {
    "CNN, network alone (8 epochs at most)": ("X_cnn", dict(epochs=8)),
    "CNN, network alone (30 epochs at most, early stopping)": ("X_cnn", dict()),
    "CNN, no patient hold-out (8 epochs, all training patients)":
        ("X_cnn", dict(epochs=8, validation_fraction=0.0)),
    "CNN, every classical feature as extra input (8 epochs)": ("X_cnn_all", dict(epochs=8)),
    "CNN, each lead minus its patient's median beat as two more leads (8 epochs)":
        ("X_cnn_diff", dict(epochs=8, n_leads=4)),
    "CNN, three seeds' probabilities averaged (8 epochs each)": ("X_cnn", dict(epochs=8, seeds=3)),
    "CNN, class offsets tuned on held-out training patients (8 epochs)":
        ("X_cnn", dict(epochs=8, offsets=True)),
    "CNN, network alone, a second seed (8 epochs)": ("X_cnn", dict(epochs=8, seed_offset=10)),
    "CNN, smaller convolutions (8, 16, 16, 32) (8 epochs)":
        ("X_cnn", dict(epochs=8, conv_filters=(8, 16, 16, 32))),
}
EXTRAS_HGB = "HGB, the CNN's extra columns only"


class OffsetTuned:
    """A network trained on 80 % of the training patients, its class log-offsets tuned on the rest.

    The offsets added to the log-probabilities are chosen by coordinate ascent
    to maximise the macro-F1 of the held-out training patients (as the
    boosting's number of iterations is): a decision rule fitted to people the
    network did not train on, never to the test patient.
    """

    def __init__(self, make, seed):
        self.make, self.seed = make, seed

    def fit(self, X, y, groups=None):
        inner, val = next(GroupShuffleSplit(1, test_size=0.2, random_state=self.seed)
                          .split(X, y, groups))
        self.model_ = self.make(self.seed).fit(X[inner], y[inner], groups=groups[inner])
        self.classes_ = self.model_.classes_
        log_p = np.log(np.clip(self.model_.predict_proba(X[val]), 1e-12, None))

        def score(offsets):
            return aami_macro_f1(y[val], self.classes_[(log_p + offsets).argmax(axis=1)],
                                 classes=CLASSES)

        self.offsets_ = np.zeros(len(self.classes_))
        best = score(self.offsets_)
        for _ in range(3):
            for c in range(len(self.classes_)):
                for value in np.arange(-3.0, 3.01, 0.25):
                    trial = self.offsets_.copy()
                    trial[c] = value
                    if (s := score(trial)) > best:
                        best, self.offsets_ = s, trial
        return self

    def predict_proba(self, X):
        z = np.log(np.clip(self.model_.predict_proba(X), 1e-12, None)) + self.offsets_
        z = np.exp(z - z.max(axis=1, keepdims=True))
        return z / z.sum(axis=1, keepdims=True)


class SeedAverage:
    """Networks of several seeds, their probabilities averaged (a deep ensemble)."""

    def __init__(self, make, seeds):
        self.make, self.seeds = make, seeds

    def fit(self, X, y, groups=None):
        self.models_ = [self.make(seed).fit(X, y, groups=groups) for seed in self.seeds]
        self.classes_ = self.models_[0].classes_
        return self

    def predict_proba(self, X):
        return np.mean([m.predict_proba(X) for m in self.models_], axis=0)


def minus_patient_template(flat, groups):
    """Each beat minus the median beat of its patient, lead by lead (flat leads kept in order)."""
    out = np.empty_like(flat)
    for g in np.unique(groups):
        rows = groups == g
        out[rows] = flat[rows] - np.median(flat[rows], axis=0)
    return out


def versus_hgb(d, args):
    """The CNN's variants against gradient boosting, per patient, on the same folds."""
    y, groups = d["y"], d["groups"]
    n = len(y)
    d = dict(d, X_cnn_all=np.hstack([d["flat"], d["X_hgb"]]).astype("float32"),
             X_cnn_diff=np.hstack([d["flat"], minus_patient_template(d["flat"], groups),
                                   d["rr"], d["rel"]]).astype("float32"),
             X_extras=np.hstack([d["rr"], d["rel"]]))
    extra = {"X_cnn": d["n_extra"], "X_cnn_all": d["X_hgb"].shape[1], "X_cnn_diff": d["n_extra"]}
    folds = list(PairGroupKFold(args.folds).split(np.zeros(n), y, groups))
    scored = ~d["adapt"]
    patients = sorted(set(groups))
    proba, pred, seconds = {}, {}, {}
    inputs = {"HGB, new features": "X_hgb", EXTRAS_HGB: "X_extras",
              **{name: columns for name, (columns, _) in VERSUS_HGB.items()}}

    def run(name, fit):
        t = time.perf_counter()
        proba[name] = np.zeros((n, len(CLASSES)))
        for k, (train, test) in enumerate(folds):
            model = fit(k, train)
            columns = [list(model.classes_).index(c) for c in CLASSES]
            proba[name][test] = model.predict_proba(d[inputs[name]][test])[:, columns]
        pred[name] = np.asarray(CLASSES)[proba[name].argmax(axis=1)]
        seconds[name] = time.perf_counter() - t
        print(f"  {name}: {seconds[name]:.0f} s", flush=True)

    run("HGB, new features", lambda k, tr: fit_hgb(d["X_hgb"][tr], y[tr], groups[tr], k))
    # The same boosting on only the RR and relative-morphology columns the CNN gets as extras.
    run(EXTRAS_HGB, lambda k, tr: fit_hgb(d["X_extras"][tr], y[tr], groups[tr], k))
    variants = only(VERSUS_HGB, args.only)
    for name, (columns, change) in variants.items():
        change = dict(change)
        epochs = change.pop("epochs", None)
        n_seeds = change.pop("seeds", 1)
        offsets = change.pop("offsets", False)
        seed_offset = change.pop("seed_offset", 0)

        def fit(k, tr, c=columns, e=epochs, ch=change, n_seeds=n_seeds, offsets=offsets,
                seed_offset=seed_offset):
            def make(seed):
                # The network alone: the averages with either boosting are rows of their own.
                return cnn_new(d, seed + seed_offset, e,
                               **{"extra_features": extra[c], "extra_model": None, **ch})
            # Fold k's first seed is k, as in the single-network rows (k + 10 i after).
            if offsets:
                model = OffsetTuned(make, k)
            elif n_seeds > 1:
                model = SeedAverage(make, [k + 10 * i for i in range(n_seeds)])
            else:
                model = make(k)
            return model.fit(d[c][tr], y[tr], groups=groups[tr])

        run(name, fit)
    for name in variants:
        for hgb, label in (("HGB, new features", "HGB"), (EXTRAS_HGB, "HGB on the extra columns")):
            both = f"{name} + {label}, probabilities averaged"
            pred[both] = np.asarray(CLASSES)[(proba[name] + proba[hgb]).argmax(axis=1)]
            seconds[both] = seconds[name] + seconds[hgb]

    def per_patient(p):
        return [scores_of(y[scored & (groups == g)], p[scored & (groups == g)])["macro_f1"]
                for g in patients]

    base = per_patient(pred["HGB, new features"])
    print(f"\n{args.folds} patient-grouped folds, {int(scored.sum())} beats scored (each record after "
          f"its first {ADAPT_SECONDS / 60:.0f} minutes), {len(patients)} patients\n")
    print("| model | gross macro-F1 | S Se / +P | V Se / +P | macro-F1 per patient | "
          "minus HGB, paired | time (s) |")
    print("|---|---|---|---|---|---|---|")
    for name, p in pred.items():
        g = scores_of(y[scored], p[scored])
        mine = per_patient(p)
        print(f"| {name} | {pct(g['macro_f1'])} | {pct(g['se_S'])} / {pct(g['ppv_S'])} | "
              f"{pct(g['se_V'])} / {pct(g['ppv_V'])} | {ci(mine)} | "
              f"{ci(np.subtract(mine, base))} | {seconds[name]:.0f} |", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=None,
                        help="cap on the epochs of every CNN (default: each model's own default)")
    parser.add_argument("--ablation", action="store_true")
    parser.add_argument("--versus-hgb", action="store_true",
                        help="the CNN's variants against gradient boosting on patient-grouped folds")
    parser.add_argument("--folds", type=int, default=5, help="folds of --ablation and --versus-hgb")
    parser.add_argument("--only", default=None,
                        help="--versus-hgb and --ablation: comma-separated substrings, only the "
                             "rows whose name has one (--versus-hgb's boosting always runs)")
    parser.add_argument("--old-epochs", type=int, default=None,
                        help="cap on the epochs of the CNN with the old defaults (default: --epochs); "
                             "its published network trains 2.7 times slower than the new one")
    parser.add_argument("--skip-old-cnn", action="store_true")
    parser.add_argument("--data-home", default=None)
    parser.add_argument("--save", default=None, help="write every prediction to this .npz")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    print(f"settings: epochs cap {args.epochs or 'default'}, old-defaults CNN cap "
          f"{args.old_epochs or args.epochs or 'default'}", flush=True)
    d = load(args.data_home)
    print(f"{len(d['y'])} beats, {len(set(d['groups']))} patients ({' '.join(d['names'])}); classes "
          f"{dict(zip(*np.unique(d['y'], return_counts=True)))}; loaded in "
          f"{time.perf_counter() - start:.0f} s", flush=True)
    if args.ablation:
        ablation(d, args)
    elif args.versus_hgb:
        versus_hgb(d, args)
    else:
        leave_one_patient_out(d, args)
    print(f"\nwall time {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
