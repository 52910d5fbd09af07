"""The rendered codebook is checked in and must not be stale."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from nklabor.cli import app
from nklabor.codebook import render
from nklabor.schema import load_schemas
from tests.support import ROOT


def test_checked_in_codebook_is_up_to_date() -> None:
    assert (ROOT / "docs" / "codebook.md").read_text(encoding="utf-8") == render(), (
        "docs/codebook.md is stale: run `nklabor codebook` and commit it"
    )


def test_codebook_lists_every_label_rule_and_an_example() -> None:
    text = render()
    schemas = load_schemas()
    for label in schemas.labels.values():
        for value, definition in label.descriptions.items():
            assert f"| `{value}` |" in text and definition in text
    for rule in schemas.schema("annotation")["x-decisionRules"]:
        assert rule["text"] in text
    assert "## Example" in text and '"mobilization_type"' in text


def test_check_flag_reports_stale_file(tmp_path: Path) -> None:
    stale = tmp_path / "codebook.md"
    stale.write_text("old", encoding="utf-8")
    assert CliRunner().invoke(app, ["codebook", "--check", "--out", str(stale)]).exit_code == 1
    assert CliRunner().invoke(app, ["codebook", "--out", str(stale)]).exit_code == 0
    assert CliRunner().invoke(app, ["codebook", "--check", "--out", str(stale)]).exit_code == 0
