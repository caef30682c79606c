"""Command line of sklearn-ecg: ``python -m sklearn_ecg`` or ``sklearn-ecg``.

``demo`` runs the main job on the sample bundled with the package (no download);
``detect`` and ``segment`` turn one WFDB record or CSV file into R peaks or beats.
Every input error ends with one line on standard error and exit code 2.
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

_EPILOG = "Run 'sklearn-ecg COMMAND --help' for the options of a command."


def _say(message):
    print(message, flush=True)


def _fill_gaps(signal, source):
    """Bridge missing samples by linear interpolation, so detectors see one signal."""
    missing = np.isnan(signal)
    if missing.all():
        raise ValueError(f"{source} holds no valid sample")
    if missing.any():
        index = np.arange(signal.size)
        signal = signal.copy()
        signal[missing] = np.interp(index[missing], index[~missing], signal[~missing])
        _say(f"{source}: {missing.sum()} missing samples filled by linear interpolation")
    return signal


def _read_signal(path, *, lead=None, column=None, fs=None):
    """One lead of a WFDB record or one column of a CSV file, with its sampling rate."""
    from .datasets._base import _pick_channel

    path = Path(path)
    wfdb_suffixes = {".hea", ".dat", ".atr"}
    if path.suffix in wfdb_suffixes or (path.suffix == "" and path.with_suffix(".hea").exists()):
        import wfdb

        base = path.with_suffix("")
        if not base.with_suffix(".hea").exists():
            raise FileNotFoundError(f"no WFDB header {base.with_suffix('.hea')}")
        record = wfdb.rdrecord(str(base))
        index = _pick_channel(
            record.sig_name, lead or ("MLII", record.sig_name[0]), what=f"record {base.name}",
            argument="--lead",
        )
        if fs is not None and float(fs) != float(record.fs):
            raise ValueError(f"--fs {fs:g} disagrees with the record's header ({record.fs} Hz)")
        signal = record.p_signal[:, index].astype(float)
        return _fill_gaps(signal, base.name), float(record.fs), record.sig_name[index]
    if not path.exists():
        raise FileNotFoundError(f"no such file: {path}")
    import pandas as pd

    try:
        frame = pd.read_csv(path)
    except Exception as exc:  # pandas raises many types for unreadable files
        raise ValueError(f"cannot read {path} as CSV: {exc}") from None
    numeric = frame.select_dtypes("number")
    if numeric.shape[1] == 0:
        raise ValueError(f"{path} has no numeric column to read a signal from")
    if column is None:
        column = numeric.columns[0]
    if column not in numeric.columns:
        raise ValueError(
            f"--column {column!r} is not a numeric column of {path}; available: {list(numeric.columns)}"
        )
    if fs is None:
        raise ValueError("--fs is required for a CSV file (samples per second)")
    return _fill_gaps(numeric[column].to_numpy(dtype=float), path.name), float(fs), column


def _segmenter(args, fs):
    from .segmentation import RPeakSegmenter

    return RPeakSegmenter(
        fs=fs, detector=args.detector, before=args.before, after=args.after,
        n_samples=args.n_samples,
    )


def _cmd_detect(args):
    signal, fs, lead = _read_signal(args.input, lead=args.lead, column=args.column, fs=args.fs)
    from .segmentation import detect_r_peaks

    start = time.perf_counter()
    peaks = detect_r_peaks(signal, fs, args.detector)
    elapsed = time.perf_counter() - start
    lines = ["sample,time_s"] + [f"{p},{p / fs:.4f}" for p in peaks]
    _write_text(args.output, "\n".join(lines) + "\n")
    rate = 60 * (len(peaks) - 1) / ((peaks[-1] - peaks[0]) / fs) if len(peaks) > 1 else float("nan")
    _say(f"{len(peaks)} R peaks in {lead} ({len(signal) / fs:.1f} s, mean heart rate {rate:.0f} bpm) "
         f"found by {args.detector} in {elapsed:.2f} s")


def _write_text(output, text):
    if output is None:
        sys.stdout.write(text)
    else:
        Path(output).write_text(text)
        _say(f"wrote {output}")


def _cmd_segment(args):
    signal, fs, lead = _read_signal(args.input, lead=args.lead, column=args.column, fs=args.fs)
    result = _segmenter(args, fs).segment(signal)
    table = np.column_stack([result.peaks, result.beats, result.rr])
    names = ["sample"] + list(result.feature_names)
    output = Path(args.output)
    if output.suffix == ".npz":
        np.savez_compressed(output, X=result.beats, rr=result.rr, peaks=result.peaks,
                            feature_names=result.feature_names.astype(str), fs=fs)
    else:
        np.savetxt(output, table, delimiter=",", header=",".join(names), comments="", fmt="%.6g")
    _say(f"{len(result.beats)} beats of {lead} written to {output} "
         f"({len(result.dropped)} too near an end of the signal left out)")


def _cmd_demo(args):
    from .datasets import load_mitdb_sample, make_beat_dataset
    from .segmentation import evaluate_detector

    output = Path(args.output)
    output.mkdir(parents=True, exist_ok=True)
    steps = 4
    _say(f"[1/{steps}] Reading the MIT-BIH sample bundled with sklearn-ecg "
         "(Moody & Mark 2001, PhysioNet, ODC-By 1.0)")
    records = load_mitdb_sample()
    minutes = sum(r.signal.size / r.fs for r in records) / 60
    _say(f"      {len(records)} records, {minutes:.0f} minutes of lead MLII, "
         f"{sum(r.beat_samples.size for r in records)} annotated beats")

    _say(f"[2/{steps}] Detecting R peaks with {args.detector} and scoring them (AAMI EC57, 150 ms)")
    table = evaluate_detector(records, args.detector)
    _say("      record  beats  Se (%)  +P (%)  error (ms)  time (s)")
    for name, row in table.iterrows():
        _say(f"      {name:>6}  {int(row.beats):5d}  {100 * row.sensitivity:6.2f}  "
             f"{100 * row.positive_predictivity:6.2f}  {row.mean_abs_error_ms:10.1f}  {row.seconds:8.2f}")
    _say("      (the time of the total row is per 30 minutes of signal)")

    _say(f"[3/{steps}] Cutting beats around the detected peaks (labels from the annotations)")
    # The four classes of the AAMI evaluation protocol: Q beats are too rare to learn.
    data = make_beat_dataset(records, peaks=args.detector, before=0.25, after=0.45,
                             n_samples=187, classes=("N", "S", "V", "F"))
    classes, counts = np.unique(data.y, return_counts=True)
    _say(f"      {len(data.y)} beats x {data.X.shape[1]} samples + {data.rr.shape[1]} RR features, "
         f"{len(set(data.groups))} patients")
    _say("      class counts: " + ", ".join(f"{c} {n}" for c, n in zip(classes, counts)))
    _say("      left out: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in data.counts.items()))
    np.savez_compressed(output / "beats.npz", X=data.X, y=data.y, groups=data.groups, rr=data.rr,
                        rr_feature_names=data.rr_feature_names.astype(str))

    _say(f"[4/{steps}] Patient-grouped evaluation of a classical baseline "
         "(RR features + down-sampled beat, logistic regression)")
    _evaluate_baseline(data, output)
    _say(f"Done. Outputs are in {output.resolve()}")


def _evaluate_baseline(data, output):
    import joblib
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import classification_report
    from sklearn.model_selection import cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from .model_selection import PairGroupKFold
    from .preprocessing import BeatNormalizer

    n_beat = data.X.shape[1]
    features = ColumnTransformer([
        ("beat", BeatNormalizer("zscore", n_samples=32), slice(0, n_beat)),
        ("rr", StandardScaler(), slice(n_beat, None)),
    ])
    model = make_pipeline(features, LogisticRegression(class_weight="balanced", max_iter=2000))
    X = np.hstack([data.X, data.rr])
    n_patients = len(set(data.groups))
    cv = PairGroupKFold(n_splits=min(4, n_patients))
    predicted = cross_val_predict(model, X, data.y, groups=data.groups, cv=cv)
    _say(f"      {cv.get_n_splits()}-fold cross-validation, no patient on both sides "
         "(recall = sensitivity, precision = positive predictivity):")
    report = classification_report(data.y, predicted, digits=3, zero_division=0)
    _say("\n".join("      " + line for line in report.splitlines()))
    model.fit(X, data.y)
    path = output / "baseline_pipeline.joblib"
    joblib.dump(model, path)
    again = joblib.load(path)
    same = np.array_equal(again.predict(X[:100]), model.predict(X[:100]))
    _say(f"      fitted pipeline saved to {path}; reloaded, it predicts the same: {same}")


def _parser():
    from .segmentation import DETECTORS

    parser = argparse.ArgumentParser(
        prog="sklearn-ecg", description="ECG machine learning for scikit-learn.", epilog=_EPILOG
    )
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="run the main job on the bundled sample")
    demo.add_argument("--output", default="sklearn-ecg-output", help="folder for the outputs")
    demo.add_argument("--detector", default="fast_pan_tompkins", choices=DETECTORS)
    demo.set_defaults(func=_cmd_demo)

    for name, func, text in [
        ("detect", _cmd_detect, "write the R peaks of a WFDB record or CSV file as CSV"),
        ("segment", _cmd_segment, "write the beats and RR features of a WFDB record or CSV file"),
    ]:
        cmd = sub.add_parser(name, help=text, description=text)
        cmd.add_argument("input", help="a WFDB record (path with or without .hea) or a CSV file")
        cmd.add_argument("--lead", help="WFDB signal name (default MLII if present, else the first)")
        cmd.add_argument("--column", help="CSV column (default the first numeric one)")
        cmd.add_argument("--fs", type=float, help="sampling frequency in Hz (required for CSV)")
        cmd.add_argument("--detector", default="fast_pan_tompkins", choices=DETECTORS)
        cmd.set_defaults(func=func)
        if name == "segment":
            cmd.add_argument("--before", type=float, default=0.25, help="seconds before the R peak")
            cmd.add_argument("--after", type=float, default=0.45, help="seconds after the R peak")
            cmd.add_argument("--n-samples", type=int, default=None, help="resample beats to this length")
            cmd.add_argument("--output", required=True, help="output file, .csv or .npz")
        else:
            cmd.add_argument("--output", help="output CSV (default: standard output)")
    return parser


def main(argv=None):
    """Entry point of the ``sklearn-ecg`` command."""
    args = _parser().parse_args(argv)
    try:
        args.func(args)
    except (FileNotFoundError, ValueError, OSError) as exc:
        print(f"sklearn-ecg {args.command}: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
