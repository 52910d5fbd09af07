"""`nklabor agreement` in CI: the gate from the configuration or the command line, and the GitHub format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nklabor.agreement.measure import measure
from nklabor.cli import app
from nklabor.config import load
from nklabor.validation import Validation
from tests.support.project import make_project

runner = CliRunner()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_project(tmp_path / "project")
    monkeypatch.chdir(root)
    return root


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["agreement", *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def library(min_alpha: float | None) -> dict[str, object]:
    found = Validation(config=load()).valid_annotations()
    return measure([a.data for a in found], [a.where for a in found], min_alpha).to_dict()


def test_json_equals_the_library_over_the_configured_roots(project: Path) -> None:
    code, output = invoke("--format", "json", "--min-alpha", "0.5")
    assert json.loads(output) == library(0.5)
    assert code == (1 if library(0.5)["gate"]["failed"] else 0)  # type: ignore[index]


def test_the_gate_comes_from_the_configuration_and_the_option_overrides_it(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.nklabor]\nroots = ["annotations"]\nmin_alpha = 0.99\n', encoding="utf-8"
    )
    code, output = invoke()
    assert code == 1 and "gate failed" in output
    code, output = invoke("--min-alpha", "-1")
    assert code == 0 and "gate passed" in output


def test_github_format_annotates_the_gate(project: Path) -> None:
    code, output = invoke("--format", "github", "--min-alpha", "0.99")
    failed = library(0.99)["gate"]["reasons"]  # type: ignore[index]
    errors = [line for line in output.splitlines() if line.startswith("::error title=nklabor agreement::")]
    assert code == 1 and len(errors) == len(failed) > 0
    assert output.startswith("Agreement over ")  # the table first, for the log
    code, output = invoke("--format", "github", "--min-alpha", "-1")
    assert code == 0
    assert (
        output.splitlines()[-1] == "::notice title=nklabor agreement::gate passed: every defined alpha >= -1"
    )
    code, output = invoke("--format", "github")
    assert code == 0 and "::" not in output  # no gate, nothing to annotate
