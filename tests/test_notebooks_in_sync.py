"""The .md chapters are the source; their .ipynb twins must match them exactly.

Also checks the Colab set-up cell every chapter starts with.
"""

from __future__ import annotations

import json
import re

import pytest

from tests.helpers import (
    CHAPTERS,
    INSTALL_FROM_ENV,
    book_config,
    chapter_sources,
    setup_cell,
    toc_files,
)
from tools.sync_notebooks import notebook_text

SOURCES = chapter_sources()
IDS = [path.stem for path in SOURCES]


def test_there_are_chapters():
    assert SOURCES, f"no chapters/*.md found in {CHAPTERS}"


@pytest.mark.parametrize("md", SOURCES, ids=IDS)
def test_ipynb_is_regenerated_from_md(md):
    notebook = md.with_suffix(".ipynb")
    assert notebook.exists(), f"{notebook.name} is missing: run `make sync`"
    assert notebook.read_text(encoding="utf-8") == notebook_text(md), (
        f"{notebook.name} differs from {md.name}: edit the .md, then run `make sync`"
    )


@pytest.mark.parametrize("md", SOURCES, ids=IDS)
def test_ipynb_has_no_outputs(md):
    cells = json.loads(md.with_suffix(".ipynb").read_text(encoding="utf-8"))["cells"]
    dirty = [
        i for i, cell in enumerate(cells)
        if cell["cell_type"] == "code" and (cell.get("outputs") or cell.get("execution_count"))
    ]
    assert not dirty, f"{md.stem}.ipynb holds outputs in cells {dirty}: run `make sync`"


def test_every_ipynb_has_a_source():
    orphans = [nb.name for nb in CHAPTERS.glob("*.ipynb") if not nb.with_suffix(".md").exists()]
    assert not orphans, f"notebooks without a .md source: {orphans}"


def test_toc_lists_only_existing_pages():
    missing = [
        name for name in toc_files()
        if not any((CHAPTERS.parent / f"{name}{ext}").exists() for ext in (".md", ".ipynb"))
    ]
    assert not missing, f"_toc.yml lists pages that do not exist: {missing}"


def test_every_chapter_is_in_the_toc():
    listed = set(toc_files())
    absent = [md.stem for md in SOURCES if f"chapters/{md.stem}" not in listed]
    assert not absent, f"chapters missing from _toc.yml: {absent}"


INSTALL = re.compile(r'"git\+(?P<url>https://[^"@\s]+)@(?P<ref>[^"\s]+)"')


@pytest.mark.parametrize("md", SOURCES, ids=IDS)
def test_first_code_cell_installs_helpers_from_configured_repo(md):
    config = book_config()
    first = setup_cell(md)
    source = first.source
    assert 'find_spec("rnn_course") is None' in source, (
        f"{md.name}: the first code cell must install rnn_course only when it is missing"
    )
    assert f'os.environ.get("{INSTALL_FROM_ENV}")' in source, (
        f"{md.name}: the set-up cell must install from ${INSTALL_FROM_ENV} when it is set"
    )
    match = INSTALL.search(source)
    assert match, f"{md.name}: the set-up cell has no default git+https://...@ref to install"
    assert match["url"] == config["repository"]["url"], (
        f"{md.name}: set-up cell installs from {match['url']}, "
        f"_config.yml says {config['repository']['url']}"
    )
    assert match["ref"] == config["course"]["package_ref"], (
        f"{md.name}: set-up cell pins {match['ref']}, "
        f"_config.yml course.package_ref is {config['course']['package_ref']}"
    )
    assert "remove-cell" in first.metadata.get("tags", []), (
        f"{md.name}: the set-up cell must be hidden on the site (tag remove-cell)"
    )


def test_contributing_shows_the_set_up_cell_the_chapters_use():
    contributing = (CHAPTERS.parent / "CONTRIBUTING.md").read_text(encoding="utf-8")
    cell = setup_cell(SOURCES[0]).source
    assert cell in contributing, (
        "CONTRIBUTING.md's copy of the set-up cell differs from the chapters': update it"
    )


# Code shown in the prose (```python, ```bash, ...) is not a code cell, so
# ruff does not see it; on the site it scrolls sideways all the same.
FENCE = re.compile(r"^(`{3,})(\w+)\s*$")
PAGE_WIDTH = 79


def wide_code_lines(text: str, width: int = PAGE_WIDTH) -> list[int]:
    """Line numbers of the lines wider than ``width`` in fenced code blocks."""
    wide, fence = [], None
    for number, line in enumerate(text.splitlines(), start=1):
        if fence is None:
            match = FENCE.match(line)
            fence = match[1] if match else None
        elif line.strip() == fence:
            fence = None
        elif len(line) > width:
            wide.append(number)
    return wide


def test_wide_code_lines_finds_a_wide_line():
    text = "Prose " * 30 + "\n\n```python\nx = 1\n" + "y" * 80 + "\n```\n" + "z" * 90
    assert wide_code_lines(text) == [5]


@pytest.mark.parametrize("md", SOURCES, ids=IDS)
def test_code_in_the_prose_fits_the_page(md):
    wide = wide_code_lines(md.read_text(encoding="utf-8"))
    assert not wide, (
        f"{md.name}: lines {wide} of code blocks in the prose are wider than "
        f"{PAGE_WIDTH} columns and would scroll sideways on the site"
    )
