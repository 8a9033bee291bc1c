"""The checker of a convolution layer's output shape and parameters (Chapter 9)."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from rnn_course import _validate
from rnn_course.checks._core import _checker, _report, _short

__all__ = ["check_conv_layer"]


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
        return _report(False, "Give the parameter count as a whole number, "
                              f"got {_short(got_params)}.", verbose)
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
