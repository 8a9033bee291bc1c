"""Automatic checkers for the chapters' exercises.

Every checker takes the student's answer, prints one line of feedback
("Correct! ..." or what is wrong and a hint) and returns ``True`` or
``False``. Checkers never raise on a wrong answer, so a notebook runs on
while the student tries again; they raise only when called the wrong way
(for example with a negative number of units).

Example, in a notebook::

    from rnn_course.checks import check_rnn_forward

    def my_rnn_forward(inputs, W, U, b):
        ...

    check_rnn_forward(my_rnn_forward)
"""

from __future__ import annotations

import numbers
from typing import Any, Callable

import numpy as np

from rnn_course.numpy_nets import rnn_forward, simple_rnn_param_count

__all__ = ["check_rnn_forward", "check_rnn_output_shape", "check_parameter_count"]

# (batch, timesteps, features, units): one ordinary case, one step of one
# sequence, a single unit, and features == units so that swapping W and U,
# or forgetting a transpose, gives wrong numbers instead of a shape error.
_CASES = ((2, 5, 3, 4), (1, 1, 2, 3), (4, 7, 5, 1), (3, 6, 4, 4))

_CONCATENATE_HINT = (
    " Same number of values, wrong shape: did you join the states with "
    "np.concatenate? np.stack adds the time axis."
)


def _report(ok: bool, message: str, verbose: bool) -> bool:
    if verbose:
        print(message)
    return ok


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else "(no message)"


def _shape_of(answer: Any) -> tuple[int, ...] | None:
    """The shape of an array-like answer, or ``None`` when it has none."""
    if isinstance(answer, tuple) and all(isinstance(n, numbers.Integral) for n in answer):
        return tuple(int(n) for n in answer)
    try:
        return np.shape(answer)
    except ValueError:  # ragged nested lists
        return None


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
        if value is None and name == "batch":
            continue
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}.")
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


def check_parameter_count(answer: Any, features: int, units: int, verbose: bool = True) -> bool:
    """Check a student's count of the parameters of a simple RNN layer.

    The layer has ``W`` ``(units, features)``, ``U`` ``(units, units)`` and
    ``b`` ``(units,)``, the same count as ``keras.layers.SimpleRNN(units)``
    on ``features`` inputs.

    Args:
        answer: The student's count (an integer).
        features: Number of input features.
        units: Number of hidden units.
        verbose: Print the one-line feedback.

    Returns:
        ``True`` when ``answer`` is right, ``False`` otherwise.
    """
    expected = simple_rnn_param_count(features, units)
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        return _report(False, f"Expected a number, got {type(answer).__name__}.", verbose)
    if answer == expected:
        return _report(
            True,
            f"Correct! {units}*{features} (W) + {units}*{units} (U) + {units} (b) = {expected}.",
            verbose,
        )
    # Name the most common slips so the student knows where to look.
    slips = (
        (units * features + units * units, "you forgot the bias b"),
        (units * features + units, "you forgot the recurrent weights U"),
        (units * units + units, "you forgot the input weights W"),
        (2 * units * features + units, "U is (units, units), not (units, features)"),
    )
    # Two slips can give the same number (units == 2 * features, say).
    hints = [hint for count, hint in slips if answer == count]
    detail = f": {' or '.join(hints)}." if hints else ": count the entries of W, U and b."
    return _report(False, f"Not quite, {answer} is not the number of parameters{detail}", verbose)


def _random_case(
    rng: np.random.Generator, batch: int, timesteps: int, features: int, units: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    # Scaled weights keep tanh away from saturation: with states stuck at 1.0
    # a wrong recurrent term would give the right numbers by accident.
    inputs = rng.standard_normal((batch, timesteps, features))
    W = rng.standard_normal((units, features)) / np.sqrt(features)
    U = rng.standard_normal((units, units)) / np.sqrt(units)
    b = 0.5 * rng.standard_normal(units)
    return inputs, W, U, b


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
        return _report(
            False, f"Pass your function itself, not {type(student_fn).__name__}.", verbose
        )
    rng = np.random.default_rng(seed)
    for batch, timesteps, features, units in _CASES:
        inputs, W, U, b = _random_case(rng, batch, timesteps, features, units)
        if not batched:
            inputs = inputs[0]
        expected = rnn_forward(inputs, W, U, b)
        where = f"for inputs {inputs.shape}, W {W.shape}, U {U.shape}, b {b.shape}"
        try:
            answer = student_fn(inputs, W, U, b)
        except Exception as error:  # noqa: BLE001 - any error is feedback here
            return _report(
                False,
                f"Your function raised {type(error).__name__} {where}: {_first_line(error)}",
                verbose,
            )
        if answer is None:
            return _report(False, f"Your function returned None {where}: add a return.", verbose)
        shape = _shape_of(answer)
        if shape != expected.shape:
            hint = ""
            if shape is not None and int(np.prod(shape)) == expected.size:
                hint = _CONCATENATE_HINT
            return _report(
                False, f"Expected shape {expected.shape} {where}, got {shape}.{hint}", verbose
            )
        try:
            values = np.asarray(answer, dtype=np.float64)
        except (TypeError, ValueError) as error:
            return _report(
                False, f"Your output {where} is not numeric: {_first_line(error)}", verbose
            )
        wrong = ~np.isclose(values, expected, rtol=0.0, atol=atol)
        if wrong.any():
            # Report the earliest wrong time step: the hint depends on it.
            positions = np.argwhere(wrong)
            index = tuple(int(i) for i in positions[np.argmin(positions[:, -2])])
            if index[-2] == 0:
                hint = "already wrong at the first step, where h_{t-1} = 0: check W x_t + b."
            else:
                hint = "the first step is right, later ones are not: check U h_{t-1}."
            return _report(
                False,
                f"Wrong values {where}: at index {index} expected "
                f"{expected[index]:.6f}, got {values[index]:.6f}; {hint}",
                verbose,
            )
    kind = "batches" if batched else "single sequences"
    return _report(
        True, f"Correct! Your function matches rnn_forward on {len(_CASES)} {kind}.", verbose
    )
