"""The course's one table writer: Markdown tables through ``tabulate``.

Every table a chapter glues or ``make bench`` writes (results of training
runs, a Hyperband schedule, a search's trials, the benchmarks, the worked
example of Chapter 2) goes through :func:`markdown_table`, so they all look
alike and render as tables on the site and in Jupyter.

Example::

    from rnn_course.tables import markdown_table

    print(markdown_table(["model", "accuracy"], [["LSTM", "0.870"]]))
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tabulate import tabulate

__all__ = ["markdown_table"]

_ALIGNMENTS = ("left", "right", "center")


def markdown_table(
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    align: str | Sequence[str] = "right",
) -> str:
    """A Markdown (pipe) table, columns padded so the text reads as a table too.

    Cells are written as they are given: format numbers before passing them
    (``f"{x:.3f}"``), so that a table shows the digits its chapter chose.

    Args:
        header: The column titles.
        rows: One sequence of cells per row, as many cells as titles.
        align: ``"left"``, ``"right"`` or ``"center"`` for every column,
            or one of them per column.

    Returns:
        The table, lines separated by ``\\n``.

    Raises:
        TypeError: ``header`` is not a list of strings, or ``align`` is
            neither a string nor a list.
        ValueError: A row has the wrong number of cells, or an alignment
            is unknown or given for the wrong number of columns.
    """
    if isinstance(header, str) or not all(isinstance(h, str) for h in header):
        raise TypeError("header must be a list of column titles (strings).")
    columns = len(header)
    if isinstance(align, str):
        aligns = [align] * columns
    elif isinstance(align, Sequence):
        aligns = list(align)
    else:
        raise TypeError(f"align must be a string or a list of strings, got {align!r}.")
    if len(aligns) != columns or any(a not in _ALIGNMENTS for a in aligns):
        raise ValueError(
            f"align must be one of {', '.join(_ALIGNMENTS)}, or one of them "
            f"for each of the {columns} columns, got {align!r}."
        )
    cells = [[str(cell) for cell in row] for row in rows]
    for i, row in enumerate(cells):
        if len(row) != columns:
            raise ValueError(f"rows[{i}] has {len(row)} cells for {columns} columns.")
    return tabulate(cells, headers=list(header), tablefmt="pipe",
                    colalign=aligns, disable_numparse=True)
