"""Tests of rnn_course.diagrams: the figures of Chapters 1 and 2 show what they claim."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch, Rectangle

from rnn_course.checks import SEQUENCE_FAMILIES
from rnn_course.diagrams import (
    FAMILY_DIAGRAMS,
    MATRIX_COLOURS,
    draw_sequence_families,
    draw_unrolled_rnn,
    plot_one_hot_sequences,
)
from rnn_course.plotting import OKABE_ITO, OKABE_ITO_BY_NAME, plot_state_traces


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def texts(fig: Figure) -> list[str]:
    return [t.get_text() for ax in fig.get_axes() for t in ax.texts]


def boxes(fig: Figure) -> list[FancyBboxPatch]:
    return [p for ax in fig.get_axes() for p in ax.patches if isinstance(p, FancyBboxPatch)]


# ------------------------------------------------------------ families

def test_family_diagrams_match_the_checker_names():
    assert tuple(f.name for f in FAMILY_DIAGRAMS) == SEQUENCE_FAMILIES


def test_family_layouts_are_what_their_names_say():
    layout = {f.name: f for f in FAMILY_DIAGRAMS}
    assert len(layout["one-to-one"].inputs) == len(layout["one-to-one"].outputs) == 1
    assert len(layout["one-to-many"].inputs) == 1 < len(layout["one-to-many"].outputs)
    assert len(layout["many-to-one"].inputs) > 1 == len(layout["many-to-one"].outputs)
    m2m = layout["many-to-many"]
    assert m2m.inputs == m2m.outputs and len(m2m.inputs) > 1  # aligned
    ed = layout["encoder-decoder"]
    assert ed.encoder_steps == len(ed.inputs)
    assert len(ed.outputs) != len(ed.inputs)  # unaligned
    assert min(ed.outputs) > ed.encoder_steps  # outputs come from the decoder only
    for family in FAMILY_DIAGRAMS:
        assert max(family.inputs + family.outputs) < family.states


def test_draw_sequence_families_draws_every_box_and_label():
    fig = draw_sequence_families()
    assert isinstance(fig, Figure)
    expected = sum(len(f.inputs) + f.states + len(f.outputs) for f in FAMILY_DIAGRAMS)
    assert len(boxes(fig)) == expected
    words = texts(fig)
    for family in FAMILY_DIAGRAMS:
        assert family.name in words
        assert family.use_case in words
        assert family.keras in words
    assert "$c$" in words  # the encoder-decoder's context
    for setting in ("return_sequences=True", "RepeatVector", "TimeDistributed"):
        assert any(setting in w for w in words), setting


def test_draw_sequence_families_uses_okabe_ito_colours():
    fig = draw_sequence_families()
    palette = {c.lower() for c in OKABE_ITO}
    for box in boxes(fig):
        assert to_hex(box.get_edgecolor()) in palette
    legend = fig.get_axes()[0].get_legend()
    labels = [t.get_text() for t in legend.get_texts()]
    assert any("input" in label for label in labels)
    assert any("output" in label for label in labels)


# ------------------------------------------------------------ unrolled RNN

@pytest.mark.parametrize("steps", [1, 3, 5])
def test_unrolled_rnn_labels_the_shared_matrices_at_every_step(steps):
    fig = draw_unrolled_rnn(steps)
    words = texts(fig)
    # Once on the folded cell, once per unrolled step.
    for name in ("W", "U", "V"):
        assert words.count(f"${name}$") == steps + 1, name
    ax = fig.get_axes()[0]
    for name, colour in MATRIX_COLOURS.items():
        colours = {to_hex(t.get_color()) for t in ax.texts if t.get_text() == f"${name}$"}
        assert colours == {colour.lower()}, name
    # x, h, y for the folded cell and every step, plus h_0.
    assert len(boxes(fig)) == 3 * (steps + 1) + 1
    for t in range(1, steps + 1):
        for symbol in ("x", "h", "y"):
            assert f"${symbol}_{t}$" in words
    assert "$h_0$" in words
    assert any("same" in w for w in words)


def test_unrolled_rnn_matrix_colours_are_distinct_okabe_ito():
    assert len(set(MATRIX_COLOURS.values())) == 3
    assert set(MATRIX_COLOURS.values()) <= set(OKABE_ITO)


@pytest.mark.parametrize("steps", [0, 7, 2.5, True, "3"])
def test_unrolled_rnn_rejects_bad_steps(steps):
    with pytest.raises(ValueError, match="between 1 and 6"):
        draw_unrolled_rnn(steps)


# ------------------------------------------------------------ one-hot rows

SENTENCES = {
    "not good, bad": "this is not good it is bad".split(),
    "not bad, good": "this is not bad it is good".split(),
}
VOCAB = sorted({w for words in SENTENCES.values() for w in words})


def test_one_hot_panels_fill_one_square_per_word_and_count_the_bag():
    fig = plot_one_hot_sequences(SENTENCES, VOCAB)
    axes = fig.get_axes()
    assert len(axes) == len(SENTENCES)
    blue = OKABE_ITO_BY_NAME["blue"].lower()
    for ax, (title, words) in zip(axes, SENTENCES.items()):
        filled = [p for p in ax.patches
                  if isinstance(p, Rectangle) and to_hex(p.get_facecolor()) == blue]
        assert len(filled) == len(words)
        # Filled square of word t sits in row t, in the word's column.
        positions = sorted((int(p.get_y()), int(p.get_x())) for p in filled)
        assert positions == [(t, VOCAB.index(w)) for t, w in enumerate(words)]
        counts = [int(t.get_text()) for t in ax.texts]
        assert counts == [words.count(w) for w in VOCAB]
        assert ax.get_xlabel() == title
        ticks = [t.get_text() for t in ax.get_yticklabels()]
        assert ticks[-1] == "bag (sum)" and ticks[0] == f"1. {words[0]}"


def test_one_hot_rejects_bad_arguments():
    with pytest.raises(ValueError, match="not in the vocabulary"):
        plot_one_hot_sequences(SENTENCES, ["this", "is"])
    with pytest.raises(ValueError, match="twice"):
        plot_one_hot_sequences(SENTENCES, VOCAB + VOCAB[:1])
    with pytest.raises(TypeError, match="list of strings"):
        plot_one_hot_sequences({"a": "this is good"}, VOCAB)
    with pytest.raises(ValueError, match="non-empty"):
        plot_one_hot_sequences({}, VOCAB)


# ------------------------------------------------------------ state traces

def test_state_traces_draw_each_component_over_the_words():
    words = ["not", "good", "movie"]
    states = np.array([[1.0, 0.0], [0.0, -1.0], [0.0, -1.0]])
    fig = plot_state_traces({"s1": (words, states), "s2": (words, -states)},
                            state_names=["negation", "score"])
    axes = fig.get_axes()
    assert len(axes) == 2
    for ax, sign in zip(axes, (1, -1)):
        lines = [line for line in ax.get_lines() if line.get_label() in ("negation", "score")]
        assert [line.get_label() for line in lines] == ["negation", "score"]
        for k, line in enumerate(lines):
            assert np.allclose(line.get_ydata(), sign * states[:, k])
            assert np.allclose(line.get_xdata(), [1, 2, 3])
        assert [t.get_text() for t in ax.get_xticklabels()] == words
    styles = {line.get_linestyle() for line in axes[0].get_lines()[:2]}
    assert len(styles) == 2  # told apart without colour


def test_state_traces_reject_mismatched_shapes():
    with pytest.raises(ValueError, match="shape"):
        plot_state_traces({"s": (["a", "b"], np.zeros((3, 2)))}, ["n", "s"])
    with pytest.raises(ValueError, match="shape"):
        plot_state_traces({"s": (["a", "b"], np.zeros((2, 3)))}, ["n", "s"])
    with pytest.raises(TypeError, match="pair"):
        plot_state_traces({"s": np.zeros((2, 2))}, ["n", "s"])
    with pytest.raises(ValueError, match="non-empty"):
        plot_state_traces({}, ["n"])
