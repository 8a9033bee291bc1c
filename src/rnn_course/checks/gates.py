"""The checker of a GRU's forward pass (Chapter 7, gates)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from rnn_course.checks._core import (
    _CASES,
    _checker,
    _not_a_function,
    _report,
    _student_output,
    _wrong_values,
)
from rnn_course.numpy_nets import GRUParams, gru_forward

__all__ = ["check_gru_forward"]


def _random_gru_params(rng: np.random.Generator, features: int, units: int) -> GRUParams:
    # Scaled weights keep the gates away from 0 and 1, and every bias is
    # non-zero, so that each classic slip changes the numbers.
    def matrix(rows: int, columns: int) -> np.ndarray:
        return rng.standard_normal((rows, columns)) / np.sqrt(columns)

    return GRUParams(
        W_z=matrix(units, features), W_r=matrix(units, features), W_h=matrix(units, features),
        U_z=matrix(units, units), U_r=matrix(units, units), U_h=matrix(units, units),
        b_z=0.5 * rng.standard_normal(units), b_r=0.5 * rng.standard_normal(units),
        b_h=0.5 * rng.standard_normal(units), rb_z=0.5 * rng.standard_normal(units),
        rb_r=0.5 * rng.standard_normal(units), rb_h=0.5 * rng.standard_normal(units),
    )


def _gru_variant(x: np.ndarray, p: GRUParams, mistake: str) -> np.ndarray:
    """A batched GRU with one classic slip, to recognise it in an answer."""
    def sigmoid(a: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-a))

    batch, timesteps, _ = x.shape
    h = np.zeros((batch, p.U_z.shape[0]))
    no_rb = mistake == "no recurrent bias"
    rb_z, rb_r, rb_h = (0.0, 0.0, 0.0) if no_rb else (p.rb_z, p.rb_r, p.rb_h)
    states = []
    for t in range(timesteps):
        x_t = x[:, t]
        z = sigmoid(x_t @ p.W_z.T + p.b_z + h @ p.U_z.T + rb_z)
        r = sigmoid(x_t @ p.W_r.T + p.b_r + h @ p.U_r.T + rb_r)
        if mistake == "reset before":
            recurrent = (r * h) @ p.U_h.T + rb_h
        elif mistake == "no reset":
            recurrent = h @ p.U_h.T + rb_h
        else:
            recurrent = r * (h @ p.U_h.T + rb_h)
        g = np.tanh(x_t @ p.W_h.T + p.b_h + recurrent)
        if mistake == "z swapped":
            h = (1.0 - z) * h + z * g
        else:
            h = z * h + (1.0 - z) * g
        states.append(h)
    return np.stack(states, axis=1)


_GRU_HINTS = {
    "z swapped": (
        "z and 1 - z are swapped: Keras keeps the old state with z, "
        "h_t = z * h_{t-1} + (1 - z) * h~_t (some texts write it the other way round)."
    ),
    "reset before": (
        "you reset h_{t-1} before U_h (the reset_after=False variant); Keras 3 multiplies "
        "r_t with U_h h_{t-1} + rb_h."
    ),
    "no recurrent bias": (
        "you left out the recurrent biases rb_z, rb_r, rb_h: they are added to U h_{t-1}."
    ),
    "no reset": "the reset gate is missing: the candidate uses r_t * (U_h h_{t-1} + rb_h).",
}

# What to check when the states are already wrong at the first step, and
# when only a later step is wrong.
_GRU_STEP_HINTS = (
    "already wrong at the first step, where h_{t-1} = 0: check the input "
    "terms W x_t + b and the recurrent biases.",
    "the first step is right, later ones are not: check the terms in h_{t-1}.",
)


@_checker
def check_gru_forward(
    student_fn: Callable[..., Any], seed: int = 0, atol: float = 1e-5, verbose: bool = True
) -> bool:
    """Check a student's GRU forward pass against :func:`~rnn_course.numpy_nets.gru_forward`.

    ``student_fn(inputs, params)`` is called on random batches
    ``(batch, timesteps, features)`` of several shapes (one time step, one
    unit, as many features as units) with a
    :class:`~rnn_course.numpy_nets.GRUParams` ``params`` in the course
    convention (``W_*`` ``(units, features)``, ``U_*`` ``(units, units)``,
    biases ``b_*`` and recurrent biases ``rb_*`` ``(units,)``), Keras's
    ``reset_after=True`` variant and a zero initial state. It must return
    the states ``(batch, timesteps, units)``. The first problem found is
    reported in one line, naming the classic slips: ``z`` and ``1 - z``
    swapped, the reset gate applied before ``U_h``, recurrent biases left
    out, no reset gate.

    Args:
        student_fn: The student's ``my_gru_forward(inputs, params)``.
        seed: Seed of the random inputs and weights.
        atol: Largest absolute difference accepted (float32 code passes).
        verbose: Print the one-line feedback.

    Returns:
        ``True`` when every state of every case matches, ``False`` otherwise.
    """
    if not callable(student_fn):
        return _report(False, _not_a_function(student_fn), verbose)
    rng = np.random.default_rng(seed)
    for batch, timesteps, features, units in _CASES:
        inputs = rng.standard_normal((batch, timesteps, features))
        params = _random_gru_params(rng, features, units)
        expected = gru_forward(inputs, params)
        where = f"for inputs {inputs.shape} and {units} unit{'s' if units > 1 else ''}"
        values, problem = _student_output(student_fn, (inputs, params), expected, where)
        if problem is not None:
            return _report(False, problem, verbose)
        if np.allclose(values, expected, rtol=0.0, atol=atol):
            continue
        for mistake, hint in _GRU_HINTS.items():
            if np.allclose(values, _gru_variant(inputs, params, mistake), rtol=0.0, atol=atol):
                return _report(False, f"Wrong values {where}: {hint}", verbose)
        return _report(False, _wrong_values(values, expected, atol, where, _GRU_STEP_HINTS),
                       verbose)
    return _report(
        True,
        f"Correct! Your GRU matches gru_forward (and keras.layers.GRU) on {len(_CASES)} batches.",
        verbose,
    )
