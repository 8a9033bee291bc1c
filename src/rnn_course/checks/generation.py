"""The checkers of Part V, generating sequences (Chapter 11, a character-level language model)."""

from __future__ import annotations

from typing import Any

import numpy as np

from rnn_course.checks._core import _call_student, _checker, _report, _shape_of

__all__ = ["check_softmax_temperature"]

# (temperature, logits): an ordinary case, a sharp and a flat temperature, a
# batch of rows (the softmax runs along the last axis), and logits so large
# that exp overflows unless the largest is subtracted first.
_LOGITS = np.array([2.0, 1.0, 0.5, -1.0, 0.0])
_CASES = (
    (1.0, _LOGITS),
    (0.5, _LOGITS),
    (2.0, _LOGITS),
    (0.7, np.array([[1.0, 3.0, -2.0], [0.0, 0.0, 4.0]])),
    (1.0, np.array([1000.0, 999.0, 990.0])),
)


def _reference(logits: np.ndarray, temperature: float) -> np.ndarray:
    z = logits / temperature
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _slip(values: np.ndarray, logits: np.ndarray, temperature: float) -> str:
    """A hint naming the classic slip that ``values`` matches, or a general one."""
    with np.errstate(all="ignore"):
        if np.allclose(values, _reference(logits, 1.0 / temperature), atol=1e-6):
            return "you multiplied the logits by the temperature: divide them by it."
        if np.allclose(values, _reference(logits, 1.0), atol=1e-6):
            return "the temperature is not used: compute softmax(logits / temperature)."
        flat = np.exp(logits / temperature)
        if np.allclose(values, flat / flat.sum(), atol=1e-6):
            return "normalise along the last axis only (axis=-1, keepdims=True)."
    return "compute exp(logits / temperature) and divide by its sum along the last axis."


@_checker
def check_softmax_temperature(student_fn: Any, verbose: bool = True) -> bool:
    """Check ``student_fn(logits, temperature)``, the softmax of ``logits / temperature``.

    The answer must return probabilities of the shape of ``logits`` that sum
    to 1 along the last axis, equal to
    :func:`rnn_course.language_model.softmax_with_temperature` for
    temperatures above 0, also for logits so large that ``np.exp`` of them
    overflows. Named slips: multiplying by the temperature, ignoring it,
    normalising over the whole batch, and forgetting to subtract the
    largest logit.

    Args:
        student_fn: The student's function.
        verbose: Print the one-line feedback.

    Returns:
        ``True`` when every case is right.
    """
    for temperature, logits in _CASES:
        where = f"for temperature {temperature} and logits of shape {logits.shape}"
        with np.errstate(all="ignore"):
            answer, problem = _call_student(student_fn, (logits.copy(), temperature), where)
        if problem is not None:
            return _report(False, problem, verbose)
        if answer is None:
            return _report(False, f"Your function returned None {where}: add a return.", verbose)
        if _shape_of(answer) != logits.shape:
            return _report(False, f"Expected shape {logits.shape} {where}, got "
                                  f"{_shape_of(answer)}.", verbose)
        try:
            values = np.asarray(answer, dtype=np.float64)
        except (TypeError, ValueError):
            return _report(False, f"Your output {where} is not numeric.", verbose)
        if not np.all(np.isfinite(values)):
            return _report(False, f"Your output {where} holds NaN or infinite values: "
                                  "subtract the largest logit before np.exp, so that "
                                  "exp never overflows.", verbose)
        expected = _reference(logits, temperature)
        if not np.allclose(values, expected, rtol=0.0, atol=1e-6):
            hint = _slip(values, logits, temperature)
            return _report(False, f"Wrong probabilities {where}: {hint}", verbose)
    return _report(True, "Correct! Dividing by a temperature below 1 sharpens the "
                         "distribution, above 1 flattens it.", verbose)
