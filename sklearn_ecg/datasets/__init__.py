"""Readers, fetchers and bundled samples of the ECG databases.

- ``read_*`` read one record or file from a data home (see
  :func:`get_data_home`);
- ``fetch_*`` read many, downloading from PhysioNet what is missing;
- ``load_*_sample`` read the small sample bundled with the package;
- ``aami_class`` and friends map MIT-BIH beat symbols to AAMI EC57 classes.
"""

from ..utils._vocabulary import AAMI_CLASSES
from ._base import get_data_home
from ._beats import label_peaks, make_beat_dataset
from ._ecgid import fetch_ecgid, list_ecgid_records, read_ecgid_record
from ._garment import GARMENT_ACTIVITIES, load_garment, read_garment_csv
from ._mitdb import (
    BEAT_SYMBOL_TO_AAMI,
    MITDB_PACED_RECORDS,
    MITDB_RECORDS,
    aami_class,
    fetch_mitdb,
    is_beat,
    list_mitdb_records,
    mitdb_patient_id,
    read_mitdb_record,
)
from ._noise import (
    NSTDB_NOISES,
    make_noise_stress_record,
    noise_on_mask,
    noise_power,
    qrs_signal_power,
    read_nstdb_noise,
)
from ._samples import (
    get_sample_home,
    load_ecgid_sample,
    load_garment_sample,
    load_mitdb_sample,
)
from ._segments import make_segments
from ._signal_file import read_recording, read_signal
from ._unlabelled import (
    UNLABELLED_DATABASES,
    iter_unlabelled_segments,
    load_unlabelled_segments,
    write_unlabelled_segments,
)

__all__ = [
    "AAMI_CLASSES",
    "BEAT_SYMBOL_TO_AAMI",
    "GARMENT_ACTIVITIES",
    "MITDB_PACED_RECORDS",
    "MITDB_RECORDS",
    "NSTDB_NOISES",
    "UNLABELLED_DATABASES",
    "aami_class",
    "fetch_ecgid",
    "fetch_mitdb",
    "get_data_home",
    "get_sample_home",
    "is_beat",
    "iter_unlabelled_segments",
    "label_peaks",
    "list_ecgid_records",
    "list_mitdb_records",
    "load_ecgid_sample",
    "load_garment",
    "load_garment_sample",
    "load_mitdb_sample",
    "load_unlabelled_segments",
    "make_beat_dataset",
    "make_noise_stress_record",
    "make_segments",
    "mitdb_patient_id",
    "noise_on_mask",
    "noise_power",
    "qrs_signal_power",
    "read_ecgid_record",
    "read_garment_csv",
    "read_mitdb_record",
    "read_nstdb_noise",
    "read_recording",
    "read_signal",
    "write_unlabelled_segments",
]
