"""rnn_course.vision: conv formulas against Keras, figures, confusion matrix; check_conv_layer."""

from __future__ import annotations

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest

from rnn_course.checks import check_conv_layer
from rnn_course.vision import (
    EDGE_KERNELS,
    confusion_matrix,
    conv2d_param_count,
    conv_output_size,
    fixed_filter_layer,
    plot_confusion_matrix,
    plot_filter_effect,
    plot_image_grid,
    pool_output_size,
)


@pytest.mark.parametrize("n, k, s, padding", [
    (32, 3, 1, "valid"), (32, 3, 1, "same"), (32, 5, 2, "valid"), (32, 5, 2, "same"),
    (31, 3, 2, "same"), (15, 3, 1, "valid"), (7, 7, 1, "valid"), (9, 2, 3, "valid"),
])
def test_output_size_and_params_match_keras(n, k, s, padding):
    layer = keras.layers.Conv2D(6, k, strides=s, padding=padding)
    out = layer.compute_output_shape((None, n, n, 3))
    expected = conv_output_size(n, k, s, padding)
    assert out == (None, expected, expected, 6)
    layer.build((None, n, n, 3))
    assert layer.count_params() == conv2d_param_count(k, 3, 6)


def test_integer_padding_follows_the_formula():
    assert conv_output_size(32, 3, 1, 1) == 32
    assert conv_output_size(32, 3, 2, 0) == 15
    assert conv_output_size(5, 3, 2, 1) == 3  # floor((5 + 2 - 3) / 2) + 1


@pytest.mark.parametrize("n, pool", [(30, 2), (13, 2), (10, 3), (4, 4)])
def test_pool_output_size_matches_keras(n, pool):
    shape = keras.layers.MaxPooling2D(pool).compute_output_shape((None, n, n, 2))
    assert shape[1] == pool_output_size(n, pool) == n // pool


def test_param_count_formula_and_no_bias():
    assert conv2d_param_count(3, 3, 32) == 896
    assert conv2d_param_count((3, 5), 2, 4) == (15 * 2 + 1) * 4
    assert conv2d_param_count(3, 3, 32, use_bias=False) == 864


@pytest.mark.parametrize("call, match", [
    (lambda: conv_output_size(0, 3), "n must be a positive integer"),
    (lambda: conv_output_size(32, 3, padding="full"), "padding must be"),
    (lambda: conv_output_size(32, 3, padding=-1), "padding must be"),
    (lambda: conv_output_size(2, 3), "does not fit"),
    (lambda: conv2d_param_count(3, 0, 4), "c_in must be"),
    (lambda: conv2d_param_count((3, 3, 3), 1, 4), "pair"),
])
def test_bad_arguments(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_fixed_filter_layer_computes_the_kernel_on_the_channel_mean():
    rng = np.random.default_rng(0)
    image = rng.random((1, 6, 7, 3)).astype("float32")
    kernel = EDGE_KERNELS["vertical edges"]
    layer = fixed_filter_layer({"v": kernel, "blur": EDGE_KERNELS["blur"]})
    out = keras.ops.convert_to_numpy(layer(image))
    assert out.shape == (1, 4, 5, 2)
    gray = image[0].mean(axis=-1)
    by_hand = sum(kernel[u, v] * gray[1 + u:5 + u, 2 + v:7 + v][:1, :1]
                  for u in range(3) for v in range(3))
    assert out[0, 1, 2, 0] == pytest.approx(float(by_hand[0, 0]), abs=1e-5)
    assert out[0, 0, 0, 1] == pytest.approx(float(gray[:3, :3].mean()), abs=1e-5)
    # A flat image has no edges.
    flat = np.full((1, 5, 5, 3), 0.4, dtype="float32")
    assert np.allclose(keras.ops.convert_to_numpy(layer(flat))[..., 0], 0, atol=1e-6)


def test_fixed_filter_layer_stride_and_padding():
    layer = fixed_filter_layer(EDGE_KERNELS["blur"], in_channels=1, strides=2, padding="same")
    out = layer(np.ones((1, 9, 9, 1), dtype="float32"))
    assert tuple(out.shape) == (1, 5, 5, 1)
    with pytest.raises(ValueError, match="same shape"):
        fixed_filter_layer(np.ones(3))


def test_confusion_matrix_counts():
    m = confusion_matrix([0, 1, 1, 2, 2, 2], np.array([[0], [1], [2], [2], [0], [2]]))
    assert m.tolist() == [[1, 0, 0], [0, 1, 1], [1, 0, 2]]
    assert confusion_matrix([1], [1], num_classes=4).shape == (4, 4)
    uint8 = confusion_matrix(np.array([[0], [9]], dtype=np.uint8), np.array([9, 9]))
    assert uint8.shape == (10, 10) and uint8[0, 9] == 1 and uint8[9, 9] == 1
    with pytest.raises(ValueError, match="not below"):
        confusion_matrix([5], [0], num_classes=3)
    with pytest.raises(ValueError, match="true labels"):
        confusion_matrix([1, 2], [1])


def test_figures_are_returned_not_shown():
    rng = np.random.default_rng(1)
    images = rng.integers(0, 256, (5, 8, 8, 3), dtype=np.uint8)
    names = [f"class {i}" for i in range(3)]
    fig = plot_image_grid(images, [0, 1, 2, 0, 1], names, n_cols=3, predictions=[0, 2, 2, 0, 1])
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert len(titles) == 5 and any("class 2" in t and "class 1" in t for t in titles)
    plt.close(fig)

    maps = rng.random((6, 6, 2))
    fig = plot_filter_effect(images[0], maps, ["a", "b"])
    assert len(fig.axes) == 5  # image, two maps, two colour bars
    plt.close(fig)
    with pytest.raises(ValueError, match="titles"):
        plot_filter_effect(images[0], maps, ["a"])
    fig = plot_filter_effect(images[0], rng.random((6, 6, 5)), list("abcde"), n_cols=3)
    assert len([ax for ax in fig.axes if ax.images]) == 6
    assert len(fig.axes) == 6 + 5  # two rows of three panels, five colour bars
    plt.close(fig)

    fig = plot_confusion_matrix([0, 1, 2, 2], [0, 2, 2, 2], names)
    ax = fig.axes[0]
    shown = ax.images[0].get_array()
    assert np.allclose(np.asarray(shown).sum(axis=1), 1.0)
    assert ax.images[0].get_cmap().name == "viridis"
    assert len(ax.texts) == 9
    plt.close(fig)
    with pytest.raises(ValueError, match="labels"):
        plot_image_grid(images, [0, 1], names)


def test_check_conv_layer(capsys):
    assert check_conv_layer(((30, 30, 32), 896), (32, 32, 3), 32, 3)
    assert "Correct" in capsys.readouterr().out
    assert check_conv_layer(((None, 16, 16, 16), 1216), (32, 32, 3), 16, 5, 2, "same")
    capsys.readouterr()
    assert not check_conv_layer(((28, 28, 16), 1216), (32, 32, 3), 16, 5, strides=2)
    assert "stride" in capsys.readouterr().out
    assert not check_conv_layer(((14, 14, 16), 1200), (32, 32, 3), 16, 5, strides=2)
    assert "bias" in capsys.readouterr().out
    assert not check_conv_layer(((14, 14, 16), 416), (32, 32, 3), 16, 5, strides=2)
    assert "channels" in capsys.readouterr().out
    assert not check_conv_layer(((30, 30, 3), 896), (32, 32, 3), 32, 3)
    assert "one output channel per filter" in capsys.readouterr().out
    assert not check_conv_layer(((30, 30, 32), 896 * 900), (32, 32, 3), 32, 3)
    assert "shared" in capsys.readouterr().out
    assert not check_conv_layer("896", (32, 32, 3), 32, 3)
    assert not check_conv_layer(((30.5, 30, 32), 896), (32, 32, 3), 32, 3)
    assert not check_conv_layer(((30, 30, 32), True), (32, 32, 3), 32, 3, verbose=False)
    with pytest.raises(ValueError, match="padding"):
        check_conv_layer(((30, 30, 32), 896), (32, 32, 3), 32, 3, padding="full")
