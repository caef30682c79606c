"""
===============================================================================
On a Dask cluster: a patient-grouped grid search and batch inference of records
===============================================================================

The same code runs on a laptop and on a cluster: start a ``distributed.Client``
on the scheduler's address (``--scheduler tcp://host:8786``), or let this
example start a ``LocalCluster`` of two worker processes on the loopback.

1. :func:`~sklearn_ecg.pipeline.set_worker_threads` gives each worker one
   thread for TensorFlow and BLAS, so that workers sharing a machine do not
   oversubscribe its cores.
2. ``GridSearchCV`` over :class:`~sklearn_ecg.HeartbeatCNNClassifier` runs its
   fits as Dask tasks through joblib's Dask backend; the folds never share a
   patient.
3. A :class:`~sklearn_ecg.pipeline.RecordBeatClassifier` (the beat model with
   the settings its beats are cut with) classifies every beat of many records,
   one task per record, read by the workers from their paths, into one table:
   :func:`~sklearn_ecg.pipeline.predict_records`, also what
   ``sklearn-ecg predict --scheduler ADDRESS`` runs.

Run it with ``pip install "sklearn-ecg[dask]"``. The networks are tiny and
train one epoch: the example shows how, not how well.
"""

import argparse
import os
import time

import joblib
import numpy as np
from sklearn.model_selection import GridSearchCV

from sklearn_ecg import HeartbeatCNNClassifier, PairGroupKFold, RPeakSegmenter
from sklearn_ecg.datasets import get_sample_home, load_mitdb_sample, make_beat_dataset
from sklearn_ecg.pipeline import RecordBeatClassifier, predict_records, set_worker_threads

TINY = dict(conv_filters=(8, 16), kernel_size=5, dense_units=(16,), epochs=1, random_state=0)
# SKLEARN_ECG_EXAMPLE_QUICK=1 (what the test suite sets) runs this example small: the
# grid search on four of the eight records.
N_RECORDS = 4 if os.environ.get("SKLEARN_ECG_EXAMPLE_QUICK") == "1" else 8


def main(scheduler=None):
    from distributed import Client, LocalCluster

    cluster = None
    if scheduler is None:
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1",
                               dashboard_address=None)
        scheduler = cluster.scheduler_address
    with Client(scheduler) as client:
        n_workers = len(set_worker_threads(client, 1))
        print(f"{n_workers} workers at {scheduler}, one thread each")

        # %%
        # Patient-grouped grid search, each fit a Dask task.
        records = load_mitdb_sample()
        data = make_beat_dataset(records[:N_RECORDS], beat_length=128, classes=("N", "S", "V"))
        search = GridSearchCV(
            HeartbeatCNNClassifier(**TINY), {"learning_rate": [1e-3, 3e-3]},
            cv=PairGroupKFold(2), scoring="balanced_accuracy", n_jobs=-1,
        )
        start = time.perf_counter()
        with joblib.parallel_backend("dask"):
            search.fit(data.X, data.y, groups=data.groups)
        print(f"grid search of {len(search.cv_results_['params'])} candidates x 2 folds on the "
              f"cluster: {time.perf_counter() - start:.1f} s, best {search.best_params_}")

        # %%
        # Batch inference: a whole-record model, one task per record, one table.
        model = RecordBeatClassifier(
            HeartbeatCNNClassifier(**{**TINY, **search.best_params_}, inference="numpy"),
            segmenter=RPeakSegmenter(fs=360, beat_length=128),
        ).fit(records[:6])
        paths = sorted(str(p.with_suffix("")) for p in (get_sample_home() / "mitdb").glob("*.hea"))
        start = time.perf_counter()
        table = predict_records(model, paths, client=client)
        elapsed = time.perf_counter() - start
        print(f"{len(table)} beats of {len(paths)} records classified on the cluster in "
              f"{elapsed:.1f} s ({len(paths) / elapsed:.1f} records/s)")
        print(table.groupby("record")["class"].value_counts().unstack(fill_value=0).to_string())
        assert np.array_equal(table["class"], predict_records(model, paths)["class"])
    if cluster is not None:
        cluster.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scheduler", help="address of a running Dask scheduler "
                                            "(default: start a LocalCluster here)")
    main(parser.parse_known_args()[0].scheduler)
