"""Figures of gated recurrent cells (Chapter 7).

- :func:`draw_lstm_cell`: one LSTM cell, with its carry line, its four
  layers (forget, input and output gates, and the candidate) and where the
  sigmoid and the tanh act.
- :func:`plot_gate_activations`: heat maps of gate activations over the
  words of a text, one panel per gate, one row per unit.

Every function returns a :class:`matplotlib.figure.Figure` and never calls
``plt.show()``. Colours come from the Okabe-Ito palette of
:mod:`rnn_course.plotting`, which stays distinct for the common forms of
colour blindness; every part of the cell diagram also carries a text label,
so it reads in greyscale too, and the heat maps use the perceptually uniform
``viridis`` colour map, which stays readable for colour-blind readers and in
greyscale.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

from rnn_course import _validate
from rnn_course.plotting import OKABE_ITO_BY_NAME

__all__ = [
    "GATE_COLOURS",
    "draw_lstm_cell",
    "plot_gate_activations",
]

#: Colour of each LSTM layer in the diagram, and of the carry line.
GATE_COLOURS: dict[str, str] = {
    "forget": OKABE_ITO_BY_NAME["vermillion"],
    "input": OKABE_ITO_BY_NAME["blue"],
    "candidate": OKABE_ITO_BY_NAME["bluish green"],
    "output": OKABE_ITO_BY_NAME["reddish purple"],
    "carry": OKABE_ITO_BY_NAME["orange"],
}
_INK = OKABE_ITO_BY_NAME["black"]
_GREY = "0.45"


def _line(ax: Axes, points: Sequence[tuple[float, float]], colour: str = _INK,
          width: float = 1.6, arrow: bool = True) -> None:
    """A polyline through ``points``, with an arrow head at the end."""
    xs, ys = zip(*points)
    if len(points) > 2 or not arrow:
        ax.plot(xs[:-1] if arrow else xs, ys[:-1] if arrow else ys, color=colour,
                linewidth=width, solid_capstyle="round", zorder=1)
    if arrow:
        ax.add_patch(FancyArrowPatch(
            points[-2], points[-1], arrowstyle="-|>", mutation_scale=13, color=colour,
            linewidth=width, shrinkA=0, shrinkB=0, zorder=1,
        ))


def _layer(ax: Axes, x: float, y: float, function: str, name: str, colour: str) -> None:
    """A neural-network layer: a box with its activation, its name underneath."""
    w, h = 0.95, 0.62
    ax.add_patch(FancyBboxPatch(
        (x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.0,rounding_size=0.1",
        facecolor=to_rgba(colour, 0.3), edgecolor=colour, linewidth=2.0, zorder=3,
    ))
    ax.text(x, y, function, ha="center", va="center", fontsize=13, color=_INK, zorder=4)
    ax.text(x, y - h / 2 - 0.08, name, ha="center", va="top", fontsize=9.5, color=_INK,
            zorder=4, bbox=dict(boxstyle="round,pad=0.1", facecolor="white", edgecolor="none"))


def _operation(ax: Axes, x: float, y: float, symbol: str) -> None:
    """An element-wise operation: a small circle with its symbol."""
    ax.add_patch(Circle((x, y), 0.24, facecolor="white", edgecolor=_INK, linewidth=1.6,
                        zorder=3))
    ax.text(x, y - 0.01, symbol, ha="center", va="center", fontsize=14, color=_INK, zorder=4)


def _activation(ax: Axes, x: float, y: float) -> None:
    """The tanh applied element-wise to the carry: an oval, not a layer."""
    ax.add_patch(FancyBboxPatch(
        (x - 0.42, y - 0.2), 0.84, 0.4, boxstyle="round,pad=0.0,rounding_size=0.2",
        facecolor="white", edgecolor=GATE_COLOURS["carry"], linewidth=1.8, zorder=3,
    ))
    ax.text(x, y, "tanh", ha="center", va="center", fontsize=11, color=_INK, zorder=4)


def draw_lstm_cell() -> Figure:
    """One LSTM cell: the carry line, the four layers and the element-wise operations.

    The carry ``c`` runs along the top, from ``c_{t-1}`` on the left to
    ``c_t`` on the right, touched only by an element-wise product (the
    forget gate) and a sum (what the input gate lets in from the
    candidate). Underneath, the previous output ``h_{t-1}`` and the input
    ``x_t`` feed four layers, each with its own weights ``W``, ``U``, ``b``:
    three sigmoid gates (forget ``f_t``, input ``i_t``, output ``o_t``, values
    in (0, 1)) and one tanh layer (the candidate ``c~_t``, values in (-1, 1)).
    On the right, the carry goes through a tanh and the output gate scales
    it into ``h_t``, which leaves the cell twice: as the layer's output and
    as the state of the next step. This is the cell of ``keras.layers.LSTM``:
    its gates read ``h_{t-1}`` and ``x_t``, not the carry.

    Returns:
        The figure (not shown; it displays under the notebook cell).
    """
    fig = plt.figure(figsize=(11.5, 6.4))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(-0.2, 13.2)
    ax.set_ylim(-0.75, 6.75)
    ax.axis("off")
    carry = GATE_COLOURS["carry"]

    # The cell's outline.
    ax.add_patch(FancyBboxPatch(
        (1.0, 0.55), 10.6, 5.45, boxstyle="round,pad=0.0,rounding_size=0.35",
        facecolor=to_rgba("0.9", 0.35), edgecolor=_GREY, linewidth=1.2, zorder=0,
    ))
    ax.text(1.2, 5.8, "LSTM cell at step t", ha="left", va="top", fontsize=10,
            color=_GREY, style="italic")

    y_carry, y_gate, y_bus = 5.1, 2.75, 1.3
    x_f, x_i, x_g, x_o = 3.4, 5.0, 6.5, 8.3
    x_mix = (x_i + x_g) / 2  # where i_t * c~_t is formed
    x_out = 9.9  # where the carry turns down to make h_t

    # The carry line, with the forget product and the sum.
    _line(ax, [(0.2, y_carry), (x_f - 0.24, y_carry)], carry, width=3.2, arrow=False)
    _line(ax, [(x_f + 0.24, y_carry), (x_mix - 0.24, y_carry)], carry, width=3.2, arrow=False)
    _line(ax, [(x_mix + 0.24, y_carry), (12.7, y_carry)], carry, width=3.2)
    _operation(ax, x_f, y_carry, "×")
    _operation(ax, x_mix, y_carry, "+")
    ax.text(0.2, y_carry + 0.18, "$c_{t-1}$", ha="left", va="bottom", fontsize=14)
    ax.text(12.7, y_carry + 0.18, "$c_t$", ha="right", va="bottom", fontsize=14)
    ax.text((x_mix + x_out) / 2 + 0.7, y_carry + 0.42, "carry (cell state)", ha="center",
            va="bottom", fontsize=10, color=_INK)

    # The inputs: h_{t-1} from the left, x_t from below, joined on one bus.
    _line(ax, [(0.2, y_bus), (x_o, y_bus)], _INK, arrow=False)
    _line(ax, [(2.2, -0.05), (2.2, y_bus)], _INK, arrow=False)
    ax.add_patch(Circle((2.2, y_bus), 0.07, color=_INK, zorder=2))
    ax.text(0.2, y_bus + 0.12, "$h_{t-1}$", ha="left", va="bottom", fontsize=14)
    ax.text(2.35, 0.0, "$x_t$", ha="left", va="center", fontsize=14)
    ax.text(2.3, y_bus - 0.13, "$[h_{t-1}, x_t]$", ha="left", va="top", fontsize=10,
            color=_GREY)

    # The four layers, each fed from the bus.
    layers = (
        (x_f, "σ", "forget gate", "forget"),
        (x_i, "σ", "input gate", "input"),
        (x_g, "tanh", "candidate", "candidate"),
        (x_o, "σ", "output gate", "output"),
    )
    for x, function, name, key in layers:
        _line(ax, [(x, y_bus), (x, y_gate - 0.31)], _INK)
        _layer(ax, x, y_gate, function, name, GATE_COLOURS[key])

    # forget gate -> product on the carry.
    _line(ax, [(x_f, y_gate + 0.31), (x_f, y_carry - 0.24)], GATE_COLOURS["forget"])
    ax.text(x_f + 0.1, 4.0, "$f_t$", ha="left", va="center", fontsize=13)

    # input gate and candidate -> their product -> the sum on the carry.
    y_prod = 4.1
    _line(ax, [(x_i, y_gate + 0.31), (x_i, y_prod), (x_mix - 0.24, y_prod)],
          GATE_COLOURS["input"])
    _line(ax, [(x_g, y_gate + 0.31), (x_g, y_prod), (x_mix + 0.24, y_prod)],
          GATE_COLOURS["candidate"])
    _operation(ax, x_mix, y_prod, "×")
    _line(ax, [(x_mix, y_prod + 0.24), (x_mix, y_carry - 0.24)], _INK)
    ax.text(x_i - 0.1, 3.65, "$i_t$", ha="right", va="center", fontsize=13)
    ax.text(x_g + 0.1, 3.65, r"$\tilde c_t$", ha="left", va="center", fontsize=13)

    # The output: tanh of the carry, scaled by the output gate.
    y_tanh, y_h = 4.05, y_gate
    _line(ax, [(x_out, y_carry), (x_out, y_tanh + 0.2)], carry, width=2.2)
    ax.add_patch(Circle((x_out, y_carry), 0.07, color=carry, zorder=2))
    _activation(ax, x_out, y_tanh)
    _line(ax, [(x_out, y_tanh - 0.2), (x_out, y_h + 0.24)], _INK)
    _line(ax, [(x_o + 0.48, y_gate), (x_out - 0.24, y_h)], GATE_COLOURS["output"])
    ax.text((x_o + x_out) / 2 + 0.1, y_gate + 0.1, "$o_t$", ha="center", va="bottom",
            fontsize=13)
    _operation(ax, x_out, y_h, "×")
    _line(ax, [(x_out, y_h - 0.24), (x_out, y_bus), (12.7, y_bus)], _INK)
    ax.text(12.7, y_bus + 0.12, "$h_t$", ha="right", va="bottom", fontsize=14)
    ax.text(12.75, y_bus - 0.12, "to step t+1", ha="right", va="top", fontsize=9, color=_GREY)
    # The output crosses the carry line without touching it: a white halo
    # leaves a gap, as in a circuit diagram.
    halo = [patheffects.Stroke(linewidth=7, foreground="white"), patheffects.Normal()]
    ax.add_patch(FancyArrowPatch(
        (11.05, y_bus), (11.05, 6.55), arrowstyle="-|>", mutation_scale=13, color=_INK,
        linewidth=1.6, shrinkA=0, shrinkB=0, zorder=2, path_effects=halo,
    ))
    ax.add_patch(Circle((11.05, y_bus), 0.07, color=_INK, zorder=2))
    ax.text(11.2, 6.5, "output $h_t$", ha="left", va="top", fontsize=12)

    # Key.
    ax.text(
        6.5, -0.55,
        "σ: sigmoid layer, values in (0, 1), a gate     tanh: values in (−1, 1)     "
        "×: element-wise product     +: element-wise sum",
        ha="center", va="center", fontsize=9.5, color=_INK,
    )
    return fig


def plot_gate_activations(
    gates: Mapping[str, Any],
    words: Sequence[str],
    title: str | None = None,
    vmin: float = 0.0,
    vmax: float = 1.0,
) -> Figure:
    """Heat maps of gate activations along a text: one panel per gate.

    Each panel shows one gate as an image with one row per unit and one
    column per word; the words label the x axis of the bottom panel. The
    colour scale is shared by all the panels and goes from ``vmin`` to
    ``vmax`` (0 to 1 suits sigmoid gates).

    Args:
        gates: ``{name: array (words, units)}``, for example
            ``{"forget gate f": f, "input gate i": i}``; every array has one
            row per word.
        words: The words, one per row of the arrays.
        title: Title of the figure.
        vmin, vmax: Ends of the colour scale.

    Returns:
        The figure (not shown; it displays under the notebook cell).

    Raises:
        TypeError: ``gates`` is not a mapping of names to numeric arrays, or
            ``words`` is not a sequence of strings.
        ValueError: ``gates`` is empty, an array is not 2-D, not finite, or
            has a number of rows other than the number of words, or
            ``vmin >= vmax``.
    """
    if not isinstance(gates, Mapping):
        raise TypeError(f"gates must be a dict {{name: array}}, got {type(gates).__name__}.")
    if not gates:
        raise ValueError("gates is empty: pass at least one {name: array}.")
    if isinstance(words, (str, bytes)) or not isinstance(words, (Sequence, np.ndarray)):
        raise TypeError(f"words must be a list of strings, got {type(words).__name__}.")
    words = list(words)
    if not words or not all(isinstance(w, str) for w in words):
        raise TypeError("words must be a non-empty list of strings.")
    vmin = _validate.finite_number("vmin", vmin)
    vmax = _validate.finite_number("vmax", vmax)
    title = _validate.text("title", title, none_ok=True)
    if not vmin < vmax:
        raise ValueError(f"vmin must be below vmax, got vmin={vmin} and vmax={vmax}.")
    checked = {}
    for name, values in gates.items():
        array = _validate.real_array(f"gates[{name!r}]", values)
        if array.ndim != 2 or array.shape[0] != len(words) or array.shape[1] == 0:
            raise ValueError(
                f"gates[{name!r}] has shape {array.shape}; it must be (words, units) "
                f"= ({len(words)}, units), one row per word."
            )
        if not np.all(np.isfinite(array)):
            raise ValueError(f"gates[{name!r}] holds NaN or infinite values.")
        checked[str(name)] = array.astype(float)

    n_words = len(words)
    n_units = max(a.shape[1] for a in checked.values())
    panel_height = 0.9 + 0.12 * n_units
    fig, axes = plt.subplots(
        len(checked), 1,
        figsize=(max(8.0, 0.24 * n_words + 2.0), panel_height * len(checked) + 1.4),
        sharex=True, layout="constrained", squeeze=False,
    )
    image = None
    for ax, (name, array) in zip(axes[:, 0], checked.items()):
        image = ax.imshow(array.T, aspect="auto", cmap="viridis", vmin=vmin, vmax=vmax,
                          interpolation="nearest")
        ax.set_title(name, loc="left", fontsize=11)
        ax.set_ylabel("unit")
        units = array.shape[1]
        step = max(1, units // 4)
        ax.set_yticks(np.arange(0, units, step))
    bottom = axes[-1, 0]
    bottom.set_xticks(np.arange(n_words))
    bottom.set_xticklabels(words, rotation=90, fontsize=9)
    bottom.set_xlabel("word")
    fig.colorbar(image, ax=axes[:, 0].tolist(), label="activation", shrink=0.9, pad=0.01)
    if title:
        fig.suptitle(title)
    return fig
