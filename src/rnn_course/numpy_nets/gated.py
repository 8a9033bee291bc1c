"""Gated recurrent networks in NumPy: the LSTM and the GRU (Chapter 07).

Course convention, as for the simple RNN: one matrix per gate, ``W_*`` of
shape ``(units, features)`` for the input, ``U_*`` ``(units, units)`` for
the previous state, ``b_*`` ``(units,)`` for the bias, and column vectors
in the equations (``W_i @ x_t + U_i @ h_{t-1} + b_i``). Keras packs the
gates side by side in one kernel ``(features, k * units)``, in the order
i, f, c, o for the LSTM and z, r, h for the GRU;
:mod:`rnn_course.numpy_nets.keras_weights` cuts them apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np

from rnn_course._validate import check_finite, flag, positive_int, real_array
from rnn_course.numpy_nets import _loop

_LSTM_GATES = ("i", "f", "c", "o")
_GRU_GATES = ("z", "r", "h")


class LSTMParams(NamedTuple):
    """The weights of an LSTM layer, one matrix per gate (course convention).

    Gate ``i`` is the input gate, ``f`` the forget gate, ``c`` the candidate
    carry (the ``tanh`` layer) and ``o`` the output gate; Keras stores them in
    that order. With ``features`` inputs and ``units`` units:

    Attributes:
        W_i, W_f, W_c, W_o: Input weights, ``(units, features)`` each.
        U_i, U_f, U_c, U_o: Recurrent weights, ``(units, units)`` each.
        b_i, b_f, b_c, b_o: Biases, ``(units,)`` each.
    """

    W_i: np.ndarray
    W_f: np.ndarray
    W_c: np.ndarray
    W_o: np.ndarray
    U_i: np.ndarray
    U_f: np.ndarray
    U_c: np.ndarray
    U_o: np.ndarray
    b_i: np.ndarray
    b_f: np.ndarray
    b_c: np.ndarray
    b_o: np.ndarray


class GRUParams(NamedTuple):
    """The weights of a GRU layer, one matrix per gate (course convention).

    Gate ``z`` is the update gate, ``r`` the reset gate and ``h`` the
    candidate state; Keras stores them in that order. A GRU has two biases
    per gate: ``b_*`` is added to ``W_* x_t``, ``rb_*`` (the recurrent bias)
    to ``U_* h_{t-1}``. The two matter separately only for the candidate of
    the ``reset_after=True`` variant (the Keras 3 default), where the reset
    gate multiplies ``U_h h_{t-1} + rb_h``.

    Attributes:
        W_z, W_r, W_h: Input weights, ``(units, features)`` each.
        U_z, U_r, U_h: Recurrent weights, ``(units, units)`` each.
        b_z, b_r, b_h: Input biases, ``(units,)`` each.
        rb_z, rb_r, rb_h: Recurrent biases, ``(units,)`` each (zeros for a
            Keras layer built with ``reset_after=False``, which has none).
        reset_after: ``True`` (the Keras 3 default): the candidate is
            ``tanh(W_h x_t + b_h + r_t * (U_h h_{t-1} + rb_h))``. ``False``:
            ``tanh(W_h x_t + b_h + U_h (r_t * h_{t-1}) + rb_h)``, the variant
            of the original paper.
    """

    W_z: np.ndarray
    W_r: np.ndarray
    W_h: np.ndarray
    U_z: np.ndarray
    U_r: np.ndarray
    U_h: np.ndarray
    b_z: np.ndarray
    b_r: np.ndarray
    b_h: np.ndarray
    rb_z: np.ndarray
    rb_r: np.ndarray
    rb_h: np.ndarray
    reset_after: bool = True


class LSTMGates(NamedTuple):
    """What :func:`lstm_gates` returns: every gate at every step.

    Each array has the shape of the hidden states, ``(timesteps, units)`` for
    one sequence or ``(batch, timesteps, units)`` for a batch; row ``t`` is
    time step ``t + 1``.

    Attributes:
        i: Input gate, in ``(0, 1)``.
        f: Forget gate, in ``(0, 1)``.
        g: Candidate carry ``c~_t``, in ``(-1, 1)`` (the ``tanh`` layer).
        o: Output gate, in ``(0, 1)``.
        c: Carry (cell state) ``c_t = f * c_{t-1} + i * g``.
        h: Hidden state (the output) ``h_t = o * tanh(c_t)``.
    """

    i: np.ndarray
    f: np.ndarray
    g: np.ndarray
    o: np.ndarray
    c: np.ndarray
    h: np.ndarray


class GRUGates(NamedTuple):
    """What :func:`gru_gates` returns: every gate at every step.

    Each array has the shape of the hidden states, ``(timesteps, units)`` or
    ``(batch, timesteps, units)``.

    Attributes:
        z: Update gate, in ``(0, 1)``: the share of the old state kept.
        r: Reset gate, in ``(0, 1)``.
        g: Candidate state ``h~_t``, in ``(-1, 1)``.
        h: Hidden state ``h_t = z * h_{t-1} + (1 - z) * g``.
    """

    z: np.ndarray
    r: np.ndarray
    g: np.ndarray
    h: np.ndarray


def _sigmoid(z: np.ndarray) -> np.ndarray:
    """The logistic sigmoid, 1 / (1 + exp(-z)), without overflow warnings.

    ``0.5 * (1 + tanh(z / 2))`` is the same function; written this way it
    keeps the dtype and never computes ``exp`` of a large number.
    """
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _named_arrays(params: Any, kind: type, maker: str) -> dict[str, Any]:
    """The fields of ``params`` (a ``kind`` NamedTuple or a dict), or a one-line TypeError."""
    fields = [name for name in kind._fields if name != "reset_after"]
    if isinstance(params, kind):
        return params._asdict()
    other = GRUParams if kind is LSTMParams else LSTMParams
    if isinstance(params, other):
        right = "gru_forward" if other is GRUParams else "lstm_forward"
        raise TypeError(
            f"params are {other.__name__}, but this function needs {kind.__name__}: "
            f"use {right} for them."
        )
    if isinstance(params, Mapping):
        missing = [name for name in fields if name not in params]
        unknown = [str(name) for name in params if name not in kind._fields]
        if missing or unknown:
            problems = []
            if missing:
                problems.append("missing " + ", ".join(missing))
            if unknown:
                problems.append("unknown " + ", ".join(unknown))
            raise TypeError(
                f"params as a dict need exactly the keys of {kind.__name__} "
                f"({'; '.join(problems)})."
            )
        return dict(params)
    raise TypeError(
        f"params must be {kind.__name__} (from {maker}(layer)) or a dict with its keys, "
        f"got {type(params).__name__}."
    )


def _check_gate_params(
    params: Any, kind: type, maker: str, gates: tuple[str, ...]
) -> tuple[dict[str, np.ndarray], int, int]:
    """Convert and check the arrays of LSTM or GRU parameters.

    Returns the arrays by name, ``units`` and ``features``, read from the
    first input matrix; every other array must agree with it.
    """
    raw = _named_arrays(params, kind, maker)
    bias_prefixes = ("b", "rb") if kind is GRUParams else ("b",)
    names = (
        [f"W_{g}" for g in gates]
        + [f"U_{g}" for g in gates]
        + [f"{p}_{g}" for p in bias_prefixes for g in gates]
    )
    arrays = {name: real_array(name, raw[name]) for name in names}
    first = f"W_{gates[0]}"
    if arrays[first].ndim != 2 or 0 in arrays[first].shape:
        raise ValueError(
            f"{first} must be a non-empty (units, features) matrix, "
            f"got shape {arrays[first].shape}."
        )
    units, features = arrays[first].shape
    for name in names:
        shape = arrays[name].shape
        if name.startswith("W_"):
            expected, what = (units, features), "(units, features)"
        elif name.startswith("U_"):
            expected, what = (units, units), "(units, units)"
        else:
            expected, what = (units,), "(units,)"
        if shape != expected:
            raise ValueError(
                f"{name} has shape {shape} but {first} of shape {(units, features)} "
                f"gives {units} units and {features} features: {name} must be "
                f"{what} = {expected}."
            )
        check_finite(name, arrays[name])
    return arrays, units, features


def _check_gate_inputs(
    inputs: Any, units: int, features: int, first: str, initial: dict[str, Any]
) -> tuple[np.ndarray, dict[str, np.ndarray | None], bool]:
    """Check the inputs and the initial states of a gated network.

    Returns the inputs as an array, the initial states by name (``None``
    where not given) and whether the inputs are a single sequence.
    """
    x, single = _loop.sequences(inputs)
    if x.shape[-1] != features:
        raise ValueError(
            f"{first} has shape {(units, features)} but inputs of shape {x.shape} have "
            f"{x.shape[-1]} features: {first} must be (units, features) = "
            f"({units}, {x.shape[-1]})."
        )
    check_finite("inputs", x)
    given = {
        name: None if value is None else _loop.initial_state(name, value, x, units)
        for name, value in initial.items()
    }
    return x, given, single


def _gate_inputs(
    inputs: Any, arrays: dict[str, np.ndarray], gates: tuple[str, ...], units: int,
    features: int, initial: dict[str, Any],
) -> tuple[np.ndarray, dict[str, np.ndarray], dict[str, np.ndarray], bool]:
    """What a gated run starts from.

    Returns the input term of every gate, ``(timesteps, batch, k * units)``
    (:func:`~rnn_course.numpy_nets._loop.project_inputs`); the weights in
    the common dtype, the ``k`` gates of each kind side by side (``W``,
    ``U``, ``b``, and ``rb`` for the GRU); the start states by name; and
    whether the inputs are one sequence.
    """
    x, given, single = _check_gate_inputs(inputs, units, features, f"W_{gates[0]}", initial)
    known = [array for array in given.values() if array is not None]
    dtype = _loop.floating_dtype(x, *arrays.values(), *known)
    batch = 1 if single else x.shape[0]
    x = x.astype(dtype, copy=False).reshape(batch, -1, features)
    kinds = sorted({name.split("_")[0] for name in arrays})
    packed = {
        kind: np.concatenate([arrays[f"{kind}_{g}"] for g in gates]).astype(dtype, copy=False)
        for kind in kinds
    }
    starts = {name: _loop.start_state(value, batch, units, dtype) for name, value in given.items()}
    return _loop.project_inputs(x, packed["W"], packed["b"]), packed, starts, single


def _lstm_run(inputs: Any, params: Any, h0: Any, c0: Any) -> dict[str, np.ndarray]:
    """The LSTM loop shared by :func:`lstm_forward` and :func:`lstm_gates`."""
    arrays, units, features = _check_gate_params(params, LSTMParams, "lstm_params", _LSTM_GATES)
    input_term, packed, starts, single = _gate_inputs(
        inputs, arrays, _LSTM_GATES, units, features, {"h0": h0, "c0": c0}
    )
    U_T = np.ascontiguousarray(packed["U"].T)  # the four gates side by side

    def step(term: np.ndarray, state: tuple) -> tuple[tuple, dict]:
        h, c = state
        z = term + h @ U_T  # one product gives all four pre-activations
        i = _sigmoid(z[:, :units])
        f = _sigmoid(z[:, units:2 * units])
        g = np.tanh(z[:, 2 * units:3 * units])
        o = _sigmoid(z[:, 3 * units:])
        c = f * c + i * g  # the carry: kept where f is near 1, written where i is
        h = o * np.tanh(c)
        return (h, c), {"i": i, "f": f, "g": g, "o": o, "c": c, "h": h}

    return _loop.run_over_time(step, input_term, (starts["h0"], starts["c0"]), single)


def lstm_gates(
    inputs: Any, params: Any, h0: Any | None = None, c0: Any | None = None
) -> LSTMGates:
    """Run an LSTM and return every gate, the carries and the hidden states.

    The same computation as :func:`lstm_forward` (see there for the
    equations and the arguments), keeping the activations of the input,
    forget and output gates and of the candidate at every step, to look at
    what the gates do.

    Returns:
        An :class:`LSTMGates` ``(i, f, g, o, c, h)``, each array
        ``(timesteps, units)`` for one sequence or ``(batch, timesteps,
        units)`` for a batch.

    Raises:
        TypeError, ValueError: As :func:`lstm_forward`.
    """
    stacked = _lstm_run(inputs, params, h0, c0)
    return LSTMGates(**stacked)


def lstm_forward(
    inputs: Any,
    params: Any,
    h0: Any | None = None,
    c0: Any | None = None,
    return_carry: bool = False,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Run a long short-term memory (LSTM) network over whole sequences.

    The equations of ``keras.layers.LSTM`` (tanh and sigmoid, no peephole),
    for every time step ``t``, with ``sigma`` the logistic sigmoid::

        i_t = sigma(W_i x_t + U_i h_{t-1} + b_i)     input gate
        f_t = sigma(W_f x_t + U_f h_{t-1} + b_f)     forget gate
        g_t = tanh(W_c x_t + U_c h_{t-1} + b_c)      candidate carry
        o_t = sigma(W_o x_t + U_o h_{t-1} + b_o)     output gate
        c_t = f_t * c_{t-1} + i_t * g_t              carry
        h_t = o_t * tanh(c_t)                        hidden state (output)

    It returns every hidden state, like
    ``keras.layers.LSTM(units, return_sequences=True)``; a batch is
    processed at once, with one loop over time.

    Args:
        inputs: One sequence ``(timesteps, features)`` or a batch
            ``(batch, timesteps, features)``.
        params: An :class:`LSTMParams` (for example from
            :func:`lstm_params`) or a dict with the same keys.
        h0: Initial hidden state, ``(units,)`` (shared by every sequence) or
            ``(batch, units)``. Defaults to zeros.
        c0: Initial carry, likewise. Defaults to zeros.
        return_carry: Also return the carries ``c_t``.

    Returns:
        The hidden states, ``(timesteps, units)`` or ``(batch, timesteps,
        units)``; with ``return_carry=True`` the pair ``(states, carries)``,
        both of that shape. The dtype is the common floating type of the
        arguments (``float32`` if they all are).

    Raises:
        TypeError: ``params`` is not LSTM parameters, or an argument does not
            hold real numbers.
        ValueError: Wrong number of dimensions, shapes that do not fit
            together (the message names the array), an empty sequence or
            batch, or NaN/infinite values.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> p = LSTMParams(*(rng.standard_normal((4, 3)) for _ in range(4)),
        ...                *(rng.standard_normal((4, 4)) for _ in range(4)),
        ...                *(np.zeros(4) for _ in range(4)))
        >>> lstm_forward(rng.standard_normal((8, 5, 3)), p).shape
        (8, 5, 4)
    """
    flag("return_carry", return_carry)
    stacked = _lstm_run(inputs, params, h0, c0)
    if return_carry:
        return stacked["h"], stacked["c"]
    return stacked["h"]


def _reset_after(params: Any) -> bool:
    """The ``reset_after`` of GRU parameters (a dict may leave it out: True)."""
    if isinstance(params, Mapping):
        value = params.get("reset_after", True)
    else:
        value = getattr(params, "reset_after", True)
    return flag("reset_after", value)


def _gru_run(inputs: Any, params: Any, h0: Any) -> dict[str, np.ndarray]:
    """The GRU loop shared by :func:`gru_forward` and :func:`gru_gates`."""
    arrays, units, features = _check_gate_params(params, GRUParams, "gru_params", _GRU_GATES)
    reset_after = _reset_after(params)
    input_term, packed, starts, single = _gate_inputs(
        inputs, arrays, _GRU_GATES, units, features, {"h0": h0}
    )
    U_T = np.ascontiguousarray(packed["U"].T)  # (units, 3 * units)
    U_h_T, rb = U_T[:, 2 * units:], packed["rb"]

    def step(term: np.ndarray, h: np.ndarray) -> tuple[np.ndarray, dict]:
        recurrent = h @ U_T + rb
        z = _sigmoid(term[:, :units] + recurrent[:, :units])
        r = _sigmoid(term[:, units:2 * units] + recurrent[:, units:2 * units])
        if reset_after:  # r scales U_h h_{t-1} + rb_h (Keras 3 default)
            g = np.tanh(term[:, 2 * units:] + r * recurrent[:, 2 * units:])
        else:  # r scales h_{t-1} before U_h (the original GRU)
            g = np.tanh(term[:, 2 * units:] + (r * h) @ U_h_T + rb[2 * units:])
        h = z * h + (1.0 - z) * g  # Keras's convention: z keeps the old state
        return h, {"z": z, "r": r, "g": g, "h": h}

    return _loop.run_over_time(step, input_term, starts["h0"], single)


def gru_gates(inputs: Any, params: Any, h0: Any | None = None) -> GRUGates:
    """Run a GRU and return every gate, the candidates and the hidden states.

    The same computation as :func:`gru_forward` (see there for the equations
    and the arguments), keeping the update and reset gates and the candidate
    state at every step.

    Returns:
        A :class:`GRUGates` ``(z, r, g, h)``, each array ``(timesteps,
        units)`` or ``(batch, timesteps, units)``.

    Raises:
        TypeError, ValueError: As :func:`gru_forward`.
    """
    return GRUGates(**_gru_run(inputs, params, h0))


def gru_forward(inputs: Any, params: Any, h0: Any | None = None) -> np.ndarray:
    """Run a gated recurrent unit (GRU) network over whole sequences.

    The equations of ``keras.layers.GRU`` (tanh and sigmoid), for every time
    step ``t``, with ``sigma`` the logistic sigmoid::

        z_t = sigma(W_z x_t + b_z + U_z h_{t-1} + rb_z)          update gate
        r_t = sigma(W_r x_t + b_r + U_r h_{t-1} + rb_r)          reset gate
        g_t = tanh(W_h x_t + b_h + r_t * (U_h h_{t-1} + rb_h))   candidate
        h_t = z_t * h_{t-1} + (1 - z_t) * g_t                    hidden state

    The candidate is that of ``reset_after=True``, the Keras 3 default; with
    ``params.reset_after`` false it is
    ``tanh(W_h x_t + b_h + U_h (r_t * h_{t-1}) + rb_h)``. Note Keras's
    convention for ``z``: ``z_t`` near 1 *keeps* the old state (some texts
    swap ``z`` and ``1 - z``).

    Args:
        inputs: One sequence ``(timesteps, features)`` or a batch
            ``(batch, timesteps, features)``.
        params: A :class:`GRUParams` (for example from :func:`gru_params`)
            or a dict with the same keys (``reset_after`` optional, default
            ``True``).
        h0: Initial state, ``(units,)`` (shared by every sequence) or
            ``(batch, units)``. Defaults to zeros.

    Returns:
        The hidden states, ``(timesteps, units)`` for one sequence or
        ``(batch, timesteps, units)`` for a batch, like
        ``keras.layers.GRU(units, return_sequences=True)``.

    Raises:
        TypeError, ValueError: As :func:`lstm_forward`, for GRU parameters.
    """
    return _gru_run(inputs, params, h0)["h"]



def lstm_param_count(features: int, units: int) -> int:
    """Number of parameters of one LSTM layer: ``4 * units * (features + units + 1)``.

    Four gates, each with ``W_*`` ``(units, features)``, ``U_*``
    ``(units, units)`` and ``b_*`` ``(units,)``: the same as
    ``keras.layers.LSTM(units).count_params()`` on ``features`` inputs.
    """
    features = positive_int("features", features)
    units = positive_int("units", units)
    return 4 * units * (features + units + 1)


def gru_param_count(features: int, units: int, reset_after: bool = True) -> int:
    """Number of parameters of one GRU layer.

    Three gates, each with ``W_*`` ``(units, features)``, ``U_*``
    ``(units, units)`` and one bias ``(units,)``, plus, with
    ``reset_after=True`` (the Keras 3 default), a second, recurrent bias per
    gate: ``3 * units * (features + units + 2)``, or
    ``3 * units * (features + units + 1)`` with ``reset_after=False``; the
    same as ``keras.layers.GRU(units).count_params()``.
    """
    features = positive_int("features", features)
    units = positive_int("units", units)
    reset_after = flag("reset_after", reset_after)
    return 3 * units * (features + units + (2 if reset_after else 1))
