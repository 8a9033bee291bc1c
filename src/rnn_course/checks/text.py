"""Checkers of text preparation (Chapter 6 and Appendix A).

Encoding a new review the way IMDB was encoded (Chapter 6) and choosing the
length at which to cut reviews (Appendix A).
"""

from __future__ import annotations

import itertools
import numbers
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from rnn_course.checks._core import (
    _call_student,
    _checker,
    _not_a_function,
    _report,
    _short,
)

__all__ = ["check_length_cut", "check_review_encoder"]


# The ways an IMDB encoder usually goes wrong, in the order they are reported.
# Each is a switch of _encode_variant; the hints say how to put it right.
_ENCODER_SLIPS = ("case", "punctuation", "offset", "start", "unknown", "num_words")
_ENCODER_HINTS = {
    "case": "lower-case the text first ('This' is not in the word index, 'this' is)",
    "punctuation": (
        "replace punctuation by spaces before splitting ('bad.' is not in the word "
        "index, 'bad' is)"
    ),
    "offset": (
        "add 3 to every rank (ids 0, 1 and 2 are padding, start and unknown, so the "
        "word of rank r has id r + 3)"
    ),
    "start": "begin every review with the start id 1",
    "unknown": "give unknown words the id 2 (1 is the start id)",
    "num_words": (
        "turn ids that are not below num_words into 2 (the Embedding has only "
        "num_words rows)"
    ),
}

# The example of the course notes, with its capital letters and full stops.
_NOTES_SENTENCE = (
    "This movie is really bad. I do not like this movie because the direction was horrible."
)


def _encode_variant(
    text: str, word_index: Mapping[str, int], num_words: int | None, slips: frozenset
) -> list[int]:
    """IMDB's encoding of ``text`` with the given slips (none: ``encode_review``)."""
    from rnn_course.data.imdb import INDEX_FROM, KERAS_FILTERS, OOV_ID, START_ID

    if "case" not in slips:
        text = text.lower()
    if "punctuation" not in slips:
        text = text.translate(str.maketrans(KERAS_FILTERS, " " * len(KERAS_FILTERS)))
    unknown = START_ID if "unknown" in slips else OOV_ID
    offset = 0 if "offset" in slips else INDEX_FROM
    ids = [] if "start" in slips else [START_ID]
    for token in text.split():
        rank = word_index.get(token)
        word_id = unknown if rank is None else rank + offset
        if "num_words" not in slips and num_words is not None and word_id >= num_words:
            word_id = unknown
        ids.append(word_id)
    return ids


def _encoder_probes(word_index: Mapping[str, int], num_words: int | None) -> list[str]:
    """Sentences on which every slip of :data:`_ENCODER_SLIPS` changes the ids."""
    limit = float("inf") if num_words is None else num_words - 3
    by_rank = sorted(
        (rank, word) for word, rank in word_index.items()
        if isinstance(word, str) and word.isalpha() and word == word.lower()
    )
    common = [word for rank, word in by_rank if rank < limit][:40:8]
    rare = [word for rank, word in by_rank if rank >= limit][:1]
    unknown = "zqxvjw"
    while unknown in word_index:
        unknown += "q"
    a, b, c, d, e = (common + ["film"] * 5)[:5]
    probes = [
        _NOTES_SENTENCE,
        f"{a.capitalize()} {b}, {c}.",
        f"{d} {unknown} {e}!",
    ]
    if rare:
        probes.append(f"{a} {rare[0]} {b}")
    return probes


def _as_id_list(answer: Any) -> list[int] | None:
    if isinstance(answer, (str, bytes)) or not isinstance(answer, (list, tuple, np.ndarray)):
        return None
    try:
        array = np.asarray(answer)
    except ValueError:  # ragged nested lists
        return None
    if array.ndim != 1 or (array.size and not np.issubdtype(array.dtype, np.integer)):
        return None
    return [int(i) for i in array.tolist()]


@_checker
def check_review_encoder(
    student_fn: Callable[..., Any],
    word_index: Mapping[str, int],
    num_words: int | None = 10000,
    verbose: bool = True,
) -> bool:
    """Check a student's IMDB encoder against :func:`rnn_course.data.encode_review`.

    ``student_fn(text, word_index, num_words)`` must return the list of ids
    a model trained on ``keras.datasets.imdb`` expects: lower-cased,
    punctuation replaced by spaces, the start id 1 first, the word of rank
    ``r`` as ``r + 3``, unknown words (and ids not below ``num_words``) as 2.
    It is called on a few sentences, among them the example of the course
    notes; a wrong answer is explained in one line that names the slips
    (no lower-casing, punctuation kept, no offset 3, no start id, unknown
    words as 1, ``num_words`` ignored), alone or together.

    Args:
        student_fn: The function to check.
        word_index: The word index the ids refer to
            (:func:`rnn_course.data.imdb_word_index`).
        num_words: The ``num_words`` the data was loaded with.
        verbose: Print the one-line feedback.

    Returns:
        ``True`` when every sentence is encoded right, ``False`` otherwise.
    """
    if not isinstance(word_index, Mapping) or not word_index:
        raise TypeError("word_index must be a non-empty dict of word -> rank.")
    if num_words is not None and (
        isinstance(num_words, bool) or not isinstance(num_words, numbers.Integral) or num_words < 4
    ):
        raise ValueError(f"num_words must be an integer of at least 4 or None, got {num_words!r}.")
    if not callable(student_fn):
        return _report(False, _not_a_function(student_fn), verbose)
    probes = _encoder_probes(word_index, num_words)
    answers = []
    for text in probes:
        answer, problem = _call_student(student_fn, (text, word_index, num_words),
                                        f"on {text!r}")
        if problem is not None:
            return _report(False, problem, verbose)
        ids = _as_id_list(answer)
        if ids is None:
            got = "None: add a return" if answer is None else type(answer).__name__
            return _report(
                False, f"Expected a list of integer ids for {text!r}, got {got}.", verbose
            )
        answers.append(ids)
    from rnn_course.data.imdb import encode_review

    expected = [encode_review(text, word_index, num_words=num_words) for text in probes]
    if answers == expected:
        return _report(
            True,
            f"Correct! Your encoder matches encode_review on {len(probes)} sentences.",
            verbose,
        )
    # The smallest set of slips that explains every answer names the problem.
    for size in range(1, len(_ENCODER_SLIPS) + 1):
        for combo in itertools.combinations(_ENCODER_SLIPS, size):
            slips = frozenset(combo)
            variant = [_encode_variant(text, word_index, num_words, slips) for text in probes]
            if variant == answers:
                hints = [_ENCODER_HINTS[slip] for slip in combo]
                joined = (hints[0] if len(hints) == 1
                          else "; ".join(hints[:-1]) + "; and " + hints[-1])
                return _report(False, f"Not quite: {joined}.", verbose)
    k = next(i for i, (got, right) in enumerate(zip(answers, expected)) if got != right)

    def short(ids: list[int]) -> str:
        return str(ids) if len(ids) <= 10 else str(ids[:10])[:-1] + ", ...]"

    return _report(
        False,
        f"Wrong ids for {probes[k]!r}: expected {short(expected[k])}, got {short(answers[k])}.",
        verbose,
    )


def _length_cut_cases() -> list[tuple[np.ndarray, float]]:
    """Lengths and coverages on which a cut is easy to get wrong by one."""
    rng = np.random.default_rng(8)
    lognormal = np.clip(np.rint(np.exp(rng.normal(np.log(200), 0.65, 1001))), 10, 2000)
    return [
        (np.arange(1, 101), 0.9),            # 1..100: the cut is 90 exactly
        (np.array([9, 3, 5]), 0.5),          # unsorted, odd count: 5
        (np.array([4, 4, 4, 7]), 0.75),      # ties: 4
        (np.array([12, 40, 25, 31]), 1.0),   # everything whole: the longest
        (lognormal.astype(np.int64), 0.95),  # IMDB-like lengths
    ]


@_checker
def check_length_cut(answer: Any, verbose: bool = True) -> bool:
    """Check a function ``answer(lengths, coverage) -> int`` that chooses a length cut.

    The right cut is the shortest length ``L`` such that at least ``coverage``
    of the reviews have at most ``L`` ids: ``length_cut(lengths, coverage,
    multiple=1)`` of :mod:`rnn_course.batching`.

    Args:
        answer: The student's function; ``lengths`` is an int array of review
            lengths, ``coverage`` a share in ``(0, 1]``.
        verbose: Print the one-line feedback.

    Returns:
        ``True`` when every case gives the right cut.
    """
    from rnn_course.batching import length_cut

    for lengths, coverage in _length_cut_cases():
        expected = length_cut(lengths, coverage, multiple=1)
        shown = f"lengths={_short(lengths.tolist(), 40)}, coverage={coverage}"
        got, problem = _call_student(answer, (lengths.copy(), coverage), f"for {shown}")
        if problem is not None:
            return _report(False, problem, verbose)
        if isinstance(got, (bool, np.bool_)) or not isinstance(got, numbers.Real) \
                or not float(got).is_integer():
            return _report(False, f"For {shown} you returned {_short(got)}: a cut is a whole "
                                  "number of ids (np.percentile interpolates between lengths; "
                                  "take a length that occurs).", verbose)
        got = int(got)
        if got == expected:
            continue
        kept = float(np.mean(lengths <= got))
        if got < expected:
            hint = (f"only {kept:.1%} of the reviews have at most {got} ids, fewer than "
                    f"{coverage:.0%}: count the reviews with length <= the cut")
        else:
            hint = (f"a shorter cut already keeps {coverage:.0%} of the reviews whole: take "
                    "the shortest such length")
        return _report(False, f"Not quite: for {shown} you returned {got}; {hint}.", verbose)
    return _report(True, "Correct! Your cut keeps the asked share of the reviews whole and "
                         "is the shortest that does.", verbose)
