"""The example worked by hand in Chapter 2: its hand numbers are the code's numbers.

The numbers live in ``rnn_course.examples.hand_worked_rnn``; the chapter shows
them through that function only. These tests check them against
``rnn_forward`` (and Keras), check that the hand arithmetic is consistent
step by step, and check that the chapter does not type them in a second time.
"""

from __future__ import annotations

import numpy as np
import pytest

from rnn_course.examples import HandWorkedRNN, _fmt, hand_worked_rnn
from rnn_course.numpy_nets import rnn_forward, set_simple_rnn_params
from tests.helpers import CHAPTERS, table_rows

CHAPTER = CHAPTERS / "02_rnn_pseudocode.md"


@pytest.fixture
def ex() -> HandWorkedRNN:
    return hand_worked_rnn()


def test_sizes_are_those_the_chapter_announces(ex):
    # "2 input features, 2 units and 3 steps"
    assert (ex.features, ex.units, ex.timesteps) == (2, 2, 3)
    assert ex.inputs.shape == (3, 2)
    assert ex.W.shape == (2, 2) and ex.U.shape == (2, 2) and ex.b.shape == (2,)
    assert ex.pre_activations.shape == ex.states.shape == (3, 2)


def test_numbers_are_round(ex):
    # "weights and inputs chosen among 0, 0.5, 1 and -1"
    allowed = {0.0, 0.5, 1.0, -1.0, -0.5}
    for name in ("W", "U", "b", "inputs"):
        values = set(getattr(ex, name).ravel().tolist())
        assert values <= allowed, f"{name} holds {values - allowed}"
    assert set(ex.inputs.ravel().tolist()) <= {0.0, 1.0}
    # Step 1 is read off the weights: multiples of 0.5.
    assert np.allclose(ex.pre_activations[0] * 2, np.round(ex.pre_activations[0] * 2))


def test_hand_states_equal_rnn_forward(ex):
    computed = rnn_forward(ex.inputs, ex.W, ex.U, ex.b)
    assert computed.shape == ex.states.shape
    assert np.allclose(computed, ex.states, rtol=0, atol=1e-4)
    # Stronger: every hand value is the exact value rounded to 4 decimals.
    assert np.array_equal(np.round(computed, 4), ex.states)


def test_hand_pre_activations_equal_the_exact_ones(ex):
    computed = rnn_forward(ex.inputs, ex.W, ex.U, ex.b)
    previous = np.vstack([np.zeros(ex.units), computed[:-1]])
    exact_z = ex.inputs @ ex.W.T + previous @ ex.U.T + ex.b
    assert np.array_equal(np.round(exact_z, 4), ex.pre_activations)


def test_hand_arithmetic_is_consistent_step_by_step(ex):
    # What a person does on paper: the rounded h_{t-1} goes into step t.
    h_prev = np.zeros(ex.units)
    for t in range(1, ex.timesteps + 1):
        z = np.round(ex.W @ ex.inputs[t - 1] + ex.U @ h_prev + ex.b, 4)
        assert np.allclose(z, ex.pre_activations[t - 1], rtol=0, atol=1e-12), t
        assert np.allclose(ex.input_term(t) + ex.recurrent_term(t) + ex.b,
                           ex.pre_activations[t - 1], rtol=0, atol=1e-12), t
        h = np.round(np.tanh(z), 4)
        assert np.array_equal(h, ex.states[t - 1]), t
        h_prev = h


def test_orientation_of_the_weights_matters(ex):
    # A student who transposes U (or W) must get different numbers, so the
    # example teaches which matrix multiplies what.
    assert not np.allclose(ex.U, ex.U.T)
    assert not np.allclose(ex.W, ex.W.T)
    transposed = rnn_forward(ex.inputs, ex.W, ex.U.T, ex.b)
    assert np.max(np.abs(transposed - ex.states)) > 0.01


def test_same_input_different_state(ex):
    # The chapter's point: x_3 == x_1 but h_3 != h_1, because of the state.
    assert np.array_equal(ex.inputs[0], ex.inputs[2])
    assert np.max(np.abs(ex.states[0] - ex.states[2])) > 0.1
    stateless = np.tanh(ex.inputs @ ex.W.T + ex.b)
    assert np.array_equal(stateless[0], stateless[2])


def test_keras_simple_rnn_gives_the_hand_states(ex, built_layer):
    import keras

    layer = built_layer("SimpleRNN", ex.features, ex.units)
    set_simple_rnn_params(layer, ex.W, ex.U, ex.b)
    states = keras.ops.convert_to_numpy(layer(ex.inputs[None].astype("float32")))[0]
    assert np.allclose(states, ex.states, rtol=0, atol=1e-4)


def test_each_call_returns_fresh_arrays():
    first = hand_worked_rnn()
    original_W = first.W.copy()
    first.W[0, 0] = 99.0
    first.states[:] = 0.0
    second = hand_worked_rnn()
    assert np.array_equal(second.W, original_W)
    assert np.all(second.states != 0.0)


def test_table_markdown_lists_every_hand_value(ex):
    table = ex.table_markdown()
    lines = table.splitlines()
    assert len(lines) == 2 + ex.timesteps
    assert all(line.startswith("|") and line.endswith("|") for line in lines)
    for t in range(ex.timesteps):
        row = lines[2 + t]
        assert table_rows(row)[0][0] == str(t + 1)
        for value in (*ex.pre_activations[t], *ex.states[t]):
            assert _fmt(value) in row, (t, value, row)


def test_step_latex_shows_the_arithmetic(ex):
    for t in range(1, ex.timesteps + 1):
        latex = ex.step_latex(t)
        assert latex.startswith(r"\begin{aligned}") and latex.endswith(r"\end{aligned}")
        assert latex.count(r"\begin{pmatrix}") == latex.count(r"\end{pmatrix}")
        for value in (*ex.pre_activations[t - 1], *ex.states[t - 1], *ex.input_term(t)):
            assert _fmt(value) in latex
        if t == 1:
            assert "U h_0 &= 0" in latex
        else:
            for value in ex.states[t - 2]:  # h_{t-1} appears in the products
                assert _fmt(value).lstrip("-") in latex
    assert r"\begin{aligned}" in ex.givens_latex()


@pytest.mark.parametrize("t", [0, 4, -1, 1.0, True])
def test_step_out_of_range_raises(ex, t):
    with pytest.raises(ValueError, match="between 1 and 3"):
        ex.step_latex(t)


@pytest.mark.parametrize(
    "value, text",
    [(1.0, "1"), (-1.0, "-1"), (0.5, "0.5"), (0.0, "0"), (-0.0, "0"), (0.7616, "0.7616"),
     (-0.15580631, "-0.1558"), (0.00001, "0")],
)
def test_numbers_are_written_as_by_hand(value, text):
    assert _fmt(value) == text


def test_chapter_takes_its_numbers_from_the_package():
    source = CHAPTER.read_text(encoding="utf-8")
    assert "hand_worked_rnn()" in source
    assert "{glue:md} hand_table" in source
    for t in (1, 2, 3):
        assert f"{{glue:math}} hand_step_{t}" in source
    # The hand results are not typed into the chapter a second time.
    ex = hand_worked_rnn()
    for value in (*ex.pre_activations.ravel(), *ex.states.ravel()):
        text = _fmt(value).lstrip("-")
        if "." in text and len(text) > 4:  # 0.7616, not 1 or 0.5
            assert text not in source, f"{text} is typed into {CHAPTER.name}"
