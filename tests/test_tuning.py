"""Tests of rnn_course.tuning (Chapter 10) and its checker."""

from __future__ import annotations

import shutil
import tempfile

import keras
import keras_tuner as kt
import matplotlib.pyplot as plt
import numpy as np
import pytest
from keras_tuner.src.tuners.hyperband import HyperbandOracle

from rnn_course.checks import check_hyperband_epochs
from rnn_course.tuning import (
    BracketRound,
    EpochCounter,
    TextClassifierHyperModel,
    hyperband_schedule,
    observed_schedule,
    plot_search_scores,
    schedule_table,
    schedule_total_epochs,
    search_cost,
    trial_rows,
    trials_table,
)


def test_hypermodel_builds_compiled_model_for_sampled_values():
    hypermodel = TextClassifierHyperModel(num_words=50, maxlen=12, embedding_dim=4,
                                          units=(3, 5))
    hp = kt.HyperParameters()
    hp.Fixed("cell", "gru")
    hp.Fixed("units", 5)
    model = hypermodel.build(hp)
    assert model.compiled
    assert model.get_layer("gru").units == 5
    assert model.output_shape == (None, 1)
    # Every tuned hyperparameter is declared, the batch size by fit.
    assert {"cell", "units", "dropout", "learning_rate"} <= set(hp.values)
    assert 1e-4 <= hp.values["learning_rate"] <= 1e-2
    x = np.random.default_rng(0).integers(1, 50, (8, 12))
    history = hypermodel.fit(hp, model, x, np.zeros(8), epochs=1, verbose=0)
    assert hp.values["batch_size"] == 32 and len(history.history["loss"]) == 1


@pytest.mark.parametrize("bad, message", [
    ({"cells": ["lstm", "rnn"]}, "cells"),
    ({"units": []}, "units"),
    ({"units": (16, 0)}, "units"),
    ({"learning_rates": (1e-2, 1e-4)}, "learning_rates"),
    ({"max_dropout": 1.0}, "max_dropout"),
    ({"batch_sizes": (32, 32)}, "batch_sizes"),
    ({"num_words": 0}, "num_words"),
])
def test_hypermodel_rejects_bad_settings(bad, message):
    with pytest.raises(ValueError, match=message) as info:
        TextClassifierHyperModel(**bad)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("max_epochs, factor", [(2, 2), (4, 2), (9, 3), (27, 3), (10, 3),
                                                (1, 3), (81, 4)])
def test_schedule_equals_keras_tuner_oracle(max_epochs, factor):
    oracle = HyperbandOracle(objective="val_accuracy", max_epochs=max_epochs, factor=factor)
    expected = []
    for s in range(oracle._get_num_brackets() - 1, -1, -1):
        for i in range(s + 1):
            start = 0 if i == 0 else oracle._get_epochs(s, i - 1)
            expected.append(BracketRound(s, i, oracle._get_size(s, i),
                                         oracle._get_epochs(s, i), start))
    assert hyperband_schedule(max_epochs, factor) == expected


def test_schedule_of_the_paper_example():
    # R = 9, f = 3: brackets (9,1)(3,3)(1,9) | (5,3)(2,9) | (3,9), 75 epochs.
    schedule = hyperband_schedule(9, 3)
    assert [(r.models, r.epochs) for r in schedule] == [
        (9, 1), (3, 3), (1, 9), (5, 3), (2, 9), (3, 9)]
    assert schedule_total_epochs(schedule) == 75
    table = schedule_table(schedule)
    assert table.count("\n") == len(schedule) + 2 and "75" in table.splitlines()[-1]


@pytest.mark.parametrize("args", [(0, 3), (9, 1), (9.0, 3), (True, 3)])
def test_schedule_rejects_bad_settings(args):
    with pytest.raises((ValueError, TypeError)) as info:
        hyperband_schedule(*args)
    assert "\n" not in str(info.value)


@pytest.fixture(scope="module")
def tiny_search():
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.integers(1, 30, (40, 6))
    y = (x[:, -1] > 15).astype("int64")
    directory = tempfile.mkdtemp(prefix="test-tuning-")
    tuner = kt.Hyperband(
        TextClassifierHyperModel(num_words=30, maxlen=6, embedding_dim=4, units=(2, 3),
                                 batch_sizes=(16,)),
        objective="val_accuracy", max_epochs=2, factor=2, seed=1,
        directory=directory, overwrite=True,
    )
    counter = EpochCounter()
    tuner.search(x[:30], y[:30], validation_data=(x[30:], y[30:]), callbacks=[counter],
                 verbose=0)
    yield tuner, counter
    shutil.rmtree(directory, ignore_errors=True)


def test_tiny_search_table_has_one_row_per_trial(tiny_search):
    tuner, counter = tiny_search
    trials = list(tuner.oracle.trials.values())
    rows = trial_rows(tuner, counter)
    assert len(rows) == len(trials) == 5
    assert [r["score"] for r in rows] == [t.score for t in trials]
    assert [r["id"] for r in rows] == [t.trial_id for t in trials]
    assert all(r["cell"] in ("simple_rnn", "lstm", "gru") for r in rows)
    # Epochs counted: 2 + 1 (round 0 and 1 of bracket 1), then 2 + 2 (bracket 0).
    assert [r["epochs run"] for r in rows] == [1, 1, 1, 2, 2]
    assert counter.total == 7 == search_cost(tuner, counter)["epochs"]
    # The round-1 trial continues the better of the two round-0 trials.
    assert rows[2]["continues"] in (1, 2)
    better = max(rows[:2], key=lambda r: r["score"])
    assert rows[2]["continues"] == better["trial"]
    table = trials_table(tuner, counter)
    assert len(table.splitlines()) == 2 + len(rows)
    best_id = tuner.oracle.get_best_trials(1)[0].trial_id
    best_row = next(r for r in rows if r["id"] == best_id)
    assert f" {best_row['trial']}* |" in table and table.count("*") == 1


def test_tiny_search_ran_the_computed_schedule(tiny_search):
    tuner, _ = tiny_search
    assert observed_schedule(tuner) == hyperband_schedule(2, 2)


def test_score_plot_has_a_point_per_trial(tiny_search):
    tuner, _ = tiny_search
    fig = plot_search_scores({"Hyperband": tuner})
    ax = fig.axes[0]
    points = ax.lines[0].get_ydata()
    assert len(points) == 5
    assert np.allclose(sorted(points), sorted(t.score for t in tuner.oracle.trials.values()))
    assert ax.lines[1].get_ydata()[-1] == pytest.approx(max(points))
    plt.close(fig)


def test_table_helpers_reject_bad_inputs(tiny_search):
    tuner, counter = tiny_search
    with pytest.raises(TypeError):
        trial_rows("tuner")
    with pytest.raises(ValueError, match="counter saw"):
        trial_rows(tuner, EpochCounter([1]))
    with pytest.raises(ValueError, match="digits"):
        trials_table(tuner, counter, digits=9)
    with pytest.raises(TypeError):
        plot_search_scores({})
    with pytest.raises(ValueError, match="no trials"):
        trial_rows(kt.RandomSearch(TextClassifierHyperModel(num_words=10), objective="val_loss",
                                   max_trials=1, directory=tempfile.mkdtemp(), overwrite=True))


def test_checker(capsys):
    assert check_hyperband_epochs(75, max_epochs=9, factor=3)
    assert "Correct" in capsys.readouterr().out
    assert not check_hyperband_epochs(9 + 9 + 9 + 15 + 18 + 27, max_epochs=9, factor=3)
    assert "continues from its weights" in capsys.readouterr().out
    assert not check_hyperband_epochs(23, max_epochs=9, factor=3)
    assert "number of trials" in capsys.readouterr().out
    assert not check_hyperband_epochs(74, max_epochs=9, factor=3)
    assert not check_hyperband_epochs("75", max_epochs=9, factor=3)
    assert not check_hyperband_epochs(75.5, max_epochs=9, factor=3)
    capsys.readouterr()
    assert check_hyperband_epochs(7, max_epochs=2, factor=2, verbose=False)
    assert capsys.readouterr().out == ""
    with pytest.raises(ValueError):
        check_hyperband_epochs(7, max_epochs=0, factor=2)
