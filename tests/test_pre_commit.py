"""The pre-commit hook, run by the real pre-commit in a temporary git repository that holds the seed
annotations: a commit that breaks the text-hash agreement with another annotator's file is blocked, a valid
one passes, and staged JSON that is not an annotation is left out.

The hook that runs here is `nklabor-validate-system` (language `unsupported`: the nklabor of this virtual
environment), so that no test reaches the network; `nklabor-validate` (language `python`) differs from it
only in that pre-commit builds its environment from this repository with pip, which needs the package index
once. `test_both_hooks_run_the_same_check` holds them together."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from pre_commit.clientlib import load_manifest

from tests.support import ROOT
from tests.support.project import CHANGED, make_project, others, renote, retext

HOOKS = ROOT / ".pre-commit-hooks.yaml"
BIN = Path(sys.executable).parent


def environment(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env.pop("NKLABOR_ANNOTATOR", None)
    env.update(
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"),
        GIT_CONFIG_GLOBAL=os.devnull,  # nothing from the machine's git configuration (hooksPath, signing)
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="Test",
        GIT_AUTHOR_EMAIL="test@example.invalid",
        GIT_COMMITTER_NAME="Test",
        GIT_COMMITTER_EMAIL="test@example.invalid",
    )
    return env


def run(env: dict[str, str], cwd: Path, *command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=120)


def git(env: dict[str, str], repo: Path, *args: str) -> str:
    done = run(env, repo, "git", *args)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def repository(env: dict[str, str], folder: Path) -> Path:
    git(env, folder, "init", "-q")
    git(env, folder, "add", "-A")
    git(env, folder, "commit", "-q", "-m", "initial")
    return folder


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return environment(tmp_path)


@pytest.fixture
def project(tmp_path: Path, env: dict[str, str]) -> Path:
    return repository(env, make_project(tmp_path / "project"))


def test_a_commit_that_breaks_the_hash_agreement_is_blocked(
    tmp_path: Path, env: dict[str, str], project: Path
) -> None:
    hooks = tmp_path / "hooks"  # the hooks file of this working tree, committed where pre-commit can fetch it
    hooks.mkdir()
    shutil.copy(HOOKS, hooks / HOOKS.name)
    rev = git(env, repository(env, hooks), "rev-parse", "HEAD")
    config = {"repos": [{"repo": str(hooks), "rev": rev, "hooks": [{"id": "nklabor-validate-system"}]}]}
    (project / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    git(env, project, "add", ".pre-commit-config.yaml")
    git(env, project, "commit", "-q", "-m", "pre-commit")
    installed = run(env, project, sys.executable, "-m", "pre_commit", "install")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    before = git(env, project, "rev-parse", "HEAD")

    retext(project / CHANGED)
    git(env, project, "add", CHANGED)
    blocked = run(env, project, "git", "commit", "-m", "new text for ann-02")
    output = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0, output
    assert f"{CHANGED}:" in output and "[document.hash-conflict]" in output
    assert f"the rules across files also consulted {others(project)} other file(s)" in output
    assert git(env, project, "rev-parse", "HEAD") == before

    git(env, project, "checkout", "HEAD", "--", CHANGED)
    renote(project / CHANGED)
    git(env, project, "add", CHANGED)
    passed = run(env, project, "git", "commit", "-m", "notes of ann-02")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "nklabor validate" in passed.stdout + passed.stderr and "Passed" in passed.stdout + passed.stderr
    assert git(env, project, "rev-parse", "HEAD") != before

    schema = project / "schema" / "annotation.schema.json"  # JSON, but not an annotation: left out
    schema.write_text(schema.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    git(env, project, "add", "schema")
    left_out = run(env, project, "git", "commit", "-m", "schema whitespace")
    assert left_out.returncode == 0, left_out.stdout + left_out.stderr


def test_try_repo_against_this_repository(env: dict[str, str], project: Path) -> None:
    tracked = run(env, ROOT, "git", "ls-files", "--error-unmatch", HOOKS.name)
    if tracked.returncode != 0:
        pytest.skip("not a git checkout with the hooks file committed (pre-commit fetches hooks with git)")
    command = (
        sys.executable,
        "-m",
        "pre_commit",
        "try-repo",
        str(ROOT),
        "nklabor-validate-system",
        "--files",
    )
    retext(project / CHANGED)
    blocked = run(env, project, *command, CHANGED)
    assert blocked.returncode == 1, blocked.stdout + blocked.stderr
    assert "[document.hash-conflict]" in blocked.stdout
    git(env, project, "checkout", "HEAD", "--", CHANGED)
    renote(project / CHANGED)
    passed = run(env, project, *command, CHANGED, "releases/v1.0.0/croissant.json", "--verbose")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout and "1 named file(s) left out by the configuration" in passed.stdout


def test_both_hooks_run_the_same_check() -> None:
    hooks = {h["id"]: h for h in load_manifest(str(HOOKS))}  # pre-commit's own check of the manifest
    python, installed = hooks["nklabor-validate"], hooks["nklabor-validate-system"]
    assert python["language"] == "python" and installed["language"] == "unsupported"
    for key in ("entry", "files", "require_serial", "pass_filenames", "types", "exclude"):
        assert python[key] == installed[key], key
    assert python["entry"] == "nklabor validate --force-exclude"


@pytest.mark.parametrize(
    ("name", "taken"),
    [("a.json", True), ("b.JSONL", True), ("a.jsonl", True), ("a.json.bak", False), ("a.txt", False)],
)
def test_the_hook_is_offered_annotation_files(name: str, taken: bool) -> None:
    pattern = next(h for h in yaml.safe_load(HOOKS.read_text(encoding="utf-8")))["files"]
    assert bool(re.search(pattern, name)) is taken
