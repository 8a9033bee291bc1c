"""Automatic checkers for the chapters' exercises.

Every checker takes the student's answer, prints one line of feedback
("Correct! ..." or what is wrong and a hint) and returns ``True`` or
``False``. Checkers never raise on a wrong answer, so a notebook runs on
while the student tries again; they raise only when called the wrong way
(for example with a negative number of units). An answer that is still the
stub of the student version (``python -m rnn_course.assign``), ``None`` or a
function that raises ``NotImplementedError``, gets "Not written yet: ...".

A new checker takes the answer as its first argument, is decorated with
``@_checker``, calls a student's function through ``_call_student`` and
reports through ``_report``; ``tests/test_checks_friendly.py`` feeds it
wrong answers.

Example, in a notebook::

    from rnn_course.checks import check_rnn_forward

    def my_rnn_forward(inputs, W, U, b):
        ...

    check_rnn_forward(my_rnn_forward)
"""

from __future__ import annotations

import functools
import inspect
import itertools
import numbers
from collections.abc import Mapping
from typing import Any, Callable

import numpy as np

from rnn_course import _validate
from rnn_course.numpy_nets import (
    GRUParams,
    gru_forward,
    relative_error,
    rnn_backward,
    rnn_forward,
    simple_rnn_param_count,
)

__all__ = [
    "check_parameter_count",
    "check_rnn_backward",
    "check_rnn_forward",
    "check_rnn_output_shape",
    # Chapters 1 and 2
    "SEQUENCE_FAMILIES",
    "check_hidden_state",
    "check_sequence_family",
    "check_symbol_shapes",
    # Chapter 5
    "check_stacked_param_counts",
    # Chapter 7
    "check_gru_forward",
    # Chapter 8
    "check_text_classifier_params",
    # Chapter 6
    "check_review_encoder",
    # Chapter 9
    "check_conv_layer",
    # Chapter 10
    "check_hyperband_epochs",
]

# (batch, timesteps, features, units): one ordinary case, one step of one
# sequence, a single unit, and features == units so that swapping W and U,
# or forgetting a transpose, gives wrong numbers instead of a shape error.
_CASES = ((2, 5, 3, 4), (1, 1, 2, 3), (4, 7, 5, 1), (3, 6, 4, 4))

_CONCATENATE_HINT = (
    " Same number of values, wrong shape: did you join the states with "
    "np.concatenate? np.stack adds the time axis."
)


# What a stub of the student version (``python -m rnn_course.assign``) holds
# before the student writes anything: a ``None`` or ``...`` placeholder, or a
# function whose body is ``raise NotImplementedError``.
_NOT_WRITTEN = (
    "Not written yet: {what}. Write your answer in the TODO cell above, run it, "
    "then run this check again."
)


def _report(ok: bool, message: str, verbose: bool) -> bool:
    if verbose:
        # One line whatever the message quotes (an array's repr spans several).
        print(" ".join(message.split()))
    return ok


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else "(no message)"


def _short(value: Any, limit: int = 60) -> str:
    """``repr(value)`` on one line, cut to about ``limit`` characters."""
    text = " ".join(repr(value).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _is_placeholder(answer: Any) -> bool:
    """Whether ``answer`` is a stub's placeholder: ``None``, ``...``, or only those in a container."""
    if answer is None or answer is Ellipsis:
        return True
    if isinstance(answer, Mapping):
        return bool(answer) and all(_is_placeholder(value) for value in answer.values())
    if isinstance(answer, (list, tuple)):
        return bool(answer) and all(_is_placeholder(value) for value in answer)
    return False


def _checker(check: Callable[..., bool]) -> Callable[..., bool]:
    """Make ``check`` report a stub's placeholder answer as "not written yet".

    The answer is the checker's first argument; ``verbose`` is honoured.
    """
    signature = inspect.signature(check)
    first = next(iter(signature.parameters))

    @functools.wraps(check)
    def wrapper(*args: Any, **kwargs: Any) -> bool:
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError:
            return check(*args, **kwargs)  # called the wrong way: Python says how
        answer = bound.arguments.get(first)
        if first in bound.arguments and _is_placeholder(answer):
            what = f"the answer is still {_short(answer).replace('Ellipsis', '...')}"
            return _report(False, _NOT_WRITTEN.format(what=what),
                           bound.arguments.get("verbose", True))
        return check(*args, **kwargs)

    return wrapper


def _not_a_function(answer: Any) -> str:
    """The one line that tells a student to pass the function, not ``answer``."""
    return f"Pass your function itself, not {type(answer).__name__}."


def _call_student(
    student_fn: Any, args: tuple, where: str
) -> tuple[Any, str | None]:
    """``(student_fn(*args), None)``, or ``(None, problem)`` in one line.

    ``problem`` says the function is not written yet (it raises
    ``NotImplementedError``), is not a function, or raised an error.
    """
    if not callable(student_fn):
        return None, _not_a_function(student_fn)
    try:
        return student_fn(*args), None
    except NotImplementedError:
        return None, _NOT_WRITTEN.format(what="your function still raises NotImplementedError")
    except Exception as error:  # noqa: BLE001 - any error is feedback here
        return None, f"Your function raised {type(error).__name__} {where}: {_first_line(error)}"


def _shape_of(answer: Any) -> tuple[int, ...] | None:
    """The shape of an array-like answer, or ``None`` when it has none."""
    if isinstance(answer, tuple) and all(isinstance(n, numbers.Integral) for n in answer):
        return tuple(int(n) for n in answer)
    try:
        return np.shape(answer)
    except ValueError:  # ragged nested lists
        return None


def _student_output(
    student_fn: Callable[..., Any], args: tuple, expected: np.ndarray, where: str
) -> tuple[np.ndarray | None, str | None]:
    """Call ``student_fn(*args)`` and return ``(values, None)`` or ``(None, problem)``.

    ``values`` is the answer as a float64 array of ``expected``'s shape;
    ``problem`` says in one line why there is none (an error, no return value,
    a wrong shape, non-numeric output).
    """
    answer, problem = _call_student(student_fn, args, where)
    if problem is not None:
        return None, problem
    if answer is None:
        return None, f"Your function returned None {where}: add a return."
    shape = _shape_of(answer)
    if shape != expected.shape:
        hint = ""
        if shape is not None and int(np.prod(shape)) == expected.size:
            hint = _CONCATENATE_HINT
        return None, f"Expected shape {expected.shape} {where}, got {shape}.{hint}"
    if np.iscomplexobj(answer):
        return None, f"Your output {where} holds complex numbers; expected real ones."
    try:
        values = np.asarray(answer, dtype=np.float64)
    except (TypeError, ValueError) as error:
        return None, f"Your output {where} is not numeric: {_first_line(error)}"
    if not np.all(np.isfinite(values)):
        return None, f"Your output {where} holds NaN or infinite values."
    return values, None


@_checker
def check_rnn_output_shape(
    answer: Any, timesteps: int, units: int, batch: int | None = None, verbose: bool = True
) -> bool:
    """Check the shape of the hidden states an RNN returns for a whole sequence.

    Args:
        answer: The student's output array, or its shape as a tuple.
        timesteps: Number of time steps of the input.
        units: Number of hidden units.
        batch: Number of sequences, or ``None`` for a single sequence.
        verbose: Print the one-line feedback.

    Returns:
        ``True`` when the shape is ``(timesteps, units)`` (or
        ``(batch, timesteps, units)``), ``False`` otherwise.
    """
    for name, value in (("timesteps", timesteps), ("units", units), ("batch", batch)):
        if value is None and name == "batch":
            continue
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}.")
    expected = (timesteps, units) if batch is None else (batch, timesteps, units)
    shape = _shape_of(answer)
    if shape is None:
        return _report(False, "Your answer is not a rectangular array.", verbose)
    if shape == expected:
        return _report(
            True, f"Correct! {shape}: one row of {units} values per time step.", verbose
        )
    hint = _CONCATENATE_HINT if int(np.prod(shape)) == int(np.prod(expected)) else ""
    return _report(False, f"Expected shape {expected}, got {shape}.{hint}", verbose)


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


def _random_case(
    rng: np.random.Generator, batch: int, timesteps: int, features: int, units: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    # Scaled weights keep tanh away from saturation: with states stuck at 1.0
    # a wrong recurrent term would give the right numbers by accident.
    inputs = rng.standard_normal((batch, timesteps, features))
    W = rng.standard_normal((units, features)) / np.sqrt(features)
    U = rng.standard_normal((units, units)) / np.sqrt(units)
    b = 0.5 * rng.standard_normal(units)
    return inputs, W, U, b


@_checker
def check_rnn_forward(
    student_fn: Callable[..., Any],
    batched: bool = True,
    seed: int = 0,
    atol: float = 1e-5,
    verbose: bool = True,
) -> bool:
    """Check a student's RNN forward pass against :func:`rnn_forward`.

    ``student_fn(inputs, W, U, b)`` is called on random inputs of several
    shapes (one time step, one unit, as many features as units, ...) with the
    course convention ``W: (units, features)``, ``U: (units, units)``,
    ``b: (units,)`` and a zero initial state. The first problem found is
    reported in one line.

    Args:
        student_fn: The function to check.
        batched: ``True`` to call it with batches ``(batch, timesteps,
            features)`` and expect ``(batch, timesteps, units)``; ``False``
            for single sequences ``(timesteps, features)`` and
            ``(timesteps, units)``.
        seed: Seed of the random inputs and weights.
        atol: Largest absolute difference accepted (float32 code passes).
        verbose: Print the one-line feedback.

    Returns:
        ``True`` when every output matches, ``False`` otherwise.
    """
    if not callable(student_fn):
        return _report(False, _not_a_function(student_fn), verbose)
    rng = np.random.default_rng(seed)
    for batch, timesteps, features, units in _CASES:
        inputs, W, U, b = _random_case(rng, batch, timesteps, features, units)
        if not batched:
            inputs = inputs[0]
        expected = rnn_forward(inputs, W, U, b)
        where = f"for inputs {inputs.shape}, W {W.shape}, U {U.shape}, b {b.shape}"
        values, problem = _student_output(student_fn, (inputs, W, U, b), expected, where)
        if problem is not None:
            return _report(False, problem, verbose)
        wrong = ~np.isclose(values, expected, rtol=0.0, atol=atol)
        if wrong.any():
            # Report the earliest wrong time step: the hint depends on it.
            positions = np.argwhere(wrong)
            index = tuple(int(i) for i in positions[np.argmin(positions[:, -2])])
            if index[-2] == 0:
                hint = "already wrong at the first step, where h_{t-1} = 0: check W x_t + b."
            else:
                hint = "the first step is right, later ones are not: check U h_{t-1}."
            return _report(
                False,
                f"Wrong values {where}: at index {index} expected "
                f"{expected[index]:.6f}, got {values[index]:.6f}; {hint}",
                verbose,
            )
    kind = "batches" if batched else "single sequences"
    return _report(
        True, f"Correct! Your function matches rnn_forward on {len(_CASES)} {kind}.", verbose
    )


# --------------------------------------------------------------------------
# Chapter 4: backpropagation through time
# --------------------------------------------------------------------------


def _bptt_variant(
    x: np.ndarray,
    W: np.ndarray,
    U: np.ndarray,
    b: np.ndarray,
    h: np.ndarray,
    g: np.ndarray,
    mistake: str | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """BPTT on a batch (h_0 = 0), right or with one classic slip, to name it."""
    batch, timesteps, _ = x.shape
    units = W.shape[0]
    previous = np.concatenate([np.zeros((batch, 1, units)), h[:, :-1]], axis=1)
    if mistake == "h_t in dU":
        previous = h
    slope = np.ones_like(h) if mistake == "no slope" else 1.0 - h**2
    back = U.T if mistake == "U not transposed" else U
    dz = np.zeros_like(h)
    delta = np.zeros((batch, units))
    for t in reversed(range(timesteps)):
        delta = g[:, t] + (0.0 if mistake == "no recurrence" else delta)
        dz[:, t] = delta * slope[:, t]
        delta = dz[:, t] @ back
    flat = dz.reshape(-1, units)
    return flat.T @ x.reshape(-1, x.shape[-1]), flat.T @ previous.reshape(-1, units), flat.sum(0)


_BPTT_HINTS = {
    "no slope": "you forgot the slope of tanh: multiply dL/dh_t by (1 - h_t**2) to get dL/dz_t.",
    "no recurrence": (
        "the gradient does not flow back in time: add U^T (dL/dz_t) to dL/dh_{t-1} "
        "before you use it."
    ),
    "U not transposed": (
        "the gradient flows back through U^T, not U: with one sequence per row, "
        "dL/dh_{t-1} gets a_t @ U."
    ),
    "h_t in dU": (
        "dU pairs dL/dz_t with the previous state h_{t-1} (zeros at the first step), not h_t."
    ),
}


def _three_gradients(answer: Any) -> tuple[Any, Any, Any] | None:
    if all(hasattr(answer, name) for name in ("dW", "dU", "db")):
        return answer.dW, answer.dU, answer.db
    if isinstance(answer, (tuple, list)) and len(answer) == 3:
        return tuple(answer)
    return None


@_checker
def check_rnn_backward(
    student_fn: Callable[..., Any],
    batched: bool = True,
    seed: int = 0,
    rtol: float = 1e-4,
    verbose: bool = True,
) -> bool:
    """Check a student's backpropagation through time against :func:`rnn_backward`.

    ``student_fn(inputs, W, U, b, states, grad_states)`` must return
    ``(dW, dU, db)``, the gradients of a loss whose direct gradient with
    respect to each state ``h_t`` is ``grad_states[t]`` (non-zero at every
    step here, as for a loss on every output), with ``h_0 = 0``. It is
    called on random cases of several shapes; the first problem found is
    reported in one line, naming the classic slip when it is one (a
    forgotten tanh slope, no flow back in time, ``U`` instead of ``U^T``,
    ``h_t`` instead of ``h_{t-1}``).

    Args:
        student_fn: The function to check.
        batched: ``True`` for batches ``(batch, timesteps, features)``,
            ``False`` for single sequences ``(timesteps, features)``.
        seed: Seed of the random cases.
        rtol: Largest :func:`~rnn_course.numpy_nets.relative_error` accepted
            for each gradient (float32 code passes).
        verbose: Print the one-line feedback.

    Returns:
        ``True`` when every gradient matches, ``False`` otherwise.
    """
    if not callable(student_fn):
        return _report(False, _not_a_function(student_fn), verbose)
    rng = np.random.default_rng(seed)
    for batch, timesteps, features, units in _CASES:
        inputs, W, U, b = _random_case(rng, batch, timesteps, features, units)
        if not batched:
            inputs = inputs[:1]
        states = rnn_forward(inputs, W, U, b)
        grad_states = rng.standard_normal(states.shape)
        expected = rnn_backward(inputs, W, U, b, states, grad_states)[:3]
        args = (inputs, W, U, b, states, grad_states)
        if not batched:
            args = (inputs[0], W, U, b, states[0], grad_states[0])
        where = f"for inputs {args[0].shape} and {units} units"
        answer, problem = _call_student(student_fn, args, where)
        if problem is not None:
            return _report(False, problem, verbose)
        if answer is None:
            return _report(False, f"Your function returned None {where}: add a return.", verbose)
        grads = _three_gradients(answer)
        if grads is None:
            return _report(
                False,
                f"Return the three gradients (dW, dU, db) {where}, got {type(answer).__name__}.",
                verbose,
            )
        wrong = []
        for name, value, right in zip(("dW", "dU", "db"), grads, expected):
            shape = _shape_of(value)
            if shape != right.shape:
                return _report(
                    False,
                    f"{name} must have the shape of {name[1:]}, {right.shape}, {where}; "
                    f"got {shape}.",
                    verbose,
                )
            try:
                values = np.asarray(value, dtype=np.float64)
            except (TypeError, ValueError) as error:
                return _report(
                    False, f"{name} {where} is not numeric: {_first_line(error)}", verbose
                )
            if not np.all(np.isfinite(values)):
                return _report(False, f"{name} {where} holds NaN or infinite values.", verbose)
            if relative_error(values, right) > rtol:
                wrong.append(name)
        if not wrong:
            continue
        names = wrong[0] if len(wrong) == 1 else ", ".join(wrong[:-1]) + " and " + wrong[-1]
        x3 = inputs.reshape(-1, timesteps, features)
        h3, g3 = states.reshape(x3.shape[0], timesteps, units), grad_states.reshape(
            x3.shape[0], timesteps, units
        )
        for mistake, hint in _BPTT_HINTS.items():
            slipped = _bptt_variant(x3, W, U, b, h3, g3, mistake)
            if all(
                relative_error(np.asarray(value, dtype=np.float64), variant) <= rtol
                for value, variant in zip(grads, slipped)
            ):
                return _report(False, f"Wrong {names} {where}: {hint}", verbose)
        if wrong == ["dW"]:
            hint = "dU and db are right, so the walk back is right: dW sums dL/dz_t times x_t^T."
        elif wrong == ["dU"]:
            hint = (
                "dW and db are right, so the walk back is right: "
                "dU sums dL/dz_t times h_{t-1}^T."
            )
        else:
            hint = (
                "check the walk back: dL/dh_t = grad_states[t] + U^T dL/dz_{t+1}, "
                "dL/dz_t = dL/dh_t * (1 - h_t**2)."
            )
        return _report(False, f"Wrong {names} {where}; {hint}", verbose)
    kind = "batches" if batched else "single sequences"
    return _report(
        True, f"Correct! Your gradients match rnn_backward on {len(_CASES)} {kind}.", verbose
    )


# --------------------------------------------------------------------------
# Chapters 1 and 2: families of sequence models, shapes, a step by hand
# --------------------------------------------------------------------------

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
        except Exception as error:  # noqa: BLE001 - any error is feedback here
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


def _symbol_shapes(features: int, units: int, outputs: int) -> dict[str, tuple[int, ...]]:
    return {
        "x_t": (features,),
        "W": (units, features),
        "U": (units, units),
        "b": (units,),
        "h_t": (units,),
        "V": (outputs, units),
        "c": (outputs,),
        "y_t": (outputs,),
    }


_SYMBOL_MEANINGS = {
    "x_t": "(features,)",
    "W": "(units, features)",
    "U": "(units, units)",
    "b": "(units,)",
    "h_t": "(units,)",
    "V": "(outputs, units)",
    "c": "(outputs,)",
    "y_t": "(outputs,)",
}


@_checker
def check_symbol_shapes(
    answer: Any, features: int, units: int, outputs: int, verbose: bool = True
) -> bool:
    """Check the shape of every symbol of the recurrence and of its readout.

    The equations are ``h_t = tanh(W x_t + U h_{t-1} + b)`` and
    ``y_t = V h_t + c``.

    Args:
        answer: A dict from the symbols ``"x_t"``, ``"W"``, ``"U"``, ``"b"``,
            ``"h_t"``, ``"V"``, ``"c"`` and ``"y_t"`` to shape tuples, for
            example ``{"W": (units, features), ...}``.
        features: Size of each input vector.
        units: Size of the state.
        outputs: Size of each output vector.
        verbose: Print the one-line feedback.

    Returns:
        ``True`` when every shape is right, ``False`` otherwise (the first
        problem is reported).

    Raises:
        ValueError: ``features``, ``units`` or ``outputs`` is not a positive
            integer.
    """
    for name, value in (("features", features), ("units", units), ("outputs", outputs)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}.")
    expected = _symbol_shapes(int(features), int(units), int(outputs))
    if not isinstance(answer, dict):
        return _report(
            False, f"Give a dict {{symbol: shape}}, got {type(answer).__name__}.", verbose
        )
    missing = [key for key in expected if key not in answer]
    if missing:
        return _report(False, f"Missing symbols: {', '.join(missing)}.", verbose)
    unknown = [str(key) for key in answer if key not in expected]
    if unknown:
        return _report(
            False,
            f"Unknown symbols: {', '.join(unknown)} (use {', '.join(expected)}).",
            verbose,
        )
    for key, shape in expected.items():
        given = answer[key]
        if isinstance(given, numbers.Integral) and not isinstance(given, bool):
            return _report(
                False,
                f"{key}: write a shape as a tuple; a vector of {given} values has shape "
                f"({given},), with the comma.",
                verbose,
            )
        if not isinstance(given, (tuple, list)) or not all(
            isinstance(n, numbers.Integral) and not isinstance(n, bool) for n in given
        ):
            if _is_placeholder(given):
                return _report(False, f"{key}: not written yet (still {given!r}).", verbose)
            return _report(False, f"{key}: expected a tuple of integers, got {_short(given)}.",
                           verbose)
        given = tuple(int(n) for n in given)
        if given == shape:
            continue
        if len(shape) == 2 and given == shape[::-1]:
            hint = (
                f"that is {key} transposed: the course multiplies {key} @ vector, so {key} "
                f"has one row per value it produces, {_SYMBOL_MEANINGS[key]}."
            )
        else:
            hint = f"{key} is {_SYMBOL_MEANINGS[key]}."
        return _report(False, f"{key}: expected {shape}, got {given}; {hint}", verbose)
    return _report(
        True,
        f"Correct! With {features} features, {units} units and {outputs} outputs every "
        "shape fits: W x_t and U h_{t-1} are both (units,), V h_t is (outputs,).",
        verbose,
    )


@_checker
def check_hidden_state(
    answer: Any,
    inputs: Any,
    W: Any,
    U: Any,
    b: Any,
    step: int,
    atol: float = 1e-3,
    verbose: bool = True,
) -> bool:
    """Check a state ``h_step`` computed by hand for ``h_t = tanh(W x_t + U h_{t-1} + b)``.

    The reference is :func:`rnn_forward` on ``inputs`` from ``h_0 = 0``. The
    tolerance allows for rounding to 4 decimals at every step by hand.

    Args:
        answer: The student's ``h_step``, a vector of ``units`` numbers.
        inputs: One sequence ``(timesteps, features)``.
        W: ``(units, features)``.
        U: ``(units, units)``.
        b: ``(units,)``.
        step: The time step, from 1 (the first input) to ``timesteps``.
        atol: Largest absolute difference accepted per unit.
        verbose: Print the one-line feedback.

    Returns:
        ``True`` when every unit is within ``atol``, ``False`` otherwise.

    Raises:
        ValueError: ``inputs`` is not one sequence, the weights do not fit
            it, or ``step`` is out of range.
    """
    x = np.asarray(inputs, dtype=float)
    if x.ndim != 2:
        raise ValueError(f"inputs must be one sequence (timesteps, features), got shape {x.shape}.")
    W, U, b = (np.asarray(a, dtype=float) for a in (W, U, b))
    states = rnn_forward(x, W, U, b)  # raises ValueError on shapes that do not fit
    timesteps, units = states.shape
    if (isinstance(step, bool) or not isinstance(step, numbers.Integral)
            or not 1 <= step <= timesteps):
        raise ValueError(f"step must be an integer from 1 to {timesteps}, got {step!r}.")
    try:
        values = np.asarray(answer, dtype=float)
    except (TypeError, ValueError) as error:
        return _report(
            False, f"Your answer is not a vector of numbers: {_first_line(error)}", verbose
        )
    if values.shape == (units,) and not np.all(np.isfinite(values)):
        return _report(False, "Your answer holds NaN or infinite values.", verbose)
    if values.shape != (units,):
        return _report(
            False,
            f"Expected a vector of {units} numbers (one per unit), got shape {values.shape}.",
            verbose,
        )
    expected = states[step - 1]
    if np.allclose(values, expected, rtol=0.0, atol=atol):
        return _report(True, f"Correct! That is h_{step}, to within {atol:g}.", verbose)

    h_prev = np.zeros(units) if step == 1 else states[step - 2]
    x_t = x[step - 1]
    slips = [
        (W @ x_t + U @ h_prev + b, "that is z_t, the pre-activation: apply tanh to it."),
        (np.tanh(W @ x_t + b),
         "you left out U h_{t-1}: the state of the previous step counts too."),
        (np.tanh(W @ x_t + U.T @ h_prev + b),
         "row i of U multiplies h_{t-1} to give unit i: check that you did not transpose U."),
        (np.tanh(W @ x_t + U @ h_prev),
         "you forgot the bias b."),
    ]
    slips += [
        (states[k], f"that is h_{k + 1}, the state after step {k + 1}, not step {step}.")
        for k in range(timesteps) if k != step - 1
    ]
    for value, hint in slips:
        if not np.allclose(value, expected, rtol=0.0, atol=atol) and np.allclose(
            values, value, rtol=0.0, atol=atol
        ):
            return _report(False, f"Not quite: {hint}", verbose)
    wrong = [str(i + 1) for i in range(units) if abs(values[i] - expected[i]) > atol]
    which = "unit " + wrong[0] if len(wrong) == 1 else "units " + ", ".join(wrong)
    return _report(
        False,
        f"Not quite: {which} wrong. Compute z = W x_{step} + U h_{step - 1} + b, "
        "one unit per row, then h = tanh(z).",
        verbose,
    )


# --------------------------------------------------------------------------
# Chapter 5: recurrent layers in Keras
# --------------------------------------------------------------------------



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
        raise ValueError(f"units must be a list with one number of units per layer, got {units!r}.")
    units = [_validate.positive_int(f"units[{k}]", u) for k, u in enumerate(units)]
    if not units:
        raise ValueError("units is empty: give the number of units of each layer.")
    inputs = [features] + units[:-1]
    expected = [simple_rnn_param_count(f, u) for f, u in zip(inputs, units)]
    layers = len(units)

    if isinstance(answer, numbers.Real) and not isinstance(answer, bool):
        total = f": {answer} is the total of the {layers} layers" if answer == sum(expected) else ""
        return _report(
            False,
            f"Expected a list of {layers} counts, one per layer, got one number{total}.",
            verbose,
        )
    if isinstance(answer, (str, bytes)) or not isinstance(answer, (Sequence, np.ndarray)):
        return _report(
            False, f"Expected a list of {layers} counts, got {type(answer).__name__}.", verbose
        )
    answer = list(np.asarray(answer, dtype=object).ravel()) if isinstance(answer, np.ndarray) else list(answer)
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
                f"it reads the {f} outputs of layer {k} below it, not the {features} input features",
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


# --------------------------------------------------------------------------
# Chapter 7: gates (LSTM and GRU)
# --------------------------------------------------------------------------



def _random_gru_params(rng: np.random.Generator, features: int, units: int) -> GRUParams:
    # Scaled weights keep the gates away from 0 and 1, and every bias is
    # non-zero, so that each classic slip changes the numbers.
    def matrix(rows: int, columns: int) -> np.ndarray:
        return rng.standard_normal((rows, columns)) / np.sqrt(columns)

    return GRUParams(
        W_z=matrix(units, features), W_r=matrix(units, features), W_h=matrix(units, features),
        U_z=matrix(units, units), U_r=matrix(units, units), U_h=matrix(units, units),
        b_z=0.5 * rng.standard_normal(units), b_r=0.5 * rng.standard_normal(units),
        b_h=0.5 * rng.standard_normal(units), rb_z=0.5 * rng.standard_normal(units),
        rb_r=0.5 * rng.standard_normal(units), rb_h=0.5 * rng.standard_normal(units),
    )


def _gru_variant(x: np.ndarray, p: GRUParams, mistake: str) -> np.ndarray:
    """A batched GRU with one classic slip, to recognise it in an answer."""
    def sigmoid(a: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-a))

    batch, timesteps, _ = x.shape
    h = np.zeros((batch, p.U_z.shape[0]))
    no_rb = mistake == "no recurrent bias"
    rb_z, rb_r, rb_h = (0.0, 0.0, 0.0) if no_rb else (p.rb_z, p.rb_r, p.rb_h)
    states = []
    for t in range(timesteps):
        x_t = x[:, t]
        z = sigmoid(x_t @ p.W_z.T + p.b_z + h @ p.U_z.T + rb_z)
        r = sigmoid(x_t @ p.W_r.T + p.b_r + h @ p.U_r.T + rb_r)
        if mistake == "reset before":
            recurrent = (r * h) @ p.U_h.T + rb_h
        elif mistake == "no reset":
            recurrent = h @ p.U_h.T + rb_h
        else:
            recurrent = r * (h @ p.U_h.T + rb_h)
        g = np.tanh(x_t @ p.W_h.T + p.b_h + recurrent)
        if mistake == "z swapped":
            h = (1.0 - z) * h + z * g
        else:
            h = z * h + (1.0 - z) * g
        states.append(h)
    return np.stack(states, axis=1)


_GRU_HINTS = {
    "z swapped": (
        "z and 1 - z are swapped: Keras keeps the old state with z, "
        "h_t = z * h_{t-1} + (1 - z) * h~_t (some texts write it the other way round)."
    ),
    "reset before": (
        "you reset h_{t-1} before U_h (the reset_after=False variant); Keras 3 multiplies "
        "r_t with U_h h_{t-1} + rb_h."
    ),
    "no recurrent bias": (
        "you left out the recurrent biases rb_z, rb_r, rb_h: they are added to U h_{t-1}."
    ),
    "no reset": "the reset gate is missing: the candidate uses r_t * (U_h h_{t-1} + rb_h).",
}


@_checker
def check_gru_forward(
    student_fn: Callable[..., Any], seed: int = 0, atol: float = 1e-5, verbose: bool = True
) -> bool:
    """Check a student's GRU forward pass against :func:`~rnn_course.numpy_nets.gru_forward`.

    ``student_fn(inputs, params)`` is called on random batches
    ``(batch, timesteps, features)`` of several shapes (one time step, one
    unit, as many features as units) with a
    :class:`~rnn_course.numpy_nets.GRUParams` ``params`` in the course
    convention (``W_*`` ``(units, features)``, ``U_*`` ``(units, units)``,
    biases ``b_*`` and recurrent biases ``rb_*`` ``(units,)``), Keras's
    ``reset_after=True`` variant and a zero initial state. It must return
    the states ``(batch, timesteps, units)``. The first problem found is
    reported in one line, naming the classic slips: ``z`` and ``1 - z``
    swapped, the reset gate applied before ``U_h``, recurrent biases left
    out, no reset gate.

    Args:
        student_fn: The function to check.
        seed: Seed of the random inputs and weights.
        atol: Largest absolute difference accepted (float32 code passes).
        verbose: Print the one-line feedback.

    Returns:
        ``True`` when every output matches, ``False`` otherwise.
    """
    if not callable(student_fn):
        return _report(False, _not_a_function(student_fn), verbose)
    rng = np.random.default_rng(seed)
    for batch, timesteps, features, units in _CASES:
        inputs = rng.standard_normal((batch, timesteps, features))
        params = _random_gru_params(rng, features, units)
        expected = gru_forward(inputs, params)
        where = f"for inputs {inputs.shape} and {units} unit{'s' if units > 1 else ''}"
        values, problem = _student_output(student_fn, (inputs, params), expected, where)
        if problem is not None:
            return _report(False, problem, verbose)
        if np.allclose(values, expected, rtol=0.0, atol=atol):
            continue
        for mistake, hint in _GRU_HINTS.items():
            if np.allclose(values, _gru_variant(inputs, params, mistake), rtol=0.0, atol=atol):
                return _report(False, f"Wrong values {where}: {hint}", verbose)
        wrong = ~np.isclose(values, expected, rtol=0.0, atol=atol)
        positions = np.argwhere(wrong)
        index = tuple(int(i) for i in positions[np.argmin(positions[:, -2])])
        if index[-2] == 0:
            hint = ("already wrong at the first step, where h_{t-1} = 0: check the input "
                    "terms W x_t + b and the recurrent biases.")
        else:
            hint = "the first step is right, later ones are not: check the terms in h_{t-1}."
        return _report(
            False,
            f"Wrong values {where}: at index {index} expected {expected[index]:.6f}, "
            f"got {values[index]:.6f}; {hint}",
            verbose,
        )
    return _report(
        True,
        f"Correct! Your GRU matches gru_forward (and keras.layers.GRU) on {len(_CASES)} batches.",
        verbose,
    )


# --------------------------------------------------------------------------
# Chapter 8: SimpleRNN, LSTM and GRU on IMDB
# --------------------------------------------------------------------------

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


# --------------------------------------------------------------------------
# Chapter 6: encoding a new review the way IMDB was encoded
# --------------------------------------------------------------------------


# The ways an IMDB encoder usually goes wrong, in the order they are reported.
# Each is a switch of _encode_variant; the hints say how to put it right.
_ENCODER_SLIPS = ("case", "punctuation", "offset", "start", "unknown", "num_words")
_ENCODER_HINTS = {
    "case": "lower-case the text first ('This' is not in the word index, 'this' is)",
    "punctuation": (
        "replace punctuation by spaces before splitting ('bad.' is not in the word "
        "index, 'bad' is)"
    ),
    "offset": (
        "add 3 to every rank (ids 0, 1 and 2 are padding, start and unknown, so the "
        "word of rank r has id r + 3)"
    ),
    "start": "begin every review with the start id 1",
    "unknown": "give unknown words the id 2 (1 is the start id)",
    "num_words": (
        "turn ids that are not below num_words into 2 (the Embedding has only "
        "num_words rows)"
    ),
}

# The example of the course notes, with its capital letters and full stops.
_NOTES_SENTENCE = (
    "This movie is really bad. I do not like this movie because the direction was horrible."
)


def _encode_variant(
    text: str, word_index: Mapping[str, int], num_words: int | None, slips: frozenset
) -> list[int]:
    """IMDB's encoding of ``text`` with the given slips (none: ``encode_review``)."""
    from rnn_course.data.imdb import INDEX_FROM, KERAS_FILTERS, OOV_ID, START_ID

    if "case" not in slips:
        text = text.lower()
    if "punctuation" not in slips:
        text = text.translate(str.maketrans(KERAS_FILTERS, " " * len(KERAS_FILTERS)))
    unknown = START_ID if "unknown" in slips else OOV_ID
    offset = 0 if "offset" in slips else INDEX_FROM
    ids = [] if "start" in slips else [START_ID]
    for token in text.split():
        rank = word_index.get(token)
        word_id = unknown if rank is None else rank + offset
        if "num_words" not in slips and num_words is not None and word_id >= num_words:
            word_id = unknown
        ids.append(word_id)
    return ids


def _encoder_probes(word_index: Mapping[str, int], num_words: int | None) -> list[str]:
    """Sentences on which every slip of :data:`_ENCODER_SLIPS` changes the ids."""
    limit = float("inf") if num_words is None else num_words - 3
    by_rank = sorted(
        (rank, word) for word, rank in word_index.items()
        if isinstance(word, str) and word.isalpha() and word == word.lower()
    )
    common = [word for rank, word in by_rank if rank < limit][:40:8]
    rare = [word for rank, word in by_rank if rank >= limit][:1]
    unknown = "zqxvjw"
    while unknown in word_index:
        unknown += "q"
    a, b, c, d, e = (common + ["film"] * 5)[:5]
    probes = [
        _NOTES_SENTENCE,
        f"{a.capitalize()} {b}, {c}.",
        f"{d} {unknown} {e}!",
    ]
    if rare:
        probes.append(f"{a} {rare[0]} {b}")
    return probes


def _as_id_list(answer: Any) -> list[int] | None:
    if isinstance(answer, (str, bytes)) or not isinstance(answer, (list, tuple, np.ndarray)):
        return None
    try:
        array = np.asarray(answer)
    except ValueError:  # ragged nested lists
        return None
    if array.ndim != 1 or (array.size and not np.issubdtype(array.dtype, np.integer)):
        return None
    return [int(i) for i in array.tolist()]


@_checker
def check_review_encoder(
    student_fn: Callable[..., Any],
    word_index: Mapping[str, int],
    num_words: int | None = 10000,
    verbose: bool = True,
) -> bool:
    """Check a student's IMDB encoder against :func:`rnn_course.data.encode_review`.

    ``student_fn(text, word_index, num_words)`` must return the list of ids
    a model trained on ``keras.datasets.imdb`` expects: lower-cased,
    punctuation replaced by spaces, the start id 1 first, the word of rank
    ``r`` as ``r + 3``, unknown words (and ids not below ``num_words``) as 2.
    It is called on a few sentences, among them the example of the course
    notes; a wrong answer is explained in one line that names the slips
    (no lower-casing, punctuation kept, no offset 3, no start id, unknown
    words as 1, ``num_words`` ignored), alone or together.

    Args:
        student_fn: The function to check.
        word_index: The word index the ids refer to
            (:func:`rnn_course.data.imdb_word_index`).
        num_words: The ``num_words`` the data was loaded with.
        verbose: Print the one-line feedback.

    Returns:
        ``True`` when every sentence is encoded right, ``False`` otherwise.
    """
    if not isinstance(word_index, Mapping) or not word_index:
        raise TypeError("word_index must be a non-empty dict of word -> rank.")
    if num_words is not None and (
        isinstance(num_words, bool) or not isinstance(num_words, numbers.Integral) or num_words < 4
    ):
        raise ValueError(f"num_words must be an integer of at least 4 or None, got {num_words!r}.")
    if not callable(student_fn):
        return _report(False, _not_a_function(student_fn), verbose)
    probes = _encoder_probes(word_index, num_words)
    answers = []
    for text in probes:
        answer, problem = _call_student(student_fn, (text, word_index, num_words),
                                        f"on {text!r}")
        if problem is not None:
            return _report(False, problem, verbose)
        ids = _as_id_list(answer)
        if ids is None:
            got = "None: add a return" if answer is None else type(answer).__name__
            return _report(
                False, f"Expected a list of integer ids for {text!r}, got {got}.", verbose
            )
        answers.append(ids)
    from rnn_course.data.imdb import encode_review

    expected = [encode_review(text, word_index, num_words=num_words) for text in probes]
    if answers == expected:
        return _report(
            True,
            f"Correct! Your encoder matches encode_review on {len(probes)} sentences.",
            verbose,
        )
    # The smallest set of slips that explains every answer names the problem.
    for size in range(1, len(_ENCODER_SLIPS) + 1):
        for combo in itertools.combinations(_ENCODER_SLIPS, size):
            slips = frozenset(combo)
            variant = [_encode_variant(text, word_index, num_words, slips) for text in probes]
            if variant == answers:
                hints = [_ENCODER_HINTS[slip] for slip in combo]
                joined = hints[0] if len(hints) == 1 else "; ".join(hints[:-1]) + "; and " + hints[-1]
                return _report(False, f"Not quite: {joined}.", verbose)
    k = next(i for i, (got, right) in enumerate(zip(answers, expected)) if got != right)

    def short(ids: list[int]) -> str:
        return str(ids) if len(ids) <= 10 else str(ids[:10])[:-1] + ", ...]"

    return _report(
        False,
        f"Wrong ids for {probes[k]!r}: expected {short(expected[k])}, got {short(answers[k])}.",
        verbose,
    )


# --------------------------------------------------------------------------
# Chapter 9: convolution versus recurrence
# --------------------------------------------------------------------------


@_checker
def check_conv_layer(
    answer: Any,
    input_shape: Any,
    filters: int,
    kernel_size: int,
    strides: int = 1,
    padding: str = "valid",
    verbose: bool = True,
) -> bool:
    """Check the output shape and parameter count of a ``Conv2D`` layer.

    The layer is ``keras.layers.Conv2D(filters, kernel_size, strides=strides,
    padding=padding)`` reading images of ``input_shape`` ``(height, width,
    channels)``. Each side of the output is ``floor((n + 2p - k) / s) + 1``
    (``ceil(n / s)`` with ``padding="same"``), and the layer has
    ``(k * k * channels + 1) * filters`` parameters.

    Args:
        answer: A pair ``(output_shape, params)``: ``output_shape`` is
            ``(height, width, channels)`` without the batch axis (a leading
            ``None`` is accepted), ``params`` an integer.
        input_shape: ``(height, width, channels)`` of the input.
        filters, kernel_size, strides, padding: The layer's settings
            (square kernels and strides).
        verbose: Print the one-line feedback.

    Returns:
        ``True`` when both the shape and the count are right.
    """
    from rnn_course.vision import conv2d_param_count, conv_output_size

    if not isinstance(input_shape, (tuple, list)) or len(input_shape) != 3:
        raise ValueError(f"input_shape must be (height, width, channels), got {input_shape!r}.")
    height, width, channels = (_validate.positive_int("input_shape", v) for v in input_shape)
    filters = _validate.positive_int("filters", filters)
    kernel_size = _validate.positive_int("kernel_size", kernel_size)
    strides = _validate.positive_int("strides", strides)
    if padding not in ("valid", "same"):
        raise ValueError(f"padding must be 'valid' or 'same', got {padding!r}.")
    shape = (conv_output_size(height, kernel_size, strides, padding),
             conv_output_size(width, kernel_size, strides, padding), filters)
    params = conv2d_param_count(kernel_size, channels, filters)

    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        return _report(False, "Give a pair (output_shape, params), for example "
                              "((30, 30, 32), 896).", verbose)
    got_shape, got_params = answer
    try:
        got_shape = tuple(got_shape)
        if len(got_shape) == 4 and got_shape[0] is None:
            got_shape = got_shape[1:]
        got_shape = tuple(int(v) for v in got_shape)
        if not all(float(a) == b for a, b in zip(answer[0][-3:], got_shape)):
            raise ValueError
    except (TypeError, ValueError):
        return _report(False, f"The output shape must be (height, width, channels) in whole "
                              f"numbers, got {_short(answer[0])}.", verbose)
    if isinstance(got_params, (bool, np.bool_)) or not isinstance(got_params, numbers.Real) \
            or not float(got_params).is_integer():
        return _report(False, f"Give the parameter count as a whole number, got {_short(got_params)}.",
                       verbose)
    got_params = int(got_params)

    problems = []
    if got_shape != shape:
        side = shape[0]
        hints = {
            conv_output_size(height, kernel_size, 1, padding):
                f"divide by the stride {strides}",
            conv_output_size(height, kernel_size, strides,
                             "same" if padding == "valid" else "valid"):
                f"padding={padding!r} adds {'no zeros' if padding == 'valid' else 'zeros'}",
            (height - kernel_size) // strides:
                "the formula ends with + 1",
        }
        hints.pop(side, None)
        if len(got_shape) == 3 and got_shape[2] != filters:
            hint = f"there is one output channel per filter ({filters})"
        elif len(got_shape) == 3 and got_shape[0] in hints:
            hint = hints[got_shape[0]]
        else:
            hint = "out = floor((n + 2p - k) / s) + 1 on each side, one channel per filter"
        problems.append(f"the output shape is not {got_shape} ({hint})")
    if got_params != params:
        slips = {
            kernel_size * kernel_size * channels * filters: "each filter also has a bias",
            (kernel_size * kernel_size + 1) * filters:
                f"a kernel reads all {channels} input channels",
            (kernel_size * kernel_size * channels + 1) * filters * shape[0] * shape[1]:
                "the weights are shared across positions: the image size does not count",
        }
        slips.pop(params, None)
        hint = slips.get(got_params, "(k * k * channels_in + 1) * filters")
        problems.append(f"{got_params:,} is not the parameter count ({hint})")
    if problems:
        return _report(False, "Not quite: " + "; ".join(problems) + ".", verbose)
    return _report(
        True,
        f"Correct! Output {shape}, and ({kernel_size}*{kernel_size}*{channels} + 1)*{filters} "
        f"= {params:,} parameters.",
        verbose,
    )


# --------------------------------------------------------------------------
# Chapter 10: hyperparameter tuning
# --------------------------------------------------------------------------


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


# --------------------------------------------------------------------------
# Appendix A: training fast
# --------------------------------------------------------------------------

__all__.append("check_length_cut")


def _length_cut_cases() -> list[tuple[np.ndarray, float]]:
    """Lengths and coverages on which a cut is easy to get wrong by one."""
    rng = np.random.default_rng(8)
    lognormal = np.clip(np.rint(np.exp(rng.normal(np.log(200), 0.65, 1001))), 10, 2000)
    return [
        (np.arange(1, 101), 0.9),            # 1..100: the cut is 90 exactly
        (np.array([9, 3, 5]), 0.5),          # unsorted, odd count: 5
        (np.array([4, 4, 4, 7]), 0.75),      # ties: 4
        (np.array([12, 40, 25, 31]), 1.0),   # everything whole: the longest
        (lognormal.astype(np.int64), 0.95),  # IMDB-like lengths
    ]


@_checker
def check_length_cut(answer: Any, verbose: bool = True) -> bool:
    """Check a function ``answer(lengths, coverage) -> int`` that chooses a length cut.

    The right cut is the shortest length ``L`` such that at least ``coverage``
    of the reviews have at most ``L`` ids: ``length_cut(lengths, coverage,
    multiple=1)`` of :mod:`rnn_course.batching`.

    Args:
        answer: The student's function; ``lengths`` is an int array of review
            lengths, ``coverage`` a share in ``(0, 1]``.
        verbose: Print the one-line feedback.

    Returns:
        ``True`` when every case gives the right cut.
    """
    from rnn_course.batching import length_cut

    for lengths, coverage in _length_cut_cases():
        expected = length_cut(lengths, coverage, multiple=1)
        shown = f"lengths={_short(lengths.tolist(), 40)}, coverage={coverage}"
        got, problem = _call_student(answer, (lengths.copy(), coverage), f"for {shown}")
        if problem is not None:
            return _report(False, problem, verbose)
        if isinstance(got, (bool, np.bool_)) or not isinstance(got, numbers.Real) \
                or not float(got).is_integer():
            return _report(False, f"For {shown} you returned {_short(got)}: a cut is a whole "
                                  "number of ids (np.percentile interpolates between lengths; "
                                  "take a length that occurs).", verbose)
        got = int(got)
        if got == expected:
            continue
        kept = float(np.mean(lengths <= got))
        if got < expected:
            hint = (f"only {kept:.1%} of the reviews have at most {got} ids, fewer than "
                    f"{coverage:.0%}: count the reviews with length <= the cut")
        else:
            hint = (f"a shorter cut already keeps {coverage:.0%} of the reviews whole: take "
                    "the shortest such length")
        return _report(False, f"Not quite: for {shown} you returned {got}; {hint}.", verbose)
    return _report(True, "Correct! Your cut keeps the asked share of the reviews whole and "
                         "is the shortest that does.", verbose)
