"""Reference recurrent networks written in NumPy.

The functions here are the course's ground truth: chapters compare Keras
layers against them and the exercise checkers compare students' code against
them. They favour clarity and careful input checks over speed, but they are
vectorised over the batch, so they are fast enough for small experiments.

Course convention for the weights of a simple RNN with ``features`` inputs
and ``units`` hidden units (the same as in the equations of the chapters):

- ``W``: ``(units, features)``, input-to-hidden weights;
- ``U``: ``(units, units)``, hidden-to-hidden (recurrent) weights;
- ``b``: ``(units,)``, bias;

and one step is ``h_t = tanh(W @ x_t + U @ h_{t-1} + b)``.

Keras stores the same weights transposed (``kernel`` is ``(features, units)``
and the layer computes ``x_t @ kernel + h_{t-1} @ recurrent_kernel + bias``):
:func:`simple_rnn_params` and :func:`set_simple_rnn_params` convert between
the two.
"""

from __future__ import annotations

from typing import Any, Callable, NamedTuple

import numpy as np

from rnn_course._validate import check_finite as _check_finite
from rnn_course._validate import real_array as _as_real_array
from rnn_course._validate import seed as _seed

__all__ = [
    "RNNGradients",
    "ReadoutLoss",
    "clip_by_global_norm",
    "random_orthogonal",
    "readout_mse",
    "relative_error",
    "rnn_backward",
    "rnn_forward",
    "scale_to_spectral_radius",
    "set_simple_rnn_params",
    "simple_rnn_param_count",
    "simple_rnn_params",
    "spectral_radius",
    # Chapter 7: gated networks
    "GRUGates",
    "GRUParams",
    "LSTMGates",
    "LSTMParams",
    "gru_forward",
    "gru_gates",
    "gru_param_count",
    "gru_params",
    "lstm_forward",
    "lstm_gates",
    "lstm_param_count",
    "lstm_params",
    "set_gru_params",
    "set_lstm_params",
]

Activation = Callable[[np.ndarray], np.ndarray]


def _as_initial_state(name: str, value: Any, x: np.ndarray, units: int) -> np.ndarray:
    """``value`` as an initial state for inputs ``x``, or a one-line ValueError.

    A single sequence ``(timesteps, features)`` takes ``(units,)``; a batch
    ``(batch, timesteps, features)`` takes ``(units,)`` (shared) or
    ``(batch, units)``.
    """
    array = _as_real_array(name, value)
    allowed = [(units,)] if x.ndim == 2 else [(units,), (x.shape[0], units)]
    if array.shape not in allowed:
        expected = " or ".join(str(shape) for shape in allowed)
        raise ValueError(
            f"{name} has shape {array.shape} but inputs of shape {x.shape} with "
            f"{units} units need {name} of shape {expected}."
        )
    return array


def _check_recurrent_weights(W: np.ndarray, U: np.ndarray, b: np.ndarray) -> None:
    """Raise a one-line ValueError unless U is (units, units) and b is (units,).

    ``units`` is read from ``W``, which is ``(units, features)``.
    """
    units = W.shape[0]
    if U.shape != (units, units):
        raise ValueError(
            f"U has shape {U.shape} but W of shape {W.shape} has {units} units: "
            f"U must be (units, units) = ({units}, {units})."
        )
    if b.shape != (units,):
        raise ValueError(
            f"b has shape {b.shape} but W of shape {W.shape} has {units} units: "
            f"b must be (units,) = ({units},)."
        )


def rnn_forward(
    inputs: Any,
    W: Any,
    U: Any,
    b: Any,
    h0: Any | None = None,
    activation: Activation = np.tanh,
) -> np.ndarray:
    """Run a simple (Elman) recurrent network over whole sequences.

    Computes, for every time step ``t``::

        h_t = activation(W @ x_t + U @ h_{t-1} + b)

    and returns every hidden state ``h_1, ..., h_T``, like
    ``keras.layers.SimpleRNN(units, return_sequences=True)``. A batch is
    processed at once: one matrix product per time step for all the
    sequences, never a Python loop over the sequences.

    Args:
        inputs: One sequence ``(timesteps, features)`` or a batch of
            sequences ``(batch, timesteps, features)``.
        W: Input weights, ``(units, features)``.
        U: Recurrent weights, ``(units, units)``.
        b: Bias, ``(units,)``.
        h0: Initial state, ``(units,)`` (shared by every sequence) or
            ``(batch, units)`` (one per sequence). Defaults to zeros.
        activation: Element-wise function applied to the pre-activation,
            ``np.tanh`` by default (the Keras default too).

    Returns:
        The hidden states, ``(timesteps, units)`` for one sequence or
        ``(batch, timesteps, units)`` for a batch. The dtype is the common
        floating type of the arguments (``float32`` if they all are).

    Raises:
        TypeError: An argument does not hold real numbers, or ``activation``
            is not callable.
        ValueError: Wrong number of dimensions, shapes that do not fit
            together, an empty sequence or batch, or NaN/infinite values.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> x = rng.standard_normal((8, 5, 3))   # 8 sequences, 5 steps, 3 features
        >>> W, U, b = rng.standard_normal((4, 3)), np.eye(4), np.zeros(4)
        >>> rnn_forward(x, W, U, b).shape
        (8, 5, 4)
    """
    if not callable(activation):
        raise TypeError(f"activation must be callable, got {type(activation).__name__}.")
    x = _as_real_array("inputs", inputs)
    W = _as_real_array("W", W)
    U = _as_real_array("U", U)
    b = _as_real_array("b", b)

    if x.ndim not in (2, 3):
        raise ValueError(
            "inputs must be (timesteps, features) or (batch, timesteps, features), "
            f"got shape {x.shape} ({x.ndim} dimensions)."
        )
    if W.ndim != 2:
        raise ValueError(f"W must be (units, features), got shape {W.shape}.")
    units, w_features = W.shape
    features = x.shape[-1]
    timesteps = x.shape[-2]
    single = x.ndim == 2
    batch = 1 if single else x.shape[0]

    if timesteps == 0:
        raise ValueError(f"inputs of shape {x.shape} hold an empty sequence (0 timesteps).")
    if batch == 0:
        raise ValueError(f"inputs of shape {x.shape} hold an empty batch (0 sequences).")
    if features == 0 or units == 0:
        raise ValueError(
            f"inputs {x.shape} and W {W.shape} need at least one feature and one unit."
        )
    if w_features != features:
        raise ValueError(
            f"W has shape {W.shape} but inputs of shape {x.shape} have {features} "
            f"features: W must be (units, features) = ({units}, {features})."
        )
    _check_recurrent_weights(W, U, b)

    arrays = [x, W, U, b]
    if h0 is not None:
        h0 = _as_initial_state("h0", h0, x, units)
        arrays.append(h0)

    for name, array in zip(("inputs", "W", "U", "b", "h0"), arrays):
        _check_finite(name, array)

    # At least float32 (float16 is the smallest float, so integers become
    # float64), and float32 stays float32 so comparisons with Keras are fair.
    dtype = np.result_type(*arrays, np.float16)
    if dtype == np.float16:
        dtype = np.dtype(np.float32)
    x = x.astype(dtype, copy=False).reshape(batch, timesteps, features)
    W, U, b = (a.astype(dtype, copy=False) for a in (W, U, b))

    if h0 is None:
        state = np.zeros((batch, units), dtype=dtype)
    else:
        state = np.broadcast_to(h0.astype(dtype, copy=False), (batch, units))

    # The input term does not depend on the state, so every time step of
    # every sequence is projected in one matrix product; only U @ h_{t-1}
    # has to wait for the past. Rows are sequences, hence x @ W.T instead of
    # W @ x. Time-major order makes each step's slice contiguous in memory.
    x_time_major = x.transpose(1, 0, 2).reshape(timesteps * batch, features)
    input_term = (x_time_major @ W.T + b).reshape(timesteps, batch, units)
    U_T = np.ascontiguousarray(U.T)

    outputs = []
    for t in range(timesteps):
        pre_activation = input_term[t] + state @ U_T
        state = np.asarray(activation(pre_activation))
        if state.shape != pre_activation.shape:
            raise ValueError(
                f"activation changed the shape from {pre_activation.shape} to "
                f"{state.shape}; it must work element by element."
            )
        outputs.append(state)

    # np.stack adds the time axis; np.concatenate would glue the states end
    # to end and lose it.
    hidden = np.stack(outputs, axis=1)  # (batch, timesteps, units)
    return hidden[0] if single else hidden


def _require_built_simple_rnn(layer: Any) -> None:
    import keras

    if not isinstance(layer, keras.layers.SimpleRNN):
        raise TypeError(
            f"Expected a keras.layers.SimpleRNN layer, got {type(layer).__name__}."
        )
    if not layer.built:
        raise ValueError(
            f"SimpleRNN layer {layer.name!r} is not built yet: call it on data "
            "(or on keras.Input) first so that it has weights."
        )


def simple_rnn_params(layer: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Read the weights of a built ``keras.layers.SimpleRNN`` in the course convention.

    Keras computes ``x_t @ kernel + h_{t-1} @ recurrent_kernel + bias`` with
    ``kernel`` of shape ``(features, units)``; the course writes
    ``W @ x_t + U @ h_{t-1} + b``, so ``W = kernel.T`` and
    ``U = recurrent_kernel.T``.

    Args:
        layer: A built ``keras.layers.SimpleRNN``.

    Returns:
        ``(W, U, b)`` as NumPy arrays of shapes ``(units, features)``,
        ``(units, units)`` and ``(units,)``. A layer built with
        ``use_bias=False`` gives ``b`` = zeros. The layer's activation is not
        returned: pass it to :func:`rnn_forward` yourself if it is not tanh.

    Raises:
        TypeError: ``layer`` is not a ``keras.layers.SimpleRNN``.
        ValueError: The layer is not built yet.
    """
    _require_built_simple_rnn(layer)
    cell = layer.cell
    # Variable.numpy() rather than np.asarray(variable): the latter goes
    # through an __array__ that NumPy 2 flags as deprecated.
    kernel = np.asarray(cell.kernel.numpy())
    recurrent = np.asarray(cell.recurrent_kernel.numpy())
    if cell.bias is None:
        bias = np.zeros(kernel.shape[1], dtype=kernel.dtype)
    else:
        bias = np.asarray(cell.bias.numpy())
    # .copy() so that the returned arrays own contiguous memory, not views
    # of Keras's transposed buffers.
    return kernel.T.copy(), recurrent.T.copy(), bias.copy()


def set_simple_rnn_params(layer: Any, W: Any, U: Any, b: Any) -> None:
    """Write course-convention weights into a built ``keras.layers.SimpleRNN``.

    The inverse of :func:`simple_rnn_params`.

    Args:
        layer: A built ``keras.layers.SimpleRNN`` (with ``use_bias=True``).
        W: ``(units, features)``.
        U: ``(units, units)``.
        b: ``(units,)``.

    Raises:
        TypeError: ``layer`` is not a ``keras.layers.SimpleRNN``, or a weight
            does not hold real numbers.
        ValueError: The layer is not built, has no bias, or a shape does not
            match the layer's.
    """
    _require_built_simple_rnn(layer)
    cell = layer.cell
    if cell.bias is None:
        raise ValueError(f"SimpleRNN layer {layer.name!r} has no bias (use_bias=False).")
    features, units = tuple(cell.kernel.shape)
    expected = {"W": (units, features), "U": (units, units), "b": (units,)}
    arrays = {}
    for name, value in (("W", W), ("U", U), ("b", b)):
        array = _as_real_array(name, value)
        if array.shape != expected[name]:
            raise ValueError(
                f"{name} has shape {array.shape} but layer {layer.name!r} with "
                f"{features} features and {units} units needs {expected[name]}."
            )
        _check_finite(name, array)
        arrays[name] = array
    layer.set_weights([arrays["W"].T, arrays["U"].T, arrays["b"]])


def simple_rnn_param_count(features: int, units: int) -> int:
    """Number of parameters of one simple recurrent layer.

    ``W`` is ``(units, features)``, ``U`` is ``(units, units)`` and ``b`` is
    ``(units,)``, so the count is ``units * (features + units + 1)``: the same
    as ``keras.layers.SimpleRNN(units).count_params()`` on ``features`` inputs.

    Args:
        features: Size of each input vector ``x_t``.
        units: Size of the hidden state ``h_t``.

    Returns:
        The number of trainable parameters.
    """
    for name, value in (("features", features), ("units", units)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}.")
    return int(units) * (int(features) + int(units) + 1)


# --------------------------------------------------------------------------
# Backpropagation through time (Chapter 4)
# --------------------------------------------------------------------------


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


def _floating_dtype(*arrays: np.ndarray) -> np.dtype:
    """The common floating type, at least float32 (as in :func:`rnn_forward`)."""
    dtype = np.result_type(*arrays, np.float16)
    return np.dtype(np.float32) if dtype == np.float16 else dtype


def _check_rnn_arrays(x: np.ndarray, W: np.ndarray, U: np.ndarray, b: np.ndarray) -> None:
    """The shape checks of :func:`rnn_forward`, with the same one-line messages."""
    if x.ndim not in (2, 3):
        raise ValueError(
            "inputs must be (timesteps, features) or (batch, timesteps, features), "
            f"got shape {x.shape} ({x.ndim} dimensions)."
        )
    if W.ndim != 2:
        raise ValueError(f"W must be (units, features), got shape {W.shape}.")
    units, features = W.shape
    if x.shape[-2] == 0 or (x.ndim == 3 and x.shape[0] == 0):
        raise ValueError(f"inputs of shape {x.shape} hold no time step or no sequence.")
    if x.shape[-1] != features:
        raise ValueError(
            f"W has shape {W.shape} but inputs of shape {x.shape} have {x.shape[-1]} "
            f"features: W must be (units, features) = ({units}, {x.shape[-1]})."
        )
    _check_recurrent_weights(W, U, b)


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
    x = _as_real_array("inputs", inputs)
    W = _as_real_array("W", W)
    U = _as_real_array("U", U)
    b = _as_real_array("b", b)
    h = _as_real_array("states", states)
    g = _as_real_array("grad_states", grad_states)
    _check_rnn_arrays(x, W, U, b)
    units, features = W.shape
    single = x.ndim == 2
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
    names = ["inputs", "W", "U", "b", "states", "grad_states"]
    if h0 is not None:
        h0 = _as_initial_state("h0", h0, x, units)
        arrays.append(h0)
        names.append("h0")
    for name, array in zip(names, arrays):
        _check_finite(name, array)

    dtype = _floating_dtype(*arrays)
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
    if h0 is None:
        start = np.zeros((batch, units), dtype=dtype)
    else:
        start = np.broadcast_to(h0.astype(dtype, copy=False), (batch, units))
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
    h = _as_real_array("states", states)
    V = _as_real_array("V", V)
    c = _as_real_array("c", c)
    y = _as_real_array("targets", targets)
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
        _check_finite(name, array)
    dtype = _floating_dtype(h, V, c, y)
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
            (a single array or an :class:`RNNGradients` included).
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
    numeric = (int, float, np.integer, np.floating)
    if isinstance(max_norm, bool) or not isinstance(max_norm, numeric):
        raise ValueError(f"max_norm must be a positive number, got {max_norm!r}.")
    if not (np.isfinite(max_norm) and max_norm > 0):
        raise ValueError(f"max_norm must be a positive number, got {max_norm!r}.")
    arrays = []
    for i, grad in enumerate(grads):
        array = _as_real_array(f"grads[{i}]", grad)
        _check_finite(f"grads[{i}]", array)
        arrays.append(array.astype(_floating_dtype(array), copy=True))
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
    a = _as_real_array("a", a).astype(np.float64)
    b = _as_real_array("b", b).astype(np.float64)
    if a.shape != b.shape:
        raise ValueError(
            f"a has shape {a.shape} but b has shape {b.shape}: compare like with like."
        )
    _check_finite("a", a)
    _check_finite("b", b)
    if a.size == 0:
        return 0.0
    scale = max(float(np.max(np.abs(a))), float(np.max(np.abs(b))))
    if scale == 0.0:
        return 0.0
    return float(np.max(np.abs(a - b))) / scale


def _square_matrix(name: str, matrix: Any) -> np.ndarray:
    M = _as_real_array(name, matrix)
    if M.ndim != 2 or M.shape[0] != M.shape[1] or M.shape[0] == 0:
        raise ValueError(f"{name} must be a non-empty square matrix, got shape {M.shape}.")
    _check_finite(name, M)
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
        ValueError: ``matrix`` is not square, its eigenvalues are all zero,
            or ``radius`` is not a positive finite number.
    """
    M = _square_matrix("matrix", matrix)
    if isinstance(radius, bool) or not isinstance(radius, (int, float, np.integer, np.floating)):
        raise ValueError(f"radius must be a positive number, got {radius!r}.")
    if not (np.isfinite(radius) and radius > 0):
        raise ValueError(f"radius must be a positive number, got {radius!r}.")
    current = spectral_radius(M)
    if current == 0.0:
        raise ValueError("matrix has only zero eigenvalues: no scaling gives it a spectral radius.")
    M = M.astype(_floating_dtype(M), copy=False)
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
        ValueError: ``n`` is not a positive integer.
        TypeError: ``rng`` is neither a Generator, an integer nor ``None``.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}.")
    if rng is None or (isinstance(rng, (int, np.integer)) and not isinstance(rng, bool)):
        rng = np.random.default_rng(None if rng is None else _seed("rng", rng))
    elif not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"rng must be a np.random.Generator, an integer seed or None, got {type(rng).__name__}."
        )
    Q, R = np.linalg.qr(rng.standard_normal((n, n)))
    signs = np.sign(np.diag(R))
    signs[signs == 0] = 1.0
    return Q * signs


# --------------------------------------------------------------------------
# Gated networks: LSTM and GRU (Chapter 7)
# --------------------------------------------------------------------------
#
# Course convention, as for the simple RNN: one matrix per gate, W_* of shape
# (units, features) for the input, U_* (units, units) for the previous state,
# b_* (units,) for the bias, and column vectors in the equations
# (W_i @ x_t + U_i @ h_{t-1} + b_i). Keras packs the gates side by side in
# one kernel (features, k * units), in the order i, f, c, o for the LSTM and
# z, r, h for the GRU; lstm_params and gru_params cut them apart.

from collections.abc import Mapping as _Mapping  # noqa: E402

_LSTM_GATES = ("i", "f", "c", "o")
_GRU_GATES = ("z", "r", "h")


class LSTMParams(NamedTuple):
    """The weights of an LSTM layer, one matrix per gate (course convention).

    Gate ``i`` is the input gate, ``f`` the forget gate, ``c`` the candidate
    carry (the ``tanh`` layer) and ``o`` the output gate; Keras stores them in
    that order. With ``features`` inputs and ``units`` units:

    Attributes:
        W_i, W_f, W_c, W_o: Input weights, ``(units, features)`` each.
        U_i, U_f, U_c, U_o: Recurrent weights, ``(units, units)`` each.
        b_i, b_f, b_c, b_o: Biases, ``(units,)`` each.
    """

    W_i: np.ndarray
    W_f: np.ndarray
    W_c: np.ndarray
    W_o: np.ndarray
    U_i: np.ndarray
    U_f: np.ndarray
    U_c: np.ndarray
    U_o: np.ndarray
    b_i: np.ndarray
    b_f: np.ndarray
    b_c: np.ndarray
    b_o: np.ndarray


class GRUParams(NamedTuple):
    """The weights of a GRU layer, one matrix per gate (course convention).

    Gate ``z`` is the update gate, ``r`` the reset gate and ``h`` the
    candidate state; Keras stores them in that order. A GRU has two biases
    per gate: ``b_*`` is added to ``W_* x_t``, ``rb_*`` (the recurrent bias)
    to ``U_* h_{t-1}``. The two matter separately only for the candidate of
    the ``reset_after=True`` variant (the Keras 3 default), where the reset
    gate multiplies ``U_h h_{t-1} + rb_h``.

    Attributes:
        W_z, W_r, W_h: Input weights, ``(units, features)`` each.
        U_z, U_r, U_h: Recurrent weights, ``(units, units)`` each.
        b_z, b_r, b_h: Input biases, ``(units,)`` each.
        rb_z, rb_r, rb_h: Recurrent biases, ``(units,)`` each (zeros for a
            Keras layer built with ``reset_after=False``, which has none).
        reset_after: ``True`` (the Keras 3 default): the candidate is
            ``tanh(W_h x_t + b_h + r_t * (U_h h_{t-1} + rb_h))``. ``False``:
            ``tanh(W_h x_t + b_h + U_h (r_t * h_{t-1}) + rb_h)``, the variant
            of the original paper.
    """

    W_z: np.ndarray
    W_r: np.ndarray
    W_h: np.ndarray
    U_z: np.ndarray
    U_r: np.ndarray
    U_h: np.ndarray
    b_z: np.ndarray
    b_r: np.ndarray
    b_h: np.ndarray
    rb_z: np.ndarray
    rb_r: np.ndarray
    rb_h: np.ndarray
    reset_after: bool = True


class LSTMGates(NamedTuple):
    """What :func:`lstm_gates` returns: every gate at every step.

    Each array has the shape of the hidden states, ``(timesteps, units)`` for
    one sequence or ``(batch, timesteps, units)`` for a batch; row ``t`` is
    time step ``t + 1``.

    Attributes:
        i: Input gate, in ``(0, 1)``.
        f: Forget gate, in ``(0, 1)``.
        g: Candidate carry ``c~_t``, in ``(-1, 1)`` (the ``tanh`` layer).
        o: Output gate, in ``(0, 1)``.
        c: Carry (cell state) ``c_t = f * c_{t-1} + i * g``.
        h: Hidden state (the output) ``h_t = o * tanh(c_t)``.
    """

    i: np.ndarray
    f: np.ndarray
    g: np.ndarray
    o: np.ndarray
    c: np.ndarray
    h: np.ndarray


class GRUGates(NamedTuple):
    """What :func:`gru_gates` returns: every gate at every step.

    Each array has the shape of the hidden states, ``(timesteps, units)`` or
    ``(batch, timesteps, units)``.

    Attributes:
        z: Update gate, in ``(0, 1)``: the share of the old state kept.
        r: Reset gate, in ``(0, 1)``.
        g: Candidate state ``h~_t``, in ``(-1, 1)``.
        h: Hidden state ``h_t = z * h_{t-1} + (1 - z) * g``.
    """

    z: np.ndarray
    r: np.ndarray
    g: np.ndarray
    h: np.ndarray


def _sigmoid(z: np.ndarray) -> np.ndarray:
    """The logistic sigmoid, 1 / (1 + exp(-z)), without overflow warnings.

    ``0.5 * (1 + tanh(z / 2))`` is the same function; written this way it
    keeps the dtype and never computes ``exp`` of a large number.
    """
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _named_arrays(params: Any, kind: type, maker: str) -> dict[str, Any]:
    """The fields of ``params`` (a ``kind`` NamedTuple or a dict), or a one-line TypeError."""
    fields = [name for name in kind._fields if name != "reset_after"]
    if isinstance(params, kind):
        return params._asdict()
    other = GRUParams if kind is LSTMParams else LSTMParams
    if isinstance(params, other):
        right = "gru_forward" if other is GRUParams else "lstm_forward"
        raise TypeError(
            f"params are {other.__name__}, but this function needs {kind.__name__}: "
            f"use {right} for them."
        )
    if isinstance(params, _Mapping):
        missing = [name for name in fields if name not in params]
        unknown = [str(name) for name in params if name not in kind._fields]
        if missing or unknown:
            problems = []
            if missing:
                problems.append("missing " + ", ".join(missing))
            if unknown:
                problems.append("unknown " + ", ".join(unknown))
            raise TypeError(
                f"params as a dict need exactly the keys of {kind.__name__} "
                f"({'; '.join(problems)})."
            )
        return dict(params)
    raise TypeError(
        f"params must be {kind.__name__} (from {maker}(layer)) or a dict with its keys, "
        f"got {type(params).__name__}."
    )


def _check_gate_params(
    params: Any, kind: type, maker: str, gates: tuple[str, ...]
) -> tuple[dict[str, np.ndarray], int, int]:
    """Convert and check the arrays of LSTM or GRU parameters.

    Returns the arrays by name, ``units`` and ``features``, read from the
    first input matrix; every other array must agree with it.
    """
    raw = _named_arrays(params, kind, maker)
    bias_prefixes = ("b", "rb") if kind is GRUParams else ("b",)
    names = (
        [f"W_{g}" for g in gates]
        + [f"U_{g}" for g in gates]
        + [f"{p}_{g}" for p in bias_prefixes for g in gates]
    )
    arrays = {name: _as_real_array(name, raw[name]) for name in names}
    first = f"W_{gates[0]}"
    if arrays[first].ndim != 2 or 0 in arrays[first].shape:
        raise ValueError(
            f"{first} must be a non-empty (units, features) matrix, "
            f"got shape {arrays[first].shape}."
        )
    units, features = arrays[first].shape
    for name in names:
        shape = arrays[name].shape
        if name.startswith("W_"):
            expected, what = (units, features), "(units, features)"
        elif name.startswith("U_"):
            expected, what = (units, units), "(units, units)"
        else:
            expected, what = (units,), "(units,)"
        if shape != expected:
            raise ValueError(
                f"{name} has shape {shape} but {first} of shape {(units, features)} "
                f"gives {units} units and {features} features: {name} must be "
                f"{what} = {expected}."
            )
        _check_finite(name, arrays[name])
    return arrays, units, features


def _check_gate_inputs(
    inputs: Any, units: int, features: int, first: str, initial: dict[str, Any]
) -> tuple[np.ndarray, dict[str, np.ndarray], bool]:
    """Check the inputs and the initial states of a gated network.

    Returns the inputs as an array, the initial states that were given (by
    name) and whether the inputs are a single sequence.
    """
    x = _as_real_array("inputs", inputs)
    if x.ndim not in (2, 3):
        raise ValueError(
            "inputs must be (timesteps, features) or (batch, timesteps, features), "
            f"got shape {x.shape} ({x.ndim} dimensions)."
        )
    single = x.ndim == 2
    if x.shape[-2] == 0:
        raise ValueError(f"inputs of shape {x.shape} hold an empty sequence (0 timesteps).")
    if not single and x.shape[0] == 0:
        raise ValueError(f"inputs of shape {x.shape} hold an empty batch (0 sequences).")
    if x.shape[-1] != features:
        raise ValueError(
            f"{first} has shape {(units, features)} but inputs of shape {x.shape} have "
            f"{x.shape[-1]} features: {first} must be (units, features) = "
            f"({units}, {x.shape[-1]})."
        )
    _check_finite("inputs", x)
    given = {}
    for name, value in initial.items():
        if value is None:
            continue
        array = _as_initial_state(name, value, x, units)
        _check_finite(name, array)
        given[name] = array
    return x, given, single


def _initial_state(
    given: dict[str, np.ndarray], name: str, batch: int, units: int, dtype: np.dtype
) -> np.ndarray:
    if name not in given:
        return np.zeros((batch, units), dtype=dtype)
    return np.broadcast_to(given[name].astype(dtype, copy=False), (batch, units)).copy()


def _lstm_run(
    inputs: Any, params: Any, h0: Any, c0: Any
) -> tuple[dict[str, np.ndarray], bool]:
    """The LSTM loop shared by :func:`lstm_forward` and :func:`lstm_gates`."""
    arrays, units, features = _check_gate_params(params, LSTMParams, "lstm_params", _LSTM_GATES)
    x, given, single = _check_gate_inputs(inputs, units, features, "W_i", {"h0": h0, "c0": c0})
    dtype = _floating_dtype(x, *arrays.values(), *given.values())
    batch, timesteps = (1, x.shape[0]) if single else x.shape[:2]
    x = x.astype(dtype, copy=False).reshape(batch, timesteps, features)

    # The four gates side by side, as Keras stores them: one matrix product
    # gives all four pre-activations.
    W = np.concatenate([arrays[f"W_{g}"] for g in _LSTM_GATES]).astype(dtype, copy=False)
    U = np.concatenate([arrays[f"U_{g}"] for g in _LSTM_GATES]).astype(dtype, copy=False)
    b = np.concatenate([arrays[f"b_{g}"] for g in _LSTM_GATES]).astype(dtype, copy=False)
    x_time_major = x.transpose(1, 0, 2).reshape(timesteps * batch, features)
    input_term = (x_time_major @ W.T + b).reshape(timesteps, batch, 4 * units)
    U_T = np.ascontiguousarray(U.T)

    h = _initial_state(given, "h0", batch, units, dtype)
    c = _initial_state(given, "c0", batch, units, dtype)
    record: dict[str, list[np.ndarray]] = {name: [] for name in LSTMGates._fields}
    for t in range(timesteps):
        z = input_term[t] + h @ U_T
        i = _sigmoid(z[:, :units])
        f = _sigmoid(z[:, units:2 * units])
        g = np.tanh(z[:, 2 * units:3 * units])
        o = _sigmoid(z[:, 3 * units:])
        c = f * c + i * g  # the carry: kept where f is near 1, written where i is
        h = o * np.tanh(c)
        for name, value in zip(LSTMGates._fields, (i, f, g, o, c, h)):
            record[name].append(value)
    stacked = {name: np.stack(values, axis=1) for name, values in record.items()}
    if single:
        stacked = {name: value[0] for name, value in stacked.items()}
    return stacked, single


def lstm_gates(inputs: Any, params: Any, h0: Any | None = None, c0: Any | None = None) -> LSTMGates:
    """Run an LSTM and return every gate, the carries and the hidden states.

    The same computation as :func:`lstm_forward` (see there for the
    equations and the arguments), keeping the activations of the input,
    forget and output gates and of the candidate at every step, to look at
    what the gates do.

    Returns:
        An :class:`LSTMGates` ``(i, f, g, o, c, h)``, each array
        ``(timesteps, units)`` for one sequence or ``(batch, timesteps,
        units)`` for a batch.

    Raises:
        TypeError, ValueError: As :func:`lstm_forward`.
    """
    stacked, _ = _lstm_run(inputs, params, h0, c0)
    return LSTMGates(**stacked)


def lstm_forward(
    inputs: Any,
    params: Any,
    h0: Any | None = None,
    c0: Any | None = None,
    return_carry: bool = False,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Run a long short-term memory (LSTM) network over whole sequences.

    The equations of ``keras.layers.LSTM`` (tanh and sigmoid, no peephole),
    for every time step ``t``, with ``sigma`` the logistic sigmoid::

        i_t = sigma(W_i x_t + U_i h_{t-1} + b_i)     input gate
        f_t = sigma(W_f x_t + U_f h_{t-1} + b_f)     forget gate
        g_t = tanh(W_c x_t + U_c h_{t-1} + b_c)      candidate carry
        o_t = sigma(W_o x_t + U_o h_{t-1} + b_o)     output gate
        c_t = f_t * c_{t-1} + i_t * g_t              carry
        h_t = o_t * tanh(c_t)                        hidden state (output)

    It returns every hidden state, like
    ``keras.layers.LSTM(units, return_sequences=True)``; a batch is
    processed at once, with one loop over time.

    Args:
        inputs: One sequence ``(timesteps, features)`` or a batch
            ``(batch, timesteps, features)``.
        params: An :class:`LSTMParams` (for example from
            :func:`lstm_params`) or a dict with the same keys.
        h0: Initial hidden state, ``(units,)`` (shared by every sequence) or
            ``(batch, units)``. Defaults to zeros.
        c0: Initial carry, likewise. Defaults to zeros.
        return_carry: Also return the carries ``c_t``.

    Returns:
        The hidden states, ``(timesteps, units)`` or ``(batch, timesteps,
        units)``; with ``return_carry=True`` the pair ``(states, carries)``,
        both of that shape. The dtype is the common floating type of the
        arguments (``float32`` if they all are).

    Raises:
        TypeError: ``params`` is not LSTM parameters, or an argument does not
            hold real numbers.
        ValueError: Wrong number of dimensions, shapes that do not fit
            together (the message names the array), an empty sequence or
            batch, or NaN/infinite values.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> p = LSTMParams(*(rng.standard_normal((4, 3)) for _ in range(4)),
        ...                *(rng.standard_normal((4, 4)) for _ in range(4)),
        ...                *(np.zeros(4) for _ in range(4)))
        >>> lstm_forward(rng.standard_normal((8, 5, 3)), p).shape
        (8, 5, 4)
    """
    if not isinstance(return_carry, (bool, np.bool_)):
        raise TypeError(f"return_carry must be True or False, got {return_carry!r}.")
    stacked, _ = _lstm_run(inputs, params, h0, c0)
    if return_carry:
        return stacked["h"], stacked["c"]
    return stacked["h"]


def _reset_after(params: Any) -> bool:
    """The ``reset_after`` of GRU parameters (a dict may leave it out: True)."""
    if isinstance(params, _Mapping):
        value = params.get("reset_after", True)
    else:
        value = getattr(params, "reset_after", True)
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"reset_after must be True or False, got {value!r}.")
    return bool(value)


def _gru_run(inputs: Any, params: Any, h0: Any) -> dict[str, np.ndarray]:
    """The GRU loop shared by :func:`gru_forward` and :func:`gru_gates`."""
    arrays, units, features = _check_gate_params(params, GRUParams, "gru_params", _GRU_GATES)
    reset_after = _reset_after(params)
    x, given, single = _check_gate_inputs(inputs, units, features, "W_z", {"h0": h0})
    dtype = _floating_dtype(x, *arrays.values(), *given.values())
    batch, timesteps = (1, x.shape[0]) if single else x.shape[:2]
    x = x.astype(dtype, copy=False).reshape(batch, timesteps, features)

    W = np.concatenate([arrays[f"W_{g}"] for g in _GRU_GATES]).astype(dtype, copy=False)
    U = np.concatenate([arrays[f"U_{g}"] for g in _GRU_GATES]).astype(dtype, copy=False)
    b = np.concatenate([arrays[f"b_{g}"] for g in _GRU_GATES]).astype(dtype, copy=False)
    rb = np.concatenate([arrays[f"rb_{g}"] for g in _GRU_GATES]).astype(dtype, copy=False)
    x_time_major = x.transpose(1, 0, 2).reshape(timesteps * batch, features)
    input_term = (x_time_major @ W.T + b).reshape(timesteps, batch, 3 * units)
    U_T = np.ascontiguousarray(U.T)  # (units, 3 * units)
    U_h_T = U_T[:, 2 * units:]

    h = _initial_state(given, "h0", batch, units, dtype)
    record: dict[str, list[np.ndarray]] = {name: [] for name in GRUGates._fields}
    for t in range(timesteps):
        recurrent = h @ U_T + rb
        z = _sigmoid(input_term[t][:, :units] + recurrent[:, :units])
        r = _sigmoid(input_term[t][:, units:2 * units] + recurrent[:, units:2 * units])
        if reset_after:  # r scales U_h h_{t-1} + rb_h (Keras 3 default)
            g = np.tanh(input_term[t][:, 2 * units:] + r * recurrent[:, 2 * units:])
        else:  # r scales h_{t-1} before U_h (the original GRU)
            g = np.tanh(input_term[t][:, 2 * units:] + (r * h) @ U_h_T + rb[2 * units:])
        h = z * h + (1.0 - z) * g  # Keras's convention: z keeps the old state
        for name, value in zip(GRUGates._fields, (z, r, g, h)):
            record[name].append(value)
    stacked = {name: np.stack(values, axis=1) for name, values in record.items()}
    if single:
        stacked = {name: value[0] for name, value in stacked.items()}
    return stacked


def gru_gates(inputs: Any, params: Any, h0: Any | None = None) -> GRUGates:
    """Run a GRU and return every gate, the candidates and the hidden states.

    The same computation as :func:`gru_forward` (see there for the equations
    and the arguments), keeping the update and reset gates and the candidate
    state at every step.

    Returns:
        A :class:`GRUGates` ``(z, r, g, h)``, each array ``(timesteps,
        units)`` or ``(batch, timesteps, units)``.

    Raises:
        TypeError, ValueError: As :func:`gru_forward`.
    """
    return GRUGates(**_gru_run(inputs, params, h0))


def gru_forward(inputs: Any, params: Any, h0: Any | None = None) -> np.ndarray:
    """Run a gated recurrent unit (GRU) network over whole sequences.

    The equations of ``keras.layers.GRU`` (tanh and sigmoid), for every time
    step ``t``, with ``sigma`` the logistic sigmoid::

        z_t = sigma(W_z x_t + b_z + U_z h_{t-1} + rb_z)          update gate
        r_t = sigma(W_r x_t + b_r + U_r h_{t-1} + rb_r)          reset gate
        g_t = tanh(W_h x_t + b_h + r_t * (U_h h_{t-1} + rb_h))   candidate
        h_t = z_t * h_{t-1} + (1 - z_t) * g_t                    hidden state

    The candidate is that of ``reset_after=True``, the Keras 3 default; with
    ``params.reset_after`` false it is
    ``tanh(W_h x_t + b_h + U_h (r_t * h_{t-1}) + rb_h)``. Note Keras's
    convention for ``z``: ``z_t`` near 1 *keeps* the old state (some texts
    swap ``z`` and ``1 - z``).

    Args:
        inputs: One sequence ``(timesteps, features)`` or a batch
            ``(batch, timesteps, features)``.
        params: A :class:`GRUParams` (for example from :func:`gru_params`)
            or a dict with the same keys (``reset_after`` optional, default
            ``True``).
        h0: Initial state, ``(units,)`` (shared by every sequence) or
            ``(batch, units)``. Defaults to zeros.

    Returns:
        The hidden states, ``(timesteps, units)`` for one sequence or
        ``(batch, timesteps, units)`` for a batch, like
        ``keras.layers.GRU(units, return_sequences=True)``.

    Raises:
        TypeError: ``params`` is not GRU parameters, or an argument does not
            hold real numbers.
        ValueError: Wrong number of dimensions, shapes that do not fit
            together (the message names the array), an empty sequence or
            batch, or NaN/infinite values.
    """
    return _gru_run(inputs, params, h0)["h"]


def _require_built(layer: Any, kind: str) -> Any:
    """Check that ``layer`` is a built Keras layer of class ``kind``; return its cell."""
    import keras

    cls = getattr(keras.layers, kind)
    if not isinstance(layer, cls):
        raise TypeError(f"Expected a keras.layers.{kind} layer, got {type(layer).__name__}.")
    if not layer.built:
        raise ValueError(
            f"{kind} layer {layer.name!r} is not built yet: call it on data "
            "(or on keras.Input) first so that it has weights."
        )
    cell = layer.cell
    for attribute, expected in (("activation", "tanh"), ("recurrent_activation", "sigmoid")):
        name = getattr(getattr(cell, attribute), "__name__", repr(getattr(cell, attribute)))
        if name != expected:
            raise ValueError(
                f"{kind} layer {layer.name!r} has {attribute}={name!r}; the course's "
                f"NumPy version computes {attribute}={expected!r} (the Keras default)."
            )
    return cell


def _variable(value: Any) -> np.ndarray:
    # Variable.numpy() rather than np.asarray(variable), as in simple_rnn_params.
    return np.asarray(value.numpy())


def lstm_params(layer: Any) -> LSTMParams:
    """Read the weights of a built ``keras.layers.LSTM`` into one matrix per gate.

    Keras computes ``x_t @ kernel + h_{t-1} @ recurrent_kernel + bias`` with
    ``kernel`` of shape ``(features, 4 * units)``: the four gates side by
    side in the order i, f, c, o. The course writes ``W_i @ x_t`` with
    ``W_i`` of shape ``(units, features)``, so ``W_i`` is the transpose of
    the first ``units`` columns of the kernel, and so on.

    Args:
        layer: A built ``keras.layers.LSTM`` with the default activations
            (tanh, and sigmoid for the gates).

    Returns:
        An :class:`LSTMParams` of NumPy arrays. A layer built with
        ``use_bias=False`` gives zero biases. Keras initialises ``b_f`` to
        ones (``unit_forget_bias=True``).

    Raises:
        TypeError: ``layer`` is not a ``keras.layers.LSTM``.
        ValueError: The layer is not built yet, or uses other activations.
    """
    cell = _require_built(layer, "LSTM")
    kernel, recurrent = _variable(cell.kernel), _variable(cell.recurrent_kernel)
    units = recurrent.shape[0]
    bias = np.zeros(4 * units, kernel.dtype) if cell.bias is None else _variable(cell.bias)
    parts = {}
    for k, g in enumerate(_LSTM_GATES):
        columns = slice(k * units, (k + 1) * units)
        parts[f"W_{g}"] = kernel[:, columns].T.copy()
        parts[f"U_{g}"] = recurrent[:, columns].T.copy()
        parts[f"b_{g}"] = bias[columns].copy()
    return LSTMParams(**parts)


def gru_params(layer: Any) -> GRUParams:
    """Read the weights of a built ``keras.layers.GRU`` into one matrix per gate.

    Keras packs the gates side by side in the order z, r, h: ``kernel`` is
    ``(features, 3 * units)`` and ``recurrent_kernel`` ``(units, 3 * units)``.
    With ``reset_after=True`` (the Keras 3 default) ``bias`` is
    ``(2, 3 * units)``: row 0 the input biases ``b_*``, row 1 the recurrent
    biases ``rb_*``. With ``reset_after=False`` it is ``(3 * units,)``, the
    input biases only, and ``rb_*`` are zeros.

    Args:
        layer: A built ``keras.layers.GRU`` with the default activations.

    Returns:
        A :class:`GRUParams` of NumPy arrays, with the layer's
        ``reset_after``. ``use_bias=False`` gives zero biases.

    Raises:
        TypeError: ``layer`` is not a ``keras.layers.GRU``.
        ValueError: The layer is not built yet, or uses other activations.
    """
    cell = _require_built(layer, "GRU")
    kernel, recurrent = _variable(cell.kernel), _variable(cell.recurrent_kernel)
    units = recurrent.shape[0]
    if cell.bias is None:
        bias = np.zeros((2, 3 * units), kernel.dtype)
    else:
        bias = _variable(cell.bias)
        if bias.ndim == 1:  # reset_after=False: no recurrent bias
            bias = np.stack([bias, np.zeros_like(bias)])
    parts: dict[str, Any] = {}
    for k, g in enumerate(_GRU_GATES):
        columns = slice(k * units, (k + 1) * units)
        parts[f"W_{g}"] = kernel[:, columns].T.copy()
        parts[f"U_{g}"] = recurrent[:, columns].T.copy()
        parts[f"b_{g}"] = bias[0, columns].copy()
        parts[f"rb_{g}"] = bias[1, columns].copy()
    return GRUParams(**parts, reset_after=bool(cell.reset_after))


def set_lstm_params(layer: Any, params: Any) -> None:
    """Write one-matrix-per-gate weights into a built ``keras.layers.LSTM``.

    The inverse of :func:`lstm_params`.

    Args:
        layer: A built ``keras.layers.LSTM`` with ``use_bias=True``.
        params: An :class:`LSTMParams` (or a dict with its keys) whose
            shapes match the layer's.

    Raises:
        TypeError: ``layer`` is not an LSTM, or ``params`` are not LSTM
            parameters.
        ValueError: The layer is not built or has no bias, or a shape does
            not match the layer's.
    """
    cell = _require_built(layer, "LSTM")
    if cell.bias is None:
        raise ValueError(f"LSTM layer {layer.name!r} has no bias (use_bias=False).")
    arrays, units, features = _check_gate_params(params, LSTMParams, "lstm_params", _LSTM_GATES)
    layer_features, layer_units = tuple(cell.kernel.shape)[0], tuple(cell.recurrent_kernel.shape)[0]
    if (units, features) != (layer_units, layer_features):
        raise ValueError(
            f"params have {units} units and {features} features but layer {layer.name!r} "
            f"has {layer_units} units and {layer_features} features."
        )
    layer.set_weights([
        np.concatenate([arrays[f"W_{g}"].T for g in _LSTM_GATES], axis=1),
        np.concatenate([arrays[f"U_{g}"].T for g in _LSTM_GATES], axis=1),
        np.concatenate([arrays[f"b_{g}"] for g in _LSTM_GATES]),
    ])


def set_gru_params(layer: Any, params: Any) -> None:
    """Write one-matrix-per-gate weights into a built ``keras.layers.GRU``.

    The inverse of :func:`gru_params`. For a layer with
    ``reset_after=False``, which has one bias per gate, the recurrent biases
    are added to the input biases: in that variant ``rb_*`` is always added
    outside the reset gate, so the sum computes the same thing.

    Args:
        layer: A built ``keras.layers.GRU`` with ``use_bias=True``.
        params: A :class:`GRUParams` (or a dict with its keys) whose shapes
            and ``reset_after`` match the layer's.

    Raises:
        TypeError: ``layer`` is not a GRU, or ``params`` are not GRU
            parameters.
        ValueError: The layer is not built or has no bias, a shape does not
            match the layer's, or ``reset_after`` differs.
    """
    cell = _require_built(layer, "GRU")
    if cell.bias is None:
        raise ValueError(f"GRU layer {layer.name!r} has no bias (use_bias=False).")
    arrays, units, features = _check_gate_params(params, GRUParams, "gru_params", _GRU_GATES)
    reset_after = _reset_after(params)
    if bool(reset_after) != bool(cell.reset_after):
        raise ValueError(
            f"params have reset_after={bool(reset_after)} but layer {layer.name!r} "
            f"has reset_after={bool(cell.reset_after)}: the two compute different candidates."
        )
    layer_features, layer_units = tuple(cell.kernel.shape)[0], tuple(cell.recurrent_kernel.shape)[0]
    if (units, features) != (layer_units, layer_features):
        raise ValueError(
            f"params have {units} units and {features} features but layer {layer.name!r} "
            f"has {layer_units} units and {layer_features} features."
        )
    b = np.concatenate([arrays[f"b_{g}"] for g in _GRU_GATES])
    rb = np.concatenate([arrays[f"rb_{g}"] for g in _GRU_GATES])
    bias = np.stack([b, rb]) if cell.reset_after else b + rb
    layer.set_weights([
        np.concatenate([arrays[f"W_{g}"].T for g in _GRU_GATES], axis=1),
        np.concatenate([arrays[f"U_{g}"].T for g in _GRU_GATES], axis=1),
        bias,
    ])


def _count_argument(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}.")
    return int(value)


def lstm_param_count(features: int, units: int) -> int:
    """Number of parameters of one LSTM layer: ``4 * units * (features + units + 1)``.

    Four gates, each with ``W_*`` ``(units, features)``, ``U_*``
    ``(units, units)`` and ``b_*`` ``(units,)``: the same as
    ``keras.layers.LSTM(units).count_params()`` on ``features`` inputs.
    """
    features, units = _count_argument("features", features), _count_argument("units", units)
    return 4 * units * (features + units + 1)


def gru_param_count(features: int, units: int, reset_after: bool = True) -> int:
    """Number of parameters of one GRU layer.

    Three gates, each with ``W_*`` ``(units, features)``, ``U_*``
    ``(units, units)`` and one bias ``(units,)``, plus, with
    ``reset_after=True`` (the Keras 3 default), a second, recurrent bias per
    gate: ``3 * units * (features + units + 2)``, or
    ``3 * units * (features + units + 1)`` with ``reset_after=False``; the
    same as ``keras.layers.GRU(units).count_params()``.
    """
    features, units = _count_argument("features", features), _count_argument("units", units)
    if not isinstance(reset_after, (bool, np.bool_)):
        raise TypeError(f"reset_after must be True or False, got {reset_after!r}.")
    return 3 * units * (features + units + (2 if reset_after else 1))
