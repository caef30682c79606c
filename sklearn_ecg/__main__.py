"""Command line of sklearn-ecg: ``python -m sklearn_ecg`` or ``sklearn-ecg``.

``demo`` runs the main job on the samples bundled with the package (no download):
signal reports, R-peak detection, beats, a baseline and a CNN evaluated on unseen
patients, a Siamese similarity model, plots and saved pipelines. ``report``
summarises the quality of each channel of a CSV recording; ``detect`` and
``segment`` turn one WFDB record or CSV file into R peaks or beats.
Every input error ends with one line on standard error and exit code 2.
"""

import argparse
import logging
import sys
import time
from pathlib import Path

import numpy as np

_EPILOG = "Run 'sklearn-ecg COMMAND --help' for the options of a command."
_PLOT_EXTRA = 'pip install "sklearn-ecg[plot]"'
_INDENT = "      "


def _say(message):
    print(message, flush=True)


def _say_err(message):
    print(message, file=sys.stderr, flush=True)


def _check_fs_option(fs):
    """``--fs`` as a float, or None; one clear error for zero, negative or NaN."""
    from .utils import check_fs

    return None if fs is None else check_fs(fs, "--fs")


def _read_signal(path, *, lead=None, column=None, fs=None, say=_say):
    """One lead of a WFDB record or one column of a CSV file, gaps filled (and said)."""
    from .datasets._signal_file import _read_signal as read
    from .utils import fill_gaps

    fs = _check_fs_option(fs)
    rec = read(path, lead=lead, column=column, fs=fs, options=("--lead", "--column", "--fs"))
    rec.signal, n_filled = fill_gaps(rec.signal, rec.record)
    if n_filled:
        say(f"{rec.record}: {n_filled} missing samples filled by linear interpolation")
    return rec


def _segmenter(args, fs):
    from .segmentation import RPeakSegmenter

    return RPeakSegmenter(
        fs=fs, detector=args.detector, before=args.before, after=args.after,
        n_samples=args.n_samples,
    )


def _inputs(args):
    """The records the inputs name: a folder gives its WFDB records and CSV files."""
    found = []
    for path in map(Path, args.inputs):
        if path.is_dir():
            inside = sorted(p for p in path.iterdir() if p.suffix == ".hea"
                            or p.name.endswith((".csv", ".csv.gz")))
            if not inside:
                raise ValueError(f"{path} holds no WFDB record (.hea) or CSV file")
            found += [p.with_suffix("") if p.suffix == ".hea" else p for p in inside]
        else:
            found.append(path)
    return found


def _cmd_detect(args):
    import pandas as pd

    from .segmentation import RPeakSegmenter, detect_r_peaks

    inputs = _inputs(args)
    # With the peaks on standard output, what is said goes to standard error.
    say = _say if args.output is not None else _say_err
    progress = _Progress(len(inputs), unit="R peaks") if len(inputs) > 1 else None
    tables = []
    for path in inputs:
        rec = _read_signal(path, lead=args.lead, column=args.column, fs=args.fs, say=say)
        signal, fs = rec.signal, rec.fs
        start = time.perf_counter()
        peaks = detect_r_peaks(signal, fs, args.detector)
        elapsed = time.perf_counter() - start
        table = pd.DataFrame({"sample": peaks, "time_s": peaks / fs})
        if len(inputs) > 1:
            table.insert(0, "record", rec.record)
        tables.append(table)
        if len(peaks) > 1:
            rate = f"mean heart rate {60 * (len(peaks) - 1) / ((peaks[-1] - peaks[0]) / fs):.0f} bpm"
        else:
            rate = "no heart rate: fewer than two R peaks"
        say(f"{len(peaks)} R peaks in {rec.record} {rec.lead} ({len(signal) / fs:.1f} s, {rate}) "
            f"found by {args.detector} in {elapsed:.2f} s")
        if len(peaks) > 1:
            cut = RPeakSegmenter(fs=fs, edge="pad").segment(signal, peaks=peaks)
            alike = float(np.median(cut.template_corr))
            # White noise gives about 0.1 and 70 %; every record of MIT-BIH DS1 and
            # ECG-ID (26 and 227 records of the data home) is above one bound or the other.
            verdict = "; these detections look like noise, not heartbeats" if (
                alike < 0.3 and cut.plausible_rr < 0.85) else ""
            say(f"signal quality: beats' median correlation with their median beat {alike:.2f}, "
                f"{100 * cut.plausible_rr:.0f}% of intervals between 0.24 and 2 s{verdict}")
        if progress is not None:
            progress.step(rec.record, len(peaks))
    table = pd.concat(tables, ignore_index=True)
    _write_text(args.output, table.to_csv(index=False, float_format="%.4f"), say=say)


def _write_text(output, text, say=_say):
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        Path(output).write_text(text)
        say(f"wrote {output}")


def _beat_labels(path, peaks, fs, n_samples):
    """The AAMI class of each cut beat of an annotated WFDB record ("" where none matches).

    None when ``path`` is not a WFDB record with a ``.atr`` file.
    """
    from .datasets import aami_class, is_beat
    from .datasets._base import read_wfdb_annotations
    from .datasets._signal_file import _is_wfdb
    from .metrics import match_peaks

    base = Path(path).with_suffix("")
    if not (_is_wfdb(path) and base.with_suffix(".atr").is_file()):
        return None
    ann = read_wfdb_annotations(base, "atr", n_samples)
    symbols = np.asarray(ann.symbol, dtype=str)
    beats = is_beat(symbols)
    reference, symbols = np.asarray(ann.sample)[beats], symbols[beats]
    labels = np.full(len(peaks), "", dtype=object)
    ref_idx, det_idx = match_peaks(reference, peaks, fs)
    labels[det_idx] = aami_class(symbols[ref_idx])
    return labels


def _cmd_segment(args):
    import pandas as pd

    if Path(args.output).suffix not in (".csv", ".npz"):
        raise ValueError(f"--output must end in .csv or .npz, got {Path(args.output).name}")
    inputs = _inputs(args)
    progress = _Progress(len(inputs)) if len(inputs) > 1 else None
    parts = []
    for path in inputs:
        rec = _read_signal(path, lead=args.lead, column=args.column, fs=args.fs)
        result = _segmenter(args, rec.fs).segment(rec.signal)
        labels = _beat_labels(path, result.peaks, rec.fs, len(rec.signal))
        if parts and result.beats.shape[1] != parts[0][1].beats.shape[1]:
            raise ValueError(
                f"{rec.record} gives beats of {result.beats.shape[1]} samples, "
                f"{parts[0][0].record} of {parts[0][1].beats.shape[1]} (other sampling rates): "
                "give --n-samples to resample them all to one length"
            )
        parts.append((rec, result, labels))
        described = "" if labels is None else (
            f", labelled from the annotations ({int((labels != '').sum())} matched)")
        _say(f"{len(result.beats)} beats of {rec.record} {rec.lead}{described} "
             f"({len(result.dropped)} too near an end of the signal left out)")
        if progress is not None:
            progress.step(rec.record, len(result.beats))
    several = len(parts) > 1
    labelled = any(labels is not None for _, _, labels in parts)
    # Records without annotations have no label ("") in a table of several.
    all_labels = np.concatenate([
        labels if labels is not None else np.full(len(result.peaks), "", dtype=object)
        for _, result, labels in parts]) if labelled else None
    records = np.concatenate([np.full(len(result.peaks), rec.record, dtype=object)
                              for rec, result, _ in parts])
    beats = np.concatenate([result.beats for _, result, _ in parts])
    rr = np.concatenate([result.rr for _, result, _ in parts])
    peaks = np.concatenate([result.peaks for _, result, _ in parts])
    names = parts[0][1].feature_names
    output = Path(args.output)
    if output.suffix == ".npz":
        extra = {} if all_labels is None else {"labels": all_labels.astype(str)}
        if several:
            extra["records"] = records.astype(str)
        np.savez_compressed(output, X=beats, rr=rr, peaks=peaks,
                            feature_names=names.astype(str),
                            fs=np.array([rec.fs for rec, _, _ in parts]) if several
                            else parts[0][0].fs, **extra)
    else:
        table = pd.DataFrame(np.hstack([beats, rr]), columns=list(names))
        table.insert(0, "sample", peaks)
        if all_labels is not None:
            # The annotated AAMI class of each beat, empty for a detection no beat matches.
            table.insert(1, "label", all_labels)
        if several:
            table.insert(0, "record", records)
        table.to_csv(output, index=False, float_format="%.6g")
    _say(f"{len(beats)} beats written to {output}")


# -- predict -------------------------------------------------------------------


def _load_record_model(path):
    """A saved RecordBeatClassifier: skops files loaded safely, others with joblib."""
    from .pipeline import RecordBeatClassifier

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no such model file: {path}")
    if path.suffix == ".skops":
        from .utils import load_model

        model = load_model(path)
    else:
        import joblib

        try:
            model = joblib.load(path)
        except Exception as exc:  # noqa: BLE001 - unpickling raises anything
            raise ValueError(f"cannot load {path} as a joblib model: {exc}") from None
    if not isinstance(model, RecordBeatClassifier):
        raise ValueError(
            f"{path.name} holds a {type(model).__name__}, not a RecordBeatClassifier: a beat "
            "model alone does not know how to cut records (sklearn_ecg.pipeline."
            "RecordBeatClassifier wraps one with its segmentation; the demo saves one)"
        )
    return model


class _Progress:
    """A one-line progress bar on standard error (a line per record when not a terminal)."""

    def __init__(self, total, unit="beats"):
        self.total, self.unit, self.count, self.done = total, unit, 0, 0
        self.start = time.perf_counter()
        self.tty = sys.stderr.isatty()

    def __call__(self, done, total, table):
        """The progress callback of ``predict_records``."""
        name = table["record"].iloc[0] if len(table) else "a record without beats"
        self.step(name, len(table))

    def step(self, name, count):
        self.done += 1
        self.count += count
        width = 24
        filled = width * self.done // self.total
        line = (f"[{'#' * filled}{'-' * (width - filled)}] {self.done}/{self.total} records, "
                f"{self.count} {self.unit} ({time.perf_counter() - self.start:.1f} s; last {name})")
        end = "\n" if self.done == self.total else ""
        sys.stderr.write(("\r" + line + end) if self.tty else line + "\n")
        sys.stderr.flush()


def _cmd_predict(args):
    import functools

    from .pipeline import predict_records
    from .utils import set_inference

    fs = _check_fs_option(args.fs)
    output = None if args.output is None else Path(args.output)
    if output is not None and output.suffix not in (".csv", ".parquet"):
        raise ValueError(f"--output must end in .csv or .parquet, got {output.name}")
    if output is not None and output.suffix == ".parquet":
        import importlib.util

        if importlib.util.find_spec("pyarrow") is None:
            raise ImportError("--output .parquet needs pyarrow: pip install pyarrow")
    inputs = _inputs(args)
    model = _load_record_model(args.model)
    if args.inference != "saved":
        set_inference(model, args.inference)
    # The table goes to standard output or a file; what the reader says, to standard error.
    reader = functools.partial(_read_signal, say=_say_err, lead=args.lead or model.lead_,
                               column=args.column, fs=fs)
    client = None
    if args.scheduler:
        from distributed import Client

        client = Client(args.scheduler)
    start = time.perf_counter()
    try:
        table = predict_records(model, [str(p) for p in inputs], reader=reader, client=client,
                                progress=_Progress(len(inputs)))
    finally:
        if client is not None:
            client.close()
    elapsed = time.perf_counter() - start
    if output is None:
        table.to_csv(sys.stdout, index=False, float_format="%.6g")
    elif output.suffix == ".parquet":
        table.to_parquet(output, index=False)
    else:
        table.to_csv(output, index=False, float_format="%.6g")
    counts = table["class"].value_counts()
    print(f"{len(table)} beats of {len(inputs)} record{'s' * (len(inputs) != 1)} classified in "
          f"{elapsed:.2f} s ({args.inference} inference): "
          + ", ".join(f"{c} {counts.get(c, 0)}" for c in model.classes_)
          + (f"; written to {output}" if output is not None else ""), file=sys.stderr)


# -- report --------------------------------------------------------------------


def _read_recording(path, fs=None):
    """A recording as a DataFrame of its channels and its sampling rate.

    A WFDB record gives all its signals at its header's rate. A jacket CSV
    (columns ``ecg1`` ... ``ecg5``) is read by ``read_garment_csv``, at 500 Hz
    unless ``fs`` says otherwise; any other CSV gives its numeric columns and
    needs ``fs``.
    """
    import pandas as pd

    from .datasets import read_garment_csv
    from .datasets._base import read_wfdb_header, read_wfdb_signals
    from .datasets._signal_file import _is_wfdb

    fs = _check_fs_option(fs)
    path = Path(path)
    if _is_wfdb(path):
        base = path.with_suffix("")
        header = read_wfdb_header(base)
        if fs is not None and fs != float(header.fs):
            raise ValueError(f"--fs {fs:g} disagrees with the record's header ({header.fs} Hz)")
        record = read_wfdb_signals(base)
        return pd.DataFrame(record.p_signal, columns=list(header.sig_name)), float(header.fs)
    if not path.exists():
        raise FileNotFoundError(f"no such file: {path}")
    if path.is_dir():
        raise ValueError(f"{path} is a folder, not a CSV file")
    try:
        frame = read_garment_csv(path, **({} if fs is None else {"fs": fs}))
        return frame, frame.attrs["fs"]
    except Exception:  # noqa: BLE001
        # Not a jacket CSV (or not readable at all, e.g. a corrupt .gz raises
        # zlib.error): read its numeric columns, which says what is wrong if anything.
        pass
    from .datasets._signal_file import _read_numeric_csv

    frame = _read_numeric_csv(path)
    if fs is None:
        raise ValueError(
            f"--fs is required for {path.name}, a CSV file without the jacket's "
            "ecg1 ... ecg5 columns (samples per second)"
        )
    return frame, fs


def _report_lines(report, labels=None):
    """A signal report as a few aligned lines, shares in percent."""
    # (header, column of the report, scale, format); each cell as wide as its header
    columns = [("missing %", "missing_share", 100, ".1f"), ("min", "min", 1, ".3g"),
               ("max", "max", 1, ".3g"), ("flat %", "flat_share", 100, ".1f"),
               ("saturated %", "saturated_share", 100, ".1f"),
               ("outlying %", "outlier_share", 100, ".1f"), ("beats", "n_beats", 1, ".0f"),
               ("bpm", "heart_rate", 1, ".0f")]
    widths = [max(len(header), 9 if spec == ".3g" else 4) for header, _, _, spec in columns]
    labels = [str(c) for c in report.index] if labels is None else labels
    first = max(len("channel"), *map(len, labels))
    lines = [f"{'channel':<{first}}" + "".join(
        f"  {header:>{width}}" for (header, *_), width in zip(columns, widths))]
    for label, (_, row) in zip(labels, report.iterrows()):
        cells = []
        for (_, name, scale, spec), width in zip(columns, widths):
            value = row[name]
            text = "n/a" if value != value else format(scale * value, spec)  # NaN != NaN
            cells.append(f"  {text:>{width}}")
        lines.append(f"{label:<{first}}" + "".join(cells))
    return lines


def _cmd_report(args):
    frame, fs = _read_recording(args.input, fs=args.fs)
    from .inspection import signal_report, write_html_report

    report = signal_report(frame, fs, detector=args.detector)
    info = report.attrs
    _say(f"{Path(args.input).name}: {len(report)} channels, {info['n_rows']} rows, "
         f"{info['duration']:.1f} s at {fs:g} Hz; rows with a missing channel: "
         f"{info['n_rows_with_missing']}, with all missing: {info['n_rows_all_missing']}")
    for line in _report_lines(report):
        _say("  " + line)
    _say(f"  (outlying: |x - mean| > 3 std; beats and heart rate found by {args.detector})")
    if args.html is not None:
        write_html_report(frame, args.html, fs, detector=args.detector,
                          title=f"Signal report of {Path(args.input).name}")
        _say(f"wrote {args.html}")


# -- demo ----------------------------------------------------------------------


class _Demo:
    """What the steps of the demo share: the options, the results so far, the files written."""

    def __init__(self, args):
        self.args = args
        self.output = Path(args.output)
        self.files = []
        self.summary = []
        self.plt = None  # matplotlib.pyplot once plots are known to work

    def save(self, figure, name):
        """Write a figure as PNG to the output folder and close it."""
        path = self.output / name
        figure.savefig(path, dpi=100)
        self.plt.close(figure)
        self.files.append(path)


def _start_plots():
    """matplotlib.pyplot on the file-only Agg backend, or None with one line saying why."""
    try:
        import matplotlib
    except ImportError:
        _say(f"Plots and the HTML report are skipped: matplotlib is not installed "
             f"({_PLOT_EXTRA} adds it).")
        return None
    matplotlib.use("Agg")  # the demo only writes files; no window should open
    import matplotlib.pyplot as plt

    return plt


def _demo_read(demo):
    from .datasets import load_mitdb_sample

    demo.records = load_mitdb_sample()
    minutes = sum(r.signal.size / r.fs for r in demo.records) / 60
    _say(f"{_INDENT}{len(demo.records)} records, {minutes:.0f} minutes of lead MLII, "
         f"{sum(r.beat_samples.size for r in demo.records)} annotated beats")


def _demo_report(demo):
    import pandas as pd

    from .datasets import load_garment_sample
    from .inspection import SignalDisplay, signal_report, write_html_report

    detector = demo.args.detector
    jacket = load_garment_sample("sitting")
    record = next(r for r in demo.records if str(r.record) == "208")
    lead = pd.Series(record.signal, name=f"{record.record} {record.lead}")
    jacket_report = signal_report(jacket, detector=detector)
    record_report = signal_report(lead, record.fs, detector=detector)
    _say(f"{_INDENT}jacket sample (sitting, {jacket.shape[1]} channels, "
         f"{jacket_report.attrs['duration']:.0f} s at {jacket.attrs['fs']:g} Hz, volts) and "
         f"MIT-BIH record {record.record} ({record_report.attrs['duration']:.0f} s at "
         f"{record.fs:g} Hz, mV):")
    report = pd.concat([jacket_report, record_report])
    labels = [f"jacket {c}" for c in jacket_report.index] + [f"MIT-BIH {c}" for c in record_report.index]
    for line in _report_lines(report, labels):
        _say(_INDENT + line)
    if demo.plt is None:
        return
    path = demo.output / "signal_report.html"
    write_html_report(jacket, path, detector=detector,
                      title="Signal report of the jacket sample (sitting, 10 s)")
    demo.files.append(path)
    display = SignalDisplay.from_signal(
        jacket, window=0.5,
        title="Jacket sample, sitting: the 5 ECG channels over 10 s, with a 0.5-s rolling mean",
    )
    demo.save(display.figure_, "jacket_channels.png")


def _worst_window(records, detector, seconds=10.0):
    """The record and the stretch of ``seconds`` where the detector errs most.

    Ventricular flutter episodes, which have no beats to find and which the
    scoring leaves out, are left out here too.
    """
    from .metrics import in_intervals, match_peaks
    from .segmentation import detect_r_peaks

    best = None
    for record in records:
        peaks = detect_r_peaks(record.signal, record.fs, detector)
        ref_idx, det_idx = match_peaks(record.beat_samples, peaks, record.fs)
        errors = np.sort(np.concatenate([np.delete(record.beat_samples, ref_idx),
                                         np.delete(peaks, det_idx)]))
        flutter = np.asarray(record.vf_episodes, dtype=np.int64).reshape(-1, 2)
        errors = errors[~in_intervals(errors, flutter)]
        length = int(seconds * record.fs)
        for error in errors:
            # Start 2 s before an error, so that it is seen in its context.
            start = int(np.clip(error - 2 * record.fs, 0, record.signal.size - length))
            if np.any((flutter[:, 0] < start + length) & (flutter[:, 1] > start)):
                continue
            count = np.count_nonzero((errors >= start) & (errors < start + length))
            if best is None or count > best[0]:
                best = (count, record, start, peaks)
    if best is None:  # no error anywhere: show the start of the first record
        record = records[0]
        return record, 0, detect_r_peaks(record.signal, record.fs, detector)
    return best[1:]


def _demo_detect(demo):
    from .inspection import RPeakDisplay
    from .segmentation import evaluate_detector

    table = evaluate_detector(demo.records, demo.args.detector)
    _say(f"{_INDENT}record  beats  Se (%)  +P (%)  error (ms)  time (s)")
    for name, row in table.iterrows():
        _say(f"{_INDENT}{name:>6}  {int(row.beats):5d}  {100 * row.sensitivity:6.2f}  "
             f"{100 * row.positive_predictivity:6.2f}  {row.mean_abs_error_ms:10.1f}  {row.seconds:8.2f}")
    _say(f"{_INDENT}(the time of the total row is per 30 minutes of signal)")
    total = table.loc["total"]
    demo.summary.append(
        f"R-peak detection ({demo.args.detector}): Se {100 * total.sensitivity:.2f}%, "
        f"+P {100 * total.positive_predictivity:.2f}% on {int(total.beats)} annotated beats"
    )
    if demo.plt is None:
        return
    record, start, peaks = _worst_window(demo.records, demo.args.detector)
    stop = start + int(10 * record.fs)
    display = RPeakDisplay(
        record.signal[start:stop], peaks[(peaks >= start) & (peaks < stop)] - start, record.fs,
        reference=record.beat_samples[(record.beat_samples >= start) & (record.beat_samples < stop)] - start,
        detector_name=demo.args.detector, start=start / record.fs,
    ).plot()
    display.ax_.set_title(f"MIT-BIH record {record.record}, the 10 s where {demo.args.detector} "
                          f"errs most: {display.ax_.get_title().split(': ', 1)[1]}")
    display.ax_.margins(x=0.01)
    demo.save(display.figure_, "r_peaks.png")


def _demo_beats(demo):
    from .datasets import make_beat_dataset
    from .inspection import BeatsDisplay
    from .pipeline._record import relative_feature_names, relative_morphology
    from .utils._vocabulary import AAMI_EVALUATION_CLASSES

    # The four classes of the AAMI evaluation protocol: Q beats are too rare to learn.
    before, after = 0.25, 0.45
    data = make_beat_dataset(demo.records, peaks=demo.args.detector, before=before, after=after,
                             n_samples=187, classes=AAMI_EVALUATION_CLASSES)
    data.before, data.after = before, after
    # Each beat's morphology against its own patient's median beat: what makes a beat
    # ectopic is how it differs from that patient's usual beat. Computed per record,
    # without labels, so it is the same for training and unseen patients.
    data.relative = relative_morphology(data.X, data.record, fs=data.X.shape[1] / (before + after),
                                        r_offset=before)
    data.relative_names = np.asarray(relative_feature_names(), dtype=object)
    demo.beats = data
    classes, counts = np.unique(data.y, return_counts=True)
    _say(f"{_INDENT}{len(data.y)} beats x {data.X.shape[1]} samples + {data.rr.shape[1]} RR features, "
         f"{len(set(data.groups))} patients")
    _say(f"{_INDENT}class counts: " + ", ".join(f"{c} {n}" for c, n in zip(classes, counts)))
    _say(f"{_INDENT}left out: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in data.counts.items()))
    path = demo.output / "beats.npz"
    np.savez_compressed(path, X=data.X, y=data.y, groups=data.groups, rr=data.rr,
                        rr_feature_names=data.rr_feature_names.astype(str),
                        relative=data.relative, relative_names=data.relative_names.astype(str))
    demo.files.append(path)
    if demo.plt is None:
        return
    display = BeatsDisplay.from_beats(
        data.X, data.y, fs=data.X.shape[1] / (before + after),
        title=f"The {len(data.y)} beats of the MIT-BIH sample by AAMI class, median beat in bold",
    )
    display.ax_.axvline(before, color="0.5", linewidth=0.8, linestyle=":")
    demo.save(display.figure_, "beats_by_class.png")


def _aami_lines(y_true, predictions):
    """Per-class sensitivity and positive predictivity of several models, side by side."""
    from .metrics import aami_macro_f1, aami_report

    reports = {name: aami_report(y_true, y_pred) for name, y_pred in predictions.items()}
    first = next(iter(reports.values()))

    def percent(value):
        return f"{'n/a' if value != value else format(100 * value, '.1f'):>7}"

    # Each model gets a column of 17 characters: "   Se (%)  +P (%)".
    lines = [" " * 12 + "".join(f"{name[:15]:>17}" for name in reports),
             "class  beats" + "   Se (%)  +P (%)" * len(reports)]
    for label in first.index:
        cells = "".join(f"  {percent(r.loc[label, 'sensitivity'])} "
                        f"{percent(r.loc[label, 'positive_predictivity'])}" for r in reports.values())
        lines.append(f"{label:>5}  {int(first.loc[label, 'support']):5d}{cells}")
    f1 = "".join(f"{aami_macro_f1(y_true, y_pred):17.3f}" for y_pred in predictions.values())
    lines.append(f"{'macro F1':<12}{f1}")
    return lines, reports


def _demo_baseline(demo):
    import joblib
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from .model_selection import PairGroupKFold
    from .preprocessing import BeatNormalizer

    data = demo.beats
    n_beat = data.X.shape[1]
    features = ColumnTransformer([
        ("beat", BeatNormalizer("zscore", n_samples=32), slice(0, n_beat)),
        ("rr", StandardScaler(), slice(n_beat, None)),
    ])
    model = make_pipeline(features, LogisticRegression(class_weight="balanced", max_iter=2000))
    X = np.hstack([data.X, data.rr])
    n_patients = len(set(data.groups.tolist()))
    if demo.args.folds > n_patients:
        raise ValueError(f"--folds must be at most {n_patients}, the patients of the sample, "
                         f"got {demo.args.folds}")
    demo.cv = PairGroupKFold(n_splits=demo.args.folds)
    demo.baseline_pred = cross_val_predict(model, X, data.y, groups=data.groups, cv=demo.cv)
    _say(f"{_INDENT}{demo.cv.get_n_splits()}-fold cross-validation, no patient on both sides:")
    lines, _ = _aami_lines(data.y, {"logistic regr.": demo.baseline_pred})
    for line in lines:
        _say(_INDENT + line)
    model.fit(X, data.y)
    path = demo.output / "baseline_pipeline.joblib"
    joblib.dump(model, path)
    demo.files.append(path)
    again = joblib.load(path)
    same = np.array_equal(again.predict(X), model.predict(X))
    _say(f"{_INDENT}fitted on all beats, saved to {path.name}; reloaded, it predicts the same: {same}")


def _demo_cnn(demo):
    import joblib
    from sklearn.base import clone
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline

    from .neural import HeartbeatCNNClassifier
    from .preprocessing import BeatNormalizer

    data = demo.beats
    n_beat = data.X.shape[1]
    X = np.hstack([data.X, data.rr, data.relative])
    n_extra = X.shape[1] - n_beat
    model = Pipeline([
        # Min-max scales each beat alone; the RR and relative columns pass through
        # unchanged and come last, where extra_features takes them (the CNN
        # standardises them).
        ("normalize", ColumnTransformer(
            [("beat", BeatNormalizer("minmax"), slice(0, n_beat))], remainder="passthrough")),
        # Its defaults (softened class weights, augmented beats) but no early
        # stopping: a fold of the sample trains on six patients, and holding one of
        # them out to decide when to stop (what the CNN does when given the
        # patients) costs more than it saves. With 21 training patients
        # (benchmarks/bench_cnn_interpatient.py) the default holds two of them out.
        ("cnn", HeartbeatCNNClassifier(extra_features=n_extra, epochs=demo.args.epochs,
                                       validation_fraction=0.0, random_state=0)),
    ])
    n_folds = demo.cv.get_n_splits()
    predicted = np.empty_like(data.y)
    for k, (train, test) in enumerate(demo.cv.split(X, data.y, data.groups), 1):
        start = time.perf_counter()
        fold_model = clone(model).fit(X[train], data.y[train])
        predicted[test] = fold_model.predict(X[test])
        held_out = ", ".join(sorted(set(data.groups[test].tolist())))
        _say(f"{_INDENT}fold {k}/{n_folds}: {_epochs(fold_model[-1])} on {train.size} beats, "
             f"patients {held_out} held out ({time.perf_counter() - start:.0f} s)")
    _say(f"{_INDENT}CNN (beat + RR features + morphology relative to the patient's median beat) "
         "beside the baseline, on the same folds:")
    lines, reports = _aami_lines(data.y, {"logistic regr.": demo.baseline_pred, "CNN": predicted})
    for line in lines:
        _say(_INDENT + line)
    from .metrics import aami_macro_f1

    f1_cnn, f1_base = aami_macro_f1(data.y, predicted), aami_macro_f1(data.y, demo.baseline_pred)
    demo.macro_f1 = {"baseline": f1_base, "cnn": f1_cnn}
    verdict = "better than" if f1_cnn > f1_base else ("as good as" if f1_cnn == f1_base else "worse than")
    f1_of_cnn, f1_of_base = reports["CNN"]["f1"], reports["logistic regr."]["f1"]
    better = f1_of_cnn.index[f1_of_cnn > f1_of_base].tolist()
    worse = f1_of_cnn.index[f1_of_cnn < f1_of_base].tolist()
    _say(f"{_INDENT}on these {len(set(data.groups.tolist()))} unseen patients the CNN is {verdict} "
         f"the baseline (macro-F1 {f1_cnn:.3f} against {f1_base:.3f}; class F1 higher for "
         f"{' '.join(better) or 'none'}, lower for {' '.join(worse) or 'none'});\n"
         f"{_INDENT}benchmarks/bench_cnn_interpatient.py measures both on the 22 patients of MIT-BIH DS1")
    cnn = reports["CNN"]
    demo.summary.append(
        "beat classes on unseen patients, CNN (Se / +P %): " + ", ".join(
            f"{c} {100 * cnn.loc[c, 'sensitivity']:.0f} / {100 * cnn.loc[c, 'positive_predictivity']:.0f}"
            for c in cnn.index)
    )
    if demo.plt is not None:
        from .inspection import AAMIConfusionMatrixDisplay, TrainingHistoryDisplay

        display = AAMIConfusionMatrixDisplay.from_predictions(
            data.y, predicted, normalize="true", values_format=".2f",
            title=f"CNN on unseen patients ({n_folds} folds): share of each true class\n"
                  "(sensitivity on the diagonal)",
        )
        demo.save(display.figure_, "cnn_confusion_matrix.png")
        display = TrainingHistoryDisplay.from_estimator(
            fold_model,
            title=f"CNN training history, fold {n_folds}/{n_folds} (patients {held_out} held out)",
        )
        demo.save(display.figure_, "cnn_training_history.png")

    # Saved as a whole-record model: the pipeline with the settings its beats were cut
    # and described with, so that `sklearn-ecg predict` can apply it to any record.
    from .pipeline import RecordBeatClassifier
    from .segmentation import RPeakSegmenter

    start = time.perf_counter()
    record_model = RecordBeatClassifier(
        model, segmenter=RPeakSegmenter(fs=demo.records[0].fs, detector=demo.args.detector,
                                        before=data.before, after=data.after, n_samples=n_beat),
        relative_features=True,
    )
    record_model.fit(demo.records)
    path = demo.output / "cnn_pipeline.joblib"
    joblib.dump(record_model, path)
    demo.files.append(path)
    again = joblib.load(path)
    record = demo.records[-1]
    same = again.predict_record(record.signal).equals(record_model.predict_record(record.signal))
    _say(f"{_INDENT}fitted on all records ({_epochs(record_model.estimator_[-1])}, "
         f"{time.perf_counter() - start:.0f} s), saved with its segmentation to {path.name}; "
         f"reloaded, its beat table of record {record.record} is identical: {same}")
    _say(f"{_INDENT}classify any record with it: sklearn-ecg predict {path} RECORD...")


def _epochs(estimator):
    return f"{estimator.n_epochs_} epoch{'s' * (estimator.n_epochs_ != 1)}"


def _demo_similarity(demo):
    from sklearn.metrics import roc_auc_score

    from .datasets import load_ecgid_sample, make_segments
    from .metrics import equal_error_rate
    from .model_selection import PairGroupKFold, make_pairs
    from .neural import SiameseSimilarityRegressor
    from .preprocessing import BeatNormalizer

    seg = make_segments(load_ecgid_sample(), window=5.0, n_samples=96)
    X = BeatNormalizer("zscore").fit_transform(seg.X)
    _say(f"{_INDENT}{len(X)} segments (median beat of each 5-s window, {X.shape[1]} samples) "
         f"of {len(set(seg.record.tolist()))} recordings, {len(set(seg.groups.tolist()))} persons")
    # Persons, not segments, are split: nobody on the test side is seen in training.
    train, test = next(PairGroupKFold(n_splits=3, shuffle=True, random_state=0)
                       .split(X, groups=seg.groups))
    # As many pairs as there are distinct same-person pairs, and as many different-person
    # ones (at most 3000 in all): none repeats.
    _, per_person = np.unique(seg.groups[train], return_counts=True)
    n_pairs = int(min(3000, 2 * np.sum(per_person * (per_person - 1))))
    X_pairs, y, _ = make_pairs(X[train], seg.groups[train], n_pairs=n_pairs, random_state=0)
    start = time.perf_counter()
    model = SiameseSimilarityRegressor(bound_output=True, epochs=demo.args.epochs, random_state=0)
    model.fit(X_pairs, y)
    _say(f"{_INDENT}Siamese network trained on {len(y)} pairs of {len(set(seg.groups[train].tolist()))} "
         f"persons ({_epochs(model)}, {time.perf_counter() - start:.0f} s)")

    # Every pair of test windows from two different recordings.
    i, j = np.triu_indices(test.size, k=1)
    keep = seg.record[test][i] != seg.record[test][j]
    i, j = i[keep], j[keep]
    same = (seg.groups[test][i] == seg.groups[test][j]).astype(int)
    scores = {
        "Pearson r (no learning)": np.corrcoef(X[test])[i, j],
        "Siamese network": model.score_pairs(X[test])[i, j],
    }
    _say(f"{_INDENT}{same.size} pairs of windows of {len(set(seg.groups[test].tolist()))} unseen persons "
         f"from different recordings, {same.sum()} of the same person:")
    _say(f"{_INDENT}{'score':<24}  ROC AUC  EER (%)")
    eers = {}
    for name, s in scores.items():
        eers[name] = equal_error_rate(same, s)
        _say(f"{_INDENT}{name:<24}  {roc_auc_score(same, s):7.3f}  {100 * eers[name]:7.1f}")
    demo.summary.append(
        f"same person or not, unseen persons: EER {100 * eers['Siamese network']:.1f}% "
        f"(Siamese network), {100 * eers['Pearson r (no learning)']:.1f}% (Pearson r)"
    )
    if demo.plt is None:
        return
    from .inspection import SimilarityDisplay

    figure, axes = demo.plt.subplots(1, 2, figsize=(12, 4.2), layout="constrained")
    for ax, (name, s) in zip(axes, scores.items()):
        SimilarityDisplay.from_predictions(s, same, name=name, ax=ax, density=True)
    figure.suptitle(f"Same person or not? {same.size} pairs of windows of "
                    f"{len(set(seg.groups[test].tolist()))} persons unseen in training (ECG-ID sample)")
    demo.save(figure, "similarity.png")


# The steps of the demo, in order: a title (formatted with the options) and a
# function of the shared _Demo. "[k/n]" is counted from this list, so a new step
# (say, a contrastive encoder trained on few labels) is one function and one entry.
_DEMO_STEPS = [
    ("Reading the MIT-BIH sample bundled with sklearn-ecg "
     "(Moody & Mark 2001, PhysioNet, ODC-By 1.0)", _demo_read),
    ("Signal report: missing values, flat lines, saturation, outliers and heart rate "
     "of each channel", _demo_report),
    ("Detecting R peaks with {detector} and scoring them (AAMI EC57, 150 ms)", _demo_detect),
    ("Cutting beats around the detected peaks (labels from the annotations)", _demo_beats),
    ("Patient-grouped evaluation of a classical baseline "
     "(RR features + down-sampled beat, logistic regression)", _demo_baseline),
    ("Patient-grouped evaluation of the CNN heartbeat classifier "
     "(each fit at most {epochs} epochs)", _demo_cnn),
    ("Same person or not: a Siamese similarity network on the ECG-ID sample "
     "(persons unseen in training)", _demo_similarity),
]


def _cmd_demo(args):
    if args.epochs < 1:
        raise ValueError(f"--epochs must be a positive number of epochs, got {args.epochs}")
    if args.folds < 2:
        raise ValueError(f"--folds must be at least 2 to hold patients out, got {args.folds}")
    # Each fold builds a new network: TensorFlow's advice about retracing its
    # functions is noise to a user of the command.
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    demo = _Demo(args)
    demo.output.mkdir(parents=True, exist_ok=True)
    demo.plt = _start_plots()
    begin = time.perf_counter()
    for k, (title, step) in enumerate(_DEMO_STEPS, 1):
        _say(f"[{k}/{len(_DEMO_STEPS)}] " + title.format(**vars(args)))
        start = time.perf_counter()
        step(demo)
        _say(f"{_INDENT}({time.perf_counter() - start:.1f} s)")
    _say(f"Done in {time.perf_counter() - begin:.0f} s.")
    for line in demo.summary:
        _say(f"  {line}")
    _say(f"Files written to {demo.output.resolve()}:")
    for path in demo.files:
        _say(f"  {path.name:<28} {path.stat().st_size / 1024:7.0f} kB")


def _parser():
    from .segmentation import DETECTORS

    parser = argparse.ArgumentParser(
        prog="sklearn-ecg", description="ECG machine learning for scikit-learn.", epilog=_EPILOG
    )
    from . import __version__

    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser(
        "demo", help="run the main job on the bundled samples (a few minutes, no download)",
        description="Signal reports, R-peak detection, beats, a baseline and a CNN evaluated on "
                    "unseen patients, a Siamese similarity model, plots and saved pipelines, "
                    "all on the samples bundled with sklearn-ecg.",
    )
    demo.add_argument("--output", default="sklearn-ecg-output", help="folder for the outputs")
    demo.add_argument("--detector", default="fast_pan_tompkins", choices=DETECTORS)
    demo.add_argument("--epochs", type=int, default=15,
                      help="most epochs of each network fit (default 15; early stopping may end sooner)")
    demo.add_argument("--folds", type=int, default=4,
                      help="patient-grouped folds of the beat classifiers' evaluation "
                           "(2 to 8, the patients of the sample; default 4)")
    demo.set_defaults(func=_cmd_demo)

    report = sub.add_parser(
        "report", help="print the quality report of each channel of a WFDB record or CSV file",
        description="Missing values, range, flat lines, saturation, outliers and heart rate of "
                    "each channel of a recording: every signal of a WFDB record, a jacket CSV "
                    "(ecg1 ... ecg5, 500 Hz) or the numeric columns of any CSV, given --fs.",
    )
    report.add_argument("input", help="a WFDB record (path with or without .hea) or a CSV "
                                      "file (.csv or .csv.gz)")
    report.add_argument("--fs", type=float,
                        help="sampling frequency in Hz (from the header for a WFDB record, "
                             "default 500 for a jacket CSV, else required)")
    report.add_argument("--detector", default="fast_pan_tompkins", choices=DETECTORS)
    report.add_argument("--html", help="also write the report with its plots to this HTML file")
    report.set_defaults(func=_cmd_report)

    predict = sub.add_parser(
        "predict", help="classify every beat of WFDB records or CSV files with a saved model",
        description="Segment each record with the saved model's own settings and write one row "
                    "per beat: record, sample, time, class and the probability of each class.",
    )
    predict.add_argument("model", help="a saved RecordBeatClassifier (.joblib, or .skops "
                                       "loaded safely); the demo writes cnn_pipeline.joblib")
    predict.add_argument("inputs", nargs="+", metavar="RECORD",
                         help="WFDB records (path with or without .hea), CSV files or folders of them")
    predict.add_argument("--output", help="output table, .csv or .parquet (default: CSV on "
                                          "standard output)")
    predict.add_argument("--lead", help="WFDB signal name (default the model's training lead)")
    predict.add_argument("--column", help="CSV column (default the first numeric one)")
    predict.add_argument("--fs", type=float, help="sampling frequency in Hz (required for CSV)")
    predict.add_argument("--inference", choices=("numpy", "keras", "saved"), default="numpy",
                         help="run the networks as a NumPy forward pass without TensorFlow "
                              "(default), through Keras, or as saved")
    predict.add_argument("--scheduler", help="address of a Dask scheduler to run one task per "
                                             "record on (needs sklearn-ecg[dask])")
    predict.set_defaults(func=_cmd_predict)

    for name, func, text in [
        ("detect", _cmd_detect, "write the R peaks of a WFDB record or CSV file as CSV"),
        ("segment", _cmd_segment, "write the beats and RR features of a WFDB record or CSV file"),
    ]:
        cmd = sub.add_parser(name, help=text, description=text)
        cmd.add_argument("inputs", nargs="+", metavar="RECORD",
                         help="WFDB records (path with or without .hea), CSV files or folders of "
                              "them; several give one table with a record column")
        cmd.add_argument("--lead", help="WFDB signal name (default MLII if present, else the first)")
        cmd.add_argument("--column", help="CSV column (default the first numeric one)")
        cmd.add_argument("--fs", type=float, help="sampling frequency in Hz (required for a CSV "
                                                   "file, except a jacket CSV: 500)")
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
    except BrokenPipeError:
        # The reader of the output (head, less) closed it: stop quietly, as Unix tools
        # do, and keep Python from complaining when it flushes standard output at exit.
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):  # stdout is not a file (captured, for example)
            pass
        return 1
    except (FileNotFoundError, ValueError, OSError, ImportError) as exc:
        # ImportError: an optional dependency (matplotlib for --html) is missing;
        # its message says how to install it.
        print(f"sklearn-ecg {args.command}: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
