"""Whole-record pipelines: beat models that carry their segmentation, applied to many records.

- :class:`RecordBeatClassifier` fits a beat classifier on annotated records and
  classifies every beat of a new one, cut with the same settings;
- :func:`predict_records` applies it to many records or files, one table, here
  or as Dask tasks on a cluster (:func:`set_worker_threads` keeps the workers
  from oversubscribing the cores);
- :func:`relative_morphology` describes beats against their record's median beat.
"""

from ._batch import predict_records, read_record_signal, set_worker_threads
from ._record import RecordBeatClassifier, relative_feature_names, relative_morphology

__all__ = [
    "RecordBeatClassifier",
    "predict_records",
    "read_record_signal",
    "relative_feature_names",
    "relative_morphology",
    "set_worker_threads",
]
