"""The labelled records of a data home, as the ready beat model's recipe reads them.

Shared by ``train_beat_model.py``, ``bench_beat_model.py``,
``bench_beat_model_rates.py`` and ``bench_beat_techniques.py``: the records of
MIT-BIH (the non-paced ones; the paced ones apart) and SVDB with both leads, a
copy of each with NSTDB noise added to each lead at a random SNR (seeded per
record), and (:func:`described`) the beats the recipe finds, labels and
describes in each, cached per record.
"""

from functools import lru_cache

import numpy as np
from sklearn.utils import Bunch

from sklearn_ecg.datasets import (
    list_mitdb_records,
    make_noise_stress_record,
    read_mitdb_record,
    read_nstdb_noise,
)

PACED = {"102", "104", "107", "217"}
CLASSES = ("N", "S", "V", "F")
NOISE_SNR = (6.0, 24.0)  # the range of the noisy copies' SNR (dB)


def records(data_home, *, paced=False):
    """(database, record) of every labelled record of the data home."""
    mit = [r for r in list_mitdb_records(data_home) if (r in PACED) == paced]
    sv = [] if paced else list_mitdb_records(data_home, database="svdb")
    return [("mitdb", r) for r in mit] + [("svdb", r) for r in sv]


def _read(database, name, data_home):
    lead = ("MLII", "V5", "V1", "V2", "V4") if database == "mitdb" else ("ECG1", "ECG2")
    return read_mitdb_record(name, data_home, lead=lead, all_leads=True, database=database)


@lru_cache(maxsize=2)
def _noises(data_home):
    return {n: read_nstdb_noise(n, data_home) for n in ("bw", "ma")}


def _stressed(rec, data_home, seed):
    """Both leads of a record with NSTDB bw or ma noise (drawn per lead) at 6-24 dB, all along."""
    rng = np.random.default_rng(seed)
    noises = _noises(data_home)
    cols = []
    for j in range(rec.signal.shape[1]):
        lead = Bunch(signal=rec.signal[:, j], fs=rec.fs, r_peaks=rec.r_peaks)
        noise = noises[("bw", "ma")[rng.integers(2)]]
        snr = float(rng.uniform(*NOISE_SNR))
        offset = float(rng.uniform(0, 1500))
        cols.append(make_noise_stress_record(lead, noise, snr, channel=j % 2, offset=offset,
                                             start=0.0, period=120.0).signal)
    return np.column_stack(cols)


def described(recs, cache):
    """Each record's beats as the recipe sees them, from the recipe's own cache.

    ``recs`` as :func:`train_beat_model.training_records` gives them. ``X``:
    features ``(n_leads, n_beats, n_features)`` of every beat the recipe's
    detector found; ``y``: the matched annotation ("-" where none matches);
    what :class:`UniversalBeatClassifier` fits on, described by its own code
    (``UniversalBeatClassifier(memory=cache)``).
    """
    from sklearn_ecg.pipeline import UniversalBeatClassifier

    beats = UniversalBeatClassifier(memory=str(cache))._described(recs)
    return [Bunch(X=features, y=np.array(["-" if v is None else v for v in labels]),
                  record=rec.record, subject=rec.subject)
            for (features, labels, _), rec in zip(beats, recs)]
