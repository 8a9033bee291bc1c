"""Forecasting a time series: windows cut without leaking the future (Chapter 13).

A forecast reads a window of the past and predicts one value ahead. The
helpers here do the parts that are easy to get wrong:

- :func:`split_in_time`: train, validation and test parts in time order, so
  that the model is judged on a later period than the one it learned from;
- :func:`fit_normalisation` and :func:`normalise`: statistics of the
  training part only, applied to every part;
- :func:`time_features`: the hour of the day and the day of the year as
  points on circles (sine and cosine), so that 23:00 sits next to 00:00;
- :class:`WindowSpec`, :func:`window_ends` and :func:`make_windows`: the
  windows of ``keras.utils.timeseries_dataset_from_array``, each paired with
  the temperature change from its last row to ``horizon`` rows later, every
  row of window and target inside one part;
- :func:`naive_mae`: the common-sense baseline, "the temperature in
  ``horizon`` rows equals the temperature now", measured on the same windows;
- :func:`plot_forecasts`: forecasts against the truth.

Rows are the record's steps (10 minutes in the Jena record); a window takes
one row in ``sampling_rate`` (6: one per hour).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from rnn_course import _validate

__all__ = [
    "WindowSpec",
    "fit_normalisation",
    "make_windows",
    "naive_mae",
    "normalise",
    "plot_forecasts",
    "split_in_time",
    "time_features",
    "window_ends",
]

_SECONDS_PER_DAY = 86_400.0
_DAYS_PER_YEAR = 365.2425


@dataclass(frozen=True)
class WindowSpec:
    """How windows are cut from a record of rows.

    Attributes:
        sequence_length: Time steps per window (e.g. 48: two days, hourly).
        sampling_rate: Rows between two steps of a window (6: hourly in a
            record with one row every 10 minutes).
        horizon: Rows from a window's last row to the row it forecasts
            (144: 24 hours ahead).
        stride: Rows between the first rows of two consecutive windows.

    Example:

    ```python
    spec = WindowSpec(sequence_length=48, sampling_rate=6, horizon=144, stride=36)
    spec.span  # 427 rows: the window's first row to its target row
    ```
    """

    sequence_length: int
    sampling_rate: int = 1
    horizon: int = 1
    stride: int = 1

    def __post_init__(self) -> None:
        for name in ("sequence_length", "sampling_rate", "horizon", "stride"):
            object.__setattr__(self, name, _validate.positive_int(name, getattr(self, name)))

    @property
    def span(self) -> int:
        """Rows from a window's first row to its target row, both included."""
        return (self.sequence_length - 1) * self.sampling_rate + self.horizon + 1


def _rows(name: str, value: Any, n_rows: int | None = None) -> np.ndarray:
    """A 1-D finite float64 array (of ``n_rows`` values when given)."""
    array = _validate.finite_array(name, value, ndim=1).astype(np.float64)
    if n_rows is not None and len(array) != n_rows:
        raise ValueError(f"{name} must have {n_rows} values, one per row, got {len(array)}.")
    return array


def _part(start: Any, end: Any, n_rows: int) -> tuple[int, int]:
    """``start`` and ``end`` as ints with ``0 <= start < end <= n_rows``."""
    start = _validate.positive_int("start", start, minimum=0)
    end = _validate.positive_int("end", end)
    if not start < end <= n_rows:
        raise ValueError(f"start and end must satisfy 0 <= start < end <= {n_rows} (the rows), "
                         f"got start={start}, end={end}.")
    return start, end


def _spec(spec: Any) -> WindowSpec:
    if not isinstance(spec, WindowSpec):
        raise TypeError(f"spec must be a WindowSpec, got {type(spec).__name__}.")
    return spec


def split_in_time(
    n_rows: int, train: float = 0.5, validation: float = 0.25
) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int]]:
    """Train, validation and test parts of ``n_rows`` rows, in time order.

    Args:
        n_rows: Rows in the record.
        train: Fraction of the rows, from the first, that train the model.
        validation: Fraction that follows, to choose epochs and models; the
            rest, the latest rows, is the test part.

    Returns:
        ``((0, a), (a, b), (b, n_rows))``: ``(start, end)`` rows of each part,
        ``end`` excluded.
    """
    n_rows = _validate.positive_int("n_rows", n_rows, minimum=3)
    train = _validate.positive_number("train", train)
    validation = _validate.positive_number("validation", validation)
    if train + validation >= 1:
        raise ValueError(f"train + validation must be below 1 to leave a test part, "
                         f"got {train} + {validation}.")
    a = int(round(train * n_rows))
    b = int(round((train + validation) * n_rows))
    if not 0 < a < b < n_rows:
        raise ValueError(f"n_rows={n_rows} is too few rows for three non-empty parts.")
    return (0, a), (a, b), (b, n_rows)


def fit_normalisation(values: Any, train_end: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation of each column over the training rows only.

    Args:
        values: ``(rows, features)`` array, the whole record.
        train_end: The training part is rows ``0 .. train_end - 1``; nothing
            after it is read, so no statistic leaks from the future.

    Returns:
        ``(mean, std)``, each ``(features,)``; a constant column gets std 1.
    """
    values = _validate.finite_array("values", values, ndim=2)
    train_end = _validate.positive_int("train_end", train_end, minimum=2)
    if train_end > len(values):
        raise ValueError(f"train_end must be at most {len(values)} (the rows), got {train_end}.")
    train = values[:train_end].astype(np.float64)
    mean, std = train.mean(axis=0), train.std(axis=0)
    return mean, np.where(std > 0, std, 1.0)


def normalise(values: Any, mean: Any, std: Any) -> np.ndarray:
    """``(values - mean) / std``, column by column, as ``float32``.

    Args:
        values: ``(rows, features)`` array.
        mean, std: ``(features,)`` arrays from :func:`fit_normalisation`.

    Returns:
        ``float32`` array of ``values``'s shape.
    """
    values = _validate.finite_array("values", values, ndim=2)
    features = values.shape[1]
    mean = _rows("mean", mean, features)
    std = _rows("std", std, features)
    if np.any(std <= 0):
        raise ValueError("std must be positive in every column.")
    return ((values - mean) / std).astype(np.float32)


def time_features(times: Any) -> np.ndarray:
    """The time of day and the time of year as points on two circles.

    Args:
        times: ``datetime64`` array ``(rows,)``.

    Returns:
        ``float32`` array ``(rows, 4)``: sine and cosine of the hour of the
        day, then of the day of the year (a year of 365.2425 days).
    """
    if not isinstance(times, np.ndarray) or not np.issubdtype(times.dtype, np.datetime64):
        kind = f"dtype {times.dtype}" if isinstance(times, np.ndarray) else type(times).__name__
        raise TypeError(f"times must be a NumPy datetime64 array, got {kind}.")
    if times.ndim != 1 or times.size == 0:
        raise ValueError(f"times must be a non-empty 1-D array, got shape {times.shape}.")
    if np.isnat(times).any():
        raise ValueError("times holds NaT (not a time) values.")
    days = times.astype("datetime64[s]").astype(np.int64) / _SECONDS_PER_DAY
    day_angle = 2 * np.pi * (days % 1.0)
    year_angle = 2 * np.pi * (days / _DAYS_PER_YEAR)
    return np.stack([np.sin(day_angle), np.cos(day_angle),
                     np.sin(year_angle), np.cos(year_angle)], axis=1).astype(np.float32)


def window_ends(start: int, end: int, spec: WindowSpec) -> np.ndarray:
    """The last row of every window of the part ``[start, end)``, in dataset order.

    A window's first row is ``start``, ``start + stride``, ...; it holds
    ``sequence_length`` rows, ``sampling_rate`` apart; its target is
    ``horizon`` rows after its last row. Only windows whose target row is
    still in the part are kept.

    Returns:
        ``int64`` array ``(windows,)``, empty when the part is shorter than
        ``spec.span``.
    """
    spec = _spec(spec)
    start, end = _part(start, end, np.iinfo(np.int64).max)
    first = np.arange(start, end - spec.span + 1, spec.stride, dtype=np.int64)
    return first + (spec.sequence_length - 1) * spec.sampling_rate


def naive_mae(temperature: Any, start: int, end: int, spec: WindowSpec) -> float:
    """Mean absolute error of the naive forecast on the windows of ``[start, end)``.

    The naive forecast says that ``horizon`` rows from now the temperature
    is what it is now: ``T[last row]``. With a horizon of one day it is
    "tomorrow at this hour is like today".

    Args:
        temperature: ``(rows,)`` array, the whole record.
        start, end: Rows of the part (``end`` excluded).
        spec: The windows, as for :func:`make_windows`.

    Returns:
        The mean of ``|T[e + horizon] - T[e]|`` over the windows' last rows ``e``.
    """
    temperature = _rows("temperature", temperature)
    start, end = _part(start, end, len(temperature))
    ends = window_ends(start, end, _spec(spec))
    if ends.size == 0:
        raise ValueError(f"rows {start} to {end} hold no window of {spec.span} rows.")
    return float(np.mean(np.abs(temperature[ends + spec.horizon] - temperature[ends])))


def make_windows(
    features: Any,
    temperature: Any,
    start: int,
    end: int,
    spec: WindowSpec,
    batch_size: int = 64,
    shuffle: bool = False,
    seed: int = 0,
):
    """Windows of ``features`` and the temperature change each must forecast.

    Cut by ``keras.utils.timeseries_dataset_from_array`` from rows
    ``start .. end - 1`` only. The target of a window whose last row is ``e``
    is ``T[e + horizon] - T[e]``, the change from now: a model that answers
    0 makes the naive forecast, and its forecast of the temperature is
    ``T[e]`` plus its answer.

    Args:
        features: ``(rows, features)`` array, normalised.
        temperature: ``(rows,)`` array in degrees, not normalised.
        start, end: Rows of the part.
        spec: A :class:`WindowSpec`.
        batch_size: Windows per batch.
        shuffle: Shuffle the windows (for training); the order of
            :func:`window_ends` otherwise.
        seed: Seed of the shuffle.

    Returns:
        A ``tf.data.Dataset`` of ``(x, y)``: ``x`` ``float32``
        ``(batch, sequence_length, features)``, ``y`` ``float32`` ``(batch,)``.
    """
    import keras

    features = _validate.finite_array("features", features, ndim=2)
    temperature = _rows("temperature", temperature, len(features))
    spec = _spec(spec)
    start, end = _part(start, end, len(features))
    batch_size = _validate.positive_int("batch_size", batch_size)
    shuffle = _validate.flag("shuffle", shuffle)
    seed = _validate.seed("seed", seed, maximum=2**32)
    ends = window_ends(start, end, spec)
    if ends.size == 0:
        raise ValueError(f"rows {start} to {end} hold no window of {spec.span} rows.")
    # One target per possible first row of the part; the dataset takes one in stride.
    last = np.arange(start, end - spec.span + 1) + (spec.sequence_length - 1) * spec.sampling_rate
    change = (temperature[last + spec.horizon] - temperature[last]).astype(np.float32)
    return keras.utils.timeseries_dataset_from_array(
        np.asarray(features[start:end - spec.horizon], dtype=np.float32),
        change,
        sequence_length=spec.sequence_length,
        sampling_rate=spec.sampling_rate,
        sequence_stride=spec.stride,
        batch_size=batch_size,
        shuffle=shuffle,
        seed=seed,
    )


def plot_forecasts(
    times: Any, truth: Any, forecasts: Mapping[str, Any], title: str = "Forecasts"
) -> Figure:
    """Forecasts against the truth, one line each, on one time axis.

    Args:
        times: ``datetime64`` array ``(n,)``: the time each value is for.
        truth: ``(n,)`` array, what happened.
        forecasts: ``{label: (n,) array}``, what each forecast said.
        title: Title of the axes.

    Returns:
        The figure (not shown; it displays under the notebook cell).
    """
    import matplotlib.pyplot as plt

    from rnn_course.plotting import OKABE_ITO

    if not isinstance(times, np.ndarray) or not np.issubdtype(times.dtype, np.datetime64) \
            or times.ndim != 1 or times.size == 0:
        raise TypeError("times must be a non-empty 1-D NumPy datetime64 array.")
    truth = _rows("truth", truth, len(times))
    if not isinstance(forecasts, Mapping) or not forecasts:
        raise TypeError("forecasts must be a non-empty dict {label: values}.")
    checked = {}
    for label, values in forecasts.items():
        if not isinstance(label, str):
            raise TypeError(f"forecasts' labels must be strings, got {label!r:.40}.")
        checked[label] = _rows(f"forecasts[{label!r}]", values, len(times))
    title = _validate.text("title", title)

    fig, ax = plt.subplots(figsize=(8, 4), layout="constrained")
    ax.plot(times, truth, color=OKABE_ITO[-1], linewidth=2.2, label="truth")
    styles = ("--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1)))
    for i, (label, values) in enumerate(checked.items()):
        ax.plot(times, values, color=OKABE_ITO[i % (len(OKABE_ITO) - 1)],
                linestyle=styles[i % len(styles)], linewidth=1.6, label=label)
    ax.set_xlabel("time of the forecast value")
    ax.set_ylabel("temperature (degC)")
    ax.set_title(title)
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.autofmt_xdate()
    return fig
