"""The one reader of records and files, on files as users write them (issue 31)."""

import numpy as np
import pandas as pd
import pytest

from sklearn_ecg._cli import main
from sklearn_ecg.datasets import get_sample_home, read_recording, read_signal

RECORD = get_sample_home() / "mitdb" / "208"


@pytest.fixture(scope="module")
def ecg():
    """Ten seconds of MIT-BIH record 208 (360 Hz), rounded as a CSV would hold them."""
    return np.round(read_signal(RECORD).signal[:3600], 3)


def _close(a, b):
    return a.shape == b.shape and np.allclose(a, b, atol=1e-9)


def test_a_wfdb_export_with_ecg1_ecg2_columns_is_read_at_its_time_index_rate(tmp_path, ecg):
    # wfdb's Record.to_dataframe() of an SVDB record: a timedelta index, ECG1 and ECG2
    # columns. It was taken for the jacket's format and read at 500 Hz, silently.
    frame = pd.DataFrame({"ECG1": ecg, "ECG2": -ecg},
                         index=pd.to_timedelta(np.arange(ecg.size) / 128, unit="s"))
    path = tmp_path / "803.csv"
    frame.to_csv(path)
    rec = read_recording(path)
    assert rec.fs == 128.0 and rec.leads == ("ECG1", "ECG2")
    assert "time column" in rec.fs_source
    assert _close(rec.signal[:, 1], -ecg)


def test_ecg1_ecg2_without_a_time_column_needs_fs(tmp_path, ecg):
    path = tmp_path / "x.csv"
    pd.DataFrame({"ECG1": ecg, "ECG2": ecg}).to_csv(path, index=False)
    with pytest.raises(ValueError, match=r"fs is required for x\.csv"):
        read_recording(path)
    assert read_recording(path, fs=128).fs_source == "given"


def test_the_jackets_columns_are_read_at_500_hz_and_it_is_said(tmp_path):
    path = get_sample_home() / "smart-garment" / "Sitting_data.csv.gz"
    rec = read_recording(path)
    assert rec.fs == 500.0 and rec.leads == tuple(f"ecg{i}" for i in range(1, 6))
    assert "jacket" in rec.fs_source


@pytest.mark.parametrize("name, scale", [("time", 1.0), ("Time (s)", 1.0), ("t", 1.0),
                                         ("time_ms", 1000.0), ("Time (ms)", 1000.0)])
def test_a_time_column_is_not_a_signal_and_gives_the_rate(tmp_path, ecg, name, scale):
    # It was the first numeric column, so the one read: 1 R peak, exit 0.
    path = tmp_path / "t.csv"
    pd.DataFrame({name: np.arange(ecg.size) / 360 * scale, "ecg": ecg}).to_csv(path, index=False)
    rec = read_signal(path)
    assert rec.fs == 360.0 and rec.lead == "ecg" and _close(rec.signal, ecg)
    with pytest.raises(ValueError, match=r"fs 250 disagrees with t\.csv's time column"):
        read_signal(path, fs=250)


def test_a_sample_number_column_is_not_a_signal(tmp_path, ecg):
    path = tmp_path / "n.csv"
    pd.DataFrame({"sample": np.arange(ecg.size), "ecg": ecg}).to_csv(path, index=False)
    rec = read_signal(path, fs=360)
    assert rec.lead == "ecg" and _close(rec.signal, ecg)


def test_european_csv_semicolons_and_decimal_commas(tmp_path, ecg):
    # Parsed into garbage and "detected" (167 peaks, exit 0).
    path = tmp_path / "eu.csv"
    lines = ["zeit;ableitung"] + [f"{i / 360:.5f};{v:.3f}".replace(".", ",")
                                  for i, v in enumerate(ecg)]
    path.write_text("\n".join(lines) + "\n")
    rec = read_signal(path, fs=360)
    assert rec.lead == "ableitung" and _close(rec.signal, ecg)


def test_a_csv_without_header_keeps_its_first_sample(tmp_path, ecg):
    # The first sample became the column name: every peak index off by one.
    path = tmp_path / "raw.csv"
    np.savetxt(path, ecg, fmt="%.3f")
    rec = read_signal(path, fs=360)
    assert _close(rec.signal, ecg) and rec.lead == "0"
    two = tmp_path / "two.csv"
    np.savetxt(two, np.c_[ecg, -ecg], fmt="%.3f", delimiter=",")
    assert _close(read_signal(two, fs=360, column="1").signal, -ecg)


def test_tab_and_space_separated_files(tmp_path, ecg):
    for name, sep in (("x.tsv", "\t"), ("x.txt", " ")):
        path = tmp_path / name
        pd.DataFrame({"time": np.arange(ecg.size) / 360, "ecg": ecg}).to_csv(
            path, sep=sep, index=False)
        rec = read_signal(path)
        assert rec.fs == 360.0 and _close(rec.signal, ecg)


def test_a_text_cell_in_the_signal_is_named(tmp_path, ecg):
    cells = ecg.astype(str).astype(object)
    cells[1234] = "lead off"
    path = tmp_path / "off.csv"
    pd.DataFrame({"ecg": cells}).to_csv(path, index=False)
    with pytest.raises(ValueError, match=r"column 'ecg' holds 'lead off' in data row 1235"):
        read_signal(path, fs=360)


def test_blank_cells_are_missing_samples_and_text_columns_are_not_signals(tmp_path, ecg):
    cells = ecg.astype(str).astype(object)
    cells[10] = ""
    path = tmp_path / "gap.csv"
    pd.DataFrame({"label": ["N"] * ecg.size, "ecg": cells}).to_csv(path, index=False)
    rec = read_signal(path, fs=360)
    assert rec.lead == "ecg" and np.isnan(rec.signal[10]) and np.isnan(rec.signal).sum() == 1


def test_utf16_csv(tmp_path, ecg):
    path = tmp_path / "u.csv"
    pd.DataFrame({"ecg": ecg}).to_csv(path, index=False, encoding="utf-16")
    assert _close(read_signal(path, fs=360).signal, ecg)


def test_edf_files_are_read(tmp_path):
    # They gave a UTF-8 decoding error.
    from wfdb.io.convert.edf import wfdb_to_edf

    path = tmp_path / "208.edf"
    wfdb_to_edf(str(RECORD), output_filename=str(path))
    original = read_signal(RECORD).signal
    rec = read_signal(path)
    assert rec.fs == 360.0 and rec.lead == "MLII"
    # EDF holds 16-bit samples in whole data records: the same signal, padded at the end.
    assert np.allclose(rec.signal[:original.size], original, atol=0.01)
    with pytest.raises(ValueError, match="lead 'V1'"):
        read_signal(path, lead="V1")
    renamed = tmp_path / "208.dat.bin"
    renamed.write_bytes(path.read_bytes())
    assert read_recording(renamed).fs == 360.0  # recognised by its header, not its name


def test_binary_files_are_refused_by_name(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(ValueError, match=r"x\.csv is a binary file"):
        read_signal(path, fs=360)


def test_the_command_line_says_where_the_rate_comes_from(tmp_path, ecg, capsys):
    path = tmp_path / "t.csv"
    pd.DataFrame({"time": np.arange(ecg.size) / 360, "ecg": ecg}).to_csv(path, index=False)
    assert main(["detect", str(path), "--output", str(tmp_path / "p.csv")]) == 0
    out = capsys.readouterr().out
    assert "read at 360 Hz, the rate of its time column 'time'" in out
    peaks = pd.read_csv(tmp_path / "p.csv")
    assert 10 <= len(peaks) <= 16  # 10 s of record 208: about 13 beats, not 1
    assert main(["detect", str(path), "--fs", "250"]) == 2
    assert "--fs 250 disagrees with t.csv's time column" in capsys.readouterr().err


# -- the README's table of files: each row a case below, tested --------------------------

FILES_BEGIN = "<!-- files table: generated by tests/test_reader.py -->"
FILES_END = "<!-- end of files table -->"


def _write(kind):
    """A function ``(folder, ecg) -> path`` writing 10 s of record 208 as ``kind``."""
    def write(folder, ecg):
        n = np.arange(ecg.size)
        path = folder / "rec.csv"
        if kind == "wfdb export":
            pd.DataFrame({"ECG1": ecg, "ECG2": ecg},
                         index=pd.to_timedelta(n / 360, unit="s")).to_csv(path)
        elif kind == "ECG1, ECG2":
            pd.DataFrame({"ECG1": ecg, "ECG2": ecg}).to_csv(path, index=False)
        elif kind == "time column":
            pd.DataFrame({"time": n / 360, "ecg": ecg}).to_csv(path, index=False)
        elif kind == "time in ms":
            pd.DataFrame({"Time (ms)": n / 0.36, "ecg": ecg}).to_csv(path, index=False)
        elif kind == "sample numbers":
            pd.DataFrame({"sample": n, "ecg": ecg}).to_csv(path, index=False)
        elif kind == "european":
            path.write_text("ecg;v1\n" + "".join(
                f"{v:.3f};{v:.3f}\n".replace(".", ",") for v in ecg))
        elif kind == "no header":
            np.savetxt(path, ecg, fmt="%.3f")
        elif kind == "tabs":
            pd.DataFrame({"ecg": ecg}).to_csv(path, sep="\t", index=False)
        elif kind == "text cell":
            cells = ecg.astype(str).astype(object)
            cells[100] = "lead off"
            pd.DataFrame({"ecg": cells}).to_csv(path, index=False)
        elif kind == "blank cell":
            cells = ecg.astype(str).astype(object)
            cells[100] = ""
            pd.DataFrame({"ecg": cells}).to_csv(path, index=False)
        elif kind == "utf-16":
            pd.DataFrame({"ecg": ecg}).to_csv(path, index=False, encoding="utf-16")
        elif kind == "edf":
            from wfdb.io.convert.edf import wfdb_to_edf

            path = folder / "rec.edf"
            wfdb_to_edf(str(RECORD), output_filename=str(path))
        elif kind == "binary":
            path.write_bytes(bytes(range(256)) * 8)
        elif kind == "jacket":
            path = get_sample_home() / "smart-garment" / "Sitting_data.csv.gz"
        return path
    return write


def _reads(fs, n_leads=1, nan=0):
    def check(rec, ecg):
        same = rec.signal[:ecg.size, 0]
        return (rec.fs == fs and rec.signal.shape[1] == n_leads
                and int(np.isnan(rec.signal).sum()) == nan
                and (nan or fs != 360 or np.allclose(same, ecg, atol=0.01)))
    return check


# case: (file, fs given, ("reads", check) or ("error", message), what the table says)
FILES = {
    "wfdb's `to_dataframe()` export (ECG1, ECG2, time index)": (
        "wfdb export", None, ("reads", _reads(360.0, n_leads=2)),
        "both leads, at the rate of its time index"),
    "columns ECG1, ECG2, no time column": (
        "ECG1, ECG2", None, ("error", "fs is required for rec.csv"), "error: fs required"),
    "the jacket's columns ecg1 ... ecg5": (
        "jacket", None, ("reads", _reads(500.0, n_leads=5)),
        "500 Hz, and `fs_source` (the command line) says so"),
    "a `time` column": (
        "time column", None, ("reads", _reads(360.0)), "not a signal: gives the rate"),
    "a time column in ms": ("time in ms", None, ("reads", _reads(360.0)), "the same"),
    "a time column, `fs` disagreeing": (
        "time column", 250.0, ("error", "fs 250 disagrees with rec.csv's time column"),
        "error: fs disagrees"),
    "a sample-number column": (
        "sample numbers", 360.0, ("reads", _reads(360.0)), "not a signal: left out"),
    "`;` and decimal commas": (
        "european", 360.0, ("reads", _reads(360.0, n_leads=2)), "read as meant"),
    "no header row": ("no header", 360.0, ("reads", _reads(360.0)), "first row is data"),
    "tab-separated": ("tabs", 360.0, ("reads", _reads(360.0)), "read"),
    "a text cell (`lead off`)": (
        "text cell", 360.0, ("error", "column 'ecg' holds 'lead off' in data row 101"),
        "error naming the cell and row"),
    "a blank cell": ("blank cell", 360.0, ("reads", _reads(360.0, nan=1)), "a NaN sample"),
    "UTF-16": ("utf-16", 360.0, ("reads", _reads(360.0)), "read"),
    "EDF": ("edf", None, ("reads", _reads(360.0)), "read (wfdb's EDF reader)"),
    "a binary file": ("binary", 360.0, ("error", "rec.csv is a binary file"),
                      "error: not a text file"),
}


@pytest.mark.parametrize("case", list(FILES))
def test_files_as_users_write_them(tmp_path, ecg, case):
    kind, fs, (outcome, check), _ = FILES[case]
    path = _write(kind)(tmp_path, ecg)
    if outcome == "error":
        with pytest.raises(ValueError, match=check):
            read_recording(path, fs=fs)
    else:
        assert check(read_recording(path, fs=fs), ecg)


def files_table():
    """The README's table of files, from FILES."""
    lines = ["| file | `read_recording(path, fs=fs)` |", "| --- | --- |"]
    lines += [f"| {case} | {cell[3]} |" for case, cell in FILES.items()]
    return "\n".join(lines)


def test_readme_files_table_is_the_tested_one():
    from pathlib import Path

    text = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    block = text[text.index(FILES_BEGIN) + len(FILES_BEGIN):text.index(FILES_END)].strip()
    assert block == files_table(), "run: python tests/test_reader.py, paste in README"


if __name__ == "__main__":
    print(files_table())
