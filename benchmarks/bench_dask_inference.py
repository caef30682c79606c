"""Batch inference of whole records on Dask: records per second with one and two workers.

A :class:`~sklearn_ecg.pipeline.RecordBeatClassifier` holding the main job's CNN
pipeline (min-max beats of 187 samples, RR and relative features, the default
network, trained one epoch on the bundled sample: its size matters here, not its
accuracy) classifies every beat of every MIT-BIH record of the data home with
:func:`~sklearn_ecg.pipeline.predict_records`:

- ``here``: one record after another in this process (no Dask);
- ``dask, 1 worker`` and ``dask, 2 workers``: a ``distributed.LocalCluster`` of
  worker processes on the loopback, one thread each
  (:func:`~sklearn_ecg.pipeline.set_worker_threads`), one task per record, the
  workers reading the records from their paths.

Each configuration first runs once on two records (starting the workers, sending
them the model), then is timed over all records ``--repeats`` times (median).
All configurations run in this one process, so the ratios are measured under
the same load.

Usage::

    SKLEARN_ECG_DATA=../../shared/data python benchmarks/bench_dask_inference.py [--inference numpy]
"""

import argparse
import functools
import statistics
import time

import numpy as np


def _record_model(inference):
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline

    from sklearn_ecg import BeatNormalizer, HeartbeatCNNClassifier, RPeakSegmenter
    from sklearn_ecg.datasets import load_mitdb_sample
    from sklearn_ecg.pipeline import RecordBeatClassifier

    pipe = Pipeline([
        ("normalize", ColumnTransformer([("beat", BeatNormalizer("minmax"), slice(0, 187))],
                                        remainder="passthrough")),
        ("cnn", HeartbeatCNNClassifier(extra_features=20, epochs=1, random_state=0,
                                       inference=inference)),
    ])
    return RecordBeatClassifier(pipe, segmenter=RPeakSegmenter(fs=360, beat_length=187),
                                relative_features=True).fit(load_mitdb_sample())


def _time(run, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        table = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), table


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inference", choices=("numpy", "keras"), default="numpy")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--max-workers", type=int, default=2)
    args = parser.parse_args(argv)

    from distributed import Client, LocalCluster

    from sklearn_ecg.datasets import get_data_home, get_sample_home
    from sklearn_ecg.pipeline import predict_records, read_record_signal, set_worker_threads

    home = get_data_home() / "mitdb"
    paths = sorted(str(p.with_suffix("")) for p in home.glob("*.hea"))
    if not paths:
        home = get_sample_home() / "mitdb"
        paths = sorted(str(p.with_suffix("")) for p in home.glob("*.hea"))
    print(f"{len(paths)} records of {home}; model: the main job's CNN pipeline, "
          f"{args.inference} inference; {args.repeats} timed runs each (median)")
    start = time.perf_counter()
    model = _record_model(args.inference)
    print(f"model fitted in {time.perf_counter() - start:.0f} s")

    # MLII, or V5 where a (paced) record has no MLII: what the model was trained on or near.
    reader = functools.partial(read_record_signal, lead=("MLII", "V5"))
    rows = []
    predict_records(model, paths[:2], reader=reader)
    elapsed, reference = _time(lambda: predict_records(model, paths, reader=reader), args.repeats)
    rows.append(("here (no Dask)", elapsed))
    n_beats = len(reference)
    for n_workers in range(1, args.max_workers + 1):
        with LocalCluster(n_workers=n_workers, threads_per_worker=1, host="127.0.0.1",
                          dashboard_address=None) as cluster, Client(cluster) as client:
            set_worker_threads(client, 1)
            predict_records(model, paths[:2], reader=reader, client=client)
            elapsed, table = _time(
                lambda: predict_records(model, paths, reader=reader, client=client), args.repeats)
            same = table.drop(columns=[c for c in table if c.startswith("proba_")]).equals(
                reference.drop(columns=[c for c in reference if c.startswith("proba_")]))
            close = np.allclose(table.filter(like="proba_"), reference.filter(like="proba_"),
                                atol=1e-5)
            if not (same and close):
                raise AssertionError(f"{n_workers} workers gave another table")
            rows.append((f"dask, {n_workers} worker{'s' * (n_workers > 1)}", elapsed))
    one = dict(rows)["dask, 1 worker"]
    print(f"\n{'configuration':<18} {'time (s)':>9} {'records/s':>10} {'beats/s':>9} "
          f"{'vs 1 worker':>12}")
    for name, elapsed in rows:
        print(f"{name:<18} {elapsed:9.2f} {len(paths) / elapsed:10.2f} {n_beats / elapsed:9.0f} "
              f"{one / elapsed:11.2f}x")
    print(f"\n{n_beats} beats; every Dask table equals the one computed here")


if __name__ == "__main__":
    main()
