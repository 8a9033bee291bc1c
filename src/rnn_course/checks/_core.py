"""The small framework every checker is built on.

A checker reports through :func:`_report` (one printed line, ``True`` or
``False``), is decorated with :func:`_checker` (a stub's placeholder answer
is "not written yet"), calls a student's function through
:func:`_call_student` (an error becomes one line of feedback) and, when that
function returns an array, reads it with :func:`_student_output`.
"""

from __future__ import annotations

import functools
import inspect
import numbers
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np

# (batch, timesteps, features, units): one ordinary case, one step of one
# sequence, a single unit, and features == units so that swapping W and U,
# or forgetting a transpose, gives wrong numbers instead of a shape error.
_CASES = ((2, 5, 3, 4), (1, 1, 2, 3), (4, 7, 5, 1), (3, 6, 4, 4))


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


def _random_cases(
    seed: int,
) -> Iterator[tuple[np.random.Generator, np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """``(rng, inputs, W, U, b)`` for each of :data:`_CASES`, ``inputs`` a batch.

    The weights follow the course convention, ``W: (units, features)``,
    ``U: (units, units)``, ``b: (units,)``. ``rng`` is the generator they are
    drawn from; a checker may draw more from it before the next case.
    """
    rng = np.random.default_rng(seed)
    for batch, timesteps, features, units in _CASES:
        yield (rng, *_random_case(rng, batch, timesteps, features, units))


_CONCATENATE_HINT = (
    " Same number of values, wrong shape: did you join the states with "
    "np.concatenate? np.stack adds the time axis."
)


# What a stub of the student version (``python -m tools.assign``) holds
# before the student writes anything: a ``None`` or ``...`` placeholder, or a
# function whose body is ``raise NotImplementedError``.
_NOT_WRITTEN = (
    "Not written yet: {what}. Write your answer in the TODO cell above, run it, "
    "then run this check again."
)


def _report(ok: bool, message: str, verbose: bool) -> bool:
    if verbose:
        # One line whatever the message quotes (an array's repr spans several).
        print(" ".join(message.split()))
    return ok


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else "(no message)"


def _short(value: Any, limit: int = 60) -> str:
    """``repr(value)`` on one line, cut to about ``limit`` characters."""
    text = " ".join(repr(value).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _is_placeholder(answer: Any) -> bool:
    """Whether ``answer`` is a stub's placeholder.

    A placeholder is ``None``, ``...``, or a non-empty container of only those.
    """
    if answer is None or answer is Ellipsis:
        return True
    if isinstance(answer, Mapping):
        return bool(answer) and all(_is_placeholder(value) for value in answer.values())
    if isinstance(answer, (list, tuple)):
        return bool(answer) and all(_is_placeholder(value) for value in answer)
    return False


def _checker(check: Callable[..., bool]) -> Callable[..., bool]:
    """Make ``check`` report a stub's placeholder answer as "not written yet".

    The answer is the checker's first argument; ``verbose`` is honoured.
    """
    signature = inspect.signature(check)
    first = next(iter(signature.parameters))

    @functools.wraps(check)
    def wrapper(*args: Any, **kwargs: Any) -> bool:
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError:
            return check(*args, **kwargs)  # called the wrong way: Python says how
        answer = bound.arguments.get(first)
        if first in bound.arguments and _is_placeholder(answer):
            what = f"the answer is still {_short(answer).replace('Ellipsis', '...')}"
            return _report(False, _NOT_WRITTEN.format(what=what),
                           bound.arguments.get("verbose", True))
        return check(*args, **kwargs)

    return wrapper


def _not_a_function(answer: Any) -> str:
    """The one line that tells a student to pass the function, not ``answer``."""
    return f"Pass your function itself, not {type(answer).__name__}."


def _call_student(
    student_fn: Any, args: tuple, where: str
) -> tuple[Any, str | None]:
    """``(student_fn(*args), None)``, or ``(None, problem)`` in one line.

    ``problem`` says the function is not written yet (it raises
    ``NotImplementedError``), is not a function, or raised an error.
    """
    if not callable(student_fn):
        return None, _not_a_function(student_fn)
    try:
        return student_fn(*args), None
    except NotImplementedError:
        return None, _NOT_WRITTEN.format(what="your function still raises NotImplementedError")
    except Exception as error:  # any error is feedback here
        return None, f"Your function raised {type(error).__name__} {where}: {_first_line(error)}"


def _shape_of(answer: Any) -> tuple[int, ...] | None:
    """The shape of an array-like answer, or ``None`` when it has none."""
    if isinstance(answer, tuple) and all(isinstance(n, numbers.Integral) for n in answer):
        return tuple(int(n) for n in answer)
    try:
        return np.shape(answer)
    except ValueError:  # ragged nested lists
        return None


def _student_output(
    student_fn: Callable[..., Any], args: tuple, expected: np.ndarray, where: str
) -> tuple[np.ndarray | None, str | None]:
    """Call ``student_fn(*args)`` and return ``(values, None)`` or ``(None, problem)``.

    ``values`` is the answer as a float64 array of ``expected``'s shape;
    ``problem`` says in one line why there is none (an error, no return value,
    a wrong shape, non-numeric output).
    """
    answer, problem = _call_student(student_fn, args, where)
    if problem is not None:
        return None, problem
    if answer is None:
        return None, f"Your function returned None {where}: add a return."
    shape = _shape_of(answer)
    if shape != expected.shape:
        hint = ""
        if shape is not None and int(np.prod(shape)) == expected.size:
            hint = _CONCATENATE_HINT
        return None, f"Expected shape {expected.shape} {where}, got {shape}.{hint}"
    if np.iscomplexobj(answer):
        return None, f"Your output {where} holds complex numbers; expected real ones."
    try:
        values = np.asarray(answer, dtype=np.float64)
    except (TypeError, ValueError) as error:
        return None, f"Your output {where} is not numeric: {_first_line(error)}"
    if not np.all(np.isfinite(values)):
        return None, f"Your output {where} holds NaN or infinite values."
    return values, None


def _wrong_values(
    values: np.ndarray, expected: np.ndarray, atol: float, where: str, hints: tuple[str, str]
) -> str:
    """The line that names the earliest wrong time step of states ``(..., timesteps, units)``.

    ``hints`` say what to check when the first step is already wrong, and
    when only a later one is.
    """
    wrong = ~np.isclose(values, expected, rtol=0.0, atol=atol)
    # Report the earliest wrong time step: the hint depends on it.
    positions = np.argwhere(wrong)
    index = tuple(int(i) for i in positions[np.argmin(positions[:, -2])])
    hint = hints[0] if index[-2] == 0 else hints[1]
    return (
        f"Wrong values {where}: at index {index} expected {expected[index]:.6f}, "
        f"got {values[index]:.6f}; {hint}"
    )
