"""The landing page's figure is the one the code in this repository draws."""

from __future__ import annotations

from tools.landing_figure import FIGURE, landing_figure_svg


def test_committed_landing_figure_is_what_the_script_draws():
    assert FIGURE.exists(), f"{FIGURE} is missing: run python tools/landing_figure.py"
    assert FIGURE.read_text(encoding="utf-8") == landing_figure_svg(), (
        f"{FIGURE} differs from what tools/landing_figure.py draws: run it and commit the result"
    )


def test_landing_figure_is_drawn_the_same_twice():
    assert landing_figure_svg() == landing_figure_svg()
