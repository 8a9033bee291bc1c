"""Tests of rnn_course.plotting: training curves, state histograms, curve plots."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from rnn_course.plotting import (
    OKABE_ITO,
    OKABE_ITO_BY_NAME,
    plot_curves,
    plot_history,
    plot_state_histograms,
)
from tests.helpers import require


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


HISTORY_ACC = {
    "acc": [0.6, 0.7, 0.8],
    "loss": [0.9, 0.6, 0.4],
    "val_acc": [0.55, 0.65, 0.7],
    "val_loss": [1.0, 0.8, 0.7],
}
HISTORY_ACCURACY = {
    "accuracy": [0.5, 0.75],
    "loss": [0.8, 0.5],
    "val_accuracy": [0.45, 0.6],
    "val_loss": [0.9, 0.7],
}


def lines_by_label(ax):
    return {line.get_label(): line for line in ax.get_lines()}


def check_two_panels(fig, history, metric_key, metric_label):
    assert isinstance(fig, Figure)
    axes = fig.get_axes()
    assert len(axes) == 2
    ax_metric, ax_loss = axes
    assert ax_metric.get_xlabel() == "epoch" and ax_loss.get_xlabel() == "epoch"
    assert ax_metric.get_ylabel() == metric_label
    assert ax_loss.get_ylabel() == "loss"
    for ax, key in ((ax_metric, metric_key), (ax_loss, "loss")):
        lines = lines_by_label(ax)
        assert set(lines) == {"training", "validation"}
        np.testing.assert_allclose(lines["training"].get_ydata(), history[key])
        np.testing.assert_allclose(lines["validation"].get_ydata(), history[f"val_{key}"])
        np.testing.assert_array_equal(
            lines["training"].get_xdata(), np.arange(1, len(history[key]) + 1)
        )
        assert ax.get_legend() is not None
        colours = {to_hex(line.get_color()).upper() for line in lines.values()}
        assert colours <= {c.upper() for c in OKABE_ITO}
        assert len(colours) == 2
    assert "validation" in fig._suptitle.get_text()


def test_history_with_acc_keys():
    fig = plot_history(HISTORY_ACC)
    check_two_panels(fig, HISTORY_ACC, "acc", "accuracy")


def test_history_with_accuracy_keys_and_acc_metric():
    fig = plot_history(HISTORY_ACCURACY, metric="acc")
    check_two_panels(fig, HISTORY_ACCURACY, "accuracy", "acc")


def test_history_object():
    keras = require("keras")
    history = keras.callbacks.History()
    history.history = dict(HISTORY_ACCURACY)
    fig = plot_history(history)
    check_two_panels(fig, HISTORY_ACCURACY, "accuracy", "accuracy")


def test_history_from_fit():
    keras = require("keras")
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((32, 3)), rng.integers(0, 2, 32)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=2, validation_split=0.25, verbose=0)
    fig = plot_history(history)
    check_two_panels(fig, history.history, "accuracy", "accuracy")


def test_history_other_metric():
    history = {
        "mae": [3.0, 2.0],
        "loss": [9.0, 4.0],
        "val_mae": [3.5, 2.5],
        "val_loss": [10.0, 6.0],
    }
    fig = plot_history(history, metric="mae")
    check_two_panels(fig, history, "mae", "mae")


def test_history_without_validation():
    history = {"acc": [0.5, 0.6, 0.7], "loss": [1.0, 0.8, 0.7]}
    fig = plot_history(history)
    for ax in fig.get_axes():
        assert list(lines_by_label(ax)) == ["training"]
    assert "validation" not in fig._suptitle.get_text().lower()


def test_history_returns_without_showing(monkeypatch):
    monkeypatch.setattr(plt, "show", lambda *a, **k: pytest.fail("plot_history called plt.show"))
    plot_history(HISTORY_ACC)


@pytest.mark.parametrize(
    "history, metric, error, fragment",
    [
        ([0.1, 0.2], "accuracy", TypeError, "History"),
        (None, "accuracy", TypeError, "NoneType"),
        ({"loss": [1.0]}, "accuracy", ValueError, "no 'accuracy' values"),
        ({"acc": [0.5]}, "accuracy", ValueError, "no 'loss' values"),
        ({"acc": [], "loss": []}, "accuracy", ValueError, "empty"),
        ({"acc": ["a"], "loss": [1.0]}, "accuracy", TypeError, "one number per epoch"),
        ({"acc": "high", "loss": [1.0]}, "accuracy", TypeError, "list of numbers"),
        ({"acc": [0.5], "loss": [1.0], "val_acc": []}, "accuracy", ValueError, "'val_acc'"),
        (HISTORY_ACC, "mae", ValueError, "'mae'"),
        (HISTORY_ACC, "loss", ValueError, "loss"),
        (HISTORY_ACC, 3, TypeError, "metric"),
    ],
)
def test_history_bad_input(history, metric, error, fragment):
    before = plt.get_fignums()
    with pytest.raises(error) as info:
        plot_history(history, metric=metric)
    message = str(info.value)
    assert "\n" not in message
    assert fragment in message, message
    assert plt.get_fignums() == before  # no half-drawn figure left open


def test_missing_metric_lists_available_keys():
    with pytest.raises(ValueError, match="'loss', 'val_loss'"):
        plot_history({"loss": [1.0], "val_loss": [1.2]})


def test_okabe_ito_palette():
    assert len(OKABE_ITO) == len(set(OKABE_ITO)) == 8
    assert OKABE_ITO_BY_NAME["vermillion"] == "#D55E00"
    assert set(OKABE_ITO_BY_NAME.values()) == set(OKABE_ITO)


# ------------------------------------------------------ plot_state_histograms


def test_state_histograms():
    rng = np.random.default_rng(0)
    saturated = np.ones((10, 4))
    spread = rng.uniform(-0.9, 0.9, size=(50, 4))
    fig = plot_state_histograms({"uniform": saturated, "scaled": spread})
    axes = fig.get_axes()
    assert len(axes) == 2
    assert "uniform" in axes[0].get_title() and "100%" in axes[0].get_title()
    assert "scaled" in axes[1].get_title() and "\n0%" in axes[1].get_title()
    for ax in axes:
        assert ax.get_xlabel() == "hidden-state value h"
        (bars,) = ax.containers  # the histogram's bars
        assert sum(bar.get_height() for bar in bars) == pytest.approx(100.0)  # percentages
        assert ax.get_ylabel() == "% of values"
        dashed = sorted(
            line.get_xdata()[0] for line in ax.get_lines() if line.get_linestyle() == "--"
        )
        assert dashed == pytest.approx([-0.99, 0.99])  # the saturation threshold


@pytest.mark.parametrize(
    "states, threshold, error",
    [
        ([np.zeros(3)], 0.99, TypeError),
        ({}, 0.99, ValueError),
        ({"a": np.zeros(0)}, 0.99, ValueError),
        ({"a": np.array([np.nan])}, 0.99, ValueError),
        ({"a": np.array(["x"])}, 0.99, TypeError),
        ({"a": np.zeros(3)}, 1.5, ValueError),
    ],
)
def test_state_histograms_bad_input(states, threshold, error):
    with pytest.raises(error) as info:
        plot_state_histograms(states, threshold=threshold)
    assert "\n" not in str(info.value)
    assert plt.get_fignums() == []


# ---------------------------------------------------------------- plot_curves


def test_curves():
    fig = plot_curves(
        {"r = 0.5": 0.5 ** np.arange(10), "r = 1": np.ones(10)},
        xlabel="time step t",
        ylabel="norm",
        title="Norms",
        logy=True,
    )
    (ax,) = fig.get_axes()
    assert ax.get_xlabel() == "time step t" and ax.get_ylabel() == "norm"
    assert ax.get_title() == "Norms" and ax.get_yscale() == "log"
    lines = lines_by_label(ax)
    assert set(lines) == {"r = 0.5", "r = 1"}
    np.testing.assert_array_equal(lines["r = 1"].get_xdata(), np.arange(1, 11))
    assert lines["r = 0.5"].get_linestyle() != lines["r = 1"].get_linestyle()


@pytest.mark.parametrize(
    "curves, logy, error",
    [
        ([1, 2], False, TypeError),
        ({}, False, ValueError),
        ({"a": np.zeros((2, 2))}, False, ValueError),
        ({"a": [1.0, np.inf]}, False, ValueError),
        ({"a": [1.0, 0.0]}, True, ValueError),
        ({"a": ["x"]}, False, TypeError),
    ],
)
def test_curves_bad_input(curves, logy, error):
    with pytest.raises(error) as info:
        plot_curves(curves, xlabel="x", ylabel="y", title="t", logy=logy)
    assert "\n" not in str(info.value)
    assert plt.get_fignums() == []
