"""Decision techniques of the beat classifier's recipe, side by side, on the described beats.

    SKLEARN_ECG_DATA=../shared/data python benchmarks/bench_beat_techniques.py

Where ``bench_beat_model.py`` runs each method end to end on the test records,
this compares what happens after the features, on the beats the recipe's own
detector finds and describes in every record (cached as the recipe caches
them, :func:`_beat_data.described`), so that several techniques share one fit:

- "recipe": the shipped recipe's ensemble (three seeds, clean and noisy
  training records) with its self adaptation to each test record;
- "recipe, no adaptation"; "boosting alone" (one boosting on the clean
  records, as in ``bench_beat_model.py``);
- "shift a, then adapt" (``UniversalBeatClassifier(prior_shift=a)``): the
  record's class priors estimated by EM (Saerens et al. 2002: the balanced
  model's probabilities reweighted until their mean is the prior they
  assume), the probabilities moved a power ``a`` of the way to them, then
  self adaptation; "adapt, then shift a": the other order;
- "shift chosen on training patients": the order and ``a`` (0 included)
  chosen on held-out training patients only (three patient-grouped folds of
  the clean training records, one seed), by their mean per-record macro-F1.

Splits (a), (b), (c) as ``bench_beat_model.py``, and (t) transfer to another
database, as the original CNN work measured it (MIT-BIH to another database):
the SVDB patients in two grouped halves, each half in turn labelled for
training and the other tested; the recipe (one seed, self adaptation) trained
on MIT-BIH alone ("frozen": no label of the new database), on 1 %, 10 % and
100 % of the labelled half's rows alone ("from scratch") and on MIT-BIH with
that share added ("fine-tuned": for boosted trees, refitting with the new rows).
Scores: gross Se / +P of S
and V over the detected beats (a detection that matches no annotated beat
counts against the class it was given; reference beats the detector missed
are not here: they are the same for every method), and the per-patient
macro-F1 with its 95 % interval and each method's paired difference from the
recipe.
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import GroupKFold

sys.path.insert(0, str(Path(__file__).parent))

from _beat_data import described, records
from _common import mean_ci
from bench_beat_model import CLASSES, patient_f1
from train_beat_model import training_records

from sklearn_ecg.pipeline import UniversalBeatClassifier, default_beat_estimator
from sklearn_ecg.pipeline._universal import _shift_to_record_priors

GRID = (0.0, 0.1, 0.25, 0.5)
ORDERS = ("shift, then adapt", "adapt, then shift")


def training_rows(recs, rng):
    """Rows of every lead of ``recs``, N beats subsampled: the recipe's own code."""
    return UniversalBeatClassifier()._rows([(r.X, r.y, r.record) for r in recs], rng)


def fit(recs, *, n_seeds, max_features, seed=0):
    rng = np.random.RandomState(seed)
    X, y = training_rows(recs, rng)
    seeds = rng.randint(np.iinfo(np.int32).max, size=n_seeds)
    base = default_beat_estimator().set_params(max_features=max_features)
    return [clone(base).set_params(random_state=int(s)).fit(X, y) for s in seeds]


def proba(ests, features):
    n_leads, n = features.shape[:2]
    rows = features.reshape(n_leads * n, -1)
    return np.mean([e.predict_proba(rows) for e in ests], axis=0).reshape(n_leads, n, -1).mean(0)


ADAPT = UniversalBeatClassifier(confidence=0.9)


def decide(features, p, order, shift):
    """Probabilities after self adaptation and a prior shift, in ``order``."""
    if order == ORDERS[0]:
        return ADAPT._self_adapt(features, _shift_to_record_priors(p, shift))
    return _shift_to_record_priors(ADAPT._self_adapt(features, p), shift)


def inner_choice(train):
    """(order, shift) best on held-out training patients (three grouped folds, one seed)."""
    clean = [r for r in train if not r.record.endswith("+noise")]
    noisy = {r.record[: -len("+noise")]: r for r in train if r.record.endswith("+noise")}
    subjects = np.array([r.subject for r in clean])
    scores = {(o, a): [] for o in ORDERS for a in GRID}
    for tr, te in GroupKFold(3).split(clean, groups=subjects):
        fold = [x for i in tr for x in (clean[i], noisy[clean[i].record])]
        ests = fit(fold, n_seeds=1, max_features=0.5)
        for i in te:
            r = clean[i]
            p = proba(ests, r.X)
            scored = np.isin(r.y, (*CLASSES, "-"))
            for o, a in scores:
                pred = ests[0].classes_[decide(r.X, p, o, a).argmax(1)]
                scores[o, a].append(patient_f1(r.y[scored], pred[scored]))
    means = {k: float(np.mean(v)) for k, v in scores.items()}
    print("    inner folds, mean per-record macro-F1:",
          "; ".join(f"{o} {a:g}: {100 * m:.1f}" for (o, a), m in means.items()), flush=True)
    return max(means, key=means.get)


def run_split(train, test, results):
    t0 = time.perf_counter()
    recipe = fit(train, n_seeds=3, max_features=0.5)
    boosting = fit([r for r in train if not r.record.endswith("+noise")], n_seeds=1,
                   max_features=1.0)
    chosen = inner_choice(train)
    classes = recipe[0].classes_
    for r in test:
        scored = np.isin(r.y, (*CLASSES, "-"))
        p = proba(recipe, r.X)
        out = {"recipe": ADAPT._self_adapt(r.X, p), "recipe, no adaptation": p,
               "boosting alone": proba(boosting, r.X),
               "shift chosen on training patients": decide(r.X, p, *chosen)}
        for order in ORDERS:
            for a in GRID[1:]:
                out[f"{order.replace('shift', f'shift {a:g}')}"] = decide(r.X, p, order, a)
        for name, q in out.items():
            results.setdefault(name, []).append((r.subject, r.y[scored], classes[q.argmax(1)][scored]))
    print(f"    chosen: {chosen[0]} {chosen[1]:g}; fitted and scored in "
          f"{time.perf_counter() - t0:.0f} s", flush=True)


def run_transfer(mit, sv, noisy, results, *, shares=(0.01, 0.1, 1.0)):
    """(t): MIT-BIH to SVDB with 0 %, 1 %, 10 % and 100 % of a half of the SVDB patients' labels."""
    subjects = np.array([r.subject for r in sv])
    source = [x for r in mit for x in (r, noisy[r.record])]
    for fold, (tr, te) in enumerate(GroupKFold(2).split(sv, groups=subjects)):
        t0 = time.perf_counter()
        target = [x for i in tr for x in (sv[i], noisy[sv[i].record])]
        models = {"frozen (MIT-BIH only)": fit(source, n_seeds=1, max_features=0.5)}
        for share in shares:
            rng = np.random.RandomState(fold)
            Xt, yt = training_rows(target, rng)
            keep = rng.random_sample(len(yt)) < share
            Xs, ys = training_rows(source, np.random.RandomState(0))
            base = default_beat_estimator().set_params(max_features=0.5, random_state=0)
            models[f"from scratch, {100 * share:g} % of the labels"] = [
                clone(base).fit(Xt[keep], yt[keep])]
            models[f"fine-tuned, {100 * share:g} % of the labels"] = [
                clone(base).fit(np.vstack([Xs, Xt[keep]]), np.concatenate([ys, yt[keep]]))]
        for i in te:
            r = sv[i]
            scored = np.isin(r.y, (*CLASSES, "-"))
            for name, ests in models.items():
                q = ADAPT._self_adapt(r.X, proba(ests, r.X))
                results.setdefault(name, []).append(
                    (r.subject, r.y[scored], ests[0].classes_[q.argmax(1)][scored]))
        print(f"    half {fold + 1}: fitted and scored in {time.perf_counter() - t0:.0f} s",
              flush=True)


def report(results, reference="recipe"):
    by = {}
    for name, items in results.items():
        per = {}
        for subject, t, p in items:
            a, b = per.get(subject, ([], []))
            per[subject] = ([*a, t], [*b, p])
        by[name] = {s: patient_f1(np.concatenate(a), np.concatenate(b)) for s, (a, b) in per.items()}
    print(f"| method | S Se/+P | V Se/+P | per-patient macro-F1 | paired difference from "
          f"{reference!r} |")
    print("|---|---|---|---|---|")
    for name, items in results.items():
        t = np.concatenate([i[1] for i in items])
        p = np.concatenate([i[2] for i in items])
        cells = []
        for c in ("S", "V"):
            tp = ((t == c) & (p == c)).sum()
            cells.append(f"{100 * tp / max((t == c).sum(), 1):.1f}/{100 * tp / max((p == c).sum(), 1):.1f}")
        m, h = mean_ci(list(by[name].values()))
        d = [by[name][s] - by[reference][s] for s in by[name]]
        dm, dh = mean_ci(d)
        diff = "-" if name == reference else f"{100 * dm:+.1f} ± {100 * dh:.1f}"
        print(f"| {name} | {cells[0]} | {cells[1]} | {100 * m:.1f} ± {100 * h:.1f} "
              f"({len(by[name])} patients) | {diff} |", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-home", default=None)
    parser.add_argument("--cache", default=str(Path.home() / ".cache" / "sklearn-ecg-bench"))
    parser.add_argument("--splits", default="abc")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    keys = records(args.data_home)
    if not keys:
        raise SystemExit("no labelled records found: set SKLEARN_ECG_DATA")
    recs = described(training_records(args.data_home, keys=keys), args.cache)
    clean = [r for r in recs if not r.record.endswith("+noise")]
    noisy = {r.record[: -len("+noise")]: r for r in recs if r.record.endswith("+noise")}

    def with_noise(part):
        return [x for r in part for x in (r, noisy[r.record])]

    mit = [r for r in clean if r.record.startswith("mitdb")]
    sv = [r for r in clean if r.record.startswith("svdb")]
    names = {"a": "(a) trained on MIT-BIH, tested on SVDB",
             "b": "(b) trained on SVDB, tested on MIT-BIH",
             "c": "(c) five patient-grouped folds over both databases",
             "t": "(t) transfer: MIT-BIH to a half of the SVDB patients, with labels of the other"}
    for split in args.splits:
        results = {}
        print(f"\n{names[split]}", flush=True)
        if split == "t":
            run_transfer(mit, sv, noisy, results)
            print()
            report(results, reference="frozen (MIT-BIH only)")
            continue
        if split in "ab":
            train, test = (mit, sv) if split == "a" else (sv, mit)
            run_split(with_noise(train), test, results)
        else:
            subjects = np.array([r.subject for r in clean])
            for tr, te in GroupKFold(5).split(clean, groups=subjects):
                run_split(with_noise([clean[i] for i in tr]), [clean[i] for i in te], results)
        print()
        report(results)
    print(f"\nwhole run: {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
