"""Datasets for the course: the real Keras loaders first, offline twins always.

Which one is used is decided by the ``source`` argument of each loader
(``"auto"``, ``"keras"`` or ``"synthetic"``), else by the environment variable
``RNN_COURSE_DATA``, else ``"auto"``: the Keras loader, then, if it cannot
download, the offline twin with a one-line notice saying so.
"""

from rnn_course.data._cache import DatasetError
from rnn_course.data.cifar10 import CIFAR10_CLASSES, load_cifar10
from rnn_course.data.imdb import (
    decode_review,
    encode_review,
    imdb_word_index,
    load_imdb,
)
from rnn_course.data.jena import JENA_COLUMNS, JenaClimate, load_jena_climate
from rnn_course.data.provenance import data_and_mode, is_twin, loaded_from, results_note
from rnn_course.data.text_corpus import load_text_corpus

__all__ = [
    "CIFAR10_CLASSES",
    "DatasetError",
    "decode_review",
    "encode_review",
    "imdb_word_index",
    "JENA_COLUMNS",
    "JenaClimate",
    "load_jena_climate",
    "load_cifar10",
    "load_imdb",
    "load_text_corpus",
    "data_and_mode",
    "results_note",
    "is_twin",
    "loaded_from",
]
