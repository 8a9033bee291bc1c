"""Tests of check_additive_attention: right steps pass, the classic slips are named."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_course.checks import check_additive_attention
from rnn_course.seq2seq import additive_attention


def student_attention(query, states, W_query, W_key, v, slip=None, dtype=np.float64):
    """A student's step written from the chapter's equations, optionally wrong."""
    query, states, W_query, W_key, v = (np.asarray(a, dtype)
                                        for a in (query, states, W_query, W_key, v))
    keys = states @ W_key.T
    inside = W_query @ query + keys
    scores = (inside if slip == "no tanh" else np.tanh(inside)) @ v
    weights = scores if slip == "no softmax" else np.exp(scores) / np.exp(scores).sum()
    if slip == "uniform":
        weights = np.full(len(states), 1 / len(states))
    values = keys if slip == "projected values" else states
    context = weights @ values
    if slip == "sum of states":
        context = states.sum(axis=0)
    if slip == "one output":
        return context
    if slip == "swapped":
        return weights, context
    return context, weights


def test_right_answer_passes(one_line):
    assert check_additive_attention(student_attention) is True
    assert one_line().startswith("Correct!")


def test_float32_and_package_answers_pass(one_line):
    assert check_additive_attention(
        lambda *a: student_attention(*a, dtype=np.float32)) is True
    one_line()
    assert check_additive_attention(additive_attention) is True
    one_line()


@pytest.mark.parametrize(("slip", "words"), [
    ("no tanh", "tanh"),
    ("no softmax", "softmax"),
    ("projected values", "projected keys"),
    ("sum of states", "weights are right"),
    ("uniform", "Wrong weights"),
    ("one output", "Return two things"),
    ("swapped", "Expected context of shape"),
])
def test_classic_slips_are_named(one_line, slip, words):
    assert check_additive_attention(lambda *a: student_attention(*a, slip=slip)) is False
    assert words in one_line()


def test_stub_and_errors(one_line):
    def stub(*args):
        raise NotImplementedError

    assert check_additive_attention(stub) is False
    assert one_line().startswith("Not written yet")
    assert check_additive_attention(lambda *a: 1 / 0) is False
    assert "ZeroDivisionError" in one_line()
    assert check_additive_attention(None) is False
    assert one_line().startswith("Not written yet")
