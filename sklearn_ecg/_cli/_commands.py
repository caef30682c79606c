"""The work of ``detect``, ``segment``, ``predict`` and ``report``, as functions returning values.

Each function takes the command's inputs as arguments and returns a
:class:`~sklearn.utils.Bunch`; nothing here prints. ``on_record`` callbacks
let the caller say something after each record (a progress bar, a line).
Errors name the options of the command line (``--fs``, ``--lead``).
"""

import time
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch

_NO_CALLBACK = None


def check_fs_option(fs):
    """``--fs`` as a float, or None; one clear error for zero, negative or NaN."""
    from ..utils import check_fs

    return None if fs is None else check_fs(fs, "--fs")


_OPTIONS = ("--lead", "--column", "--fs")  # the reader's errors name what the user typed


def read_input(path, *, lead=None, column=None, fs=None):
    """One lead of a WFDB record or one column of a CSV file, missing samples kept as NaN.

    :func:`sklearn_ecg.datasets.read_signal`, with ``n_missing`` (NaN or
    infinite samples) added and its errors naming ``--lead``, ``--column``
    and ``--fs``.

    Raises
    ------
    ValueError
        If the file cannot be read, the lead or column does not exist, ``--fs``
        is wrong or missing, or the signal holds no valid sample.
    """
    from ..datasets._signal_file import _read_signal

    rec = _read_signal(path, lead=lead, column=column, fs=fs, options=_OPTIONS)
    valid = np.isfinite(rec.signal)
    if not valid.any():
        raise ValueError(f"{rec.record} holds no valid sample")
    rec.n_missing = int(rec.signal.size - valid.sum())
    return rec


def read_input_filled(path, *, lead=None, column=None, fs=None, say=None):
    """:func:`read_input` with missing samples filled, for a model that refuses NaN.

    ``say``, when given, is told how many samples were filled. Module-level
    so that a :func:`functools.partial` of it can be sent to Dask workers.
    """
    from ..utils import fill_gaps
    from ._format import missing_line

    rec = read_input(path, lead=lead, column=column, fs=fs)
    rec.signal, _ = fill_gaps(rec.signal, rec.record)
    rec.filled = True
    line = missing_line(rec)
    if line is not None and say is not None:
        say(line)
    return rec


def expand_inputs(paths):
    """The records the inputs name: a folder gives its WFDB records and CSV files."""
    found = []
    for path in map(Path, paths):
        if path.is_dir():
            inside = sorted(p for p in path.iterdir() if p.suffix == ".hea"
                            or p.name.endswith((".csv", ".csv.gz")))
            if not inside:
                raise ValueError(f"{path} holds no WFDB record (.hea) or CSV file")
            found += [p.with_suffix("") if p.suffix == ".hea" else p for p in inside]
        else:
            found.append(path)
    seen = {}
    for path in found:
        key = path.resolve()
        if key in seen:
            raise ValueError(
                f"{path} is given twice (also as {seen[key]}): each record would be processed "
                "twice; name it once"
            )
        seen[key] = path
    return found


def record_names(paths):
    """A name for each input: its file name without extension, with as many parent folders
    as it takes to tell apart inputs of the same name (``a/rec`` and ``b/rec``)."""
    def stem(path, depth):
        parts = path.with_suffix("").parts if path.suffix == ".hea" else path.parts
        name = "/".join(parts[-depth:]) if depth <= len(parts) else "/".join(parts)
        for suffix in (".csv.gz", ".csv", ".hea"):
            if name.endswith(suffix):
                return name[: -len(suffix)]
        return name

    paths = [Path(p).resolve() for p in paths]
    depth = 1
    while depth < 32:
        names = [stem(p, depth) for p in paths]
        if len(set(names)) == len(names):
            return names
        depth += 1
    return [str(p) for p in paths]


def detect_record(path, *, lead=None, column=None, fs=None, detector="cnn"):
    """R peaks of one record, its heart rate and how much its detections look like beats.

    Returns
    -------
    found : :class:`~sklearn.utils.Bunch`
        ``record``, ``lead``, ``fs``, ``duration`` (seconds), ``n_missing``,
        ``stretches`` (the NaN-free ``[start, stop)`` searched), ``peaks``,
        ``rr`` (seconds, within stretches), ``heart_rate`` (bpm, None with
        fewer than two peaks in a stretch), ``seconds`` (detection time),
        ``detector``, ``template_corr`` (median correlation of the beats with
        their median beat) and ``plausible_rr`` (share of intervals between
        0.24 and 2 s), both None with fewer than two peaks,
        ``looks_like_noise``, and ``proba_usable`` and ``quality`` of each
        peak (:func:`~sklearn_ecg.segmentation.peak_quality`).
    """
    from ..segmentation import (
        RPeakSegmenter,
        detect_r_peaks_on_stretches,
        peak_quality,
        segment_on_stretches,
    )

    rec = read_input(path, lead=lead, column=column, fs=fs)
    start = time.perf_counter()
    found = detect_r_peaks_on_stretches(rec.signal, rec.fs, detector)
    seconds = time.perf_counter() - start
    peaks = found.peaks
    result = Bunch(record=rec.record, lead=rec.lead, fs=rec.fs, duration=rec.signal.size / rec.fs,
                   n_missing=rec.n_missing, fs_source=rec.fs_source, stretches=found.stretches,
                   peaks=peaks, rr=found.rr,
                   heart_rate=60 / float(np.mean(found.rr)) if found.rr.size else None,
                   seconds=seconds, detector=detector, template_corr=None, plausible_rr=None,
                   looks_like_noise=False)
    result.proba_usable, result.quality = peak_quality(rec.signal, rec.fs, peaks)
    if peaks.size > 1:
        cut = segment_on_stretches(RPeakSegmenter(fs=rec.fs, edge="pad"), rec.signal,
                                   found.stretches, peaks=peaks)
        result.template_corr = float(np.median(cut.template_corr))
        result.plausible_rr = cut.plausible_rr
        # White noise gives about 0.1 and 70 %; every record of MIT-BIH DS1 and
        # ECG-ID (26 and 227 records of the data home) is above one bound or the other.
        # The learned detector's "beats" in noise keep a plausible rhythm: most of them
        # in windows the signal quality rates unusable says the same.
        unusable = float(np.mean(result.quality == "unusable"))
        result.looks_like_noise = bool(result.template_corr < 0.3
                                       and (cut.plausible_rr < 0.85 or unusable > 0.5))
    return result


_READ_ERRORS = (ValueError, FileNotFoundError, OSError)


def _skip_or_raise(failed, name, exc, n_inputs, on_error):
    """A record of a batch that cannot be read: noted and skipped; alone, it raises."""
    if n_inputs == 1:
        raise exc
    failed.append((name, str(exc)))
    if on_error is not None:
        on_error(name, exc)


def check_batch(result):
    """Raise, after a batch's outputs are written, when some of its records could not be read."""
    failed = result.get("failed") or []
    if failed:
        listed = "; ".join(f"{name}: {message}" for name, message in failed[:3])
        more = f"; and {len(failed) - 3} more" if len(failed) > 3 else ""
        raise ValueError(f"{len(failed)} of {result.n_records} records could not be read and "
                         f"were left out ({listed}{more})")


def _all_failed(failed):
    if failed:
        raise ValueError(f"no record could be read ({'; '.join(f'{n}: {m}' for n, m in failed[:3])})")


def detect_records(inputs, *, lead=None, column=None, fs=None, detector="cnn",
                   on_record=_NO_CALLBACK, on_error=None):
    """``detect``: the R peaks of each input, as one table.

    Returns
    -------
    result : :class:`~sklearn.utils.Bunch`
        ``table`` (a DataFrame: ``sample`` and ``time_s``, after a ``record``
        column when there are several records) and ``records`` (the
        :func:`detect_record` of each), ``n_records`` and ``failed`` (``(name,
        message)`` of each record of a batch that could not be read: the others
        are detected, and :func:`check_batch` raises once the table is written).
    """
    import pandas as pd

    inputs = expand_inputs(inputs)
    names = record_names(inputs)
    tables, records, failed = [], [], []
    for path, name in zip(inputs, names):
        try:
            found = detect_record(path, lead=lead, column=column, fs=fs, detector=detector)
        except _READ_ERRORS as exc:
            _skip_or_raise(failed, name, exc, len(inputs), on_error)
            continue
        if len(inputs) > 1:
            found.record = name
        table = pd.DataFrame({"sample": found.peaks, "time_s": found.peaks / found.fs,
                              "proba_usable": found.proba_usable, "quality": found.quality})
        if len(inputs) > 1:
            table.insert(0, "record", found.record)
        tables.append(table)
        records.append(found)
        if on_record is not None:
            on_record(found, len(inputs))
    if not tables:
        _all_failed(failed)
    return Bunch(table=pd.concat(tables, ignore_index=True), records=records,
                 n_records=len(inputs), failed=failed)


def beat_labels(path, peaks, fs, n_samples):
    """The AAMI class of each cut beat of an annotated WFDB record ("" where none matches).

    None when ``path`` is not a WFDB record with a ``.atr`` file.
    """
    from ..datasets import aami_class, is_beat, label_peaks
    from ..datasets._base import read_wfdb_annotations
    from ..datasets._signal_file import _is_wfdb

    base = Path(path).with_suffix("")
    if not (_is_wfdb(path) and base.with_suffix(".atr").is_file()):
        return None
    ann = read_wfdb_annotations(base, "atr", n_samples)
    symbols = np.asarray(ann.symbol, dtype=str)
    beats = is_beat(symbols)
    labels = label_peaks(np.asarray(ann.sample)[beats], aami_class(symbols[beats]), peaks, fs)
    return np.where(labels == None, "", labels).astype(object)  # noqa: E711


def segment_records(inputs, *, lead=None, column=None, fs=None, detector="cnn",
                    before=0.25, after=0.45, beat_length=None, on_record=_NO_CALLBACK,
                    on_error=None):
    """``segment``: the beats and RR features of each input, labelled where annotated.

    Returns
    -------
    result : :class:`~sklearn.utils.Bunch`
        ``beats``, ``rr``, ``peaks`` (in each record's samples), ``records``
        (each beat's record), ``labels`` (each beat's AAMI class, "" where no
        annotation matches; None when no input is annotated),
        ``feature_names``, ``proba_usable`` and ``quality`` (of each beat's
        5-s window, see :func:`~sklearn_ecg.segmentation.peak_quality`) and
        ``parts`` (one Bunch per record: ``record``, ``lead``, ``fs``,
        ``beats``, ``rr``, ``peaks``, ``dropped``, ``labels``, ``n_missing``,
        ``stretches``, ``proba_usable``, ``quality``), ``n_records`` and
        ``failed``, as :func:`detect_records` gives them.
    """
    from ..segmentation import (
        RPeakSegmenter,
        nan_free_stretches,
        peak_quality,
        segment_on_stretches,
    )

    inputs = expand_inputs(inputs)
    names = record_names(inputs)
    parts, failed = [], []
    for path, name in zip(inputs, names):
        try:
            rec = read_input(path, lead=lead, column=column, fs=fs)
        except _READ_ERRORS as exc:
            _skip_or_raise(failed, name, exc, len(inputs), on_error)
            continue
        if len(inputs) > 1:
            rec.record = name
        segmenter = RPeakSegmenter(fs=rec.fs, detector=detector, before=before, after=after,
                                   beat_length=beat_length)
        stretches = nan_free_stretches(rec.signal, rec.fs)
        cut = segment_on_stretches(segmenter, rec.signal, stretches)
        if parts and cut.beats.shape[1] != parts[0].beats.shape[1]:
            raise ValueError(
                f"{rec.record} gives beats of {cut.beats.shape[1]} samples, "
                f"{parts[0].record} of {parts[0].beats.shape[1]} (other sampling rates): "
                "give --n-samples to resample them all to one length"
            )
        proba_usable, quality = peak_quality(rec.signal, rec.fs, cut.peaks)
        part = Bunch(record=rec.record, lead=rec.lead, fs=rec.fs, fs_source=rec.fs_source,
                     n_missing=rec.n_missing,
                     stretches=stretches, labels=beat_labels(path, cut.peaks, rec.fs, len(rec.signal)),
                     proba_usable=proba_usable, quality=quality, **cut)
        parts.append(part)
        if on_record is not None:
            on_record(part, len(inputs))
    if not parts:
        _all_failed(failed)
    labelled = any(part.labels is not None for part in parts)
    # Records without annotations have no label ("") in a table of several.
    labels = np.concatenate([
        part.labels if part.labels is not None else np.full(len(part.peaks), "", dtype=object)
        for part in parts]) if labelled else None
    return Bunch(
        beats=np.concatenate([part.beats for part in parts]),
        rr=np.concatenate([part.rr for part in parts]),
        peaks=np.concatenate([part.peaks for part in parts]),
        records=np.concatenate([np.full(len(part.peaks), part.record, dtype=object)
                                for part in parts]),
        labels=labels, feature_names=parts[0].feature_names, parts=parts,
        proba_usable=np.concatenate([part.proba_usable for part in parts]),
        quality=np.concatenate([part.quality for part in parts]),
        n_records=len(inputs), failed=failed,
    )


def write_beats(result, output):
    """Write what :func:`segment_records` returned as ``.npz`` or ``.csv``."""
    import pandas as pd

    output = Path(output)
    several = len(result.parts) > 1
    if output.suffix == ".npz":
        extra = {} if result.labels is None else {"labels": result.labels.astype(str)}
        if several:
            extra["records"] = result.records.astype(str)
        extra["proba_usable"], extra["quality"] = result.proba_usable, result.quality.astype(str)
        np.savez_compressed(output, X=result.beats, rr=result.rr, peaks=result.peaks,
                            feature_names=result.feature_names.astype(str),
                            fs=np.array([part.fs for part in result.parts]) if several
                            else result.parts[0].fs, **extra)
    else:
        table = pd.DataFrame(np.hstack([result.beats, result.rr]), columns=list(result.feature_names))
        table.insert(0, "sample", result.peaks)
        if result.labels is not None:
            # The annotated AAMI class of each beat, empty for a detection no beat matches.
            table.insert(1, "label", result.labels)
        # The signal quality of each beat's window, after its label.
        at = 1 if result.labels is None else 2
        table.insert(at, "quality", result.quality)
        table.insert(at, "proba_usable", result.proba_usable)
        if several:
            table.insert(0, "record", result.records)
        table.to_csv(output, index=False, float_format="%.6g")


def load_record_model(path):
    """A saved RecordBeatClassifier or UniversalBeatClassifier: skops files loaded safely,
    others with joblib."""
    from ..pipeline import RecordBeatClassifier, UniversalBeatClassifier

    if isinstance(path, (RecordBeatClassifier, UniversalBeatClassifier)):
        return path  # loaded already
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no such model file: {path}")
    if path.suffix == ".skops":
        from skops.io.exceptions import UntrustedTypesFoundException

        from ..utils import load_model

        try:
            model = load_model(path)
        except UntrustedTypesFoundException as exc:
            raise ValueError(
                f"{path} holds types sklearn-ecg does not trust ({exc}); if you trust the file, "
                "load it with sklearn_ecg.utils.load_model(path, trusted=[...]) naming them"
            ) from None
    else:
        import joblib

        try:
            model = joblib.load(path)
        except Exception as exc:  # noqa: BLE001 - unpickling raises anything
            raise ValueError(f"cannot load {path} as a joblib model: {exc}") from None
    if isinstance(model, UniversalBeatClassifier):
        if not hasattr(model, "estimators_"):
            raise ValueError(f"{path.name} holds a UniversalBeatClassifier that was never fitted: "
                             "fit it first")
        return model
    if not isinstance(model, RecordBeatClassifier):
        raise ValueError(
            f"{path.name} holds a {type(model).__name__}, not a RecordBeatClassifier: a beat "
            "model alone does not know how to cut records (sklearn_ecg.pipeline."
            "RecordBeatClassifier wraps one with its segmentation; the demo saves one)"
        )
    if not hasattr(model, "estimator_"):
        raise ValueError(f"{path.name} holds a RecordBeatClassifier that was never fitted: fit it first")
    return model


def check_table_output(output):
    """``--output`` of ``predict``: None, or a .csv or .parquet path it can write."""
    if output is None:
        return None
    output = Path(output)
    if output.suffix not in (".csv", ".parquet"):
        raise ValueError(f"--output must end in .csv or .parquet, got {output.name}")
    if output.suffix == ".parquet":
        import importlib.util

        if importlib.util.find_spec("pyarrow") is None:
            raise ImportError("--output .parquet needs pyarrow: pip install pyarrow")
    return output


def predict_files(model, inputs, *, lead=None, column=None, fs=None, inference="numpy",
                  scheduler=None, progress=None, say=None):
    """``predict``: every beat of each input classified by a saved RecordBeatClassifier.

    ``model`` is a path (see :func:`load_record_model`). The model refuses
    NaN, so missing samples are filled by linear interpolation (and ``say``
    is told how many).

    Returns
    -------
    result : :class:`~sklearn.utils.Bunch`
        ``table`` (one row per beat), ``n_records``, ``seconds``,
        ``inference`` and ``classes`` (the model's).
    """
    import functools

    from ..pipeline import predict_records
    from ..utils import set_inference

    fs = check_fs_option(fs)
    inputs = expand_inputs(inputs)
    model = load_record_model(model)
    if inference != "saved":
        set_inference(model, inference)
    reader = functools.partial(read_input_filled, say=say, lead=lead or model.lead_,
                               column=column, fs=fs)
    client = None
    if scheduler:
        from distributed import Client

        client = Client(scheduler)
    start = time.perf_counter()
    try:
        table = predict_records(model, [str(p) for p in inputs], reader=reader, client=client,
                                progress=progress(len(inputs)) if progress is not None else None,
                                on_error="skip" if len(inputs) > 1 else "raise")
    finally:
        if client is not None:
            client.close()
    names = dict(zip(map(str, inputs), record_names(inputs)))
    failed = [(names.get(path, path), message) for path, message in table.attrs.get("failed", [])]
    for name, message in failed:
        if say is not None:
            say(f"{name}: left out: {message}")
    return Bunch(table=table, n_records=len(inputs), seconds=time.perf_counter() - start,
                 inference=inference, classes=list(model.classes_), failed=failed)


def predict_universal(model, inputs, *, fs=None, leads=None, report=None, say=None,
                      progress=None):
    """``predict`` with a UniversalBeatClassifier (the shipped one when ``model`` is None).

    Every lead of each record (or the ``leads`` named) is read
    (:func:`read_recording`) and classified;
    the Holter summary of each record is computed, and with ``report`` written
    as HTML (``report`` itself for one record, ``<stem>-<record>.html`` beside
    it for several).

    Returns
    -------
    result : :class:`~sklearn.utils.Bunch`
        ``table`` (one row per beat, ``record`` first), ``summaries`` (record
        name to :func:`~sklearn_ecg.inspection.holter_summary`), ``n_records``,
        ``seconds``, ``inference`` ("numpy"), ``classes`` and ``model``.
    """
    import warnings

    import pandas as pd

    from ..inspection import holter_summary, write_holter_report
    from ..pretrained import load_beat_classifier
    from ._format import rate_line

    fs = check_fs_option(fs)
    inputs = expand_inputs(inputs)
    names = record_names(inputs)
    start = time.perf_counter()
    model = load_beat_classifier() if model is None else load_record_model(model)
    bar = progress(len(inputs)) if progress is not None else None
    tables, summaries, failed = [], {}, []
    for path, name in zip(inputs, names):
        try:
            frame, rec_fs = read_recording(path, fs=fs, leads=leads)
        except _READ_ERRORS as exc:
            _skip_or_raise(failed, name, exc, len(inputs),
                           None if say is None else lambda n, e: say(f"{n}: left out: {e}"))
            continue
        line = rate_line(Bunch(record=name, fs=rec_fs, fs_source=frame.attrs["fs_source"]))
        if line is not None and say is not None:
            say(line)
        signal = frame.to_numpy(dtype=float)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            table = model.predict_record(signal, fs=rec_fs)
        for w in caught:
            if say is not None:
                say(f"{name}: {w.message}")
        table.insert(0, "record", name)
        summaries[name] = holter_summary(table, duration=signal.shape[0] / rec_fs)
        if report is not None:
            target = Path(report)
            if len(inputs) > 1:
                target = target.with_name(f"{target.stem}-{name.replace('/', '_')}{target.suffix}")
            write_holter_report(table, signal, rec_fs, target, title=f"Holter summary of {name}")
            summaries[name].report = target
        tables.append(table)
        if bar is not None:
            bar.step(name, len(table))
    if not tables:
        _all_failed(failed)
    table = pd.concat(tables, ignore_index=True)
    return Bunch(table=table, summaries=summaries, n_records=len(inputs), failed=failed,
                 seconds=time.perf_counter() - start, inference="numpy",
                 classes=list(model.classes_), model=model)


def read_recording(path, fs=None, leads=None):
    """A recording as a DataFrame of its channels, its sampling rate and where that comes from.

    :func:`sklearn_ecg.datasets.read_recording`, its errors naming ``--lead``
    and ``--fs``.
    """
    import pandas as pd

    from ..datasets._signal_file import _read_recording

    rec = _read_recording(path, fs=fs, leads=leads, options=_OPTIONS)
    frame = pd.DataFrame(rec.signal, columns=list(rec.leads))
    frame.attrs["fs_source"] = rec.fs_source
    return frame, rec.fs


def report_recording(path, *, fs=None, detector="cnn"):
    """``report``: the :func:`~sklearn_ecg.inspection.signal_report` of a recording.

    Returns
    -------
    result : :class:`~sklearn.utils.Bunch`
        ``report`` (the table, one row per channel), ``frame`` (the channels
        read), ``fs``, ``name`` (the file's name) and ``detector``.
    """
    from ..inspection import signal_report

    frame, fs = read_recording(path, fs=fs)
    return Bunch(report=signal_report(frame, fs, detector=detector), frame=frame, fs=fs,
                 fs_source=frame.attrs["fs_source"], name=Path(path).name,
                 record=Path(path).name, detector=detector)
