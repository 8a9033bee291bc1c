"""Character-level language models: characters to ids, baselines, sampling, batches.

What Chapter 11 needs around the networks themselves (the NumPy network is
:mod:`rnn_course.numpy_nets.char_rnn`, the Keras one
:func:`rnn_course.models.build_char_lstm`):

- :class:`CharVocabulary`: the characters of a text, each with an id;
- :func:`ngram_cross_entropy`: the unigram, bigram (and trigram) baselines,
  counted from a training text and scored on another, in nats per character;
- :func:`softmax_with_temperature` and :func:`generate`: sampling a text
  one character at a time from any network that gives the next character's
  logits;
- :func:`words` and :func:`known_word_fraction`: how many generated words
  are words of the training text; :func:`repeating_tail`: the loop that
  greedy decoding falls into;
- :func:`next_char_windows` and :func:`stateful_batches`: the training
  examples, cut for a stateless model or lined up for a stateful one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from rnn_course import _validate


def _ids(name: str, value: Any, vocab_size: int | None = None, min_size: int = 1) -> np.ndarray:
    """A 1-D array of integer ids (in ``[0, vocab_size)`` when given), or one-line errors."""
    array = _validate.real_array(name, value)
    if not np.issubdtype(array.dtype, np.integer):
        raise TypeError(f"{name} must hold integer ids, got dtype {array.dtype}.")
    if array.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of ids, got shape {array.shape}.")
    if array.size < min_size:
        raise ValueError(f"{name} needs at least {min_size} ids, got {array.size}.")
    if array.size and array.min() < 0:
        raise ValueError(f"{name} holds a negative id, {int(array.min())}.")
    if vocab_size is not None and array.size and array.max() >= vocab_size:
        raise ValueError(
            f"{name} holds the id {int(array.max())}, not below vocab_size={vocab_size}."
        )
    return array.astype(np.int64, copy=False)


class CharVocabulary:
    """The distinct characters of a text, sorted, each with an id ``0 .. size - 1``.

    Args:
        text: The text whose characters make the vocabulary (a non-empty ``str``).

    Example:
        >>> vocab = CharVocabulary("hello")
        >>> vocab.chars, vocab.encode("hole").tolist(), vocab.decode([3, 1])
        (('e', 'h', 'l', 'o'), [1, 3, 2, 0], 'oh')
    """

    def __init__(self, text: str) -> None:
        text = _validate.text("text", text)
        if not text:
            raise ValueError("text is empty: a vocabulary needs at least one character.")
        self.chars: tuple[str, ...] = tuple(sorted(set(text)))
        self._index = {char: i for i, char in enumerate(self.chars)}
        self._lookup = np.full(max(map(ord, self.chars)) + 1, -1, dtype=np.int64)
        self._lookup[[ord(char) for char in self.chars]] = np.arange(len(self.chars))

    @property
    def size(self) -> int:
        """The number of distinct characters."""
        return len(self.chars)

    def __len__(self) -> int:
        return self.size

    def __repr__(self) -> str:
        return f"CharVocabulary({self.size} characters)"

    def encode(self, text: str) -> np.ndarray:
        """The ids of the characters of ``text``, an ``int64`` array ``(len(text),)``.

        Raises:
            TypeError: ``text`` is not a string.
            ValueError: ``text`` holds a character outside the vocabulary.
        """
        text = _validate.text("text", text)
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        inside = codes < len(self._lookup)
        ids = np.full(codes.shape, -1, dtype=np.int64)
        ids[inside] = self._lookup[codes[inside]]
        if (ids < 0).any():
            char = text[int(np.argmax(ids < 0))]
            raise ValueError(f"text holds {char!r}, a character outside the vocabulary.")
        return ids

    def decode(self, ids: Any) -> str:
        """The text of a 1-D sequence of ids (the inverse of :meth:`encode`)."""
        ids = _ids("ids", ids, self.size, min_size=0)
        return "".join(self.chars[i] for i in ids)


def ngram_cross_entropy(
    train_ids: Any, eval_ids: Any, vocab_size: int, order: int = 2, alpha: float = 1.0
) -> float:
    """Cross-entropy, in nats per character, of an n-gram model counted on a text.

    The model predicts a character from the ``order - 1`` characters before
    it, with probabilities counted on ``train_ids`` and add-``alpha``
    smoothing (so that a pair never seen still gets a little)::

        p(x_t | context) = (count(context, x_t) + alpha)
                           / (count(context) + alpha * vocab_size)

    ``order=1`` is the unigram model (how frequent each character is),
    ``order=2`` the bigram model (which character follows which). The score
    is ``-mean(log p(x_t | context))`` over the characters of ``eval_ids``
    that have a full context (all but the first ``order - 1``).

    Args:
        train_ids: The ids of the text the counts come from, 1-D.
        eval_ids: The ids of the text scored, 1-D, at least ``order`` long.
        vocab_size: The number of distinct ids.
        order: 1, 2 or 3 (and ``vocab_size ** order`` at most 50 million).
        alpha: The smoothing count, a positive number.

    Returns:
        The cross-entropy in nats per character, a Python float.

    Raises:
        TypeError, ValueError: Ids that are not 1-D integer arrays within
            ``vocab_size``, texts too short for ``order``, or a bad
            ``order``, ``vocab_size`` or ``alpha``.
    """
    vocab_size = _validate.positive_int("vocab_size", vocab_size)
    order = _validate.positive_int("order", order)
    if order > 3 or vocab_size**order > 50_000_000:
        raise ValueError(
            f"order must be 1, 2 or 3 with vocab_size**order at most 50 million, got {order}."
        )
    alpha = _validate.positive_number("alpha", alpha)
    train = _ids("train_ids", train_ids, vocab_size, min_size=order)
    evaluated = _ids("eval_ids", eval_ids, vocab_size, min_size=order)

    def codes(ids: np.ndarray) -> np.ndarray:
        # Each window of `order` ids as one number in base vocab_size.
        code = np.zeros(len(ids) - order + 1, dtype=np.int64)
        for k in range(order):
            code = code * vocab_size + ids[k:len(ids) - order + 1 + k]
        return code

    counts = np.bincount(codes(train), minlength=vocab_size**order).astype(np.float64)
    counts = counts.reshape(-1, vocab_size)  # one row per context
    probabilities = (counts + alpha) / (counts.sum(axis=1, keepdims=True) + alpha * vocab_size)
    scored = codes(evaluated)
    return float(-np.mean(np.log(probabilities.reshape(-1)[scored])))


def softmax_with_temperature(logits: Any, temperature: float) -> np.ndarray:
    """The softmax of ``logits / temperature``, along the last axis.

    ``temperature`` 1 gives the model's own probabilities; below 1 they are
    sharpened toward the likeliest character, above 1 flattened toward
    uniform. ``temperature=0`` is the limit: all the probability on the
    largest logit (the first, on a tie), which is greedy decoding.

    Args:
        logits: ``(..., vocab)`` real numbers.
        temperature: A number, 0 or above.

    Returns:
        Probabilities of the shape of ``logits``, in float64, summing to 1
        along the last axis.
    """
    z = _validate.finite_array("logits", logits, allow_empty=False).astype(np.float64)
    if z.ndim == 0:
        raise ValueError("logits must have a last axis of characters, got a single number.")
    temperature = _validate.finite_number("temperature", temperature)
    if temperature < 0:
        raise ValueError(f"temperature must be 0 or above, got {temperature!r}.")
    if temperature == 0:
        return np.eye(z.shape[-1])[np.argmax(z, axis=-1)]
    z = z / temperature
    z = z - z.max(axis=-1, keepdims=True)  # exp never overflows
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def generate(
    step: Callable[[np.ndarray], Any],
    prompt_ids: Any,
    length: int,
    temperatures: Sequence[float],
    seed: int = 0,
) -> list[np.ndarray]:
    """Sample ``length`` characters after a prompt, once per temperature, as one batch.

    ``step(ids)`` takes the ids of the current characters, one per row
    ``(batch,)``, and returns the logits of the next character ``(batch,
    vocab)``; it keeps its own state between calls and must start fresh
    (see :func:`keras_stepper`). The prompt is fed to every row; then each
    row samples its next character at its own temperature and feeds it
    back in.

    Args:
        step: The network, one step at a time.
        prompt_ids: The prompt's ids, 1-D, at least one.
        length: How many characters to generate.
        temperatures: One temperature per row (0 is greedy decoding).
        seed: Seed of the sampling's ``np.random.default_rng``.

    Returns:
        One ``int64`` array ``(length,)`` per temperature, the prompt left out.
    """
    if not callable(step):
        raise TypeError(f"step must be callable, got {type(step).__name__}.")
    prompt = _ids("prompt_ids", prompt_ids)
    length = _validate.positive_int("length", length)
    if isinstance(temperatures, (str, bytes)) or not isinstance(temperatures, Iterable):
        raise TypeError(
            f"temperatures must be a list of numbers, got {type(temperatures).__name__}."
        )
    temps = [_validate.finite_number(f"temperatures[{i}]", t) for i, t in enumerate(temperatures)]
    if not temps:
        raise ValueError("temperatures is empty: pass at least one temperature.")
    if min(temps) < 0:
        raise ValueError(f"temperatures must be 0 or above, got {min(temps)!r}.")
    rng = np.random.default_rng(_validate.seed("seed", seed))
    batch = len(temps)
    for char in prompt[:-1]:
        step(np.full(batch, char, dtype=np.int64))
    current = np.full(batch, prompt[-1], dtype=np.int64)
    out = np.zeros((batch, length), dtype=np.int64)
    for t in range(length):
        logits = np.asarray(step(current), dtype=np.float64)
        if logits.ndim != 2 or logits.shape[0] != batch:
            raise ValueError(
                f"step must return logits (batch, vocab) = ({batch}, vocab), got {logits.shape}."
            )
        for row, temperature in enumerate(temps):
            p = softmax_with_temperature(logits[row], temperature)
            current[row] = rng.choice(len(p), p=p) if temperature > 0 else np.argmax(p)
        out[:, t] = current
    return list(out)


def keras_stepper(model: Any) -> Callable[[np.ndarray], np.ndarray]:
    """A :func:`generate` step from a stateful Keras model, its states reset.

    ``model`` maps ids ``(batch, timesteps)`` to logits ``(batch,
    timesteps, vocab)`` and has ``stateful=True`` recurrent layers (built
    for the batch size :func:`generate` uses): each call feeds one
    character per row (``predict_on_batch``, a compiled call) and the
    layers keep their states for the next call.
    """
    layers = [layer for layer in getattr(model, "layers", []) if getattr(layer, "stateful", False)]
    if not callable(model) or not layers:
        raise TypeError(
            "model must be a Keras model with stateful=True recurrent layers, "
            f"got {type(model).__name__}."
        )
    for layer in layers:
        layer.reset_states()

    def step(ids: np.ndarray) -> np.ndarray:
        logits = model.predict_on_batch(np.asarray(ids, dtype=np.int64)[:, None])
        return np.asarray(logits)[:, -1, :]

    return step


def words(text: str) -> list[str]:
    """The words of ``text``: runs of letters, lower-cased (``"Don't!"`` -> ``don``, ``t``)."""
    text = _validate.text("text", text)
    return re.findall(r"[a-z]+", text.lower())


def known_word_fraction(text: str, known: Iterable[str]) -> float:
    """The fraction of the words of ``text`` (see :func:`words`) that are in ``known``.

    Args:
        text: A generated text with at least one word.
        known: The words of the training text, e.g. ``set(words(train_text))``.

    Returns:
        A float in ``[0, 1]``.
    """
    found = words(text)
    if not found:
        raise ValueError("text has no words (runs of letters) to look up.")
    if isinstance(known, (str, bytes)) or not isinstance(known, Iterable):
        raise TypeError(f"known must be a set of words, got {type(known).__name__}.")
    known = known if isinstance(known, (set, frozenset)) else set(known)
    return sum(word in known for word in found) / len(found)


def repeating_tail(text: str, min_repeats: int = 3) -> tuple[int, int]:
    """The loop a text ends in: ``(period, span)``, or ``(0, 0)`` when it ends in none.

    ``period`` is the shortest ``p`` such that the text's last ``p``
    characters appear at least ``min_repeats`` times in a row at its end;
    ``span`` is how many characters at the end repeat with that period.
    Greedy decoding typically ends in such a loop.

    Example:
        >>> repeating_tail("so the cat and the cat and the cat and the cat")
        (12, 44)
    """
    text = _validate.text("text", text)
    min_repeats = _validate.positive_int("min_repeats", min_repeats, minimum=2)
    n = len(text)
    for period in range(1, n // min_repeats + 1):
        if text[n - period * min_repeats:] == text[n - period:] * min_repeats:
            start = n - period * min_repeats
            while start > 0 and text[start - 1] == text[start - 1 + period]:
                start -= 1
            return period, n - start
    return 0, 0


def next_char_windows(ids: Any, seq_len: int) -> tuple[np.ndarray, np.ndarray]:
    """Cut a text into windows and the same windows shifted by one character.

    Args:
        ids: The text's ids, 1-D, longer than ``seq_len``.
        seq_len: The length of each window.

    Returns:
        ``(x, y)``, both ``int64`` ``(n, seq_len)`` with ``n = (len(ids) -
        1) // seq_len`` non-overlapping windows; ``y[i, t]`` is the character
        that follows ``x[i, t]``.
    """
    seq_len = _validate.positive_int("seq_len", seq_len)
    ids = _ids("ids", ids, min_size=seq_len + 1)
    n = (len(ids) - 1) // seq_len
    x = ids[: n * seq_len].reshape(n, seq_len)
    y = ids[1: n * seq_len + 1].reshape(n, seq_len)
    return x, y


def stateful_batches(ids: Any, batch_size: int, seq_len: int) -> tuple[np.ndarray, np.ndarray]:
    """Line a text up for a stateful network: row ``i`` of every batch continues row ``i``.

    The text is cut into ``batch_size`` streams of equal length, stream
    ``i`` starting at ``i * stream_length``; batch ``k`` holds the ``k``-th
    window of ``seq_len`` characters of every stream. So the state a
    network ends batch ``k`` with, row by row, is the right state to start
    batch ``k + 1`` with: truncated backpropagation through time, where the
    state carries over and the gradient stops at the window's edge.

    Args:
        ids: The text's ids, 1-D.
        batch_size: The number of streams (rows of a batch).
        seq_len: The number of characters of each window.

    Returns:
        ``(x, y)``, both ``int64`` ``(n_batches, batch_size, seq_len)``;
        ``y`` is ``x`` shifted by one character.
    """
    batch_size = _validate.positive_int("batch_size", batch_size)
    seq_len = _validate.positive_int("seq_len", seq_len)
    ids = _ids("ids", ids)
    stream = (len(ids) - 1) // batch_size
    n_batches = stream // seq_len
    if n_batches < 1:
        raise ValueError(
            f"ids has {len(ids)} characters, too few for one batch of {batch_size} "
            f"rows of {seq_len} (plus one): need {batch_size * seq_len + 1}."
        )
    used = n_batches * seq_len
    starts = np.arange(batch_size) * stream
    x = np.stack([ids[s: s + used] for s in starts])  # (batch_size, used)
    y = np.stack([ids[s + 1: s + used + 1] for s in starts])

    def cut(streams: np.ndarray) -> np.ndarray:
        return streams.reshape(batch_size, n_batches, seq_len).transpose(1, 0, 2).copy()

    return cut(x), cut(y)
