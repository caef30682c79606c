"""Speed of ContrastiveEncoder against the same Keras model and train step called directly.

Both sides pretrain the same default network (the CNN encoder of
HeartbeatCNNClassifier, a 64-wide embedding and a 128-64 projection head) on the
same beats for the same epochs with batch 256, drawing the same augmentations
(time warping, zero masking, noise) per batch in NumPy and running the same
compiled train step (NT-Xent, Adam); then both embed the same beats. The bare
side is a plain loop over the Keras model, without the estimator around it; the
ratio is the cost of the scikit-learn wrapper (validation, parameter and
augmentation checks, seeding, history). Beats: the bundled MIT-BIH sample,
tiled to 10,000 beats of 187 samples.

Usage::

    python benchmarks/bench_contrastive_speed.py [--beats 10000] [--epochs 2] [--repeats 3]
"""

import argparse
import time
from pathlib import Path

import numpy as np

from sklearn_ecg.datasets import load_mitdb_sample, make_beat_dataset
from sklearn_ecg.neural import ContrastiveEncoder
from sklearn_ecg.neural._architectures import check_conv_architecture
from sklearn_ecg.neural._augment import augment, check_augmentations
from sklearn_ecg.neural._contrastive import build_contrastive_model, make_train_step
from sklearn_ecg.neural._keras import import_keras, seeded
from sklearn_ecg.preprocessing import BeatNormalizer


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--beats", type=int, default=10000)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--output", default=str(Path(__file__).parent / "results" / "contrastive_speed.txt"))
    args = parser.parse_args(argv)
    data = make_beat_dataset(load_mitdb_sample(), beat_length=187, classes=("N", "S", "V", "F"))
    reps = -(-args.beats // len(data.y))
    X = BeatNormalizer().fit_transform(np.tile(data.X, (reps, 1))[: args.beats]).astype("float32")
    segments = X[:, :, None]
    keras = import_keras()
    defaults = ContrastiveEncoder()
    augmentations = check_augmentations(defaults.augmentations)
    architecture = {
        "conv_filters": tuple(defaults.conv_filters),
        "kernel_size": check_conv_architecture(defaults.conv_filters, defaults.kernel_size,
                                               defaults.padding, 187),
        "padding": defaults.padding,
        "conv_dropout": defaults.conv_dropout,
    }

    def fit_estimator(seed):
        est = ContrastiveEncoder(epochs=args.epochs, random_state=seed)
        start = time.perf_counter()
        est.fit(X)
        return est, len(X) * args.epochs / (time.perf_counter() - start)

    def fit_keras(seed):
        with seeded(seed):
            start = time.perf_counter()  # building counts on both sides
            model = build_contrastive_model(
                keras, (187, 1), encoder="cnn", architecture=architecture, lstm_units=64,
                attention_heads=4, attention_layers=1, embedding_dim=64,
                projection_units=(128, 64), learning_rate=1e-3,
            )
            step = make_train_step(model, 0.1)
            rng = np.random.default_rng(np.random.randint(2**31 - 1))  # noqa: NPY002 - seeded above
            n_batches = -(-len(X) // 256)
            for _ in range(args.epochs):
                for index in np.array_split(rng.permutation(len(X)), n_batches):
                    batch = segments[index]
                    step(augment(batch, rng, augmentations), augment(batch, rng, augmentations))
            return model, len(X) * args.epochs / (time.perf_counter() - start)

    def embed_estimator(est):
        start = time.perf_counter()
        est.transform(X)
        return len(X) / (time.perf_counter() - start)

    def embed_keras(model):
        start = time.perf_counter()
        model.get_layer("embedder").predict(segments, batch_size=1024, verbose=0)
        return len(X) / (time.perf_counter() - start)

    rows = {"pretraining": {"estimator": [], "keras": []},
            "embedding": {"estimator": [], "keras": []}}
    for repeat in range(args.repeats):
        # Alternate which side goes first, so that warm caches and machine noise
        # favour neither.
        order = ["estimator", "keras"] if repeat % 2 == 0 else ["keras", "estimator"]
        fitted = {}
        for side in order:
            fitted[side], rate = (fit_estimator if side == "estimator" else fit_keras)(repeat)
            rows["pretraining"][side].append(rate)
            print(f"repeat {repeat + 1}, {side}: pretraining {rate:,.0f} segments/s", flush=True)
        for side in order:
            embed = embed_estimator if side == "estimator" else embed_keras
            rows["embedding"][side].append(embed(fitted[side]))
    lines = [f"{len(X)} beats of 187 samples, {args.epochs} epochs, batch 256, "
             f"best of {args.repeats} alternating runs", "",
             "| task | ContrastiveEncoder (segments/s) | Keras model (segments/s) | wrapper cost |",
             "|---|---:|---:|---:|"]
    for task, r in rows.items():
        est_rate, keras_rate = max(r["estimator"]), max(r["keras"])
        lines.append(f"| {task} | {est_rate:,.0f} | {keras_rate:,.0f} | "
                     f"{100 * (keras_rate / est_rate - 1):+.1f}% |")
    lines += ["", "Pretraining: segments per second (each gives two views per step); all runs: "
              + "; ".join(f"{side} " + ", ".join(f"{v:,.0f}" for v in rows["pretraining"][side])
                          for side in ("estimator", "keras"))]
    report = "\n".join(lines)
    print("\n" + report)
    if args.output:
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text(report + "\n")


if __name__ == "__main__":
    main()
