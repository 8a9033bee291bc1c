"""Additive attention in NumPy, and its weights drawn as a heat map (Chapter 12).

One step of a decoder with additive (Bahdanau) attention scores every state
of the encoder against the decoder's state, turns the scores into weights
with a softmax, and reads the weighted mean of the encoder's states:

    e_j = v . tanh(W_query s + W_key h_j),   a = softmax(e),   c = sum_j a_j h_j

In the course convention a weight matrix multiplies a column vector
(``W_query: (attention_units, query_units)``). Keras's
``keras.layers.AdditiveAttention`` computes the same thing when it is given
``Dense`` projections of the query and the keys (whose kernels are
``W_query.T`` and ``W_key.T``), the raw states as values, and ``v`` as its
``scale``; ``tests/test_seq2seq.py`` checks that they agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from rnn_course import _validate

__all__ = ["additive_attention", "plot_attention"]


def _softmax(scores: np.ndarray) -> np.ndarray:
    shifted = np.exp(scores - scores.max())
    return shifted / shifted.sum()


def additive_attention(
    query: Any, states: Any, W_query: Any, W_key: Any, v: Any, mask: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """One step of additive attention: the context vector and the weights.

    Args:
        query: The decoder's state ``s``, ``(query_units,)``.
        states: The encoder's states ``h_1 .. h_T``, ``(T, state_units)``;
            they are both the keys that are scored and the values that are
            averaged.
        W_query: ``(attention_units, query_units)``.
        W_key: ``(attention_units, state_units)``.
        v: ``(attention_units,)``, the vector that turns each ``tanh`` into
            a score.
        mask: Optional booleans ``(T,)``: ``False`` marks padding, which gets
            weight 0. At least one must be ``True``.

    Returns:
        ``(context, weights)``: ``context`` ``(state_units,)`` and
        ``weights`` ``(T,)``, non-negative, summing to 1.
    """
    query = _validate.finite_array("query", query, ndim=1)
    states = _validate.finite_array("states", states, ndim=2)
    W_query = _validate.finite_array("W_query", W_query, ndim=2)
    W_key = _validate.finite_array("W_key", W_key, ndim=2)
    v = _validate.finite_array("v", v, ndim=1)
    units = v.shape[0]
    if W_query.shape != (units, query.shape[0]):
        raise ValueError(f"W_query must have shape {(units, query.shape[0])} "
                         f"(len(v), len(query)), got {W_query.shape}.")
    if W_key.shape != (units, states.shape[1]):
        raise ValueError(f"W_key must have shape {(units, states.shape[1])} "
                         f"(len(v), states.shape[1]), got {W_key.shape}.")
    if mask is None:
        keep = np.ones(states.shape[0], dtype=bool)
    else:
        keep = np.asarray(mask)
        if keep.dtype != bool:
            raise TypeError(f"mask must hold booleans, got dtype {keep.dtype}.")
        if keep.shape != (states.shape[0],):
            raise ValueError(f"mask must have shape {(states.shape[0],)}, got {keep.shape}.")
        if not keep.any():
            raise ValueError("mask is False everywhere: at least one state must be read.")
    scores = np.tanh(W_query @ query + states @ W_key.T) @ v  # (T,)
    weights = np.zeros(states.shape[0])
    weights[keep] = _softmax(scores[keep])
    return weights @ states, weights


def plot_attention(
    weights: Any, source: str, output: str, ax: Any = None, title: str | None = None
) -> Any:
    """Draw attention weights as a heat map: output characters down, input across.

    Args:
        weights: ``(len(output), len(source))``, row ``i`` the weights with
            which output character ``i`` was written.
        source: The input text, one character per column.
        output: The text the decoder wrote, one character per row.
        ax: A Matplotlib ``Axes`` to draw on; ``None`` makes a new figure.
        title: Optional title.

    Returns:
        The ``Axes``.
    """
    weights = _validate.finite_array("weights", weights, ndim=2)
    source = _validate.text("source", source)
    output = _validate.text("output", output)
    title = _validate.text("title", title, none_ok=True)
    if weights.shape != (len(output), len(source)):
        raise ValueError(f"weights must have shape (len(output), len(source)) = "
                         f"{(len(output), len(source))}, got {weights.shape}.")
    if weights.min() < 0:
        raise ValueError("weights must be non-negative: they are softmax outputs.")
    import matplotlib.pyplot as plt
    from matplotlib.axes import Axes

    if ax is not None and not isinstance(ax, Axes):
        raise TypeError(f"ax must be a Matplotlib Axes or None, got {type(ax).__name__}.")
    if ax is None:
        _, ax = plt.subplots(figsize=(0.3 * len(source) + 1.5, 0.3 * len(output) + 1.2))
    image = ax.imshow(weights, cmap="viridis", vmin=0.0, vmax=max(weights.max(), 1e-9),
                      aspect="auto")
    ax.set_xticks(range(len(source)), _labels(source))
    ax.set_yticks(range(len(output)), _labels(output))
    ax.set_xlabel("input character")
    ax.set_ylabel("output character")
    if title is not None:
        ax.set_title(title)
    ax.figure.colorbar(image, ax=ax, label="attention weight")
    return ax


def _labels(text: Sequence[str]) -> list[str]:
    # A space would be an invisible tick label.
    return ["\u2423" if c == " " else c for c in text]
