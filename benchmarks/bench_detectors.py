"""R-peak detector benchmark on the MIT-BIH Arrhythmia records of the data home.

Runs every detector of :data:`sklearn_ecg.segmentation.DETECTORS` over every
MIT-BIH record found in ``$SKLEARN_ECG_DATA/mitdb`` (lead MLII, or V5 for the
records without it) and prints a Markdown table: sensitivity and positive
predictivity (150 ms matching window, ventricular flutter episodes excluded, as in
AAMI EC57), mean absolute timing error of matched peaks after delay correction, and
seconds per 30-minute record (wall-clock time of detection and correction alone,
measured on this machine in this run).

Usage::

    SKLEARN_ECG_DATA=../shared/data python benchmarks/bench_detectors.py [--detectors a,b] [--records 101,108]
"""

import argparse

from sklearn_ecg.datasets import list_mitdb_records, read_mitdb_record
from sklearn_ecg.segmentation import DETECTORS, evaluate_detector


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--detectors", default=",".join(DETECTORS))
    parser.add_argument("--records", default=None, help="comma-separated; default all in the data home")
    parser.add_argument("--data-home", default=None)
    args = parser.parse_args(argv)
    records = args.records.split(",") if args.records else list_mitdb_records(args.data_home)
    if not records:
        raise SystemExit("no MIT-BIH records found: set SKLEARN_ECG_DATA or --data-home")
    data = [read_mitdb_record(r, args.data_home, lead=("MLII", "V5")) for r in records]
    print(f"{len(data)} records: {' '.join(records)}\n")
    print("| detector | Se (%) | +P (%) | FN | FP | mean abs. error (ms) | s / 30-min record |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name in args.detectors.split(","):
        t = evaluate_detector(data, name).loc["total"]
        print(
            f"| {name} | {100 * t.sensitivity:.2f} | {100 * t.positive_predictivity:.2f} "
            f"| {int(t.fn)} | {int(t.fp)} | {t.mean_abs_error_ms:.1f} | {t.seconds:.2f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
