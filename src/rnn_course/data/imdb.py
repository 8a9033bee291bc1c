"""IMDB movie reviews: the Keras loader first, the offline twin always.

:func:`load_imdb` returns exactly what ``keras.datasets.imdb.load_data``
returns: ``(x_train, y_train), (x_test, y_test)`` where each ``x`` is a NumPy
object array of Python lists of word ids (1 = start of review, 2 = word out of
the vocabulary, real words from 3 up: id = frequency rank + 3) and each ``y``
an int64 array of labels 0 (negative) and 1 (positive). Where Keras cannot
download the data (no network, a firewall, CI) it falls back, with a one-line
notice, to the offline twin of :mod:`rnn_course.data.synthetic_imdb`, which
has the same format and a word index of its own (:func:`imdb_word_index`).

:func:`encode_review` and :func:`decode_review` translate between text and
ids the way the dataset was encoded, so a model trained on either source can
be asked about a new sentence.
"""

from __future__ import annotations

import json
import zipfile
import zlib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from rnn_course.config import DATA_ENV, data_source
from rnn_course.data._cache import DatasetError, notice
from rnn_course.data._keras import (
    IMDB_URL,
    IMDB_WORD_INDEX_URL,
    keras_datasets_dir,
    one_line,
    unreachable,
)
from rnn_course.data.provenance import record_origin
from rnn_course.data.synthetic_imdb import load_imdb_twin

START_ID = 1
OOV_ID = 2
INDEX_FROM = 3

# Keras's legacy ``text_to_word_sequence`` filter: these become spaces; the
# apostrophe is not among them, so "don't" stays one word.
KERAS_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'
_TRANSLATION = str.maketrans(KERAS_FILTERS, " " * len(KERAS_FILTERS))

_NPZ_KEYS = ("x_train", "y_train", "x_test", "y_test")
_TWIN_HINT = f'source="synthetic" or {DATA_ENV}=synthetic gives the offline twin'

Splits = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


# --------------------------------------------------------------------------
# Argument checks


def _check_count(name: str, value: Any) -> None:
    """Raise a one-line TypeError/ValueError unless ``value`` is a positive int or None."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be a positive integer or None, got {value!r}.")
    if value <= 0:
        raise ValueError(f"{name} must be a positive integer or None, got {value}.")


# --------------------------------------------------------------------------
# The real loader, through Keras


def _npz_problem(path: Path) -> str | None:
    """Why ``path`` is not a readable IMDB ``.npz`` (``None`` when it is).

    Checking before Keras matters: when a cached file fails its hash and the
    download fails too, ``get_file`` deletes the file.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            missing = [key for key in _NPZ_KEYS if f"{key}.npy" not in names]
            if missing:
                return f"it lacks {', '.join(missing)}"
            damaged = archive.testzip()
            if damaged is not None:
                return f"its member {damaged} is damaged"
    except (OSError, EOFError, ValueError, zipfile.BadZipFile, zlib.error):
        return "it is not a readable .npz file"
    return None


def _json_problem(path: Path) -> str | None:
    """Why ``path`` is not a readable word-index JSON (``None`` when it is)."""
    try:
        with open(path, encoding="utf-8") as handle:
            content = json.load(handle)
    except (OSError, UnicodeDecodeError, ValueError):
        return "it is not readable JSON"
    if not isinstance(content, dict):
        return "it is not a JSON object"
    return None


def _download_failed(what: str, detail: str, reason: str, strict: bool) -> None:
    """Raise (``strict``, with ``detail``) or print the one line (with ``reason``)."""
    if strict:
        raise DatasetError(
            f"Downloading the real {what} failed, most likely there is no "
            f"network ({detail}); {_TWIN_HINT}."
        ) from None
    notice(
        f"The real {what} could not be loaded ({reason}); using the offline "
        f"twin ({DATA_ENV}=synthetic skips the download)."
    )


def _from_keras(
    what: str,
    fname: str,
    origin: str,
    problem_of: Callable[[Path], str | None],
    load: Callable[[Any], Any],
    strict: bool,
) -> Any | None:
    """Run ``load(keras)``; on failure raise (``strict``) or notice and return None.

    When the file is not in Keras's cache, one TCP connection to the host of
    ``origin`` is tried first (:func:`rnn_course.data._keras.unreachable`,
    with a timeout on that socket alone): an unreachable host falls back at
    once, without calling Keras, whose urllib would wait forever on a firewall
    that drops packets. Keras itself then runs with no timeout, and no global
    socket setting is changed, so other threads' sockets are left alone.

    Args:
        what: Name of the data for messages, e.g. ``"IMDB reviews"``.
        fname: The file Keras caches it in, e.g. ``"imdb.npz"``.
        origin: The URL Keras downloads it from (only its host is probed).
        problem_of: Checks a cached copy before Keras sees it.
        load: Called with the ``keras`` module; returns the data.
        strict: ``True`` for ``source="keras"``: raise :class:`DatasetError`.
    """
    try:
        import keras
    except ImportError as error:
        message = f"Keras is not installed ({one_line(error)}); {_TWIN_HINT}."
        if strict:
            raise DatasetError(message) from None
        notice(f"The real {what} could not be loaded: Keras is missing; using the offline twin.")
        return None

    path = keras_datasets_dir() / fname
    problem = problem_of(path) if path.exists() else None
    if problem is not None:
        if strict:
            raise DatasetError(
                f"The cached Keras file {path} is damaged ({problem}): delete it "
                "and run again to download it afresh."
            )
        notice(
            f"The real {what} could not be loaded: the cached file {path} is "
            f"damaged ({problem}; delete it to download again); using the offline twin."
        )
        return None
    if not path.exists():
        # Keras will download: first make sure its host answers at all.
        why = unreachable(origin)
        if why is not None:
            _download_failed(what, why, f"could not download it: {why}", strict)
            return None

    try:
        return load(keras)
    except Exception as error:  # any failure means "use the twin"
        detail = one_line(error)
        if "URL fetch failure" in detail or isinstance(error, OSError):
            _download_failed(what, detail, "download failed, likely no network", strict)
            return None
        if strict:
            raise DatasetError(
                f"Loading the real {what} failed ({detail}); {_TWIN_HINT}."
            ) from None
        notice(
            f"The real {what} could not be loaded ({detail}); using the offline "
            f"twin ({DATA_ENV}=synthetic skips the download)."
        )
        return None


# --------------------------------------------------------------------------
# The twin in Keras's format


def _shuffled_with_start(
    values: np.ndarray, offsets: np.ndarray, order: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Reorder reviews by ``order``, add ``INDEX_FROM`` and prepend ``START_ID``.

    Vectorised version of Keras's ``[[start_char] + [w + index_from for w in x]
    for x in x_train[indices]]``, on flat arrays.
    """
    lengths = np.diff(offsets)[order]
    total = int(lengths.sum())
    starts_before = np.zeros(len(order), dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts_before[1:])
    gather = np.arange(total, dtype=np.int64) + np.repeat(
        offsets[:-1][order] - starts_before, lengths
    )
    new_offsets = np.zeros(len(order) + 1, dtype=np.int64)
    np.cumsum(lengths + 1, out=new_offsets[1:])
    out = np.empty(total + len(order), dtype=np.int64)
    is_start = np.zeros(len(out), dtype=bool)
    is_start[new_offsets[:-1]] = True
    out[is_start] = START_ID
    out[~is_start] = values[gather].astype(np.int64) + INDEX_FROM
    return out, new_offsets


def _keep(
    values: np.ndarray, offsets: np.ndarray, keep: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Keep only the reviews where ``keep`` is True."""
    lengths = np.diff(offsets)
    mask = np.repeat(keep, lengths)
    new_offsets = np.zeros(int(keep.sum()) + 1, dtype=np.int64)
    np.cumsum(lengths[keep], out=new_offsets[1:])
    return values[mask], new_offsets


def _to_lists(values: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Object array of Python lists of Python ints, Keras's container.

    The lists share one Python int per distinct id, which keeps 12 million
    ids at about 100 MB instead of 400 MB.
    """
    pool = np.array(list(range(int(values.max(initial=0)) + 1)), dtype=object)
    shared = pool[values]
    out = np.empty(len(offsets) - 1, dtype=object)
    bounds = offsets.tolist()
    for i in range(len(out)):
        out[i] = shared[bounds[i]:bounds[i + 1]].tolist()
    return out


def _keras_format(
    raw: dict[str, np.ndarray], num_words: int | None, maxlen: int | None, seed: int
) -> Splits:
    """What ``keras.datasets.imdb.load_data`` makes of a file holding ``raw``."""
    rng = np.random.RandomState(seed)
    splits = []
    for split in ("train", "test"):
        labels = raw[f"y_{split}"]
        order = np.arange(len(labels))
        rng.shuffle(order)  # train first, then test: the same draws as Keras
        values, offsets = _shuffled_with_start(
            raw[f"x_{split}_values"], raw[f"x_{split}_offsets"], order
        )
        labels = labels[order]
        if maxlen:
            # Keras keeps reviews strictly shorter than maxlen (start id counted).
            keep = np.diff(offsets) < maxlen
            values, offsets = _keep(values, offsets, keep)
            labels = labels[keep]
        splits.append([values, offsets, labels])
    if maxlen and (len(splits[0][2]) == 0 or len(splits[1][2]) == 0):
        raise ValueError(
            f"After filtering for sequences shorter than maxlen={maxlen}, no "
            "sequence was kept. Increase maxlen."
        )
    if not num_words:
        # As in Keras, the largest id present then becomes OOV too.
        num_words = max(int(values.max(initial=0)) for values, _, _ in splits)
    result = []
    for values, offsets, labels in splits:
        values = np.where(values < num_words, values, OOV_ID)
        result.append((_to_lists(values, offsets), labels.astype(np.int64)))
    return result[0], result[1]


# --------------------------------------------------------------------------
# Public API


def load_imdb(
    num_words: int | None = 10000,
    source: str | None = None,
    maxlen: int | None = None,
    seed: int = 113,
) -> Splits:
    """Load the IMDB reviews, like ``keras.datasets.imdb.load_data``.

    Args:
        num_words: Keep the ``num_words - 3`` most frequent words; rarer ones
            become the out-of-vocabulary id 2 (every id is below
            ``num_words``). ``None`` keeps every word.
        source: ``"keras"`` (download through Keras), ``"synthetic"`` (the
            offline twin) or ``"auto"`` (Keras, else the twin with a one-line
            notice). ``None`` reads ``RNN_COURSE_DATA``, default ``"auto"``.
        maxlen: Drop every review whose length, start id included, is not
            below ``maxlen`` (Keras filters, it does not truncate). ``None``
            keeps all.
        seed: Seed of the shuffle of each split (Keras's ``seed``).

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: ``x_*`` NumPy object arrays
        of shape ``(n,)`` holding Python lists of int ids (first id 1), and
        ``y_*`` int64 arrays of shape ``(n,)`` with labels 0/1; ``n`` is
        25,000 per split without ``maxlen``.

    Raises:
        DatasetError: ``source="keras"`` and the data cannot be loaded, or the
            cached Keras file is damaged.
    """
    _check_count("num_words", num_words)
    _check_count("maxlen", maxlen)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be a non-negative integer, got {seed!r}.")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed}.")
    where = data_source(source)
    if where != "synthetic":
        loaded = _from_keras(
            "IMDB reviews",
            "imdb.npz",
            IMDB_URL,
            _npz_problem,
            lambda keras: keras.datasets.imdb.load_data(
                num_words=num_words, maxlen=maxlen, seed=int(seed)
            ),
            strict=where == "keras",
        )
        if loaded is not None:
            record_origin("imdb", "keras")
            return loaded
    record_origin("imdb", "synthetic")
    return _keras_format(load_imdb_twin(), num_words, maxlen, int(seed))


def imdb_word_index(source: str | None = None) -> dict[str, int]:
    """Return the word index, like ``keras.datasets.imdb.get_word_index``.

    Args:
        source: As in :func:`load_imdb`; use the same source as the data.

    Returns:
        A dict mapping each word to its frequency rank (1 = most frequent);
        the word of rank ``r`` has id ``r + 3`` in the reviews.
    """
    where = data_source(source)
    if where != "synthetic":
        loaded = _from_keras(
            "IMDB word index",
            "imdb_word_index.json",
            IMDB_WORD_INDEX_URL,
            _json_problem,
            lambda keras: keras.datasets.imdb.get_word_index(),
            strict=where == "keras",
        )
        if loaded is not None:
            return loaded
    words = load_imdb_twin(keys=("words",))["words"].tolist()
    return {word: rank for rank, word in enumerate(words, start=1)}


def decode_review(ids: Sequence[int] | np.ndarray, word_index: Mapping[str, int]) -> str:
    """Turn one review's ids back into words.

    Args:
        ids: One review, a list or 1-D array of ids (padding zeros allowed,
            they are skipped).
        word_index: The word index of the same source
            (:func:`imdb_word_index`).

    Returns:
        The words joined by spaces; id 1 reads ``[START]``, id 2 ``[OOV]``
        and id 3, which Keras never uses, ``[UNUSED]``.
    """
    if not isinstance(word_index, Mapping):
        raise TypeError(
            f"word_index must be a dict of word -> rank, got {type(word_index).__name__}."
        )
    if isinstance(ids, (str, bytes)) or not isinstance(ids, (Sequence, np.ndarray)):
        raise TypeError(
            f"ids must be a list or 1-D array of integers, got {type(ids).__name__}."
        )
    array = np.asarray(ids)
    if array.ndim != 1:
        raise ValueError(
            f"ids must be one review (1-D), got shape {array.shape}: decode one row at a time."
        )
    if array.size and not np.issubdtype(array.dtype, np.integer):
        if not all(isinstance(i, (int, np.integer)) and not isinstance(i, bool) for i in ids):
            raise TypeError(f"ids must be integers, got dtype {array.dtype}.")
    words = {rank + INDEX_FROM: word for word, rank in word_index.items()}
    words.update({START_ID: "[START]", OOV_ID: "[OOV]", INDEX_FROM: "[UNUSED]"})
    out = []
    for i in array.tolist():
        if i == 0:
            continue
        if i not in words:
            raise ValueError(f"id {i} is not in word_index (ids are word rank + {INDEX_FROM}).")
        out.append(words[i])
    return " ".join(out)


def encode_review(
    text: str, word_index: Mapping[str, int], num_words: int | None = 10000
) -> list[int]:
    """Encode ``text`` the way the IMDB reviews were encoded.

    Lower-cases, replaces Keras's punctuation filter by spaces (apostrophes
    stay, so "don't" is one word), then maps each word of rank ``r`` to
    ``r + 3`` after the start id 1. Words missing from ``word_index`` or
    whose id is not below ``num_words`` become the out-of-vocabulary id 2.

    Args:
        text: The review.
        word_index: The word index of the data the model was trained on.
        num_words: The ``num_words`` the data was loaded with.

    Returns:
        A list of Python ints, starting with 1.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {type(text).__name__}.")
    if not isinstance(word_index, Mapping):
        raise TypeError(
            f"word_index must be a dict of word -> rank, got {type(word_index).__name__}."
        )
    _check_count("num_words", num_words)
    tokens = text.lower().translate(_TRANSLATION).split()
    if not tokens:
        raise ValueError(
            f"text has no words once lower-cased and stripped of punctuation: {text[:40]!r}."
        )
    limit = float("inf") if num_words is None else num_words
    ids = [START_ID]
    for token in tokens:
        rank = word_index.get(token)
        word_id = rank + INDEX_FROM if rank is not None else OOV_ID
        ids.append(word_id if word_id < limit else OOV_ID)
    return ids
