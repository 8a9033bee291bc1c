"""Checkers of parameter counts (Chapters 2, 3, 5 and 8).

A simple RNN layer (Chapter 3), a stack of them (Chapters 2 and 5) and a text
classifier with a SimpleRNN, LSTM or GRU layer (Chapter 8).
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from rnn_course import _validate
from rnn_course.checks._core import _checker, _is_placeholder, _report, _short
from rnn_course.numpy_nets import simple_rnn_param_count

__all__ = [
    "check_parameter_count",
    "check_stacked_param_counts",
    "check_text_classifier_params",
]


@_checker
def check_parameter_count(answer: Any, features: int, units: int, verbose: bool = True) -> bool:
    """Check a student's count of the parameters of a simple RNN layer.

    The layer has ``W`` ``(units, features)``, ``U`` ``(units, units)`` and
    ``b`` ``(units,)``, the same count as ``keras.layers.SimpleRNN(units)``
    on ``features`` inputs.

    Args:
        answer: The student's count (an integer).
        features: Number of input features.
        units: Number of hidden units.
        verbose: Print the one-line feedback.

    Returns:
        ``True`` when ``answer`` is right, ``False`` otherwise.
    """
    expected = simple_rnn_param_count(features, units)
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        return _report(False, f"Expected a number, got {type(answer).__name__}.", verbose)
    if answer == expected:
        return _report(
            True,
            f"Correct! {units}*{features} (W) + {units}*{units} (U) + {units} (b) = {expected}.",
            verbose,
        )
    # Name the most common slips so the student knows where to look.
    slips = (
        (units * features + units * units, "you forgot the bias b"),
        (units * features + units, "you forgot the recurrent weights U"),
        (units * units + units, "you forgot the input weights W"),
        (2 * units * features + units, "U is (units, units), not (units, features)"),
    )
    # Two slips can give the same number (units == 2 * features, say).
    hints = [hint for count, hint in slips if answer == count]
    detail = f": {' or '.join(hints)}." if hints else ": count the entries of W, U and b."
    return _report(False, f"Not quite, {answer} is not the number of parameters{detail}", verbose)


@_checker
def check_stacked_param_counts(
    answer: Any, features: int, units: Any, verbose: bool = True
) -> bool:
    """Check the per-layer parameter counts of a stack of ``SimpleRNN`` layers.

    The stack reads sequences of ``features`` values per step; its layer
    ``k`` has ``units[k]`` units. The first layer reads the ``features``
    inputs, every later layer reads the ``units`` of the layer below it (all
    but the last return sequences), so layer ``k`` has
    ``units[k] * (inputs_k + units[k] + 1)`` parameters.

    Args:
        answer: The student's counts, one number per layer, bottom first.
        features: Number of input features of the first layer (for example
            the output dimension of an ``Embedding``).
        units: The number of units of each layer, bottom first.
        verbose: Print the one-line feedback.

    Returns:
        ``True`` when every count is right, ``False`` otherwise.

    Raises:
        ValueError: ``features`` or an entry of ``units`` is not a positive
            integer, or ``units`` is empty (the checker was called wrongly).
    """
    from collections.abc import Sequence

    features = _validate.positive_int("features", features)
    if isinstance(units, (str, bytes)) or not isinstance(units, (Sequence, np.ndarray)):
        raise ValueError(
            f"units must be a list with one number of units per layer, got {units!r}."
        )
    units = [_validate.positive_int(f"units[{k}]", u) for k, u in enumerate(units)]
    if not units:
        raise ValueError("units is empty: give the number of units of each layer.")
    inputs = [features] + units[:-1]
    expected = [simple_rnn_param_count(f, u) for f, u in zip(inputs, units)]
    layers = len(units)

    if isinstance(answer, numbers.Real) and not isinstance(answer, bool):
        total = (
            f": {answer} is the total of the {layers} layers" if answer == sum(expected) else ""
        )
        return _report(
            False,
            f"Expected a list of {layers} counts, one per layer, got one number{total}.",
            verbose,
        )
    if isinstance(answer, (str, bytes)) or not isinstance(answer, (Sequence, np.ndarray)):
        return _report(
            False, f"Expected a list of {layers} counts, got {type(answer).__name__}.", verbose
        )
    if isinstance(answer, np.ndarray):
        answer = list(np.asarray(answer, dtype=object).ravel())
    else:
        answer = list(answer)
    if len(answer) != layers:
        return _report(
            False, f"Expected {layers} counts, one per layer, got {len(answer)}.", verbose
        )
    for k, (count, right, f, u) in enumerate(zip(answer, expected, inputs, units)):
        if _is_placeholder(count):
            return _report(False, f"Layer {k + 1}: not written yet (still {count!r}).", verbose)
        if isinstance(count, bool) or not isinstance(count, numbers.Real):
            return _report(
                False, f"Layer {k + 1}: expected a number, got {type(count).__name__}.", verbose
            )
        if count == right:
            continue
        slips = [
            (u * (f + u), "you forgot the bias b"),
            (u * (f + 1), "you forgot the recurrent weights U"),
            (u * (u + 1), "you forgot the input weights W"),
        ]
        if k > 0 and f != features:
            slips.insert(0, (
                simple_rnn_param_count(features, u),
                f"it reads the {f} outputs of layer {k} below it, "
                f"not the {features} input features",
            ))
        hints = [hint for value, hint in slips if count == value]
        detail = " or ".join(hints) if hints else f"it has {u} units and reads {f} values per step"
        return _report(
            False,
            f"Layer {k + 1} ({u} units): {count} is not its number of parameters: {detail}.",
            verbose,
        )
    terms = " + ".join(str(c) for c in expected)
    return _report(
        True, f"Correct! {layers} layers: {terms} = {sum(expected)} parameters.", verbose
    )


#: Gates of each recurrent cell of :func:`rnn_course.models.build_text_classifier`:
#: each gate has its own W, U and b, the size of one SimpleRNN layer.
_CELL_GATES = {"simple_rnn": 1, "lstm": 4, "gru": 3}
_CELL_NAMES = {"simple_rnn": "SimpleRNN", "lstm": "LSTM", "gru": "GRU"}


def _classifier_param_parts(
    cell: str, num_words: int, embedding_dim: int, units: int, bidirectional: bool,
    gates: int | None = None, gru_biases: int = 2,
) -> dict[str, int]:
    """Parameters of ``Embedding -> recurrent layer -> Dense(1)``, part by part."""
    gates = _CELL_GATES[cell] if gates is None else gates
    recurrent = gates * simple_rnn_param_count(embedding_dim, units)
    if cell == "gru":  # reset_after=True: a second (recurrent) bias per gate
        recurrent += (gru_biases - 1) * gates * units
    directions = 2 if bidirectional else 1
    return {
        "embedding": num_words * embedding_dim,
        "recurrent": directions * recurrent,
        "dense": directions * units + 1,
    }


@_checker
def check_text_classifier_params(
    answer: Any,
    cell: str,
    num_words: int,
    embedding_dim: int,
    units: int,
    bidirectional: bool = False,
    verbose: bool = True,
) -> bool:
    """Check the parameter count of a classifier of Chapter 8.

    The model is ``Embedding(num_words, embedding_dim) -> cell(units) ->
    Dense(1, sigmoid)``, as :func:`rnn_course.models.build_text_classifier`
    builds it, optionally with the recurrent layer wrapped in
    ``Bidirectional``. Its parameters are the embedding's
    ``num_words * embedding_dim``; the recurrent layer's
    ``gates * units * (embedding_dim + units + 1)`` with 1 gate for a
    SimpleRNN and 4 for an LSTM (a GRU has 3 gates and, with Keras's
    ``reset_after=True``, two biases per gate: ``3 * units * (embedding_dim +
    units + 2)``), twice that when bidirectional; and the ``Dense`` layer's
    weights and bias, ``units + 1`` (``2 * units + 1`` when bidirectional).

    Args:
        answer: The student's total, an integer.
        cell: ``"simple_rnn"``, ``"lstm"`` or ``"gru"``.
        num_words: Vocabulary size of the embedding.
        embedding_dim: Size of each word vector.
        units: Units of the recurrent layer (per direction).
        bidirectional: Whether the recurrent layer reads in both directions.
        verbose: Print one line of feedback.

    Returns:
        ``True`` when the answer is right, ``False`` otherwise.

    Raises:
        ValueError: ``cell`` is unknown or a size is not a positive integer.
    """
    if cell not in _CELL_GATES:
        raise ValueError(f"cell must be one of {', '.join(_CELL_GATES)}, got {cell!r}.")
    num_words = _validate.positive_int("num_words", num_words)
    embedding_dim = _validate.positive_int("embedding_dim", embedding_dim)
    units = _validate.positive_int("units", units)
    if not isinstance(bidirectional, (bool, np.bool_)):
        raise ValueError(f"bidirectional must be True or False, got {bidirectional!r}.")
    bidirectional = bool(bidirectional)
    sizes = (cell, num_words, embedding_dim, units)
    parts = _classifier_param_parts(*sizes, bidirectional)
    expected = sum(parts.values())
    model = f"{'bidirectional ' if bidirectional else ''}{_CELL_NAMES[cell]}({units})"
    if isinstance(answer, (bool, np.bool_)) or not isinstance(answer, numbers.Integral):
        if isinstance(answer, numbers.Real) and not isinstance(answer, (bool, np.bool_)) \
                and float(answer).is_integer():
            answer = int(answer)
        else:
            return _report(False, f"Give the count as a whole number, got {_short(answer)}.",
                           verbose)
    answer = int(answer)
    if answer == expected:
        detail = " + ".join(f"{value:,} ({name})" for name, value in parts.items())
        return _report(True, f"Correct! The {model} classifier has {detail} = {expected:,}.",
                       verbose)

    hints = {
        expected - parts["embedding"]:
            "you left out the embedding: it has num_words * embedding_dim parameters.",
        expected - parts["dense"]:
            "you left out the Dense layer: one weight per input and a bias.",
        expected - parts["embedding"] - parts["dense"]:
            "that is the recurrent layer alone: add the embedding and the Dense layer.",
    }
    if cell == "gru":
        one_bias = sum(_classifier_param_parts(*sizes, bidirectional, gru_biases=1).values())
        hints.setdefault(one_bias, "Keras's GRU (reset_after=True) has two biases per gate: "
                                   "3 * units * (embedding_dim + units + 2).")
    if bidirectional:
        single = _classifier_param_parts(*sizes, False)
        hints.setdefault(sum(single.values()),
                         "Bidirectional holds two copies of the layer, one per direction, "
                         "and the Dense layer reads both outputs (2 * units values).")
        hints.setdefault(expected - units,
                         "the Dense layer reads both directions' outputs: 2 * units + 1 "
                         "parameters.")
    for gates in (1, 3, 4):
        if gates != _CELL_GATES[cell]:
            other = sum(_classifier_param_parts(*sizes, bidirectional, gates=gates).values())
            hints.setdefault(
                other,
                f"the {_CELL_NAMES[cell]} cell has {_CELL_GATES[cell]} "
                f"{'set' if _CELL_GATES[cell] == 1 else 'sets'} of W, U and b, not {gates}.",
            )
    hint = hints.get(answer)
    if hint is not None:
        return _report(False, f"Not quite ({answer:,}): {hint}", verbose)
    return _report(
        False,
        f"Not quite: {answer:,} is not the count of the {model} classifier. Add the "
        "embedding, the recurrent layer (gates * units * (embedding_dim + units + 1), "
        "a GRU one bias more per gate) and the Dense layer.",
        verbose,
    )
