"""The labelled beats of every record of a data home, as the ready beat model sees them.

Shared by ``train_beat_model.py`` and ``bench_beat_model.py``: each record of
MIT-BIH (the non-paced ones; the paced ones apart) and SVDB is read with both
leads, its R peaks found by the library's detector (as in use), each detection
labelled with the annotated beat it matches within 150 ms, and every beat of
every lead described by :func:`sklearn_ecg.pipeline.beat_context_features`;
with ``noisy=True`` a copy with NSTDB noise added to each lead at a random SNR
(seeded per record) is described too. The result is cached per record.
"""

import hashlib
from functools import lru_cache
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch

from sklearn_ecg.datasets import (
    list_mitdb_records,
    make_noise_stress_record,
    mitdb_patient_id,
    read_mitdb_record,
    read_nstdb_noise,
)
from sklearn_ecg.metrics import match_peaks
from sklearn_ecg.pipeline._beat_context import beat_context_features
from sklearn_ecg.segmentation import detect_r_peaks

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


def describe(database, name, data_home, *, noisy=False, detector="cnn"):
    """One record's beats: features per lead, labels, and the reference beats missed."""
    rec = _read(database, name, data_home)
    signal = rec.signal
    if noisy:
        seed = int(hashlib.sha256(f"{database}/{name}".encode()).hexdigest()[:8], 16)
        signal = _stressed(rec, data_home, seed)
    peaks = detect_r_peaks(signal[:, 0], rec.fs, detector)
    ref_i, det_i = match_peaks(rec.r_peaks, peaks, rec.fs)
    y = np.full(peaks.size, "-", dtype=object)  # "-": a detection that matches no beat
    y[det_i] = rec.beat_labels[ref_i]
    for start, stop in rec.vf_episodes:
        inside = (peaks >= start) & (peaks < stop) & (y == "-")
        y[inside] = "vf"
    missed = np.ones(rec.r_peaks.size, dtype=bool)
    missed[ref_i] = False
    return Bunch(
        X=beat_context_features(signal, rec.fs, peaks).astype(np.float32), y=y, peaks=peaks,
        missed=rec.beat_labels[missed].astype(object), record=f"{database}/{name}",
        patient=f"{database}/{mitdb_patient_id(name) if database == 'mitdb' else name}",
        database=database, fs=rec.fs,
    )


def load(data_home, cache, *, paced=False, noisy=False, detector="cnn", verbose=True):
    """Every record's :func:`describe`, from ``cache`` (a folder) when it is there."""
    cache = Path(cache)
    cache.mkdir(parents=True, exist_ok=True)
    out = []
    for database, name in records(data_home, paced=paced):
        tag = f"{database}_{name}_{detector}{'_noisy' if noisy else ''}.npz"
        path = cache / tag
        if not path.exists():
            b = describe(database, name, data_home, noisy=noisy, detector=detector)
            np.savez(path, **{k: np.asarray(v) for k, v in b.items()})
            if verbose:
                print(f"  described {database}/{name}{' (noisy)' if noisy else ''}: "
                      f"{b.X.shape[1]} beats", flush=True)
        with np.load(path, allow_pickle=True) as f:
            out.append(Bunch(**{k: (f[k].item() if f[k].ndim == 0 else f[k]) for k in f.files}))
    return out
