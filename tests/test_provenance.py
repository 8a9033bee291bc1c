"""The line that names a page's data and mode comes from what was loaded."""

from __future__ import annotations

import pytest

from rnn_course.data import data_and_mode, is_twin, load_imdb, loaded_from, results_note
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


@pytest.mark.parametrize("origin, quick, words", [
    ("synthetic", "1", ("offline twin of IMDB", "**Mode:** quick", "made by code")),
    ("synthetic", "0", ("offline twin of IMDB", "**Mode:** full.", "made by code")),
    ("keras", "1", ("real IMDB reviews", "**Mode:** quick", "short budget")),
    ("keras", "0", ("real IMDB reviews", "**Mode:** full.", "For comparison")),
])
def test_results_note_is_worded_for_each_case(monkeypatch, origin, quick, words):
    monkeypatch.setenv("RNN_COURSE_QUICK", quick)
    record_origin("imdb", origin)
    note = results_note("imdb", expected="an LSTM reaches about 0.89")
    for word in words:
        assert word in note, (word, note)
    assert note.endswith("an LSTM reaches about 0.89.")


def test_results_note_names_every_dataset(monkeypatch):
    record_origin("cifar10", "keras")
    record_origin("imdb", "synthetic")
    note = results_note("cifar10", "imdb", expected="the CNN reaches about 0.70")
    assert "real CIFAR-10 photographs" in note and "and the offline twin of IMDB" in note
    assert "made by code" in note  # any twin makes the numbers the twin's


def test_results_note_needs_what_to_expect():
    with pytest.raises(ValueError, match="expected must say"):
        results_note("imdb", expected=" ")
    with pytest.raises(ValueError, match="name at least one dataset"):
        results_note(expected="an LSTM reaches about 0.89")
