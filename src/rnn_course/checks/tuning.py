"""The checkers of Chapter 10: Hyperband's budget, and the workers to restart (10b)."""

from __future__ import annotations

import numbers
from typing import Any

from rnn_course.checks._core import _call_student, _checker, _report, _short

__all__ = ["check_hyperband_epochs", "check_restarts"]


@_checker
def check_hyperband_epochs(answer: Any, max_epochs: int, factor: int = 3,
                           verbose: bool = True) -> bool:
    """Check the number of epochs one Hyperband iteration trains.

    The right answer is
    ``schedule_total_epochs(hyperband_schedule(max_epochs, factor))``: every
    round of every bracket adds ``models * (epochs - initial_epoch)``, since a
    promoted model continues from its weights. Two slips are named: training
    every promoted model again from scratch, and counting models instead of
    epochs.

    Args:
        answer: The student's total, an integer.
        max_epochs: Hyperband's ``max_epochs``.
        factor: Hyperband's ``factor``.
        verbose: Print the one-line feedback.

    Returns:
        ``True`` when the answer is right.
    """
    from rnn_course.tuning import hyperband_schedule, schedule_total_epochs

    schedule = hyperband_schedule(max_epochs, factor)  # raises on bad settings
    total = schedule_total_epochs(schedule)
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real) \
            or not float(answer).is_integer():
        return _report(False, f"Expected a whole number of epochs, got {_short(answer)}.",
                       verbose)
    answer = int(answer)
    brackets = len({r.bracket for r in schedule})
    if answer == total:
        return _report(True, f"Correct! {brackets} brackets, {sum(r.models for r in schedule)} "
                             f"trials, {total} epochs.", verbose)
    from_scratch = sum(r.models * r.epochs for r in schedule)
    if answer == from_scratch:
        return _report(False, f"Not quite: {answer} counts every round from epoch 0. A promoted "
                              "model continues from its weights, so a round adds only "
                              "models * (epochs - epochs of the previous round).", verbose)
    if answer == sum(r.models for r in schedule):
        return _report(False, f"{answer} is the number of trials, not of epochs: multiply each "
                              "round's models by the epochs it adds.", verbose)
    return _report(False, f"Not quite: {answer} is not the total. Hint: with max_epochs="
                          f"{max_epochs} and factor={factor} there are {brackets} brackets; "
                          "list each round's models and epochs with the formulas of the "
                          "chapter.", verbose)


def _same_dict(answer: Any, expected: dict) -> bool:
    try:
        return isinstance(answer, dict) and bool(answer == expected)
    except (TypeError, ValueError):  # values that do not compare, such as arrays
        return False


# (trials booked to workers, the workers still running)
_RESTART_CASES = (
    ({"tuner0": "0003", "tuner1": "0004"}, ["tuner0"]),
    ({}, ["tuner0", "tuner1"]),
    ({"tuner0": "0001"}, ["tuner0", "tuner1"]),
    ({"tuner0": "0002", "tuner1": "0005", "tuner2": "0006"}, []),
    ({"tuner1": "0007"}, ["tuner0", "tuner2"]),
)


@_checker
def check_restarts(student_fn: Any, verbose: bool = True) -> bool:
    """Check ``student_fn(ongoing, running)``: the workers to restart (Chapter 10b).

    ``ongoing`` maps a worker's ``KERASTUNER_TUNER_ID`` to the trial the
    oracle has booked to it; ``running`` lists the workers still alive. The
    right answer is the dict ``{worker: trial}`` of the booked workers that
    are not running: each must be started again under that name to close its
    trial. Two slips are named: returning the running workers' trials, and
    returning the trials without the names.
    """
    for ongoing, running in _RESTART_CASES:
        where = f"for ongoing={ongoing}, running={running}"
        answer, problem = _call_student(student_fn, (dict(ongoing), list(running)), where)
        if problem is not None:
            return _report(False, problem, verbose)
        expected = {w: t for w, t in ongoing.items() if w not in running}
        if _same_dict(answer, expected):
            continue
        if not isinstance(answer, dict):
            hint = " The names matter: a trial is given back only to a worker of the " \
                   "same name." if isinstance(answer, (list, set, tuple)) else ""
            return _report(False, f"Return a dict {{worker: trial}} {where}; got "
                                  f"{_short(answer)}.{hint}", verbose)
        if _same_dict(answer, {w: t for w, t in ongoing.items() if w in running}):
            return _report(False, f"Those are the workers still running {where}: return the "
                                  "booked workers that are not.", verbose)
        return _report(False, f"Expected {expected} {where}, got {_short(answer)}.", verbose)
    return _report(True, "Correct! Restart each of these workers under its own name, and the "
                         "oracle gives it its trial back.", verbose)
