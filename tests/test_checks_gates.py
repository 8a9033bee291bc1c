"""Tests of check_gru_forward: right GRUs pass, the classic slips are named."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_course.checks import check_gru_forward
from rnn_course.numpy_nets import gru_forward


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def student_gru(inputs, p, slip=None, dtype=np.float64):
    """A student's batched GRU written from the chapter's equations, optionally wrong."""
    inputs = inputs.astype(dtype)
    p = type(p)(*(np.asarray(a, dtype) if isinstance(a, np.ndarray) else a for a in p))
    batch, timesteps, _ = inputs.shape
    h = np.zeros((batch, p.U_z.shape[0]), dtype)
    rb_z, rb_r, rb_h = (0, 0, 0) if slip == "no recurrent bias" else (p.rb_z, p.rb_r, p.rb_h)
    states = []
    for t in range(timesteps):
        x_t = inputs[:, t]
        z = sigmoid(x_t @ p.W_z.T + p.b_z + h @ p.U_z.T + rb_z)
        r = sigmoid(x_t @ p.W_r.T + p.b_r + h @ p.U_r.T + rb_r)
        if slip == "reset before":
            h_tilde = np.tanh(x_t @ p.W_h.T + p.b_h + (r * h) @ p.U_h.T + rb_h)
        elif slip == "no reset":
            h_tilde = np.tanh(x_t @ p.W_h.T + p.b_h + h @ p.U_h.T + rb_h)
        elif slip == "sigmoid candidate":
            h_tilde = sigmoid(x_t @ p.W_h.T + p.b_h + r * (h @ p.U_h.T + rb_h))
        else:
            h_tilde = np.tanh(x_t @ p.W_h.T + p.b_h + r * (h @ p.U_h.T + rb_h))
        if slip == "z swapped":
            h = (1 - z) * h + z * h_tilde
        else:
            h = z * h + (1 - z) * h_tilde
        states.append(h)
    if slip == "concatenate":
        return np.concatenate(states, axis=0)
    if slip == "time first":
        return np.stack(states, axis=0)
    return np.stack(states, axis=1)


def test_right_answer_passes(one_line):
    assert check_gru_forward(student_gru) is True
    assert one_line().startswith("Correct!")


def test_float32_answer_passes(one_line):
    assert check_gru_forward(lambda x, p: student_gru(x, p, dtype=np.float32)) is True
    assert one_line().startswith("Correct!")


def test_list_answer_passes(one_line):
    assert check_gru_forward(lambda x, p: student_gru(x, p).tolist()) is True
    one_line()


def test_package_function_passes(one_line):
    assert check_gru_forward(gru_forward) is True
    one_line()


@pytest.mark.parametrize("slip, words", [
    ("z swapped", "z and 1 - z are swapped"),
    ("reset before", "before U_h"),
    ("no recurrent bias", "left out the recurrent biases"),
    ("no reset", "reset gate is missing"),
])
def test_classic_slips_are_named(one_line, slip, words):
    assert check_gru_forward(lambda x, p: student_gru(x, p, slip)) is False
    message = one_line()
    assert words in message
    assert not message.startswith("Correct")


def test_unknown_mistake_reports_position(one_line):
    assert check_gru_forward(lambda x, p: student_gru(x, p, "sigmoid candidate")) is False
    message = one_line()
    assert "at index (0, 0, " in message and "first step" in message


def test_mistake_after_first_step(one_line):
    def late(x, p):
        out = student_gru(x, p)
        if out.shape[1] > 1:
            out[:, 1:] += 0.01
        return out

    assert check_gru_forward(late) is False
    message = one_line()
    assert "first step is right" in message


@pytest.mark.parametrize("slip, words", [
    ("concatenate", "np.concatenate"),
    ("time first", "Expected shape"),
])
def test_wrong_shapes(one_line, slip, words):
    assert check_gru_forward(lambda x, p: student_gru(x, p, slip)) is False
    assert words in one_line()


def test_missing_return(one_line):
    def unfinished(inputs, params):
        ...

    assert check_gru_forward(unfinished) is False
    assert "returned None" in one_line()


def test_function_that_raises(one_line):
    def broken(inputs, params):
        return inputs @ params.W_z  # wrong side: shapes do not fit

    assert check_gru_forward(broken) is False
    message = one_line()
    assert message.startswith("Your function raised ValueError")


def test_not_numeric(one_line):
    assert check_gru_forward(lambda x, p: np.full(x.shape[:2] + (p.U_z.shape[0],), "a")) is False
    assert "not numeric" in one_line()


def test_not_a_function(one_line):
    assert check_gru_forward(42) is False
    assert "Pass your function itself" in one_line()


def test_quiet(capsys):
    assert check_gru_forward(lambda x, p: student_gru(x, p, "z swapped"), verbose=False) is False
    assert check_gru_forward(student_gru, verbose=False) is True
    assert capsys.readouterr().out == ""


def test_other_seed_still_checks(capsys):
    assert check_gru_forward(student_gru, seed=7) is True
    assert check_gru_forward(lambda x, p: student_gru(x, p, "no reset"), seed=7) is False
    capsys.readouterr()
