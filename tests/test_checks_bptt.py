"""Tests of rnn_course.checks.check_rnn_backward: right answers pass, slips are named."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_course.checks import check_rnn_backward
from rnn_course.numpy_nets import rnn_backward

# --------------------------------------------------------- student answers


def student_bptt(inputs, W, U, b, states, grad_states, slip=None):
    """A batched student answer, right or with one slip."""
    batch, timesteps, _ = inputs.shape
    units = W.shape[0]
    dW, dU, db = np.zeros_like(W), np.zeros_like(U), np.zeros_like(b)
    delta = np.zeros((batch, units))
    for t in reversed(range(timesteps)):
        delta = grad_states[:, t] + (0.0 if slip == "no recurrence" else delta)
        slope = 1.0 if slip == "no slope" else 1 - states[:, t] ** 2
        a = delta * slope
        h_prev = states[:, t - 1] if t > 0 else np.zeros((batch, units))
        if slip == "h_t":
            h_prev = states[:, t]
        dW += (a.T @ inputs[:, t]) * (2.0 if slip == "dW doubled" else 1.0)
        dU += a.T @ h_prev
        db += a.sum(axis=0)
        delta = a @ (U.T if slip == "U" else U)
    return dW, dU, db


def right(*args):
    return student_bptt(*args)


def right_float32(inputs, W, U, b, states, grad_states):
    args = [a.astype(np.float32) for a in (inputs, W, U, b, states, grad_states)]
    return tuple(g.astype(np.float32) for g in student_bptt(*args))


def right_single(inputs, W, U, b, states, grad_states):
    return student_bptt(inputs[None], W, U, b, states[None], grad_states[None])


def package(*args):
    return rnn_backward(*args)  # an RNNGradients: dW, dU, db are read by name


def slipped(slip):
    return lambda *args: student_bptt(*args, slip=slip)


# ------------------------------------------------------------------- right


@pytest.mark.parametrize("fn", [right, right_float32, package])
def test_accepts_correct_answers(fn, one_line):
    assert check_rnn_backward(fn) is True
    assert one_line().startswith("Correct!")


def test_accepts_single_sequence_version(one_line):
    assert check_rnn_backward(right_single, batched=False) is True
    assert "single sequences" in one_line()


def test_accepts_lists(one_line):
    assert check_rnn_backward(lambda *a: [g.tolist() for g in right(*a)]) is True
    assert one_line().startswith("Correct!")


# ------------------------------------------------------------------- wrong


@pytest.mark.parametrize(
    "fn, fragments",
    [
        (slipped("no slope"), ["Wrong dW, dU and db", "slope of tanh", "1 - h_t**2"]),
        (slipped("no recurrence"), ["does not flow back in time", "U^T"]),
        (slipped("U"), ["through U^T, not U", "a_t @ U"]),
        (slipped("h_t"), ["Wrong dU ", "h_{t-1}"]),
        (slipped("dW doubled"), ["Wrong dW ", "dU and db are right", "x_t^T"]),
        (
            lambda *a: tuple(g.T for g in right(*a)),
            ["dW must have the shape of W", "(4, 3)", "(3, 4)"],
        ),
        (lambda *a: right(*a)[:2], ["Return the three gradients", "tuple"]),
        (lambda *a: None, ["returned None", "add a return"]),
        (lambda *a: 1 / 0, ["raised ZeroDivisionError", "(2, 5, 3)"]),
        (lambda *a: (np.full((4, 3), np.nan),) + right(*a)[1:], ["dW", "NaN or infinite"]),
        (lambda *a: (np.full((4, 3), "x"),) + right(*a)[1:], ["dW", "not numeric"]),
        (
            lambda *a: tuple(0.5 * g for g in right(*a)),
            ["Wrong dW, dU and db", "check the walk back"],
        ),
    ],
)
def test_rejects_wrong_answers(fn, fragments, one_line):
    assert check_rnn_backward(fn) is False
    message = one_line()
    assert not message.startswith("Correct")
    for fragment in fragments:
        assert fragment in message, (fragment, message)


def test_single_sequence_function_fails_batched_check(one_line):
    # Called with batches, a function written for one sequence breaks.
    def single_only(inputs, W, U, b, states, grad_states):
        return student_bptt(inputs[None], W, U, b, states[None], grad_states[None])

    assert check_rnn_backward(single_only) is False
    assert not one_line().startswith("Correct")


def test_not_callable(one_line):
    assert check_rnn_backward(np.zeros(3)) is False
    assert "Pass your function itself" in one_line()


def test_quiet(capsys):
    assert check_rnn_backward(right, verbose=False) is True
    assert check_rnn_backward(slipped("no slope"), verbose=False) is False
    assert capsys.readouterr().out == ""


def test_tolerance_is_used(capsys):
    def slightly_off(*args):
        dW, dU, db = right(*args)
        return dW * (1 + 1e-3), dU, db

    assert check_rnn_backward(slightly_off) is False
    capsys.readouterr()
    assert check_rnn_backward(slightly_off, rtol=1e-2) is True
