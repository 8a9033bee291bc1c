"""Grade a class: run every submitted notebook and write a gradebook.

``python -m tools.grade SUBMISSIONS [--chapter 03] [--out FOLDER] [--jobs N] [--timeout S]``
(``make grade SUBMISSIONS=folder``) grades every ``*.ipynb`` in the folder
``SUBMISSIONS``:

1. Every submission is read first, before any runs, and its chapter found
   (the student version's metadata, else its cell ids, else its chapter
   label). A file that is not a notebook, or (with ``--chapter``) a notebook
   of another chapter, is not run.
2. The chapter's own check cells are put back in place of the submission's
   (found by cell id, else by the ``check`` tag, else after the exercise's
   TODO cell), so that an edited check cell cannot pass itself.
3. Each submission runs in quick mode, in a fresh kernel, in a temporary
   working directory of its own, several at a time (``--jobs``, one per core
   by default), each under a time limit for the whole notebook
   (``--timeout``). A cell that raises does not stop the run: the check
   cells after it still run.
4. ``grades.csv`` gets one row per submission and auto-checked exercise,
   ``submission,chapter,exercise,points,max_points,status,message``, the
   status one of :data:`STATUSES`; ``feedback/<submission>.txt`` gets a short
   report for the student. Points come from the chapter (the ``points`` of
   its check cells, :attr:`tools.exercises.Exercise.points`).

Open exercises (no check cell) are graded by hand; the feedback says so.
A submission can still cheat in ways a check cell cannot see (by replacing
a checker in another cell, say): read the code of the answers you grade.
This is the course's own tooling, not part of the installed package.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from tools.assign import DEFAULT_SOURCE, chapter_sources, select_chapters
from tools.exercises import (
    CHECK_TAG,
    AssignError,
    ChapterExercises,
    _path,
    chapter_notebook,
    read_exercises,
    todo_id,
)

#: Every status a row of ``grades.csv`` can have.
STATUSES = ("passed", "failed", "not written", "error", "timeout")
#: The columns of ``grades.csv``.
COLUMNS = ("submission", "chapter", "exercise", "points", "max_points", "status", "message")
#: Seconds a whole notebook may run, by default (a quick-mode chapter takes well under one).
DEFAULT_TIMEOUT = 300
#: Seconds a run may overstay its limit before the grader kills it outright.
GRACE = 30
#: The environment of every kernel: quick mode, one thread (one kernel per core).
KERNEL_ENV = {"RNN_COURSE_QUICK": "1", "MPLBACKEND": "Agg", "TF_CPP_MIN_LOG_LEVEL": "2",
              "TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1",
              "OMP_NUM_THREADS": "1"}
# What a checker prints first (rnn_course.checks._core).
_PASSED, _NOT_WRITTEN = "Correct!", "Not written yet"
_GRADER = "grader"  # the cell metadata key that marks a restored check cell


@dataclass
class Row:
    """One row of ``grades.csv``."""

    submission: str
    chapter: str
    exercise: str
    points: int
    max_points: int
    status: str
    message: str


# --------------------------------------------------------------------------
# Reading and preparing a submission
# --------------------------------------------------------------------------


def _one_line(text: Any, limit: int = 200) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


def which_chapter(notebook: Any, stems: Sequence[str]) -> str | None:
    """The stem of the chapter ``notebook`` is a version of, or ``None``.

    Read from the student version's metadata, else from the cell ids the
    chapter's cells keep, else from the chapter's ``(label)=`` heading.
    """
    stem = notebook.metadata.get("rnn_course", {}).get("chapter")
    if stem in stems:
        return stem
    ids = [str(cell.get("id", "")) for cell in notebook.cells]
    counts = {s: sum(i.startswith(f"{s[:50]}-") for i in ids) for s in stems}
    best = max(counts, key=counts.get, default=None)
    if best is not None and counts[best]:
        return best
    text = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    labels = set(re.findall(r"^\((ch-[\w-]+)\)=", text, re.M))
    for candidate in stems:
        md_text = (DEFAULT_SOURCE / f"{candidate}.md")
        if md_text.is_file():
            found = re.search(r"^\((ch-[\w-]+)\)=", md_text.read_text(encoding="utf-8"), re.M)
            if found and found[1] in labels:
                return candidate
    return None


def _place_of(notebook: Any, chapter: ChapterExercises, label: str, original: Any,
              k: int) -> int | None:
    """Where the submission holds check cell ``original`` (the ``k``-th of the chapter)."""
    cells = notebook.cells
    for i, cell in enumerate(cells):
        if cell.get("id") == original.get("id"):
            return i
    tagged = [i for i, cell in enumerate(cells) if CHECK_TAG in cell.metadata.get("tags", [])]
    total = sum(len(e.check_cells) for e in chapter.exercises)
    if len(tagged) == total:
        return tagged[k]
    return None


def _todo_place(notebook: Any, label: str) -> int:
    """The index after the exercise's TODO cell (or its solution), else the end."""
    for i, cell in enumerate(notebook.cells):
        if cell.get("id") == todo_id(label) or f"(exercise {label})" in cell.source:
            return i + 1
    return len(notebook.cells)


def restore_checks(notebook: Any, chapter: ChapterExercises) -> Any:
    """Put the chapter's check cells back into ``notebook``; return it.

    Each restored cell holds the chapter's source, no outputs, and the
    metadata ``grader: {"exercise": label}`` by which :func:`verdicts` reads it.
    """
    k = 0
    for exercise in chapter.exercises:
        for index in exercise.check_cells:
            original = chapter.notebook.cells[index]
            restored = nbformat.v4.new_code_cell(
                original.source, metadata={"tags": [CHECK_TAG],
                                           _GRADER: {"exercise": exercise.label}})
            restored["id"] = original.get("id") or f"check-{k}"
            place = _place_of(notebook, chapter, exercise.label, original, k)
            if place is None:
                notebook.cells.insert(_todo_place(notebook, exercise.label), restored)
            else:
                notebook.cells[place] = restored
            k += 1
    return notebook


# --------------------------------------------------------------------------
# Running one submission
# --------------------------------------------------------------------------


def run_one(source: Path, target: Path, timeout: float) -> int:
    """Execute notebook ``source`` in a fresh kernel in the working directory; write ``target``.

    The whole run has ``timeout`` seconds. Returns 0 when it ran to its end
    (cells that raised included), 3 when it ran out of time, 4 when the
    kernel died. The cell it stopped in gets the metadata ``grader:
    {"stopped": reason}``.
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    notebook = nbformat.read(source, as_version=4)
    deadline = time.monotonic() + timeout
    client = NotebookClient(
        notebook, allow_errors=True, kernel_name="python3",
        timeout_func=lambda cell: max(1, int(deadline - time.monotonic())),
        resources={"metadata": {"path": os.getcwd()}})
    code = 0
    try:
        client.execute()
    except CellTimeoutError:
        code = 3
    except DeadKernelError:
        code = 4
    ran = [c for c in notebook.cells if c.cell_type == "code" and c.get("execution_count")]
    if code and ran:  # the cell it stopped in: the last that started
        ran[-1].metadata.setdefault(_GRADER, {})["stopped"] = (
            "timeout" if code == 3 else "dead kernel")
    nbformat.write(notebook, target)
    return code


def _execute(notebook: Any, timeout: float) -> tuple[Any | None, str]:
    """Run ``notebook`` in its own process and folders; ``(executed notebook, problem)``.

    ``problem`` is "" after a full run, "timeout", or a one-line error.
    """
    work = Path(tempfile.mkdtemp(prefix="rnn-grade-")) / "work"
    results = Path(tempfile.mkdtemp(prefix="rnn-grade-result-"))
    work.mkdir()
    source, target = results / "submission.ipynb", results / "executed.ipynb"
    nbformat.write(notebook, source)
    env = {**os.environ, **KERNEL_ENV,
           "PYTHONPATH": os.pathsep.join(filter(None, [str(DEFAULT_SOURCE.parent),
                                                       os.environ.get("PYTHONPATH")]))}
    command = [sys.executable, "-m", "tools.grade", "--run-one", str(source), str(target),
               "--timeout", str(timeout)]
    process = subprocess.Popen(command, cwd=work, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        _, stderr = process.communicate(timeout=timeout + GRACE)
        code = process.returncode
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # the run and its kernel
        process.communicate()
        code, stderr = 3, ""
    try:
        executed = nbformat.read(target, as_version=4) if target.is_file() else None
    finally:
        shutil.rmtree(work.parent, ignore_errors=True)
        shutil.rmtree(results, ignore_errors=True)
    if code == 0 and executed is not None:
        return executed, ""
    if code == 3:
        return executed, "timeout"
    if code == 4:
        return executed, "the kernel died (the notebook exited or ran out of memory)"
    last = [line for line in (stderr or "").splitlines() if line.strip()]
    return executed, _one_line(last[-1] if last else f"the run failed (exit code {code})")


# --------------------------------------------------------------------------
# Reading the verdicts
# --------------------------------------------------------------------------


def _error_of(cell: Any) -> str | None:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return f"{output.get('ename', 'Error')}: {_one_line(output.get('evalue', ''), 120)}"
    return None


def _printed(cell: Any) -> list[str]:
    text = "".join(output.get("text", "") for output in cell.get("outputs", [])
                   if output.get("output_type") == "stream" and output.get("name") == "stdout")
    return [line.strip() for line in text.splitlines() if line.strip()]


def verdicts(executed: Any, chapter: ChapterExercises, problem: str,
             timeout: float) -> dict[str, tuple[str, str]]:
    """``{exercise label: (status, message)}`` for each auto-checked exercise."""
    cells = executed.cells
    checks: dict[str, list[int]] = {}
    for i, cell in enumerate(cells):
        label = cell.metadata.get(_GRADER, {}).get("exercise")
        if label:
            checks.setdefault(label, []).append(i)
    stopped = next((i for i, c in enumerate(cells) if "stopped" in c.metadata.get(_GRADER, {})),
                   None)
    out = {}
    previous = 0
    for exercise in chapter.exercises:
        if not exercise.check_cells:
            continue
        places = checks.get(exercise.label, [])
        if not places:
            out[exercise.label] = ("error", "the check cell is missing from the run")
            continue
        ran = all(cells[i].get("execution_count") for i in places)
        if not ran:
            if problem == "timeout":
                where = f" (stopped in cell {stopped + 1})" if stopped is not None else ""
                out[exercise.label] = ("timeout", f"the notebook ran past its limit of "
                                                  f"{timeout:g} s before this check{where}")
            else:
                out[exercise.label] = ("error", problem or "the check cell did not run")
            continue
        # Errors of the cells since the previous check: the answer's, mostly.
        answer_errors = [e for i in range(previous, places[0])
                         if cells[i].cell_type == "code" and (e := _error_of(cells[i]))]
        previous = places[-1] + 1
        check_error = next((e for i in places if (e := _error_of(cells[i]))), None)
        lines = [line for i in places for line in _printed(cells[i])]
        if lines and all(line.startswith(_PASSED) for line in lines) and not check_error:
            out[exercise.label] = ("passed", lines[0])
        elif answer_errors:
            out[exercise.label] = ("error", f"a cell before the check raised {answer_errors[-1]}")
        elif check_error:
            out[exercise.label] = ("error", f"the check cell raised {check_error}")
        elif not lines:
            out[exercise.label] = ("error", "the check cell printed no verdict")
        elif all(line.startswith(_NOT_WRITTEN) for line in lines):
            out[exercise.label] = ("not written", lines[0])
        else:
            wrong = next(line for line in lines if not line.startswith(_PASSED))
            out[exercise.label] = ("failed", wrong)
    return out


# --------------------------------------------------------------------------
# Grading a folder
# --------------------------------------------------------------------------


def _rows(name: str, chapter: ChapterExercises | None, stem: str, results: dict) -> list[Row]:
    if chapter is None:
        status, message = results[""]
        return [Row(name, stem, "", 0, 0, status, message)]
    rows = []
    for exercise in chapter.exercises:
        if exercise.label in results:
            status, message = results[exercise.label]
            points = exercise.points if status == "passed" else 0
            rows.append(Row(name, stem, exercise.label, points, exercise.points, status,
                            message))
    return rows


def _all(chapter: ChapterExercises | None, status: str, message: str) -> dict:
    if chapter is None:
        return {"": (status, message)}
    return {e.label: (status, message) for e in chapter.exercises if e.check_cells}


def grade_one(name: str, data: bytes, chapters: dict[str, ChapterExercises],
              wanted: str | None, timeout: float) -> list[Row]:
    """The rows of one submission, ``data`` its file's bytes."""
    expected = chapters.get(wanted) if wanted else None
    try:
        notebook = nbformat.reads(data.decode("utf-8"), as_version=4)
        nbformat.validate(notebook)
    except Exception as error:  # any unreadable file is a row, not a crash
        message = f"not a notebook that can be read: {_one_line(error, 120)}"
        return _rows(name, expected, wanted or "", _all(expected, "error", message))
    stem = which_chapter(notebook, list(chapters))
    if wanted and stem and stem != wanted:
        message = f"this notebook is chapter {stem}, not {wanted}"
        return _rows(name, expected, wanted, _all(expected, "error", message))
    stem = stem or wanted
    if stem is None:
        message = "cannot tell which chapter this notebook is: name it with --chapter"
        return _rows(name, None, "", _all(None, "error", message))
    chapter = chapters[stem]
    executed, problem = _execute(restore_checks(notebook, chapter), timeout)
    if executed is None:
        return _rows(name, chapter, stem, _all(chapter, "timeout" if problem == "timeout"
                                               else "error", problem))
    return _rows(name, chapter, stem, verdicts(executed, chapter, problem, timeout))


def feedback(rows: list[Row], chapter: ChapterExercises | None) -> str:
    """The short report for the student of one submission."""
    got, total = sum(r.points for r in rows), sum(r.max_points for r in rows)
    lines = [f"Submission {rows[0].submission}, chapter {rows[0].chapter or '?'}: "
             f"{got} of {total} points from the automatic checks.", ""]
    for row in rows:
        what = row.exercise or "whole notebook"
        lines.append(f"- {what}: {row.status} ({row.points}/{row.max_points}). {row.message}")
    open_ = [e.label for e in (chapter.exercises if chapter else []) if not e.check_cells]
    if open_:
        lines += ["", f"Graded by hand: {', '.join(open_)}."]
    return "\n".join(lines) + "\n"


def grade_folder(submissions: Path, out: Path, chapter: str | None = None,
                 jobs: int | None = None, timeout: float = DEFAULT_TIMEOUT,
                 source: Path = DEFAULT_SOURCE) -> list[Row]:
    """Grade every ``*.ipynb`` of ``submissions``; write ``out/grades.csv`` and feedback.

    Returns the rows of ``grades.csv``.

    Raises:
        AssignError: no submission in the folder, or ``chapter`` names none.
    """
    submissions, out, source = (_path("submissions", submissions), _path("out", out),
                                _path("source", source))
    if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or timeout <= 0:
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}.")
    if jobs is not None and (not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1):
        raise ValueError(f"jobs must be a whole number of at least 1, got {jobs!r}.")
    files = sorted(submissions.glob("*.ipynb")) if submissions.is_dir() else []
    if not files:
        raise AssignError(f"no submission (.ipynb file) in {submissions}.")
    mds = chapter_sources(source)
    wanted = select_chapters(mds, [chapter])[0].stem if chapter else None
    chapters = {md.stem: read_exercises(chapter_notebook(md), md.name) for md in mds}
    # Read every submission before running any: one that deletes files
    # cannot take the others with it.
    data = {path.name: path.read_bytes() for path in files}
    with ThreadPoolExecutor(max_workers=jobs or os.cpu_count() or 1) as pool:
        graded = list(pool.map(lambda name: grade_one(name, data[name], chapters, wanted,
                                                      timeout), data))
    rows = [row for rows in graded for row in rows]
    (out / "feedback").mkdir(parents=True, exist_ok=True)
    with open(out / "grades.csv", "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(COLUMNS)
        writer.writerows([getattr(row, column) for column in COLUMNS] for row in rows)
    for name, own in zip(data, graded):
        stem = own[0].chapter
        (out / "feedback" / f"{Path(name).stem}.txt").write_text(
            feedback(own, chapters.get(stem)), encoding="utf-8")
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.grade",
        description="Run every submitted notebook of a folder in quick mode, with the "
                    "chapter's own check cells, and write grades.csv and feedback files.")
    parser.add_argument("submissions", type=Path, nargs="?",
                        help="the folder of the submitted .ipynb files")
    parser.add_argument("--chapter", metavar="NN|name",
                        help="the chapter assigned (a submission of another is an error); "
                             "default: each submission's own")
    parser.add_argument("--out", type=Path,
                        help="where grades.csv and feedback/ go (default SUBMISSIONS/grades)")
    parser.add_argument("--jobs", type=int, help="notebooks run at a time (default: one per "
                                                 "core)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                        help=f"seconds a whole notebook may run (default {DEFAULT_TIMEOUT})")
    parser.add_argument("--run-one", nargs=2, type=Path, metavar=("IN", "OUT"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.run_one:
        return run_one(args.run_one[0], args.run_one[1], args.timeout)
    if args.submissions is None:
        parser.error("name the folder of the submissions")
    try:
        out = args.out or args.submissions / "grades"
        rows = grade_folder(args.submissions, out, args.chapter, args.jobs, args.timeout)
    except (ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    counts = {status: sum(row.status == status for row in rows) for status in STATUSES}
    summary = ", ".join(f"{n} {status}" for status, n in counts.items() if n)
    print(f"graded {len({row.submission for row in rows})} submissions ({summary}): "
          f"{out / 'grades.csv'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
