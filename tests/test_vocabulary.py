"""One vocabulary (issue 14, item 2): the shared names work, the old ones still work and warn."""

import copy
import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.utils import Bunch

from sklearn_ecg import BeatNormalizer, RPeakSegmenter
from sklearn_ecg.datasets import (
    fetch_ecgid,
    get_sample_home,
    load_ecgid_sample,
    load_mitdb_sample,
    make_beat_dataset,
    make_segments,
    read_ecgid_record,
    read_mitdb_record,
    read_signal,
)
from sklearn_ecg.segmentation import evaluate_detector
from sklearn_ecg.segmentation._beats import beat_windows
from sklearn_ecg.utils import check_peaks
from sklearn_ecg.utils._vocabulary import RECORD_FIELDS, RENAMED_RECORD_FIELDS

FS = 360.0


def _renamed(old, new):
    return rf"`{old}` was renamed to `{new}` in 0\.2 and will be removed in 0\.4"


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
    # The old names are not stored twice.
    assert not set(RENAMED_RECORD_FIELDS) & (set(mitdb) | set(ecgid) | set(signal))


@pytest.mark.parametrize(
    ("reader", "old", "new"),
    [("mitdb", "patient", "subject"), ("mitdb", "beat_samples", "r_peaks"),
     ("ecgid", "person", "subject"), ("ecgid", "channel", "lead")],
)
def test_old_field_names_still_read_and_warn(reader, old, new, request):
    rec = request.getfixturevalue(reader)
    with pytest.warns(FutureWarning, match=_renamed(old, new)) as record:
        value = getattr(rec, old)
    assert record[0].filename == __file__  # the warning points at the reader of the field
    assert value is rec[new]
    with pytest.warns(FutureWarning, match=_renamed(old, new)):
        assert rec[old] is rec[new]
    with pytest.warns(FutureWarning, match=_renamed(old, new)):
        assert rec.get(old) is rec[new]
    assert old in rec
    with pytest.raises(AttributeError):
        rec.no_such_field  # noqa: B018


def test_old_field_names_are_only_those_of_their_reader(mitdb, ecgid):
    assert "person" not in mitdb and not hasattr(mitdb, "channel")
    assert "patient" not in ecgid and not hasattr(ecgid, "beat_samples")


def test_writing_an_old_field_name_writes_the_new_one(mitdb):
    rec = copy.deepcopy(mitdb)
    with pytest.warns(FutureWarning, match=_renamed("patient", "subject")):
        rec.patient = "p1"
    assert rec.subject == "p1" and "patient" not in set(rec)
    with pytest.warns(FutureWarning, match=_renamed("patient", "subject")):
        del rec["patient"]
    assert "subject" not in rec


def test_records_copy_and_pickle_with_their_aliases(mitdb):
    for rec in (copy.deepcopy(mitdb), pickle.loads(pickle.dumps(mitdb))):
        assert sorted(rec) == sorted(mitdb)
        np.testing.assert_array_equal(rec.r_peaks, mitdb.r_peaks)
        with pytest.warns(FutureWarning, match=_renamed("beat_samples", "r_peaks")):
            rec.beat_samples  # noqa: B018


def test_readers_warn_nothing_with_the_new_names():
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        records = load_mitdb_sample()[:2]
        make_beat_dataset(records, beat_length=64)
        make_beat_dataset(records, peaks="fast_pan_tompkins", beat_length=64)
        evaluate_detector(records)
        make_segments(load_ecgid_sample()[:3], window=10.0, segment_length=64)
        make_segments(records, window=10.0, segment_length=64)


def test_hand_built_records_with_old_names_still_serve():
    rec = load_mitdb_sample()[0]
    new = make_beat_dataset([rec], beat_length=64)
    old = Bunch(**{k: v for k, v in rec.items() if k not in ("subject", "r_peaks")},
                patient=rec.subject, beat_samples=rec.r_peaks)
    with pytest.warns(FutureWarning, match=r"records\[0\]: `(patient|beat_samples)` was renamed") as record:
        data = make_beat_dataset([old], beat_length=64)
    assert {str(w.message).split("`")[1] for w in record} == {"patient", "beat_samples"}
    np.testing.assert_array_equal(data.X, new.X)
    np.testing.assert_array_equal(data.groups, new.groups)
    with pytest.warns(FutureWarning, match=_renamed("beat_samples", "r_peaks")):
        table = evaluate_detector([old])
    assert table.loc[rec.record, "beats"] == rec.r_peaks.size
    person = read_ecgid_record(1, 1, data_home=get_sample_home())
    by_hand = Bunch(signal=person.signal, fs=person.fs, record=1, person=1)
    with pytest.warns(FutureWarning, match=_renamed("person", "subject")):
        seg = make_segments([by_hand], window=10.0)
    assert seg.record.tolist() == ["1/1", "1/1"] and seg.groups.tolist() == ["1", "1"]


def test_a_record_without_a_subject_is_refused(mitdb):
    rec = copy.deepcopy(mitdb)
    del rec["subject"]
    with pytest.raises(ValueError, match=r"lacks \['subject'\]"):
        make_beat_dataset([rec])


# -- keywords: n_samples -> beat_length (segment_length, signal_length); channel -> lead ----


def test_old_function_keywords_still_work_and_warn(mitdb):
    records = load_mitdb_sample()[:1]
    new = make_beat_dataset(records, beat_length=50)
    with pytest.warns(FutureWarning, match=_renamed("n_samples", "beat_length")) as record:
        old = make_beat_dataset(records, n_samples=50)
    assert record[0].filename == __file__
    np.testing.assert_array_equal(old.X, new.X)

    ecg = load_ecgid_sample()[:3]
    new = make_segments(ecg, window=10.0, segment_length=40)
    with pytest.warns(FutureWarning, match=_renamed("n_samples", "segment_length")):
        old = make_segments(ecg, window=10.0, n_samples=40)
    np.testing.assert_array_equal(old.X, new.X)

    peaks = mitdb.r_peaks[:5]
    new = beat_windows(mitdb.signal, peaks, FS, 0.25, 0.45, beat_length=30)
    with pytest.warns(FutureWarning, match=_renamed("n_samples", "beat_length")):
        old = beat_windows(mitdb.signal, peaks, FS, 0.25, 0.45, n_samples=30)
    np.testing.assert_array_equal(old[0], new[0])

    with pytest.warns(FutureWarning, match=_renamed("n_samples", "signal_length")):
        check_peaks([1, 2], n_samples=3)
    with pytest.warns(FutureWarning, match=_renamed("n_samples", "signal_length")), \
            pytest.raises(ValueError, match="inside the signal"):
        check_peaks([1, 5], n_samples=3)
    assert check_peaks([1, 2], signal_length=3).tolist() == [1, 2]


def test_ecgid_channel_keyword_is_now_lead(tmp_path):
    home = get_sample_home()
    assert read_ecgid_record(1, 1, home, lead="ECG I").lead == "ECG I"
    with pytest.warns(FutureWarning, match=_renamed("channel", "lead")):
        assert read_ecgid_record(1, 1, home, channel="ECG I").lead == "ECG I"
    with pytest.warns(FutureWarning, match=_renamed("channel", "lead")):
        assert load_ecgid_sample(channel="ECG I")[0].lead == "ECG I"
    with pytest.warns(FutureWarning, match=_renamed("channel", "lead")):
        assert fetch_ecgid([1], home, channel="ECG I", download_if_missing=False)[0].lead == "ECG I"


@pytest.mark.parametrize(
    "call",
    [
        lambda: make_beat_dataset(load_mitdb_sample()[:1], n_samples=50, beat_length=50),
        lambda: make_segments(load_ecgid_sample()[:1], n_samples=50, segment_length=50),
        lambda: check_peaks([1], n_samples=3, signal_length=3),
        lambda: read_ecgid_record(1, 1, get_sample_home(), channel="ECG I", lead="ECG I"),
    ],
)
def test_old_and_new_keyword_together_is_an_error(call):
    with pytest.raises(TypeError, match=r"got both `(n_samples|channel)` and `\w+`.*pass only"):
        call()


# -- estimators: n_samples -> beat_length, scikit-learn's way --------------------------------


@pytest.mark.parametrize("Estimator", [RPeakSegmenter, BeatNormalizer])
def test_estimator_old_parameter_warns_in_fit_and_gives_the_same_result(Estimator):
    X = np.vstack([_ecg(), _ecg()])
    new = Estimator(beat_length=64)
    old = Estimator(n_samples=64)
    assert old.get_params()["n_samples"] == 64 and old.get_params()["beat_length"] is None
    assert new.get_params()["n_samples"] == "deprecated"
    assert clone(old).get_params() == old.get_params()
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        expected = new.fit_transform(X)
    with pytest.warns(FutureWarning, match=_renamed("n_samples", "beat_length")) as record:
        got = old.fit(X).transform(X)
    assert record[0].filename == __file__
    np.testing.assert_array_equal(got, expected)
    assert old.beat_length_ == new.beat_length_ == 64


@pytest.mark.parametrize("Estimator", [RPeakSegmenter, BeatNormalizer])
def test_estimator_old_and_new_parameter_together_is_an_error(Estimator):
    with pytest.raises(ValueError, match=r"both n_samples=64 and beat_length=64.*set only beat_length"):
        Estimator(n_samples=64, beat_length=64).fit(_ecg()[None])


def test_segmenter_segment_warns_for_the_old_parameter():
    ecg = _ecg()
    expected = RPeakSegmenter(fs=FS, beat_length=100).segment(ecg)
    with pytest.warns(FutureWarning, match=_renamed("n_samples", "beat_length")) as record:
        got = RPeakSegmenter(fs=FS, n_samples=100).segment(ecg)
    assert record[0].filename == __file__
    np.testing.assert_array_equal(got.beats, expected.beats)


def test_beat_normalizer_old_fitted_attribute_still_reads():
    norm = BeatNormalizer(fs=360, target_fs=125).fit(np.zeros((1, 360)))
    assert norm.beat_length_ == 125
    with pytest.warns(FutureWarning, match=_renamed("n_samples_out_", "beat_length_")):
        assert norm.n_samples_out_ == 125
    assert not hasattr(BeatNormalizer(), "n_samples_out_")


@pytest.mark.parametrize("Estimator", [RPeakSegmenter, BeatNormalizer])
def test_estimators_pickled_before_the_rename_still_load(Estimator):
    X = _ecg()[None]
    fitted = Estimator(beat_length=64).fit(X)
    state = dict(fitted.__getstate__())
    state["n_samples"] = state.pop("beat_length")  # the state a 0.1 model holds
    if Estimator is BeatNormalizer:
        state["n_samples_out_"] = state.pop("beat_length_")
    old = Estimator.__new__(Estimator)
    old.__setstate__(state)
    assert old.get_params() == fitted.get_params()
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        np.testing.assert_array_equal(old.transform(X), fitted.transform(X))


def test_record_classifier_takes_a_segmenter_with_the_old_parameter():
    from sklearn.linear_model import LogisticRegression

    from sklearn_ecg.pipeline import RecordBeatClassifier

    records = load_mitdb_sample()[:3]
    with pytest.warns(FutureWarning, match=_renamed("n_samples", "beat_length")):
        model = RecordBeatClassifier(LogisticRegression(max_iter=200),
                                     segmenter=RPeakSegmenter(fs=360, n_samples=32)).fit(records)
    assert model.segmenter_.beat_length == 32
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)  # warned once, in fit
        model.predict_record(records[0].signal[:36000], fs=360)


# -- embeddings: one method name --------------------------------------------------------------


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
