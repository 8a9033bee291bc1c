"""No result written by hand in a chapter's prose.

A number that a run produces (an accuracy, a loss, a time) is glued into the
prose from the code that computed it, so that the text cannot drift from
what the page shows. This test reads the Markdown cells of every chapter and
fails on a decimal between 0 and 1, or a time in seconds, written by hand.
Not counted:

- what is glued, code (in backticks) and mathematics (in dollars);
- a sentence that cites the literature (``{cite}``), which quotes its figures;
- a decimal that the chapter's own code sets (a learning rate, a spectral
  radius, a threshold): an input of the run, not a result of it;
- the few figures in :data:`QUOTED`, each with its reason.
"""

from __future__ import annotations

import re
from pathlib import Path

import jupytext
import pytest

from tests.helpers import chapter_sources

#: Decimals between 0 and 1: 0.85, .5 (not 1.5, 6.2 or 10.05).
DECIMAL = re.compile(r"(?<![\w.\-])0?\.\d+(?![\w.])")
#: Times in seconds: 12 s, 0.7 s, 18,742 s, 3 seconds, 40 ms.
SECONDS = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?\s*(?:s|ms|seconds?)\b")
#: Figures quoted from a source that is not in the bibliography, by chapter.
QUOTED = {
    "01_why_recurrence": {"3 seconds": "an example task (3 seconds of speech), not a result"},
    "06_imdb_sentiment": {"18,742 s": "the course notes' own figure, quoted as theirs"},
}
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z({])")


def prose(text: str) -> str:
    """``text`` without code, mathematics, glued values and directive options."""
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.S)
    text = re.sub(r"\$[^$\n]*\$", " ", text)
    text = re.sub(r"\{[\w:-]+\}`[^`]*`", " ", text)  # roles: glue, ref, cite, ...
    text = re.sub(r"`[^`]*`", " ", text)
    return re.sub(r"^\s*:[\w-]+:.*$", " ", text, flags=re.M)


def hand_written_numbers(md: Path) -> list[str]:
    """The decimals between 0 and 1 and the times in seconds of ``md``'s prose."""
    notebook = jupytext.read(md)
    code = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
    set_by_code = set(re.findall(r"(?<![\w.])\d*\.\d+", code))
    found = []
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        for sentence in SENTENCE_END.split(cell.source):
            if "{cite" in sentence:
                continue
            text = prose(sentence)
            for match in [*DECIMAL.finditer(text), *SECONDS.finditer(text)]:
                number = match.group(0)
                if number in set_by_code or number in QUOTED.get(md.stem, {}):
                    continue
                context = text[max(0, match.start() - 50):match.end() + 30]
                found.append(f"{number!r} in '...{' '.join(context.split())}...'")
    return found


@pytest.mark.parametrize("md", chapter_sources(), ids=lambda md: md.stem)
def test_no_hand_written_result_in_the_prose(md):
    found = hand_written_numbers(md)
    assert not found, (
        f"{md.name}: glue these from the code, put a setting in backticks or "
        f"mathematics, or cite its source: " + "; ".join(found))


def test_a_hand_written_accuracy_is_found(tmp_path):
    md = tmp_path / "99_example.md"
    md.write_text(
        "---\njupyter:\n  jupytext:\n    formats: md:myst\n---\n\n"
        "# Example\n\nThe model reached 0.87 in 12.5 s. {cite}`x2020` reports 0.9.\n\n"
        "```{code-cell} ipython3\nrate = 0.25\n```\n\nWe set the rate to 0.25, "
        "and glue {glue:text}`acc:.3f`.\n", encoding="utf-8")
    found = hand_written_numbers(md)
    assert [item.split(" in ")[0] for item in found] == ["'0.87'", "'12.5 s'"]
