"""Tests of rnn_course.benchmark_results, the reader of make bench's files."""

from __future__ import annotations

import json

import pytest

from rnn_course import benchmark_results as br
from tests.helpers import table_rows


def _result(machine="cpu2-test", **sections):
    result = {"schema": 1, "machine": {"id": machine, "description": "2 CPU cores, no GPU",
                                        "cpu": "Test CPU", "cores": 2, "gpu": None,
                                        "python": "3.11", "tensorflow": "2.x", "keras": "3.x",
                                        "date": "2026-01-01"}}
    result.update({"chapters": [], "imdb": [], "numpy_rnn": []})
    result.update(sections)
    return result


def _imdb(cell, recipe, seconds, accuracy, epochs=2):
    return {"cell": cell, "recipe": recipe, "epochs": epochs, "seconds_per_epoch": seconds,
            "val_accuracy": accuracy, "train_size": 25000, "details": {}}


def _write(folder, result):
    (folder / f"{result['machine']['id']}.json").write_text(json.dumps(result), encoding="utf-8")


def test_load_results_reads_every_machine_sorted_by_id(tmp_path):
    _write(tmp_path, _result("zeta"))
    _write(tmp_path, _result("alpha"))
    results = br.load_results(tmp_path)
    assert [r["machine"]["id"] for r in results] == ["alpha", "zeta"]


def test_load_results_of_a_missing_folder_is_empty(tmp_path):
    assert br.load_results(tmp_path / "nowhere") == []


def test_load_results_rejects_other_schemas_and_bad_json(tmp_path):
    bad = _result()
    bad["schema"] = 2
    _write(tmp_path, bad)
    with pytest.raises(ValueError, match="schema must be 1"):
        br.load_results(tmp_path)
    (tmp_path / "cpu2-test.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="not valid JSON"):
        br.load_results(tmp_path)


def test_load_results_rejects_a_non_path():
    with pytest.raises(TypeError, match="folder must be a path"):
        br.load_results(3)


def test_chapter_seconds_finds_the_entry_and_says_none_when_missing():
    chapters = [{"chapter": "06_imdb_sentiment", "mode": "quick", "seconds": 11.3,
                 "data": "synthetic", "ok": True},
                {"chapter": "06_imdb_sentiment", "mode": "full", "seconds": 99.0,
                 "data": "synthetic", "ok": False}]
    results = [_result(chapters=chapters)]
    assert br.chapter_seconds(results, "06_imdb_sentiment", "quick") == pytest.approx(11.3)
    # A failed run has no meaningful time; an unmeasured chapter has none either.
    assert br.chapter_seconds(results, "06_imdb_sentiment", "full") is None
    assert br.chapter_seconds(results, "03_numpy_rnn", "quick") is None
    assert br.chapter_seconds(results, "06_imdb_sentiment", "quick", machine="other") is None
    with pytest.raises(ValueError, match="mode must be"):
        br.chapter_seconds(results, "06_imdb_sentiment", "slow")


def test_imdb_comparison_computes_speedup_and_target():
    result = _result(imdb=[_imdb("LSTM", "seeds", 30.0, 0.80), _imdb("LSTM", "fast", 10.0, 0.795),
                           _imdb("SimpleRNN", "seeds", 20.0, 0.70),
                           _imdb("SimpleRNN", "fast", 15.0, 0.72),
                           _imdb("GRU", "seeds", 30.0, 0.80), _imdb("GRU", "fast", 10.0, 0.75)])
    rows = {row["cell"]: row for row in br.imdb_comparison(result)}
    assert [row["cell"] for row in br.imdb_comparison(result)] == ["SimpleRNN", "LSTM", "GRU"]
    assert rows["LSTM"]["speedup"] == pytest.approx(3.0)
    assert rows["LSTM"]["target_met"] is True  # 3x, half a point lower
    assert rows["SimpleRNN"]["target_met"] is False  # not 2x faster
    assert rows["GRU"]["target_met"] is False  # 5 points lower
    assert rows["GRU"]["accuracy_change"] == pytest.approx(-0.05)


def test_imdb_comparison_leaves_unmeasured_values_none():
    rows = br.imdb_comparison(_result(imdb=[_imdb("GRU", "seeds", 30.0, 0.8)]))
    assert rows[0]["fast_seconds_per_epoch"] is None
    assert rows[0]["speedup"] is None and rows[0]["target_met"] is None


def test_numpy_comparison_ratios_to_the_loop():
    entries = [{"method": "python_loop", "sequences_per_second": 100.0},
               {"method": "rnn_forward_batch", "sequences_per_second": 2500.0}]
    rows = br.numpy_comparison(_result(numpy_rnn=entries))
    assert [row["speedup"] for row in rows] == pytest.approx([1.0, 25.0])


def test_merge_results_replaces_only_the_remeasured_entries():
    old = _result(chapters=[{"chapter": "03_numpy_rnn", "mode": "quick", "seconds": 5.0},
                            {"chapter": "06_imdb_sentiment", "mode": "quick", "seconds": 9.0}],
                  imdb=[_imdb("GRU", "seeds", 30.0, 0.8)])
    new = _result(chapters=[{"chapter": "06_imdb_sentiment", "mode": "quick", "seconds": 7.0}])
    merged = br.merge_results(old, new)
    assert br.chapter_seconds(merged, "03_numpy_rnn") == 5.0
    assert br.chapter_seconds(merged, "06_imdb_sentiment") == 7.0
    assert len(merged["chapters"]) == 2 and len(merged["imdb"]) == 1


def test_markdown_report_shows_ratios_and_says_what_is_missing():
    result = _result(imdb=[_imdb("LSTM", "seeds", 30.0, 0.80), _imdb("LSTM", "fast", 10.0, 0.80),
                           _imdb("GRU", "seeds", 30.0, 0.80)],
                     numpy_rnn=[{"method": "python_loop", "sequences_per_second": 100.0}])
    text = br.markdown_report(result)
    rows = table_rows(text)
    assert ["LSTM", "2", "25000", "30.0", "10.0", "3.00x", "0.800", "0.800", "yes"] in rows
    gru = next(row for row in rows if row[0] == "GRU")
    assert gru[:6] == ["GRU", "2", "25000", "30.0", "not measured", "not measured"]
    assert "1.0x" in text


def _tests_entry(**fields):
    entry = {"commit": "abc1234", "command": "make test", "install_command": "make venv",
             "ci": "1", "install_seconds": 300.0, "test_seconds": 600.0, "exit_status": 0,
             "ok": True, "passed": 431, "failed": 0}
    entry.update(fields)
    return entry


def test_a_file_without_the_tests_section_stays_valid(tmp_path):
    # Files written before make bench timed the test suite have no tests section.
    old = _result(chapters=[{"chapter": "03_numpy_rnn", "mode": "quick", "seconds": 5.0}])
    _write(tmp_path, old)
    (result,) = br.load_results(tmp_path)
    assert result["tests"] == []
    assert br.tests_markdown(result) == ""
    assert "Test suite" not in br.markdown_report(result)


def test_merge_results_replaces_the_test_suite_run_whatever_its_commit():
    old = _result(tests=[_tests_entry(commit="0000001", test_seconds=900.0)])
    merged = br.merge_results(old, _result(tests=[_tests_entry(commit="0000002")]))
    assert [entry["commit"] for entry in merged["tests"]] == ["0000002"]
    # A run of other parts keeps the last test suite run; one into a file
    # without the section adds it.
    chapters = [{"chapter": "03_numpy_rnn", "mode": "quick", "seconds": 5.0}]
    assert br.merge_results(merged, _result(chapters=chapters))["tests"] == merged["tests"]
    old.pop("tests")
    assert len(br.merge_results(old, merged)["tests"]) == 1


def test_markdown_report_shows_the_test_suite_next_to_the_chapters():
    result = _result(chapters=[{"chapter": "03_numpy_rnn", "mode": "quick", "seconds": 5.0}],
                     imdb=[_imdb("GRU", "seeds", 30.0, 0.8)], tests=[_tests_entry()])
    text = br.markdown_report(result)
    assert ["abc1234", "`CI=1 make test`", "300.0", "600.0", "15.0", "431", "0", "yes"] \
        in table_rows(text)
    assert text.index("## Chapter execution time") < text.index("## Test suite") \
        < text.index("## IMDB")
    failed = br.tests_markdown(_result(tests=[_tests_entry(
        ok=False, exit_status=2, failed=3, passed=None, test_seconds=None)]))
    assert table_rows(failed)[-1][2:] == ["300.0", "not measured", "not measured",
                                          "not measured", "3", "no (exit 2)"]


@pytest.mark.parametrize("entry, message", [
    ({"install_seconds": 3.0}, "an entry of tests lacks commit"),
    (_tests_entry(commit=1234567), "commit of an entry of tests must be a string, got 1234567"),
    (_tests_entry(test_seconds="600"),
     "test_seconds of an entry of tests must be a number or null, got '600'"),
    (_tests_entry(passed=True), "passed of an entry of tests must be an integer or null"),
    (_tests_entry(ok="yes"), "ok of an entry of tests must be true or false, got 'yes'"),
])
def test_a_malformed_test_suite_entry_gives_one_line(tmp_path, entry, message):
    _write(tmp_path, _result(tests=[entry]))
    with pytest.raises(ValueError, match=message) as error:
        br.load_results(tmp_path)
    assert "\n" not in str(error.value) and len(str(error.value)) < 240


def test_a_tests_section_that_is_no_list_is_refused():
    with pytest.raises(ValueError, match="new: tests must be a list of objects"):
        br.merge_results(None, _result(tests={"commit": "abc1234"}))


def test_a_chapters_glued_values_are_kept_through_merge_and_load(tmp_path):
    glued = {"gru_test": 2.25, "gru_verdict": "beats", "n_rows": 420451.0}
    old = _result(chapters=[{"chapter": "13_forecasting", "mode": "quick", "seconds": 30.0,
                             "glued": {"gru_test": 9.9}},
                            {"chapter": "03_numpy_rnn", "mode": "quick", "seconds": 5.0}])
    new = _result(chapters=[{"chapter": "13_forecasting", "mode": "quick", "seconds": 25.0,
                             "glued": glued}])
    merged = br.merge_results(old, new)
    _write(tmp_path, merged)
    (loaded,) = br.load_results(tmp_path)
    entry = next(e for e in loaded["chapters"] if e["chapter"] == "13_forecasting")
    assert entry["glued"] == glued and br.chapter_seconds(loaded, "13_forecasting") == 25.0
    # An entry written before glued existed has none, and stays valid.
    assert "glued" not in next(e for e in loaded["chapters"] if e["chapter"] == "03_numpy_rnn")
    assert "13_forecasting" in br.markdown_report(loaded)


@pytest.mark.parametrize("glued", [[1, 2], "beats", {"x": None}, {"x": True}, {"x": [1.0]}])
def test_malformed_glued_values_give_one_line(tmp_path, glued):
    _write(tmp_path, _result(chapters=[{"chapter": "13_forecasting", "mode": "quick",
                                        "seconds": 1.0, "glued": glued}]))
    with pytest.raises(ValueError, match="glued of an entry of chapters") as error:
        br.load_results(tmp_path)
    assert "\n" not in str(error.value)
