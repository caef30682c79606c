"""Tests of the command line: the main job and the per-file commands."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from sklearn_ecg.__main__ import main
from sklearn_ecg.datasets import get_sample_home, load_garment_sample


def test_demo_runs_on_the_bundled_sample(tmp_path, capsys):
    assert main(["demo", "--output", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "[4/4]" in out and "predicts the same: True" in out
    assert (tmp_path / "beats.npz").exists()
    assert (tmp_path / "baseline_pipeline.joblib").exists()
    total = next(line for line in out.splitlines() if line.split() and line.split()[0] == "total")
    se, ppv = map(float, total.split()[2:4])
    assert se > 99 and ppv > 99


def test_segment_wfdb_record_to_csv(tmp_path):
    out = tmp_path / "beats.csv"
    record = get_sample_home() / "mitdb" / "208"
    assert main(["segment", str(record), "--n-samples", "100", "--output", str(out)]) == 0
    table = pd.read_csv(out)
    assert table.shape[1] == 1 + 100 + 5
    assert table.columns[0] == "sample" and table.columns[-1] == "rr_next_ratio"
    assert len(table) > 400


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
        (["detect", "{garment}"], "--fs is required"),
        (["detect", "{record}", "--fs", "250"], "disagrees with the record's header"),
        (["detect", "{record}", "--lead", "V1"], "--lead 'V1'"),
        (["detect", "{bad}", "--fs", "500"], "no numeric column"),
    ],
)
def test_input_errors_end_with_one_line(tmp_path, capsys, argv, message):
    garment = tmp_path / "g.csv"
    load_garment_sample("sitting").to_csv(garment, index=False)
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\nx,y\n")
    record = get_sample_home() / "mitdb" / "101"
    argv = [a.format(garment=garment, record=record, bad=bad) for a in argv]
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
