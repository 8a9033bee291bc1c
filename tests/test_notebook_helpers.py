"""glue works with and without MyST-NB; set_seed makes runs repeatable."""

from __future__ import annotations

import sys
import types

import numpy as np
import pytest

from rnn_course.notebook import glue, set_seed


def test_glue_without_myst_nb_is_silent(monkeypatch, capsys):
    # As on Colab: importing myst_nb fails.
    monkeypatch.setitem(sys.modules, "myst_nb", None)
    assert glue("answer", 42) is None
    assert capsys.readouterr().out == ""


def test_glue_hands_the_value_to_myst_nb_hidden(monkeypatch, capsys):
    calls = []
    fake = types.ModuleType("myst_nb")
    fake.glue = lambda name, value, display=True: calls.append((name, value, display))
    monkeypatch.setitem(sys.modules, "myst_nb", fake)
    assert glue("speedup", 12.5) is None
    assert calls == [("speedup", 12.5, False)]
    assert capsys.readouterr().out == ""


def test_glue_turns_numpy_scalars_into_python_numbers(monkeypatch):
    calls = []
    fake = types.ModuleType("myst_nb")
    fake.glue = lambda name, value, display=True: calls.append(value)
    monkeypatch.setitem(sys.modules, "myst_nb", fake)
    glue("ratio", np.float64(0.25))
    glue("count", np.int64(3))
    assert calls == [0.25, 3]
    assert [type(v) for v in calls] == [float, int]


@pytest.mark.parametrize("bad", ["", "  ", None, 3])
def test_glue_rejects_bad_names(bad):
    with pytest.raises(ValueError, match="glue name"):
        glue(bad, 1)


def test_set_seed_repeats_numpy_and_keras_draws():
    import keras

    def draw():
        set_seed(7)
        layer = keras.layers.Dense(3)
        layer.build((None, 4))
        return np.random.rand(3), layer.get_weights()[0]

    first, second = draw(), draw()
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])


def test_set_seed_changes_with_the_seed():
    set_seed(1)
    a = np.random.rand(4)
    set_seed(2)
    assert not np.array_equal(a, np.random.rand(4))


@pytest.mark.parametrize("bad", ["42", 4.2, True, None])
def test_set_seed_rejects_non_integers(bad):
    with pytest.raises(TypeError, match="integer"):
        set_seed(bad)
