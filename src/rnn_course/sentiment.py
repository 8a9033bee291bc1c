"""Helpers for Chapter 6: inspecting IMDB reviews and asking a model about new ones.

- :func:`truncation_loss` measures what ``keras.utils.pad_sequences(...,
  maxlen=...)`` throws away: the share of reviews cut and the share of word
  ids lost.
- :func:`plot_review_lengths` draws the histogram of review lengths with the
  cut-off marked.
- :func:`encode_texts` turns new sentences into the padded array a model
  trained on IMDB expects (:func:`rnn_course.data.encode_review`, then
  ``pad_sequences``), and :func:`predict_sentiment` asks the model about
  them, returning a table of probabilities and labels.

Example::

    from rnn_course.sentiment import predict_sentiment

    table = predict_sentiment(model, ["A wonderful film.", "Dull and far too long."],
                              word_index, maxlen=500)
    print(table)                # one row per text
    table[0].probability        # a float in (0, 1)
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np
from matplotlib.figure import Figure

from rnn_course import _validate
from rnn_course.data.imdb import encode_review
from rnn_course.plotting import OKABE_ITO

__all__ = [
    "SentimentPrediction",
    "SentimentTable",
    "TruncationLoss",
    "encode_texts",
    "plot_review_lengths",
    "predict_sentiment",
    "review_lengths",
    "truncation_loss",
]


# --------------------------------------------------------------------------
# Argument checks



def _threshold(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 < value < 1:
        raise ValueError(f"threshold must be a number between 0 and 1, got {value!r}.")
    return float(value)


# --------------------------------------------------------------------------
# Review lengths and truncation


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


# --------------------------------------------------------------------------
# Predicting new reviews


class SentimentPrediction(NamedTuple):
    """The model's verdict on one text.

    Attributes:
        text: The text as given.
        probability: Probability of a positive review, in ``[0, 1]``.
        label: ``"positive"`` when ``probability >= threshold``, else
            ``"negative"``.
    """

    text: str
    probability: float
    label: str


class SentimentTable(list):
    """A list of :class:`SentimentPrediction` that prints as a table."""

    def __str__(self) -> str:
        width = 60
        lines = [f"{'probability':>11s}  {'label':8s}  text", f"{'-' * 11}  {'-' * 8}  {'-' * 4}"]
        for row in self:
            text = " ".join(row.text.split())
            if len(text) > width:
                text = text[: width - 3] + "..."
            lines.append(f"{row.probability:11.3f}  {row.label:8s}  {text}")
        return "\n".join(lines)

    def __repr__(self) -> str:  # the table is what a notebook shows
        return self.__str__()

    @property
    def probabilities(self) -> np.ndarray:
        """The probabilities as a float array, one per text."""
        return np.array([row.probability for row in self], dtype=float)

    @property
    def labels(self) -> list[str]:
        """The labels, one per text."""
        return [row.label for row in self]


def _as_text_list(texts: Any) -> list[str]:
    """One string or a list of strings, checked: a list of strings."""
    if isinstance(texts, str):
        return [texts]
    if isinstance(texts, (bytes, bytearray)):
        raise TypeError("texts must be a string or a list of strings, got bytes: decode them first.")
    if isinstance(texts, Mapping) or not isinstance(texts, Iterable):
        raise TypeError(
            f"texts must be a string or a list of strings, got {type(texts).__name__}."
        )
    items = list(texts)
    if not items:
        raise ValueError("texts is empty: pass at least one text.")
    for i, item in enumerate(items):
        if not isinstance(item, str):
            raise TypeError(f"texts[{i}] must be a string, got {type(item).__name__}: {item!r:.40}.")
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


def predict_sentiment(
    model: Any,
    texts: str | Sequence[str],
    word_index: Mapping[str, int],
    num_words: int | None = 10000,
    maxlen: int | None = 500,
    threshold: float = 0.5,
) -> SentimentTable:
    """Ask a trained IMDB classifier whether new texts are positive.

    The texts are encoded by :func:`encode_texts`, the encoding of the
    training data: lower-cased, start id 1, unknown words id 2 (so a text of
    unknown words still gets a prediction), ids offset by 3, padded before
    the text and cut to its last ``maxlen`` ids.

    Args:
        model: A Keras model mapping ``(batch, maxlen)`` ids to
            probabilities ``(batch, 1)``, e.g. from
            :func:`rnn_course.models.build_text_classifier`.
        texts: One string (the result is then a table of one row) or a
            list of strings.
        word_index: The word index of the training data.
        num_words: The ``num_words`` the training data was loaded with.
        maxlen: The length the training reviews were padded to.
        threshold: A text is ``"positive"`` when its probability is at least
            ``threshold``.

    Returns:
        A :class:`SentimentTable`: a list of
        :class:`SentimentPrediction` ``(text, probability, label)``, one per
        text in order, that prints as a table.

    Raises:
        TypeError: ``texts`` is not a string or a list of strings.
        ValueError: ``texts`` is empty, a text has no words (the message
            names which), ``threshold`` is not in ``(0, 1)``, or the model
            does not return one probability per text.
    """
    threshold = _threshold(threshold)
    if not callable(getattr(model, "predict", None)):
        raise TypeError(f"model must be a Keras model, got {type(model).__name__}.")
    items = _as_text_list(texts)
    ids = encode_texts(items, word_index, num_words=num_words, maxlen=maxlen)
    raw = np.asarray(model.predict(ids, verbose=0), dtype=float)
    if raw.shape not in ((len(items), 1), (len(items),)):
        raise ValueError(
            f"the model returned shape {raw.shape} for {len(items)} texts; "
            "expected one probability per text, (n, 1)."
        )
    probabilities = raw.reshape(-1)
    return SentimentTable(
        SentimentPrediction(text, float(p), "positive" if p >= threshold else "negative")
        for text, p in zip(items, probabilities)
    )
