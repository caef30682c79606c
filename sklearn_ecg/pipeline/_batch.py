"""predict_records: a fitted RecordBeatClassifier over many records, locally or on Dask."""

import functools
import os

import numpy as np

from ..utils import fill_gaps


def read_record_signal(path, *, lead=None, column=None, fs=None, fill=True):
    """One lead of a WFDB record or CSV file as :func:`predict_records` reads it.

    :func:`~sklearn_ecg.datasets.read_signal`, with missing samples filled by
    linear interpolation (``fill=True``; their number is in ``n_filled``).

    Parameters
    ----------
    path : str or path-like
    lead, column, fs : optional
        As in :func:`~sklearn_ecg.datasets.read_signal`.
    fill : bool, default=True
        Fill missing samples; False leaves them NaN.

    Returns
    -------
    record : :class:`~sklearn.utils.Bunch`
        ``signal``, ``fs``, ``lead``, ``record`` and ``n_filled``.
    """
    from ..datasets import read_signal

    rec = read_signal(path, lead=lead, column=column, fs=fs)
    rec.n_filled = 0
    if fill:
        rec.signal, rec.n_filled = fill_gaps(rec.signal, f"record {rec.record}")
    return rec


def _record_table(model, item, reader, skip=False):
    """The beat table of one record (a path, or a record with ``signal`` and ``fs``).

    With ``skip``, a file that cannot be read gives ``(path, message)`` instead.
    """
    if skip and isinstance(item, (str, os.PathLike)):
        try:
            rec = reader(item)
        except (ValueError, OSError) as exc:  # FileNotFoundError is an OSError
            return (str(item), str(exc))
    else:
        rec = reader(item) if isinstance(item, (str, os.PathLike)) else item
    name = getattr(rec, "record", None)
    name = str(name) if name is not None else str(item)
    table = model.predict_record(rec.signal, fs=rec.fs)
    table.insert(0, "record", name)
    return table


def predict_records(model, records, *, reader=None, client=None, progress=None,
                    on_error="raise"):
    """Classify every beat of many records into one table, locally or as Dask tasks.

    Parameters
    ----------
    model : RecordBeatClassifier
        A fitted one.
    records : sequence of path or record
        WFDB records or CSV files by path (read where the work is done, so on
        a cluster the workers read them: the paths must be theirs too), or
        records already read (objects with ``signal``, ``fs`` and ``record``).
    reader : callable, default=None
        Turns a path into a record; None uses :func:`read_record_signal` with
        the model's lead (``lead_``). On a cluster it must be picklable (a
        module-level function or a :func:`functools.partial` of one).
    client : distributed.Client, default=None
        Run one task per record on this Dask cluster, the model sent to each
        worker once. None runs them here, one after another.
    progress : callable, default=None
        Called as ``progress(done, total, table)`` after each record, in the
        order records finish.
    on_error : {"raise", "skip"}, default="raise"
        What a file that cannot be read does: stop everything, or give no
        rows and be listed in ``table.attrs["failed"]`` as ``(path,
        message)`` while the others are classified.

    Returns
    -------
    table : pandas.DataFrame
        One row per beat, records in the order given: ``record``, then the
        columns of :meth:`RecordBeatClassifier.predict_record`;
        ``attrs["failed"]`` lists the files skipped.
    """
    import pandas as pd
    from sklearn.utils.validation import check_is_fitted

    from ._record import RecordBeatClassifier

    if not isinstance(model, RecordBeatClassifier):
        raise TypeError(
            f"model must be a fitted RecordBeatClassifier, got {type(model).__name__}: a beat "
            "model alone does not know how to cut records"
        )
    check_is_fitted(model, "estimator_")
    records = list(records)
    if not records:
        raise ValueError("records is empty: pass at least one record or file")
    if on_error not in ("raise", "skip"):
        raise ValueError(f"on_error must be 'raise' or 'skip', got {on_error!r}")
    skip = on_error == "skip"
    if reader is None:
        reader = functools.partial(read_record_signal, lead=model.lead_)
    total = len(records)
    tables = [None] * total
    if client is None:
        for k, item in enumerate(records):
            tables[k] = _record_table(model, item, reader, skip)
            if progress is not None:
                progress(k + 1, total, _rows(tables[k]))
    else:
        from distributed import as_completed

        # A key of its own (hash=False): a previous call's copy may be released meanwhile.
        shared = client.scatter(model, broadcast=True, hash=False)
        futures = client.map(_record_table, [shared] * total, records, [reader] * total,
                             [skip] * total, pure=False)
        position = {future.key: k for k, future in enumerate(futures)}
        for done, future in enumerate(as_completed(futures), 1):
            tables[position[future.key]] = future.result()
            if progress is not None:
                progress(done, total, _rows(tables[position[future.key]]))
    failed = [t for t in tables if isinstance(t, tuple)]
    kept = [t for t in tables if not isinstance(t, tuple)]
    if not kept:
        raise ValueError("no record could be read: " + "; ".join(
            f"{path}: {message}" for path, message in failed[:3]))
    table = pd.concat(kept, ignore_index=True)
    table.attrs["failed"] = failed
    return table


def _rows(table):
    """What the progress callback is given: a record's table, or no rows for a skipped file."""
    import pandas as pd

    return pd.DataFrame() if isinstance(table, tuple) else table


def set_worker_threads(client, n_threads=1):
    """Give each Dask worker ``n_threads`` threads for TensorFlow, BLAS and OpenMP.

    TensorFlow and the BLAS libraries otherwise each start a thread per core
    in every worker process, so that several workers on one machine
    oversubscribe its cores. The limits are set as environment variables by
    a worker plugin, before the libraries start: on the workers there now and
    on any that join later. A worker that has already imported TensorFlow
    keeps its threads until it restarts (``client.restart()``).

    Parameters
    ----------
    client : distributed.Client
    n_threads : int, default=1
        Threads per worker process, for example the machine's cores over the
        workers on it.

    Returns
    -------
    settings : dict
        The worker address and the variables each worker now has.
    """
    from ._dask import ThreadLimits, thread_settings

    if isinstance(n_threads, bool) or not isinstance(n_threads, (int, np.integer)) or n_threads < 1:
        raise ValueError(f"n_threads must be a positive number of threads, got {n_threads!r}")
    client.register_plugin(ThreadLimits(int(n_threads)), name="sklearn-ecg-threads")
    return client.run(thread_settings)

