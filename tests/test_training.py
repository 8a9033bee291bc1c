"""rnn_course.training (training under one budget, tables, curves) and the
Chapter 8 checker."""

from __future__ import annotations

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest

from rnn_course.checks import check_text_classifier_params
from rnn_course.models import build_text_classifier
from rnn_course.notebook import set_seed
from rnn_course.training import (
    TABLE_COLUMNS,
    EpochTimer,
    TrainingRecord,
    plot_validation_curves,
    results_rows,
    results_table,
    train_and_evaluate,
)

NUM_WORDS, MAXLEN = 30, 10


def tiny_data(n=40, seed=0, labels=None):
    rng = np.random.default_rng(seed)
    x = rng.integers(1, NUM_WORDS, size=(n, MAXLEN)).astype("int32")
    y = rng.integers(0, 2, size=n) if labels is None else np.full(n, labels)
    return x, y.astype("int32")


def tiny_model(cell="simple_rnn", **kwargs):
    set_seed(0)
    return build_text_classifier(cell, num_words=NUM_WORDS, embedding_dim=4, units=3,
                                  maxlen=MAXLEN, **kwargs)


def make_record(name="lstm", params=1234, val=(0.5, 0.75), test=0.8571, seconds=(3.0, 12.34)):
    history = {"loss": [0.7] * len(val), "accuracy": [0.5] * len(val),
               "val_loss": [0.6] * len(val), "val_accuracy": list(val)}
    best = int(np.argmax(val))
    return TrainingRecord(name=name, params=params, epochs=len(val), best_epoch=best + 1,
                          best_val_accuracy=val[best], test_accuracy=test, test_loss=0.4,
                          seconds_per_epoch=seconds[-1], epoch_seconds=tuple(seconds),
                          history=history)


# ---------------------------------------------------------------- training


def test_record_has_every_field_with_the_right_type():
    x, y = tiny_data()
    x_test, y_test = tiny_data(20, seed=1)
    model = tiny_model()
    record = train_and_evaluate(model, x, y, x_test, y_test, name="tiny", epochs=1,
                                batch_size=16)
    assert isinstance(record, TrainingRecord)
    assert record.name == "tiny"
    assert isinstance(record.params, int) and record.params == model.count_params()
    assert record.epochs == 1 and record.best_epoch == 1
    for value in (record.best_val_accuracy, record.test_accuracy):
        assert isinstance(value, float) and 0.0 <= value <= 1.0
    assert isinstance(record.test_loss, float) and record.test_loss > 0
    assert isinstance(record.seconds_per_epoch, float) and record.seconds_per_epoch > 0
    assert len(record.epoch_seconds) == 1
    assert record.seconds_per_epoch == record.epoch_seconds[0]
    assert {"loss", "accuracy", "val_loss", "val_accuracy"} <= set(record.history)
    assert record.best_val_accuracy == max(record.history["val_accuracy"])
    # The test accuracy is the one of the model as train_and_evaluate left it.
    _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    assert record.test_accuracy == pytest.approx(accuracy)
    assert record.as_dict()["params"] == record.params


def test_seconds_per_epoch_leaves_out_the_first_epoch():
    x, y = tiny_data()
    record = train_and_evaluate(tiny_model(), x, y, x, y, epochs=3, patience=3,
                                batch_size=20)
    assert record.epochs == 3 and len(record.epoch_seconds) == 3
    assert all(s > 0 for s in record.epoch_seconds)
    assert record.seconds_per_epoch == pytest.approx(np.median(record.epoch_seconds[1:]))
    assert record.name == "simple_rnn_classifier"  # model.name by default


class _ZeroWeightsAtEpochEnd(keras.callbacks.Callback):
    """Wipes the weights after every epoch, after EarlyStopping saved them."""

    def on_epoch_end(self, epoch, logs=None):
        self.model.set_weights([np.zeros_like(w) for w in self.model.get_weights()])


def test_best_weights_are_restored_before_the_test():
    # Every label is 1: the trained model predicts > 0.5 (accuracy 1), the
    # wiped one exactly 0.5, counted as 0 (accuracy 0).
    x, y = tiny_data(labels=1)
    model = tiny_model(learning_rate=0.05)
    record = train_and_evaluate(model, x, y, x, y, epochs=2, batch_size=8,
                                callbacks=[_ZeroWeightsAtEpochEnd()])
    assert record.best_epoch == 1
    assert record.test_accuracy == 1.0
    assert any(np.any(w != 0) for w in model.get_weights())


def test_validation_data_replaces_the_split():
    x, y = tiny_data()
    x_val, y_val = tiny_data(8, seed=2)
    record = train_and_evaluate(tiny_model("gru"), x, y, x, y, epochs=1,
                                validation_data=(x_val, y_val))
    # 8 validation samples: the accuracy is a multiple of 1/8.
    assert (record.best_val_accuracy * 8) == pytest.approx(round(record.best_val_accuracy * 8))


def test_epoch_timer_records_one_time_per_epoch():
    x, y = tiny_data()
    timer = EpochTimer()
    tiny_model().fit(x, y, epochs=2, verbose=0, callbacks=[timer])
    assert len(timer.epoch_seconds) == 2 and min(timer.epoch_seconds) > 0


@pytest.mark.parametrize("change, error, match", [
    ({"model": "lstm"}, TypeError, "model must be a keras.Model"),
    ({"model": "uncompiled"}, ValueError, "not compiled"),
    ({"epochs": 0}, ValueError, "epochs must be a positive integer"),
    ({"batch_size": 2.5}, TypeError, "batch_size must be a positive integer"),
    ({"patience": True}, TypeError, "patience must be a positive integer"),
    ({"validation_split": 1.5}, ValueError, "validation_split must be between 0 and 1"),
    ({"validation_split": 0.01}, ValueError, "leaves no validation sample"),
    ({"y_train": np.zeros(3)}, ValueError, "x_train has 40 samples but y_train has 3"),
    ({"x_test": np.zeros((0, MAXLEN))}, ValueError, "x_test is empty"),
    ({"x_train": {"a": 1}}, TypeError, "x_train must be an array"),
    ({"name": " "}, ValueError, "name must be a non-empty string"),
    ({"validation_data": (1, 2, 3)}, TypeError, "validation_data must be a pair"),
])
def test_bad_inputs_give_one_line_errors(change, error, match):
    x, y = tiny_data()
    args = {"model": tiny_model(), "x_train": x, "y_train": y, "x_test": x, "y_test": y}
    if change.get("model") == "uncompiled":
        change = {"model": tiny_model(compile=False)}
    args.update(change)
    model = args.pop("model")
    with pytest.raises(error, match=match) as info:
        train_and_evaluate(model, args.pop("x_train"), args.pop("y_train"),
                           args.pop("x_test"), args.pop("y_test"), **{"epochs": 1, **args})
    assert "\n" not in str(info.value)


@pytest.mark.filterwarnings("ignore:Early stopping conditioned on metric")
def test_a_model_without_accuracy_is_refused():
    x, y = tiny_data()
    model = tiny_model(compile=False)
    model.compile(optimizer="rmsprop", loss="binary_crossentropy")
    with pytest.raises(ValueError, match=r"metrics=\['accuracy'\]") as info:
        train_and_evaluate(model, x, y, x, y, epochs=1)
    assert "\n" not in str(info.value)


# ---------------------------------------------------------------- table


def test_results_rows_hold_numbers_under_every_column():
    rows = results_rows([make_record("SimpleRNN"), make_record("LSTM", val=(0.9, 0.8))])
    assert [tuple(r) for r in rows] == [TABLE_COLUMNS] * 2
    assert rows[1]["best validation accuracy"] == 0.9 and rows[1]["best epoch"] == 1
    assert rows[0]["parameters"] == 1234 and rows[0]["epochs run"] == 2


def test_results_table_formats_every_column():
    records = [make_record("SimpleRNN", params=322113, val=(0.61, 0.7049), test=0.69,
                           seconds=(9.0, 14.26)),
               make_record("bidirectional LSTM", params=336705, val=(0.9, 0.8), test=0.8857,
                           seconds=(30.0, 101.0))]
    lines = results_table(records).splitlines()
    assert len(lines) == 4
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    assert header == list(TABLE_COLUMNS)
    assert set(lines[1]) <= {"|", "-", ":", " "}
    first = [c.strip() for c in lines[2].strip("|").split("|")]
    assert first == ["SimpleRNN", "322,113", "14.3", "2", "2", "0.705", "0.690"]
    second = [c.strip() for c in lines[3].strip("|").split("|")]
    assert second == ["bidirectional LSTM", "336,705", "101.0", "2", "1", "0.900", "0.886"]
    assert len({len(line) for line in lines}) == 1  # aligned columns
    assert "0.7049" in results_table(records, digits=4)


@pytest.mark.parametrize("records, error, match", [
    ([], ValueError, "records is empty"),
    ("lstm", TypeError, "records must be a list of TrainingRecord"),
    ([{"name": "lstm"}], TypeError, r"records\[0\] must be a TrainingRecord"),
    ([make_record("a"), make_record("a")], ValueError, "the same name twice: a"),
])
def test_table_and_figure_refuse_bad_records(records, error, match):
    for helper in (results_table, plot_validation_curves):
        with pytest.raises(error, match=match) as info:
            helper(records)
        assert "\n" not in str(info.value)
    with pytest.raises(ValueError, match="digits must be an integer"):
        results_table([make_record()], digits=-1)


# ---------------------------------------------------------------- figure


def test_validation_curves_share_one_axes():
    records = [make_record("SimpleRNN", val=(0.5, 0.6, 0.55)),
               make_record("LSTM", val=(0.7, 0.9))]
    fig = plot_validation_curves(records)
    try:
        assert len(fig.axes) == 1
        ax = fig.axes[0]
        curves = {line.get_label(): line for line in ax.get_lines()
                  if not line.get_label().startswith("_") and len(line.get_xdata()) > 1}
        assert set(curves) == {"SimpleRNN", "LSTM"}
        assert list(curves["SimpleRNN"].get_ydata()) == [0.5, 0.6, 0.55]
        assert list(curves["LSTM"].get_xdata()) == [1, 2]
        assert curves["SimpleRNN"].get_color() != curves["LSTM"].get_color()
        assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "validation accuracy"
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        assert "best epoch (weights kept)" in legend
    finally:
        plt.close(fig)
    with pytest.raises(ValueError, match="has no 'val_auc'"):
        plot_validation_curves(records, metric="val_auc")
    with pytest.raises(ValueError, match="baseline must be a finite number"):
        plot_validation_curves(records, baseline="half")


def test_validation_curves_draw_the_baseline():
    fig = plot_validation_curves([make_record()], baseline=0.5, baseline_label="chance")
    try:
        lines = [line for line in fig.axes[0].get_lines() if line.get_label() == "chance"]
        assert len(lines) == 1 and set(lines[0].get_ydata()) == {0.5}
    finally:
        plt.close(fig)


# ---------------------------------------------------------------- checker

SIZES = {"num_words": 200, "embedding_dim": 8, "units": 5}


@pytest.mark.parametrize("cell, bidirectional", [
    ("simple_rnn", False), ("lstm", False), ("gru", False), ("lstm", True), ("gru", True),
])
def test_checker_agrees_with_keras(cell, bidirectional, capsys):
    model = build_text_classifier(cell, bidirectional=bidirectional, maxlen=20, **SIZES)
    count = model.count_params()
    assert check_text_classifier_params(count, cell, bidirectional=bidirectional, **SIZES)
    assert capsys.readouterr().out.startswith("Correct!")
    assert not check_text_classifier_params(count + 1, cell, bidirectional=bidirectional,
                                            **SIZES)
    assert capsys.readouterr().out.startswith("Not quite")


@pytest.mark.parametrize("answer, cell, bidirectional, hint", [
    (200 * 8 + 4 * 5 * 14 + 6 - 200 * 8, "lstm", False, "left out the embedding"),
    (200 * 8 + 4 * 5 * 14, "lstm", False, "left out the Dense layer"),
    (200 * 8 + 3 * 5 * 14 + 6, "gru", False, "two biases per gate"),
    (200 * 8 + 5 * 14 + 6, "lstm", False, "LSTM cell has 4 sets of W, U and b, not 1"),
    (200 * 8 + 4 * 5 * 14 + 6, "lstm", True, "two copies of the layer"),
    (200 * 8 + 2 * 4 * 5 * 14 + 6, "lstm", True, "2 * units + 1"),
    (2.5, "lstm", False, "whole number"),
])
def test_checker_hints_at_the_mistake(answer, cell, bidirectional, hint, capsys):
    assert not check_text_classifier_params(answer, cell, bidirectional=bidirectional, **SIZES)
    out = capsys.readouterr().out
    assert hint in out and out.count("\n") == 1


def test_checker_accepts_a_whole_float_and_can_be_quiet(capsys):
    assert check_text_classifier_params(float(200 * 8 + 5 * 14 + 6), "simple_rnn", **SIZES)
    assert check_text_classifier_params(200 * 8 + 5 * 14 + 6, "simple_rnn", verbose=False,
                                        **SIZES)
    assert capsys.readouterr().out.count("\n") == 1


@pytest.mark.parametrize("kwargs, match", [
    ({"cell": "transformer"}, "cell must be one of"),
    ({"units": 0}, "units must be a positive integer"),
    ({"num_words": 2.5}, "num_words must be a positive integer"),
    ({"bidirectional": "yes"}, "bidirectional must be True or False"),
])
def test_checker_refuses_bad_arguments(kwargs, match):
    args = {"cell": "lstm", **SIZES, **kwargs}
    # A value of the wrong kind is a TypeError, a wrong value a ValueError.
    with pytest.raises((ValueError, TypeError), match=match):
        check_text_classifier_params(100, **args)


def test_accuracy_interval_is_chapter_6s_formula():
    from rnn_course.training import accuracy_interval

    low, high = accuracy_interval(0.8, 100)
    assert abs(low - (0.8 - 1.96 * 0.04)) < 1e-12 and abs(high - (0.8 + 1.96 * 0.04)) < 1e-12
    assert accuracy_interval(1.0, 10) == (1.0, 1.0)
