"""The checker of the families of sequence models (Chapter 1).

It runs a student's Keras model on small inputs and names its family from
the shapes that come out.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rnn_course.checks._core import _checker, _report

__all__ = ["SEQUENCE_FAMILIES", "check_sequence_family"]

#: The five families of sequence models, as :func:`check_sequence_family` names them.
SEQUENCE_FAMILIES = ("one-to-one", "one-to-many", "many-to-one", "many-to-many", "encoder-decoder")

# Two input lengths: a model whose output length follows the input length is
# aligned (many-to-many); one whose output length stays put is not.
_PROBE_LENGTHS = (5, 8)

_FAMILY_HINTS = {
    ("many-to-many", "many-to-one"): (
        "set return_sequences=True on the last recurrent layer, so that it returns "
        "one state per step."
    ),
    ("many-to-one", "many-to-many"): (
        "the last recurrent layer returns every step: leave return_sequences at its "
        "default, False, to keep only the last state."
    ),
    ("encoder-decoder", "many-to-many"): (
        "the output length follows the input length: summarise the input with an "
        "encoder (return_sequences=False), then RepeatVector(n) and a decoder with "
        "return_sequences=True."
    ),
    ("encoder-decoder", "many-to-one"): (
        "the decoder is missing: after the encoder, add RepeatVector(n) and a recurrent "
        "layer with return_sequences=True."
    ),
    ("many-to-many", "encoder-decoder"): (
        "the output length does not follow the input length: drop RepeatVector and "
        "give the recurrent layer return_sequences=True."
    ),
    ("one-to-many", "one-to-one"): (
        "repeat the vector over time with RepeatVector(n), then add a recurrent layer "
        "with return_sequences=True."
    ),
    ("one-to-one", "one-to-many"): "one input, one output: no RepeatVector, no recurrence.",
    ("many-to-one", "encoder-decoder"): (
        "keep only the encoder: drop RepeatVector and the decoder, and end on the last "
        "state of a recurrent layer (return_sequences=False)."
    ),
}

_SEQUENCE_INPUT_HINT = (
    "the input must be a sequence: keras.Input(shape=(None,), dtype='int32') for "
    "token ids or keras.Input(shape=(None, features)) for vectors."
)
_SINGLE_INPUT_HINT = (
    "the input must be a single vector or image, not a sequence: for example "
    "keras.Input(shape=(features,)) or keras.Input(shape=(32, 32, 3))."
)


def _article(word: str) -> str:
    # "a one-to-one model" (one sounds like "won"), "an encoder-decoder model".
    return "an" if word.startswith(("a", "e", "i")) else "a"


def _normalise_family(family: Any) -> str:
    if not isinstance(family, str):
        raise ValueError(f"family must be one of {', '.join(SEQUENCE_FAMILIES)}; got {family!r}.")
    name = "-".join(family.strip().lower().replace("_", " ").replace("-", " ").split())
    if name not in SEQUENCE_FAMILIES:
        raise ValueError(f"family must be one of {', '.join(SEQUENCE_FAMILIES)}; got {family!r}.")
    return name


def _model_error_line(error: BaseException) -> str:
    """The informative first line of an error raised inside a Keras model."""
    import re

    # Keras wraps errors as "Exception encountered when calling X.call()."
    # followed by the original message in bold (ANSI codes).
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", line).strip() for line in str(error).splitlines()]
    lines = [line for line in lines
             if line and not line.startswith("Exception encountered when calling")]
    return lines[0] if lines else "(no message)"


def _probe_family(model: Any) -> tuple[str | None, str]:
    """Run ``model`` on small inputs and name its family from the shapes.

    Returns ``(family, description)``; ``family`` is ``None`` (and the
    description says why) when the model cannot be classified.
    """
    inputs = getattr(model, "inputs", None)
    if not callable(model) or not isinstance(inputs, (list, tuple)):
        return None, (
            f"pass a Keras model built from keras.Input, got {type(model).__name__}."
        )
    if len(inputs) != 1:
        return None, f"the checker takes a model with one input, this one has {len(inputs)}."
    shape = tuple(inputs[0].shape)[1:]
    dtype = str(inputs[0].dtype)
    is_int = "int" in dtype
    if (is_int and len(shape) == 1) or (not is_int and len(shape) == 2):
        sequence = True
    elif not is_int and len(shape) in (1, 3):
        sequence = False
    else:
        return None, (
            f"cannot tell what an input of shape {shape} and dtype {dtype} is: use "
            "(timesteps,) int ids or (timesteps, features) for a sequence, (features,) "
            "or (height, width, channels) for a single item."
        )
    if any(n is None for n in shape[1 if sequence else 0:]):
        return None, f"give every size but the time axis in keras.Input, got shape {shape}."
    if sequence:
        lengths = _PROBE_LENGTHS if shape[0] is None else (shape[0],)
        probe_shapes = [(2, length, *shape[1:]) for length in lengths]
    else:
        probe_shapes = [(2, *shape)]

    import keras

    rng = np.random.default_rng(0)
    results = []
    for probe_shape in probe_shapes:
        if is_int:
            # Ids 0 and 1 exist in every vocabulary.
            x = rng.integers(0, 2, size=probe_shape).astype(dtype)
        else:
            x = rng.standard_normal(probe_shape).astype(dtype)
        try:
            output = model(x, training=False)
        except Exception as error:  # any error is feedback here
            return None, (
                f"the model raised {type(error).__name__} on inputs of shape {probe_shape}: "
                f"{_model_error_line(error)}"
            )
        if isinstance(output, (list, tuple, dict)):
            return None, "the checker takes a model with one output."
        out_shape = tuple(keras.ops.convert_to_numpy(output).shape)
        results.append((probe_shape, out_shape))

    ranks = {len(out) for _, out in results}
    description = "; ".join(f"inputs {inp} -> outputs {out}" for inp, out in results)
    if ranks == {2}:
        return ("many-to-one" if sequence else "one-to-one"), description
    if ranks != {3}:
        return None, (
            f"{description}: expected outputs (batch, classes) or (batch, steps, classes)."
        )
    if not sequence:
        return "one-to-many", description
    if all(out[1] == inp[1] for inp, out in results):
        return "many-to-many", description
    if len({out[1] for _, out in results}) == 1:
        return "encoder-decoder", description
    return None, f"{description}: the output length changes, but not with the input length."


@_checker
def check_sequence_family(model: Any, family: str, verbose: bool = True) -> bool:
    """Check that a Keras model belongs to a family of sequence models.

    The model is run on a batch of two random inputs and named from the
    shapes that come out: a single input (a vector or an image) or a
    sequence (``(timesteps,)`` integer ids, or ``(timesteps, features)``);
    one output ``(batch, classes)`` or one per step ``(batch, steps,
    classes)``. Sequence models whose time axis is ``None`` are run on two
    lengths: many-to-many outputs follow the input length, encoder-decoder
    outputs keep their own.

    Args:
        model: A Keras model with one input and one output, built with
            ``keras.Input``.
        family: One of :data:`SEQUENCE_FAMILIES`: ``"one-to-one"``,
            ``"one-to-many"``, ``"many-to-one"``, ``"many-to-many"`` (aligned)
            or ``"encoder-decoder"`` (many-to-many, unaligned).
        verbose: Print the one-line feedback.

    Returns:
        ``True`` when the model is of that family, ``False`` otherwise.

    Raises:
        ValueError: ``family`` is not one of the five names.
    """
    family = _normalise_family(family)
    found, description = _probe_family(model)
    if found is None:
        return _report(False, f"Not quite: {description}", verbose)
    if found == family:
        return _report(True, f"Correct! This is {_article(family)} {family} model: {description}.",
                       verbose)
    expects_sequence = family.startswith("many") or family == "encoder-decoder"
    gets_sequence = found.startswith("many") or found == "encoder-decoder"
    if expects_sequence != gets_sequence:
        hint = _SEQUENCE_INPUT_HINT if expects_sequence else _SINGLE_INPUT_HINT
    else:
        hint = _FAMILY_HINTS.get((family, found), f"build a {family} model instead.")
    if (family, found) == ("encoder-decoder", "many-to-many") and description.count("->") == 1:
        hint = (
            "with a fixed input length the checker cannot tell the two apart: use "
            "keras.Input(shape=(None, ...)) so that it can try two lengths."
        )
    return _report(
        False, f"Not quite: this is {_article(found)} {found} model ({description}); {hint}",
        verbose,
    )
