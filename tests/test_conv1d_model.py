"""models.build_conv1d_text_classifier: the 1D convnet of chapter 9."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_course.models import build_conv1d_text_classifier


def test_layers_shapes_and_parameter_counts():
    model = build_conv1d_text_classifier(num_words=100, embedding_dim=8, filters=4,
                                         kernel_size=3, pool_size=2, maxlen=20)
    assert model.name == "conv1d_classifier"
    assert model.get_layer("conv1d_1").output.shape == (None, 18, 4)
    assert model.get_layer("max_pooling1d_1").output.shape == (None, 9, 4)
    assert model.get_layer("conv1d_2").output.shape == (None, 7, 4)
    assert model.get_layer("global_max_pooling1d").output.shape == (None, 4)
    assert model.get_layer("embedding").count_params() == 100 * 8
    assert model.get_layer("conv1d_1").count_params() == (3 * 8 + 1) * 4
    assert model.get_layer("conv1d_2").count_params() == (3 * 4 + 1) * 4
    assert model.count_params() == 800 + 100 + 52 + 5
    assert model.output_shape == (None, 1)


def test_recurrent_head_reads_the_pooled_sequence():
    model = build_conv1d_text_classifier(num_words=50, embedding_dim=4, filters=6,
                                         kernel_size=3, pool_size=2, conv_layers=1,
                                         cell="lstm", units=5, maxlen=21)
    assert model.name == "conv1d_lstm_classifier"
    assert model.get_layer("max_pooling1d_1").output.shape == (None, 9, 6)
    assert model.get_layer("lstm").count_params() == 4 * 5 * (6 + 5 + 1)
    probs = model.predict(np.ones((3, 21), dtype="int32"), verbose=0)
    assert probs.shape == (3, 1) and np.all((probs > 0) & (probs < 1))


def test_any_length_and_compiled_recipe():
    model = build_conv1d_text_classifier(num_words=30, embedding_dim=4, filters=2,
                                         kernel_size=3, pool_size=2, learning_rate=0.01)
    for length in (9, 40):
        assert model.predict(np.ones((2, length), dtype="int32"), verbose=0).shape == (2, 1)
    assert type(model.optimizer).__name__ == "RMSprop"
    assert float(model.optimizer.learning_rate) == pytest.approx(0.01)
    assert model.loss == "binary_crossentropy"
    assert not build_conv1d_text_classifier(num_words=30, compile=False).compiled


def test_it_learns_a_local_pattern():
    """A review is positive when it holds the phrase 5 6 7 anywhere."""
    import keras

    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.integers(8, 40, (400, 30)).astype("int32")
    y = rng.integers(0, 2, 400)
    where = rng.integers(0, 27, 400)
    for i in np.flatnonzero(y):
        x[i, where[i]:where[i] + 3] = [5, 6, 7]
    model = build_conv1d_text_classifier(num_words=40, embedding_dim=8, filters=8,
                                         kernel_size=3, pool_size=2, conv_layers=1,
                                         learning_rate=0.01)
    model.fit(x[:300], y[:300], epochs=15, batch_size=32, verbose=0)
    _, accuracy = model.evaluate(x[300:], y[300:], verbose=0)
    assert accuracy > 0.9


@pytest.mark.parametrize("kwargs, match", [
    ({"filters": 0}, "filters must be a positive integer"),
    ({"kernel_size": 2.5}, "kernel_size must be a positive integer"),
    ({"cell": "transformer"}, "cell must be None or one of"),
    ({"maxlen": 10, "kernel_size": 7, "pool_size": 5}, "too short"),
    ({"learning_rate": 0}, "learning_rate must be a positive"),
    ({"conv_layers": 0}, "conv_layers must be"),
])
def test_bad_arguments_say_what_is_wrong(kwargs, match):
    # A value of the wrong kind is a TypeError, a wrong value a ValueError.
    with pytest.raises((ValueError, TypeError), match=match):
        build_conv1d_text_classifier(num_words=20, **kwargs)
