"""The loop over time that every NumPy network of the course shares.

Keras runs every recurrent layer through one loop (``keras.layers.RNN``)
and a cell that takes one step; the networks here do the same. A network
checks its inputs with :func:`sequences`, projects every input at once with
:func:`project_inputs` (the input term does not depend on the state) and
hands a one-step function to :func:`run_over_time`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from rnn_course._validate import check_finite, real_array

# step(input_term_t, state) -> (new state, {name: value at this step}), where
# input_term_t is (batch, k * units) and every value is (batch, units).
Step = Callable[[np.ndarray, Any], tuple[Any, dict[str, np.ndarray]]]


def sequences(inputs: Any) -> tuple[np.ndarray, bool]:
    """``inputs`` as a real array of sequences, and whether it is one sequence.

    Args:
        inputs: ``(timesteps, features)`` or ``(batch, timesteps, features)``.

    Raises:
        TypeError: ``inputs`` does not hold real numbers.
        ValueError: Not 2 or 3 dimensions, no time step or no sequence.
    """
    x = real_array("inputs", inputs)
    if x.ndim not in (2, 3):
        raise ValueError(
            "inputs must be (timesteps, features) or (batch, timesteps, "
            f"features), got shape {x.shape} ({x.ndim} dimensions)."
        )
    if x.shape[-2] == 0:
        raise ValueError(
            f"inputs of shape {x.shape} hold an empty sequence (0 timesteps)."
        )
    if x.ndim == 3 and x.shape[0] == 0:
        raise ValueError(
            f"inputs of shape {x.shape} hold an empty batch (0 sequences)."
        )
    return x, x.ndim == 2


def initial_state(name: str, value: Any, x: np.ndarray, units: int) -> np.ndarray:
    """``value`` as an initial state for inputs ``x``, or a one-line ValueError.

    A single sequence ``(timesteps, features)`` takes ``(units,)``; a batch
    ``(batch, timesteps, features)`` takes ``(units,)`` (shared) or
    ``(batch, units)``.
    """
    array = real_array(name, value)
    allowed = [(units,)] if x.ndim == 2 else [(units,), (x.shape[0], units)]
    if array.shape not in allowed:
        expected = " or ".join(str(shape) for shape in allowed)
        raise ValueError(
            f"{name} has shape {array.shape} but inputs of shape {x.shape} "
            f"with {units} units need {name} of shape {expected}."
        )
    check_finite(name, array)
    return array


def floating_dtype(*arrays: np.ndarray) -> np.dtype:
    """The common floating type of ``arrays``, at least float32.

    Integers become float64 and float32 stays float32, so that comparisons
    with Keras, which computes in float32, are fair.
    """
    dtype = np.result_type(*arrays, np.float16)
    return np.dtype(np.float32) if dtype == np.float16 else dtype


def start_state(
    value: np.ndarray | None, batch: int, units: int, dtype: np.dtype
) -> np.ndarray:
    """The state before the first step, ``(batch, units)``: zeros by default."""
    if value is None:
        return np.zeros((batch, units), dtype=dtype)
    return np.broadcast_to(value.astype(dtype, copy=False), (batch, units)).copy()


def project_inputs(x: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``W @ x_t + b`` for every step of every sequence, in one product.

    Args:
        x: ``(batch, timesteps, features)``.
        W: ``(k * units, features)``, the input weights of ``k`` gates side
            by side.
        b: ``(k * units,)``.

    Returns:
        ``(timesteps, batch, k * units)``: time-major, so that each step's
        slice is contiguous in memory.
    """
    batch, timesteps, features = x.shape
    x_time_major = x.transpose(1, 0, 2).reshape(timesteps * batch, features)
    # Rows are sequences, hence x @ W.T instead of W @ x.
    return (x_time_major @ W.T + b).reshape(timesteps, batch, len(b))


def run_over_time(
    step: Step, input_term: np.ndarray, state: Any, single: bool
) -> dict[str, np.ndarray]:
    """Apply ``step`` at every time step and stack what it records.

    Args:
        step: The cell: ``step(input_term[t], state)`` returns the new
            state and the values to record at this step, by name, each
            ``(batch, units)``.
        input_term: ``(timesteps, batch, k * units)``, from
            :func:`project_inputs`.
        state: The state before the first step (an array, or a tuple of
            arrays for the LSTM's hidden state and carry).
        single: The inputs were one sequence: drop the batch axis.

    Returns:
        Every recorded value by name, ``(batch, timesteps, units)``, or
        ``(timesteps, units)`` for one sequence.
    """
    record: dict[str, list[np.ndarray]] = {}
    for term in input_term:
        state, values = step(term, state)
        for name, value in values.items():
            record.setdefault(name, []).append(value)
    # np.stack adds the time axis; np.concatenate would glue the states end
    # to end and lose it.
    stacked = {name: np.stack(values, axis=1) for name, values in record.items()}
    if single:
        return {name: value[0] for name, value in stacked.items()}
    return stacked
