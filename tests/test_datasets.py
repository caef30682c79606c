"""Tests of sklearn_ecg.datasets: readers, fetchers, the bundled sample.

Most run on the bundled sample. The ones marked ``full_data`` (the ``data``
marker) read the full databases from ``SKLEARN_ECG_DATA`` and are skipped when
it is not set.
Downloads are never attempted: ``wfdb.dl_database`` is replaced by fakes.
"""

import datetime
import gzip
import io
import os
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import wfdb

from sklearn_ecg.datasets import (
    AAMI_CLASSES,
    BEAT_SYMBOL_TO_AAMI,
    GARMENT_ACTIVITIES,
    MITDB_RECORDS,
    aami_class,
    fetch_ecgid,
    fetch_mitdb,
    get_data_home,
    get_sample_home,
    is_beat,
    list_ecgid_records,
    list_mitdb_records,
    load_ecgid_sample,
    load_garment,
    load_garment_sample,
    load_mitdb_sample,
    make_beat_dataset,
    mitdb_patient_id,
    read_ecgid_record,
    read_garment_csv,
    read_mitdb_record,
)

FULL_HOME = os.environ.get("SKLEARN_ECG_DATA")
# The full databases: records 102, 114 and 207 of MIT-BIH, ECG-ID and the garment data
# (conftest skips a test marked ``data`` when SKLEARN_ECG_DATA lacks one of them).
full_data = pytest.mark.data(
    "mitdb/207.hea", "mitdb/114.hea", "mitdb/102.hea",
    "ecgiddb/Person_01/rec_1.hea", "smart-garment/Sitting_data.csv",
)


@pytest.fixture
def no_download(monkeypatch):
    """Fail the test if anything tries to reach PhysioNet."""
    def fail(*args, **kwargs):
        raise AssertionError("a download was attempted")

    monkeypatch.setattr(wfdb, "dl_database", fail)
    monkeypatch.setattr(wfdb, "get_record_list", fail)


def copy_mitdb_record(record, dl_dir):
    for extension in ("hea", "dat", "atr"):
        shutil.copy(get_sample_home() / "mitdb" / f"{record}.{extension}", dl_dir)


# --- data home -------------------------------------------------------------


def test_data_home_argument_beats_environment_beats_default(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("SKLEARN_ECG_DATA", raising=False)
    assert get_data_home() == tmp_path / "home" / "sklearn_ecg_data"

    monkeypatch.setenv("SKLEARN_ECG_DATA", str(tmp_path / "env"))
    assert get_data_home() == tmp_path / "env"
    assert get_data_home(tmp_path / "arg") == tmp_path / "arg"
    assert get_data_home("~/arg") == tmp_path / "home" / "arg"
    assert isinstance(get_data_home(str(tmp_path)), Path)

    monkeypatch.setenv("SKLEARN_ECG_DATA", "")
    assert get_data_home() == tmp_path / "home" / "sklearn_ecg_data"
    assert not (tmp_path / "home").exists(), "get_data_home must not create it"


def test_readers_use_the_environment_variable(monkeypatch):
    monkeypatch.setenv("SKLEARN_ECG_DATA", str(get_sample_home()))
    assert read_mitdb_record("209").record == "209"
    assert list_ecgid_records()[0] == (1, 1)


# --- AAMI labels and patients ----------------------------------------------


def test_aami_mapping_covers_the_ec57_table():
    expected = {"N": "NLRej", "S": "AaJS", "V": "VE", "F": "F", "Q": "/fQ"}
    assert {s: c for c, symbols in expected.items() for s in symbols} == (
        BEAT_SYMBOL_TO_AAMI
    )
    assert AAMI_CLASSES == ("N", "S", "V", "F", "Q")
    symbols = ["N", "L", "R", "e", "j", "A", "a", "J", "S", "V", "E", "F", "/",
               "f", "Q", "+", "~", "|", "x", "!", "[", "]", '"']
    labels = aami_class(symbols)
    assert labels.dtype == object
    assert list(labels[:15]) == list("NNNNNSSSSVVFQQQ")
    assert all(label is None for label in labels[15:])
    np.testing.assert_array_equal(is_beat(symbols), [True] * 15 + [False] * 8)
    assert aami_class("a") == "S" and aami_class("+") is None
    assert aami_class(np.array([], dtype=str)).shape == (0,)


def test_records_201_and_202_are_one_patient():
    assert mitdb_patient_id("201") == mitdb_patient_id("202") == "201"
    assert mitdb_patient_id(208) == "208"
    patients = {mitdb_patient_id(r) for r in MITDB_RECORDS}
    assert len(MITDB_RECORDS) == 48 and len(patients) == 47


# --- MIT-BIH on the bundled sample -----------------------------------------


def test_mitdb_sample_records():
    records = load_mitdb_sample()
    assert [r.record for r in records] == list_mitdb_records(get_sample_home())
    assert len(records) == 8
    assert not {"102", "104", "107", "217"} & {r.record for r in records}
    assert len({r.subject for r in records}) == 8
    for rec in records:
        assert rec.lead == "MLII" and rec.fs == 360.0
        assert rec.signal.dtype == np.float64 and rec.signal.shape == (108000,)
        # MLII in mV: QRS complexes of about a millivolt, not ADC units.
        assert 0.3 < np.ptp(rec.signal) < 10
        assert np.all(np.diff(rec.r_peaks) > 0)
        assert rec.r_peaks.min() >= 0 and rec.r_peaks.max() < 108000
        assert set(rec.beat_labels) <= set(AAMI_CLASSES)
        np.testing.assert_array_equal(rec.beat_labels, aami_class(rec.beat_symbols))
        assert len(rec.annotation_samples) == len(rec.annotation_symbols)
        assert set(rec.r_peaks) <= set(rec.annotation_samples)
        assert rec.comments and rec.sampfrom == 0
    labels = np.concatenate([r.beat_labels for r in records])
    counts = {c: int(np.sum(labels == c)) for c in AAMI_CLASSES}
    assert counts["S"] > 100 and counts["V"] > 100 and counts["F"] > 20, counts


def test_mitdb_sample_reads_like_a_data_home():
    rec = read_mitdb_record("208", data_home=get_sample_home())
    loaded = {r.record: r for r in load_mitdb_sample()}["208"]
    np.testing.assert_array_equal(rec.signal, loaded.signal)
    np.testing.assert_array_equal(rec.r_peaks, loaded.r_peaks)
    assert {"F", "V"} <= set(rec.beat_labels)


def test_mitdb_sample_keeps_a_flutter_episode():
    rec = read_mitdb_record("207", data_home=get_sample_home())
    assert rec.vf_episodes.shape == (1, 2)
    start, end = rec.vf_episodes[0]
    assert 0 <= start < end <= len(rec.signal)
    flutter = (rec.annotation_samples >= start) & (rec.annotation_samples < end)
    assert "!" in set(rec.annotation_symbols[flutter])
    assert not is_beat(rec.annotation_symbols[flutter]).any()


def test_mitdb_excerpt_is_relative_to_sampfrom():
    home = get_sample_home()
    whole = read_mitdb_record("207", home)
    start, end = (int(v) for v in whole.vf_episodes[0])
    part = read_mitdb_record("207", home, sampfrom=start + 360, sampto=end + 3600)
    np.testing.assert_array_equal(part.signal,
                                  whole.signal[start + 360:end + 3600])
    assert part.sampfrom == start + 360
    # The excerpt starts inside the episode, which then starts at 0.
    np.testing.assert_array_equal(part.vf_episodes, [[0, end - start - 360]])
    inside = (whole.r_peaks >= start + 360) & (whole.r_peaks < end + 3600)
    np.testing.assert_array_equal(part.r_peaks,
                                  whole.r_peaks[inside] - start - 360)


@pytest.mark.parametrize("sampfrom, sampto, match", [
    (-1, None, "sampfrom"),
    (108000, None, "sampfrom"),
    (100, 100, "sampto"),
    (0, 108001, "sampto"),
])
def test_mitdb_bad_sample_range(sampfrom, sampto, match):
    with pytest.raises(ValueError, match=match):
        read_mitdb_record("101", get_sample_home(), sampfrom=sampfrom,
                          sampto=sampto)


def test_mitdb_lead_is_chosen_by_name_on_the_sample():
    home = get_sample_home()
    with pytest.raises(ValueError, match=r"record 101 has no lead 'V1'; "
                                         r"available: \['MLII'\]"):
        read_mitdb_record("101", home, lead="V1")
    assert read_mitdb_record("101", home, lead=("V5", "MLII")).lead == "MLII"
    with pytest.raises(ValueError, match="lead must be"):
        read_mitdb_record("101", home, lead=[])


def test_mitdb_missing_files_say_where_and_how(tmp_path):
    with pytest.raises(FileNotFoundError) as info:
        read_mitdb_record("100", data_home=tmp_path)
    message = str(info.value)
    assert str(tmp_path / "mitdb" / "100.hea") in message
    assert "fetch_mitdb" in message
    assert "https://physionet.org/content/mitdb/1.0.0/" in message

    (tmp_path / "mitdb").mkdir()
    copy_mitdb_record("101", tmp_path / "mitdb")
    (tmp_path / "mitdb" / "101.atr").unlink()
    with pytest.raises(FileNotFoundError, match=re.escape("101.atr")):
        read_mitdb_record("101", data_home=tmp_path)
    assert list_mitdb_records(tmp_path) == []
    assert list_mitdb_records(tmp_path / "nowhere") == []


# --- MIT-BIH fetch, downloads mocked ---------------------------------------


def test_fetch_mitdb_reads_local_records_without_downloading(no_download):
    records = fetch_mitdb(data_home=get_sample_home())
    assert [r.record for r in records] == list_mitdb_records(get_sample_home())
    records = fetch_mitdb("201", data_home=get_sample_home())
    assert [r.subject for r in records] == ["201"]


def test_fetch_mitdb_download_failure_is_one_clear_oserror(monkeypatch, tmp_path):
    calls = []

    def offline(db_dir, dl_dir, records="all", annotators="all", **kwargs):
        calls.append((db_dir, dl_dir, records))
        raise ConnectionError("Name or service not known")

    monkeypatch.setattr(wfdb, "dl_database", offline)
    with pytest.raises(OSError) as info:
        fetch_mitdb(["100", "208"], data_home=tmp_path)
    message = str(info.value)
    assert str(tmp_path / "mitdb") in message
    assert "https://physionet.org/content/mitdb/1.0.0/" in message
    assert "Name or service not known" in message
    assert calls == [("mitdb", str(tmp_path / "mitdb"), ["100", "208"])]


def test_fetch_mitdb_downloads_only_missing_records(monkeypatch, tmp_path):
    calls = []

    def fake_download(db_dir, dl_dir, records="all", annotators="all", **kwargs):
        calls.append(list(records))
        for record in records:
            copy_mitdb_record(record, dl_dir)

    monkeypatch.setattr(wfdb, "dl_database", fake_download)
    (tmp_path / "mitdb").mkdir()
    copy_mitdb_record("209", tmp_path / "mitdb")
    records = fetch_mitdb(["209", "208", "119"], data_home=tmp_path)
    assert calls == [["208", "119"]]
    assert [r.record for r in records] == ["209", "208", "119"]
    assert list_mitdb_records(tmp_path) == ["119", "208", "209"]


def test_fetch_mitdb_with_nothing_local_asks_for_all_48(monkeypatch, tmp_path):
    calls = []

    def downloads_nothing(db_dir, dl_dir, records="all", annotators="all", **kw):
        calls.append(list(records))

    monkeypatch.setattr(wfdb, "dl_database", downloads_nothing)
    with pytest.raises(OSError, match=r"left no \.hea, \.dat and \.atr files"):
        fetch_mitdb(data_home=tmp_path)
    assert calls == [list(MITDB_RECORDS)]


def test_fetch_mitdb_without_download(no_download, tmp_path):
    with pytest.raises(FileNotFoundError) as info:
        fetch_mitdb(["100"], data_home=tmp_path, download_if_missing=False)
    message = str(info.value)
    assert "download_if_missing" in message and "['100']" in message
    assert str(tmp_path / "mitdb") in message
    assert "https://physionet.org/content/mitdb/1.0.0/" in message


def test_fetch_mitdb_rejects_unknown_record_names(no_download, tmp_path):
    with pytest.raises(ValueError, match="'110'"):
        fetch_mitdb(["110"], data_home=tmp_path)


# --- MIT-BIH on the full data ----------------------------------------------


@full_data
def test_lead_lookup_by_name_on_record_114():
    header = wfdb.rdheader(str(Path(FULL_HOME) / "mitdb" / "114"))
    assert header.sig_name == ["V5", "MLII"]
    rec = read_mitdb_record("114", FULL_HOME, sampto=3600)
    raw = wfdb.rdrecord(str(Path(FULL_HOME) / "mitdb" / "114"), sampto=3600)
    assert rec.lead == "MLII"
    np.testing.assert_array_equal(rec.signal, raw.p_signal[:, 1])
    v5 = read_mitdb_record("114", FULL_HOME, lead="V5", sampto=3600)
    np.testing.assert_array_equal(v5.signal, raw.p_signal[:, 0])


@full_data
def test_record_102_has_no_mlii():
    with pytest.raises(ValueError, match=re.escape(
        "record 102 has no lead 'MLII'; available: ['V5', 'V2']"
    )):
        read_mitdb_record("102", FULL_HOME)
    assert read_mitdb_record("102", FULL_HOME, lead=("MLII", "V5")).lead == "V5"
    with pytest.raises(ValueError, match="record 102"):
        fetch_mitdb(["101", "102"], FULL_HOME, download_if_missing=False)


@full_data
def test_vf_episodes_of_record_207():
    rec = read_mitdb_record("207", FULL_HOME)
    np.testing.assert_array_equal(rec.vf_episodes, [
        [14665, 18350], [19715, 21731], [87172, 88716], [89242, 94122],
        [97008, 101126], [554682, 589926],
    ])
    assert rec.signal.shape == (650000,) and rec.subject == "207"
    labels, counts = np.unique(rec.beat_labels, return_counts=True)
    assert dict(zip(labels, counts)) == {"N": 1543, "S": 107, "V": 210}
    part = read_mitdb_record("207", FULL_HOME, sampfrom=16000, sampto=20000)
    np.testing.assert_array_equal(part.vf_episodes, [[0, 2350], [3715, 4000]])


@full_data
def test_mitdb_sample_is_an_exact_excerpt_of_the_database():
    readme = (get_sample_home() / "README.md").read_text(encoding="utf-8")
    starts = {m[1]: int(m[2]) for m in re.finditer(r"^\| (\d{3}) \| (\d+) \|",
                                                   readme, flags=re.M)}
    assert sorted(starts) == list_mitdb_records(get_sample_home())
    for record in ("124", "208"):
        sample = read_mitdb_record(record, get_sample_home())
        full = read_mitdb_record(record, FULL_HOME, sampfrom=starts[record],
                                 sampto=starts[record] + len(sample.signal))
        np.testing.assert_array_equal(sample.signal, full.signal)
        np.testing.assert_array_equal(sample.annotation_samples,
                                      full.annotation_samples)
        np.testing.assert_array_equal(sample.annotation_symbols,
                                      full.annotation_symbols)
        assert sample.comments == full.comments


@full_data
def test_list_mitdb_records_on_the_full_data():
    records = list_mitdb_records(FULL_HOME)
    assert {"101", "102", "114", "207", "230"} <= set(records)
    assert records == sorted(records)


# --- ECG-ID -----------------------------------------------------------------


def test_ecgid_sample_records():
    records = load_ecgid_sample()
    assert len(records) == 30
    persons = sorted({r.subject for r in records})
    assert len(persons) == 10
    for person in persons:
        assert [r.record for r in records if r.subject == person] == [1, 2, 3]
    for rec in records:
        assert rec.fs == 500.0 and rec.signal.shape == (10000,)
        assert rec.signal.dtype == np.float64
        assert rec.lead == "ECG I filtered"
        assert len(rec.r_peaks) == 10 and np.all(np.diff(rec.r_peaks) > 0)
        assert rec.sex in {"male", "female"} and isinstance(rec.age, int)
        assert isinstance(rec.date, datetime.date)


def test_ecgid_header_parsing():
    rec = read_ecgid_record(1, 1, data_home=get_sample_home())
    assert (rec.subject, rec.record) == (1, 1)
    assert (rec.age, rec.sex, rec.date) == (25, "male", datetime.date(2004, 12, 7))
    assert rec.comments == ["Age: 25", "Sex: male", "ECG date: 07.12.2004"]
    rec = read_ecgid_record(2, 3, data_home=get_sample_home())
    assert rec.sex == "female"


def test_ecgid_header_without_comments_gives_none(tmp_path):
    folder = tmp_path / "ecgiddb" / "Person_07"
    folder.mkdir(parents=True)
    for extension in ("dat", "atr"):
        shutil.copy(get_sample_home() / "ecgiddb" / "Person_01" /
                    f"rec_1.{extension}", folder)
    header = (get_sample_home() / "ecgiddb" / "Person_01" / "rec_1.hea").read_text()
    lines = [line for line in header.splitlines() if not line.startswith("#")]
    lines.append("# Age: unknown")
    lines.append("# ECG date: someday")
    (folder / "rec_1.hea").write_text("\n".join(lines) + "\n")
    rec = read_ecgid_record(7, 1, data_home=tmp_path)
    assert (rec.age, rec.sex, rec.date) == (None, None, None)
    assert list_ecgid_records(tmp_path) == [(7, 1)]


def test_ecgid_channels_are_chosen_by_name():
    home = get_sample_home()
    raw = read_ecgid_record(1, 1, home, lead="ECG I")
    filtered = read_ecgid_record(1, 1, home)
    assert raw.lead == "ECG I" and not np.allclose(raw.signal, filtered.signal)
    with pytest.raises(ValueError, match=r"no lead 'ECG II'; available: "
                                         r"\['ECG I', 'ECG I filtered'\]"):
        read_ecgid_record(1, 1, home, lead="ECG II")


@pytest.mark.parametrize("person, record", [(0, 1), (91, 1), (1, 0), ("1", 1),
                                            (1.0, 1)])
def test_ecgid_bad_numbers(person, record):
    with pytest.raises(ValueError, match=r"person|record"):
        read_ecgid_record(person, record, get_sample_home())


def test_ecgid_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError) as info:
        read_ecgid_record(5, 2, data_home=tmp_path)
    message = str(info.value)
    assert str(tmp_path / "ecgiddb" / "Person_05" / "rec_2.hea") in message
    assert "https://physionet.org/content/ecgiddb/1.0.0/" in message


def test_fetch_ecgid_local(no_download):
    records = fetch_ecgid(3, data_home=get_sample_home())
    assert [(r.subject, r.record) for r in records] == [(3, 1), (3, 2), (3, 3)]
    assert len(fetch_ecgid(data_home=get_sample_home())) == 30


def test_fetch_ecgid_downloads_missing_persons(monkeypatch, tmp_path):
    calls = []
    listing = ["Person_01/rec_1", "Person_01/rec_2", "Person_02/rec_1",
               "Person_10/rec_1"]

    def fake_download(db_dir, dl_dir, records="all", annotators="all", **kwargs):
        calls.append((db_dir, list(records)))
        for name in records:
            folder = Path(dl_dir) / name.split("/")[0]
            folder.mkdir(parents=True, exist_ok=True)
            for extension in ("hea", "dat", "atr"):
                shutil.copy(get_sample_home() / "ecgiddb" / f"{name}.{extension}",
                            folder)

    monkeypatch.setattr(wfdb, "get_record_list", lambda db_dir: listing)
    monkeypatch.setattr(wfdb, "dl_database", fake_download)
    records = fetch_ecgid([1, 10], data_home=tmp_path, lead="ECG I")
    assert calls == [("ecgiddb",
                      ["Person_01/rec_1", "Person_01/rec_2", "Person_10/rec_1"])]
    assert [(r.subject, r.record) for r in records] == [(1, 1), (1, 2), (10, 1)]
    assert records[0].lead == "ECG I"


def test_fetch_ecgid_download_failure(monkeypatch, tmp_path):
    def offline(*args, **kwargs):
        raise ConnectionError("no route to host")

    monkeypatch.setattr(wfdb, "dl_database", offline)
    monkeypatch.setattr(wfdb, "get_record_list", offline)
    for persons in ([4], None):
        with pytest.raises(OSError) as info:
            fetch_ecgid(persons, data_home=tmp_path)
        assert str(tmp_path / "ecgiddb") in str(info.value)
        assert "https://physionet.org/content/ecgiddb/1.0.0/" in str(info.value)


def test_fetch_ecgid_with_nothing_local_downloads_all(monkeypatch, tmp_path):
    calls = []
    monkeypatch.setattr(wfdb, "dl_database",
                        lambda db_dir, dl_dir, records="all", **kw:
                        calls.append(records))
    with pytest.raises(OSError, match="left no"):
        fetch_ecgid(data_home=tmp_path)
    assert calls == ["all"]


def test_fetch_ecgid_without_download(no_download, tmp_path):
    with pytest.raises(FileNotFoundError, match=r"download_if_missing.*"):
        fetch_ecgid([4], data_home=tmp_path, download_if_missing=False)


@full_data
def test_ecgid_full_data():
    records = list_ecgid_records(FULL_HOME)
    assert records[0] == (1, 1) and len({p for p, _ in records}) >= 60
    rec = read_ecgid_record(2, 20, FULL_HOME)
    assert rec.sex == "female" and len(rec.r_peaks) == 10


# --- smart garment ----------------------------------------------------------

FULL_STAMPS = """\
ecg1,ecg2,ecg3,ecg4,ecg5,tstamp
-0.00010093,-0.00010453,7.5395e-05,0.00017905,-4.5216e-05,2021-04-07 16:20:12.136000
-2.8889e-06,,0.00010374,0.00022769,-0.00014442,2021-04-07 16:20:12.138000
-3.5817e-05,-0.00019388,9.3227e-05,0.00023524,-0.00015242,
9.778e-05,-0.00025812,9.148e-05,nan,-0.00024751,2021-04-07 16:20:12.142000
"""

SHORT_STAMPS = """\
ecg1,ecg2,ecg3,ecg4,ecg5,tstamp
0.00052519,0.00031583,0.0011732,-0.00015566,6.97E-05,25:05.9
0.0017643,0.00053822,0.0029022,-0.00065789,-0.00029286,25:05.9
,,,,,25:06.0
"""


def test_garment_csv_with_full_timestamps(tmp_path):
    path = tmp_path / "sitting.csv"
    path.write_text(FULL_STAMPS)
    frame = read_garment_csv(path)
    assert list(frame.columns) == ["ecg1", "ecg2", "ecg3", "ecg4", "ecg5"]
    assert all(dtype == np.float64 for dtype in frame.dtypes)
    assert len(frame) == 4, "no row may be dropped"
    assert np.isnan(frame.loc[frame.index[1], "ecg2"])
    assert np.isnan(frame.loc[frame.index[3], "ecg4"])
    assert frame.isna().sum().sum() == 2
    assert frame["ecg1"].iloc[0] == pytest.approx(-0.00010093)
    assert isinstance(frame.index, pd.TimedeltaIndex) and frame.index.name == "time"
    assert frame.index[3] == pd.Timedelta(milliseconds=6)
    assert frame.attrs == {"fs": 500.0,
                           "start": pd.Timestamp("2021-04-07 16:20:12.136")}


def test_garment_csv_with_truncated_timestamps(tmp_path):
    path = tmp_path / "stairs.csv.gz"
    with gzip.open(path, "wt") as file:
        file.write(SHORT_STAMPS)
    frame = read_garment_csv(path, fs=250)
    assert frame.shape == (3, 5)
    assert frame.iloc[2].isna().all()
    assert frame.index[2] == pd.Timedelta(milliseconds=8)
    assert frame.attrs == {"fs": 250.0}
    assert "start" not in read_garment_csv(io.StringIO(SHORT_STAMPS)).attrs


def test_garment_csv_errors_name_the_file(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("a,b,tstamp\n1,2,3\n")
    with pytest.raises(ValueError, match=re.escape(str(path)) + ".*ecg1"):
        read_garment_csv(path)
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(ValueError, match=re.escape(str(empty))):
        read_garment_csv(empty)
    broken = tmp_path / "broken.csv.gz"
    broken.write_bytes(b"\x1f\x8b not really gzip")
    with pytest.raises(ValueError, match=re.escape(str(broken))):
        read_garment_csv(broken)
    with pytest.raises(FileNotFoundError):
        read_garment_csv(tmp_path / "absent.csv")
    with pytest.raises(ValueError, match="fs must be a positive"):
        read_garment_csv(io.StringIO(SHORT_STAMPS), fs=0)


@pytest.mark.parametrize("activity", sorted(GARMENT_ACTIVITIES))
def test_garment_sample(activity):
    frame = load_garment_sample(activity)
    assert frame.shape == (5000, 5)
    assert frame.attrs["fs"] == 500.0
    assert frame.index[-1] == pd.Timedelta(seconds=9.998)
    assert not frame.isna().any().any()
    assert ("start" in frame.attrs) == (activity == "sitting")


def test_load_garment_errors(tmp_path):
    with pytest.raises(ValueError, match="activity must be one of"):
        load_garment("running", data_home=get_sample_home())
    with pytest.raises(FileNotFoundError) as info:
        load_garment("stairs", data_home=tmp_path)
    message = str(info.value)
    assert "stairs_normal_pace.csv" in message
    assert str(tmp_path / "smart-garment") in message
    assert "Deep-XF" in message and "MIT License" in message


@full_data
def test_garment_full_data():
    lengths = {"sitting": 30000, "walking_normal": 30000, "walking_fast": 20000,
               "stairs": 5000}
    for activity, length in lengths.items():
        frame = load_garment(activity, FULL_HOME)
        assert frame.shape == (length, 5)
        sample = load_garment_sample(activity)
        pd.testing.assert_frame_equal(frame.iloc[:5000], sample,
                                      check_freq=False)


# --- the bundled sample itself ---------------------------------------------


def test_sample_is_small_and_attributed():
    home = get_sample_home()
    size = sum(p.stat().st_size for p in home.rglob("*") if p.is_file())
    assert size < 3.2e6
    readme = (home / "README.md").read_text(encoding="utf-8")
    for line in ("Open Data Commons Attribution 1.0", "Moody GB, Mark RG",
                 "Lugovaya TS", "Deep-XF project by Ajay Arunachalam",
                 "MIT License"):
        assert line in readme


def test_make_segments_median_beats_and_windows():
    from sklearn_ecg import RPeakSegmenter
    from sklearn_ecg.datasets import make_segments

    records = load_ecgid_sample()[:6]  # persons 1 and 2, 3 records of 20 s each
    seg = make_segments(records, window=5.0, segment_length=80)
    assert seg.X.shape == (24, 80) and not np.isnan(seg.X).any()
    assert seg.skipped == []
    assert seg.groups.tolist() == ["1"] * 12 + ["2"] * 12
    assert seg.record[:5].tolist() == ["1/1"] * 4 + ["1/2"]
    assert seg.start[:4].tolist() == [0, 2500, 5000, 7500]
    # The same median beat as RPeakSegmenter gives for that window.
    window = records[0].signal[2500:5000][None]
    expected = RPeakSegmenter(fs=500, beat_length=80, rr_features=False).fit_transform(window)
    np.testing.assert_allclose(seg.X[1], expected[0])
    raw = make_segments(records, kind="window", window=2.0, step=1.0)
    assert raw.X.shape == (6 * 19, 1000)
    np.testing.assert_array_equal(raw.X[1], records[0].signal[500:1500])


def test_make_segments_reports_what_it_leaves_out():
    from sklearn.utils import Bunch

    from sklearn_ecg.datasets import make_segments

    flat = Bunch(signal=np.zeros(5000), fs=500, record="flat", subject="p9")
    short = Bunch(signal=np.zeros(100), fs=500, record="short", subject="p9")
    good = load_ecgid_sample()[0]
    seg = make_segments([good, flat, short], window=5.0)
    assert len(seg.X) == 4
    assert seg.skipped == [("flat", 0, "no beat found"), ("flat", 2500, "no beat found"),
                           ("short", None, "shorter than window=5.0 s")]
    with pytest.raises(ValueError, match="kind must be"):
        make_segments([good], kind="beat")
    with pytest.raises(ValueError, match="window must be"):
        make_segments([good], window=0)
    with pytest.raises(ValueError, match="detector must be"):
        make_segments([good], detector="nope")
    with pytest.raises(ValueError, match="no segment could be cut"):
        make_segments([flat])
    other_fs = Bunch(signal=good.signal[::2], fs=250, record="x", subject=99)
    with pytest.raises(ValueError, match="pass segment_length"):
        make_segments([good, other_fs])


@full_data
def test_read_both_leads_and_make_two_lead_beats():
    rec = read_mitdb_record("114", FULL_HOME, lead="MLII", all_leads=True, sampto=36000)
    assert rec.signal.shape == (36000, 2)
    assert rec.leads == ("MLII", "V5") and rec.lead == "MLII"  # 114 has V5 first on file
    one = read_mitdb_record("114", FULL_HOME, lead="MLII", sampto=36000)
    np.testing.assert_array_equal(rec.signal[:, 0], one.signal)
    assert one.leads == ("MLII",)
    data = make_beat_dataset([rec], beat_length=100)
    single = make_beat_dataset([one], beat_length=100)
    assert data.X.shape == (len(single.y), 100, 2)
    np.testing.assert_allclose(data.X[:, :, 0], single.X)
    np.testing.assert_array_equal(data.y, single.y)
    assert len(fetch_mitdb(["114"], FULL_HOME, all_leads=True, download_if_missing=False)[0].leads) == 2


# -- corrupt and hostile WFDB files: errors that name the file and what is wrong ----------


def _corrupt_copy(tmp_path, kind):
    """Record 101 of the sample copied into a data home, then damaged as ``kind`` says."""
    import shutil

    import wfdb

    folder = tmp_path / "mitdb"
    folder.mkdir()
    for suffix in (".hea", ".dat", ".atr"):
        shutil.copy(get_sample_home() / "mitdb" / f"101{suffix}", folder / f"101{suffix}")
    hea, dat = folder / "101.hea", folder / "101.dat"
    header = hea.read_text()
    if kind == "truncated_dat":
        dat.write_bytes(dat.read_bytes()[: dat.stat().st_size // 2])
    elif kind == "missing_dat":
        dat.unlink()
    elif kind == "header_too_long":
        hea.write_text(header.replace("101 1 360 108000", "101 1 360 216000", 1))
    elif kind == "unknown_format":
        hea.write_text(header.replace(" 212 ", " 999 ", 1))
    elif kind == "garbage_header":
        hea.write_text("this is not a WFDB header\n")
    elif kind in ("annotations_past_end", "annotation_at_end"):
        ann = wfdb.rdann(str(folder / "101"), "atr")
        samples = ann.sample.copy()
        if kind == "annotation_at_end":
            samples[-2:] = [108000 - 1 + 1, 108000 + 3]  # at and after the last sample
        else:
            samples[-6:] = 108000 + 500 + np.arange(6)
        wfdb.wrann("101", "atr", samples, symbol=ann.symbol, write_dir=str(folder))
    return folder / "101"


@pytest.mark.parametrize(
    "kind, message",
    [
        ("truncated_dat", r"101\.dat is truncated: 81000 bytes, where 101\.hea's 108000 samples"),
        ("missing_dat", r"(no signal file .*101\.dat, which 101\.hea names|expected the file "
                        r".*101\.dat)"),
        ("header_too_long", r"101\.dat is truncated: 162000 bytes, where 101\.hea's 216000"),
        ("unknown_format", r"101\.hea names WFDB formats \['999'\] that do not exist"),
        ("garbage_header", r"101\.hea is not a valid WFDB header"),
        ("annotations_past_end", r"101\.atr has annotations outside the signal: .* to 108505"),
    ],
)
def test_corrupt_wfdb_record_gives_an_error_naming_the_file(tmp_path, kind, message):
    from sklearn_ecg.datasets import read_signal

    base = _corrupt_copy(tmp_path, kind)
    with pytest.raises((ValueError, FileNotFoundError), match=message):
        read_mitdb_record("101", data_home=tmp_path)
    if kind != "annotations_past_end":  # read_signal reads no annotations
        with pytest.raises((ValueError, FileNotFoundError), match=message):
            read_signal(base)


def test_annotations_at_the_last_sample_are_dropped_with_a_warning(tmp_path):
    _corrupt_copy(tmp_path, "annotation_at_end")
    with pytest.warns(UserWarning, match=r"101\.atr: 2 annotations at or after the last sample"):
        rec = read_mitdb_record("101", data_home=tmp_path)
    assert rec.annotation_samples.max() < 108000
    assert rec.r_peaks.size == rec.beat_labels.size == rec.beat_symbols.size


def test_every_bundled_record_passes_the_file_checks():
    from sklearn_ecg.datasets import read_signal

    for path in sorted((get_sample_home() / "mitdb").glob("*.hea")):
        assert read_signal(path.with_suffix("")).signal.size > 0


def test_reading_records_raises_no_warning_from_inside_wfdb():
    # wfdb calls pandas in ways pandas deprecates, at import and in rdann.
    import subprocess
    import sys

    code = (
        "import warnings\nwarnings.simplefilter('error')\n"
        "from sklearn_ecg.datasets import get_sample_home, read_mitdb_record, read_signal\n"
        "read_mitdb_record('208', data_home=get_sample_home())\n"
        "read_signal(get_sample_home() / 'mitdb' / '208')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_noise_stress_record_has_the_snr_asked_for_where_the_noise_is_on():
    from sklearn.utils import Bunch

    from sklearn_ecg.datasets import make_noise_stress_record, noise_power, qrs_signal_power

    rec = load_mitdb_sample()[0]
    rng = np.random.default_rng(0)
    noise = Bunch(signal=rng.normal(size=(50_000, 2)), fs=360.0, name="white")
    for snr in (12.0, 0.0, -6.0):
        stressed = make_noise_stress_record(rec, noise, snr, start=60.0, period=30.0)
        added = stressed.signal - rec.signal
        on = stressed.noise_on
        assert not added[~on].any() and on[int(60 * rec.fs)] and not on[int(91 * rec.fs)]
        measured = 10 * np.log10(qrs_signal_power(rec.signal, rec.r_peaks, rec.fs)
                                 / noise_power(added[on], rec.fs))
        assert measured == pytest.approx(snr, abs=0.3)
    with pytest.raises(ValueError, match="snr"):
        make_noise_stress_record(rec, noise, float("nan"))


@pytest.mark.data("nstdb-noise/ma.dat", "svdb/803.dat")
def test_svdb_record_and_nstdb_noise_are_read():
    from sklearn_ecg.datasets import read_nstdb_noise

    rec = read_mitdb_record("803", lead="ECG1", database="svdb")
    assert rec.fs == 128.0 and rec.subject == "803" and len(rec.r_peaks) > 1000
    noise = read_nstdb_noise("ma")
    assert noise.fs == 360.0 and noise.signal.shape[1] == 2
    with pytest.raises(ValueError, match="database"):
        read_mitdb_record("803", database="nope")
