"""The one reader of records and files: WFDB, EDF and CSV, every lead or one.

:func:`read_recording` reads every signal (or the chosen ones) of a file;
:func:`read_signal` reads one lead. Both are what the command line, the batch
predictions and the reports use. CSV files are read as their author meant them:
the delimiter and the decimal mark are sniffed, a header is told from a first
row of numbers, a time column is recognised and gives the sampling rate, and a
rate is never assumed without saying which and why.
"""

import functools
import gzip
import re
import zlib
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch

from ..utils import check_fs
from ._base import _pick_channel, read_wfdb_header, read_wfdb_signals

_WFDB_SUFFIXES = (".hea", ".dat", ".atr")

#: The Deep-XF jacket's columns (see :func:`read_garment_csv`); read at 500 Hz.
_GARMENT_COLUMNS = frozenset(f"ecg{i}" for i in range(1, 6))
_GARMENT_FS = 500.0

# Column names that say "time" (lower-cased, units in brackets removed).
_TIME_NAMES = frozenset({"time", "t", "times", "timestamp", "tstamp", "seconds", "sec", "secs",
                         "s", "time_s", "time_sec", "elapsed time", "elapsed_time", "ms",
                         "time_ms", "milliseconds", "datetime", "date_time", ""})
_MS_NAMES = frozenset({"ms", "time_ms", "milliseconds"})
_UNIT = re.compile(r"\s*[\(\[]\s*([a-z]*)\s*[\)\]]\s*$")
_NUMBER = re.compile(r"[-+]?(\d+([.]\d*)?|[.]\d+)([eE][-+]?\d+)?")
_NUMBER_COMMA = re.compile(r"[-+]?(\d+(,\d*)?|,\d+)([eE][-+]?\d+)?")
_MISSING = frozenset({"", "nan", "na", "n/a", "null", "none", "-"})
_SNIFF_LINES = 50


def read_recording(path, *, leads=None, fs=None):
    """Read every signal of a WFDB record, an EDF file or a CSV file.

    A WFDB record is recognised by its header (``101``, ``101.hea``,
    ``101.dat`` all name record 101 of that folder), an EDF file by its
    suffix or its first bytes; anything else is read as CSV (also
    ``.csv.gz``, UTF-8 or UTF-16). A CSV file is read as it was meant:

    - its delimiter (``,``, ``;``, tab, ``|`` or spaces) and decimal mark
      (``,`` in a ``;``-separated file of European numbers) are sniffed;
    - a first row of numbers is data, not a header (columns are then named
      ``"0"``, ``"1"``, ...);
    - a time column (named ``time``, ``t``, ``timestamp``, ``seconds``,
      ``time (s)``, ``ms`` ..., or the unnamed index of a pandas or wfdb
      export, in seconds, milliseconds, ``0 days 00:00:00.0078`` or dates)
      is not a signal: it gives the sampling rate, checked against ``fs``;
      any other strictly increasing column (a sample number) is not a
      signal either;
    - text columns are left out; a text cell in a numeric column (``"lead
      off"``) is an error naming its row, and empty or ``NaN`` cells are
      missing samples, kept as NaN;
    - the rate is ``fs``, else the time column's, else 500 Hz for the
      sensing jacket's ``ecg1`` ... ``ecg5`` columns (said in
      ``fs_source``); otherwise ``fs`` is required.

    Parameters
    ----------
    path : str or path-like
        A WFDB record (with or without its suffix), an EDF file or a CSV file.
    leads : sequence of str, default=None
        The signals (WFDB or EDF signal names, CSV columns) to read, in this
        order; None reads them all.
    fs : float, default=None
        Sampling frequency in Hz: checked against a WFDB or EDF header and a
        CSV time column; required for a CSV file without a time column (but
        the jacket's).

    Returns
    -------
    recording : :class:`~sklearn.utils.Bunch`
        ``signal`` (``(n_samples, n_leads)`` float array, missing samples
        NaN), ``fs``, ``fs_source`` (where the rate comes from: ``"header"``,
        ``"given"``, ``"time column 'time'"`` or the jacket's format),
        ``leads`` (names), ``record`` (the file's name without suffixes),
        ``subject`` and ``r_peaks`` (None: a file alone says neither).

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If the file cannot be read (the message names it and says why), a
        name of ``leads`` is not in it, ``fs`` is missing or disagrees with
        the file.

    See Also
    --------
    read_signal : One lead of the same files.

    Examples
    --------
    >>> from sklearn_ecg.datasets import get_sample_home, read_recording
    >>> rec = read_recording(get_sample_home() / "mitdb" / "208")
    >>> rec.signal.shape, rec.leads, rec.fs
    ((108000, 1), ('MLII',), 360.0)
    """
    return _read_recording(path, leads=leads, fs=fs)


def read_signal(path, *, lead=None, column=None, fs=None):
    """Read one lead of a WFDB record, an EDF file or one column of a CSV file.

    :func:`read_recording` for one signal. Missing samples stay NaN: filling
    them is the caller's choice (:func:`~sklearn_ecg.utils.fill_gaps`).

    Parameters
    ----------
    path : str or path-like
        A WFDB record (with or without its suffix), an EDF file or a CSV file.
    lead : str or sequence of str, default=None
        WFDB or EDF signal name, or names in order of preference; None takes
        ``MLII`` when the record has it, else its first signal.
    column : str, default=None
        CSV column; None takes the first signal column (time columns and text
        columns are not signals).
    fs : float, default=None
        Sampling frequency in Hz, as in :func:`read_recording`.

    Returns
    -------
    signal : :class:`~sklearn.utils.Bunch`
        ``signal`` (1-D float array), ``fs``, ``fs_source``, ``record``,
        ``lead`` (the signal name or CSV column read), ``leads``
        (``(lead,)``), ``subject`` and ``r_peaks`` (None).

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
    lead_name, column_name, _ = options
    path = Path(path)
    kind = _kind(path)
    if kind == "csv":
        rec = _read_recording(path, fs=fs, options=options)
        if column is None:
            column = rec.leads[0]
        if column not in rec.leads:
            raise ValueError(
                f"{column_name} {column!r} is not a signal column of {path}; "
                f"available: {list(rec.leads)}"
            )
        index = rec.leads.index(column)
    else:
        header = _header(path, kind)
        names = list(header.sig_name)
        index = _pick_channel(names, lead or ("MLII", names[0]), what=f"record {_stem(path)}",
                              argument=lead_name)
        rec = _read_recording(path, leads=[names[index]], fs=fs, options=options)
        index = 0
    lead_read = rec.leads[index]
    return Bunch(signal=np.ascontiguousarray(rec.signal[:, index]), fs=rec.fs,
                 fs_source=rec.fs_source, record=rec.record, subject=None, lead=lead_read,
                 leads=(lead_read,), r_peaks=None)


def _read_recording(path, *, leads=None, fs=None, options=("lead", "column", "fs")):
    lead_name, _, fs_name = options
    if fs is not None:
        fs = check_fs(fs, fs_name)
    path = Path(path)
    kind = _kind(path)
    if kind == "csv":
        signal, names, rate, source = _read_csv(path, fs, fs_name)
    else:
        header = _header(path, kind)
        names = list(header.sig_name)
        channels = list(range(len(names)))
        if leads is not None:
            channels = [_pick_channel(names, name, what=f"record {_stem(path)}",
                                      argument=lead_name) for name in _as_names(leads, lead_name)]
        rate, source = float(header.fs), "header"
        if fs is not None and not np.isclose(fs, rate, rtol=1e-6):
            raise ValueError(f"{fs_name} {fs:g} disagrees with the record's header ({rate:g} Hz)")
        signal = _signals(path, kind, channels)
        names = [names[i] for i in channels]
        leads = None
    if leads is not None:
        picked = [_csv_column(names, name, path, options) for name in _as_names(leads, lead_name)]
        signal, names = signal[:, picked], [names[i] for i in picked]
    return Bunch(signal=np.asarray(signal, dtype=float), fs=float(rate), fs_source=source,
                 leads=tuple(str(n) for n in names), record=_stem(path), subject=None,
                 r_peaks=None)


def _as_names(leads, argument):
    names = (leads,) if isinstance(leads, str) else tuple(leads)
    if not names or not all(isinstance(name, str) for name in names):
        raise ValueError(f"{argument}s must be signal names, got {leads!r}")
    return names


def _csv_column(names, name, path, options):
    if name not in names:
        raise ValueError(f"{options[1]} {name!r} is not a signal column of {path}; "
                         f"available: {list(names)}")
    return names.index(name)


def _stem(path):
    """The file's name without its suffixes (``101.csv.gz`` -> ``101``)."""
    path = Path(path)
    if path.suffix in _WFDB_SUFFIXES:
        return path.stem
    name = path.name
    for suffix in reversed(path.suffixes):
        name = name[: -len(suffix)] if name.endswith(suffix) else name
    return name or path.name


def _is_wfdb(path):
    """Whether ``path`` names a WFDB record: by a WFDB suffix, or by a header beside it."""
    path = Path(path)
    return path.suffix in _WFDB_SUFFIXES or (path.suffix == "" and path.with_suffix(".hea").exists())


def _kind(path):
    """``"wfdb"``, ``"edf"`` or ``"csv"``; a missing file or a folder raises."""
    if _is_wfdb(path):
        return "wfdb"
    if not path.exists():
        raise FileNotFoundError(f"no such file: {path}")
    if path.is_dir():
        raise ValueError(f"{path} is a folder, not a record or CSV file")
    if path.suffix.lower() in (".edf", ".bdf", ".rec"):
        return "edf"
    with open(path, "rb") as f:
        start = f.read(256)
    # An EDF header: version "0" and 7 spaces, then ASCII patient and recording fields.
    if len(start) == 256 and start[:8] == b"0       " and start[184:192].strip().isdigit():
        return "edf"
    return "csv"


def _header(path, kind):
    if kind == "wfdb":
        return read_wfdb_header(path.with_suffix(""))
    return _read_edf(path)


def _signals(path, kind, channels):
    if kind == "wfdb":
        return read_wfdb_signals(path.with_suffix(""), channels=channels).p_signal
    return _read_edf(path).p_signal[:, channels]


def _read_edf(path):
    """An EDF file through wfdb's EDF reader; its errors name the file."""
    stat = Path(path).stat()
    return _read_edf_file(str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=2)
def _read_edf_file(path, mtime, size):
    """:func:`_read_edf`, read once for a header and its signals (keyed by the file's state)."""
    path = Path(path)
    from ._base import quiet_wfdb

    if path.suffix.lower() == ".bdf":
        raise ValueError(f"{path} is a BDF (24-bit) file, which is not read; convert it to "
                         "EDF or export its signals to CSV")
    try:
        with quiet_wfdb():
            from wfdb.io.convert.edf import read_edf

            record = read_edf(str(path))
    except Exception as exc:  # noqa: BLE001 - wfdb raises many types for a damaged file
        raise ValueError(f"cannot read {path} as an EDF file: {exc}") from None
    if record.p_signal is None:
        raise ValueError(f"{path} holds no signal samples")
    return record


# -- CSV -----------------------------------------------------------------------------------


def _csv_text(path):
    """The text of a CSV file (gzip, UTF-8 with or without BOM, UTF-16), and its encoding."""
    try:
        raw = gzip.open(path).read() if path.name.endswith(".gz") else path.read_bytes()
    except (OSError, EOFError, zlib.error) as exc:
        raise ValueError(f"cannot read {path}: it is not a valid gzip file ({exc})") from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    elif raw.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    else:
        encoding = "utf-8"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        if b"\x00" in raw[:4096]:
            raise ValueError(
                f"{path} is a binary file, not a CSV text file (EDF, WFDB and CSV are read)"
            ) from None
        encoding, text = "latin-1", raw.decode("latin-1")
    if "\x00" in text[:4096]:
        raise ValueError(f"{path} is a binary file, not a CSV text file (EDF, WFDB and CSV "
                         "are read)")
    return text, encoding


def _dialect(lines):
    """The delimiter and decimal mark of ``lines`` (the first lines of a file)."""
    body = lines[1:] if len(lines) > 1 else lines
    consistent = []
    for delimiter in ("\t", ";", ",", "|"):
        counts = {line.count(delimiter) for line in body}
        if len(counts) == 1 and counts != {0}:
            consistent.append(delimiter)
    if consistent:
        delimiter = consistent[0]  # a tab or ';' file may hold ',' as its decimal mark
    else:
        counts = {len(line.split()) for line in body}
        delimiter = r"\s+" if len(counts) == 1 and counts != {1} else ","
    decimal = "."
    if delimiter != ",":
        cells = [cell.strip().strip('"') for line in body for cell in _split(line, delimiter)]
        comma = sum(bool(_NUMBER_COMMA.fullmatch(c)) and "," in c for c in cells)
        point = sum(bool(_NUMBER.fullmatch(c)) and "." in c for c in cells)
        if comma > point:
            decimal = ","
    return delimiter, decimal


def _split(line, delimiter):
    return line.split() if delimiter == r"\s+" else line.split(delimiter)


def _is_number(cell, decimal):
    return bool((_NUMBER_COMMA if decimal == "," else _NUMBER).fullmatch(cell))


def _read_csv(path, fs, fs_name):
    """``(signal, names, fs, fs_source)`` of a CSV file, read as its author meant it."""
    import pandas as pd

    text, encoding = _csv_text(path)
    lines = [line for line in text.splitlines() if line.strip()][:_SNIFF_LINES]
    if not lines:
        raise ValueError(f"{path} holds no data rows (it is empty)")
    delimiter, decimal = _dialect(lines)
    first = [c.strip().strip('"') for c in _split(lines[0], delimiter)]
    has_header = not all(_is_number(c, decimal) or c.lower() in _MISSING for c in first)
    try:
        frame = pd.read_csv(
            path, sep=delimiter, header=0 if has_header else None, dtype=str,
            keep_default_na=False, encoding=encoding, skip_blank_lines=True,
            engine="python" if delimiter == r"\s+" else "c",
        )
    except Exception as exc:  # noqa: BLE001 - pandas raises many types for unreadable files
        raise ValueError(f"cannot read {path} as CSV (delimiter {delimiter!r}): {exc}") from None
    frame = frame.fillna("")  # the cells of rows shorter than the header
    frame.columns = [str(c).strip() for c in frame.columns]
    if len(frame) == 0:
        raise ValueError(f"{path} holds no data rows (columns {list(frame.columns)})")
    if has_header and set(frame.columns) >= _GARMENT_COLUMNS and set(frame.columns) <= (
            _GARMENT_COLUMNS | {"tstamp"}) and fs is None:
        # The sensing jacket's files (read_garment_csv): their tstamp is not a clock.
        names = sorted(_GARMENT_COLUMNS, key=lambda c: int(c[3:]))
        values = np.column_stack([_numeric(frame[c], c, path, decimal) for c in names])
        return values, names, _GARMENT_FS, ("500 Hz, the sensing jacket's rate (its columns are "
                                            "ecg1 ... ecg5)")
    columns, time_rate, time_name, skipped = {}, None, None, []
    for position, name in enumerate(frame.columns):
        cells = frame[name].str.strip().str.strip('"')
        unnamed = name == "" or name.startswith("Unnamed: ")
        key = "" if unnamed else _UNIT.sub("", name.lower()).strip()
        if (key in _TIME_NAMES or unnamed) and time_rate is None:
            try:
                rate = _time_rate(cells, key, name, path, decimal,
                                  named=not unnamed or position == 0)
            except ValueError:
                if fs is None:
                    raise
                skipped.append(name)  # a clock that cannot give the rate; fs given
                continue
            if rate is not None:
                time_rate, time_name = rate, name
                continue
        numeric = cells.map(lambda c: _is_number(c, decimal) or c.lower() in _MISSING)
        filled = cells[~cells.str.lower().isin(_MISSING)]
        if len(filled) == 0 or numeric.mean() < 0.9:
            skipped.append(name)
            continue  # a text column: labels, annotations, dates
        values = _numeric(frame[name], name, path, decimal)
        finite = values[np.isfinite(values)]
        if finite.size >= 3 and np.all(np.diff(values) > 0):
            skipped.append(name)  # strictly increasing: a sample number or clock, not a lead
            continue
        columns[name] = values
    if not columns:
        hint = f" (left out as not signals: {skipped})" if skipped else ""
        raise ValueError(f"{path} has no numeric signal column (delimiter {delimiter!r}, "
                         f"decimal {decimal!r}){hint}")
    if time_rate is not None:
        if fs is not None and not np.isclose(fs, time_rate, rtol=0.01):
            raise ValueError(f"{fs_name} {fs:g} disagrees with {path.name}'s time column "
                             f"{time_name!r} ({time_rate:g} Hz)")
        rate, source = (fs, "given") if fs is not None else (
            time_rate, f"time column {time_name!r}")
    elif fs is not None:
        rate, source = fs, "given"
    else:
        raise ValueError(
            f"{fs_name} is required for {path.name}: a CSV file without a time column "
            "(give the samples per second)"
        )
    names = list(columns)
    return np.column_stack([columns[n] for n in names]), names, rate, source


def _numeric(column, name, path, decimal):
    """A column of text cells as floats: empty or NaN cells NaN, any other text an error."""
    import pandas as pd

    cells = column.str.strip().str.strip('"')
    missing = cells.str.lower().isin(_MISSING)
    parsed = cells.str.replace(",", ".", regex=False) if decimal == "," else cells
    values = pd.to_numeric(parsed.where(~missing), errors="coerce").to_numpy(dtype=float)
    bad = np.flatnonzero(np.isnan(values) & ~missing.to_numpy())
    if bad.size:
        row = int(bad[0])
        raise ValueError(
            f"{path}: column {name!r} holds {cells.iloc[row]!r} in data row {row + 1}, not a "
            f"number ({bad.size} such cell{'s' if bad.size > 1 else ''}); blank cells are "
            "read as missing samples"
        )
    return values


def _time_rate(cells, key, name, path, decimal, *, named):
    """The sampling rate a time column gives, or None when ``cells`` are not a time axis."""
    import pandas as pd

    if not named:
        return None
    numeric = cells.map(lambda c: _is_number(c, decimal))
    if numeric.all():
        t = pd.to_numeric(cells.str.replace(",", ".") if decimal == "," else cells).to_numpy(float)
        if key == "" and np.allclose(np.diff(t), 1):
            return None  # a pandas index of sample numbers: neither a time nor a signal
        unit = _UNIT.search(name.lower())
        if key in _MS_NAMES or (unit is not None and unit.group(1) == "ms"):
            t = t / 1000.0
    else:
        try:
            t = pd.to_timedelta(cells).dt.total_seconds().to_numpy()
        except (ValueError, TypeError):
            try:
                stamps = pd.to_datetime(cells, format="mixed")
            except (ValueError, TypeError):
                if key in ("", "tstamp"):
                    return None
                raise ValueError(
                    f"{path}: column {name!r} looks like a time axis but its values "
                    f"({cells.iloc[0]!r}, ...) are neither seconds nor times; give fs, or "
                    "name the signal column"
                ) from None
            t = (stamps - stamps.iloc[0]).dt.total_seconds().to_numpy()
    steps = np.diff(t)
    if t.size < 2 or not np.all(steps > 0):
        if key == "":
            return None
        raise ValueError(f"{path}: time column {name!r} does not increase from row to row; "
                         "give fs")
    step = float(np.median(steps))
    rate = 1.0 / step
    if abs(rate - round(rate)) < 0.005 * rate:
        rate = float(round(rate))
    irregular = np.abs(steps - step) > 0.5 * step
    if irregular.mean() > 0.01:
        raise ValueError(
            f"{path}: time column {name!r} is not regular ({int(irregular.sum())} of "
            f"{steps.size} steps differ from {step:g} s by more than half); resample the "
            "signal, or give fs to read it by sample number"
        )
    return rate
