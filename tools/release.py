"""Release the course helpers: one version, one tag, every chapter installing it.

Colab students get the ``rnn_course`` helpers from the set-up cell of each
chapter, which installs ``git+<repository.url>@<course.package_ref>``. The
ref is a release tag, ``vX.Y.Z``, so that a notebook opened next year runs the
helpers it was written for. ``python -m tools.release X.Y.Z`` (``make release
VERSION=X.Y.Z``):

1. checks that ``X.Y.Z`` is a plain version greater than the current one (the
   ``[project] version`` of ``pyproject.toml``), that the tracked files have no
   uncommitted changes and that tag ``vX.Y.Z`` does not exist yet;
2. writes the version into ``pyproject.toml`` and
   ``src/rnn_course/__init__.py``, the ref ``vX.Y.Z`` into ``_config.yml``
   (``course.package_ref``), into the set-up cell of every ``chapters/*.md``
   and into the copy of that cell in ``CONTRIBUTING.md``, then regenerates the
   chapters' notebooks (:func:`tools.sync_notebooks.sync`) and the student
   versions in ``student/`` (:func:`tools.assign.sync_students`);
3. commits those files ("Release vX.Y.Z") and makes the annotated tag
   ``vX.Y.Z``, then prints the ``git push`` that publishes both.

A mistake stops it before any file changes, with one line and exit code 2.
``--dry-run`` prints the changes of step 2 and touches nothing.

Usage: ``python -m tools.release [--dry-run] X.Y.Z``
"""

from __future__ import annotations

import argparse
import difflib
import re
import subprocess
import sys
from pathlib import Path

from tools.sync_notebooks import sync

ROOT = Path(__file__).resolve().parents[1]

#: The files that hold the version or the ref, relative to the repository root
#: (besides ``chapters/*.md`` and their notebooks).
PYPROJECT = "pyproject.toml"
INIT = "src/rnn_course/__init__.py"
CONFIG = "_config.yml"
CONTRIBUTING = "CONTRIBUTING.md"

_PLAIN_VERSION = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)")
_PROJECT_VERSION = re.compile(
    r'(^\[project\]\n(?:(?!\[).*\n)*?version = ")([^"\n]*)(")', re.MULTILINE
)
_INIT_VERSION = re.compile(r'^(__version__ = ")([^"\n]*)(")', re.MULTILINE)
_PACKAGE_REF = re.compile(
    r"^(course:\n(?:[ \t]+.*\n|[ \t]*#.*\n)*?[ \t]+package_ref:[ \t]*)(\S+)", re.MULTILINE
)
_REPOSITORY_URL = re.compile(
    r"^repository:\n(?:[ \t]+.*\n|[ \t]*#.*\n)*?[ \t]+url:[ \t]*(\S+)", re.MULTILINE
)


class ReleaseError(Exception):
    """A reason not to release, in one line."""


def parse_version(text: str) -> tuple[int, int, int]:
    """``(X, Y, Z)`` for the plain version ``"X.Y.Z"``; :class:`ReleaseError` otherwise."""
    match = _PLAIN_VERSION.fullmatch(text)
    if not match:
        raise ReleaseError(f"version must be X.Y.Z with whole numbers (like 0.2.0), not {text!r}")
    return tuple(int(part) for part in match.groups())  # type: ignore[return-value]


def check_version(new: str, current: str) -> None:
    """Raise :class:`ReleaseError` unless ``new`` is a plain version greater than ``current``."""
    if parse_version(new) <= parse_version(current):
        raise ReleaseError(f"version {new} is not greater than the current version {current}")


def _one(pattern: re.Pattern, text: str, what: str) -> re.Match:
    matches = list(pattern.finditer(text))
    if len(matches) != 1:
        raise ReleaseError(f"expected one {what}, found {len(matches)}")
    return matches[0]


def _replace(pattern: re.Pattern, text: str, value: str, what: str) -> str:
    """``text`` with group 2 of the one match of ``pattern`` replaced by ``value``."""
    match = _one(pattern, text, what)
    return text[: match.start(2)] + value + text[match.end(2) :]


def current_version(root: Path) -> str:
    """The ``[project] version`` of ``root/pyproject.toml``."""
    text = (root / PYPROJECT).read_text(encoding="utf-8")
    return _one(_PROJECT_VERSION, text, f"[project] version in {PYPROJECT}")[2]


def repository_url(root: Path) -> str:
    """``repository.url`` of ``root/_config.yml``: where the set-up cells install from."""
    text = (root / CONFIG).read_text(encoding="utf-8")
    return _one(_REPOSITORY_URL, text, f"repository.url in {CONFIG}")[1]


def set_install_ref(text: str, url: str, ref: str, where: str) -> str:
    """``text`` with its one ``"git+<url>@<ref>"`` installing ``ref`` instead."""
    pattern = re.compile(r'("git\+' + re.escape(url) + r'@)([^"\s]+)(")')
    return _replace(pattern, text, ref, f'"git+{url}@<ref>" in {where}')


def planned_changes(root: Path, version: str) -> dict[Path, tuple[str, str]]:
    """``{path: (old text, new text)}`` for every source file that releasing ``version`` edits.

    Checks only that ``version`` is X.Y.Z, not that it is greater. The
    chapters' notebooks are not included: they are regenerated from the
    ``.md`` files afterwards. Raises :class:`ReleaseError` when a file lacks
    the one line to edit (so that no file is written half-way).
    """
    parse_version(version)
    ref = f"v{version}"
    url = repository_url(root)
    edits = {
        PYPROJECT: lambda t: _replace(
            _PROJECT_VERSION, t, version, f"[project] version in {PYPROJECT}"
        ),
        INIT: lambda t: _replace(_INIT_VERSION, t, version, f"__version__ in {INIT}"),
        CONFIG: lambda t: _replace(_PACKAGE_REF, t, ref, f"course.package_ref in {CONFIG}"),
        CONTRIBUTING: lambda t: set_install_ref(t, url, ref, CONTRIBUTING),
    }
    paths = [root / name for name in edits] + sorted((root / "chapters").glob("*.md"))
    changes = {}
    for path in paths:
        old = path.read_text(encoding="utf-8")
        name = path.relative_to(root).as_posix()
        new = edits[name](old) if name in edits else set_install_ref(old, url, ref, name)
        if new != old:
            changes[path] = (old, new)
    return changes


def bump(root: Path, version: str) -> list[Path]:
    """Write ``version`` and its ref ``vX.Y.Z`` into the files under ``root``; no git.

    Edits the version lines of ``pyproject.toml`` and
    ``src/rnn_course/__init__.py``, ``course.package_ref`` in ``_config.yml``
    and the install ref of the set-up cell in ``chapters/*.md`` and
    ``CONTRIBUTING.md``, then regenerates the chapters' ``.ipynb``. Returns
    every file it wrote.
    """
    changes = planned_changes(root, version)
    for path, (_, new) in changes.items():
        path.write_text(new, encoding="utf-8")
    mds = sorted((root / "chapters").glob("*.md"))
    written = list(changes) + sync(mds)
    if (root / "student").is_dir():  # the published student versions hold the set-up cell too
        from tools.assign import sync_students

        written += sync_students(mds, root / "student")
    return written


def describe(root: Path, changes: dict[Path, tuple[str, str]]) -> str:
    """The unified diff of ``changes``, as ``--dry-run`` prints it."""
    lines = []
    for path, (old, new) in changes.items():
        name = path.relative_to(root).as_posix()
        lines += difflib.unified_diff(
            old.splitlines(keepends=True),
            new.splitlines(keepends=True),
            f"a/{name}",
            f"b/{name}",
            n=0,
        )
    return "".join(lines)


def git(root: Path, *args: str) -> str:
    """Run ``git args`` in ``root``; its output, stripped. :class:`ReleaseError` when it fails."""
    result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    if result.returncode != 0:
        error = (result.stderr.strip() or result.stdout.strip()).splitlines()
        raise ReleaseError(
            f"git {' '.join(args)} failed: {error[-1] if error else result.returncode}"
        )
    return result.stdout.strip()


def check_git(root: Path, version: str) -> None:
    """Raise :class:`ReleaseError` if tracked files have changes or tag ``vX.Y.Z`` exists.

    Untracked files are allowed: the release commits only the files it edits.
    """
    dirty = git(root, "status", "--porcelain", "--untracked-files=no")
    if dirty:
        count = len(dirty.splitlines())
        raise ReleaseError(
            f"the git tree is not clean ({count} changed file(s)): commit or stash them first"
        )
    if git(root, "tag", "--list", f"v{version}"):
        raise ReleaseError(f"tag v{version} exists already")


def commit_and_tag(root: Path, version: str, paths: list[Path]) -> str:
    """Commit ``paths`` as "Release vX.Y.Z" and tag that commit ``vX.Y.Z`` (annotated).

    Returns the commit's hash.
    """
    message = f"Release v{version}"
    git(root, "add", "--", *(str(path.relative_to(root)) for path in paths))
    git(root, "commit", "--quiet", "-m", message)
    git(root, "tag", "-a", f"v{version}", "-m", message)
    return git(root, "rev-parse", "HEAD")


def main(argv: list[str] | None = None, root: Path = ROOT) -> int:
    """The command line; returns the exit code (2 for a refused release)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("version", help="the new version, X.Y.Z (greater than the current one)")
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="print the changes to the files; write nothing, run no git command",
    )
    args = parser.parse_args(argv)
    try:
        current = current_version(root)
        check_version(args.version, current)
        if args.dry_run:
            print(describe(root, planned_changes(root, args.version)), end="")
            print(
                "then: regenerate chapters/*.ipynb, commit "
                f"'Release v{args.version}' and tag v{args.version}"
            )
            return 0
        check_git(root, args.version)
        written = bump(root, args.version)
        commit = commit_and_tag(root, args.version, written)
        branch = git(root, "rev-parse", "--abbrev-ref", "HEAD")
    except ReleaseError as error:
        print(f"release: {error}", file=sys.stderr)
        return 2
    print(
        f"Released v{args.version} (was {current}): commit {commit[:12]}, "
        f"tag v{args.version}, {len(written)} files."
    )
    print("Publish it (Colab installs the tag from GitHub):")
    print(f"    git push origin {branch} v{args.version}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
