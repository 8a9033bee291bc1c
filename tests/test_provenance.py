"""The line that names a page's data and mode comes from what was loaded."""

from __future__ import annotations

import pytest

from rnn_course.data import data_and_mode, is_twin, load_imdb, loaded_from
from rnn_course.data.provenance import record_origin


def test_the_line_follows_the_loader(monkeypatch):
    monkeypatch.setenv("RNN_COURSE_QUICK", "1")
    load_imdb(source="synthetic")
    assert loaded_from("imdb") == "synthetic" and is_twin("imdb")
    assert data_and_mode("imdb").startswith("Data: the offline twin of IMDB")
    assert "Mode: quick" in data_and_mode("imdb")
    record_origin("imdb", "keras")
    monkeypatch.setenv("RNN_COURSE_QUICK", "0")
    assert data_and_mode("imdb") == (
        "Data: the real IMDB reviews (keras.datasets.imdb). Mode: full.")


def test_bad_names_say_what_is_wrong():
    with pytest.raises(ValueError, match="name at least one dataset"):
        data_and_mode()
    with pytest.raises(ValueError, match="dataset must be one of imdb, cifar10"):
        data_and_mode("mnist")
    with pytest.raises(ValueError, match="origin must be one of"):
        record_origin("imdb", "twin")
