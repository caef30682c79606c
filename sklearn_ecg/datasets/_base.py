"""Where the datasets live on disk, and the helpers the readers share.

A *data home* is a folder laid out like PhysioNet's downloads::

    <data home>/
        mitdb/            100.hea 100.dat 100.atr ...
        ecgiddb/          Person_01/rec_1.hea rec_1.dat rec_1.atr ...
        smart-garment/    Sitting_data.csv ...

Readers find it through an argument, else the environment variable
``SKLEARN_ECG_DATA``, else ``~/sklearn_ecg_data``; nothing in the package knows
a path of its own except the bundled sample (see :func:`get_sample_home`).
"""

import contextlib
import os
import warnings
from pathlib import Path

import numpy as np

DATA_HOME_ENV = "SKLEARN_ECG_DATA"
DEFAULT_DATA_HOME = "~/sklearn_ecg_data"


def get_data_home(data_home=None):
    """Return the folder that holds the ECG databases.

    The folder is looked up in this order: the ``data_home`` argument, the
    environment variable ``SKLEARN_ECG_DATA``, then ``~/sklearn_ecg_data``.
    Inside it, each database has its own subfolder: ``mitdb/``, ``ecgiddb/``
    and ``smart-garment/``.

    Parameters
    ----------
    data_home : str or path-like, default=None
        The folder to use. ``None`` falls back to ``SKLEARN_ECG_DATA``, then
        to ``~/sklearn_ecg_data``. A leading ``~`` is expanded.

    Returns
    -------
    data_home : pathlib.Path
        The folder. It is not created: the ``fetch_*`` functions create the
        subfolders they download into, and the readers only read.

    See Also
    --------
    get_sample_home : The small sample bundled with the package, laid out the
        same way.

    Examples
    --------
    >>> from sklearn_ecg.datasets import get_data_home
    >>> get_data_home("~/ecg").name
    'ecg'
    >>> get_data_home("~/ecg").is_absolute()
    True
    """
    if data_home is None:
        # An empty variable counts as unset, as a shell `export VAR=` would mean.
        data_home = os.environ.get(DATA_HOME_ENV) or DEFAULT_DATA_HOME
    return Path(os.fspath(data_home)).expanduser()


def _pick_channel(sig_names, wanted, *, what, argument, hint=""):
    """Return the index of the first name of ``wanted`` found in ``sig_names``.

    ``wanted`` is one name or a sequence of names in order of preference.
    ``what`` names the record in the error message, ``argument`` the parameter
    (``"lead"``, or the command line's ``"--lead"``), and ``hint`` ends the
    message when no name is found.
    """
    names = (wanted,) if isinstance(wanted, str) else tuple(wanted)
    if not names or not all(isinstance(name, str) for name in names):
        raise ValueError(
            f"{argument} must be a signal name or a sequence of signal names in "
            f"order of preference, got {wanted!r}"
        )
    for name in names:
        if name in sig_names:
            return list(sig_names).index(name)
    if isinstance(wanted, str):
        missing = f"no {argument} {wanted!r}"
    else:
        missing = f"none of the {argument}s {list(names)!r}"
    raise ValueError(
        f"{what} has {missing}; available: {list(sig_names)!r}{hint}"
    )


# The files of an annotated WFDB record: header, signals, reference annotations.
_RECORD_EXTENSIONS = ("hea", "dat", "atr")


def _record_is_complete(header):
    """Whether the record of ``header`` (its ``.hea`` path) has all its files."""
    return all(header.with_suffix(f".{extension}").is_file()
               for extension in _RECORD_EXTENSIONS)


def _check_record_files(folder, name, *, what, url, fetch, extensions=_RECORD_EXTENSIONS):
    """Raise FileNotFoundError naming the first missing file of record ``name``.

    ``name`` is the record's path relative to the database ``folder``; ``what``
    names the record in the message, ``url`` and ``fetch`` say how to get it.
    """
    for extension in extensions:
        path = folder / f"{name}.{extension}"
        if not path.is_file():
            raise FileNotFoundError(
                _missing_message(
                    f"{what} is missing or incomplete: expected the file {path}.",
                    folder,
                    url=url,
                    fetch=fetch,
                )
            )


def _physionet_download(database, dl_dir, records, *, annotators, url, what):
    """Download ``records`` of a PhysioNet ``database`` into ``dl_dir``.

    Any failure (no network, a proxy, PhysioNet down, a bad record name) turns
    into one :class:`OSError` saying where to put the files by hand.
    """
    import wfdb

    try:
        Path(dl_dir).mkdir(parents=True, exist_ok=True)
        wfdb.dl_database(database, dl_dir=str(dl_dir), records=records,
                         annotators=annotators)
    except Exception as exc:  # every failure gets the same advice
        raise OSError(
            f"Could not download {what} from PhysioNet ({type(exc).__name__}: "
            f"{exc}). Download the files by hand from {url} and put them in "
            f"{dl_dir}, or point data_home (or the environment variable "
            f"{DATA_HOME_ENV}) at a folder whose {Path(dl_dir).name}/ subfolder "
            f"holds them."
        ) from exc


def _check_download_allowed(download_if_missing, problem, folder, *, url, fetch):
    """Raise FileNotFoundError about missing files unless ``download_if_missing``.

    ``problem`` says what is missing, without a final full stop; ``fetch`` names
    the function that downloads it.
    """
    if not download_if_missing:
        raise FileNotFoundError(_missing_message(
            f"{problem} and download_if_missing is False.", folder, url=url,
            fetch=f"{fetch}(..., download_if_missing=True)",
        ))


def _missing_message(problem, folder, *, url, fetch):
    """Follow ``problem`` (a sentence) with the two ways to get the files."""
    return (
        f"{problem} Get them with {fetch}, or download them from {url} and put "
        f"the files in {folder}; or point data_home (or the environment variable "
        f"{DATA_HOME_ENV}) at a folder whose {Path(folder).name}/ subfolder holds "
        f"them."
    )


# -- reading WFDB files, with errors that name the file ----------------------------


@contextlib.contextmanager
def quiet_wfdb():
    """Import and call wfdb without the deprecation warnings it raises from inside.

    wfdb 4 calls pandas in ways pandas deprecates (``set_index(inplace=True)``,
    at import and in ``rdann``): warnings about wfdb's code that a user can do
    nothing about. Only warnings raised from wfdb's own modules are silenced.
    """
    with warnings.catch_warnings():
        for category in (DeprecationWarning, FutureWarning):
            warnings.filterwarnings("ignore", category=category, module=r"wfdb(\.|$)")
        import wfdb

        yield wfdb

# Bytes per sample of the uncompressed WFDB formats (those a size can be checked for).
_WFDB_BYTES_PER_SAMPLE = {"8": 1, "16": 2, "24": 3, "32": 4, "61": 2, "80": 1, "160": 2,
                          "212": 1.5, "310": 4 / 3, "311": 4 / 3}
_WFDB_FORMATS = set(_WFDB_BYTES_PER_SAMPLE) | {"508", "516", "524"}


def read_wfdb_header(path):
    """The header of a WFDB record, checked: a clear error for a corrupt one.

    ``path`` is the record's path without suffix. The header must parse, give
    a positive length and sampling rate, name formats WFDB knows, and its
    signal files must exist and be long enough for the length it states.
    """
    hea = Path(f"{path}.hea")
    if not hea.is_file():
        raise FileNotFoundError(f"no WFDB header {hea}")
    try:
        with quiet_wfdb() as wfdb:
            header = wfdb.rdheader(str(path))
    except Exception as exc:  # noqa: BLE001 - wfdb raises many types on bad headers
        raise ValueError(f"{hea} is not a valid WFDB header: {exc}") from None
    if not header.sig_name:
        raise ValueError(f"{hea} describes no signal")
    if header.sig_len is None or header.sig_len <= 0:
        raise ValueError(f"{hea} gives no positive signal length (samples per signal), "
                         f"got {header.sig_len}")
    if header.fs is None or not header.fs > 0:
        raise ValueError(f"{hea} gives no positive sampling frequency, got {header.fs}")
    unknown = sorted({str(f) for f in header.fmt} - _WFDB_FORMATS)
    if unknown:
        raise ValueError(f"{hea} names WFDB formats {unknown} that do not exist; "
                         f"known: {sorted(_WFDB_FORMATS, key=int)}")
    needed = {}
    for name, fmt, spf, offset in zip(header.file_name, header.fmt,
                                      header.samps_per_frame or [1] * len(header.fmt),
                                      header.byte_offset or [None] * len(header.fmt)):
        if str(fmt) in _WFDB_BYTES_PER_SAMPLE:
            size, start = needed.get(name, (0.0, offset or 0))
            needed[name] = (size + _WFDB_BYTES_PER_SAMPLE[str(fmt)] * (spf or 1), start)
    for name, (bytes_per_frame, start) in needed.items():
        dat = hea.parent / name
        if not dat.is_file():
            raise FileNotFoundError(f"no signal file {dat}, which {hea.name} names")
        expected = start + int(np.ceil(bytes_per_frame * header.sig_len))
        size = dat.stat().st_size
        if size < expected:
            raise ValueError(
                f"{dat} is truncated: {size} bytes, where {hea.name}'s {header.sig_len} "
                f"samples per signal need {expected}"
            )
    return header


def read_wfdb_signals(path, **kwargs):
    """``wfdb.rdrecord`` of a checked record; its errors name the record."""
    try:
        with quiet_wfdb() as wfdb:
            return wfdb.rdrecord(str(path), **kwargs)
    except Exception as exc:  # noqa: BLE001
        raise ValueError(f"cannot read the signals of WFDB record {path}: {exc}") from None


_MAX_PAST_END = 5  # annotations at or after the last sample dropped with a warning; more: an error


def read_wfdb_annotations(path, extension, sig_len):
    """``wfdb.rdann``, checked: every annotation must lie inside the signal.

    A few annotations (at most 5) at or after the last sample, which some
    PhysioNet records have, are dropped with a warning that says how many;
    more, or any before the first sample, mean a truncated signal or another
    record's annotations, and raise.
    """
    import warnings

    ann_file = Path(f"{path}.{extension}")
    try:
        with quiet_wfdb() as wfdb:
            ann = wfdb.rdann(str(path), extension)
    except Exception as exc:  # noqa: BLE001
        raise ValueError(f"{ann_file} is not a valid WFDB annotation file: {exc}") from None
    samples = np.asarray(ann.sample, dtype=np.int64)
    past = samples >= sig_len
    if samples.size and (samples.min() < 0 or past.sum() > _MAX_PAST_END):
        raise ValueError(
            f"{ann_file} has annotations outside the signal: samples {samples.min()} to "
            f"{samples.max()}, the record has {sig_len} (a truncated signal or another "
            "record's annotations)"
        )
    if past.any():
        warnings.warn(
            f"{ann_file}: {int(past.sum())} annotation{'s' * int(past.sum() > 1)} at or after the "
            f"last sample ({sig_len - 1}) dropped", UserWarning, stacklevel=3)
        keep = ~past
        n = samples.size
        for field, value in list(vars(ann).items()):
            if isinstance(value, (list, np.ndarray)) and len(value) == n:
                kept = np.asarray(value, dtype=object)[keep] if isinstance(value, list) else value[keep]
                setattr(ann, field, list(kept) if isinstance(value, list) else kept)
    return ann
