"""Which data a loader returned, and one line that says so on a page.

Every training chapter names the data and the mode behind its numbers. The
loaders record where their data came from (the real dataset through Keras,
or the offline twin) and :func:`data_and_mode` turns that into the line a
chapter prints under its loading cell; :func:`results_note` words the note
that opens a chapter's results.
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
    "jena": ("the real Jena climate record (Max Planck Institute, 2009-2016)",
             "the offline twin of the Jena climate record (weather made by "
             "code, in the real data's format)"),
    "text": ("the Shakespeare text of TensorFlow's text-generation tutorial "
             "(keras.utils.get_file)",
             "the standard library's pydoc_data help topics (real English, "
             "Python's documentation of itself: the offline stand-in for "
             "the Shakespeare text)"),
}
#: The loader of each dataset, named when one is asked about before loading.
_LOADERS = {"imdb": "load_imdb", "cifar10": "load_cifar10", "jena": "load_jena_climate",
            "text": "load_text_corpus"}
#: What a twin's numbers are, where the twin is not made by code.
_TWIN_TAILS = {
    "text": ("These numbers come from a real text, but not the usual one: "
             "Python's documentation, technical English with code in it. "
             "On the Shakespeare text, {expected}."),
}
ORIGINS = ("keras", "synthetic")

_loaded: dict[str, str] = {}


def _check_dataset(dataset: str) -> str:
    if not isinstance(dataset, str) or dataset not in _NAMES:
        raise ValueError(f"dataset must be one of {', '.join(_NAMES)}, got {dataset!r}.")
    return dataset


def record_origin(dataset: str, origin: str) -> None:
    """Note that ``dataset`` (``"imdb"``, ``"cifar10"``, ``"jena"``, ``"text"``) came from
    ``origin``.
    """
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
        raise ValueError(f"{dataset} has not been loaded yet: call {_LOADERS[dataset]} first.")
    return _loaded[dataset]


def is_twin(dataset: str) -> bool:
    """``True`` when the last load of ``dataset`` returned the offline twin."""
    return loaded_from(dataset) == "synthetic"


def _names(datasets: tuple[str, ...]) -> list[str]:
    """What each of ``datasets`` is called on a page, twin or real as loaded."""
    return [_NAMES[d][is_twin(d)] for d in map(_check_dataset, datasets)]


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
    names = _names(datasets)
    mode = ("quick (RNN_COURSE_QUICK=1: fewer examples and epochs than a full run)"
            if is_quick() else "full")
    return f"Data: {'; '.join(names)}. Mode: {mode}."


def results_note(*datasets: str, expected: str) -> str:
    """The note that opens a page's results: the data and mode behind them.

    Worded for the four cases: the offline twin or the real data, quick or
    full mode. A twin's numbers are the twin's own; quick mode on the real
    data is a short budget. Either way the note says what a full run on the
    real data reaches, so that a reader knows what the page's numbers are
    not.

    Args:
        datasets: The datasets the results come from, e.g. ``"imdb"``.
        expected: What the literature reports for a full run on the real
            data, as a clause, e.g. ``"a SimpleRNN reaches about 0.85
            validation accuracy (Chollet, 2017, section 6.2)"``.

    Returns:
        One paragraph of Markdown.
    """
    if not datasets:
        raise ValueError("name at least one dataset, e.g. results_note('imdb', expected=...).")
    if not isinstance(expected, str) or not expected.strip():
        raise ValueError("expected must say what a full run reaches, e.g. "
                         "'a SimpleRNN reaches about 0.85 validation accuracy'.")
    names = " and ".join(_names(datasets))
    quick = is_quick()
    mode = ("quick, fewer examples and epochs than a full run (RNN_COURSE_QUICK=1)"
            if quick else "full")
    head = f"**Data:** {names}. **Mode:** {mode}."
    twins = [d for d in datasets if is_twin(d)]
    if twins and all(d in _TWIN_TAILS for d in twins):
        tail = " ".join(_TWIN_TAILS[d] for d in dict.fromkeys(twins)).format(expected=expected)
    elif twins:
        tail = ("These numbers show what the models learn from data made by code, "
                f"not what the real data gives. On the real data, {expected}.")
    elif quick:
        tail = ("Quick mode is a short budget, so expect lower numbers than a full run: "
                f"{expected}.")
    else:
        tail = f"For comparison, {expected}."
    return f"{head} {tail}"
