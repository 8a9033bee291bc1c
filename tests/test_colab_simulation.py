"""Run every chapter the way a student on a fresh Colab runtime does.

A fresh virtual environment stands in for the Colab runtime. It holds only
what Colab ships that the course needs, at the versions of
``requirements.txt``, and not the course helpers (the files of those
packages are hard-linked from the test environment, which has them at the
same pins, rather than installed a second time). The set-up cell of a
chapter, taken from the chapter itself, must then install ``rnn_course``
(from this checkout, through ``RNN_COURSE_INSTALL_FROM``) without replacing
TensorFlow, Keras or NumPy; after that the student version of every chapter
(``python -m tools.assign``, the notebooks a class gets) must run from
its first cell to its last in that environment's kernel, in a working
directory outside the repository (Colab's is ``/content``), each check cell
saying that its exercise is not written yet. nbval runs the chapters
themselves, solutions included, in the test environment.

What Colab ships, from googlecolab/backend-info's ``pip-freeze.txt`` (August
2026: Python 3.13, tensorflow 2.20.0, keras 3.13.2, numpy 2.1.3, matplotlib
3.10.0, ipykernel 6.17.1, tensorboard 2.20.0):

- shipped, and installed here: tensorflow, keras, numpy, matplotlib,
  tensorboard (KerasTuner imports it in every trial), ipykernel (with IPython
  and what a notebook kernel needs);
- NOT shipped: keras-tuner (Chapter 10), nor the course helpers. The helpers
  depend on keras-tuner (``pyproject.toml``), so the set-up cell installs it.

Differences that remain: Python is the one running the tests, not Colab's,
and the versions are this repository's pins, not Colab's.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.helpers import INSTALL_FROM_ENV, ROOT, chapter_sources, setup_cell
from tools.assign import export_chapter
from tools.exercises import CHECK_TAG

#: What Colab ships that the course needs (see the module docstring).
#: Installing the helpers must leave every one of them as it was, above all
#: TensorFlow, Keras and NumPy.
COLAB_SHIPS = ("tensorflow", "keras", "numpy", "matplotlib", "tensorboard", "ipykernel")
#: What pyproject.toml builds the package from. pip builds a local directory in
#: place (setuptools writes build/ and src/*.egg-info into it), so the set-up
#: cell installs from a copy of these, which leaves the checkout untouched.
PACKAGE_FILES = ("pyproject.toml", "README.md", "src")
QUICK_ENV = {"RNN_COURSE_QUICK": "1", "RNN_COURSE_DATA": "synthetic"}
ONE_THREAD_ENV = {"TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1",
                  "OMP_NUM_THREADS": "1"}
CELL_TIMEOUT = 600  # seconds; a quick-mode chapter takes well under a minute

SOURCES = chapter_sources()


def requirement_pins(names, requirements=ROOT / "requirements.txt") -> list[str]:
    """``name==version`` for each of ``names``, as pinned in ``requirements``."""
    pins = {}
    for line in requirements.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\s*([A-Za-z0-9_.-]+)\s*==\s*(\S+)", line)
        if match:
            pins[re.sub(r"[-_.]+", "-", match[1]).lower()] = match[2]
    missing = [name for name in names if name not in pins]
    assert not missing, f"requirements.txt pins none of {missing}"
    return [f"{name}=={pins[name]}" for name in names]


def requirement_closure(names) -> list[str]:
    """``names`` and every distribution they require, as installed here (no extras)."""
    closure, todo = [], list(names)
    while todo:
        name = canonicalize_name(todo.pop())
        if name in closure:
            continue
        closure.append(name)
        for line in metadata.requires(name) or []:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return closure


def ship_installed_packages(names, site_packages: Path) -> list[str]:
    """Put ``names``, and what they require, into another environment's ``site_packages``.

    Colab ships these packages; how they got there is not what the
    simulation tests. So, rather than install 2 GB again, each file that pip
    installed in the test environment (its ``RECORD``, compiled modules
    included) is hard-linked into the new environment, or copied where a
    link cannot be made. Packages the new environment has already (pip,
    setuptools) are left as they are; scripts outside ``site-packages`` are
    not needed, as the kernel runs ``python -m``. Returns the names shipped.
    """
    have = {canonicalize_name(dist.metadata["Name"])
            for dist in metadata.distributions(path=[str(site_packages)])}
    shipped = [name for name in requirement_closure(names) if name not in have]
    for name in shipped:
        dist = metadata.distribution(name)
        for file in dist.files or []:
            if file.parts[0] == "..":
                continue
            source, target = Path(dist.locate_file(file)), site_packages / file
            if not source.is_file() or target.exists():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(source, target)
            except OSError:  # another file system, or no hard links here
                shutil.copy2(source, target)
    return shipped


def run(python: Path, code: str, env: dict[str, str], cwd: Path) -> str:
    """Run ``code`` with ``python`` and return its stdout; fail with its output."""
    done = subprocess.run([str(python), "-c", code], env=env, cwd=cwd,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"{code[:80]!r} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def installed_versions(python: Path, env: dict[str, str], cwd: Path) -> dict[str, str]:
    code = ("import importlib.metadata as m, json; "
            f"print(json.dumps({{n: m.version(n) for n in {list(COLAB_SHIPS)!r}}}))")
    return json.loads(run(python, code, env, cwd))


def importable(python: Path, module: str, env: dict[str, str], cwd: Path) -> bool:
    code = f"import importlib.util; print(importlib.util.find_spec({module!r}) is not None)"
    return run(python, code, env, cwd).strip() == "True"


#: Where installing the helpers or running a chapter could leave files in the
#: checkout: pip's build artefacts, and next to the sources.
WATCHED = re.compile(r"^(build|dist|src|chapters)/|\.egg-info/?$")


def new_files_in_checkout() -> set[str] | None:
    """Untracked and ignored paths of the checkout that :data:`WATCHED` matches.

    ``None`` when the checkout is not a git repository.
    """
    try:
        done = subprocess.run(["git", "status", "--porcelain", "--ignored"], cwd=ROOT,
                              capture_output=True, text=True, check=False)
    except OSError:  # no git
        return None
    if done.returncode != 0:
        return None
    return {line[3:] for line in done.stdout.splitlines()
            if line[:2] in ("??", "!!") and WATCHED.search(line[3:])
            and "__pycache__" not in line}


@dataclass
class ColabRuntime:
    python: Path
    content: Path  # working directories of the notebooks, like Colab's /content
    env: dict[str, str]  # the kernel's environment
    kernels: KernelSpecManager
    helpers_before: bool
    versions_before: dict[str, str]
    versions_after: dict[str, str]
    files_before: set[str] | None


@pytest.fixture(scope="module")
def colab(tmp_path_factory) -> Iterator[ColabRuntime]:
    """A fresh Colab-like environment, after the set-up cell ran once.

    Removed afterwards: pytest keeps its last three temporary directories,
    and where the packages had to be copied, not linked, it weighs 2 GB.
    """
    files_before = new_files_in_checkout()
    base = tmp_path_factory.mktemp("colab")
    venv, content = base / "venv", base / "content"
    content.mkdir()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    site_packages = Path(run(python, "import sysconfig; print(sysconfig.get_path('purelib'))",
                             {}, base).strip())
    ship_installed_packages(COLAB_SHIPS, site_packages)

    package = base / "checkout"
    package.mkdir()
    for name in PACKAGE_FILES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, package / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copy2(ROOT / name, package / name)

    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env.update(QUICK_ENV)
    # `make test` runs this module on one core while nbval executes the
    # chapters on the other: one thread each keeps TensorFlow from fighting
    # nbval's kernel for the cores. nbval's chapters keep TensorFlow's
    # default, as the book build has it; nothing here reads a training result.
    env.update(ONE_THREAD_ENV)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env[INSTALL_FROM_ENV] = str(package)

    helpers_before = importable(python, "rnn_course", env, content)
    versions_before = installed_versions(python, env, content)
    run(python, setup_cell(SOURCES[0]).source, env, content)
    versions_after = installed_versions(python, env, content)

    # A kernelspec of our own that starts this environment's python.
    spec_dir = base / "kernels" / "colab"
    spec_dir.mkdir(parents=True)
    (spec_dir / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Colab-like runtime",
        "language": "python",
    }), encoding="utf-8")
    kernels = KernelSpecManager(kernel_dirs=[str(spec_dir.parent)])
    yield ColabRuntime(python, content, env, kernels, helpers_before,
                       versions_before, versions_after, files_before)
    shutil.rmtree(base, ignore_errors=True)


def test_fresh_runtime_lacks_the_helpers(colab):
    assert not colab.helpers_before, "rnn_course is importable before the set-up cell ran"


def test_fresh_runtime_ships_the_pinned_versions(colab):
    pinned = dict(pin.split("==") for pin in requirement_pins(COLAB_SHIPS))
    assert colab.versions_before == pinned


def test_setup_cell_installs_helpers_and_keeps_colab_versions(colab):
    for module in ("rnn_course", "keras_tuner"):  # Colab lacks KerasTuner, Chapter 10 needs it
        assert importable(colab.python, module, colab.env, colab.content), (
            f"after the set-up cell, with ${INSTALL_FROM_ENV} set, {module} is not installed"
        )
    changed = {name: (colab.versions_before[name], colab.versions_after[name])
               for name in COLAB_SHIPS
               if colab.versions_before[name] != colab.versions_after[name]}
    assert not changed, (
        f"installing rnn_course replaced Colab's packages (before, after): {changed}"
    )


@pytest.mark.parametrize("md", SOURCES, ids=[md.stem for md in SOURCES])
def test_student_version_runs_on_colab(colab, md):
    """The student version, as a class gets it, runs on a fresh runtime.

    nbval runs the chapters themselves, solutions included; this runs every
    other cell a second time, in the Colab-like environment, and proves that
    the stubs let the chapter run to its end and that every check cell then
    says that the exercise is not written yet.
    """
    workdir = colab.content / md.stem
    student, _ = export_chapter(md, workdir / "export")
    notebook = nbformat.read(student, as_version=4)
    first = next(cell for cell in notebook.cells if cell.cell_type == "code")
    assert first.source == setup_cell(md).source, (
        f"the student version of {md.stem} does not start with the set-up cell"
    )
    kernel = KernelManager(kernel_name="colab", kernel_spec_manager=colab.kernels)
    client = NotebookClient(notebook, km=kernel, timeout=CELL_TIMEOUT,
                            resources={"metadata": {"path": str(workdir)}})
    try:
        client.execute(env=colab.env)  # raises CellExecutionError with the failing cell
    finally:
        # nbclient leaves running a kernel that it did not start itself; an
        # idle TensorFlow kernel still takes CPU from the tests that follow.
        if kernel.has_kernel:
            kernel.shutdown_kernel(now=True)
    for cell in notebook.cells:
        if CHECK_TAG not in cell.metadata.get("tags", []):
            continue
        printed = "".join(output.get("text", "") for output in cell.outputs)
        lines = [line for line in printed.splitlines() if line.strip()]
        assert lines and all(line.startswith("Not written yet") for line in lines), (
            f"{md.stem}: check cell {cell.source!r} printed {printed!r}")


def test_checkout_gained_no_files(colab):
    if colab.files_before is None:
        pytest.skip("not a git checkout")
    added = sorted(new_files_in_checkout() - colab.files_before)
    assert not added, (
        f"running the chapters or installing the helpers wrote into the checkout: {added}"
    )
