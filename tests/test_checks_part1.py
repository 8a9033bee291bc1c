"""Tests of the checkers of Chapters 1 and 2: sequence families, symbol shapes, a state by hand."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_course.checks import (
    SEQUENCE_FAMILIES,
    check_hidden_state,
    check_sequence_family,
    check_symbol_shapes,
)
from rnn_course.examples import hand_worked_rnn

# ---------------------------------------------------------- families

@pytest.fixture(scope="module")
def models():
    """One tiny model per family, built as Chapter 1 builds them."""
    import keras
    from keras import layers

    def ids():
        return keras.Input(shape=(None,), dtype="int32")

    built = {}
    image = keras.Input(shape=(16, 16, 3))
    features = layers.GlobalAveragePooling2D()(layers.Conv2D(4, 3)(image))
    built["one-to-one"] = keras.Model(image, layers.Dense(10)(features))
    x = layers.SimpleRNN(4, return_sequences=True)(layers.RepeatVector(6)(features))
    built["one-to-many"] = keras.Model(image, layers.TimeDistributed(layers.Dense(7))(x))

    i = ids()
    built["many-to-one"] = keras.Model(
        i, layers.Dense(1)(layers.SimpleRNN(4)(layers.Embedding(50, 3)(i))))
    i = ids()
    x = layers.SimpleRNN(4, return_sequences=True)(layers.Embedding(50, 3)(i))
    built["many-to-many"] = keras.Model(i, layers.TimeDistributed(layers.Dense(5))(x))
    i = ids()
    x = layers.RepeatVector(4)(layers.SimpleRNN(4)(layers.Embedding(50, 3)(i)))
    x = layers.SimpleRNN(4, return_sequences=True)(x)
    built["encoder-decoder"] = keras.Model(i, layers.Dense(6)(x))

    # Float sequences (timesteps, features) are sequences too.
    v = keras.Input(shape=(None, 3))
    built["many-to-many float"] = keras.Model(
        v, layers.SimpleRNN(2, return_sequences=True)(v))
    # A fixed input length cannot tell aligned from unaligned outputs.
    f = keras.Input(shape=(4,), dtype="int32")
    x = layers.RepeatVector(4)(layers.SimpleRNN(3)(layers.Embedding(50, 3)(f)))
    built["fixed length, 4 -> 4"] = keras.Model(f, layers.SimpleRNN(2, return_sequences=True)(x))
    a, b = keras.Input(shape=(3,)), keras.Input(shape=(3,))
    built["two inputs"] = keras.Model([a, b], layers.Add()([a, b]))
    return built


@pytest.mark.parametrize("family", SEQUENCE_FAMILIES)
def test_each_family_is_recognised(models, family, one_line):
    assert check_sequence_family(models[family], family) is True
    line = one_line()
    assert line.startswith("Correct!") and family in line


@pytest.mark.parametrize("family", SEQUENCE_FAMILIES)
def test_each_family_is_told_apart_from_the_four_others(models, family, one_line):
    for other in SEQUENCE_FAMILIES:
        if other == family:
            continue
        assert check_sequence_family(models[family], other) is False, (family, other)
        line = one_line()
        assert line.startswith("Not quite") and f"{family} model" in line


@pytest.mark.parametrize(
    "given, asked, hint",
    [
        ("many-to-one", "many-to-many", "return_sequences=True"),
        ("many-to-many", "many-to-one", "default, False"),
        ("many-to-many", "encoder-decoder", "RepeatVector"),
        ("many-to-one", "encoder-decoder", "decoder is missing"),
        ("encoder-decoder", "many-to-many", "drop RepeatVector"),
        ("one-to-one", "one-to-many", "RepeatVector"),
        ("one-to-one", "many-to-one", "must be a sequence"),
        ("many-to-one", "one-to-one", "single vector or image"),
    ],
)
def test_wrong_family_names_the_fix(models, given, asked, hint, one_line):
    assert check_sequence_family(models[given], asked) is False
    assert hint in one_line()


def test_float_sequences_and_name_spellings(models, one_line):
    assert check_sequence_family(models["many-to-many float"], "Many_to_Many")
    line = one_line()
    assert "(2, 5, 3) -> outputs (2, 5, 2)" in line and "(2, 8, 3)" in line


def test_fixed_length_input_explains_the_ambiguity(models, one_line):
    model = models["fixed length, 4 -> 4"]
    assert check_sequence_family(model, "encoder-decoder") is False
    assert "shape=(None" in one_line()
    assert check_sequence_family(model, "many-to-many") is True
    one_line()


@pytest.mark.parametrize("answer", ["model", 3, [1, 2]])
def test_not_a_model_is_feedback_not_an_error(answer, one_line):
    assert check_sequence_family(answer, "many-to-one") is False
    assert "keras.Input" in one_line()


def test_two_inputs_are_feedback(models, one_line):
    assert check_sequence_family(models["two inputs"], "one-to-one") is False
    assert "one input" in one_line()


def test_a_model_that_fails_on_the_probe_is_feedback(one_line):
    import keras

    class Broken(keras.Model):
        def call(self, x):
            raise RuntimeError("boom\nsecond line")

    broken = Broken()
    broken.inputs = [keras.Input(shape=(None,), dtype="int32")]
    assert check_sequence_family(broken, "many-to-one") is False
    line = one_line()
    assert "RuntimeError" in line and "boom" in line and "second line" not in line


@pytest.mark.parametrize("family", ["two-to-one", "", None, "many to many to many"])
def test_unknown_family_raises(models, family):
    with pytest.raises(ValueError, match="family must be one of"):
        check_sequence_family(models["many-to-one"], family)


def test_quiet_mode_prints_nothing(models, capsys):
    assert check_sequence_family(models["many-to-one"], "many-to-one", verbose=False)
    assert not check_sequence_family(models["many-to-one"], "many-to-many", verbose=False)
    assert capsys.readouterr().out == ""


# ---------------------------------------------------------- symbol shapes

RIGHT = {"x_t": (10,), "W": (20, 10), "U": (20, 20), "b": (20,),
         "h_t": (20,), "V": (3, 20), "c": (3,), "y_t": (3,)}


def shapes(**changes):
    answer = dict(RIGHT)
    answer.update(changes)
    return answer


def test_right_shapes_pass(one_line):
    assert check_symbol_shapes(RIGHT, features=10, units=20, outputs=3) is True
    assert one_line().startswith("Correct!")
    as_lists = {k: list(v) for k, v in RIGHT.items()}
    assert check_symbol_shapes(as_lists, features=10, units=20, outputs=3) is True
    one_line()


@pytest.mark.parametrize(
    "answer, words",
    [
        (shapes(W=(10, 20)), ["W", "transposed", "(units, features)"]),
        (shapes(V=(20, 3)), ["V", "transposed"]),
        (shapes(U=(20, 10)), ["U", "(units, units)"]),
        (shapes(b=20), ["b", "(20,)", "comma"]),
        (shapes(h_t=(10,)), ["h_t", "expected (20,)"]),
        (shapes(y_t=None), ["y_t", "not written yet"]),
        (shapes(c=(3.0,)), ["c", "tuple of integers"]),
        ({k: v for k, v in RIGHT.items() if k != "U"}, ["Missing", "U"]),
        (shapes(z_t=(20,)), ["Unknown", "z_t"]),
        ([(10,)], ["dict"]),
    ],
)
def test_wrong_shapes_are_explained(answer, words, one_line):
    assert check_symbol_shapes(answer, features=10, units=20, outputs=3) is False
    line = one_line()
    for word in words:
        assert word in line, (word, line)


def test_other_sizes_change_the_answer(one_line):
    assert check_symbol_shapes(RIGHT, features=4, units=20, outputs=3) is False
    assert "x_t" in one_line()


@pytest.mark.parametrize(
    "sizes, error",
    [((0, 2, 3), ValueError), ((2, -1, 3), ValueError), ((2, 2, 1.5), TypeError),
     ((True, 2, 2), TypeError)],
)
def test_symbol_shapes_bad_sizes_raise(sizes, error):
    features, units, outputs = sizes
    with pytest.raises(error, match="positive integer"):
        check_symbol_shapes(RIGHT, features=features, units=units, outputs=outputs)


# ---------------------------------------------------------- a state by hand

@pytest.fixture
def ex():
    return hand_worked_rnn()


def call(ex, answer, step, **kwargs):
    return check_hidden_state(answer, ex.inputs, ex.W, ex.U, ex.b, step=step, **kwargs)


@pytest.mark.parametrize("step", [1, 2, 3])
def test_hand_states_pass(ex, step, one_line):
    assert call(ex, ex.states[step - 1], step) is True
    assert one_line().startswith(f"Correct! That is h_{step}")


def test_exact_states_and_lists_pass(ex, one_line):
    assert call(ex, [-0.46212, -0.76159], 1) is True
    one_line()


def test_rounding_beyond_tolerance_fails(ex, one_line):
    assert call(ex, ex.states[1] + 0.01, 2) is False
    assert "units 1, 2 wrong" in one_line()
    assert call(ex, ex.states[1] + [0.0, 0.01], 2) is False
    assert "unit 2 wrong" in one_line()


def test_classic_slips_are_named(ex, one_line):
    x2, h1 = ex.inputs[1], ex.states[0]
    assert call(ex, ex.pre_activations[1], 2) is False
    assert "apply tanh" in one_line()
    assert call(ex, np.tanh(ex.W @ x2 + ex.b), 2) is False
    assert "U h_{t-1}" in one_line()
    assert call(ex, np.tanh(ex.W @ x2 + ex.U.T @ h1 + ex.b), 2) is False
    assert "transpose" in one_line()
    assert call(ex, np.tanh(ex.W @ x2 + ex.U @ h1), 2) is False
    assert "bias" in one_line()
    assert call(ex, ex.states[2], 2) is False
    assert "h_3, the state after step 3" in one_line()


def test_wrong_shape_and_nan_are_feedback(ex, one_line):
    assert call(ex, [0.5], 1) is False
    assert "2 numbers" in one_line()
    assert call(ex, "abc", 1) is False
    assert "not a vector of numbers" in one_line()
    assert call(ex, [np.nan, 0.1], 1) is False
    assert "NaN" in one_line()


@pytest.mark.parametrize("step", [0, 4, 1.0, True])
def test_step_out_of_range_raises(ex, step):
    with pytest.raises(ValueError, match="step must be"):
        call(ex, ex.states[0], step)


def test_inputs_must_be_one_sequence(ex):
    with pytest.raises(ValueError, match="one sequence"):
        check_hidden_state(ex.states[0], ex.inputs[None], ex.W, ex.U, ex.b, step=1)


def test_hidden_state_quiet_mode(ex, capsys):
    assert call(ex, ex.states[0], 1, verbose=False) is True
    assert call(ex, ex.states[1], 1, verbose=False) is False
    assert capsys.readouterr().out == ""
