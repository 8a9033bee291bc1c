"""Diagrams drawn by code for the chapters of Part I.

- :func:`draw_sequence_families`: the five families of sequence models
  (one-to-one, one-to-many, many-to-one, many-to-many, encoder-decoder), each
  with a use case and the Keras setting that builds it (Chapter 1).
- :func:`draw_unrolled_rnn`: a recurrent network folded and unrolled in time,
  with the shared matrices ``W``, ``U`` and ``V`` labelled at every step
  (Chapter 2).
- :func:`plot_one_hot_sequences`: sentences as one-hot rows, and the bag of
  words that sums the rows and forgets their order (Chapter 1).

Every function returns a :class:`matplotlib.figure.Figure` and never calls
``plt.show()``. Colours come from the Okabe-Ito palette of
:mod:`rnn_course.plotting`, which stays distinct for the common forms of
colour blindness; boxes also carry text labels and lines differ in style, so
the diagrams read in greyscale too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Patch
from matplotlib.path import Path

from rnn_course import _validate
from rnn_course.plotting import OKABE_ITO_BY_NAME

__all__ = [
    "FAMILY_DIAGRAMS",
    "FamilyDiagram",
    "draw_sequence_families",
    "draw_unrolled_rnn",
    "plot_one_hot_sequences",
]

#: Fill colours of the three kinds of boxes, and of the encoder's summary.
INPUT_COLOUR = OKABE_ITO_BY_NAME["sky blue"]
STATE_COLOUR = OKABE_ITO_BY_NAME["orange"]
OUTPUT_COLOUR = OKABE_ITO_BY_NAME["bluish green"]
CONTEXT_COLOUR = OKABE_ITO_BY_NAME["reddish purple"]
#: Colours of the three weight matrices in the unrolled diagram.
MATRIX_COLOURS = {
    "W": OKABE_ITO_BY_NAME["blue"],
    "U": OKABE_ITO_BY_NAME["vermillion"],
    "V": OKABE_ITO_BY_NAME["reddish purple"],
}
_INK = OKABE_ITO_BY_NAME["black"]

_BOX_W, _BOX_H = 0.62, 0.42  # box size, in column units
_ROW_Y = {"input": 0.0, "state": 0.9, "output": 1.8}  # centre of each row


@dataclass(frozen=True)
class FamilyDiagram:
    """How one family of sequence models is drawn.

    Attributes:
        name: The family, for example ``"many-to-one"``.
        use_case: A real task of that family.
        keras: The Keras setting that builds it, in a few words.
        inputs: Columns that receive an input ``x_t``.
        outputs: Columns that emit an output ``y_t``.
        states: Number of recurrent steps (columns with a cell).
        repeated: Columns that receive a copy of the input or of the context
            (``RepeatVector``), drawn with dashed arrows.
        encoder_steps: For an encoder-decoder, how many of the ``states``
            columns belong to the encoder (0 otherwise).
    """

    name: str
    use_case: str
    keras: str
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]
    states: int
    repeated: tuple[int, ...] = ()
    encoder_steps: int = 0


#: The five families, in the order the course presents them.
FAMILY_DIAGRAMS: tuple[FamilyDiagram, ...] = (
    FamilyDiagram("one-to-one", "image classification", "Dense layers only\n(no recurrence)",
                  inputs=(0,), outputs=(0,), states=1),
    FamilyDiagram("one-to-many", "image captioning",
                  "RepeatVector(steps), then\nSimpleRNN(return_sequences=True)",
                  inputs=(0,), outputs=(0, 1, 2), states=3, repeated=(1, 2)),
    FamilyDiagram("many-to-one", "sentiment of a review",
                  "SimpleRNN(return_sequences=False)\n(the default)",
                  inputs=(0, 1, 2), outputs=(2,), states=3),
    FamilyDiagram("many-to-many", "part-of-speech tagging",
                  "SimpleRNN(return_sequences=True)\n+ TimeDistributed(Dense)",
                  inputs=(0, 1, 2), outputs=(0, 1, 2), states=3),
    FamilyDiagram("encoder-decoder", "machine translation",
                  "encoder SimpleRNN -> RepeatVector(steps)\n"
                  "-> decoder SimpleRNN(return_sequences=True)",
                  inputs=(0, 1, 2), outputs=(4, 5, 6, 7), states=8, repeated=(4, 5, 6, 7),
                  encoder_steps=3),
)


def _box(ax: Axes, x: float, y: float, text: str, colour: str, dashed: bool = False) -> None:
    """A rounded box centred on (x, y), lightly filled, with a label."""
    ax.add_patch(FancyBboxPatch(
        (x - _BOX_W / 2, y - _BOX_H / 2), _BOX_W, _BOX_H,
        boxstyle="round,pad=0.0,rounding_size=0.08",
        facecolor=to_rgba(colour, 0.35), edgecolor=colour, linewidth=1.8,
        linestyle="--" if dashed else "-", zorder=2,
    ))
    ax.text(x, y, text, ha="center", va="center", fontsize=11, color=_INK, zorder=3)


def _arrow(ax: Axes, start: tuple[float, float], end: tuple[float, float],
           colour: str = _INK, dashed: bool = False, rad: float = 0.0,
           width: float = 1.4) -> FancyArrowPatch:
    arrow = FancyArrowPatch(
        start, end, arrowstyle="-|>", mutation_scale=12, color=colour, linewidth=width,
        linestyle=(0, (4, 3)) if dashed else "-", connectionstyle=f"arc3,rad={rad}",
        shrinkA=0, shrinkB=0, zorder=1,
    )
    ax.add_patch(arrow)
    return arrow


def _draw_family(ax: Axes, family: FamilyDiagram, x0: float, y0: float) -> None:
    """Draw one family with its first column centred at x = x0, inputs at y0."""
    y_in, y_h, y_out = (y0 + _ROW_Y[row] for row in ("input", "state", "output"))
    half_w, half_h = _BOX_W / 2, _BOX_H / 2
    xs = [x0 + i for i in range(family.states)]
    enc = family.encoder_steps

    # Cells and the recurrence between them.
    for i, x in enumerate(xs):
        if enc and i == enc:
            label, colour = "$c$", CONTEXT_COLOUR
        elif enc and i > enc:
            label, colour = f"$h'_{{{i - enc}}}$", STATE_COLOUR
        else:
            label, colour = f"$h_{{{i + 1}}}$" if family.states > 1 else "$h$", STATE_COLOUR
        _box(ax, x, y_h, label, colour)
        if i > 0 and not (enc and i in (enc, enc + 1)):
            _arrow(ax, (xs[i - 1] + half_w, y_h), (x - half_w, y_h))
    if enc:
        # The encoder's last state becomes the context c.
        _arrow(ax, (xs[enc - 1] + half_w, y_h), (xs[enc] - half_w, y_h), colour=CONTEXT_COLOUR)

    # Inputs, and the dashed copies that RepeatVector feeds to later steps.
    for i in family.inputs:
        suffix = f"_{{{i + 1}}}" if len(family.inputs) > 1 else ""
        _box(ax, xs[i], y_in, f"$x{suffix}$", INPUT_COLOUR)
        _arrow(ax, (xs[i], y_in + half_h), (xs[i], y_h - half_h))
    source = xs[enc] if enc else xs[family.inputs[0]]
    source_y = y_h - half_h if enc else y_in + half_h
    for i in family.repeated:
        if enc and i == enc + 1:
            _arrow(ax, (source + half_w, y_h), (xs[i] - half_w, y_h), colour=CONTEXT_COLOUR,
                   dashed=True)
            continue
        _arrow(ax, (source + 0.1, source_y), (xs[i] - 0.1, y_h - half_h),
               colour=CONTEXT_COLOUR if enc else INPUT_COLOUR, dashed=True, rad=0.35)

    # Outputs.
    for k, i in enumerate(family.outputs):
        suffix = f"_{{{k + 1}}}" if len(family.outputs) > 1 else ""
        _box(ax, xs[i], y_out, f"$y{suffix}$", OUTPUT_COLOUR)
        _arrow(ax, (xs[i], y_h + half_h), (xs[i], y_out - half_h))

    # Name, use case and Keras setting.
    centre = (xs[0] + xs[-1]) / 2
    ax.text(centre, y_out + 0.78, family.name, ha="center", va="bottom",
            fontsize=13, fontweight="bold", color=_INK)
    ax.text(centre, y_out + 0.42, family.use_case, ha="center", va="bottom",
            fontsize=11, fontstyle="italic", color=_INK)
    ax.text(centre, y_in - 0.42, family.keras, ha="center", va="top",
            fontsize=9, family="monospace", color=_INK, linespacing=1.3)


def draw_sequence_families() -> Figure:
    """The five families of sequence models in one figure.

    One-to-one, one-to-many, many-to-one, many-to-many (aligned: one output
    per input) and encoder-decoder (many-to-many, unaligned: the output
    length is free). Each panel shows inputs ``x`` (bottom), recurrent steps
    ``h`` joined by the state arrows (middle) and outputs ``y`` (top), with a
    real use case above and the Keras setting that builds it below. Dashed
    arrows are copies made by ``RepeatVector``: the image features in
    one-to-many, the context vector ``c`` in the encoder-decoder.

    Returns:
        The figure (not shown; it displays under the notebook cell).
    """
    rows = (FAMILY_DIAGRAMS[:3], FAMILY_DIAGRAMS[3:])
    gap = 2.2  # between panels, in column units
    widths = [sum(f.states for f in row) - 1 + gap * (len(row) - 1) for row in rows]
    width = max(widths) + 2.6
    row_height = 4.6
    height = row_height * len(rows) + 0.7
    scale = 0.78  # inches per column unit
    fig = plt.figure(figsize=(width * scale, height * scale))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.axis("off")

    for r, (row, row_width) in enumerate(zip(rows, widths)):
        y0 = height - (r + 1) * row_height + 1.45
        x = (width - row_width) / 2
        for family in row:
            _draw_family(ax, family, x, y0)
            x += family.states - 1 + gap

    legend = [
        Patch(facecolor=to_rgba(INPUT_COLOUR, 0.35), edgecolor=INPUT_COLOUR, label="input $x$"),
        Patch(facecolor=to_rgba(STATE_COLOUR, 0.35), edgecolor=STATE_COLOUR,
              label="recurrent step, state $h$"),
        Patch(facecolor=to_rgba(OUTPUT_COLOUR, 0.35), edgecolor=OUTPUT_COLOUR,
              label="output $y$"),
        Patch(facecolor=to_rgba(CONTEXT_COLOUR, 0.35), edgecolor=CONTEXT_COLOUR,
              label="context $c$ (encoder summary)"),
        Line2D([], [], color=_INK, linestyle=(0, (4, 3)), label="same vector repeated"),
    ]
    ax.legend(handles=legend, loc="lower center", ncol=5, frameon=False, fontsize=10,
              bbox_to_anchor=(0.5, 0.0), handlelength=2.2)
    return fig


def _self_loop(ax: Axes, x: float, y: float, colour: str) -> None:
    """A loop arrow leaving the right side of the box at (x, y) and coming back."""
    start = (x + _BOX_W / 2, y + 0.1)
    end = (x + _BOX_W / 2, y - 0.1)
    path = Path(
        [start, (x + 1.05, y + 0.75), (x + 1.05, y - 0.75), end],
        [Path.MOVETO, Path.CURVE4, Path.CURVE4, Path.CURVE4],
    )
    ax.add_patch(FancyArrowPatch(path=path, arrowstyle="-|>", mutation_scale=12,
                                 color=colour, linewidth=1.8, zorder=1))


def _matrix_label(ax: Axes, x: float, y: float, name: str) -> None:
    ax.text(x, y, f"${name}$", ha="center", va="center", fontsize=13, fontweight="bold",
            color=MATRIX_COLOURS[name], zorder=4,
            bbox=dict(boxstyle="round,pad=0.12", facecolor="white", edgecolor="none"))


def draw_unrolled_rnn(steps: int = 3) -> Figure:
    """A simple recurrent network, folded (left) and unrolled in time (right).

    The folded network is one cell with a loop: the state ``h`` is fed back
    through ``U``. Unrolled, the loop becomes a chain of ``steps`` copies of
    the same cell: at every step ``x_t`` enters through ``W``, the previous
    state ``h_{t-1}`` through ``U``, and the output ``y_t`` leaves through
    ``V``. Every copy carries the same three labels, in the same colours,
    because they are the same matrices. Biases are left out of the drawing.

    Args:
        steps: Number of time steps to unroll, between 1 and 6.

    Returns:
        The figure (not shown; it displays under the notebook cell).

    Raises:
        ValueError: ``steps`` is not an integer between 1 and 6.
    """
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or not 1 <= steps <= 6:
        raise ValueError(f"steps must be an integer between 1 and 6, got {steps!r}.")
    steps = int(steps)
    half_w, half_h = _BOX_W / 2, _BOX_H / 2
    spacing = 1.55
    y_in, y_h, y_out = 0.9, 2.1, 3.3
    x_folded = 0.9
    x_h0 = 3.6
    xs = [x_h0 + spacing * t for t in range(1, steps + 1)]
    width = xs[-1] + 1.3
    height = 4.75
    scale = 0.85
    fig = plt.figure(figsize=(width * scale, height * scale))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.axis("off")

    def cell(x: float, t: str) -> None:
        _box(ax, x, y_in, f"$x{t}$", INPUT_COLOUR)
        _box(ax, x, y_h, f"$h{t}$", STATE_COLOUR)
        _box(ax, x, y_out, f"$y{t}$", OUTPUT_COLOUR)
        _arrow(ax, (x, y_in + half_h), (x, y_h - half_h), colour=MATRIX_COLOURS["W"], width=1.8)
        _arrow(ax, (x, y_h + half_h), (x, y_out - half_h), colour=MATRIX_COLOURS["V"], width=1.8)
        _matrix_label(ax, x + 0.2, (y_in + y_h) / 2, "W")
        _matrix_label(ax, x + 0.2, (y_h + y_out) / 2, "V")

    # Folded: one cell and a loop through U.
    cell(x_folded, "_t")
    _self_loop(ax, x_folded, y_h, MATRIX_COLOURS["U"])
    _matrix_label(ax, x_folded + 0.98, y_h, "U")
    ax.text(x_folded, height - 0.35, "folded", ha="center", va="top", fontsize=12,
            fontweight="bold", color=_INK)

    # The "unroll" arrow between the two drawings.
    mid = (x_folded + x_h0) / 2 + 0.3
    _arrow(ax, (mid - 0.45, y_h), (mid + 0.35, y_h), width=2.2)
    ax.text(mid - 0.05, y_h + 0.22, "unroll", ha="center", va="bottom", fontsize=11, color=_INK)

    # Unrolled: h_0, then one copy of the cell per step.
    _box(ax, x_h0, y_h, "$h_0$", STATE_COLOUR, dashed=True)
    ax.text(x_h0, y_h - half_h - 0.12, "zeros", ha="center", va="top", fontsize=9, color=_INK)
    previous = x_h0
    for t, x in enumerate(xs, start=1):
        cell(x, f"_{t}")
        _arrow(ax, (previous + half_w, y_h), (x - half_w, y_h), colour=MATRIX_COLOURS["U"],
               width=1.8)
        _matrix_label(ax, (previous + x) / 2, y_h + 0.17, "U")
        previous = x
    ax.text((x_h0 + xs[-1]) / 2, height - 0.35,
            f"unrolled over {steps} time step{'s' if steps > 1 else ''}: "
            "the same $W$, $U$, $V$ at every step",
            ha="center", va="top", fontsize=12, fontweight="bold", color=_INK)

    # The time axis.
    _arrow(ax, (x_h0 - 0.2, 0.22), (xs[-1] + 0.5, 0.22), colour="0.45", width=1.2)
    ax.text(xs[-1] + 0.5, 0.3, "time", ha="right", va="bottom", fontsize=10, color="0.3")
    return fig


def plot_one_hot_sequences(
    sentences: Mapping[str, Sequence[str]], vocabulary: Sequence[str]
) -> Figure:
    """Sentences as rows of one-hot vectors, with their bag of words below.

    Each panel is one sentence: row ``t`` is the one-hot vector of word ``t``
    (a filled square in the column of that word), and the last row, set
    apart, is the bag of words: the sum of the rows, that is the count of
    each word. The rows keep the order of the words; their sum does not.

    Args:
        sentences: ``{title: list of words}``, one panel each, side by side.
        vocabulary: The columns, in order; every word must be in it.

    Returns:
        The figure (not shown; it displays under the notebook cell).

    Raises:
        TypeError: A sentence or the vocabulary is not a list of strings.
        ValueError: No sentences, an empty or repeated vocabulary, or a word
            missing from the vocabulary.
    """
    if not isinstance(sentences, Mapping) or not sentences:
        raise ValueError("sentences must be a non-empty dict {title: list of words}.")
    vocab = _validate.strings("vocabulary", vocabulary)
    if len(set(vocab)) != len(vocab):
        raise ValueError("vocabulary holds a word twice.")
    column = {word: j for j, word in enumerate(vocab)}
    panels = {}
    for title, words in sentences.items():
        words = _validate.strings(f"sentences[{title!r}]", words)
        missing = sorted(set(words) - set(column))
        if missing:
            raise ValueError(f"sentences[{title!r}]: words not in the vocabulary: {missing}.")
        panels[str(title)] = words

    longest = max(len(words) for words in panels.values())
    fig, axes = plt.subplots(
        1, len(panels), figsize=(0.45 * len(vocab) * len(panels) + 1.6 * len(panels),
                                 0.36 * longest + 2.6),
        layout="constrained", squeeze=False,
    )
    bag_gap = 0.5
    for ax, (title, words) in zip(axes[0], panels.items()):
        counts = np.zeros(len(vocab), dtype=int)
        for t, word in enumerate(words):
            counts[column[word]] += 1
            for j in range(len(vocab)):
                filled = j == column[word]
                ax.add_patch(plt.Rectangle(
                    (j, t), 1, 1, linewidth=0.6, edgecolor="0.75",
                    facecolor=OKABE_ITO_BY_NAME["blue"] if filled else "white"))
        y_bag = len(words) + bag_gap
        for j, count in enumerate(counts):
            ax.add_patch(plt.Rectangle(
                (j, y_bag), 1, 1, linewidth=0.6, edgecolor="0.5",
                facecolor=to_rgba(OKABE_ITO_BY_NAME["orange"], min(1.0, 0.25 + 0.3 * count))
                if count else "white"))
            ax.text(j + 0.5, y_bag + 0.5, str(count), ha="center", va="center", fontsize=10,
                    color=_INK)
        ax.set_xlim(0, len(vocab))
        ax.set_ylim(y_bag + 1, 0)  # first word on top
        ax.set_aspect("equal")
        ax.set_xticks(np.arange(len(vocab)) + 0.5, vocab, rotation=60, ha="left",
                      rotation_mode="anchor")
        ax.xaxis.tick_top()
        ax.set_yticks(list(np.arange(len(words)) + 0.5) + [y_bag + 0.5],
                      [f"{t + 1}. {w}" for t, w in enumerate(words)] + ["bag (sum)"])
        ax.get_yticklabels()[-1].set_fontweight("bold")
        ax.tick_params(length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
        ax.set_xlabel(title, fontsize=11)
    return fig


