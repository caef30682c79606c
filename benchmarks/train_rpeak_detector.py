"""Train the learned R-peak detector shipped in the package, and measure its recipe.

The recipe: every annotated record of the data home (MIT-BIH Arrhythmia at 360 Hz
and MIT-BIH Supraventricular Arrhythmia at 128 Hz), both leads, each clean and with
noise mixed in at random signal-to-noise ratios from -6 to 24 dB (the NSTDB ``bw`` and
``ma`` records, both together, white noise and a synthetic electrode-motion noise of
random low-frequency bursts), with random artefacts (sentinel samples, spikes, steps,
saturated stretches), random polarity and gain. Windows of 10 s of
:func:`sklearn_ecg.segmentation._learned.cnn_input`; the target of each sample is
whether an annotated beat lies within 40 ms of it; samples inside ventricular flutter
episodes carry no weight. The network: a convolution and residual blocks of dilated
convolutions (receptive field about 2 s), a sigmoid per sample. Seeded, with
TensorFlow's deterministic ops.

``--folds K`` measures the recipe first: K patient-grouped folds, each trained on the
other patients and tested on its own with the noise stress construction of
``bench_rpeak_noise.py`` (clean, ``bw`` and ``ma`` at 24 ... -6 dB), beside the
zero-phase Pan-Tompkins on the same signals; the probability threshold is chosen on
the training patients of each fold. Then (unless ``--no-ship``) it trains on every
record and writes ``sklearn_ecg/segmentation/data/rpeak_cnn.npz``.

Usage::

    SKLEARN_ECG_DATA=../shared/data python benchmarks/train_rpeak_detector.py [--folds 5] [--epochs 6]
"""

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
from bench_rpeak_noise import detect as nk_detect
from scipy.signal import butter, sosfiltfilt
from sklearn.model_selection import GroupKFold
from sklearn.utils import Bunch

from sklearn_ecg.datasets import (
    list_mitdb_records,
    make_noise_stress_record,
    mitdb_patient_id,
    read_mitdb_record,
    read_nstdb_noise,
)
from sklearn_ecg.metrics import detection_scores
from sklearn_ecg.segmentation import detect_r_peaks, refine_peaks
from sklearn_ecg.segmentation._learned import cnn_input, cnn_peaks

WINDOW = 1000  # 10 s at CNN_FS
HALF_WIDTH = 4  # samples (40 ms) on either side of a beat count as "a peak here"
FILTERS, KERNEL, DILATIONS = 16, 7, (1, 2, 4, 8, 16)
SHIPPED = Path(__file__).resolve().parents[1] / "sklearn_ecg" / "segmentation" / "data" / "rpeak_cnn.npz"
SNRS = (24, 18, 12, 6, 0, -6)


def load_records(data_home):
    records = []
    for db in ("mitdb", "svdb"):
        for name in list_mitdb_records(data_home, database=db):
            rec = read_mitdb_record(name, data_home, database=db, all_leads=True,
                                    lead=("MLII", "V5") if db == "mitdb" else "ECG1")
            rec.database = db
            rec.group = mitdb_patient_id(name) if db == "mitdb" else name
            records.append(rec)
    return records


def synthetic_noise(kind, n, fs, rng):
    if kind == "white":
        return rng.normal(size=n)
    # Electrode-motion-like: brown noise band-limited to 0.5-10 Hz, in bursts.
    noise = np.cumsum(rng.normal(size=n))
    noise = sosfiltfilt(butter(2, [0.5, min(10.0, 0.45 * fs)], btype="band", fs=fs, output="sos"), noise)
    bursts = np.repeat(rng.random(n // int(fs) + 1) < 0.5, int(fs))[:n]
    return noise * (0.2 + bursts)


def add_artefacts(x, fs, rng):
    x = x.copy()
    for _ in range(rng.poisson(3)):
        at = rng.integers(0, x.size)
        kind = rng.integers(4)
        if kind == 0:
            x[at] = rng.choice([-9999.0, 9999.0, -32.0, 32.0])
        elif kind == 1:
            x[at:at + int(rng.integers(1, 5))] += rng.normal(0, 20)
        elif kind == 2:
            x[at:] += rng.normal(0, 5)
        else:
            x[at:at + int(rng.uniform(0.5, 5) * fs)] = x[at] + rng.choice([-1, 1]) * 5.0
    return x


def noisy_versions(rec, lead, noises, n_noisy, rng):
    """The lead clean and ``n_noisy`` times with noise, artefacts, polarity and gain."""
    x = rec.signal[:, lead]
    base = Bunch(**rec)
    base.signal = x
    out = [x]
    for _ in range(n_noisy):
        kind = rng.choice(["bw", "ma", "both", "white", "em"])
        snr = rng.uniform(-6, 24)
        period = rng.uniform(20, 240)
        start = rng.uniform(0, 120)
        if kind in ("bw", "ma"):
            stressed = make_noise_stress_record(base, noises[kind], snr, channel=int(rng.integers(2)),
                                                offset=rng.uniform(0, 1700), start=start, period=period)
            y = stressed.signal
        else:
            if kind == "both":
                raw = np.column_stack([
                    make_noise_stress_record(base, noises[m], 0.0, channel=int(rng.integers(2)),
                                             offset=rng.uniform(0, 1700), start=0, period=1e9).signal - x
                    for m in ("bw", "ma")]).sum(axis=1)
            else:
                raw = synthetic_noise(kind, x.size, rec.fs, rng)
            noise = Bunch(signal=raw, fs=rec.fs, name=kind)
            y = make_noise_stress_record(base, noise, snr, start=start, period=period).signal
        y = add_artefacts(y, rec.fs, rng)
        out.append(y * rng.choice([-1.0, 1.0], p=[0.3, 0.7]) * rng.uniform(0.3, 3.0))
    return out


def targets(rec, n_internal):
    ratio = n_internal / rec.signal.shape[0]
    y = np.zeros(n_internal, dtype=np.float32)
    for p in np.round(rec.r_peaks * ratio).astype(int):
        y[max(0, p - HALF_WIDTH):p + HALF_WIDTH + 1] = 1.0
    w = np.ones(n_internal, dtype=np.float32)
    for a, b in np.round(rec.vf_episodes * ratio).astype(int):
        w[a:b] = 0.0
    return y, w


def build_windows(records, noises, n_noisy, rng, keep=1.0):
    """10-s windows of every version of every lead; a share ``keep`` of them, drawn at random."""
    X, Y, W = [], [], []
    for rec in records:
        for lead in range(rec.signal.shape[1]):
            for signal in noisy_versions(rec, lead, noises, n_noisy, rng):
                z = cnn_input(signal, rec.fs)
                y, w = targets(rec, z.size)
                offset = int(rng.integers(WINDOW))
                n = (z.size - offset) // WINDOW
                cut = slice(offset, offset + n * WINDOW)
                chosen = rng.random(n) < keep
                X.append(z[cut].reshape(n, WINDOW)[chosen])
                Y.append(y[cut].reshape(n, WINDOW)[chosen])
                W.append(w[cut].reshape(n, WINDOW)[chosen])
    return np.concatenate(X)[..., None], np.concatenate(Y)[..., None], np.concatenate(W)


def build_network(keras):
    inputs = keras.Input((None, 1))
    h = None
    x = inputs
    for i, d in enumerate(DILATIONS):
        out = keras.layers.Conv1D(FILTERS, KERNEL, dilation_rate=d, padding="same", activation="relu",
                                  name=f"conv_{i}")(x)
        h = out if i == 0 else keras.layers.Add()([h, out])
        x = h
    outputs = keras.layers.Conv1D(1, 1, activation="sigmoid", name="out")(h)
    return keras.Model(inputs, outputs)


def export(model, threshold):
    weights = {"n_layers": np.int64(len(DILATIONS)), "dilations": np.asarray(DILATIONS, dtype=np.int64),
               "threshold": np.float32(threshold)}
    for i in range(len(DILATIONS)):
        kernel, bias = model.get_layer(f"conv_{i}").get_weights()
        weights[f"kernel_{i}"], weights[f"bias_{i}"] = kernel.astype(np.float32), bias.astype(np.float32)
    kernel, bias = model.get_layer("out").get_weights()
    weights["kernel_out"], weights["bias_out"] = kernel.astype(np.float32), bias.astype(np.float32)
    return weights


def train(records, noises, *, epochs, seed, n_noisy, keep, verbose=0):
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()
    rng = np.random.default_rng(seed)
    X, Y, W = build_windows(records, noises, n_noisy, rng, keep)
    model = build_network(keras)
    model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="binary_crossentropy")
    start = time.perf_counter()
    model.fit(X, Y, sample_weight=W, epochs=epochs, batch_size=64, verbose=verbose, shuffle=True)
    seconds = time.perf_counter() - start
    return model, X, Y, W, seconds


def choose_threshold(model, records, weights, noises, rng):
    """The probability threshold with the fewest errors on training records under noise."""
    candidates = (0.3, 0.4, 0.5, 0.6, 0.7)
    errors = dict.fromkeys(candidates, 0)
    for rec in records[::3]:
        for signal in noisy_versions(rec, 0, noises, 1, rng):
            for t in candidates:
                errors[t] += _errors(rec, signal, weights, t)
    return min(candidates, key=lambda t: (errors[t], abs(t - 0.5)))


def detect_cnn(signal, fs, weights, threshold):
    """The learned detector with these weights and threshold, as detect_r_peaks runs it."""
    peaks = cnn_peaks(signal, fs, threshold=threshold, weights=weights)
    return refine_peaks(signal, peaks, fs) if peaks.size else peaks


def _errors(rec, signal, weights, threshold):
    s = detection_scores(rec.r_peaks, detect_cnn(signal, rec.fs, weights, threshold), rec.fs,
                         exclude=rec.vf_episodes)
    return s["fn"] + s["fp"]


def held_out_table(records, weights, threshold, noises, compare=()):
    rows = []
    for rec in records:
        seed = int(rec.record)
        one = Bunch(**rec)
        one.signal = rec.signal[:, 0]
        conditions = [(None, None)] + [(n, s) for n in ("bw", "ma") for s in SNRS]
        for noise, snr in conditions:
            x = one.signal if noise is None else make_noise_stress_record(
                one, noises[noise], snr, channel=seed % 2, offset=(seed * 37) % 1500).signal
            for name in ("cnn", "fast_pan_tompkins", *compare):
                start = time.perf_counter()
                if name == "cnn":
                    peaks = detect_cnn(x, rec.fs, weights, threshold)
                elif name.startswith("nk:"):
                    peaks = nk_detect(name, x, rec.fs)
                else:
                    peaks = detect_r_peaks(x, rec.fs, name)
                seconds = time.perf_counter() - start
                s = detection_scores(rec.r_peaks, peaks, rec.fs, exclude=rec.vf_episodes)
                rows.append(dict(database=rec.database, record=rec.record, detector=name,
                                 condition="clean" if noise is None else f"{noise} {snr:g}",
                                 tp=s["tp"], fn=s["fn"], fp=s["fp"], seconds=seconds))
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=0, help="measure the recipe on K patient-grouped folds")
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--noisy", type=int, default=2, help="noisy copies of each lead")
    parser.add_argument("--keep", type=float, default=0.6, help="share of the windows trained on")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data-home", default=None)
    parser.add_argument("--compare", default="nk:pantompkins1985,nk:kalidas2017",
                        help="other detectors scored on the same held-out signals (bench_rpeak_noise names)")
    parser.add_argument("--no-ship", action="store_true", help="do not train and write the shipped weights")
    parser.add_argument("--out", default=None, help="write the held-out table here too")
    args = parser.parse_args(argv)
    records = load_records(args.data_home)
    if not records:
        raise SystemExit("no records found: set SKLEARN_ECG_DATA or --data-home")
    noises = {n: read_nstdb_noise(n, args.data_home) for n in ("bw", "ma")}
    start = time.perf_counter()
    if args.folds:
        groups = [r.group for r in records]
        rows = []
        for k, (tr, te) in enumerate(GroupKFold(args.folds).split(records, groups=groups)):
            train_records = [records[i] for i in tr]
            model, *_, seconds = train(train_records, noises, epochs=args.epochs, seed=args.seed + k,
                                       n_noisy=args.noisy, keep=args.keep)
            weights = export(model, 0.5)
            threshold = choose_threshold(model, train_records, weights, noises,
                                         np.random.default_rng(1000 + k))
            print(f"fold {k}: trained in {seconds:.0f} s, threshold {threshold}", flush=True)
            rows += held_out_table([records[i] for i in te], weights, threshold, noises,
                                   compare=args.compare.split(",") if args.compare else ())
        report(pd.DataFrame(rows), args, time.perf_counter() - start)
    if not args.no_ship:
        model, *_, seconds = train(records, noises, epochs=args.epochs, seed=args.seed,
                                   n_noisy=args.noisy, keep=args.keep)
        weights = export(model, 0.5)
        threshold = choose_threshold(model, records, weights, noises, np.random.default_rng(999))
        weights["threshold"] = np.float32(threshold)
        SHIPPED.parent.mkdir(exist_ok=True)
        np.savez(SHIPPED, **weights)
        print(f"shipped weights: {SHIPPED} ({SHIPPED.stat().st_size:,} bytes), trained in {seconds:.0f} s, "
              f"threshold {threshold}")


def report(table, args, seconds):
    table["errors"] = table.fn + table.fp
    conditions = ["clean"] + [f"{n} {s:g}" for n in ("bw", "ma") for s in SNRS]
    lines = [f"{args.folds} patient-grouped folds, {table.record.nunique()} records; "
             f"{args.epochs} epochs, {args.noisy} noisy copies; {seconds:.0f} s\n"]
    for database, part in [("all", table), *table.groupby("database")]:
        errors = part.pivot_table(index="detector", columns="condition", values="errors", aggfunc="sum")
        lines.append(f"\n### {database}: held-out errors per condition\n")
        lines.append("| detector | " + " | ".join(conditions) + " | total | Se (%) | +P (%) | s / record |")
        lines.append("|---|" + "---:|" * (len(conditions) + 4))
        for det, t in part.groupby("detector")[["tp", "fn", "fp", "errors"]].sum().iterrows():
            cells = " | ".join(f"{int(v):,}" for v in errors.loc[det, conditions])
            secs = part[part.detector == det].seconds.mean()
            lines.append(f"| {det} | {cells} | {int(t.errors):,} | {100 * t.tp / (t.tp + t.fn):.2f} "
                         f"| {100 * t.tp / (t.tp + t.fp):.2f} | {secs:.3f} |")
    text = "\n".join(lines)
    print(text, flush=True)
    if args.out:
        Path(args.out).write_text(text + "\n")


if __name__ == "__main__":
    main()
