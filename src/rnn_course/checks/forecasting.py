"""The checker of a forecasting baseline (Part V: Chapter 13, forecasting)."""

from __future__ import annotations

from typing import Any

import numpy as np

from rnn_course.checks._core import _checker, _report, _student_output

__all__ = ["check_seasonal_naive"]

# (rows, period, horizon, windows): a horizon shorter than the period, one
# equal to it (then the forecast is the value now), and a horizon of one row.
_CASES = ((400, 24, 6, 7), (400, 24, 24, 5), (1000, 144, 1, 4), (1000, 144, 36, 6))


def _seasonal_naive(temperature: np.ndarray, ends: np.ndarray, horizon: int,
                    period: int) -> np.ndarray:
    return temperature[ends + horizon - period]


@_checker
def check_seasonal_naive(student_fn: Any, verbose: bool = True) -> bool:
    """Check ``student_fn(temperature, ends, horizon, period)``, the seasonal naive forecast.

    For a window whose last row is ``e``, the forecast of the value
    ``horizon`` rows later is the value one ``period`` before that target
    row, ``temperature[e + horizon - period]`` (``horizon <= period``, so it
    lies in the past). Three slips are named: the value now (persistence),
    the target itself (the future), and an index one row off.

    Args:
        student_fn: The student's function, returning an array ``(len(ends),)``.
        verbose: Print the one-line feedback.

    Returns:
        ``True`` when every case is right.
    """
    rng = np.random.default_rng(13)
    for rows, period, horizon, windows in _CASES:
        temperature = np.round(rng.normal(10.0, 5.0, size=rows), 2)
        ends = np.sort(rng.choice(np.arange(period, rows - horizon), windows, replace=False))
        expected = _seasonal_naive(temperature, ends, horizon, period)
        where = f"for horizon={horizon}, period={period}"
        values, problem = _student_output(
            student_fn, (temperature.copy(), ends.copy(), horizon, period), expected, where)
        if problem is not None:
            return _report(False, problem, verbose)
        if np.allclose(values, expected):
            continue
        if horizon != period and np.allclose(values, temperature[ends]):
            hint = ("that is the value now (persistence); the seasonal forecast is the value "
                    "one period before the target row, e + horizon - period.")
        elif np.allclose(values, temperature[ends + horizon]):
            hint = ("that is the true value at the target row: a forecast cannot read the "
                    "future. Take the row one period earlier.")
        elif any(np.allclose(values, temperature[ends + horizon - period + d]) for d in (-1, 1)):
            hint = "your rows are one off: the target row is e + horizon, minus one period."
        else:
            hint = "expected temperature[ends + horizon - period]."
        return _report(False, f"Wrong forecasts {where}: {hint}", verbose)
    return _report(True, "Correct! The seasonal naive forecast reads one period before the "
                         "target, always in the past.", verbose)
