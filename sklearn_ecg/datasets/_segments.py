"""Fixed-length segments of records, for pairing and similarity learning."""

from numbers import Integral, Real

import numpy as np
from sklearn.utils import Bunch

from ..segmentation import DETECTORS, RPeakSegmenter
from ..utils._records import record_field
from ..utils._signal import check_fs, resample_rows


def make_segments(records, *, kind="median_beat", window=5.0, step=None, before=0.25,
                  after=0.45, segment_length=None, detector="cnn"):
    """Cut records into segments of one person each: median beats or raw windows.

    Each record's signal is cut into windows of ``window`` seconds, every
    ``step`` seconds. A window becomes either its median beat (the beats found
    by :class:`~sklearn_ecg.RPeakSegmenter` inside it, aligned on their R peaks,
    median sample by sample: a clean template that hides noise and ectopic
    beats) or the raw window itself. The segments carry their person, so they
    can be paired with :func:`~sklearn_ecg.make_pairs` and split with
    :class:`~sklearn_ecg.PairGroupKFold`.

    Parameters
    ----------
    records : list of Bunch
        Records with a one-lead ``signal``, ``fs``, ``record`` and the person in
        ``subject``, as :func:`read_ecgid_record` and :func:`read_mitdb_record`
        give them (records built by hand with ``person`` or ``patient``, the
        names of before 0.2, still serve, with a FutureWarning).
    kind : {"median_beat", "window"}, default="median_beat"
        What a segment is.
    window : float, default=5.0
        Window length in seconds; records shorter than one window give none
        (they are listed in ``skipped``).
    step : float, default=None
        Seconds between window starts; ``None`` means ``window`` (no overlap).
    before, after : float, default=0.25, 0.45
        Seconds before and after the R peak of a median beat.
    segment_length : int, default=None
        Resample each segment to this many samples; ``None`` keeps the
        record's rate (then all records must share one ``fs``). Named
        ``n_samples`` before 0.2 (still accepted, with a FutureWarning).
    detector : str, default="cnn"
        R-peak detector for median beats (see
        :data:`~sklearn_ecg.segmentation.DETECTORS`).

    Returns
    -------
    segments : :class:`~sklearn.utils.Bunch`
        - ``X`` : ndarray of shape (n_segments, segment_length);
        - ``groups`` : ndarray of str, the person of each segment;
        - ``record`` : ndarray of str, the record of each segment
          (``"subject/record"`` for a record numbered within its subject, as
          ECG-ID's are: a record whose ``record`` is an int);
        - ``start`` : ndarray of int, the window's first sample in its record;
        - ``skipped`` : list of (record, start or None, reason) for windows
          without a median beat (no beat found) and records shorter than one
          window; nothing is left out silently.

    Examples
    --------
    >>> from sklearn_ecg.datasets import load_ecgid_sample, make_segments
    >>> seg = make_segments(load_ecgid_sample()[:6], window=10.0, segment_length=120)
    >>> seg.X.shape
    (12, 120)
    >>> sorted(set(seg.groups.tolist()))
    ['1', '2']
    >>> seg.record[:3].tolist()
    ['1/1', '1/1', '1/2']
    """
    if kind not in ("median_beat", "window"):
        raise ValueError(f"kind must be 'median_beat' or 'window', got {kind!r}")
    if not isinstance(window, Real) or not window > 0:
        raise ValueError(f"window must be a positive number of seconds, got {window!r}")
    step = window if step is None else step
    if not isinstance(step, Real) or not step > 0:
        raise ValueError(f"step must be a positive number of seconds or None, got {step!r}")
    if segment_length is not None and (not isinstance(segment_length, Integral) or segment_length < 2):
        raise ValueError(f"segment_length must be an int >= 2 or None, got {segment_length!r}")
    if kind == "median_beat" and detector not in DETECTORS:
        raise ValueError(f"detector must be one of {list(DETECTORS)}, got {detector!r}")
    if len(records) == 0:
        raise ValueError("records is empty: pass at least one record")

    parts = {"X": [], "groups": [], "record": [], "start": []}
    skipped = []
    for rec in records:
        fs = check_fs(rec.fs, "fs of a record")
        person = record_field(rec, "subject")
        # ECG-ID numbers records within a person; MIT-BIH names are unique.
        numbered = isinstance(rec.record, Integral) and not isinstance(rec.record, bool)
        name = f"{person}/{rec.record}" if numbered else str(rec.record)
        signal = np.asarray(rec.signal, dtype=float)
        if signal.ndim != 1:
            raise ValueError(
                f"record {rec.record}: signal must be one lead (1-D), got shape {signal.shape}"
            )
        length, hop = int(round(window * fs)), max(1, int(round(step * fs)))
        starts = np.arange(0, signal.size - length + 1, hop)
        if starts.size == 0:
            skipped.append((name, None, f"shorter than window={window} s"))
            continue
        windows = np.stack([signal[s:s + length] for s in starts])
        if kind == "window":
            X = windows if segment_length is None else resample_rows(windows, segment_length)
        else:
            segmenter = RPeakSegmenter(fs=fs, detector=detector, before=before, after=after,
                                       beat_length=segment_length, rr_features=False)
            X = segmenter.fit(windows).transform(windows)
            found = ~np.isnan(X).any(axis=1)
            skipped += [(name, int(s), "no beat found") for s in starts[~found]]
            X, starts = X[found], starts[found]
            if not len(X):
                continue
        if parts["X"] and X.shape[1] != parts["X"][0].shape[1]:
            raise ValueError(
                "records give segments of different lengths (different fs); pass segment_length "
                "to resample them to one length"
            )
        parts["X"].append(X)
        parts["groups"].append(np.full(len(X), str(person), dtype=object))
        parts["record"].append(np.full(len(X), name, dtype=object))
        parts["start"].append(starts)
    if not parts["X"]:
        raise ValueError(f"no segment could be cut from the records: {skipped[:5]}")
    return Bunch(
        X=np.concatenate(parts["X"]),
        groups=np.concatenate(parts["groups"]).astype(str),
        record=np.concatenate(parts["record"]).astype(str),
        start=np.concatenate(parts["start"]).astype(np.int64),
        skipped=skipped,
    )
