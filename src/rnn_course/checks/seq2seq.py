"""The checker of one step of additive attention (Part V, Chapter 12)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from rnn_course.checks._core import _call_student, _checker, _not_a_function, _report, _shape_of
from rnn_course.seq2seq import additive_attention

__all__ = ["check_additive_attention"]

# (timesteps, query_units, state_units, attention_units): one ordinary case,
# a single encoder state, and sizes that differ so that a transposed matrix
# gives a shape error or wrong numbers.
_ATTENTION_CASES = ((6, 4, 5, 3), (1, 2, 3, 4), (9, 3, 3, 3))


def _attention_variant(case: dict[str, np.ndarray], mistake: str) -> tuple[np.ndarray, ...]:
    """``(context, weights)`` with one classic slip, to recognise it in an answer."""
    keys = case["states"] @ case["W_key"].T
    inside = case["W_query"] @ case["query"] + keys
    scores = (inside if mistake == "no tanh" else np.tanh(inside)) @ case["v"]
    if mistake == "no softmax":
        weights = scores
    else:
        weights = np.exp(scores - scores.max())
        weights /= weights.sum()
    values = keys if mistake == "projected values" else case["states"]
    return weights @ values, weights


_ATTENTION_HINTS = {
    "no tanh": "the scores miss the tanh: e_j = v . tanh(W_query s + W_key h_j).",
    "no softmax": "the weights are the raw scores: turn them into a distribution "
                  "with a softmax, exp(e) / sum(exp(e)).",
    "projected values": "the context averages the projected keys W_key h_j; average "
                        "the encoder's states h_j themselves.",
}


def _two_arrays(answer: Any, shapes: tuple[tuple[int, ...], ...], where: str) -> str | None:
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        return f"Return two things {where}: (context, weights), got {type(answer).__name__}."
    for name, part, shape in zip(("context", "weights"), answer, shapes):
        if _shape_of(part) != shape:
            return f"Expected {name} of shape {shape} {where}, got {_shape_of(part)}."
        try:
            values = np.asarray(part, dtype=np.float64)
        except (TypeError, ValueError):
            return f"Your {name} {where} is not numeric."
        if not np.all(np.isfinite(values)):
            return f"Your {name} {where} holds NaN or infinite values."
    return None


@_checker
def check_additive_attention(
    student_fn: Callable[..., Any], seed: int = 0, atol: float = 1e-5, verbose: bool = True
) -> bool:
    """Check a student's step of additive attention against the course's.

    ``student_fn(query, states, W_query, W_key, v)`` is called on random
    cases: ``query`` ``(query_units,)``, ``states`` ``(T, state_units)``,
    ``W_query`` ``(attention_units, query_units)``, ``W_key``
    ``(attention_units, state_units)`` and ``v`` ``(attention_units,)``. It
    must return ``(context, weights)``, ``(state_units,)`` and ``(T,)``, as
    :func:`~rnn_course.seq2seq.additive_attention` does. The first problem
    is reported in one line, naming the classic slips: no ``tanh``, no
    softmax, the projected keys averaged instead of the states.

    Args:
        student_fn: The student's ``my_additive_attention``.
        seed: Seed of the random cases.
        atol: Largest absolute difference accepted.
        verbose: Print the one-line feedback.

    Returns:
        ``True`` when every case matches, ``False`` otherwise.
    """
    if not callable(student_fn):
        return _report(False, _not_a_function(student_fn), verbose)
    rng = np.random.default_rng(seed)
    for T, query_units, state_units, attention_units in _ATTENTION_CASES:
        case = {
            "query": rng.standard_normal(query_units),
            "states": rng.standard_normal((T, state_units)),
            "W_query": rng.standard_normal((attention_units, query_units)),
            "W_key": rng.standard_normal((attention_units, state_units)),
            "v": rng.standard_normal(attention_units),
        }
        context, weights = additive_attention(**case)
        where = f"for {T} encoder state{'s' if T > 1 else ''} of {state_units} numbers"
        answer, problem = _call_student(student_fn, tuple(case.values()), where)
        if problem is None:
            problem = _two_arrays(answer, (context.shape, weights.shape), where)
            if (problem is not None and problem.startswith("Expected context")
                    and _shape_of(answer[0]) == (attention_units,)):
                problem = f"Wrong context {where}: {_ATTENTION_HINTS['projected values']}"
        if problem is not None:
            return _report(False, problem, verbose)
        got = [np.asarray(part, dtype=np.float64) for part in answer]
        if np.allclose(got[1], weights, atol=atol) and np.allclose(got[0], context, atol=atol):
            continue
        for mistake, hint in _ATTENTION_HINTS.items():
            wrong = _attention_variant(case, mistake)
            if all(g.shape == w.shape and np.allclose(g, w, atol=atol)
                   for g, w in zip(got, wrong)):
                return _report(False, f"Wrong values {where}: {hint}", verbose)
        if np.allclose(got[1], weights, atol=atol):
            return _report(False, f"The weights are right {where} but the context is not: "
                                  "it is sum_j a_j h_j, the weighted mean of the states.",
                           verbose)
        return _report(False, f"Wrong weights {where}: expected {np.round(weights, 4)}, got "
                              f"{np.round(got[1], 4)}; score each state with "
                              "v . tanh(W_query s + W_key h_j), then take a softmax.", verbose)
    return _report(True, f"Correct! Your attention step matches additive_attention (and "
                         f"keras.layers.AdditiveAttention) on {len(_ATTENTION_CASES)} cases.",
                   verbose)
