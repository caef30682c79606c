"""read_signal: one lead of a WFDB record or one column of a CSV file, from a path."""

from pathlib import Path

from sklearn.utils import Bunch

from ..utils import check_fs
from ._base import _pick_channel, read_wfdb_header, read_wfdb_signals
from ._garment import _ECG_COLUMN

_GARMENT_FS = 500.0

_WFDB_SUFFIXES = (".hea", ".dat", ".atr")


def read_signal(path, *, lead=None, column=None, fs=None):
    """Read one lead of a WFDB record, or one column of a CSV file, from a path.

    The reader of the command line, for any file outside a data home: a WFDB
    record is recognised by its header (``101``, ``101.hea``, ``101.dat`` all
    name record 101 of that folder), anything else is read as CSV (also
    ``.csv.gz``). Missing samples stay NaN: filling them is the caller's
    choice (:func:`~sklearn_ecg.utils.fill_gaps`).

    Parameters
    ----------
    path : str or path-like
        A WFDB record (with or without its suffix) or a CSV file.
    lead : str or sequence of str, default=None
        WFDB signal name, or names in order of preference; None takes ``MLII``
        when the record has it, else its first signal.
    column : str, default=None
        CSV column; None takes the first numeric one.
    fs : float, default=None
        Sampling frequency in Hz: required for a CSV file, except a jacket CSV
        (columns ``ecg1`` ... ``ecg5``, 500 Hz as in
        :func:`~sklearn_ecg.datasets.read_garment_csv`); for a WFDB record,
        checked against its header.

    Returns
    -------
    signal : :class:`~sklearn.utils.Bunch`
        The fields every reader gives: ``signal`` (1-D float array), ``fs``,
        ``record`` (the file's name without suffixes), ``lead`` (the signal
        name or CSV column read) and ``leads`` (``(lead,)``); ``subject`` and
        ``r_peaks`` are None, as a file alone says neither.

    Examples
    --------
    >>> from sklearn_ecg.datasets import get_sample_home, read_signal
    >>> rec = read_signal(get_sample_home() / "mitdb" / "208")
    >>> rec.record, rec.lead, rec.fs
    ('208', 'MLII', 360.0)
    """
    return _read_signal(path, lead=lead, column=column, fs=fs)


def _read_signal(path, *, lead=None, column=None, fs=None, options=("lead", "column", "fs")):
    """:func:`read_signal`, its errors naming the arguments as ``options`` spells them.

    The command line passes ``("--lead", "--column", "--fs")``.
    """
    lead_name, column_name, fs_name = options
    if fs is not None:
        fs = check_fs(fs, fs_name)
    path = Path(path)
    if _is_wfdb(path):
        base = path.with_suffix("")
        header = read_wfdb_header(base)
        index = _pick_channel(
            header.sig_name, lead or ("MLII", header.sig_name[0]), what=f"record {base.name}",
            argument=lead_name,
        )
        if fs is not None and fs != float(header.fs):
            raise ValueError(f"{fs_name} {fs:g} disagrees with the record's header ({header.fs} Hz)")
        record = read_wfdb_signals(base, channels=[index])
        return _signal_bunch(record.p_signal[:, 0].astype(float), float(header.fs),
                             base.name, header.sig_name[index])
    numeric = _read_numeric_csv(path)
    if column is None:
        column = numeric.columns[0]
    if column not in numeric.columns:
        raise ValueError(
            f"{column_name} {column!r} is not a numeric column of {path}; "
            f"available: {list(numeric.columns)}"
        )
    if fs is None and any(_ECG_COLUMN.fullmatch(str(name).strip().lower())
                          for name in numeric.columns):
        fs = _GARMENT_FS  # a jacket CSV (ecg1 ... ecg5), as read_garment_csv reads it
    if fs is None:
        raise ValueError(f"{fs_name} is required for a CSV file (samples per second)")
    name = path.name
    for suffix in reversed(path.suffixes):
        name = name[: -len(suffix)] if name.endswith(suffix) else name
    return _signal_bunch(numeric[column].to_numpy(dtype=float), fs, name or path.name,
                         str(column))


def _signal_bunch(signal, fs, record, lead):
    """The record of :func:`read_signal`, with every field the other readers share."""
    return Bunch(signal=signal, fs=fs, record=record, subject=None, lead=lead, leads=(lead,),
                 r_peaks=None)


def _is_wfdb(path):
    """Whether ``path`` names a WFDB record: by a WFDB suffix, or by a header beside it."""
    path = Path(path)
    return path.suffix in _WFDB_SUFFIXES or (path.suffix == "" and path.with_suffix(".hea").exists())


def _read_numeric_csv(path):
    """The numeric columns of a CSV file, as a DataFrame."""
    import pandas as pd

    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no such file: {path}")
    if path.is_dir():
        raise ValueError(f"{path} is a folder, not a CSV file")
    try:
        frame = pd.read_csv(path)
    except Exception as exc:  # noqa: BLE001 - pandas raises many types for unreadable files
        raise ValueError(f"cannot read {path} as CSV: {exc}") from None
    if len(frame) == 0:
        raise ValueError(f"{path} holds no data rows (columns {list(frame.columns)})")
    numeric = frame.select_dtypes("number")
    if numeric.shape[1] == 0:
        raise ValueError(f"{path} has no numeric column to read a signal from")
    return numeric
