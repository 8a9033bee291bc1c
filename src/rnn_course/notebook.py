"""Helpers for running the chapters as notebooks (book build, nbval, Colab)."""

from __future__ import annotations

import os
import random
from typing import Any

import numpy as np

from rnn_course import _validate


def glue(name: str, value: Any, display: bool = False) -> None:
    """Make ``value`` available to the prose as ``{glue:text}`name```.

    On the website (MyST-NB installed) this calls :func:`myst_nb.glue`. Where
    MyST-NB is missing, as on Colab, it does nothing: the cell's own output
    already shows the number. Nothing extra is printed in either case.

    Args:
        name: Key used in the prose, for example ``"speedup"``.
        value: Any object; numbers are formatted in the prose, e.g.
            ``{glue:text}`speedup:.1f```.
        display: Also show the value under the cell (off by default).
    """
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"glue name must be a non-empty string, got {name!r}.")
    if isinstance(value, np.generic):
        # MyST-NB formats the text/plain repr; np.float64(0.5) would not
        # take a format spec such as :.2f, the Python float does.
        value = value.item()
    try:
        from myst_nb import glue as myst_glue
    except ImportError:
        return None
    myst_glue(name, value, display=display)
    return None


def set_seed(seed: int = 42, deterministic: bool = True) -> None:
    """Seed Python, NumPy and Keras, and ask TensorFlow for deterministic ops.

    Args:
        seed: Seed for every random number generator.
        deterministic: Also call
            ``tf.config.experimental.enable_op_determinism()`` so that two runs
            on the same machine give the same numbers (slower on a GPU).
    """
    # np.random.seed takes 0 to 2**32 - 1: check before anything is seeded.
    seed = _validate.seed("seed", seed, maximum=2**32)
    deterministic = _validate.flag("deterministic", deterministic)
    os.environ["PYTHONHASHSEED"] = str(seed)
    random.seed(seed)
    np.random.seed(seed)
    import keras

    keras.utils.set_random_seed(int(seed))
    if deterministic:
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()
