"""The shipped beat classifier at other rates, on one lead, and its speed.

    SKLEARN_ECG_DATA=../shared/data python benchmarks/bench_beat_model_rates.py

- Agreement: each record (both leads) resampled to 128, 250, 360 and 500 Hz;
  the share of the beats found at both rates whose classes agree with those at
  the record's own rate (the classes of matched beats, within 50 ms).
- One lead against two: the same agreement with the first lead alone, and
  each's gross S and V Se/+P against the annotations (records in the model's
  training data: a consistency check, not a test).
- Paced beats (``--part paced``): the classes the model gives the paced beats
  of the four paced MIT-BIH records (left out of its training; it has no paced
  class).
- Speed: ``predict_record`` on a 30-minute two-lead record after loading (best
  of 3), the time to load the model in a new process, and the wall time of
  ``sklearn-ecg predict RECORD`` in a new process (cold start), with
  ``tensorflow`` checked absent from ``sys.modules``.
"""

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from scipy.signal import resample_poly

sys.path.insert(0, str(Path(__file__).parent))

from _beat_data import _read, records

from sklearn_ecg.datasets import get_data_home
from sklearn_ecg.metrics import match_peaks
from sklearn_ecg.pretrained import load_beat_classifier


def agreement(base, other):
    i, j = match_peaks(np.round(base["time_s"] * 1000), np.round(other["time_s"] * 1000), 1000.0,
                       tolerance=0.05)
    same = base["class"].to_numpy()[i] == other["class"].to_numpy()[j]
    return int(same.sum()), int(i.size), len(base)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--data-home", default=None)
    parser.add_argument("--records", type=int, default=0, help="first N records only (0: all)")
    parser.add_argument("--part", choices=("all", "agreement", "paced", "speed"), default="all",
                        help="the agreement across rates and leads, the paced records, the "
                             "speed, or all three")
    args = parser.parse_args(argv)
    model = load_beat_classifier()
    if args.part in ("all", "agreement"):
        agreement_part(model, args)
    if args.part in ("all", "paced"):
        paced_part(model, args)
    if args.part in ("all", "speed"):
        speed_part(model, args)


def paced_part(model, args):
    """The classes given to the annotated paced beats of the paced MIT-BIH records."""
    keys = records(args.data_home, paced=True)
    counts, n_paced, n_found = {}, 0, 0
    for database, name in keys:
        rec = _read(database, name, args.data_home)
        table = model.predict_record(rec.signal, fs=rec.fs)
        paced = np.flatnonzero(rec.beat_symbols == "/")
        i, j = match_peaks(rec.r_peaks[paced], table["sample"], rec.fs)
        n_paced += paced.size
        n_found += i.size
        for label in table["class"].to_numpy()[j]:
            counts[label] = counts.get(label, 0) + 1
    print(f"\npaced records {[n for _, n in keys]}: {n_paced} paced beats, {n_found} detected; "
          + ", ".join(f"{label} {100 * k / max(n_found, 1):.1f} %"
                      for label, k in sorted(counts.items(), key=lambda kv: -kv[1])))


def agreement_part(model, args):
    """Classes at 128, 250, 360, 500 Hz and on one lead against the record's own."""
    keys = records(args.data_home)
    if args.records:
        keys = keys[: args.records // 2] + keys[-(args.records - args.records // 2):]
    rates = (128, 250, 360, 500)
    totals = {r: [0, 0, 0] for r in rates}
    one = [0, 0, 0]
    per_class = {"two leads": [], "one lead": []}
    for database, name in keys:
        rec = _read(database, name, args.data_home)
        base = model.predict_record(rec.signal, fs=rec.fs)
        for rate in rates:
            x = resample_poly(rec.signal, rate, int(rec.fs), axis=0) if rate != rec.fs else rec.signal
            for k, v in enumerate(agreement(base, model.predict_record(x, fs=rate))):
                totals[rate][k] += v
        single = model.predict_record(rec.signal[:, 0], fs=rec.fs)
        for k, v in enumerate(agreement(base, single)):
            one[k] += v
        for label, table in (("two leads", base), ("one lead", single)):
            i, j = match_peaks(rec.r_peaks, table["sample"], rec.fs)
            per_class[label].append((rec.beat_labels, i, table["class"].to_numpy()[j]))
        print(f"  {database}/{name}", flush=True)
    print("\n| rate (Hz) | beats matched | classes agree |\n|---|---|---|")
    for rate, (same, matched, n) in totals.items():
        print(f"| {rate} | {matched} of {n} ({100 * matched / n:.2f} %) | "
              f"{100 * same / max(matched, 1):.2f} % |")
    print(f"| first lead only | {one[1]} of {one[2]} | {100 * one[0] / max(one[1], 1):.2f} % |")
    print("\n| leads | S Se/+P | V Se/+P |\n|---|---|---|")
    for label, items in per_class.items():
        cells = []
        for c in ("S", "V"):
            tp = sum(int(((lab[i] == c) & (p == c)).sum()) for lab, i, p in items)
            n_true = sum(int((lab == c).sum()) for lab, i, p in items)
            n_pred = sum(int((p == c).sum()) for lab, i, p in items)
            cells.append(f"{100 * tp / max(n_true, 1):.1f}/{100 * tp / max(n_pred, 1):.1f}")
        print(f"| {label} | {cells[0]} | {cells[1]} |")


def speed_part(model, args):
    """predict_record on a 30-minute two-lead record, loading, and the command's cold start."""
    rec = _read("mitdb", "208", args.data_home)
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        model.predict_record(rec.signal, fs=rec.fs)
        times.append(time.perf_counter() - t0)
    print(f"\npredict_record, 30-min two-lead record 208 ({rec.signal.shape}): best of 3 "
          f"{min(times):.2f} s (median {np.median(times):.2f} s)")
    code = ("import sys, time; t=time.perf_counter(); from sklearn_ecg.pretrained import "
            "load_beat_classifier; m=load_beat_classifier(); print(f'{time.perf_counter()-t:.2f}', "
            "'tensorflow' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    print(f"import + load in a new process: {out.stdout.split()[0]} s; tensorflow imported: "
          f"{out.stdout.split()[1]}")
    path = get_data_home(args.data_home) / "mitdb" / "208"
    exe = Path(sys.executable).with_name("sklearn-ecg")
    walls = []
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(2):
            t0 = time.perf_counter()
            subprocess.run([str(exe), "predict", str(path), "--output", f"{folder}/beats.csv"],
                           check=True, capture_output=True)
            walls.append(time.perf_counter() - t0)
    print(f"sklearn-ecg predict {path.name} (new process, wall): {min(walls):.2f} s best of 2")


if __name__ == "__main__":
    main()
