"""Student and teacher versions of the chapters, and the instructor guide's tables.

The command line of :mod:`tools.exercises` (the student versions) and
:mod:`tools.instructor_guide` (the guide's tables); run it from the
repository's root::

    python -m tools.assign [--chapter 03 ...] [--source chapters] [--out _build/assign]
    python -m tools.assign --student-dir student [--check]
    python -m tools.assign --guide instructor_guide.md

The first form writes ``student/NN_name.ipynb`` (solutions replaced by TODO
stubs) and ``teacher/NN_name.ipynb`` (the chapter as it is) for each chapter.
The second form rewrites the student versions the repository publishes
(``student/`` at its root, which the "student version" Colab link of every
chapter page opens) and removes those of chapters that are gone; ``make
sync`` runs it, and ``--check`` only lists what is out of date.
The third form rewrites the generated part of the instructor guide (between
its two marker comments) from the chapters' objectives boxes, their
exercises and the benchmark results (``benchmarks/results/*.json``).

This is the course's own tooling, not part of the installed ``rnn_course``
package: the repository is found from this file's place in it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from rnn_course import _validate
from tools.exercises import (
    AssignError,
    _chapter_file,
    _path,
    _paths,
    chapter_notebook,
    notebook_text,
    read_exercises,
    student_notebook,
)
from tools.instructor_guide import write_guide

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT / "chapters"
DEFAULT_OUT = ROOT / "_build" / "assign"


def chapter_sources(source: Path = DEFAULT_SOURCE) -> list[Path]:
    """Every chapter's ``.md`` in ``source``, in name order.

    Raises:
        AssignError: ``source`` is not a folder or holds no chapter.
    """
    source = _path("source", source)
    if not source.is_dir():
        raise AssignError(f"no chapters folder at {source}.")
    mds = sorted(source.glob("*.md"))
    if not mds:
        raise AssignError(f"no chapter (.md file) in {source}.")
    return mds


def select_chapters(mds: Sequence[Path], wanted: Sequence[str] | None) -> list[Path]:
    """The chapters named by ``wanted`` (a number ``03``/``3``, a stem, or a prefix).

    Raises:
        AssignError: a name matches no chapter, or several.
    """
    mds = _paths("mds", mds)
    if wanted is not None:
        wanted = _validate.strings("wanted", wanted, allow_empty=True)
    if not wanted:
        return list(mds)
    chosen = []
    for name in wanted:
        key = name.removesuffix(".md").removesuffix(".ipynb").split("/")[-1]
        if key.isdigit():
            key = f"{int(key):02d}_"
        matches = [md for md in mds if md.stem == key or md.stem.startswith(key)]
        if len(matches) != 1:
            names = ", ".join(md.stem for md in mds)
            what = "no chapter" if not matches else "several chapters"
            raise AssignError(f"{what} named {name!r}; choose among {names}.")
        chosen.append(matches[0])
    return chosen


def export_chapter(md: Path, out: Path) -> tuple[Path, Path]:
    """Write ``out/student/<name>.ipynb`` and ``out/teacher/<name>.ipynb`` for one chapter."""
    md, out = _chapter_file("md", md), _path("out", out)
    notebook = chapter_notebook(md)
    chapter = read_exercises(notebook, md.name)
    paths = []
    for kind, version in (("student", student_notebook(chapter)), ("teacher", notebook)):
        path = Path(out) / kind / f"{md.stem}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(notebook_text(version), encoding="utf-8")
        paths.append(path)
    return paths[0], paths[1]


def student_text(md: Path) -> str:
    """The ``.ipynb`` text of the student version of chapter ``md``."""
    md = _chapter_file("md", md)
    return notebook_text(student_notebook(read_exercises(chapter_notebook(md), md.name)))


def sync_students(mds: Sequence[Path], folder: Path, check: bool = False,
                  prune: bool = True) -> list[Path]:
    """Rewrite ``folder/<name>.ipynb``, the student version of each of ``mds``.

    Only the files that differ are written; with ``prune``, a notebook in
    ``folder`` of no chapter of ``mds`` is removed. With ``check`` nothing is
    written or removed. Returns the files that were (or, with ``check``, are)
    out of date or extra.
    """
    mds, folder = _paths("mds", mds, exist=True), _path("folder", folder)
    stale = []
    for md in mds:
        target = folder / f"{md.stem}.ipynb"
        text = student_text(md)
        if target.is_file() and target.read_text(encoding="utf-8") == text:
            continue
        stale.append(target)
        if not check:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    if prune and folder.is_dir():
        names = {f"{md.stem}.ipynb" for md in mds}
        for extra in sorted(folder.glob("*.ipynb")):
            if extra.name not in names:
                stale.append(extra)
                if not check:
                    extra.unlink()
    return stale


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.assign",
        description="Export student versions (solutions replaced by TODO stubs) and teacher "
                    "versions of the chapters, or regenerate the instructor guide's tables.")
    parser.add_argument("--chapter", action="append", metavar="NN|name",
                        help="a chapter to export (repeatable); default every chapter")
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE,
                        help="the folder of the chapters' .md files (default chapters/)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="where student/ and teacher/ are written (default _build/assign)")
    parser.add_argument("--student-dir", type=Path, metavar="FOLDER",
                        help="instead, rewrite the published student versions in FOLDER "
                             "(student/ at the repository's root)")
    parser.add_argument("--check", action="store_true",
                        help="with --student-dir: only list the files out of date (exit 1)")
    parser.add_argument("--guide", type=Path, metavar="PATH",
                        help="instead, rewrite the generated tables of this instructor guide")
    parser.add_argument("--results", type=Path, metavar="FOLDER",
                        help="benchmark results for --guide (default benchmarks/results)")
    args = parser.parse_args(argv)
    try:
        mds = select_chapters(chapter_sources(args.source), args.chapter)
        if args.guide is not None:
            path = write_guide(args.guide, mds, args.results)
            print(f"wrote {path}")
            return 0
        if args.student_dir is not None:
            stale = sync_students(mds, args.student_dir, check=args.check,
                                  prune=not args.chapter)
            verb = "out of date" if args.check else "wrote"
            for path in stale:
                print(f"{verb}: {path}" if path.exists() or args.check else f"removed: {path}")
            return 1 if args.check and stale else 0
        for md in mds:
            student, teacher = export_chapter(md, args.out)
            print(f"{md.stem}: {student} and {teacher}")
    except (ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
