"""Export a chapter's checked exercises as an Otter-Grader autograder (for Gradescope).

``python -m tools.otter_export CHAPTER [CHAPTER ...] [--out FOLDER]`` (``make
otter CHAPTER=02``) writes ``FOLDER/<chapter>-autograder.zip`` (``_build/otter``
by default), an autograder in the format of Otter-Grader's ``otter generate``:

- ``tests/<exercise>.py``, one Otter test file (the exception-based format)
  per auto-checked exercise, worth the exercise's points
  (:attr:`tools.exercises.Exercise.points`, from its check cells). Its one
  test case runs the chapter's own check cells, kept in the file, against the
  student's executed notebook, and passes when every line they print starts
  with "Correct!", as ``python -m tools.grade`` decides. The check cells of
  the submission play no part: one edited to ``print("Correct!")`` passes
  nothing.
- ``requirements.txt`` and ``environment.yml``: Python 3.11, otter-grader, the
  course helpers from the git ref the chapters' set-up cells install, and
  their direct dependencies at the versions the tests use.
- ``run_autograder``, Otter's script with quick mode switched on
  (``RNN_COURSE_QUICK=1``) before the notebook runs, as ``make grade`` does.

Upload the zip as the autograder of a Gradescope programming assignment and
hand out the chapter's student version (``student/``). To grade one
submission on this machine without Docker: ``RNN_COURSE_QUICK=1 otter run
-a FOLDER/<chapter>-autograder.zip submission.ipynb`` (it runs in the current
environment, which must hold the course's requirements).

otter-grader is an optional dependency (the ``grading`` extra; pinned in
requirements.txt). This is the course's own tooling, not part of the
installed package.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

from tools.assign import DEFAULT_SOURCE, ROOT, chapter_sources, select_chapters
from tools.exercises import (
    AssignError,
    ChapterExercises,
    Exercise,
    _path,
    chapter_notebook,
    read_exercises,
)
from tools.release import repository_url

#: Where the autograders go by default.
DEFAULT_OUT = ROOT / "_build" / "otter"
#: The Python of the grading image: the one requirements.txt is pinned for.
PYTHON_VERSION = "3.11"
#: Otter's settings: each exercise's result and message shown to the student
#: (every test is public: the check cells are in the student version anyway).
OTTER_CONFIG = {"show_all_public": True}
#: Set in ``run_autograder`` before Otter runs the notebook.
QUICK_EXPORT = "export RNN_COURSE_QUICK=1"
_INSTALL = "pip install -r requirements.txt (or pip install -e '.[grading]')"
_PACKAGE_REF = re.compile(r"^course:\n(?:[ \t]+.*\n|[ \t]*#.*\n)*?[ \t]+package_ref:[ \t]*(\S+)",
                          re.MULTILINE)

# In pyproject.toml (the tools read it with regular expressions, as tools/release.py does).
_PROJECT_NAME = re.compile(r'^\[project\]\n(?:(?!\[).*\n)*?name = "([^"\n]+)"', re.MULTILINE)
_DEPENDENCIES = re.compile(r"^dependencies = \[\n(.*?)^\]", re.MULTILINE | re.DOTALL)

_TEST_FILE = '''\
"""Otter-Grader test of exercise {label} of {stem}: the chapter's own check cells.

Written by python -m tools.otter_export; edit the chapter, not this file.
"""

import contextlib
import io

from otter.test_files import test_case

OK_FORMAT = False
name = {label!r}
points = {points}

#: The chapter's check cells of this exercise, run in the submission's globals.
CHECK_CELLS = {cells}


@test_case(hidden=False)
def chapter_checks(env):
    scope = dict(env)  # the checks' own names stay out of the submission's
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        for source in CHECK_CELLS:
            exec(source, scope)
    lines = [line.strip() for line in printed.getvalue().splitlines() if line.strip()]
    verdict = next((line for line in lines if not line.startswith("Correct!")),
                   None if lines else "the check printed no verdict")
    assert verdict is None, verdict
'''


def _otter():
    """The ``otter`` package, or an :class:`AssignError` that says how to install it."""
    try:
        import otter.generate
    except ImportError as error:
        raise AssignError(f"otter-grader is not installed ({error}): {_INSTALL}.") from None
    return otter


def test_file(chapter: ChapterExercises, exercise: Exercise) -> str:
    """The source of the Otter test file of ``exercise`` (a checked one) of ``chapter``."""
    if not isinstance(chapter, ChapterExercises):
        raise TypeError(f"chapter must be a ChapterExercises from read_exercises, "
                        f"got {type(chapter).__name__}.")
    if not isinstance(exercise, Exercise) or exercise not in chapter.exercises:
        raise TypeError(f"exercise must be one of the chapter's exercises, got {exercise!r:.60}.")
    if not exercise.check_cells:
        raise AssignError(f"{chapter.name}: {exercise.label} has no check cell to export.")
    cells = [chapter.notebook.cells[i].source for i in exercise.check_cells]
    listed = "[\n" + "".join(f"    {source!r},\n" for source in cells) + "]"
    return _TEST_FILE.format(label=exercise.label, stem=Path(chapter.name).stem,
                             points=exercise.points, cells=listed)


def grader_requirements(root: Path = ROOT) -> list[str]:
    """What the grading image installs besides otter-grader, one requirement a line.

    The course helpers from the git ref the set-up cells install
    (``_config.yml``), then each of their direct dependencies
    (``pyproject.toml``) at its version in ``requirements.txt``.
    """
    root = _path("root", root)
    config = (root / "_config.yml").read_text(encoding="utf-8")
    ref = _PACKAGE_REF.search(config)
    if ref is None:
        raise AssignError("_config.yml has no course.package_ref to install the helpers from.")
    pyproject = (root / "pyproject.toml").read_text(encoding="utf-8")
    project, dependencies = _PROJECT_NAME.search(pyproject), _DEPENDENCIES.search(pyproject)
    if project is None or dependencies is None:
        raise AssignError("pyproject.toml has no [project] name and dependencies = [...].")
    pins = {}
    for line in (root / "requirements.txt").read_text(encoding="utf-8").splitlines():
        name, _, version = line.strip().partition("==")
        if version and not name.startswith("#"):
            pins[_normal(name)] = f"{name}=={version}"
    lines = [f"{project[1]} @ git+{repository_url(root)}@{ref[1]}"]
    for dependency in re.findall(r'"([^"]+)"', dependencies[1]):
        name = re.split(r"[\s<>=!~;\[]", dependency, maxsplit=1)[0]
        lines.append(pins.get(_normal(name), dependency))
    return lines


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _quick_mode(zip_path: Path) -> None:
    """Rewrite ``zip_path`` with quick mode exported at the top of its ``run_autograder``."""
    rewritten = zip_path.with_suffix(".tmp")
    with zipfile.ZipFile(zip_path) as old, zipfile.ZipFile(rewritten, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == "run_autograder":
                first, _, rest = data.decode("utf-8").partition("\n")
                text = f"{first}\n# Quick mode, as make grade runs the chapters.\n" \
                       f"{QUICK_EXPORT}\n{rest}"
                info.external_attr = 0o100755 << 16  # an executable file
                data = text.encode("utf-8")
            new.writestr(info, data)
    rewritten.replace(zip_path)


def build_autograder(chapter: str, out: Path = DEFAULT_OUT,
                     source: Path = DEFAULT_SOURCE) -> Path:
    """Write the Otter autograder of ``chapter`` (``02``, a stem or a prefix) into ``out``.

    Returns the path of ``out/<chapter stem>-autograder.zip``.

    Raises:
        AssignError: ``chapter`` names no chapter (or several), the chapter
            has no auto-checked exercise, or otter-grader is not installed.
    """
    out, source = _path("out", out), _path("source", source)
    md = select_chapters(chapter_sources(source), [chapter])[0]
    exercises = read_exercises(chapter_notebook(md), md.name)
    checked = [exercise for exercise in exercises.exercises if exercise.check_cells]
    if not checked:
        raise AssignError(f"{md.stem} has no auto-checked exercise: nothing for Otter to grade.")
    otter = _otter()
    out.mkdir(parents=True, exist_ok=True)
    target = (out / f"{md.stem}-autograder.zip").resolve()
    work = Path(tempfile.mkdtemp(prefix="rnn-otter-"))
    cwd = Path.cwd()
    try:
        (work / "tests").mkdir()
        for exercise in checked:
            (work / "tests" / f"{exercise.label}.py").write_text(
                test_file(exercises, exercise), encoding="utf-8")
        (work / "requirements.txt").write_text(
            "\n".join(grader_requirements(source.resolve().parent)) + "\n", encoding="utf-8")
        (work / "otter_config.json").write_text(json.dumps(OTTER_CONFIG), encoding="utf-8")
        os.chdir(work)  # otter generate reads its inputs from the working directory
        otter.generate.main(tests_dir="tests", output_path=str(target),
                            config="otter_config.json",
                            requirements="requirements.txt", no_environment=True,
                            python_version=PYTHON_VERSION)
    finally:
        os.chdir(cwd)
        shutil.rmtree(work, ignore_errors=True)
    _quick_mode(target)
    return target


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.otter_export",
        description="Write an Otter-Grader autograder (a zip for Gradescope, or for "
                    "`otter run`) that grades a chapter's student version with the "
                    "chapter's own check cells.")
    parser.add_argument("chapters", nargs="+", metavar="CHAPTER",
                        help="a chapter: its number (02), its name or a prefix of it")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="where the zips go (default _build/otter)")
    args = parser.parse_args(argv)
    try:
        for chapter in args.chapters:
            path = build_autograder(chapter, args.out)
            print(f"wrote {path}")
    except (ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print("Upload a zip as a Gradescope programming assignment's autograder; grade one "
          "submission here with RNN_COURSE_QUICK=1 otter run -a ZIP SUBMISSION.ipynb")
    return 0


if __name__ == "__main__":
    sys.exit(main())
