"""Five-channel ECG from a sensing jacket (the Deep-XF smart-garment CSVs).

Each CSV has columns ``ecg1`` ... ``ecg5`` (volts, 500 Hz) and a ``tstamp``
column that cannot be trusted as a clock: only ``Sitting_data.csv`` holds full
timestamps, the others truncated ``mm:ss.s`` strings. Time is therefore
rebuilt from the sample number. The data is not on PhysioNet, so there is no
``fetch_garment``: the files have to be put in ``<data home>/smart-garment/``.
"""

import os
import re

import numpy as np

from ..utils._signal import check_fs
from ._base import DATA_HOME_ENV, get_data_home

GARMENT_URL = "https://github.com/ajayarunachalam/Deep_XF"

#: Activity -> file name in ``<data home>/smart-garment/``.
GARMENT_ACTIVITIES = {
    "sitting": "Sitting_data.csv",
    "walking_normal": "walking_normal_pace.csv",
    "walking_fast": "walking_fast_pace.csv",
    "stairs": "stairs_normal_pace.csv",
}

_ECG_COLUMN = re.compile(r"ecg(\d+)")


def _source_name(path_or_buffer):
    if isinstance(path_or_buffer, (str, os.PathLike)):
        return os.fspath(path_or_buffer)
    return getattr(path_or_buffer, "name", repr(path_or_buffer))


def read_garment_csv(path_or_buffer, *, fs=500.0):
    """Read a smart-garment CSV into a DataFrame indexed by time.

    Parameters
    ----------
    path_or_buffer : str, path-like or file-like
        A CSV with columns ``ecg1`` ... ``ecg5`` (and usually ``tstamp``).
        Compressed files (``.csv.gz``) are read too.
    fs : float, default=500.0
        The sampling frequency in Hz, from which the time index is built.

    Returns
    -------
    frame : pandas.DataFrame
        One float column per ECG channel (``ecg1`` ... ``ecg5``, in volts,
        sorted by channel number) and one row per sample; missing or
        unparsable values stay as NaN, no row is dropped. The index is a
        :class:`pandas.TimedeltaIndex` named ``"time"``: sample ``i`` is at
        ``i / fs`` seconds. ``frame.attrs["fs"]`` holds ``fs``, and
        ``frame.attrs["start"]`` the first timestamp as a
        :class:`pandas.Timestamp` when the file's first ``tstamp`` is a full
        date and time (only the sitting file has one).

    Raises
    ------
    FileNotFoundError
        If the path does not exist.
    ValueError
        If the file cannot be parsed as CSV or has no ``ecgN`` column; the
        message names the file.

    See Also
    --------
    load_garment : Read one activity from the data home.

    Examples
    --------
    >>> from sklearn_ecg.datasets import get_sample_home, read_garment_csv
    >>> path = get_sample_home() / "smart-garment" / "Sitting_data.csv.gz"
    >>> frame = read_garment_csv(path)
    >>> frame.shape, list(frame.columns)
    ((5000, 5), ['ecg1', 'ecg2', 'ecg3', 'ecg4', 'ecg5'])
    >>> frame.index[1], frame.attrs["start"]
    (Timedelta('0 days 00:00:00.002000'), Timestamp('2021-04-07 16:20:12.136000'))
    """
    import pandas as pd

    fs = check_fs(fs)
    source = _source_name(path_or_buffer)
    try:
        raw = pd.read_csv(path_or_buffer, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise
    except (ValueError, UnicodeDecodeError, OSError, EOFError) as exc:
        # pandas' ParserError and EmptyDataError are ValueErrors; a corrupt
        # .gz is an OSError or EOFError.
        raise ValueError(
            f"Could not read {source} as a smart-garment CSV "
            f"({type(exc).__name__}: {exc})"
        ) from exc

    columns = sorted(
        (int(match.group(1)), name)
        for name in raw.columns
        if (match := _ECG_COLUMN.fullmatch(str(name).strip().lower()))
    )
    if not columns:
        raise ValueError(
            f"{source} has no ECG column: expected columns ecg1 ... ecg5, got "
            f"{list(raw.columns)!r}"
        )
    frame = pd.DataFrame(
        {
            f"ecg{number}": pd.to_numeric(raw[name].str.strip(), errors="coerce")
            .astype(np.float64)
            .to_numpy()
            for number, name in columns
        },
        index=pd.TimedeltaIndex(
            pd.to_timedelta(np.arange(len(raw)) / fs, unit="s"), name="time"
        ),
    )
    frame.attrs["fs"] = fs
    if "tstamp" in raw.columns and len(raw):
        try:
            start = pd.to_datetime(raw["tstamp"].iloc[0].strip(), format="ISO8601")
        except ValueError:
            start = pd.NaT
        if not pd.isna(start):
            frame.attrs["start"] = start
    return frame


def load_garment(activity="sitting", data_home=None):
    """Read the smart-garment recording of one activity from the data home.

    Parameters
    ----------
    activity : {"sitting", "walking_normal", "walking_fast", "stairs"}, \
            default="sitting"
        Which recording; ``GARMENT_ACTIVITIES`` maps each to its file name.
    data_home : str or path-like, default=None
        The data home; see :func:`get_data_home`. The file is read from
        ``<data home>/smart-garment/``, as ``.csv`` or else ``.csv.gz``.

    Returns
    -------
    frame : pandas.DataFrame
        As returned by :func:`read_garment_csv` at 500 Hz.

    Raises
    ------
    FileNotFoundError
        If the file is not there; the message says where to put it.
    ValueError
        If ``activity`` is not one of the four.

    Examples
    --------
    >>> from sklearn_ecg.datasets import get_sample_home, load_garment
    >>> frame = load_garment("stairs", data_home=get_sample_home())
    >>> frame.attrs["fs"], frame.index[-1].total_seconds()
    (500.0, 9.998)
    """
    if activity not in GARMENT_ACTIVITIES:
        raise ValueError(
            f"activity must be one of {sorted(GARMENT_ACTIVITIES)!r}, "
            f"got {activity!r}"
        )
    folder = get_data_home(data_home) / "smart-garment"
    name = GARMENT_ACTIVITIES[activity]
    for path in (folder / name, folder / f"{name}.gz"):
        if path.is_file():
            return read_garment_csv(path)
    raise FileNotFoundError(
        f"The smart-garment file {name} was not found in {folder}. It is not on "
        f"PhysioNet and cannot be downloaded by this package: it comes from the "
        f"Deep-XF project by Ajay Arunachalam (MIT License, {GARMENT_URL}). Put "
        f"{name} in {folder}, or point data_home (or the environment variable "
        f"{DATA_HOME_ENV}) at a folder whose smart-garment/ subfolder holds it."
    )
