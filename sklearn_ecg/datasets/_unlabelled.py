"""Unlabelled segments of every record of a data home, streamed, for self-supervised pretraining.

Every lead of every record of every database present (MIT-BIH, ECG-ID, the
smart-garment jacket) is resampled to one rate, cut into fixed-length windows
and z-scored, one record at a time: :func:`iter_unlabelled_segments` yields
them in batches, and :func:`write_unlabelled_segments` writes them to a
``.npy`` file (and their metadata beside it) read back memory-mapped, then or
later with :func:`load_unlabelled_segments`, so that
:class:`~sklearn_ecg.neural.ContrastiveEncoder` trains on more segments than
fit in memory. Each segment carries its subject, record, lead and start time,
the metadata of the encoder's patient-level positives.
"""

from fractions import Fraction
from numbers import Integral
from pathlib import Path

import numpy as np
from scipy.signal import resample_poly
from sklearn.utils import Bunch

from ..utils._signal import check_fs, fill_gaps
from ._base import get_data_home, read_wfdb_header
from ._ecgid import list_ecgid_records, read_ecgid_record
from ._garment import GARMENT_ACTIVITIES, load_garment
from ._mitdb import list_mitdb_records, read_mitdb_record

#: The databases a data home can hold, by the name ``databases`` takes.
UNLABELLED_DATABASES = ("mitdb", "ecgid", "garment")

# A window whose standard deviation is below this (in the record's units) is
# flat (a lead off, a saturated amplifier): z-scoring it would blow up noise.
_FLAT_STD = 1e-8


def _check_params(fs, segment_length, step, databases, batch_size):
    fs = check_fs(fs)
    if isinstance(segment_length, bool) or not isinstance(segment_length, Integral) \
            or segment_length < 2:
        raise ValueError(
            f"segment_length must be an int of at least 2 samples (at fs), got {segment_length!r}"
        )
    step = segment_length if step is None else step
    if isinstance(step, bool) or not isinstance(step, Integral) or step < 1:
        raise ValueError(f"step must be a positive int of samples (at fs) or None, got {step!r}")
    if isinstance(databases, str):
        databases = (databases,)
    databases = tuple(databases)
    unknown = sorted(set(databases) - set(UNLABELLED_DATABASES))
    if unknown or not databases:
        raise ValueError(
            f"databases must name some of {list(UNLABELLED_DATABASES)}, got {databases!r}"
        )
    if isinstance(batch_size, bool) or not isinstance(batch_size, Integral) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive int, got {batch_size!r}")
    return fs, int(segment_length), int(step), databases, int(batch_size)


def _records(data_home, databases):
    """Each record of the data home as (subject, record, fs, {lead: signal}), read lazily."""
    home = get_data_home(data_home)
    if "mitdb" in databases:
        for name in list_mitdb_records(home):
            first = read_wfdb_header(str(home / "mitdb" / name)).sig_name[0]
            rec = read_mitdb_record(name, home, lead=first, all_leads=True)
            yield (f"mitdb/{rec.subject}", f"mitdb/{name}", rec.fs,
                   {lead: rec.signal[:, i] for i, lead in enumerate(rec.leads)})
    if "ecgid" in databases:
        for person, number in list_ecgid_records(home):
            path = home / "ecgiddb" / f"Person_{person:02d}" / f"rec_{number}"
            signals, fs = {}, None
            for lead in read_wfdb_header(str(path)).sig_name:
                rec = read_ecgid_record(person, number, home, lead=lead)
                signals[rec.lead], fs = rec.signal, rec.fs
            yield (f"ecgid/{person}", f"ecgid/{person}/{number}", fs, signals)
    if "garment" in databases:
        for activity in GARMENT_ACTIVITIES:
            try:
                frame = load_garment(activity, home)
            except FileNotFoundError:
                continue
            # One wearer made every recording.
            yield ("garment/wearer", f"garment/{activity}", frame.attrs["fs"],
                   {column: frame[column].to_numpy() for column in frame.columns})


def _resample(signal, fs_in, fs_out):
    if fs_in == fs_out:
        return signal
    ratio = Fraction(fs_out / fs_in).limit_denominator(10_000)
    return resample_poly(signal, ratio.numerator, ratio.denominator, padtype="line")


def _record_segments(data_home, fs, segment_length, step, databases):
    """Per record and lead: (X, subject, record, lead, start) and the windows left out."""
    for subject, record, fs_in, signals in _records(data_home, databases):
        for lead, signal in signals.items():
            signal = np.asarray(signal, dtype=np.float64)
            missing = np.isnan(signal)
            skipped = []
            if missing.all():
                yield None, [(record, lead, None, "no valid sample")]
                continue
            # The filter needs every sample; windows that held a missing one are left out.
            signal = _resample(fill_gaps(signal)[0], fs_in, fs)
            starts = np.arange(0, signal.size - segment_length + 1, step)
            if starts.size == 0:
                yield None, [(record, lead, None, f"shorter than segment_length={segment_length}")]
                continue
            windows = np.lib.stride_tricks.sliding_window_view(signal, segment_length)[starts]
            keep = np.ones(starts.size, dtype=bool)
            if missing.any():
                # The original samples each window spans, at fs_in.
                missed = np.concatenate([[0], np.cumsum(missing)])
                first = np.floor(starts * fs_in / fs).astype(int)
                last = np.minimum(np.ceil((starts + segment_length) * fs_in / fs).astype(int),
                                  missing.size)
                gap = missed[last] - missed[first] > 0
                skipped += [(record, lead, float(s / fs), "missing samples") for s in starts[gap]]
                keep &= ~gap
            std = windows.std(axis=1)
            flat = keep & (std < _FLAT_STD)
            skipped += [(record, lead, float(s / fs), "flat") for s in starts[flat]]
            keep &= ~flat
            X = ((windows[keep] - windows[keep].mean(axis=1, keepdims=True))
                 / std[keep, None]).astype(np.float32)
            n = len(X)
            yield (X, np.full(n, subject), np.full(n, record), np.full(n, lead),
                   starts[keep] / fs), skipped


def _batches(data_home, fs, segment_length, step, databases, batch_size, skipped):
    for part, dropped in _record_segments(data_home, fs, segment_length, step, databases):
        skipped.extend(dropped)
        if part is None:
            continue
        X, subject, record, lead, start = part
        for i in range(0, len(X), batch_size):
            s = slice(i, i + batch_size)
            yield Bunch(X=X[s], subject=subject[s].astype(str), record=record[s].astype(str),
                        lead=lead[s].astype(str), start=start[s])


def iter_unlabelled_segments(data_home=None, *, fs=125.0, segment_length=250, step=None,
                             databases=UNLABELLED_DATABASES, batch_size=4096):
    """Stream z-scored windows of every lead of every record of a data home, in batches.

    One record is in memory at a time: each of its leads is resampled to
    ``fs``, cut into windows of ``segment_length`` samples every ``step``
    samples, and each window is z-scored (mean 0, standard deviation 1), as
    :class:`~sklearn_ecg.neural.ContrastiveEncoder` expects. Records are read
    database by database in the order of ``databases``, each in the order its
    ``list_*`` function gives, and each record lead by lead.

    Parameters
    ----------
    data_home : str or path-like, default=None
        The data home; see :func:`get_data_home`. The databases it lacks give
        nothing.
    fs : float, default=125.0
        The rate, in Hz, every record is resampled to (polyphase filtering).
    segment_length : int, default=250
        Samples per window, at ``fs`` (two seconds with the defaults).
    step : int, default=None
        Samples between the starts of consecutive windows, at ``fs``; None
        means ``segment_length`` (adjacent windows that do not overlap).
    databases : sequence of {"mitdb", "ecgid", "garment"}, default=all three
        Which databases to read: every lead of the MIT-BIH records (both),
        both signals of the ECG-ID records (``"ECG I"`` and ``"ECG I
        filtered"``, the same lead I, raw and filtered) and the five channels
        of the smart-garment recordings (one wearer).
    batch_size : int, default=4096
        The most segments per batch; a batch never spans two records or
        leads.

    Yields
    ------
    batch : :class:`~sklearn.utils.Bunch`
        - ``X`` : ndarray of float32, shape (n, segment_length), z-scored windows;
        - ``subject`` : ndarray of str, the person, prefixed by its database
          (``"mitdb/201"``, which records 201 and 202 share, ``"ecgid/7"``,
          ``"garment/wearer"``), so that ids of two databases never collide;
        - ``record`` : ndarray of str, the record, prefixed the same way
          (``"mitdb/208"``, ``"ecgid/7/2"``, ``"garment/sitting"``);
        - ``lead`` : ndarray of str, the lead's name in its record (``"MLII"``,
          ``"ECG I filtered"``, ``"ecg3"``);
        - ``start`` : ndarray of float64, the window's start in seconds from
          the start of its record (the same for all leads of one moment).

        Windows that hold a missing (NaN) sample of the original signal, and
        flat windows (no variation to z-score), are left out; a lead shorter
        than one window gives none. :func:`write_unlabelled_segments` lists
        them.

    See Also
    --------
    write_unlabelled_segments : The same segments in a memory-mapped ``.npy`` file.

    Examples
    --------
    >>> from sklearn_ecg.datasets import get_sample_home, iter_unlabelled_segments
    >>> batches = iter_unlabelled_segments(get_sample_home(), databases=["ecgid"])
    >>> batch = next(batches)
    >>> batch.X.shape, str(batch.record[0]), str(batch.lead[0]), batch.start[:3].tolist()
    ((10, 250), 'ecgid/1/1', 'ECG I', [0.0, 2.0, 4.0])
    >>> round(float(batch.X[0].std()), 3)
    1.0
    """
    params = _check_params(fs, segment_length, step, databases, batch_size)
    return _batches(data_home, *params, [])


def write_unlabelled_segments(path, data_home=None, *, fs=125.0, segment_length=250, step=None,
                              databases=UNLABELLED_DATABASES, batch_size=4096):
    """Write the unlabelled segments of a data home to a ``.npy`` file, read back memory-mapped.

    The segments of :func:`iter_unlabelled_segments` are written batch by
    batch, so that no more than one record is ever in memory, and the array
    is returned memory-mapped (read-only): pass it to
    :meth:`ContrastiveEncoder.fit <sklearn_ecg.neural.ContrastiveEncoder.fit>`,
    which reads only the batches it trains on. The metadata, a few bytes per
    segment, is returned in memory and written beside the segments
    (``<path>.metadata.npz``), so that :func:`load_unlabelled_segments` opens
    both again in another process.

    Parameters
    ----------
    path : str or path-like
        The file to write (overwritten); ``.npy`` is the usual suffix.
    data_home : str or path-like, default=None
        The data home; see :func:`get_data_home`.
    fs, segment_length, step, databases, batch_size
        As in :func:`iter_unlabelled_segments`.

    Returns
    -------
    segments : :class:`~sklearn.utils.Bunch`
        - ``X`` : numpy.memmap of float32, shape (n_segments, segment_length),
          ``np.load(path, mmap_mode="r")``;
        - ``subject``, ``record``, ``lead``, ``start`` : ndarray, one per
          segment, as in :func:`iter_unlabelled_segments`;
        - ``fs`` : float, the rate of the segments;
        - ``path`` : pathlib.Path, the file;
        - ``skipped`` : list of (record, lead, start or None, reason), the
          windows left out (missing samples, flat) and leads shorter than one
          window: nothing is left out silently.

    Raises
    ------
    ValueError
        If the data home holds no record of ``databases`` long enough for
        one segment.

    See Also
    --------
    iter_unlabelled_segments : The same segments as a generator of batches.
    load_unlabelled_segments : Opens the written segments and metadata again.
    sklearn_ecg.neural.ContrastiveEncoder : Pretrains on them; its
        ``positives`` pair segments by record, lead and start.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn_ecg.datasets import get_sample_home, write_unlabelled_segments
    >>> folder = tempfile.mkdtemp()
    >>> data = write_unlabelled_segments(pathlib.Path(folder) / "segments.npy",
    ...                                  get_sample_home(), databases=["ecgid", "garment"])
    >>> type(data.X).__name__, data.X.shape, data.X.dtype
    ('memmap', (700, 250), dtype('float32'))
    >>> sorted(set(data.lead.tolist()))[:3]
    ['ECG I', 'ECG I filtered', 'ecg1']
    """
    params = _check_params(fs, segment_length, step, databases, batch_size)
    fs, segment_length = params[0], params[1]
    path = Path(path)
    skipped = []
    meta = {"subject": [], "record": [], "lead": [], "start": []}
    header = {"descr": np.lib.format.dtype_to_descr(np.dtype("<f4")),
              "fortran_order": False, "shape": (0, segment_length)}
    n = 0
    with open(path, "wb") as file:
        # NumPy pads the header so that the first dimension can grow in place.
        np.lib.format.write_array_header_1_0(file, header)
        offset = file.tell()
        for batch in _batches(data_home, *params, skipped):
            file.write(np.ascontiguousarray(batch.X, dtype="<f4").tobytes())
            n += len(batch.X)
            for key in meta:
                meta[key].append(batch[key])
        file.seek(0)
        np.lib.format.write_array_header_1_0(file, {**header, "shape": (n, segment_length)})
        if file.tell() != offset:  # pragma: no cover - NumPy's padding guarantees it
            raise RuntimeError(f"could not rewrite the header of {path} in place")
    if n == 0:
        path.unlink()
        raise ValueError(
            f"no segment of {segment_length} samples at {fs} Hz could be cut from the "
            f"databases {list(params[3])} of the data home {get_data_home(data_home)}; "
            f"left out: {skipped[:5]}"
        )
    metadata = {key: np.concatenate(values) for key, values in meta.items()}
    # The metadata beside the segments, so that a later process loads both
    # (load_unlabelled_segments): plain arrays, no pickle.
    np.savez(_metadata_path(path), **metadata, fs=np.float64(fs),
             skipped=np.array([[str(v) for v in item] for item in skipped], dtype=str).reshape(-1, 4))
    return Bunch(X=np.load(path, mmap_mode="r"), **metadata, fs=fs, path=path, skipped=skipped)


def _metadata_path(path):
    return path.with_name(path.name + ".metadata.npz")


def load_unlabelled_segments(path):
    """Load segments written by :func:`write_unlabelled_segments`, memory-mapped, with their metadata.

    Parameters
    ----------
    path : str or path-like
        The ``.npy`` file written; its metadata lies beside it, in
        ``<path>.metadata.npz``.

    Returns
    -------
    segments : :class:`~sklearn.utils.Bunch`
        What :func:`write_unlabelled_segments` returned: ``X`` memory-mapped
        (read-only), ``subject``, ``record``, ``lead``, ``start``, ``fs``,
        ``path``, and ``skipped`` as (record, lead, start, reason) strings.

    Raises
    ------
    FileNotFoundError
        If the segments or their metadata are missing (the message names the
        file).
    ValueError
        If the metadata does not have one entry per segment.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn_ecg.datasets import (get_sample_home, load_unlabelled_segments,
    ...                                   write_unlabelled_segments)
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "segments.npy"
    >>> _ = write_unlabelled_segments(path, get_sample_home(), databases=["garment"])
    >>> data = load_unlabelled_segments(path)
    >>> type(data.X).__name__, len(data.X) == len(data.record), data.fs
    ('memmap', True, 125.0)
    """
    path = Path(path)
    meta_path = _metadata_path(path)
    for file in (path, meta_path):
        if not file.is_file():
            raise FileNotFoundError(
                f"{file} does not exist: load_unlabelled_segments reads the segments and their "
                "metadata that write_unlabelled_segments wrote"
            )
    X = np.load(path, mmap_mode="r")
    with np.load(meta_path, allow_pickle=False) as meta:
        fields = {key: meta[key] for key in ("subject", "record", "lead", "start")}
        fs = float(meta["fs"])
        skipped = [tuple(row) for row in meta["skipped"].tolist()]
    for key, values in fields.items():
        if len(values) != len(X):
            raise ValueError(
                f"{meta_path} has {len(values)} {key} entries for the {len(X)} segments of {path}: "
                "the two files do not belong together; write them again"
            )
    return Bunch(X=X, **fields, fs=fs, path=path, skipped=skipped)
