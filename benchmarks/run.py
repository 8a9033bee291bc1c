"""Benchmark the course on this machine: ``make bench`` (see benchmarks/README.md).

Every case runs in a fresh Python process (``run.py --case '<json>'``), so
that one case's compiled graphs, caches and threads never slow or speed up
the next. The parent process collects what each child prints, merges it into
``benchmarks/results/<machine-id>.json`` (a run of a subset replaces only the
entries it measured), writes the Markdown table beside it and prints it.

Cases:

- ``chapters``: every chapter notebook executed top to bottom with nbclient,
  in quick mode (and in full mode with ``--full``); its record keeps the
  values the chapter glued into its prose (``"glued"``), beside its time.
- ``imdb``: the seeds' recipe against the fast recipe of Appendix A, for
  SimpleRNN, LSTM and GRU, on the 25,000 training reviews.
- ``numpy``: the NumPy RNN one sequence at a time, on a batch, and Keras's
  ``SimpleRNN`` on the same batch.
- ``tests`` (only with ``--only tests``: about ten minutes): ``make venv`` and
  then ``CI=1 make test`` in a fresh clone of the committed HEAD, as CI runs
  them. Its child process only starts ``git`` and ``make``; it lets their
  output through, so that the long run shows its progress and its failures.
"""

from __future__ import annotations

import argparse
import ast
import datetime
import importlib.metadata
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"
RESULTS = ROOT / "benchmarks" / "results"
MARKER = "BENCHMARK-RESULT "

#: Cell names in the results file and in rnn_course.models.
CELLS = {"SimpleRNN": "simple_rnn", "LSTM": "lstm", "GRU": "gru"}

#: Epochs of every IMDB run: enough for the LSTM and GRU runs to settle, so
#: that the two recipes are compared on accuracies that no longer move much.
IMDB_EPOCHS = 8
SEED = 1234

# Training reviews, held-out reviews (from the test split) to validate on, and
# the NumPy RNN's batch, in a normal run and in a smoke run.
SIZES = {
    "normal": {"train": 25_000, "validation": 10_000, "numpy_batch": 256, "timesteps": 100},
    "smoke": {"train": 256, "validation": 256, "numpy_batch": 8, "timesteps": 20},
}


# --------------------------------------------------------------------------
# The machine


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _gpu_name() -> str | None:
    if shutil.which("nvidia-smi") is None:
        return None
    try:
        out = subprocess.run(["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"],
                             capture_output=True, text=True, timeout=30, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    names = [line.strip() for line in out.splitlines() if line.strip()]
    return ", ".join(names) or None


def describe_machine(machine_id: str | None = None) -> dict:
    """The ``machine`` object of the results file, for this machine."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    cpu, gpu = _cpu_model(), _gpu_name()
    if machine_id is None:
        # e.g. "cpu2-xeon": what the machine is, not its host name.
        words = re.findall(r"[a-z]+", cpu.lower())
        family = next((w for w in words if w not in {"intel", "amd", "r", "tm", "cpu", "core",
                                                      "processor", "genuine"}), "cpu")
        machine_id = f"gpu-{re.sub('[^a-z0-9]+', '-', gpu.lower()).strip('-')}" if gpu \
            else f"cpu{cores}-{family}"
    description = f"{cores} CPU cores, " + (f"GPU {gpu}" if gpu else "no GPU")
    return {"id": machine_id, "description": description, "cpu": cpu, "cores": cores,
            "gpu": gpu, "python": platform.python_version(),
            "tensorflow": importlib.metadata.version("tensorflow"),
            "keras": importlib.metadata.version("keras"),
            "date": datetime.date.today().isoformat()}


# --------------------------------------------------------------------------
# The cases, each run in its own process


#: Glued strings longer than this (a paragraph, a table) are left out of a
#: chapter's record: it keeps the numbers and the short words that judge them.
GLUED_TEXT_LIMIT = 200


def _glued_value(data: dict) -> float | str | None:
    """A glued output's value: a float, a short string, or ``None`` to skip it."""
    if any(kind.startswith("image/") for kind in data):
        return None  # a figure
    text = data.get("text/markdown", data.get("text/plain"))
    if isinstance(text, list):  # nbformat may keep text as a list of lines
        text = "".join(text)
    if not isinstance(text, str):
        return None
    try:
        return float(text)
    except ValueError:
        pass
    if "text/markdown" not in data:
        # text/plain is a repr: 'beats' (with quotes) for the string beats.
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            value = text
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            value = text
        if isinstance(value, (int, float)):
            return float(value)
        text = value
    text = text.strip()
    return text if len(text) <= GLUED_TEXT_LIMIT else None


def glued_values(notebook) -> dict[str, float | str]:
    """The values an executed notebook glued (MyST-NB ``glue``), by name.

    MyST-NB's ``glue(name, value)`` displays the value with the metadata
    ``{"scrapbook": {"name": name, "mime_prefix": ...}}`` and its MIME keys
    prefixed by ``mime_prefix``. Numbers become floats, short strings stay
    strings (Markdown as its text); figures and long texts are left out.
    When a name is glued twice, the last value counts, as in the book.
    """
    values: dict[str, float | str] = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            scrapbook = output.get("metadata", {}).get("scrapbook")
            if not isinstance(scrapbook, dict) or "name" not in scrapbook:
                continue
            prefix = scrapbook.get("mime_prefix", "") or ""
            data = {key[len(prefix):] if key.startswith(prefix) else key: value
                    for key, value in output.get("data", {}).items()}
            value = _glued_value(data)
            if value is None:
                values.pop(scrapbook["name"], None)
            else:
                values[scrapbook["name"]] = value
    return values


def run_chapter(case: dict) -> dict:
    """Execute one chapter notebook with nbclient; time it and collect its glued values."""
    import nbclient
    import nbformat

    path = CHAPTERS / f"{case['chapter']}.ipynb"
    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=case["cell_timeout"],
                                     kernel_name="python3",
                                     resources={"metadata": {"path": str(CHAPTERS)}})
    start = time.perf_counter()
    ok = True
    try:
        client.execute()
    except Exception as error:  # a failing chapter is a result, not a crash
        ok = False
        print(f"{case['chapter']} ({case['mode']}) failed: {str(error).splitlines()[0]}",
              file=sys.stderr)
    seconds = round(time.perf_counter() - start, 2)
    # What the chapter glued before it ended (or failed): its results, beside its time.
    return {"chapter": case["chapter"], "mode": case["mode"], "seconds": seconds,
            "data": case["data"], "ok": ok, "glued": glued_values(notebook)}


def run_imdb(case: dict) -> dict:
    """Train one cell with one recipe of rnn_course.training; time and validate it."""
    from rnn_course.data import load_imdb
    from rnn_course.notebook import set_seed
    from rnn_course.training import train_with_recipe

    # Seeded, but not op-deterministic: that would slow some kernels (and
    # forbid XLA on a GPU) and so change what is measured.
    set_seed(case["seed"], deterministic=False)
    (x_train, y_train), (x_test, y_test) = load_imdb(num_words=10000, source="synthetic")
    n, n_val = case["train_size"], case["validation_size"]
    entry = train_with_recipe(case["recipe"], CELLS[case["cell"]], x_train[:n], y_train[:n],
                              x_test[:n_val], y_test[:n_val], case["epochs"], case["seed"])
    entry["cell"] = case["cell"]
    return entry


def _throughput(function, sequences: int, min_seconds: float) -> float:
    """Sequences per second of ``function()``, best of repeated timings after a warm-up."""
    function()
    best, spent = float("inf"), 0.0
    while spent < min_seconds or best == float("inf"):
        start = time.perf_counter()
        function()
        elapsed = time.perf_counter() - start
        best, spent = min(best, elapsed), spent + elapsed
    return sequences / best


def run_numpy(case: dict) -> dict:
    """Sequences per second of one way to run a SimpleRNN forward pass."""
    import numpy as np

    from rnn_course.numpy_nets import rnn_forward, set_simple_rnn_params

    batch, timesteps, features, units = (case[k] for k in ("batch", "timesteps", "features",
                                                           "units"))
    rng = np.random.default_rng(case["seed"])
    x = rng.normal(size=(batch, timesteps, features)).astype(np.float32)
    W = (rng.normal(size=(units, features)) / np.sqrt(features)).astype(np.float32)
    U = (rng.normal(size=(units, units)) / np.sqrt(units)).astype(np.float32)
    b = np.zeros(units, np.float32)
    if case["method"] == "python_loop":
        def forward():
            return [rnn_forward(sequence, W, U, b) for sequence in x]
    elif case["method"] == "rnn_forward_batch":
        def forward():
            return rnn_forward(x, W, U, b)
    else:
        import keras

        keras.utils.set_random_seed(case["seed"])
        inputs = keras.Input(shape=(timesteps, features))
        layer = keras.layers.SimpleRNN(units, return_sequences=True)
        model = keras.Model(inputs, layer(inputs))
        set_simple_rnn_params(layer, W, U, b)

        def forward():
            return model.predict_on_batch(x)

    seconds = _throughput(forward, batch, case["min_seconds"])
    return {"method": case["method"], "sequences_per_second": round(seconds, 1), "batch": batch,
            "timesteps": timesteps, "features": features, "units": units}


# pytest's last line, e.g. "==== 2 failed, 410 passed, 3 skipped in 301.2s (0:05:01) ====".
_PYTEST_SUMMARY = re.compile(r"^=+ (.*\bin [\d.]+s\b.*?) =+$")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def pytest_counts(output: str) -> tuple[int | None, int | None]:
    """Passed and failed tests of every pytest session in ``output``, summed.

    Failed counts errors too (a test whose set-up failed). ``(None, None)``
    when no session's summary line is there (e.g. ``make venv`` failed).
    """
    passed = failed = 0
    found = False
    for line in _ANSI.sub("", output).splitlines():
        match = _PYTEST_SUMMARY.match(line.strip())
        if not match:
            continue
        found = True
        counts = {word: int(number) for number, word in
                  re.findall(r"(\d+) (passed|failed|errors?)\b", match.group(1))}
        passed += counts.get("passed", 0)
        failed += counts.get("failed", 0) + counts.get("error", 0) + counts.get("errors", 0)
    return (passed, failed) if found else (None, None)


def clone_environment(ci: str) -> dict:
    """This environment for ``make`` in the clone, without what ties it to this checkout.

    No make variables of a ``make bench`` above it, no activated virtual
    environment of this checkout (the clone makes and uses its own), and
    ``CI`` set to ``ci``.
    """
    env = {key: value for key, value in os.environ.items()
           if key not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "VIRTUAL_ENV")}
    env["PATH"] = os.pathsep.join(folder for folder in env.get("PATH", "").split(os.pathsep)
                                  if folder and not Path(folder).resolve().is_relative_to(ROOT))
    env["CI"] = ci
    return env


def _run_timed(command: list[str], cwd: Path, env: dict) -> tuple[int, float, str]:
    """Run ``command``, copying its output to stderr; exit status, seconds and output."""
    print(f"$ {' '.join(command)}", file=sys.stderr, flush=True)
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               errors="replace")
    lines = []
    for line in process.stdout:
        sys.stderr.write(line)
        lines.append(line)
    status = process.wait()
    return status, round(time.perf_counter() - start, 2), "".join(lines)


def run_tests(case: dict) -> dict:
    """Clone the committed HEAD, install it and run its test suite; time both steps."""
    if not (ROOT / ".git").exists():
        raise SystemExit(f"the tests part clones the repository, and {ROOT} is not a git "
                         "repository.")
    changes = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.splitlines()
    if changes:
        print(f"note: {len(changes)} uncommitted change(s) are not in the clone, so not "
              "measured; commit them first to measure them.", file=sys.stderr, flush=True)
    env = clone_environment(case["ci"])
    # The clone holds a virtual environment of about 2 GB: always removed.
    with tempfile.TemporaryDirectory(prefix="rnn-course-tests-",
                                     ignore_cleanup_errors=True) as folder:
        clone = Path(folder) / "clone"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=clone,
                                capture_output=True, text=True, check=True).stdout.strip()
        status, install_seconds, _ = _run_timed(case["install"], clone, env)
        test_seconds, output = None, ""
        if status == 0:
            status, test_seconds, output = _run_timed(case["command"], clone, env)
    passed, failed = pytest_counts(output)
    return {"commit": commit, "command": " ".join(case["command"]),
            "install_command": " ".join(case["install"]), "ci": case["ci"],
            "install_seconds": install_seconds, "test_seconds": test_seconds,
            "exit_status": status, "ok": status == 0, "passed": passed, "failed": failed}


RUNNERS = {"chapter": run_chapter, "imdb": run_imdb, "numpy": run_numpy, "tests": run_tests}


# --------------------------------------------------------------------------
# The parent: which cases, one process each, and the results file


def chapter_names(wanted: list[str] | None) -> list[str]:
    """Notebook stems, all or those whose name starts with one of ``wanted``."""
    names = sorted(p.stem for p in CHAPTERS.glob("*.ipynb"))
    if not wanted:
        return names
    chosen = [n for n in names if any(n.startswith(w) for w in wanted)]
    unknown = [w for w in wanted if not any(n.startswith(w) for n in names)]
    if unknown:
        raise SystemExit(f"no chapter starts with {', '.join(unknown)}; "
                         f"chapters are {', '.join(names)}.")
    return chosen


def plan(args) -> list[dict]:
    """Every case to run, in order: ``{"kind": ..., "section": ..., ...}``."""
    sizes = SIZES["smoke" if args.smoke else "normal"]
    data = os.environ.get("RNN_COURSE_DATA", "synthetic") or "synthetic"
    cases = []
    if "chapters" in args.only:
        names = chapter_names(args.chapters)
        if args.smoke and not args.chapters:
            names = names[:1]
        for mode in ("quick", "full") if args.full else ("quick",):
            cases += [{"kind": "chapter", "section": "chapters", "chapter": name, "mode": mode,
                       "data": data, "cell_timeout": 3600 if mode == "full" else 600}
                      for name in names]
    if "imdb" in args.only:
        epochs = args.epochs or (1 if args.smoke else IMDB_EPOCHS)
        cells = args.cells or (["SimpleRNN"] if args.smoke else list(CELLS))
        # Seeds and fast alternate, so that a change in the machine's load
        # touches both sides of each ratio alike.
        cases += [{"kind": "imdb", "section": "imdb", "cell": cell, "recipe": recipe,
                   "epochs": epochs, "seed": SEED, "train_size": sizes["train"],
                   "validation_size": sizes["validation"]}
                  for cell in cells for recipe in ("seeds", "fast")]
    if "numpy" in args.only:
        cases += [{"kind": "numpy", "section": "numpy_rnn", "method": method,
                   "batch": sizes["numpy_batch"], "timesteps": sizes["timesteps"],
                   "features": 32, "units": 64, "seed": SEED,
                   "min_seconds": 0.2 if args.smoke else 3.0}
                  for method in ("python_loop", "rnn_forward_batch", "keras_simple_rnn")]
    if "tests" in args.only:
        # A smoke run only has make print what it would do (make -n), in seconds.
        make = ["make", "-n"] if args.smoke else ["make"]
        # CI as .ci/run sets it: the caller's value, else 1.
        cases.append({"kind": "tests", "section": "tests", "install": [*make, "venv"],
                      "command": [*make, "test"], "ci": os.environ.get("CI") or "1"})
    return cases


def case_environment(case: dict) -> dict:
    env = dict(os.environ)
    if case["kind"] == "tests":
        return env  # make test sets what it needs, as in CI
    env.setdefault("RNN_COURSE_DATA", "synthetic")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if case["kind"] == "chapter":
        env["RNN_COURSE_QUICK"] = "1" if case["mode"] == "quick" else "0"
    return env


def run_in_child(case: dict) -> dict | None:
    """Run ``case`` in a fresh process; its entry, or ``None`` if it crashed."""
    command = [sys.executable, str(Path(__file__).resolve()), "--case", json.dumps(case)]
    # The test suite's child shows make's output as it comes (ten minutes of it).
    stderr = None if case["kind"] == "tests" else subprocess.PIPE
    child = subprocess.run(command, env=case_environment(case), stdout=subprocess.PIPE,
                           stderr=stderr, text=True, cwd=ROOT)
    lines = [line for line in child.stdout.splitlines() if line.startswith(MARKER)]
    if child.returncode != 0 or not lines:
        tail = ((child.stderr or "").strip().splitlines() or ["(output above)"])[-1]
        print(f"  case failed (exit {child.returncode}): {tail}", file=sys.stderr)
        return None
    return json.loads(lines[-1][len(MARKER):])


def describe_case(case: dict) -> str:
    if case["kind"] == "chapter":
        return f"chapter {case['chapter']} ({case['mode']})"
    if case["kind"] == "imdb":
        return f"IMDB {case['cell']}, {case['recipe']} recipe, {case['epochs']} epoch(s)"
    if case["kind"] == "tests":
        return (f"{' '.join(case['install'])}, then CI={case['ci']} {' '.join(case['command'])}, "
                "in a fresh clone of HEAD")
    return f"NumPy RNN, {case['method']}"


def main(argv: list[str] | None = None) -> int:
    from rnn_course import benchmark_results

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="+", choices=("chapters", "imdb", "numpy", "tests"),
                        default=["chapters", "imdb", "numpy"],
                        help="run only these parts; tests (make test in a fresh clone, about "
                        "ten minutes) runs only when named here")
    parser.add_argument("--chapters", nargs="+", metavar="NN",
                        help="only the chapters whose names start with these, e.g. 03 06")
    parser.add_argument("--cells", nargs="+", choices=tuple(CELLS),
                        help="only these recurrent cells in the IMDB part")
    parser.add_argument("--full", action="store_true",
                        help="also time every chapter in full mode (long)")
    parser.add_argument("--epochs", type=int, help=f"IMDB epochs (default {IMDB_EPOCHS})")
    parser.add_argument("--smoke", action="store_true",
                        help="every kind of case on tiny sizes, in seconds")
    parser.add_argument("--machine-id", help="name of the results file (default: from the "
                        "CPU and GPU, e.g. cpu2-xeon)")
    parser.add_argument("--output", type=Path, default=RESULTS,
                        help="folder of the results files (default benchmarks/results)")
    parser.add_argument("--case", help=argparse.SUPPRESS)  # internal: run one case here
    args = parser.parse_args(argv)

    if args.case:
        case = json.loads(args.case)
        print(MARKER + json.dumps(RUNNERS[case["kind"]](case)), flush=True)
        return 0
    if args.epochs is not None and args.epochs < 1:
        parser.error("--epochs must be a positive integer.")

    machine = describe_machine(args.machine_id)
    cases = plan(args)
    path = args.output / f"{machine['id']}.json"
    report = ""
    failed = 0
    for number, case in enumerate(cases, 1):
        print(f"[{number}/{len(cases)}] {describe_case(case)}", flush=True)
        start = time.perf_counter()
        entry = run_in_child(case)
        if entry is None:
            failed += 1
            continue
        print(f"  done in {time.perf_counter() - start:.1f} s", flush=True)
        # Saved after every case, so that an interrupted run keeps what it measured.
        new = {"schema": benchmark_results.SCHEMA, "machine": machine,
               "chapters": [], "imdb": [], "numpy_rnn": [], "tests": []}
        new[case["section"]].append(entry)
        report = save(path, new)
    print()
    print(report or "Nothing was measured.")
    if report:
        print(f"Written: {path} and {path.with_suffix('.md').name}")
    return 1 if failed else 0


def save(path: Path, new: dict) -> str:
    """Merge ``new`` into the results file at ``path``, write it and its table; the table."""
    from rnn_course import benchmark_results

    path.parent.mkdir(parents=True, exist_ok=True)
    old = benchmark_results.load_result(path) if path.exists() else None
    merged = benchmark_results.merge_results(old, new)
    report = benchmark_results.markdown_report(merged)
    # Written to a temporary name and renamed: an interrupted run never
    # leaves half a file.
    for target, text in ((path, json.dumps(merged, indent=2) + "\n"),
                         (path.with_suffix(".md"), report)):
        partial = target.with_name(target.name + ".partial")
        partial.write_text(text, encoding="utf-8")
        partial.replace(target)
    return report


if __name__ == "__main__":
    sys.exit(main())
