"""Speed of SiameseSimilarityRegressor against its own Keras model called directly.

A default network (conv encoder 16-32-64, embedding 64, the symmetric head) is
trained for one epoch on pairs of median beats of the bundled ECG-ID sample
(128 samples). Then, on the same inputs:

- pairs scored per second: ``predict`` on pair rows versus the Keras twin model's
  ``predict`` on the two already-standardised halves;
- embeddings per second: ``embed`` versus the encoder's ``predict``;
- the same for a MetricEncoder (ArcFace, same encoder, one epoch on the
  segments and their persons): ``embed`` (which also scales the embeddings to
  unit norm) versus its encoder's ``predict``, and scoring every pair of a
  gallery of 1,000 segments and the queries by cosine (``score_pairs``) versus
  the encoder's ``predict`` on both followed by the normalised product.

The ratio is the cost of the scikit-learn layer (validation, splitting and
standardising the halves). Repeats alternate which side runs first; the best
rate of each side is kept.

Usage::

    python benchmarks/bench_siamese_speed.py [--pairs 20000] [--repeats 5]
"""

import argparse
import time

import numpy as np

from sklearn_ecg import BeatNormalizer, make_pairs
from sklearn_ecg.datasets import load_ecgid_sample, make_segments
from sklearn_ecg.neural import MetricEncoder, SiameseSimilarityRegressor


def rate(n, fn):
    start = time.perf_counter()
    fn()
    return n / (time.perf_counter() - start)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=20000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    seg = make_segments(load_ecgid_sample(), window=5.0, segment_length=128)
    S = BeatNormalizer("zscore").fit_transform(seg.X).astype("float32")
    X, y, _ = make_pairs(S, seg.groups, n_pairs=args.pairs, random_state=0)
    reps = -(-args.pairs // len(S))
    segments = np.tile(S, (reps, 1))[: args.pairs]
    model = SiameseSimilarityRegressor(epochs=1, early_stopping=False, random_state=0).fit(X, y)
    left, right = model._split_pairs(X)
    segments_3d = model._scale(segments[:, :, None])
    keras_model, encoder = model.model_, model.model_.get_layer("encoder")
    batch = max(model.batch_size, 1024)
    tasks = {
        "score pairs": (
            lambda: model.predict(X),
            lambda: keras_model.predict([left, right], batch_size=batch, verbose=0),
        ),
        "embed segments": (
            lambda: model.embed(segments),
            lambda: encoder.predict(segments_3d, batch_size=batch, verbose=0),
        ),
    }
    metric = MetricEncoder(epochs=1, early_stopping=False, random_state=0).fit(S, seg.groups)
    metric_encoder = metric.model_.get_layer("encoder")
    metric_3d = metric._segments(segments)
    gallery, gallery_3d = segments[:1000], metric._segments(segments[:1000])

    def keras_cosine():
        a = metric_encoder.predict(metric_3d, batch_size=batch, verbose=0)
        b = metric_encoder.predict(gallery_3d, batch_size=batch, verbose=0)
        a /= np.linalg.norm(a, axis=1, keepdims=True)
        b /= np.linalg.norm(b, axis=1, keepdims=True)
        return a @ b.T

    tasks["MetricEncoder: embed segments"] = (
        lambda: metric.embed(segments),
        lambda: metric_encoder.predict(metric_3d, batch_size=batch, verbose=0),
    )
    tasks["MetricEncoder: score queries x 1,000 gallery segments (queries/s)"] = (
        lambda: metric.score_pairs(segments, gallery), keras_cosine,
    )
    rows = {task: {"estimator": [], "keras": []} for task in tasks}
    for task, (est_fn, keras_fn) in tasks.items():
        est_fn(), keras_fn()  # warm up: tracing happens once per model
        for repeat in range(args.repeats):
            order = [("estimator", est_fn), ("keras", keras_fn)]
            for side, fn in order if repeat % 2 == 0 else order[::-1]:
                rows[task][side].append(rate(args.pairs, fn))
    print(f"{args.pairs} pairs / segments of 128 samples, best of {args.repeats} alternating runs\n")
    print("| task | the estimator (/s) | its Keras model (/s) | wrapper cost |")
    print("|---|---:|---:|---:|")
    for task, r in rows.items():
        est_rate, keras_rate = max(r["estimator"]), max(r["keras"])
        print(f"| {task} | {est_rate:,.0f} | {keras_rate:,.0f} | {100 * (keras_rate / est_rate - 1):+.1f}% |")


if __name__ == "__main__":
    main()
