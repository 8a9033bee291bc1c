"""IMDB loader: Keras's format, the offline twin, the real-loader paths, encoding.

Run with ``RNN_COURSE_QUICK=1 RNN_COURSE_DATA=synthetic``. Every test uses a
temporary ``RNN_COURSE_CACHE``; the twin is generated once per session into a
shared temporary folder, since generating it is the slow part.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from rnn_course.data import DatasetError, synthetic_imdb
from rnn_course.data.imdb import (
    decode_review,
    encode_review,
    imdb_word_index,
    load_imdb,
)
from tests.helpers import patch_probe, spy_on

NOTICE = "[rnn_course]"


# --------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory):
    """A cache folder holding the generated twin, and the seconds it took."""
    folder = tmp_path_factory.mktemp("imdb_cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RNN_COURSE_CACHE", str(folder))
        started = time.perf_counter()
        synthetic_imdb.load_imdb_twin()
        seconds = time.perf_counter() - started
    return folder, seconds


@pytest.fixture
def use_shared_cache(shared_cache, monkeypatch):
    monkeypatch.setenv("RNN_COURSE_CACHE", str(shared_cache[0]))
    return shared_cache[0]


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("RNN_COURSE_CACHE", str(folder))
    return folder


@pytest.fixture(scope="session")
def twin(shared_cache):
    """``load_imdb(source="synthetic")`` with the defaults (num_words=10000)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RNN_COURSE_CACHE", str(shared_cache[0]))
        return load_imdb(source="synthetic")


@pytest.fixture(scope="session")
def twin_all_words(shared_cache):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RNN_COURSE_CACHE", str(shared_cache[0]))
        return load_imdb(num_words=None, source="synthetic")


@pytest.fixture(scope="session")
def twin_index(shared_cache):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RNN_COURSE_CACHE", str(shared_cache[0]))
        return imdb_word_index(source="synthetic")


@pytest.fixture
def keras_home(tmp_path, monkeypatch):
    """Point Keras's cache at a temporary folder, in this process.

    Keras reads ``KERAS_HOME`` once at import, so the folder it settled on is
    patched directly for ``get_file``; the course's pre-check reads
    ``KERAS_HOME`` at call time.
    """
    from keras.src.backend import config as keras_config

    home = tmp_path / "keras_home"
    (home / "datasets").mkdir(parents=True)
    monkeypatch.setattr(keras_config, "_KERAS_DIR", str(home))
    monkeypatch.setenv("KERAS_HOME", str(home))
    return home


@pytest.fixture
def no_network(monkeypatch):
    """Every name lookup fails, as on a machine without network."""

    def fail(*args, **kwargs):
        raise socket.gaierror(-3, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", fail)


def notices(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(NOTICE)]


HOST = ("storage.googleapis.com", 443)  # where Keras downloads IMDB from


# --------------------------------------------------------------------------
# 1. Format, statistics and cache


def test_twin_generates_quickly_and_loads_from_cache(shared_cache, use_shared_cache):
    folder, seconds = shared_cache
    path = synthetic_imdb.twin_cache_path()
    assert path.parent == folder and path.exists()
    assert f"v{synthetic_imdb.GENERATOR_VERSION}" in path.name
    print(f"twin generated in {seconds:.2f} s")
    assert seconds < 30

    started = time.perf_counter()
    cached = synthetic_imdb.load_imdb_twin()
    load_seconds = time.perf_counter() - started
    print(f"twin read from cache in {load_seconds:.2f} s")
    fresh = synthetic_imdb.generate_imdb_twin()
    assert set(cached) == set(synthetic_imdb.KEYS)
    for key in synthetic_imdb.KEYS:
        np.testing.assert_array_equal(cached[key], fresh[key])
    # Flat integer arrays and strings only: readable without pickle.
    with np.load(path, allow_pickle=False) as stored:
        assert all(stored[key].dtype != object for key in stored.files)


def test_format_matches_keras(twin):
    (x_train, y_train), (x_test, y_test) = twin
    for x, y in ((x_train, y_train), (x_test, y_test)):
        assert isinstance(x, np.ndarray) and x.dtype == object and x.shape == (25_000,)
        assert isinstance(y, np.ndarray) and y.dtype == np.int64 and y.shape == (25_000,)
        assert set(np.unique(y).tolist()) == {0, 1}
        assert y.sum() == 12_500
        assert all(type(review) is list for review in x)
        assert all(type(i) is int for review in x[:200] for i in review)
        assert all(review[0] == 1 for review in x)
        assert max(max(review) for review in x) < 10_000
        assert min(min(review[1:]) for review in x) >= 2
        # 3 is never used, as in Keras: ranks start at 1, ids at 4.
        assert not any(3 in review for review in x[:500])
    assert sum(review.count(2) for review in x_train[:1000]) > 1000


def test_num_words_none_keeps_every_word(twin_all_words, twin_index):
    (x_train, _), (x_test, _) = twin_all_words
    top = max(max(max(r) for r in x_train), max(max(r) for r in x_test))
    assert top > 20_000
    # As in Keras, only the single largest id counts as out of vocabulary.
    assert top == len(twin_index) + 2
    assert sum(review.count(2) for review in x_train) < 100


def test_maxlen_filters_like_keras(twin, use_shared_cache):
    (x_train, y_train), (x_test, y_test) = twin
    (short_train, short_y), (short_test, _) = load_imdb(maxlen=120, source="synthetic")
    expected = [(r, y) for r, y in zip(x_train, y_train) if len(r) < 120]
    assert 0 < len(short_train) == len(expected) < len(x_train)
    assert all(a == b for a, (b, _) in zip(short_train, expected))
    np.testing.assert_array_equal(short_y, [y for _, y in expected])
    assert max(len(r) for r in short_test) < 120
    assert short_y.dtype == np.int64
    with pytest.raises(ValueError, match="Increase maxlen"):
        load_imdb(maxlen=2, source="synthetic")


def test_seed_only_shuffles(twin, use_shared_cache):
    (x_train, y_train), _ = twin
    (again, again_y), _ = load_imdb(source="synthetic", seed=113)
    assert all(a == b for a, b in zip(x_train, again))
    np.testing.assert_array_equal(y_train, again_y)
    (other, other_y), _ = load_imdb(source="synthetic", seed=7)
    assert any(a != b for a, b in zip(x_train[:20], other[:20]))
    assert sorted(map(tuple, x_train)) == sorted(map(tuple, other))
    assert other_y.sum() == y_train.sum()


def test_statistics_look_like_imdb(twin_all_words, twin_index):
    (x_train, _), _ = twin_all_words
    words_per_review = np.array([len(r) - 1 for r in x_train])
    median = float(np.median(words_per_review))
    print(f"median length {median:.0f}, max {words_per_review.max()}")
    assert 175 <= median <= 230
    assert words_per_review.max() >= 1500
    assert np.percentile(words_per_review, 90) > 1.8 * median  # long right tail

    ids = np.concatenate([np.asarray(r[1:]) for r in x_train])
    counts = np.bincount(ids)[4:]  # ranks 1.. (the largest id became 2)
    print(f"{np.count_nonzero(counts)} distinct words")
    assert np.count_nonzero(counts) >= 10_000
    # word_index ranks are the true frequency order of the training set.
    assert np.all(np.diff(counts) <= 0)
    ranks = np.arange(1, len(counts) + 1)
    chosen = (ranks >= 10) & (ranks <= 10_000)
    slope = np.polyfit(np.log(ranks[chosen]), np.log(counts[chosen]), 1)[0]
    print(f"rank-frequency slope {slope:.2f}")
    assert -1.5 <= slope <= -0.7

    by_rank = sorted(twin_index, key=twin_index.get)
    assert sorted(twin_index.values()) == list(range(1, len(twin_index) + 1))
    assert by_rank[0] == "the"
    assert {"the", "and", "a", "of", "to", "is", "br", "movie", "film"} <= set(by_rank[:40])


# --------------------------------------------------------------------------
# 2. The twin teaches the real reviews' lessons


def _vote_accuracy(reviews, labels, index, negations: bool) -> float:
    """Accuracy of counting sentiment adjectives, with or without their negations."""
    sign = np.zeros(max(index.values()) + 4, dtype=np.int64)
    for word in synthetic_imdb.POSITIVE:
        sign[index[word] + 3] = 1
    for word in synthetic_imdb.NEGATIVE:
        sign[index[word] + 3] = -1
    negators = np.zeros_like(sign, dtype=bool)
    for word, _ in synthetic_imdb.NEGATIONS + synthetic_imdb.INNER_NEGATIONS:
        negators[index[word] + 3] = True
    right = 0
    for review, label in zip(reviews, labels):
        ids = np.asarray(review)
        votes = sign[ids]
        if negations:
            before = np.zeros_like(negators[ids])
            before[1:] |= negators[ids][:-1]
            before[2:] |= negators[ids][:-2]
            votes = np.where(before & (votes != 0), -votes, votes)
        right += (votes.sum() > 0) == bool(label)
    return right / len(labels)


def test_words_carry_most_of_the_label_and_order_adds_negations(use_shared_cache):
    """Like the real IMDB: the words alone say most, reading in order says more.

    On the real reviews a bag of words reaches about 0.88 and an LSTM about
    0.89. On the twin, counting its sentiment adjectives (no learning at
    all) gets most reviews right, and attaching each negation to the
    adjective after it, which only a reader of word order can do, gets more
    right, a little, as on the real reviews. Measured on 5,000 reviews: 0.918
    without the negations, 0.930 with them.
    """
    (x_train, y_train), _ = load_imdb(num_words=None, source="synthetic")
    index = imdb_word_index(source="synthetic")
    reviews, labels = x_train[:5000], y_train[:5000]
    plain = _vote_accuracy(reviews, labels, index, negations=False)
    ordered = _vote_accuracy(reviews, labels, index, negations=True)
    print(f"adjective count {plain:.3f}, with negations {ordered:.3f}")
    assert 0.85 <= plain <= 0.95
    assert ordered >= plain + 0.005
    assert ordered <= 1 - synthetic_imdb.LABEL_NOISE + 0.02


# --------------------------------------------------------------------------
# 3. The real loader, on small files in Keras's own cache layout

_REAL_LOADER_SCRIPT = r"""
import json, os
from pathlib import Path
import numpy as np

home = Path(os.environ["KERAS_HOME"])
datasets = home / "datasets"
datasets.mkdir(parents=True, exist_ok=True)

from rnn_course.data import synthetic_imdb
raw = synthetic_imdb.generate_imdb_twin(n_train=300, n_test=200)

def as_keras(split):
    values = raw[f"x_{split}_values"].tolist()
    offsets = raw[f"x_{split}_offsets"].tolist()
    out = np.empty(len(offsets) - 1, dtype=object)
    for i in range(len(out)):
        out[i] = values[offsets[i]:offsets[i + 1]]
    return out

# Keras's own layout: object arrays of raw rank lists, pickled inside the npz.
np.savez(datasets / "imdb.npz", x_train=as_keras("train"), y_train=raw["y_train"],
         x_test=as_keras("test"), y_test=raw["y_test"])
word_index = {w: r for r, w in enumerate(raw["words"].tolist(), start=1)}
(datasets / "imdb_word_index.json").write_text(json.dumps(word_index))

# The small files cannot match the real hashes: only that check is bypassed.
import keras.src.utils.file_utils as file_utils
file_utils.validate_file = lambda *args, **kwargs: True

import keras
from rnn_course.data.imdb import _keras_format, imdb_word_index, load_imdb

def same(a, b):
    (xa, ya), (xta, yta) = a
    (xb, yb), (xtb, ytb) = b
    for x1, x2 in ((xa, xb), (xta, xtb)):
        assert type(x1) is type(x2) and x1.dtype == x2.dtype and x1.shape == x2.shape
        assert all(type(r) is list for r in x1)
        assert all(list(r1) == list(r2) for r1, r2 in zip(x1, x2))
        assert all(type(i) is int for r in x1 for i in r)
    for y1, y2 in ((ya, yb), (yta, ytb)):
        assert y1.dtype == y2.dtype, (y1.dtype, y2.dtype)
        np.testing.assert_array_equal(y1, y2)

settings = [(10000, None, 113), (50, None, 113), (None, None, 7), (200, 150, 113), (None, 180, 3)]
for num_words, maxlen, seed in settings:
    expected = keras.datasets.imdb.load_data(num_words=num_words, maxlen=maxlen, seed=seed)
    same(load_imdb(num_words=num_words, maxlen=maxlen, seed=seed, source="keras"), expected)
    same(load_imdb(num_words=num_words, maxlen=maxlen, seed=seed, source="auto"), expected)
    # The twin's own formatting is Keras's processing, exactly.
    same(_keras_format(raw, num_words, maxlen, seed), expected)
assert imdb_word_index(source="keras") == keras.datasets.imdb.get_word_index() == word_index
print("REAL-LOADER-OK")
"""


def test_real_loader_path_matches_keras(tmp_path):
    env = dict(os.environ)
    env["KERAS_HOME"] = str(tmp_path / "keras_home")
    env["RNN_COURSE_CACHE"] = str(tmp_path / "cache")
    env.pop("RNN_COURSE_DATA", None)
    result = subprocess.run(
        [sys.executable, "-c", _REAL_LOADER_SCRIPT],
        env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "REAL-LOADER-OK" in result.stdout
    # Valid files: no fallback notice, nothing downloaded.
    assert NOTICE not in result.stdout
    assert "Downloading" not in result.stdout


# --------------------------------------------------------------------------
# 4. A damaged Keras cache file


def test_damaged_keras_file_is_reported_not_deleted(
    keras_home, use_shared_cache, no_network, twin, capsys
):
    path = keras_home / "datasets" / "imdb.npz"
    good = np.zeros(3)
    np.savez(path, x_train=good, y_train=good, x_test=good, y_test=good)
    content = path.read_bytes()[:-200]  # a truncated download
    path.write_bytes(content)

    with pytest.raises(DatasetError) as caught:
        load_imdb(source="keras")
    message = str(caught.value)
    assert "\n" not in message
    assert str(path) in message and "delete" in message
    assert path.read_bytes() == content  # Keras never got to delete it

    (x_train, y_train), _ = load_imdb(source="auto")
    lines = notices(capsys.readouterr().out)
    assert len(lines) == 1, lines
    assert str(path) in lines[0] and "offline twin" in lines[0]
    assert all(a == b for a, b in zip(x_train[:100], twin[0][0][:100]))
    np.testing.assert_array_equal(y_train, twin[0][1])
    assert path.read_bytes() == content


def test_npz_without_the_imdb_arrays_is_damaged(keras_home, use_shared_cache):
    path = keras_home / "datasets" / "imdb.npz"
    np.savez(path, something_else=np.arange(3))
    with pytest.raises(DatasetError, match="lacks x_train"):
        load_imdb(source="keras")
    assert path.exists()


def test_damaged_word_index_is_reported(
    keras_home, use_shared_cache, no_network, twin_index, capsys
):
    path = keras_home / "datasets" / "imdb_word_index.json"
    path.write_text('{"the": 1, "and"')
    with pytest.raises(DatasetError, match="delete it"):
        imdb_word_index(source="keras")
    assert imdb_word_index(source="auto") == twin_index
    assert len(notices(capsys.readouterr().out)) == 1
    assert path.exists()


# --------------------------------------------------------------------------
# 5. No network, no cache


def test_no_network_keras_raises_one_line_quickly(
    keras_home, use_shared_cache, no_network, monkeypatch
):
    loads = spy_on(monkeypatch, "imdb", "load_data", AssertionError("Keras was called"))
    indexes = spy_on(monkeypatch, "imdb", "get_word_index", AssertionError("Keras was called"))
    previous = socket.getdefaulttimeout()
    started = time.perf_counter()
    with pytest.raises(DatasetError) as caught:
        load_imdb(source="keras")
    assert time.perf_counter() - started < 10
    message = str(caught.value)
    assert "\n" not in message
    assert "network" in message and 'source="synthetic"' in message
    assert "RNN_COURSE_DATA=synthetic" in message
    assert HOST[0] in message  # the probe's lookup failed: Keras never ran
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    assert socket.getdefaulttimeout() == previous
    with pytest.raises(DatasetError, match="network"):
        imdb_word_index(source="keras")
    assert loads == [] and indexes == []


def test_no_network_auto_falls_back_with_one_notice(
    keras_home, use_shared_cache, no_network, twin, twin_index, capsys, monkeypatch
):
    loads = spy_on(monkeypatch, "imdb", "load_data", AssertionError("Keras was called"))
    started = time.perf_counter()
    (x_train, y_train), (x_test, y_test) = load_imdb(source="auto")
    seconds = time.perf_counter() - started
    out = capsys.readouterr().out
    print(f"fallback took {seconds:.1f} s")
    assert seconds < 15
    lines = notices(out)
    assert len(lines) == 1 and out.splitlines() == lines, out
    assert "could not be loaded" in lines[0] and "offline twin" in lines[0]
    assert HOST[0] in lines[0]
    assert loads == []
    assert all(a == b for a, b in zip(x_test[:100], twin[1][0][:100]))
    np.testing.assert_array_equal(y_test, twin[1][1])
    assert not (keras_home / "datasets" / "imdb.npz").exists()

    assert imdb_word_index(source="auto") == twin_index
    assert len(notices(capsys.readouterr().out)) == 1


@pytest.mark.parametrize("error", [
    TimeoutError("timed out"),  # a firewall that drops packets
    ConnectionRefusedError(111, "Connection refused"),
    OSError(101, "Network is unreachable"),
])
def test_unreachable_host_falls_back_without_calling_keras(
    keras_home, use_shared_cache, twin, twin_index, monkeypatch, capsys, error
):
    probes = patch_probe(monkeypatch, error)
    loads = spy_on(monkeypatch, "imdb", "load_data", AssertionError("Keras was called"))
    indexes = spy_on(monkeypatch, "imdb", "get_word_index", AssertionError("Keras was called"))
    stdout = sys.stdout
    started = time.perf_counter()
    with pytest.raises(DatasetError) as caught:
        load_imdb(source="keras")
    message = str(caught.value)
    assert "\n" not in message and 'source="synthetic"' in message
    assert "network" in message and HOST[0] in message
    assert caught.value.__cause__ is None and caught.value.__suppress_context__

    (x_train, _), _ = load_imdb(source="auto")
    assert imdb_word_index(source="auto") == twin_index
    assert time.perf_counter() - started < 10
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2 and all(line.startswith(NOTICE) for line in out), out
    assert all(HOST[0] in line and "offline twin" in line for line in out), out
    assert all(a == b for a, b in zip(x_train[:50], twin[0][0][:50]))

    assert loads == [] and indexes == []
    assert len(probes) == 3  # one per load, each to Keras's host
    for address, timeout, _ in probes:
        assert address == HOST
        assert timeout is not None and 0 < timeout <= 30
    assert sys.stdout is stdout
    assert socket.getdefaulttimeout() is None


def test_keras_downloads_with_no_global_timeout_once_the_host_answers(
    keras_home, use_shared_cache, monkeypatch, capsys
):
    assert socket.getdefaulttimeout() is None
    probes = patch_probe(monkeypatch)
    data = (("x_train", "y_train"), ("x_test", "y_test"))
    loads = spy_on(monkeypatch, "imdb", "load_data", data)
    indexes = spy_on(monkeypatch, "imdb", "get_word_index", {"the": 1})
    stdout = sys.stdout
    assert load_imdb(source="keras") is data
    assert imdb_word_index(source="auto") == {"the": 1}
    # During Keras's calls: no process-wide timeout, the same sys.stdout.
    assert [timeout for timeout, _ in loads + indexes] == [None, None]
    assert all(during is stdout for _, during in loads + indexes)
    assert sys.stdout is stdout and socket.getdefaulttimeout() is None
    assert capsys.readouterr().out == ""
    # One probe per download, with a finite timeout, and closed at once.
    assert [address for address, _, _ in probes] == [HOST, HOST]
    assert all(0 < timeout <= 30 for _, timeout, _ in probes)
    assert all(connection.closed for _, _, connection in probes)

    # A download that fails after the probe connected still falls back.
    spy_on(monkeypatch, "imdb", "load_data", TimeoutError("timed out"))
    with pytest.raises(DatasetError, match="network") as caught:
        load_imdb(source="keras")
    assert "\n" not in str(caught.value) and caught.value.__suppress_context__
    assert socket.getdefaulttimeout() is None


def test_cached_files_load_without_a_probe(keras_home, use_shared_cache, monkeypatch):
    datasets = keras_home / "datasets"
    empty = np.zeros(3)
    np.savez(datasets / "imdb.npz", x_train=empty, y_train=empty, x_test=empty, y_test=empty)
    (datasets / "imdb_word_index.json").write_text('{"the": 1}')
    probes = patch_probe(monkeypatch, OSError("the probe must not run"))
    data = (("x_train", "y_train"), ("x_test", "y_test"))
    loads = spy_on(monkeypatch, "imdb", "load_data", data)
    indexes = spy_on(monkeypatch, "imdb", "get_word_index", {"the": 1})
    assert load_imdb(source="keras") is data
    assert imdb_word_index(source="keras") == {"the": 1}
    assert probes == []
    assert len(loads) == len(indexes) == 1


def test_environment_variable_selects_the_source(
    keras_home, use_shared_cache, no_network, monkeypatch
):
    monkeypatch.setenv("RNN_COURSE_DATA", "keras")
    with pytest.raises(DatasetError):
        load_imdb()
    monkeypatch.setenv("RNN_COURSE_DATA", "synthetic")
    (x_train, _), _ = load_imdb(num_words=50)
    assert max(max(r) for r in x_train) < 50


# --------------------------------------------------------------------------
# 6. Encoding and decoding


def test_decode_then_encode_round_trips(twin, twin_all_words, twin_index):
    for reviews, num_words in ((twin_all_words[0][0], None), (twin[0][0], 10_000)):
        for ids in reviews[:50]:
            text = decode_review(ids, twin_index)
            assert text.startswith("[START] ")
            words = text.removeprefix("[START] ")
            if num_words is None and 2 in ids:
                continue
            assert encode_review(words, twin_index, num_words=num_words) == ids
    # Padding zeros are skipped; NumPy arrays are accepted.
    ids = twin[0][0][0]
    padded = np.concatenate([np.zeros(5, dtype="int32"), np.asarray(ids, dtype="int32")])
    assert decode_review(padded, twin_index) == decode_review(ids, twin_index)


def test_encode_review_follows_keras_preprocessing():
    index = {"the": 1, "movie": 2, "not": 3, "good": 4, "don't": 5, "rare": 20_000}
    assert encode_review("not good", index) == [1, 6, 7]
    assert encode_review("Not GOOD!!", index) == encode_review("not good", index)
    assert encode_review("The movie... (not) good?", index) == [1, 4, 5, 6, 7]
    assert encode_review("don't", index) == [1, 8]  # the apostrophe is kept
    assert encode_review("dont", index) == [1, 2]
    assert encode_review("zebra good", index) == [1, 2, 7]
    assert encode_review("rare", index) == [1, 2]  # id 20,003 >= num_words
    assert encode_review("rare", index, num_words=None) == [1, 20_003]
    assert encode_review("good", index, num_words=7) == [1, 2]
    assert encode_review("good", index, num_words=8) == [1, 7]
    assert encode_review("the\tmovie\nnot", index) == [1, 4, 5, 6]
    assert decode_review([1, 6, 7, 2, 0, 3], index) == "[START] not good [OOV] [UNUSED]"


@pytest.mark.parametrize("text", ["", "   ", "!!! ... ?", "\t\n"])
def test_encode_review_rejects_empty_text(text):
    with pytest.raises(ValueError) as caught:
        encode_review(text, {"good": 1})
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("text", [None, 3, ["good"], b"good"])
def test_encode_review_rejects_non_strings(text):
    with pytest.raises(TypeError) as caught:
        encode_review(text, {"good": 1})
    assert "\n" not in str(caught.value) and "string" in str(caught.value)


@pytest.mark.parametrize("ids, error", [
    ("1 4 5", TypeError), (None, TypeError), (7, TypeError),
    (np.zeros((2, 3), dtype=int), ValueError), ([1, 999], ValueError),
    ([1, 4.5], TypeError), ([1, -4], ValueError),
])
def test_decode_review_rejects_bad_ids(ids, error):
    with pytest.raises(error) as caught:
        decode_review(ids, {"good": 1})
    assert "\n" not in str(caught.value)


def test_bad_word_index_is_rejected():
    with pytest.raises(TypeError, match="word_index"):
        decode_review([1, 4], ["good"])
    with pytest.raises(TypeError, match="word_index"):
        encode_review("good", None)


@pytest.mark.parametrize("kwargs, error", [
    ({"num_words": 0}, ValueError), ({"num_words": -5}, ValueError),
    ({"num_words": 2.5}, TypeError), ({"num_words": "10000"}, TypeError),
    ({"num_words": True}, TypeError), ({"maxlen": 0}, ValueError),
    ({"maxlen": 1.0}, TypeError), ({"seed": -1}, ValueError),
    ({"seed": "113"}, TypeError), ({"source": "internet"}, ValueError),
])
def test_load_imdb_validates_arguments(kwargs, error):
    with pytest.raises(error) as caught:
        load_imdb(**kwargs)
    assert "\n" not in str(caught.value)


# --------------------------------------------------------------------------
# 7. The cache


def test_interrupted_cache_write_leaves_nothing(fresh_cache, shared_cache, monkeypatch):
    real_savez = np.savez

    def interrupted(handle, **arrays):
        handle.write(b"PK\x03\x04 half of a zip file")
        raise KeyboardInterrupt

    monkeypatch.setattr(np, "savez", interrupted)
    with pytest.raises(KeyboardInterrupt):
        synthetic_imdb.load_imdb_twin()
    assert list(Path(fresh_cache).iterdir()) == []

    monkeypatch.setattr(np, "savez", real_savez)
    words = synthetic_imdb.load_imdb_twin(keys=("words", "y_test"))
    assert [p.name for p in Path(fresh_cache).iterdir()] == [synthetic_imdb.twin_cache_path().name]
    with np.load(Path(shared_cache[0]) / synthetic_imdb.twin_cache_path().name) as shared:
        np.testing.assert_array_equal(words["words"], shared["words"])
        np.testing.assert_array_equal(words["y_test"], shared["y_test"])


def test_unreadable_cache_is_regenerated(fresh_cache, shared_cache):
    path = synthetic_imdb.twin_cache_path()
    path.write_bytes(b"not a zip file")
    words = synthetic_imdb.load_imdb_twin(keys=("words",))["words"]
    assert len(words) >= 10_000
    with np.load(path, allow_pickle=False) as stored:
        assert len(stored["words"]) == len(words)
