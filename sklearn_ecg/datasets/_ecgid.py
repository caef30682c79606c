"""The ECG-ID Database: 20-second lead-I recordings for identifying people.

Records are read from ``<data home>/ecgiddb/Person_NN/rec_K`` with
:mod:`wfdb`. Each header holds the person's age, sex and the recording date;
each ``.atr`` marks ten R peaks (``N``) from an unaudited automatic detector.
"""

import datetime
import re
from numbers import Integral

import numpy as np
from sklearn.utils import Bunch

from ._base import (
    _check_download_allowed,
    _check_record_files,
    _physionet_download,
    _pick_channel,
    _record_is_complete,
    get_data_home,
    read_wfdb_annotations,
    read_wfdb_header,
    read_wfdb_signals,
)

ECGID_URL = "https://physionet.org/content/ecgiddb/1.0.0/"
ECGID_N_PERSONS = 90

_PERSON_DIR = re.compile(r"Person_(\d+)")
_RECORD_FILE = re.compile(r"rec_(\d+)")


def _record_name(person, record):
    """Return the WFDB name of a record relative to ``ecgiddb/``."""
    return f"Person_{person:02d}/rec_{record}"


def _check_number(value, name, high=None):
    if isinstance(value, bool) or not isinstance(value, Integral) or value < 1 or (
        high is not None and value > high
    ):
        upper = f" and at most {high}" if high is not None else ""
        raise ValueError(f"{name} must be an integer of at least 1{upper}, "
                         f"got {value!r}")
    return int(value)


def _parse_comments(comments):
    """Return age (int), sex (str) and date (datetime.date) from a header."""
    fields = {}
    for line in comments:
        key, sep, value = line.partition(":")
        if sep:
            fields[key.strip().lower()] = value.strip()
    age = fields.get("age")
    age = int(age) if age and age.isdigit() else None
    sex = fields.get("sex") or None
    try:
        date = datetime.datetime.strptime(fields["ecg date"], "%d.%m.%Y").date()
    except (KeyError, ValueError):
        date = None
    return age, sex, date


def read_ecgid_record(person, record, data_home=None, *,
                      lead="ECG I filtered"):
    """Read one lead, the R peaks and the header of an ECG-ID record.

    Parameters
    ----------
    person : int
        The person, 1 to 90; read from the folder ``Person_NN`` (two digits).
    record : int
        The record of that person, 1 upwards; read from ``rec_K.{hea,dat,atr}``.
    data_home : str or path-like, default=None
        The data home; see :func:`get_data_home`. The files are read from
        ``<data home>/ecgiddb/``.
    lead : str or sequence of str, default="ECG I filtered"
        The signal to read by name, or several names in order of preference:
        ``"ECG I"`` (raw) or ``"ECG I filtered"``, both lead I. Named
        ``channel`` before 0.2 (still accepted, with a FutureWarning).

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        With the fields every reader gives (``signal``, ``fs``, ``record``,
        ``subject``, ``lead``, ``leads``, ``r_peaks``) and more:

        signal : ndarray of float64, shape (n_samples,)
            The lead, in mV (10,000 samples: 20 s).
        fs : float
            The sampling frequency, 500.0 Hz.
        subject, record : int
            Which record this is: the person and the record's number among
            theirs (``person`` before 0.2, still read with a FutureWarning).
        lead : str
            The name of the signal read (``channel`` before 0.2, still read
            with a FutureWarning).
        leads : tuple of str
            ``(lead,)``, as :func:`read_mitdb_record` names its columns.
        r_peaks : ndarray of int64
            The samples of the ``N`` annotations (ten R peaks from an
            automatic, unaudited detector).
        age : int or None
            From the header comment ``Age: 25``; None when absent.
        sex : str or None
            From ``Sex: male``; None when absent.
        date : datetime.date or None
            From ``ECG date: 07.12.2004`` (day.month.year); None when absent.
        comments : list of str
            The header comments.

    Raises
    ------
    FileNotFoundError
        If a file of the record is missing; the message says where it was
        expected and how to get it.
    ValueError
        If ``person`` or ``record`` is not a positive integer, or the record
        has no signal of that name.

    See Also
    --------
    fetch_ecgid : Download missing persons, then read their records.
    load_ecgid_sample : The records bundled with the package.

    Examples
    --------
    >>> from sklearn_ecg.datasets import get_sample_home, read_ecgid_record
    >>> rec = read_ecgid_record(1, 2, data_home=get_sample_home())
    >>> rec.fs, rec.signal.shape, len(rec.r_peaks)
    (500.0, (10000,), 10)
    >>> rec.age, rec.sex, rec.date
    (25, 'male', datetime.date(2004, 12, 7))
    """
    person = _check_number(person, "person", ECGID_N_PERSONS)
    record = _check_number(record, "record")
    folder = get_data_home(data_home) / "ecgiddb"
    name = _record_name(person, record)
    _check_record_files(
        folder, name, what=f"ECG-ID record {name!r}", url=ECGID_URL,
        fetch=f"sklearn_ecg.datasets.fetch_ecgid([{person}])",
    )
    path = str(folder / name)

    header = read_wfdb_header(path)
    index = _pick_channel(header.sig_name, lead, what=f"ECG-ID record {name}",
                          argument="lead")
    signals = read_wfdb_signals(path, channels=[index])
    ann = read_wfdb_annotations(path, "atr", int(header.sig_len))
    symbols = np.asarray(ann.symbol, dtype=str)
    comments = list(header.comments or [])
    age, sex, date = _parse_comments(comments)
    return Bunch(
        signal=np.asarray(signals.p_signal[:, 0], dtype=np.float64),
        fs=float(header.fs),
        subject=person,
        record=record,
        lead=header.sig_name[index],
        leads=(header.sig_name[index],),
        r_peaks=np.asarray(ann.sample, dtype=np.int64)[symbols == "N"],
        age=age,
        sex=sex,
        date=date,
        comments=comments,
    )


def list_ecgid_records(data_home=None):
    """List the ECG-ID records present in the data home.

    Parameters
    ----------
    data_home : str or path-like, default=None
        The data home; see :func:`get_data_home`.

    Returns
    -------
    records : list of (int, int)
        The ``(person, record)`` pairs whose ``.hea``, ``.dat`` and ``.atr``
        files are all in ``<data home>/ecgiddb/Person_NN/``, sorted by person
        then record number; empty if there is none.

    Examples
    --------
    >>> from sklearn_ecg.datasets import get_sample_home, list_ecgid_records
    >>> list_ecgid_records(get_sample_home())[:4]
    [(1, 1), (1, 2), (1, 3), (2, 1)]
    """
    folder = get_data_home(data_home) / "ecgiddb"
    if not folder.is_dir():
        return []
    found = []
    for person_dir in folder.iterdir():
        person = _PERSON_DIR.fullmatch(person_dir.name)
        if person is None or not person_dir.is_dir():
            continue
        for header in person_dir.glob("rec_*.hea"):
            record = _RECORD_FILE.fullmatch(header.stem)
            if record is not None and _record_is_complete(header):
                found.append((int(person.group(1)), int(record.group(1))))
    return sorted(found)


def fetch_ecgid(persons=None, data_home=None, *, lead="ECG I filtered",
                download_if_missing=True):
    """Read every record of some ECG-ID persons, downloading missing persons.

    Parameters
    ----------
    persons : int or sequence of int, default=None
        The persons, 1 to 90. ``None`` means every person already in
        ``<data home>/ecgiddb/``, or all 90 when there is none.
    data_home : str or path-like, default=None
        The data home; see :func:`get_data_home`.
    lead : str or sequence of str, default="ECG I filtered"
        The signal to read, see :func:`read_ecgid_record` (``channel`` before
        0.2, still accepted with a FutureWarning).
    download_if_missing : bool, default=True
        Download the persons that have no record locally from PhysioNet into
        ``<data home>/ecgiddb/`` with :func:`wfdb.dl_database` (records are
        named ``"Person_01/rec_1"`` there). A person with some records present
        counts as present. If False, a missing person raises.

    Returns
    -------
    records : list of :class:`~sklearn.utils.Bunch`
        One per record, sorted by person then record, as read by
        :func:`read_ecgid_record`.

    Raises
    ------
    FileNotFoundError
        If persons are missing and ``download_if_missing`` is False.
    OSError
        If the download fails (for example with no network); the message
        names the folder to put the files in and the PhysioNet page.

    Examples
    --------
    >>> from sklearn_ecg.datasets import fetch_ecgid, get_sample_home
    >>> recs = fetch_ecgid([1, 2], data_home=get_sample_home(),
    ...                    download_if_missing=False)
    >>> [(rec.subject, rec.record) for rec in recs]
    [(1, 1), (1, 2), (1, 3), (2, 1), (2, 2), (2, 3)]
    """
    import wfdb

    home = get_data_home(data_home)
    folder = home / "ecgiddb"
    present = list_ecgid_records(home)
    if persons is None:
        persons = sorted({person for person, _ in present})
        download_all = not persons
        if download_all:
            persons = list(range(1, ECGID_N_PERSONS + 1))
    else:
        persons = [persons] if isinstance(persons, Integral) else list(persons)
        persons = [_check_number(p, "persons", ECGID_N_PERSONS) for p in persons]
        download_all = False

    have = {person for person, _ in present}
    missing = [person for person in persons if person not in have]
    if missing:
        _check_download_allowed(
            download_if_missing, f"ECG-ID persons {missing!r} have no records in {folder}",
            folder, url=ECGID_URL, fetch="fetch_ecgid",
        )
        what = f"the ECG-ID records of persons {missing!r}"
        if download_all:
            names = "all"
        else:
            prefixes = tuple(f"Person_{person:02d}/" for person in missing)
            try:
                names = [
                    name for name in wfdb.get_record_list("ecgiddb")
                    if name.startswith(prefixes)
                ]
            except Exception as exc:  # same advice as a failed download
                raise OSError(
                    f"Could not list {what} on PhysioNet ({type(exc).__name__}: "
                    f"{exc}). Download the files by hand from {ECGID_URL} and put "
                    f"them in {folder}, keeping the Person_NN/ subfolders."
                ) from exc
        _physionet_download("ecgiddb", folder, names, annotators="all",
                            url=ECGID_URL, what=what)
        present = list_ecgid_records(home)
        still = sorted(set(missing) - {person for person, _ in present})
        if still:
            raise OSError(
                f"The download of ECG-ID persons {still!r} left no .hea, .dat and "
                f".atr files in {folder}. Download them by hand from {ECGID_URL} "
                f"and put them in {folder}, keeping the Person_NN/ subfolders."
            )

    wanted = set(persons)
    return [
        read_ecgid_record(person, record, home, lead=lead)
        for person, record in present
        if person in wanted
    ]
