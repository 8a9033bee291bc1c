"""The chapters nbval executed, handed to the book build of the same session.

nbval executes every chapter notebook (``testpaths`` includes ``chapters``).
The repository's ``conftest.py`` keeps, for each chapter that ran from its
first cell to its last without an error, what every code cell printed, in
the folder named by :data:`EXECUTED_ENV`. :func:`cache_executed_chapters`
stores those outputs in a jupyter-cache, under the code cells that MyST-NB
reads from the chapter's ``.md``; the book build then runs in ``cache`` mode
and renders them instead of executing the chapter again. A chapter that nbval
did not run in full (a failure, or a session that ran only some tests) is not
cached, and the build executes it itself.

Under pytest-xdist the book may be built on one worker while the other still
runs a chapter: the build first waits (:func:`wait_for_chapters`) until nbval
has finished every chapter collected in the session, passed or failed, which
``conftest.py`` marks with a ``<chapter>.done`` file.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from pathlib import Path

import nbformat
import pytest

#: The environment variable naming the folder of the session's executions.
EXECUTED_ENV = "RNN_COURSE_EXECUTED"
#: The chapters whose notebooks nbval collected in this session, by stem.
COLLECTED_CHAPTERS = pytest.StashKey[list[str]]()


def done_marker(folder: Path, chapter: str) -> Path:
    """The file that says nbval has finished ``chapter`` (a notebook stem)."""
    return folder / f"{chapter}.done"


def wait_for_chapters(folder: Path, chapters: Iterable[str], timeout: float = 1800,
                      poll: float = 1.0) -> list[str]:
    """Wait until nbval has finished each of ``chapters``; those it has not, at ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        left = [name for name in chapters if not done_marker(folder, name).exists()]
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(poll)


def read_chapter(md: Path) -> nbformat.NotebookNode:
    """The notebook MyST-NB makes of ``md``: the cells its cache is keyed on."""
    from myst_nb.core.read import read_myst_markdown_notebook

    return read_myst_markdown_notebook(md.read_text(encoding="utf-8"))


def executed_chapter(md: Path, folder: Path) -> nbformat.NotebookNode | None:
    """``md``'s notebook with the outputs nbval recorded in ``folder``.

    ``None`` when nbval did not run the chapter in full, or ran code cells
    that are not the ones of ``md`` (a stale ``.ipynb``).
    """
    record = folder / f"{md.stem}.json"
    if not record.is_file():
        return None
    from tools.exercises import without_colab_title

    ran = json.loads(record.read_text(encoding="utf-8"))
    notebook = read_chapter(md)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    # The .ipynb's solution cells start with Colab's "# @title" line, which
    # the .md has not (tools.exercises.colab_hidden): the same code.
    if [cell.source for cell in code] != [without_colab_title(cell["source"]) for cell in ran]:
        return None
    for count, (cell, done) in enumerate(zip(code, ran), start=1):
        cell.execution_count = count
        cell.outputs = [nbformat.from_dict(output) for output in done["outputs"]]
    return notebook


def cache_executed_chapters(cache: Path, folder: Path, sources: list[Path]) -> list[str]:
    """Store every chapter of ``sources`` that nbval ran in full in a jupyter-cache.

    Returns the names of the chapters cached; the build executes the others.
    """
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    store = get_cache(str(cache))
    cached = []
    for md in sources:
        notebook = executed_chapter(md, folder)
        if notebook is not None:
            store.cache_notebook_bundle(CacheBundleIn(notebook, uri=str(md)), overwrite=True)
            cached.append(md.stem)
    return cached


def config_reading_cache(config: Path, cache: Path, out: Path) -> Path:
    """A copy of the book's ``config`` at ``out`` whose build reads ``cache``.

    Only the execution settings change: ``cache`` mode, in the jupyter-cache
    at ``cache``. A chapter found there is rendered with its outputs; any
    other is executed by the build, as ``force`` mode would.
    """
    import yaml

    settings = yaml.safe_load(config.read_text(encoding="utf-8"))
    settings.setdefault("execute", {}).update(execute_notebooks="cache", cache=str(cache))
    # Local extensions are found relative to the configuration file: the copy
    # names their folders in full.
    sphinx = settings.get("sphinx") or {}
    if sphinx.get("local_extensions"):
        sphinx["local_extensions"] = {
            name: str((config.parent / path).resolve())
            for name, path in sphinx["local_extensions"].items()
        }
    out.write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    return out
