"""The checker of data-parallel settings (Appendix A2, several devices)."""

from __future__ import annotations

import math
import numbers
from typing import Any

from rnn_course.checks._core import _call_student, _checker, _report, _short

__all__ = ["check_data_parallel"]

# (per-replica batch, replicas, learning rate on one device)
_CASES = ((64, 2, 2e-3), (32, 8, 1e-3), (128, 1, 3e-4), (16, 4, 0.01))


@_checker
def check_data_parallel(student_fn: Any, verbose: bool = True) -> bool:
    """Check ``student_fn(per_replica_batch, replicas, base_learning_rate)``.

    The right answer is ``(per_replica_batch * replicas, base_learning_rate
    * replicas)``: the global batch, and the learning rate scaled with it by
    the linear scaling rule. Two slips are named: keeping the learning rate,
    and dividing the batch among the replicas instead of multiplying it.

    Args:
        student_fn: The student's function.
        verbose: Print the one-line feedback.

    Returns:
        ``True`` when every case is right.
    """
    for batch, replicas, rate in _CASES:
        where = f"for per_replica_batch={batch}, replicas={replicas}, " \
                f"base_learning_rate={rate}"
        answer, problem = _call_student(student_fn, (batch, replicas, rate), where)
        if problem is not None:
            return _report(False, problem, verbose)
        if not isinstance(answer, (tuple, list)) or len(answer) != 2:
            return _report(False, f"Return two values, (global batch, learning rate), "
                                  f"{where}; got {_short(answer)}.", verbose)
        global_batch, learning_rate = answer
        if not all(isinstance(v, numbers.Real) and not isinstance(v, bool)
                   and math.isfinite(v) for v in answer):
            return _report(False, f"Both values must be finite numbers {where}; got "
                                  f"{_short(answer)}.", verbose)
        if global_batch != batch * replicas:
            hint = (" The batch of the dataset is the global one: it is split among "
                    "the replicas, so multiply." if global_batch * replicas == batch else "")
            return _report(False, f"Global batch {_short(global_batch)} {where}; expected "
                                  f"{batch * replicas}.{hint}", verbose)
        if math.isclose(learning_rate, rate) and replicas > 1:
            return _report(False, f"The learning rate did not change {where}: scale it "
                                  "with the batch (the linear scaling rule).", verbose)
        if not math.isclose(learning_rate, rate * replicas, rel_tol=1e-9):
            return _report(False, f"Learning rate {_short(learning_rate)} {where}; expected "
                                  f"base_learning_rate * global batch / per-replica batch.",
                           verbose)
    return _report(True, "Correct! The global batch grows with the replicas, and the "
                         "learning rate with it.", verbose)
