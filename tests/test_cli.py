"""Tests of the command line: the signal report and the per-file commands (the main job's are
in test_demo.py and test_demo_claim.py)."""

import io
import os
import re
import subprocess
import sys

import joblib
import numpy as np
import pandas as pd
import pytest

from sklearn_ecg.__main__ import main
from sklearn_ecg._cli import detect_records, report_recording, run_demo, segment_records
from sklearn_ecg._cli._commands import expand_inputs
from sklearn_ecg._cli._demo import start_plots
from sklearn_ecg.datasets import get_sample_home, load_garment_sample, read_mitdb_record
from sklearn_ecg.segmentation import RR_FEATURE_NAMES

JACKET_CSV = get_sample_home() / "smart-garment" / "Sitting_data.csv.gz"


@pytest.mark.parametrize(
    "options, message",
    [
        ({"epochs": 0}, "--epochs must be a positive number of epochs, got 0"),
        ({"epochs": 2.5}, "--epochs must be a positive number of epochs, got 2.5"),
        ({"folds": 1}, "--folds must be at least 2 to hold patients out, got 1"),
        ({"folds": 9}, "--folds must be at most 8, the patients of the sample, got 9"),
        ({"detector": "nope"}, "--detector must be one of"),
        ({"output": "{file}"}, "is a file, not a folder"),
        ({"output": "{file}/below"}, "cannot be written to"),
    ],
)
def test_run_demo_checks_every_option_before_its_first_step(tmp_path, options, message):
    file = tmp_path / "a-file"
    file.write_text("")
    options = {k: v.format(file=file) if isinstance(v, str) else v for k, v in options.items()}
    options.setdefault("output", str(tmp_path / "out"))
    said = []
    with pytest.raises((ValueError, OSError), match=re.escape(message)):
        run_demo(say=said.append, **options)
    assert said == []  # nothing was run


def test_plots_are_skipped_without_matplotlib(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now fails
    assert start_plots() is None
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and 'pip install "sklearn-ecg[plot]"' in out[0]


def test_report_on_the_jacket_sample(tmp_path, capsys):
    html = tmp_path / "report.html"
    assert main(["report", str(JACKET_CSV), "--html", str(html)]) == 0
    out = capsys.readouterr().out
    assert "5 channels, 5000 rows, 10.0 s at 500 Hz" in out
    rows = [line.split() for line in out.splitlines() if line.strip().startswith("ecg")]
    assert [row[0] for row in rows] == ["ecg1", "ecg2", "ecg3", "ecg4", "ecg5"]
    result = report_recording(JACKET_CSV)
    assert result.fs == 500 and result.report.attrs["duration"] == 10.0
    assert result.report.index.tolist() == ["ecg1", "ecg2", "ecg3", "ecg4", "ecg5"]
    assert all(40 < rate < 120 for rate in result.report["heart_rate"])
    page = html.read_text(encoding="utf-8")
    assert "<table" in page and "data:image/png;base64," in page


def test_report_on_a_plain_csv_needs_fs(tmp_path, capsys):
    frame = load_garment_sample("sitting").rename(columns=lambda c: c.replace("ecg", "lead_"))
    frame["note"] = "x"  # a text column is left out
    path = tmp_path / "plain.csv"
    frame.to_csv(path, index=False)
    assert main(["report", str(path), "--fs", "500"]) == 0
    out = capsys.readouterr().out
    assert "5 channels" in out and "lead_1" in out and "note" not in out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["report", "missing.csv"], "no such file: missing.csv"),
        (["report", "{empty}"], "holds no data rows (it is empty)"),
        (["report", "{corrupt}"], "cannot read"),
        (["report", "{text}", "--fs", "500"], "no numeric signal column"),
        (["report", "{plain}"], "--fs is required"),
        (["report", "{plain}", "--fs", "0"], "--fs must be a positive number"),
        (["report", "{jacket}", "--fs", "-500"], "--fs must be a positive number"),
        (["report", "{folder}", "--fs", "500"], "is a folder"),
        (["report", "{jacket}", "--html", "{folder}/no/such/dir/r.html"], "does not exist"),
        (["demo", "--epochs", "0", "--output", "{folder}/out"], "--epochs must be a positive"),
        (["demo", "--folds", "1", "--output", "{folder}/out"], "--folds must be at least 2"),
        (["demo", "--folds", "9", "--output", "{folder}/out"], "--folds must be at most 8"),
        (["demo", "--output", "{jacket}"], "is a file, not a folder"),
    ],
)
def test_report_input_errors_end_with_one_line(tmp_path, capsys, argv, message):
    paths = {"empty": tmp_path / "empty.csv", "corrupt": tmp_path / "corrupt.csv.gz",
             "text": tmp_path / "text.csv", "plain": tmp_path / "plain.csv",
             "jacket": JACKET_CSV, "folder": tmp_path}
    paths["empty"].write_text("")
    paths["corrupt"].write_bytes(b"\x1f\x8b\x08\x00not really gzip")
    paths["text"].write_text("a,b\nx,y\n")
    paths["plain"].write_text("lead\n" + "\n".join(str(v) for v in np.sin(np.arange(100))))
    argv = [a.format(**paths) for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0], err


def test_segment_wfdb_record_to_csv(tmp_path):
    out = tmp_path / "beats.csv"
    record = get_sample_home() / "mitdb" / "208"
    assert main(["segment", str(record), "--n-samples", "100", "--output", str(out)]) == 0
    table = pd.read_csv(out, keep_default_na=False)
    # An annotated record: each beat's AAMI class from the annotations beside it.
    assert table.shape[1] == 2 + 2 + 100 + len(RR_FEATURE_NAMES)
    assert table.columns[0] == "sample" and table.columns[-1] == RR_FEATURE_NAMES[-1]
    # The signal quality of each beat's 5-s window: a clean annotated record.
    assert table.columns[2:4].tolist() == ["proba_usable", "quality"]
    assert (table["quality"] != "unusable").mean() > 0.9
    assert len(table) > 400
    assert table.columns[1] == "label" and set(table["label"]) <= {"N", "S", "V", "F", "Q", ""}
    record_beats = read_mitdb_record("208", data_home=get_sample_home())
    near = np.abs(record_beats.r_peaks[:, None] - table["sample"].to_numpy()).argmin(axis=0)
    annotated = np.asarray(record_beats.beat_labels)[near]
    matched = table["label"].to_numpy() != ""
    assert matched.mean() > 0.95 and (annotated[matched] == table["label"][matched]).mean() > 0.99


def test_segment_npz_holds_the_labels_and_a_csv_has_none_to_give(tmp_path):
    out = tmp_path / "beats.npz"
    assert main(["segment", str(get_sample_home() / "mitdb" / "208"), "--output", str(out)]) == 0
    saved = np.load(out)
    assert saved["labels"].shape == saved["peaks"].shape and "V" in set(saved["labels"])
    csv = tmp_path / "x.csv"
    pd.DataFrame({"ecg": np.sin(np.arange(5000) / 20)}).to_csv(csv, index=False)
    assert main(["segment", str(csv), "--fs", "360", "--output", str(tmp_path / "b.csv")]) == 0
    assert "label" not in pd.read_csv(tmp_path / "b.csv").columns


def test_segment_refuses_an_output_it_cannot_write(capsys):
    record = get_sample_home() / "mitdb" / "208"
    assert main(["segment", str(record), "--output", "beats.txt"]) == 2
    assert "--output must end in .csv or .npz, got beats.txt" in capsys.readouterr().err


def test_version():
    from sklearn_ecg import __version__

    done = subprocess.run([sys.executable, "-m", "sklearn_ecg", "--version"],
                          capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip() == f"sklearn-ecg {__version__}"


def test_output_closed_by_its_reader_ends_quietly(capsys, monkeypatch):
    # `sklearn-ecg detect RECORD | head -3`: the pipe closes before the output ends.
    class ClosedPipe(io.StringIO):
        def write(self, text):
            raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    assert main(["detect", str(get_sample_home() / "mitdb" / "101")]) == 1
    assert "Broken pipe" not in capsys.readouterr().err


def test_detect_a_flat_signal_says_there_is_no_heart_rate(tmp_path, capsys):
    path = tmp_path / "flat.csv"
    pd.DataFrame({"ecg": np.zeros(5000)}).to_csv(path, index=False)
    assert main(["detect", str(path), "--fs", "360", "--output", str(tmp_path / "p.csv")]) == 0
    out = capsys.readouterr().out
    assert "no heart rate: fewer than two R peaks" in out and "nan" not in out
    found = detect_records([path], fs=360).records[0]
    assert found.peaks.size < 2 and found.heart_rate is None and found.template_corr is None


def test_detect_reads_a_jacket_csv_at_its_500_hz_as_report_does(tmp_path, capsys):
    path = tmp_path / "sitting.csv"
    load_garment_sample("sitting").to_csv(path, index=False)
    assert main(["detect", str(path), "--output", str(tmp_path / "p.csv")]) == 0
    assert "(10.0 s, mean heart rate" in capsys.readouterr().out


def test_report_reads_a_wfdb_record(capsys):
    assert main(["report", str(get_sample_home() / "mitdb" / "208")]) == 0
    out = capsys.readouterr().out
    assert "208: 1 channels, 108000 rows, 300.0 s at 360 Hz" in out
    report = report_recording(get_sample_home() / "mitdb" / "208").report
    assert report.index.tolist() == ["MLII"] and 400 <= report.loc["MLII", "n_beats"] < 500


def test_detect_csv_column(tmp_path, capsys):
    frame = load_garment_sample("sitting")
    path = tmp_path / "sitting.csv"
    frame.to_csv(path, index=False)
    out = tmp_path / "peaks.csv"
    assert main(["detect", str(path), "--column", "ecg1", "--fs", "500", "--output", str(out)]) == 0
    peaks = pd.read_csv(out)
    rate = 60 / np.median(np.diff(peaks["time_s"]))
    assert 40 < rate < 120 and len(peaks) >= 8


@pytest.mark.parametrize(
    "argv, message",
    [
        (["detect", "missing.csv", "--fs", "360"], "no such file"),
        (["detect", "{garment}", "--column", "ecg9", "--fs", "500"], "--column 'ecg9'"),
        (["detect", "{plain}"], "--fs is required"),
        (["detect", "{garment}", "--fs", "0"], "--fs must be a positive number"),
        (["detect", "{record}", "--fs", "250"], "disagrees with the record's header"),
        (["detect", "{record}", "--lead", "V1"], "--lead 'V1'"),
        (["detect", "{bad}", "--fs", "500"], "no numeric signal column"),
    ],
)
def test_input_errors_end_with_one_line(tmp_path, capsys, argv, message):
    garment = tmp_path / "g.csv"
    load_garment_sample("sitting").to_csv(garment, index=False)
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\nx,y\n")
    plain = tmp_path / "plain.csv"
    pd.DataFrame({"lead": np.sin(np.arange(3000) / 30)}).to_csv(plain, index=False)
    record = get_sample_home() / "mitdb" / "101"
    argv = [a.format(garment=garment, record=record, bad=bad, plain=plain) for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]


def test_unknown_detector_is_an_argparse_error():
    result = subprocess.run(
        [sys.executable, "-m", "sklearn_ecg", "detect", "x.csv", "--detector", "nope"],
        capture_output=True, text=True,
    )
    assert result.returncode == 2
    assert "invalid choice: 'nope'" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", ["report", "demo"])
def test_unknown_detector_of_report_and_demo(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([command] + ["x.csv"] * (command == "report") + ["--detector", "nope"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'nope'" in capsys.readouterr().err


def test_detect_says_when_its_detections_look_like_noise(tmp_path, capsys):
    path = tmp_path / "noise.csv"
    pd.DataFrame({"x": np.random.default_rng(0).normal(size=360 * 60)}).to_csv(path, index=False)
    assert main(["detect", str(path), "--fs", "360", "--output", str(tmp_path / "p.csv")]) == 0
    assert "these detections look like noise, not heartbeats" in capsys.readouterr().out
    assert detect_records([path], fs=360).records[0].looks_like_noise
    assert main(["detect", str(get_sample_home() / "mitdb" / "208"),
                 "--output", str(tmp_path / "q.csv")]) == 0
    out = capsys.readouterr().out
    assert "signal quality: beats' median correlation" in out and "noise" not in out
    found = detect_records([get_sample_home() / "mitdb" / "208"]).records[0]
    assert not found.looks_like_noise and found.template_corr > 0.3


def test_detect_and_segment_take_several_records_and_folders(tmp_path, capsys):
    folder = get_sample_home() / "mitdb"
    peaks = tmp_path / "peaks.csv"
    assert main(["detect", str(folder / "101"), str(folder / "208.hea"),
                 "--output", str(peaks)]) == 0
    table = pd.read_csv(peaks, dtype={"record": str})
    assert table.columns.tolist() == ["record", "sample", "time_s", "proba_usable", "quality"]
    assert table["record"].unique().tolist() == ["101", "208"]
    one = tmp_path / "one.csv"
    assert main(["detect", str(folder / "208"), "--output", str(one)]) == 0
    assert np.array_equal(pd.read_csv(one)["sample"], table.loc[table["record"] == "208", "sample"])
    assert "2/2 records" in capsys.readouterr().err  # the progress bar
    beats = tmp_path / "beats.npz"
    assert main(["segment", str(folder), "--n-samples", "64", "--output", str(beats)]) == 0
    saved = np.load(beats)
    assert sorted(set(saved["records"])) == ["101", "119", "124", "201", "207", "208", "209", "223"]
    assert saved["X"].shape == (len(saved["records"]), 64) == (len(saved["labels"]), 64)


def test_detect_to_standard_output_keeps_its_messages_on_standard_error(capsys):
    assert main(["detect", str(get_sample_home() / "mitdb" / "208")]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0] == "sample,time_s,proba_usable,quality" and all(
        re.fullmatch(r"\d+,\d+\.\d{4},[01]\.\d{4},(excellent|acceptable|unusable)", line)
        for line in lines[1:])
    assert "R peaks in 208 MLII" in captured.err
    assert "beats by signal quality of their 5-s window: excellent" in captured.err



def test_detect_segment_and_report_find_beats_only_where_there_is_signal(tmp_path, capsys):
    # A 5-s gap in record 208: no peak is found in it, no RR interval spans it, and
    # the command line and the signal report count the same beats (one rule).
    record = read_mitdb_record("208", data_home=get_sample_home())
    signal = record.signal.copy()
    signal[36000:37800] = np.nan
    path = tmp_path / "gap.csv"
    pd.DataFrame({"ecg": signal}).to_csv(path, index=False)
    found = detect_records([path], fs=360).records[0]
    assert found.n_missing == 1800 and found.stretches.tolist() == [[0, 36000], [37800, 108000]]
    assert not ((found.peaks >= 36000) & (found.peaks < 37800)).any()
    assert found.rr.size == found.peaks.size - 2 and found.rr.max() < 2
    whole = detect_records([get_sample_home() / "mitdb" / "208"]).records[0]
    outside = (whole.peaks < 36000 - 90) | (whole.peaks > 37800 + 90)
    assert abs(found.peaks.size - outside.sum()) <= 2
    report = report_recording(path, fs=360).report
    assert report.loc["ecg", "n_beats"] == found.peaks.size
    assert main(["detect", str(path), "--fs", "360", "--output", str(tmp_path / "p.csv")]) == 0
    assert ("gap: 1800 missing samples; R peaks looked for in its 2 NaN-free stretches"
            in capsys.readouterr().out)

    cut = segment_records([path], fs=360)
    samples = cut.beats.shape[1]
    assert not np.isnan(cut.beats).any() and not np.isnan(cut.rr).any()
    # No beat window reaches into the gap.
    before = round(0.25 * 360)
    starts = cut.peaks - before
    assert not ((starts < 37800) & (starts + samples > 36000)).any()


def test_inputs_of_one_name_in_two_folders_and_one_input_twice(tmp_path):
    # Two rec.csv in different folders had the same record value; one record given twice
    # was processed twice.
    signal = read_mitdb_record("101", data_home=get_sample_home()).signal[: 20 * 360]
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        pd.DataFrame({"ecg": signal}).to_csv(tmp_path / folder / "rec.csv", index=False)
    out = tmp_path / "peaks.csv"
    assert main(["detect", str(tmp_path / "a" / "rec.csv"), str(tmp_path / "b" / "rec.csv"),
                 "--fs", "360", "--output", str(out)]) == 0
    assert pd.read_csv(out)["record"].unique().tolist() == ["a/rec", "b/rec"]
    same = tmp_path / "a" / ".." / "a" / "rec.csv"
    with pytest.raises(ValueError, match="is given twice"):
        expand_inputs([tmp_path / "a" / "rec.csv", same])


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04trunc", b"sample,time_s\n1,2\n"])
def test_predict_with_a_broken_skops_file_says_so(tmp_path, content):
    # A renamed joblib, an empty, a truncated or a CSV file raised zipfile.BadZipFile.
    from sklearn_ecg._cli._commands import load_record_model

    path = tmp_path / "model.skops"
    path.write_bytes(content)
    with pytest.raises(ValueError, match="is not a skops file"):
        load_record_model(path)


def test_predict_with_an_unfitted_model_says_so(tmp_path):
    # A saved unfitted RecordBeatClassifier raised AttributeError: ... 'lead_'.
    from sklearn.linear_model import LogisticRegression

    from sklearn_ecg._cli._commands import load_record_model
    from sklearn_ecg.pipeline import RecordBeatClassifier
    from sklearn_ecg.utils import save_model

    path = tmp_path / "model.skops"
    save_model(RecordBeatClassifier(LogisticRegression()), path)
    with pytest.raises(ValueError, match="never fitted"):
        load_record_model(path)


def test_predict_with_untrusted_types_says_how_to_proceed(tmp_path):
    # An UntrustedTypesFoundException traceback, with no hint how to proceed.
    from sklearn.preprocessing import FunctionTransformer

    from sklearn_ecg._cli._commands import load_record_model
    from sklearn_ecg.pipeline import RecordBeatClassifier
    from sklearn_ecg.utils import save_model

    path = tmp_path / "model.skops"
    save_model(RecordBeatClassifier(FunctionTransformer(os.getcwd)), path)  # not trusted
    with pytest.raises(ValueError, match=r"holds types sklearn-ecg does not trust.*load_model"
                                         r"\(path, trusted=\[\.\.\.\]\)"):
        load_record_model(path)


# -- batches and output paths (issue 31) ---------------------------------------------------


def _batch(tmp_path):
    from sklearn_ecg.datasets import read_signal

    x = read_signal(get_sample_home() / "mitdb" / "208").signal
    folder = tmp_path / "batch"
    folder.mkdir()
    pd.DataFrame({"ecg": x[:18000]}).to_csv(folder / "a.csv", index=False)
    (folder / "b.csv").write_text("")
    pd.DataFrame({"ecg": x[18000:36000]}).to_csv(folder / "c.csv", index=False)
    return folder


@pytest.mark.parametrize("command", [["detect"], ["segment"], ["predict"]])
def test_one_unreadable_file_of_a_batch_is_named_and_the_others_are_done(tmp_path, capsys,
                                                                          command):
    # One empty CSV in a folder aborted the whole batch.
    folder = _batch(tmp_path)
    out = tmp_path / ("out.npz" if command == ["segment"] else "out.csv")
    assert main([*command, str(folder), "--fs", "360", "--output", str(out)]) == 2
    err = capsys.readouterr().err
    assert "b: left out: " in err and "b.csv holds no data rows" in err
    assert "1 of 3 records could not be read and were left out" in err.strip().splitlines()[-1]
    if out.suffix == ".csv":
        assert set(pd.read_csv(out)["record"]) == {"a", "c"}
    else:
        assert set(np.load(out, allow_pickle=True)["records"]) == {"a", "c"}


def test_a_saved_model_skips_an_unreadable_file_of_a_batch_too(tmp_path, capsys):
    from sklearn.linear_model import LogisticRegression

    from sklearn_ecg.datasets import load_mitdb_sample
    from sklearn_ecg.pipeline import RecordBeatClassifier
    from sklearn_ecg.segmentation import RPeakSegmenter

    model = RecordBeatClassifier(LogisticRegression(max_iter=500), quality=None,
                                 segmenter=RPeakSegmenter(fs=360, beat_length=64))
    joblib.dump(model.fit(load_mitdb_sample()[:3]), tmp_path / "m.joblib")
    folder = _batch(tmp_path)
    out = tmp_path / "x.csv"
    argv = ["predict", "--model", str(tmp_path / "m.joblib"), str(folder), "--fs", "360",
            "--output", str(out)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "b: left out: " in err and "1 of 3 records could not be read" in err
    assert set(pd.read_csv(out)["record"]) == {"a", "c"}


# The README's table of what the commands do before any work: each row a case, tested.
COMMAND_BEGIN = "<!-- commands table: generated by tests/test_cli.py -->"
COMMAND_END = "<!-- end of commands table -->"
COMMAND_CASES = {
    "`--output` in a folder that does not exist": (
        ["detect", "{a}", "--fs", "360", "--output", "{tmp}/no/such/p.csv"], "--output"),
    "`--output` naming a folder": (["detect", "{a}", "--fs", "360", "--output", "{tmp}"],
                                   "--output"),
    "`segment --output` elsewhere than .csv or .npz": (
        ["segment", "{a}", "--fs", "360", "--output", "{tmp}/b.txt"], "--output"),
    "`predict --output` in a missing folder": (
        ["predict", "{a}", "--fs", "360", "--output", "{tmp}/no/such/x.csv"], "--output"),
    "`predict --report` in a missing folder": (
        ["predict", "{a}", "--fs", "360", "--report", "{tmp}/no/such/r.html"], "--report"),
    "`report --html` in a missing folder": (
        ["report", "{a}", "--fs", "360", "--html", "{tmp}/no/such/r.html"], "--html"),
    "`segment --n-samples 0`": (
        ["segment", "{a}", "--fs", "360", "--n-samples", "0", "--output", "{tmp}/b.npz"],
        "--n-samples"),
    "`segment --before -1`": (
        ["segment", "{a}", "--fs", "360", "--before", "-1", "--output", "{tmp}/b.npz"],
        "--before"),
    "`predict --column` that the file lacks": (
        ["predict", "{a}", "--fs", "360", "--column", "nope"], "--column"),
}


@pytest.mark.parametrize("case", list(COMMAND_CASES))
def test_bad_options_are_refused_before_the_work(tmp_path, capsys, case):
    # Output paths failed at the end, after all the work, with pandas' or the OS's text;
    # --n-samples and --before named the Python parameter; predict ignored --column.
    argv, option = COMMAND_CASES[case]
    folder = _batch(tmp_path)
    argv = [a.format(a=folder / "a.csv", tmp=tmp_path) for a in argv]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # nothing was detected, classified or reported first
    err = captured.err.strip().splitlines()
    assert len(err) == 1 and f"error: {option} " in err[0], err


def commands_table():
    """The README's table of refused options, from COMMAND_CASES."""
    lines = ["| command line | what happens |", "| --- | --- |"]
    lines += [f"| {case} | exit 2 before any work, one line naming `{option}` |"
              for case, (_, option) in COMMAND_CASES.items()]
    lines.append("| a folder of which one file cannot be read | that file named and left out, "
                 "the others done and written, exit 2 at the end |")
    return "\n".join(lines)


def test_readme_commands_table_is_the_tested_one():
    from pathlib import Path

    text = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    block = text[text.index(COMMAND_BEGIN) + len(COMMAND_BEGIN):text.index(COMMAND_END)].strip()
    assert block == commands_table(), "run: python tests/test_cli.py, paste in README"


if __name__ == "__main__":
    print(commands_table())


def test_n_samples_errors_name_the_option(tmp_path, capsys):
    folder = _batch(tmp_path)
    argv = ["segment", str(folder / "a.csv"), "--fs", "360", "--n-samples", "0",
            "--output", str(tmp_path / "b.npz")]
    assert main(argv) == 2
    assert "--n-samples must be a positive number" in capsys.readouterr().err
