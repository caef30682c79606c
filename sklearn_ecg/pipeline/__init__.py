"""Whole-record pipelines: beat models that carry their segmentation, applied to many records.

- :class:`RecordBeatClassifier` fits a beat classifier on annotated records and
  classifies every beat of a new one, cut with the same settings;
- :func:`predict_records` applies it to many records or files, one table, here
  or as Dask tasks on a cluster (:func:`set_worker_threads` keeps the workers
  from oversubscribing the cores);
- :func:`relative_morphology` describes beats against their record's median beat;
- :class:`UniversalBeatClassifier` classifies the beats of records at any rate
  with any leads (the model :func:`sklearn_ecg.pretrained.load_beat_classifier`
  ships), describing them by :func:`beat_context_features`.
"""

from ._batch import predict_records, read_record_signal, set_worker_threads
from ._beat_context import INTERNAL_FS, beat_context_feature_names, beat_context_features
from ._record import RecordBeatClassifier, relative_feature_names, relative_morphology
from ._universal import UniversalBeatClassifier, default_beat_estimator

__all__ = [
    "INTERNAL_FS",
    "RecordBeatClassifier",
    "UniversalBeatClassifier",
    "beat_context_feature_names",
    "beat_context_features",
    "default_beat_estimator",
    "predict_records",
    "read_record_signal",
    "relative_feature_names",
    "relative_morphology",
    "set_worker_threads",
]
