"""The checker of Hyperband's budget (Chapter 10, hyperparameter tuning)."""

from __future__ import annotations

import numbers
from typing import Any

from rnn_course.checks._core import _checker, _report, _short

__all__ = ["check_hyperband_epochs"]


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
