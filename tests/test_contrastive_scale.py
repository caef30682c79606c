"""Pretraining at scale: unlabelled segments of a whole data home, and CLOCS positives (issue 12).

The streaming helpers run on the bundled sample, a small data home of all three
databases; the pairing of positives is tested on hand-made metadata, without
training; each kind of positives is trained once, for one epoch, on a tiny network.
"""

import re
from pathlib import Path

import joblib
import numpy as np
import pytest
from _shared import TINY_CONTRASTIVE as TINY
from scipy.signal import resample_poly
from sklearn import config_context
from sklearn.pipeline import make_pipeline

from sklearn_ecg.datasets import (
    get_sample_home,
    iter_unlabelled_segments,
    load_unlabelled_segments,
    read_ecgid_record,
    write_unlabelled_segments,
)
from sklearn_ecg.neural import ContrastiveEncoder, _contrastive
from sklearn_ecg.neural._contrastive import draw_partners, segment_partners

# The bundled sample at 125 Hz, in windows of 250 samples (2 s): 8 MIT-BIH excerpts
# of 5 min, one lead (150 windows each); 30 ECG-ID recordings of 20 s, two signals
# (10 each); 4 garment recordings of 10 s, five channels (5 each).
EXPECTED_WINDOWS = 8 * 150 + 30 * 2 * 10 + 4 * 5 * 5


@pytest.fixture(scope="module")
def segments(tmp_path_factory):
    path = tmp_path_factory.mktemp("unlabelled") / "segments.npy"
    return write_unlabelled_segments(path, get_sample_home())


def _partner_lists(partners):
    indptr, indices = partners
    return [sorted(indices[indptr[i]:indptr[i + 1]].tolist()) for i in range(len(indptr) - 1)]


# -- the streaming helpers ------------------------------------------------------------


def test_segments_of_every_record_and_lead_are_written_once(segments):
    data = segments
    n = len(data.X)
    assert data.X.shape == (n, 250) and data.X.dtype == np.float32
    # Every window is there once, or listed as left out.
    assert n + len(data.skipped) == EXPECTED_WINDOWS
    keys = set(zip(data.record.tolist(), data.lead.tolist(), data.start.tolist(), strict=True))
    assert len(keys) == n
    for field in ("subject", "record", "lead", "start"):
        assert len(data[field]) == n
    assert data.fs == 125.0
    # Every database and lead of the sample, with ids prefixed by their database.
    assert set(np.unique(data.lead)) == {"MLII", "ECG I", "ECG I filtered",
                                         "ecg1", "ecg2", "ecg3", "ecg4", "ecg5"}
    database = np.array([r.split("/")[0] for r in data.record])
    assert dict(zip(*np.unique(database, return_counts=True), strict=True)) == {
        "ecgid": 600 - sum(s[0].startswith("ecgid") for s in data.skipped),
        "garment": 100, "mitdb": 1200,
    }
    assert all(s.split("/")[0] == d for s, d in zip(data.subject, database, strict=True))
    ecgid = database == "ecgid"
    # An ECG-ID record "ecgid/<person>/<n>" belongs to subject "ecgid/<person>".
    assert all(r.rsplit("/", 1)[0] == s
               for r, s in zip(data.record[ecgid], data.subject[ecgid], strict=True))
    assert set(data.subject[database == "mitdb"]) == {
        f"mitdb/{r}" for r in ("101", "119", "124", "201", "207", "208", "209", "223")}
    assert set(data.subject[database == "garment"]) == {"garment/wearer"}
    # Starts every 2 s from 0 within each record and lead.
    mitdb_208 = data.record == "mitdb/208"
    np.testing.assert_array_equal(data.start[mitdb_208], np.arange(150) * 2.0)
    # Each segment is z-scored, as the encoder expects.
    np.testing.assert_allclose(data.X.mean(axis=1), 0, atol=1e-5)
    np.testing.assert_allclose(data.X.std(axis=1), 1, atol=1e-4)


def test_a_segment_is_its_window_resampled_and_z_scored(segments):
    rec = read_ecgid_record(1, 2, data_home=get_sample_home(), lead="ECG I filtered")
    window = resample_poly(rec.signal, 1, 4, padtype="line")[250:500]
    expected = (window - window.mean()) / window.std()
    row = np.flatnonzero((segments.record == "ecgid/1/2") & (segments.lead == "ECG I filtered")
                         & (segments.start == 2.0))
    assert row.size == 1
    np.testing.assert_allclose(segments.X[row[0]], expected, atol=1e-5)


def test_the_array_is_memory_mapped_not_loaded(segments):
    X = segments.X
    assert isinstance(X, np.memmap) and not X.flags.writeable
    assert X.filename is not None and Path(X.filename) == segments.path.resolve()
    assert segments.path.stat().st_size >= X.nbytes


def test_the_generator_streams_the_same_segments_in_batches(segments):
    batches = list(iter_unlabelled_segments(get_sample_home(), batch_size=64))
    assert all(0 < len(b.X) <= 64 for b in batches)
    # A batch never spans two records or leads.
    assert all(len(set(zip(b.record, b.lead, strict=True))) == 1 for b in batches)
    np.testing.assert_array_equal(np.concatenate([b.X for b in batches]), segments.X)
    for field in ("subject", "record", "lead", "start"):
        np.testing.assert_array_equal(np.concatenate([b[field] for b in batches]),
                                      segments[field])


def test_written_segments_load_again_with_their_metadata(tmp_path):
    path = tmp_path / "segments.npy"
    written = write_unlabelled_segments(path, get_sample_home(), databases=["ecgid", "garment"])
    loaded = load_unlabelled_segments(path)
    assert isinstance(loaded.X, np.memmap) and loaded.path == path and loaded.fs == written.fs
    np.testing.assert_array_equal(loaded.X, written.X)
    for field in ("subject", "record", "lead", "start"):
        np.testing.assert_array_equal(loaded[field], written[field])
    assert loaded.skipped == [tuple(str(v) for v in item) for item in written.skipped]
    with pytest.raises(FileNotFoundError, match=r"other\.npy does not exist"):
        load_unlabelled_segments(tmp_path / "other.npy")
    # Segments and metadata that do not belong together are refused.
    np.save(path, np.zeros((3, 250), dtype="float32"))
    with pytest.raises(ValueError, match="entries for the 3 segments"):
        load_unlabelled_segments(path)


def test_streaming_options_and_errors(tmp_path):
    only = write_unlabelled_segments(tmp_path / "garment.npy", get_sample_home(),
                                     databases="garment", fs=100.0, segment_length=100, step=50)
    # 10 s at 100 Hz, windows of 1 s every 0.5 s: 19 per channel.
    assert only.X.shape == (4 * 5 * 19, 100)
    np.testing.assert_array_equal(only.start[:3], [0.0, 0.5, 1.0])
    cases = [
        (dict(databases=["ptbxl"]), "databases must name some of"),
        (dict(segment_length=1), "segment_length must be an int of at least 2"),
        (dict(step=0), "step must be a positive int"),
        (dict(fs=0), "fs must be"),
        (dict(batch_size=0), "batch_size must be a positive int"),
    ]
    for params, message in cases:
        with pytest.raises(ValueError, match=message):
            write_unlabelled_segments(tmp_path / "x.npy", get_sample_home(), **params)
    with pytest.raises(ValueError, match="no segment of 100000 samples"):
        write_unlabelled_segments(tmp_path / "x.npy", get_sample_home(), databases="ecgid",
                                  segment_length=100_000)
    assert not (tmp_path / "x.npy").exists()


# -- the pairing of positives, without training ----------------------------------------

# Record a has leads I and II at starts 0, 1, 2 (II lacks 2 and has 5); b has one
# segment in I and one in II, at different starts.
RECORD = np.array(["a", "a", "a", "b", "a", "a", "a", "b"])
LEAD = np.array(["I", "I", "I", "I", "II", "II", "II", "II"])
START = np.array([0.0, 2.0, 1.0, 0.0, 0.0, 1.0, 5.0, 3.0])


def test_adjacent_partners_are_the_neighbours_in_time_of_one_record_and_lead():
    partners = segment_partners("adjacent", 8, record=RECORD, lead=LEAD, start=START)
    assert _partner_lists(partners) == [[2], [2], [0, 1], [], [5], [4, 6], [5], []]
    # Without lead, a record is one lead.
    one_lead = segment_partners("adjacent", 4, record=RECORD[:4], start=START[:4])
    assert _partner_lists(one_lead) == [[2], [2], [0, 1], []]


def test_lead_partners_are_the_same_moment_in_another_lead():
    partners = segment_partners("lead", 8, record=RECORD, lead=LEAD, start=START)
    assert _partner_lists(partners) == [[4], [], [5], [], [0], [2], [], []]
    # Three leads of one moment: each has the two others.
    three = segment_partners("lead", 3, record=["r"] * 3, lead=["I", "II", "V1"], start=[0] * 3)
    assert _partner_lists(three) == [[1, 2], [0, 2], [0, 1]]


def test_partners_are_drawn_among_the_candidates_and_self_without_one():
    partners = segment_partners("adjacent", 8, record=RECORD, lead=LEAD, start=START)
    rng = np.random.default_rng(0)
    drawn = np.stack([draw_partners(partners, np.arange(8), rng) for _ in range(50)])
    candidates = _partner_lists(partners)
    for i in range(8):
        assert set(drawn[:, i]) == (set(candidates[i]) or {i})


def test_missing_or_wrong_metadata_names_the_argument():
    X = np.random.default_rng(0).normal(size=(8, 32)).astype("float32")
    enc = ContrastiveEncoder(positives="adjacent", epochs=1, **TINY)
    with pytest.raises(ValueError, match=r"positives='adjacent' .* fit needs record=, start= .*"
                                         r"record and start are missing"):
        enc.fit(X)
    with pytest.raises(ValueError, match="start is missing"):
        enc.fit(X, record=RECORD, lead=LEAD)
    with pytest.raises(ValueError, match="lead is missing"):
        ContrastiveEncoder(positives="lead", **TINY).fit(X, record=RECORD, start=START)
    with pytest.raises(ValueError, match=re.escape("record must hold one value per segment, 8")):
        enc.fit(X, record=RECORD[:5], lead=LEAD, start=START)
    with pytest.raises(ValueError, match="start must hold numbers"):
        enc.fit(X, record=RECORD, lead=LEAD, start=["x"] * 8)
    # Two leads of one moment without lead= cannot be ordered in time.
    with pytest.raises(ValueError, match=r"share record 'a' and start 0\.0.*pass lead="):
        enc.fit(X, record=RECORD, start=START)
    with pytest.raises(ValueError, match="use views='augmented' with positives"):
        ContrastiveEncoder(positives="lead", views="adjacent_halves", **TINY).fit(
            X, record=RECORD, lead=LEAD, start=START)
    # Segments without a partner fall back to augmentation, which needs one.
    with pytest.raises(ValueError, match=r"4 of the 8 segments have no partner.*augmentations is empty"):
        ContrastiveEncoder(positives="lead", augmentations=(), **TINY).fit(
            X, record=RECORD, lead=LEAD, start=START)
    with pytest.warns(UserWarning, match="no segment has a partner for positives='lead'"):
        ContrastiveEncoder(positives="lead", **TINY).draw_views(
            X, record=RECORD, lead=["I"] * 8, start=START)
    # The default needs no metadata and ignores it.
    first, _ = ContrastiveEncoder(**TINY).draw_views(X, random_state=0, record=RECORD[:2])
    assert first.shape == X.shape


def test_draw_views_takes_the_second_view_from_the_partner():
    X = np.arange(8 * 16, dtype="float32").reshape(8, 16)
    identity = [("noise", {"p": 0.0})]  # never applied: the views are the segments
    enc = ContrastiveEncoder(positives="lead", augmentations=identity, **TINY)
    first, second = enc.draw_views(X, random_state=0, record=RECORD, lead=LEAD, start=START)
    np.testing.assert_array_equal(first, X)
    np.testing.assert_array_equal(second, X[[4, 1, 5, 3, 0, 2, 6, 7]])


# -- training ----------------------------------------------------------------------------


def test_fit_trains_on_the_memmap_in_place(segments, monkeypatch):
    seen = []
    original = ContrastiveEncoder._train

    def spy(self, model, inputs, *args, **kwargs):
        seen.append(inputs)
        return original(self, model, inputs, *args, **kwargs)

    monkeypatch.setattr(ContrastiveEncoder, "_train", spy)
    enc = ContrastiveEncoder(epochs=1, random_state=0, **{**TINY, "batch_size": 256})
    Z = enc.fit(segments.X).transform(segments.X[:50])
    # The array trained on is the file's memory, not a copy of it.
    assert np.shares_memory(seen[0], segments.X)
    assert Z.shape == (50, 4) and np.isfinite(Z).all()
    assert enc.n_without_partner_ is None


@pytest.mark.parametrize("positives", ["adjacent", "lead"])
def test_one_epoch_per_kind_of_positives(segments, positives, monkeypatch, tmp_path):
    # The ECG-ID and garment segments: several leads of one moment, several moments.
    rows = np.flatnonzero(~np.char.startswith(segments.record.astype(str), "mitdb"))
    X = segments.X[rows]
    meta = {k: segments[k][rows] for k in ("record", "lead", "start")}
    drawn = []
    original = _contrastive.draw_partners

    def record_draws(partners, index, rng):
        other = original(partners, index, rng)
        drawn.append(dict(zip(index.tolist(), other.tolist(), strict=True)))
        return other

    monkeypatch.setattr(_contrastive, "draw_partners", record_draws)
    params = dict(positives=positives, epochs=2, random_state=0, **{**TINY, "batch_size": 128})
    enc = ContrastiveEncoder(**params).fit(X, **meta)
    assert enc.n_epochs_ == 2 and np.isfinite(enc.history_["loss"]).all()
    assert enc.n_without_partner_ == 0
    # Fresh partners every epoch, among the candidates of each segment.
    candidates = _partner_lists(segment_partners(positives, len(X), **meta))
    epochs = [{}, {}]
    for i, batch in enumerate(drawn):
        epochs[i >= len(drawn) // 2].update(batch)
    assert all(epochs[0][i] in candidates[i] for i in range(len(X)))
    several = [i for i in range(len(X)) if len(candidates[i]) > 1]
    if positives == "adjacent":
        assert several and any(epochs[0][i] != epochs[1][i] for i in several)
    Z = enc.transform(X)
    # Seeded fits agree, and a joblib round trip keeps the embeddings.
    np.testing.assert_array_equal(ContrastiveEncoder(**params).fit(X, **meta).transform(X), Z)
    joblib.dump(enc, tmp_path / "enc.joblib")
    loaded = joblib.load(tmp_path / "enc.joblib")
    assert loaded.positives == positives
    np.testing.assert_allclose(loaded.transform(X), Z, atol=1e-6)


def test_metadata_reaches_fit_through_a_pipeline(segments):
    rows = np.flatnonzero(np.char.startswith(segments.record.astype(str), "garment"))
    X = np.asarray(segments.X[rows])
    meta = {k: segments[k][rows] for k in ("record", "lead", "start")}
    with config_context(enable_metadata_routing=True):
        enc = ContrastiveEncoder(positives="lead", epochs=1, random_state=0, **TINY)
        pipe = make_pipeline(enc.set_fit_request(record=True, lead=True, start=True))
        pipe.fit(X, **meta)
    assert pipe[-1].n_without_partner_ == 0
