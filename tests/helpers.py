"""Shared paths, readers and helpers for the repository-level tests."""

from __future__ import annotations

import importlib
import os
import socket
import sys
from pathlib import Path
from types import ModuleType

import jupytext
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"
JUPYTER_BOOK = Path(sys.executable).with_name("jupyter-book")

#: Names what the set-up cell installs instead of the repository (a local
#: path or a pip requirement); tests/test_colab_simulation.py sets it.
INSTALL_FROM_ENV = "RNN_COURSE_INSTALL_FROM"


def chapter_sources() -> list[Path]:
    """Every chapter's MyST markdown source, in name order."""
    return sorted(CHAPTERS.glob("*.md"))


def book_config() -> dict:
    """The parsed ``_config.yml``."""
    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


def toc_files() -> list[str]:
    """Every file listed in ``_toc.yml`` (root first, sections after their chapter).

    Without extension.
    """
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))

    def walk(entries: list[dict]) -> list[str]:
        files = []
        for entry in entries:
            files.append(entry["file"])
            files += walk(entry.get("sections", []))
        return files

    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += walk(part.get("chapters", []))
    return files + walk(toc.get("chapters", []))


def setup_cell(md):
    """The first code cell of chapter ``md``: the Colab set-up cell."""
    return next(cell for cell in jupytext.read(md).cells if cell.cell_type == "code")


def require(name: str) -> ModuleType:
    """Import and return module ``name``.

    Without it, skip; but fail when the environment variable ``CI`` is set,
    so that a missing module cannot skip tests silently there.
    """
    __tracebackhide__ = True  # report the caller's line, as pytest.importorskip does
    try:
        return importlib.import_module(name)
    except ImportError as error:
        reason = f"could not import {name!r}: {error}"
    # Outside the except block: the report shows the reason, not the ImportError too.
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so this fails instead of skipping)", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


def table_rows(markdown: str) -> list[list[str]]:
    """The cells of every row of the Markdown tables in ``markdown``, stripped.

    Header rows count; the rules under them (``|:---|---:|``) do not. Tables
    are padded to line up, so tests compare cells, not the padded text.
    """
    rows = []
    for line in markdown.splitlines():
        line = line.strip()
        if not (line.startswith("|") and line.endswith("|")):
            continue
        cells = [cell.strip() for cell in line[1:-1].split("|")]
        if all(set(cell) <= set(":-") and cell for cell in cells):
            continue
        rows.append(cells)
    return rows


class _Connection:
    """What the fake ``socket.create_connection`` of :func:`patch_probe` returns."""

    def __init__(self):
        self.closed = False

    def close(self):
        self.closed = True


def patch_probe(monkeypatch, error: BaseException | None = None) -> list:
    """Replace ``socket.create_connection``, the data loaders' probe.

    Returns the list of its calls, each recorded as ``(address, timeout,
    connection)``. With ``error`` every call raises it instead of connecting
    (and records ``None`` as the connection); without, it returns a stand-in
    whose ``closed`` says whether the caller closed it.
    """
    calls = []

    def create_connection(address, timeout=None, *args, **kwargs):
        if error is not None:
            calls.append((address, timeout, None))
            raise error
        connection = _Connection()
        calls.append((address, timeout, connection))
        return connection

    monkeypatch.setattr(socket, "create_connection", create_connection)
    return calls


def spy_on(monkeypatch, dataset: str, name: str, outcome) -> list:
    """Replace ``keras.datasets.<dataset>.<name>`` with a spy; return its calls.

    Each call records ``(socket.getdefaulttimeout(), sys.stdout)`` as they
    are during the call; the spy then raises ``outcome`` if it is an
    exception, else returns it.
    """
    import keras

    calls = []

    def spy(*args, **kwargs):
        calls.append((socket.getdefaulttimeout(), sys.stdout))
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    monkeypatch.setattr(getattr(keras.datasets, dataset), name, spy)
    return calls
