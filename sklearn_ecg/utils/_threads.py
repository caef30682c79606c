"""Work spread over the processors in threads (private)."""

import os


def thread_map(func, items, *, one_blas_thread=False):
    """``[func(item) for item in items]``, in threads, as many as there are processors.

    For work that runs mostly outside Python's lock (NumPy, SciPy, BLAS,
    scikit-learn's compiled loops). With ``one_blas_thread``, every matrix
    product runs on one BLAS thread meanwhile: small products split across BLAS
    threads wait for each other, and on a busy machine several times longer
    than they compute. One processor or one item: a plain loop.
    """
    items = list(items)
    workers = min(os.cpu_count() or 1, len(items))
    if workers <= 1:
        return [func(item) for item in items]
    from concurrent.futures import ThreadPoolExecutor
    from contextlib import nullcontext

    from threadpoolctl import threadpool_limits

    limits = threadpool_limits(limits=1, user_api="blas") if one_blas_thread else nullcontext()
    with limits, ThreadPoolExecutor(workers) as pool:
        return list(pool.map(func, items))
