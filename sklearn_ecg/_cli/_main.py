"""The parser of ``sklearn-ecg`` and :func:`main`: each command reads its options, calls
the function that does its work (:mod:`._commands`, :mod:`._demo`) and prints what
it returned (:mod:`._format`)."""

import argparse
import sys
from pathlib import Path

from . import _format as fmt
from ._commands import (
    check_batch,
    check_fs_option,
    check_table_output,
    detect_records,
    expand_inputs,
    load_record_model,
    predict_files,
    predict_universal,
    report_recording,
    segment_records,
    write_beats,
)
from ._demo import DEFAULT_OUTPUT, run_demo


def _write_text(output, text, say=fmt.say):
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        Path(output).write_text(text)
        say(f"wrote {output}")


def _check_output_path(path, option, suffixes=None):
    """Refuse, before any work, an output path that cannot be written."""
    import os

    if path is None:
        return None
    path = Path(path)
    if suffixes is not None and path.suffix not in suffixes:
        raise ValueError(f"{option} must end in {' or '.join(suffixes)}, got {path.name}")
    if path.is_dir():
        raise ValueError(f"{option} {path} is a folder; give a file name")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ValueError(f"{option} {path}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise ValueError(f"{option} {path}: cannot write there (permission denied)")
    return path


def _left_out(name, exc):
    fmt.say_err(f"{name}: left out: {exc}")


def _cmd_detect(args):
    # With the peaks on standard output, what is said goes to standard error.
    say = fmt.say if args.output is not None else fmt.say_err
    _check_output_path(args.output, "--output")
    inputs = expand_inputs(args.inputs)
    progress = fmt.Progress(len(inputs), unit="R peaks") if len(inputs) > 1 else None

    def on_record(found, _):
        for line in (fmt.rate_line(found), fmt.missing_line(found)):
            if line is not None:
                say(line)
        for line in fmt.detection_lines(found):
            say(line)
        if progress is not None:
            progress.step(found.record, found.peaks.size)

    result = detect_records(inputs, lead=args.lead, column=args.column, fs=args.fs,
                            detector=args.detector, on_record=on_record, on_error=_left_out)
    _write_text(args.output, result.table.to_csv(index=False, float_format="%.4f"), say=say)
    check_batch(result)
    return result


def _cmd_segment(args):
    _check_output_path(args.output, "--output", (".csv", ".npz"))
    if args.n_samples is not None and args.n_samples < 1:
        raise ValueError(f"--n-samples must be a positive number of samples, got {args.n_samples}")
    if not (args.before >= 0 and args.after >= 0 and args.before + args.after > 0):
        raise ValueError(f"--before and --after must be seconds, at least 0 and not both 0, got "
                         f"--before {args.before:g} --after {args.after:g}")
    inputs = expand_inputs(args.inputs)
    progress = fmt.Progress(len(inputs)) if len(inputs) > 1 else None

    def on_record(part, _):
        for line in (fmt.rate_line(part), fmt.missing_line(part)):
            if line is not None:
                fmt.say(line)
        fmt.say(fmt.segment_line(part))
        if progress is not None:
            progress.step(part.record, len(part.beats))

    result = segment_records(inputs, lead=args.lead, column=args.column, fs=args.fs,
                             detector=args.detector, before=args.before, after=args.after,
                             beat_length=args.n_samples, on_record=on_record,
                             on_error=_left_out)
    write_beats(result, args.output)
    fmt.say(f"{len(result.beats)} beats written to {Path(args.output)}")
    check_batch(result)
    return result


_MODEL_SUFFIXES = (".joblib", ".skops", ".pkl")


def _cmd_predict(args):
    from ..inspection import holter_summary_lines
    from ..pipeline import UniversalBeatClassifier

    check_fs_option(args.fs)
    output = check_table_output(args.output)
    _check_output_path(output, "--output")
    _check_output_path(args.report, "--report", (".html",))
    model, inputs = args.model, list(args.inputs)
    if model is None and len(inputs) > 1 and Path(inputs[0]).suffix in _MODEL_SUFFIXES:
        model, inputs = inputs[0], inputs[1:]  # the model first, as before --model
    if model is not None:
        model = load_record_model(model)
    if model is None or isinstance(model, UniversalBeatClassifier):
        named = [name for name in (args.lead, args.column) if name is not None]
        result = predict_universal(model, inputs, fs=args.fs, leads=named or None,
                                   report=args.report, say=fmt.say_err, progress=fmt.Progress)
        _write_table(result.table, output)
        if model is None:
            fmt.say_err("model: the shipped beat classifier (sklearn_ecg.pretrained."
                        "load_beat_classifier; research use, not a medical device)")
        for name, summary in result.summaries.items():
            for line in holter_summary_lines(summary, name):
                fmt.say_err(line)
            if "report" in summary:
                fmt.say_err(f"  report written to {summary.report}")
        fmt.say_err(fmt.predict_line(result, output))
        check_batch(result)
        return result
    if args.report is not None:
        raise ValueError("--report needs the shipped or a UniversalBeatClassifier model")
    args.inputs, args.model = inputs, model
    # The table goes to standard output or a file; what the reader says, to standard error.
    result = predict_files(args.model, args.inputs, lead=args.lead, column=args.column, fs=args.fs,
                           inference=args.inference, scheduler=args.scheduler,
                           progress=fmt.Progress, say=fmt.say_err)
    _write_table(result.table, output)
    fmt.say_err(fmt.predict_line(result, output))
    check_batch(result)
    return result


def _write_table(table, output):
    if output is None:
        table.to_csv(sys.stdout, index=False, float_format="%.6g")
    elif output.suffix == ".parquet":
        table.to_parquet(output, index=False)
    else:
        table.to_csv(output, index=False, float_format="%.6g")


def _cmd_report(args):
    _check_output_path(args.html, "--html", (".html",))
    result = report_recording(args.input, fs=args.fs, detector=args.detector)
    line = fmt.rate_line(result)
    if line is not None:
        fmt.say(line)
    for line in fmt.recording_report_lines(result):
        fmt.say(line)
    if args.html is not None:
        from ..inspection import write_html_report

        write_html_report(result.frame, args.html, result.fs, detector=args.detector,
                          title=f"Signal report of {result.name}")
        fmt.say(f"wrote {args.html}")
    return result


def _cmd_demo(args):
    return run_demo(output=args.output, detector=args.detector, epochs=args.epochs,
                    folds=args.folds)


def build_parser():
    """The :class:`argparse.ArgumentParser` of ``sklearn-ecg``, its commands as subparsers."""
    from .. import __version__
    from ..segmentation import DETECTORS

    parser = argparse.ArgumentParser(
        prog="sklearn-ecg", description="ECG machine learning for scikit-learn.", epilog=fmt.EPILOG
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser(
        "demo", help="run the main job on the bundled samples (a few minutes, no download)",
        description="Signal reports, R-peak detection, beats, a baseline and a CNN evaluated on "
                    "unseen patients, a Siamese similarity model, plots and saved pipelines, "
                    "all on the samples bundled with sklearn-ecg.",
    )
    demo.add_argument("--output", default=DEFAULT_OUTPUT, help="folder for the outputs")
    demo.add_argument("--detector", default=DETECTORS[0], choices=DETECTORS)
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
    report.add_argument("--detector", default=DETECTORS[0], choices=DETECTORS)
    report.add_argument("--html", help="also write the report with its plots to this HTML file")
    report.set_defaults(func=_cmd_report)

    predict = sub.add_parser(
        "predict", help="classify every beat of WFDB records or CSV files (the shipped model "
                        "or a saved one)",
        description="Classify every beat of each record and write one row per beat: record, "
                    "sample, time, class and the probability of each class. Without --model the "
                    "shipped beat classifier reads every lead at any rate from 100 Hz and prints "
                    "a Holter summary per record; a saved RecordBeatClassifier segments with its "
                    "own settings.",
    )
    predict.add_argument("inputs", nargs="+", metavar="RECORD",
                         help="WFDB records (path with or without .hea), CSV files or folders of "
                              "them (a saved model given first is taken as --model)")
    predict.add_argument("--model", help="a saved RecordBeatClassifier or UniversalBeatClassifier "
                                         "(.joblib, or .skops loaded safely; the demo writes "
                                         "cnn_pipeline.joblib); default the shipped beat "
                                         "classifier, which reads every lead and prints a Holter "
                                         "summary of each record")
    predict.add_argument("--report", help="with the shipped (or a universal) model: write the "
                                          "Holter summary, heart-rate trend and first abnormal "
                                          "beats to this HTML file")
    predict.add_argument("--output", help="output table, .csv or .parquet (default: CSV on "
                                          "standard output)")
    predict.add_argument("--lead", help="WFDB signal name (default: the shipped model reads every "
                                        "lead, a saved model its training lead)")
    predict.add_argument("--column", help="CSV column (default: the shipped model reads every "
                                          "signal column, a saved model the first)")
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
        cmd.add_argument("--detector", default=DETECTORS[0], choices=DETECTORS)
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
    """Entry point of the ``sklearn-ecg`` command; returns its exit code.

    0 when the command ran, 2 for an input error (one line on standard error,
    naming the option), 1 when the reader of the output closed it early.
    """
    args = build_parser().parse_args(argv)
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
