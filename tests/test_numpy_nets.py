"""Tests of rnn_course.numpy_nets: the NumPy reference RNN and the Keras bridge."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_course.numpy_nets import rnn_forward, set_simple_rnn_params, simple_rnn_params
from tests.helpers import require


def loop_rnn(inputs, W, U, b, h0=None, activation=np.tanh):
    """The textbook loop, one sequence and one step at a time: the reference."""
    inputs = np.asarray(inputs, dtype=np.float64)
    single = inputs.ndim == 2
    batch = inputs[None] if single else inputs
    units = W.shape[0]
    if h0 is None:
        h0 = np.zeros(units)
    h0 = np.broadcast_to(np.asarray(h0, dtype=np.float64), (batch.shape[0], units))
    result = np.empty((batch.shape[0], batch.shape[1], units))
    for i, sequence in enumerate(batch):
        state = h0[i]
        for t, x_t in enumerate(sequence):
            state = activation(W @ x_t + U @ state + b)
            result[i, t] = state
    return result[0] if single else result


def random_weights(rng, features, units, scale=1.0):
    W = scale * rng.standard_normal((units, features)) / np.sqrt(features)
    U = scale * rng.standard_normal((units, units)) / np.sqrt(units)
    b = 0.3 * rng.standard_normal(units)
    return W, U, b


# (batch or None for one sequence, timesteps, features, units)
SHAPES = [
    (None, 7, 3, 5),
    (None, 1, 4, 2),  # one step
    (None, 6, 3, 1),  # one unit
    (4, 9, 3, 5),
    (1, 5, 2, 3),  # batch of one
    (3, 1, 4, 2),  # one step, batched
    (5, 6, 4, 1),  # one unit, batched
    (2, 8, 6, 6),  # features == units: a swapped W and U would not raise
]


def make_inputs(rng, batch, timesteps, features):
    shape = (timesteps, features) if batch is None else (batch, timesteps, features)
    return rng.standard_normal(shape)


@pytest.mark.parametrize("batch, timesteps, features, units", SHAPES)
def test_matches_plain_loop(batch, timesteps, features, units):
    rng = np.random.default_rng(0)
    x = make_inputs(rng, batch, timesteps, features)
    W, U, b = random_weights(rng, features, units)
    result = rnn_forward(x, W, U, b)
    expected = loop_rnn(x, W, U, b)
    assert result.shape == expected.shape
    np.testing.assert_allclose(result, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("batch, timesteps, features, units", SHAPES)
def test_output_shape(batch, timesteps, features, units):
    rng = np.random.default_rng(1)
    x = make_inputs(rng, batch, timesteps, features)
    W, U, b = random_weights(rng, features, units)
    expected = (timesteps, units) if batch is None else (batch, timesteps, units)
    assert rnn_forward(x, W, U, b).shape == expected


def test_one_step_keeps_time_axis():
    # np.concatenate of a single state would give (units,); np.stack keeps (1, units).
    rng = np.random.default_rng(2)
    W, U, b = random_weights(rng, 3, 4)
    assert rnn_forward(rng.standard_normal((1, 3)), W, U, b).shape == (1, 4)


def test_first_step_is_tanh_of_input_term():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((5, 3))
    W, U, b = random_weights(rng, 3, 4)
    np.testing.assert_allclose(rnn_forward(x, W, U, b)[0], np.tanh(W @ x[0] + b))


@pytest.mark.parametrize("batch", [None, 3])
def test_h0_zero_is_default(batch):
    rng = np.random.default_rng(4)
    x = make_inputs(rng, batch, 6, 3)
    W, U, b = random_weights(rng, 3, 4)
    np.testing.assert_array_equal(rnn_forward(x, W, U, b), rnn_forward(x, W, U, b, h0=np.zeros(4)))


@pytest.mark.parametrize("batch", [None, 3])
def test_h0_shared_vector(batch):
    rng = np.random.default_rng(5)
    x = make_inputs(rng, batch, 6, 3)
    W, U, b = random_weights(rng, 3, 4)
    h0 = rng.uniform(-0.9, 0.9, size=4)
    result = rnn_forward(x, W, U, b, h0=h0)
    np.testing.assert_allclose(result, loop_rnn(x, W, U, b, h0=h0), rtol=1e-12, atol=1e-12)
    assert not np.allclose(result, rnn_forward(x, W, U, b))  # h0 is used


def test_h0_per_sequence():
    rng = np.random.default_rng(6)
    x = rng.standard_normal((3, 6, 2))
    W, U, b = random_weights(rng, 2, 4)
    h0 = rng.uniform(-0.9, 0.9, size=(3, 4))
    result = rnn_forward(x, W, U, b, h0=h0)
    np.testing.assert_allclose(result, loop_rnn(x, W, U, b, h0=h0), rtol=1e-12, atol=1e-12)
    for i in range(3):
        np.testing.assert_allclose(result[i], rnn_forward(x[i], W, U, b, h0=h0[i]))


def test_custom_activation():
    def relu(z):
        return np.maximum(z, 0.0)

    rng = np.random.default_rng(7)
    x = rng.standard_normal((2, 5, 3))
    W, U, b = random_weights(rng, 3, 4)
    result = rnn_forward(x, W, U, b, activation=relu)
    np.testing.assert_allclose(result, loop_rnn(x, W, U, b, activation=relu), atol=1e-12)
    assert not np.allclose(result, rnn_forward(x, W, U, b))


def test_vectorised_over_batch():
    # One call of the activation per time step proves that the batch is not
    # processed one sequence at a time.
    calls = []

    def counting_tanh(z):
        calls.append(z.shape)
        return np.tanh(z)

    rng = np.random.default_rng(8)
    W, U, b = random_weights(rng, 3, 4)
    rnn_forward(rng.standard_normal((16, 5, 3)), W, U, b, activation=counting_tanh)
    assert calls == [(16, 4)] * 5


def test_dtypes():
    rng = np.random.default_rng(9)
    W, U, b = random_weights(rng, 3, 4)
    x = rng.standard_normal((2, 5, 3))
    f32 = [a.astype(np.float32) for a in (x, W, U, b)]
    assert rnn_forward(*f32).dtype == np.float32
    assert rnn_forward(x, W, U, b).dtype == np.float64
    ints = rnn_forward(
        np.ones((5, 3), dtype=int),
        np.ones((4, 3), dtype=int),
        np.eye(4, dtype=int),
        np.zeros(4, dtype=int),
    )
    assert ints.dtype == np.float64
    np.testing.assert_allclose(ints[0], np.tanh(3.0))


def test_accepts_lists_and_does_not_modify_inputs():
    rng = np.random.default_rng(10)
    x = rng.standard_normal((5, 3))
    W, U, b = random_weights(rng, 3, 4)
    copies = [a.copy() for a in (x, W, U, b)]
    np.testing.assert_allclose(
        rnn_forward(x.tolist(), W.tolist(), U.tolist(), b.tolist()), rnn_forward(x, W, U, b)
    )
    for original, copy in zip((x, W, U, b), copies):
        np.testing.assert_array_equal(original, copy)


# ---------------------------------------------------------------- bad input


def _good(batch=2, timesteps=5, features=3, units=4):
    rng = np.random.default_rng(11)
    x = make_inputs(rng, batch, timesteps, features)
    return (x, *random_weights(rng, features, units))


def _bad_cases():
    x, W, U, b = _good()
    single = x[0]
    nan_x = x.copy()
    nan_x[0, 1, 2] = np.nan
    inf_W = W.copy()
    inf_W[0, 0] = np.inf
    return {
        "W features": (ValueError, (x, W[:, :2], U, b, None), ["(4, 2)", "(2, 5, 3)", "(4, 3)"]),
        "W transposed": (ValueError, (x, W.T, U, b, None), ["(3, 4)", "(2, 5, 3)"]),
        "U shape": (ValueError, (x, W, U[:, :3], b, None), ["(4, 3)", "(4, 4)"]),
        "b shape": (ValueError, (x, W, U, b[:3], None), ["(3,)", "(4,)"]),
        "b 2d": (ValueError, (x, W, U, b[None], None), ["(1, 4)", "(4,)"]),
        "h0 units": (ValueError, (x, W, U, b, np.zeros(3)), ["(3,)", "(4,)", "(2, 4)"]),
        "h0 batch": (ValueError, (x, W, U, b, np.zeros((5, 4))), ["(5, 4)", "(2, 5, 3)"]),
        "h0 2d for one sequence": (
            ValueError,
            (single, W, U, b, np.zeros((1, 4))),
            ["(1, 4)", "(4,)"],
        ),
        "inputs 1d": (ValueError, (x[0, 0], W, U, b, None), ["(3,)", "1 dimensions"]),
        "inputs 4d": (ValueError, (x[None], W, U, b, None), ["(1, 2, 5, 3)", "4 dimensions"]),
        "W 1d": (ValueError, (x, W[0], U, b, None), ["(3,)"]),
        "empty sequence": (ValueError, (x[:, :0], W, U, b, None), ["(2, 0, 3)", "0 timesteps"]),
        "empty single sequence": (
            ValueError,
            (single[:0], W, U, b, None),
            ["(0, 3)", "0 timesteps"],
        ),
        "empty batch": (ValueError, (x[:0], W, U, b, None), ["(0, 5, 3)", "empty batch"]),
        "NaN inputs": (ValueError, (nan_x, W, U, b, None), ["inputs", "NaN", "(2, 5, 3)"]),
        "infinite W": (ValueError, (x, inf_W, U, b, None), ["W", "infinite"]),
        "string inputs": (TypeError, (x.astype(str), W, U, b, None), ["inputs", "dtype"]),
        "object inputs": (
            TypeError,
            (np.array([[None, 1.0]]), W, U, b, None),
            ["inputs", "object"],
        ),
        "boolean U": (TypeError, (x, W, U > 0, b, None), ["U", "bool"]),
        "complex b": (TypeError, (x, W, U, b + 1j, None), ["b", "complex"]),
        "ragged inputs": (
            ValueError,
            ([[1.0, 2.0, 3.0], [1.0]], W, U, b, None),
            ["inputs", "rectangular"],
        ),
    }


@pytest.mark.parametrize("case", sorted(_bad_cases()))
def test_bad_input_errors(case):
    error, (x, W, U, b, h0), fragments = _bad_cases()[case]
    with pytest.raises(error) as info:
        rnn_forward(x, W, U, b, h0=h0)
    message = str(info.value)
    assert "\n" not in message, message
    for fragment in fragments:
        assert fragment in message, (fragment, message)


def test_activation_not_callable():
    x, W, U, b = _good()
    with pytest.raises(TypeError, match="activation must be callable"):
        rnn_forward(x, W, U, b, activation="tanh")


def test_activation_that_changes_shape():
    x, W, U, b = _good()
    with pytest.raises(ValueError, match=r"from \(2, 4\) to \(2,\)"):
        rnn_forward(x, W, U, b, activation=lambda z: z.sum(axis=1))


# ---------------------------------------------------------------- Keras

keras = require("keras")


@pytest.mark.parametrize("batch, timesteps, features, units", SHAPES)
def test_matches_keras_simple_rnn(batch, timesteps, features, units, built_layer):
    rng = np.random.default_rng(12)
    x = make_inputs(rng, batch, timesteps, features).astype(np.float32)
    W, U, b = random_weights(rng, features, units)
    layer = built_layer("SimpleRNN", features, units)
    set_simple_rnn_params(layer, W, U, b)
    keras_x = x[None] if batch is None else x
    expected = keras.ops.convert_to_numpy(layer(keras_x))
    expected = expected[0] if batch is None else expected
    result = rnn_forward(x, *(a.astype(np.float32) for a in (W, U, b)))
    assert result.shape == expected.shape
    np.testing.assert_allclose(result, expected, rtol=0, atol=1e-5)


def test_matches_keras_with_initial_state(built_layer):
    rng = np.random.default_rng(13)
    x = rng.standard_normal((3, 7, 2)).astype(np.float32)
    h0 = rng.uniform(-0.9, 0.9, size=(3, 5)).astype(np.float32)
    layer = built_layer("SimpleRNN", 2, 5)
    W, U, b = simple_rnn_params(layer)
    expected = keras.ops.convert_to_numpy(layer(x, initial_state=[h0]))
    np.testing.assert_allclose(rnn_forward(x, W, U, b, h0=h0), expected, rtol=0, atol=1e-5)


def test_simple_rnn_params_shapes_and_transpose(built_layer):
    layer = built_layer("SimpleRNN", 3, 5)
    W, U, b = simple_rnn_params(layer)
    assert (W.shape, U.shape, b.shape) == ((5, 3), (5, 5), (5,))
    kernel, recurrent_kernel, bias = layer.get_weights()
    np.testing.assert_array_equal(W, kernel.T)
    np.testing.assert_array_equal(U, recurrent_kernel.T)
    np.testing.assert_array_equal(b, bias)
    assert isinstance(W, np.ndarray) and W.flags.c_contiguous


def test_params_round_trip(built_layer):
    rng = np.random.default_rng(14)
    W, U, b = random_weights(rng, 4, 6)
    layer = built_layer("SimpleRNN", 4, 6)
    set_simple_rnn_params(layer, W, U, b)
    W2, U2, b2 = simple_rnn_params(layer)
    for original, back in ((W, W2), (U, U2), (b, b2)):
        np.testing.assert_allclose(back, original.astype(np.float32))


def test_simple_rnn_params_without_bias(built_layer):
    layer = built_layer("SimpleRNN", 3, 4, use_bias=False)
    W, U, b = simple_rnn_params(layer)
    np.testing.assert_array_equal(b, np.zeros(4))
    x = np.random.default_rng(15).standard_normal((2, 5, 3)).astype(np.float32)
    np.testing.assert_allclose(
        rnn_forward(x, W, U, b), keras.ops.convert_to_numpy(layer(x)), rtol=0, atol=1e-5
    )


def test_simple_rnn_params_rejects_other_layers():
    layer = keras.layers.LSTM(3)
    layer.build((None, None, 2))
    with pytest.raises(TypeError, match="SimpleRNN.*LSTM"):
        simple_rnn_params(layer)
    with pytest.raises(TypeError, match="SimpleRNN"):
        simple_rnn_params(np.zeros((3, 3)))


def test_simple_rnn_params_rejects_unbuilt_layer():
    with pytest.raises(ValueError, match="not built") as info:
        simple_rnn_params(keras.layers.SimpleRNN(3))
    assert "\n" not in str(info.value)


def test_set_simple_rnn_params_checks_shapes(built_layer):
    layer = built_layer("SimpleRNN", 3, 4)
    W, U, b = simple_rnn_params(layer)
    with pytest.raises(ValueError, match=r"W has shape \(3, 4\).*\(4, 3\)") as info:
        set_simple_rnn_params(layer, W.T, U, b)
    assert "\n" not in str(info.value)
    with pytest.raises(ValueError, match="no bias"):
        set_simple_rnn_params(built_layer("SimpleRNN", 3, 4, use_bias=False), W, U, b)


@pytest.mark.parametrize("features, units", [(1, 1), (32, 64), (10000, 32), (7, 3)])
def test_simple_rnn_param_count_matches_keras(features, units):
    import keras

    from rnn_course.numpy_nets import simple_rnn_param_count

    layer = keras.layers.SimpleRNN(units)
    layer.build((None, None, features))
    assert simple_rnn_param_count(features, units) == layer.count_params()


@pytest.mark.parametrize(
    "bad, error",
    [(0, ValueError), (-3, ValueError), (2.5, TypeError), ("4", TypeError), (True, TypeError)],
)
def test_simple_rnn_param_count_rejects_bad_sizes(bad, error):
    from rnn_course.numpy_nets import simple_rnn_param_count

    with pytest.raises(error, match="positive integer"):
        simple_rnn_param_count(bad, 4)
