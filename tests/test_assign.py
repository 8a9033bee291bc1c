"""Student and teacher versions of the chapters (``python -m tools.assign``).

For every chapter: the student version has no solution left and keeps every
check cell; the teacher version is the committed notebook. Also the command
line's errors, the stubs, and the instructor guide's generated tables. That
every student version runs from top to bottom, its check cells saying "Not
written yet" on the stubs, is tested where a student runs it: on the
simulated Colab runtime (``test_colab_simulation.py``). Last, that the
installed package needs none of the tools' own dependencies (jupytext,
nbformat): the tools live in ``tools/``, outside it.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import jupytext
import nbformat
import pytest

import rnn_course
from rnn_course.benchmark_results import load_results
from tests.helpers import CHAPTERS, ROOT, chapter_sources
from tools import assign, exercises, instructor_guide

SOURCES = chapter_sources()
IDS = [path.stem for path in SOURCES]

# Solution regions of a chapter's .md, found here independently of tools.exercises.
_GATED = re.compile(r"^:::\{solution-start\}.*?^:::\{solution-end\}\n:::$", re.M | re.S)
_BLOCK = re.compile(r"^(:{3,})\{solution\}.*?^\1$", re.M | re.S)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """Every chapter exported once through the command line: ``{stem: (student, teacher)}``."""
    out = tmp_path_factory.mktemp("assign")
    assert assign.main(["--source", str(CHAPTERS), "--out", str(out)]) == 0
    return {
        md.stem: (out / "student" / f"{md.stem}.ipynb", out / "teacher" / f"{md.stem}.ipynb")
        for md in SOURCES
    }


def _cells_tagged(notebook, tag):
    return [cell for cell in notebook.cells if tag in cell.metadata.get("tags", [])]


def _is_stub_line(line: str) -> bool:
    """Lines a stub may keep from a solution: signatures, docstrings, decorators."""
    return line.startswith(("def ", "async def ", "class ", "@", '"""', "'''")) or line.endswith(
        '"""'
    )


def docstring_lines(sources: list[str]) -> set[str]:
    """Every line of the docstrings of the functions and classes in ``sources``.

    A stub keeps a solution's signatures and docstrings, whole: a docstring
    that spans lines is not a leak either.
    """
    lines = set()
    for source in sources:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                doc = ast.get_docstring(node, clean=False) or ""
                lines |= {line.strip() for line in doc.splitlines()}
    return lines


def solution_only_lines(md_text: str) -> set[str]:
    """Lines of the solutions that appear nowhere else in the chapter."""
    regions = _GATED.findall(md_text) + [m.group(0) for m in _BLOCK.finditer(md_text)]
    inside = {line.strip() for region in regions for line in region.splitlines()}
    outside_text = _BLOCK.sub("", _GATED.sub("", md_text))
    outside = {line.strip() for line in outside_text.splitlines()}
    return {
        line
        for line in inside - outside
        if line and not line.startswith((":::", "```", ":tags:", "---"))
    }


@pytest.mark.parametrize("md", SOURCES, ids=IDS)
def test_teacher_version_is_the_chapter(md, exported):
    teacher = exported[md.stem][1]
    assert teacher.read_text(encoding="utf-8") == md.with_suffix(".ipynb").read_text(
        encoding="utf-8"
    ), f"the teacher version of {md.stem} differs from {md.stem}.ipynb"


@pytest.mark.parametrize("md", SOURCES, ids=IDS)
def test_student_version_has_no_solution(md, exported):
    student = nbformat.read(exported[md.stem][0], as_version=4)
    text = "\n".join(cell.source for cell in student.cells)
    assert not re.search(r"\{solution(-start|-end)?\}", text), "a solution directive is left"
    assert not _cells_tagged(student, exercises.SOLUTION_TAG)
    secret = solution_only_lines(md.read_text(encoding="utf-8"))
    kept = docstring_lines([cell.source for cell in student.cells if cell.cell_type == "code"])
    leaked = sorted(
        {
            line.strip()
            for line in text.splitlines()
            if line.strip() in secret
            and not _is_stub_line(line.strip())
            and line.strip() not in kept
        }
    )
    assert not leaked, f"solution lines left in the student version: {leaked[:5]}"


@pytest.mark.parametrize("md", SOURCES, ids=IDS)
def test_student_version_keeps_every_check_cell(md, exported):
    teacher = nbformat.read(exported[md.stem][1], as_version=4)
    student = nbformat.read(exported[md.stem][0], as_version=4)
    checks = [cell.source for cell in _cells_tagged(teacher, exercises.CHECK_TAG)]
    assert [cell.source for cell in _cells_tagged(student, exercises.CHECK_TAG)] == checks
    # Every solution's place holds a TODO for the student.
    solutions = {
        match
        for match in re.findall(
            r"\{solution(?:-start)?\} (\S+)", "\n".join(c.source for c in teacher.cells)
        )
    }
    todos = "\n".join(cell.source for cell in _cells_tagged(student, exercises.TODO_TAG))
    assert all(f"(exercise {label})" in todos for label in solutions)


@pytest.mark.parametrize("md", SOURCES, ids=IDS)
def test_every_chapter_calls_a_checker(md):
    notebook = exercises.chapter_notebook(md)
    chapter = exercises.read_exercises(notebook, md.name)
    assert chapter.exercises, f"{md.stem}: no exercise"
    from rnn_course import checks

    called = {
        node.func.id
        for cell in _cells_tagged(notebook, exercises.CHECK_TAG)
        for node in ast.walk(ast.parse(cell.source))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    used = sorted(name for name in called if name.startswith("check_"))
    assert used, f"{md.stem}: no check cell calls a checker of rnn_course.checks"
    assert all(callable(getattr(checks, name, None)) for name in used), used


def test_stub_keeps_signatures_and_the_names_the_check_reads():
    solution = '''
def my_forward(inputs, W, U=None):
    """States (batch, timesteps, units)."""
    secret = inputs @ W.T  # the answer
    return secret


helper = 3
shapes = {"W": (2, 3), "b": (2,)}
count = helper * 7
'''
    stub = exercises.solution_stub([solution], needed={"shapes", "count"}, label="ex-0")
    assert stub.startswith("# TODO (exercise ex-0): ")
    assert "def my_forward(inputs, W, U=None):" in stub
    assert '"""States (batch, timesteps, units)."""' in stub
    assert "raise NotImplementedError" in stub
    assert 'shapes = {"W": None, "b": None}' in stub and "count = None" in stub
    assert "secret" not in stub and "helper" not in stub and "* 7" not in stub
    namespace = {}
    exec(stub, namespace)  # the stub is valid Python
    with pytest.raises(NotImplementedError):
        namespace["my_forward"](1, 2)


def test_stub_of_a_class_keeps_its_methods():
    solution = (
        "class Stop(Base):\n    limit = 3\n\n    def on_epoch_begin(self, epoch, logs=None):\n"
        "        raise RuntimeError('x')\n"
    )
    stub = exercises.solution_stub([solution])
    assert "class Stop(Base):" in stub and "def on_epoch_begin(self, epoch, logs=None):" in stub
    assert "limit" not in stub and "RuntimeError" not in stub


def _chapter(markdown: str):
    header = "---\njupytext:\n  text_representation:\n    format_name: myst\n---\n\n"
    return jupytext.reads(header + markdown, fmt="md:myst")


@pytest.mark.parametrize(
    "markdown, words",
    [
        (
            ":::{exercise}\n:label: ex-x\n\nDo it.\n:::\n\n:::{solution-start} ex-x\n:::\n\n"
            "```{code-cell} ipython3\nx = 1\n```\n\n:::{solution-end}\n:::\n",
            ["must be tagged 'solution'"],
        ),
        (
            ":::{exercise}\n:label: ex-x\n\nDo it.\n:::\n\n"
            "```{code-cell} ipython3\n:tags: [solution]\n\nx = 1\n```\n",
            ["must lie between solution-start and solution-end"],
        ),
        (
            ":::{exercise}\n:label: ex-x\n\nDo it.\n:::\n\n:::{solution-start} ex-x\n:::\n\n"
            "```{code-cell} ipython3\n:tags: [solution, check]\n\nx = 1\n```\n\n"
            ":::{solution-end}\n:::\n",
            ["check cell must follow"],
        ),
        (
            ":::{exercise}\n:label: ex-x\n\nDo it.\n:::\n\n"
            ":::{solution-start} ex-x\n:::\n\nText.\n",
            ["has no solution-end"],
        ),
    ],
)
def test_a_solution_authors_forgot_to_tag_is_an_error(markdown, words):
    with pytest.raises(exercises.AssignError) as error:
        exercises.read_exercises(_chapter(markdown), "ch.md")
    message = str(error.value)
    assert "\n" not in message and all(word in message for word in words), message


@pytest.mark.parametrize(
    "argv, words",
    [
        (["--chapter", "99"], ["no chapter named '99'", "choose among"]),
        (["--chapter", "07", "--source", "{twins}"], ["several chapters named '07'"]),
        (["--source", "/nonexistent/chapters"], ["no chapters folder"]),
    ],
)
def test_bad_input_gives_one_line_and_exit_code_2(argv, words, tmp_path, capsys):
    (tmp_path / "07_a.md").write_text("# A\n")
    (tmp_path / "07_b.md").write_text("# B\n")
    argv = [arg.format(twins=tmp_path) for arg in argv]
    assert assign.main(argv + ["--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ")
    assert all(word in err for word in words), err


def test_command_line_exit_code(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "tools.assign", "--chapter", "nope", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "no chapter named 'nope'" in result.stderr


def test_one_chapter_by_number(tmp_path, capsys):
    assert assign.main(["--chapter", "3", "--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.rglob("*.ipynb")) == ["03_numpy_rnn.ipynb"] * 2


def test_instructor_guide_is_up_to_date():
    guide = ROOT / "instructor_guide.md"
    text = guide.read_text(encoding="utf-8")
    assert text.startswith("(instructor-guide)=\n"), "keep the label (instructor-guide)= on top"
    assert instructor_guide.render_guide(text, SOURCES, load_results()) == text, (
        "instructor_guide.md is out of date: run "
        "`python -m tools.assign --guide instructor_guide.md`"
    )


def test_guide_quotes_exercises_without_their_chapters_glued_values():
    # A glue role renders only on its own chapter's page: in the guide it
    # would be a build warning, so the guide names the value instead.
    text = (ROOT / "instructor_guide.md").read_text(encoding="utf-8")
    assert "{glue" not in text
    assert "`global_batch`" in text  # Appendix A2's exercise, quoted with its value's name


def test_guide_reads_run_times_and_says_when_none():
    infos = [instructor_guide.chapter_info(CHAPTERS / "03_numpy_rnn.md")]
    empty = instructor_guide.render_guide_tables(infos, [])
    assert "not measured yet" in empty and " s |" not in empty
    measured = [
        {
            "schema": 1,
            "machine": {"id": "cpu2", "cores": 2, "gpu": None, "description": "2 CPU cores"},
            "chapters": [{"chapter": "03_numpy_rnn", "mode": "quick", "seconds": 7.6, "ok": True}],
            "imdb": [],
            "numpy_rnn": [],
        }
    ]
    table = instructor_guide.render_guide_tables(infos, measured)
    row = next(line for line in table.splitlines() if line.startswith("| {ref}`ch-numpy-rnn`"))
    assert "| 8 s | not measured yet | not measured yet |" in row


# The tools are not part of the installed package: a student's Colab runtime
# installs rnn_course, never jupytext or nbformat (Colab does not promise
# them, and pyproject.toml does not depend on them).
TOOLS_ONLY = ("jupytext", "nbformat")
PACKAGE_DIR = Path(rnn_course.__file__).resolve().parent

_IMPORT_EVERY_MODULE = textwrap.dedent("""
    import importlib
    import pkgutil
    import sys

    BLOCKED = set(sys.argv[1:])


    class Blocked:
        def find_spec(self, name, path=None, target=None):
            if name.partition(".")[0] in BLOCKED:
                raise ImportError(f"{name} is not installed with rnn_course")
            return None


    sys.meta_path.insert(0, Blocked())
    for blocked in BLOCKED:
        sys.modules.pop(blocked, None)
    import rnn_course


    def stop(name):
        raise


    names = [info.name for info in
             pkgutil.walk_packages(rnn_course.__path__, "rnn_course.", onerror=stop)]
    for name in names:
        importlib.import_module(name)
    print(len(names), "modules")
""")


def test_every_module_of_the_package_imports_without_the_tools_dependencies(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", _IMPORT_EVERY_MODULE, *TOOLS_ONLY],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    assert result.returncode == 0, (
        f"importing rnn_course without {' or '.join(TOOLS_ONLY)} failed (they belong to the "
        f"tools in tools/):\n{result.stderr[-2000:]}"
    )
    assert int(result.stdout.split()[-2]) > 10, result.stdout


def test_no_module_of_the_package_imports_the_tools_dependencies():
    """Also inside functions, where importing the module does not reach."""
    found = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            else:
                continue
            found += [
                f"{path.relative_to(PACKAGE_DIR)}:{node.lineno} imports {name}"
                for name in names
                if name.partition(".")[0] in TOOLS_ONLY
            ]
    assert not found, f"the package must not need the tools' dependencies: {found}"
