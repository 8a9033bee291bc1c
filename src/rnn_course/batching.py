"""Batches of reviews that waste few steps on padding (Appendix A).

A recurrent layer takes one step per time step of its input, padding
included, and one step costs about the same whatever is in it. Chapter 6
pads every review to 500 ids, so a review of 150 words costs 500 steps.
Appendix A removes that waste:

1. :func:`length_cut` chooses the cut from the length distribution (the
   length that keeps a chosen share of the reviews whole).
2. :func:`bucketed_dataset` groups reviews of similar length into the same
   batch and pads each batch only to its longest review, in a ``tf.data``
   pipeline that prepares the next batches while the model trains
   (``prefetch``).

:func:`padding_share` measures the waste: the share of the steps that read
padding rather than words; :func:`plot_padding` draws it. The model that
reads these batches is :func:`rnn_course.models.build_fast_classifier`, and
:func:`rnn_course.training.train_with_recipe` trains it.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from rnn_course import _validate
from rnn_course.text import review_lengths

__all__ = [
    "DEFAULT_BOUNDARIES",
    "bucket_batches",
    "bucketed_dataset",
    "length_cut",
    "padding_share",
    "plot_padding",
]


#: Bucket edges used when none are given (ids, start id included).
DEFAULT_BOUNDARIES = (64, 96, 128, 160, 192, 224, 256, 320, 384, 448)


def _labels(labels: Any, n: int, name: str = "labels") -> np.ndarray:
    """0/1 labels as float32 ``(n,)``, or a one-line error."""
    try:
        y = np.asarray(labels, dtype=np.float32)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of 0/1 numbers, got {type(labels).__name__}.")\
            from None
    if y.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},), one per review, got {y.shape}.")
    if not np.isin(y, (0, 1)).all():
        raise ValueError(f"{name} must be 0 or 1.")
    return y


def _share(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 < value <= 1:
        raise ValueError(f"{name} must be a number in (0, 1], got {value!r}.")
    return float(value)


def _review_lengths(sequences: Any, name: str) -> np.ndarray:
    """:func:`review_lengths`, its errors naming the argument ``name``."""
    try:
        return review_lengths(sequences)
    except (TypeError, ValueError) as error:
        raise type(error)(str(error).replace("sequences", name, 1)) from None


def _lengths(sequences: Any, name: str) -> np.ndarray:
    """Review lengths from reviews (lists of ids) or from an int array of lengths."""
    if isinstance(sequences, np.ndarray) and sequences.dtype.kind in "iu":
        lengths = sequences.astype(np.int64).ravel()
        if lengths.size == 0 or lengths.min() < 0:
            raise ValueError(f"{name} must be a non-empty array of non-negative integers.")
        return lengths
    return _review_lengths(sequences, name)


def _reviews(sequences: Any, name: str) -> np.ndarray:
    """Lengths of reviews that hold non-negative integer ids, or a one-line error."""
    lengths = _review_lengths(sequences, name)
    for i, review in enumerate(sequences):
        try:
            ids = np.asarray(review)
        except (TypeError, ValueError):
            ids = np.asarray([None])
        if ids.size and (ids.ndim != 1 or ids.dtype.kind not in "iu" or ids.min() < 0):
            raise ValueError(f"{name}[{i}] must be a list of non-negative integer ids, "
                             f"got {review!r:.60}.")
    return lengths


def _boundaries(boundaries: Any, maxlen: int) -> list[int]:
    """Check bucket edges and keep those below ``maxlen`` (the last bucket ends there)."""
    if isinstance(boundaries, (str, bytes)) or not isinstance(boundaries, Sequence):
        raise TypeError(f"boundaries must be a list of lengths, got {type(boundaries).__name__}.")
    edges = [_validate.positive_int(f"boundaries[{i}]", b) for i, b in enumerate(boundaries)]
    if any(b >= a for a, b in zip(edges[1:], edges)):
        raise ValueError(f"boundaries must increase strictly, got {list(boundaries)!r}.")
    return [b for b in edges if b < maxlen]


def length_cut(sequences: Any, coverage: float = 0.9, multiple: int = 10) -> int:
    """The shortest cut that keeps ``coverage`` of the reviews whole.

    ``coverage`` is the share of reviews that fit in the cut without losing a
    word: 0.9 keeps nine reviews in ten whole and trims the longest tenth to
    their last ``cut`` ids (``truncating="pre"`` keeps a review's end, where
    its verdict usually is). Because lengths have a long tail, the last few
    percent of coverage cost many steps: on IMDB, keeping 90 % of the reviews
    needs a cut of a few hundred ids, keeping all of them more than 2,000.

    Args:
        sequences: Reviews as lists of ids (like ``x_train`` of
            :func:`rnn_course.data.load_imdb`), or an array of their lengths.
        coverage: Share of the reviews to keep whole, in ``(0, 1]``.
        multiple: Round the cut up to a multiple of this (1 for no rounding).

    Returns:
        The cut, an ``int``: at least ``coverage`` of the reviews have at most
        this many ids.
    """
    coverage = _share("coverage", coverage)
    multiple = _validate.positive_int("multiple", multiple)
    lengths = _lengths(sequences, "sequences")
    # The k-th shortest review, k = ceil(coverage * n): the first length with
    # at least that share of reviews at or below it.
    k = max(math.ceil(coverage * lengths.size - 1e-9), 1)
    cut = int(np.partition(lengths, k - 1)[k - 1])
    return max(multiple * math.ceil(cut / multiple), multiple)


def bucket_batches(lengths: np.ndarray, boundaries: Sequence[int], batch_size: int,
                   rng: np.random.Generator | None = None) -> list[np.ndarray]:
    """One epoch of batches, as arrays of review indices, drawn from length buckets.

    Reviews are shuffled and dealt into buckets (a review of ``n`` ids goes
    to the first bucket whose edge is at least ``n``; the last bucket takes
    the rest); each bucket is cut into batches of ``batch_size`` (its last
    batch may be smaller), and the batches are shuffled.

    Args:
        lengths: Length of each review after the cut, int array ``(n,)``.
        boundaries: Bucket edges, strictly increasing.
        batch_size: Reviews per batch.
        rng: NumPy generator of the shuffles; ``None`` keeps the reviews in
            order and the batches in bucket order.

    Returns:
        A list of int arrays; together they hold every index once.
    """
    lengths = _lengths(lengths, "lengths")
    batch_size = _validate.positive_int("batch_size", batch_size)
    edges = _boundaries(boundaries, int(lengths.max()) + 1)
    if rng is not None and not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy Generator or None, got {type(rng).__name__}.")
    order = np.arange(lengths.size) if rng is None else rng.permutation(lengths.size)
    bucket = np.searchsorted(np.asarray(edges, dtype=np.int64), lengths[order], side="left")
    batches = []
    for b in np.unique(bucket):
        members = order[bucket == b]
        batches += [members[i:i + batch_size] for i in range(0, members.size, batch_size)]
    return batches if rng is None else [batches[i] for i in rng.permutation(len(batches))]


def padding_share(lengths: Any, maxlen: int, batch_size: int,
                  boundaries: Sequence[int] | None = None, seed: int = 0) -> float:
    """Share of a recurrent layer's steps that read padding, for one epoch.

    Args:
        lengths: Review lengths (ids, start id included) as an int array,
            e.g. from :func:`rnn_course.text.review_lengths`, or the
            reviews themselves.
        maxlen: The cut; longer reviews count as ``maxlen`` ids.
        batch_size: Reviews per batch.
        boundaries: ``None`` for fixed padding (every batch padded to
            ``maxlen``, as ``pad_sequences`` does), else the bucket edges of
            :func:`bucketed_dataset` (every batch padded to its longest
            review).
        seed: Seed of the shuffle that forms the batches.

    Returns:
        Padded steps over all steps, between 0 and 1.
    """
    lengths = np.minimum(_lengths(lengths, "lengths"), _validate.positive_int("maxlen", maxlen))
    batch_size = _validate.positive_int("batch_size", batch_size)
    seed = _validate.seed("seed", seed)
    if boundaries is None:
        return float(1 - lengths.sum() / (lengths.size * maxlen))
    edges = _boundaries(boundaries, maxlen)
    batches = bucket_batches(lengths, edges, batch_size, np.random.default_rng(seed))
    steps = sum(batch.size * int(lengths[batch].max()) for batch in batches)
    return float(1 - lengths.sum() / steps)


def bucketed_dataset(
    sequences: Any,
    labels: Any,
    maxlen: int,
    batch_size: int = 256,
    boundaries: Sequence[int] | None = None,
    shuffle: bool = True,
    seed: int = 0,
    padding: str = "post",
    pad_to_boundary: bool = False,
):
    """A ``tf.data.Dataset`` of length-bucketed reviews, each batch padded to its longest.

    Every review keeps its last ``maxlen`` ids (``truncating="pre"``).
    Reviews are grouped by length into buckets (edges ``boundaries``); a
    batch comes from one bucket and is padded with zeros only to its longest
    review. With ``padding="post"`` (the default) the zeros come *after* the
    text, for a model with ``Embedding(mask_zero=True)``: the mask skips them,
    and on a GPU the fused cuDNN kernel accepts a mask only in that layout.
    The next batches are prepared while the model trains (``prefetch``).

    The batches are formed in NumPy, one epoch at a time, and handed to
    ``tf.data`` whole: ``tf.data.Dataset.bucket_by_sequence_length`` does the
    same inside the pipeline but review by review, which on two CPU cores
    took a noticeable share of each epoch.

    Args:
        sequences: Reviews as lists of ids.
        labels: One 0/1 label per review, shape ``(n,)``.
        maxlen: The cut, e.g. from :func:`length_cut`.
        batch_size: Reviews per batch.
        boundaries: Bucket edges (ids); default :data:`DEFAULT_BOUNDARIES`.
        shuffle: New batches in a new order at every epoch (training);
            ``False`` gives the same batches in the same order every time
            (evaluation).
        seed: Seed of the shuffles.
        padding: ``"post"`` (zeros after the text, for a mask) or ``"pre"``
            (zeros before it, for a model without a mask).
        pad_to_boundary: Pad each batch to its bucket's upper edge instead of
            its longest review: fewer distinct shapes, which XLA
            (``jit_compile``) compiles once each.

    Returns:
        A dataset of ``(ids, labels)`` batches: ``ids`` int32 of shape
        ``(batch, length)`` with ``length <= maxlen``, ``labels`` float32 of
        shape ``(batch,)``.
    """
    import keras
    import tensorflow as tf

    maxlen = _validate.positive_int("maxlen", maxlen)
    batch_size = _validate.positive_int("batch_size", batch_size)
    seed = _validate.seed("seed", seed)
    if not isinstance(padding, str) or padding not in ("pre", "post"):
        raise ValueError(f"padding must be 'pre' or 'post', got {padding!r:.60}.")
    shuffle = _validate.flag("shuffle", shuffle)
    pad_to_boundary = _validate.flag("pad_to_boundary", pad_to_boundary)
    edges = _boundaries(DEFAULT_BOUNDARIES if boundaries is None else boundaries, maxlen)
    lengths = np.minimum(_reviews(sequences, "sequences"), maxlen)
    y = _labels(labels, lengths.size)
    # Every review padded once to the cut, text against the side the batch
    # keeps: a batch is then one slice of this matrix.
    ids = keras.utils.pad_sequences(sequences, maxlen=maxlen, dtype="int32",
                                    padding=padding, truncating="pre")
    uppers = np.array(edges + [maxlen])
    rng = np.random.default_rng(seed) if shuffle else None
    # The buckets' sizes, hence the number of batches, do not depend on the shuffle.
    n_batches = len(bucket_batches(lengths, edges, batch_size))

    def batches():
        for index in bucket_batches(lengths, edges, batch_size, rng):
            width = int(lengths[index].max())
            if pad_to_boundary:
                width = int(uppers[np.searchsorted(uppers, width)])
            columns = slice(0, width) if padding == "post" else slice(maxlen - width, maxlen)
            yield ids[index, columns], y[index]

    dataset = tf.data.Dataset.from_generator(batches, output_signature=(
        tf.TensorSpec(shape=(None, None), dtype=tf.int32),
        tf.TensorSpec(shape=(None,), dtype=tf.float32)))
    # Telling tf.data the number of batches lets Keras count steps from the
    # first epoch (instead of warning that the data "ran out").
    dataset = dataset.apply(tf.data.experimental.assert_cardinality(n_batches))
    return dataset.prefetch(tf.data.AUTOTUNE)


def plot_padding(lengths: Any, maxlen: int, batch_size: int = 256,
                 boundaries: Sequence[int] | None = None, rows: int = 16, seed: int = 0):
    """Two batches side by side: padded to ``maxlen``, and drawn from a length bucket.

    Each horizontal bar is one review of the batch: its words in colour, its
    padding hatched grey, one column per step the recurrent layer takes. The
    titles give the share of padded steps over a whole epoch
    (:func:`padding_share`), for batches of ``batch_size``.

    Args:
        lengths: Review lengths (int array) or the reviews.
        maxlen: The cut.
        batch_size: Reviews per batch, for the shares in the titles.
        boundaries: Bucket edges; default :data:`DEFAULT_BOUNDARIES`.
        rows: Reviews drawn in each batch.
        seed: Seed of the reviews drawn.

    Returns:
        The matplotlib figure.
    """
    import matplotlib.pyplot as plt

    from rnn_course.plotting import OKABE_ITO

    maxlen = _validate.positive_int("maxlen", maxlen)
    rows = _validate.positive_int("rows", rows)
    batch_size = _validate.positive_int("batch_size", batch_size)
    seed = _validate.seed("seed", seed)
    lengths = np.minimum(_lengths(lengths, "lengths"), maxlen)
    edges = _boundaries(DEFAULT_BOUNDARIES if boundaries is None else boundaries, maxlen)
    rng = np.random.default_rng(seed)
    fixed = rng.choice(lengths, size=rows, replace=lengths.size < rows)
    # A bucketed batch: reviews from the bucket of the median review.
    bucket = np.searchsorted(edges, lengths, side="left")
    middle = bucket[np.argsort(lengths)[lengths.size // 2]]
    members = lengths[bucket == middle]
    bucketed = rng.choice(members, size=rows, replace=members.size < rows)
    shares = (padding_share(lengths, maxlen, batch_size, None, seed),
              padding_share(lengths, maxlen, batch_size, edges, seed))

    fig, axes = plt.subplots(1, 2, figsize=(9, 3.4), sharex=True, sharey=True,
                             layout="constrained")
    panels = ((fixed, maxlen, "pre", "every review padded to the cut"),
              (bucketed, int(bucketed.max()), "post", "one length bucket, padded per batch"))
    for ax, (batch, width, side, title), share in zip(axes, panels, shares):
        y = np.arange(rows)
        words_start = width - batch if side == "pre" else np.zeros(rows)
        pad_start = np.zeros(rows) if side == "pre" else batch
        ax.barh(y, batch, left=words_start, color=OKABE_ITO[0], height=0.8, label="words")
        ax.barh(y, width - batch, left=pad_start, color="0.85", hatch="///", edgecolor="0.55",
                linewidth=0, height=0.8, label="padding")
        ax.set_title(f"{title}\n{share:.0%} of an epoch's steps read padding", fontsize=10)
        ax.set_xlabel("time step (one step of the recurrent layer)")
        ax.set_xlim(0, maxlen)
    axes[0].set_ylabel("review in the batch")
    axes[0].set_yticks([])
    axes[1].legend(loc="lower right")
    return fig
