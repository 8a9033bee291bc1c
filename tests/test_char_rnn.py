"""The character-level RNN in NumPy: its softmax readout, its gradients, Adam.

The gradients of ``char_rnn_loss`` (Chapter 04's ``rnn_backward`` fed by the
softmax's gradient) are checked against TensorFlow's automatic
differentiation in float64 and against central finite differences.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from rnn_course.numpy_nets import (
    Adam,
    CharRNNParams,
    char_rnn_loss,
    char_rnn_step,
    init_char_rnn,
    relative_error,
    rnn_forward,
    softmax_cross_entropy,
)

VOCAB, UNITS = 7, 5


def case(seed=0, batch=3, timesteps=6):
    rng = np.random.default_rng(seed)
    params = init_char_rnn(VOCAB, UNITS, seed=seed)
    # Non-zero biases, so that a gradient that forgets them shows.
    params = params._replace(b=0.3 * rng.standard_normal(UNITS),
                             c=0.3 * rng.standard_normal(VOCAB))
    x = rng.integers(0, VOCAB, (batch, timesteps))
    y = rng.integers(0, VOCAB, (batch, timesteps))
    h0 = rng.uniform(-0.5, 0.5, (batch, UNITS))
    return params, x, y, h0


def tape_gradients(params, x, y, h0):
    """The loss and gradients by tf.GradientTape, in float64, sharing no code."""
    variables = [tf.Variable(p, dtype=tf.float64) for p in params]
    W, U, b, V, c = variables
    onehot = tf.one_hot(x, VOCAB, dtype=tf.float64)
    with tf.GradientTape() as tape:
        h = tf.constant(h0, tf.float64)
        logits = []
        for t in range(x.shape[1]):
            h = tf.tanh(onehot[:, t] @ tf.transpose(W) + h @ tf.transpose(U) + b)
            logits.append(h @ tf.transpose(V) + c)
        logits = tf.stack(logits, axis=1)
        loss = tf.reduce_mean(
            tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    return float(loss), [g.numpy() for g in tape.gradient(loss, variables)]


@pytest.mark.parametrize("seed, batch, timesteps", [(0, 3, 6), (1, 1, 1), (2, 4, 9)])
def test_gradients_match_gradient_tape(seed, batch, timesteps):
    params, x, y, h0 = case(seed, batch, timesteps)
    result = char_rnn_loss(params, x, y, h0)
    loss, grads = tape_gradients(params, x, y, h0)
    assert result.loss == pytest.approx(loss, rel=1e-12)
    for name, ours, theirs in zip(CharRNNParams._fields, result.grads, grads):
        assert ours.shape == theirs.shape
        assert relative_error(ours, theirs) < 1e-10, name


def test_gradients_match_finite_differences():
    params, x, y, h0 = case(3)
    result = char_rnn_loss(params, x, y, h0)
    rng = np.random.default_rng(0)
    eps = 1e-6
    for k, name in enumerate(CharRNNParams._fields):
        for index in map(tuple, rng.integers(0, params[k].shape, (4, params[k].ndim))):
            plus = [p.copy() for p in params]
            minus = [p.copy() for p in params]
            plus[k][index] += eps
            minus[k][index] -= eps
            numeric = (char_rnn_loss(CharRNNParams(*plus), x, y, h0).loss
                       - char_rnn_loss(CharRNNParams(*minus), x, y, h0).loss) / (2 * eps)
            assert result.grads[k][index] == pytest.approx(numeric, abs=1e-8), (name, index)


def test_no_gradient_flows_into_h0_and_last_state_is_the_forward_pass():
    params, x, y, h0 = case(4)
    result = char_rnn_loss(params, x, y, h0)
    states = rnn_forward(np.eye(VOCAB)[x], params.W, params.U, params.b, h0)
    np.testing.assert_allclose(result.last_state, states[:, -1])
    # Zero h0 by default.
    np.testing.assert_allclose(char_rnn_loss(params, x, y).loss,
                               char_rnn_loss(params, x, y, np.zeros_like(h0)).loss)


def test_softmax_cross_entropy_is_keras_sparse_categorical_crossentropy():
    rng = np.random.default_rng(5)
    h = rng.standard_normal((2, 4, UNITS))
    V, c = rng.standard_normal((VOCAB, UNITS)), rng.standard_normal(VOCAB)
    y = rng.integers(0, VOCAB, (2, 4))
    out = softmax_cross_entropy(h, V, c, y)
    keras_loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(y, h @ V.T + c)
    assert out.loss == pytest.approx(float(keras_loss), rel=1e-6)
    np.testing.assert_allclose(out.probabilities.sum(axis=-1), 1.0)
    assert out.dstates.shape == h.shape and out.dV.shape == V.shape
    # One sequence, without a batch axis.
    single = softmax_cross_entropy(h[0], V, c, y[0])
    assert single.probabilities.shape == (4, VOCAB)


def test_step_by_step_equals_the_whole_sequence():
    params, x, _, h0 = case(6)
    h = h0
    for t in range(x.shape[1]):
        logits, h = char_rnn_step(params, x[:, t], h)
    states = rnn_forward(np.eye(VOCAB)[x], params.W, params.U, params.b, h0)
    np.testing.assert_allclose(h, states[:, -1])
    np.testing.assert_allclose(logits, states[:, -1] @ params.V.T + params.c)


def test_adam_takes_the_steps_of_keras_adam():
    rng = np.random.default_rng(7)
    w = [rng.standard_normal((3, 2)), rng.standard_normal(2)]
    grads = [[rng.standard_normal(a.shape) for a in w] for _ in range(3)]
    ours = Adam(learning_rate=0.1)
    weights = list(w)
    for g in grads:
        weights = ours.update(weights, g)
    variables = [keras.Variable(a.astype(np.float32)) for a in w]
    theirs = keras.optimizers.Adam(learning_rate=0.1)
    for g in grads:
        theirs.apply_gradients(zip([a.astype(np.float32) for a in g], variables))
    for a, v in zip(weights, variables):
        np.testing.assert_allclose(a, np.asarray(v), rtol=1e-5, atol=1e-6)
    assert ours.iterations == 3
    record = Adam(0.01).update(init_char_rnn(VOCAB, UNITS), init_char_rnn(VOCAB, UNITS))
    assert isinstance(record, CharRNNParams)


def test_training_a_few_steps_lowers_the_loss():
    params = init_char_rnn(4, 8, seed=0)
    text = np.tile([0, 1, 2, 3], 20)
    x, y = text[:-1].reshape(1, -1), text[1:].reshape(1, -1)
    opt = Adam(0.05)
    first = char_rnn_loss(params, x, y).loss
    for _ in range(30):
        params = opt.update(params, char_rnn_loss(params, x, y).grads)
    assert char_rnn_loss(params, x, y).loss < 0.2 * first


@pytest.mark.parametrize("call, error", [
    (lambda p: char_rnn_loss(tuple(p), [[1]], [[1]]), TypeError),
    (lambda p: char_rnn_loss(p, [[1.5]], [[1]]), TypeError),
    (lambda p: char_rnn_loss(p, [1, 2], [1, 2]), ValueError),
    (lambda p: char_rnn_loss(p, [[1, 2]], [[1]]), ValueError),
    (lambda p: char_rnn_loss(p, [[1, VOCAB]], [[1, 2]]), ValueError),
    (lambda p: char_rnn_step(p, [[1]]), ValueError),
    (lambda p: softmax_cross_entropy(np.zeros((2, UNITS)), p.V, p.c, [0, VOCAB]), ValueError),
    (lambda p: Adam(0.1).update(list(p), list(p)[:2]), ValueError),
])
def test_bad_calls_raise_one_line(call, error):
    with pytest.raises(error) as info:
        call(init_char_rnn(VOCAB, UNITS))
    assert "\n" not in str(info.value)
