"""The same seed gives the same training, number for number.

Chapter 6's quick training runs in fresh subprocesses on CPU: twice with the
chapter's own seed, once with another. The test executes the chapter itself
(its code cells, from the top to the cell that trains), so its settings have
one source, the chapter, and the test cannot drift from what readers run.
Run as a script, this file is that subprocess:
``python tests/test_reproducibility.py SEED OUT.json``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = ROOT / "chapters" / "06_imdb_sentiment.ipynb"
TRAINING_CELL = "history = model.fit("
SEED_LINE = re.compile(r"^SEED = (\d+)$", re.MULTILINE)


def chapter_cells_until_training() -> list[str]:
    """The code cells of chapter 6, from the first to the one that trains."""
    notebook = json.loads(CHAPTER.read_text(encoding="utf-8"))
    cells = []
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            cells.append("".join(cell["source"]))
            if TRAINING_CELL in cells[-1]:
                return cells
    raise AssertionError(f"no cell of {CHAPTER.name} contains {TRAINING_CELL!r}")


def chapter_seed() -> int:
    seeds = [int(m) for cell in chapter_cells_until_training() for m in SEED_LINE.findall(cell)]
    assert len(seeds) == 1, f"expected one 'SEED = ...' line in {CHAPTER.name}, found {seeds}"
    return seeds[0]


def _train(seed: int, out: Path) -> None:
    """Run the chapter's cells with ``SEED = seed``; write ``history.history`` to ``out``."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    for source in chapter_cells_until_training():
        result = shell.run_cell(SEED_LINE.sub(f"SEED = {seed}", source), store_history=False)
        result.raise_error()
    out.write_text(json.dumps(shell.user_ns["history"].history))


# ---------------------------------------------------------------- the test


def _start(seed: int, out: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "TMPDIR": str(out.parent),  # the chapter's mkdtemp folders land in pytest's tmp_path
        "RNN_COURSE_QUICK": "1",
        "RNN_COURSE_DATA": "synthetic",
        "CUDA_VISIBLE_DEVICES": "",  # CPU: GPU kernels are not all deterministic
        "MPLBACKEND": "Agg",
        "TF_CPP_MIN_LOG_LEVEL": "2",
    }
    return subprocess.Popen([sys.executable, __file__, str(seed), str(out)], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


@pytest.fixture(scope="module")
def histories(tmp_path_factory) -> dict[str, dict[str, list[float]]]:
    """Three fresh runs side by side: the chapter's seed twice, then the next seed."""
    seed = chapter_seed()
    folder = tmp_path_factory.mktemp("histories")
    runs = {"first": seed, "second": seed, "other seed": seed + 1}
    processes = {name: _start(s, folder / f"{i}.json") for i, (name, s) in enumerate(runs.items())}
    for name, process in processes.items():
        _, stderr = process.communicate(timeout=600)
        assert process.returncode == 0, f"the {name} run failed:\n{stderr[-3000:]}"
    return {name: json.loads((folder / f"{i}.json").read_text())
            for i, name in enumerate(runs)}


def test_same_seed_gives_identical_histories(histories):
    first, second = histories["first"], histories["second"]
    assert {"loss", "accuracy", "val_loss", "val_accuracy"} <= set(first)
    assert len(first["loss"]) >= 2
    assert first == second  # every logged number, exactly


def test_another_seed_gives_another_history(histories):
    first, other = histories["first"], histories["other seed"]
    assert first.keys() == other.keys()
    assert first["loss"] != other["loss"]


if __name__ == "__main__":
    _train(int(sys.argv[1]), Path(sys.argv[2]))
