"""Argument checks shared by the helper modules.

Each check raises a one-line ``TypeError`` (wrong kind of value) or
``ValueError`` (right kind, wrong value) that names the argument, so that a
student sees what to change instead of a message from deep inside NumPy,
TensorFlow or Matplotlib. Each returns the value in the form the caller
needs (a Python ``int``, an array, ...).
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np


def positive_int(name: str, value: Any, minimum: int = 1) -> int:
    """``value`` as an ``int`` of at least ``minimum``, or a one-line error.

    A bool (NumPy's too) is not an integer here: ``True`` for a count is a slip.
    """
    span = "a positive integer" if minimum == 1 else f"an integer of at least {minimum}"
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be {span}, got {value!r:.60}.")
    if value < minimum:
        raise ValueError(f"{name} must be {span}, got {value!r}.")
    return int(value)


def seed(name: str, value: Any, maximum: int | None = None) -> int:
    """A seed: a non-negative integer (below ``maximum`` when given)."""
    span = "a non-negative integer" if maximum is None else f"an integer from 0 to {maximum - 1}"
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be {span}, got {value!r:.60}.")
    if value < 0 or (maximum is not None and value >= maximum):
        raise ValueError(f"{name} must be {span}, got {value!r:.60}.")
    return int(value)


def flag(name: str, value: Any) -> bool:
    """``True`` or ``False`` (a NumPy bool too); anything else is a TypeError.

    ``bool("no")`` is ``True``: taking truthiness would turn a typo into
    the opposite of what was meant.
    """
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r:.60}.")
    return bool(value)


def finite_number(name: str, value: Any) -> float:
    """A real, finite number (not a bool), as a ``float``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {value!r:.60}.")
    if not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}.")
    return float(value)


def positive_number(name: str, value: Any) -> float:
    """A real, finite number above zero (not a bool), as a ``float``."""
    number = finite_number(name, value)
    if number <= 0:
        raise ValueError(f"{name} must be a positive number, got {value!r}.")
    return number


def text(name: str, value: Any, none_ok: bool = False) -> str | None:
    """A string (or ``None`` when ``none_ok``), for titles and labels."""
    if value is None and none_ok:
        return None
    if not isinstance(value, str):
        kind = "a string or None" if none_ok else "a string"
        raise TypeError(f"{name} must be {kind}, got {type(value).__name__}.")
    return value


def strings(name: str, value: Any, allow_empty: bool = False) -> list[str]:
    """A list of strings (not one string), such as words or class names."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise TypeError(f"{name} must be a list of strings, got {type(value).__name__}.")
    items = list(value)
    if not items and not allow_empty:
        raise ValueError(f"{name} is empty: pass at least one string.")
    for i, item in enumerate(items):
        if not isinstance(item, str):
            raise TypeError(f"{name}[{i}] must be a string, got {type(item).__name__}.")
    return items


def real_array(name: str, value: Any) -> np.ndarray:
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


def check_finite(name: str, array: np.ndarray) -> None:
    """Raise a one-line ValueError when a float array holds NaN or infinity."""
    if np.issubdtype(array.dtype, np.floating) and not np.all(np.isfinite(array)):
        bad = "NaN" if np.isnan(array).any() else "infinite"
        raise ValueError(
            f"{name} of shape {array.shape} holds {bad} values; check how it was computed."
        )


def finite_array(name: str, value: Any, ndim: int | Sequence[int] | None = None,
                 allow_empty: bool = False) -> np.ndarray:
    """A finite array of real numbers with ``ndim`` dimensions (one of them)."""
    array = real_array(name, value)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if array.ndim not in allowed:
            want = " or ".join(str(n) for n in allowed)
            raise ValueError(
                f"{name} must have {want} dimensions, got shape {array.shape}."
            )
    if array.size == 0 and not allow_empty:
        raise ValueError(f"{name} of shape {array.shape} is empty.")
    check_finite(name, array)
    return array
