"""`nklabor init`: the registry with your id, editor schemas made from the codebook, VS Code settings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from nklabor import load_schemas, validate
from nklabor.annotating.project import editor_schema, init_project
from nklabor.cli import app
from nklabor.errors import UsageError
from tests.support import ROOT

runner = CliRunner()


def nodes(node: Any) -> list[dict[str, Any]]:
    found, stack = [], [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            found.append(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def test_the_editor_schema_is_self_contained_and_carries_every_definition() -> None:
    schemas = load_schemas()
    copy = editor_schema(schemas)
    assert "$ref" not in json.dumps(copy)
    labelled = [n for n in nodes(copy) if "x-enumDescriptions" in n]
    assert {tuple(n["enum"]) for n in labelled} >= {
        lb.values
        for lb in schemas.labels.values()
        if lb.name in ("indicator", "sector", "population", "attribution", "credibility")
    }
    for node in labelled:
        definitions = [node["x-enumDescriptions"][str(v)] for v in node["enum"]]
        assert node["markdownEnumDescriptions"] == definitions == node["enumDescriptions"]


def test_the_editor_schema_accepts_and_rejects_what_the_schema_does() -> None:
    validator = Draft202012Validator(editor_schema(load_schemas()))
    files = [p for p in sorted((ROOT / "annotations").glob("*.json")) if p.name != "annotators.json"]
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        assert not list(validator.iter_errors(data)), path
        data["events"][0]["sector"] = ["minig"]
        assert list(validator.iter_errors(data)), path


def test_init_makes_a_folder_ready_and_is_idempotent(tmp_path: Path) -> None:
    done = init_project(tmp_path / "project", "ann-03")
    assert [a for _, a in done.actions][1:] == ["created"] * 3
    registry = json.loads(
        (tmp_path / "project" / "annotations" / "annotators.json").read_text(encoding="utf-8")
    )
    assert [a["id"] for a in registry["annotators"]] == ["ann-03"]
    assert validate([tmp_path / "project" / "annotations"]).valid
    settings = json.loads((tmp_path / "project" / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    (annotations, _registry) = settings["json.schemas"]
    assert (
        annotations["url"] == "./.nklabor/annotation.schema.json"
        and "/annotations/*.json" in annotations["fileMatch"]
    )
    assert (tmp_path / "project" / ".nklabor" / "annotation.schema.json").is_file()
    again = init_project(tmp_path / "project", "ann-03")
    assert [a.split(":")[0] for _, a in again.actions] == ["unchanged"] * 4


def test_init_adds_an_id_to_an_existing_registry_and_keeps_other_settings(tmp_path: Path) -> None:
    (tmp_path / "annotations").mkdir()
    (tmp_path / "annotations" / "annotators.json").write_text(
        (ROOT / "annotations" / "annotators.json").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (tmp_path / ".vscode").mkdir()
    (tmp_path / ".vscode" / "settings.json").write_text('{"editor.tabSize": 2}', encoding="utf-8")
    done = init_project(tmp_path, "ann-07")
    assert done.actions[0][1] == "updated: ann-07 registered as annotator"
    registry = json.loads((tmp_path / "annotations" / "annotators.json").read_text(encoding="utf-8"))
    assert [a["id"] for a in registry["annotators"]] == ["ann-01", "ann-02", "adj-01", "ann-07"]
    settings = json.loads((tmp_path / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    assert settings["editor.tabSize"] == 2 and len(settings["json.schemas"]) == 2


def test_init_leaves_settings_with_comments_alone(tmp_path: Path) -> None:
    (tmp_path / ".vscode").mkdir()
    settings = tmp_path / ".vscode" / "settings.json"
    settings.write_text('{\n  // mine\n  "editor.tabSize": 2\n}\n', encoding="utf-8")
    done = init_project(tmp_path, "ann-03")
    assert done.actions[-1][1].startswith("left as it is")
    assert "// mine" in settings.read_text(encoding="utf-8")


@pytest.mark.parametrize("who", ["Kim Young-hee", "kim@example.org", "ann-1"])
def test_init_refuses_an_id_that_is_not_a_pseudonym(tmp_path: Path, who: str) -> None:
    with pytest.raises(UsageError, match="pseudonymous id"):
        init_project(tmp_path, who)
    assert not list(tmp_path.iterdir())


def test_cli_init_needs_an_id_and_prints_the_next_step(tmp_path: Path) -> None:
    nobody = runner.invoke(app, ["init", str(tmp_path)], env={"NKLABOR_ANNOTATOR": ""})
    assert nobody.exit_code == 2 and "--annotator" in nobody.output
    done = runner.invoke(app, ["init", str(tmp_path)], env={"NKLABOR_ANNOTATOR": "ann-05"})
    assert done.exit_code == 0, done.output
    assert (
        done.output.splitlines()[-1].startswith("next: nklabor new ARTICLE.txt")
        and "--annotator ann-05" in done.output
    )
