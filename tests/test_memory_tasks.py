"""The memory test of Chapter 8b: the task, the sweep, the rule and the ordering."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rnn_course.memory_tasks import (
    MemorySweep,
    length_order,
    marked_recall,
    memory_lengths,
    memory_sweep,
    plot_memory_sweep,
)


def _one_line_error(error, function, *args, **kwargs):
    """``function(*args, **kwargs)`` raises ``error`` with one short line."""
    with pytest.raises(error) as info:
        function(*args, **kwargs)
    message = str(info.value)
    assert message and "\n" not in message and len(message) <= 240, message


def test_marked_recall_shapes_and_answers():
    x, y, lags = marked_recall(50, 12, n_symbols=3, mark_rate=0.2, seed=1)
    assert x.shape == (50, 12, 4) and x.dtype == np.float32
    assert y.shape == lags.shape == (50, 12)
    symbols, marks = x[..., :3].argmax(-1), x[..., 3] == 1
    assert np.all(x[..., :3].sum(-1) == 1) and np.all(marks[:, 0])
    for i in range(50):
        for t in range(12):
            last = max(s for s in range(t + 1) if marks[i, s])
            assert y[i, t] == symbols[i, last] and lags[i, t] == t - last


def test_marked_recall_puts_the_last_mark_k_steps_back():
    for k in (0, 3, 9):
        x, y, lags = marked_recall(40, 10, lag=k, seed=k)
        marks = x[..., -1] == 1
        assert np.all(marks[:, 9 - k]) and not marks[:, 10 - k:].any()
        assert np.all(lags[:, -1] == k)
        assert np.all(y[:, -1] == x[:, 9 - k, :-1].argmax(-1))


def test_marked_recall_is_seeded():
    a, b = marked_recall(5, 6, seed=3), marked_recall(5, 6, seed=3)
    assert all(np.array_equal(u, v) for u, v in zip(a, b))
    assert not np.array_equal(a[0], marked_recall(5, 6, seed=4)[0])


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"n_sequences": 0}, ValueError),
        ({"timesteps": 2.5}, TypeError),
        ({"n_symbols": 1}, ValueError),
        ({"mark_rate": 0.0}, ValueError),
        ({"mark_rate": "0.1"}, TypeError),
        ({"lag": 8}, ValueError),
        ({"lag": -1}, ValueError),
        ({"seed": -2}, ValueError),
    ],
)
def test_marked_recall_refuses_bad_input(kwargs, error):
    call = {"n_sequences": 4, "timesteps": 8, **kwargs}
    _one_line_error(error, marked_recall, **call)


def test_memory_lengths_rule():
    lags = (1, 2, 4, 8)
    accuracy = np.array([[0.9, 0.6, 0.3, 0.26],     # 0.30 - 0.045 > 0.25; 0.26 falls
                         [0.9, 0.9, 0.9, 0.9],      # never falls
                         [0.25, 0.9, 0.9, 0.9]])    # falls at once
    assert memory_lengths(accuracy, lags, 400, 0.25) == [8.0, math.inf, 1.0]
    # Fewer test sequences, wider intervals: the fall comes sooner.
    assert memory_lengths(accuracy[0], lags, 30, 0.25) == [4.0]


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"accuracy": np.zeros((2, 3))}, ValueError),
        ({"accuracy": [[np.nan] * 4]}, ValueError),
        ({"accuracy": "high"}, TypeError),
        ({"lags": (1, 1, 2, 3)}, ValueError),
        ({"lags": "1248"}, TypeError),
        ({"n_per_lag": 0}, ValueError),
        ({"chance": 1.0}, ValueError),
    ],
)
def test_memory_lengths_refuses_bad_input(kwargs, error):
    call = {"accuracy": np.full(4, 0.5), "lags": (1, 2, 4, 8), "n_per_lag": 10,
            "chance": 0.25, **kwargs}
    _one_line_error(error, memory_lengths, **call)


def test_length_order_needs_ranges_apart():
    assert length_order([4, 8], [16, math.inf])
    assert not length_order([4, 16], [16, math.inf])   # touching is not apart
    assert not length_order([math.inf], [math.inf])
    assert not length_order([16, 32], [4, 8])


@pytest.mark.parametrize("bad", [[], "48", None, [np.nan], [-1], [[1, 2]]])
def test_length_order_refuses_bad_input(bad):
    error = TypeError if bad in ([], "48", None) else ValueError
    _one_line_error(error, length_order, bad, [1])
    _one_line_error(error, length_order, [1], bad)


def test_memory_sweep_trains_and_measures_every_cell_and_seed():
    sweep = memory_sweep(("simple_rnn", "gru"), seeds=(0, 1), lags=(1, 5), timesteps=8,
                         n_train=32, epochs=1, batch_size=16, units=4, n_per_lag=20)
    assert isinstance(sweep, MemorySweep)
    assert sweep.accuracy.shape == (2, 2, 2) and sweep.seconds.shape == (2, 2)
    assert np.all((sweep.accuracy >= 0) & (sweep.accuracy <= 1))
    assert sweep.chance == 0.25 and sweep.lags == (1, 5)
    fig = plot_memory_sweep(sweep, labels=["SimpleRNN", "GRU"])
    assert len(fig.axes[0].get_legend().get_texts()) == 3  # two cells and chance


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"cells": ("rnn",)}, ValueError),
        ({"cells": "lstm"}, TypeError),
        ({"seeds": ()}, TypeError),
        ({"seeds": (-1,)}, ValueError),
        ({"lags": (1, 8)}, ValueError),      # not below timesteps
        ({"lags": (4, 2)}, ValueError),
        ({"units": 0}, ValueError),
        ({"learning_rate": -1.0}, ValueError),
        ({"n_symbols": 1}, ValueError),
    ],
)
def test_memory_sweep_refuses_bad_input_before_training(kwargs, error):
    call = {"cells": ("lstm",), "seeds": (0,), "lags": (1, 2), "timesteps": 8,
            "n_train": 8, "epochs": 1, **kwargs}
    _one_line_error(error, memory_sweep, **call)


def test_plot_memory_sweep_refuses_bad_input():
    sweep = MemorySweep(cells=("lstm",), seeds=(0,), lags=(1,), accuracy=np.ones((1, 1, 1)),
                        n_per_lag=1, chance=0.25, seconds=np.ones((1, 1)))
    _one_line_error(TypeError, plot_memory_sweep, "sweep")
    _one_line_error(ValueError, plot_memory_sweep, sweep, labels=["a", "b"])


def test_build_recall_model_answers_at_every_step():
    from rnn_course.models import build_recall_model

    model = build_recall_model("lstm", units=3, n_symbols=5)
    x, _, _ = marked_recall(2, 7, n_symbols=5)
    assert model.predict(x, verbose=0).shape == (2, 7, 5)
    assert model.layers[1].count_params() == 4 * 3 * (6 + 3 + 1)
