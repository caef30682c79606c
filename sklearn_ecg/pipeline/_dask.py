"""The Dask worker plugin of set_worker_threads (imports distributed: only on demand)."""

import os
import sys

from distributed import WorkerPlugin

from ._batch import _THREAD_VARIABLES


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
