"""The IMDB twin against the real IMDB: what each model reaches, model by model.

Part of ``make bench`` (not a test; about ten minutes on two CPU cores). The
twin is meant to teach the real reviews' lessons, so each model is trained on
it with the recipe behind a published figure for the real reviews, and the
two numbers are written side by side to
``benchmarks/calibration/imdb_twin.json`` and ``.md``:

- a bag of words (logistic regression on word presence): about 0.88 on the
  real IMDB (Maas et al., 2011);
- an average of word vectors (``Embedding -> GlobalAveragePooling1D ->
  Dense``): about 0.87 (TensorFlow's basic text classification tutorial);
- ``SimpleRNN(32)``, ``LSTM(32)`` and ``GRU(32)`` after ``Embedding(10000,
  32)``, reviews cut to 500 words, RMSprop, batches of 128, 20 % of 20,000
  training reviews held out for validation: about 0.85 and 0.89 best
  validation accuracy (Chollet, *Deep Learning with Python*, 1st edition,
  section 6.2); the GRU is expected near the LSTM.

Every accuracy here is on 5,000 test reviews of the twin, with the weights of
the best validation epoch. Usage: ``python benchmarks/twin_calibration.py
[--models bow lstm ...] [--smoke]``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ["RNN_COURSE_DATA"] = "synthetic"

import numpy as np

# Not in results/: that folder holds the machine files that benchmark_results reads.
RESULTS = Path(__file__).resolve().parent / "calibration"
NUM_WORDS = 10_000

#: Model -> (what the real IMDB gives, its source).
LITERATURE = {
    "bag of words": (0.88, "Maas et al. (2011)"),
    "average of word vectors": (0.87, "TensorFlow text classification tutorial"),
    "SimpleRNN": (0.85, "Chollet, Deep Learning with Python, 1st ed., 6.2"),
    "LSTM": (0.89, "Chollet, Deep Learning with Python, 1st ed., 6.2"),
    "GRU": (0.89, "as the LSTM"),
}
KEYS = {"bow": "bag of words", "average": "average of word vectors",
        "simple_rnn": "SimpleRNN", "lstm": "LSTM", "gru": "GRU"}


def _early_stopping():
    import keras

    return keras.callbacks.EarlyStopping(monitor="val_accuracy", patience=2,
                                         restore_best_weights=True)


def _bag_of_words(x_train, y_train, x_test, y_test, epochs):
    import keras

    def present(reviews):
        out = np.zeros((len(reviews), NUM_WORDS), dtype="float32")
        for row, review in enumerate(reviews):
            out[row, review] = 1.0
        return out

    model = keras.Sequential([keras.Input((NUM_WORDS,)),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(present(x_train), y_train, epochs=epochs, batch_size=128,
              validation_split=0.2, callbacks=[_early_stopping()], verbose=0)
    return model.evaluate(present(x_test), y_test, verbose=0)[1]


def _sequence_model(key, x_train, y_train, x_test, y_test, epochs, maxlen):
    import keras

    from rnn_course.models import build_text_classifier

    if key == "average":
        inputs = keras.Input((maxlen,), dtype="int32")
        x = keras.layers.Embedding(NUM_WORDS, 16, mask_zero=True)(inputs)
        x = keras.layers.GlobalAveragePooling1D()(x)
        x = keras.layers.Dense(16, activation="relu")(x)
        model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(x))
        model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    else:
        model = build_text_classifier(key, num_words=NUM_WORDS, embedding_dim=32, units=32,
                                      maxlen=maxlen, learning_rate=1e-3)
    pad = keras.utils.pad_sequences
    model.fit(pad(x_train, maxlen=maxlen), y_train, epochs=epochs, batch_size=128,
              validation_split=0.2, callbacks=[_early_stopping()], verbose=0)
    return model.evaluate(pad(x_test, maxlen=maxlen), y_test, verbose=0)[1]


def measure(keys, n_train, n_test, epochs, maxlen) -> dict:
    import keras

    from rnn_course.data import load_imdb

    (x_train, y_train), (x_test, y_test) = load_imdb(num_words=NUM_WORDS)
    x_train, y_train = x_train[:n_train], y_train[:n_train]
    x_test, y_test = x_test[:n_test], y_test[:n_test]
    rows = {}
    for key in keys:
        keras.utils.set_random_seed(0)
        start = time.perf_counter()
        if key == "bow":
            accuracy = _bag_of_words(x_train, y_train, x_test, y_test, epochs)
        else:
            accuracy = _sequence_model(key, x_train, y_train, x_test, y_test, epochs, maxlen)
        name = KEYS[key]
        real, source = LITERATURE[name]
        rows[name] = {"twin": round(float(accuracy), 3), "real": real, "source": source,
                      "seconds": round(time.perf_counter() - start, 1)}
        print(f"{name:24s} twin {accuracy:.3f}  real IMDB {real:.2f}", flush=True)
    return {"n_train": n_train, "n_test": n_test, "epochs": epochs, "maxlen": maxlen,
            "models": rows}


def markdown(results: dict) -> str:
    lines = [
        "# The IMDB twin against the real IMDB",
        "",
        f"Twin: {results['n_train']:,} training reviews (20 % of them for validation), "
        f"{results['n_test']:,} test reviews, 10,000 words, sequences cut to "
        f"{results['maxlen']}, at most {results['epochs']} epochs, best validation epoch kept. "
        "Written by `benchmarks/twin_calibration.py` (`make bench`).",
        "",
        "| model | twin (test) | real IMDB | within 0.05 | source of the real figure |",
        "|---|---:|---:|---|---|",
    ]
    for name, row in results["models"].items():
        close = "yes" if abs(row["twin"] - row["real"]) <= 0.05 else "no"
        lines.append(f"| {name} | {row['twin']:.3f} | {row['real']:.2f} | {close} | "
                     f"{row['source']} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", nargs="+", choices=tuple(KEYS), default=list(KEYS))
    parser.add_argument("--smoke", action="store_true", help="tiny sizes; writes nothing")
    args = parser.parse_args(argv)
    if args.smoke:
        measure(args.models, n_train=200, n_test=100, epochs=1, maxlen=50)
        return 0
    results = measure(args.models, n_train=20_000, n_test=5_000, epochs=10, maxlen=500)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "imdb_twin.json").write_text(json.dumps(results, indent=2) + "\n")
    text = markdown(results)
    (RESULTS / "imdb_twin.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
