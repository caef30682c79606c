"""R-peak detection under noise, as the MIT-BIH Noise Stress Test Database builds it.

Every annotated record of the data home (MIT-BIH Arrhythmia at 360 Hz, lead MLII or
V5; MIT-BIH Supraventricular Arrhythmia at 128 Hz, lead ECG1), clean and with the
NSTDB ``bw`` and ``ma`` noise records added at 24, 18, 12, 6, 0 and -6 dB (SNR from
the QRS peak-to-peak amplitude, noise on in alternate two-minute stretches after the
first five minutes: :func:`sklearn_ecg.datasets.make_noise_stress_record`). Each
record takes the noise channel of its parity and starts the noise at a record-specific
offset, so that the records do not all share one stretch of noise.

Every detector of the library, neurokit2's methods (``nk:<method>``, the signal first
cleaned by ``ecg_clean`` with the method's own cleaning where neurokit2 has one, as its
``ecg_process`` does) and py-ecg-detectors' (through the library's registry, with the
library's refinement of the peak); ``clean+<name>`` runs
:class:`~sklearn_ecg.preprocessing.SignalCleaner` first, to show whether cleaning helps a
detector (neurokit2's methods clean with their own filters already). Printed: errors
(missed + false beats, one-to-one matching within 150 ms, ventricular flutter left out)
per condition, and per detector Se, +P, errors and seconds per 30-minute record over all
conditions. neurokit2 is a
benchmark extra (``pip install -e ".[bench]"``), never a dependency of the library.

Usage::

    SKLEARN_ECG_DATA=../shared/data python benchmarks/bench_rpeak_noise.py \\
        [--detectors fast_pan_tompkins,nk:kalidas2017] [--databases mitdb,svdb] \\
        [--snrs 24,18,12,6,0,-6] [--noises bw,ma] [--minutes 30] [--records 101,803] \\
        [--n-jobs 2] [--out results/rpeak_noise.txt]
"""

import argparse
import time
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed

from sklearn_ecg.datasets import (
    list_mitdb_records,
    make_noise_stress_record,
    read_mitdb_record,
    read_nstdb_noise,
)
from sklearn_ecg.metrics import detection_scores
from sklearn_ecg.segmentation import DETECTORS, detect_r_peaks

NK_METHODS = (
    "neurokit", "pantompkins1985", "hamilton2002", "zong2003", "martinez2004", "christov2004",
    "gamboa2008", "elgendi2010", "engzee2012", "manikandan2012", "kalidas2017", "nabian2018",
    "rodrigues2021", "emrich2023", "promac",
)
# neurokit2's ecg_clean has a method of the same name for these; the others use its default.
NK_CLEANING = {"neurokit", "pantompkins1985", "hamilton2002", "elgendi2010", "engzee2012"}
LEADS = {"mitdb": ("MLII", "V5"), "svdb": ("ECG1", "ECG2")}


def detect(name, signal, fs):
    if name.startswith("clean+"):  # SignalCleaner first (band-pass, mains notch), then the detector
        from sklearn_ecg.preprocessing import SignalCleaner

        signal = SignalCleaner(fs=fs).fit_transform(np.asarray(signal)[None, :])[0]
        name = name[len("clean+"):]
    if not name.startswith("nk:"):
        return detect_r_peaks(signal, fs, name)
    import neurokit2 as nk

    method = name[3:]
    cleaned = nk.ecg_clean(signal, sampling_rate=int(round(fs)),
                           method=method if method in NK_CLEANING else "neurokit")
    try:
        _, info = nk.ecg_peaks(cleaned, sampling_rate=int(round(fs)), method=method)
    except Exception:  # noqa: BLE001 - a method that fails on a record finds no beat there
        return np.empty(0, dtype=np.int64)
    return np.asarray(info["ECG_R_Peaks"], dtype=np.int64)


def run_record(database, name, conditions, detectors, minutes, data_home):
    rec = read_mitdb_record(name, data_home, lead=LEADS[database], database=database,
                            sampto=None)
    n = min(rec.signal.size, int(round(minutes * 60 * rec.fs)))
    keep = rec.r_peaks < n
    rec.signal, rec.r_peaks = rec.signal[:n], rec.r_peaks[keep]
    rec.vf_episodes = np.clip(rec.vf_episodes, 0, n)
    noises = {noise: read_nstdb_noise(noise, data_home) for noise in {c[0] for c in conditions if c[0]}}
    rows = []
    seed = int(name) if name.isdigit() else 0
    for noise, snr in conditions:
        stressed = rec if noise is None else make_noise_stress_record(
            rec, noises[noise], snr, channel=seed % 2, offset=(seed * 37) % 1500)
        for detector in detectors:
            start = time.perf_counter()
            peaks = detect(detector, stressed.signal, rec.fs)
            seconds = time.perf_counter() - start
            s = detection_scores(rec.r_peaks, peaks, rec.fs, exclude=rec.vf_episodes)
            rows.append(dict(database=database, record=name, noise=noise or "clean",
                             snr=snr, detector=detector, tp=s["tp"], fn=s["fn"], fp=s["fp"],
                             seconds=seconds * 1800.0 / (n / rec.fs)))
    return rows


def condition_name(noise, snr):
    return "clean" if noise is None else f"{noise} {snr:g}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--detectors", default=",".join([*DETECTORS, *(f"nk:{m}" for m in NK_METHODS)]))
    parser.add_argument("--databases", default="mitdb,svdb")
    parser.add_argument("--records", default=None, help="comma-separated; default all in the data home")
    parser.add_argument("--snrs", default="24,18,12,6,0,-6")
    parser.add_argument("--noises", default="bw,ma")
    parser.add_argument("--minutes", type=float, default=30.0, help="read this much of each record")
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--data-home", default=None)
    parser.add_argument("--out", default=None, help="also write the tables to this file")
    args = parser.parse_args(argv)
    detectors = args.detectors.split(",")
    wanted = set(args.records.split(",")) if args.records else None
    jobs = [(db, r) for db in args.databases.split(",")
            for r in list_mitdb_records(args.data_home, database=db) if wanted is None or r in wanted]
    if not jobs:
        raise SystemExit("no records found: set SKLEARN_ECG_DATA or --data-home")
    snrs = [float(s) for s in args.snrs.split(",") if s]
    conditions = [(None, None)] + [(noise, snr) for noise in args.noises.split(",") if noise
                                   for snr in snrs]
    start = time.perf_counter()
    results = Parallel(n_jobs=args.n_jobs)(
        delayed(run_record)(db, r, conditions, detectors, args.minutes, args.data_home) for db, r in jobs)
    import pandas as pd

    table = pd.DataFrame([row for rows in results for row in rows])
    table["errors"] = table.fn + table.fp
    table["condition"] = [condition_name(None if n == "clean" else n, s)
                          for n, s in zip(table.noise, table.snr)]
    lines = [f"{len(jobs)} records ({', '.join(args.databases.split(','))}), first {args.minutes:g} min "
             f"of each; {len(conditions)} conditions; wall time {time.perf_counter() - start:.0f} s\n"]
    names = [condition_name(n, s) for n, s in conditions]
    for database, part in [("all", table), *table.groupby("database")]:
        errors = part.pivot_table(index="detector", columns="condition", values="errors", aggfunc="sum")
        errors = errors.reindex(index=detectors, columns=names)
        totals = part.groupby("detector")[["tp", "fn", "fp", "errors"]].sum().reindex(detectors)
        secs = part.groupby("detector").seconds.mean().reindex(detectors)
        lines.append(f"\n### {database}: errors (missed + false beats) per condition; Se, +P over all\n")
        lines.append("| detector | " + " | ".join(names) + " | total errors | Se (%) | +P (%) | s / 30 min |")
        lines.append("|---|" + "---:|" * (len(names) + 4))
        for det in detectors:
            t = totals.loc[det]
            se = 100 * t.tp / (t.tp + t.fn) if t.tp + t.fn else float("nan")
            pp = 100 * t.tp / (t.tp + t.fp) if t.tp + t.fp else float("nan")
            cells = " | ".join(f"{int(v):,}" for v in errors.loc[det])
            lines.append(f"| {det} | {cells} | {int(t.errors):,} | {se:.2f} | {pp:.2f} "
                         f"| {secs.loc[det]:.3f} |")
    text = "\n".join(lines)
    print(text)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text + "\n")


if __name__ == "__main__":
    main()
