"""Beat-level datasets from annotated records, cut by the code of RPeakSegmenter."""

import numpy as np
from sklearn.utils import Bunch

from ..metrics import in_intervals, match_peaks
from ..segmentation import DETECTORS, RPeakSegmenter
from ..utils._records import missing_fields, record_field
from ..utils._vocabulary import AAMI_CLASSES


def label_peaks(reference, labels, peaks, fs, *, tolerance=0.15):
    """The label of the annotated beat each detected peak matches, None where none does.

    Detected and annotated beats are paired one to one within ``tolerance``
    seconds (:func:`~sklearn_ecg.metrics.match_peaks`, as ANSI/AAMI EC57
    scores detectors).

    Parameters
    ----------
    reference : array-like of int
        Annotated beats, in samples, increasing.
    labels : array-like
        The label of each annotated beat.
    peaks : array-like of int
        Detected R peaks, in samples.
    fs : float
        Sampling frequency in Hz.
    tolerance : float, default=0.15
        Seconds within which a detection takes an annotated beat's label.

    Returns
    -------
    peak_labels : ndarray of object, shape (n_peaks,)
        The matched beat's label, None for a detection that matches none.

    Examples
    --------
    >>> from sklearn_ecg.datasets import label_peaks
    >>> label_peaks([100, 460, 820], ["N", "V", "N"], [102, 500, 1500], 360).tolist()
    ['N', 'V', None]
    """
    peaks = np.asarray(peaks)
    ref_idx, det_idx = match_peaks(np.asarray(reference), peaks, fs, tolerance=tolerance)
    out = np.full(peaks.size, None, dtype=object)
    out[det_idx] = np.asarray(labels, dtype=object)[ref_idx]
    return out


def make_beat_dataset(
    records,
    *,
    peaks="annotations",
    before=0.25,
    after=0.45,
    beat_length=None,
    classes=AAMI_CLASSES,
    tolerance=0.15,
):
    """Turn annotated records into beats ``X``, AAMI labels ``y`` and patient ``groups``.

    Each record is cut by :meth:`sklearn_ecg.RPeakSegmenter.segment`, the very
    code that segments signals inside a Pipeline, so that beats seen in
    training and beats seen in use are cut alike.

    Parameters
    ----------
    records : list of Bunch
        Records as returned by :func:`read_mitdb_record`, :func:`fetch_mitdb`
        or :func:`load_mitdb_sample` (fields ``signal``, ``fs``,
        ``r_peaks``, ``beat_labels``, ``subject``, ``record``,
        ``vf_episodes``). Records built by hand with the names of before 0.2,
        ``beat_samples`` and ``patient``, still serve, with a FutureWarning.
    peaks : str, default="annotations"
        Where the R peaks come from: ``"annotations"`` uses the reference beat
        annotations; a detector name (see
        :data:`~sklearn_ecg.segmentation.DETECTORS`) detects them, and each
        detection takes the label of the annotated beat it matches within
        ``tolerance`` seconds, as a deployed system would see the beats.
    before, after : float, default=0.25, 0.45
        Seconds of signal before and after each R peak.
    beat_length : int, default=None
        Resample each beat to this many samples; None keeps
        ``round(before * fs) + round(after * fs)``.
    classes : sequence of str, default=("N", "S", "V", "F", "Q")
        AAMI classes to keep; beats of other classes are left out (and counted).
    tolerance : float, default=0.15
        Matching window in seconds for detected peaks (AAMI EC57: 150 ms).

    Returns
    -------
    dataset : :class:`~sklearn.utils.Bunch`
        - ``X`` : ndarray of shape (n_beats, beat_length), the beats, or
          (n_beats, beat_length, n_leads) for records of several leads
          (``read_mitdb_record(..., all_leads=True)``);
        - ``y`` : ndarray of str, the AAMI class of each beat;
        - ``groups`` : ndarray of str, the patient of each beat (records 201
          and 202 are one patient), for patient-grouped cross-validation;
        - ``rr`` : ndarray of shape (n_beats, 10), RR-interval features named
          by ``rr_feature_names``, computed from every peak of the record;
        - ``record``, ``sample`` : the record and R-peak sample of each beat;
        - ``feature_names`` : names of the columns of ``np.hstack([X, rr])``;
        - ``counts`` : dict of what was left out, summed over records:
          ``edge`` (beats too near a record's ends for a full window),
          ``other_class`` (beats outside ``classes``), and for detected peaks
          ``in_vf_episodes`` (detections inside ventricular flutter or
          fibrillation, where there are no beats to label),
          ``unmatched_detections`` (other detections that match no annotated
          beat: false detections) and ``missed_beats`` (annotated beats that no
          detection matched).

    Examples
    --------
    >>> from sklearn_ecg.datasets import load_mitdb_sample, make_beat_dataset
    >>> data = make_beat_dataset(load_mitdb_sample()[:2], beat_length=187)
    >>> data.X.shape[1], data.rr.shape[1]
    (187, 10)
    >>> sorted(set(data.groups)) == sorted({r.subject for r in load_mitdb_sample()[:2]})
    True
    """
    classes = tuple(classes)
    unknown = sorted(set(classes) - set(AAMI_CLASSES))
    if unknown:
        raise ValueError(f"classes must be AAMI classes {AAMI_CLASSES}, got unknown {unknown}")
    if peaks != "annotations" and peaks not in DETECTORS:
        raise ValueError(
            f"peaks must be 'annotations' or a detector name {list(DETECTORS)}, got {peaks!r}"
        )
    use_annotations = peaks == "annotations"
    if isinstance(records, (dict, str)) or not hasattr(records, "__len__"):
        raise ValueError(
            "records must be a list of records as read by read_mitdb_record or "
            f"load_mitdb_sample (Bunch with signal, fs, beat_samples, ...), got "
            f"{type(records).__name__}; wrap a single record in a list: [record]"
        )
    if len(records) == 0:
        raise ValueError("records is empty: pass at least one record")
    required = ("signal", "fs", "r_peaks", "beat_labels", "subject", "record")
    seen = set()
    for i, rec in enumerate(records):
        missing = missing_fields(rec, required)
        if missing:
            raise ValueError(
                f"records[{i}] is not a record: it lacks {missing}; records come from "
                "read_mitdb_record, fetch_mitdb or load_mitdb_sample (a record name is "
                "read with read_mitdb_record(name))"
            )
        if rec.record in seen:
            raise ValueError(
                f"record {rec.record} is given twice: its beats would be duplicated"
            )
        seen.add(rec.record)
        n_peaks, n_labels = len(record_field(rec, "r_peaks")), len(rec.beat_labels)
        if n_labels != n_peaks:
            raise ValueError(
                f"record {rec.record} has {n_peaks} r_peaks but {n_labels} beat_labels: "
                "one label per annotated beat"
            )
        odd = sorted({type(label).__name__ for label in rec.beat_labels
                      if label is not None and not isinstance(label, str)})
        if odd:
            raise ValueError(
                f"beat_labels of record {rec.record} must be class names (str), got values of "
                f"type {', '.join(odd)}; AAMI classes are 'N', 'S', 'V', 'F' and 'Q'"
            )
        if use_annotations and np.isnan(np.asarray(rec.signal, dtype=float)).any():
            raise ValueError(
                f"record {rec.record} has NaN samples: beats cut at the annotations would "
                "contain them; fill or cut out the gaps first"
            )
    rates = {float(rec.fs) for rec in records}
    if beat_length is None and len(rates) > 1:
        first = {}
        for rec in records:
            first.setdefault(float(rec.fs), rec.record)
        listed = ", ".join(f"{fs:g} Hz ({name})" for fs, name in first.items())
        raise ValueError(
            f"records are at different sampling rates ({listed}), so their beats differ in "
            "length; pass beat_length to resample every beat to one length"
        )
    parts = {k: [] for k in ("X", "y", "groups", "rr", "record", "sample")}
    counts = {"edge": 0, "other_class": 0}
    if not use_annotations:
        counts.update(in_vf_episodes=0, unmatched_detections=0, missed_beats=0)
    feature_names = None
    for rec in records:
        segmenter = RPeakSegmenter(
            fs=rec.fs,
            detector="fast_pan_tompkins" if use_annotations else peaks,
            before=before,
            after=after,
            beat_length=beat_length,
            rr_features=True,
        )
        ref = np.asarray(record_field(rec, "r_peaks"), dtype=np.int64)
        ref_labels = np.asarray(rec.beat_labels, dtype=object)
        if np.any(np.diff(ref) <= 0):
            raise ValueError(f"r_peaks of record {rec.record} must be strictly increasing")
        if use_annotations:
            result = segmenter.segment(rec.signal, peaks=ref)
            # Every peak is an annotated beat: look its label up.
            labels_all = ref_labels[np.searchsorted(ref, result.detected)]
        else:
            result = segmenter.segment(rec.signal)
            labels_all = label_peaks(ref, ref_labels, result.detected, rec.fs,
                                     tolerance=tolerance)
            unmatched = labels_all == None  # noqa: E711 - object array of labels or None
            in_vf = unmatched & in_intervals(result.detected, rec.vf_episodes)
            counts["in_vf_episodes"] += int(in_vf.sum())
            counts["unmatched_detections"] += int((unmatched & ~in_vf).sum())
            counts["missed_beats"] += int(ref.size - (~unmatched).sum())
        feature_names = result.feature_names
        kept_labels = labels_all[np.searchsorted(result.detected, result.peaks)]
        dropped_labels = labels_all[np.searchsorted(result.detected, result.dropped)]
        # Edge beats are counted only among beats that would otherwise be used.
        counts["edge"] += int(np.isin(dropped_labels, classes).sum())
        known = kept_labels != None  # noqa: E711 - object array of labels or None
        keep = known & np.isin(kept_labels, classes)
        counts["other_class"] += int((known & ~keep).sum())
        parts["X"].append(result.beats[keep])
        parts["y"].append(kept_labels[keep].astype(str))
        parts["rr"].append(result.rr[keep])
        parts["sample"].append(result.peaks[keep])
        subject = record_field(rec, "subject")
        parts["groups"].append(np.full(keep.sum(), subject, dtype=object))
        parts["record"].append(np.full(keep.sum(), rec.record, dtype=object))
    out = {k: np.concatenate(v) for k, v in parts.items()}
    out["groups"] = out["groups"].astype(str)
    out["record"] = out["record"].astype(str)
    return Bunch(
        **out,
        feature_names=feature_names,
        rr_feature_names=feature_names[out["X"].shape[1]:],
        counts=counts,
    )
