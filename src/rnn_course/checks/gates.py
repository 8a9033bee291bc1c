"""The checkers of Part III, gates: a GRU's forward pass (Chapter 7), a memory length (8b)."""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import Any

import numpy as np

from rnn_course.checks._core import (
    _CASES,
    _call_student,
    _checker,
    _not_a_function,
    _report,
    _short,
    _student_output,
    _wrong_values,
)
from rnn_course.numpy_nets import GRUParams, gru_forward

__all__ = ["check_gru_forward", "check_memory_length"]


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


# (accuracy per lag, lags, test sequences per lag, chance): a fall in the
# middle, a fall at the first lag, no fall at all, a fall decided by the
# interval rather than by the accuracy itself, lags that are not 0, 1, 2, ...
_LENGTH_CASES = (
    ([0.95, 0.80, 0.55, 0.30, 0.26, 0.24], (1, 2, 4, 8, 16, 32), 400, 0.25),
    ([0.27, 0.25, 0.26], (1, 2, 3), 300, 0.25),
    ([0.99, 0.97, 0.93, 0.90], (2, 4, 8, 16), 500, 0.25),
    ([0.90, 0.62, 0.56, 0.51], (1, 3, 5, 9), 100, 0.5),
    ([0.40, 0.31, 0.29, 0.20], (0, 6, 12, 18), 1000, 0.25),
)


def _memory_length(accuracy, lags, n, chance) -> float:
    """The chapter's rule, through :func:`rnn_course.memory_tasks.memory_lengths`."""
    from rnn_course.memory_tasks import memory_lengths

    return memory_lengths(np.array(accuracy), lags, n, chance)[0]


def _without_interval(accuracy, lags, chance) -> float:
    """The slip: the first lag whose accuracy itself is at or below chance."""
    return next((float(k) for a, k in zip(accuracy, lags) if a <= chance), math.inf)


@_checker
def check_memory_length(student_fn: Callable[..., Any], verbose: bool = True) -> bool:
    """Check a memory length computed by the rule of Chapter 8b.

    ``student_fn(accuracy, lags, n, chance)`` gets one model's accuracy at
    each lag of an increasing grid (``accuracy`` and ``lags`` of the same
    length), the number ``n`` of test sequences behind each accuracy and the
    accuracy of a guess, and must return the smallest lag whose 95 %
    interval (``accuracy`` plus or minus ``1.96 * sqrt(p (1 - p) / n)``)
    includes ``chance``, or ``math.inf`` when no lag does. The slips named:
    an index instead of a lag, the last lag above chance instead of the
    first at chance, the accuracy compared with chance without its
    interval, ``None`` or ``-1`` instead of ``math.inf``.

    Args:
        student_fn: The student's ``my_memory_length(accuracy, lags, n, chance)``.
        verbose: Print the one-line feedback.

    Returns:
        ``True`` when every case gives the right length.
    """
    if not callable(student_fn):
        return _report(False, _not_a_function(student_fn), verbose)
    for accuracy, lags, n, chance in _LENGTH_CASES:
        where = f"for accuracy {accuracy} at lags {list(lags)}, n={n}, chance={chance}"
        answer, problem = _call_student(
            student_fn, (np.array(accuracy), list(lags), n, chance), where)
        if problem is not None:
            return _report(False, problem, verbose)
        expected = _memory_length(accuracy, lags, n, chance)
        if answer is None or (isinstance(answer, numbers.Real) and answer == -1
                              and expected == math.inf):
            return _report(False, f"Got {_short(answer)} {where}: a model that never falls "
                                  "to chance has length math.inf (beyond the grid).", verbose)
        if isinstance(answer, bool) or not isinstance(answer, numbers.Real) \
                or math.isnan(answer):
            return _report(False, f"Expected a lag (a number) or math.inf {where}, "
                                  f"got {_short(answer)}.", verbose)
        if answer == expected:
            continue
        if expected != math.inf and answer == lags.index(expected):
            return _report(False, f"Got {_short(answer)} {where}: that is the position in "
                                  f"the grid; return the lag itself, {expected:g}.", verbose)
        index = lags.index(expected) if expected != math.inf else len(lags)
        if index > 0 and answer == lags[index - 1]:
            return _report(False, f"Got {_short(answer)} {where}: that is the last lag still "
                                  "above chance; the rule asks for the first lag whose "
                                  "interval includes chance.", verbose)
        if answer == _without_interval(accuracy, lags, chance):
            return _report(False, f"Got {_short(answer)} {where}: you compared the accuracy "
                                  "itself with chance; compare the low end of its 95 % "
                                  "interval, accuracy - 1.96 * sqrt(p (1 - p) / n).", verbose)
        return _report(False, f"Got {_short(answer)} {where}, expected {expected:g}. Hint: "
                              "compute each lag's interval and return the first lag whose "
                              "low end is at or below chance.", verbose)
    return _report(True, f"Correct! Your rule gives the right length on {len(_LENGTH_CASES)} "
                         "grids, including one that never falls to chance.", verbose)
