"""Segment-level verification: scoring only the sampled pairs against the full matrix.

``verification_scores(level="segment", n_pairs=...)`` scores the sampled pairs
a chunk at a time (each chunk's segments through ``score_pairs``, the diagonal
kept) instead of scoring every pair of segments and picking the sampled ones,
as it did before. Both routes run here, in the same process, on the same
segments and pairs, alternating which goes first, with a default
SiameseSimilarityRegressor trained one epoch on pairs of the bundled ECG-ID
sample. The segments are that sample's 128-sample segments repeated with a
little noise until there are ``--segments`` of them (each repetition a new
recording of the same person): the speed does not depend on what they show.

Usage::

    python benchmarks/bench_verification_pairs.py [--segments 3000] [--pairs 2000] [--repeats 3]
"""

import argparse
import time

import numpy as np

from sklearn_ecg import BeatNormalizer, make_pairs
from sklearn_ecg.datasets import load_ecgid_sample, make_segments
from sklearn_ecg.model_selection import verification_pairs, verification_scores
from sklearn_ecg.model_selection._protocols import _fused, _similarity_kind
from sklearn_ecg.neural import SiameseSimilarityRegressor


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=3000)
    parser.add_argument("--pairs", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    seg = make_segments(load_ecgid_sample(), window=5.0, segment_length=128)
    S = BeatNormalizer("zscore").fit_transform(seg.X).astype("float32")
    X_pairs, y, _ = make_pairs(S, seg.groups, n_pairs=2000, random_state=0)
    model = SiameseSimilarityRegressor(epochs=1, early_stopping=False, random_state=0).fit(X_pairs, y)
    reps = -(-args.segments // len(S))
    rng = np.random.default_rng(0)
    X = (np.tile(S, (reps, 1)) + 0.05 * rng.standard_normal((reps * len(S), S.shape[1])))[: args.segments]
    groups = np.tile(np.asarray(seg.groups), reps)[: args.segments]
    recordings = np.array([f"{r}-{k}" for k in range(reps) for r in seg.record])[: args.segments]
    pairs, _ = verification_pairs(groups, recordings, n_pairs=args.pairs, random_state=0)
    n = len(X)

    def sampled():
        return verification_scores(model, X, groups, recordings, level="segment",
                                   n_pairs=args.pairs, random_state=0)[1]

    def full_matrix():  # the previous route: every pair of segments, then the sampled ones
        matrix = _fused(model, _similarity_kind(model), X, np.arange(n), None, None, "score", None)
        return matrix[pairs[:, 0], pairs[:, 1]]

    sampled(), full_matrix()  # warm up: tracing happens once per input shape
    times = {"sampled pairs only": [], "full matrix": []}
    results = {}
    for repeat in range(args.repeats):
        order = [("sampled pairs only", sampled), ("full matrix", full_matrix)]
        for name, fn in order if repeat % 2 == 0 else order[::-1]:
            start = time.perf_counter()
            results[name] = fn()
            times[name].append(time.perf_counter() - start)
    gap = np.abs(results["sampled pairs only"] - results["full matrix"]).max()
    print(f"{n} segments of 128 samples, {len(pairs)} sampled pairs, best of {args.repeats} "
          f"alternating runs; largest score difference between the routes {gap:.1e}\n")
    print("| route | time (s) | pair scores computed |")
    print("|---|---:|---:|")
    best = {name: min(t) for name, t in times.items()}
    print(f"| full matrix (before) | {best['full matrix']:.2f} | {n * n:,} |")
    chunks = -(-len(pairs) // 256)
    print(f"| sampled pairs only (now) | {best['sampled pairs only']:.2f} | {chunks * 256 * 256:,} at most |")
    print(f"\nspeed-up {best['full matrix'] / best['sampled pairs only']:.1f}x")


if __name__ == "__main__":
    main()
