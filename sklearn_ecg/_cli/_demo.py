"""The demo as a function: :func:`run_demo` runs the main job and returns its figures.

Each step is a function of the shared :class:`_DemoRun`: it computes, stores what
it found in ``demo.result`` and says it with the lines of :mod:`._format`.
"""

import logging
import os
import tempfile
import time
from numbers import Integral
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch

from . import _format as fmt

DEFAULT_OUTPUT = "sklearn-ecg-output"


def _sample_patients():
    """The patients of the bundled MIT-BIH sample, known without reading its signals."""
    from ..datasets import get_sample_home, mitdb_patient_id

    return sorted({mitdb_patient_id(p.stem) for p in (get_sample_home() / "mitdb").glob("*.hea")})


def check_demo_options(*, output, detector, epochs, folds):
    """Check every option of the demo before its first step; errors name the option.

    Returns the output folder as a :class:`~pathlib.Path`, created if needed.

    Raises
    ------
    ValueError
        If ``--epochs`` is not a positive integer, ``--folds`` is not between 2
        and the patients of the sample, or ``--detector`` is unknown.
    OSError
        If ``--output`` cannot be created or written to.
    """
    from ..segmentation import DETECTORS

    if detector not in DETECTORS:
        raise ValueError(f"--detector must be one of {list(DETECTORS)}, got {detector!r}")
    if isinstance(epochs, bool) or not isinstance(epochs, Integral) or epochs < 1:
        raise ValueError(f"--epochs must be a positive number of epochs, got {epochs}")
    if isinstance(folds, bool) or not isinstance(folds, Integral) or folds < 2:
        raise ValueError(f"--folds must be at least 2 to hold patients out, got {folds}")
    n_patients = len(_sample_patients())
    if folds > n_patients:
        raise ValueError(f"--folds must be at most {n_patients}, the patients of the sample, "
                         f"got {folds}")
    output = Path(output)
    if output.exists() and not output.is_dir():
        raise ValueError(f"--output {output} is a file, not a folder for the outputs")
    try:
        output.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=output):
            pass
    except OSError as exc:
        raise OSError(f"--output {output} cannot be written to: "
                      f"{exc.strerror or exc}") from None
    if not os.access(output, os.W_OK):  # a read-only folder where the user is root, say
        raise OSError(f"--output {output} cannot be written to")
    return output


def start_plots(say=fmt.say):
    """matplotlib.pyplot on the file-only Agg backend, or None with one line saying why."""
    try:
        import matplotlib
    except ImportError:
        say(f"Plots and the HTML report are skipped: matplotlib is not installed "
            f"({fmt.PLOT_EXTRA} adds it).")
        return None
    matplotlib.use("Agg")  # the demo only writes files; no window should open
    import matplotlib.pyplot as plt

    return plt


class _DemoRun:
    """What the steps of the demo share: the options, the results so far, the files written."""

    def __init__(self, *, output, detector, epochs, folds, say=fmt.say):
        self.output = Path(output)
        self.detector, self.epochs, self.folds = detector, epochs, folds
        self.say = say
        self.plt = None  # matplotlib.pyplot once plots are known to work
        self.result = Bunch(output=self.output, files=[], summary=[], steps=[])

    def tell(self, lines):
        """Say lines, indented under the step's title."""
        for line in [lines] if isinstance(lines, str) else lines:
            self.say(fmt.INDENT + line)

    def keep(self, path):
        self.result.files.append(Path(path))

    def save(self, figure, name):
        """Write a figure as PNG to the output folder and close it."""
        path = self.output / name
        figure.savefig(path, dpi=100)
        self.plt.close(figure)
        self.keep(path)


def _demo_read(demo):
    from ..datasets import load_mitdb_sample

    demo.records = load_mitdb_sample()
    demo.result.sample = Bunch(
        n_records=len(demo.records),
        minutes=sum(r.signal.size / r.fs for r in demo.records) / 60,
        n_annotated_beats=int(sum(r.r_peaks.size for r in demo.records)),
    )
    demo.tell(fmt.sample_lines(demo.result.sample))


def _demo_report(demo):
    import pandas as pd

    from ..datasets import load_garment_sample
    from ..inspection import SignalDisplay, signal_report, write_html_report

    jacket = load_garment_sample("sitting")
    record = next(r for r in demo.records if str(r.record) == "208")
    lead = pd.Series(record.signal, name=f"{record.record} {record.lead}")
    jacket_report = signal_report(jacket, detector=demo.detector)
    record_report = signal_report(lead, record.fs, detector=demo.detector)
    table = pd.concat([jacket_report, record_report])
    table.index = pd.Index([f"jacket {c}" for c in jacket_report.index]
                           + [f"MIT-BIH {c}" for c in record_report.index], name="channel")
    demo.result.signal_report = Bunch(
        table=table,
        jacket=Bunch(n_channels=jacket.shape[1], duration=jacket_report.attrs["duration"],
                     fs=jacket.attrs["fs"]),
        record=Bunch(name=str(record.record), duration=record_report.attrs["duration"], fs=record.fs),
    )
    demo.tell(fmt.signal_report_lines(demo.result.signal_report))
    if demo.plt is None:
        return
    path = demo.output / "signal_report.html"
    write_html_report(jacket, path, detector=demo.detector,
                      title="Signal report of the jacket sample (sitting, 10 s)")
    demo.keep(path)
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
    from ..metrics import in_intervals, match_peaks
    from ..segmentation import detect_r_peaks

    best = None
    for record in records:
        peaks = detect_r_peaks(record.signal, record.fs, detector)
        ref_idx, det_idx = match_peaks(record.r_peaks, peaks, record.fs)
        errors = np.sort(np.concatenate([np.delete(record.r_peaks, ref_idx),
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
    from ..inspection import RPeakDisplay
    from ..segmentation import evaluate_detector

    table = evaluate_detector(demo.records, demo.detector)
    demo.result.detection = table
    demo.tell(fmt.detector_lines(table))
    demo.result.summary.append(fmt.detection_summary(demo.detector, table))
    if demo.plt is None:
        return
    record, start, peaks = _worst_window(demo.records, demo.detector)
    stop = start + int(10 * record.fs)
    display = RPeakDisplay(
        record.signal[start:stop], peaks[(peaks >= start) & (peaks < stop)] - start, record.fs,
        reference=record.r_peaks[(record.r_peaks >= start) & (record.r_peaks < stop)] - start,
        detector_name=demo.detector, start=start / record.fs,
    ).plot()
    display.ax_.set_title(f"MIT-BIH record {record.record}, the 10 s where {demo.detector} "
                          f"errs most: {display.ax_.get_title().split(': ', 1)[1]}")
    display.ax_.margins(x=0.01)
    demo.save(display.figure_, "r_peaks.png")


def _demo_beats(demo):
    from ..datasets import make_beat_dataset
    from ..inspection import BeatsDisplay
    from ..pipeline._record import relative_feature_names, relative_morphology
    from ..utils._vocabulary import AAMI_EVALUATION_CLASSES

    # The four classes of the AAMI evaluation protocol: Q beats are too rare to learn.
    before, after = 0.25, 0.45
    data = make_beat_dataset(demo.records, peaks=demo.detector, before=before, after=after,
                             beat_length=187, classes=AAMI_EVALUATION_CLASSES)
    data.before, data.after = before, after
    # Each beat's morphology against its own patient's median beat: what makes a beat
    # ectopic is how it differs from that patient's usual beat. Computed per record,
    # without labels, so it is the same for training and unseen patients.
    data.relative = relative_morphology(data.X, data.record, fs=data.X.shape[1] / (before + after),
                                        r_offset=before)
    data.relative_names = np.asarray(relative_feature_names(), dtype=object)
    demo.beats = data
    classes, counts = np.unique(data.y, return_counts=True)
    demo.result.beats = Bunch(
        n_beats=len(data.y), beat_length=data.X.shape[1], n_rr=data.rr.shape[1],
        n_patients=len(set(data.groups)),
        class_counts={str(c): int(n) for c, n in zip(classes, counts)},
        left_out=dict(data.counts),
    )
    demo.tell(fmt.beats_lines(demo.result.beats))
    path = demo.output / "beats.npz"
    np.savez_compressed(path, X=data.X, y=data.y, groups=data.groups, rr=data.rr,
                        rr_feature_names=data.rr_feature_names.astype(str),
                        relative=data.relative, relative_names=data.relative_names.astype(str))
    demo.keep(path)
    if demo.plt is None:
        return
    display = BeatsDisplay.from_beats(
        data.X, data.y, fs=data.X.shape[1] / (before + after),
        title=f"The {len(data.y)} beats of the MIT-BIH sample by AAMI class, median beat in bold",
    )
    display.ax_.axvline(before, color="0.5", linewidth=0.8, linestyle=":")
    demo.save(display.figure_, "beats_by_class.png")


def _demo_baseline(demo):
    import joblib
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from ..metrics import aami_macro_f1, aami_report
    from ..model_selection import PairGroupKFold
    from ..preprocessing import BeatNormalizer

    data = demo.beats
    n_beat = data.X.shape[1]
    features = ColumnTransformer([
        ("beat", BeatNormalizer("zscore", beat_length=32), slice(0, n_beat)),
        ("rr", StandardScaler(), slice(n_beat, None)),
    ])
    model = make_pipeline(features, LogisticRegression(class_weight="balanced", max_iter=2000))
    X = np.hstack([data.X, data.rr])
    n_patients = len(set(data.groups.tolist()))
    if demo.folds > n_patients:  # checked before the first step; kept for other samples
        raise ValueError(f"--folds must be at most {n_patients}, the patients of the sample, "
                         f"got {demo.folds}")
    demo.cv = PairGroupKFold(n_splits=demo.folds)
    predicted = cross_val_predict(model, X, data.y, groups=data.groups, cv=demo.cv)
    baseline = demo.result.baseline = Bunch(
        predictions=predicted, report=aami_report(data.y, predicted),
        macro_f1=aami_macro_f1(data.y, predicted), n_folds=demo.cv.get_n_splits(),
    )
    demo.tell(fmt.baseline_lines(baseline))
    model.fit(X, data.y)
    path = demo.output / "baseline_pipeline.joblib"
    joblib.dump(model, path)
    demo.keep(path)
    again = joblib.load(path)
    baseline.path = path
    baseline.reloaded_same = bool(np.array_equal(again.predict(X), model.predict(X)))
    demo.tell(fmt.baseline_saved_line(baseline))


def _demo_cnn(demo):
    import joblib
    from sklearn.base import clone
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline

    from ..metrics import aami_macro_f1, aami_report
    from ..neural import HeartbeatCNNClassifier
    from ..preprocessing import BeatNormalizer

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
        ("cnn", HeartbeatCNNClassifier(extra_features=n_extra, epochs=demo.epochs,
                                       validation_fraction=0.0, random_state=0)),
    ])
    n_folds = demo.cv.get_n_splits()
    predicted = np.empty_like(data.y)
    folds = []
    for k, (train, test) in enumerate(demo.cv.split(X, data.y, data.groups), 1):
        start = time.perf_counter()
        fold_model = clone(model).fit(X[train], data.y[train])
        predicted[test] = fold_model.predict(X[test])
        fold = Bunch(k=k, n_epochs=fold_model[-1].n_epochs_, n_train=train.size,
                     held_out=", ".join(sorted(set(data.groups[test].tolist()))),
                     seconds=time.perf_counter() - start)
        folds.append(fold)
        demo.tell(fmt.fold_line(fold, n_folds))
    baseline = demo.result.baseline
    report = aami_report(data.y, predicted)
    f1_of_cnn, f1_of_base = report["f1"], baseline.report["f1"]
    cnn = demo.result.cnn = Bunch(
        predictions=predicted, report=report, macro_f1=aami_macro_f1(data.y, predicted),
        folds=folds, better=f1_of_cnn.index[f1_of_cnn > f1_of_base].tolist(),
        worse=f1_of_cnn.index[f1_of_cnn < f1_of_base].tolist(),
    )
    demo.result.macro_f1 = {"baseline": baseline.macro_f1, "cnn": cnn.macro_f1}
    demo.tell(fmt.cnn_lines(baseline, cnn, len(set(data.groups.tolist()))))
    demo.result.summary.append(fmt.cnn_summary(report))
    if demo.plt is not None:
        from ..inspection import AAMIConfusionMatrixDisplay, TrainingHistoryDisplay

        display = AAMIConfusionMatrixDisplay.from_predictions(
            data.y, predicted, normalize="true", values_format=".2f",
            title=f"CNN on unseen patients ({n_folds} folds): share of each true class\n"
                  "(sensitivity on the diagonal)",
        )
        demo.save(display.figure_, "cnn_confusion_matrix.png")
        display = TrainingHistoryDisplay.from_estimator(
            fold_model,
            title=f"CNN training history, fold {n_folds}/{n_folds} (patients {fold.held_out} held out)",
        )
        demo.save(display.figure_, "cnn_training_history.png")

    # Saved as a whole-record model: the pipeline with the settings its beats were cut
    # and described with, so that `sklearn-ecg predict` can apply it to any record.
    from ..pipeline import RecordBeatClassifier
    from ..segmentation import RPeakSegmenter

    start = time.perf_counter()
    record_model = RecordBeatClassifier(
        model, segmenter=RPeakSegmenter(fs=demo.records[0].fs, detector=demo.detector,
                                        before=data.before, after=data.after, beat_length=n_beat),
        relative_features=True,
    )
    record_model.fit(demo.records)
    path = demo.output / "cnn_pipeline.joblib"
    joblib.dump(record_model, path)
    demo.keep(path)
    again = joblib.load(path)
    record = demo.records[-1]
    cnn.update(
        path=path, record=str(record.record), n_epochs_all=record_model.estimator_[-1].n_epochs_,
        seconds_all=time.perf_counter() - start,
        reloaded_same=bool(again.predict_record(record.signal)
                           .equals(record_model.predict_record(record.signal))),
    )
    demo.tell(fmt.record_model_lines(cnn))


def _demo_similarity(demo):
    from sklearn.metrics import roc_auc_score

    from ..datasets import load_ecgid_sample, make_segments
    from ..metrics import equal_error_rate
    from ..model_selection import PairGroupKFold, make_pairs, verification_scores
    from ..neural import SiameseSimilarityRegressor
    from ..preprocessing import BeatNormalizer

    seg = make_segments(load_ecgid_sample(), window=5.0, segment_length=96)
    X = BeatNormalizer("zscore").fit_transform(seg.X)
    sim = demo.result.similarity = Bunch(
        n_segments=len(X), segment_length=X.shape[1], n_recordings=len(set(seg.record.tolist())),
        n_persons=len(set(seg.groups.tolist())),
    )
    demo.tell(fmt.similarity_data_line(sim))
    # Persons, not segments, are split: nobody on the test side is seen in training.
    train, test = next(PairGroupKFold(n_splits=3, shuffle=True, random_state=0)
                       .split(X, groups=seg.groups))
    # As many pairs as there are distinct same-person pairs, and as many different-person
    # ones (at most 3000 in all): none repeats.
    _, per_person = np.unique(seg.groups[train], return_counts=True)
    n_pairs = int(min(3000, 2 * np.sum(per_person * (per_person - 1))))
    X_pairs, y, _ = make_pairs(X[train], seg.groups[train], n_pairs=n_pairs, random_state=0)
    start = time.perf_counter()
    model = SiameseSimilarityRegressor(bound_output=True, epochs=demo.epochs, random_state=0)
    model.fit(X_pairs, y)
    sim.update(n_train_pairs=len(y), n_train_persons=len(set(seg.groups[train].tolist())),
               n_epochs=model.n_epochs_, seconds=time.perf_counter() - start)
    demo.tell(fmt.similarity_model_line(sim))

    # Every pair of test windows from two different recordings.
    matrices = {
        "Pearson r (no learning)": np.corrcoef(X[test]),
        "Siamese network": model.score_pairs(X[test]),
    }
    scores, recording = {}, {}
    for name, matrix in matrices.items():
        same, scores[name] = verification_scores(
            "precomputed", matrix, seg.groups[test], seg.record[test], level="segment")
        # Recordings, as a user compares them: the scores of all their windows averaged.
        same_rec, recording[name] = verification_scores(
            "precomputed", matrix, seg.groups[test], seg.record[test], level="recording")
    sim.update(n_pairs=int(same.size), n_same=int(same.sum()),
               n_test_persons=len(set(seg.groups[test].tolist())),
               auc={name: float(roc_auc_score(same, s)) for name, s in scores.items()},
               eer={name: float(equal_error_rate(same, s)) for name, s in scores.items()},
               n_recording_pairs=int(same_rec.size), n_recording_same=int(same_rec.sum()),
               recording_auc={name: float(roc_auc_score(same_rec, s)) for name, s in recording.items()},
               recording_eer={name: float(equal_error_rate(same_rec, s))
                              for name, s in recording.items()})
    demo.tell(fmt.similarity_lines(sim))
    demo.result.summary.append(fmt.similarity_summary(sim))
    if demo.plt is None:
        return
    from ..inspection import SimilarityDisplay

    figure, axes = demo.plt.subplots(1, 2, figsize=(12, 4.2), layout="constrained")
    for ax, (name, s) in zip(axes, scores.items()):
        SimilarityDisplay.from_predictions(same, s, name=name, ax=ax, density=True)
    figure.suptitle(f"Same person or not? {same.size} pairs of windows of "
                    f"{sim.n_test_persons} persons unseen in training (ECG-ID sample)")
    demo.save(figure, "similarity.png")


def _demo_shipped(demo):
    """Every bundled record classified by the shipped beat classifier, no training."""
    from ..inspection import holter_summary, holter_summary_lines
    from ..metrics import aami_macro_f1, aami_report, match_peaks
    from ..pretrained import load_beat_classifier

    start = time.perf_counter()
    model = load_beat_classifier()
    trained_on = {str(r).split("/")[-1] for r in model.training_records_
                  if str(r).startswith("mitdb/")}
    seen = [str(r.record) for r in demo.records if str(r.record) in trained_on]
    demo.tell([
        f"the model was trained on {len(model.training_records_)} recordings of the data home; "
        f"{len(seen)} of the {len(demo.records)} bundled records are among them "
        f"({', '.join(seen) or 'none'}): the figures below show it working, they are not a "
        "test (see the model card for those)",
    ])
    truth, pred = [], []
    for rec in demo.records:
        table = model.predict_record(rec.signal, fs=rec.fs)
        i, j = match_peaks(rec.r_peaks, table["sample"], rec.fs)
        truth += list(rec.beat_labels[i])
        pred += list(table["class"].to_numpy()[j])
        if str(rec.record) == "208":
            demo.tell(holter_summary_lines(holter_summary(table, duration=rec.signal.size / rec.fs),
                                           name="record 208"))
    keep = np.isin(truth, ["N", "S", "V", "F"])
    truth, pred = np.asarray(truth)[keep], np.asarray(pred, dtype=object)[keep].astype(str)
    report = aami_report(truth, pred)
    demo.result.shipped = Bunch(report=report, seconds=time.perf_counter() - start,
                                trained_on=seen, n_beats=int(keep.sum()))
    demo.tell([f"{int(keep.sum())} detected beats of {len(demo.records)} records classified in "
               f"{demo.result.shipped.seconds:.1f} s, against the cardiologists' labels:",
               *fmt.aami_lines({"shipped model": report},
                               {"shipped model": aami_macro_f1(truth, pred)})])
    demo.result.summary.append(
        f"shipped beat classifier, no training: {len(pred)} beats classified "
        f"({len(seen)} of {len(demo.records)} records were in its training data)")


# The steps of the demo, in order: a title (formatted with the options) and a
# function of the shared _DemoRun. "[k/n]" is counted from this list, so a new step
# (say, a contrastive encoder trained on few labels) is one function and one entry.
DEMO_STEPS = [
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
    ("Classifying every bundled record with the shipped beat classifier "
     "(sklearn_ecg.pretrained, no training)", _demo_shipped),
]


def run_demo(*, output=DEFAULT_OUTPUT, detector="cnn", epochs=15, folds=4,
             say=fmt.say):
    """Run the main job on the samples bundled with the package and return its figures.

    Signal reports, R-peak detection, beats, a baseline and a CNN evaluated on
    unseen patients, a Siamese similarity model, plots and saved pipelines;
    what ``sklearn-ecg demo`` runs. Every option is checked before the first
    step.

    Parameters
    ----------
    output : str or path-like, default="sklearn-ecg-output"
        Folder for the files written (created if needed).
    detector : str, default="cnn"
        R-peak detector, one of :data:`~sklearn_ecg.segmentation.DETECTORS`.
    epochs : int, default=15
        Most epochs of each network fit.
    folds : int, default=4
        Patient-grouped folds of the beat classifiers' evaluation, 2 to 8.
    say : callable, default=print
        Called with each line of the demo's account, as it goes.

    Returns
    -------
    result : :class:`~sklearn.utils.Bunch`
        ``output``, ``files`` (the paths written), ``summary`` (the closing
        lines), ``steps`` (each step's ``title`` and ``seconds``), ``seconds``,
        ``sample``, ``signal_report`` (``table``: the report of each channel),
        ``detection`` (the :func:`~sklearn_ecg.segmentation.evaluate_detector`
        table), ``beats``, ``baseline`` and ``cnn`` (``report``: the
        :func:`~sklearn_ecg.metrics.aami_report` on unseen patients,
        ``macro_f1``, ``predictions``, ``reloaded_same``; the CNN's ``folds``),
        ``macro_f1`` (``{"baseline": ..., "cnn": ...}``) and ``similarity``
        (``auc`` and ``eer`` of each score).

    Raises
    ------
    ValueError, OSError
        An option is wrong (the message names it), before anything is run.
    """
    output = check_demo_options(output=output, detector=detector, epochs=epochs, folds=folds)
    # Each fold builds a new network: TensorFlow's advice about retracing its
    # functions is noise to a user of the command.
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    demo = _DemoRun(output=output, detector=detector, epochs=epochs, folds=folds, say=say)
    demo.plt = start_plots(say)
    demo.result.plots = demo.plt is not None
    options = {"output": output, "detector": detector, "epochs": epochs, "folds": folds}
    begin = time.perf_counter()
    for k, (title, step) in enumerate(DEMO_STEPS, 1):
        title = title.format(**options)
        say(f"[{k}/{len(DEMO_STEPS)}] " + title)
        start = time.perf_counter()
        step(demo)
        seconds = time.perf_counter() - start
        demo.result.steps.append(Bunch(title=title, seconds=seconds))
        say(f"{fmt.INDENT}({seconds:.1f} s)")
    demo.result.seconds = time.perf_counter() - begin
    say(f"Done in {demo.result.seconds:.0f} s.")
    for line in demo.result.summary:
        say(f"  {line}")
    for line in fmt.files_lines(output, demo.result.files):
        say(line)
    return demo.result
