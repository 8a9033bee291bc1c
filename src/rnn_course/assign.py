"""Student and teacher versions of the chapters, and the instructor guide's tables.

A chapter (``chapters/NN_name.md``) holds its exercises' solutions, hidden in
dropdowns on the website. For a class, :func:`student_notebook` removes them:

- the text of every ``{solution}`` block and of every gated
  ``{solution-start}`` ... ``{solution-end}`` block is dropped;
- the code cells of a gated solution (each tagged ``solution``) become one
  ``# TODO`` stub, derived from them by :func:`solution_stub`: the ``def``
  and ``class`` lines with their docstrings and ``raise
  NotImplementedError``, and ``name = None`` for every other name that the
  exercise's check cells read;
- the check cells (tagged ``check``, after the solution block) stay, so the
  student runs the same checker on their own answer.

The teacher version is the chapter itself, byte for byte the committed
``.ipynb``. Command line::

    python -m rnn_course.assign [--chapter 03 ...] [--source chapters] [--out _build/assign]
    python -m rnn_course.assign --guide instructor_guide.md

The second form rewrites the generated part of the instructor guide (between
its two marker comments) from the chapters' objectives boxes, their
exercises and the benchmark results (``benchmarks/results/*.json``).
"""

from __future__ import annotations

import argparse
import ast
import copy
import itertools
import json
import os
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rnn_course import _validate

#: Tag of the code cells of a solution (inside ``solution-start``/``solution-end``).
SOLUTION_TAG = "solution"
#: Tag of an exercise's auto-check cell (after its solution block).
CHECK_TAG = "check"
#: Tag :func:`student_notebook` gives the stubs that replace solutions.
TODO_TAG = "todo"

_REPO = Path(__file__).resolve().parents[2]
DEFAULT_SOURCE = _REPO / "chapters"
DEFAULT_OUT = _REPO / "_build" / "assign"

# An opening fence of a MyST directive: ":::{name} argument" or "```{name} argument".
_DIRECTIVE = re.compile(r"^(?P<fence>:{3,}|`{3,})\{(?P<name>[\w-]+)\}\s*(?P<argument>.*?)\s*$")
_LABEL_OPTION = re.compile(r"^:label:\s*(?P<label>\S+)\s*$")


class AssignError(ValueError):
    """A chapter whose exercises do not follow the anatomy in CONTRIBUTING.md."""


# --------------------------------------------------------------------------
# Argument checks
# --------------------------------------------------------------------------


def _path(name: str, value: Any) -> Path:
    """``value`` as a ``Path``, or a one-line TypeError."""
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name} must be a path, got {type(value).__name__}.")
    return Path(value)


def _chapter_file(name: str, value: Any) -> Path:
    """The path of an existing chapter file, or a one-line error."""
    path = _path(name, value)
    if not path.is_file():
        raise AssignError(f"{name}: no chapter file at {str(path)[:120]}.")
    return path


def _paths(name: str, value: Any, exist: bool = False) -> list[Path]:
    """A non-empty list of paths (of existing chapter files when ``exist``)."""
    if isinstance(value, (str, bytes, os.PathLike)) or not isinstance(value, Iterable):
        raise TypeError(f"{name} must be a list of chapter paths, got {type(value).__name__}.")
    items = list(value)
    if not items:
        raise ValueError(f"{name} is empty: pass at least one chapter.")
    check = _chapter_file if exist else _path
    return [check(f"{name}[{i}]", item) for i, item in enumerate(items)]


def _notebook(name: str, value: Any) -> Any:
    """A notebook (an ``nbformat`` node with cells), or a one-line TypeError."""
    import nbformat

    if not isinstance(value, nbformat.NotebookNode) or not isinstance(value.get("cells"), list):
        raise TypeError(f"{name} must be a notebook from chapter_notebook, "
                        f"got {type(value).__name__}.")
    return value


def _results(results: Any) -> list[dict]:
    """Benchmark results as :func:`rnn_course.benchmark_results.load_results` gives them."""
    from rnn_course.benchmark_results import _check_results

    return _check_results(results)


# --------------------------------------------------------------------------
# Reading a chapter
# --------------------------------------------------------------------------


def chapter_notebook(md: Path) -> Any:
    """The chapter ``md`` as a notebook: ``tools/sync_notebooks.py`` writes ``.ipynb`` from it.

    Cell ids are derived from the chapter name and the cell position, so the
    notebook written from it is byte-identical to the committed ``.ipynb``.
    """
    import jupytext

    md = _chapter_file("md", md)
    notebook = jupytext.read(md)
    for index, cell in enumerate(notebook.cells):
        cell["id"] = f"{md.stem[:50]}-{index:03d}"
    return notebook


def notebook_text(notebook: Any) -> str:
    """The ``.ipynb`` JSON text of ``notebook`` (the format of the committed files)."""
    import jupytext

    return jupytext.writes(_notebook("notebook", notebook), fmt="ipynb")


def _tags(cell: Any) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def _first_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[0].strip()[:60] if lines else "(empty)"


@dataclass
class Exercise:
    """One ``{exercise}`` of a chapter, with its solution and its checks.

    ``solution_cells`` and ``check_cells`` are indices into the chapter
    notebook's cells.
    """

    label: str
    text: str = ""
    solution_cells: list[int] = field(default_factory=list)
    check_cells: list[int] = field(default_factory=list)


@dataclass
class _Piece:
    """A part of the chapter in reading order: text, a cell, or a solution's place."""

    kind: str  # "text", "cell", "code-solution" or "text-solution"
    cell: int  # index of the chapter cell it comes from
    text: str = ""
    label: str = ""


@dataclass
class ChapterExercises:
    """The exercises of a chapter and the chapter cut into :class:`_Piece` s."""

    name: str
    notebook: Any
    exercises: list[Exercise]
    pieces: list[_Piece]


def _closes(line: str, fence: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and set(stripped) == {fence[0]} and len(stripped) >= len(fence)


def read_exercises(notebook: Any, name: str = "chapter") -> ChapterExercises:
    """Find the exercises, solutions and check cells of a chapter notebook.

    Args:
        notebook: The chapter, from :func:`chapter_notebook`.
        name: The chapter's name, for error messages.

    Returns:
        The exercises in order, and the chapter cut into pieces that
        :func:`student_notebook` reassembles.

    Raises:
        AssignError: a solution code cell is not tagged ``solution`` (or a
            cell tagged ``solution`` lies outside a solution block), a check
            cell lies inside one, or a block is not closed.
    """
    notebook = _notebook("notebook", notebook)
    name = _validate.text("name", name)
    exercises: list[Exercise] = []
    by_label: dict[str, Exercise] = {}
    pieces: list[_Piece] = []
    gated: str | None = None  # label of the open solution-start block
    current: Exercise | None = None  # the exercise that check cells belong to

    def exercise(label: str) -> Exercise:
        if label not in by_label:
            by_label[label] = Exercise(label)
            exercises.append(by_label[label])
        return by_label[label]

    for index, cell in enumerate(notebook.cells):
        where = f"{name}, cell {index} ({_first_line(cell.source)!r})"
        tags = _tags(cell)
        if cell.cell_type == "code":
            if gated is not None:
                if SOLUTION_TAG not in tags:
                    raise AssignError(
                        f"{where}: a code cell of solution {gated} must be tagged "
                        f"{SOLUTION_TAG!r}.")
                if CHECK_TAG in tags:
                    raise AssignError(f"{where}: a check cell must follow the solution block "
                                      f"of {gated}, not lie inside it.")
                exercise(gated).solution_cells.append(index)
                pieces.append(_Piece("code-solution", index, label=gated))
                continue
            if SOLUTION_TAG in tags:
                raise AssignError(f"{where}: a cell tagged {SOLUTION_TAG!r} must lie between "
                                  "solution-start and solution-end.")
            if CHECK_TAG in tags:
                if current is None:
                    raise AssignError(f"{where}: a check cell must follow an exercise.")
                current.check_cells.append(index)
            pieces.append(_Piece("cell", index))
            continue
        if cell.cell_type != "markdown":
            pieces.append(_Piece("cell", index))
            continue

        lines = cell.source.split("\n")
        kept: list[str] = []
        i = 0

        def flush() -> None:
            if kept and any(line.strip() for line in kept):
                pieces.append(_Piece("text", index, text="\n".join(kept).strip("\n")))
            kept.clear()

        while i < len(lines):
            match = _DIRECTIVE.match(lines[i])
            directive = match["name"] if match else None
            if directive in ("solution-start", "solution-end", "solution"):
                fence = match["fence"]
                end = i + 1
                while end < len(lines) and not _closes(lines[end], fence):
                    if directive == "solution" and _DIRECTIVE.match(lines[end]) \
                            and _DIRECTIVE.match(lines[end])["fence"] == fence:
                        raise AssignError(f"{where}: a directive inside the solution of "
                                          f"{match['argument']} needs a longer fence.")
                    end += 1
                if end == len(lines):
                    raise AssignError(f"{where}: the {directive} directive of "
                                      f"{match['argument'] or '?'} is not closed.")
                label = match["argument"]
                if directive == "solution-start":
                    if gated is not None:
                        raise AssignError(f"{where}: solution {label} starts before solution "
                                          f"{gated} ends.")
                    flush()
                    gated = label
                    exercise(label)
                elif directive == "solution-end":
                    if gated is None:
                        raise AssignError(f"{where}: solution-end without solution-start.")
                    if not by_label[gated].solution_cells:
                        pieces.append(_Piece("text-solution", index, label=gated))
                    gated = None
                else:
                    flush()
                    exercise(label)
                    pieces.append(_Piece("text-solution", index, label=label))
                i = end + 1
                continue
            if gated is not None:  # the text of a gated solution
                i += 1
                continue
            if directive in ("exercise", "exercise-start"):
                options = itertools.takewhile(lambda line: line.startswith(":"), lines[i + 1:])
                label = next((m["label"] for line in options
                              if (m := _LABEL_OPTION.match(line.strip()))), None)
                if label is None:
                    raise AssignError(f"{where}: the exercise has no :label:.")
                current = exercise(label)
                end = i + 1
                while end < len(lines) and not _closes(lines[end], match["fence"]):
                    end += 1
                body = [line for line in lines[i + 1:end] if not line.startswith(":")]
                current.text = "\n".join(body).strip()
            kept.append(lines[i])
            i += 1
        flush()
    if gated is not None:
        raise AssignError(f"{name}: solution {gated} has no solution-end.")
    return ChapterExercises(name, notebook, exercises, pieces)


# --------------------------------------------------------------------------
# Stubs
# --------------------------------------------------------------------------


def _python(source: str) -> ast.Module | None:
    # IPython magics and shell escapes are not Python: leave them out.
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError:
        return None


def _stored_names(tree: ast.AST) -> set[str]:
    """Names a piece of code binds (assignments, loops, defs, classes, imports)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return names


def _loaded_names(source: str) -> set[str]:
    tree = _python(source)
    if tree is None:
        return set()
    return {node.id for node in ast.walk(tree)
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}


def _docstring_lines(node: ast.AST, indent: str) -> list[str]:
    doc = ast.get_docstring(node, clean=False)
    if doc is None:
        return []
    return [f'{indent}"""{doc}"""']


def _def_stub(node: ast.AST, indent: str = "") -> list[str]:
    """``def``/``class`` lines and docstrings of ``node``; bodies become TODOs."""
    inner = indent + "    "
    if isinstance(node, ast.ClassDef):
        bare = copy.copy(node)
        bare.body = [ast.Pass()]
        lines = [indent + line for line in ast.unparse(bare).splitlines()[:-1]]
        lines += _docstring_lines(node, inner)
        methods = [child for child in node.body
                   if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))]
        for k, method in enumerate(methods):
            lines += ([""] if k else []) + _def_stub(method, inner)
        if not methods:
            lines += [f"{inner}pass  # TODO: write the class."]
        return lines
    bare = copy.copy(node)
    bare.body = [ast.Pass()]
    lines = [indent + line for line in ast.unparse(bare).splitlines()[:-1]]
    lines += _docstring_lines(node, inner)
    lines += [f"{inner}# TODO: write the body.", f"{inner}raise NotImplementedError"]
    return lines


def _placeholder(value: ast.AST | None) -> str:
    """``None``, or a dict of the same constant keys with ``None`` values."""
    if isinstance(value, ast.Dict) and value.keys and all(
            isinstance(key, ast.Constant) and isinstance(key.value, (str, int))
            for key in value.keys):
        return "{" + ", ".join(f"{json.dumps(key.value)}: None" for key in value.keys) + "}"
    return "None"


def _wrap(line: str, width: int = 88) -> list[str]:
    """Break a long ``name = {...}`` line after commas, aligned inside the brace."""
    if len(line) <= width or "{" not in line:
        return [line]
    head, rest = line.split("{", 1)
    indent = " " * (len(head) + 1)
    lines, current = [], head + "{"
    for item in rest.split(", "):
        if len(current) + len(item) + 2 > width and not current.endswith("{"):
            lines.append(current.rstrip() + ",")
            current = indent
        elif not current.endswith("{") and current.strip():
            current += ", "
        current += item
    return lines + [current]


def solution_stub(sources: Sequence[str], needed: Iterable[str] = (), label: str = "") -> str:
    """The ``# TODO`` stub that replaces the code cells of one solution.

    Derived from the solution, so that it cannot drift from it: every
    top-level ``def`` and ``class`` keeps its signature and docstring, its
    body becomes ``raise NotImplementedError``; every other name in
    ``needed`` (the names the exercise's check cells read) becomes ``name =
    None`` (a dict literal keeps its keys, with ``None`` values). Nothing else
    of the solution is kept.

    Args:
        sources: The source of each code cell of the solution.
        needed: Names the check cells need the stub to define.
        label: The exercise's label, named in the TODO line.

    Returns:
        The stub's source.
    """
    sources = _validate.strings("sources", sources, allow_empty=True)
    needed = set(_validate.strings("needed", needed, allow_empty=True))
    if not all(name.isidentifier() for name in needed):
        bad = next(name for name in sorted(needed) if not name.isidentifier())
        raise ValueError(f"needed must hold Python names, got {bad!r:.60}.")
    label = _validate.text("label", label)
    checked = bool(needed)
    exercise = f" (exercise {label})" if label else ""
    then = ", then run the check cell below" if checked else ""
    lines = [f"# TODO{exercise}: write your answer here{then}."]
    assigned: dict[str, ast.AST | None] = {}
    defined: set[str] = set()
    for source in sources:
        tree = _python(source)
        if tree is None:
            continue
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                lines += ["", ""] + _def_stub(node)
                defined.add(node.name)
                continue
            value = getattr(node, "value", None)
            for name in _stored_names(node):
                assigned[name] = value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None
    rest = sorted(needed - defined)
    if rest:
        lines += ["", ""] if defined else [""]
        for name in rest:
            lines += _wrap(f"{name} = {_placeholder(assigned.get(name))}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------
# Student and teacher notebooks
# --------------------------------------------------------------------------


def _needed_names(chapter: ChapterExercises, exercise: Exercise) -> set[str]:
    """Names the exercise's check cells read and only its solution defines."""
    cells = chapter.notebook.cells
    if not exercise.check_cells or not exercise.solution_cells:
        return set()
    loaded, bound = set(), set()
    for i in exercise.check_cells:
        loaded |= _loaded_names(cells[i].source)
        tree = _python(cells[i].source)
        bound |= _stored_names(tree) if tree is not None else set()
    loaded -= bound  # what a check cell imports or sets itself, it needs from no one
    solution = set()
    for i in exercise.solution_cells:
        tree = _python(cells[i].source)
        if tree is not None:
            solution |= _stored_names(tree)
    # Names the chapter defines before the solution stay the chapter's.
    before = set()
    for i, cell in enumerate(cells[:exercise.solution_cells[0]]):
        if cell.cell_type == "code" and SOLUTION_TAG not in _tags(cell):
            tree = _python(cell.source)
            if tree is not None:
                before |= _stored_names(tree)
    return (loaded & solution) - before


def student_notebook(chapter: ChapterExercises) -> Any:
    """The chapter without its solutions: each replaced by a ``# TODO`` stub.

    Text solutions become a markdown cell "TODO: your answer"; code solutions
    one code cell from :func:`solution_stub`, tagged ``todo``. Every other
    cell is kept as it is, check cells included.
    """
    import nbformat

    if not isinstance(chapter, ChapterExercises):
        raise TypeError(f"chapter must be a ChapterExercises from read_exercises, "
                        f"got {type(chapter).__name__}.")
    source = chapter.notebook
    cells = source.cells
    by_label = {exercise.label: exercise for exercise in chapter.exercises}
    out = []
    stubbed: set[str] = set()
    for piece in chapter.pieces:
        if piece.kind == "cell":
            out.append(nbformat.from_dict(dict(cells[piece.cell])))
        elif piece.kind == "text":
            out.append(nbformat.v4.new_markdown_cell(piece.text))
        elif piece.kind == "text-solution":
            out.append(nbformat.v4.new_markdown_cell(
                f"*TODO (exercise {piece.label}): write your answer here.*",
                metadata={"tags": [TODO_TAG]}))
        elif piece.label not in stubbed:  # the first code cell of a solution
            stubbed.add(piece.label)
            exercise = by_label[piece.label]
            stub = solution_stub([cells[i].source for i in exercise.solution_cells],
                                 _needed_names(chapter, exercise), piece.label)
            out.append(nbformat.v4.new_code_cell(stub.rstrip("\n"),
                                                 metadata={"tags": [TODO_TAG]}))
    notebook = nbformat.from_dict(dict(source))
    for index, cell in enumerate(out):
        cell["id"] = f"{Path(chapter.name).stem[:40]}-student-{index:03d}"
        if cell.cell_type == "code":
            cell["outputs"], cell["execution_count"] = [], None
    notebook.cells = out
    return notebook


# --------------------------------------------------------------------------
# The instructor guide's tables
# --------------------------------------------------------------------------

#: The comments between which :func:`render_guide` writes; the rest of the guide is prose.
GUIDE_BEGIN = ("<!-- BEGIN generated by `python -m rnn_course.assign --guide "
               "instructor_guide.md`: edit the chapters, not this part -->")
GUIDE_END = "<!-- END generated -->"

#: How many times faster than two CPU cores we assume a Colab GPU trains the
#: chapters' Keras models: a deliberately cautious guess, printed in the guide
#: as an estimate, until ``make bench`` has run on a GPU.
ASSUMED_GPU_SPEEDUP = 5

_BOX_FIELD = re.compile(r"\*\*(?P<name>Objectives|Prerequisites|Time)\.\*\*\s*(?P<text>.*)")
_CHAPTER_NUMBER = re.compile(r"Chapters? (\d+)((?:(?:, | and | to )\d+)*)")
_REF = re.compile(r"\{ref\}`(?:[^`<]*<)?(?P<label>[^`>]+)>?`")
# Code that trains a Keras model (or searches over them): what a GPU speeds up.
_TRAINS = re.compile(r"\.fit\(|\.search\(|train_and_evaluate\(")


@dataclass
class ChapterInfo:
    """What the instructor guide says about one chapter, read from the chapter."""

    stem: str
    number: str
    label: str
    title: str
    objectives: list[str]
    prerequisites: str
    time: str
    depends_on: list[str]
    exercises: list[Exercise]
    checkers: dict[str, list[str]]  # exercise label -> check_* functions its check cells call
    trains: bool


def _objectives_box(text: str, name: str) -> dict[str, Any]:
    """Objectives, prerequisites and time from the chapter's "In this chapter" box."""
    match = re.search(r"^:::\{admonition\} In this chapter\n(.*?)^:::$", text, re.M | re.S)
    if match is None:
        return {"objectives": [], "prerequisites": "", "time": ""}
    box = {"objectives": [], "prerequisites": "", "time": ""}
    current = None
    for line in match.group(1).splitlines():
        field_match = _BOX_FIELD.match(line.strip())
        if field_match:
            current = field_match["name"].lower()
            if current != "objectives":
                box[current] = field_match["text"].strip()
        elif current == "objectives" and line.startswith("- "):
            box["objectives"].append(line[2:].strip())
    missing = [key for key, value in box.items() if not value]
    if missing:
        raise AssignError(f"{name}: the 'In this chapter' box has no {' or '.join(missing)}.")
    return box


def chapter_info(md: Path, labels: dict[str, str] | None = None) -> ChapterInfo:
    """Read one chapter for the guide.

    Args:
        md: The chapter's ``.md``.
        labels: Chapter label -> chapter number, to turn ``{ref}`` links in
            the prerequisites into dependencies.
    """
    md = _chapter_file("md", md)
    if labels is not None and (not isinstance(labels, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in labels.items())):
        raise TypeError("labels must be a dict of chapter labels to chapter numbers (strings), "
                        f"got {type(labels).__name__}.")
    text = md.read_text(encoding="utf-8")
    notebook = chapter_notebook(md)
    chapter = read_exercises(notebook, md.name)
    heading = re.search(r"^\((?P<label>[\w-]+)\)=\s*\n# (?P<title>.+)$", text, re.M)
    stub = not chapter.exercises and "**Objectives.**" not in text
    box = {"objectives": [], "prerequisites": "", "time": ""} if stub \
        else _objectives_box(text, md.name)
    depends = []
    for match in _CHAPTER_NUMBER.finditer(box["prerequisites"]):
        depends += [match[1]] + re.findall(r"\d+", match[2])
    depends += [(labels or {}).get(m["label"], "") for m in _REF.finditer(box["prerequisites"])]
    depends = sorted({d.lstrip("0") for d in depends if d}, key=lambda d: (len(d), d))
    checkers = {}
    for exercise in chapter.exercises:
        called = []
        for i in exercise.check_cells:
            tree = _python(notebook.cells[i].source)
            called += [node.func.id for node in ast.walk(tree or ast.Module(body=[]))
                       if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                       and node.func.id.startswith("check_")]
        checkers[exercise.label] = list(dict.fromkeys(called))
    code = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
    number = md.stem.split("_", 1)[0]
    return ChapterInfo(
        stem=md.stem, number=number.lstrip("0") or number,
        label=heading["label"] if heading else "",
        title=heading["title"].strip() if heading else md.stem,
        objectives=box["objectives"], prerequisites=box["prerequisites"], time=box["time"],
        depends_on=depends, exercises=chapter.exercises, checkers=checkers,
        trains=bool(_TRAINS.search(code)))


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "not measured yet"
    if seconds < 90:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.0f} min"


def _machines(results: list[dict]) -> tuple[dict | None, dict | None]:
    """The 2-CPU-core machine and the GPU machine among the benchmark results, if any."""
    cpu = next((r for r in results if not r["machine"].get("gpu")
                and r["machine"].get("cores") == 2), None)
    gpu = next((r for r in results if r["machine"].get("gpu")), None)
    return cpu, gpu


def _first_sentence(text: str) -> str:
    flat = " ".join(text.split())
    match = re.search(r"(?<=[.?!])\s(?=[A-Z(\"*])", flat)
    return flat[: match.start()] if match else flat


def _checker_summary(name: str) -> str:
    from rnn_course import checks

    function = getattr(checks, name, None)
    doc = (getattr(function, "__doc__", None) or "").strip().splitlines()
    if function is None or not doc:
        raise AssignError(f"a check cell calls {name}, which rnn_course.checks does not have.")
    return doc[0].rstrip(".")


def _exercise_lines(info: ChapterInfo) -> list[str]:
    lines = []
    for exercise in info.exercises:
        ref = f"{{ref}}`{exercise.label} <{exercise.label}>`"
        task = _first_sentence(exercise.text)
        names = info.checkers.get(exercise.label, [])
        if names:
            how = "; ".join(f"`{name}`: {_checker_summary(name)}" for name in names)
            check = f"*Checked automatically* by {how}."
        else:
            check = "*Open*: read and graded by hand (the solution is in the teacher version)."
        lines.append(f"- {ref}: {task} {check}")
    return lines


def _suggestion(info: ChapterInfo) -> str:
    checked = [e.label for e in info.exercises if info.checkers.get(e.label)]
    open_ = [e.label for e in info.exercises if not info.checkers.get(e.label)]
    parts = []
    if checked:
        parts.append(f"{', '.join(checked)} as graded homework: students see the checker's "
                     "verdict as they work, and the check cells show it to the grader too")
    if open_:
        parts.append(f"{', '.join(open_)} as written answers or for discussion in class")
    return "; ".join(parts) + "." if parts else "No exercises yet."


def render_guide_tables(infos: Sequence[ChapterInfo], results: list[dict]) -> str:
    """The generated part of the instructor guide, markers included."""
    from rnn_course.benchmark_results import chapter_seconds

    if isinstance(infos, (str, bytes, Mapping)) or not isinstance(infos, Iterable):
        raise TypeError(f"infos must be a list of ChapterInfo from chapter_info, "
                        f"got {type(infos).__name__}.")
    infos = list(infos)
    if not infos:
        raise ValueError("infos is empty: pass at least one chapter's ChapterInfo.")
    for i, info in enumerate(infos):
        if not isinstance(info, ChapterInfo):
            raise TypeError(f"infos[{i}] must be a ChapterInfo from chapter_info, "
                            f"got {type(info).__name__}.")
    cpu, gpu = _machines(_results(results))
    lines = [GUIDE_BEGIN, "", "## The chapters at a glance", ""]
    if cpu is None:
        lines.append("Run times: not measured yet. `make bench` measures them; then "
                     "`python -m rnn_course.assign --guide instructor_guide.md` writes them here.")
    else:
        machine = cpu["machine"]
        lines.append(f"Run times were measured by `make bench` on {machine.get('description', '')}"
                     f" ({machine.get('cpu', 'CPU not recorded')}, {machine.get('date', '')}), "
                     "with the offline datasets.")
    if gpu is None:
        lines.append(f"GPU times are estimates: the full run on two CPU cores divided by "
                     f"{ASSUMED_GPU_SPEEDUP} for chapters that train Keras models (our cautious "
                     "guess for a Colab GPU), and unchanged for chapters that only run NumPy. "
                     "No GPU run has been measured yet.")
    else:
        lines.append(f"GPU times were measured on {gpu['machine'].get('gpu')}.")
    lines += ["", "| Chapter | Time to read and do (from the chapter) | Quick run, 2 CPU cores "
              "| Full run, 2 CPU cores | Full run, GPU | Builds on | Checked automatically |",
              "|---|---|---|---|---|---|---|"]
    for info in infos:
        quick = chapter_seconds([cpu], info.stem, "quick") if cpu else None
        full = chapter_seconds([cpu], info.stem, "full") if cpu else None
        if gpu is not None:
            gpu_text = _duration(chapter_seconds([gpu], info.stem, "full"))
        elif full is None:
            gpu_text = "not measured yet"
        else:
            estimate = full / ASSUMED_GPU_SPEEDUP if info.trains else full
            gpu_text = f"about {_duration(estimate)} (estimate)"
        checked = [f"{e.label} (`{'`, `'.join(info.checkers[e.label])}`)"
                   for e in info.exercises if info.checkers.get(e.label)]
        chapter = f"{{ref}}`{info.label}`" if info.label else info.title
        lines.append(f"| {chapter} | {info.time or 'not written yet'} | {_duration(quick)} "
                     f"| {_duration(full)} | {gpu_text} | {', '.join(info.depends_on) or 'none'} "
                     f"| {', '.join(checked) or 'none yet'} |")
    lines += ["", "## Chapter by chapter", ""]
    for info in infos:
        lines += [f"### {info.title}", ""]
        if not info.objectives and not info.exercises:
            lines += ["Being written: no objectives or exercises yet.", ""]
            continue
        lines += ["**Objectives.** By the end of the chapter students can", ""]
        lines += [f"- {objective}" for objective in info.objectives]
        lines += ["", f"**Prerequisites.** {info.prerequisites}", "",
                  f"**Time.** {info.time}", "", "**Exercises.**", ""]
        lines += _exercise_lines(info)
        lines += ["", f"**Suggested assignment.** {_suggestion(info)}", ""]
    lines.append(GUIDE_END)
    return "\n".join(lines)


def render_guide(text: str, mds: Sequence[Path], results: list[dict]) -> str:
    """``text`` (the guide) with its generated part rebuilt from the chapters and results.

    Raises:
        AssignError: the guide lacks the two marker comments.
    """
    text = _validate.text("text", text)
    mds = _paths("mds", mds, exist=True)
    results = _results(results)
    start, end = text.find(GUIDE_BEGIN), text.find(GUIDE_END)
    if start < 0 or end < start:
        raise AssignError(f"the guide has no generated part: add the lines {GUIDE_BEGIN!r} "
                          f"and {GUIDE_END!r} where the tables go.")
    labels = {}
    for md in mds:
        match = re.search(r"^\((?P<label>[\w-]+)\)=\s*\n#\s", md.read_text(encoding="utf-8"), re.M)
        if match:
            number = md.stem.split("_", 1)[0]
            labels[match["label"]] = number.lstrip("0") or number
    infos = [chapter_info(md, labels) for md in mds]
    return text[:start] + render_guide_tables(infos, results) + text[end + len(GUIDE_END):]


def write_guide(path: Path, mds: Sequence[Path], results_folder: Path | None = None) -> Path:
    """Rewrite the generated part of the guide at ``path``; return ``path``."""
    from rnn_course.benchmark_results import load_results

    path = _path("path", path)
    mds = _paths("mds", mds, exist=True)
    if results_folder is not None:
        results_folder = _path("results_folder", results_folder)
    if not path.is_file():
        raise AssignError(f"no instructor guide at {path}.")
    text = path.read_text(encoding="utf-8")
    new = render_guide(text, mds, load_results(results_folder))
    if new != text:
        path.write_text(new, encoding="utf-8")
    return path


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------


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


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m rnn_course.assign",
        description="Export student versions (solutions replaced by TODO stubs) and teacher "
                    "versions of the chapters, or regenerate the instructor guide's tables.")
    parser.add_argument("--chapter", action="append", metavar="NN|name",
                        help="a chapter to export (repeatable); default every chapter")
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE,
                        help="the folder of the chapters' .md files (default chapters/)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="where student/ and teacher/ are written (default _build/assign)")
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
        for md in mds:
            student, teacher = export_chapter(md, args.out)
            print(f"{md.stem}: {student} and {teacher}")
    except (ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
