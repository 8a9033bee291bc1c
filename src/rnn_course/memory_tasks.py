"""A controlled test of memory: name the symbol that was marked k steps ago.

Chapter 8b measures how far back a recurrent cell can remember with a task
made by code. A sequence is a stream of random symbols; now and then one of
them carries a *mark*. At every step the answer is the most recently marked
symbol, so the answer at a step depends on what happened ``k`` steps back,
where ``k`` (the *lag*) is the number of steps since the last mark. Every
symbol after the mark is a distractor drawn from the same alphabet.

:func:`marked_recall` makes the sequences, :func:`memory_sweep` trains one
model per cell and seed and measures its accuracy at each lag of a grid,
:func:`memory_lengths` applies the chapter's rule (the smallest lag whose
95 % interval includes chance) and :func:`length_order` says whether the
spread over seeds allows an ordering of two cells.

Example::

    from rnn_course.memory_tasks import memory_sweep, memory_lengths

    sweep = memory_sweep(("simple_rnn", "lstm"), seeds=(0, 1), lags=(1, 4, 16))
    print(sweep.accuracy.shape)      # (2 cells, 2 seeds, 3 lags)
    print(memory_lengths(sweep.accuracy[0], sweep.lags, sweep.n_per_lag,
                         sweep.chance))
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from rnn_course import _validate

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "MemorySweep",
    "length_order",
    "marked_recall",
    "memory_lengths",
    "memory_sweep",
    "plot_memory_sweep",
]


def _rate(name: str, value: object) -> float:
    rate = _validate.finite_number(name, value)
    if not 0 < rate <= 1:
        raise ValueError(f"{name} must be a number in (0, 1], got {value!r}.")
    return rate


def _lags(name: str, value: object, timesteps: int | None = None) -> tuple[int, ...]:
    """A non-empty, increasing sequence of lags of at least 0 (below ``timesteps``)."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise TypeError(f"{name} must be a sequence of integers, got {type(value).__name__}.")
    lags = tuple(_validate.positive_int(f"{name}[{i}]", k, minimum=0)
                 for i, k in enumerate(value))
    if not lags:
        raise ValueError(f"{name} is empty: give at least one lag.")
    if any(b <= a for a, b in zip(lags, lags[1:])):
        raise ValueError(f"{name} must increase, got {list(lags)}.")
    if timesteps is not None and lags[-1] >= timesteps:
        raise ValueError(f"{name} must stay below timesteps={timesteps}, got {lags[-1]}.")
    return lags


def marked_recall(
    n_sequences: int,
    timesteps: int,
    n_symbols: int = 4,
    mark_rate: float = 0.1,
    lag: int | None = None,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sequences of random symbols, some marked; the answer is the last marked one.

    Each step holds one of ``n_symbols`` symbols, one-hot, and a mark bit.
    The first step is always marked; every later step is marked with
    probability ``mark_rate``. With ``lag=k`` the last mark of every
    sequence sits exactly ``k`` steps before its end (marks before it at
    random, none after it), so the answer at the last step is the symbol
    seen ``k`` steps back.

    Args:
        n_sequences: Number of sequences.
        timesteps: Length of every sequence.
        n_symbols: Size of the alphabet (chance is ``1 / n_symbols``).
        mark_rate: Probability that a step after the first is marked.
        lag: ``None`` (marks at random), or the steps from the last mark to
            the end, from 0 to ``timesteps - 1``.
        seed: Seed of ``np.random.default_rng``.

    Returns:
        ``(x, y, lags)``: ``x`` float32 ``(n_sequences, timesteps,
        n_symbols + 1)`` (the one-hot symbol, then the mark bit); ``y`` int
        ``(n_sequences, timesteps)``, the last marked symbol at each step;
        ``lags`` int ``(n_sequences, timesteps)``, the steps since that mark.
    """
    n_sequences = _validate.positive_int("n_sequences", n_sequences)
    timesteps = _validate.positive_int("timesteps", timesteps)
    n_symbols = _validate.positive_int("n_symbols", n_symbols, minimum=2)
    mark_rate = _rate("mark_rate", mark_rate)
    if lag is not None:
        lag = _lags("lag", [lag], timesteps)[0]
    rng = np.random.default_rng(_validate.seed("seed", seed))
    symbols = rng.integers(0, n_symbols, (n_sequences, timesteps))
    marks = rng.random((n_sequences, timesteps)) < mark_rate
    marks[:, 0] = True
    if lag is not None:
        last = timesteps - 1 - lag
        marks[:, last] = True
        marks[:, last + 1:] = False
    steps = np.arange(timesteps)
    last_mark = np.maximum.accumulate(np.where(marks, steps, 0), axis=1)
    y = np.take_along_axis(symbols, last_mark, axis=1)
    x = np.concatenate(
        [np.eye(n_symbols, dtype="float32")[symbols], marks[..., None].astype("float32")],
        axis=-1)
    return x, y, steps - last_mark


@dataclass(frozen=True)
class MemorySweep:
    """What :func:`memory_sweep` measured.

    Attributes:
        cells: The cells, in the order of the first axis of ``accuracy``.
        seeds: The seeds, in the order of its second axis.
        lags: The lags, in the order of its third axis.
        accuracy: ``(cells, seeds, lags)``: the accuracy at the last step of
            ``n_per_lag`` test sequences whose last mark is that many steps back.
        n_per_lag: Test sequences per lag (the same ones for every model).
        chance: ``1 / n_symbols``, the accuracy of a guess.
        seconds: ``(cells, seeds)``: wall-clock seconds of each training.
    """

    cells: tuple[str, ...]
    seeds: tuple[int, ...]
    lags: tuple[int, ...]
    accuracy: np.ndarray
    n_per_lag: int
    chance: float
    seconds: np.ndarray


def memory_sweep(
    cells: Sequence[str],
    seeds: Sequence[int],
    lags: Sequence[int],
    timesteps: int = 32,
    n_train: int = 640,
    epochs: int = 6,
    batch_size: int = 32,
    units: int = 16,
    n_symbols: int = 4,
    mark_rate: float = 0.08,
    n_per_lag: int = 400,
    learning_rate: float = 1e-2,
) -> MemorySweep:
    """Train one recall model per cell and seed, and test it at every lag.

    Every model gets the same budget: ``n_train`` training sequences of
    :func:`marked_recall` (made with its seed, the same for every cell),
    ``epochs`` epochs of batches of ``batch_size``, ``units`` units, Adam at
    ``learning_rate``, a loss at every step. Each is then tested on the same
    ``n_per_lag`` sequences per lag (made with a seed of their own), read at
    the last step.

    Args:
        cells: Cells to compare, e.g. ``("simple_rnn", "lstm", "gru")``.
        seeds: One training per seed (initial weights, data, batch order).
        lags: Increasing lags to test, each below ``timesteps``.
        timesteps: Length of every sequence.
        n_train: Training sequences per model.
        epochs: Epochs per model.
        batch_size: Sequences per update.
        units: Units of every recurrent layer.
        n_symbols: Size of the alphabet.
        mark_rate: Probability that a step after the first is marked.
        n_per_lag: Test sequences per lag.
        learning_rate: Adam's learning rate.

    Returns:
        A :class:`MemorySweep`.
    """
    from rnn_course.models import CELLS, build_recall_model
    from rnn_course.notebook import set_seed

    cells = tuple(_validate.strings("cells", cells))
    for cell in cells:
        if cell not in CELLS:
            raise ValueError(f"cells must name cells among {', '.join(CELLS)}, got {cell!r}.")
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, Sequence) or not seeds:
        raise TypeError(f"seeds must be a non-empty sequence of integers, got {seeds!r:.60}.")
    seeds = tuple(_validate.seed(f"seeds[{i}]", s, maximum=2**31) for i, s in enumerate(seeds))
    timesteps = _validate.positive_int("timesteps", timesteps)
    lags = _lags("lags", lags, timesteps)
    n_train = _validate.positive_int("n_train", n_train)
    epochs = _validate.positive_int("epochs", epochs)
    batch_size = _validate.positive_int("batch_size", batch_size)
    n_per_lag = _validate.positive_int("n_per_lag", n_per_lag)
    test = [marked_recall(n_per_lag, timesteps, n_symbols, mark_rate, lag=k, seed=2**31 + i)
            for i, k in enumerate(lags)]
    x_test = np.concatenate([x for x, _, _ in test])
    y_last = np.concatenate([y[:, -1] for _, y, _ in test])
    accuracy = np.zeros((len(cells), len(seeds), len(lags)))
    seconds = np.zeros((len(cells), len(seeds)))
    for j, seed in enumerate(seeds):
        x, y, _ = marked_recall(n_train, timesteps, n_symbols, mark_rate, seed=seed)
        for i, cell in enumerate(cells):
            set_seed(seed)
            model = build_recall_model(cell, units, n_symbols, learning_rate=learning_rate)
            start = time.perf_counter()
            model.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=0)
            seconds[i, j] = time.perf_counter() - start
            # One direct call (no predict loop): a new model's predict
            # function would be traced again for every model of the sweep.
            probabilities = np.asarray(model(x_test, training=False))
            right = probabilities[:, -1].argmax(axis=-1) == y_last
            accuracy[i, j] = right.reshape(len(lags), n_per_lag).mean(axis=1)
    return MemorySweep(cells=cells, seeds=seeds, lags=lags, accuracy=accuracy,
                       n_per_lag=n_per_lag, chance=1 / n_symbols, seconds=seconds)


def memory_lengths(
    accuracy: np.ndarray, lags: Sequence[int], n_per_lag: int, chance: float
) -> list[float]:
    """The lag at which each model falls to chance: the chapter's rule.

    A model has fallen to chance at the smallest lag of the grid at which
    the 95 % interval of its accuracy (the normal approximation of
    :func:`rnn_course.training.accuracy_interval`, on ``n_per_lag``
    sequences) includes ``chance``. A model that stays above chance at every
    lag gets ``math.inf``: it remembers further than the grid reaches.

    Args:
        accuracy: ``(models, lags)`` accuracies, or ``(lags,)`` for one model.
        lags: The increasing lags of the last axis.
        n_per_lag: Test sequences behind each accuracy.
        chance: The accuracy of a guess.

    Returns:
        One length per model (a lag of the grid, or ``math.inf``).
    """
    from rnn_course.training import accuracy_interval

    accuracy = _validate.finite_array("accuracy", accuracy, ndim=(1, 2))
    accuracy = accuracy.reshape(-1, accuracy.shape[-1])
    lags = _lags("lags", lags)
    if accuracy.shape[-1] != len(lags):
        raise ValueError(f"accuracy has {accuracy.shape[-1]} lags on its last axis, "
                         f"lags has {len(lags)}.")
    n_per_lag = _validate.positive_int("n_per_lag", n_per_lag)
    chance = _validate.finite_number("chance", chance)
    if not 0 < chance < 1:
        raise ValueError(f"chance must be between 0 and 1, got {chance!r}.")
    lengths = []
    for row in accuracy:
        fallen = [k for k, a in zip(lags, row)
                  if accuracy_interval(min(max(float(a), 0.0), 1.0), n_per_lag)[0] <= chance]
        lengths.append(float(fallen[0]) if fallen else math.inf)
    return lengths


def length_order(shorter: Sequence[float], longer: Sequence[float]) -> bool:
    """Whether every length of ``shorter`` lies below every length of ``longer``.

    The chapter claims that one cell falls to chance sooner than another
    only when the spread over seeds allows it: the largest length of the
    first, over its seeds, is below the smallest of the second (``math.inf``,
    beyond the grid, is above every lag).

    Args:
        shorter: The lengths of one cell, one per seed.
        longer: The lengths of the other.

    Returns:
        ``True`` when the ranges do not overlap in that order.
    """
    values = []
    for name, lengths in (("shorter", shorter), ("longer", longer)):
        if isinstance(lengths, (str, bytes)) or not isinstance(lengths, Sequence) \
                or not lengths:
            raise TypeError(f"{name} must be a non-empty sequence of lengths, "
                            f"got {lengths!r:.60}.")
        array = _validate.real_array(name, list(lengths)).astype(float)
        if array.ndim != 1 or np.isnan(array).any() or (array < 0).any():
            raise ValueError(f"{name} must hold lengths of at least 0 (or inf), "
                             f"got {list(lengths)}.")
        values.append(array)
    return bool(values[0].max() < values[1].min())


def plot_memory_sweep(sweep: MemorySweep, labels: Sequence[str] | None = None) -> Figure:
    """Accuracy against lag, one line per cell: the mean over seeds, bars the range.

    Args:
        sweep: What :func:`memory_sweep` measured.
        labels: A name per cell for the legend (default: the cells' names).

    Returns:
        The figure (not shown; it displays under the notebook cell).
    """
    import matplotlib.pyplot as plt

    from rnn_course.plotting import OKABE_ITO

    if not isinstance(sweep, MemorySweep):
        raise TypeError(f"sweep must be a MemorySweep, got {type(sweep).__name__}.")
    labels = list(sweep.cells) if labels is None else _validate.strings("labels", labels)
    if len(labels) != len(sweep.cells):
        raise ValueError(f"labels must name the {len(sweep.cells)} cells, got {len(labels)}.")
    fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
    lags = np.array(sweep.lags)
    styles = ("-", "--", "-.", ":")
    markers = ("o", "s", "^", "D")
    for i, label in enumerate(labels):
        accuracy = sweep.accuracy[i]
        mean = accuracy.mean(axis=0)
        below, above = mean - accuracy.min(axis=0), accuracy.max(axis=0) - mean
        ax.errorbar(lags, mean, yerr=np.stack([below, above]), capsize=3,
                    color=OKABE_ITO[i % (len(OKABE_ITO) - 1)], linestyle=styles[i % 4],
                    marker=markers[i % 4], label=label)
    ax.axhline(sweep.chance, color="black", linestyle=":",
               label=f"chance ({sweep.chance:.2f})")
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("lag k: steps since the marked symbol")
    ax.set_ylabel("accuracy at the last step")
    ax.set_title(f"Recall after k distractors ({len(sweep.seeds)} seeds per cell)")
    ax.grid(True, alpha=0.3)
    ax.legend()
    return fig
