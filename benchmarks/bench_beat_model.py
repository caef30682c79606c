"""The shipped beat classifier's recipe against the alternatives, across databases and patients.

    SKLEARN_ECG_DATA=../shared/data python benchmarks/bench_beat_model.py

Side by side in one run, on the labelled records of the data home (MIT-BIH
DS1 without the paced records, and the SVDB records; every SVDB record is its
own patient, MIT-BIH 201 and 202 one patient):

- (a) trained on MIT-BIH, tested on the SVDB records;
- (b) trained on SVDB, tested on MIT-BIH;
- (c) five patient-grouped folds over the union;

for each of:

- "recipe": ``UniversalBeatClassifier()`` as shipped (three seeds, self
  adaptation to each test record), trained on the training records clean and
  with NSTDB noise added (as ``train_beat_model.py`` does);
- "recipe, one seed" and each "..., no adaptation" (the same fitted model
  predicting without self adaptation): what each technique adds;
- "boosting alone": one gradient boosting on the same rows, no seed ensemble,
  no adaptation, trained on the clean records only;
- "today's default" (``--default-epochs`` > 0): ``RecordBeatClassifier`` with
  ``HeartbeatCNNClassifier(n_leads=2, extra_model="boosting")`` on both leads,
  the RR and relative features, every record resampled to 360 Hz (it takes one
  rate), trained for ``--default-epochs`` epochs.

Scoring, gross over the test records: Se, +P and F1 of N, S, V, F, where the
test beats are those the model's own detector found (a reference beat not
detected counts as missed, a beat called Q too; a detection that matches no
reference beat counts against the class it was given); and the per-patient
macro-F1 (mean F1 of the classes present in the patient's reference or
predictions) with a t-based 95 % interval over patients, and each method's
paired difference from the recipe. The agreement of the
recipe's classes on the records resampled to 128, 250, 360 and 500 Hz, one
lead against two (``bench_beat_model_rates.py``).
"""

import argparse
import copy
import sys
import time
from pathlib import Path

import numpy as np
from scipy.signal import resample_poly
from sklearn.model_selection import GroupKFold
from sklearn.utils import Bunch

sys.path.insert(0, str(Path(__file__).parent))

from _beat_data import records
from _common import mean_ci
from train_beat_model import training_records

from sklearn_ecg.metrics import match_peaks
from sklearn_ecg.pipeline import UniversalBeatClassifier, default_beat_estimator

CLASSES = ("N", "S", "V", "F")


def score_record(ref_t, ref_y, pred_t, pred_y, vf=()):
    """Per-beat truth and prediction: missed beats predicted "-", false ones true "-"."""
    ref_t, ref_y = np.asarray(ref_t, float), np.asarray(ref_y, object).astype(str)
    pred_t, pred_y = np.asarray(pred_t, float), np.asarray(pred_y, object).astype(str)
    i, j = match_peaks(np.round(ref_t * 1000), np.round(pred_t * 1000), 1000.0)
    truth = list(ref_y[i])
    pred = list(pred_y[j])
    missed = np.setdiff1d(np.arange(ref_y.size), i)
    truth += list(ref_y[missed])
    pred += ["-"] * missed.size
    false = np.setdiff1d(np.arange(pred_y.size), j)
    in_vf = np.zeros(false.size, dtype=bool)
    for a, b in vf:
        in_vf |= (pred_t[false] >= a) & (pred_t[false] < b)
    truth += ["-"] * int((~in_vf).sum())
    pred += list(pred_y[false[~in_vf]])
    truth, pred = np.array(truth), np.array(pred)
    keep = np.isin(truth, (*CLASSES, "-"))  # Q reference beats are not scored
    return truth[keep], pred[keep]


def gross(pairs):
    truth = np.concatenate([p[0] for p in pairs])
    pred = np.concatenate([p[1] for p in pairs])
    out = {}
    for c in CLASSES:
        tp = int(((truth == c) & (pred == c)).sum())
        se = tp / max(int((truth == c).sum()), 1)
        pp = tp / max(int((pred == c).sum()), 1)
        out[c] = (100 * se, 100 * pp, 100 * 2 * se * pp / max(se + pp, 1e-12))
    return out


def patient_f1(truth, pred):
    f1 = []
    for c in CLASSES:
        if not ((truth == c).any() or (pred == c).any()):
            continue
        tp = ((truth == c) & (pred == c)).sum()
        f1.append(2 * tp / max((truth == c).sum() + (pred == c).sum(), 1))
    return float(np.mean(f1)) if f1 else float("nan")


def per_patient(pairs, patients):
    out = {}
    for (t, p), pat in zip(pairs, patients):
        a, b = out.get(pat, (np.array([], str), np.array([], str)))
        out[pat] = (np.concatenate([a, t]), np.concatenate([b, p]))
    return {pat: patient_f1(t, p) for pat, (t, p) in out.items()}


def universal(**params):
    """The recipe; its fitted model also predicts without adaptation (no second fit)."""
    def fit(train_clean, train_noisy, memory):
        model = UniversalBeatClassifier(memory=memory, random_state=0, **params).fit(train_noisy)
        plain = copy.deepcopy(model).set_params(adaptation=None)
        return {"": lambda sig, fs: model.predict_record(sig, fs=fs),
                ", no adaptation": lambda sig, fs: plain.predict_record(sig, fs=fs)}
    return fit


def boosting_alone(train_clean, train_noisy, memory):
    est = default_beat_estimator().set_params(max_features=1.0)
    model = UniversalBeatClassifier(est, n_seeds=1, adaptation=None, memory=memory,
                                    random_state=0).fit(train_clean)
    return lambda sig, fs: model.predict_record(sig, fs=fs)


def todays_default(epochs):
    def fit(train_clean, train_noisy, memory):
        from sklearn_ecg import RPeakSegmenter
        from sklearn_ecg.neural import HeartbeatCNNClassifier
        from sklearn_ecg.pipeline import RecordBeatClassifier

        at360 = [_resampled(r, 360.0) for r in train_clean]
        n_extra = 10 + 20  # RR features, relative morphology of two leads
        cnn = HeartbeatCNNClassifier(n_leads=2, extra_features=n_extra, extra_model="boosting",
                                     epochs=epochs, random_state=0)
        model = RecordBeatClassifier(cnn, segmenter=RPeakSegmenter(fs=360.0),
                                     relative_features=True).fit(at360)

        def predict(sig, fs):
            x = resample_poly(sig, 360, int(fs), axis=0) if fs != 360 else sig
            return model.predict_record(x[:, :2], fs=360.0)
        return predict
    return fit


def _resampled(rec, fs):
    if rec.fs == fs:
        return rec
    x = resample_poly(rec.signal, int(fs), int(rec.fs), axis=0)
    return Bunch(**{**rec, "signal": x, "fs": fs,
                    "r_peaks": np.round(rec.r_peaks * fs / rec.fs).astype(np.int64),
                    "vf_episodes": np.round(np.asarray(rec.get("vf_episodes", np.empty((0, 2))))
                                            * fs / rec.fs).astype(np.int64)})


def run_split(label, methods, train_keys, test_keys, by_key_clean, by_key_noisy, tests, memory,
              results):
    train_clean = [by_key_clean[k] for k in train_keys]
    train_noisy = [r for k in train_keys for r in (by_key_clean[k], by_key_noisy[k])]
    for name, fit in methods.items():
        t0 = time.perf_counter()
        predicts = fit(train_clean, train_noisy, memory)
        if not isinstance(predicts, dict):
            predicts = {"": predicts}
        for suffix, predict in predicts.items():
            for k in test_keys:
                rec = tests[k]
                table = predict(rec.signal, rec.fs)
                results.setdefault(name + suffix, {"a": [], "b": [], "c": []})[label].append(
                    (score_record(rec.ref_t, rec.ref_y, table["time_s"], table["class"], rec.vf),
                     rec.patient))
        print(f"  {label} {name}: fitted and tested on {len(test_keys)} records in "
              f"{time.perf_counter() - t0:.0f} s", flush=True)


def report(results, split):
    print(f"\n### {split}\n")
    print("| method | N Se/+P | S Se/+P/F1 | V Se/+P/F1 | F Se/+P | per-patient macro-F1 | "
          "paired difference from the recipe |")
    print("|---|---|---|---|---|---|---|")
    ref = per_patient([p for p, _ in results["recipe"][split]],
                      [q for _, q in results["recipe"][split]])
    for name, per_split in results.items():
        items = per_split[split]
        if not items:
            continue
        g = gross([p for p, _ in items])
        pp = per_patient([p for p, _ in items], [q for _, q in items])
        mean, half = mean_ci(list(pp.values()))
        diff = [pp[k] - ref[k] for k in pp if np.isfinite(pp[k]) and np.isfinite(ref[k])]
        dm, dh = mean_ci(diff)
        print(f"| {name} | {g['N'][0]:.1f}/{g['N'][1]:.1f} | {g['S'][0]:.1f}/{g['S'][1]:.1f}/"
              f"{g['S'][2]:.1f} | {g['V'][0]:.1f}/{g['V'][1]:.1f}/{g['V'][2]:.1f} | "
              f"{g['F'][0]:.1f}/{g['F'][1]:.1f} | {100 * mean:.1f} ± {100 * half:.1f} "
              f"({len(pp)} patients) | "
              + ("-" if name == "recipe" else f"{100 * dm:+.1f} ± {100 * dh:.1f}") + " |")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--data-home", default=None)
    parser.add_argument("--default-epochs", type=int, default=5,
                        help="epochs of today's default CNN (0 leaves it out)")
    parser.add_argument("--cache", default=str(Path.home() / ".cache" / "sklearn-ecg-bench"),
                        help="joblib cache of the described training records")
    parser.add_argument("--splits", default="abc")
    parser.add_argument("--methods", default="recipe,one-seed,boosting,default",
                        help="comma-separated subset of recipe, one-seed, boosting, default "
                             "(the recipe is always run: the paired differences are from it)")
    parser.add_argument("--max-records", type=int, default=0,
                        help="a smoke run: the first N records of each database (0: all)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    keys = records(args.data_home)
    if not keys:
        raise SystemExit("no labelled records found: set SKLEARN_ECG_DATA")
    if args.max_records:
        keys = ([k for k in keys if k[0] == "mitdb"][: args.max_records]
                + [k for k in keys if k[0] == "svdb"][: args.max_records])
    both = training_records(args.data_home, keys=keys, say=lambda s: print(s, flush=True))
    by_key_clean = {k: both[2 * i] for i, k in enumerate(keys)}
    by_key_noisy = {k: both[2 * i + 1] for i, k in enumerate(keys)}
    tests = {k: Bunch(signal=by_key_clean[k].signal, fs=by_key_clean[k].fs,
                      ref_t=by_key_clean[k].r_peaks / by_key_clean[k].fs,
                      ref_y=by_key_clean[k].beat_labels,
                      vf=[(a / by_key_clean[k].fs, b / by_key_clean[k].fs)
                          for a, b in by_key_clean[k].vf_episodes],
                      patient=by_key_clean[k].subject) for k in keys}
    chosen = set(args.methods.split(","))
    unknown = chosen - {"recipe", "one-seed", "boosting", "default"}
    if unknown:
        raise SystemExit(f"--methods: unknown {sorted(unknown)}")
    methods = {"recipe": universal()}
    if "one-seed" in chosen:
        methods["recipe, one seed"] = universal(n_seeds=1)
    if "boosting" in chosen:
        methods["boosting alone"] = boosting_alone
    if args.default_epochs > 0 and "default" in chosen:
        methods[f"today's default ({args.default_epochs} epochs)"] = todays_default(
            args.default_epochs)
    results = {}
    names = {"a": "(a) trained on MIT-BIH, tested on SVDB",
             "b": "(b) trained on SVDB, tested on MIT-BIH",
             "c": "(c) five patient-grouped folds over both databases"}
    mit = [k for k in keys if k[0] == "mitdb"]
    sv = [k for k in keys if k[0] == "svdb"]
    if "a" in args.splits:
        run_split("a", methods, mit, sv, by_key_clean, by_key_noisy, tests, args.cache, results)
        print(f"\n{names['a']}")
        report(results, "a")
    if "b" in args.splits:
        run_split("b", methods, sv, mit, by_key_clean, by_key_noisy, tests, args.cache, results)
        print(f"\n{names['b']}")
        report(results, "b")
    if "c" in args.splits:
        groups = np.array([tests[k].patient for k in keys])
        for _fold, (tr, te) in enumerate(GroupKFold(5).split(keys, groups=groups)):
            run_split("c", methods, [keys[i] for i in tr], [keys[i] for i in te], by_key_clean,
                      by_key_noisy, tests, args.cache, results)
        print(f"\n{names['c']}")
        report(results, "c")
    print(f"\nwhole run: {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
