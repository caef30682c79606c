"""The Dask worker plugin of set_worker_threads (imports distributed: only on demand)."""

import os
import sys

from distributed import WorkerPlugin

# Environment variables that set the threads of TensorFlow and of the BLAS/OpenMP
# libraries NumPy and scikit-learn use; read when those libraries start.
_THREAD_VARIABLES = ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS", "OMP_NUM_THREADS",
                     "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def thread_settings():
    """The thread variables of this process (run on each worker by set_worker_threads)."""
    return {name: os.environ.get(name) for name in _THREAD_VARIABLES}


class ThreadLimits(WorkerPlugin):
    """Set the thread variables of TensorFlow and BLAS on a worker before they start."""

    def __init__(self, n_threads):
        self.n_threads = n_threads

    def setup(self, worker):
        for name in _THREAD_VARIABLES:
            os.environ[name] = str(self.n_threads)
        # NumPy's BLAS has started already (the worker imported NumPy): limit it live.
        from threadpoolctl import threadpool_limits

        self._blas_limits = threadpool_limits(self.n_threads)
        if "tensorflow" in sys.modules:
            # Already started here: its thread pools may still be unset.
            import tensorflow as tf

            try:
                tf.config.threading.set_intra_op_parallelism_threads(self.n_threads)
                tf.config.threading.set_inter_op_parallelism_threads(self.n_threads)
            except RuntimeError:
                pass  # initialised: the limits apply once the worker restarts
