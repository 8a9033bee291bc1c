"""Helpers for Chapter 9: convolutions on images, drawn and counted.

- :func:`conv_output_size`, :func:`pool_output_size` and
  :func:`conv2d_param_count` are the formulas for the output size and the
  parameter count of a convolution or pooling layer, to check against Keras.
- :func:`fixed_filter_layer` makes a ``keras.layers.Conv2D`` whose kernel is
  one that we choose (an edge detector, say), so that its effect on a real
  image can be drawn with :func:`plot_filter_effect`.
- :func:`plot_image_grid` shows images with their class names, and
  :func:`confusion_matrix` / :func:`plot_confusion_matrix` show which
  classes a classifier mixes up.

Every figure helper returns a :class:`matplotlib.figure.Figure` and never
calls ``plt.show()``. Matrices and feature maps use perceptually uniform
colormaps (``viridis``, ``cividis``), which read in greyscale and for the
common forms of colour blindness.

Example::

    from rnn_course.vision import conv2d_param_count, conv_output_size

    conv_output_size(32, kernel=3)          # 30: "valid" padding, stride 1
    conv_output_size(32, 3, padding="same") # 32
    conv2d_param_count(3, 3, 32)            # (3*3*3 + 1) * 32 = 896
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from rnn_course import _validate

__all__ = [
    "EDGE_KERNELS",
    "confusion_matrix",
    "conv2d_param_count",
    "conv_output_size",
    "fixed_filter_layer",
    "plot_confusion_matrix",
    "plot_filter_effect",
    "plot_image_grid",
    "pool_output_size",
]

#: Three 3x3 kernels: Sobel edge detectors and a box blur.
EDGE_KERNELS: dict[str, np.ndarray] = {
    "vertical edges": np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]], dtype="float32"),
    "horizontal edges": np.array([[1, 2, 1], [0, 0, 0], [-1, -2, -1]], dtype="float32"),
    "blur": np.full((3, 3), 1 / 9, dtype="float32"),
}



def _kernel_pair(name: str, value: Any) -> tuple[int, int]:
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name} must be an integer or a pair of integers, got {value!r}.")
        return _validate.positive_int(name, value[0]), _validate.positive_int(name, value[1])
    k = _validate.positive_int(name, value)
    return k, k


def _colormap(cmap: Any) -> str:
    """``cmap`` if Matplotlib knows it; its own message spans several lines."""
    if not isinstance(cmap, str):
        raise TypeError(f"cmap must be the name of a colormap, got {type(cmap).__name__}.")
    if cmap not in plt.colormaps():
        raise ValueError(
            f"cmap {cmap!r} is not a Matplotlib colormap; try 'viridis' or "
            "'cividis'.")
    return cmap


def _class_indices(name: str, values: Any, count: int | None = None) -> np.ndarray:
    """``values`` as a flat int64 array of class indices (below ``count`` when given)."""
    array = np.asarray(values)
    if array.size == 0:
        raise ValueError(f"{name} is empty: pass at least one class index.")
    if array.dtype == bool or not np.issubdtype(array.dtype, np.integer):
        raise TypeError(f"{name} must hold integer class indices, got dtype {array.dtype}.")
    # uint8 labels (as Keras's CIFAR-10 loader gives) must not wrap around.
    array = array.reshape(-1).astype(np.int64)
    if array.min() < 0:
        raise ValueError(f"{name} holds negative class indices; class indices must be >= 0.")
    if count is not None and array.max() >= count:
        raise ValueError(f"{name} holds class index {array.max()}, but class_names has only "
                         f"{count} names.")
    return array


def conv_output_size(n: int, kernel: int, stride: int = 1, padding: int | str = 0) -> int:
    """Length of one spatial axis after a convolution (or a pooling window).

    With ``p`` zeros added on each side,

    ``out = floor((n + 2p - kernel) / stride) + 1``.

    Args:
        n: Input length along the axis (height or width).
        kernel: Kernel length along the axis.
        stride: Step between two windows.
        padding: Zeros added on *each* side (an integer), or Keras's
            ``"valid"`` (no padding, the same as 0) or ``"same"`` (as much as
            needed for ``ceil(n / stride)`` outputs).

    Returns:
        The output length, a positive integer.

    Raises:
        ValueError: a negative or non-integer size, an unknown padding, or a
            kernel longer than the padded input.
    """
    n = _validate.positive_int("n", n)
    kernel = _validate.positive_int("kernel", kernel)
    stride = _validate.positive_int("stride", stride)
    if isinstance(padding, str):
        mode = padding.strip().lower()
        if mode == "same":
            return math.ceil(n / stride)
        if mode != "valid":
            raise ValueError(f"padding must be 'valid', 'same' or an integer, got {padding!r}.")
        padding = 0
    if isinstance(padding, (bool, np.bool_)) or not isinstance(padding, numbers.Integral) \
            or padding < 0:
        raise ValueError(f"padding must be 'valid', 'same' or an integer >= 0, got {padding!r}.")
    if n + 2 * int(padding) < kernel:
        raise ValueError(
            f"a kernel of {kernel} does not fit in {n} values padded with {padding} on each side."
        )
    return (n + 2 * int(padding) - kernel) // stride + 1


def pool_output_size(n: int, pool: int = 2, stride: int | None = None) -> int:
    """Length of one axis after Keras's ``MaxPooling2D(pool)`` (no padding).

    A pooling window is a kernel without weights; ``stride`` defaults to the
    window, as in Keras, so ``out = floor((n - pool) / pool) + 1``, which is
    ``floor(n / pool)``.
    """
    pool = _validate.positive_int("pool", pool)
    return conv_output_size(n, pool, pool if stride is None else stride, 0)


def conv2d_param_count(kernel: int | tuple[int, int], c_in: int, c_out: int,
                       use_bias: bool = True) -> int:
    """Parameters of ``keras.layers.Conv2D(c_out, kernel)`` reading ``c_in`` channels.

    Each of the ``c_out`` filters has a ``k x k x c_in`` kernel and one bias:
    ``(k * k * c_in + 1) * c_out``. The size of the image does not appear.
    """
    kh, kw = _kernel_pair("kernel", kernel)
    c_in = _validate.positive_int("c_in", c_in)
    c_out = _validate.positive_int("c_out", c_out)
    use_bias = _validate.flag("use_bias", use_bias)
    return (kh * kw * c_in + (1 if use_bias else 0)) * c_out


def fixed_filter_layer(kernels: Mapping[str, Any] | Sequence[Any] | np.ndarray,
                       in_channels: int = 3, strides: int = 1, padding: str = "valid"):
    """A ``keras.layers.Conv2D`` whose filters are the given 2-D kernels.

    Every kernel is applied to the average of the ``in_channels`` input
    channels (its weights are divided by ``in_channels`` and copied to each
    channel), with a bias of 0, and no activation: one output channel per
    kernel.

    Args:
        kernels: A 2-D array (one kernel), a list of them, or a dict of them
            (the values are used, in order). All kernels have the same shape.
        in_channels: Channels of the images the layer will read.
        strides: Stride of the convolution.
        padding: ``"valid"`` or ``"same"``.

    Returns:
        A built ``keras.layers.Conv2D`` with ``len(kernels)`` filters.
    """
    import keras

    if isinstance(kernels, Mapping):
        kernels = list(kernels.values())
    stack = _validate.real_array("kernels", kernels).astype("float32")
    if stack.ndim == 2:
        stack = stack[None]
    if stack.ndim != 3 or stack.size == 0:
        raise ValueError(f"kernels must be 2-D arrays of the same shape, got shape {stack.shape}.")
    _validate.check_finite("kernels", stack)
    in_channels = _validate.positive_int("in_channels", in_channels)
    strides = _validate.positive_int("strides", strides)
    if not isinstance(padding, str) or padding.lower() not in ("valid", "same"):
        raise ValueError(f"padding must be 'valid' or 'same', got {padding!r}.")
    count, kh, kw = stack.shape
    layer = keras.layers.Conv2D(count, (kh, kw), strides=strides, padding=padding,
                                name="fixed_filters")
    layer.build((None, None, None, in_channels))
    # Keras's kernel is (kh, kw, in_channels, filters).
    weights = np.repeat(stack.transpose(1, 2, 0)[:, :, None, :], in_channels, axis=2)
    layer.set_weights([weights / in_channels, np.zeros(count, dtype="float32")])
    return layer


def _as_image(image: Any, name: str = "image") -> np.ndarray:
    x = _validate.real_array(name, image)
    if x.ndim == 3 and x.shape[-1] == 1:
        x = x[..., 0]
    if x.ndim not in (2, 3) or (x.ndim == 3 and x.shape[-1] != 3) or x.size == 0:
        raise ValueError(f"{name} must be (height, width) or (height, width, 3), got {x.shape}.")
    _validate.check_finite(name, x)
    if x.dtype == np.uint8:
        return x
    x = x.astype(float)
    if x.ndim == 3 and x.max() > 1.0:
        x = x / 255.0
    return x


def plot_image_grid(images: Any, labels: Any, class_names: Sequence[str],
                    n_cols: int = 8, predictions: Any = None,
                    title: str | None = None) -> Figure:
    """Images in a grid, each with its class name (and a prediction, if given).

    Args:
        images: Array ``(n, height, width, 3)``, ``uint8`` or floats in [0, 1].
        labels: ``n`` class indices (shape ``(n,)`` or ``(n, 1)``).
        class_names: Name of every class index.
        n_cols: Images per row.
        predictions: Optional ``n`` predicted indices; a wrong one is shown
            as "true -> predicted" (marked also with a cross, not colour alone).
        title: Title above the grid.

    Returns:
        The figure.
    """
    images = _validate.real_array("images", images)
    if images.ndim != 4 or images.size == 0 or images.shape[-1] not in (1, 3):
        raise ValueError(f"images must be a non-empty array (n, height, width, 3), "
                         f"got shape {images.shape}.")
    _validate.check_finite("images", images)
    class_names = _validate.strings("class_names", class_names)
    labels = _class_indices("labels", labels, len(class_names))
    if len(labels) != len(images):
        raise ValueError(f"{len(images)} images but {len(labels)} labels.")
    if predictions is not None:
        predictions = _class_indices("predictions", predictions, len(class_names))
        if len(predictions) != len(images):
            raise ValueError(f"{len(images)} images but {len(predictions)} predictions.")
    title = _validate.text("title", title, none_ok=True)
    n_cols = min(_validate.positive_int("n_cols", n_cols), len(images))
    n_rows = math.ceil(len(images) / n_cols)
    fig, axes = plt.subplots(n_rows, n_cols, figsize=(1.45 * n_cols, 1.65 * n_rows),
                             layout="constrained", squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i >= len(images):
            continue
        ax.imshow(_as_image(images[i]), interpolation="nearest")
        name = str(class_names[int(labels[i])])
        if predictions is not None and int(predictions[i]) != int(labels[i]):
            name = f"\u2717 {name}\n\u2192 {class_names[int(predictions[i])]}"
        ax.set_title(name, fontsize=9)
    if title:
        fig.suptitle(title)
    return fig


def plot_filter_effect(image: Any, feature_maps: Any, titles: Sequence[str],
                       kernels: Any = None, cmap: str = "cividis",
                       n_cols: int | None = None) -> Figure:
    """An image, then what each filter makes of it (one feature map each).

    Args:
        image: The input image ``(height, width, 3)``.
        feature_maps: The layer's output for that image, ``(h, w, filters)``
            (or with a batch axis of 1).
        titles: One title per filter.
        kernels: Optional ``(filters, k, k)`` kernels, printed as small
            tables in the titles.
        cmap: A perceptually uniform colormap for the feature maps.
        n_cols: Panels per row (default: all in one row).

    Returns:
        The figure: the image, then one panel per feature map, each with its
        own colour bar.
    """
    img = _as_image(image)
    maps = _validate.real_array("feature_maps", feature_maps).astype(float)
    if maps.ndim == 4 and maps.shape[0] == 1:
        maps = maps[0]
    if maps.ndim != 3 or maps.size == 0:
        raise ValueError(f"feature_maps must be (height, width, filters), got {maps.shape}.")
    _validate.check_finite("feature_maps", maps)
    titles = _validate.strings("titles", titles)
    if len(titles) != maps.shape[-1]:
        raise ValueError(f"{maps.shape[-1]} feature maps but {len(titles)} titles.")
    if kernels is not None:
        kernels = _validate.real_array("kernels", kernels)
        if kernels.ndim != 3 or len(kernels) != len(titles):
            raise ValueError(f"kernels must be (filters, k, k) with {len(titles)} filters, "
                             f"got shape {kernels.shape}.")
        _validate.check_finite("kernels", kernels)
    cmap = _colormap(cmap)
    panels = 1 + len(titles)
    n_cols = panels if n_cols is None else min(_validate.positive_int("n_cols", n_cols), panels)
    n_rows = math.ceil(panels / n_cols)
    fig, grid = plt.subplots(n_rows, n_cols, figsize=(3.0 * n_cols, 3.3 * n_rows),
                             layout="constrained", squeeze=False)
    axes = grid.ravel()
    for ax in axes[panels:]:
        ax.axis("off")
    axes = axes[:panels]
    axes[0].imshow(img, interpolation="nearest")
    axes[0].set_title(f"input {img.shape[0]}\u00d7{img.shape[1]}")
    axes[0].axis("off")
    for j, ax in enumerate(axes[1:]):
        shown = ax.imshow(maps[..., j], cmap=cmap, interpolation="nearest")
        title = f"{titles[j]}\n{maps.shape[0]}\u00d7{maps.shape[1]}"
        if kernels is not None:
            k = kernels[j]
            rows = ["  ".join(f"{v:.2g}" for v in r) for r in k]
            title = f"{titles[j]} {maps.shape[0]}\u00d7{maps.shape[1]}\n" + "\n".join(rows)
        ax.set_title(title, fontsize=9, family="monospace" if kernels is not None else None)
        ax.axis("off")
        fig.colorbar(shown, ax=ax, shrink=0.75)
    return fig


def confusion_matrix(y_true: Any, y_pred: Any, num_classes: int | None = None) -> np.ndarray:
    """Counts ``m[i, j]`` of examples of true class ``i`` predicted as ``j``.

    Args:
        y_true, y_pred: Class indices, any shape with the same number of values.
        num_classes: Size of the matrix (default: the largest index + 1).

    Returns:
        An ``int64`` array ``(num_classes, num_classes)``; rows sum to the
        number of examples of each class.
    """
    t = _class_indices("y_true", y_true)
    p = _class_indices("y_pred", y_pred)
    if t.size != p.size:
        raise ValueError(f"y_true has {t.size} true labels but y_pred has {p.size} predictions.")
    largest = int(max(t.max(initial=-1), p.max(initial=-1))) + 1
    if num_classes is None:
        num_classes = max(largest, 1)
    num_classes = _validate.positive_int("num_classes", num_classes)
    if largest > num_classes:
        raise ValueError(f"class index {largest - 1} is not below num_classes={num_classes}.")
    m = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(m, (t.astype(np.int64), p.astype(np.int64)), 1)
    return m


def plot_confusion_matrix(y_true: Any, y_pred: Any, class_names: Sequence[str],
                          normalize: bool = True, title: str | None = None,
                          cmap: str = "viridis") -> Figure:
    """The confusion matrix as a heat map, with every cell's value written in it.

    Args:
        y_true, y_pred: Class indices.
        class_names: Names of the classes, in index order.
        normalize: Show each row as fractions of the true class (rows sum to
            1), so the diagonal is each class's recall; else raw counts.
        title: Title of the axes.
        cmap: A perceptually uniform colormap.

    Returns:
        The figure.
    """
    names = _validate.strings("class_names", class_names)
    normalize = _validate.flag("normalize", normalize)
    title = _validate.text("title", title, none_ok=True)
    cmap = _colormap(cmap)
    _class_indices("y_true", y_true, len(names))
    _class_indices("y_pred", y_pred, len(names))
    m = confusion_matrix(y_true, y_pred, len(names)).astype(float)
    if normalize:
        totals = m.sum(axis=1, keepdims=True)
        m = np.divide(m, totals, out=np.zeros_like(m), where=totals > 0)
    size = 0.55 * len(names) + 2.5
    fig, ax = plt.subplots(figsize=(size + 1.0, size), layout="constrained")
    vmax = 1.0 if normalize else max(m.max(), 1.0)
    shown = ax.imshow(m, cmap=cmap, vmin=0.0, vmax=vmax)
    colormap = plt.get_cmap(cmap)
    for i in range(len(names)):
        for j in range(len(names)):
            value = m[i, j]
            text = f"{value:.2f}".lstrip("0") if normalize else f"{int(value)}"
            if normalize and value >= 0.995:
                text = "1"
            r, g, b, _ = colormap(value / vmax)
            light = 0.299 * r + 0.587 * g + 0.114 * b > 0.5
            ax.text(j, i, text, ha="center", va="center", fontsize=7,
                    color="black" if light else "white")
    ax.set_xticks(range(len(names)), names, rotation=45, ha="right")
    ax.set_yticks(range(len(names)), names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    if title:
        ax.set_title(title)
    fig.colorbar(shown, ax=ax, shrink=0.8,
                 label="share of the true class" if normalize else "examples")
    return fig
