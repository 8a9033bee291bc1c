"""Every checker answers a wrong answer with one line and ``False``, never a traceback.

Wrong answers include what a student version's stubs hold before the student
writes anything (``None``, a function raising ``NotImplementedError``), for
which the line says "Not written yet", and wrong types, shapes, dtypes and
NaNs. A new checker in ``rnn_course.checks`` must get its cases here.
"""

from __future__ import annotations

import inspect

import numpy as np
import pytest

from rnn_course import checks
from rnn_course.examples import hand_worked_rnn


def _raising(error):
    def student(*args, **kwargs):
        raise error

    return student


def _stub(*args, **kwargs):
    """What the student version's stub of a function does."""
    raise NotImplementedError


# Answers that are wrong for any checker that takes a value.
WRONG_VALUES = [
    "text", -1, 3.5, float("nan"), float("inf"), True, 1 + 2j, object(), {}, [],
    [1, 2], ["a", "b"], [[1, 2], [3]], np.zeros((2, 3)), np.array(["a", "b"]),
    np.array([np.nan, 1.0]), np.array([1, 2], dtype=object), ((1.5, 2, 3), "x"),
]
# Functions that are wrong for any checker that takes a function.
WRONG_FUNCTIONS = [
    _raising(ValueError("shapes do not fit")), _raising(ZeroDivisionError()),
    lambda *args: None, lambda *args: "text", lambda *args: np.zeros(1),
    lambda *args: np.full((2, 5, 4), np.nan), lambda *args: np.full((2, 5, 4), "a"),
    lambda *args: np.zeros((2, 5, 4), dtype=complex), lambda *args: [[1, 2], [3]],
    lambda *args: (None, None, None), lambda *args: object(), np.zeros(3), "my_function",
]
WORD_INDEX = {"the": 1, "film": 2, "good": 3, "bad": 4, "this": 5, "movie": 6, "is": 7}
HAND = hand_worked_rnn()

# How to call each checker with the student's answer; the other arguments are valid.
CALLS = {
    "check_rnn_output_shape": (lambda a: checks.check_rnn_output_shape(a, 5, 3), WRONG_VALUES),
    "check_parameter_count": (lambda a: checks.check_parameter_count(a, 2, 3), WRONG_VALUES),
    "check_rnn_forward": (checks.check_rnn_forward, WRONG_FUNCTIONS),
    "check_rnn_backward": (checks.check_rnn_backward, WRONG_FUNCTIONS),
    "check_sequence_family": (lambda a: checks.check_sequence_family(a, "many-to-one"),
                              WRONG_VALUES),
    "check_symbol_shapes": (lambda a: checks.check_symbol_shapes(a, 10, 20, 3), WRONG_VALUES + [
        {key: (np.nan,) for key in ("x_t", "W", "U", "b", "h_t", "V", "c", "y_t")}]),
    "check_hidden_state": (lambda a: checks.check_hidden_state(
        a, HAND.inputs, HAND.W, HAND.U, HAND.b, step=2), WRONG_VALUES),
    "check_stacked_param_counts": (lambda a: checks.check_stacked_param_counts(a, 8, [4, 2]),
                                   WRONG_VALUES + [[np.nan, 1], [None, 3]]),
    "check_gru_forward": (checks.check_gru_forward, WRONG_FUNCTIONS),
    "check_memory_length": (checks.check_memory_length, WRONG_FUNCTIONS),
    "check_text_classifier_params": (lambda a: checks.check_text_classifier_params(
        a, "gru", 100, 8, 4), WRONG_VALUES),
    "check_review_encoder": (lambda a: checks.check_review_encoder(a, WORD_INDEX, num_words=6),
                             WRONG_FUNCTIONS),
    "check_conv_layer": (lambda a: checks.check_conv_layer(a, (32, 32, 3), 16, 5, 2),
                         WRONG_VALUES + [((np.nan, 2, 3), 4), ((14, 14, 16), np.nan)]),
    "check_hyperband_epochs": (lambda a: checks.check_hyperband_epochs(a, 9, 3), WRONG_VALUES),
    "check_length_cut": (checks.check_length_cut, WRONG_FUNCTIONS),
    "check_softmax_temperature": (checks.check_softmax_temperature, WRONG_FUNCTIONS),
    "check_additive_attention": (checks.check_additive_attention, WRONG_FUNCTIONS),
    "check_seasonal_naive": (checks.check_seasonal_naive, WRONG_FUNCTIONS),
    "check_restarts": (checks.check_restarts, WRONG_FUNCTIONS + [
        lambda ongoing, running: sorted(ongoing.values()),
        lambda ongoing, running: {w: t for w, t in ongoing.items() if w in running},
        lambda ongoing, running: {w: None for w in ongoing}]),
    "check_data_parallel": (checks.check_data_parallel, WRONG_FUNCTIONS + [
        lambda b, r, lr: (b * r, lr), lambda b, r, lr: (b // r, lr * r),
        lambda b, r, lr: (b * r, float("nan")), lambda b, r, lr: (True, lr)]),
}
CHECKERS = sorted(name for name, value in vars(checks).items()
                  if name.startswith("check_") and inspect.isfunction(value))


def test_every_checker_is_audited():
    missing = [name for name in CHECKERS if name not in CALLS]
    assert not missing, f"add wrong-answer cases for {missing} to CALLS in {__file__}"


@pytest.mark.parametrize("name", sorted(CALLS))
def test_wrong_answers_get_one_line_and_false(name, one_line):
    call, answers = CALLS[name]
    for answer in answers:
        assert call(answer) is False, (name, answer)
        line = one_line()
        assert not line.startswith("Correct"), (name, answer, line)


@pytest.mark.parametrize("name", sorted(CALLS))
def test_a_stub_is_not_written_yet(name, one_line):
    call, answers = CALLS[name]
    stubs = [_stub, None] if answers is WRONG_FUNCTIONS else [None, ...]
    for answer in stubs:
        assert call(answer) is False
        assert one_line().startswith("Not written yet"), (name, answer)


def test_a_partly_written_stub_names_what_is_missing(one_line):
    shapes = {"x_t": (10,), "W": (20, 10), "U": (20, 20), "b": (20,),
              "h_t": (20,), "V": (3, 20), "c": (3,), "y_t": None}
    assert checks.check_symbol_shapes(shapes, 10, 20, 3) is False
    assert one_line() == "y_t: not written yet (still None)."
    assert checks.check_stacked_param_counts([None, 4 * 13], 8, [4, 2]) is False
    assert "Layer 1: not written yet" in one_line()


def test_verbose_false_prints_nothing(capsys):
    assert checks.check_rnn_forward(_stub, verbose=False) is False
    assert checks.check_parameter_count(None, 2, 3, verbose=False) is False
    assert capsys.readouterr().out == ""


def test_calling_a_checker_wrongly_still_raises():
    with pytest.raises(ValueError, match="units must be a positive integer"):
        checks.check_parameter_count(10, features=2, units=-1)
    with pytest.raises(TypeError):
        checks.check_parameter_count(10)
