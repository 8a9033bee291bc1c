"""CIFAR-10: the Keras loader, its fallbacks, and the offline twin.

The tests never touch the network: the real loader is exercised in
subprocesses (Keras reads ``KERAS_HOME`` once, at import) against small files
written in Keras's own cache layout, with name resolution blocked.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import socket
import subprocess
import sys
import tarfile
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from rnn_course.data import (
    CIFAR10_CLASSES,
    DatasetError,
    _cache,
    cifar10,
    load_cifar10,
    synthetic_cifar10,
)
from rnn_course.data._keras import sha256
from tests.helpers import patch_probe, spy_on

KERAS_CLASSES = (
    "airplane", "automobile", "bird", "cat", "deer",
    "dog", "frog", "horse", "ship", "truck",
)


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    """A private, empty cache for every test."""
    path = tmp_path / "rnn_course_cache"
    monkeypatch.setenv("RNN_COURSE_CACHE", str(path))
    return path


# --- Format of the offline twin ---------------------------------------------


def test_class_names_follow_keras_label_order():
    assert CIFAR10_CLASSES == KERAS_CLASSES


def test_twin_has_the_format_of_keras_load_data():
    (x_train, y_train), (x_test, y_test) = load_cifar10(
        source="synthetic", n_train=600, n_test=250
    )
    assert x_train.shape == (600, 32, 32, 3) and x_test.shape == (250, 32, 32, 3)
    assert y_train.shape == (600, 1) and y_test.shape == (250, 1)
    for array in (x_train, y_train, x_test, y_test):
        assert array.dtype == np.uint8
    assert set(np.unique(y_train)) == set(range(10))
    assert y_test.max() <= 9
    # Real pixel range, not a few levels: images are noisy colour pictures.
    assert x_train.min() < 20 and x_train.max() > 235
    assert len(np.unique(x_train[0])) > 50


@pytest.mark.parametrize("n", [2000, 1003])
def test_twin_classes_are_balanced_in_any_prefix(n):
    (_, y_train), (_, y_test) = load_cifar10(source="synthetic", n_train=n, n_test=n)
    for labels in (y_train, y_test):
        counts = np.bincount(labels.ravel(), minlength=10)
        assert counts.max() - counts.min() <= 1, counts


def _colour_histograms(x: np.ndarray) -> np.ndarray:
    """16-bin histogram of each channel of each image: ``(N, 48)``, rows sum to 3."""
    n = len(x)
    per_image = np.arange(n)[:, None] * 16
    return np.concatenate([
        np.bincount((x[..., c].reshape(n, -1) // 16 + per_image).ravel(), minlength=16 * n)
        .reshape(n, 16) / 1024
        for c in range(3)
    ], axis=1)


def test_colour_carries_no_class_information():
    x, y = synthetic_cifar10.generate(4000)
    x_test, y_test = synthetic_cifar10.generate(2000, split="test")

    means = np.stack([x[y[:, 0] == c].mean(axis=(0, 1, 2)) for c in range(10)])
    # Each class mean is over 400 images with uniform random colours (std of
    # the mean about 4); a colour cue would move it by tens of levels.
    assert np.abs(means - means.mean(axis=0)).max() < 15, means.round(1)

    # A linear classifier (ridge regression on one-hot labels) on the colour
    # histograms stays at chance, 0.1 (measured 0.09); a foreground whose red
    # follows the class lifts it to 0.17, a background cue to 0.86.
    features, test_features = _colour_histograms(x), _colour_histograms(x_test)
    mean, std = features.mean(axis=0), features.std(axis=0) + 1e-6
    design = np.c_[(features - mean) / std, np.ones(len(x))]
    weights = np.linalg.solve(
        design.T @ design + np.eye(design.shape[1]), design.T @ np.eye(10)[y[:, 0]]
    )
    scores = np.c_[(test_features - mean) / std, np.ones(len(x_test))] @ weights
    accuracy = (scores.argmax(axis=1) == y_test[:, 0]).mean()
    assert accuracy < 0.13, accuracy


def test_twin_is_seeded_and_prefix_stable():
    x, y = synthetic_cifar10.generate(1500, seed=0)
    x_again, y_again = synthetic_cifar10.generate(1500, seed=0)
    np.testing.assert_array_equal(x, x_again)
    np.testing.assert_array_equal(y, y_again)
    # A smaller request is the start of the larger one ("the first n").
    x_small, y_small = synthetic_cifar10.generate(700, seed=0)
    np.testing.assert_array_equal(x[:700], x_small)
    np.testing.assert_array_equal(y[:700], y_small)
    x_other, _ = synthetic_cifar10.generate(1500, seed=1)
    x_test, _ = synthetic_cifar10.generate(1500, seed=0, split="test")
    assert (x != x_other).mean() > 0.5
    assert (x != x_test).mean() > 0.5


def test_subset_sizes_and_full_default(monkeypatch):
    (x_train, y_train), (x_test, y_test) = load_cifar10(
        source="synthetic", n_train=1, n_test=1234
    )
    assert (len(x_train), len(y_train), len(x_test), len(y_test)) == (1, 1, 1234, 1234)

    asked = {}

    def record(n_train, n_test, seed):
        asked.update(n_train=n_train, n_test=n_test, seed=seed)
        return ("train",), ("test",)

    monkeypatch.setattr(synthetic_cifar10, "load_data", record)
    load_cifar10(source="synthetic", seed=3)
    assert asked == {"n_train": 50_000, "n_test": 10_000, "seed": 3}


def test_environment_variable_selects_the_twin(monkeypatch):
    monkeypatch.setenv("RNN_COURSE_DATA", "synthetic")
    (x_train, _), _ = load_cifar10(n_train=40, n_test=20)
    np.testing.assert_array_equal(x_train, synthetic_cifar10.generate(40)[0])


def test_cache_is_written_once_and_used_on_the_second_call(cache, monkeypatch):
    start = time.perf_counter()
    first = load_cifar10(source="synthetic", n_train=3000, n_test=1000, seed=5)
    generate_s = time.perf_counter() - start

    files = sorted(p.name for p in cache.iterdir())
    assert files == [
        f"cifar10_twin_v{synthetic_cifar10.GENERATOR_VERSION}_seed5_test_1000.npz",
        f"cifar10_twin_v{synthetic_cifar10.GENERATOR_VERSION}_seed5_train_3000.npz",
    ]
    for name in files:
        # No pickle needed (and none allowed) to read the cache back.
        with np.load(cache / name, allow_pickle=False) as stored:
            assert sorted(stored.files) == ["x", "y"]
            assert all(stored[key].dtype == np.uint8 for key in stored.files)

    def must_not_generate(*args, **kwargs):
        raise AssertionError("the cached twin was regenerated")

    monkeypatch.setattr(synthetic_cifar10, "generate", must_not_generate)
    start = time.perf_counter()
    second = load_cifar10(source="synthetic", n_train=3000, n_test=1000, seed=5)
    load_s = time.perf_counter() - start
    for a, b in zip((*first[0], *first[1]), (*second[0], *second[1])):
        np.testing.assert_array_equal(a, b)
        assert a.dtype == b.dtype and a.shape == b.shape
    assert load_s < generate_s, (load_s, generate_s)


def test_damaged_twin_cache_file_is_regenerated(cache):
    path = synthetic_cifar10.cache_path(100, 0, "train")
    path.write_bytes(b"PK\x03\x04 not really a zip file")
    (x_train, y_train), _ = load_cifar10(source="synthetic", n_train=100, n_test=10)
    np.testing.assert_array_equal(x_train, synthetic_cifar10.generate(100)[0])
    with np.load(path, allow_pickle=False) as stored:
        np.testing.assert_array_equal(stored["y"], y_train)


def test_interrupted_cache_write_leaves_no_partial_file(cache, monkeypatch):
    def interrupted(file, *args, **kwargs):
        # Part of the file is written, then Ctrl-C arrives.
        if isinstance(file, (str, os.PathLike)):
            with open(file, "wb") as handle:
                handle.write(b"PK\x03\x04 half a file")
        else:
            file.write(b"PK\x03\x04 half a file")
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(np, "savez", interrupted)
        with pytest.raises(KeyboardInterrupt):
            load_cifar10(source="synthetic", n_train=300, n_test=100)
    assert list(cache.iterdir()) == []

    (x_train, _), (x_test, _) = load_cifar10(source="synthetic", n_train=300, n_test=100)
    assert len(list(cache.glob("*.npz"))) == 2 and not list(cache.glob("*.tmp"))
    np.testing.assert_array_equal(x_train, synthetic_cifar10.generate(300)[0])
    np.testing.assert_array_equal(
        x_test, synthetic_cifar10.generate(100, split="test")[0]
    )


# --- The twin needs a CNN ------------------------------------------------------


KILLED_WRITER = """
import sys, time
from pathlib import Path

import numpy as np

from rnn_course.data import synthetic_cifar10


def stalled(handle, **arrays):
    handle.write(b"PK\\x03\\x04 the first part of a zip file")
    handle.flush()
    Path(sys.argv[1]).touch()  # tell the parent: killed now, the file is half-written
    time.sleep(600)


np.savez = stalled
synthetic_cifar10.load_split(50, 0, "train")
"""


def test_writer_killed_with_sigkill_leaves_no_half_file(cache, tmp_path):
    """SIGKILL skips every clean-up; the file under the real name must still never be half."""
    ready = tmp_path / "writing"
    writer = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(ready)],
        env={**os.environ, "RNN_COURSE_CACHE": str(cache)}, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 120
    while not ready.exists():
        assert writer.poll() is None, writer.stderr.read()[-2000:]
        assert time.monotonic() < deadline, "the writer never started writing"
        time.sleep(0.1)
    writer.kill()  # SIGKILL
    writer.communicate()

    final = synthetic_cifar10.cache_path(50, 0, "train")
    assert not final.exists()
    leftovers = list(cache.glob(f"{final.name}.*.tmp"))
    assert len(leftovers) == 1  # the half-written bytes sit under a temporary name only

    # The next call recovers: it regenerates the data and writes a whole file.
    x, y = synthetic_cifar10.load_split(50, 0, "train")
    expected = synthetic_cifar10.generate(50, 0, "train")
    np.testing.assert_array_equal(x, expected[0])
    np.testing.assert_array_equal(y, expected[1])
    with np.load(final, allow_pickle=False) as stored:
        np.testing.assert_array_equal(stored["x"], expected[0])
    assert leftovers[0].exists()  # young: it could belong to a writer still at work

    # Once the leftover is old, the next write removes it.
    old = time.time() - 2 * _cache.STALE_SECONDS
    os.utime(leftovers[0], (old, old))
    final.unlink()
    synthetic_cifar10.load_split(50, 0, "train")
    assert not leftovers[0].exists() and final.exists()


def test_twin_classes_differ_by_spatial_structure():
    """A small CNN clearly beats a dense network with as many parameters.

    3,000 training and 1,000 test images, 8 epochs, Adam(3e-3), batch 64.
    Measured (TF 2.21, CPU): CNN (14,666 parameters) 0.61 test accuracy,
    dense network (3072-5-10, 15,425 parameters) 0.10, chance: the classes
    are shapes at random places in random colours (either lighter or darker
    than the background), which filters shared across positions pick up and
    one weight per pixel does not.
    """
    import keras
    from keras import layers

    (x_train, y_train), (x_test, y_test) = load_cifar10(
        source="synthetic", n_train=3000, n_test=1000
    )

    def cnn():
        return keras.Sequential([
            keras.Input((32, 32, 3)),
            layers.Rescaling(1 / 255),
            layers.Conv2D(16, 3, activation="relu", padding="same"),
            layers.MaxPooling2D(),
            layers.Conv2D(32, 3, activation="relu", padding="same"),
            layers.MaxPooling2D(),
            layers.Conv2D(32, 3, activation="relu", padding="same"),
            layers.GlobalMaxPooling2D(),
            layers.Dense(10, activation="softmax"),
        ])

    def dense():
        return keras.Sequential([
            keras.Input((32, 32, 3)),
            layers.Rescaling(1 / 255),
            layers.Flatten(),
            layers.Dense(5, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ])

    accuracy, params = {}, {}
    for name, build in (("cnn", cnn), ("dense", dense)):
        keras.utils.set_random_seed(0)
        model = build()
        model.compile(
            optimizer=keras.optimizers.Adam(3e-3),
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
        )
        model.fit(x_train, y_train, epochs=8, batch_size=64, verbose=0)
        accuracy[name] = model.evaluate(x_test, y_test, verbose=0)[1]
        params[name] = model.count_params()

    assert 0.8 < params["cnn"] / params["dense"] < 1.25, params
    assert accuracy["cnn"] >= accuracy["dense"] + 0.15, accuracy
    assert accuracy["cnn"] > 0.4, accuracy


# --- The real loader, offline ----------------------------------------------------

# Keras 3 keeps CIFAR-10 under <KERAS_HOME>/datasets as the downloaded archive
# (checked against its hash on every load, then extracted again) and the
# extracted folder; see rnn_course.data.cifar10.
ARCHIVE = "cifar-10-batches-py-target_archive"
EXTRACTED = "cifar-10-batches-py-target"

# Runs first in every subprocess: no name resolution, so no download can
# happen even on a machine with network, and quiet TensorFlow.
PRELUDE = textwrap.dedent(
    """
    import contextlib, io, json, socket, sys, time
    import numpy as np

    def _no_network(*args, **kwargs):
        raise socket.gaierror(-3, "Temporary failure in name resolution")

    socket.getaddrinfo = _no_network

    def report(**values):
        print("RESULT " + json.dumps(values))

    def captured(call):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            value = call()
        return value, out.getvalue()
    """
)


def _batch(images: np.ndarray, labels: list[int], name: str) -> bytes:
    """One batch file as CIFAR-10 ships it: a pickled dict with bytes keys."""
    # Protocol 4: the real files are Python 2 pickles; from Python 3, protocol
    # 2 stores bytes through _codecs.encode and 5 arrays through _frombuffer,
    # both refused by Keras's restricted unpickler.
    return pickle.dumps(
        {
            b"batch_label": name.encode(),
            b"labels": labels,
            b"data": images.transpose(0, 3, 1, 2).reshape(len(images), 3072),
            b"filenames": [f"img_{i}.png".encode() for i in range(len(images))],
        },
        protocol=4,
    )


def write_keras_cache(home: Path, truncate_member: str | None = None) -> dict:
    """Write a tiny CIFAR-10 in Keras's cache layout; return what it holds.

    Keras's loader copies each training batch into a slot of 10,000 images,
    so each training batch holds ONE image (NumPy broadcasts it over the
    slot); the test batch holds seven.
    """
    rng = np.random.default_rng(7)
    train = rng.integers(0, 256, (5, 32, 32, 3), dtype=np.uint8)
    test = rng.integers(0, 256, (7, 32, 32, 3), dtype=np.uint8)
    test_labels = [3, 1, 4, 1, 5, 9, 2]
    members = {f"data_batch_{i + 1}": _batch(train[i : i + 1], [i + 4], f"batch {i + 1}")
               for i in range(5)}
    members["test_batch"] = _batch(test, test_labels, "test batch")
    members["batches.meta"] = pickle.dumps(
        {b"label_names": [c.encode() for c in KERAS_CLASSES]}, protocol=4
    )
    if truncate_member:
        members[truncate_member] = members[truncate_member][:1000]

    datasets = home / "datasets"
    datasets.mkdir(parents=True, exist_ok=True)
    with tarfile.open(datasets / ARCHIVE, "w:gz") as archive:
        for name, payload in members.items():
            info = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
            info.size = len(payload)
            archive.addfile(info, io.BytesIO(payload))
    return {
        "x_train": np.repeat(train, 10_000, axis=0),
        "y_train": np.repeat(np.arange(4, 9, dtype=np.uint8), 10_000)[:, None],
        "x_test": test,
        "y_test": np.array(test_labels, dtype=np.uint8)[:, None],
    }


def run_isolated(script: str, tmp_path: Path, keras_home: Path) -> dict:
    """Run ``script`` in a fresh Python with ``KERAS_HOME`` set; return its report."""
    env = dict(os.environ)
    env.update(
        KERAS_HOME=str(keras_home),
        RNN_COURSE_CACHE=os.environ["RNN_COURSE_CACHE"],
        TF_CPP_MIN_LOG_LEVEL="3",
    )
    env.pop("RNN_COURSE_DATA", None)
    done = subprocess.run(
        [sys.executable, "-c", PRELUDE + textwrap.dedent(script)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    results = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert results, done.stdout[-2000:] + done.stderr[-2000:]
    return json.loads(results[-1][len("RESULT "):])


def test_keras_source_returns_exactly_what_keras_returns(tmp_path):
    home = tmp_path / "keras_home"
    expected = write_keras_cache(home)
    np.savez(tmp_path / "expected.npz", **expected)
    report = run_isolated(
        """
        from keras.src.utils import file_utils
        # The tiny archive is not the real one: skip only Keras's hash check,
        # and give the course's check the tiny archive's hash.
        file_utils.validate_file = lambda *args, **kwargs: True
        import keras
        from rnn_course.data import cifar10, load_cifar10
        from rnn_course.data._keras import sha256
        cifar10._KERAS_SHA256 = sha256(cifar10.keras_cache_paths()[0])

        timeouts, stdouts, probes = [], [], []
        keras_load = keras.datasets.cifar10.load_data
        connect = socket.create_connection

        def spy():
            timeouts.append(socket.getdefaulttimeout())
            stdouts.append(sys.stdout)
            return keras_load()

        def probe(*args, **kwargs):
            probes.append(args)
            return connect(*args, **kwargs)

        keras.datasets.cifar10.load_data = spy
        socket.create_connection = probe
        (kx, ky), (kx_test, ky_test) = keras_load()

        def watched(**kwargs):
            before = sys.stdout
            data = load_cifar10(**kwargs)
            kept.append(sys.stdout is before and stdouts[-1] is before)
            return data

        kept = []
        ((x, y), (x_test, y_test)), out = captured(lambda: watched(source="keras"))
        (sx, sy), (sx_test, sy_test) = watched(source="auto", n_train=3, n_test=2)
        expected = np.load("expected.npz")
        pairs = [(x, kx), (y, ky), (x_test, kx_test), (y_test, ky_test)]
        report(
            same_as_keras=all(
                a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b)
                for a, b in pairs
            ),
            dtypes=[str(a.dtype) for a in (x, y, x_test, y_test)],
            shapes=[list(a.shape) for a in (x, y, x_test, y_test)],
            our_files=all(
                np.array_equal(a, expected[k])
                for a, k in zip((x, y, x_test, y_test), ("x_train", "y_train", "x_test", "y_test"))
            ),
            subset=bool(
                np.array_equal(sx, kx[:3]) and np.array_equal(sy, ky[:3])
                and np.array_equal(sx_test, kx_test[:2]) and np.array_equal(sy_test, ky_test[:2])
            ),
            subset_shapes=[list(sx.shape), list(sy_test.shape)],
            timeouts=timeouts,
            timeout_after=socket.getdefaulttimeout(),
            probes=probes,
            stdout_kept=kept,
            stdout=out,
        )
        """,
        tmp_path,
        home,
    )
    assert report["same_as_keras"] and report["our_files"], report
    assert report["dtypes"] == ["uint8"] * 4
    assert report["shapes"] == [[50000, 32, 32, 3], [50000, 1], [7, 32, 32, 3], [7, 1]]
    assert report["subset"] and report["subset_shapes"] == [[3, 32, 32, 3], [2, 1]]
    # Keras ran twice, with no process-wide socket timeout and the caller's
    # sys.stdout; the archive was cached, so no probe.
    assert report["timeouts"] == [None, None] and report["timeout_after"] is None
    assert report["stdout_kept"] == [True, True]
    assert report["probes"] == []
    assert report["stdout"] == ""


CORRUPT_SCRIPT = """
import os
{patch}
from rnn_course.data import DatasetError, load_cifar10
archive = {archive!r}
size = os.path.getsize(archive)
try:
    load_cifar10(source="keras")
    error = None
except DatasetError as exc:
    error = str(exc)
still_there = os.path.exists(archive) and os.path.getsize(archive) == size
((x, y), (x_test, y_test)), out = captured(
    lambda: load_cifar10(source="auto", n_train=50, n_test=20)
)
(tx, ty), (tx_test, ty_test) = load_cifar10(source="synthetic", n_train=50, n_test=20)
report(
    error=error,
    still_there=still_there,
    twin=bool(np.array_equal(x, tx) and np.array_equal(y, ty)
              and np.array_equal(x_test, tx_test) and np.array_equal(y_test, ty_test)),
    stdout=out,
)
"""


def test_truncated_download_in_keras_cache(tmp_path):
    """A download killed halfway: the archive fails its hash check."""
    home = tmp_path / "keras_home"
    write_keras_cache(home)
    archive = home / "datasets" / ARCHIVE
    archive.write_bytes(archive.read_bytes()[:5000])
    report = run_isolated(
        CORRUPT_SCRIPT.format(patch="", archive=str(archive)),
        tmp_path, home,
    )
    error = report["error"]
    assert error is not None and "\n" not in error
    assert str(archive) in error and "delete" in error.lower()
    assert report["still_there"], "the damaged file must be left for the user"
    assert report["twin"]
    lines = report["stdout"].splitlines()
    assert len(lines) == 1 and lines[0].startswith("[rnn_course]"), lines
    assert str(archive) in lines[0] and "offline twin" in lines[0]


def test_truncated_batch_file_in_keras_cache(tmp_path):
    """An archive that passes its check but holds a truncated batch file."""
    home = tmp_path / "keras_home"
    write_keras_cache(home, truncate_member="data_batch_3")
    archive = home / "datasets" / ARCHIVE
    patch = (
        "from keras.src.utils import file_utils\n"
        "file_utils.validate_file = lambda *args, **kwargs: True\n"
        "from rnn_course.data import cifar10\n"
        "from rnn_course.data._keras import sha256\n"
        "cifar10._KERAS_SHA256 = sha256(cifar10.keras_cache_paths()[0])"
    )
    report = run_isolated(
        CORRUPT_SCRIPT.format(patch=patch, archive=str(archive)), tmp_path, home
    )
    error = report["error"]
    assert error is not None and "\n" not in error
    assert str(home / "datasets" / EXTRACTED) in error and "delete" in error.lower()
    assert report["still_there"] and report["twin"]
    lines = report["stdout"].splitlines()
    assert len(lines) == 1 and "offline twin" in lines[0], lines


def test_no_network_and_no_cache(tmp_path):
    home = tmp_path / "keras_home"
    home.mkdir()
    report = run_isolated(
        """
        from rnn_course.data import DatasetError, load_cifar10
        import keras  # imported before the clock starts

        keras_calls = []
        keras.datasets.cifar10.load_data = lambda: keras_calls.append(1)
        stdout = sys.stdout
        start = time.perf_counter()
        error, suppressed = None, False
        try:
            load_cifar10(source="keras")
        except DatasetError as exc:
            error = str(exc)
            suppressed = exc.__cause__ is None and exc.__suppress_context__
        seconds = time.perf_counter() - start
        ((x, y), _), out = captured(lambda: load_cifar10(source="auto", n_train=30, n_test=10))
        (tx, ty), _ = load_cifar10(source="synthetic", n_train=30, n_test=10)
        report(
            error=error, suppressed=bool(suppressed), seconds=seconds,
            twin=bool(np.array_equal(x, tx) and np.array_equal(y, ty)),
            stdout=out, timeout_after=socket.getdefaulttimeout(),
            keras_calls=len(keras_calls), stdout_kept=sys.stdout is stdout,
        )
        """,
        tmp_path,
        home,
    )
    error = report["error"]
    assert error is not None and "\n" not in error, error
    assert 'source="synthetic"' in error and "RNN_COURSE_DATA=synthetic" in error
    assert "download" in error.lower() and HOST[0] in error
    assert report["suppressed"], "raise ... from None: no chained traceback"
    assert report["seconds"] < 10
    assert report["twin"]
    # The probe's name lookup failed: Keras was never called, so its
    # "Downloading data from ..." line never came; our notice is all.
    assert report["keras_calls"] == 0
    lines = report["stdout"].splitlines()
    assert len(lines) == 1 and lines[0].startswith("[rnn_course]"), lines
    assert "offline twin" in lines[0] and "could not" in lines[0] and HOST[0] in lines[0]
    assert report["timeout_after"] is None and report["stdout_kept"]
    assert not (home / "datasets" / ARCHIVE).exists()


# --- The probe before a download, in this process --------------------------------
#
# Keras's loader is replaced by a spy, so these run in this process: the
# course's cache check reads KERAS_HOME at call time.

HOST = ("www.cs.toronto.edu", 443)  # where Keras downloads CIFAR-10 from


@pytest.fixture
def empty_keras_home(tmp_path, monkeypatch):
    home = tmp_path / "keras_home"
    (home / "datasets").mkdir(parents=True)
    monkeypatch.setenv("KERAS_HOME", str(home))
    return home


def _tiny_keras_data():
    x = np.arange(4 * 32 * 32 * 3, dtype=np.uint8).reshape(4, 32, 32, 3)
    y = np.arange(4, dtype=np.uint8)[:, None]
    return (x, y), (x[:2].copy(), y[:2].copy())


@pytest.mark.parametrize("error", [
    TimeoutError("timed out"),  # a firewall that drops packets
    ConnectionRefusedError(111, "Connection refused"),
    OSError(101, "Network is unreachable"),
])
def test_unreachable_host_falls_back_without_calling_keras(
    empty_keras_home, monkeypatch, capsys, error
):
    probes = patch_probe(monkeypatch, error)
    calls = spy_on(monkeypatch, "cifar10", "load_data", AssertionError("Keras was called"))
    stdout = sys.stdout
    started = time.perf_counter()
    with pytest.raises(DatasetError) as caught:
        load_cifar10(source="keras")
    message = str(caught.value)
    assert "\n" not in message and 'source="synthetic"' in message
    assert "could not download it" in message and HOST[0] in message
    assert caught.value.__cause__ is None and caught.value.__suppress_context__

    (x, y), _ = load_cifar10(source="auto", n_train=20, n_test=10)
    assert time.perf_counter() - started < 10
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 and lines[0].startswith("[rnn_course]"), lines
    assert HOST[0] in lines[0] and "offline twin" in lines[0]
    np.testing.assert_array_equal(x, synthetic_cifar10.generate(20)[0])

    assert calls == []
    assert len(probes) == 2
    for address, timeout, _ in probes:
        assert address == HOST
        assert timeout is not None and 0 < timeout <= 30
    assert sys.stdout is stdout and socket.getdefaulttimeout() is None
    assert list((empty_keras_home / "datasets").iterdir()) == []


def test_keras_runs_with_no_global_timeout_once_the_host_answers(
    empty_keras_home, monkeypatch, capsys
):
    assert socket.getdefaulttimeout() is None
    probes = patch_probe(monkeypatch)
    data = _tiny_keras_data()
    calls = spy_on(monkeypatch, "cifar10", "load_data", data)
    stdout = sys.stdout
    (x, y), (x_test, _) = load_cifar10(source="keras", n_train=3, n_test=2)
    np.testing.assert_array_equal(x, data[0][0][:3])
    np.testing.assert_array_equal(x_test, data[1][0])
    assert calls == [(None, stdout)]  # no process-wide timeout, the same stdout
    assert sys.stdout is stdout and socket.getdefaulttimeout() is None
    assert capsys.readouterr().out == ""
    [(address, timeout, connection)] = probes
    assert address == HOST and 0 < timeout <= 30 and connection.closed

    # A download that fails after the probe connected still falls back.
    spy_on(monkeypatch, "cifar10", "load_data", TimeoutError("timed out"))
    with pytest.raises(DatasetError, match="could not download it") as caught:
        load_cifar10(source="keras")
    assert "\n" not in str(caught.value) and caught.value.__suppress_context__


def test_cached_archive_loads_without_a_probe(empty_keras_home, monkeypatch):
    archive, _ = cifar10.keras_cache_paths()
    archive.write_bytes(b"a tiny stand-in for the archive")
    monkeypatch.setattr(cifar10, "_KERAS_SHA256", sha256(archive))
    probes = patch_probe(monkeypatch, OSError("the probe must not run"))
    data = _tiny_keras_data()
    calls = spy_on(monkeypatch, "cifar10", "load_data", data)
    (x, _), _ = load_cifar10(source="keras")
    assert x is data[0][0]
    assert probes == [] and len(calls) == 1


# --- Arguments -------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, error, name",
    [
        ({"n_train": 0}, ValueError, "n_train"),
        ({"n_train": -1}, ValueError, "n_train"),
        ({"n_train": 50_001}, ValueError, "n_train"),
        ({"n_test": 10_001}, ValueError, "n_test"),
        ({"n_train": "10"}, TypeError, "n_train"),
        ({"n_test": 2.5}, TypeError, "n_test"),
        ({"n_train": True}, TypeError, "n_train"),
        ({"seed": -1}, ValueError, "seed"),
        ({"seed": "0"}, TypeError, "seed"),
        ({"source": "nope"}, ValueError, "nope"),
        ({"source": 3}, TypeError, "source"),
    ],
)
def test_bad_arguments_raise_one_line_errors(kwargs, error, name, cache):
    with pytest.raises(error) as raised:
        load_cifar10(**{"source": "synthetic", **kwargs})
    message = str(raised.value)
    assert name in message and "\n" not in message
    assert not cache.exists() or list(cache.iterdir()) == []


def test_bad_environment_variable_is_named(monkeypatch):
    monkeypatch.setenv("RNN_COURSE_DATA", "photos")
    with pytest.raises(ValueError, match="RNN_COURSE_DATA"):
        load_cifar10(n_train=10, n_test=10)


def test_numpy_integers_are_accepted():
    (x_train, _), (x_test, _) = load_cifar10(
        source="synthetic", n_train=np.int64(20), n_test=np.int32(10), seed=np.uint8(2)
    )
    assert len(x_train) == 20 and len(x_test) == 10


def test_the_cache_check_reads_keras_home_and_hashes_like_keras(tmp_path, monkeypatch):
    from rnn_course.data._keras import keras_datasets_dir, sha256

    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    assert keras_datasets_dir() == tmp_path / "datasets"
    file = tmp_path / "payload.bin"
    file.write_bytes(b"x" * 3_000_000)  # more than one block of the reader
    assert sha256(file) == hashlib.sha256(file.read_bytes()).hexdigest()
