"""Figures of data: training curves, and hidden states over time and in histograms.

Every helper returns a :class:`matplotlib.figure.Figure` and never calls
``plt.show()``: in a notebook the figure appears under the cell that made it,
and a script can save it with ``fig.savefig(...)``. Colours come from the
Okabe-Ito palette, which stays distinct for the common forms of colour
blindness; line styles and markers differ too, so the figures also read in
greyscale.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from rnn_course import _validate
from rnn_course.language_model import softmax_with_temperature

__all__ = [
    "OKABE_ITO",
    "OKABE_ITO_BY_NAME",
    "plot_bits_per_char",
    "plot_curves",
    "plot_history",
    "plot_next_char_distributions",
    "plot_state_histograms",
    "plot_state_traces",
]

#: The Okabe-Ito colour-blind-safe palette, in the order the course uses it
#: (black last: it is kept for reference lines and text).
OKABE_ITO: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
    "#000000",  # black
)

#: The same colours by name, for code that wants one in particular.
OKABE_ITO_BY_NAME: dict[str, str] = dict(
    zip(
        (
            "blue",
            "orange",
            "bluish green",
            "vermillion",
            "reddish purple",
            "sky blue",
            "yellow",
            "black",
        ),
        OKABE_ITO,
    )
)

# Keras names the accuracy "accuracy" (metrics=["accuracy"]) or "acc"
# (metrics=["acc"], as in older books); either spelling finds the other.
_ALIASES = {"accuracy": ("accuracy", "acc"), "acc": ("acc", "accuracy")}


def _history_dict(history: Any) -> Mapping[str, Any]:
    """The ``{name: values per epoch}`` dict of a Keras History or of a dict."""
    if isinstance(history, Mapping):
        return history
    logs = getattr(history, "history", None)
    if isinstance(logs, Mapping):
        return logs
    raise TypeError(
        "history must be a keras.callbacks.History or its .history dict, "
        f"got {type(history).__name__}."
    )


def _curve(logs: Mapping[str, Any], key: str) -> np.ndarray:
    values = logs[key]
    if isinstance(values, (str, bytes)) or not isinstance(values, (Sequence, np.ndarray)):
        raise TypeError(
            f"history[{key!r}] must be a list of numbers, got "
            f"{type(values).__name__}.")
    if len(values) == 0:
        raise ValueError(f"history[{key!r}] is empty: train for at least one epoch.")
    if not all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in values):
        raise TypeError(f"history[{key!r}] must hold one number per epoch.")
    curve = np.asarray(values, dtype=float)
    if not np.all(np.isfinite(curve)):
        raise ValueError(
            f"history[{key!r}] holds NaN or infinite values: training diverged "
            "(a lower learning rate or clipnorm may help)."
        )
    return curve


def _find_metric_key(logs: Mapping[str, Any], metric: str) -> str:
    for key in _ALIASES.get(metric, (metric,)):
        if key in logs:
            return key
    available = ", ".join(repr(k) for k in logs) or "none"
    raise ValueError(f"history has no {metric!r} values (keys: {available}).")


def plot_history(history: Any, metric: str = "accuracy") -> Figure:
    """Plot training (and validation) curves of a Keras training run.

    Draws two side-by-side axes, the metric on the left and the loss on the
    right, against the epoch number (from 1). Validation curves are drawn
    when the history has them (``val_accuracy``, ``val_loss``, ...).

    Args:
        history: What ``model.fit`` returns (a ``keras.callbacks.History``)
            or its ``.history`` dict.
        metric: Name of the metric for the left axes. ``"accuracy"`` and
            ``"acc"`` find each other, so histories recorded with either
            spelling work.

    Returns:
        The figure (not shown; it displays under the notebook cell).

    Raises:
        TypeError: ``history`` is neither a History nor a dict, or a curve is
            not a list of numbers.
        ValueError: The metric or the loss is missing, or a curve is empty.
    """
    if not isinstance(metric, str) or not metric:
        raise TypeError(f"metric must be a metric name such as 'accuracy', got {metric!r}.")
    if metric == "loss":
        raise ValueError("metric='loss' is drawn on the right already; pick another metric.")
    logs = _history_dict(history)
    metric_key = _find_metric_key(logs, metric)
    if "loss" not in logs:
        available = ", ".join(repr(k) for k in logs) or "none"
        raise ValueError(f"history has no 'loss' values (keys: {available}).")

    panels = []
    for key, label in ((metric_key, metric), ("loss", "loss")):
        val_key = f"val_{key}"
        val = _curve(logs, val_key) if val_key in logs else None
        panels.append((label, _curve(logs, key), val))
    has_validation = any(val is not None for _, _, val in panels)

    # Checked first, drawn second: a bad call leaves no half-drawn figure open.
    fig, axes = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
    styles = (("training", OKABE_ITO[0], "o", "-"), ("validation", OKABE_ITO[1], "s", "--"))
    for ax, (label, *curves) in zip(axes, panels):
        for values, (name, colour, marker, line) in zip(curves, styles):
            if values is not None:
                ax.plot(np.arange(1, len(values) + 1), values, color=colour, marker=marker,
                        linestyle=line, label=name)
        ax.set_xlabel("epoch")
        ax.set_ylabel(label)
        ax.set_title(label.capitalize())
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(True, alpha=0.3)
        ax.legend()
    which = "Training and validation" if has_validation else "Training"
    fig.suptitle(f"{which} {metric} and loss per epoch")
    return fig


def plot_state_histograms(
    states: Mapping[str, Any], threshold: float = 0.99, bins: int = 50
) -> Figure:
    """Histograms of hidden-state values, one panel per setting, side by side.

    Meant for tanh states in ``[-1, 1]``: dashed lines and shaded bands mark
    the saturated region ``|h| > threshold``, where tanh is flat and gradients
    vanish, and each panel's title gives the fraction of values in it. Each
    panel has its own y scale.

    Args:
        states: ``{label: array of hidden states}``, for example
            ``{"uniform [0, 1) weights": h1, "scaled weights": h2}``. Arrays
            of any shape are flattened.
        threshold: Where saturation starts, between 0 and 1.
        bins: Number of bins over ``[-1, 1]``.

    Returns:
        The figure (not shown; it displays under the notebook cell).

    Raises:
        TypeError: ``states`` is not a mapping of labels to numeric arrays.
        ValueError: ``states`` is empty, an array is empty or holds NaN, or
            ``threshold`` is not in ``(0, 1)``.
    """
    if not isinstance(states, Mapping):
        raise TypeError(f"states must be a dict {{label: array}}, got {type(states).__name__}.")
    if not states:
        raise ValueError("states is empty: pass at least one {label: array}.")
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real) \
            or not 0 < threshold < 1:
        raise ValueError(f"threshold must be between 0 and 1, got {threshold!r}.")
    bins = _validate.positive_int("bins", bins)
    arrays = {}
    for label, values in states.items():
        array = _validate.real_array(f"states[{label!r}]", values)
        if array.size == 0 or not np.all(np.isfinite(array)):
            raise ValueError(f"states[{label!r}] of shape {array.shape} is empty or not finite.")
        arrays[str(label)] = array.ravel().astype(float)

    # Separate y scales: a saturated network puts nearly all values in one
    # bin, and a shared scale would flatten the other panels to nothing.
    fig, axes = plt.subplots(
        1, len(arrays), figsize=(5 * len(arrays), 3.8), layout="constrained", squeeze=False
    )
    edges = np.linspace(-1.0, 1.0, bins + 1)
    for i, (ax, (label, values)) in enumerate(zip(axes[0], arrays.items())):
        fraction = float(np.mean(np.abs(values) > threshold))
        # Percentages, not counts, so panels with different sizes compare.
        weights = np.full(values.shape, 100.0 / values.size)
        ax.hist(
            np.clip(values, -1.0, 1.0), bins=edges, weights=weights,
            color=OKABE_ITO[i % (len(OKABE_ITO) - 1)], edgecolor="white", linewidth=0.5,
        )
        # The saturated region: dashed lines at +-threshold, shaded beyond.
        for sign in (-1.0, 1.0):
            ax.axvspan(*sorted((sign * threshold, sign)), color=OKABE_ITO[-1], alpha=0.12, lw=0)
            ax.axvline(sign * threshold, color=OKABE_ITO[-1], linestyle="--", linewidth=1)
        ax.set_title(f"{label}\n{fraction:.0%} of values have |h| > {threshold:g}")
        ax.set_xlabel("hidden-state value h")
        ax.set_ylabel("% of values")
        ax.set_xlim(-1.05, 1.05)
        ax.grid(True, alpha=0.3)
    fig.suptitle("Distribution of hidden-state values")
    return fig


_LINE_STYLES = ("-", "--", "-.", ":")
_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


def plot_curves(
    curves: Mapping[str, Any],
    xlabel: str,
    ylabel: str,
    title: str,
    logy: bool = False,
    start: int = 1,
) -> Figure:
    """Several curves on one axes, told apart by colour, line style and marker.

    For quantities against time step or epoch, for example the norm of the
    hidden state for several recurrent matrices.

    Args:
        curves: ``{label: 1-D array of values}``; curve ``i`` is drawn at
            ``x = start, start + 1, ...``.
        xlabel: Label of the x axis, for example ``"time step t"``.
        ylabel: Label of the y axis.
        title: Title of the axes.
        logy: Logarithmic y axis (for values that grow or decay
            geometrically; they must then be positive).
        start: The x value of each curve's first point.

    Returns:
        The figure (not shown; it displays under the notebook cell).

    Raises:
        TypeError: ``curves`` is not a mapping of labels to numeric arrays.
        ValueError: ``curves`` is empty, a curve is empty, not 1-D or not
            finite, or not positive with ``logy=True``.
    """
    if not isinstance(curves, Mapping):
        raise TypeError(f"curves must be a dict {{label: values}}, got {type(curves).__name__}.")
    if not curves:
        raise ValueError("curves is empty: pass at least one {label: values}.")
    for name, value in (("xlabel", xlabel), ("ylabel", ylabel), ("title", title)):
        _validate.text(name, value)
    logy = _validate.flag("logy", logy)
    if isinstance(start, bool) or not isinstance(start, numbers.Integral):
        raise TypeError(f"start must be an integer (the x of the first point), got {start!r:.60}.")
    checked = {}
    for label, values in curves.items():
        y = _validate.real_array(f"curves[{label!r}]", values)
        if y.ndim != 1 or y.size == 0 or not np.all(np.isfinite(y)) or (logy and np.any(y <= 0)):
            need = "positive " if logy else ""
            raise ValueError(
                f"curves[{label!r}] of shape {y.shape} must be a non-empty 1-D array "
                f"of finite {need}numbers."
            )
        checked[str(label)] = y.astype(float)

    # Checked first, drawn second: a bad call leaves no half-drawn figure open.
    fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
    for i, (label, y) in enumerate(checked.items()):
        ax.plot(
            np.arange(start, start + y.size),
            y,
            color=OKABE_ITO[i % (len(OKABE_ITO) - 1)],
            linestyle=_LINE_STYLES[i % len(_LINE_STYLES)],
            marker=_MARKERS[i % len(_MARKERS)],
            markevery=max(1, y.size // 10),
            label=label,
        )
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(True, alpha=0.3)
    ax.legend()
    return fig


def plot_state_traces(
    traces: Mapping[str, tuple[Sequence[str], Any]],
    state_names: Sequence[str],
    ylabel: str = "state after the word",
) -> Figure:
    """The state of a recurrent computation after each word, one panel per sentence.

    Each state component is drawn as a step line: the value after word ``t``
    holds until the next word changes it.

    Args:
        traces: ``{title: (words, states)}`` where ``states`` is an array
            ``(len(words), len(state_names))``: row ``t`` is the state after
            reading word ``t``.
        state_names: A name for each component of the state (the legend).
        ylabel: Label of the vertical axes.

    Returns:
        The figure (not shown; it displays under the notebook cell).

    Raises:
        TypeError: Words are not strings or states not numbers.
        ValueError: No traces, or states whose shape does not match the words
            and ``state_names``.
    """
    if not isinstance(traces, Mapping) or not traces:
        raise ValueError("traces must be a non-empty dict {title: (words, states)}.")
    names = _validate.strings("state_names", state_names)
    ylabel = _validate.text("ylabel", ylabel)
    checked = []
    for title, pair in traces.items():
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise TypeError(f"traces[{title!r}] must be a pair (words, states).")
        words = _validate.strings(f"traces[{title!r}] words", pair[0])
        states = _validate.real_array(f"traces[{title!r}] states", pair[1])
        if states.ndim == 1 and len(names) == 1:
            states = states[:, None]
        if states.shape != (len(words), len(names)) or not np.all(np.isfinite(states)):
            raise ValueError(
                f"traces[{title!r}]: states of shape {states.shape} must be finite and "
                f"(words, state_names) = ({len(words)}, {len(names)})."
            )
        checked.append((str(title), words, states.astype(float)))

    longest = max(len(words) for _, words, _ in checked)
    fig, axes = plt.subplots(len(checked), 1, figsize=(max(6.0, 0.75 * longest + 1.5),
                                                       2.5 * len(checked) + 0.4),
                             layout="constrained", squeeze=False, sharey=True)
    styles = ("-", "--", "-.", ":")
    markers = ("o", "s", "^", "D")
    for ax, (title, words, states) in zip(axes[:, 0], checked):
        steps = np.arange(1, len(words) + 1)
        for k, name in enumerate(names):
            ax.plot(steps, states[:, k], color=OKABE_ITO[k % (len(OKABE_ITO) - 1)],
                    linestyle=styles[k % len(styles)], marker=markers[k % len(markers)],
                    label=name, linewidth=2, markersize=6, drawstyle="steps-post")
        ax.axhline(0, color="0.5", linewidth=0.8)
        ax.set_xticks(steps, words)
        ax.set_xlim(0.5, longest + 0.5)
        ax.set_title(title, fontsize=11)
        ax.set_ylabel(ylabel)
        ax.grid(True, alpha=0.3)
    axes[0, 0].legend(loc="best")
    return fig


def _score_map(name: str, values: Any) -> dict[str, float]:
    """``{label: finite non-negative number}``, checked, labels as strings."""
    if not isinstance(values, Mapping):
        raise TypeError(f"{name} must be a dict {{label: number}}, got {type(values).__name__}.")
    if not values:
        raise ValueError(f"{name} is empty: pass at least one {{label: number}}.")
    checked = {}
    for label, value in values.items():
        number = _validate.finite_number(f"{name}[{label!r}]", value)
        if number < 0:
            raise ValueError(f"{name}[{label!r}] must be 0 or above, got {value!r}.")
        checked[str(label)] = number
    return checked


def plot_bits_per_char(nats: Mapping[str, float], title: str) -> Figure:
    """Horizontal bars of cross-entropies, in bits per character, with their perplexities.

    Args:
        nats: ``{model name: cross-entropy in nats per character}``, drawn
            from top to bottom in the dict's order.
        title: Title of the axes.

    Returns:
        The figure: one bar per model, ``nats / ln 2`` bits long, labelled
        with the bits and the perplexity ``exp(nats)``.
    """
    scores = _score_map("nats", nats)
    _validate.text("title", title)
    labels = list(scores)
    bits = np.array([scores[k] for k in labels]) / np.log(2)
    fig, ax = plt.subplots(figsize=(7, 0.6 * len(labels) + 1.2), layout="constrained")
    y = np.arange(len(labels))[::-1]
    colours = [OKABE_ITO[i % (len(OKABE_ITO) - 1)] for i in range(len(labels))]
    ax.barh(y, bits, color=colours, edgecolor="black", linewidth=0.5)
    for yi, b, label in zip(y, bits, labels):
        ax.text(b, yi, f"  {b:.2f} bits, perplexity {np.exp(scores[label]):.1f}",
                va="center", fontsize=9)
    ax.set_yticks(y, labels)
    ax.set_xlim(0, bits.max() * 1.6)
    ax.set_xlabel("cross-entropy on the validation text (bits per character)")
    ax.set_title(title)
    ax.grid(True, axis="x", alpha=0.3)
    return fig


def _shown_char(char: str) -> str:
    """A character as a readable tick label: space and newline made visible."""
    return {" ": "space", "\n": "newline", "\t": "tab"}.get(char, char)


def plot_next_char_distributions(
    logits: Any, chars: Sequence[str], temperatures: Sequence[float], top: int = 8
) -> Figure:
    """The next character's probabilities at several temperatures, one panel each.

    Args:
        logits: The model's logits for the next character, ``(vocab,)``.
        chars: The character of each id, ``vocab`` of them.
        temperatures: Positive temperatures, one panel each.
        top: How many characters to show: the likeliest, the same in every panel.

    Returns:
        The figure: bars of ``softmax(logits / T)`` for the ``top`` likeliest
        characters, one panel per temperature ``T``.
    """
    z = _validate.finite_array("logits", logits, ndim=1).astype(float)
    labels = _validate.strings("chars", chars)
    if len(labels) != z.size:
        raise ValueError(f"chars has {len(labels)} characters but logits has {z.size} values.")
    if isinstance(temperatures, (str, bytes)) or not isinstance(temperatures, Sequence) \
            or not temperatures:
        raise TypeError("temperatures must be a non-empty list of numbers.")
    temps = [_validate.positive_number(f"temperatures[{i}]", t)
             for i, t in enumerate(temperatures)]
    top = min(_validate.positive_int("top", top), z.size)
    order = np.argsort(-z, kind="stable")[:top]
    fig, axes = plt.subplots(1, len(temps), figsize=(3.2 * len(temps), 3.2),
                             layout="constrained", sharey=True, squeeze=False)
    for i, (ax, t) in enumerate(zip(axes[0], temps)):
        p = softmax_with_temperature(z, t)
        ax.bar(np.arange(top), p[order], color=OKABE_ITO[i % (len(OKABE_ITO) - 1)],
               edgecolor="black", linewidth=0.5)
        ax.set_xticks(np.arange(top), [_shown_char(labels[k]) for k in order],
                      rotation=60, fontsize=9)
        ax.set_title(f"temperature {t:g}")
        ax.set_ylim(0, 1)
        ax.grid(True, axis="y", alpha=0.3)
    axes[0, 0].set_ylabel("probability of the next character")
    return fig
