"""Models trained on the data home's annotated records, shipped inside the package.

- :func:`load_beat_classifier`: a fitted
  :class:`~sklearn_ecg.pipeline.UniversalBeatClassifier` that classifies the
  beats of any record (any rate from 100 Hz, any leads) into the AAMI classes
  N, S, V, F (and Q where the signal is too noisy), without training and
  without TensorFlow. Its model card, with the records it was trained on, their
  licence and its measured accuracy, is in the documentation (``model_card``).

The R-peak network and the signal-quality classifier it uses ship with
:mod:`sklearn_ecg.segmentation`.
"""

from functools import lru_cache

__all__ = ["load_beat_classifier"]

BEAT_CLASSIFIER_FILE = "beat_classifier.skops"


@lru_cache(maxsize=1)
def _load_cached():
    from importlib import resources

    from ..utils import load_model

    with resources.as_file(
            resources.files("sklearn_ecg.pretrained").joinpath("data", BEAT_CLASSIFIER_FILE)
    ) as path:
        if not path.exists():
            raise FileNotFoundError(
                f"the shipped beat classifier {path} is missing from this installation; "
                "rebuild it with benchmarks/train_beat_model.py or reinstall sklearn-ecg"
            )
        return load_model(path)


def load_beat_classifier():
    """The beat classifier trained on every annotated record of the data home.

    A :class:`~sklearn_ecg.pipeline.UniversalBeatClassifier` fitted by
    ``benchmarks/train_beat_model.py`` on both leads of the MIT-BIH Arrhythmia
    records (DS1, paced records left out) and of the MIT-BIH Supraventricular
    Arrhythmia records of the data home, clean and with NSTDB noise added,
    seeded; loaded with skops, trusting scikit-learn's and the library's types
    only. Trained on PhysioNet data under the Open Data Commons Attribution
    licence 1.0 (see the model card). Research use only: it is not a medical
    device.

    Returns
    -------
    model : UniversalBeatClassifier
        Fitted: ``model.predict_record(signal, fs=...)`` classifies every beat
        of a record. A new copy on each call (the file is read once).

    Examples
    --------
    >>> from sklearn_ecg.datasets import load_mitdb_sample
    >>> from sklearn_ecg.pretrained import load_beat_classifier
    >>> record = load_mitdb_sample()[0]
    >>> table = load_beat_classifier().predict_record(record.signal, fs=record.fs)
    >>> set(table["class"]) <= {"F", "N", "Q", "S", "V"}
    True
    """
    import copy

    return copy.deepcopy(_load_cached())
