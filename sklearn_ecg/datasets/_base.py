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

import os
from pathlib import Path

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
    (``"lead"`` or ``"channel"``), and ``hint`` ends the message when no name
    is found.
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
    except Exception as exc:  # noqa: BLE001 - every failure gets the same advice
        raise OSError(
            f"Could not download {what} from PhysioNet ({type(exc).__name__}: "
            f"{exc}). Download the files by hand from {url} and put them in "
            f"{dl_dir}, or point data_home (or the environment variable "
            f"{DATA_HOME_ENV}) at a folder whose {Path(dl_dir).name}/ subfolder "
            f"holds them."
        ) from exc


def _missing_message(problem, folder, *, url, fetch):
    """Follow ``problem`` (a sentence) with the two ways to get the files."""
    return (
        f"{problem} Get them with {fetch}, or download them from {url} and put "
        f"the files in {folder}; or point data_home (or the environment variable "
        f"{DATA_HOME_ENV}) at a folder whose {Path(folder).name}/ subfolder holds "
        f"them."
    )
