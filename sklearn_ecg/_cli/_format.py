"""The text of the command line: lines built from the values its commands return.

Nothing here computes a result or reads a file; each function takes what a
command or a step of the demo returned and gives the lines to print.
"""

import sys
import time

import numpy as np

EPILOG = "Run 'sklearn-ecg COMMAND --help' for the options of a command."
PLOT_EXTRA = 'pip install "sklearn-ecg[plot]"'
INDENT = "      "


def say(message):
    """Print a line to standard output at once (the demo's steps take minutes)."""
    print(message, flush=True)


def say_err(message):
    """Print a line to standard error at once."""
    print(message, file=sys.stderr, flush=True)


def plural(n, word):
    return f"{n} {word}{'s' * (n != 1)}"


def epochs(estimator):
    """``"12 epochs"``: how long a network was trained."""
    return plural(estimator.n_epochs_, "epoch")


class Progress:
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


# -- reading, detect, segment, predict -----------------------------------------


def rate_line(rec):
    """Where a record's sampling rate comes from, when neither its header nor ``--fs`` gave it."""
    source = rec.get("fs_source")
    if source in (None, "header", "given"):
        return None
    if source.startswith("time column"):
        return f"{rec.record}: read at {rec.fs:g} Hz, the rate of its {source}"
    return f"{rec.record}: read at {source}; give --fs if it is another"


def missing_line(rec):
    """What was done about the missing samples of a record read, or None when none were."""
    if not rec.n_missing:
        return None
    if rec.get("filled"):
        return f"{rec.record}: {rec.n_missing} missing samples filled by linear interpolation"
    n = len(rec.stretches)
    return (f"{rec.record}: {rec.n_missing} missing samples; R peaks looked for in its {n} "
            f"NaN-free stretch{'es' * (n != 1)} of at least 0.5 s, none across a gap")


def detection_lines(found):
    """The lines of ``detect`` on one record: its peaks and heart rate, then signal quality."""
    if found.heart_rate is not None:
        rate = f"mean heart rate {found.heart_rate:.0f} bpm"
    else:
        rate = "no heart rate: fewer than two R peaks"
    lines = [f"{found.peaks.size} R peaks in {found.record} {found.lead} ({found.duration:.1f} s, "
             f"{rate}) found by {found.detector} in {found.seconds:.2f} s"]
    if found.template_corr is not None:
        verdict = "; these detections look like noise, not heartbeats" if found.looks_like_noise else ""
        lines.append(f"signal quality: beats' median correlation with their median beat "
                     f"{found.template_corr:.2f}, {100 * found.plausible_rr:.0f}% of intervals "
                     f"between 0.24 and 2 s{verdict}")
    quality = found.get("quality")
    if quality is not None and len(quality):
        shares = {level: float(np.mean(quality == level)) for level in ("excellent", "acceptable", "unusable",
                                                                       "unrated")}
        lines.append("beats by signal quality of their 5-s window: " + ", ".join(
            f"{level} {100 * share:.0f}%" for level, share in shares.items() if share > 0))
    return lines


def segment_line(part):
    """What ``segment`` cut from one record."""
    labels = part.labels
    described = "" if labels is None else (
        f", labelled from the annotations ({int((labels != '').sum())} matched)")
    return (f"{len(part.beats)} beats of {part.record} {part.lead}{described} "
            f"({len(part.dropped)} too near an end of the signal left out)")


def predict_line(result, output):
    """The summary ``predict`` writes to standard error."""
    counts = result.table["class"].value_counts()
    return (f"{result.table.shape[0]} beats of {plural(result.n_records, 'record')} classified in "
            f"{result.seconds:.2f} s ({result.inference} inference): "
            + ", ".join(f"{c} {counts.get(c, 0)}" for c in result.classes)
            + (f", Q {counts['Q']} (in stretches too noisy to classify)"
               if "Q" in counts and "Q" not in result.classes else "")
            + (f"; written to {output}" if output is not None else ""))


# -- report --------------------------------------------------------------------


def report_lines(report, labels=None):
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


def recording_report_lines(result):
    """The lines of ``report``: the recording, its table, how beats were found."""
    info = result.report.attrs
    lines = [f"{result.name}: {len(result.report)} channels, {info['n_rows']} rows, "
             f"{info['duration']:.1f} s at {result.fs:g} Hz; rows with a missing channel: "
             f"{info['n_rows_with_missing']}, with all missing: {info['n_rows_all_missing']}"]
    lines += ["  " + line for line in report_lines(result.report)]
    lines.append(f"  (outlying: |x - mean| > 3 std; beats and heart rate found by {result.detector})")
    return lines


# -- demo ----------------------------------------------------------------------


def aami_lines(reports, macro_f1):
    """Per-class sensitivity and positive predictivity of several models, side by side.

    ``reports`` maps each model's name to its :func:`~sklearn_ecg.metrics.aami_report`,
    ``macro_f1`` to its macro-F1.
    """
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
    f1 = "".join(f"{macro_f1[name]:17.3f}" for name in reports)
    lines.append(f"{'macro F1':<12}{f1}")
    return lines


def sample_lines(sample):
    return [f"{sample.n_records} records, {sample.minutes:.0f} minutes of lead MLII, "
            f"{sample.n_annotated_beats} annotated beats"]


def signal_report_lines(result):
    jacket, record = result.jacket, result.record
    lines = [f"jacket sample (sitting, {jacket.n_channels} channels, {jacket.duration:.0f} s at "
             f"{jacket.fs:g} Hz, volts) and MIT-BIH record {record.name} ({record.duration:.0f} s "
             f"at {record.fs:g} Hz, mV):"]
    return lines + report_lines(result.table)


def detector_lines(table):
    lines = ["record  beats  Se (%)  +P (%)  error (ms)  time (s)"]
    for name, row in table.iterrows():
        lines.append(f"{name:>6}  {int(row.beats):5d}  {100 * row.sensitivity:6.2f}  "
                     f"{100 * row.positive_predictivity:6.2f}  {row.mean_abs_error_ms:10.1f}  "
                     f"{row.seconds:8.2f}")
    lines.append("(the time of the total row is per 30 minutes of signal)")
    return lines


def detection_summary(detector, table):
    total = table.loc["total"]
    return (f"R-peak detection ({detector}): Se {100 * total.sensitivity:.2f}%, "
            f"+P {100 * total.positive_predictivity:.2f}% on {int(total.beats)} annotated beats")


def beats_lines(beats):
    return [
        f"{beats.n_beats} beats x {beats.beat_length} samples + {beats.n_rr} RR features, "
        f"{beats.n_patients} patients",
        "class counts: " + ", ".join(f"{c} {n}" for c, n in beats.class_counts.items()),
        "left out: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in beats.left_out.items()),
    ]


def baseline_lines(baseline):
    table = aami_lines({"logistic regr.": baseline.report}, {"logistic regr.": baseline.macro_f1})
    return [f"{baseline.n_folds}-fold cross-validation, no patient on both sides:", *table]


def baseline_saved_line(baseline):
    return (f"fitted on all beats, saved to {baseline.path.name}; reloaded, it predicts the same: "
            f"{baseline.reloaded_same}")


def fold_line(fold, n_folds):
    return (f"fold {fold.k}/{n_folds}: {plural(fold.n_epochs, 'epoch')} on {fold.n_train} beats, "
            f"patients {fold.held_out} held out ({fold.seconds:.0f} s)")


def cnn_lines(baseline, cnn, n_patients):
    """The CNN beside the baseline, and the verdict."""
    f1_cnn, f1_base = cnn.macro_f1, baseline.macro_f1
    verdict = "better than" if f1_cnn > f1_base else ("as good as" if f1_cnn == f1_base else "worse than")
    lines = ["CNN (beat + RR features + morphology relative to the patient's median beat; its "
             "probabilities averaged with\n"
             f"{INDENT}gradient boosting of those RR and morphology columns) beside the baseline, "
             "on the same folds:"]
    lines += aami_lines({"logistic regr.": baseline.report, "CNN": cnn.report},
                        {"logistic regr.": f1_base, "CNN": f1_cnn})
    lines.append(f"on these {n_patients} unseen patients the CNN is {verdict} "
                 f"the baseline (macro-F1 {f1_cnn:.3f} against {f1_base:.3f}; class F1 higher for "
                 f"{' '.join(cnn.better) or 'none'}, lower for {' '.join(cnn.worse) or 'none'});\n"
                 f"{INDENT}benchmarks/bench_cnn_interpatient.py measures both on the 22 patients "
                 "of MIT-BIH DS1")
    return lines


def cnn_summary(report):
    return "beat classes on unseen patients, CNN (Se / +P %): " + ", ".join(
        f"{c} {100 * report.loc[c, 'sensitivity']:.0f} / {100 * report.loc[c, 'positive_predictivity']:.0f}"
        for c in report.index)


def record_model_lines(cnn):
    return [f"fitted on all records ({plural(cnn.n_epochs_all, 'epoch')}, {cnn.seconds_all:.0f} s), "
            f"saved with its segmentation to {cnn.path.name}; reloaded, its beat table of record "
            f"{cnn.record} is identical: {cnn.reloaded_same}",
            f"classify any record with it: sklearn-ecg predict {cnn.path} RECORD..."]


def similarity_data_line(sim):
    return (f"{sim.n_segments} segments (median beat of each 5-s window, {sim.segment_length} samples) "
            f"of {sim.n_recordings} recordings, {sim.n_persons} persons")


def similarity_model_line(sim):
    return (f"Siamese network trained on {sim.n_train_pairs} pairs of {sim.n_train_persons} "
            f"persons ({plural(sim.n_epochs, 'epoch')}, {sim.seconds:.0f} s)")


def similarity_lines(sim):
    """The ROC AUC and EER of each score on pairs of unseen persons, windows and recordings."""
    return [
        f"{sim.n_pairs} pairs of windows of {sim.n_test_persons} unseen persons from different "
        f"recordings ({sim.n_same} of the same person);",
        f"{sim.n_recording_pairs} pairs of their recordings ({sim.n_recording_same} of the same "
        "person), each recording's windows fused (their scores averaged):",
        f"{'':<24}  {'windows':^16}  {'recordings':^16}",
        f"{'score':<24}  ROC AUC  EER (%)  ROC AUC  EER (%)",
    ] + [f"{name:<24}  {sim.auc[name]:7.3f}  {100 * sim.eer[name]:7.1f}  "
         f"{sim.recording_auc[name]:7.3f}  {100 * sim.recording_eer[name]:7.1f}" for name in sim.auc]


def similarity_summary(sim):
    return (f"same person or not, unseen persons: EER {100 * sim.eer['Siamese network']:.1f}% "
            f"(Siamese network), {100 * sim.eer['Pearson r (no learning)']:.1f}% (Pearson r); "
            f"recordings: {100 * sim.recording_eer['Siamese network']:.1f}% and "
            f"{100 * sim.recording_eer['Pearson r (no learning)']:.1f}%")


def files_lines(output, files):
    lines = [f"Files written to {output.resolve()}:"]
    lines += [f"  {path.name:<28} {path.stat().st_size / 1024:7.0f} kB" for path in files]
    return lines
