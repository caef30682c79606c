"""Tests of make_beat_dataset on the bundled MIT-BIH sample."""

import numpy as np
import pytest

from sklearn_ecg import PairGroupKFold, RPeakSegmenter
from sklearn_ecg.datasets import AAMI_CLASSES, load_mitdb_sample, make_beat_dataset
from sklearn_ecg.segmentation import RR_FEATURE_NAMES


@pytest.fixture(scope="module")
def records():
    return load_mitdb_sample()


def test_annotation_peaks_give_every_annotated_beat(records):
    data = make_beat_dataset(records)
    n_annotated = sum(r.r_peaks.size for r in records)
    # Every annotated beat is either a row or counted as too near an edge.
    assert len(data.y) + data.counts["edge"] == n_annotated
    assert data.counts["other_class"] == 0
    assert set(data.y) <= set(AAMI_CLASSES)
    assert data.X.shape == (len(data.y), round(0.25 * 360) + round(0.45 * 360))
    assert data.rr.shape == (len(data.y), len(RR_FEATURE_NAMES))
    assert list(data.rr_feature_names) == list(RR_FEATURE_NAMES)
    assert len(data.feature_names) == data.X.shape[1] + data.rr.shape[1]
    # Labels follow the annotations beat for beat.
    rec = records[0]
    rows = data.record == rec.record
    expected = rec.beat_labels[np.searchsorted(rec.r_peaks, data.sample[rows])]
    np.testing.assert_array_equal(data.y[rows], expected.astype(str))


def test_same_cut_as_rpeaksegmenter(records):
    rec = records[1]
    data = make_beat_dataset([rec], beat_length=120)
    seg = RPeakSegmenter(fs=rec.fs, beat_length=120).segment(rec.signal, peaks=rec.r_peaks)
    np.testing.assert_array_equal(data.X, seg.beats)
    np.testing.assert_array_equal(data.rr, seg.rr)


def test_detected_peaks_are_matched_and_counted(records):
    data = make_beat_dataset(records, peaks="fast_pan_tompkins", classes=("N", "S", "V", "F"))
    c = data.counts
    n_annotated = sum(r.r_peaks.size for r in records)
    assert c["missed_beats"] <= 0.01 * n_annotated
    # Record 207's excerpt holds a flutter episode: its waves are no beats.
    assert c["in_vf_episodes"] > 100
    assert c["unmatched_detections"] < 0.01 * n_annotated
    assert set(data.y) <= {"N", "S", "V", "F"}
    # Each row's peak lies within 150 ms of an annotated beat, and has its class.
    rec = next(r for r in records if r.record == "208")
    rows = np.flatnonzero(data.record == "208")
    nearest = np.abs(data.sample[rows][:, None] - rec.r_peaks[None, :]).argmin(axis=1)
    assert np.all(np.abs(data.sample[rows] - rec.r_peaks[nearest]) <= 0.15 * rec.fs)
    np.testing.assert_array_equal(data.y[rows], rec.beat_labels[nearest].astype(str))
    assert {"V", "F"} <= set(data.y[rows])


def test_groups_are_patients_and_split_cleanly(records):
    data = make_beat_dataset(records, classes=("N", "V"))
    assert set(data.groups) == {r.subject for r in records}
    for train, test in PairGroupKFold(4).split(data.X, data.y, data.groups):
        assert not set(data.groups[train]) & set(data.groups[test])


def test_errors(records):
    with pytest.raises(ValueError, match="classes must be AAMI classes"):
        make_beat_dataset(records, classes=("N", "X"))
    with pytest.raises(ValueError, match="records is empty"):
        make_beat_dataset([])
    with pytest.raises(ValueError, match="peaks must be 'annotations' or a detector"):
        make_beat_dataset(records, peaks="annotation")


def test_bad_records_are_clear_errors():
    import copy

    records = load_mitdb_sample()[:2]
    with pytest.raises(ValueError, match="wrap a single record in a list"):
        make_beat_dataset(records[0])
    with pytest.raises(ValueError, match=r"records\[0\] is not a record"):
        make_beat_dataset(["208"])
    with pytest.raises(ValueError, match="record 101 is given twice"):
        make_beat_dataset([records[0], records[0]])
    gappy = copy.deepcopy(records[0])
    gappy.signal[1000:1010] = np.nan
    with pytest.raises(ValueError, match="has NaN samples"):
        make_beat_dataset([gappy])
    nameless = copy.deepcopy(records[0])
    del nameless["subject"]
    with pytest.raises(ValueError, match=r"lacks \['subject'\]"):
        make_beat_dataset([nameless])


def _relabelled(rec, **fields):
    from sklearn.utils import Bunch

    out = Bunch(**rec)
    out.update(fields)
    return out


def test_records_at_mixed_rates_need_a_beat_length():
    # NumPy's concatenate message came out: now one naming the rates and the argument.
    from sklearn_ecg.utils import resample_rows

    a, b = load_mitdb_sample()[:2]
    slow = _relabelled(b, signal=resample_rows(b.signal[None, :], b.signal.size * 128 // 360)[0],
                       fs=128.0, r_peaks=(b.r_peaks * 128 // 360).astype(np.int64))
    rates = r"different sampling rates \(360 Hz \(101\), 128 Hz \(119\)\).*beat_length"
    with pytest.raises(ValueError, match=rates):
        make_beat_dataset([a, slow])
    assert make_beat_dataset([a, slow], beat_length=100).X.shape[1] == 100


def test_beat_labels_must_match_r_peaks_and_be_class_names():
    rec = load_mitdb_sample()[0]
    with pytest.raises(ValueError, match=r"r_peaks but .* beat_labels"):
        make_beat_dataset([_relabelled(rec, beat_labels=rec.beat_labels[:-5])])
    mixed = np.asarray(rec.beat_labels, dtype=object).copy()
    mixed[:3] = 1
    with pytest.raises(ValueError, match=r"must be class names .*int"):
        make_beat_dataset([_relabelled(rec, beat_labels=mixed)])
