"""The checker of backpropagation through time (Chapter 4)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from rnn_course.checks._core import (
    _CASES,
    _call_student,
    _checker,
    _first_line,
    _not_a_function,
    _random_cases,
    _report,
    _shape_of,
)
from rnn_course.numpy_nets import relative_error, rnn_backward, rnn_forward

__all__ = ["check_rnn_backward"]


def _bptt_variant(
    x: np.ndarray,
    W: np.ndarray,
    U: np.ndarray,
    b: np.ndarray,
    h: np.ndarray,
    g: np.ndarray,
    mistake: str | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """BPTT on a batch (h_0 = 0), right or with one classic slip, to name it."""
    batch, timesteps, _ = x.shape
    units = W.shape[0]
    previous = np.concatenate([np.zeros((batch, 1, units)), h[:, :-1]], axis=1)
    if mistake == "h_t in dU":
        previous = h
    slope = np.ones_like(h) if mistake == "no slope" else 1.0 - h**2
    back = U.T if mistake == "U not transposed" else U
    dz = np.zeros_like(h)
    delta = np.zeros((batch, units))
    for t in reversed(range(timesteps)):
        delta = g[:, t] + (0.0 if mistake == "no recurrence" else delta)
        dz[:, t] = delta * slope[:, t]
        delta = dz[:, t] @ back
    flat = dz.reshape(-1, units)
    return flat.T @ x.reshape(-1, x.shape[-1]), flat.T @ previous.reshape(-1, units), flat.sum(0)


_BPTT_HINTS = {
    "no slope": "you forgot the slope of tanh: multiply dL/dh_t by (1 - h_t**2) to get dL/dz_t.",
    "no recurrence": (
        "the gradient does not flow back in time: add U^T (dL/dz_t) to dL/dh_{t-1} "
        "before you use it."
    ),
    "U not transposed": (
        "the gradient flows back through U^T, not U: with one sequence per row, "
        "dL/dh_{t-1} gets a_t @ U."
    ),
    "h_t in dU": (
        "dU pairs dL/dz_t with the previous state h_{t-1} (zeros at the first step), not h_t."
    ),
}


def _three_gradients(answer: Any) -> tuple[Any, Any, Any] | None:
    if all(hasattr(answer, name) for name in ("dW", "dU", "db")):
        return answer.dW, answer.dU, answer.db
    if isinstance(answer, (tuple, list)) and len(answer) == 3:
        return tuple(answer)
    return None


@_checker
def check_rnn_backward(
    student_fn: Callable[..., Any],
    batched: bool = True,
    seed: int = 0,
    rtol: float = 1e-4,
    verbose: bool = True,
) -> bool:
    """Check a student's backpropagation through time against :func:`rnn_backward`.

    ``student_fn(inputs, W, U, b, states, grad_states)`` must return
    ``(dW, dU, db)``, the gradients of a loss whose direct gradient with
    respect to each state ``h_t`` is ``grad_states[t]`` (non-zero at every
    step here, as for a loss on every output), with ``h_0 = 0``. It is
    called on random cases of several shapes; the first problem found is
    reported in one line, naming the classic slip when it is one (a
    forgotten tanh slope, no flow back in time, ``U`` instead of ``U^T``,
    ``h_t`` instead of ``h_{t-1}``).

    Args:
        student_fn: The function to check.
        batched: ``True`` for batches ``(batch, timesteps, features)``,
            ``False`` for single sequences ``(timesteps, features)``.
        seed: Seed of the random cases.
        rtol: Largest :func:`~rnn_course.numpy_nets.relative_error` accepted
            for each gradient (float32 code passes).
        verbose: Print the one-line feedback.

    Returns:
        ``True`` when every gradient matches, ``False`` otherwise.
    """
    if not callable(student_fn):
        return _report(False, _not_a_function(student_fn), verbose)
    for rng, inputs, W, U, b in _random_cases(seed):
        _, timesteps, features = inputs.shape
        units = W.shape[0]
        if not batched:
            inputs = inputs[:1]
        states = rnn_forward(inputs, W, U, b)
        grad_states = rng.standard_normal(states.shape)
        expected = rnn_backward(inputs, W, U, b, states, grad_states)[:3]
        args = (inputs, W, U, b, states, grad_states)
        if not batched:
            args = (inputs[0], W, U, b, states[0], grad_states[0])
        where = f"for inputs {args[0].shape} and {units} units"
        answer, problem = _call_student(student_fn, args, where)
        if problem is not None:
            return _report(False, problem, verbose)
        if answer is None:
            return _report(False, f"Your function returned None {where}: add a return.", verbose)
        grads = _three_gradients(answer)
        if grads is None:
            return _report(
                False,
                f"Return the three gradients (dW, dU, db) {where}, got {type(answer).__name__}.",
                verbose,
            )
        wrong = []
        for name, value, right in zip(("dW", "dU", "db"), grads, expected):
            shape = _shape_of(value)
            if shape != right.shape:
                return _report(
                    False,
                    f"{name} must have the shape of {name[1:]}, {right.shape}, {where}; "
                    f"got {shape}.",
                    verbose,
                )
            try:
                values = np.asarray(value, dtype=np.float64)
            except (TypeError, ValueError) as error:
                return _report(
                    False, f"{name} {where} is not numeric: {_first_line(error)}", verbose
                )
            if not np.all(np.isfinite(values)):
                return _report(False, f"{name} {where} holds NaN or infinite values.", verbose)
            if relative_error(values, right) > rtol:
                wrong.append(name)
        if not wrong:
            continue
        names = wrong[0] if len(wrong) == 1 else ", ".join(wrong[:-1]) + " and " + wrong[-1]
        x3 = inputs.reshape(-1, timesteps, features)
        h3, g3 = states.reshape(x3.shape[0], timesteps, units), grad_states.reshape(
            x3.shape[0], timesteps, units
        )
        for mistake, hint in _BPTT_HINTS.items():
            slipped = _bptt_variant(x3, W, U, b, h3, g3, mistake)
            if all(
                relative_error(np.asarray(value, dtype=np.float64), variant) <= rtol
                for value, variant in zip(grads, slipped)
            ):
                return _report(False, f"Wrong {names} {where}: {hint}", verbose)
        if wrong == ["dW"]:
            hint = "dU and db are right, so the walk back is right: dW sums dL/dz_t times x_t^T."
        elif wrong == ["dU"]:
            hint = (
                "dW and db are right, so the walk back is right: "
                "dU sums dL/dz_t times h_{t-1}^T."
            )
        else:
            hint = (
                "check the walk back: dL/dh_t = grad_states[t] + U^T dL/dz_{t+1}, "
                "dL/dz_t = dL/dh_t * (1 - h_t**2)."
            )
        return _report(False, f"Wrong {names} {where}; {hint}", verbose)
    kind = "batches" if batched else "single sequences"
    return _report(
        True, f"Correct! Your gradients match rnn_backward on {len(_CASES)} {kind}.", verbose
    )
