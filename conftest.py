"""Repository-wide pytest hooks for the chapter notebooks that nbval executes.

- Keep what every cell printed for each chapter that nbval ran from its first
  cell to its last without an error, and mark each chapter done when its
  last cell is over, so that the book build renders those outputs instead of
  executing every chapter a second time (``tests/executed.py`` hands them to
  the build through jupyter-cache).
- Group the tests for pytest-xdist (a group per file, the browser tests in
  two) and order them: the longest first, the website's tests as soon as
  the chapters are done, the short tests last.
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

from tests.executed import COLLECTED_CHAPTERS, EXECUTED_ENV, done_marker
from tests.helpers import ROOT, toc_files

_PAGES = toc_files()
_NOTEBOOK_SECONDS: dict[str, float] = defaultdict(float)
#: Code cells nbval collected per notebook, and what each one printed.
_CELLS_IN: dict[Path, int] = {}
_RAN: dict[Path, list[dict]] = defaultdict(list)
_FAILED: set[Path] = set()
_OVER: dict[Path, int] = defaultdict(int)
#: The folder of this session's executions, when this session made it.
_OWNED = pytest.StashKey[str]()


def _is_nbval_cell(item: pytest.Item) -> bool:
    return type(item).__name__ == "IPyNbCell" and item.path.suffix == ".ipynb"


def pytest_configure(config):
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return  # a worker uses the folder of the process that started it
    # A new folder for every session, shared with pytest-xdist's workers,
    # which inherit the environment of the process that starts them.
    os.environ[EXECUTED_ENV] = tempfile.mkdtemp(prefix="rnn-course-executed-")
    config.stash[_OWNED] = os.environ[EXECUTED_ENV]


def pytest_unconfigure(config):
    folder = config.stash.get(_OWNED, None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        os.environ.pop(EXECUTED_ENV, None)


#: Test modules that run for minutes in one piece: the simulated Colab
#: runtime first, so that it runs beside the chapters (nbval) on another core.
_LONG_MODULES = ("test_colab_simulation.py", "test_reproducibility.py")
#: Test modules of the website, which read one site built for the session.
_SITE_MODULES = ("test_book_build.py", "test_results.py", "test_site_browser.py")
#: The browser tests take a minute and more: they are split in this many
#: groups, so that several workers share them.
_BROWSER_GROUPS = 2


def _group(nodeid: str) -> str:
    """The group of a test for pytest-xdist: its file, or a part of the browser tests."""
    path = nodeid.split("::", 1)[0]
    if not path.endswith("test_site_browser.py"):
        return path
    # Pages by their place in the table of contents, so that both groups
    # get chapters; tests of no page (dark mode) go with the first group.
    page = nodeid.partition("[")[2].rstrip("]")
    place = _PAGES.index(page) if page in _PAGES else 0
    return f"{path}::group{place % _BROWSER_GROUPS}"


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """Each group to one worker, in the order of collection.

    A notebook's cells must run in order in one kernel, so nbval's tests can
    never be spread one by one; the website's tests read one site, which the
    first worker to need it builds (the ``site`` fixture). xdist's own
    ``loadgroup`` cannot name groups under pytest 9, so the groups are read
    from the test ids here.
    """
    from xdist.scheduler import LoadScopeScheduling

    class GroupScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return _group(nodeid)

    return GroupScheduling(config, log)


def _chapter_seconds() -> dict[str, float]:
    """Each chapter's quick-mode time on the benchmark machines (``make bench``)."""
    from rnn_course.benchmark_results import chapter_seconds, load_results

    results = load_results()
    times = {}
    for notebook in (ROOT / "chapters").glob("*.ipynb"):
        seconds = chapter_seconds(results, notebook.stem) if results else None
        times[notebook.stem] = seconds or 0.0
    return times


def pytest_collection_modifyitems(config, items):
    for item in items:
        if _is_nbval_cell(item):
            _CELLS_IN[item.path] = _CELLS_IN.get(item.path, 0) + 1
    config.stash[COLLECTED_CHAPTERS] = sorted(path.stem for path in _CELLS_IN)
    # The longest first: the simulated Colab runtime on one worker, the
    # chapters (nbval), slowest first, on the other, then the website's
    # tests, which wait for the last chapter and share one built site, then
    # the other long modules and the short tests, which fill both workers to
    # the end. The workers get the groups in this order
    # (`--no-loadscope-reorder`). The sort is stable: a notebook's cells keep
    # their order.
    seconds = _chapter_seconds()

    def order(item: pytest.Item) -> tuple[int, float]:
        name = item.path.name
        if name == _LONG_MODULES[0]:
            return (0, 0.0)
        if _is_nbval_cell(item):
            return (1, -seconds.get(item.path.stem, 0.0))
        if name in _SITE_MODULES:
            return (2, _SITE_MODULES.index(name))
        if name in _LONG_MODULES:
            return (3, _LONG_MODULES.index(name))
        return (4, 0.0)

    items.sort(key=order)


def pytest_runtest_makereport(item, call):
    if not _is_nbval_cell(item):
        return
    folder = Path(os.environ[EXECUTED_ENV])
    if call.when == "call":
        if call.excinfo is not None:
            _FAILED.add(item.path)
            return
        ran = _RAN[item.path]
        ran.append({"source": item.cell.source, "outputs": item.test_outputs or []})
        if len(ran) == _CELLS_IN.get(item.path) and item.path not in _FAILED:
            record = folder / f"{item.path.stem}.json"
            partial = record.with_suffix(".part")
            partial.write_text(json.dumps(ran), encoding="utf-8")
            partial.replace(record)
    elif call.when == "teardown":
        # Every cell has a teardown, whether it passed, failed or never ran.
        _OVER[item.path] += 1
        if _OVER[item.path] == _CELLS_IN.get(item.path):
            done_marker(folder, item.path.stem).touch()


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
