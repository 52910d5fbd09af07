"""The composite GitHub Action (`action.yml`): its scripts run here as the runner runs them (bash, inputs
through environment variables), except `actions/setup-python`, on a temporary copy of the seed annotations."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support import ROOT
from tests.support.project import CHANGED, make_project, retext

ACTION: dict[str, Any] = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
STEPS = {step.get("name", step.get("uses")): step for step in ACTION["runs"]["steps"]}
_EXPRESSION = re.compile(r"\$\{\{\s*(inputs\.[\w-]+|github\.action_path)\s*\}\}")


def expand(value: str, inputs: dict[str, str]) -> str:
    """What the runner substitutes for `${{ inputs.x }}` and `${{ github.action_path }}`."""

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "github.action_path":
            return str(ROOT)
        key = name.removeprefix("inputs.")
        return inputs.get(key, ACTION["inputs"][key]["default"])

    expanded = _EXPRESSION.sub(one, value)
    assert "${{" not in expanded, value
    return expanded


def run_step(name: str, cwd: Path, inputs: dict[str, str], path: str | None = None) -> tuple[int, str]:
    step = STEPS[name]
    env = {k: v for k, v in os.environ.items() if k != "NKLABOR_ANNOTATOR"}
    env["PATH"] = path or f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.update({k: expand(str(v), inputs) for k, v in step.get("env", {}).items()})
    assert step["shell"] == "bash"
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    return done.returncode, done.stdout + done.stderr


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "project")


def test_a_composite_action_with_documented_inputs() -> None:
    assert ACTION["runs"]["using"] == "composite"
    for name, spec in ACTION["inputs"].items():
        assert spec["description"] and "default" in spec, name
    assert list(STEPS) == [
        "actions/setup-python@v5",
        "Install nklabor",
        "Validate annotations",
        "Agreement gate",
    ]
    assert STEPS["Agreement gate"]["if"] == "inputs.agreement == 'true'"


def test_no_input_is_spliced_into_a_script() -> None:
    for step in ACTION["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), step.get("name")


def test_validation_reports_findings_as_github_annotations(project: Path) -> None:
    code, output = run_step("Validate annotations", project, {})
    assert code == 0 and output == "", output
    retext(project / CHANGED)
    code, output = run_step("Validate annotations", project, {})
    assert code == 1
    assert re.search(
        r"^::error file=annotations/[^,]+,line=\d+,col=\d+,title=document\.hash-conflict::", output, re.M
    )


def test_validation_of_given_paths(project: Path) -> None:
    retext(project / CHANGED)
    other = "annotations/onefreekorea-2009-labor-camp-uprisings.ann-01.json"
    code, output = run_step(
        "Validate annotations", project, {"paths": f"{other} annotations/annotators.json"}
    )
    assert code == 0, output  # another document: its corpus is consulted, and agrees with it
    code, output = run_step("Validate annotations", project, {"paths": f"{other}  {CHANGED}"})
    assert code == 1 and f"file={CHANGED}," in output


def test_the_agreement_gate(project: Path) -> None:
    code, output = run_step("Agreement gate", project, {})
    assert code == 0 and output.startswith("Agreement over ")  # no threshold anywhere: a report, no gate
    code, output = run_step("Agreement gate", project, {"min-alpha": "0.99"})
    assert code == 1 and "::error title=nklabor agreement::" in output
    (project / "pyproject.toml").write_text(
        '[tool.nklabor]\nroots = ["annotations"]\nmin_alpha = -1\n', encoding="utf-8"
    )
    code, output = run_step("Agreement gate", project, {})
    assert code == 0 and "::notice title=nklabor agreement::gate passed" in output


def test_install_takes_the_action_repository_unless_told(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stub = tmp_path / "bin"
    stub.mkdir()
    (stub / "python").write_text('#!/bin/sh\nprintf "%s\\n" "$@" > "$PIP_ARGS"\n', encoding="utf-8")
    (stub / "python").chmod(0o755)
    path = f"{stub}{os.pathsep}{os.environ.get('PATH', '')}"
    monkeypatch.setenv("PIP_ARGS", str(tmp_path / "args"))
    for inputs, target in (({}, str(ROOT)), ({"install": "nklabor==0.1.0"}, "nklabor==0.1.0")):
        code, output = run_step("Install nklabor", tmp_path, inputs, path)
        assert code == 0, output
        args = (tmp_path / "args").read_text(encoding="utf-8").splitlines()
        assert args == ["-m", "pip", "install", "--disable-pip-version-check", target]
