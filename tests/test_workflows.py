"""The GitHub workflows cannot run here; check what can go wrong without running them.

Each workflow must parse, run on the events it is meant for, and call only
make targets and scripts that exist. The publishing workflow must build in
full mode on the real data, key its execution cache on everything that
changes a chapter's outputs, and switch ``_config.yml`` to that cache with a
substitution that really applies.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
import yaml

from rnn_course.config import data_source, is_quick
from tests.helpers import INSTALL_FROM_ENV, ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
NAMES = ("pages", "test", "colab")


def load(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / f"{name}.yml").read_text(encoding="utf-8"))


def triggers(workflow: dict) -> dict:
    # YAML 1.1 reads the key `on` as True.
    on = workflow.get("on", workflow.get(True))
    return {on: None} if isinstance(on, str) else dict(on or {})


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def runs(workflow: dict) -> str:
    return "\n".join(step.get("run", "") for step in steps(workflow))


def uses(workflow: dict, action: str) -> list[dict]:
    return [step for step in steps(workflow) if step.get("uses", "").split("@")[0] == action]


def make_targets() -> set[str]:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([A-Za-z0-9_.-]+):", makefile, flags=re.MULTILINE))


def test_every_workflow_is_checked():
    assert sorted(path.stem for path in WORKFLOWS.glob("*.yml")) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_workflow_is_well_formed(name):
    workflow = load(name)
    assert workflow.get("name"), f"{name}.yml has no name"
    assert triggers(workflow), f"{name}.yml has no trigger (on:)"
    assert steps(workflow), f"{name}.yml has no steps"
    for step in steps(workflow):
        assert ("uses" in step) != ("run" in step), f"{name}.yml: a step needs uses or run: {step}"
        if "uses" in step:
            assert re.search(r"@v\d+$", step["uses"]), (
                f"{name}.yml: pin {step['uses']} to a major version"
            )


@pytest.mark.parametrize("name", NAMES)
def test_workflow_calls_only_existing_targets_and_scripts(name):
    script = runs(load(name))
    missing = sorted(set(re.findall(r"\bmake ([a-z][\w-]*)", script)) - make_targets())
    assert not missing, f"{name}.yml calls make targets the Makefile lacks: {missing}"
    for path in re.findall(r"(?<![\w/])(\.ci/\w+|tools/[\w.]+\.py)", script):
        assert (ROOT / path).is_file(), f"{name}.yml calls {path}, which does not exist"
        if path.startswith(".ci/"):
            assert (ROOT / path).stat().st_mode & 0o111, f"{path} is not executable"


def test_pages_builds_full_mode_on_real_data_and_deploys():
    workflow = load("pages")
    on = triggers(workflow)
    assert "main" in on["push"]["branches"] and "workflow_dispatch" in on
    permissions = workflow["permissions"]
    assert permissions["pages"] == "write" and permissions["id-token"] == "write"
    env = workflow["jobs"]["build"]["env"]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RNN_COURSE_QUICK", env["RNN_COURSE_QUICK"])
        assert not is_quick(), "the published site must be built in full mode"
    assert data_source(env["RNN_COURSE_DATA"]) == "keras", (
        "the published site must use the real datasets only (RNN_COURSE_DATA=keras)"
    )
    assert "make book-full" in runs(workflow)
    (upload,) = uses(workflow, "actions/upload-pages-artifact")
    assert upload["with"]["path"] == "_build/html"
    assert uses(workflow, "actions/deploy-pages")


def test_pages_caches_execution_on_src_requirements_chapters_and_mode():
    caches = {step["with"]["path"]: step["with"] for step in uses(load("pages"), "actions/cache")}
    assert "~/.keras/datasets" in caches
    key = caches["_build/.jupyter_cache"]["key"]
    for needed in ("src/", "requirements.txt", "chapters/", "RNN_COURSE_QUICK", "RNN_COURSE_DATA"):
        assert needed in key, f"the execution cache key must change with {needed}: {key}"
    for restore in caches["_build/.jupyter_cache"].get("restore-keys", "").splitlines():
        assert "src/" in restore, "a restore key without src/ would bring back stale outputs"


def test_pages_switches_the_book_to_the_cache(tmp_path):
    if shutil.which("sed") is None:
        pytest.skip("no sed")
    (step,) = [s for s in steps(load("pages")) if "execute_notebooks" in s.get("run", "")]
    shutil.copy(ROOT / "_config.yml", tmp_path / "_config.yml")
    subprocess.run(["bash", "-euo", "pipefail", "-c", step["run"]], cwd=tmp_path, check=True)
    before = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    after = yaml.safe_load((tmp_path / "_config.yml").read_text(encoding="utf-8"))
    assert before["execute"]["execute_notebooks"] == "force", "local builds must always execute"
    assert after["execute"]["execute_notebooks"] == "cache"
    after["execute"]["execute_notebooks"] = "force"
    assert after == before, "the workflow must change nothing else in _config.yml"


def test_tests_run_make_test_on_python_311_with_chromium():
    workflow = load("test")
    assert {"pull_request", "push"} <= set(triggers(workflow))
    (job,) = workflow["jobs"].values()
    python = job.get("container", "") + "".join(
        str(step["with"].get("python-version", ""))
        for step in uses(workflow, "actions/setup-python")
    )
    assert "3.11" in python, "the tests run on Python 3.11"
    script = runs(workflow)
    assert "install -y --no-install-recommends chromium" in script
    assert ".ci/run" in script
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_colab_runs_chapters_weekly_in_the_colab_image():
    workflow = load("colab")
    assert triggers(workflow)["schedule"][0]["cron"]
    assert workflow["env"]["COLAB_IMAGE"] == "us-docker.pkg.dev/colab-images/public/runtime"
    script = runs(workflow)
    assert f"{INSTALL_FROM_ENV}=" in script, "the set-up cell must install the checkout"
    assert "RNN_COURSE_QUICK=1" in script and "chapters/*.ipynb" in script
    assert "nbconvert --to notebook --execute" in script
