"""Backpropagation through time for the simple RNN, in NumPy (Chapter 04).

The backward pass of :func:`~rnn_course.numpy_nets.simple.rnn_forward`, a
linear readout with its loss, gradient clipping, and the spectral radius of
the recurrent matrix, which decides whether gradients vanish or explode.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from rnn_course._validate import (
    check_finite,
    positive_int,
    positive_number,
    real_array,
    seed,
)
from rnn_course.numpy_nets._loop import (
    floating_dtype,
    initial_state,
    sequences,
    start_state,
)
from rnn_course.numpy_nets.simple import _check_weights, rnn_forward


class RNNGradients(NamedTuple):
    """What :func:`rnn_backward` returns: the gradients of a loss ``L``.

    Attributes:
        dW: ``dL/dW``, ``(units, features)``, summed over time steps and sequences.
        dU: ``dL/dU``, ``(units, units)``, likewise.
        db: ``dL/db``, ``(units,)``, likewise.
        dh0: ``dL/dh_0``, ``(units,)`` for one sequence or ``(batch, units)``
            (one row per sequence; sum over axis 0 for an ``h0`` shared by
            the batch).
        dstates: ``dL/dh_t`` for every step, the shape of the states: the
            gradient that reaches each state through everything that comes
            after it, not only the loss's direct term.
    """

    dW: np.ndarray
    dU: np.ndarray
    db: np.ndarray
    dh0: np.ndarray
    dstates: np.ndarray


class ReadoutLoss(NamedTuple):
    """What :func:`readout_mse` returns: the loss, the predictions and the gradients.

    Attributes:
        loss: The mean squared error, a Python float.
        predictions: ``V h_t + c`` at the scored steps, the shape of ``targets``.
        dV: ``dL/dV``, ``(outputs, units)``.
        dc: ``dL/dc``, ``(outputs,)``.
        dstates: ``dL/dh_t`` through the readout only, the shape of the states
            (zero at unscored steps): the ``grad_states`` of :func:`rnn_backward`.
    """

    loss: float
    predictions: np.ndarray
    dV: np.ndarray
    dc: np.ndarray
    dstates: np.ndarray



def rnn_backward(
    inputs: Any,
    W: Any,
    U: Any,
    b: Any,
    states: Any,
    grad_states: Any,
    h0: Any | None = None,
    truncate: int | None = None,
) -> RNNGradients:
    """Backpropagation through time for the tanh network of :func:`rnn_forward`.

    The forward pass ``h_t = tanh(z_t)``, ``z_t = W x_t + U h_{t-1} + b``
    keeps its states; the backward pass walks back through them, from the
    last step to the first::

        delta_T     = g_T
        a_t         = delta_t * (1 - h_t**2)          # dL/dz_t
        delta_{t-1} = g_{t-1} + U.T @ a_t             # dL/dh_{t-1}
        dW = sum_t a_t x_t^T,  dU = sum_t a_t h_{t-1}^T,  db = sum_t a_t

    where ``g_t = grad_states[t]`` is the part of ``dL/dh_t`` that comes
    straight from the loss (for instance through an output layer, see
    :func:`readout_mse`). The network must use tanh: its slope is computed
    from the states as ``1 - h**2``.

    Args:
        inputs: ``(timesteps, features)`` or ``(batch, timesteps, features)``.
        W: Input weights, ``(units, features)``.
        U: Recurrent weights, ``(units, units)``.
        b: Bias, ``(units,)``.
        states: The states ``rnn_forward(inputs, W, U, b, h0)`` returned,
            ``(timesteps, units)`` or ``(batch, timesteps, units)``.
        grad_states: ``g_t``, the loss's direct gradient with respect to each
            state, the shape of ``states``. For a loss on the last state
            only, every row but the last is zero.
        h0: The initial state given to :func:`rnn_forward`, ``(units,)`` or
            ``(batch, units)``; zeros by default.
        truncate: Truncated BPTT: the gradient that arrives at step ``t`` is
            carried back through ``k = truncate`` steps only (``t, t-1, ...,
            t-k+1``); older steps get nothing from it. ``None`` (default)
            carries every gradient back to the start.

    Returns:
        An :class:`RNNGradients` ``(dW, dU, db, dh0, dstates)`` in the dtype
        of the arguments (at least float32).

    Raises:
        TypeError: An argument does not hold real numbers, or ``truncate`` is
            not an integer.
        ValueError: Shapes that do not fit together, NaN or infinite values,
            ``truncate`` < 1, or ``states`` that are not the forward pass of
            these inputs and weights.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> x = rng.standard_normal((5, 3))
        >>> W, U, b = 0.5 * rng.standard_normal((4, 3)), 0.5 * np.eye(4), np.zeros(4)
        >>> h = rnn_forward(x, W, U, b)
        >>> g = np.zeros_like(h)
        >>> g[-1] = 1.0                      # L = sum of the last state
        >>> grads = rnn_backward(x, W, U, b, h, g)
        >>> grads.dW.shape, grads.dstates.shape
        ((4, 3), (5, 4))
    """
    x, single = sequences(inputs)
    W, U, b = (real_array(name, value) for name, value in zip("WUb", (W, U, b)))
    h = real_array("states", states)
    g = real_array("grad_states", grad_states)
    _check_weights(x, W, U, b)
    units, features = W.shape
    timesteps = x.shape[-2]
    batch = 1 if single else x.shape[0]
    expected = x.shape[:-1] + (units,)
    for name, array in (("states", h), ("grad_states", g)):
        if array.shape != expected:
            raise ValueError(
                f"{name} has shape {array.shape} but inputs {x.shape} with {units} units "
                f"need {expected}, the shape rnn_forward returns."
            )
    if truncate is not None:
        if isinstance(truncate, bool) or not isinstance(truncate, (int, np.integer)):
            raise TypeError(f"truncate must be a whole number of steps or None, got {truncate!r}.")
        if truncate < 1:
            raise ValueError(f"truncate must be at least 1 step, got {truncate}.")
    arrays = [x, W, U, b, h, g]
    for name, array in zip(("inputs", "W", "U", "b", "states", "grad_states"), arrays):
        check_finite(name, array)
    if h0 is not None:
        h0 = initial_state("h0", h0, x, units)  # checks its shape and its values
        arrays.append(h0)

    dtype = floating_dtype(*arrays)
    # The states are the forward pass's cache: if they belong to other
    # weights or inputs, every gradient below would be silently wrong.
    replay = rnn_forward(x, W, U, b, h0).astype(dtype, copy=False)
    tolerance = 1e-4 if dtype == np.float32 else 1e-7
    if not np.allclose(h.astype(dtype, copy=False), replay, rtol=0.0, atol=tolerance):
        raise ValueError(
            "states are not rnn_forward(inputs, W, U, b, h0) for these arrays: "
            "pass the states of the forward pass with the same inputs, weights and h0."
        )

    x = x.astype(dtype, copy=False).reshape(batch, timesteps, features)
    h = h.astype(dtype, copy=False).reshape(batch, timesteps, units)
    g = g.astype(dtype, copy=False).reshape(batch, timesteps, units)
    U = U.astype(dtype, copy=False)
    start = start_state(h0, batch, units, dtype)
    previous = np.concatenate([start[:, None, :], h[:, :-1, :]], axis=1)  # h_{t-1}
    slope = 1.0 - h**2  # tanh'(z_t), read off the cached states

    dz = np.zeros((batch, timesteps, units), dtype=dtype)  # a_t = dL/dz_t
    dstates = np.zeros((batch, timesteps, units), dtype=dtype)  # delta_t = dL/dh_t
    dh0 = np.zeros((batch, units), dtype=dtype)
    if truncate is None or truncate >= timesteps:
        # One walk back in time carries every loss term at once. Rows are
        # sequences, so U.T @ a_t is written a_t @ U.
        delta = np.zeros((batch, units), dtype=dtype)
        for t in reversed(range(timesteps)):
            delta = delta + g[:, t]
            dstates[:, t] = delta
            dz[:, t] = delta * slope[:, t]
            delta = dz[:, t] @ U
        dh0 = delta
    else:
        # Each step's loss term has its own window of `truncate` steps, so
        # the walks cannot share one running delta.
        for source in range(timesteps):
            if not np.any(g[:, source]):
                continue
            delta = g[:, source]
            for t in range(source, max(source - truncate, -1), -1):
                dstates[:, t] += delta
                a = delta * slope[:, t]
                dz[:, t] += a
                delta = a @ U
            if source - truncate < 0:  # the window reached h_0
                dh0 += delta

    flat_dz = dz.reshape(-1, units)
    dW = flat_dz.T @ x.reshape(-1, features)
    dU = flat_dz.T @ previous.reshape(-1, units)
    db = flat_dz.sum(axis=0)
    if single:
        return RNNGradients(dW, dU, db, dh0[0], dstates[0])
    return RNNGradients(dW, dU, db, dh0, dstates)


def readout_mse(
    states: Any, V: Any, c: Any, targets: Any, steps: str = "last"
) -> ReadoutLoss:
    """A linear output layer on the states and its mean squared error, with gradients.

    Predictions are ``y_t = V h_t + c``, at the last step only
    (``steps="last"``, a many-to-one network) or at every step
    (``steps="all"``, many-to-many). The loss is the mean of
    ``(y - target)**2`` over every scored number (sequences, steps and
    outputs), the value of ``keras.losses.MeanSquaredError()``.

    Args:
        states: ``(timesteps, units)`` or ``(batch, timesteps, units)``.
        V: Output weights, ``(outputs, units)``.
        c: Output bias, ``(outputs,)``.
        targets: With ``steps="last"``: ``(outputs,)`` or ``(batch, outputs)``.
            With ``steps="all"``: the states' shape with ``outputs`` last.
        steps: ``"last"`` or ``"all"``.

    Returns:
        A :class:`ReadoutLoss` ``(loss, predictions, dV, dc, dstates)``;
        ``dstates`` is the ``grad_states`` argument of :func:`rnn_backward`.

    Raises:
        TypeError: An argument does not hold real numbers.
        ValueError: Shapes that do not fit, NaN or infinite values, or an
            unknown ``steps``.
    """
    if steps not in ("last", "all"):
        raise ValueError(f"steps must be 'last' or 'all', got {steps!r}.")
    h = real_array("states", states)
    V = real_array("V", V)
    c = real_array("c", c)
    y = real_array("targets", targets)
    if h.ndim not in (2, 3) or 0 in h.shape:
        raise ValueError(
            "states must be (timesteps, units) or (batch, timesteps, units), "
            f"got shape {h.shape}."
        )
    units = h.shape[-1]
    if V.ndim != 2 or V.shape[1] != units:
        raise ValueError(
            f"V has shape {V.shape} but the states {h.shape} have {units} units: "
            f"V must be (outputs, units) = (outputs, {units})."
        )
    outputs = V.shape[0]
    if c.shape != (outputs,):
        raise ValueError(
            f"c has shape {c.shape} but V {V.shape} has {outputs} outputs: c must be ({outputs},)."
        )
    scored = h[..., -1, :] if steps == "last" else h
    expected = scored.shape[:-1] + (outputs,)
    if y.shape != expected:
        raise ValueError(
            f"targets have shape {y.shape} but steps={steps!r} on states {h.shape} "
            f"with {outputs} outputs needs {expected}."
        )
    for name, array in (("states", h), ("V", V), ("c", c), ("targets", y)):
        check_finite(name, array)
    dtype = floating_dtype(h, V, c, y)
    h, V, c, y = (a.astype(dtype, copy=False) for a in (h, V, c, y))
    scored = h[..., -1, :] if steps == "last" else h

    predictions = scored @ V.T + c
    error = predictions - y
    loss = float(np.mean(error**2))
    d_pred = 2.0 * error / error.size  # dL/dy for the mean over every number
    flat_d = d_pred.reshape(-1, outputs)
    dV = flat_d.T @ scored.reshape(-1, units)
    dc = flat_d.sum(axis=0)
    dstates = np.zeros_like(h)
    if steps == "last":
        dstates[..., -1, :] = d_pred @ V
    else:
        dstates[...] = d_pred @ V
    return ReadoutLoss(loss, predictions, dV, dc, dstates)


def clip_by_global_norm(grads: Any, max_norm: float) -> tuple[list[np.ndarray], float]:
    """Rescale a list of gradients so that their joint norm is at most ``max_norm``.

    With ``n = sqrt(sum of every squared entry of every array)``, the global
    norm, every array is multiplied by ``max_norm / n`` when ``n > max_norm``
    and left alone otherwise: the direction of the whole update is kept,
    only its length is capped. This is ``tf.clip_by_global_norm`` and what
    Keras optimisers do with ``global_clipnorm=max_norm``.

    Args:
        grads: A list or tuple of arrays, for example ``[dW, dU, db]``.
        max_norm: The largest global norm allowed, a positive number.

    Returns:
        ``(clipped, n)``: new arrays (the inputs are not modified) and the
        global norm *before* clipping.

    Raises:
        TypeError: ``grads`` is not a list or tuple of arrays of real numbers
            (a single array or an :class:`RNNGradients` included), or
            ``max_norm`` is not a number.
        ValueError: ``grads`` is empty, holds NaN or infinite values, or
            ``max_norm`` is not a positive finite number.
    """
    if isinstance(grads, RNNGradients):
        raise TypeError(
            "pass the parameter gradients [grads.dW, grads.dU, grads.db], "
            "not the whole RNNGradients (its dstates and dh0 are not parameters)."
        )
    if not isinstance(grads, (list, tuple)):
        raise TypeError(
            "grads must be a list or tuple of arrays such as [dW, dU, db], "
            f"got {type(grads).__name__}."
        )
    if len(grads) == 0:
        raise ValueError("grads is empty: pass at least one gradient array.")
    max_norm = positive_number("max_norm", max_norm)
    arrays = []
    for i, grad in enumerate(grads):
        array = real_array(f"grads[{i}]", grad)
        check_finite(f"grads[{i}]", array)
        arrays.append(array.astype(floating_dtype(array), copy=True))
    norm = float(np.sqrt(sum(float(np.sum(np.square(a, dtype=np.float64))) for a in arrays)))
    if norm > max_norm:
        scale = max_norm / norm
        arrays = [a * a.dtype.type(scale) for a in arrays]
    return arrays, norm


def relative_error(a: Any, b: Any) -> float:
    """Largest absolute difference of two arrays, relative to their largest entry.

    ``max|a - b| / max(max|a|, max|b|)``, 0 when both are zero. One number
    for a whole gradient, robust to entries that are nearly zero (an
    entry-by-entry relative error blows up there).

    Args:
        a, b: Arrays of the same shape.

    Returns:
        The relative error, a Python float.

    Raises:
        ValueError: The shapes differ or an array holds NaN/infinite values.
    """
    a = real_array("a", a).astype(np.float64)
    b = real_array("b", b).astype(np.float64)
    if a.shape != b.shape:
        raise ValueError(
            f"a has shape {a.shape} but b has shape {b.shape}: compare like with like."
        )
    check_finite("a", a)
    check_finite("b", b)
    if a.size == 0:
        return 0.0
    scale = max(float(np.max(np.abs(a))), float(np.max(np.abs(b))))
    if scale == 0.0:
        return 0.0
    return float(np.max(np.abs(a - b))) / scale


def _square_matrix(name: str, matrix: Any) -> np.ndarray:
    M = real_array(name, matrix)
    if M.ndim != 2 or M.shape[0] != M.shape[1] or M.shape[0] == 0:
        raise ValueError(f"{name} must be a non-empty square matrix, got shape {M.shape}.")
    check_finite(name, M)
    return M


def spectral_radius(matrix: Any) -> float:
    """The largest modulus of the eigenvalues of a square matrix.

    For a recurrent matrix ``U`` it says, roughly, by how much ``U`` stretches
    (above 1) or shrinks (below 1) a vector applied again and again.

    Raises:
        ValueError: ``matrix`` is not a non-empty square matrix of finite numbers.
    """
    M = _square_matrix("matrix", matrix)
    return float(np.max(np.abs(np.linalg.eigvals(M))))


def scale_to_spectral_radius(matrix: Any, radius: float) -> np.ndarray:
    """Multiply a square matrix by a number so that its spectral radius is ``radius``.

    Args:
        matrix: A square matrix with a non-zero eigenvalue.
        radius: The spectral radius wanted, a positive number.

    Returns:
        ``matrix * radius / spectral_radius(matrix)``, in float64 (float32
        stays float32).

    Raises:
        TypeError: ``radius`` is not a number.
        ValueError: ``matrix`` is not square, its eigenvalues are all zero,
            or ``radius`` is not a positive finite number.
    """
    M = _square_matrix("matrix", matrix)
    radius = positive_number("radius", radius)
    current = spectral_radius(M)
    if current == 0.0:
        raise ValueError(
            "matrix has only zero eigenvalues: no scaling gives it a spectral "
            "radius.")
    M = M.astype(floating_dtype(M), copy=False)
    return M * M.dtype.type(radius / current)


def random_orthogonal(n: int, rng: Any = None) -> np.ndarray:
    """A random orthogonal matrix ``(n, n)``, ``Q.T @ Q = I``, uniform over all of them.

    It is ``Q`` of the QR decomposition of a Gaussian matrix, with its
    columns' signs fixed by the diagonal of ``R``; Keras's ``"orthogonal"``
    initialiser (the default for ``SimpleRNN``'s recurrent matrix) draws
    matrices the same way. All its eigenvalues and singular values have
    modulus 1.

    Args:
        n: The size, a positive integer.
        rng: A ``np.random.Generator``, an integer seed, or ``None``.

    Returns:
        A float64 array ``(n, n)``.

    Raises:
        TypeError: ``n`` is not an integer, or ``rng`` is neither a
            Generator, an integer nor ``None``.
        ValueError: ``n`` is below 1.
    """
    n = positive_int("n", n)
    if rng is None or (isinstance(rng, (int, np.integer)) and not isinstance(rng, bool)):
        rng = np.random.default_rng(None if rng is None else seed("rng", rng))
    elif not isinstance(rng, np.random.Generator):
        raise TypeError(
            "rng must be a np.random.Generator, an integer seed or None, got "
            f"{type(rng).__name__}."
        )
    Q, R = np.linalg.qr(rng.standard_normal((n, n)))
    signs = np.sign(np.diag(R))
    signs[signs == 0] = 1.0
    return Q * signs


