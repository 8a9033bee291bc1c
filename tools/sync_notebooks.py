"""Regenerate every ``chapters/*.ipynb`` from its MyST ``.md`` source.

The ``.md`` is the source of truth; the ``.ipynb`` is rewritten from it
whatever the timestamps say, with no outputs and with cell ids derived from
the chapter name and cell position, so that regenerating an unchanged chapter
gives a byte-identical file (random ids would change on every run). The
conversion is :func:`tools.exercises.chapter_notebook` and
:func:`tools.exercises.notebook_text`, the same that writes the teacher
versions, so run this in the course's environment (``make sync``).

Usage, from the repository's root:
``python -m tools.sync_notebooks [--check] [chapters/NN_name.md ...]``
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tools import exercises

CHAPTERS = Path(__file__).resolve().parents[1] / "chapters"


def notebook_text(md: Path) -> str:
    """The ``.ipynb`` JSON text that ``md`` must be paired with."""
    return exercises.notebook_text(exercises.chapter_notebook(md))


def sync(sources: list[Path], check: bool = False) -> list[Path]:
    """Rewrite the ``.ipynb`` of each of ``sources`` that differs from its ``.md``.

    Returns the notebooks that were out of sync (and, unless ``check``, are
    now rewritten); notebooks already in sync are left untouched.
    """
    stale = []
    for md in sources:
        target = md.with_suffix(".ipynb")
        text = notebook_text(md)
        if target.exists() and target.read_text(encoding="utf-8") == text:
            continue
        stale.append(target)
        if not check:
            target.write_text(text, encoding="utf-8")
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sources", nargs="*", type=Path)
    parser.add_argument("--check", action="store_true",
                        help="only report notebooks that are out of sync")
    args = parser.parse_args(argv)
    sources = args.sources or sorted(CHAPTERS.glob("*.md"))
    stale = sync(sources, check=args.check)
    if not args.check:
        for target in stale:
            print(f"wrote {target}")
    if args.check and stale:
        print("out of sync: " + ", ".join(str(p) for p in stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
