"""Train the signal-quality classifier shipped in the package, and measure it on held-out patients.

Windows of 5 s of every annotated record of the data home (MIT-BIH Arrhythmia at
360 Hz, MIT-BIH Supraventricular Arrhythmia at 128 Hz; the first lead), each record
clean and under stress: the NSTDB ``bw`` and ``ma`` noise records at 24, 18, 12, 6, 0
and -6 dB (as ``bench_rpeak_noise.py`` builds them), white and electrode-motion-like
noise, flat (lead-off) and saturated stretches and electrode pops, and noise alone
(``bw``, ``ma``, white, a flat line: no ECG at all). The truth of each window: usable
when the default detector, run on the whole record as in use, found every annotated
beat in it and no false one (one-to-one matching within 150 ms); a window of noise
alone is unusable.

Printed: the ROC AUC of the usability probability on the held-out patients of
patient-grouped folds, by condition, beside neurokit2's ``ecg_quality`` on the same
windows (``zhao2018`` graded 2/1/0, and the mean of ``averageQRS``, each given the 10 s
around the window, the length Zhao & Zhang graded); then the
classifier trained on every record is written to
``sklearn_ecg/segmentation/data/signal_quality.skops`` (unless ``--no-ship``).

Usage::

    SKLEARN_ECG_DATA=../shared/data python benchmarks/train_signal_quality.py [--folds 5] [--per-condition 30]
"""

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from scipy.signal import butter, sosfiltfilt
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GroupKFold
from sklearn.utils import Bunch

from sklearn_ecg.datasets import (
    list_mitdb_records,
    make_noise_stress_record,
    mitdb_patient_id,
    read_mitdb_record,
    read_nstdb_noise,
)
from sklearn_ecg.metrics import match_peaks
from sklearn_ecg.segmentation import DETECTORS, SignalQualityClassifier, detect_r_peaks
from sklearn_ecg.segmentation._quality import _record_features
from sklearn_ecg.utils import save_model

WINDOW = 5.0
SNRS = (24, 18, 12, 6, 0, -6)
SHIPPED = (Path(__file__).resolve().parents[1] / "sklearn_ecg" / "segmentation" / "data"
           / "signal_quality.skops")


def conditions():
    return ([("clean", None)] + [(n, s) for n in ("bw", "ma") for s in SNRS]
            + [("white", 6), ("white", -3), ("em", 6), ("em", 0), ("flat", None), ("saturated", None),
               ("pops", None), ("bw alone", None), ("ma alone", None), ("white alone", None),
               ("flat alone", None)])


def em_noise(n, fs, rng):
    noise = np.cumsum(rng.normal(size=n))
    noise = sosfiltfilt(butter(2, [0.5, min(10.0, 0.45 * fs)], btype="band", fs=fs, output="sos"), noise)
    return noise


def stressed_signal(rec, kind, snr, noises, rng):
    """The signal under one condition, and whether it holds ECG at all."""
    x = rec.signal
    seed = int(rec.record)
    if kind == "clean":
        return x, True
    if kind in ("bw", "ma"):
        return make_noise_stress_record(rec, noises[kind], snr, channel=seed % 2,
                                        offset=(seed * 37) % 1500).signal, True
    if kind in ("white", "em"):
        raw = rng.normal(size=x.size) if kind == "white" else em_noise(x.size, rec.fs, rng)
        return make_noise_stress_record(rec, Bunch(signal=raw, fs=rec.fs, name=kind), snr).signal, True
    y = x.copy()
    fs = rec.fs
    starts = np.arange(int(300 * fs), x.size - int(10 * fs), int(60 * fs))
    if kind == "flat":  # lead off: 5-20 s at zero
        for s in starts:
            y[s:s + int(rng.uniform(5, 20) * fs)] = 0.0
        return y, True
    if kind == "saturated":
        for s in starts:
            y[s:s + int(rng.uniform(2, 10) * fs)] = y.max() * 1.5
        return y, True
    if kind == "pops":  # electrode pops: a step that decays over a second, and a spike
        t = np.arange(int(3 * fs)) / fs
        for s in starts:
            amp = rng.choice([-1, 1]) * rng.uniform(2, 10) * np.ptp(x[s:s + int(fs)])
            y[s:s + t.size] += amp * np.exp(-t / 0.5)
        return y, True
    alone = kind.split()[0]
    if alone == "flat":
        return np.zeros_like(x) + rng.normal(0, 1e-4, size=x.size), False
    if alone == "white":
        return rng.normal(0, np.std(x), size=x.size), False
    noise = make_noise_stress_record(rec, noises[alone], 0.0, channel=seed % 2, offset=(seed * 37) % 1500,
                                     start=0, period=1e9).signal - x
    return noise, False


def record_windows(rec, kind, snr, noises, rng, per_condition, detector):
    signal, has_ecg = stressed_signal(rec, kind, snr, noises, rng)
    fs = rec.fs
    width = int(WINDOW * fs)
    peaks = detect_r_peaks(signal, fs, detector)
    reference = rec.r_peaks if has_ecg else np.empty(0, dtype=np.int64)
    ref_idx, det_idx = match_peaks(reference, peaks, fs)
    missed = np.setdiff1d(np.arange(reference.size), ref_idx)
    false = np.setdiff1d(np.arange(peaks.size), det_idx)
    errors_at = np.sort(np.concatenate([reference[missed], peaks[false]]))
    excluded = rec.vf_episodes
    starts = np.arange(0, signal.size - width, width)
    # Windows after the first five minutes, where the stress is, drawn more often.
    weight = np.where(starts >= 300 * fs, 3.0, 1.0) if kind != "clean" else np.ones(starts.size)
    for a, b in excluded:
        weight[(starts + width > a) & (starts < b)] = 0.0
    chosen = rng.choice(starts, size=min(per_condition, int((weight > 0).sum())), replace=False,
                        p=weight / weight.sum())
    chosen = np.sort(chosen)
    # neurokit2's zhao2018 grades 10-s segments (as Zhao & Zhang 2018 did): it is given the
    # 10 s around each window, which can only help it.
    pad = int(2.5 * fs)
    windows = [signal[max(0, s - pad):s + width + pad] for s in chosen]
    n_errors = np.array([np.count_nonzero((errors_at >= s) & (errors_at < s + width)) for s in chosen])
    usable = (n_errors == 0) & has_ecg
    # The features as rate_signal computes them: detection over the whole record, each window its share.
    return windows, _record_features(signal, fs, chosen, width), usable


def nk_scores(windows, fs):
    import warnings

    import neurokit2 as nk

    warnings.filterwarnings("ignore")  # neurokit2 warns on every short or noisy window

    grade = {"Excellent": 2.0, "Barely acceptable": 1.0, "Unacceptable": 0.0}
    zhao, average = [], []
    for w in windows:
        try:
            zhao.append(grade[nk.ecg_quality(w, sampling_rate=int(round(fs)), method="zhao2018",
                                             approach="fuzzy")])
        except Exception:  # noqa: BLE001 - a window neurokit2 cannot rate counts as unacceptable
            zhao.append(0.0)
        try:
            cleaned = nk.ecg_clean(w, sampling_rate=int(round(fs)))
            average.append(float(np.nanmean(nk.ecg_quality(cleaned, sampling_rate=int(round(fs))))))
        except Exception:  # noqa: BLE001
            average.append(0.0)
    return np.asarray(zhao), np.nan_to_num(np.asarray(average))


def one_record(db, name, k, noises, args):
    """Windows, features and truth of one record under every condition."""
    rng = np.random.default_rng([args.seed, k])
    rec = read_mitdb_record(name, args.data_home, database=db,
                            lead=("MLII", "V5") if db == "mitdb" else "ECG1")
    group = mitdb_patient_id(name) if db == "mitdb" else name
    rows, features, labels = [], [], []
    for kind, snr in conditions():
        windows, feats, usable = record_windows(rec, kind, snr, noises, rng, args.per_condition,
                                                args.detector)
        features.append(feats)
        labels.append(usable)
        zhao, average = ((np.full(len(windows), np.nan),) * 2 if args.no_nk
                         else nk_scores(windows, rec.fs))
        label = kind if snr is None else f"{kind} {snr:g}"
        rows += [dict(database=db, record=name, group=group, condition=label, usable=u, zhao=z,
                      average_qrs=a) for u, z, a in zip(usable, zhao, average)]
    return rows, features, labels


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--per-condition", type=int, default=20,
                        help="windows drawn per record and condition")
    parser.add_argument("--detector", default=DETECTORS[0], help="the detector whose errors define the truth")
    parser.add_argument("--no-nk", action="store_true", help="do not score neurokit2's ecg_quality")
    parser.add_argument("--no-ship", action="store_true")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--records", default=None, help="comma-separated; default all in the data home")
    parser.add_argument("--data-home", default=None)
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    noises = {n: read_nstdb_noise(n, args.data_home) for n in ("bw", "ma")}
    wanted = set(args.records.split(",")) if args.records else None
    jobs = [(db, name) for db in ("mitdb", "svdb")
            for name in list_mitdb_records(args.data_home, database=db) if wanted is None or name in wanted]
    results = Parallel(n_jobs=args.n_jobs, verbose=5)(
        delayed(one_record)(db, name, k, noises, args) for k, (db, name) in enumerate(jobs))
    rows = [row for part in results for row in part[0]]
    features = [f for part in results for f in part[1]]
    labels = [u for part in results for u in part[2]]
    table = pd.DataFrame(rows)
    X, y = np.vstack(features), np.concatenate(labels).astype(int)
    table["proba"] = np.nan
    for train, test in GroupKFold(args.folds).split(X, y, groups=table.group):
        model = SignalQualityClassifier(random_state=args.seed)._fit_features(X[train], y[train])
        table.loc[table.index[test], "proba"] = model.model_.predict_proba(X[test])[:, 1]
    report(table, args, time.perf_counter() - start)
    if not args.no_ship:
        model = SignalQualityClassifier(random_state=args.seed)._fit_features(X, y)
        save_model(model, SHIPPED)
        print(f"shipped: {SHIPPED} ({SHIPPED.stat().st_size:,} bytes), {len(y):,} windows, "
              f"{y.mean():.1%} usable")


def _auc(part, column):
    if part.usable.nunique() < 2 or part[column].isna().all():
        return float("nan")
    return roc_auc_score(part.usable, part[column])


def report(table, args, seconds):
    lines = [f"{table.record.nunique()} records, {len(table):,} windows of {WINDOW:g} s, {args.folds} "
             f"patient-grouped folds; truth from detector {args.detector}; {seconds:.0f} s\n",
             "| condition | windows | unusable (%) | AUC, ours (held out) | AUC, nk zhao2018 "
             "| AUC, nk averageQRS |",
             "|---|---:|---:|---:|---:|---:|"]
    order = list(dict.fromkeys(table.condition))
    noisy = table[table.condition.str.match(r"^(bw|ma) ")]
    for name, part in [*((c, table[table.condition == c]) for c in order),
                       ("bw and ma, all SNRs", noisy), ("all", table)]:
        lines.append(f"| {name} | {len(part):,} | {100 * (1 - part.usable.mean()):.1f} | "
                     f"{_auc(part, 'proba'):.3f} | {_auc(part, 'zhao'):.3f} "
                     f"| {_auc(part, 'average_qrs'):.3f} |")
    text = "\n".join(lines)
    print(text, flush=True)
    if args.out:
        Path(args.out).write_text(text + "\n")


if __name__ == "__main__":
    main()
