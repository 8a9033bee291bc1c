"""Between Keras's recurrent layers and the course's NumPy networks.

Keras packs a layer's weights as ``x_t @ kernel + h_{t-1} @ recurrent_kernel
+ bias``, with ``kernel`` of shape ``(features, k * units)``: the ``k`` gates
side by side. The course writes ``W @ x_t + U @ h_{t-1} + b`` with one
``W`` of shape ``(units, features)`` per gate. The functions here read a
built layer's weights into the course's convention and write them back, so
that a chapter can check a Keras layer against its NumPy twin.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rnn_course._validate import check_finite, real_array
from rnn_course.numpy_nets.gated import (
    _GRU_GATES,
    _LSTM_GATES,
    GRUParams,
    LSTMParams,
    _check_gate_params,
    _reset_after,
)


def _require_built(layer: Any, kind: str) -> Any:
    """Check that ``layer`` is a built Keras layer of class ``kind``; return its cell."""
    import keras

    cls = getattr(keras.layers, kind)
    if not isinstance(layer, cls):
        raise TypeError(f"Expected a keras.layers.{kind} layer, got {type(layer).__name__}.")
    if not layer.built:
        raise ValueError(
            f"{kind} layer {layer.name!r} is not built yet: call it on data "
            "(or on keras.Input) first so that it has weights."
        )
    cell = layer.cell
    if kind == "SimpleRNN":
        # Any activation: simple_rnn_params leaves it to the caller.
        return cell
    for attribute, expected in (("activation", "tanh"), ("recurrent_activation", "sigmoid")):
        name = getattr(getattr(cell, attribute), "__name__", repr(getattr(cell, attribute)))
        if name != expected:
            raise ValueError(
                f"{kind} layer {layer.name!r} has {attribute}={name!r}; the course's "
                f"NumPy version computes {attribute}={expected!r} (the Keras default)."
            )
    return cell


def _require_bias(layer: Any, kind: str) -> Any:
    """:func:`_require_built`, and the layer must have a bias to write."""
    cell = _require_built(layer, kind)
    if cell.bias is None:
        raise ValueError(f"{kind} layer {layer.name!r} has no bias (use_bias=False).")
    return cell


def _check_layer_size(layer: Any, units: int, features: int) -> None:
    """Raise a one-line ValueError unless ``layer`` has these sizes."""
    layer_features = tuple(layer.cell.kernel.shape)[0]
    layer_units = tuple(layer.cell.recurrent_kernel.shape)[0]
    if (units, features) != (layer_units, layer_features):
        raise ValueError(
            f"params have {units} units and {features} features but layer {layer.name!r} "
            f"has {layer_units} units and {layer_features} features."
        )


def _variable(value: Any) -> np.ndarray:
    # Variable.numpy() rather than np.asarray(variable): the latter goes
    # through an __array__ that NumPy 2 flags as deprecated.
    return np.asarray(value.numpy())


def _read_kernels(layer: Any, kind: str) -> tuple[Any, np.ndarray, np.ndarray, int]:
    """A built layer's cell, its two kernels as arrays, and its units."""
    cell = _require_built(layer, kind)
    kernel, recurrent = _variable(cell.kernel), _variable(cell.recurrent_kernel)
    return cell, kernel, recurrent, recurrent.shape[0]


def _per_gate(gates: tuple[str, ...], units: int, **packed: np.ndarray) -> dict:
    """Cut arrays that hold the gates side by side into one array per gate.

    Each of ``packed`` has the gates along its first axis, ``units`` rows
    each (weights already in the course's orientation, ``(k * units, ...)``);
    ``W=...`` gives ``W_i``, ``W_f``, ... for the gates ``i``, ``f``, ...
    """
    return {
        f"{name}_{g}": array[k * units:(k + 1) * units].copy()
        for name, array in packed.items()
        for k, g in enumerate(gates)
    }


def simple_rnn_params(layer: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Read the weights of a built ``keras.layers.SimpleRNN`` in the course convention.

    Keras computes ``x_t @ kernel + h_{t-1} @ recurrent_kernel + bias`` with
    ``kernel`` of shape ``(features, units)``; the course writes
    ``W @ x_t + U @ h_{t-1} + b``, so ``W = kernel.T`` and
    ``U = recurrent_kernel.T``.

    Args:
        layer: A built ``keras.layers.SimpleRNN``.

    Returns:
        ``(W, U, b)`` as NumPy arrays of shapes ``(units, features)``,
        ``(units, units)`` and ``(units,)``. A layer built with
        ``use_bias=False`` gives ``b`` = zeros. The layer's activation is not
        returned: pass it to :func:`rnn_forward` yourself if it is not tanh.

    Raises:
        TypeError: ``layer`` is not a ``keras.layers.SimpleRNN``.
        ValueError: The layer is not built yet.
    """
    cell = _require_built(layer, "SimpleRNN")
    kernel, recurrent = _variable(cell.kernel), _variable(cell.recurrent_kernel)
    if cell.bias is None:
        bias = np.zeros(kernel.shape[1], dtype=kernel.dtype)
    else:
        bias = _variable(cell.bias)
    # .copy() so that the returned arrays own contiguous memory, not views
    # of Keras's transposed buffers.
    return kernel.T.copy(), recurrent.T.copy(), bias.copy()


def set_simple_rnn_params(layer: Any, W: Any, U: Any, b: Any) -> None:
    """Write course-convention weights into a built ``keras.layers.SimpleRNN``.

    The inverse of :func:`simple_rnn_params`.

    Args:
        layer: A built ``keras.layers.SimpleRNN`` (with ``use_bias=True``).
        W: ``(units, features)``.
        U: ``(units, units)``.
        b: ``(units,)``.

    Raises:
        TypeError: ``layer`` is not a ``keras.layers.SimpleRNN``, or a weight
            does not hold real numbers.
        ValueError: The layer is not built, has no bias, or a shape does not
            match the layer's.
    """
    cell = _require_bias(layer, "SimpleRNN")
    features, units = tuple(cell.kernel.shape)
    expected = {"W": (units, features), "U": (units, units), "b": (units,)}
    arrays = {}
    for name, value in (("W", W), ("U", U), ("b", b)):
        array = real_array(name, value)
        if array.shape != expected[name]:
            raise ValueError(
                f"{name} has shape {array.shape} but layer {layer.name!r} with "
                f"{features} features and {units} units needs {expected[name]}."
            )
        check_finite(name, array)
        arrays[name] = array
    layer.set_weights([arrays["W"].T, arrays["U"].T, arrays["b"]])


def lstm_params(layer: Any) -> LSTMParams:
    """Read the weights of a built ``keras.layers.LSTM`` into one matrix per gate.

    Keras computes ``x_t @ kernel + h_{t-1} @ recurrent_kernel + bias`` with
    ``kernel`` of shape ``(features, 4 * units)``: the four gates side by
    side in the order i, f, c, o. The course writes ``W_i @ x_t`` with
    ``W_i`` of shape ``(units, features)``, so ``W_i`` is the transpose of
    the first ``units`` columns of the kernel, and so on.

    Args:
        layer: A built ``keras.layers.LSTM`` with the default activations
            (tanh, and sigmoid for the gates).

    Returns:
        An :class:`LSTMParams` of NumPy arrays. A layer built with
        ``use_bias=False`` gives zero biases. Keras initialises ``b_f`` to
        ones (``unit_forget_bias=True``).

    Raises:
        TypeError: ``layer`` is not a ``keras.layers.LSTM``.
        ValueError: The layer is not built yet, or uses other activations.
    """
    cell, kernel, recurrent, units = _read_kernels(layer, "LSTM")
    bias = np.zeros(4 * units, kernel.dtype) if cell.bias is None else _variable(cell.bias)
    return LSTMParams(**_per_gate(_LSTM_GATES, units, W=kernel.T, U=recurrent.T, b=bias))


def gru_params(layer: Any) -> GRUParams:
    """Read the weights of a built ``keras.layers.GRU`` into one matrix per gate.

    Keras packs the gates side by side in the order z, r, h: ``kernel`` is
    ``(features, 3 * units)`` and ``recurrent_kernel`` ``(units, 3 * units)``.
    With ``reset_after=True`` (the Keras 3 default) ``bias`` is
    ``(2, 3 * units)``: row 0 the input biases ``b_*``, row 1 the recurrent
    biases ``rb_*``. With ``reset_after=False`` it is ``(3 * units,)``, the
    input biases only, and ``rb_*`` are zeros.

    Args:
        layer: A built ``keras.layers.GRU`` with the default activations.

    Returns:
        A :class:`GRUParams` of NumPy arrays, with the layer's
        ``reset_after``. ``use_bias=False`` gives zero biases.

    Raises:
        TypeError, ValueError: As :func:`lstm_params`, for a GRU layer.
    """
    cell, kernel, recurrent, units = _read_kernels(layer, "GRU")
    if cell.bias is None:
        bias = np.zeros((2, 3 * units), kernel.dtype)
    else:
        bias = _variable(cell.bias)
        if bias.ndim == 1:  # reset_after=False: no recurrent bias
            bias = np.stack([bias, np.zeros_like(bias)])
    parts = _per_gate(_GRU_GATES, units, W=kernel.T, U=recurrent.T, b=bias[0], rb=bias[1])
    return GRUParams(**parts, reset_after=bool(cell.reset_after))


def set_lstm_params(layer: Any, params: Any) -> None:
    """Write one-matrix-per-gate weights into a built ``keras.layers.LSTM``.

    The inverse of :func:`lstm_params`.

    Args:
        layer: A built ``keras.layers.LSTM`` with ``use_bias=True``.
        params: An :class:`LSTMParams` (or a dict with its keys) whose
            shapes match the layer's.

    Raises:
        TypeError: ``layer`` is not an LSTM, or ``params`` are not LSTM
            parameters.
        ValueError: The layer is not built or has no bias, or a shape does
            not match the layer's.
    """
    _require_bias(layer, "LSTM")
    arrays, units, features = _check_gate_params(params, LSTMParams, "lstm_params", _LSTM_GATES)
    _check_layer_size(layer, units, features)
    layer.set_weights([
        np.concatenate([arrays[f"W_{g}"].T for g in _LSTM_GATES], axis=1),
        np.concatenate([arrays[f"U_{g}"].T for g in _LSTM_GATES], axis=1),
        np.concatenate([arrays[f"b_{g}"] for g in _LSTM_GATES]),
    ])


def set_gru_params(layer: Any, params: Any) -> None:
    """Write one-matrix-per-gate weights into a built ``keras.layers.GRU``.

    The inverse of :func:`gru_params`. For a layer with
    ``reset_after=False``, which has one bias per gate, the recurrent biases
    are added to the input biases: in that variant ``rb_*`` is always added
    outside the reset gate, so the sum computes the same thing.

    Args:
        layer: A built ``keras.layers.GRU`` with ``use_bias=True``.
        params: A :class:`GRUParams` (or a dict with its keys) whose shapes
            and ``reset_after`` match the layer's.

    Raises:
        TypeError: ``layer`` is not a GRU, or ``params`` are not GRU
            parameters.
        ValueError: The layer is not built or has no bias, a shape does not
            match the layer's, or ``reset_after`` differs.
    """
    cell = _require_bias(layer, "GRU")
    arrays, units, features = _check_gate_params(params, GRUParams, "gru_params", _GRU_GATES)
    reset_after = _reset_after(params)
    if bool(reset_after) != bool(cell.reset_after):
        raise ValueError(
            f"params have reset_after={bool(reset_after)} but layer {layer.name!r} "
            f"has reset_after={bool(cell.reset_after)}: the two compute different candidates."
        )
    _check_layer_size(layer, units, features)
    b = np.concatenate([arrays[f"b_{g}"] for g in _GRU_GATES])
    rb = np.concatenate([arrays[f"rb_{g}"] for g in _GRU_GATES])
    bias = np.stack([b, rb]) if cell.reset_after else b + rb
    layer.set_weights([
        np.concatenate([arrays[f"W_{g}"].T for g in _GRU_GATES], axis=1),
        np.concatenate([arrays[f"U_{g}"].T for g in _GRU_GATES], axis=1),
        bias,
    ])


