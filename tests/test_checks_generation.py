"""The checker of Part V: sampling with a temperature (Chapter 11)."""

from __future__ import annotations

import numpy as np

from rnn_course.checks import check_softmax_temperature
from rnn_course.language_model import softmax_with_temperature


def right(logits, temperature):
    z = logits / temperature
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def test_right_answers_pass(capsys):
    assert check_softmax_temperature(right)
    assert capsys.readouterr().out.startswith("Correct!")
    assert check_softmax_temperature(softmax_with_temperature, verbose=False)


def test_each_classic_slip_is_named(capsys):
    def times(logits, temperature):
        return right(logits * temperature, 1.0)

    def ignored(logits, temperature):
        return right(logits, 1.0)

    def no_shift(logits, temperature):
        e = np.exp(logits / temperature)
        return e / e.sum(axis=-1, keepdims=True)

    def whole_batch(logits, temperature):
        z = logits / temperature
        e = np.exp(z - z.max())
        return e / e.sum()

    for answer, words in ((times, "divide them"), (ignored, "temperature is not used"),
                          (no_shift, "subtract the largest"), (whole_batch, "last axis")):
        assert not check_softmax_temperature(answer)
        line = capsys.readouterr().out
        assert words in line and line.count("\n") == 1, (answer.__name__, line)


def test_stub_is_not_written_yet(capsys):
    def stub(logits, temperature):
        raise NotImplementedError

    assert not check_softmax_temperature(stub)
    assert capsys.readouterr().out.startswith("Not written yet")
    assert not check_softmax_temperature(None)
