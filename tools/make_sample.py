"""Regenerate the sample bundled in ``sklearn_ecg/datasets/data/`` from a data home.

Run from the repository root, with the full databases in a data home::

    SKLEARN_ECG_DATA=/path/to/data python tools/make_sample.py

What it writes (and ``data/README.md`` repeats, with the attributions):

- ``mitdb/``: for each record of ``MITDB_SAMPLE_RECORDS``, the five-minute
  window (starting on a multiple of 10 s) that holds the most kinds of S, V
  and F beats, then the most S, V, F and Q beats; lead MLII only, written
  back as WFDB (format 212, the original gain and baseline, so the digital
  samples are the original ones), with the header comments and the
  annotations inside the window, shifted to start at 0. No annotation is
  added.
- ``ecgiddb/``: the first three records of the first ten persons who have at
  least three, copied unchanged.
- ``smart-garment/``: the header and first 10 s (5,000 rows) of each CSV,
  copied line by line and gzip-compressed.

It prints the AAMI class count of each MIT-BIH excerpt, and the total size.
"""

import argparse
import gzip
import shutil
import sys
from pathlib import Path

import numpy as np
import wfdb

# Read with the checkout's own readers, installed or not.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from sklearn_ecg.datasets import (  # noqa: E402
    AAMI_CLASSES,
    GARMENT_ACTIVITIES,
    aami_class,
    get_data_home,
    list_ecgid_records,
    read_mitdb_record,
)

# Eight patients, no paced record (102 104 107 217), chosen for the AAMI
# classes: 101 normal (and Q), 119 V, 124 S V F, 201 S V F, 207 S V and
# ventricular flutter, 208 V F, 209 S, 223 S V F.
MITDB_SAMPLE_RECORDS = ("101", "119", "124", "201", "207", "208", "209", "223")
MITDB_LEAD = "MLII"
WINDOW_SECONDS = 300
STEP_SECONDS = 10
ECGID_PERSONS = 10
ECGID_RECORDS_PER_PERSON = 3
GARMENT_SECONDS = 10
GARMENT_FS = 500

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "sklearn_ecg" / "datasets" / "data"

README_HEAD = """\
# The sample bundled with sklearn-ecg

A small excerpt of each database, laid out like a data home so that the same
readers read it (`sklearn_ecg.datasets.get_sample_home()`), and examples and
tests run with no download. It was written by `tools/make_sample.py` from the
full databases; run that script to regenerate it. Everything here keeps the
license of its database; the attributions below travel with the sample.

## mitdb/ — MIT-BIH Arrhythmia Database (excerpts)

Kept (everything else was cut): {n_mitdb} of the 48 records ({records}),
one patient each and no paced record; from each, one window of {minutes} minutes
({window} samples at 360 Hz), and of its two leads only MLII. The window of
each record is the one (starting on a multiple of {step} s) that holds the
most kinds of S, V and F beats, then the most S, V, F and Q beats. The signal
is written back in WFDB format 212 with the original gain and baseline (the
digital samples are unchanged), the header keeps its comments, and `.atr`
holds the original annotations that fall inside the window, shifted so that
the window starts at sample 0 (no annotation was added: a rhythm that began
before the window has no `+` annotation at its start). The table gives where
each window starts in the original record and its AAMI beat classes.

| record | start sample | start time | N | S | V | F | Q | VF episodes |
|---|---|---|---|---|---|---|---|---|
{table}

- Source: Moody GB, Mark RG. The impact of the MIT-BIH Arrhythmia Database.
  IEEE Eng in Med and Biol 20(3):45-50 (2001); Goldberger AL et al., PhysioBank,
  PhysioToolkit, and PhysioNet, Circulation 101(23) (2000).
  https://physionet.org/content/mitdb/1.0.0/
- License: Open Data Commons Attribution 1.0.

## ecgiddb/ — ECG-ID Database (subset)

Kept (everything else was cut): the first {ecgid_per} records
(`rec_1` to `rec_{ecgid_per}`) of
{n_persons} persons: {persons}
(the first {n_persons} who have at least {ecgid_per} records). Both channels
(`ECG I`, `ECG I filtered`) are kept and the `.hea`, `.dat` and `.atr` files
are copied unchanged.

- Source: Lugovaya TS. Biometric human identification based on
  electrocardiogram. Master's thesis, Saint-Petersburg Electrotechnical
  University "LETI" (2005); PhysioNet. https://physionet.org/content/ecgiddb/1.0.0/
- License: Open Data Commons Attribution 1.0.

## smart-garment/ — multichannel ECG from a sensing jacket (first 10 s)

Kept (everything else was cut): the header line and the first {garment_rows} rows
({garment_seconds} s at 500 Hz) of each of the four CSVs:
{garment}.
The lines are copied unchanged, then gzip-compressed (`<name>.csv.gz`).
Columns `ecg1` … `ecg5` (volts) and `tstamp` (a full timestamp only in the
sitting file).

- Source: the Deep-XF project by Ajay Arunachalam, MIT License, Copyright
  2021-2022. https://github.com/ajayarunachalam/Deep_XF
"""


def best_window(samples, labels, sig_len, window, step):
    """Return the start of the window with the most kinds of S, V and F beats,
    then the most S, V, F and Q beats."""
    ectopic = np.isin(labels, ["S", "V", "F"])
    rare = ectopic | (labels == "Q")
    best_start, best_score = 0, None
    for start in range(0, sig_len - window + 1, step):
        inside = (samples >= start) & (samples < start + window)
        score = (len(set(labels[inside & ectopic])), int(np.sum(inside & rare)))
        if best_score is None or score > best_score:
            best_start, best_score = start, score
    return best_start


def write_mitdb(source, out):
    folder = out / "mitdb"
    folder.mkdir(parents=True)
    rows = []
    window = WINDOW_SECONDS * 360
    for record in MITDB_SAMPLE_RECORDS:
        path = str(source / "mitdb" / record)
        header = wfdb.rdheader(path)
        if MITDB_LEAD not in header.sig_name:
            raise ValueError(f"record {record} has no lead {MITDB_LEAD}")
        fs = int(header.fs)
        ann = wfdb.rdann(path, "atr")
        samples = np.asarray(ann.sample)
        labels = aami_class(ann.symbol)
        start = best_window(samples, labels, header.sig_len, window,
                            STEP_SECONDS * fs)
        stop = start + window

        excerpt = wfdb.rdrecord(path, sampfrom=start, sampto=stop, physical=False,
                                channels=[header.sig_name.index(MITDB_LEAD)])
        excerpt.record_name = record
        excerpt.file_name = [f"{record}.dat"]
        # Signed, as in the PhysioNet headers (wfdb would write it unsigned).
        excerpt.checksum = [c - 65536 if c >= 32768 else c
                            for c in excerpt.calc_checksum()]
        excerpt.wrsamp(write_dir=str(folder))

        inside = np.flatnonzero((samples >= start) & (samples < stop))
        wfdb.wrann(
            record, "atr",
            sample=samples[inside] - start,
            symbol=[ann.symbol[i] for i in inside],
            subtype=np.asarray(ann.subtype)[inside],
            chan=np.asarray(ann.chan)[inside],
            num=np.asarray(ann.num)[inside],
            aux_note=[ann.aux_note[i] for i in inside],
            write_dir=str(folder),
        )

        written = read_mitdb_record(record, out)
        original = read_mitdb_record(record, source, sampfrom=start, sampto=stop)
        for field in ("signal", "r_peaks", "annotation_samples",
                      "vf_episodes"):
            np.testing.assert_array_equal(written[field], original[field])
        counts = [int(np.sum(written.beat_labels == c)) for c in AAMI_CLASSES]
        minutes, seconds = divmod(start // fs, 60)
        rows.append((record, start, f"{minutes}:{seconds:02d}", *counts,
                     len(written.vf_episodes)))
    return rows


def write_ecgid(source, out):
    records = list_ecgid_records(source)
    persons = []
    for person in sorted({p for p, _ in records}):
        numbers = {r for p, r in records if p == person}
        if set(range(1, ECGID_RECORDS_PER_PERSON + 1)) <= numbers:
            persons.append(person)
    persons = persons[:ECGID_PERSONS]
    for person in persons:
        folder = out / "ecgiddb" / f"Person_{person:02d}"
        folder.mkdir(parents=True)
        for record in range(1, ECGID_RECORDS_PER_PERSON + 1):
            for extension in ("hea", "dat", "atr"):
                name = f"rec_{record}.{extension}"
                shutil.copyfile(source / "ecgiddb" / folder.name / name,
                                folder / name)
    return persons


def write_garment(source, out):
    folder = out / "smart-garment"
    folder.mkdir(parents=True)
    n_lines = 1 + GARMENT_SECONDS * GARMENT_FS
    for name in GARMENT_ACTIVITIES.values():
        with open(source / "smart-garment" / name, "rb") as file:
            lines = [line for _, line in zip(range(n_lines), file)]
        # mtime=0 keeps the bytes the same from one run to the next.
        with open(folder / f"{name}.gz", "wb") as raw, gzip.GzipFile(
            filename=name, mode="wb", fileobj=raw, compresslevel=9, mtime=0
        ) as file:
            file.writelines(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-home", default=None,
                        help="the full data home (default: SKLEARN_ECG_DATA, "
                             "then ~/sklearn_ecg_data)")
    parser.add_argument("--out", default=str(DEFAULT_OUT),
                        help="where to write the sample (default: %(default)s)")
    args = parser.parse_args(argv)
    source = get_data_home(args.data_home)
    out = Path(args.out)

    # Only the three folders this script writes are replaced.
    for name in ("mitdb", "ecgiddb", "smart-garment"):
        if (out / name).exists():
            shutil.rmtree(out / name)
    out.mkdir(parents=True, exist_ok=True)

    rows = write_mitdb(source, out)
    persons = write_ecgid(source, out)
    write_garment(source, out)

    table = "\n".join("| " + " | ".join(str(v) for v in row) + " |"
                      for row in rows)
    totals = np.sum([row[3:8] for row in rows], axis=0)
    table += "\n| total | | | " + " | ".join(str(v) for v in totals) + " | |"
    (out / "README.md").write_text(README_HEAD.format(
        n_mitdb=len(MITDB_SAMPLE_RECORDS),
        records=", ".join(MITDB_SAMPLE_RECORDS),
        minutes=WINDOW_SECONDS // 60,
        window=WINDOW_SECONDS * 360,
        step=STEP_SECONDS,
        table=table,
        ecgid_per=ECGID_RECORDS_PER_PERSON,
        n_persons=len(persons),
        persons=", ".join(str(p) for p in persons),
        garment=", ".join(GARMENT_ACTIVITIES.values()),
        garment_rows=GARMENT_SECONDS * GARMENT_FS,
        garment_seconds=GARMENT_SECONDS,
    ), encoding="utf-8")

    print("record  start   " + "  ".join(f"{c:>4}" for c in AAMI_CLASSES) + "  VF")
    for record, start, _, *counts, n_vf in rows:
        print(f"{record:>6}  {start:>6}  " + "  ".join(f"{c:>4}" for c in counts)
              + f"  {n_vf:>2}")
    print(" total          " + "  ".join(f"{c:>4}" for c in totals))
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"ECG-ID persons: {persons}")
    print(f"sample size: {size / 1e6:.2f} MB in {out}")


if __name__ == "__main__":
    main()
