"""Smoke test of benchmarks/run.py (make bench): every kind of case, on tiny sizes."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys

import nbformat
import numpy as np
import pytest

from rnn_course import benchmark_results
from tests.helpers import ROOT


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "benchmarks" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _args(bench, *argv):
    # Parse like main() does, without running anything.
    parsed = {}

    def fake_plan(args):
        parsed["args"] = args
        return []

    original, bench.plan = bench.plan, fake_plan
    try:
        bench.main([*argv, "--output", "/nonexistent-never-written"])
    finally:
        bench.plan = original
    return parsed["args"]


def test_smoke_plan_has_every_kind_of_case(bench):
    cases = bench.plan(_args(bench, "--smoke"))
    assert {case["kind"] for case in cases} == {"chapter", "imdb", "numpy"}
    imdb = [case for case in cases if case["kind"] == "imdb"]
    # Seeds and fast alternate, each cell in its own process.
    assert [case["recipe"] for case in imdb] == ["seeds", "fast"]
    assert all(case["train_size"] <= 256 for case in imdb)


def test_full_plan_times_chapters_in_both_modes_and_every_cell(bench):
    cases = bench.plan(_args(bench, "--full", "--chapters", "03", "06", "--epochs", "2"))
    chapters = [(c["chapter"], c["mode"]) for c in cases if c["kind"] == "chapter"]
    assert chapters == [("03_numpy_rnn", "quick"), ("06_imdb_sentiment", "quick"),
                        ("03_numpy_rnn", "full"), ("06_imdb_sentiment", "full")]
    assert {c["cell"] for c in cases if c["kind"] == "imdb"} == {"SimpleRNN", "LSTM", "GRU"}
    assert {c["epochs"] for c in cases if c["kind"] == "imdb"} == {2}
    assert bench.case_environment(cases[2])["RNN_COURSE_QUICK"] == "0"


def test_unknown_chapter_is_refused(bench):
    with pytest.raises(SystemExit, match="no chapter starts with 99"):
        bench.plan(_args(bench, "--chapters", "99"))


def test_numpy_cases_run_in_children_and_merge_into_the_file(bench, tmp_path):
    # An earlier run measured a chapter: a numpy-only run must keep it.
    earlier = {"schema": 1, "machine": {"id": "smoke"}, "imdb": [], "numpy_rnn": [],
               "chapters": [{"chapter": "03_numpy_rnn", "mode": "quick", "seconds": 9.0,
                             "data": "synthetic", "ok": True}]}
    (tmp_path / "smoke.json").write_text(json.dumps(earlier), encoding="utf-8")
    assert bench.main(["--smoke", "--only", "numpy", "--machine-id", "smoke",
                       "--output", str(tmp_path)]) == 0
    (result,) = benchmark_results.load_results(tmp_path)
    assert benchmark_results.chapter_seconds(result, "03_numpy_rnn") == 9.0
    rows = {row["method"]: row for row in benchmark_results.numpy_comparison(result)}
    assert set(rows) == {"python_loop", "rnn_forward_batch", "keras_simple_rnn"}
    assert all(row["sequences_per_second"] > 0 for row in rows.values())
    assert result["machine"]["cores"] >= 1 and result["machine"]["tensorflow"]
    assert "NumPy RNN throughput" in (tmp_path / "smoke.md").read_text(encoding="utf-8")


def test_tests_part_runs_only_when_asked(bench, monkeypatch):
    # Ten minutes of make test: never in the default run, nor in a default smoke run.
    assert "tests" not in {case["kind"] for case in bench.plan(_args(bench))}
    assert "tests" not in {case["kind"] for case in bench.plan(_args(bench, "--smoke"))}
    monkeypatch.delenv("CI", raising=False)
    (case,) = bench.plan(_args(bench, "--only", "tests"))
    assert case["install"] == ["make", "venv"] and case["command"] == ["make", "test"]
    assert case["ci"] == "1"  # as .ci/run sets it
    (case,) = bench.plan(_args(bench, "--only", "tests", "--smoke"))
    assert case["command"] == ["make", "-n", "test"]


def test_pytest_counts_sum_every_session(bench):
    output = ("tests/test_a.py ....F\n"
              "========= 1 failed, 410 passed, 3 skipped, 2 warnings in 301.22s (0:05:01) ====\n"
              "make: *** [Makefile:50: test] Error 1\n"
              "\x1b[32m======== 21 passed, 1 error in 95.10s (0:01:35) ========\x1b[0m\n")
    assert bench.pytest_counts(output) == (431, 2)
    assert bench.pytest_counts("=== no tests ran in 0.01s ===") == (0, 0)
    assert bench.pytest_counts("make: *** No rule to make target 'test'.") == (None, None)


needs_git = pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(),
                               reason="the tests part clones the repository with git")

# Stands in for make test: checks where and how it runs, then prints two
# sessions' summaries and fails as make does when a test fails.
FAKE_TESTS = """
import os, pathlib, sys
if os.environ.get("CI") != "1" or "VIRTUAL_ENV" in os.environ \
        or pathlib.Path.cwd().name != "clone" or not pathlib.Path("Makefile").exists():
    sys.exit(3)
print("=== 1 failed, 40 passed in 3.00s ===")
print("=== 2 passed in 1.00s ===")
sys.exit(2)
"""


@needs_git
def test_tests_case_clones_times_counts_and_removes_the_clone(bench, tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    monkeypatch.setenv("VIRTUAL_ENV", str(ROOT / ".venv"))
    entry = bench.run_tests({"install": [sys.executable, "-c", "pass"],
                             "command": [sys.executable, "-c", FAKE_TESTS], "ci": "1"})
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                          capture_output=True, text=True, check=True).stdout.strip()
    assert entry["commit"] == head and entry["ci"] == "1"
    assert entry["exit_status"] == 2 and entry["ok"] is False
    assert (entry["passed"], entry["failed"]) == (42, 1)
    assert entry["install_seconds"] >= 0 and entry["test_seconds"] > 0
    assert list(tmp_path.iterdir()) == []  # the clone is gone
    # A failed install runs no tests.
    entry = bench.run_tests({"install": [sys.executable, "-c", "raise SystemExit(4)"],
                             "command": [sys.executable, "-c", FAKE_TESTS], "ci": "1"})
    assert entry["exit_status"] == 4 and entry["test_seconds"] is None
    assert entry["passed"] is None and list(tmp_path.iterdir()) == []


@needs_git
def test_tests_smoke_runs_in_a_child_and_merges_into_the_file(bench, tmp_path, monkeypatch):
    earlier = {"schema": 1, "machine": {"id": "smoke"}, "imdb": [], "numpy_rnn": [],
               "chapters": [{"chapter": "03_numpy_rnn", "mode": "quick", "seconds": 9.0,
                             "data": "synthetic", "ok": True}]}
    (tmp_path / "smoke.json").write_text(json.dumps(earlier), encoding="utf-8")
    clones = tmp_path / "clones"
    clones.mkdir()
    monkeypatch.setenv("TMPDIR", str(clones))  # where the child makes its clone
    monkeypatch.delenv("CI", raising=False)
    assert bench.main(["--smoke", "--only", "tests", "--machine-id", "smoke",
                       "--output", str(tmp_path)]) == 0
    (result,) = benchmark_results.load_results(tmp_path)
    assert benchmark_results.chapter_seconds(result, "03_numpy_rnn") == 9.0
    (entry,) = result["tests"]
    assert entry["command"] == "make -n test" and entry["ok"] is True
    assert list(clones.iterdir()) == []
    report = (tmp_path / "smoke.md").read_text(encoding="utf-8")
    assert "## Test suite" in report and "`CI=1 make -n test`" in report


def _tiny_imdb(num_words=10000, source=None):
    rng = np.random.default_rng(0)

    def split(n):
        x = np.empty(n, dtype=object)
        x[:] = [[1, *rng.integers(3, num_words, size=rng.integers(5, 40)).tolist()]
                for _ in range(n)]
        return x, rng.integers(0, 2, size=n)

    return split(64), split(64)


def test_imdb_case_follows_the_schema(bench, monkeypatch):
    # The real twin takes seconds to load; the case's logic does not need it.
    monkeypatch.setattr("rnn_course.data.load_imdb", _tiny_imdb)
    for recipe in ("seeds", "fast"):
        entry = bench.run_imdb({"cell": "GRU", "recipe": recipe, "epochs": 1, "seed": 0,
                                "train_size": 48, "validation_size": 32})
        assert entry["cell"] == "GRU" and entry["recipe"] == recipe
        assert entry["train_size"] == 48 and entry["seconds_per_epoch"] > 0
        assert 0 <= entry["val_accuracy"] <= 1 and entry["details"]["batch_size"] > 0


def test_chapter_case_executes_a_notebook(bench, tmp_path, monkeypatch):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(6 * 7)")])
    nbformat.write(notebook, tmp_path / "00_tiny.ipynb")
    monkeypatch.setattr(bench, "CHAPTERS", tmp_path)
    entry = bench.run_chapter({"chapter": "00_tiny", "mode": "quick", "data": "synthetic",
                               "cell_timeout": 60})
    assert entry["ok"] is True and entry["seconds"] > 0


def test_twin_calibration_runs_and_writes_the_comparison(tmp_path, monkeypatch):
    """benchmarks/twin_calibration.py (make bench) on tiny sizes, and its table."""
    spec = importlib.util.spec_from_file_location(
        "twin_calibration", ROOT / "benchmarks" / "twin_calibration.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    results = module.measure(["bow", "simple_rnn"], n_train=200, n_test=100, epochs=1,
                             maxlen=50)
    assert set(results["models"]) == {"bag of words", "SimpleRNN"}
    for row in results["models"].values():
        assert 0.0 <= row["twin"] <= 1.0 and row["real"] in (0.88, 0.85)
    table = module.markdown(results)
    assert "| SimpleRNN |" in table and "Chollet" in table


def test_chapter_case_records_what_the_notebook_glued(bench, tmp_path, monkeypatch):
    cells = [
        "from IPython.display import Markdown\n"
        "from rnn_course.notebook import glue\n"
        "glue('mae', 2.25)\nglue('windows', 1400)\nglue('verdict', Markdown('beats'))\n"
        "glue('word', 'worse than')\nglue('note', Markdown('long ' * 100))",
        "glue('mae', 2.5)",  # glued again: the last value counts, as in the book
    ]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nbformat.write(notebook, tmp_path / "00_glue.ipynb")
    monkeypatch.setattr(bench, "CHAPTERS", tmp_path)
    entry = bench.run_chapter({"chapter": "00_glue", "mode": "quick", "data": "synthetic",
                               "cell_timeout": 120})
    assert entry["ok"] is True
    assert entry["glued"] == {"mae": 2.5, "windows": 1400.0, "verdict": "beats",
                              "word": "worse than"}


def test_glued_values_skip_figures_and_read_prefixed_keys(bench):
    def glue_output(name, data, prefix="application/papermill.record/"):
        return nbformat.v4.new_output(
            "display_data", data={prefix + key: value for key, value in data.items()},
            metadata={"scrapbook": {"name": name, "mime_prefix": prefix}})

    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [
        glue_output("figure", {"image/png": "iVBOR", "text/plain": "<Figure>"}),
        glue_output("shown", {"text/plain": "0.5"}, prefix=""),
        glue_output("text", {"text/plain": "'GRU'"}),
        nbformat.v4.new_output("stream", text="not glued"),
    ]
    notebook = nbformat.v4.new_notebook(cells=[cell, nbformat.v4.new_markdown_cell("x")])
    assert bench.glued_values(notebook) == {"shown": 0.5, "text": "GRU"}
