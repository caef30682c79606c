"""One vocabulary: every reader gives the shared field names, and the old names are gone."""

import copy

import numpy as np
import pytest

from sklearn_ecg import BeatNormalizer, RPeakSegmenter
from sklearn_ecg.datasets import (
    get_sample_home,
    load_mitdb_sample,
    make_beat_dataset,
    read_ecgid_record,
    read_mitdb_record,
    read_signal,
)
from sklearn_ecg.utils._vocabulary import RECORD_FIELDS

FS = 360.0


@pytest.fixture(scope="module")
def mitdb():
    return read_mitdb_record("208", data_home=get_sample_home())


@pytest.fixture(scope="module")
def ecgid():
    return read_ecgid_record(1, 2, data_home=get_sample_home())


def _ecg(seconds=10.0):
    t = np.arange(int(seconds * FS)) / FS
    return np.exp(-(((t % 0.8) - 0.4) ** 2) / (2 * 0.01**2))


# -- records: one set of field names ------------------------------------------------------


def test_every_reader_gives_the_shared_fields(mitdb, ecgid):
    signal = read_signal(get_sample_home() / "mitdb" / "208")
    for rec in (mitdb, ecgid, signal):
        assert set(RECORD_FIELDS) <= set(rec), sorted(set(RECORD_FIELDS) - set(rec))
        assert rec.leads[0] == rec.lead
    assert mitdb.subject == "208" and ecgid.subject == 1
    assert ecgid.lead == "ECG I filtered" and ecgid.leads == ("ECG I filtered",)
    assert signal.subject is None and signal.r_peaks is None  # a file alone says neither
    assert mitdb.r_peaks.dtype == ecgid.r_peaks.dtype == np.int64
    # The names of before 0.2 are gone: no deprecation layer before a first release.
    assert not {"patient", "beat_samples", "person", "channel"} & (set(mitdb) | set(ecgid))


def test_a_record_without_a_subject_is_refused(mitdb):
    rec = copy.deepcopy(mitdb)
    del rec["subject"]
    with pytest.raises(ValueError, match=r"lacks \['subject'\]"):
        make_beat_dataset([rec])


def test_old_parameter_and_keyword_names_are_gone(mitdb):
    assert "n_samples" not in RPeakSegmenter().get_params()
    assert "n_samples" not in BeatNormalizer().get_params()
    with pytest.raises(TypeError):
        RPeakSegmenter(n_samples=64)
    with pytest.raises(TypeError):
        make_beat_dataset([mitdb], n_samples=64)
    with pytest.raises(AttributeError):
        _ = mitdb.patient


def test_embedding_estimators_share_embed():
    from sklearn_ecg.neural import ContrastiveEncoder, HeartbeatCNNClassifier, SiameseSimilarityRegressor

    assert callable(ContrastiveEncoder.embed) and callable(SiameseSimilarityRegressor.embed)
    assert not hasattr(SiameseSimilarityRegressor, "transform")  # rows are pairs, not segments
    assert not hasattr(HeartbeatCNNClassifier, "embed")  # it has no embedding method to align


@pytest.mark.slow
def test_contrastive_encoder_embed_is_its_transform():
    pytest.importorskip("tensorflow")
    from sklearn_ecg.neural import ContrastiveEncoder

    X = make_beat_dataset(load_mitdb_sample()[:1], beat_length=64).X[:64]
    enc = ContrastiveEncoder(conv_filters=(8,), kernel_size=3, padding="same", embedding_dim=4,
                             epochs=1, batch_size=32, random_state=0).fit(X)
    np.testing.assert_array_equal(enc.embed(X), enc.transform(X))
