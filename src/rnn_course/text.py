"""From words to ids: toy reviews, word vectors, review lengths, new texts.

Every helper that turns text into the ids a model reads, or looks at what
that encoding keeps, lives here:

- :func:`toy_reviews`, :func:`standardize`, :func:`word_sentiment` and
  :func:`plot_word_vectors`: Chapter 5's first ``Embedding`` layer.
- :func:`review_lengths`, :func:`truncation_loss` and
  :func:`plot_review_lengths`: what a cut at ``maxlen`` throws away
  (Chapter 6).
- :func:`encode_texts`: new sentences as the padded array a model trained
  on IMDB expects (:func:`rnn_course.data.encode_review`, then
  ``pad_sequences``).

IMDB's own id format (start id, unknown id, rank + 3) belongs to the
dataset: :func:`rnn_course.data.encode_review` and
:func:`rnn_course.data.decode_review` live with its loader.

Chapter 5 trains its first ``Embedding`` layer on :func:`toy_reviews`: twelve
short movie reviews, six positive and six negative, that share most of their
words ("every minute", "acting and a ... plot", "from start to end") so that
a few sentiment words decide the label. With a two-dimensional embedding the
learned word vectors can be drawn with :func:`plot_word_vectors`, coloured by
:func:`word_sentiment`.

Example::

    from rnn_course.text import toy_reviews

    texts, labels = toy_reviews()
    texts[0], labels[0]        # ('What a great film', 1)
"""

from __future__ import annotations

import numbers
import string
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from rnn_course import _validate
from rnn_course.data.imdb import encode_review
from rnn_course.plotting import OKABE_ITO

__all__ = [
    "SENTIMENT_GROUPS",
    "TOY_REVIEWS",
    "TruncationLoss",
    "encode_texts",
    "plot_review_lengths",
    "plot_word_vectors",
    "review_lengths",
    "standardize",
    "toy_reviews",
    "truncation_loss",
    "word_sentiment",
]

#: Twelve (text, label) pairs: 1 = positive review, 0 = negative review.
#: Pairs of sentences differ in one or two words; "Not bad at all" and
#: "Not good at all" need word order, which a bag of words does not see.
TOY_REVIEWS: tuple[tuple[str, int], ...] = (
    ("What a great film", 1),
    ("I loved every minute", 1),
    ("Brilliant acting and a clever plot", 1),
    ("A moving and beautiful story", 1),
    ("Great fun from start to end", 1),
    ("Not bad at all", 1),
    ("A dull and boring film", 0),
    ("I hated every minute", 0),
    ("Terrible acting and a silly plot", 0),
    ("Boring from start to end", 0),
    ("Not good at all", 0),
    ("What a waste of time", 0),
)

#: The groups :func:`word_sentiment` puts words in, in drawing order.
SENTIMENT_GROUPS: tuple[str, ...] = ("positive only", "negative only", "both")

_STRIP = str.maketrans("", "", string.punctuation)


def toy_reviews() -> tuple[list[str], np.ndarray]:
    """The twelve toy reviews and their labels.

    Returns:
        ``(texts, labels)``: a new list of 12 strings and an ``int32`` array
        of 12 labels (1 = positive, 0 = negative), in the order of
        :data:`TOY_REVIEWS` (six positive reviews, then six negative ones).
    """
    texts = [text for text, _ in TOY_REVIEWS]
    labels = np.array([label for _, label in TOY_REVIEWS], dtype=np.int32)
    return texts, labels


def standardize(text: str) -> list[str]:
    """Split a text into words the way ``keras.layers.TextVectorization`` does by default.

    Lower-cases, strips ASCII punctuation and splits on whitespace (the
    layer's ``standardize="lower_and_strip_punctuation"`` and
    ``split="whitespace"``).

    Args:
        text: One sentence.

    Returns:
        The list of words, possibly empty.

    Raises:
        TypeError: ``text`` is not a string.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {type(text).__name__}.")
    return text.lower().translate(_STRIP).split()


def word_sentiment(texts: Sequence[str], labels: Sequence[int]) -> dict[str, str]:
    """Which class of sentences each word occurs in.

    Args:
        texts: Sentences.
        labels: One label per sentence, 0 or 1.

    Returns:
        ``{word: group}`` for every word of ``texts`` (after
        :func:`standardize`), where ``group`` is ``"positive only"`` (the word
        occurs only in sentences labelled 1), ``"negative only"`` (only in
        sentences labelled 0) or ``"both"``. Words appear in order of first
        occurrence.

    Raises:
        TypeError: ``texts`` is a single string, or holds something else
            than strings.
        ValueError: ``texts`` and ``labels`` differ in length, or a label is
            not 0 or 1.
    """
    if isinstance(texts, str):
        raise TypeError("texts must be a list of sentences, not one string.")
    texts = _validate.strings("texts", texts, allow_empty=True)
    labels = np.asarray(labels)
    if labels.ndim != 1 or len(labels) != len(texts):
        raise ValueError(
            f"Expected one label per sentence ({len(texts)} texts), got labels of shape "
            f"{labels.shape}."
        )
    seen: dict[str, set[int]] = {}
    for text, label in zip(texts, labels.tolist()):
        if isinstance(label, bool) or not isinstance(label, numbers.Real) or label not in (0, 1):
            raise ValueError(f"labels must be 0 or 1, got {label!r}.")
        for word in standardize(text):
            seen.setdefault(word, set()).add(int(label))
    names = {frozenset({1}): "positive only", frozenset({0}): "negative only"}
    return {word: names.get(frozenset(classes), "both") for word, classes in seen.items()}


_MARKERS = ("o", "s", "^", "D", "v", "P")


def plot_word_vectors(
    vectors: Any,
    words: Sequence[str],
    groups: Mapping[str, str] | None = None,
    title: str = "Word vectors",
    label_words: Iterable[str] | None = None,
) -> Figure:
    """Draw two-dimensional word vectors as labelled points.

    Args:
        vectors: ``(n, 2)`` array, one row per word (for example the rows of
            a trained ``Embedding(vocab_size, 2)``).
        words: The ``n`` words, in the order of the rows.
        groups: Optional ``{word: group}`` (for example from
            :func:`word_sentiment`): each group gets its own colour and
            marker and an entry in the legend; words without a group are
            drawn in grey as "other".
        title: Title of the axes.
        label_words: The words to write next to their points; ``None``
            writes every word. Words of a trained embedding often sit almost
            on top of each other, so a few chosen labels read better.

    Returns:
        The figure (not shown; it displays under the notebook cell).

    Raises:
        TypeError: ``vectors`` does not hold numbers, a word is not a
            string, or ``label_words`` is one string instead of a list.
        ValueError: ``vectors`` is not ``(n, 2)`` with ``n >= 1`` finite rows,
            ``words`` does not have ``n`` entries, or a word of
            ``label_words`` is not in ``words``.
    """
    points = _validate.real_array("vectors", vectors)
    if points.ndim != 2 or points.shape[1] != 2 or points.shape[0] == 0:
        raise ValueError(f"vectors must have shape (n, 2), got {points.shape}.")
    if not np.all(np.isfinite(points)):
        raise ValueError("vectors holds NaN or infinite values.")
    words = _validate.strings("words", words)
    if len(words) != points.shape[0]:
        raise ValueError(
            f"Expected {points.shape[0]} words, one per row of vectors, got "
            f"{len(words)}.")
    if groups is not None and not isinstance(groups, Mapping):
        raise TypeError(
            f"groups must be a dict {{word: group}} or None, got "
            f"{type(groups).__name__}.")
    title = _validate.text("title", title)
    if label_words is None:
        labelled = set(words)
    else:
        if isinstance(label_words, str):
            raise TypeError("label_words must be a list of words, not one string.")
        labelled = set(_validate.strings("label_words", label_words, allow_empty=True))
        missing = sorted(str(word) for word in labelled - set(words))
        if missing:
            raise ValueError(f"label_words not found in words: {', '.join(missing)}.")
    groups = dict(groups or {})
    labels = [groups.get(word, "other") for word in words]
    order = [g for g in SENTIMENT_GROUPS if g in labels]
    order += sorted({g for g in labels if g not in order and g != "other"})
    if "other" in labels:
        order.append("other")

    # Checked first, drawn second: a bad call leaves no half-drawn figure open.
    fig, ax = plt.subplots(figsize=(7, 5.5), layout="constrained")
    for i, group in enumerate(order):
        rows = [k for k, label in enumerate(labels) if label == group]
        colour = "#999999" if group == "other" else OKABE_ITO[i % (len(OKABE_ITO) - 1)]
        ax.scatter(points[rows, 0], points[rows, 1], color=colour,
                   marker=_MARKERS[i % len(_MARKERS)], s=40, label=group, zorder=3)
        for k in (k for k in rows if words[k] in labelled):
            ax.annotate(words[k], points[k], xytext=(4, 3), textcoords="offset points",
                        fontsize=8, color="#333333")
    ax.axhline(0, color=OKABE_ITO[-1], linewidth=0.6)
    ax.axvline(0, color=OKABE_ITO[-1], linewidth=0.6)
    ax.set_xlabel("dimension 1")
    ax.set_ylabel("dimension 2")
    ax.set_title(title)
    ax.grid(True, alpha=0.3)
    ax.legend()
    return fig


def review_lengths(sequences: Iterable[Sequence[int]]) -> np.ndarray:
    """Number of ids in each review (the start id counts as one), as an int array.

    Args:
        sequences: Reviews as lists of ids, like ``x_train`` of
            :func:`rnn_course.data.load_imdb`.

    Returns:
        An int64 array with one length per review.
    """
    if isinstance(sequences, (str, bytes, Mapping)) or not isinstance(sequences, Iterable):
        raise TypeError(
            f"sequences must be a list of reviews (lists of ids), got {type(sequences).__name__}."
        )
    lengths = []
    for review in sequences:
        if isinstance(review, (str, bytes)):  # a text has a len() too, counted in letters
            raise TypeError("sequences must hold reviews as lists of ids, got a string: "
                            "encode the texts first.")
        if not hasattr(review, "__len__"):
            raise TypeError("sequences must be a list of reviews, each a list of ids.")
        lengths.append(len(review))
    lengths = np.asarray(lengths, dtype=np.int64)
    if lengths.size == 0:
        raise ValueError("sequences is empty: pass at least one review.")
    return lengths


class TruncationLoss(NamedTuple):
    """What cutting every review to ``maxlen`` ids loses.

    Attributes:
        maxlen: The cut-off.
        reviews: Number of reviews.
        reviews_cut: Reviews longer than ``maxlen``.
        ids: Ids in all the reviews together.
        ids_lost: Ids beyond ``maxlen``, which ``pad_sequences`` drops.
    """

    maxlen: int
    reviews: int
    reviews_cut: int
    ids: int
    ids_lost: int

    @property
    def share_cut(self) -> float:
        """Fraction of the reviews that lose ids (0 to 1)."""
        return self.reviews_cut / self.reviews

    @property
    def share_lost(self) -> float:
        """Fraction of all ids that are dropped (0 to 1)."""
        return self.ids_lost / self.ids


def truncation_loss(sequences: Iterable[Sequence[int]], maxlen: int) -> TruncationLoss:
    """Measure what ``pad_sequences(sequences, maxlen=maxlen)`` throws away.

    A review of ``n > maxlen`` ids loses ``n - maxlen`` of them (its first
    ones with the default ``truncating="pre"``, its last ones with
    ``"post"``: the count is the same).

    Args:
        sequences: Reviews as lists of ids.
        maxlen: The length every review is cut (or padded) to.

    Returns:
        A :class:`TruncationLoss`; ``.share_cut`` and ``.share_lost`` are the
        two fractions.
    """
    maxlen = _validate.positive_int("maxlen", maxlen)
    lengths = review_lengths(sequences)
    excess = np.maximum(lengths - maxlen, 0)
    return TruncationLoss(
        maxlen=maxlen,
        reviews=int(lengths.size),
        reviews_cut=int(np.count_nonzero(excess)),
        ids=int(lengths.sum()),
        ids_lost=int(excess.sum()),
    )


def plot_review_lengths(
    sequences: Iterable[Sequence[int]],
    maxlen: int,
    bins: int = 60,
    title: str = "Length of the training reviews",
) -> Figure:
    """Histogram of review lengths with the cut-off ``maxlen`` marked.

    The reviews longer than ``maxlen`` are drawn in a second colour and
    hatched, and the legend gives their share.

    Args:
        sequences: Reviews as lists of ids.
        maxlen: The cut-off, drawn as a dashed vertical line.
        bins: Number of bins between 0 and the longest review.
        title: Title of the axes.

    Returns:
        The figure (not shown; it displays under the notebook cell).
    """
    maxlen = _validate.positive_int("maxlen", maxlen)
    bins = _validate.positive_int("bins", bins)
    title = _validate.text("title", title)
    lengths = review_lengths(sequences)
    cut = lengths > maxlen
    share_cut = float(np.mean(cut))

    import matplotlib.pyplot as plt

    edges = np.linspace(0, max(int(lengths.max()), maxlen) + 1, bins + 1)
    fig, ax = plt.subplots(figsize=(8, 4), layout="constrained")
    ax.hist(lengths[~cut], bins=edges, color=OKABE_ITO[0], edgecolor="white", linewidth=0.5,
            label=f"kept whole ({1 - share_cut:.0%})")
    ax.hist(lengths[cut], bins=edges, color=OKABE_ITO[1], edgecolor="white", linewidth=0.5,
            hatch="//", label=f"cut to {maxlen} ids ({share_cut:.0%})")
    ax.axvline(maxlen, color=OKABE_ITO[-1], linestyle="--", linewidth=1.5,
               label=f"maxlen = {maxlen}")
    ax.axvline(float(np.median(lengths)), color=OKABE_ITO[2], linestyle=":", linewidth=2,
               label=f"median = {np.median(lengths):.0f}")
    ax.set_xlabel("review length (word ids, start id included)")
    ax.set_ylabel("number of reviews")
    ax.set_title(title)
    ax.set_xlim(0, edges[-1])
    ax.grid(True, alpha=0.3)
    ax.legend()
    return fig


def _as_text_list(texts: Any) -> list[str]:
    """One string or a list of strings, checked: a list of strings."""
    if isinstance(texts, str):
        return [texts]
    if isinstance(texts, (bytes, bytearray)):
        raise TypeError(
            "texts must be a string or a list of strings, got bytes: decode them "
            "first.")
    if isinstance(texts, Mapping) or not isinstance(texts, Iterable):
        raise TypeError(
            f"texts must be a string or a list of strings, got {type(texts).__name__}."
        )
    items = list(texts)
    if not items:
        raise ValueError("texts is empty: pass at least one text.")
    for i, item in enumerate(items):
        if not isinstance(item, str):
            raise TypeError(
                f"texts[{i}] must be a string, got {type(item).__name__}: "
                f"{item!r:.40}.")
    return items


def encode_texts(
    texts: str | Sequence[str],
    word_index: Mapping[str, int],
    num_words: int | None = 10000,
    maxlen: int | None = 500,
) -> np.ndarray:
    """Encode new texts exactly as the IMDB training reviews were encoded and padded.

    Each text goes through :func:`rnn_course.data.encode_review` (lower-case,
    punctuation stripped, start id 1, unknown words id 2, word ids = rank + 3,
    ids not below ``num_words`` become 2), then all of them through
    ``keras.utils.pad_sequences(..., maxlen=maxlen)`` with its defaults:
    short texts get zeros *before* them, long texts keep their *last*
    ``maxlen`` ids (``truncating="pre"``), as the training reviews did.

    Args:
        texts: One string (treated as a list of one) or a list of strings.
        word_index: The word index of the data the model was trained on
            (:func:`rnn_course.data.imdb_word_index`).
        num_words: The ``num_words`` the data was loaded with.
        maxlen: The length the training reviews were padded to; ``None`` pads
            to the longest text and cuts nothing.

    Returns:
        An int32 array ``(len(texts), maxlen)``.

    Raises:
        TypeError: ``texts`` is not a string or a list of strings (the
            message names the first bad item).
        ValueError: ``texts`` is empty, or one of them has no words (the
            message names which one).
    """
    items = _as_text_list(texts)
    if num_words is not None:
        num_words = _validate.positive_int("num_words", num_words)
    if maxlen is not None:
        maxlen = _validate.positive_int("maxlen", maxlen)
    if not isinstance(word_index, Mapping):
        raise TypeError(
            f"word_index must be a dict of word -> rank, got {type(word_index).__name__}."
        )
    encoded = []
    for i, text in enumerate(items):
        try:
            encoded.append(encode_review(text, word_index, num_words=num_words))
        except ValueError:
            # The arguments are checked above: only the text itself can be at fault.
            raise ValueError(
                f"texts[{i}] has no words to encode ({text[:40]!r}): pass a non-empty review."
            ) from None
    import keras

    return keras.utils.pad_sequences(encoded, maxlen=maxlen, dtype="int32")
