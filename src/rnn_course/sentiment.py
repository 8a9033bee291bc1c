"""Asking a model trained on IMDB about new texts (Chapter 6).

:func:`predict_sentiment` encodes new sentences as the model's training data
was encoded (:func:`rnn_course.text.encode_texts`), asks the model about
them and returns a table of probabilities and labels.

Example::

    from rnn_course.sentiment import predict_sentiment

    table = predict_sentiment(model, ["A wonderful film.", "Dull and far too long."],
                              word_index, maxlen=500)
    print(table)                # one row per text
    table[0].probability        # a float in (0, 1)
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np

from rnn_course.text import _as_text_list, encode_texts

__all__ = [
    "SentimentPrediction",
    "SentimentTable",
    "predict_sentiment",
]


# --------------------------------------------------------------------------
# Argument checks


def _threshold(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 < value < 1:
        raise ValueError(f"threshold must be a number between 0 and 1, got {value!r}.")
    return float(value)


# --------------------------------------------------------------------------
# Review lengths and truncation


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
