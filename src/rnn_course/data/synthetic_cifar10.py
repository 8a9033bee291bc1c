"""Offline twin of CIFAR-10: small colour images told apart by their shape.

Every image shows one pattern, drawn at a random position, size and (slight)
rotation, in a random foreground colour on a random background colour, over a
faint colour gradient, with pixel noise and, in 60 % of the images, a small
block of a third colour (clutter). Colours are drawn independently of the
class, and the pattern is as often darker as lighter than the background, so
a colour histogram or the mean colour says nothing about the label: only the
*spatial arrangement* of the pixels does. Filters shared across positions (a
CNN) pick that up; one weight per pixel (a dense network) hardly does. Low
contrast, strong noise, tiny shapes and clutter make a few percent of the
images hard, so no model should reach 100 % (a small CNN trained on 20,000
images reaches about 0.93).

Class -> pattern (the labels keep the Keras names and order):

| Label | Name       | Pattern                                        |
|:-----:|------------|------------------------------------------------|
|   0   | airplane   | filled disc                                    |
|   1   | automobile | ring                                           |
|   2   | bird       | square outline                                 |
|   3   | cat        | plus sign                                      |
|   4   | deer       | horizontal stripes, in a disc or square window |
|   5   | dog        | vertical stripes, in a disc or square window   |
|   6   | frog       | diagonal stripes, in a disc or square window   |
|   7   | horse      | checkerboard, in a disc or square window       |
|   8   | ship       | filled triangle, any rotation                  |
|   9   | truck      | scattered dots                                 |

The format is that of ``keras.datasets.cifar10.load_data()``: ``uint8`` images
``(N, 32, 32, 3)`` and ``uint8`` labels ``(N, 1)``. Images come in chunks of
``CHUNK`` that each depend only on ``(seed, split, chunk index)``, so the first
``n`` images are the same whatever ``n`` was asked for, and a small request
generates only the chunks it needs. Every run of ten labels is a permutation
of the ten classes, so any prefix is balanced to within one image per class.
Generated arrays are cached as uncompressed ``.npz`` files, one per split,
size and seed, named with ``GENERATOR_VERSION``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from rnn_course import _validate
from rnn_course.data._cache import cache_dir, load_arrays, save_arrays

#: Bump when the images change, so stale cache files are not reused.
GENERATOR_VERSION = 1

#: Images generated per random stream; also bounds the working memory.
CHUNK = 1000

SIZE = 32

#: The pattern of each class, in label order.
PATTERNS = (
    "filled disc",
    "ring",
    "square outline",
    "plus sign",
    "horizontal stripes",
    "vertical stripes",
    "diagonal stripes",
    "checkerboard",
    "filled triangle",
    "scattered dots",
)

_SPLITS = {"train": 0, "test": 1}
_MAX_DOTS = 10
# Contrast floor (RGB distance) and noise (std) ranges, in 0-255 units.
_MIN_GAP = (15.0, 60.0)
_NOISE = (4.0, 36.0)
# Share of images with a distractor: a small block of a third colour.
_CLUTTER = 0.6

# Pixel centres, shared by every chunk.
_YY, _XX = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32) + np.float32(0.5)


def _edge(distance: np.ndarray) -> np.ndarray:
    """Antialiased coverage from a signed distance (negative = inside), in pixels."""
    return np.clip(0.5 - distance, 0.0, 1.0)


def _col(values: np.ndarray) -> np.ndarray:
    """Per-image parameters ``(B,)`` -> ``(B, 1, 1)`` to broadcast over pixels."""
    return values.astype(np.float32)[:, None, None]


def _frame(cx, cy, angle):
    """Pixel coordinates relative to each centre, rotated by ``angle``: ``(B, 32, 32)`` each."""
    dx = _XX - _col(cx)
    dy = _YY - _col(cy)
    cos, sin = _col(np.cos(angle)), _col(np.sin(angle))
    return dx * cos + dy * sin, -dx * sin + dy * cos


def _window(u, v, radius, round_window):
    """Soft disc or square window of the given radius that holds a texture."""
    disc = np.sqrt(u * u + v * v) - radius
    square = np.maximum(np.abs(u), np.abs(v)) - radius
    return _edge(np.where(round_window[:, None, None], disc, square))


def _stripes(along, period, phase):
    """Soft stripes (values in [0, 1]) that vary along the coordinate ``along``."""
    wave = np.sin(np.float32(2 * np.pi) * along / period + phase)
    return np.clip(0.5 + 1.5 * wave, 0.0, 1.0)


def _masks(label: int, rng: np.random.Generator, count: int) -> np.ndarray:
    """Foreground coverage in [0, 1] of ``count`` images of one class: ``(count, 32, 32)``."""
    cx = rng.uniform(9, 23, count)
    cy = rng.uniform(9, 23, count)
    radius = rng.uniform(3.5, 11.0, count)
    jitter = np.deg2rad(rng.uniform(-15, 15, count))
    r = _col(radius)

    if label == 0:  # filled disc
        u, v = _frame(cx, cy, jitter)
        return _edge(np.sqrt(u * u + v * v) - r)
    if label == 1:  # ring: a thick ring is the hard negative of the disc
        u, v = _frame(cx, cy, jitter)
        width = r * _col(rng.uniform(0.2, 0.45, count))
        return _edge(np.abs(np.sqrt(u * u + v * v) - (r - width / 2)) - width / 2)
    if label == 2:  # square outline
        u, v = _frame(cx, cy, jitter)
        width = _col(rng.uniform(1.5, 3.0, count))
        cheb = np.maximum(np.abs(u), np.abs(v))
        return _edge(np.abs(cheb - (r - width / 2)) - width / 2)
    if label == 3:  # plus sign
        u, v = _frame(cx, cy, jitter)
        half = _col(rng.uniform(1.2, 2.8, count))
        au, av = np.abs(u), np.abs(v)
        arm_u = np.maximum(av - half, au - r)
        arm_v = np.maximum(au - half, av - r)
        return _edge(np.minimum(arm_u, arm_v))
    if label == 8:  # filled triangle: any rotation, so no orientation cue
        angle = rng.uniform(0, 2 * np.pi, count)
        u, v = _frame(cx, cy, np.zeros(count))
        distance = np.full(u.shape, -np.inf, dtype=np.float32)
        for k in range(3):
            theta = _col(angle + 2 * np.pi * k / 3)
            distance = np.maximum(distance, u * np.cos(theta) + v * np.sin(theta) - r / 2)
        return _edge(distance)

    # Textures fill a larger window, which is a disc or a square at random so
    # the outline alone does not give the class away.
    radius = rng.uniform(7.0, 13.0, count)
    round_window = rng.random(count) < 0.5
    if label == 9:  # scattered dots
        u, v = _frame(cx, cy, np.zeros(count))
        window = _window(u, v, _col(radius), round_window)
        dots = rng.integers(5, _MAX_DOTS + 1, count)
        mask = np.zeros(u.shape, dtype=np.float32)
        for k in range(_MAX_DOTS):
            px = cx + rng.uniform(-1, 1, count) * radius * 0.85
            py = cy + rng.uniform(-1, 1, count) * radius * 0.85
            dot_r = rng.uniform(1.0, 2.0, count) * (k < dots)
            du, dv = _XX - _col(px), _YY - _col(py)
            mask = np.maximum(mask, _edge(np.sqrt(du * du + dv * dv) - _col(dot_r)))
        return mask * window

    period = _col(rng.uniform(3.5, 7.0, count))
    phase = _col(rng.uniform(0, 2 * np.pi, count))
    angle = jitter
    if label == 4:  # horizontal stripes: vary along y
        angle = jitter + np.pi / 2
    elif label == 6:  # diagonal stripes, either diagonal
        angle = jitter * 0.5 + np.where(rng.random(count) < 0.5, np.pi / 4, -np.pi / 4)
    u, v = _frame(cx, cy, angle)
    window = _window(u, v, _col(radius), round_window)
    if label == 7:  # checkerboard
        checks = np.sin(np.float32(2 * np.pi) * u / period + phase) * np.sin(
            np.float32(2 * np.pi) * v / period + phase
        )
        return np.clip(0.5 + 1.5 * checks, 0.0, 1.0) * window
    return _stripes(u, period, phase) * window  # labels 4, 5, 6


def _clutter(rng: np.random.Generator) -> np.ndarray:
    """Coverage of the distractor blocks (zero where there is none): ``(CHUNK, 32, 32)``."""
    cx, cy = rng.uniform(2, SIZE - 2, (2, CHUNK, 1))
    half_w, half_h = rng.uniform(1.0, 3.5, (2, CHUNK, 1))
    present = rng.random((CHUNK, 1)) < _CLUTTER
    # A rectangle is the overlap of a column band and a row band.
    across = _edge(np.abs(_XX[0] - cx) - half_w) * present
    down = _edge(np.abs(_YY[:, 0] - cy) - half_h)
    return np.minimum(across[:, None, :], down[:, :, None]).astype(np.float32)


def _chunk(seed: int, split: int, index: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Images ``index * CHUNK`` to ``index * CHUNK + count`` of one split."""
    rng = np.random.default_rng([GENERATOR_VERSION, seed, split, index])
    # Each block of ten labels is a permutation of the classes: every prefix
    # is balanced, and "the first n images" stays a fair subset.
    labels = rng.permuted(np.tile(np.arange(10), (CHUNK // 10, 1)), axis=1).ravel()

    mask = np.empty((CHUNK, SIZE, SIZE), dtype=np.float32)
    for label in range(10):
        where = np.flatnonzero(labels == label)
        mask[where] = _masks(label, rng, len(where))

    # Colours independent of the class; a floor on their distance keeps most
    # shapes visible, while low contrast and strong noise make some hard
    # (real photographs have hard cases too; no model should reach 100 %).
    background = rng.uniform(0, 255, (CHUNK, 3))
    foreground = rng.uniform(0, 255, (CHUNK, 3))
    gap = foreground - background
    norm = np.linalg.norm(gap, axis=1, keepdims=True) + 1e-6
    min_gap = rng.uniform(_MIN_GAP[0], _MIN_GAP[1], (CHUNK, 1))
    foreground = np.where(norm < min_gap, background + gap / norm * min_gap, foreground)
    foreground = np.clip(foreground, 0, 255)

    # Clutter, like a stray object in a photo: a small block of a third
    # colour anywhere, over the pattern or not.
    block = _clutter(rng)
    mask *= 1 - block
    third = rng.uniform(0, 255, (CHUNK, 3))

    # Composed channels first, so the inner loops run over 1,024 contiguous
    # pixels rather than 3 channels; transposed once at the end.
    # Background with a faint colour gradient (so neither colour is flat),
    # from its row and column terms; + 0.5 so the uint8 cast rounds.
    slope = rng.normal(0, 1.2, (CHUNK, 2, 3))
    ramp = np.arange(SIZE) - (SIZE - 1) / 2
    rows = background[:, :, None] + 0.5 + slope[:, 1, :, None] * ramp
    cols = slope[:, 0, :, None] * ramp
    images = rows.astype(np.float32)[..., None] + cols.astype(np.float32)[:, :, None, :]
    images += mask[:, None] * (foreground - background).astype(np.float32)[..., None, None]
    images += block[:, None] * (third - background).astype(np.float32)[..., None, None]
    # Sensor-like noise, the same in the three channels (a third of the
    # random numbers), its strength drawn per image.
    noise = rng.standard_normal((CHUNK, 1, SIZE, SIZE), dtype=np.float32)
    noise *= rng.uniform(_NOISE[0], _NOISE[1], (CHUNK, 1, 1, 1)).astype(np.float32)
    images += noise
    np.clip(images, 0, 255.49, out=images)
    images = np.ascontiguousarray(images.astype(np.uint8).transpose(0, 2, 3, 1))
    return images[:count], labels[:count].astype(np.uint8).reshape(-1, 1)


def _check_request(n: Any, seed: Any, split: Any, name: str = "n") -> tuple[int, int, str]:
    """One-line errors for a bad size, seed or split; the checked values."""
    if not isinstance(split, str) or split not in _SPLITS:
        raise ValueError(f"split must be 'train' or 'test', got {split!r}.")
    return _validate.positive_int(name, n, minimum=0), _validate.seed("seed", seed), split


def generate(n: int, seed: int = 0, split: str = "train") -> tuple[np.ndarray, np.ndarray]:
    """Generate the first ``n`` images of one split, without any cache.

    Args:
        n: Number of images, at least 0.
        seed: Non-negative integer; the same seed gives the same images.
        split: ``"train"`` or ``"test"``: two independent streams.

    Returns:
        Tuple ``(x, y)``: ``uint8`` images ``(n, 32, 32, 3)`` and ``uint8``
        labels ``(n, 1)`` in 0-9.
    """
    n, seed, split = _check_request(n, seed, split)
    x = np.empty((n, SIZE, SIZE, 3), dtype=np.uint8)
    y = np.empty((n, 1), dtype=np.uint8)
    for index, start in enumerate(range(0, n, CHUNK)):
        count = min(CHUNK, n - start)
        x[start : start + count], y[start : start + count] = _chunk(
            seed, _SPLITS[split], index, count
        )
    return x, y


def cache_path(n: int, seed: int, split: str) -> Path:
    """Cache file of one request; version, seed, split and size are in the name."""
    n, seed, split = _check_request(n, seed, split)
    return cache_dir() / f"cifar10_twin_v{GENERATOR_VERSION}_seed{seed}_{split}_{n}.npz"


def load_split(n: int, seed: int = 0, split: str = "train") -> tuple[np.ndarray, np.ndarray]:
    """Like :func:`generate`, through the on-disk cache (written on first use)."""
    path = cache_path(n, seed, split)
    stored = load_arrays(path, ("x", "y"))
    if stored is not None:
        return stored["x"], stored["y"]
    x, y = generate(n, seed=seed, split=split)
    save_arrays(path, x=x, y=y)
    return x, y


def load_data(
    n_train: int = 50_000, n_test: int = 10_000, seed: int = 0
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """The twin in the format of ``keras.datasets.cifar10.load_data()``.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: ``uint8`` images
        ``(N, 32, 32, 3)`` and ``uint8`` labels ``(N, 1)``.
    """
    # Both checked before either split is generated, under their own names.
    _check_request(n_train, seed, "train", name="n_train")
    _check_request(n_test, seed, "test", name="n_test")
    return load_split(n_train, seed, "train"), load_split(n_test, seed, "test")
