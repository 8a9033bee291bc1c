"""The text of the language-model chapter: Shakespeare through Keras, pydoc_data offline.

The real loader is run on a small text written where ``keras.utils.get_file``
keeps ``shakespeare.txt`` under a temporary ``KERAS_HOME`` (the loader passes
that folder to ``get_file`` itself); the probe is replaced
(``tests/helpers.patch_probe``) so nothing reaches the network. The offline
text is the standard library's, never one made by code.
"""

from __future__ import annotations

import pytest

from rnn_course.data import DatasetError, load_text_corpus
from rnn_course.data.provenance import data_and_mode, loaded_from
from rnn_course.data.text_corpus import keras_cache_path
from tests.helpers import patch_probe

TINY = ("First Citizen:\nBefore we proceed any further, hear me speak.\n\n"
        "All:\nSpeak, speak.\n\n") * 20


@pytest.fixture(autouse=True)
def keras_home(tmp_path, monkeypatch):
    home = tmp_path / "keras_home"
    (home / "datasets").mkdir(parents=True)
    monkeypatch.setenv("KERAS_HOME", str(home))
    return home


def test_real_loader_reads_the_cached_file_without_a_probe(monkeypatch, keras_home):
    path = keras_cache_path()
    assert path == keras_home / "datasets" / "shakespeare.txt"
    path.write_text(TINY, encoding="utf-8")
    probes = patch_probe(monkeypatch, OSError(101, "Network is unreachable"))
    text = load_text_corpus(source="keras")
    assert probes == [] and text == TINY
    assert loaded_from("text") == "keras"
    assert "Shakespeare" in data_and_mode("text")


def test_unreachable_host_falls_back_to_the_standard_library(monkeypatch, capsys):
    probes = patch_probe(monkeypatch, TimeoutError("timed out"))
    text = load_text_corpus(source="auto")
    assert [address for address, _, _ in probes] == [("storage.googleapis.com", 443)]
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 and "pydoc_data" in lines[0] and "timed out" in lines[0]
    from pydoc_data.topics import topics

    assert len(text) > 400_000
    assert topics["assert"].strip("\n") in text  # real documentation, word for word
    assert loaded_from("text") == "synthetic"
    assert "pydoc_data" in data_and_mode("text")


def test_offline_text_is_deterministic_and_never_probes(monkeypatch, capsys):
    probes = patch_probe(monkeypatch, OSError(101, "Network is unreachable"))
    first = load_text_corpus(source="synthetic")
    assert load_text_corpus(source="synthetic") == first
    assert probes == [] and capsys.readouterr().out == ""
    assert first.startswith('The "assert" statement')


def test_unreachable_host_raises_one_line_in_keras_mode(monkeypatch, capsys):
    patch_probe(monkeypatch, OSError(101, "Network is unreachable"))
    with pytest.raises(DatasetError) as info:
        load_text_corpus(source="keras")
    message = str(info.value)
    assert "\n" not in message and 'source="synthetic"' in message
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("content", [b"\xff\xfe\x00 not text" * 200, b"too short"])
def test_damaged_cache_file_is_named_and_kept(content, monkeypatch):
    path = keras_cache_path()
    path.write_bytes(content)
    patch_probe(monkeypatch, OSError(101, "Network is unreachable"))
    with pytest.raises(DatasetError, match="truncated or corrupted") as info:
        load_text_corpus(source="keras")
    assert "\n" not in str(info.value) and path.exists()


@pytest.mark.parametrize("source, error", [("x", ValueError), (3, TypeError),
                                           (b"keras", TypeError)])
def test_bad_source_raises_one_line(source, error, monkeypatch):
    probes = patch_probe(monkeypatch, OSError(101, "Network is unreachable"))
    with pytest.raises(error) as info:
        load_text_corpus(source=source)
    assert "\n" not in str(info.value) and probes == []
