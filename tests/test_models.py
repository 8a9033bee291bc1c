"""The shared text-classifier builder."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_course.models import build_text_classifier, recurrent_layer
from rnn_course.numpy_nets import simple_rnn_param_count


@pytest.mark.parametrize("cell, gates", [("simple_rnn", 1), ("lstm", 4), ("gru", 3)])
def test_parameter_counts_follow_the_cell(cell, gates):
    model = build_text_classifier(cell, num_words=100, embedding_dim=8, units=4, maxlen=12)
    recurrent = model.get_layer(cell)
    per_gate = simple_rnn_param_count(8, 4)
    extra = 4 * 3 if cell == "gru" else 0  # GRU's reset_after adds a second bias
    assert recurrent.count_params() == gates * per_gate + extra
    assert model.get_layer("embedding").count_params() == 100 * 8
    assert model.output_shape == (None, 1)


def test_bidirectional_doubles_the_state():
    model = build_text_classifier("lstm", num_words=50, embedding_dim=4, units=3,
                                  bidirectional=True)
    layer = model.get_layer("bidirectional_lstm")
    assert layer.output.shape[-1] == 6
    assert model.name == "bilstm_classifier"


def test_model_predicts_probabilities_for_any_length():
    model = build_text_classifier("gru", num_words=30, embedding_dim=4, units=3)
    for length in (1, 7, 40):
        probs = model.predict(np.ones((2, length), dtype="int32"), verbose=0)
        assert probs.shape == (2, 1)
        assert np.all((probs > 0) & (probs < 1))


def test_compiled_with_the_course_recipe():
    model = build_text_classifier(num_words=20, embedding_dim=2, units=2, learning_rate=0.01)
    assert type(model.optimizer).__name__ == "RMSprop"
    assert float(model.optimizer.learning_rate) == pytest.approx(0.01)
    assert model.loss == "binary_crossentropy"
    assert not build_text_classifier(num_words=20, compile=False).compiled


def test_dropout_settings_reach_the_layer():
    layer = recurrent_layer("lstm", 5, dropout=0.2, recurrent_dropout=0.1)
    assert (layer.dropout, layer.recurrent_dropout) == (0.2, 0.1)


@pytest.mark.parametrize("kwargs, match", [
    ({"cell": "transformer"}, "cell must be one of"),
    ({"units": 0}, "units must be a positive integer"),
    ({"num_words": 2.5}, "num_words must be a positive integer"),
    ({"dropout": 1.0}, "dropout must be a number"),
    ({"learning_rate": -1}, "learning_rate must be a positive"),
])
def test_bad_arguments_say_what_is_wrong(kwargs, match):
    # A value of the wrong kind is a TypeError, a wrong value a ValueError.
    with pytest.raises((ValueError, TypeError), match=match) as info:
        build_text_classifier(**kwargs)
    assert "\n" not in str(info.value)
