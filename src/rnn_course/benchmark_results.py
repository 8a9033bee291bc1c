"""Reading the results of ``make bench`` (``benchmarks/results/<machine-id>.json``).

This module is the one reader of those files: the appendix on fast training,
the instructor guide and the benchmark script itself go through it. One file
holds one machine's measurements::

    {
      "schema": 1,
      "machine": {"id": "cpu2-xeon", "description": "2 CPU cores, no GPU", ...},
      "chapters": [{"chapter": "06_imdb_sentiment", "mode": "quick",
                    "seconds": 11.3, "data": "synthetic", "ok": true,
                    "glued": {"test_accuracy": 0.84, "verdict": "beats"}}, ...],
      "imdb": [{"cell": "SimpleRNN", "recipe": "seeds", "epochs": 2,
                "seconds_per_epoch": 80.1, "val_accuracy": 0.55,
                "train_size": 25000, "details": {...}}, ...],
      "numpy_rnn": [{"method": "python_loop", "sequences_per_second": 123.0,
                     "batch": 256, "timesteps": 100, "features": 32,
                     "units": 64}, ...],
      "tests": [{"commit": "7a25726", "command": "make test", "ci": "1",
                 "install_seconds": 310.5, "test_seconds": 590.2,
                 "exit_status": 0, "ok": true, "passed": 431, "failed": 0}]
    }

A chapter's ``glued`` maps each name the chapter glued into its prose to
its value, a number or a short string (figures and long texts are left
out); entries written before it existed have none.
``tests`` holds one entry, the latest ``make test`` in a fresh clone
(``run.py --only tests``); files written before it existed have no such
section, which reads as an empty one. A missing entry means "not measured":
every reader here returns ``None`` for it rather than a guess.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

from rnn_course.tables import markdown_table

#: Version of the file layout this module reads and writes.
SCHEMA = 1
#: The recipe of the seeds (the starting notebooks) and the course's fast one.
RECIPES = ("seeds", "fast")
#: Recurrent cells in the order the tables show them.
CELL_ORDER = ("SimpleRNN", "LSTM", "GRU")
#: The fast recipe must be this many times faster per epoch...
TARGET_SPEEDUP = 2.0
#: ...at a validation accuracy no more than this below the seeds' recipe.
ACCURACY_TOLERANCE = 0.01

_SECTIONS = ("chapters", "imdb", "numpy_rnn", "tests")
# Fields every entry of a section must have, as strings.
_REQUIRED = {"chapters": ("chapter", "mode"), "imdb": ("cell", "recipe"),
             "numpy_rnn": ("method",), "tests": ("commit",)}
# Which fields identify an entry, so that a new measurement replaces an old one:
# none in tests, whose one entry is the latest run, whatever its commit.
_KEYS = {**_REQUIRED, "tests": ()}
# The other fields of a tests entry, each optional (missing: not measured),
# with the types it may have; None is JSON's null.
_TESTS_FIELDS = {"command": ((str, type(None)), "a string or null"),
                 "install_command": ((str, type(None)), "a string or null"),
                 "ci": ((str, type(None)), "a string or null"),
                 "install_seconds": ((int, float, type(None)), "a number or null"),
                 "test_seconds": ((int, float, type(None)), "a number or null"),
                 "exit_status": ((int, type(None)), "an integer or null"),
                 "passed": ((int, type(None)), "an integer or null"),
                 "failed": ((int, type(None)), "an integer or null"),
                 "ok": ((bool,), "true or false")}


def results_folder() -> Path:
    """The repository's ``benchmarks/results`` folder (it may not exist).

    Found next to the package sources, so it exists in a clone of the course
    (``pip install -e .``) and not where only a notebook was downloaded.
    """
    return Path(__file__).resolve().parents[2] / "benchmarks" / "results"


def _check_result(result, origin: str) -> dict:
    if not isinstance(result, dict):
        raise ValueError(f"{origin}: a benchmark result must be a JSON object.")
    if result.get("schema") != SCHEMA:
        raise ValueError(f"{origin}: schema must be {SCHEMA}, got {result.get('schema')!r}.")
    machine = result.get("machine")
    if not isinstance(machine, dict) or not isinstance(machine.get("id"), str) \
            or not machine["id"]:
        raise ValueError(f"{origin}: machine must be an object with a non-empty string id.")
    for section in _SECTIONS:
        entries = result.setdefault(section, [])
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise ValueError(f"{origin}: {section} must be a list of objects.")
        for entry in entries:
            missing = [key for key in _REQUIRED[section] if key not in entry]
            if missing:
                raise ValueError(f"{origin}: an entry of {section} lacks {', '.join(missing)}.")
            for key in _REQUIRED[section]:
                if not isinstance(entry[key], str):
                    raise ValueError(f"{origin}: {key} of an entry of {section} must be a "
                                     f"string, got {entry[key]!r:.40}.")
            if section == "tests":
                _check_tests_entry(entry, origin)
            if section == "chapters" and "glued" in entry:
                _check_glued(entry["glued"], origin)
    return result


def _check_glued(glued, origin: str) -> None:
    """A chapter's glued values: names (strings) to numbers or strings."""
    if not isinstance(glued, dict):
        raise ValueError(f"{origin}: glued of an entry of chapters must be an object, "
                         f"got {glued!r:.40}.")
    for name, value in glued.items():
        if not isinstance(name, str) or isinstance(value, bool) \
                or not isinstance(value, (int, float, str)):
            raise ValueError(f"{origin}: glued of an entry of chapters must map names to "
                             f"numbers or strings, got {name!r:.30}: {value!r:.30}.")


def _check_tests_entry(entry: dict, origin: str) -> None:
    for key, (types, wanted) in _TESTS_FIELDS.items():
        value = entry.get(key)
        # bool is an int to Python, but true is no count of seconds or tests.
        if key in entry and (not isinstance(value, types)
                             or (isinstance(value, bool) and bool not in types)):
            raise ValueError(f"{origin}: {key} of an entry of tests must be {wanted}, "
                             f"got {value!r:.40}.")


def load_result(path: str | os.PathLike) -> dict:
    """Read and check one machine's results file.

    Raises:
        ValueError: the file is not a results file of schema :data:`SCHEMA`.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be the path of a results .json file, "
                        f"got {type(path).__name__}.")
    path = Path(path)
    try:
        result = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"{path}: not valid JSON ({error.msg}, line {error.lineno}).") from None
    return _check_result(result, str(path))


def load_results(folder: str | os.PathLike | None = None) -> list[dict]:
    """Every machine's results in ``folder``, sorted by machine id.

    Args:
        folder: Where the ``<machine-id>.json`` files are; default
            :func:`results_folder`.

    Returns:
        One dict per file, in the layout of the module docstring; an empty
        list when the folder is missing (as on Colab) or holds no results.
    """
    if folder is not None and not isinstance(folder, (str, os.PathLike)):
        raise TypeError(f"folder must be a path, got {type(folder).__name__}.")
    folder = results_folder() if folder is None else Path(folder)
    if not folder.is_dir():
        return []
    results = [load_result(path) for path in sorted(folder.glob("*.json"))]
    return sorted(results, key=lambda result: result["machine"]["id"])


def _check_results(results, name: str = "results") -> list[dict]:
    if isinstance(results, dict):
        results = [results]
    if not isinstance(results, list):
        raise TypeError(f"{name} must be a list from load_results, got {type(results).__name__}.")
    return [_check_result(result, name) for result in results]


def _one_result(result) -> dict:
    """One machine's results (a list stands for its first element), checked."""
    if not isinstance(result, (dict, list)):
        raise TypeError("result must be one machine's results, an element of load_results(), "
                        f"got {type(result).__name__}.")
    results = _check_results(result, "result")
    if not results:
        raise ValueError("result is empty: pass one machine's results, an element of "
                         "load_results().")
    return results[0]


def _machines(results, machine: str | None) -> list[dict]:
    results = _check_results(results)
    if machine is None:
        return results
    if not isinstance(machine, str):
        raise TypeError(f"machine must be a machine id string, got {type(machine).__name__}.")
    return [result for result in results if result["machine"]["id"] == machine]


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def chapter_seconds(results, chapter: str, mode: str = "quick",
                    machine: str | None = None) -> float | None:
    """Seconds a chapter took to execute, or ``None`` when not measured.

    Args:
        results: The list from :func:`load_results` (or one result dict).
        chapter: Notebook stem, e.g. ``"06_imdb_sentiment"``.
        mode: ``"quick"`` or ``"full"``.
        machine: Only this machine id; default the first machine (by id) that
            measured the chapter.

    Returns:
        The seconds of a successful run; ``None`` when no machine ran it or
        the run failed.
    """
    if not isinstance(chapter, str):
        raise TypeError(f"chapter must be a notebook stem string, got {type(chapter).__name__}.")
    if not isinstance(mode, str) or mode not in ("quick", "full"):
        raise ValueError(f"mode must be 'quick' or 'full', got {mode!r:.60}.")
    for result in _machines(results, machine):
        for entry in result["chapters"]:
            if entry["chapter"] == chapter and entry["mode"] == mode and entry.get("ok", True):
                return _number(entry.get("seconds"))
    return None


def _count(value) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


def _ratio(numerator, denominator) -> float | None:
    if numerator is None or denominator is None or denominator <= 0:
        return None
    return numerator / denominator


def imdb_comparison(result: dict) -> list[dict]:
    """The seeds' recipe against the fast one, one row per recurrent cell.

    Args:
        result: One machine's results (an element of :func:`load_results`).

    Returns:
        Rows ``{"cell", "epochs", "train_size", "seeds_seconds_per_epoch",
        "fast_seconds_per_epoch", "speedup", "seeds_val_accuracy",
        "fast_val_accuracy", "accuracy_change", "target_met"}``, cells in
        :data:`CELL_ORDER` first. A value is ``None`` when its measurement is
        missing; ``target_met`` is ``None`` unless both recipes were measured,
        else whether the fast recipe is :data:`TARGET_SPEEDUP` times faster
        per epoch at an accuracy at most :data:`ACCURACY_TOLERANCE` lower.
    """
    result = _one_result(result)
    by_cell: dict[str, dict[str, dict]] = {}
    for entry in result["imdb"]:
        by_cell.setdefault(entry["cell"], {})[entry["recipe"]] = entry
    order = [c for c in CELL_ORDER if c in by_cell] + sorted(set(by_cell) - set(CELL_ORDER))
    rows = []
    for cell in order:
        seeds, fast = by_cell[cell].get("seeds", {}), by_cell[cell].get("fast", {})
        row = {"cell": cell, "epochs": _count(seeds.get("epochs", fast.get("epochs"))),
               "train_size": _count(seeds.get("train_size", fast.get("train_size")))}
        for name, entry in (("seeds", seeds), ("fast", fast)):
            row[f"{name}_seconds_per_epoch"] = _number(entry.get("seconds_per_epoch"))
            row[f"{name}_val_accuracy"] = _number(entry.get("val_accuracy"))
        row["speedup"] = _ratio(row["seeds_seconds_per_epoch"], row["fast_seconds_per_epoch"])
        accuracies = (row["fast_val_accuracy"], row["seeds_val_accuracy"])
        row["accuracy_change"] = None if None in accuracies else accuracies[0] - accuracies[1]
        if row["speedup"] is None or row["accuracy_change"] is None:
            row["target_met"] = None
        else:
            row["target_met"] = bool(row["speedup"] >= TARGET_SPEEDUP
                                     and row["accuracy_change"] >= -ACCURACY_TOLERANCE - 1e-9)
        rows.append(row)
    return rows


def numpy_comparison(result: dict) -> list[dict]:
    """NumPy RNN throughputs with their ratio to the one-at-a-time Python loop.

    Returns:
        Rows ``{"method", "sequences_per_second", "speedup", ...sizes}``;
        ``speedup`` is ``None`` when the ``python_loop`` entry is missing.
    """
    result = _one_result(result)
    baseline = next((_number(e.get("sequences_per_second")) for e in result["numpy_rnn"]
                     if e["method"] == "python_loop"), None)
    rows = []
    for entry in result["numpy_rnn"]:
        row = dict(entry)
        row["sequences_per_second"] = _number(entry.get("sequences_per_second"))
        row["speedup"] = _ratio(row["sequences_per_second"], baseline)
        rows.append(row)
    return rows


def merge_results(old: dict | None, new: dict) -> dict:
    """``old`` updated with ``new``: an entry of ``new`` replaces the same entry of ``old``.

    Entries are the same when they name the same chapter and mode, cell and
    recipe, or NumPy method; so a run of a subset of the benchmark keeps
    every other measurement. A run of the test suite replaces the previous
    one, whatever its commit. The machine description comes from ``new``.
    """
    new = _check_result(new, "new")
    if old is None:
        return {key: (list(value) if key in _SECTIONS else value) for key, value in new.items()}
    old = _check_result(old, "old")
    merged = {"schema": SCHEMA, "machine": dict(new["machine"])}
    for section in _SECTIONS:
        key = _KEYS[section]
        replaced = {tuple(entry[k] for k in key) for entry in new[section]}
        kept = [e for e in old[section] if tuple(e[k] for k in key) not in replaced]
        merged[section] = kept + list(new[section])
    return merged


def _cell(value, spec: str, suffix: str = "") -> str:
    return "not measured" if value is None else format(value, spec) + suffix


def machine_line(result: dict) -> str:
    """One sentence on the machine that produced ``result``."""
    machine = _one_result(result)["machine"]
    return (f"{machine.get('description', machine['id'])} (CPU: {machine.get('cpu', '?')}, "
            f"GPU: {machine.get('gpu') or 'none'}; Python {machine.get('python', '?')}, "
            f"TensorFlow {machine.get('tensorflow', '?')}, Keras {machine.get('keras', '?')}; "
            f"{machine.get('date', '?')}).")


def chapters_markdown(result: dict) -> str:
    """The chapters' execution times as a Markdown table ("" when none was measured)."""
    result = _one_result(result)
    if not result["chapters"]:
        return ""
    rows = []
    for chapter in sorted({e["chapter"] for e in result["chapters"]}):
        quick = chapter_seconds(result, chapter, "quick")
        full = chapter_seconds(result, chapter, "full")
        failed = [e["mode"] for e in result["chapters"]
                  if e["chapter"] == chapter and not e.get("ok", True)]
        note = f" (failed: {', '.join(failed)})" if failed else ""
        rows.append([f"{chapter}{note}", _cell(quick, ".1f"), _cell(full, ".1f")])
    return markdown_table(["chapter", "quick (s)", "full (s)"], rows, ["left", "right", "right"])


def tests_markdown(result: dict) -> str:
    """The test suite's run in a fresh clone as a Markdown table ("" when not measured).

    The install is ``make venv`` (with pip's cache as the machine has it),
    the tests ``make test`` with the value of ``CI`` shown; the total is
    both, in minutes.
    """
    result = _one_result(result)
    if not result["tests"]:
        return ""
    rows = []
    for entry in result["tests"]:
        install, tests = _number(entry.get("install_seconds")), _number(entry.get("test_seconds"))
        total = None if install is None or tests is None else (install + tests) / 60
        command = entry.get("command") or "?"
        if entry.get("ci"):
            command = f"CI={entry['ci']} {command}"
        ok = {None: "not measured", True: "yes", False: "no"}[entry.get("ok")]
        if entry.get("ok") is False and _count(entry.get("exit_status")) is not None:
            ok += f" (exit {entry['exit_status']})"
        rows.append([
            entry["commit"], f"`{command}`", _cell(install, ".1f"), _cell(tests, ".1f"),
            _cell(total, ".1f"), _cell(_count(entry.get("passed")), "d"),
            _cell(_count(entry.get("failed")), "d"), ok,
        ])
    header = ["commit", "command", "install (s)", "tests (s)", "total (min)", "passed",
              "failed", "ok"]
    return markdown_table(header, rows, ["left"] * 2 + ["right"] * 5 + ["left"])


def imdb_markdown(result: dict) -> str:
    """:func:`imdb_comparison` as a Markdown table ("" when nothing was measured)."""
    rows = imdb_comparison(result)
    if not rows:
        return ""
    cells = []
    for row in rows:
        met = {None: "not measured", True: "yes", False: "no"}[row["target_met"]]
        cells.append([
            row["cell"], _cell(row["epochs"], "d"), _cell(row["train_size"], "d"),
            _cell(row["seeds_seconds_per_epoch"], ".1f"),
            _cell(row["fast_seconds_per_epoch"], ".1f"), _cell(row["speedup"], ".2f", "x"),
            _cell(row["seeds_val_accuracy"], ".3f"), _cell(row["fast_val_accuracy"], ".3f"),
            met,
        ])
    header = ["cell", "epochs", "train size", "seeds s/epoch", "fast s/epoch", "speed-up",
              "seeds val acc", "fast val acc", "2x target met"]
    return markdown_table(header, cells, ["left"] + ["right"] * 7 + ["left"])


def numpy_markdown(result: dict) -> str:
    """:func:`numpy_comparison` as a Markdown table ("" when nothing was measured)."""
    rows = numpy_comparison(result)
    if not rows:
        return ""
    cells = []
    for row in rows:
        sizes = "x".join(str(row.get(k, "?")) for k in ("batch", "timesteps", "features"))
        cells.append([row["method"], _cell(row["sequences_per_second"], ",.0f"),
                      _cell(row["speedup"], ".1f", "x"), f"{sizes} -> {row.get('units', '?')}"])
    header = ["method", "sequences/s", "speed-up over the loop",
              "batch x timesteps x features -> units"]
    return markdown_table(header, cells, ["left", "right", "right", "left"])


def markdown_report(result: dict) -> str:
    """One machine's results as Markdown: what ``make bench`` prints and writes."""
    result = _one_result(result)
    lines = [f"# Benchmark on {result['machine']['id']}", "", machine_line(result), ""]
    for title, table in (("Chapter execution time", chapters_markdown(result)),
                         ("Test suite", tests_markdown(result)),
                         ("IMDB: the seeds' recipe against the fast one", imdb_markdown(result)),
                         ("NumPy RNN throughput", numpy_markdown(result))):
        if table:
            lines += [f"## {title}", "", table, ""]
    return "\n".join(lines)
