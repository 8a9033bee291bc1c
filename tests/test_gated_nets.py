"""Tests of the gated networks of rnn_course.numpy_nets (Chapter 7) and of their figures.

The NumPy LSTM and GRU are checked three ways: against a textbook loop (one
sequence, one step, one gate at a time, in float64), against the Keras
layers themselves on several shapes, and through their gate activations.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from rnn_course.numpy_nets import (
    GRUGates,
    GRUParams,
    LSTMGates,
    LSTMParams,
    gru_forward,
    gru_gates,
    gru_param_count,
    gru_params,
    lstm_forward,
    lstm_gates,
    lstm_param_count,
    lstm_params,
    set_gru_params,
    set_lstm_params,
)
from tests.helpers import require

keras = require("keras")

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


# --------------------------------------------------------------------------
# Independent references: the textbook equations, one step at a time


def sig(z):
    return 1.0 / (1.0 + np.exp(-z))


def lstm_loop(x, p, h0=None, c0=None):
    x = np.asarray(x, dtype=np.float64)
    single = x.ndim == 2
    batch = x[None] if single else x
    units = p.U_i.shape[0]
    h0 = np.broadcast_to(np.zeros(units) if h0 is None else h0, (len(batch), units))
    c0 = np.broadcast_to(np.zeros(units) if c0 is None else c0, (len(batch), units))
    hs = np.empty(batch.shape[:2] + (units,))
    cs = np.empty_like(hs)
    for n, seq in enumerate(batch):
        h, c = np.array(h0[n], dtype=float), np.array(c0[n], dtype=float)
        for t, x_t in enumerate(seq):
            i = sig(p.W_i @ x_t + p.U_i @ h + p.b_i)
            f = sig(p.W_f @ x_t + p.U_f @ h + p.b_f)
            g = np.tanh(p.W_c @ x_t + p.U_c @ h + p.b_c)
            o = sig(p.W_o @ x_t + p.U_o @ h + p.b_o)
            c = f * c + i * g
            h = o * np.tanh(c)
            hs[n, t], cs[n, t] = h, c
    return (hs[0], cs[0]) if single else (hs, cs)


def gru_loop(x, q, h0=None):
    x = np.asarray(x, dtype=np.float64)
    single = x.ndim == 2
    batch = x[None] if single else x
    units = q.U_z.shape[0]
    h0 = np.broadcast_to(np.zeros(units) if h0 is None else h0, (len(batch), units))
    hs = np.empty(batch.shape[:2] + (units,))
    for n, seq in enumerate(batch):
        h = np.array(h0[n], dtype=float)
        for t, x_t in enumerate(seq):
            z = sig(q.W_z @ x_t + q.b_z + q.U_z @ h + q.rb_z)
            r = sig(q.W_r @ x_t + q.b_r + q.U_r @ h + q.rb_r)
            if q.reset_after:
                g = np.tanh(q.W_h @ x_t + q.b_h + r * (q.U_h @ h + q.rb_h))
            else:
                g = np.tanh(q.W_h @ x_t + q.b_h + q.U_h @ (r * h) + q.rb_h)
            h = z * h + (1 - z) * g
            hs[n, t] = h
    return hs[0] if single else hs


def random_lstm_params(rng, features, units, dtype=np.float64):
    W = [rng.standard_normal((units, features)) / np.sqrt(features) for _ in range(4)]
    U = [rng.standard_normal((units, units)) / np.sqrt(units) for _ in range(4)]
    b = [0.5 * rng.standard_normal(units) for _ in range(4)]
    return LSTMParams(*(a.astype(dtype) for a in W + U + b))


def random_gru_params(rng, features, units, reset_after=True, dtype=np.float64):
    W = [rng.standard_normal((units, features)) / np.sqrt(features) for _ in range(3)]
    U = [rng.standard_normal((units, units)) / np.sqrt(units) for _ in range(3)]
    b = [0.5 * rng.standard_normal(units) for _ in range(6)]
    return GRUParams(*(a.astype(dtype) for a in W + U + b), reset_after=reset_after)


def make_inputs(rng, batch, timesteps, features):
    shape = (timesteps, features) if batch is None else (batch, timesteps, features)
    return rng.standard_normal(shape)


def randomise(layer, rng):
    """Give ``layer`` random weights, biases included, and return it.

    Keras's zero biases would hide bias bugs.
    """
    layer.set_weights(
        [0.5 * rng.standard_normal(w.shape).astype("float32") for w in layer.get_weights()]
    )
    return layer


def run_keras(layer, x, **kwargs):
    x32 = np.asarray(x, dtype="float32")
    out = layer(x32[None] if x32.ndim == 2 else x32, **kwargs)
    out = keras.ops.convert_to_numpy(out)
    return out[0] if x32.ndim == 2 else out


# --------------------------------------------------------------------------
# Against the textbook loop


@pytest.mark.parametrize("batch, timesteps, features, units", SHAPES)
def test_lstm_matches_textbook_loop(batch, timesteps, features, units):
    rng = np.random.default_rng(0)
    x = make_inputs(rng, batch, timesteps, features)
    p = random_lstm_params(rng, features, units)
    h, c = lstm_forward(x, p, return_carry=True)
    h_ref, c_ref = lstm_loop(x, p)
    assert (
        h.shape
        == h_ref.shape
        == ((timesteps, units) if batch is None else (batch, timesteps, units))
    )
    np.testing.assert_allclose(h, h_ref, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(c, c_ref, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("batch, timesteps, features, units", SHAPES)
@pytest.mark.parametrize("reset_after", [True, False])
def test_gru_matches_textbook_loop(batch, timesteps, features, units, reset_after):
    rng = np.random.default_rng(1)
    x = make_inputs(rng, batch, timesteps, features)
    q = random_gru_params(rng, features, units, reset_after=reset_after)
    h = gru_forward(x, q)
    expected = gru_loop(x, q)
    assert h.shape == expected.shape
    np.testing.assert_allclose(h, expected, rtol=1e-12, atol=1e-12)


def test_gru_variants_differ():
    # Otherwise the reset_after tests above could pass with either formula.
    rng = np.random.default_rng(2)
    x = rng.standard_normal((3, 6, 4))
    q = random_gru_params(rng, 4, 5)
    after = gru_forward(x, q)
    before = gru_forward(x, q._replace(reset_after=False))
    assert np.max(np.abs(after - before)) > 1e-3


def test_initial_states_shared_and_per_sequence():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((3, 5, 2))
    p = random_lstm_params(rng, 2, 4)
    h0, c0 = rng.standard_normal(4), rng.standard_normal(4)
    shared = lstm_forward(x, p, h0=h0, c0=c0)
    per_sequence = lstm_forward(x, p, h0=np.tile(h0, (3, 1)), c0=np.tile(c0, (3, 1)))
    np.testing.assert_allclose(shared, per_sequence)
    np.testing.assert_allclose(shared, lstm_loop(x, p, h0=h0, c0=c0)[0], atol=1e-12)
    assert not np.allclose(shared, lstm_forward(x, p))  # the initial state matters
    q = random_gru_params(rng, 2, 4)
    np.testing.assert_allclose(gru_forward(x, q, h0=h0), gru_loop(x, q, h0=h0), atol=1e-12)
    assert not np.allclose(gru_forward(x, q, h0=h0), gru_forward(x, q))


def test_only_h0_or_only_c0():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((5, 2))
    p = random_lstm_params(rng, 2, 3)
    c0 = rng.standard_normal(3)
    np.testing.assert_allclose(lstm_forward(x, p, c0=c0), lstm_loop(x, p, c0=c0)[0], atol=1e-12)
    h0 = rng.standard_normal(3)
    np.testing.assert_allclose(lstm_forward(x, p, h0=h0), lstm_loop(x, p, h0=h0)[0], atol=1e-12)


def test_dtypes():
    rng = np.random.default_rng(5)
    x = rng.standard_normal((2, 4, 3))
    p32 = random_lstm_params(rng, 3, 2, dtype=np.float32)
    q32 = random_gru_params(rng, 3, 2, dtype=np.float32)
    assert lstm_forward(x.astype(np.float32), p32).dtype == np.float32
    assert gru_forward(x.astype(np.float32), q32).dtype == np.float32
    assert lstm_forward(x, p32).dtype == np.float64
    int_params = LSTMParams(*(np.ones_like(a, dtype=int) for a in p32))
    assert lstm_forward(np.ones((4, 3), dtype=int), int_params).dtype == np.float64


def test_params_as_dict():
    rng = np.random.default_rng(6)
    x = rng.standard_normal((4, 3))
    p = random_lstm_params(rng, 3, 2)
    np.testing.assert_array_equal(lstm_forward(x, p._asdict()), lstm_forward(x, p))
    q = random_gru_params(rng, 3, 2, reset_after=False)
    as_dict = q._asdict()
    np.testing.assert_array_equal(gru_forward(x, as_dict), gru_forward(x, q))
    as_dict.pop("reset_after")  # the default is Keras 3's
    np.testing.assert_array_equal(
        gru_forward(x, as_dict), gru_forward(x, q._replace(reset_after=True))
    )


def test_large_preactivations_no_overflow_warning():
    rng = np.random.default_rng(7)
    p = random_lstm_params(rng, 3, 2)
    big = 1e4 * rng.standard_normal((5, 3))
    with np.errstate(all="raise"):
        h = lstm_forward(big, p)
        g = gru_forward(big, random_gru_params(rng, 3, 2))
    assert np.all(np.isfinite(h)) and np.all(np.isfinite(g))


# --------------------------------------------------------------------------
# Gate activations


def test_lstm_gates_are_consistent():
    rng = np.random.default_rng(8)
    x = rng.standard_normal((3, 6, 4))
    p = random_lstm_params(rng, 4, 5)
    gates = lstm_gates(x, p)
    assert isinstance(gates, LSTMGates)
    h, c = lstm_forward(x, p, return_carry=True)
    np.testing.assert_array_equal(gates.h, h)
    np.testing.assert_array_equal(gates.c, c)
    for name in ("i", "f", "o"):
        value = getattr(gates, name)
        assert value.shape == h.shape and np.all((value > 0) & (value < 1)), name
    assert np.all(np.abs(gates.g) < 1)
    c_prev = np.concatenate([np.zeros((3, 1, 5)), c[:, :-1]], axis=1)
    np.testing.assert_allclose(c, gates.f * c_prev + gates.i * gates.g, atol=1e-12)
    np.testing.assert_allclose(h, gates.o * np.tanh(c), atol=1e-12)
    # The gates are the textbook ones at the first step (h_0 = c_0 = 0).
    np.testing.assert_allclose(gates.f[:, 0], sig(x[:, 0] @ p.W_f.T + p.b_f), atol=1e-12)
    np.testing.assert_allclose(gates.i[:, 0], sig(x[:, 0] @ p.W_i.T + p.b_i), atol=1e-12)


def test_gru_gates_are_consistent():
    rng = np.random.default_rng(9)
    x = rng.standard_normal((5, 4))  # one sequence
    q = random_gru_params(rng, 4, 3)
    gates = gru_gates(x, q)
    assert isinstance(gates, GRUGates)
    np.testing.assert_array_equal(gates.h, gru_forward(x, q))
    h_prev = np.vstack([np.zeros(3), gates.h[:-1]])
    np.testing.assert_allclose(gates.h, gates.z * h_prev + (1 - gates.z) * gates.g, atol=1e-12)
    np.testing.assert_allclose(gates.z[0], sig(q.W_z @ x[0] + q.b_z + q.rb_z), atol=1e-12)


# --------------------------------------------------------------------------
# Against Keras


@pytest.mark.parametrize("batch, timesteps, features, units", SHAPES)
def test_lstm_matches_keras(batch, timesteps, features, units, built_layer):
    rng = np.random.default_rng(10)
    x = make_inputs(rng, batch, timesteps, features).astype("float32")
    layer = randomise(built_layer("LSTM", features, units), rng)
    expected = run_keras(layer, x)
    result = lstm_forward(x, lstm_params(layer))
    assert result.shape == expected.shape
    assert np.max(np.abs(result - expected)) < 1e-5


@pytest.mark.parametrize("batch, timesteps, features, units", SHAPES)
@pytest.mark.parametrize("reset_after", [True, False])
def test_gru_matches_keras(batch, timesteps, features, units, reset_after, built_layer):
    rng = np.random.default_rng(11)
    x = make_inputs(rng, batch, timesteps, features).astype("float32")
    layer = randomise(built_layer("GRU", features, units, reset_after=reset_after), rng)
    expected = run_keras(layer, x)
    q = gru_params(layer)
    assert q.reset_after is reset_after
    result = gru_forward(x, q)
    assert result.shape == expected.shape
    assert np.max(np.abs(result - expected)) < 1e-5


def test_lstm_return_carry_matches_keras_state(built_layer):
    rng = np.random.default_rng(12)
    x = rng.standard_normal((3, 7, 4)).astype("float32")
    layer = randomise(built_layer("LSTM", 4, 5, return_state=True), rng)
    states, h_last, c_last = (keras.ops.convert_to_numpy(a) for a in layer(x))
    h, c = lstm_forward(x, lstm_params(layer), return_carry=True)
    assert h.shape == c.shape == (3, 7, 5)
    assert np.max(np.abs(h - states)) < 1e-5
    assert np.max(np.abs(h[:, -1] - h_last)) < 1e-5
    assert np.max(np.abs(c[:, -1] - c_last)) < 1e-5
    assert not np.allclose(c, h)  # the carry is not the hidden state


def test_initial_states_match_keras(built_layer):
    rng = np.random.default_rng(13)
    x = rng.standard_normal((3, 6, 2)).astype("float32")
    h0 = rng.standard_normal((3, 4)).astype("float32")
    c0 = rng.standard_normal((3, 4)).astype("float32")
    lstm = randomise(built_layer("LSTM", 2, 4), rng)
    expected = run_keras(lstm, x, initial_state=[h0, c0])
    assert np.max(np.abs(lstm_forward(x, lstm_params(lstm), h0=h0, c0=c0) - expected)) < 1e-5
    gru = randomise(built_layer("GRU", 2, 4), rng)
    expected = run_keras(gru, x, initial_state=[h0])
    assert np.max(np.abs(gru_forward(x, gru_params(gru), h0=h0) - expected)) < 1e-5


def test_one_step_one_unit_single_sequence_with_states(built_layer):
    rng = np.random.default_rng(14)
    x = rng.standard_normal((1, 3)).astype("float32")
    h0, c0 = rng.standard_normal(1).astype("float32"), rng.standard_normal(1).astype("float32")
    layer = randomise(built_layer("LSTM", 3, 1), rng)
    expected = run_keras(layer, x, initial_state=[h0[None], c0[None]])
    result = lstm_forward(x, lstm_params(layer), h0=h0, c0=c0)
    assert result.shape == (1, 1)
    assert np.max(np.abs(result - expected)) < 1e-5


def test_layers_without_bias(built_layer):
    rng = np.random.default_rng(15)
    x = rng.standard_normal((2, 5, 3)).astype("float32")
    lstm = randomise(built_layer("LSTM", 3, 4, use_bias=False), rng)
    p = lstm_params(lstm)
    assert all(np.all(getattr(p, f"b_{g}") == 0) for g in "ifco")
    assert np.max(np.abs(lstm_forward(x, p) - run_keras(lstm, x))) < 1e-5
    gru = randomise(built_layer("GRU", 3, 4, use_bias=False), rng)
    q = gru_params(gru)
    assert np.max(np.abs(gru_forward(x, q) - run_keras(gru, x))) < 1e-5


def test_keras_gate_order_and_forget_bias():
    layer = keras.layers.LSTM(3)
    layer.build((None, None, 2))
    p = lstm_params(layer)
    np.testing.assert_array_equal(p.b_f, np.ones(3))  # unit_forget_bias=True
    for name in ("b_i", "b_c", "b_o"):
        np.testing.assert_array_equal(getattr(p, name), np.zeros(3))
    kernel = layer.get_weights()[0]
    np.testing.assert_array_equal(p.W_c, kernel[:, 6:9].T)
    gru = keras.layers.GRU(3)
    gru.build((None, None, 2))
    bias = 0.5 * np.arange(18, dtype="float32").reshape(2, 9)
    gru.set_weights(gru.get_weights()[:2] + [bias])
    q = gru_params(gru)
    np.testing.assert_array_equal(q.b_r, bias[0, 3:6])
    np.testing.assert_array_equal(q.rb_h, bias[1, 6:9])


def test_params_round_trip(built_layer):
    rng = np.random.default_rng(16)
    x = rng.standard_normal((2, 6, 3)).astype("float32")
    source = randomise(built_layer("LSTM", 3, 4), rng)
    target = randomise(built_layer("LSTM", 3, 4), rng)
    set_lstm_params(target, lstm_params(source))
    for a, b in zip(lstm_params(source), lstm_params(target)):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(run_keras(target, x), run_keras(source, x), atol=1e-6)
    # Our own params in, the same numbers out of Keras.
    p = random_lstm_params(rng, 3, 4, dtype=np.float32)
    set_lstm_params(target, p)
    assert np.max(np.abs(run_keras(target, x) - lstm_forward(x, p))) < 1e-5
    for reset_after in (True, False):
        source = randomise(built_layer("GRU", 3, 4, reset_after=reset_after), rng)
        target = randomise(built_layer("GRU", 3, 4, reset_after=reset_after), rng)
        set_gru_params(target, gru_params(source))
        for a, b in zip(gru_params(source), gru_params(target)):
            np.testing.assert_array_equal(a, b)


def test_set_gru_params_folds_recurrent_biases_without_reset_after(built_layer):
    rng = np.random.default_rng(17)
    x = rng.standard_normal((2, 5, 3)).astype("float32")
    q = random_gru_params(rng, 3, 4, reset_after=False, dtype=np.float32)
    layer = randomise(built_layer("GRU", 3, 4, reset_after=False), rng)
    set_gru_params(layer, q)
    assert np.max(np.abs(run_keras(layer, x) - gru_forward(x, q))) < 1e-5


# --------------------------------------------------------------------------
# One-line errors


def one_line_error(kind, call, match):
    with pytest.raises(kind, match=match) as info:
        call()
    assert "\n" not in str(info.value)
    return str(info.value)


@pytest.fixture
def lstm_case():
    rng = np.random.default_rng(18)
    return rng.standard_normal((2, 5, 3)), random_lstm_params(rng, 3, 4)


@pytest.fixture
def gru_case():
    rng = np.random.default_rng(19)
    return rng.standard_normal((2, 5, 3)), random_gru_params(rng, 3, 4)


def test_error_wrong_input_dimensions(lstm_case, gru_case):
    x, p = lstm_case
    one_line_error(
        ValueError, lambda: lstm_forward(x[0, 0], p), r"\(timesteps, features\).*\(3,\)"
    )
    one_line_error(ValueError, lambda: gru_forward(x[None], gru_case[1]), r"4 dimensions")


def test_error_features_mismatch_names_W(lstm_case, gru_case):
    x, p = lstm_case
    message = one_line_error(ValueError, lambda: lstm_forward(x[..., :2], p), r"W_i")
    assert "(4, 2)" in message
    one_line_error(ValueError, lambda: gru_forward(x[..., :2], gru_case[1]), r"W_z")


@pytest.mark.parametrize(
    "name, shape",
    [("W_f", (4, 2)), ("U_c", (4, 3)), ("b_o", (3,)), ("U_o", (4,)), ("b_i", (4, 1))],
)
def test_error_wrong_param_shape_names_it(lstm_case, name, shape):
    x, p = lstm_case
    bad = p._replace(**{name: np.zeros(shape)})
    message = one_line_error(ValueError, lambda: lstm_forward(x, bad), name)
    assert str(shape) in message


def test_error_wrong_gru_param_shape_names_it(gru_case):
    x, q = gru_case
    one_line_error(
        ValueError, lambda: gru_forward(x, q._replace(rb_h=np.zeros(5))), r"rb_h.*\(5,\)"
    )
    one_line_error(ValueError, lambda: gru_forward(x, q._replace(W_z=np.zeros(4))), r"W_z")


def test_error_nan_and_inf(lstm_case, gru_case):
    x, p = lstm_case
    x_nan = x.copy()
    x_nan[1, 2, 0] = np.nan
    one_line_error(ValueError, lambda: lstm_forward(x_nan, p), r"inputs.*NaN")
    one_line_error(
        ValueError,
        lambda: lstm_forward(x, p._replace(U_f=np.full((4, 4), np.inf))),
        r"U_f.*infinite",
    )
    one_line_error(
        ValueError, lambda: gru_forward(x, gru_case[1], h0=np.full(4, np.nan)), r"h0.*NaN"
    )
    one_line_error(
        ValueError, lambda: lstm_forward(x, p, c0=np.array([0, 0, 0, np.nan])), r"c0.*NaN"
    )


def test_error_wrong_types(lstm_case, gru_case):
    x, p = lstm_case
    one_line_error(
        TypeError, lambda: lstm_forward(np.full((5, 3), "a"), p), r"inputs.*real numbers"
    )
    one_line_error(
        TypeError,
        lambda: lstm_forward(x, p._replace(W_o=np.ones((4, 3), bool))),
        r"W_o.*real numbers",
    )
    one_line_error(TypeError, lambda: lstm_forward(x, tuple(p)), r"LSTMParams.*tuple")
    one_line_error(TypeError, lambda: lstm_forward(x, [1, 2]), r"LSTMParams.*list")
    one_line_error(TypeError, lambda: lstm_forward(x, gru_case[1]), r"gru_forward")
    one_line_error(TypeError, lambda: gru_forward(x, p), r"lstm_forward")
    one_line_error(TypeError, lambda: lstm_forward(x, p, return_carry="yes"), r"return_carry")
    one_line_error(
        TypeError, lambda: gru_forward(x, gru_case[1]._replace(reset_after=1)), r"reset_after"
    )


def test_error_dict_with_wrong_keys(lstm_case):
    x, p = lstm_case
    params = p._asdict()
    params.pop("U_i")
    params["V_o"] = np.zeros((4, 4))
    one_line_error(TypeError, lambda: lstm_forward(x, params), r"missing U_i; unknown V_o")


def test_error_initial_state_shapes(lstm_case, gru_case):
    x, p = lstm_case
    one_line_error(ValueError, lambda: lstm_forward(x, p, h0=np.zeros(3)), r"h0.*\(3,\)")
    one_line_error(ValueError, lambda: lstm_forward(x, p, c0=np.zeros((3, 4))), r"c0.*\(3, 4\)")
    one_line_error(ValueError, lambda: lstm_forward(x[0], p, h0=np.zeros((1, 4))), r"h0")
    one_line_error(ValueError, lambda: gru_forward(x, gru_case[1], h0=np.zeros((2, 5))), r"h0")


def test_error_empty_sequence_or_batch(lstm_case):
    x, p = lstm_case
    one_line_error(ValueError, lambda: lstm_forward(x[:, :0], p), r"empty sequence")
    one_line_error(ValueError, lambda: lstm_forward(x[:0], p), r"empty batch")


def test_error_layers():
    with pytest.raises(TypeError, match="LSTM.*GRU") as info:
        gru = keras.layers.GRU(2)
        gru.build((None, None, 3))
        lstm_params(gru)
    assert "\n" not in str(info.value)
    lstm = keras.layers.LSTM(2)
    one_line_error(ValueError, lambda: lstm_params(lstm), r"not built")
    one_line_error(ValueError, lambda: gru_params(keras.layers.GRU(2)), r"not built")
    one_line_error(TypeError, lambda: gru_params(keras.layers.Dense(2)), r"GRU.*Dense")
    relu = keras.layers.LSTM(2, activation="relu")
    relu.build((None, None, 3))
    one_line_error(ValueError, lambda: lstm_params(relu), r"activation='relu'")
    hard = keras.layers.GRU(2, recurrent_activation="hard_sigmoid")
    hard.build((None, None, 3))
    one_line_error(ValueError, lambda: gru_params(hard), r"recurrent_activation")


def test_error_set_params_mismatch(built_layer):
    rng = np.random.default_rng(20)
    layer = randomise(built_layer("LSTM", 3, 4), rng)
    one_line_error(
        ValueError,
        lambda: set_lstm_params(layer, random_lstm_params(rng, 3, 5)),
        r"5 units.*4 units",
    )
    no_bias = randomise(built_layer("LSTM", 3, 4, use_bias=False), rng)
    one_line_error(ValueError, lambda: set_lstm_params(no_bias, lstm_params(layer)), r"no bias")
    gru = randomise(built_layer("GRU", 3, 4), rng)
    one_line_error(
        ValueError,
        lambda: set_gru_params(gru, random_gru_params(rng, 3, 4, False)),
        r"reset_after",
    )
    one_line_error(
        ValueError,
        lambda: set_gru_params(gru, random_gru_params(rng, 2, 4)),
        r"2 features.*3 features",
    )


# --------------------------------------------------------------------------
# Parameter counts


@pytest.mark.parametrize("features, units", [(1, 1), (16, 32), (32, 16), (7, 3)])
def test_param_counts_match_keras(features, units):
    lstm = keras.layers.LSTM(units)
    lstm.build((None, None, features))
    assert lstm_param_count(features, units) == lstm.count_params()
    for reset_after in (True, False):
        gru = keras.layers.GRU(units, reset_after=reset_after)
        gru.build((None, None, features))
        assert gru_param_count(features, units, reset_after=reset_after) == gru.count_params()


@pytest.mark.parametrize(
    "bad, error",
    [(0, ValueError), (-1, ValueError), (2.0, TypeError), (True, TypeError), (None, TypeError)],
)
def test_param_count_errors(bad, error):
    with pytest.raises(error, match="positive integer"):
        lstm_param_count(bad, 3)
    with pytest.raises(error, match="positive integer"):
        gru_param_count(3, bad)


# --------------------------------------------------------------------------
# Figures


def test_draw_lstm_cell_labels_every_part():
    from rnn_course.cell_diagrams import draw_lstm_cell

    fig = draw_lstm_cell()
    texts = " ".join(t.get_text() for t in fig.axes[0].texts)
    for label in (
        "forget gate",
        "input gate",
        "candidate",
        "output gate",
        "σ",
        "tanh",
        "$c_{t-1}$",
        "$c_t$",
        "$h_{t-1}$",
        "$x_t$",
        "carry",
    ):
        assert label in texts, label
    assert texts.count("σ") >= 3  # three sigmoid gates (and the key)
    plt.close(fig)


def test_plot_gate_activations():
    from rnn_course.cell_diagrams import plot_gate_activations

    rng = np.random.default_rng(21)
    words = [f"w{k}" for k in range(12)]
    gates = {
        "forget": rng.random((12, 5)),
        "input": rng.random((12, 5)),
        "output": rng.random((12, 5)),
    }
    fig = plot_gate_activations(gates, words, title="gates")
    panels = [ax for ax in fig.axes if ax.images]
    assert len(panels) == 3
    np.testing.assert_array_equal(panels[0].images[0].get_array(), gates["forget"].T)
    assert [t.get_text() for t in panels[-1].get_xticklabels()] == words
    assert panels[0].images[0].get_clim() == (0.0, 1.0)
    plt.close(fig)


@pytest.mark.parametrize(
    "gates, words, kind, match",
    [
        ({}, ["a"], ValueError, "empty"),
        ([np.zeros((2, 3))], ["a", "b"], TypeError, "dict"),
        ({"f": np.zeros((3, 2))}, ["a", "b"], ValueError, r"\(2, units\)"),
        ({"f": np.zeros(2)}, ["a", "b"], ValueError, "one row per word"),
        ({"f": np.array([[np.nan], [0.0]])}, ["a", "b"], ValueError, "NaN"),
        ({"f": np.zeros((2, 1))}, "ab", TypeError, "words"),
        ({"f": np.zeros((2, 1))}, ["a", 2], TypeError, "strings"),
    ],
)
def test_plot_gate_activations_errors(gates, words, kind, match):
    from rnn_course.cell_diagrams import plot_gate_activations

    with pytest.raises(kind, match=match):
        plot_gate_activations(gates, words)


def test_plot_gate_activations_bad_scale():
    from rnn_course.cell_diagrams import plot_gate_activations

    with pytest.raises(ValueError, match="vmin"):
        plot_gate_activations({"f": np.zeros((1, 1))}, ["a"], vmin=1.0, vmax=0.0)
