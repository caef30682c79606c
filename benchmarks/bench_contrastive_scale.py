"""Pretraining ContrastiveEncoder on every unlabelled recording of a data home, within bounded memory.

Every lead of every record of every database in the data home (MIT-BIH, ECG-ID,
the smart-garment jacket) is resampled to one rate, cut into z-scored windows
and written to a memory-mapped ``.npy`` file by
:func:`~sklearn_ecg.datasets.write_unlabelled_segments`, one record at a time;
then the encoder pretrains on the memory-mapped array in place (only the rows of
each batch are read), with the positives of ``--positives``. The script prints
the number of segments, the file's size, the time of each step and the peak
memory of the process (``ru_maxrss``, which counts the pages of the file that were
read as well as the process's own memory; ``RssAnon`` is the latter alone).

By default the encoder trains for one epoch on every ``k``-th segment (a strided
view of the file, still memory-mapped), about ``--segments`` of them; ``--full``
trains on all.

Usage::

    SKLEARN_ECG_DATA=../shared/data python benchmarks/bench_contrastive_scale.py \\
        [--segments 4096] [--full] [--epochs 1] [--positives adjacent] [--tiny]
"""

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from sklearn_ecg.datasets import get_data_home, write_unlabelled_segments
from sklearn_ecg.neural import ContrastiveEncoder

TINY = dict(conv_filters=(8, 8), kernel_size=3, embedding_dim=8, projection_units=(16,))


def _memory():
    """Peak resident memory (ru_maxrss) and the current anonymous and file-backed parts, in MiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    peak = peak / 1024 if sys.platform != "darwin" else peak / 2**20
    status = {}
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("RssAnon", "RssFile", "VmHWM"):
                status[key] = int(value.split()[0]) / 1024
    except OSError:
        pass
    return peak, status


def _print_memory(what):
    peak, status = _memory()
    parts = ", ".join(f"{k} {v:,.0f} MiB" for k, v in status.items())
    print(f"  memory after {what}: peak (ru_maxrss) {peak:,.0f} MiB" + (f"; now {parts}" if parts else ""))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-home", default=None,
                        help="the data home (default: SKLEARN_ECG_DATA, see get_data_home)")
    parser.add_argument("--output", default=None,
                        help="the .npy file to write (default: in a temporary folder, deleted)")
    parser.add_argument("--fs", type=float, default=125.0)
    parser.add_argument("--segment-length", type=int, default=250)
    parser.add_argument("--segments", type=int, default=4096,
                        help="train on about this many segments, every k-th of the file")
    parser.add_argument("--full", action="store_true", help="train on every segment")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--positives", default="adjacent", choices=["augment", "adjacent", "lead"])
    parser.add_argument("--tiny", action="store_true", help="a tiny network (a quick smoke run)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    home = get_data_home(args.data_home)
    folder = None
    if args.output is None:
        folder = tempfile.TemporaryDirectory()
        path = Path(folder.name) / "unlabelled_segments.npy"
    else:
        path = Path(args.output)
    print(f"data home: {home}")
    _print_memory("start")

    start = time.perf_counter()
    data = write_unlabelled_segments(path, home, fs=args.fs, segment_length=args.segment_length)
    write_time = time.perf_counter() - start
    n = len(data.X)
    databases, counts = np.unique([r.split("/")[0] for r in data.record], return_counts=True)
    print(f"segments: {n:,} of {args.segment_length} samples at {args.fs:g} Hz "
          f"({', '.join(f'{d} {c:,}' for d, c in zip(databases, counts, strict=True))}), "
          f"{len(np.unique(data.subject))} subjects, {len(np.unique(data.record))} records, "
          f"{len(data.skipped)} windows left out")
    print(f"file: {path.stat().st_size / 2**20:,.1f} MiB ({path}); written in {write_time:.1f} s")
    metadata = sum(data[k].nbytes for k in ("subject", "record", "lead", "start"))
    print(f"metadata in memory: {metadata / 2**20:,.1f} MiB")
    _print_memory("writing")

    stride = 1 if args.full else max(1, n // args.segments)
    X = data.X[::stride]  # a view: still the file's memory
    meta = {k: data[k][::stride] for k in ("record", "lead", "start")}
    params = dict(TINY) if args.tiny else {}
    enc = ContrastiveEncoder(positives=args.positives, epochs=args.epochs,
                             batch_size=args.batch_size, random_state=args.seed, **params)
    start = time.perf_counter()
    enc.fit(X, **(meta if args.positives != "augment" else {}))
    fit_time = time.perf_counter() - start
    which = "every segment" if stride == 1 else f"every {stride}th segment"
    print(f"pretraining: {len(X):,} segments ({which} of the file, "
          f"memory-mapped: {isinstance(X, np.memmap)}), positives={args.positives!r} "
          f"({enc.n_without_partner_ or 0} without a partner), {args.epochs} epoch(s), "
          f"batch {args.batch_size}, {'tiny' if args.tiny else 'default'} network: "
          f"{fit_time:.1f} s ({len(X) * args.epochs / fit_time:,.0f} segments/s), "
          f"loss {enc.history_['loss'][-1]:.3f}")
    _print_memory("pretraining")
    peak, _ = _memory()
    print(f"PEAK memory of the process: {peak:,.0f} MiB (a 24 GB machine has {24e9 / 2**20:,.0f} MiB)")
    del X, data
    if folder is not None:
        folder.cleanup()


if __name__ == "__main__":
    main()
