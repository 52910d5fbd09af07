"""`nklabor config`: the effective settings and where each came from."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nklabor.cli import app
from nklabor.config import SETTINGS, load

runner = CliRunner()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.nklabor]\nroots = ["annotations"]\nmin_alpha = 0.67\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NKLABOR_ANNOTATOR", raising=False)
    return tmp_path


def test_text_names_every_setting_and_its_source(project: Path) -> None:
    result = runner.invoke(app, ["config"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "configuration: pyproject.toml; project root: ."
    rows = {line.split()[0]: line for line in lines[1:]}
    assert list(rows) == list(SETTINGS)
    assert rows["roots"].split(None, 1)[1].startswith('["annotations"]')
    assert rows["roots"].endswith("pyproject.toml [tool.nklabor]")
    assert rows["min_alpha"].split()[1] == "0.67"
    assert rows["max_record_bytes"].split()[1:] == ["16777216", "default"]
    assert rows["default_annotator"].endswith("default")


def test_json_equals_the_library(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NKLABOR_ANNOTATOR", "ann-02")
    result = runner.invoke(app, ["config", "--format", "json"])
    assert result.exit_code == 0
    shown = json.loads(result.output)
    assert shown == load().to_dict()
    assert shown["settings"]["default_annotator"] == {
        "value": "ann-02",
        "source": "environment NKLABOR_ANNOTATOR",
    }


def test_without_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["config"])
    assert result.exit_code == 0
    assert result.output.startswith("configuration: no configuration file (defaults); project root: .")


def test_a_bad_file_exits_2(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.nklabor]\nmin_alpha = 2\n", encoding="utf-8")
    result = runner.invoke(app, ["config"])
    assert result.exit_code == 2
    assert "pyproject.toml [tool.nklabor]: min_alpha must be a number from -1 to 1, not 2" in result.output
