"""Quick mode and the data-source setting."""

from __future__ import annotations

import pytest

from rnn_course import config


@pytest.mark.parametrize("value, expected", [
    ("1", True), ("true", True), ("YES", True), ("0", False), ("", False), ("off", False),
])
def test_is_quick_reads_the_environment(monkeypatch, value, expected):
    monkeypatch.setenv("RNN_COURSE_QUICK", value)
    assert config.is_quick() is expected


def test_is_quick_defaults_to_full_mode(monkeypatch):
    monkeypatch.delenv("RNN_COURSE_QUICK", raising=False)
    assert config.is_quick() is False


def test_is_quick_rejects_nonsense(monkeypatch):
    monkeypatch.setenv("RNN_COURSE_QUICK", "maybe")
    with pytest.raises(ValueError, match="RNN_COURSE_QUICK"):
        config.is_quick()


def test_pick_follows_the_mode(monkeypatch):
    monkeypatch.setenv("RNN_COURSE_QUICK", "1")
    assert config.pick(full=10, quick=2) == 2
    monkeypatch.setenv("RNN_COURSE_QUICK", "0")
    assert config.pick(full=10, quick=2) == 10


def test_data_source_argument_wins_over_environment(monkeypatch):
    monkeypatch.setenv("RNN_COURSE_DATA", "keras")
    assert config.data_source("synthetic") == "synthetic"
    assert config.data_source(None) == "keras"
    assert config.data_source(" Keras ") == "keras"


def test_data_source_defaults_to_auto(monkeypatch):
    monkeypatch.delenv("RNN_COURSE_DATA", raising=False)
    assert config.data_source() == "auto"


@pytest.mark.parametrize("bad", ["internet", "kaggle"])
def test_data_source_rejects_unknown_names(monkeypatch, bad):
    monkeypatch.delenv("RNN_COURSE_DATA", raising=False)
    with pytest.raises(ValueError, match="auto, keras, synthetic") as info:
        config.data_source(bad)
    assert "\n" not in str(info.value)
    monkeypatch.setenv("RNN_COURSE_DATA", bad)
    with pytest.raises(ValueError, match="RNN_COURSE_DATA"):
        config.data_source()


def test_data_source_rejects_non_strings():
    with pytest.raises(TypeError, match="string"):
        config.data_source(3)
