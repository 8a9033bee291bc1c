"""A sequence-to-sequence task made by code: dates written in many ways, to ISO.

Chapter 12 trains encoder-decoders to rewrite a date written by a person,
such as ``"3 May 1999"``, ``"Monday, May 3rd, 1999"`` or ``"03/05/1999"``,
as the ISO date ``"1999-05-03"``. Every pair is made here from a seeded
random date and one of :data:`DATE_STYLES`, so the data is the same on
every machine, and exact-match accuracy (the whole output right, or not)
has one clear meaning. Day-month order follows the British convention
throughout (``03/05/1999`` is the 3rd of May), so every input has exactly
one answer.

The characters become ids through two fixed vocabularies:

- inputs: :data:`INPUT_CHARS`, id 0 kept for padding;
- outputs: :data:`OUTPUT_CHARS` after three special ids, ``0`` padding,
  :data:`START` (what the decoder reads before the first character) and
  :data:`END` (what it writes after the last one).

Example::

    sources, targets = make_date_pairs(3, seed=0)
    x = encode_inputs(sources)                      # (3, longest source)
    decoder_in, decoder_out = encode_targets(targets)   # (3, 11) each
    decode_outputs(decoder_out) == targets          # True
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

import numpy as np

from rnn_course import _validate

__all__ = [
    "DATE_STYLES",
    "END",
    "FIRST_DATE",
    "INPUT_CHARS",
    "LAST_DATE",
    "OUTPUT_CHARS",
    "START",
    "TARGET_LENGTH",
    "decode_outputs",
    "encode_inputs",
    "encode_targets",
    "exact_match",
    "format_date",
    "make_date_pairs",
]

#: The dates drawn, uniformly, from the first to the last day (both included).
FIRST_DATE = datetime.date(1950, 1, 1)
LAST_DATE = datetime.date(2049, 12, 31)

_MONTHS = ("January", "February", "March", "April", "May", "June", "July",
           "August", "September", "October", "November", "December")
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

#: How a date can be written, by name; each example is 23 September 1999.
DATE_STYLES = {
    "dd/mm/yyyy": "23/09/1999",
    "dd.mm.yyyy": "23.09.1999",
    "d-mon-yyyy": "23-Sep-1999",
    "d month yyyy": "23 September 1999",
    "month d, yyyy": "September 23, 1999",
    "mon d yyyy": "Sep 23 1999",
    "yyyy month d": "1999 September 23",
    "dth month yyyy": "23rd September 1999",
    "the dth of month, yyyy": "the 23rd of September, 1999",
    "weekday, d month yyyy": "Thursday, 23 September 1999",
    "weekday, month dth, yyyy": "Thursday, September 23rd, 1999",
}

#: Every character an input may hold; its id is its position plus one.
INPUT_CHARS = " ,-./0123456789" + "".join(
    sorted(set("".join(_MONTHS + _DAYS) + "stndrhof").union("abcdefghijklmnopqrstuvwxyz")
           - {" "})
)
#: The characters of an ISO date; the ids 0, START and END come first.
OUTPUT_CHARS = "-0123456789"
START, END = 1, 2
#: Characters of every target, ``"YYYY-MM-DD"``.
TARGET_LENGTH = 10

_INPUT_IDS = {c: i + 1 for i, c in enumerate(INPUT_CHARS)}
_OUTPUT_IDS = {c: i + 3 for i, c in enumerate(OUTPUT_CHARS)}


def _ordinal(day: int) -> str:
    suffix = "th" if day in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def format_date(date: datetime.date, style: str) -> str:
    """``date`` written in ``style``, one of :data:`DATE_STYLES`.

    Args:
        date: A ``datetime.date``.
        style: A key of :data:`DATE_STYLES`, e.g. ``"d month yyyy"``.

    Returns:
        The text, e.g. ``"3 May 1999"``.
    """
    if not isinstance(date, datetime.date) or isinstance(date, datetime.datetime):
        raise TypeError(f"date must be a datetime.date, got {type(date).__name__}.")
    if not isinstance(style, str):
        raise TypeError(f"style must be a string, got {type(style).__name__}.")
    if style not in DATE_STYLES:
        raise ValueError(f"style must be one of {', '.join(DATE_STYLES)}; got {style!r:.40}.")
    d, m, y = date.day, date.month, date.year
    month, mon, weekday = _MONTHS[m - 1], _MONTHS[m - 1][:3], _DAYS[date.weekday()]
    return {
        "dd/mm/yyyy": f"{d:02d}/{m:02d}/{y}",
        "dd.mm.yyyy": f"{d:02d}.{m:02d}.{y}",
        "d-mon-yyyy": f"{d}-{mon}-{y}",
        "d month yyyy": f"{d} {month} {y}",
        "month d, yyyy": f"{month} {d}, {y}",
        "mon d yyyy": f"{mon} {d} {y}",
        "yyyy month d": f"{y} {month} {d}",
        "dth month yyyy": f"{_ordinal(d)} {month} {y}",
        "the dth of month, yyyy": f"the {_ordinal(d)} of {month}, {y}",
        "weekday, d month yyyy": f"{weekday}, {d} {month} {y}",
        "weekday, month dth, yyyy": f"{weekday}, {month} {_ordinal(d)}, {y}",
    }[style]


def make_date_pairs(n: int, seed: int = 0) -> tuple[list[str], list[str]]:
    """``n`` pairs (a date as a person writes it, the same date in ISO form).

    The dates are drawn uniformly from :data:`FIRST_DATE` to
    :data:`LAST_DATE`, each written in a style drawn uniformly from
    :data:`DATE_STYLES`, by ``np.random.default_rng(seed)``: the same ``n``
    and ``seed`` give the same pairs everywhere.

    Args:
        n: Number of pairs.
        seed: Seed of the random dates and styles.

    Returns:
        ``(sources, targets)``, two lists of ``n`` strings, e.g.
        ``["3 May 1999", ...]`` and ``["1999-05-03", ...]``.
    """
    n = _validate.positive_int("n", n)
    rng = np.random.default_rng(_validate.seed("seed", seed))
    span = (LAST_DATE - FIRST_DATE).days + 1
    offsets = rng.integers(0, span, size=n)
    styles = rng.integers(0, len(DATE_STYLES), size=n)
    names = list(DATE_STYLES)
    dates = [FIRST_DATE + datetime.timedelta(days=int(k)) for k in offsets]
    sources = [format_date(date, names[s]) for date, s in zip(dates, styles)]
    return sources, [date.isoformat() for date in dates]


def _texts(name: str, value: Any) -> list[str]:
    texts = _validate.strings(name, value)
    for i, text in enumerate(texts):
        if not text:
            raise ValueError(f"{name}[{i}] is an empty string: a date has characters.")
    return texts


def encode_inputs(texts: Sequence[str], maxlen: int | None = None) -> np.ndarray:
    """Input texts as ids of :data:`INPUT_CHARS`, padded with 0 at the end.

    Args:
        texts: The dates as written, e.g. ``["3 May 1999"]``.
        maxlen: Columns of the result; ``None`` for the longest text.

    Returns:
        An int32 array ``(len(texts), maxlen)``.
    """
    texts = _texts("texts", texts)
    longest = max(len(t) for t in texts)
    if maxlen is None:
        maxlen = longest
    maxlen = _validate.positive_int("maxlen", maxlen)
    if longest > maxlen:
        raise ValueError(f"maxlen={maxlen} is shorter than the longest text ({longest}).")
    ids = np.zeros((len(texts), maxlen), dtype=np.int32)
    for i, text in enumerate(texts):
        unknown = sorted(set(text) - set(_INPUT_IDS))
        if unknown:
            raise ValueError(f"texts[{i}] holds characters outside INPUT_CHARS: {unknown!r:.40}.")
        ids[i, : len(text)] = [_INPUT_IDS[c] for c in text]
    return ids


def encode_targets(targets: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """ISO dates as the decoder's inputs and outputs, for teacher forcing.

    The decoder reads :data:`START` and then the true characters, and must
    write each next character and then :data:`END`: its input is its output
    shifted one step to the right.

    Args:
        targets: ISO dates, e.g. ``["1999-05-03"]``.

    Returns:
        ``(decoder_inputs, decoder_outputs)``, two int32 arrays
        ``(len(targets), TARGET_LENGTH + 1)``.
    """
    targets = _texts("targets", targets)
    for i, text in enumerate(targets):
        if len(text) != TARGET_LENGTH or set(text) - set(_OUTPUT_IDS):
            raise ValueError(f"targets[{i}] must be an ISO date YYYY-MM-DD, got {text!r:.40}.")
    chars = np.array([[_OUTPUT_IDS[c] for c in text] for text in targets], dtype=np.int32)
    n = len(targets)
    inputs = np.concatenate([np.full((n, 1), START, np.int32), chars], axis=1)
    outputs = np.concatenate([chars, np.full((n, 1), END, np.int32)], axis=1)
    return inputs, outputs


def decode_outputs(ids: Any) -> list[str]:
    """Output ids back to text, each row read up to its first :data:`END` or padding.

    Args:
        ids: Integer ids ``(n, steps)``, e.g. what a decoder wrote.

    Returns:
        ``n`` strings; ``START`` ids are skipped.
    """
    array = _validate.finite_array("ids", ids, ndim=2)
    if not np.issubdtype(array.dtype, np.integer):
        raise TypeError(f"ids must hold integers, got dtype {array.dtype}.")
    if array.min() < 0 or array.max() >= len(OUTPUT_CHARS) + 3:
        raise ValueError(f"ids must lie from 0 to {len(OUTPUT_CHARS) + 2}, "
                         f"got {array.min()} to {array.max()}.")
    texts = []
    for row in array:
        chars = []
        for i in row:
            if i in (0, END):
                break
            if i != START:
                chars.append(OUTPUT_CHARS[i - 3])
        texts.append("".join(chars))
    return texts


def exact_match(predicted: Sequence[str], expected: Sequence[str]) -> np.ndarray:
    """Whether each predicted string equals its expected one, character for character.

    Args:
        predicted: ``n`` strings, e.g. from :func:`decode_outputs`.
        expected: ``n`` strings.

    Returns:
        A bool array ``(n,)``; its mean is the exact-match accuracy.
    """
    predicted = _validate.strings("predicted", predicted)
    expected = _validate.strings("expected", expected)
    if len(predicted) != len(expected):
        raise ValueError(f"predicted has {len(predicted)} strings and expected "
                         f"{len(expected)}: give one prediction per example.")
    return np.array([p == e for p, e in zip(predicted, expected)], dtype=bool)
