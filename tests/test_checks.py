"""Tests of rnn_course.checks: the checkers accept right answers and explain wrong ones."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_course.checks import check_parameter_count, check_rnn_forward, check_rnn_output_shape
from rnn_course.numpy_nets import rnn_forward
from tests.helpers import require

# --------------------------------------------------------- student answers


def batched_loop_over_time(inputs, W, U, b):
    state = np.zeros((inputs.shape[0], W.shape[0]))
    states = []
    for x_t in inputs.transpose(1, 0, 2):
        state = np.tanh(x_t @ W.T + state @ U.T + b)
        states.append(state)
    return np.stack(states, axis=1)


def batched_float32(inputs, W, U, b):
    return batched_loop_over_time(*(a.astype(np.float32) for a in (inputs, W, U, b)))


def batched_concatenate(inputs, W, U, b):
    state = np.zeros((inputs.shape[0], W.shape[0]))
    states = []
    for x_t in inputs.transpose(1, 0, 2):
        state = np.tanh(x_t @ W.T + state @ U.T + b)
        states.append(state)
    return np.concatenate(states, axis=0)


def batched_last_state_only(inputs, W, U, b):
    return batched_loop_over_time(inputs, W, U, b)[:, -1]


def batched_without_recurrence(inputs, W, U, b):
    return np.tanh(inputs @ W.T + b)


def batched_untransposed_U(inputs, W, U, b):
    state = np.zeros((inputs.shape[0], W.shape[0]))
    states = []
    for x_t in inputs.transpose(1, 0, 2):
        state = np.tanh(x_t @ W.T + state @ U + b)
        states.append(state)
    return np.stack(states, axis=1)


def batched_without_bias(inputs, W, U, b):
    return batched_loop_over_time(inputs, W, U, np.zeros_like(b))


def single_sequence(inputs, W, U, b):
    state = np.zeros(W.shape[0])
    states = []
    for x_t in inputs:
        state = np.tanh(W @ x_t + U @ state + b)
        states.append(state)
    return np.stack(states)


def single_concatenate(inputs, W, U, b):
    return single_sequence(inputs, W, U, b).ravel()


# ------------------------------------------------------- check_rnn_forward


@pytest.mark.parametrize(
    "fn",
    [
        batched_loop_over_time,
        batched_float32,
        rnn_forward,
        lambda x, W, U, b: batched_loop_over_time(x, W, U, b).tolist(),
    ],
)
def test_rnn_forward_accepts_correct_answers(fn, one_line):
    assert check_rnn_forward(fn) is True
    assert one_line().startswith("Correct!")


def test_rnn_forward_accepts_single_sequence_version(one_line):
    assert check_rnn_forward(single_sequence, batched=False) is True
    assert one_line().startswith("Correct!")


@pytest.mark.parametrize(
    "fn, batched, fragments",
    [
        (batched_concatenate, True, ["Expected shape (2, 5, 4)", "got (10, 4)", "np.concatenate"]),
        (single_concatenate, False, ["Expected shape (5, 4)", "got (20,)", "np.concatenate"]),
        (batched_last_state_only, True, ["Expected shape (2, 5, 4)", "got (2, 4)"]),
        (batched_without_recurrence, True, ["Wrong values", "first step is right", "U h_{t-1}"]),
        (batched_untransposed_U, True, ["Wrong values", "first step is right", "U h_{t-1}"]),
        (batched_without_bias, True, ["Wrong values", "first step", "W x_t + b"]),
        (single_sequence, True, ["raised", "for inputs (2, 5, 3)"]),
        (lambda x, W, U, b: None, True, ["returned None", "add a return"]),
        (lambda x, W, U, b: 1 / 0, True, ["raised ZeroDivisionError", "division by zero"]),
        (
            lambda x, W, U, b: np.full((x.shape[0], x.shape[1], W.shape[0]), "a"),
            True,
            ["not numeric"],
        ),
        (
            lambda x, W, U, b: np.full((x.shape[0], x.shape[1], W.shape[0]), np.nan),
            True,
            ["NaN or infinite"],
        ),
    ],
)
def test_rnn_forward_rejects_wrong_answers(fn, batched, fragments, one_line):
    assert check_rnn_forward(fn, batched=batched) is False
    message = one_line()
    assert not message.startswith("Correct")
    for fragment in fragments:
        assert fragment in message, (fragment, message)


def test_rnn_forward_not_callable(one_line):
    assert check_rnn_forward(np.zeros(3)) is False
    assert "Pass your function itself" in one_line()


def test_rnn_forward_quiet(capsys):
    assert check_rnn_forward(batched_loop_over_time, verbose=False) is True
    assert check_rnn_forward(batched_concatenate, verbose=False) is False
    assert capsys.readouterr().out == ""


# --------------------------------------------------- check_parameter_count


def test_parameter_count_correct(one_line):
    assert check_parameter_count(64 * 32 + 64 * 64 + 64, features=32, units=64) is True
    message = one_line()
    assert message.startswith("Correct!") and "6208" in message


@pytest.mark.parametrize(
    "answer, hint",
    [
        (7 * 10 + 7 * 7, "forgot the bias"),
        (7 * 10 + 7, "forgot the recurrent weights"),
        (7 * 7 + 7, "forgot the input weights"),
        (7 * 10 * 2 + 7, "not (units, features)"),
        (1, "count the entries"),
        ("126", "Expected a number"),
        (True, "Expected a number"),
    ],
)
def test_parameter_count_wrong(answer, hint, one_line):
    assert check_parameter_count(answer, features=10, units=7) is False
    assert hint in one_line()


def test_parameter_count_ambiguous_slip(one_line):
    # With units == 2 * features, forgetting W and mistaking U's shape give
    # the same count: both hints are given.
    assert check_parameter_count(64 * 64 + 64, features=32, units=64) is False
    message = one_line()
    assert "forgot the input weights W" in message and "not (units, features)" in message


def test_parameter_count_matches_keras():
    keras = require("keras")
    layer = keras.layers.SimpleRNN(7)
    layer.build((None, None, 5))
    assert check_parameter_count(layer.count_params(), features=5, units=7, verbose=False)


@pytest.mark.parametrize(
    "features, units, error",
    [(0, 3, ValueError), (3, -1, ValueError), (2.5, 3, TypeError), (True, 3, TypeError)],
)
def test_parameter_count_bad_call(features, units, error):
    with pytest.raises(error, match="positive integer"):
        check_parameter_count(10, features=features, units=units)


# -------------------------------------------------- check_rnn_output_shape


def test_output_shape_correct(one_line):
    assert check_rnn_output_shape(np.zeros((100, 64)), timesteps=100, units=64) is True
    assert one_line().startswith("Correct!")
    assert check_rnn_output_shape((8, 100, 64), timesteps=100, units=64, batch=8) is True
    assert one_line().startswith("Correct!")


def test_output_shape_concatenate(one_line):
    assert check_rnn_output_shape(np.zeros(6400), timesteps=100, units=64) is False
    message = one_line()
    assert "(100, 64)" in message and "(6400,)" in message and "np.concatenate" in message


def test_output_shape_other_wrong(one_line):
    assert check_rnn_output_shape(np.zeros((100, 32)), timesteps=100, units=64) is False
    message = one_line()
    assert "(100, 32)" in message and "np.concatenate" not in message
    assert check_rnn_output_shape([[1, 2], [3]], timesteps=2, units=2) is False
    assert "rectangular" in one_line()


def test_output_shape_bad_call():
    with pytest.raises(ValueError, match="units"):
        check_rnn_output_shape((3, 4), timesteps=3, units=0)
