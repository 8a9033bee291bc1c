"""Draw the landing page's figure: a recurrent network folded and unrolled in time.

The figure on ``intro.md`` is ``_static/unrolled-rnn.svg``, drawn by
:func:`rnn_course.diagrams.draw_unrolled_rnn` (the one Chapter 2 draws) and
committed, so that the landing page needs no code to run. The SVG is written
without a date and with fixed element ids, so that drawing it again with the
pinned matplotlib gives the same bytes; ``--check`` says when it does not.

Usage: ``python tools/landing_figure.py [--check]``
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # after choosing the backend

from rnn_course.diagrams import draw_unrolled_rnn

FIGURE = Path(__file__).resolve().parents[1] / "_static" / "unrolled-rnn.svg"
#: Time steps drawn: enough to show the chain, small enough for the landing page.
STEPS = 3


def landing_figure_svg() -> str:
    """The SVG text of the landing page's figure."""
    figure = draw_unrolled_rnn(steps=STEPS)
    buffer = io.StringIO()
    # A fixed salt gives fixed ids; no date and no creator keep the file stable.
    with matplotlib.rc_context({"svg.hashsalt": "rnn-course-landing", "svg.fonttype": "path"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(figure)
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="only say whether the committed figure is up to date")
    args = parser.parse_args(argv)
    svg = landing_figure_svg()
    current = FIGURE.read_text(encoding="utf-8") if FIGURE.exists() else None
    if args.check:
        if current != svg:
            print(f"{FIGURE} is out of date: run python tools/landing_figure.py")
            return 1
        return 0
    if current != svg:
        FIGURE.write_text(svg, encoding="utf-8")
        print(f"wrote {FIGURE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
