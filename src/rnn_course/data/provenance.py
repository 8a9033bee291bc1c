"""Which data a loader returned, and one line that says so on a page.

Every training chapter names the data and the mode behind its numbers. The
loaders record where their data came from (the real dataset through Keras,
or the offline twin) and :func:`data_and_mode` turns that into the line a
chapter prints under its loading cell.
"""

from __future__ import annotations

from rnn_course.config import is_quick

#: What each loader's data is called on a page: (real, twin).
_NAMES = {
    "imdb": ("the real IMDB reviews (keras.datasets.imdb)",
             "the offline twin of IMDB (reviews made by code, in the "
             "real data's format)"),
    "cifar10": ("the real CIFAR-10 photographs (keras.datasets.cifar10)",
                "the offline twin of CIFAR-10 (images made by code, in the "
                "real data's format)"),
}
ORIGINS = ("keras", "synthetic")

_loaded: dict[str, str] = {}


def _check_dataset(dataset: str) -> str:
    if not isinstance(dataset, str) or dataset not in _NAMES:
        raise ValueError(f"dataset must be one of {', '.join(_NAMES)}, got {dataset!r}.")
    return dataset


def record_origin(dataset: str, origin: str) -> None:
    """Note that ``dataset`` (``"imdb"``, ``"cifar10"``) came from ``origin``."""
    _check_dataset(dataset)
    if not isinstance(origin, str) or origin not in ORIGINS:
        raise ValueError(f"origin must be one of {', '.join(ORIGINS)}, got {origin!r}.")
    _loaded[dataset] = origin


def loaded_from(dataset: str) -> str:
    """Where the last load of ``dataset`` came from: ``"keras"`` or ``"synthetic"``.

    Raises:
        ValueError: ``dataset`` is unknown or has not been loaded yet.
    """
    _check_dataset(dataset)
    if dataset not in _loaded:
        loader = "load_imdb" if dataset == "imdb" else "load_cifar10"
        raise ValueError(f"{dataset} has not been loaded yet: call {loader} first.")
    return _loaded[dataset]


def is_twin(dataset: str) -> bool:
    """``True`` when the last load of ``dataset`` returned the offline twin."""
    return loaded_from(dataset) == "synthetic"


def data_and_mode(*datasets: str) -> str:
    """One line naming the data and the mode behind a page's numbers.

    Args:
        datasets: The datasets the page loaded, e.g. ``"imdb"``.

    Returns:
        For example ``"Data: the real IMDB reviews (keras.datasets.imdb).
        Mode: full."``
    """
    if not datasets:
        raise ValueError("name at least one dataset, e.g. data_and_mode('imdb').")
    names = [_NAMES[d][is_twin(d)] for d in map(_check_dataset, datasets)]
    mode = ("quick (RNN_COURSE_QUICK=1: fewer examples and epochs than a full run)"
            if is_quick() else "full")
    return f"Data: {'; '.join(names)}. Mode: {mode}."
