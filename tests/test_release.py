"""Releases of the helpers (``tools/release.py``): one version, one tag, every set-up cell.

The repository's own version and ref agree; ``bump`` on a copy of the
repository's files changes exactly the version and ref lines; bad versions and
unclean trees are refused with one line and exit code 2; the git steps, on a
throwaway repository, make the commit and the annotated tag.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

import rnn_course
from tests.helpers import ROOT, book_config, chapter_sources
from tools import release

#: The files of the repository that a copy for ``bump`` needs, besides two chapters.
FILES = [release.PYPROJECT, release.INIT, release.CONFIG, release.CONTRIBUTING]
CHAPTER_COPIES = [md.stem for md in chapter_sources()[:2]]


def test_package_ref_is_the_tag_of_the_version():
    ref = book_config()["course"]["package_ref"]
    assert re.fullmatch(r"v\d+\.\d+\.\d+", ref), (
        f"_config.yml course.package_ref is {ref!r}, not a release tag vX.Y.Z: "
        "run `make release VERSION=X.Y.Z`"
    )
    version = release.current_version(ROOT)
    assert ref == f"v{version}", (
        f"course.package_ref {ref} is not v + pyproject's version {version}"
    )
    assert rnn_course.__version__ == version, (
        f"rnn_course.__version__ ({rnn_course.__file__}) is {rnn_course.__version__}, "
        f"pyproject.toml says {version}"
    )


def next_minor(version: str) -> str:
    major, minor, _ = release.parse_version(version)
    return f"{major}.{minor + 1}.0"


def copy_repository(target: Path) -> Path:
    """The files that ``bump`` edits (two chapters only) copied under ``target``."""
    names = FILES + [
        f"chapters/{stem}{ext}" for stem in CHAPTER_COPIES for ext in (".md", ".ipynb")
    ]
    for name in names:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target / name)
    return target


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".git" not in path.parts
    }


def test_bump_changes_exactly_the_versions_and_refs(tmp_path):
    root = copy_repository(tmp_path)
    before = snapshot(root)
    old_version = release.current_version(root)
    old_ref = book_config()["course"]["package_ref"]
    url = book_config()["repository"]["url"]
    new_version = next_minor(old_version)

    written = release.bump(root, new_version)

    install = (f"{url}@{old_ref}", f"{url}@v{new_version}")
    swaps = {
        release.PYPROJECT: (f'version = "{old_version}"', f'version = "{new_version}"'),
        release.INIT: (f'__version__ = "{old_version}"', f'__version__ = "{new_version}"'),
        release.CONFIG: (f"package_ref: {old_ref}", f"package_ref: v{new_version}"),
        release.CONTRIBUTING: install,
        **{
            f"chapters/{stem}{ext}": install
            for stem in CHAPTER_COPIES
            for ext in (".md", ".ipynb")
        },
    }
    after = snapshot(root)
    assert sorted(after) == sorted(before), "bump created or removed files"
    for name, (old, new) in swaps.items():
        text = before[name].decode("utf-8")
        assert text.count(old) == 1, f"{name} should hold {old!r} once before the release"
        assert after[name] == text.replace(old, new).encode("utf-8"), (
            f"{name}: bump changed more or less than {old!r} -> {new!r}"
        )
    assert sorted(path.relative_to(root).as_posix() for path in written) == sorted(swaps)
    assert release.bump(root, new_version) == [], (
        "a second bump to the same version changes nothing"
    )


def test_dry_run_prints_the_changes_and_writes_nothing(tmp_path, capsys):
    root = copy_repository(tmp_path)
    before = snapshot(root)
    new_version = next_minor(release.current_version(root))
    assert release.main(["--dry-run", new_version], root=root) == 0
    out = capsys.readouterr().out
    assert f'+__version__ = "{new_version}"' in out
    assert f"+  package_ref: v{new_version}" in out
    assert out.count(f'@v{new_version}")') == 1 + len(CHAPTER_COPIES)
    assert snapshot(root) == before


@pytest.mark.parametrize(
    "version", ["0.2", "1.2.3.4", "v1.5.0", "1.5.0-rc1", "1.05.0", " 1.5.0", ""]
)
def test_version_must_be_plain(version):
    with pytest.raises(release.ReleaseError, match="X.Y.Z"):
        release.parse_version(version)


@pytest.mark.parametrize(
    "new, current, greater",
    [
        ("1.4.3", "1.4.2", True),
        ("1.4.10", "1.4.2", True),
        ("2.0.0", "1.9.9", True),
        ("1.5.0", "1.4.9", True),
        ("1.4.2", "1.4.2", False),
        ("1.4.1", "1.4.2", False),
        ("0.9.9", "1.4.2", False),
        ("1.3.10", "1.4.2", False),
    ],
)
def test_version_must_be_greater(new, current, greater):
    if greater:
        release.check_version(new, current)
    else:
        with pytest.raises(release.ReleaseError, match="not greater"):
            release.check_version(new, current)


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, text=True
    ).stdout.strip()


@pytest.fixture
def repository(tmp_path):
    """A throwaway git repository holding a copy of the files, committed."""
    root = copy_repository(tmp_path / "repo")
    git(root, "init", "--quiet", "--initial-branch=main")
    for key, value in [
        ("user.name", "Test"),
        ("user.email", "test@example.invalid"),
        ("commit.gpgsign", "false"),
        ("tag.gpgsign", "false"),
    ]:
        git(root, "config", key, value)
    git(root, "add", ".")
    git(root, "commit", "--quiet", "-m", "initial")
    return root


@pytest.mark.parametrize("version", ["0.2", "v9.0.0", "0.0.1", "current"])
def test_bad_version_is_one_line_and_exit_2(repository, capsys, version):
    if version == "current":
        version = release.current_version(repository)
    head = git(repository, "rev-parse", "HEAD")
    assert release.main([version], root=repository) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.splitlines()) == 1 and captured.err.startswith("release: ")
    assert git(repository, "rev-parse", "HEAD") == head
    assert git(repository, "status", "--porcelain") == ""


def test_release_refuses_an_unclean_tree(repository, capsys):
    (repository / release.CONTRIBUTING).write_text("edited\n", encoding="utf-8")
    assert release.main([next_minor(release.current_version(repository))], root=repository) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "not clean" in err
    assert git(repository, "tag", "--list") == ""
    assert git(repository, "diff", "--name-only") == release.CONTRIBUTING, "only the edit is left"


def test_release_refuses_an_existing_tag(repository, capsys):
    version = next_minor(release.current_version(repository))
    git(repository, "tag", f"v{version}")
    assert release.main([version], root=repository) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "exists" in err
    assert git(repository, "status", "--porcelain") == ""


def test_release_commits_and_tags(repository, capsys):
    version = next_minor(release.current_version(repository))
    initial = git(repository, "rev-parse", "HEAD")
    (repository / "notes.txt").write_text("untracked, not released\n", encoding="utf-8")

    assert release.main([version], root=repository) == 0

    out = capsys.readouterr().out
    assert f"git push origin main v{version}" in out
    assert git(repository, "log", "-1", "--format=%s") == f"Release v{version}"
    assert git(repository, "rev-parse", "HEAD~1") == initial
    assert git(repository, "cat-file", "-t", f"v{version}") == "tag", "the tag must be annotated"
    assert git(repository, "rev-parse", f"v{version}^{{commit}}") == git(
        repository, "rev-parse", "HEAD"
    )
    changed = git(repository, "diff", "--name-only", "HEAD~1", "HEAD").splitlines()
    assert sorted(changed) == sorted(
        FILES + [f"chapters/{stem}{ext}" for stem in CHAPTER_COPIES for ext in (".md", ".ipynb")]
    )
    assert git(repository, "status", "--porcelain") == "?? notes.txt"
    assert release.current_version(repository) == version
