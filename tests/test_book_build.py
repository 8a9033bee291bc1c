"""The real book build: Jupyter Book 1 with warnings as errors.

Executes every chapter (quick mode and offline data under `make test`), then
checks what a reader of the website gets: every page, local MathJax, the
Colab button pointing at the committed notebook, exercise dropdowns.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.helpers import JUPYTER_BOOK, ROOT, book_config, toc_files

# The `site` fixture (the build, once per session) is in tests/conftest.py.


def page(site: Path, name: str) -> str:
    return (site / f"{name}.html").read_text(encoding="utf-8")


def test_every_toc_page_is_built(site):
    missing = [name for name in toc_files() if not (site / f"{name}.html").exists()]
    assert not missing, f"pages missing from the site: {missing}"
    assert (site / "index.html").exists()


def chapter_pages() -> list[str]:
    return [name for name in toc_files() if name.startswith("chapters/")]


@pytest.mark.parametrize("name", chapter_pages())
def test_pages_are_rendered_from_the_md_source(site, name):
    # The paired .ipynb is excluded: the page's source link names the .md.
    html = page(site, name)
    assert f"_sources/{name}.md" in html, f"{name}: the page was not built from {name}.md"


@pytest.mark.parametrize("name", chapter_pages())
def test_colab_button_points_at_committed_notebook(site, name):
    repo = book_config()["repository"]["url"].removeprefix("https://github.com/")
    expected = f"https://colab.research.google.com/github/{repo}/blob/main/{name}.ipynb"
    html = page(site, name)
    assert expected in html, f"{name}: no Colab link to {expected}"
    assert (ROOT / f"{name}.ipynb").exists()


@pytest.mark.parametrize("name", chapter_pages())
def test_student_version_is_one_click_away(site, name):
    """Beside the Colab button: the student version, opened in Colab from the repository."""
    from tools.sphinx_student_colab import TOOLTIP

    repo = book_config()["repository"]["url"].removeprefix("https://github.com/")
    branch = book_config()["repository"]["branch"]
    stem = name.rsplit("/", 1)[-1]
    expected = f"https://colab.research.google.com/github/{repo}/blob/{branch}/student/{stem}.ipynb"
    html = page(site, name)
    assert expected in html, f"{name}: no link to its student version {expected}"
    assert TOOLTIP in html
    assert html.index(expected) > html.index(f"blob/{branch}/{name}.ipynb"), (
        "the student version's link must follow the Colab button")
    assert (ROOT / "student" / f"{stem}.ipynb").exists()


@pytest.mark.parametrize("name", chapter_pages())
def test_mathjax_is_served_by_the_site(site, name):
    html = page(site, name)
    scripts = re.findall(r'<script[^>]+src="([^"]*mathjax[^"]*)"', html, flags=re.I)
    assert scripts, f"{name}: no MathJax script"
    remote = [src for src in scripts if src.startswith(("http:", "https:", "//"))]
    assert not remote, f"{name}: MathJax loaded from the network: {remote}"
    for src in scripts:
        assert (site / "chapters" / src.split("?")[0]).resolve().exists(), src


@pytest.mark.parametrize("name", chapter_pages())
def test_chapter_has_exercises_with_hidden_solutions(site, name):
    html = page(site, name)
    assert 'class="exercise' in html, f"{name}: no exercise"
    solutions = re.findall(r'<div class="(solution\b[^"]*)"', html)
    assert solutions, f"{name}: no solution"
    assert all("dropdown" in classes for classes in solutions), (
        f"{name}: every solution must be hidden in a dropdown: {solutions}"
    )


@pytest.mark.parametrize("name", chapter_pages())
def test_chapter_shows_outputs_and_no_errors(site, name):
    html = page(site, name)
    assert "cell_output" in html, f"{name}: no executed outputs on the page"
    assert "Traceback" not in html, f"{name}: an error traceback is on the page"


def test_bibliography_lists_every_cited_work(site):
    cited = set()
    for name in toc_files():
        source = ROOT / f"{name}.md"
        for keys in re.findall(r"\{cite(?::\w+)?\}`([^`]+)`", source.read_text(encoding="utf-8")):
            cited.update(key.strip() for key in keys.split(","))
    entries = page(site, "bibliography").count('role="doc-biblioentry"')
    assert cited, "no chapter cites anything"
    assert entries == len(cited), f"{entries} entries for {len(cited)} cited works"


def test_a_failing_cell_fails_the_build(tmp_path):
    """The book's own configuration turns a cell error into a failed build."""
    book = tmp_path / "book"
    (book / "chapters").mkdir(parents=True)
    for name in ("_config.yml", "references.bib", "bibliography.md",
                 "tools/sphinx_student_colab.py"):
        (book / name).parent.mkdir(parents=True, exist_ok=True)
        (book / name).write_text((ROOT / name).read_text(encoding="utf-8"), encoding="utf-8")
    (book / "_toc.yml").write_text(
        "format: jb-book\nroot: intro\nchapters:\n- file: chapters/broken\n", encoding="utf-8"
    )
    (book / "intro.md").write_text("# Intro\n", encoding="utf-8")
    (book / "chapters" / "broken.md").write_text(
        "---\njupytext:\n  text_representation:\n    format_name: myst\n"
        "kernelspec:\n  display_name: Python 3\n  language: python\n  name: python3\n---\n\n"
        "# Broken\n\n```{code-cell} ipython3\nraise RuntimeError('this cell fails')\n```\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [str(JUPYTER_BOOK), "build", str(book), "--warningiserror", "--keep-going"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode != 0, "a chapter whose cell raises must fail the build"
    assert "this cell fails" in result.stdout + result.stderr


def test_no_caption_is_a_stray_piece_of_alt_text(site):
    """A figure's alt text is whole, and its caption is not the alt text's tail.

    A MyST option does not continue over several lines: an ``:alt:`` written
    that way stops after its first line, and the rest shows as the caption.
    """
    from html import unescape

    problems = []
    for path in sorted(site.rglob("*.html")):
        html = path.read_text(encoding="utf-8")
        for figure in re.findall(r"<figure\b.*?</figure>", html, flags=re.S):
            alt = re.search(r'<img[^>]*\balt="([^"]*)"', figure)
            caption = re.search(r"<figcaption>(.*?)</figcaption>", figure, flags=re.S)
            if not alt or not caption:
                continue
            alt_text = unescape(alt.group(1)).strip()
            words = re.sub(r"<[^>]+>", " ", caption.group(1))
            words = re.sub(r"^\s*Fig\.\s*[\d.]+\s*", "", unescape(words)).split()
            if not alt_text.endswith((".", ")")):
                problems.append(f"{path.name}: alt text stops mid-sentence: {alt_text[-40:]!r}")
            if words and words[0][0].islower():
                problems.append(
                    f"{path.name}: caption starts mid-sentence: {' '.join(words[:6])!r}"
                )
    assert not problems, "\n".join(problems)
