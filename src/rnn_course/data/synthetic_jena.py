"""Offline twin of the Jena climate record: eight years of weather made by code.

The real record (Max Planck Institute for Biogeochemistry, Jena, 2009-2016,
used in Chollet's *Deep Learning with Python*, 2nd ed., chapter 10) has one
row every 10 minutes and 14 measurements per row. The twin has the same rows
(420,451 by default, from 2009-01-01 00:10, one every 10 minutes), the same
column names in the same order, and values on the same scales:

- temperature: a yearly cycle (about -1 degC in mid-January, 19 degC in
  mid-July), a daily one (coldest before dawn, warmest mid-afternoon, wider
  in summer), and *weather*: slow random anomalies with a memory of a few
  days (an AR(1) process), so that tomorrow is much like today. That memory
  is what makes "the same time yesterday" a strong baseline forecast, as it
  is on the real data;
- pressure around 989 mbar (Jena lies about 155 m above sea level), with
  anomalies of a few days; relative humidity high at night, lower in the
  afternoon, and lower in summer, within 0-100 %;
- the other columns computed from those with the usual formulas (Magnus's
  saturation vapour pressure, Poisson's potential temperature, the ideal gas
  law), so that they agree with each other: the dew point never exceeds the
  temperature, ``VPact + VPdef == VPmax``, and so on;
- wind speed >= 0 (log-normal, windier in the afternoon), gusts at least the
  mean speed, direction in 0-360 degrees, mostly from the west.

The real record's flaws are not copied: it has a few gaps and repeated
timestamps, and wind speeds of -9999 where the sensor failed; the twin's
timestamps are exactly 10 minutes apart.

Generating all rows takes well under a second; the rows of each seed are
generated in full and cached as an uncompressed ``.npz`` file named with
``GENERATOR_VERSION``, and ``n`` takes the first rows of that, so the first
``n`` rows do not depend on ``n``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from rnn_course import _validate
from rnn_course.data._cache import cache_dir, load_arrays, save_arrays

#: Bump when the values change, so stale cache files are not reused.
GENERATOR_VERSION = 1

#: Rows of the real record, and of the twin by default.
NUM_ROWS = 420_451

#: The 14 measured columns, in the order of the real CSV (after "Date Time").
JENA_COLUMNS = (
    "p (mbar)",
    "T (degC)",
    "Tpot (K)",
    "Tdew (degC)",
    "rh (%)",
    "VPmax (mbar)",
    "VPact (mbar)",
    "VPdef (mbar)",
    "sh (g/kg)",
    "H2OC (mmol/mol)",
    "rho (g/m**3)",
    "wv (m/s)",
    "max. wv (m/s)",
    "wd (deg)",
)

#: The first timestamp and the step of the record.
START = np.datetime64("2009-01-01T00:10:00", "s")
STEP = np.timedelta64(600, "s")

_STEPS_PER_HOUR = 6
_DAYS_PER_YEAR = 365.25


class JenaClimate(NamedTuple):
    """The Jena climate record, or its twin.

    Attributes:
        times: ``datetime64[s]`` array ``(n,)``, the time of each row.
        values: ``float32`` array ``(n, 14)``, one column per entry of
            ``columns``.
        columns: The 14 column names, e.g. ``"T (degC)"``.
    """

    times: np.ndarray
    values: np.ndarray
    columns: tuple[str, ...]

    def column(self, name: str) -> np.ndarray:
        """The values of the column called ``name``, e.g. ``"T (degC)"``."""
        if not isinstance(name, str):
            raise TypeError(f"name must be a column name, e.g. 'T (degC)', got {name!r:.60}.")
        if name not in self.columns:
            raise ValueError(f"name must be one of the 14 columns, got {name!r:.60}.")
        return self.values[:, self.columns.index(name)]


def _ar1_hourly(rng: np.random.Generator, hours: int, memory_days: np.ndarray) -> np.ndarray:
    """Independent AR(1) processes with unit variance, one value per hour: ``(hours, k)``.

    Each process forgets with the e-folding time ``memory_days`` (one per
    column): its correlation after ``d`` days is ``exp(-d / memory)``.
    """
    phi = np.exp(-1.0 / (24.0 * np.asarray(memory_days, dtype=np.float64)))
    shocks = rng.standard_normal((hours, len(phi))) * np.sqrt(1.0 - phi**2)
    out = np.empty_like(shocks)
    state = rng.standard_normal(len(phi))  # start in the stationary state
    for hour in range(hours):
        state = phi * state + shocks[hour]
        out[hour] = state
    return out


def _saturation_pressure(t_degc: np.ndarray) -> np.ndarray:
    """Magnus's formula: saturation vapour pressure in mbar over water."""
    return 6.1078 * np.exp(17.27 * t_degc / (t_degc + 237.3))


def _check(n: Any, seed: Any) -> tuple[int, int]:
    n = _validate.positive_int("n", n)
    if n > NUM_ROWS:
        raise ValueError(f"n must be between 1 and {NUM_ROWS:,}, got {n}.")
    return n, _validate.seed("seed", seed)


def times(n: int = NUM_ROWS) -> np.ndarray:
    """The twin's timestamps: ``n`` steps of 10 minutes from 2009-01-01 00:10."""
    n, _ = _check(n, 0)
    return START + STEP * np.arange(n)


def generate(n: int = NUM_ROWS, seed: int = 0) -> JenaClimate:
    """Generate the first ``n`` rows of the twin, without any cache.

    Args:
        n: Number of rows, 1 to 420,451.
        seed: Non-negative integer; the same seed gives the same record.

    Returns:
        A :class:`JenaClimate`: ``times`` ``(n,)``, ``float32`` ``values``
        ``(n, 14)`` and the column names.
    """
    n, seed = _check(n, seed)
    rng = np.random.default_rng([GENERATOR_VERSION, seed])
    # Always the full record, so that its first n rows do not depend on n.
    steps = np.arange(NUM_ROWS, dtype=np.float64) + 1.0  # 00:10 is step 1
    day = steps / (24 * _STEPS_PER_HOUR)  # days since 2009-01-01 00:00
    hour = (day % 1.0) * 24.0
    season = np.cos(2 * np.pi * (day - 15.0) / _DAYS_PER_YEAR)  # +1 mid-Jan, -1 mid-Jul
    summer = -season

    # Slow weather, one value per hour interpolated to 10 minutes: anomalies
    # of temperature, pressure, humidity, wind and wind direction.
    hours = NUM_ROWS // _STEPS_PER_HOUR + 2
    weather = _ar1_hourly(rng, hours, np.array([3.0, 2.0, 1.0, 0.7, 1.5]))
    at = steps / _STEPS_PER_HOUR
    grid = np.arange(hours, dtype=np.float64)
    t_anom, p_anom, rh_anom, w_anom, d_anom = (
        np.interp(at, grid, weather[:, k]) for k in range(weather.shape[1])
    )

    daily = np.cos(2 * np.pi * (hour - 15.0) / 24.0)  # +1 at 15:00, -1 at 03:00
    amplitude = 4.0 + 2.0 * summer  # daily range wider in summer
    temp = (9.0 - 10.0 * season + amplitude * daily + 4.0 * t_anom
            + 0.15 * rng.standard_normal(NUM_ROWS))
    pressure = 989.0 + 8.0 * p_anom + 0.05 * rng.standard_normal(NUM_ROWS)
    rh = 78.0 + 5.0 * season - 12.0 * daily + 10.0 * rh_anom + 1.0 * rng.standard_normal(NUM_ROWS)
    rh = np.clip(rh, 15.0, 100.0)

    vp_max = _saturation_pressure(temp)
    vp_act = vp_max * rh / 100.0
    vp_def = np.maximum(vp_max - vp_act, 0.0)
    gamma = np.log(vp_act / 6.1078)
    dew = 237.3 * gamma / (17.27 - gamma)  # Magnus inverted: VP(dew) == VPact
    dew = np.minimum(dew, temp)  # equal at 100 % humidity, up to rounding
    kelvin = temp + 273.15
    t_pot = kelvin * (1000.0 / pressure) ** 0.2857
    sh = 622.0 * vp_act / (pressure - 0.378 * vp_act)
    h2oc = 1000.0 * vp_act / pressure
    rho = 1000.0 * pressure * 100.0 / (287.05 * kelvin)  # dry air, g/m**3

    speed = np.exp(0.4 + 0.5 * w_anom + 0.25 * daily + 0.2 * rng.standard_normal(NUM_ROWS))
    gust = speed * (1.3 + 0.5 * rng.random(NUM_ROWS))
    direction = (240.0 + 70.0 * d_anom + 25.0 * rng.standard_normal(NUM_ROWS)) % 360.0

    columns = (pressure, temp, t_pot, dew, rh, vp_max, vp_act, vp_def,
               sh, h2oc, rho, speed, gust, direction)
    values = np.stack([c[:n] for c in columns], axis=1).astype(np.float32)
    # float32 rounding could lift the dew point a hair above the temperature.
    values[:, 3] = np.minimum(values[:, 3], values[:, 1])
    return JenaClimate(times(n), values, JENA_COLUMNS)


def cache_path(seed: int = 0) -> Path:
    """Cache file of one seed's full record; version and seed are in the name."""
    seed = _validate.seed("seed", seed)
    return cache_dir() / f"jena_twin_v{GENERATOR_VERSION}_seed{seed}.npz"


def load_data(n: int = NUM_ROWS, seed: int = 0) -> JenaClimate:
    """Like :func:`generate`, through the on-disk cache (written on first use)."""
    n, seed = _check(n, seed)
    path = cache_path(seed)
    stored = load_arrays(path, ("values",))
    if stored is None or stored["values"].shape != (NUM_ROWS, len(JENA_COLUMNS)):
        full = generate(NUM_ROWS, seed)
        save_arrays(path, values=full.values)
        values = full.values
    else:
        values = stored["values"]
    # A copy, so a short record does not keep the full array alive.
    values = values if n == NUM_ROWS else values[:n].copy()
    return JenaClimate(times(n), values, JENA_COLUMNS)
