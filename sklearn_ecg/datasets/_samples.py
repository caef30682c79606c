"""Loaders for the small sample of each database bundled with the package.

The sample lives in ``sklearn_ecg/datasets/data/``, laid out like a data home
(``mitdb/``, ``ecgiddb/``, ``smart-garment/``), so the same readers read it and
examples and tests run with no download. ``data/README.md`` says what was cut
and carries the attribution and license of each database;
``tools/make_sample.py`` regenerates it from a full data home.
"""

from pathlib import Path

from ._ecgid import list_ecgid_records, read_ecgid_record
from ._garment import load_garment
from ._mitdb import list_mitdb_records, read_mitdb_record


def get_sample_home():
    """Return the folder of the sample bundled with the package.

    It is laid out like a data home, so it can be passed as ``data_home`` to
    any reader: ``read_mitdb_record("208", data_home=get_sample_home())``.

    Returns
    -------
    sample_home : pathlib.Path

    See Also
    --------
    get_data_home : The folder of the full databases.

    Examples
    --------
    >>> from sklearn_ecg.datasets import get_sample_home
    >>> sorted(p.name for p in get_sample_home().iterdir() if p.is_dir())
    ['ecgiddb', 'mitdb', 'smart-garment']
    """
    return Path(__file__).resolve().parent / "data"


def load_mitdb_sample(*, lead="MLII"):
    """Load the bundled MIT-BIH Arrhythmia excerpts.

    Eight records from eight patients (101, 119, 124, 201, 207, 208, 209,
    223), five minutes each, lead MLII only, with the annotations that fall in
    each excerpt; each five-minute window was chosen to hold many S, V and F
    beats. No paced record is included. Sample indices are relative to the
    excerpt; ``data/README.md`` gives where each excerpt starts in the
    original record.

    Parameters
    ----------
    lead : str or sequence of str, default="MLII"
        Passed to :func:`read_mitdb_record`; the sample holds MLII only.

    Returns
    -------
    records : list of :class:`~sklearn.utils.Bunch`
        One per record, sorted by name, with the fields described in
        :func:`read_mitdb_record`.

    Examples
    --------
    >>> from sklearn_ecg.datasets import load_mitdb_sample
    >>> records = load_mitdb_sample()
    >>> [rec.record for rec in records]
    ['101', '119', '124', '201', '207', '208', '209', '223']
    >>> records[0].signal.shape, records[0].fs
    ((108000,), 360.0)
    """
    home = get_sample_home()
    return [read_mitdb_record(record, home, lead=lead)
            for record in list_mitdb_records(home)]


def load_ecgid_sample(*, lead="ECG I filtered"):
    """Load the bundled ECG-ID records.

    The first three records of ten persons (1, 2, 3, 9, 10, 11, 14, 16, 21,
    24: the first ten with at least three records), both channels, copied
    unchanged from the database.

    Parameters
    ----------
    lead : str or sequence of str, default="ECG I filtered"
        Passed to :func:`read_ecgid_record`: ``"ECG I"`` (raw) or
        ``"ECG I filtered"`` (``channel`` before 0.2, still accepted with a
        FutureWarning).

    Returns
    -------
    records : list of :class:`~sklearn.utils.Bunch`
        One per record, sorted by person then record, with the fields
        described in :func:`read_ecgid_record`.

    Examples
    --------
    >>> from sklearn_ecg.datasets import load_ecgid_sample
    >>> records = load_ecgid_sample(lead="ECG I")
    >>> len(records), len({rec.subject for rec in records})
    (30, 10)
    >>> records[0].lead, records[0].signal.shape
    ('ECG I', (10000,))
    """
    home = get_sample_home()
    return [read_ecgid_record(person, record, home, lead=lead)
            for person, record in list_ecgid_records(home)]


def load_garment_sample(activity="sitting"):
    """Load the first 10 seconds of one bundled smart-garment recording.

    Parameters
    ----------
    activity : {"sitting", "walking_normal", "walking_fast", "stairs"}, \
            default="sitting"
        Which recording.

    Returns
    -------
    frame : pandas.DataFrame
        5,000 rows (10 s at 500 Hz) and columns ``ecg1`` ... ``ecg5`` in
        volts, as returned by :func:`read_garment_csv`.

    Examples
    --------
    >>> from sklearn_ecg.datasets import load_garment_sample
    >>> frame = load_garment_sample("walking_fast")
    >>> frame.shape, frame.index.name, frame.attrs["fs"]
    ((5000, 5), 'time', 500.0)
    """
    return load_garment(activity, data_home=get_sample_home())
