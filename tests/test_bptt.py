"""Tests of backpropagation through time in rnn_course.numpy_nets.

The gradients of ``rnn_backward`` and ``readout_mse`` are checked against two
computations that share no code with them: TensorFlow's automatic
differentiation (``tf.GradientTape``, in float64) and central finite
differences. Then the behaviour the chapter teaches: vanishing and exploding
gradients, saturation, orthogonal matrices, truncation and clipping.
"""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from rnn_course.numpy_nets import (
    RNNGradients,
    clip_by_global_norm,
    random_orthogonal,
    readout_mse,
    relative_error,
    rnn_backward,
    rnn_forward,
    scale_to_spectral_radius,
    spectral_radius,
)

# (batch or None for one sequence, timesteps, features, units)
SHAPES = [
    (None, 7, 3, 5),
    (None, 1, 4, 2),  # one step
    (None, 6, 3, 1),  # one unit
    (4, 9, 3, 5),
    (1, 5, 2, 3),  # batch of one
    (3, 1, 4, 2),  # one step, batched
    (2, 8, 6, 6),  # features == units: a swapped W and U would not raise
]


def make_case(seed, batch, timesteps, features, units):
    rng = np.random.default_rng(seed)
    shape = (timesteps, features) if batch is None else (batch, timesteps, features)
    x = rng.standard_normal(shape)
    W = rng.standard_normal((units, features)) / np.sqrt(features)
    U = rng.standard_normal((units, units)) / np.sqrt(units)
    b = 0.3 * rng.standard_normal(units)
    G = rng.standard_normal(x.shape[:-1] + (units,))
    return rng, x, W, U, b, G


def h0_variants(rng, batch, units):
    variants = {"none": None, "shared": rng.uniform(-0.8, 0.8, size=units)}
    if batch is not None:
        variants["per sequence"] = rng.uniform(-0.8, 0.8, size=(batch, units))
    return variants


# ------------------------------------------------------- TensorFlow reference


def tf_forward(x, W, U, b, h0, stop_before=None):
    """The tanh RNN in TensorFlow; rows of x3 are sequences. Returns the list of states.

    ``stop_before``: the state entering that step (0-based) is cut from the
    gradient with ``tf.stop_gradient``, the definition of a truncated window.
    """
    x3 = x if x.ndim == 3 else x[None]
    batch, timesteps, _ = x3.shape
    if h0 is None:
        state = tf.zeros((batch, W.shape[0]), dtype=tf.float64)
    else:
        state = tf.broadcast_to(h0, (batch, W.shape[0]))
    states = []
    for t in range(timesteps):
        if stop_before is not None and t == stop_before:
            state = tf.stop_gradient(state)
        state = tf.tanh(x3[:, t] @ tf.transpose(W) + state @ tf.transpose(U) + b)
        states.append(state)
    return states


def tf_gradients(x, W, U, b, G, h0=None):
    """Gradients of L = sum(G * H) + 0.5 * sum(H**2), a loss on every state."""
    Wv, Uv, bv = tf.Variable(W), tf.Variable(U), tf.Variable(b)
    h0v = None if h0 is None else tf.Variable(h0)
    G3 = G if G.ndim == 3 else G[None]
    with tf.GradientTape() as tape:
        states = tf_forward(x, Wv, Uv, bv, h0v)
        H = tf.stack(states, axis=1)
        loss = tf.reduce_sum(G3 * H) + 0.5 * tf.reduce_sum(H**2)
    sources = [Wv, Uv, bv] + ([] if h0v is None else [h0v]) + states
    grads = tape.gradient(loss, sources)
    dstates = tf.stack(grads[-len(states) :], axis=1).numpy()
    dh0 = None if h0v is None else grads[3].numpy()
    return grads[0].numpy(), grads[1].numpy(), grads[2].numpy(), dh0, dstates.reshape(G.shape)


def numpy_gradients(x, W, U, b, G, h0=None, truncate=None):
    states = rnn_forward(x, W, U, b, h0)
    return rnn_backward(x, W, U, b, states, G + states, h0=h0, truncate=truncate)


# ------------------------------------------------------- against GradientTape


@pytest.mark.parametrize("batch, timesteps, features, units", SHAPES)
def test_matches_gradient_tape(batch, timesteps, features, units):
    rng, x, W, U, b, G = make_case(0, batch, timesteps, features, units)
    for name, h0 in h0_variants(rng, batch, units).items():
        grads = numpy_gradients(x, W, U, b, G, h0)
        dW, dU, db, dh0, dstates = tf_gradients(x, W, U, b, G, h0)
        assert (
            grads.dW.shape == W.shape and grads.dU.shape == U.shape and grads.db.shape == b.shape
        )
        for ours, theirs in (
            (grads.dW, dW),
            (grads.dU, dU),
            (grads.db, db),
            (grads.dstates, dstates),
        ):
            assert relative_error(ours, theirs) < 1e-10, name
        if h0 is not None:
            # A shared h0 gets the sum of the per-sequence gradients.
            ours_h0 = grads.dh0 if grads.dh0.shape == h0.shape else grads.dh0.sum(axis=0)
            assert relative_error(ours_h0, dh0) < 1e-10, name
        expected_dh0 = (units,) if batch is None else (batch, units)
        assert grads.dh0.shape == expected_dh0


def test_dh0_without_h0_is_gradient_at_zero_state():
    _, x, W, U, b, G = make_case(1, 3, 6, 2, 4)
    without = numpy_gradients(x, W, U, b, G)
    with_zeros = numpy_gradients(x, W, U, b, G, h0=np.zeros((3, 4)))
    np.testing.assert_allclose(without.dh0, with_zeros.dh0, atol=1e-14)
    assert np.abs(without.dh0).max() > 1e-3  # the gradient does reach h_0


def test_keras_simple_rnn_float64_gradients(built_layer):
    from rnn_course.numpy_nets import set_simple_rnn_params

    rng, x, W, U, b, _ = make_case(2, 4, 12, 3, 6)
    V = rng.standard_normal((2, 6)) / 3
    c = rng.standard_normal(2)
    y = rng.standard_normal((4, 2))
    layer = built_layer("SimpleRNN", 3, 6, return_sequences=False, dtype="float64")
    set_simple_rnn_params(layer, W, U, b)
    with tf.GradientTape() as tape:
        prediction = layer(x) @ V.T + c
        loss = tf.reduce_mean(tf.square(prediction - y))
    cell = layer.cell
    dk, drk, dbias = tape.gradient(loss, [cell.kernel, cell.recurrent_kernel, cell.bias])

    states = rnn_forward(x, W, U, b)
    out = readout_mse(states, V, c, y)
    grads = rnn_backward(x, W, U, b, states, out.dstates)
    assert abs(out.loss - float(loss)) < 1e-12
    assert relative_error(grads.dW, dk.numpy().T) < 1e-10
    assert relative_error(grads.dU, drk.numpy().T) < 1e-10
    assert relative_error(grads.db, dbias.numpy()) < 1e-10


# --------------------------------------------------- against finite differences


def central_difference(f, array, eps=1e-6):
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        step = np.zeros_like(array)
        step[index] = eps
        grad[index] = (f(array + step) - f(array - step)) / (2 * eps)
    return grad


@pytest.mark.parametrize(
    "batch, timesteps, features, units", [(None, 6, 3, 4), (3, 5, 2, 3), (2, 1, 3, 2)]
)
def test_matches_finite_differences(batch, timesteps, features, units):
    rng, x, W, U, b, G = make_case(3, batch, timesteps, features, units)
    h0 = rng.uniform(-0.5, 0.5, size=(units,) if batch is None else (batch, units))

    def loss(W_=W, U_=U, b_=b, h0_=h0):
        H = rnn_forward(x, W_, U_, b_, h0_)
        return float(np.sum(G * H) + 0.5 * np.sum(H**2))

    grads = numpy_gradients(x, W, U, b, G, h0)
    assert relative_error(grads.dW, central_difference(lambda a: loss(W_=a), W)) < 1e-7
    assert relative_error(grads.dU, central_difference(lambda a: loss(U_=a), U)) < 1e-7
    assert relative_error(grads.db, central_difference(lambda a: loss(b_=a), b)) < 1e-7
    assert relative_error(grads.dh0, central_difference(lambda a: loss(h0_=a), h0)) < 1e-7


def test_a_wrong_gradient_fails_the_checks():
    # The checks above can fail: a backward pass without the tanh slope is
    # far from both references.
    _, x, W, U, b, G = make_case(4, None, 6, 3, 4)
    states = rnn_forward(x, W, U, b)
    grads = rnn_backward(x, W, U, b, states, G + states)
    numeric = central_difference(
        lambda a: float(
            np.sum(G * rnn_forward(x, a, U, b)) + 0.5 * np.sum(rnn_forward(x, a, U, b) ** 2)
        ),
        W,
    )
    assert relative_error(grads.dW, numeric) < 1e-7
    no_slope = np.zeros_like(W)
    delta = np.zeros(4)
    for t in reversed(range(6)):
        delta = delta + (G + states)[t]
        no_slope += np.outer(delta, x[t])
        delta = U.T @ delta
    assert relative_error(no_slope, numeric) > 0.05


# ------------------------------------------------------------------ readout


@pytest.mark.parametrize("batch", [None, 3])
@pytest.mark.parametrize("steps", ["last", "all"])
def test_readout_mse_matches_gradient_tape(batch, steps):
    rng, x, W, U, b, _ = make_case(5, batch, 6, 3, 4)
    V = rng.standard_normal((2, 4))
    c = rng.standard_normal(2)
    states = rnn_forward(x, W, U, b)
    scored_shape = states.shape[:-2] + (2,) if steps == "last" else states.shape[:-1] + (2,)
    y = rng.standard_normal(scored_shape)
    out = readout_mse(states, V, c, y, steps=steps)

    Vv, cv = tf.Variable(V), tf.Variable(c)
    Wv, Uv, bv = tf.Variable(W), tf.Variable(U), tf.Variable(b)
    with tf.GradientTape() as tape:
        H = tf.stack(tf_forward(x, Wv, Uv, bv, None), axis=1)  # (batch or 1, T, units)
        scored = H[:, -1] if steps == "last" else H
        prediction = scored @ tf.transpose(Vv) + cv
        y3 = y[None] if batch is None else y
        loss = tf.reduce_mean(tf.square(prediction - y3))
    dV, dc, dW, dU, db = tape.gradient(loss, [Vv, cv, Wv, Uv, bv])

    assert out.predictions.shape == y.shape
    assert abs(out.loss - float(loss)) < 1e-12
    assert relative_error(out.dV, dV.numpy()) < 1e-10
    assert relative_error(out.dc, dc.numpy()) < 1e-10
    grads = rnn_backward(x, W, U, b, states, out.dstates)
    assert relative_error(grads.dW, dW.numpy()) < 1e-10
    assert relative_error(grads.dU, dU.numpy()) < 1e-10
    assert relative_error(grads.db, db.numpy()) < 1e-10
    if steps == "last":
        assert not np.any(out.dstates[..., :-1, :])


def test_readout_mse_is_keras_mse():
    import keras

    rng = np.random.default_rng(6)
    states = np.tanh(rng.standard_normal((3, 4, 5)))
    V, c, y = rng.standard_normal((2, 5)), rng.standard_normal(2), rng.standard_normal((3, 2))
    out = readout_mse(states, V, c, y)
    keras_loss = keras.losses.MeanSquaredError(dtype="float64")(y, states[:, -1] @ V.T + c)
    assert abs(out.loss - float(keras_loss)) < 1e-12


# -------------------------------------------------------------- truncation


def tf_truncated_gradients(x, W, U, b, G, h0, k):
    """Truncated BPTT by definition: each step's loss term sees only k steps."""
    Wv, Uv, bv, h0v = tf.Variable(W), tf.Variable(U), tf.Variable(b), tf.Variable(h0)
    G3 = G if G.ndim == 3 else G[None]
    total = [np.zeros_like(W), np.zeros_like(U), np.zeros_like(b), np.zeros_like(h0)]
    for source in range(G3.shape[1]):
        first = source - k + 1  # the first step of the window
        with tf.GradientTape() as tape:
            states = tf_forward(x, Wv, Uv, bv, h0v, stop_before=first if first > 0 else None)
            loss = tf.reduce_sum(G3[:, source] * states[source])
        grads = tape.gradient(loss, [Wv, Uv, bv, h0v])
        for i, g in enumerate(grads):
            if g is not None:  # h0 is out of reach of a window that starts later
                total[i] += g.numpy()
    return total


@pytest.mark.parametrize("batch", [None, 2])
@pytest.mark.parametrize("k", [1, 2, 4])
def test_truncation_matches_stop_gradient(batch, k):
    rng, x, W, U, b, G = make_case(7, batch, 7, 3, 4)
    # A loss term at every step: the early windows reach h_0, the later ones do not.
    h0 = rng.uniform(-0.5, 0.5, size=(4,) if batch is None else (batch, 4))
    states = rnn_forward(x, W, U, b, h0)
    grads = rnn_backward(x, W, U, b, states, G, h0=h0, truncate=k)
    reference = tf_truncated_gradients(x, W, U, b, G, h0, k)
    for ours, theirs in zip(grads[:4], reference):
        assert relative_error(ours, theirs) < 1e-10
    assert np.any(grads.dh0)
    full = rnn_backward(x, W, U, b, states, G, h0=h0)
    assert relative_error(grads.dW, full.dW) > 1e-3  # truncation changes something


def test_truncation_of_last_state_loss_reaches_k_states():
    _, x, W, U, b, _ = make_case(8, None, 10, 3, 4)
    states = rnn_forward(x, W, U, b)
    G = np.zeros_like(states)
    G[-1] = 1.0
    grads = rnn_backward(x, W, U, b, states, G, truncate=3)
    reached = np.flatnonzero(np.abs(grads.dstates).sum(axis=1))
    assert reached.tolist() == [7, 8, 9]
    assert not np.any(grads.dh0)


def test_long_truncation_is_full_bptt():
    _, x, W, U, b, G = make_case(9, 2, 6, 3, 4)
    states = rnn_forward(x, W, U, b)
    full = rnn_backward(x, W, U, b, states, G)
    for k in (6, 50):
        long = rnn_backward(x, W, U, b, states, G, truncate=k)
        for a, b_ in zip(full, long):
            np.testing.assert_allclose(a, b_, atol=1e-13)
    # A window shorter than the sequence loses the far part of dh0.
    short = rnn_backward(x, W, U, b, states, G, truncate=5)
    assert np.any(full.dh0) and relative_error(short.dh0, full.dh0) > 1e-3


def test_truncate_one_is_the_local_gradient():
    _, x, W, U, b, G = make_case(10, None, 5, 3, 4)
    states = rnn_forward(x, W, U, b)
    grads = rnn_backward(x, W, U, b, states, G, truncate=1)
    a = G * (1 - states**2)
    previous = np.vstack([np.zeros(4), states[:-1]])
    np.testing.assert_allclose(grads.dW, a.T @ x, atol=1e-13)
    np.testing.assert_allclose(grads.dU, a.T @ previous, atol=1e-13)
    np.testing.assert_allclose(grads.dstates, G, atol=1e-13)


# ------------------------------------------------ vanishing and exploding


def last_state_gradient_norms(inputs, W, U, b, seed=0):
    """||dL/dh_{T-k}|| for k = 0..T-1, with a unit gradient on the last state."""
    states = rnn_forward(inputs, W, U, b)
    G = np.zeros_like(states)
    g = np.random.default_rng(seed).standard_normal(states.shape[-1])
    G[-1] = g / np.linalg.norm(g)
    dstates = rnn_backward(inputs, W, U, b, states, G).dstates
    return np.linalg.norm(dstates[::-1], axis=1)


UNITS, FEATURES, STEPS = 32, 4, 30


@pytest.fixture(scope="module")
def network():
    rng = np.random.default_rng(11)
    W = rng.standard_normal((UNITS, FEATURES)) / np.sqrt(FEATURES)
    U = rng.standard_normal((UNITS, UNITS)) / np.sqrt(UNITS)
    inputs = rng.standard_normal((STEPS, FEATURES))
    return W, U, np.zeros(UNITS), inputs


def test_radius_half_vanishes(network):
    W, U, b, inputs = network
    norms = last_state_gradient_norms(1e-9 * inputs, W, scale_to_spectral_radius(U, 0.5), b)
    assert norms[0] == pytest.approx(1.0)
    assert np.all(norms[5:] < norms[:-5])  # decreases with distance
    assert norms[-1] < 1e-6


def test_radius_one_and_a_half_explodes_in_linear_regime(network):
    W, U, b, inputs = network
    tiny = 1e-9 * inputs
    U15 = scale_to_spectral_radius(U, 1.5)
    assert np.abs(rnn_forward(tiny, W, U15, b)).max() < 0.01  # linear regime indeed
    norms = last_state_gradient_norms(tiny, W, U15, b)
    assert np.all(norms[5:] > norms[:-5])  # increases with distance
    assert norms[-1] > 1e3


def test_geometric_rate_for_scaled_orthogonal_matrices():
    # A normal matrix with every eigenvalue of modulus r: exactly r**k.
    Q = random_orthogonal(UNITS, 12)
    x = np.zeros((STEPS, FEATURES))
    W = np.ones((UNITS, FEATURES))
    for r in (0.5, 1.0, 1.5):
        norms = last_state_gradient_norms(x, W, r * Q, np.zeros(UNITS))
        np.testing.assert_allclose(norms, r ** np.arange(STEPS), rtol=1e-9)
        if r < 1:
            assert np.all(np.diff(norms) < 0)
        if r > 1:
            assert np.all(np.diff(norms) > 0)


def test_saturation_kills_the_exploding_gradient(network):
    W, U, b, inputs = network
    U15 = scale_to_spectral_radius(U, 1.5)
    linear = last_state_gradient_norms(1e-9 * inputs, W, U15, b)
    saturated = last_state_gradient_norms(4.0 * inputs, W, U15, b)
    states = rnn_forward(4.0 * inputs, W, U15, b)
    assert np.mean(1 - states**2) < 0.4
    assert linear[-1] > 1e3 and saturated[-1] < 1e-5


def test_orthogonal_keeps_norm_in_linear_regime_only(network):
    W, _, b, inputs = network
    Q = random_orthogonal(UNITS, 13)
    flat = last_state_gradient_norms(1e-9 * inputs, W, Q, b)
    np.testing.assert_allclose(flat, 1.0, atol=1e-6)
    ordinary = last_state_gradient_norms(inputs, W, Q, b)
    assert ordinary[-1] < 1e-3


# -------------------------------------------------------------- bad input


def _good_args():
    _, x, W, U, b, G = make_case(14, 2, 5, 3, 4)
    return x, W, U, b, rnn_forward(x, W, U, b), G


def _bad_cases():
    x, W, U, b, states, G = _good_args()
    nan_G = G.copy()
    nan_G[0, 1, 2] = np.nan
    return {
        "states shape": (
            ValueError,
            (x, W, U, b, states[:, :-1], G),
            {},
            ["states", "(2, 4, 4)", "(2, 5, 4)"],
        ),
        "states single for batch": (
            ValueError,
            (x, W, U, b, states[0], G),
            {},
            ["states", "(5, 4)"],
        ),
        "grad_states shape": (
            ValueError,
            (x, W, U, b, states, G[..., :3]),
            {},
            ["grad_states", "(2, 5, 3)"],
        ),
        "other weights": (
            ValueError,
            (x, W, 0.5 * U, b, states, G),
            {},
            ["states are not rnn_forward"],
        ),
        "states shifted": (
            ValueError,
            (x, W, U, b, np.roll(states, 1, axis=1), G),
            {},
            ["states are not"],
        ),
        "h0 not used in forward": (
            ValueError,
            (x, W, U, b, states, G),
            {"h0": np.full(4, 0.5)},
            ["states are not"],
        ),
        "h0 shape": (ValueError, (x, W, U, b, states, G), {"h0": np.zeros(3)}, ["h0", "(3,)"]),
        "W features": (ValueError, (x, W[:, :2], U, b, states, G), {}, ["(4, 2)", "(2, 5, 3)"]),
        "U shape": (ValueError, (x, W, U[:, :3], b, states, G), {}, ["(4, 3)", "(4, 4)"]),
        "b shape": (ValueError, (x, W, U, b[:3], states, G), {}, ["(3,)", "(4,)"]),
        "inputs 4d": (ValueError, (x[None], W, U, b, states, G), {}, ["4 dimensions"]),
        "NaN grad_states": (ValueError, (x, W, U, b, states, nan_G), {}, ["grad_states", "NaN"]),
        "complex": (
            TypeError,
            (x, W, U, b, states, G.astype(complex)),
            {},
            ["grad_states", "complex"],
        ),
        "truncate zero": (
            ValueError,
            (x, W, U, b, states, G),
            {"truncate": 0},
            ["truncate", "at least 1"],
        ),
        "truncate float": (
            TypeError,
            (x, W, U, b, states, G),
            {"truncate": 2.5},
            ["truncate", "2.5"],
        ),
        "truncate bool": (TypeError, (x, W, U, b, states, G), {"truncate": True}, ["truncate"]),
    }


BAD = _bad_cases()


@pytest.mark.parametrize("name", list(BAD))
def test_bad_input_gives_one_line_error(name):
    error, args, kwargs, fragments = BAD[name]
    with pytest.raises(error) as info:
        rnn_backward(*args, **kwargs)
    message = str(info.value)
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message, (fragment, message)


def test_good_args_pass():
    # The bad cases above differ from this call in one argument each.
    grads = rnn_backward(*_good_args())
    assert isinstance(grads, RNNGradients)


def test_readout_bad_input():
    states = np.tanh(np.ones((2, 5, 4)))
    V, c = np.ones((3, 4)), np.zeros(3)
    cases = [
        ((states, V[:, :2], c, np.zeros((2, 3))), {}, ["V", "(3, 2)", "4 units"]),
        ((states, V, c[:2], np.zeros((2, 3))), {}, ["c", "(2,)", "(3,)"]),
        ((states, V, c, np.zeros((2, 5, 3))), {}, ["targets", "(2, 5, 3)", "(2, 3)"]),
        ((states, V, c, np.zeros((2, 3))), {"steps": "all"}, ["targets", "(2, 5, 3)"]),
        ((states, V, c, np.zeros((2, 3))), {"steps": "first"}, ["steps", "first"]),
        ((states[0, 0], V, c, np.zeros(3)), {}, ["states", "(4,)"]),
    ]
    for args, kwargs, fragments in cases:
        with pytest.raises(ValueError) as info:
            readout_mse(*args, **kwargs)
        message = str(info.value)
        assert "\n" not in message
        for fragment in fragments:
            assert fragment in message, (fragment, message)
    readout_mse(states, V, c, np.zeros((2, 3)))  # the good call passes


def test_dtypes_and_inputs_unchanged():
    _, x, W, U, b, G = make_case(15, 2, 4, 3, 4)
    args32 = [a.astype(np.float32) for a in (x, W, U, b)]
    states32 = rnn_forward(*args32)
    grads32 = rnn_backward(*args32, states32, G.astype(np.float32))
    assert all(g.dtype == np.float32 for g in grads32)
    states = rnn_forward(x, W, U, b)
    copies = [a.copy() for a in (x, W, U, b, states, G)]
    grads = rnn_backward(x, W, U, b, states, G)
    assert all(g.dtype == np.float64 for g in grads)
    for original, copy in zip((x, W, U, b, states, G), copies):
        np.testing.assert_array_equal(original, copy)
    assert relative_error(grads32.dW, grads.dW) < 1e-4


def test_list_inputs():
    _, x, W, U, b, G = make_case(16, None, 4, 2, 3)
    states = rnn_forward(x, W, U, b)
    a = rnn_backward(x.tolist(), W.tolist(), U.tolist(), b.tolist(), states.tolist(), G.tolist())
    b_ = rnn_backward(x, W, U, b, states, G)
    np.testing.assert_allclose(a.dW, b_.dW)


# ----------------------------------------------------------------- clipping


def test_clip_by_global_norm_matches_tensorflow():
    rng = np.random.default_rng(17)
    grads = [
        100 * rng.standard_normal((4, 3)),
        rng.standard_normal((4, 4)),
        rng.standard_normal(4),
    ]
    clipped, norm = clip_by_global_norm(grads, 1.0)
    expected, tf_norm = tf.clip_by_global_norm([tf.constant(g) for g in grads], 1.0)
    assert norm == pytest.approx(float(tf_norm))
    assert norm == pytest.approx(np.sqrt(sum(np.sum(g**2) for g in grads)))
    for ours, theirs in zip(clipped, expected):
        np.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-12)
    assert np.sqrt(sum(np.sum(g**2) for g in clipped)) == pytest.approx(1.0)
    # Same direction: one positive factor for every array.
    factor = clipped[0] / grads[0]
    np.testing.assert_allclose(factor, factor.flat[0])
    np.testing.assert_allclose(clipped[2] / grads[2], factor.flat[0])


def test_clip_below_threshold_is_a_copy():
    grads = [np.array([0.3, 0.4])]
    clipped, norm = clip_by_global_norm(grads, 1.0)
    assert norm == pytest.approx(0.5)
    np.testing.assert_array_equal(clipped[0], grads[0])
    clipped[0][0] = 99.0
    assert grads[0][0] == 0.3  # the input is not modified


def test_clip_keeps_float32():
    clipped, _ = clip_by_global_norm((np.full(3, 10, dtype=np.float32),), 1.0)
    assert clipped[0].dtype == np.float32


@pytest.mark.parametrize(
    "grads, max_norm, error, fragment",
    [
        (np.ones(3), 1.0, TypeError, "list or tuple"),
        (RNNGradients(*(np.ones(2),) * 5), 1.0, TypeError, "grads.dW"),
        ([], 1.0, ValueError, "empty"),
        ([np.ones(2)], 0.0, ValueError, "max_norm"),
        ([np.ones(2)], -1.0, ValueError, "max_norm"),
        ([np.ones(2)], np.inf, ValueError, "max_norm"),
        ([np.ones(2)], True, TypeError, "max_norm"),
        ([np.array([1.0, np.nan])], 1.0, ValueError, "NaN"),
        ([np.array(["a"])], 1.0, TypeError, "real numbers"),
    ],
)
def test_clip_bad_input(grads, max_norm, error, fragment):
    with pytest.raises(error) as info:
        clip_by_global_norm(grads, max_norm)
    assert fragment in str(info.value) and "\n" not in str(info.value)


# ---------------------------------------------------- small linear algebra


def test_relative_error():
    assert relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error([1.0, 4.0], [1.0, 3.0]) == pytest.approx(0.25)
    # Near-zero entries do not blow it up.
    assert relative_error([1.0, 1e-20], [1.0, 2e-20]) < 1e-19
    with pytest.raises(ValueError, match="shape"):
        relative_error(np.zeros(2), np.zeros(3))


def test_spectral_radius_and_scaling():
    assert spectral_radius(np.diag([0.5, -2.0, 1.0])) == pytest.approx(2.0)
    rotation = np.array([[0.0, -1.0], [1.0, 0.0]])  # eigenvalues +-i
    assert spectral_radius(rotation) == pytest.approx(1.0)
    M = np.random.default_rng(18).standard_normal((6, 6))
    for r in (0.5, 1.0, 1.5):
        scaled = scale_to_spectral_radius(M, r)
        assert spectral_radius(scaled) == pytest.approx(r)
        np.testing.assert_allclose(scaled / M, (scaled / M).flat[0])  # a multiple of M
    with pytest.raises(ValueError, match="square"):
        spectral_radius(np.ones((2, 3)))
    with pytest.raises(ValueError, match="zero eigenvalues"):
        scale_to_spectral_radius(np.array([[0.0, 1.0], [0.0, 0.0]]), 1.0)
    with pytest.raises(ValueError, match="radius"):
        scale_to_spectral_radius(M, -1.0)


def test_random_orthogonal():
    Q = random_orthogonal(8, 0)
    np.testing.assert_allclose(Q.T @ Q, np.eye(8), atol=1e-12)
    np.testing.assert_allclose(np.abs(np.linalg.eigvals(Q)), 1.0, atol=1e-10)
    np.testing.assert_array_equal(Q, random_orthogonal(8, np.random.default_rng(0)))
    assert not np.allclose(Q, random_orthogonal(8, 1))
    with pytest.raises(ValueError, match="positive integer"):
        random_orthogonal(0)
    with pytest.raises(TypeError, match="Generator"):
        random_orthogonal(3, "seed")
