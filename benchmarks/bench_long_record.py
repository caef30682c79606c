"""A 24-hour, two-lead record segmented in bounded memory, beside the 30-minute figure.

The 24-hour record is synthetic: both leads of a real 30-minute MIT-BIH record
tiled 48 times (31.1 million samples per lead at 360 Hz) and stored as a float32
``.npy`` file that is memory-mapped, as a Holter export would be. Each
measurement runs in a fresh process, so that its peak resident memory
(``ru_maxrss``) is its own; NumPy's own peak allocation (tracemalloc) is printed
beside it, and the size of the beats returned, which any caller must hold.

- 30 min, single pass: the record in memory, ``RPeakSegmenter().segment``;
- 30 min, chunked: ``chunk_duration=600``, peaks compared with the single pass;
- 24 h, chunked: the memory-mapped record, ``chunk_duration=600``.

Usage::

    SKLEARN_ECG_DATA=../../shared/data python benchmarks/bench_long_record.py [--record 101]
"""

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

CHILD = r"""
import json, resource, sys, time, tracemalloc
import numpy as np
from sklearn_ecg.segmentation import RPeakSegmenter
path, chunk = sys.argv[1], sys.argv[2]
signal = np.load(path, mmap_mode="r" if chunk != "none" else None)
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
tracemalloc.start()
start = time.perf_counter()
seg = RPeakSegmenter(fs=360.0, chunk_duration=None if chunk == "none" else float(chunk))
out = seg.segment(signal)
seconds = time.perf_counter() - start
_, peak = tracemalloc.get_traced_memory()
np.save(sys.argv[3], out.detected)
print(json.dumps(dict(seconds=seconds, traced_peak=peak, beats=len(out.beats),
                      beats_bytes=out.beats.nbytes + out.rr.nbytes,
                      maxrss=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
                      maxrss_before=base * 1024, hours=len(signal) / 360.0 / 3600)))
"""


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", default="101")
    parser.add_argument("--hours", type=float, default=24.0)
    parser.add_argument("--chunk", type=float, default=600.0)
    parser.add_argument("--data-home", default=None)
    args = parser.parse_args(argv)

    from sklearn_ecg.datasets import read_mitdb_record

    record = read_mitdb_record(args.record, args.data_home, all_leads=True)
    signal = np.asarray(record.signal, dtype=np.float32)
    if signal.ndim == 1:
        signal = signal[:, None]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        np.save(tmp / "short.npy", signal)
        n_tiles = int(round(args.hours * 3600 * record.fs / len(signal)))
        long = np.lib.format.open_memmap(tmp / "long.npy", mode="w+", dtype=np.float32,
                                         shape=(n_tiles * len(signal), signal.shape[1]))
        for i in range(n_tiles):
            long[i * len(signal):(i + 1) * len(signal)] = signal
        long.flush()
        del long

        runs = {
            "30 min, single pass": ("short.npy", "none"),
            f"30 min, chunks of {args.chunk:g} s": ("short.npy", str(args.chunk)),
            f"{args.hours:g} h memory-mapped, chunks of {args.chunk:g} s": ("long.npy", str(args.chunk)),
        }
        results, peaks = {}, {}
        for name, (file, chunk) in runs.items():
            out = subprocess.run([sys.executable, "-c", CHILD, str(tmp / file), chunk,
                                  str(tmp / f"peaks{len(results)}.npy")],
                                 check=True, capture_output=True, text=True)
            results[name] = json.loads(out.stdout.strip().splitlines()[-1])
            peaks[name] = np.load(tmp / f"peaks{len(results) - 1}.npy")

    mb = 1e6
    print(f"record {args.record}, {signal.shape[1]} leads at {record.fs:g} Hz")
    print("run | hours | seconds | beats | beats + RR held (MB) | NumPy peak (MB) | "
          "process peak RSS (MB) | RSS before (MB)")
    print("--- | --- | --- | --- | --- | --- | --- | ---")
    for name, r in results.items():
        print(f"{name} | {r['hours']:.1f} | {r['seconds']:.1f} | {r['beats']} | "
              f"{r['beats_bytes'] / mb:.0f} | {r['traced_peak'] / mb:.0f} | {r['maxrss'] / mb:.0f} | "
              f"{r['maxrss_before'] / mb:.0f}")
    names = list(results)
    same = np.array_equal(peaks[names[0]], peaks[names[1]])
    print(f"\n30 min: chunked peaks identical to the single pass: {same} ({len(peaks[names[0]])} peaks)")
    tiles = peaks[names[2]]
    print(f"{args.hours:g} h: {len(tiles)} peaks, {len(tiles) / n_tiles:.1f} per 30-min tile "
          f"(single pass on one tile: {len(peaks[names[0]])})")
    long_r, short_r = results[names[2]], results[names[0]]
    print(f"{args.hours:g} h against 30 min: {long_r['hours'] / short_r['hours']:.0f}x the signal, "
          f"{long_r['seconds'] / short_r['seconds']:.0f}x the time, "
          f"NumPy peak minus the beats held: {(long_r['traced_peak'] - long_r['beats_bytes']) / mb:.0f} MB "
          f"against {(short_r['traced_peak'] - short_r['beats_bytes']) / mb:.0f} MB")


if __name__ == "__main__":
    main()
