"""Cold start of a deployed beat classifier: TensorFlow against the NumPy forward pass.

A fresh Python process loads a saved ``BeatNormalizer + HeartbeatCNNClassifier``
pipeline (default network, beats of 187 samples with the ten RR features), reads
a 30-minute MIT-BIH record, segments it and classifies every beat. The same
fitted pipeline is saved three ways and each is timed in the same run:

- ``joblib, keras``: ``joblib.load`` then ``predict`` through Keras (TensorFlow);
- ``joblib, numpy``: the same with ``inference="numpy"``;
- ``skops, numpy``: saved with ``sklearn_ecg.utils.save_model``, loaded with
  ``load_model`` (only trusted types), ``inference="numpy"``.

Each is run ``--repeats`` times in new processes; the table gives medians of the
process's wall time (interpreter start included) and of its stages, and whether
TensorFlow was imported. The network is trained for one epoch on the bundled
sample: its accuracy is irrelevant here, its size is the default's.

Usage::

    SKLEARN_ECG_DATA=../../shared/data python benchmarks/bench_inference_cold_start.py [--record 101]
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

CHILD = r"""
import sys, time, json
t0 = time.perf_counter()
import numpy as np
from sklearn_ecg.datasets import read_mitdb_record
from sklearn_ecg.segmentation import RPeakSegmenter
t1 = time.perf_counter()
kind, path, record, data_home = sys.argv[1:5]
if kind == "skops":
    from sklearn_ecg.utils import load_model
    model = load_model(path)
else:
    import joblib
    model = joblib.load(path)
t2 = time.perf_counter()
rec = read_mitdb_record(record, data_home or None)
t3 = time.perf_counter()
seg = RPeakSegmenter(fs=rec.fs, before=0.25, after=0.45, beat_length=187).segment(rec.signal)
X = np.hstack([seg.beats, seg.rr])
t4 = time.perf_counter()
labels = model.predict(X)
t5 = time.perf_counter()
print(json.dumps(dict(imports=t1 - t0, load=t2 - t1, read=t3 - t2, segment=t4 - t3,
                      predict=t5 - t4, beats=len(labels),
                      tensorflow="tensorflow" in sys.modules,
                      labels=np.unique(labels, return_counts=True)[1].tolist())))
"""


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", default="101")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--data-home", default=None)
    args = parser.parse_args(argv)

    import joblib
    from sklearn.pipeline import make_pipeline

    from sklearn_ecg.datasets import load_mitdb_sample, make_beat_dataset, read_mitdb_record
    from sklearn_ecg.neural import HeartbeatCNNClassifier
    from sklearn_ecg.preprocessing import BeatNormalizer
    from sklearn_ecg.utils import save_model

    read_mitdb_record(args.record, args.data_home)  # fails early without the data home
    data = make_beat_dataset(load_mitdb_sample(), before=0.25, after=0.45, beat_length=187,
                             classes=("N", "S", "V", "F"))
    X = np.hstack([data.X, data.rr])
    start = time.perf_counter()
    model = make_pipeline(
        BeatNormalizer("minmax"),
        HeartbeatCNNClassifier(extra_features=data.rr.shape[1], epochs=1, random_state=0),
    ).fit(X, data.y)
    print(f"fitted on {len(X)} bundled beats in {time.perf_counter() - start:.0f} s")

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        paths = {}
        joblib.dump(model, tmp / "keras.joblib")
        paths["joblib, keras"] = ("joblib", tmp / "keras.joblib")
        model[-1].set_params(inference="numpy")
        joblib.dump(model, tmp / "numpy.joblib")
        paths["joblib, numpy"] = ("joblib", tmp / "numpy.joblib")
        save_model(model, tmp / "numpy.skops")
        paths["skops, numpy"] = ("skops", tmp / "numpy.skops")
        sizes = {name: path.stat().st_size for name, (_, path) in paths.items()}

        results = {name: [] for name in paths}
        for _ in range(args.repeats):
            for name, (kind, path) in paths.items():  # interleaved: noise hits all alike
                start = time.perf_counter()
                out = subprocess.run(
                    [sys.executable, "-c", CHILD, kind, str(path), args.record, args.data_home or ""],
                    check=True, capture_output=True, text=True,
                )
                wall = time.perf_counter() - start
                stages = json.loads(out.stdout.strip().splitlines()[-1])
                stages["wall"] = wall
                results[name].append(stages)

    print(f"\nrecord {args.record} (30 min), {results['joblib, keras'][0]['beats']} beats; "
          f"medians of {args.repeats} fresh processes, seconds")
    header = ("saved as / predicts with", "wall", "imports", "load", "read", "segment", "predict",
              "TF imported", "file MB")
    print(" | ".join(header))
    print(" | ".join("---" for _ in header))
    walls = {}
    for name, runs in results.items():
        med = {k: float(np.median([r[k] for r in runs]))
               for k in ("wall", "imports", "load", "read", "segment", "predict")}
        walls[name] = med["wall"]
        print(" | ".join([name] + [f"{med[k]:.2f}" for k in ("wall", "imports", "load", "read",
                                                             "segment", "predict")]
                         + [str(runs[0]["tensorflow"]), f"{sizes[name] / 1e6:.1f}"]))
    same = len({json.dumps(runs[0]["labels"]) for runs in results.values()}) == 1
    print(f"\nsame class counts on every path: {same}")
    for name in ("joblib, numpy", "skops, numpy"):
        print(f"{name}: {walls['joblib, keras'] / walls[name]:.1f}x faster cold start than joblib, keras")


if __name__ == "__main__":
    main()
