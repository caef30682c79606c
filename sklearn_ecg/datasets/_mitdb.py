"""The MIT-BIH Arrhythmia Database: reading its WFDB records and AAMI labels.

Records are read from ``<data home>/mitdb/`` with :mod:`wfdb`; the lead is
chosen by name because its position varies (record 114 has V5 first, and 102
and 104 have no MLII at all). Beat symbols map to the five AAMI EC57 classes.
"""

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

MITDB_URL = "https://physionet.org/content/mitdb/1.0.0/"
SVDB_URL = "https://physionet.org/content/svdb/1.0.0/"
# The databases of the MIT-BIH family this reader knows: folder of the data home, name, address.
_DATABASES = {
    "mitdb": ("MIT-BIH", MITDB_URL),
    "svdb": ("MIT-BIH Supraventricular Arrhythmia", SVDB_URL),
}


def _check_database(database):
    if database not in _DATABASES:
        raise ValueError(f"database must be one of {list(_DATABASES)}, got {database!r}")
    return database

#: The 48 records of the database.
MITDB_RECORDS = (
    "100", "101", "102", "103", "104", "105", "106", "107", "108", "109",
    "111", "112", "113", "114", "115", "116", "117", "118", "119",
    "121", "122", "123", "124",
    "200", "201", "202", "203", "205", "207", "208", "209", "210",
    "212", "213", "214", "215", "217", "219", "220", "221", "222", "223",
    "228", "230", "231", "232", "233", "234",
)  # fmt: skip

#: The records of patients with a pacemaker, which AAMI EC57 leaves out.
MITDB_PACED_RECORDS = ("102", "104", "107", "217")

# The five AAMI EC57 heartbeat classes live in the library's vocabulary.

#: Beat annotation symbol -> AAMI class. Symbols not in here are not beats.
BEAT_SYMBOL_TO_AAMI = {
    **dict.fromkeys(("N", "L", "R", "e", "j"), "N"),
    **dict.fromkeys(("A", "a", "J", "S"), "S"),
    **dict.fromkeys(("V", "E"), "V"),
    "F": "F",
    **dict.fromkeys(("/", "f", "Q"), "Q"),
}

# Records 201 and 202 were recorded from the same subject.
_SAME_SUBJECT = {"202": "201"}


def aami_class(symbols):
    """Map beat annotation symbols to their AAMI EC57 class.

    Parameters
    ----------
    symbols : str or array-like of str
        WFDB annotation symbols, such as ``Bunch.annotation_symbols``.

    Returns
    -------
    labels : ndarray of object, or str or None
        The AAMI class (``"N"``, ``"S"``, ``"V"``, ``"F"`` or ``"Q"``) of each
        symbol, and ``None`` where a symbol is not a beat (``"+"``, ``"~"``,
        ``"["``, ``"!"`` ...). A single string gives a single label.

    See Also
    --------
    is_beat : Which symbols are beats.

    Examples
    --------
    >>> from sklearn_ecg.datasets import aami_class
    >>> aami_class(["N", "L", "A", "V", "F", "/", "+"])
    array(['N', 'N', 'S', 'V', 'F', 'Q', None], dtype=object)
    >>> aami_class("E")
    'V'
    """
    if isinstance(symbols, str):
        return BEAT_SYMBOL_TO_AAMI.get(symbols)
    symbols = np.asarray(symbols, dtype=object)
    labels = np.empty(symbols.shape, dtype=object)
    labels.flat[:] = [BEAT_SYMBOL_TO_AAMI.get(s) for s in symbols.flat]
    return labels


def is_beat(symbols):
    """Tell which annotation symbols are beats.

    Parameters
    ----------
    symbols : array-like of str
        WFDB annotation symbols.

    Returns
    -------
    mask : ndarray of bool
        True where the symbol is a key of ``BEAT_SYMBOL_TO_AAMI``.

    Examples
    --------
    >>> from sklearn_ecg.datasets import is_beat
    >>> is_beat(["N", "+", "V", "~"])
    array([ True, False,  True, False])
    """
    symbols = np.asarray(symbols, dtype=object)
    return np.isin(symbols, list(BEAT_SYMBOL_TO_AAMI))


def mitdb_patient_id(record):
    """Return the patient a MIT-BIH record comes from.

    Records 201 and 202 come from the same subject, so both give ``"201"``;
    every other record is its own patient. Group cross-validation folds by
    this id, not by record.

    Parameters
    ----------
    record : str or int
        A record name such as ``"202"``.

    Returns
    -------
    patient : str

    Examples
    --------
    >>> from sklearn_ecg.datasets import mitdb_patient_id
    >>> mitdb_patient_id("202"), mitdb_patient_id(201), mitdb_patient_id("208")
    ('201', '201', '208')
    """
    record = str(record)
    return _SAME_SUBJECT.get(record, record)


def _vf_episodes(samples, symbols, sig_len):
    """Return the [start, end) intervals between '[' and ']' annotations.

    An unclosed '[' runs to ``sig_len``; a ']' with no '[' before it (a record
    or excerpt that starts inside an episode) closes an episode begun at 0.
    """
    episodes = []
    start = None
    for sample, symbol in zip(samples, symbols):
        if symbol == "[" and start is None:
            start = int(sample)
        elif symbol == "]":
            episodes.append((0 if start is None else start, int(sample)))
            start = None
    if start is not None:
        episodes.append((start, int(sig_len)))
    return np.asarray(episodes, dtype=np.int64).reshape(-1, 2)


def read_mitdb_record(record, data_home=None, *, lead="MLII", sampfrom=0,
                      sampto=None, all_leads=False, database="mitdb"):
    """Read one lead and the annotations of a MIT-BIH Arrhythmia record.

    Records of the MIT-BIH Supraventricular Arrhythmia Database (128 Hz, leads
    named ``ECG1`` and ``ECG2``, the same annotation symbols) are read the same
    way with ``database="svdb"``.

    Parameters
    ----------
    record : str or int
        The record name, such as ``"208"``. The files ``<record>.hea``,
        ``<record>.dat`` and ``<record>.atr`` are read from
        ``<data home>/mitdb/``.
    data_home : str or path-like, default=None
        The data home; see :func:`get_data_home`.
    lead : str or sequence of str, default="MLII"
        The lead to read, by name, or several names in order of preference:
        ``("MLII", "V5")`` reads MLII where the record has it and V5
        otherwise (records 102 and 104 have no MLII).
    sampfrom : int, default=0
        The first sample to read.
    sampto : int, default=None
        One past the last sample to read; ``None`` reads to the end.
    all_leads : bool, default=False
        Read every lead of the record, ``lead`` first and the others in the
        record's order: ``signal`` is then 2-D, one column per lead (both
        leads of a MIT-BIH record), and ``leads`` names them. R peaks are
        detected on the first column; beats keep all of them.
    database : {"mitdb", "svdb"}, default="mitdb"
        The folder of the data home the record is read from: ``mitdb/``
        (MIT-BIH Arrhythmia, 360 Hz) or ``svdb/`` (MIT-BIH Supraventricular
        Arrhythmia, 128 Hz; every record is its own patient). Pass
        ``lead="ECG1"`` (or ``("ECG1", "ECG2")``) for the latter.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        With the fields every reader gives (``signal``, ``fs``, ``record``,
        ``subject``, ``lead``, ``leads``, ``r_peaks``) and more:

        signal : ndarray of float64, shape (n_samples,) or (n_samples, n_leads)
            The lead (or, with ``all_leads=True``, every lead), in mV.
        fs : float
            The sampling frequency, 360.0 Hz.
        lead : str
            The name of the lead read (the first column with ``all_leads``).
        leads : tuple of str
            The names of the columns of ``signal`` (one name without ``all_leads``).
        record : str
            The record name.
        subject : str
            The patient, see :func:`mitdb_patient_id` (``patient`` before 0.2,
            still read with a FutureWarning).
        sampfrom : int
            The first sample read; every sample index below is relative to it.
        r_peaks : ndarray of int64
            The sample of each beat annotation (symbols of
            ``BEAT_SYMBOL_TO_AAMI``), at the R peak (``beat_samples`` before
            0.2, still read with a FutureWarning).
        beat_symbols : ndarray of str
            Their annotation symbols.
        beat_labels : ndarray of object
            Their AAMI classes, see :func:`aami_class`.
        annotation_samples, annotation_symbols : ndarray
            Every annotation in the excerpt, beats and non-beats (rhythm
            changes ``+``, noise ``~``, flutter waves ``!`` ...).
        vf_episodes : ndarray of int64, shape (n_episodes, 2)
            The ``[start, end)`` samples of each episode of ventricular flutter
            or fibrillation, from a ``[`` annotation to the next ``]``. An
            unclosed ``[`` runs to the end of the signal and an excerpt that
            starts inside an episode gives one starting at 0. AAMI EC57 leaves
            these out when scoring QRS detection.
        comments : list of str
            The header comments (age, sex, medications, rhythm notes).

    Raises
    ------
    FileNotFoundError
        If a file of the record is missing; the message says where it was
        expected and how to get it.
    ValueError
        If the record has no lead of that name, or the sample range is empty
        or outside the record.

    See Also
    --------
    fetch_mitdb : Download missing records, then read them.
    load_mitdb_sample : The five-minute excerpts bundled with the package.

    Examples
    --------
    >>> from sklearn_ecg.datasets import get_sample_home, read_mitdb_record
    >>> rec = read_mitdb_record("208", data_home=get_sample_home())
    >>> rec.fs, rec.lead, rec.signal.shape
    (360.0, 'MLII', (108000,))
    >>> sorted(set(rec.beat_labels))
    ['F', 'N', 'S', 'V']
    >>> rec = read_mitdb_record("208", data_home=get_sample_home(),
    ...                         sampfrom=3600, sampto=7200)
    >>> rec.signal.shape, int(rec.r_peaks.min()) >= 0
    ((3600,), True)
    """
    record = str(record)
    title, url = _DATABASES[_check_database(database)]
    folder = get_data_home(data_home) / database
    _check_record_files(
        folder, record, what=f"{title} record {record!r}", url=url,
        fetch=f"sklearn_ecg.datasets.fetch_mitdb([{record!r}])" if database == "mitdb"
        else f"wfdb.dl_database('svdb', {str(folder)!r}, records=[{record!r}])",
    )
    path = str(folder / record)

    header = read_wfdb_header(path)
    channel = _pick_channel(
        header.sig_name, lead, what=f"record {record}", argument="lead",
        hint="; pass one of those, or several names in order of preference "
        "such as lead=('MLII', 'V5')",
    )
    sig_len = int(header.sig_len)
    if sampto is None:
        sampto = sig_len
    if not 0 <= sampfrom < sig_len:
        raise ValueError(
            f"sampfrom must be a sample of record {record}, in [0, {sig_len}), "
            f"got {sampfrom!r}"
        )
    if not sampfrom < sampto <= sig_len:
        raise ValueError(
            f"sampto must be after sampfrom={sampfrom} and at most the record "
            f"length {sig_len}, got {sampto!r}"
        )
    sampfrom, sampto = int(sampfrom), int(sampto)

    channels = [channel]
    if all_leads:
        channels += [c for c in range(len(header.sig_name)) if c != channel]
    signals = read_wfdb_signals(path, sampfrom=sampfrom, sampto=sampto, channels=channels)
    signal = np.asarray(signals.p_signal, dtype=np.float64)
    signal = signal if all_leads else signal[:, 0]

    # Read every annotation, then cut: a flutter episode that began before
    # sampfrom still covers the start of the excerpt.
    ann = read_wfdb_annotations(path, "atr", sig_len)
    samples = np.asarray(ann.sample, dtype=np.int64)
    symbols = np.asarray(ann.symbol, dtype=str)
    episodes = _vf_episodes(samples, symbols, sig_len)
    episodes = np.clip(episodes, sampfrom, sampto)
    episodes = episodes[episodes[:, 1] > episodes[:, 0]] - sampfrom

    inside = (samples >= sampfrom) & (samples < sampto)
    samples, symbols = samples[inside] - sampfrom, symbols[inside]
    beats = is_beat(symbols)

    return Bunch(
        signal=signal,
        fs=float(header.fs),
        lead=header.sig_name[channel],
        leads=tuple(header.sig_name[c] for c in channels),
        record=record,
        subject=mitdb_patient_id(record) if database == "mitdb" else record,
        sampfrom=sampfrom,
        r_peaks=samples[beats],
        beat_symbols=symbols[beats],
        beat_labels=aami_class(symbols[beats]),
        annotation_samples=samples,
        annotation_symbols=symbols,
        vf_episodes=episodes,
        comments=list(header.comments or []),
    )


def list_mitdb_records(data_home=None, *, database="mitdb"):
    """List the MIT-BIH records present in the data home.

    Parameters
    ----------
    data_home : str or path-like, default=None
        The data home; see :func:`get_data_home`.
    database : {"mitdb", "svdb"}, default="mitdb"
        The folder listed, as in :func:`read_mitdb_record`.

    Returns
    -------
    records : list of str
        The sorted names of the records whose ``.hea``, ``.dat`` and ``.atr``
        files are all in ``<data home>/mitdb/``; empty if there is none.

    Examples
    --------
    >>> from sklearn_ecg.datasets import get_sample_home, list_mitdb_records
    >>> list_mitdb_records(get_sample_home())
    ['101', '119', '124', '201', '207', '208', '209', '223']
    """
    folder = get_data_home(data_home) / _check_database(database)
    if not folder.is_dir():
        return []
    return sorted(path.stem for path in folder.glob("*.hea") if _record_is_complete(path))


def _as_record_names(records):
    records = [records] if isinstance(records, (str, int)) else list(records)
    records = [str(record) for record in records]
    unknown = [record for record in records if record not in MITDB_RECORDS]
    if unknown:
        raise ValueError(
            f"records must be MIT-BIH Arrhythmia record names such as '100' or "
            f"'208', got {unknown!r}; the database has {list(MITDB_RECORDS)!r}"
        )
    return records


def fetch_mitdb(records=None, data_home=None, *, lead="MLII",
                download_if_missing=True, all_leads=False):
    """Read MIT-BIH Arrhythmia records, downloading those that are missing.

    Parameters
    ----------
    records : str or sequence of str, default=None
        The record names. ``None`` means every record already in
        ``<data home>/mitdb/``, or all 48 records of the database when there
        is none.
    data_home : str or path-like, default=None
        The data home; see :func:`get_data_home`.
    lead : str or sequence of str, default="MLII"
        The lead to read, or several names in order of preference. Records
        102 and 104 have no MLII: pass ``lead=("MLII", "V5")`` to read V5
        there, or leave them out (they are paced, see
        ``MITDB_PACED_RECORDS``). A record without any of the leads raises.
    download_if_missing : bool, default=True
        Download missing records from PhysioNet into ``<data home>/mitdb/``
        with :func:`wfdb.dl_database`. If False, a missing record raises.
    all_leads : bool, default=False
        Read both leads of each record, ``lead`` first (see
        :func:`read_mitdb_record`).

    Returns
    -------
    records : list of :class:`~sklearn.utils.Bunch`
        One per record, in the order asked, as read by
        :func:`read_mitdb_record`.

    Raises
    ------
    FileNotFoundError
        If records are missing and ``download_if_missing`` is False.
    OSError
        If the download fails (for example with no network); the message
        names the folder to put the files in and the PhysioNet page.
    ValueError
        If a name is not a record of the database, or a record lacks the lead.

    Examples
    --------
    >>> from sklearn_ecg.datasets import fetch_mitdb, get_sample_home
    >>> recs = fetch_mitdb(["201", "208"], data_home=get_sample_home(),
    ...                    download_if_missing=False)
    >>> [(rec.record, rec.subject) for rec in recs]
    [('201', '201'), ('208', '208')]
    """
    home = get_data_home(data_home)
    folder = home / "mitdb"
    present = list_mitdb_records(home)
    if records is None:
        records = present or list(MITDB_RECORDS)
    records = _as_record_names(records)

    missing = [record for record in records if record not in present]
    if missing:
        _check_download_allowed(
            download_if_missing, f"MIT-BIH records {missing!r} are not in {folder}",
            folder, url=MITDB_URL, fetch="fetch_mitdb",
        )
        _physionet_download("mitdb", folder, missing, annotators=["atr"],
                            url=MITDB_URL, what=f"MIT-BIH records {missing!r}")
        still = sorted(set(missing) - set(list_mitdb_records(home)))
        if still:
            raise OSError(
                f"The download of MIT-BIH records {still!r} left no .hea, .dat "
                f"and .atr files in {folder}. Download them by hand from "
                f"{MITDB_URL} and put them in {folder}."
            )
    return [read_mitdb_record(record, home, lead=lead, all_leads=all_leads)
            for record in records]
