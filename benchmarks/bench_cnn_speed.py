"""Speed of HeartbeatCNNClassifier against the same Keras model called directly.

Both train the same default network (255k parameters) on the same beats for the
same epochs with batch 256 and predict the same beats; the ratio is the cost of
the scikit-learn wrapper (validation, label encoding, seeding, history). Early
stopping is off in both so that both run every epoch. Beats: the bundled MIT-BIH
sample, tiled to 20,000 beats of 187 samples.

Usage::

    python benchmarks/bench_cnn_speed.py [--beats 20000] [--epochs 3]
"""

import argparse
import time

import numpy as np

from sklearn_ecg.datasets import load_mitdb_sample, make_beat_dataset
from sklearn_ecg.neural import HeartbeatCNNClassifier
from sklearn_ecg.neural._architectures import build_classifier, build_conv_encoder
from sklearn_ecg.neural._keras import import_keras, seeded
from sklearn_ecg.preprocessing import BeatNormalizer


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--beats", type=int, default=20000)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    data = make_beat_dataset(load_mitdb_sample(), beat_length=187, classes=("N", "S", "V", "F"))
    reps = -(-args.beats // len(data.y))
    X = BeatNormalizer().fit_transform(np.tile(data.X, (reps, 1))[: args.beats]).astype("float32")
    y = np.tile(data.y, reps)[: args.beats]
    classes, encoded = np.unique(y, return_inverse=True)
    keras = import_keras()

    def bare_model():
        encoder = build_conv_encoder(keras, (187, 1), (16, 32, 32, 32, 256), (5, 3, 3, 3, 3), "valid", 0.1)
        return build_classifier(keras, encoder, n_extra=0, dense_units=(64, 64), dense_dropout=0.2,
                                n_classes=len(classes), learning_rate=1e-3)

    def fit_estimator(seed):
        # The same network and plain training on both sides.
        est = HeartbeatCNNClassifier(conv_filters=(16, 32, 32, 32, 256), kernel_size=(5, 3, 3, 3, 3),
                                     class_weight=None, augmentations=None, adaptation_memory=0,
                                     epochs=args.epochs, early_stopping=False, random_state=seed)
        start = time.perf_counter()
        est.fit(X, y)
        return est, len(y) * args.epochs / (time.perf_counter() - start)

    def fit_keras(seed):
        with seeded(seed):
            start = time.perf_counter()  # building counts on both sides
            model = bare_model()
            model.fit(X[:, :, None], encoded, batch_size=256, epochs=args.epochs, shuffle=True, verbose=0)
            return model, len(y) * args.epochs / (time.perf_counter() - start)

    def predict_estimator(est):
        start = time.perf_counter()
        est.predict_proba(X)
        return len(y) / (time.perf_counter() - start)

    def predict_keras(model):
        start = time.perf_counter()
        model.predict(X[:, :, None], batch_size=1024, verbose=0)
        return len(y) / (time.perf_counter() - start)

    rows = {"train": {"estimator": [], "keras": []}, "predict": {"estimator": [], "keras": []}}
    for repeat in range(args.repeats):
        # Alternate which side goes first, so that warm caches and machine noise
        # favour neither.
        order = ["estimator", "keras"] if repeat % 2 == 0 else ["keras", "estimator"]
        fitted = {}
        for side in order:
            fitted[side], rate = (fit_estimator if side == "estimator" else fit_keras)(repeat)
            rows["train"][side].append(rate)
        for side in order:
            predict = predict_estimator if side == "estimator" else predict_keras
            rows["predict"][side].append(predict(fitted[side]))
    print(f"{len(y)} beats of 187 samples, {args.epochs} epochs, batch 256, "
          f"best of {args.repeats} alternating runs\n")
    print("| task | HeartbeatCNNClassifier (beats/s) | Keras model (beats/s) | wrapper cost |")
    print("|---|---:|---:|---:|")
    for task, r in rows.items():
        est_rate, keras_rate = max(r["estimator"]), max(r["keras"])
        print(f"| {task} | {est_rate:,.0f} | {keras_rate:,.0f} | {100 * (keras_rate / est_rate - 1):+.1f}% |")


if __name__ == "__main__":
    main()
