"""The student versions the course publishes (``student/``), and the teacher versions in Colab.

``student/NN_name.ipynb`` is the student version of every chapter, written by
``python -m tools.assign --student-dir student`` (``make sync``): it must be
committed, up to date and free of outputs, and keep the chapter's ids on its
check cells (the grader, ``tools/grade.py``, finds them by id). In the
teacher notebooks (``chapters/*.ipynb``, what the Colab button opens) every
solution code cell is a Colab form, its code hidden until the reader asks.
That every chapter page links the student version is checked on the built
site (``test_book_build.py``); that each runs from top to bottom, on the
simulated Colab runtime (``test_colab_simulation.py``).
"""

from __future__ import annotations

import json

import pytest

from tests.helpers import ROOT, book_config, chapter_sources
from tools import assign, exercises, sphinx_student_colab

SOURCES = chapter_sources()
IDS = [md.stem for md in SOURCES]
STUDENT = ROOT / sphinx_student_colab.STUDENT_FOLDER


def test_student_versions_are_up_to_date():
    stale = assign.sync_students(SOURCES, STUDENT, check=True)
    assert not stale, (
        f"out of date or extra: {[p.name for p in stale]}: run "
        "`make sync` (or `python -m tools.assign --student-dir student`)"
    )


@pytest.mark.parametrize("md", SOURCES, ids=IDS)
def test_student_version_has_no_outputs_and_keeps_check_ids(md):
    student = json.loads((STUDENT / f"{md.stem}.ipynb").read_text(encoding="utf-8"))
    code = [cell for cell in student["cells"] if cell["cell_type"] == "code"]
    assert not any(cell["outputs"] or cell["execution_count"] for cell in code)
    assert student["metadata"]["rnn_course"] == {"chapter": md.stem, "version": "student"}
    chapter = exercises.read_exercises(exercises.chapter_notebook(md), md.name)
    ids = {cell["id"] for cell in student["cells"]}
    for exercise in chapter.exercises:
        for index in exercise.check_cells:
            assert chapter.notebook.cells[index].id in ids, (
                f"{md.stem}: the check cell of {exercise.label} lost its id")
        assert exercises.todo_id(exercise.label) in ids


@pytest.mark.parametrize("md", SOURCES, ids=IDS)
def test_teacher_solutions_are_hidden_in_colab(md):
    teacher = json.loads(md.with_suffix(".ipynb").read_text(encoding="utf-8"))
    solutions = [cell for cell in teacher["cells"]
                 if exercises.SOLUTION_TAG in cell["metadata"].get("tags", [])]
    assert solutions, f"{md.stem}: no solution code cell"
    for cell in solutions:
        first = "".join(cell["source"]).splitlines()[0]
        assert cell["metadata"].get("cellView") == "form", first
        assert first.startswith(f"{exercises.COLAB_TITLE} Solution of ex-"), first


def test_sync_students_writes_prunes_and_checks(tmp_path):
    md = SOURCES[1]
    (tmp_path / "99_gone.ipynb").write_text("{}")
    assert sorted(p.name for p in assign.sync_students([md], tmp_path, check=True)) == [
        f"{md.stem}.ipynb", "99_gone.ipynb"]
    assert (tmp_path / "99_gone.ipynb").exists(), "--check must not remove anything"
    assign.sync_students([md], tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{md.stem}.ipynb"]
    assert assign.sync_students([md], tmp_path) == []
    assert assign.main(["--student-dir", str(tmp_path), "--check",
                        "--chapter", md.stem]) == 0


def test_student_colab_url_is_built_from_the_config():
    config = book_config()
    org, repo = config["repository"]["url"].removeprefix("https://github.com/").split("/")
    url = sphinx_student_colab.student_colab_url(
        config["launch_buttons"]["colab_url"], org, repo, config["repository"]["branch"],
        "02_rnn_pseudocode", config["repository"].get("path_to_book", ""))
    assert url == (f"https://colab.research.google.com/github/{org}/{repo}/blob/"
                   f"{config['repository']['branch']}/student/02_rnn_pseudocode.ipynb")
    assert sphinx_student_colab.student_colab_url(
        "https://c.org/", "o", "r", "v1", "x", "/book/") == (
        "https://c.org/github/o/r/blob/v1/book/student/x.ipynb")
