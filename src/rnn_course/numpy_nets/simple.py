"""The simple (Elman) recurrent network in NumPy (Chapters 02 and 03).

Course convention for the weights of a simple RNN with ``features`` inputs
and ``units`` hidden units (the same as in the equations of the chapters):

- ``W``: ``(units, features)``, input-to-hidden weights;
- ``U``: ``(units, units)``, hidden-to-hidden (recurrent) weights;
- ``b``: ``(units,)``, bias;

and one step is ``h_t = tanh(W @ x_t + U @ h_{t-1} + b)``. Keras stores the
same weights transposed; :mod:`rnn_course.numpy_nets.keras_weights`
converts between the two.
"""


from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from rnn_course._validate import check_finite, positive_int, real_array
from rnn_course.numpy_nets import _loop

Activation = Callable[[np.ndarray], np.ndarray]

def _check_weights(x: np.ndarray, W: np.ndarray, U: np.ndarray, b: np.ndarray) -> None:
    """Raise a one-line ValueError unless ``W``, ``U`` and ``b`` fit the inputs.

    ``x`` is ``(timesteps, features)`` or ``(batch, timesteps, features)``
    (checked by :func:`~rnn_course.numpy_nets._loop.sequences`); ``W`` must
    be ``(units, features)``, ``U`` ``(units, units)`` and ``b`` ``(units,)``.
    """
    if W.ndim != 2:
        raise ValueError(f"W must be (units, features), got shape {W.shape}.")
    units, features = W.shape
    if x.shape[-1] == 0 or units == 0:
        raise ValueError(
            f"inputs {x.shape} and W {W.shape} need at least one feature and one unit."
        )
    if features != x.shape[-1]:
        raise ValueError(
            f"W has shape {W.shape} but inputs of shape {x.shape} have {x.shape[-1]} "
            f"features: W must be (units, features) = ({units}, {x.shape[-1]})."
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
        raise TypeError(
            f"activation must be callable, got {type(activation).__name__}."
        )
    x, single = _loop.sequences(inputs)
    W, U, b = (real_array(name, value) for name, value in zip("WUb", (W, U, b)))
    _check_weights(x, W, U, b)
    units = W.shape[0]
    arrays = [x, W, U, b]
    for name, array in zip(("inputs", "W", "U", "b"), arrays):
        check_finite(name, array)
    if h0 is not None:
        h0 = _loop.initial_state("h0", h0, x, units)  # checks its shape and its values
        arrays.append(h0)

    dtype = _loop.floating_dtype(*arrays)
    batch = 1 if single else x.shape[0]
    x = x.astype(dtype, copy=False).reshape(batch, -1, x.shape[-1])
    W, U, b = (a.astype(dtype, copy=False) for a in (W, U, b))
    # The input term does not depend on the state, so every step is
    # projected at once; only U @ h_{t-1} has to wait for the past.
    input_term = _loop.project_inputs(x, W, b)
    U_T = np.ascontiguousarray(U.T)

    def step(term: np.ndarray, h: np.ndarray) -> tuple[np.ndarray, dict]:
        pre_activation = term + h @ U_T
        h = np.asarray(activation(pre_activation))
        if h.shape != pre_activation.shape:
            raise ValueError(
                f"activation changed the shape from {pre_activation.shape} to "
                f"{h.shape}; it must work element by element."
            )
        return h, {"h": h}

    start = _loop.start_state(h0, batch, units, dtype)
    return _loop.run_over_time(step, input_term, start, single)["h"]



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
    features = positive_int("features", features)
    units = positive_int("units", units)
    return units * (features + units + 1)


