"""Fixtures shared by the tests.

Matplotlib draws off screen (the Agg backend) in every test.

The book is built once per test session, whatever the number of
pytest-xdist workers: the build checks in ``test_book_build.py``, the
results in ``test_results.py`` and the browser tests in
``test_site_browser.py`` read the same site.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import matplotlib
import pytest

from tests.executed import (
    COLLECTED_CHAPTERS,
    EXECUTED_ENV,
    cache_executed_chapters,
    config_reading_cache,
    wait_for_chapters,
)
from tests.helpers import JUPYTER_BOOK, ROOT, chapter_sources, require

# Before any test module imports pyplot.
matplotlib.use("Agg")

#: Point this at an already built ``_build/html`` to test it without rebuilding
#: (for working on the tests; ``make test`` always builds).
PREBUILT_SITE = "RNN_COURSE_SITE"


@pytest.fixture(scope="session")
def site(tmp_path_factory, pytestconfig) -> Path:
    """The built website's ``html`` folder: the real build, warnings as errors.

    Under ``make test`` the site is built once for all pytest-xdist workers,
    in the session's folder of executions: the first worker that needs it
    builds it while holding a lock, and the others wait for it and read the
    same site (or the same build failure).
    """
    prebuilt = os.environ.get(PREBUILT_SITE)
    if prebuilt:
        html = Path(prebuilt)
        if not (html / "index.html").is_file():
            raise ValueError(f"{PREBUILT_SITE}={prebuilt} holds no built site (no index.html).")
        return html
    executed = os.environ.get(EXECUTED_ENV)
    if not executed:
        return _build_site(tmp_path_factory.mktemp("book"), None, [])
    folder = Path(executed)
    out, failed = folder / "book", folder / "book-failed.log"
    html = out / "_build" / "html"
    import fcntl  # POSIX only, as are the browser tests

    with open(folder / "book.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not (html / "index.html").is_file() and not failed.is_file():
            try:
                _build_site(out, folder, pytestconfig.stash.get(COLLECTED_CHAPTERS, []))
            except AssertionError as error:
                failed.write_text(str(error), encoding="utf-8")
    if failed.is_file():
        pytest.fail(failed.read_text(encoding="utf-8"), pytrace=False)
    return html


def _build_site(out: Path, executed: Path | None, chapters: list[str]) -> Path:
    """Build the book into ``out``; render the chapters nbval ran in ``executed``."""
    out.mkdir(parents=True, exist_ok=True)
    command = [str(JUPYTER_BOOK), "build", str(ROOT), "--path-output", str(out),
               "--warningiserror", "--keep-going"]
    if executed is not None:
        # Render the chapters nbval executed in this session instead of
        # running them again (tests/executed.py); the build executes any
        # other. Another worker may still be running a chapter: wait for it.
        wait_for_chapters(executed, chapters)
        cache = out / "jupyter_cache"
        cache_executed_chapters(cache, executed, chapter_sources())
        config = config_reading_cache(ROOT / "_config.yml", cache, out / "_config.yml")
        command += ["--config", str(config)]
    result = subprocess.run(command, capture_output=True, text=True,
                            env=os.environ.copy(), timeout=1800)
    log = result.stdout + result.stderr
    assert result.returncode == 0, "book build failed:\n" + log[-6000:]
    return out / "_build" / "html"


@pytest.fixture
def one_line(capsys):
    """A function that returns the one line printed since its last call."""

    def read() -> str:
        out = capsys.readouterr().out
        assert out.endswith("\n") and out.count("\n") == 1 and out.strip(), (
            f"expected one line, got {out!r}"
        )
        return out.strip()

    return read


@pytest.fixture
def built_layer():
    """A function ``built_layer(kind, features, units, **kwargs)`` that builds a Keras layer.

    ``kind`` is "SimpleRNN", "LSTM" or "GRU". The layer returns sequences
    unless ``return_sequences=False`` is passed.
    """
    keras = require("keras")

    def build(kind: str, features: int, units: int, **kwargs):
        kwargs.setdefault("return_sequences", True)
        layer = getattr(keras.layers, kind)(units, **kwargs)
        layer.build((None, None, features))
        return layer

    return build
