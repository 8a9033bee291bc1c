"""Course-wide settings read from the environment.

Two environment variables change how the chapters run; students never have to
set either of them:

``RNN_COURSE_QUICK``
    ``1`` (or ``true``/``yes``/``on``) makes every chapter run in well under a
    minute on two CPU cores: smaller subsets, fewer epochs, smaller searches.
    The tests and CI set it.
``RNN_COURSE_DATA``
    ``auto`` (default), ``keras`` or ``synthetic``: where the datasets come
    from (see :mod:`rnn_course.data`).
"""

from __future__ import annotations

import os
from typing import TypeVar

QUICK_ENV = "RNN_COURSE_QUICK"
DATA_ENV = "RNN_COURSE_DATA"
DATA_SOURCES = ("auto", "keras", "synthetic")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}

T = TypeVar("T")


def is_quick() -> bool:
    """Return ``True`` when quick mode is on (``RNN_COURSE_QUICK=1``)."""
    value = os.environ.get(QUICK_ENV, "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(
        f"{QUICK_ENV} must be 1 or 0 (or true/false), got {value!r}."
    )


def pick(full: T, quick: T) -> T:
    """Return ``quick`` in quick mode and ``full`` otherwise.

    Chapters size their experiments through this one function, for example
    ``epochs = pick(full=10, quick=2)``, so that quick mode is never a copy
    of ``if`` statements scattered over the notebooks.
    """
    return quick if is_quick() else full


def data_source(source: str | None = None) -> str:
    """Resolve where datasets come from.

    Args:
        source: ``"auto"``, ``"keras"``, ``"synthetic"`` or ``None``. ``None``
            reads ``RNN_COURSE_DATA`` and falls back to ``"auto"``.

    Returns:
        One of :data:`DATA_SOURCES`.
    """
    if source is None:
        source = os.environ.get(DATA_ENV, "").strip().lower() or "auto"
        origin = f"{DATA_ENV}={source!r}"
    else:
        if not isinstance(source, str):
            raise TypeError(
                f"source must be a string, got {type(source).__name__}."
            )
        origin = f"source={source!r}"
        source = source.strip().lower()
    if source not in DATA_SOURCES:
        raise ValueError(
            f"Unknown data source {origin}: use one of {', '.join(DATA_SOURCES)}."
        )
    return source
