"""Grading a class (``python -m tools.grade``, ``make grade``).

One folder of submissions of Chapter 2, the fastest chapter, is graded once
(module fixture), two notebooks at a time: a correct one, a wrong one (which
also deletes the submissions folder while it runs), an unwritten one, a
tampered one (check cells replaced by ``print("Correct!")``), a broken file,
one that never ends, and one of another chapter. Each must get its status;
the others are unit tests of the parts, without a kernel.
"""

from __future__ import annotations

import copy
import csv
import io
import subprocess
import sys

import nbformat
import pytest

from tests.helpers import CHAPTERS, ROOT
from tools import exercises, grade

CHAPTER = CHAPTERS / "02_rnn_pseudocode.md"
STUDENT = ROOT / "student" / "02_rnn_pseudocode.ipynb"
#: The time limit of one notebook in this test: Chapter 2 runs in about 5 s
#: on two quiet cores; the limit leaves room for a loaded machine.
TIMEOUT = 20


def chapter():
    return exercises.read_exercises(exercises.chapter_notebook(CHAPTER), CHAPTER.name)


def student():
    return nbformat.read(STUDENT, as_version=4)


def answered(answers: dict[str, str]):
    """The student version with the TODO cell of each exercise in ``answers`` replaced."""
    notebook = student()
    for cell in notebook.cells:
        for label, source in answers.items():
            if cell.get("id") == exercises.todo_id(label):
                cell.source = source
    return notebook


def solutions() -> dict[str, str]:
    ch = chapter()
    return {
        e.label: "\n".join(exercises.without_colab_title(ch.notebook.cells[i].source)
                           for i in e.solution_cells)
        for e in ch.exercises if e.check_cells
    }


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The rows of grades.csv by submission, the feedback folder, and the folder graded."""
    folder = tmp_path_factory.mktemp("submissions")
    out = tmp_path_factory.mktemp("grades")
    right = solutions()
    nbformat.write(answered(right), folder / "correct.ipynb")
    wrong = answered({
        "ex-02-shapes": (
            f"import shutil\nshutil.rmtree({str(folder)!r}, ignore_errors=True)\n"
            'my_shapes = {"x_t": (10,), "W": (10, 20), "U": (20, 20), "b": (20,),\n'
            '             "h_t": (20,), "V": (3, 20), "c": (3,), "y_t": (3,)}'),
        "ex-02-fourth-step": "my_h4 = 1 / 0",
    })
    nbformat.write(wrong, folder / "wrong.ipynb")
    nbformat.write(student(), folder / "unwritten.ipynb")
    tampered = student()
    for cell in tampered.cells:
        if exercises.CHECK_TAG in cell.metadata.get("tags", []):
            cell.source = 'print("Correct!")'
    nbformat.write(tampered, folder / "tampered.ipynb")
    text = STUDENT.read_text(encoding="utf-8")
    (folder / "broken.ipynb").write_text(text[: len(text) // 2], encoding="utf-8")
    looping = answered({**right, "ex-02-shapes": "while True:\n    pass"})
    nbformat.write(looping, folder / "looping.ipynb")
    (folder / "other.ipynb").write_text(
        (ROOT / "student" / "03_numpy_rnn.ipynb").read_text(encoding="utf-8"), encoding="utf-8")
    rows = grade.grade_folder(folder, out, chapter="02", jobs=3, timeout=TIMEOUT)
    with open(out / "grades.csv", encoding="utf-8", newline="") as file:
        table = list(csv.DictReader(file))
    assert [grade.Row(**{**r, "points": int(r["points"]), "max_points": int(r["max_points"])})
            for r in table] == rows
    by = {}
    for row in table:
        by.setdefault(row["submission"].removesuffix(".ipynb"), {})[row["exercise"]] = row
    return by, out / "feedback", folder


LABELS = ["ex-02-shapes", "ex-02-fourth-step", "ex-02-count"]


def statuses(graded, name):
    return [graded[0][name][label]["status"] for label in LABELS]


def test_grades_csv_has_a_row_per_submission_and_checked_exercise(graded):
    by, feedback, _ = graded
    assert sorted(by) == ["broken", "correct", "looping", "other", "tampered", "unwritten",
                          "wrong"]
    for name, rows in by.items():
        assert list(rows) == LABELS, name
        assert all(row["status"] in grade.STATUSES for row in rows.values())
        assert all(row["chapter"] == "02_rnn_pseudocode" for row in rows.values())
        assert (feedback / f"{name}.txt").is_file()


def test_correct_submission_gets_every_point(graded):
    rows = graded[0]["correct"]
    assert statuses(graded, "correct") == ["passed"] * 3
    assert [int(rows[label]["points"]) for label in LABELS] == [1, 1, 2]
    assert [int(rows[label]["max_points"]) for label in LABELS] == [1, 1, 2]
    assert all(rows[label]["message"].startswith("Correct!") for label in LABELS)


def test_wrong_submission_fails_raises_and_is_unwritten(graded):
    rows = graded[0]["wrong"]
    assert statuses(graded, "wrong") == ["failed", "error", "not written"]
    assert "ZeroDivisionError" in rows["ex-02-fourth-step"]["message"]
    assert sum(int(row["points"]) for row in rows.values()) == 0


def test_unwritten_and_tampered_submissions_are_not_written(graded):
    assert statuses(graded, "unwritten") == ["not written"] * 3
    # The tampered check cells print "Correct!": the chapter's own run instead.
    assert statuses(graded, "tampered") == ["not written"] * 3


def test_broken_endless_and_other_chapter_submissions_say_why(graded):
    rows = graded[0]
    assert statuses(graded, "broken") == ["error"] * 3
    assert "not a notebook" in rows["broken"]["ex-02-shapes"]["message"]
    assert statuses(graded, "looping") == ["timeout"] * 3
    assert f"{TIMEOUT} s" in rows["looping"]["ex-02-shapes"]["message"]
    assert statuses(graded, "other") == ["error"] * 3
    assert "chapter 03_numpy_rnn, not 02_rnn_pseudocode" in rows["other"]["ex-02-count"][
        "message"]


def test_a_submission_that_deletes_files_does_not_stop_the_others(graded):
    _, feedback, folder = graded
    assert not folder.exists(), "the wrong submission was meant to delete the folder"
    assert graded[0]["correct"]["ex-02-count"]["status"] == "passed"
    text = (feedback / "correct.txt").read_text(encoding="utf-8")
    assert "4 of 4 points" in text and "Graded by hand: ex-02-readout." in text


# --- the parts, without a kernel ------------------------------------------


def test_check_cells_are_found_by_tag_or_put_back_after_the_todo():
    ch = chapter()
    originals = [ch.notebook.cells[i].source for e in ch.exercises for i in e.check_cells]
    lost_ids = student()
    for k, cell in enumerate(lost_ids.cells):
        cell["id"] = f"colab{k}"
        if exercises.CHECK_TAG in cell.metadata.get("tags", []):
            cell.source = 'print("Correct!")'
    restored = grade.restore_checks(copy.deepcopy(lost_ids), ch)
    assert len(restored.cells) == len(lost_ids.cells)
    assert [c.source for c in restored.cells if grade._GRADER in c.metadata] == originals
    deleted = student()
    deleted.cells = [c for c in deleted.cells
                     if exercises.CHECK_TAG not in c.metadata.get("tags", [])]
    restored = grade.restore_checks(deleted, ch)
    places = [i for i, c in enumerate(restored.cells) if grade._GRADER in c.metadata]
    assert [restored.cells[i].source for i in places] == originals
    assert all(restored.cells[i - 1].get("id", "").startswith("todo-") for i in places)


def test_which_chapter_reads_metadata_ids_or_label():
    stems = [md.stem for md in sorted(CHAPTERS.glob("*.md"))]
    notebook = student()
    assert grade.which_chapter(notebook, stems) == "02_rnn_pseudocode"
    notebook.metadata.pop("rnn_course")
    assert grade.which_chapter(notebook, stems) == "02_rnn_pseudocode"
    for k, cell in enumerate(notebook.cells):
        cell["id"] = f"colab{k}"
    assert grade.which_chapter(notebook, stems) == "02_rnn_pseudocode"
    notebook.cells = notebook.cells[-3:]
    assert grade.which_chapter(notebook, stems) is None


@pytest.mark.parametrize("kwargs, words", [
    ({"timeout": 0}, "timeout must be a positive"),
    ({"jobs": 0}, "jobs must be a whole number"),
    ({"chapter": "99"}, "no chapter named '99'"),
])
def test_bad_arguments_are_one_line_errors(tmp_path, kwargs, words):
    nbformat.write(student(), tmp_path / "a.ipynb")
    with pytest.raises(ValueError, match=words):
        grade.grade_folder(tmp_path, tmp_path / "out", **kwargs)


def test_command_line_says_when_there_is_nothing_to_grade(tmp_path):
    result = subprocess.run([sys.executable, "-m", "tools.grade", str(tmp_path)],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 2
    assert result.stderr.startswith("error: no submission") and result.stderr.count("\n") == 1


def test_instructor_guide_shows_what_the_grader_writes(graded):
    """The guide's worked example is this very run of the right and wrong submissions."""
    _, feedback, _ = graded
    guide = (ROOT / "instructor_guide.md").read_text(encoding="utf-8")
    header = ",".join(grade.COLUMNS)
    rows = [header]
    for name, shown in (("correct", "right"), ("wrong", "wrong")):
        for label in LABELS:
            row = graded[0][name][label]
            buffer = io.StringIO()
            csv.writer(buffer).writerow([shown + ".ipynb"] + [row[c] for c in grade.COLUMNS[1:]])
            rows.append(buffer.getvalue().rstrip("\r\n"))
    assert "\n".join(rows) in guide, "update the worked example of instructor_guide.md"
    wrong = (feedback / "wrong.txt").read_text(encoding="utf-8").rstrip()
    assert wrong in guide, "update the feedback file shown in instructor_guide.md"
