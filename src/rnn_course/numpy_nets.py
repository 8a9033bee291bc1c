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

from typing import Any, Callable

import numpy as np

__all__ = [
    "rnn_forward",
    "set_simple_rnn_params",
    "simple_rnn_param_count",
    "simple_rnn_params",
]

Activation = Callable[[np.ndarray], np.ndarray]


def _as_real_array(name: str, value: Any) -> np.ndarray:
    """Convert ``value`` to an array of real numbers, or raise one-line errors."""
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as error:
        # Ragged nested lists end up here; NumPy's own message spans lines.
        raise ValueError(
            f"{name} must be a rectangular array of numbers ({str(error).splitlines()[0]})."
        ) from None
    # Booleans and complex numbers are numbers to NumPy but never what a
    # student means by an input sequence or a weight matrix.
    if array.dtype == bool or not (
        np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)
    ):
        raise TypeError(
            f"{name} must hold real numbers (integers or floats), got dtype {array.dtype}."
        )
    return array


def _check_finite(name: str, array: np.ndarray) -> None:
    if np.issubdtype(array.dtype, np.floating) and not np.all(np.isfinite(array)):
        bad = "NaN" if np.isnan(array).any() else "infinite"
        raise ValueError(
            f"{name} of shape {array.shape} holds {bad} values; check how it was computed."
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

    arrays = [x, W, U, b]
    if h0 is not None:
        h0 = _as_real_array("h0", h0)
        allowed = [(units,)] if single else [(units,), (batch, units)]
        if h0.shape not in allowed:
            expected = " or ".join(str(shape) for shape in allowed)
            raise ValueError(
                f"h0 has shape {h0.shape} but inputs of shape {x.shape} with {units} "
                f"units need h0 of shape {expected}."
            )
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
