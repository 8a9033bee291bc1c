"""Fixtures shared by the tests of the website.

The book is built once per test session: the build checks in
``test_book_build.py`` and the browser tests in ``test_site_browser.py``
read the same site.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT

JUPYTER_BOOK = Path(sys.executable).with_name("jupyter-book")

#: Point this at an already built ``_build/html`` to test it without rebuilding
#: (for working on the tests; ``make test`` always builds).
PREBUILT_SITE = "RNN_COURSE_SITE"


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The built website's ``html`` folder: the real build, warnings as errors."""
    prebuilt = os.environ.get(PREBUILT_SITE)
    if prebuilt:
        html = Path(prebuilt)
        if not (html / "index.html").is_file():
            raise ValueError(f"{PREBUILT_SITE}={prebuilt} holds no built site (no index.html).")
        return html
    out = tmp_path_factory.mktemp("book")
    result = subprocess.run(
        [str(JUPYTER_BOOK), "build", str(ROOT), "--path-output", str(out),
         "--warningiserror", "--keep-going"],
        capture_output=True, text=True, env=os.environ.copy(), timeout=1800,
    )
    log = result.stdout + result.stderr
    assert result.returncode == 0, "book build failed:\n" + log[-6000:]
    return out / "_build" / "html"
