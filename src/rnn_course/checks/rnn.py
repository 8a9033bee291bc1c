"""Checkers of the simple RNN by hand (Chapters 2 and 3).

The shapes of the symbols of the recurrence, one state computed by hand, the
shape of the states and the forward pass in NumPy.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any

import numpy as np

from rnn_course import _validate
from rnn_course.checks._core import (
    _CASES,
    _CONCATENATE_HINT,
    _checker,
    _first_line,
    _is_placeholder,
    _not_a_function,
    _random_cases,
    _report,
    _shape_of,
    _short,
    _student_output,
    _wrong_values,
)
from rnn_course.numpy_nets import rnn_forward

__all__ = [
    "check_hidden_state",
    "check_rnn_forward",
    "check_rnn_output_shape",
    "check_symbol_shapes",
]


def _symbol_shapes(features: int, units: int, outputs: int) -> dict[str, tuple[int, ...]]:
    return {
        "x_t": (features,),
        "W": (units, features),
        "U": (units, units),
        "b": (units,),
        "h_t": (units,),
        "V": (outputs, units),
        "c": (outputs,),
        "y_t": (outputs,),
    }


_SYMBOL_MEANINGS = {
    "x_t": "(features,)",
    "W": "(units, features)",
    "U": "(units, units)",
    "b": "(units,)",
    "h_t": "(units,)",
    "V": "(outputs, units)",
    "c": "(outputs,)",
    "y_t": "(outputs,)",
}


@_checker
def check_symbol_shapes(
    answer: Any, features: int, units: int, outputs: int, verbose: bool = True
) -> bool:
    """Check the shape of every symbol of the recurrence and of its readout.

    The equations are ``h_t = tanh(W x_t + U h_{t-1} + b)`` and
    ``y_t = V h_t + c``.

    Args:
        answer: A dict from the symbols ``"x_t"``, ``"W"``, ``"U"``, ``"b"``,
            ``"h_t"``, ``"V"``, ``"c"`` and ``"y_t"`` to shape tuples, for
            example ``{"W": (units, features), ...}``.
        features: Size of each input vector.
        units: Size of the state.
        outputs: Size of each output vector.
        verbose: Print the one-line feedback.

    Returns:
        ``True`` when every shape is right, ``False`` otherwise (the first
        problem is reported).

    Raises:
        TypeError, ValueError: ``features``, ``units`` or ``outputs`` is not
            a positive integer.
    """
    features, units, outputs = (
        _validate.positive_int(name, value)
        for name, value in (("features", features), ("units", units), ("outputs", outputs))
    )
    expected = _symbol_shapes(features, units, outputs)
    if not isinstance(answer, dict):
        return _report(
            False, f"Give a dict {{symbol: shape}}, got {type(answer).__name__}.", verbose
        )
    missing = [key for key in expected if key not in answer]
    if missing:
        return _report(False, f"Missing symbols: {', '.join(missing)}.", verbose)
    unknown = [str(key) for key in answer if key not in expected]
    if unknown:
        return _report(
            False,
            f"Unknown symbols: {', '.join(unknown)} (use {', '.join(expected)}).",
            verbose,
        )
    for key, shape in expected.items():
        given = answer[key]
        if isinstance(given, numbers.Integral) and not isinstance(given, bool):
            return _report(
                False,
                f"{key}: write a shape as a tuple; a vector of {given} values has shape "
                f"({given},), with the comma.",
                verbose,
            )
        if not isinstance(given, (tuple, list)) or not all(
            isinstance(n, numbers.Integral) and not isinstance(n, bool) for n in given
        ):
            if _is_placeholder(given):
                return _report(False, f"{key}: not written yet (still {given!r}).", verbose)
            return _report(False, f"{key}: expected a tuple of integers, got {_short(given)}.",
                           verbose)
        given = tuple(int(n) for n in given)
        if given == shape:
            continue
        if len(shape) == 2 and given == shape[::-1]:
            hint = (
                f"that is {key} transposed: the course multiplies {key} @ vector, so {key} "
                f"has one row per value it produces, {_SYMBOL_MEANINGS[key]}."
            )
        else:
            hint = f"{key} is {_SYMBOL_MEANINGS[key]}."
        return _report(False, f"{key}: expected {shape}, got {given}; {hint}", verbose)
    return _report(
        True,
        f"Correct! With {features} features, {units} units and {outputs} outputs every "
        "shape fits: W x_t and U h_{t-1} are both (units,), V h_t is (outputs,).",
        verbose,
    )


@_checker
def check_hidden_state(
    answer: Any,
    inputs: Any,
    W: Any,
    U: Any,
    b: Any,
    step: int,
    atol: float = 1e-3,
    verbose: bool = True,
) -> bool:
    """Check a state ``h_step`` computed by hand for ``h_t = tanh(W x_t + U h_{t-1} + b)``.

    The reference is :func:`rnn_forward` on ``inputs`` from ``h_0 = 0``. The
    tolerance allows for rounding to 4 decimals at every step by hand.

    Args:
        answer: The student's ``h_step``, a vector of ``units`` numbers.
        inputs: One sequence ``(timesteps, features)``.
        W: ``(units, features)``.
        U: ``(units, units)``.
        b: ``(units,)``.
        step: The time step, from 1 (the first input) to ``timesteps``.
        atol: Largest absolute difference accepted per unit.
        verbose: Print the one-line feedback.

    Returns:
        ``True`` when every unit is within ``atol``, ``False`` otherwise.

    Raises:
        ValueError: ``inputs`` is not one sequence, the weights do not fit
            it, or ``step`` is out of range.
    """
    x = np.asarray(inputs, dtype=float)
    if x.ndim != 2:
        raise ValueError(
            f"inputs must be one sequence (timesteps, features), got shape {x.shape}."
        )
    W, U, b = (np.asarray(a, dtype=float) for a in (W, U, b))
    states = rnn_forward(x, W, U, b)  # raises ValueError on shapes that do not fit
    timesteps, units = states.shape
    if (isinstance(step, bool) or not isinstance(step, numbers.Integral)
            or not 1 <= step <= timesteps):
        raise ValueError(f"step must be an integer from 1 to {timesteps}, got {step!r}.")
    try:
        values = np.asarray(answer, dtype=float)
    except (TypeError, ValueError) as error:
        return _report(
            False, f"Your answer is not a vector of numbers: {_first_line(error)}", verbose
        )
    if values.shape == (units,) and not np.all(np.isfinite(values)):
        return _report(False, "Your answer holds NaN or infinite values.", verbose)
    if values.shape != (units,):
        return _report(
            False,
            f"Expected a vector of {units} numbers (one per unit), got shape {values.shape}.",
            verbose,
        )
    expected = states[step - 1]
    if np.allclose(values, expected, rtol=0.0, atol=atol):
        return _report(True, f"Correct! That is h_{step}, to within {atol:g}.", verbose)

    h_prev = np.zeros(units) if step == 1 else states[step - 2]
    x_t = x[step - 1]
    slips = [
        (W @ x_t + U @ h_prev + b, "that is z_t, the pre-activation: apply tanh to it."),
        (np.tanh(W @ x_t + b),
         "you left out U h_{t-1}: the state of the previous step counts too."),
        (np.tanh(W @ x_t + U.T @ h_prev + b),
         "row i of U multiplies h_{t-1} to give unit i: check that you did not transpose U."),
        (np.tanh(W @ x_t + U @ h_prev),
         "you forgot the bias b."),
    ]
    slips += [
        (states[k], f"that is h_{k + 1}, the state after step {k + 1}, not step {step}.")
        for k in range(timesteps) if k != step - 1
    ]
    for value, hint in slips:
        if not np.allclose(value, expected, rtol=0.0, atol=atol) and np.allclose(
            values, value, rtol=0.0, atol=atol
        ):
            return _report(False, f"Not quite: {hint}", verbose)
    wrong = [str(i + 1) for i in range(units) if abs(values[i] - expected[i]) > atol]
    which = "unit " + wrong[0] if len(wrong) == 1 else "units " + ", ".join(wrong)
    return _report(
        False,
        f"Not quite: {which} wrong. Compute z = W x_{step} + U h_{step - 1} + b, "
        "one unit per row, then h = tanh(z).",
        verbose,
    )


@_checker
def check_rnn_output_shape(
    answer: Any, timesteps: int, units: int, batch: int | None = None, verbose: bool = True
) -> bool:
    """Check the shape of the hidden states an RNN returns for a whole sequence.

    Args:
        answer: The student's output array, or its shape as a tuple.
        timesteps: Number of time steps of the input.
        units: Number of hidden units.
        batch: Number of sequences, or ``None`` for a single sequence.
        verbose: Print the one-line feedback.

    Returns:
        ``True`` when the shape is ``(timesteps, units)`` (or
        ``(batch, timesteps, units)``), ``False`` otherwise.
    """
    for name, value in (("timesteps", timesteps), ("units", units), ("batch", batch)):
        if value is not None or name != "batch":
            _validate.positive_int(name, value)
    expected = (timesteps, units) if batch is None else (batch, timesteps, units)
    shape = _shape_of(answer)
    if shape is None:
        return _report(False, "Your answer is not a rectangular array.", verbose)
    if shape == expected:
        return _report(
            True, f"Correct! {shape}: one row of {units} values per time step.", verbose
        )
    hint = _CONCATENATE_HINT if int(np.prod(shape)) == int(np.prod(expected)) else ""
    return _report(False, f"Expected shape {expected}, got {shape}.{hint}", verbose)


# What to check when the states are already wrong at the first step, and
# when only a later step is wrong.
_STEP_HINTS = (
    "already wrong at the first step, where h_{t-1} = 0: check W x_t + b.",
    "the first step is right, later ones are not: check U h_{t-1}.",
)


@_checker
def check_rnn_forward(
    student_fn: Callable[..., Any],
    batched: bool = True,
    seed: int = 0,
    atol: float = 1e-5,
    verbose: bool = True,
) -> bool:
    """Check a student's RNN forward pass against :func:`rnn_forward`.

    ``student_fn(inputs, W, U, b)`` is called on random inputs of several
    shapes (one time step, one unit, as many features as units, ...) with the
    course convention ``W: (units, features)``, ``U: (units, units)``,
    ``b: (units,)`` and a zero initial state. The first problem found is
    reported in one line.

    Args:
        student_fn: The function to check.
        batched: ``True`` to call it with batches ``(batch, timesteps,
            features)`` and expect ``(batch, timesteps, units)``; ``False``
            for single sequences ``(timesteps, features)`` and
            ``(timesteps, units)``.
        seed: Seed of the random inputs and weights.
        atol: Largest absolute difference accepted (float32 code passes).
        verbose: Print the one-line feedback.

    Returns:
        ``True`` when every output matches, ``False`` otherwise.
    """
    if not callable(student_fn):
        return _report(False, _not_a_function(student_fn), verbose)
    for _, inputs, W, U, b in _random_cases(seed):
        if not batched:
            inputs = inputs[0]
        expected = rnn_forward(inputs, W, U, b)
        where = f"for inputs {inputs.shape}, W {W.shape}, U {U.shape}, b {b.shape}"
        values, problem = _student_output(student_fn, (inputs, W, U, b), expected, where)
        if problem is not None:
            return _report(False, problem, verbose)
        if not np.allclose(values, expected, rtol=0.0, atol=atol):
            return _report(False, _wrong_values(values, expected, atol, where, _STEP_HINTS),
                           verbose)
    kind = "batches" if batched else "single sequences"
    return _report(
        True, f"Correct! Your function matches rnn_forward on {len(_CASES)} {kind}.", verbose
    )
