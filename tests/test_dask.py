"""More than one machine: a real Dask LocalCluster (two worker processes on the loopback).

One cluster for the module: a grid search over the CNN through joblib's Dask
backend, and batch inference of a whole-record model as one task per record.
"""

import joblib
import numpy as np
import pytest
from _shared import SMALL_CNN
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, GroupKFold

from sklearn_ecg import RPeakSegmenter
from sklearn_ecg.datasets import get_sample_home, load_mitdb_sample, make_beat_dataset
from sklearn_ecg.neural import HeartbeatCNNClassifier
from sklearn_ecg.pipeline import RecordBeatClassifier, predict_records, set_worker_threads

distributed = pytest.importorskip("distributed")

# A cluster of two worker processes, each importing TensorFlow.
pytestmark = pytest.mark.slow

CNN = {**SMALL_CNN, "epochs": 1, "batch_size": 64, "random_state": 0}


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        yield client


def test_workers_get_their_thread_limits(client):
    settings = set_worker_threads(client, 1)
    assert len(settings) == 2
    for variables in settings.values():
        assert variables["TF_NUM_INTRAOP_THREADS"] == "1"
        assert variables["TF_NUM_INTEROP_THREADS"] == "1"
        assert variables["OMP_NUM_THREADS"] == "1"
    with pytest.raises(ValueError, match="n_threads must be a positive number"):
        set_worker_threads(client, 0)


def test_grid_search_over_the_cnn_runs_on_the_cluster(client):
    data = make_beat_dataset(load_mitdb_sample()[:4], beat_length=96, classes=("N", "V"))
    rows = np.random.default_rng(0).choice(len(data.y), 240, replace=False)
    X, y, groups = data.X[rows], data.y[rows], data.groups[rows]
    grid = {"learning_rate": [1e-3, 1e-2]}
    search = GridSearchCV(HeartbeatCNNClassifier(**CNN), grid, cv=GroupKFold(2), n_jobs=-1)
    with joblib.parallel_backend("dask"):
        search.fit(X, y, groups=groups)
    # Fits ran in the workers (each imported TensorFlow), not here.
    workers = client.run(lambda: "keras" in __import__("sys").modules)
    assert any(workers.values())
    # Seeded fits give the same networks in a worker as here, although the worker's
    # event loop draws from the process-wide generators while they train.
    local = GridSearchCV(HeartbeatCNNClassifier(**CNN), grid, cv=GroupKFold(2)).fit(
        X, y, groups=groups)
    for key in ("split0_test_score", "split1_test_score"):
        assert np.allclose(search.cv_results_[key], local.cv_results_[key])
    assert search.best_params_ == local.best_params_


def test_batch_inference_writes_the_same_table_as_here(client):
    model = RecordBeatClassifier(LogisticRegression(max_iter=300),
                                 segmenter=RPeakSegmenter(fs=360, beat_length=64)).fit(
        load_mitdb_sample()[:3])
    paths = [str(p.with_suffix("")) for p in sorted((get_sample_home() / "mitdb").glob("*.hea"))]
    seen = []
    table = predict_records(model, paths, client=client,
                            progress=lambda done, total, part: seen.append((done, total)))
    assert table.equals(predict_records(model, paths))
    assert table["record"].unique().tolist() == [p.rsplit("/", 1)[-1] for p in paths]
    assert seen[-1] == (len(paths), len(paths))
    # Called again at once (the first call's copy of the model being released).
    again = [predict_records(model, paths[:3], client=client) for _ in range(2)]
    assert all(t.equals(table[table["record"].isin(again[0]["record"])]) for t in again)
