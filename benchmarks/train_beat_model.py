"""Rebuild the shipped beat classifier from every annotated record of a data home.

    python benchmarks/train_beat_model.py --data-home ../shared/data

Fits :class:`sklearn_ecg.pipeline.UniversalBeatClassifier` (the package's
recipe, seeded) on both leads of every non-paced MIT-BIH record and every SVDB
record of the data home, each record clean and once more with the NSTDB noise
records added at a random SNR between 6 and 24 dB (seeded by the record's
name), and writes it to ``sklearn_ecg/pretrained/data/beat_classifier.skops``.
The digest it prints is a SHA-256 of every tree of the ensemble: the shipped
file's digest (``--check``) equals it when the rebuild is bit for bit. The
figures of the model card come from ``bench_beat_model.py``.
"""

import argparse
import hashlib
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch

sys.path.insert(0, str(Path(__file__).parent))

from _beat_data import PACED, _read, _stressed, records

from sklearn_ecg.datasets import mitdb_patient_id
from sklearn_ecg.pipeline import UniversalBeatClassifier
from sklearn_ecg.utils import load_model, save_model

SHIPPED = Path(__file__).parents[1] / "sklearn_ecg" / "pretrained" / "data" / "beat_classifier.skops"
RANDOM_STATE = 0


def model_digest(model):
    """SHA-256 of every fitted tree of the ensemble (node arrays, bytes as stored)."""
    h = hashlib.sha256()
    for est in model.estimators_:
        h.update(np.asarray(est.classes_).astype(str).tobytes())
        h.update(np.asarray(est._baseline_prediction).tobytes())
        for trees in est._predictors:
            for tree in trees:
                h.update(tree.nodes.tobytes())
    return h.hexdigest()


def training_records(data_home, *, keys=None, noisy=True, say=print):
    """Every labelled record of the data home (or ``keys``), both leads, clean and stressed."""
    out = []
    for database, name in records(data_home) if keys is None else keys:
        rec = _read(database, name, data_home)
        subject = f"{database}/{mitdb_patient_id(name) if database == 'mitdb' else name}"
        base = dict(fs=rec.fs, r_peaks=rec.r_peaks, beat_labels=rec.beat_labels, subject=subject,
                    vf_episodes=rec.vf_episodes)
        out.append(Bunch(signal=rec.signal, record=f"{database}/{name}", **base))
        if noisy:
            seed = int(hashlib.sha256(f"{database}/{name}".encode()).hexdigest()[:8], 16)
            out.append(Bunch(signal=_stressed(rec, data_home, seed),
                             record=f"{database}/{name}+noise", **base))
    say(f"{len(out)} records ({len(out) // (2 if noisy else 1)} patients' recordings"
        f"{', each clean and noisy' if noisy else ''}); paced records left out: {sorted(PACED)}")
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--data-home", default=None, help="the data home (default SKLEARN_ECG_DATA)")
    parser.add_argument("--output", type=Path, default=SHIPPED)
    parser.add_argument("--check", action="store_true",
                        help="do not write: compare the rebuilt model's digest with the shipped one")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    recs = training_records(args.data_home)
    model = UniversalBeatClassifier(random_state=RANDOM_STATE).fit(recs)
    digest = model_digest(model)
    print(f"fitted on {model.n_beats_} rows (beats x leads) in {time.perf_counter() - start:.0f} s; "
          f"classes {list(model.classes_)}; digest {digest}")
    if args.check:
        shipped = model_digest(load_model(SHIPPED))
        same = shipped == digest
        print(f"shipped digest {shipped}: {'identical, bit for bit' if same else 'DIFFERENT'}")
        return 0 if same else 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    save_model(model, args.output)
    print(f"written {args.output} ({args.output.stat().st_size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
