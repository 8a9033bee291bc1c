"""Student versions of the chapters: their exercises, solutions, stubs and notebooks.

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
``.ipynb``: :func:`chapter_notebook` and :func:`notebook_text` convert a
chapter's ``.md`` into it (``tools/sync_notebooks.py`` writes the committed
files with them). The command line is ``python -m tools.assign``
(:mod:`tools.assign`).
"""

from __future__ import annotations

import ast
import copy
import itertools
import json
import os
import re
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jupytext
import nbformat

from rnn_course import _validate

#: Tag of the code cells of a solution (inside ``solution-start``/``solution-end``).
SOLUTION_TAG = "solution"
#: Tag of an exercise's auto-check cell (after its solution block).
CHECK_TAG = "check"
#: Tag :func:`student_notebook` gives the stubs that replace solutions.
TODO_TAG = "todo"
#: The first line of a code cell that Colab shows as a form, code hidden.
COLAB_TITLE = "# @title"
#: Points an auto-checked exercise is worth when its check cell names none
#: (``:points: N`` in the check cell's options).
DEFAULT_POINTS = 1

# An opening fence of a MyST directive: ":::{name} argument" or "```{name} argument".
_DIRECTIVE = re.compile(r"^(?P<fence>:{3,}|`{3,})\{(?P<name>[\w-]+)\}\s*(?P<argument>.*?)\s*$")
_LABEL_OPTION = re.compile(r"^:label:\s*(?P<label>\S+)\s*$")
_SOLUTION_START = re.compile(r"^(?::{3,}|`{3,})\{solution-start\}\s*(\S+)", re.M)


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
    if not isinstance(value, nbformat.NotebookNode) or not isinstance(value.get("cells"), list):
        raise TypeError(f"{name} must be a notebook from chapter_notebook, "
                        f"got {type(value).__name__}.")
    return value


# --------------------------------------------------------------------------
# Reading a chapter
# --------------------------------------------------------------------------


def chapter_notebook(md: Path) -> Any:
    """The chapter ``md`` as a notebook: ``tools/sync_notebooks.py`` writes ``.ipynb`` from it.

    Cell ids are derived from the chapter name and the cell position, so the
    notebook written from it is byte-identical to the committed ``.ipynb``.
    Every solution code cell is hidden in Colab (:func:`colab_hidden`).
    """
    md = _chapter_file("md", md)
    notebook = jupytext.read(md)
    label = ""
    for index, cell in enumerate(notebook.cells):
        cell["id"] = f"{md.stem[:50]}-{index:03d}"
        if cell.cell_type == "markdown":
            starts = _SOLUTION_START.findall(cell.source)
            label = starts[-1] if starts else label
        elif SOLUTION_TAG in _tags(cell):
            colab_hidden(cell, label)
    return notebook


def colab_hidden(cell: Any, label: str = "") -> Any:
    """Hide a solution code cell in Colab until the reader asks for it; return the cell.

    Colab shows a code cell whose metadata says ``cellView: form`` as a form:
    its ``# @title`` line, and the code behind a "Show code" link. The cell
    runs as before. Other notebook programs ignore both.
    """
    label = _validate.text("label", label)
    if not isinstance(cell, dict) or cell.get("cell_type") != "code" or "source" not in cell:
        raise TypeError(f"cell must be a notebook code cell, got {type(cell).__name__}.")
    cell.setdefault("metadata", {})
    title = f"{COLAB_TITLE} Solution{f' of {label}' if label else ''} (try it yourself first)"
    if not cell.source.startswith(COLAB_TITLE):
        cell.source = f"{title}\n{cell.source}"
    cell.metadata["cellView"] = "form"
    return cell


def without_colab_title(source: str) -> str:
    """``source`` without the ``# @title`` line :func:`colab_hidden` gave it."""
    source = _validate.text("source", source)
    if source.startswith(COLAB_TITLE):
        return source.partition("\n")[2]
    return source


def notebook_text(notebook: Any) -> str:
    """The ``.ipynb`` JSON text of ``notebook`` (the format of the committed files)."""
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
    points: int = 0  # what passing its checks is worth; 0 for an open exercise


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

        def flush(kept: list[str] = kept, index: int = index) -> None:
            # Bound now: the loop's next cell has its own kept and index.
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
    for exercise in exercises:
        exercise.points = _points(notebook, exercise, name)
    return ChapterExercises(name, notebook, exercises, pieces)


def _points(notebook: Any, exercise: Exercise, name: str) -> int:
    """What an exercise is worth: the ``points`` of its check cells, else the default."""
    if not exercise.check_cells:
        return 0
    given = [notebook.cells[i].metadata.get("points") for i in exercise.check_cells]
    for value in given:
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                  or value < 1):
            raise AssignError(f"{name}: the check cell of {exercise.label} gives points: "
                              f"{value!r}; write a whole number of at least 1.")
    values = [value for value in given if value is not None]
    return sum(values) if values else DEFAULT_POINTS


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


#: The width of a chapter's code cells (chapters/ruff.toml), which stubs keep to.
_WIDTH = 79


def _wrap(line: str, width: int = _WIDTH) -> list[str]:
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
    lines = textwrap.wrap(f"TODO{exercise}: write your answer here{then}.", width=_WIDTH - 2,
                          initial_indent="# ", subsequent_indent="# ")
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
    for cell in cells[:exercise.solution_cells[0]]:
        if cell.cell_type == "code" and SOLUTION_TAG not in _tags(cell):
            tree = _python(cell.source)
            if tree is not None:
                before |= _stored_names(tree)
    return (loaded & solution) - before


def todo_id(label: str) -> str:
    """The cell id of the TODO cell of exercise ``label`` in the student version."""
    label = _validate.text("label", label)
    if not label:
        raise ValueError("label is empty: pass the exercise's label, e.g. 'ex-02-count'.")
    return re.sub(r"[^A-Za-z0-9_-]", "-", f"todo-{label}")[:64]


def student_notebook(chapter: ChapterExercises) -> Any:
    """The chapter without its solutions: each replaced by a ``# TODO`` stub.

    Text solutions become a markdown cell "TODO: your answer"; code solutions
    one code cell from :func:`solution_stub`, tagged ``todo``. Every other
    cell is kept as it is, check cells included.
    """
    if not isinstance(chapter, ChapterExercises):
        raise TypeError(f"chapter must be a ChapterExercises from read_exercises, "
                        f"got {type(chapter).__name__}.")
    source = chapter.notebook
    cells = source.cells
    by_label = {exercise.label: exercise for exercise in chapter.exercises}
    out = []
    named: set[int] = set()  # cells of out that keep their id
    stubbed: set[str] = set()
    for piece in chapter.pieces:
        if piece.kind == "cell":
            out.append(nbformat.from_dict(dict(cells[piece.cell])))
            named.add(len(out) - 1)
        elif piece.kind == "text":
            out.append(nbformat.v4.new_markdown_cell(piece.text))
        elif piece.kind == "text-solution":
            out.append(nbformat.v4.new_markdown_cell(
                f"*TODO (exercise {piece.label}): write your answer here.*",
                metadata={"tags": [TODO_TAG]}))
            out[-1]["id"] = todo_id(piece.label)
            named.add(len(out) - 1)
        elif piece.label not in stubbed:  # the first code cell of a solution
            stubbed.add(piece.label)
            exercise = by_label[piece.label]
            stub = solution_stub([cells[i].source for i in exercise.solution_cells],
                                 _needed_names(chapter, exercise), piece.label)
            out.append(nbformat.v4.new_code_cell(stub.rstrip("\n"),
                                                 metadata={"tags": [TODO_TAG]}))
            out[-1]["id"] = todo_id(piece.label)
            named.add(len(out) - 1)
    notebook = nbformat.from_dict(dict(source))
    stem = Path(chapter.name).stem
    for index, cell in enumerate(out):
        # A cell kept whole keeps the chapter's id (the grader finds the
        # check cells by it), a TODO cell its exercise's; any other new cell
        # gets one from its place.
        if index not in named:
            cell["id"] = f"{stem[:40]}-student-{index:03d}"
        if cell.cell_type == "code":
            cell["outputs"], cell["execution_count"] = [], None
    notebook.cells = out
    notebook.metadata["rnn_course"] = {"chapter": stem, "version": "student"}
    return notebook
