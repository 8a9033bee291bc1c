"""CIFAR-10: the real Keras loader first, the offline twin always.

``load_cifar10()`` returns exactly what ``keras.datasets.cifar10.load_data()``
returns, optionally cut to the first ``n_train``/``n_test`` images. When the
real data cannot be had (no network, a classroom firewall, a half-downloaded
file in the Keras cache) it says so in one line and falls back to the offline
twin of :mod:`rnn_course.data.synthetic_cifar10`: images of ten simple shapes
and textures in the same format.

Where Keras keeps CIFAR-10 (Keras 3, ``keras.utils.get_file`` with
``extract=True``), under ``<keras home>/datasets/``:

- ``cifar-10-batches-py-target_archive``: the downloaded ``.tar.gz``
  (163 MiB), checked against its SHA-256 on every load;
- ``cifar-10-batches-py-target/cifar-10-batches-py/``: the extracted
  pickled batches ``data_batch_1`` ... ``data_batch_5`` and ``test_batch``,
  extracted afresh from the archive on every load.

``<keras home>`` is ``$KERAS_HOME`` (read once, when Keras is imported), else
``~/.keras``; Keras falls back to ``/tmp/.keras`` when that is not writable.
"""

from __future__ import annotations

import operator
from pathlib import Path

import numpy as np

from rnn_course.config import data_source
from rnn_course.data import synthetic_cifar10
from rnn_course.data._keras import (
    CIFAR10_URL,
    keras_datasets_dir,
    real_or_twin,
    sha256,
    through_keras,
)
from rnn_course.data.provenance import record_origin

CIFAR10_CLASSES = (
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
)

NUM_TRAIN = 50_000
NUM_TEST = 10_000

# Pinned from keras/src/datasets/cifar10.py (Keras 3): the folder name passed
# to get_file and the hash of the archive it downloads.
_KERAS_DIRNAME = "cifar-10-batches-py-target"
_KERAS_SHA256 = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"

Split = tuple[np.ndarray, np.ndarray]


def _check_count(name: str, value, maximum: int) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise TypeError(f"{name} must be an integer or None, got bool.")
    try:
        value = operator.index(value)
    except TypeError:
        raise TypeError(
            f"{name} must be an integer or None, got {type(value).__name__}."
        ) from None
    if not 1 <= value <= maximum:
        raise ValueError(f"{name} must be between 1 and {maximum:,}, got {value}.")
    return value


def _check_seed(seed) -> int:
    if isinstance(seed, bool):
        raise TypeError("seed must be a non-negative integer, got bool.")
    try:
        seed = operator.index(seed)
    except TypeError:
        raise TypeError(
            f"seed must be a non-negative integer, got {type(seed).__name__}."
        ) from None
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed}.")
    return seed


def keras_cache_paths() -> tuple[Path, Path]:
    """Where Keras keeps CIFAR-10: ``(archive, extraction folder)``.

    This repeats the path logic of ``keras.utils.get_file`` so the cache can be
    checked before Keras touches it.
    """
    datasets = keras_datasets_dir()
    return datasets / f"{_KERAS_DIRNAME}_archive", datasets / _KERAS_DIRNAME


def _load_from_keras() -> tuple[Split, Split]:
    """``keras.datasets.cifar10.load_data()``, through the course's checks.

    The archive in Keras's cache is hashed first: a download killed halfway
    leaves a truncated archive, which get_file would try to download again
    and, offline, delete. Keras hashes it again: about 0.1 s each, little
    next to the extraction. A missing archive means a download, and the host
    is probed first (:func:`rnn_course.data._keras.through_keras`).
    """
    archive, extracted = keras_cache_paths()
    return through_keras(
        lambda keras: keras.datasets.cifar10.load_data(),
        archive=archive,
        url=CIFAR10_URL,
        intact=lambda path: sha256(path) == _KERAS_SHA256,
        unreadable=lambda detail: (
            f"the files in the Keras cache {extracted} could not be read ({detail}): "
            f"delete that folder and {archive} to download again"
        ),
    )


def _first(split: Split, n: int | None) -> Split:
    """The first ``n`` examples (all when ``None``), as arrays of their own."""
    x, y = split
    if n is None or n == len(x):
        return x, y
    # Copies, so a small subset does not keep the full arrays alive.
    return x[:n].copy(), y[:n].copy()


def load_cifar10(
    source: str | None = None,
    n_train: int | None = None,
    n_test: int | None = None,
    seed: int = 0,
) -> tuple[Split, Split]:
    """Load CIFAR-10, or its offline twin, in the format of Keras's loader.

    Args:
        source: ``"keras"`` for ``keras.datasets.cifar10.load_data()`` (the
            real photographs, downloaded once, about 163 MiB), ``"synthetic"``
            for the offline twin (:mod:`rnn_course.data.synthetic_cifar10`),
            ``"auto"`` for Keras and, if that fails, the twin with a one-line
            notice. ``None`` reads ``RNN_COURSE_DATA``, else ``"auto"``.
        n_train: Keep only the first ``n_train`` training images (1 to
            50,000); ``None`` keeps all 50,000.
        n_test: Keep only the first ``n_test`` test images (1 to 10,000);
            ``None`` keeps all 10,000.
        seed: Seed of the offline twin (a non-negative integer); the real data
            does not depend on it.

    Returns:
        Tuple of NumPy arrays ``(x_train, y_train), (x_test, y_test)``:

        - ``x_train``: ``uint8`` array ``(n_train, 32, 32, 3)``, pixel values
          0-255 (channels last).
        - ``y_train``: ``uint8`` array ``(n_train, 1)``, labels 0-9, the
          index into :data:`CIFAR10_CLASSES`.
        - ``x_test``, ``y_test``: the same for the test set.

    Raises:
        TypeError, ValueError: for a bad argument.
        DatasetError: with ``source="keras"``, when the real data cannot be
            downloaded or the Keras cache holds a damaged file (the message
            names it).

    Example:

    ```python
    (x_train, y_train), (x_test, y_test) = load_cifar10(n_train=5000, n_test=1000)
    x_train.shape, y_train.shape   # ((5000, 32, 32, 3), (5000, 1))
    CIFAR10_CLASSES[y_train[0, 0]]
    ```
    """
    n_train = _check_count("n_train", n_train, NUM_TRAIN)
    n_test = _check_count("n_test", n_test, NUM_TEST)
    seed = _check_seed(seed)
    source = data_source(source)

    if source != "synthetic":
        loaded = real_or_twin(
            "CIFAR-10", "synthetic shapes, not photographs", source, _load_from_keras
        )
        if loaded is not None:
            record_origin("cifar10", "keras")
            train, test = loaded
            return _first(train, n_train), _first(test, n_test)

    record_origin("cifar10", "synthetic")
    return synthetic_cifar10.load_data(
        n_train=NUM_TRAIN if n_train is None else n_train,
        n_test=NUM_TEST if n_test is None else n_test,
        seed=seed,
    )
