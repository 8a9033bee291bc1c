"""Repository-wide pytest hooks for the chapter notebooks that nbval executes.

- Keep what every cell printed for each chapter that nbval ran from its first
  cell to its last without an error, so that the book build renders those
  outputs instead of executing every chapter a second time
  (``tests/executed.py`` hands them to the build through jupyter-cache).
- Mark every test that reads the built website ``site``: ``make test`` runs
  them after the others, once nbval has executed every chapter.
- Report how long each chapter notebook took.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections import defaultdict
from pathlib import Path

import pytest

from tests.executed import EXECUTED_ENV
from tests.helpers import ROOT

_NOTEBOOK_SECONDS: dict[str, float] = defaultdict(float)
#: Code cells nbval collected per notebook, and what each one printed.
_CELLS_IN: dict[Path, int] = {}
_RAN: dict[Path, list[dict]] = defaultdict(list)
_FAILED: set[Path] = set()
#: The folder of this session's executions, when this session made it.
_OWNED = pytest.StashKey[str]()


def _is_nbval_cell(item: pytest.Item) -> bool:
    return type(item).__name__ == "IPyNbCell" and item.path.suffix == ".ipynb"


def pytest_configure(config):
    config.addinivalue_line("markers", "site: reads the built website (the `site` fixture)")
    folder = os.environ.get(EXECUTED_ENV)
    if folder:
        # Named by `make test`, which runs two pytest sessions over it.
        Path(folder).mkdir(parents=True, exist_ok=True)
        return
    # One folder per session, shared with pytest-xdist's workers, which
    # inherit the environment of the process that starts them.
    os.environ[EXECUTED_ENV] = tempfile.mkdtemp(prefix="rnn-course-executed-")
    config.stash[_OWNED] = os.environ[EXECUTED_ENV]


def pytest_unconfigure(config):
    folder = config.stash.get(_OWNED, None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        os.environ.pop(EXECUTED_ENV, None)


#: Test modules that run for minutes in one piece: started first, so that
#: the short tests fill the other core meanwhile.
_LONG_MODULES = ("test_colab_simulation.py", "test_reproducibility.py", "test_resume.py")


def _chapter_seconds() -> dict[str, float]:
    """Each chapter's quick-mode time on the benchmark machines (``make bench``)."""
    from rnn_course.benchmark_results import chapter_seconds, load_results

    results = load_results()
    times = {}
    for notebook in (ROOT / "chapters").glob("*.ipynb"):
        seconds = chapter_seconds(results, notebook.stem) if results else None
        times[notebook.stem] = seconds or 0.0
    return times


def pytest_collection_modifyitems(items):
    for item in items:
        if _is_nbval_cell(item):
            _CELLS_IN[item.path] = _CELLS_IN.get(item.path, 0) + 1
        if "site" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.site)
    # Longest first: the long modules, then the chapters, slowest first, then
    # the rest. The sort is stable, so a notebook's cells keep their order.
    # `make test` hands whole files to its two workers in this order
    # (`--dist loadfile --no-loadscope-reorder`), so that the short tests
    # fill one core while the other runs a long one.
    seconds = _chapter_seconds()

    def order(item: pytest.Item) -> tuple[int, float]:
        if item.path.name in _LONG_MODULES:
            return (0, _LONG_MODULES.index(item.path.name))
        if _is_nbval_cell(item):
            return (1, -seconds.get(item.path.stem, 0.0))
        return (2, 0.0)

    items.sort(key=order)


def pytest_runtest_makereport(item, call):
    if call.when != "call" or not _is_nbval_cell(item):
        return
    if call.excinfo is not None:
        _FAILED.add(item.path)
        return
    ran = _RAN[item.path]
    ran.append({"source": item.cell.source, "outputs": item.test_outputs or []})
    if len(ran) == _CELLS_IN.get(item.path) and item.path not in _FAILED:
        record = Path(os.environ[EXECUTED_ENV]) / f"{item.path.stem}.json"
        partial = record.with_suffix(".part")
        partial.write_text(json.dumps(ran), encoding="utf-8")
        partial.replace(record)


def pytest_runtest_logreport(report):
    # nbval makes one test item per cell; add up setup, call and teardown.
    path = report.nodeid.split("::", 1)[0]
    if path.endswith(".ipynb"):
        _NOTEBOOK_SECONDS[path] += report.duration


def pytest_terminal_summary(terminalreporter):
    if not _NOTEBOOK_SECONDS:
        return
    terminalreporter.section("notebook execution time")
    for path, seconds in sorted(_NOTEBOOK_SECONDS.items()):
        terminalreporter.write_line(f"{seconds:7.1f} s  {Path(path).name}")
