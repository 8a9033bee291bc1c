"""A text for character-level language models: real text first, always real text.

``load_text_corpus()`` returns the Shakespeare text of TensorFlow's
text-generation tutorial (about 1.1 million characters, the plays' lines as
Karpathy's char-rnn collected them), downloaded once with
``keras.utils.get_file("shakespeare.txt", origin=SHAKESPEARE_URL)``. Where it
cannot be downloaded (no network, a classroom firewall, a damaged file in
Keras's cache), it says so in one line and returns instead a real English
text that every Python installation carries: the help topics of the
standard library's ``pydoc_data.topics`` (Python's documentation of its own
statements and types, about 465,000 characters). Never a generated text: a
language model learns the statistics of its text, and a text made by code
would teach the statistics of the code that made it.

Where Keras keeps the file (Keras 3, ``get_file`` with ``fname`` and no
extraction), under ``<keras home>/datasets/``: ``shakespeare.txt``, read as
UTF-8. ``<keras home>`` is ``$KERAS_HOME``, else ``~/.keras``, else
``/tmp/.keras`` when that is not writable; this module reads
``KERAS_HOME`` when it is called and passes the folder to ``get_file`` as
``cache_dir``.
"""

from __future__ import annotations

from pathlib import Path

from rnn_course.config import data_source
from rnn_course.data._keras import keras_datasets_dir, real_or_twin, through_keras
from rnn_course.data.provenance import record_origin

#: The origin of TensorFlow's text-generation tutorial (tensorflow.org/text).
SHAKESPEARE_URL = (
    "https://storage.googleapis.com/download.tensorflow.org/data/shakespeare.txt"
)
_KERAS_NAME = "shakespeare.txt"
#: Fewer characters than this is not the text a language model needs.
_MIN_CHARS = 1000


def keras_cache_path() -> Path:
    """Where Keras keeps the Shakespeare text: ``<keras home>/datasets/shakespeare.txt``."""
    return keras_datasets_dir() / _KERAS_NAME


def _readable_text(path: Path) -> bool:
    """Whether ``path`` holds at least :data:`_MIN_CHARS` characters of UTF-8 text."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return False
    return len(text) >= _MIN_CHARS and "\x00" not in text


def _load_from_keras() -> str:
    """The Shakespeare text through ``keras.utils.get_file``, with the course's checks."""
    path = keras_cache_path()

    def fetch(keras) -> str:
        keras.utils.get_file(
            _KERAS_NAME, origin=SHAKESPEARE_URL,
            cache_dir=str(keras_datasets_dir().parent),
        )
        return path.read_text(encoding="utf-8")

    return through_keras(
        fetch,
        archive=path,
        url=SHAKESPEARE_URL,
        intact=_readable_text,
        unreadable=lambda detail: (
            f"the Keras cache file {path} could not be read ({detail}): "
            "delete it to download again"
        ),
    )


def _standard_library_text() -> str:
    """The help topics of ``pydoc_data.topics``, in a fixed order (sorted by topic)."""
    from pydoc_data.topics import topics

    return "\n\n".join(topics[key].strip("\n") for key in sorted(topics)) + "\n"


def load_text_corpus(source: str | None = None) -> str:
    """Load a real English text for a character-level language model.

    Args:
        source: ``"keras"`` for the Shakespeare text (downloaded once through
            ``keras.utils.get_file``, 1.1 MB), ``"synthetic"`` for the
            offline stand-in, the standard library's ``pydoc_data`` help
            topics (real English, not made by code), ``"auto"`` for the
            first and, if it cannot be had, the second with a one-line
            notice. ``None`` reads ``RNN_COURSE_DATA``, else ``"auto"``.

    Returns:
        The whole text, one ``str``; ``rnn_course.data.loaded_from("text")``
        says which of the two it is.

    Raises:
        TypeError, ValueError: ``source`` is not one of the three.
        DatasetError: ``source="keras"`` and the text could not be had (one
            line that names the way out).

    Example:

    ```python
    text = load_text_corpus()
    len(text), text[:20]
    ```
    """
    source = data_source(source)
    if source != "synthetic":
        text = real_or_twin(
            "Shakespeare text",
            "the standard library's pydoc_data help topics, real English",
            source, _load_from_keras,
        )
        if text is not None:
            record_origin("text", "keras")
            return text
    record_origin("text", "synthetic")
    return _standard_library_text()
