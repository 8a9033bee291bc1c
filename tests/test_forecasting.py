"""Tests of rnn_course.forecasting, the forecaster builder and the seasonal-naive checker."""

from __future__ import annotations

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest

from rnn_course.checks import check_seasonal_naive
from rnn_course.forecasting import (
    WindowSpec,
    fit_normalisation,
    make_windows,
    naive_mae,
    normalise,
    plot_forecasts,
    split_in_time,
    time_features,
    window_ends,
)
from rnn_course.models import FORECASTERS, build_forecaster


def _record(rows=400, features=3, seed=0):
    rng = np.random.default_rng(seed)
    values = rng.normal(size=(rows, features)).astype(np.float32)
    temperature = np.cumsum(rng.normal(size=rows))
    return values, temperature


# --- Splits and normalisation --------------------------------------------------


def test_split_in_time_is_ordered_and_covers_every_row():
    (a0, a1), (b0, b1), (c0, c1) = split_in_time(1000)
    assert (a0, a1, b0, b1, c0, c1) == (0, 500, 500, 750, 750, 1000)
    assert split_in_time(10, train=0.6, validation=0.2) == ((0, 6), (6, 8), (8, 10))


@pytest.mark.parametrize("kwargs, error", [
    (dict(n_rows=2), ValueError), (dict(n_rows=10.0), TypeError),
    (dict(n_rows=10, train=0.8, validation=0.2), ValueError),
    (dict(n_rows=10, train=0), ValueError), (dict(n_rows=10, validation="a"), TypeError),
    (dict(n_rows=4, train=0.1, validation=0.1), ValueError),
])
def test_split_in_time_refuses_bad_input(kwargs, error):
    with pytest.raises(error):
        split_in_time(**kwargs)


def test_normalisation_reads_only_the_training_rows():
    values = np.concatenate([np.ones((10, 2)), np.full((10, 2), 1000.0)])
    values[:10, 0] += np.arange(10)
    mean, std = fit_normalisation(values, train_end=10)
    np.testing.assert_allclose(mean, [5.5, 1.0])
    assert std[1] == 1.0  # a constant column is not divided by zero
    out = normalise(values, mean, std)
    assert out.dtype == np.float32 and out.shape == values.shape
    np.testing.assert_allclose(out[:10].mean(axis=0), 0, atol=1e-6)
    # The future's values do not move the statistics.
    later = values.copy()
    later[10:] = -5e6
    np.testing.assert_array_equal(fit_normalisation(later, 10)[0], mean)


def test_normalisation_refuses_bad_input():
    values = np.ones((5, 2))
    with pytest.raises(ValueError, match="train_end"):
        fit_normalisation(values, train_end=6)
    with pytest.raises(ValueError, match="train_end"):
        fit_normalisation(values, train_end=1)
    with pytest.raises(ValueError, match="values"):
        fit_normalisation(np.ones(5), train_end=2)
    with pytest.raises(ValueError, match="NaN"):
        fit_normalisation(np.full((5, 2), np.nan), train_end=2)
    with pytest.raises(ValueError, match="mean"):
        normalise(values, np.zeros(3), np.ones(2))
    with pytest.raises(ValueError, match="std"):
        normalise(values, np.zeros(2), np.zeros(2))


def test_time_features_are_circles_of_day_and_year():
    times = np.array(["2020-01-01T00:00", "2020-01-01T06:00", "2020-01-01T12:00",
                      "2020-07-01T12:00"], dtype="datetime64[m]")
    f = time_features(times)
    assert f.shape == (4, 4) and f.dtype == np.float32
    np.testing.assert_allclose(f[:3, :2], [[0, 1], [1, 0], [0, -1]], atol=1e-6)
    np.testing.assert_allclose(np.hypot(f[:, 2], f[:, 3]), 1, atol=1e-6)
    # Half a year apart: opposite points of the year circle.
    assert np.dot(f[2, 2:], f[3, 2:]) < -0.99
    with pytest.raises(TypeError, match="times"):
        time_features(np.arange(3))
    with pytest.raises(ValueError, match="times"):
        time_features(np.array([], dtype="datetime64[s]"))
    with pytest.raises(ValueError, match="NaT"):
        time_features(np.array(["NaT"], dtype="datetime64[s]"))


# --- Windows ---------------------------------------------------------------------


def test_window_spec_span_and_validation():
    spec = WindowSpec(sequence_length=4, sampling_rate=3, horizon=5, stride=2)
    assert spec.span == 3 * 3 + 5 + 1
    for bad in (dict(sequence_length=0), dict(sequence_length=2, stride=1.5),
                dict(sequence_length=2, horizon=True)):
        with pytest.raises((TypeError, ValueError)):
            WindowSpec(**bad)


def test_window_ends_stay_inside_the_part():
    spec = WindowSpec(sequence_length=4, sampling_rate=3, horizon=5, stride=2)
    ends = window_ends(100, 140, spec)
    assert ends[0] == 100 + 9 and np.all(np.diff(ends) == 2)
    assert ends[-1] + spec.horizon <= 139 and ends[-1] + 2 + spec.horizon > 139
    assert window_ends(0, spec.span - 1, spec).size == 0
    with pytest.raises(TypeError, match="spec"):
        window_ends(0, 10, (4, 3, 5, 2))
    with pytest.raises(ValueError, match="start and end"):
        window_ends(10, 10, spec)


def test_make_windows_pairs_each_window_with_the_change_ahead():
    values, temperature = _record()
    spec = WindowSpec(sequence_length=5, sampling_rate=2, horizon=7, stride=3)
    start, end = 50, 200
    ds = make_windows(values, temperature, start, end, spec, batch_size=1000)
    x, y = (np.asarray(a) for a in next(iter(ds)))
    ends = window_ends(start, end, spec)
    assert x.shape == (len(ends), 5, 3) and y.shape == (len(ends),)
    for i, e in enumerate(ends):
        np.testing.assert_array_equal(x[i], values[e - 8:e + 1:2])
        assert y[i] == pytest.approx(temperature[e + 7] - temperature[e], abs=1e-5)
    # The naive forecast's error is the mean size of those changes.
    assert naive_mae(temperature, start, end, spec) == pytest.approx(np.abs(y).mean(), rel=1e-5)
    # Shuffled: the same windows in another order.
    shuffled = make_windows(values, temperature, start, end, spec, batch_size=1000,
                            shuffle=True, seed=1)
    ys = np.asarray(next(iter(shuffled))[1])
    np.testing.assert_allclose(np.sort(ys), np.sort(y))
    assert not np.array_equal(ys, y)


def test_make_windows_and_naive_mae_refuse_bad_input():
    values, temperature = _record()
    spec = WindowSpec(sequence_length=5, sampling_rate=2, horizon=7)
    with pytest.raises(ValueError, match="temperature"):
        make_windows(values, temperature[:-1], 0, 100, spec)
    with pytest.raises(ValueError, match="no window"):
        make_windows(values, temperature, 0, 10, spec)
    with pytest.raises(ValueError, match="start and end"):
        make_windows(values, temperature, 0, 401, spec)
    with pytest.raises(TypeError, match="batch_size"):
        make_windows(values, temperature, 0, 100, spec, batch_size=2.0)
    with pytest.raises(ValueError, match="NaN"):
        naive_mae(np.full(100, np.nan), 0, 100, spec)
    with pytest.raises(ValueError, match="no window"):
        naive_mae(temperature, 0, 12, spec)


def test_plot_forecasts_draws_truth_and_each_forecast():
    times = np.arange("2020-01-01", "2020-01-03", dtype="datetime64[h]")
    truth = np.sin(np.arange(len(times)) / 4)
    fig = plot_forecasts(times, truth, {"naive": truth + 1, "GRU": truth + 0.5})
    labels = [line.get_label() for line in fig.axes[0].lines]
    assert labels == ["truth", "naive", "GRU"]
    plt.close(fig)
    with pytest.raises(TypeError, match="forecasts"):
        plot_forecasts(times, truth, {})
    with pytest.raises(ValueError, match="GRU"):
        plot_forecasts(times, truth, {"GRU": truth[:-1]})
    with pytest.raises(TypeError, match="times"):
        plot_forecasts(np.arange(3), truth[:3], {"a": truth[:3]})


# --- The forecasters ---------------------------------------------------------------


@pytest.mark.parametrize("kind", FORECASTERS)
def test_every_forecaster_starts_as_the_naive_forecast(kind):
    model = build_forecaster(kind, sequence_length=6, features=3, units=4)
    x = np.random.default_rng(0).normal(size=(5, 6, 3)).astype("float32")
    assert model.output_shape == (None, 1)
    np.testing.assert_array_equal(model.predict(x, verbose=0), np.zeros((5, 1)))
    assert model.compiled


def test_forecasters_read_the_window_as_named():
    reversed_gru = build_forecaster("reversed_gru", 6, 3, units=4).get_layer("gru")
    assert reversed_gru.go_backwards
    assert not build_forecaster("gru", 6, 3, units=4).get_layer("gru").go_backwards
    bi = build_forecaster("bidirectional_gru", 6, 3, units=4).get_layer("bidirectional_gru")
    assert isinstance(bi, keras.layers.Bidirectional)
    dropped = build_forecaster("gru", 6, 3, recurrent_dropout=0.25).get_layer("gru")
    assert dropped.cell.recurrent_dropout == 0.25


def test_a_gru_forecaster_learns_a_mean_reverting_change():
    # The change ahead is minus half the last value: the naive forecast's
    # error is the mean of |x_last| / 2, and a GRU learns to do better.
    rng = np.random.default_rng(0)
    x = rng.normal(size=(512, 6, 1)).astype("float32")
    y = -0.5 * x[:, -1, 0]
    keras.utils.set_random_seed(0)
    model = build_forecaster("gru", 6, 1, units=8, learning_rate=1e-2)
    model.fit(x, y, epochs=15, batch_size=64, verbose=0)
    mae = model.evaluate(x, y, verbose=0)[1]
    assert mae < 0.5 * np.abs(y).mean()


def test_build_forecaster_refuses_bad_input():
    with pytest.raises(ValueError, match="kind"):
        build_forecaster("lstm")
    with pytest.raises(ValueError, match="recurrent_dropout"):
        build_forecaster("dense", recurrent_dropout=0.2)
    with pytest.raises(ValueError, match="recurrent_dropout"):
        build_forecaster("gru", recurrent_dropout=1.0)
    with pytest.raises(TypeError, match="units"):
        build_forecaster("gru", units=2.5)


# --- The checker ------------------------------------------------------------------------


def test_check_seasonal_naive_accepts_the_answer_and_names_the_slips(capsys):
    def right(temperature, ends, horizon, period):
        return temperature[np.asarray(ends) + horizon - period]

    assert check_seasonal_naive(right)
    assert "Correct" in capsys.readouterr().out
    slips = {
        "persistence": lambda t, e, h, p: t[e],
        "future": lambda t, e, h, p: t[e + h],
        "one off": lambda t, e, h, p: t[e + h - p - 1],
    }
    for word, slip in slips.items():
        assert not check_seasonal_naive(slip)
        assert word in capsys.readouterr().out, word
    assert not check_seasonal_naive(lambda t, e, h, p: t[e][:-1])
    assert "Expected shape" in capsys.readouterr().out
