"""A character-level language model in NumPy: the simple RNN, a softmax, and Adam (Chapter 11).

The network reads one character per step, as a one-hot vector, and
predicts the next one::

    h_t = tanh(W x_t + U h_{t-1} + b)          (rnn_forward)
    z_t = V h_t + c                            logits, one per character
    p_t = softmax(z_t)
    L   = -mean_t log p_t[y_t]                 cross-entropy, in nats

Its backward pass is Chapter 04's :func:`~rnn_course.numpy_nets.rnn_backward`,
fed by the softmax's gradient, ``dL/dz_t = (p_t - onehot(y_t)) / N``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from rnn_course import _validate
from rnn_course._validate import (
    check_finite,
    finite_number,
    positive_int,
    positive_number,
    real_array,
)
from rnn_course.numpy_nets.bptt import random_orthogonal, rnn_backward
from rnn_course.numpy_nets.simple import rnn_forward


class SoftmaxLoss(NamedTuple):
    """What :func:`softmax_cross_entropy` returns.

    Attributes:
        loss: The mean cross-entropy in nats per character, a Python float.
        probabilities: ``softmax(V h_t + c)``, the states' shape with
            ``vocab`` last.
        dV: ``dL/dV``, ``(vocab, units)``.
        dc: ``dL/dc``, ``(vocab,)``.
        dstates: ``dL/dh_t`` through the readout, the states' shape: the
            ``grad_states`` of :func:`~rnn_course.numpy_nets.rnn_backward`.
    """

    loss: float
    probabilities: np.ndarray
    dV: np.ndarray
    dc: np.ndarray
    dstates: np.ndarray


class CharRNNParams(NamedTuple):
    """The weights of the character-level RNN (course convention, as ``rnn_forward``).

    ``W (units, vocab)``, ``U (units, units)``, ``b (units,)``, then the
    readout ``V (vocab, units)`` and ``c (vocab,)``. Its gradients come in
    the same record.
    """

    W: np.ndarray
    U: np.ndarray
    b: np.ndarray
    V: np.ndarray
    c: np.ndarray


class CharRNNResult(NamedTuple):
    """What :func:`char_rnn_loss` returns: the loss, the gradients, the last state."""

    loss: float
    grads: CharRNNParams
    last_state: np.ndarray


def _targets(name: str, value: Any, shape: tuple[int, ...], vocab: int) -> np.ndarray:
    array = real_array(name, value)
    if not np.issubdtype(array.dtype, np.integer):
        raise TypeError(f"{name} must hold integer character ids, got dtype {array.dtype}.")
    if array.shape != shape:
        raise ValueError(f"{name} has shape {array.shape}, expected {shape}.")
    if array.size and (array.min() < 0 or array.max() >= vocab):
        raise ValueError(f"{name} must hold ids from 0 to {vocab - 1}.")
    return array.astype(np.int64, copy=False)


def softmax_cross_entropy(states: Any, V: Any, c: Any, targets: Any) -> SoftmaxLoss:
    """A softmax readout over characters, its cross-entropy and its gradients.

    ``p_t = softmax(V h_t + c)`` at every step, and the loss is the mean of
    ``-log p_t[y_t]`` over every step of every sequence: the value of
    ``keras.losses.SparseCategoricalCrossentropy(from_logits=True)``.

    Args:
        states: ``(timesteps, units)`` or ``(batch, timesteps, units)``.
        V: Readout weights, ``(vocab, units)``.
        c: Readout bias, ``(vocab,)``.
        targets: The next character's id at every step, the states' shape
            without ``units``.

    Returns:
        A :class:`SoftmaxLoss` ``(loss, probabilities, dV, dc, dstates)``.
    """
    h = real_array("states", states)
    V = real_array("V", V)
    c = real_array("c", c)
    if h.ndim not in (2, 3) or 0 in h.shape:
        raise ValueError(
            f"states must be (timesteps, units) or (batch, timesteps, units), got {h.shape}."
        )
    if V.ndim != 2 or V.shape[1] != h.shape[-1] or V.shape[0] == 0:
        raise ValueError(f"V must be (vocab, units) with units={h.shape[-1]}, got {V.shape}.")
    vocab = V.shape[0]
    if c.shape != (vocab,):
        raise ValueError(f"c must be (vocab,) = ({vocab},), got {c.shape}.")
    y = _targets("targets", targets, h.shape[:-1], vocab)
    for name, array in (("states", h), ("V", V), ("c", c)):
        check_finite(name, array)

    flat_h = h.reshape(-1, h.shape[-1]).astype(np.float64, copy=False)
    z = flat_h @ V.T + c
    z -= z.max(axis=1, keepdims=True)
    e = np.exp(z)
    p = e / e.sum(axis=1, keepdims=True)
    rows = np.arange(len(p))
    flat_y = y.reshape(-1)
    loss = float(-np.mean(np.log(p[rows, flat_y])))
    dz = p.copy()
    dz[rows, flat_y] -= 1.0
    dz /= len(p)
    dV = dz.T @ flat_h
    dc = dz.sum(axis=0)
    dstates = (dz @ V).reshape(h.shape)
    return SoftmaxLoss(loss, p.reshape(h.shape[:-1] + (vocab,)), dV, dc, dstates)


def init_char_rnn(vocab_size: int, units: int, seed: int = 0) -> CharRNNParams:
    """Initial weights: Glorot-uniform ``W`` and ``V``, orthogonal ``U``, zero biases.

    The same choices as Keras's ``SimpleRNN`` and ``Dense`` layers.

    Args:
        vocab_size: The number of characters.
        units: The size of the hidden state.
        seed: Seed of ``np.random.default_rng``.

    Returns:
        A :class:`CharRNNParams` of float64 arrays.
    """
    vocab_size = positive_int("vocab_size", vocab_size)
    units = positive_int("units", units)
    rng = np.random.default_rng(_validate.seed("seed", seed))
    limit = np.sqrt(6.0 / (vocab_size + units))
    W = rng.uniform(-limit, limit, (units, vocab_size))
    U = random_orthogonal(units, rng)
    V = rng.uniform(-limit, limit, (vocab_size, units))
    return CharRNNParams(W, U, np.zeros(units), V, np.zeros(vocab_size))


def _check_params(params: Any) -> CharRNNParams:
    if not isinstance(params, CharRNNParams):
        raise TypeError(
            f"params must be a CharRNNParams (from init_char_rnn), got {type(params).__name__}."
        )
    return params


def _ids_batch(name: str, value: Any, vocab: int) -> np.ndarray:
    array = real_array(name, value)
    if array.ndim != 2 or 0 in array.shape:
        raise ValueError(f"{name} must be (batch, timesteps) character ids, got {array.shape}.")
    return _targets(name, array, array.shape, vocab)


def char_rnn_loss(
    params: CharRNNParams, inputs: Any, targets: Any, h0: Any | None = None
) -> CharRNNResult:
    """The loss of the character-level RNN on a batch, and its gradients.

    The inputs are one-hot encoded, run through
    :func:`~rnn_course.numpy_nets.rnn_forward`, scored by
    :func:`softmax_cross_entropy`, and the gradient goes back through
    :func:`~rnn_course.numpy_nets.rnn_backward`. Starting from ``h0`` (the
    last state of the previous window) without passing a gradient into it
    is truncated backpropagation through time.

    Args:
        params: A :class:`CharRNNParams`.
        inputs: Character ids ``(batch, timesteps)``.
        targets: The next character's ids, the same shape.
        h0: The initial state, ``(batch, units)``; zeros by default.

    Returns:
        A :class:`CharRNNResult` ``(loss, grads, last_state)``: the mean
        cross-entropy in nats, the gradients as a :class:`CharRNNParams`,
        and the state after the last step ``(batch, units)``.
    """
    W, U, b, V, c = _check_params(params)
    vocab = V.shape[0]
    x_ids = _ids_batch("inputs", inputs, vocab)
    y = _targets("targets", targets, x_ids.shape, vocab)
    x = np.eye(vocab)[x_ids]  # (batch, timesteps, vocab), one-hot
    states = rnn_forward(x, W, U, b, h0)
    readout = softmax_cross_entropy(states, V, c, y)
    grads = rnn_backward(x, W, U, b, states, readout.dstates, h0)
    return CharRNNResult(
        readout.loss,
        CharRNNParams(grads.dW, grads.dU, grads.db, readout.dV, readout.dc),
        states[:, -1],
    )


def char_rnn_step(
    params: CharRNNParams, ids: Any, h: Any | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """One step of the network for generation: ``(logits, new_state)``.

    Args:
        params: A :class:`CharRNNParams`.
        ids: The current character of each row, ``(batch,)``.
        h: The state ``(batch, units)``; zeros when ``None``.

    Returns:
        The next character's logits ``(batch, vocab)`` and the new state
        ``(batch, units)``.
    """
    W, U, b, V, c = _check_params(params)
    ids = real_array("ids", ids)
    if ids.ndim != 1 or ids.size == 0:
        raise ValueError(f"ids must be a 1-D array of character ids, got shape {ids.shape}.")
    ids = _targets("ids", ids, ids.shape, V.shape[0])
    x = np.eye(V.shape[0])[ids][:, None, :]  # (batch, 1, vocab)
    new_h = rnn_forward(x, W, U, b, h)[:, -1]
    return new_h @ V.T + c, new_h


class Adam:
    """The Adam optimiser for a list (or named tuple) of NumPy arrays.

    ``m`` and ``v`` are running means of the gradient and of its square;
    each step moves every weight by ``learning_rate * m_hat / (sqrt(v_hat) +
    eps)``, where ``m_hat`` and ``v_hat`` correct the means' start at zero
    (Kingma and Ba, 2015). This is what ``keras.optimizers.Adam`` computes.

    Args:
        learning_rate: The step size, a positive number.
        beta_1, beta_2: Decay rates of the two means, in ``[0, 1)``.
        epsilon: Keeps the division finite, a positive number.
    """

    def __init__(self, learning_rate: float = 1e-3, beta_1: float = 0.9,
                 beta_2: float = 0.999, epsilon: float = 1e-7) -> None:
        self.learning_rate = positive_number("learning_rate", learning_rate)
        for name, beta in (("beta_1", beta_1), ("beta_2", beta_2)):
            value = finite_number(name, beta)
            if not 0 <= value < 1:
                raise ValueError(f"{name} must be in [0, 1), got {beta!r}.")
        self.beta_1, self.beta_2 = float(beta_1), float(beta_2)
        self.epsilon = positive_number("epsilon", epsilon)
        self.iterations = 0
        self._m: list[np.ndarray] | None = None
        self._v: list[np.ndarray] | None = None

    def update(self, params: Sequence[np.ndarray], grads: Sequence[np.ndarray]) -> Any:
        """Return the weights after one step (a new record of ``params``'s type)."""
        if len(params) != len(grads):
            raise ValueError(f"params has {len(params)} arrays but grads has {len(grads)}.")
        if self._m is None:
            self._m = [np.zeros_like(p, dtype=np.float64) for p in params]
            self._v = [np.zeros_like(p, dtype=np.float64) for p in params]
        self.iterations += 1
        t = self.iterations
        scale = self.learning_rate * np.sqrt(1 - self.beta_2**t) / (1 - self.beta_1**t)
        new = []
        for i, (p, g) in enumerate(zip(params, grads)):
            self._m[i] = self.beta_1 * self._m[i] + (1 - self.beta_1) * g
            self._v[i] = self.beta_2 * self._v[i] + (1 - self.beta_2) * g * g
            new.append(p - scale * self._m[i] / (np.sqrt(self._v[i]) + self.epsilon))
        return type(params)(*new) if hasattr(params, "_fields") else new
