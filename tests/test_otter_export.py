"""The Otter-Grader export (``python -m tools.otter_export``).

Chapter 2's autograder is built once (module fixture) and run by ``otter run``
(no Docker) on two of tests/test_grade.py's sample submissions at once: the
correct one gets every point; the wrong one none, its check cell of
ex-02-count also edited to ``print("Correct!")``. The other tests read the
zip and the parts, without a kernel.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile

import nbformat
import pytest

from tests.helpers import ROOT, book_config, require
from tests.test_grade import LABELS, answered, chapter, solutions
from tools import exercises, grade, otter_export
from tools.exercises import AssignError

#: The points of Chapter 2's checked exercises (its check cells' metadata).
POINTS = {"ex-02-shapes": 1, "ex-02-fourth-step": 1, "ex-02-count": 2}


@pytest.fixture(scope="module")
def autograder(tmp_path_factory):
    require("otter")
    return otter_export.build_autograder("02", tmp_path_factory.mktemp("otter"))


def wrong_submission():
    """Shapes wrong, the fourth step raising, the count unwritten with its check tampered."""
    notebook = answered({
        "ex-02-shapes": ('my_shapes = {"x_t": (10,), "W": (10, 20), "U": (20, 20), '
                         '"b": (20,),\n             "h_t": (20,), "V": (3, 20), "c": (3,), '
                         '"y_t": (3,)}'),
        "ex-02-fourth-step": "my_h4 = 1 / 0",
    })
    checks = [c for c in notebook.cells if exercises.CHECK_TAG in c.metadata.get("tags", [])]
    checks[-1].source = 'print("Correct!")'  # the check cell of ex-02-count
    return notebook


@pytest.fixture(scope="module")
def otter_results(autograder, tmp_path_factory):
    """``{submission: {exercise: Gradescope test entry}}`` from ``otter run``."""
    folder = tmp_path_factory.mktemp("otter-run")
    nbformat.write(answered(solutions()), folder / "correct.ipynb")
    nbformat.write(wrong_submission(), folder / "wrong.ipynb")
    env = {**os.environ, **grade.KERNEL_ENV,
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"),
                                                       os.environ.get("PYTHONPATH")]))}
    runs = {}
    for name in ("correct", "wrong"):  # both at once: one core each
        (folder / name).mkdir()
        runs[name] = subprocess.Popen(
            [sys.executable, "-m", "otter", "run", "-a", str(autograder), "-o",
             str(folder / name), "--no-logo", str(folder / f"{name}.ipynb")],
            env=env, cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    results = {}
    for name, run in runs.items():
        output, _ = run.communicate(timeout=300)
        assert run.returncode == 0, output[-3000:]
        tests = json.loads((folder / name / "results.json").read_text(encoding="utf-8"))["tests"]
        results[name] = {test["name"]: test for test in tests if "max_score" in test}
    return results


def test_otter_run_gives_the_correct_submission_every_point(otter_results):
    tests = otter_results["correct"]
    assert sorted(tests) == sorted(LABELS)
    assert {label: test["max_score"] for label, test in tests.items()} == POINTS
    assert {label: test["score"] for label, test in tests.items()} == POINTS
    assert all(test["visibility"] == "visible" for test in tests.values())


def test_otter_run_fails_the_wrong_submission_with_the_checkers_message(otter_results):
    tests = otter_results["wrong"]
    assert {label: test["score"] for label, test in tests.items()} == dict.fromkeys(POINTS, 0)
    assert "that is W transposed" in tests["ex-02-shapes"]["output"]
    assert "my_h4" in tests["ex-02-fourth-step"]["output"]
    # Its check cell says print("Correct!"): the autograder runs the chapter's.
    assert "Not written yet" in tests["ex-02-count"]["output"]


# --- the zip and the parts, without a kernel ------------------------------


def test_autograder_holds_a_test_per_checked_exercise_and_quick_mode(autograder):
    from otter.test_files.exception_test import ExceptionTestFile

    assert autograder.name == "02_rnn_pseudocode-autograder.zip"
    with zipfile.ZipFile(autograder) as zf:
        names = set(zf.namelist())
        assert {f"tests/{label}.py" for label in LABELS} <= names
        run = zf.read("run_autograder").decode()
        mode = zf.getinfo("run_autograder").external_attr >> 16
        environment = zf.read("environment.yml").decode()
        config = json.loads(zf.read("otter_config.json"))
        with zf.open("tests/ex-02-count.py") as file:
            source = file.read().decode()
    assert run.startswith("#!/bin/bash\n") and otter_export.QUICK_EXPORT in run.splitlines()
    assert run.index(otter_export.QUICK_EXPORT) < run.index("run_otter.py")
    assert mode & 0o111, "run_autograder must stay executable"
    assert f"python={otter_export.PYTHON_VERSION}" in environment
    for requirement in otter_export.grader_requirements():
        assert requirement in environment
    assert config == otter_export.OTTER_CONFIG
    parsed = ExceptionTestFile.from_string(source, path="tests/ex-02-count.py")
    assert parsed.name == "ex-02-count"
    assert [case.points for case in parsed.test_cases] == [2]


def test_test_file_runs_the_chapters_check_cells():
    ch = chapter()
    shapes = next(e for e in ch.exercises if e.label == "ex-02-shapes")
    source = otter_export.test_file(ch, shapes)
    namespace = {}
    code = compile(source.replace("from otter.test_files import test_case",
                                  "test_case = lambda **kw: (lambda f: f)"), "t.py", "exec")
    exec(code, namespace)
    assert namespace["CHECK_CELLS"] == [ch.notebook.cells[i].source for i in shapes.check_cells]
    assert namespace["name"] == "ex-02-shapes" and namespace["points"] == 1
    assert namespace["OK_FORMAT"] is False
    with pytest.raises(AssertionError, match="Not written yet"):
        namespace["chapter_checks"]({"my_shapes": None})
    with pytest.raises(NameError, match="my_shapes"):
        namespace["chapter_checks"]({})
    # The answer of the solution passes (the names it binds, in the submission's globals).
    env = {}
    exec("\n".join(exercises.without_colab_title(ch.notebook.cells[i].source)
                   for i in shapes.solution_cells), env)
    namespace["chapter_checks"](env)
    assert "check_symbol_shapes" not in env, "the checks' names leaked into the globals"


def test_grader_requirements_pin_the_helpers_dependencies_as_the_tests_do():
    lines = otter_export.grader_requirements()
    ref = book_config()["course"]["package_ref"]
    assert lines[0] == f"rnn-course @ git+{book_config()['repository']['url']}@{ref}"
    pinned = (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
    names = [line.split("==")[0] for line in lines[1:]]
    assert names == ["numpy", "matplotlib", "keras", "tensorflow", "keras-tuner", "tensorboard",
                     "tabulate"]
    assert all(line in pinned for line in lines[1:]), lines


def test_bad_arguments_are_one_line_errors(tmp_path):
    ch = chapter()
    readout = next(e for e in ch.exercises if e.label == "ex-02-readout")
    with pytest.raises(AssignError, match="ex-02-readout has no check cell"):
        otter_export.test_file(ch, readout)
    with pytest.raises(TypeError, match="chapter must be a ChapterExercises"):
        otter_export.test_file("02", readout)
    with pytest.raises(TypeError, match="exercise must be one of the chapter's"):
        otter_export.test_file(ch, "ex-02-shapes")
    with pytest.raises(TypeError, match="out must be a path"):
        otter_export.build_autograder("02", 3)
    result = subprocess.run([sys.executable, "-m", "tools.otter_export", "99", "--out",
                             str(tmp_path)], capture_output=True, text=True, cwd=ROOT,
                            timeout=120)
    assert result.returncode == 2
    assert result.stderr.startswith("error: no chapter named '99'")
    assert result.stderr.count("\n") == 1


def test_instructor_guide_shows_the_otter_export(otter_results, autograder):
    guide = (ROOT / "instructor_guide.md").read_text(encoding="utf-8")
    section = guide.partition("### On Gradescope, with Otter-Grader")[2].partition("\n## ")[0]
    assert "make otter CHAPTER=02" in section and "python -m tools.otter_export 02" in section
    assert f"-a _build/otter/{autograder.name} right.ipynb" in section
    assert f"Python {otter_export.PYTHON_VERSION}" in section
    total = sum(POINTS.values())
    assert f"`right.ipynb` gets {total} of {total} points and `wrong.ipynb` 0 of {total}" \
        in section
    message = "NameError: name 'my_h4' is not defined"
    assert message in section and message in otter_results["wrong"]["ex-02-fourth-step"]["output"]
