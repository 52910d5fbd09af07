"""The labeling config is generated from the schema: every label and definition, and a schema change shows."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from nklabor import load_schemas
from nklabor.annotating.labelstudio import build_form, render_config, to_tasks
from nklabor.annotating.labelstudio.form import EVENT, EXTRA, TASK
from nklabor.cli import app
from nklabor.schema import default_schema_dir

runner = CliRunner()


def parsed(schema_dir: Path | None = None) -> ET.Element:
    return ET.fromstring(render_config(build_form(load_schemas(schema_dir))))


def test_every_codebook_label_is_a_choice_or_span_label_with_its_definition_as_hint() -> None:
    schemas = load_schemas()
    root = parsed()
    controls = {e.get("name"): e for e in root.iter() if e.get("toName") == "text"}
    form = build_form(schemas)
    for control in form.controls:
        element = controls[control.name]
        if control.values:
            hints = {c.get("value"): c.get("hint") for c in element.iter("Choice")}
            assert list(hints) == list(control.choice_values), control.name
            if not control.boolean:
                label = next(lb for lb in schemas.labels.values() if lb.values == control.values)
                assert list(hints.values()) == [label.descriptions[str(v)] for v in label.values]
    indicator = schemas.labels["indicator"]
    shown = {lb.get("value"): lb.get("hint") for lb in controls["indicator"].iter("Label")}
    assert shown == {str(v): indicator.descriptions[str(v)] for v in indicator.values}


def test_the_config_names_each_control_once_and_shows_event_fields_only_on_event_regions() -> None:
    root = parsed()
    names = [e.get("name") for e in root.iter() if e.get("name")]
    assert len(names) == len(set(names))
    (event_view,) = [v for v in root.iter("View") if v.get("whenTagName") == "event"]
    inside = {e.get("name") for e in event_view.iter() if e.get("name")}
    form = build_form()
    assert {c.name for c in form.owned_by(EVENT)} | {EXTRA} == inside
    assert all(e.get("perRegion") == "true" for e in event_view.iter() if e.get("name"))
    for control in form.owned_by(TASK):
        (element,) = [e for e in root.iter() if e.get("name") == control.name]
        assert element.get("perRegion") is None


def copy_schema(tmp_path: Path) -> Path:
    folder = tmp_path / "schema"
    shutil.copytree(default_schema_dir(), folder, ignore=shutil.ignore_patterns("1.0"))
    return folder


def edit(folder: Path, name: str, change: Callable[[dict[str, Any]], None]) -> None:
    path = folder / f"{name}.schema.json"
    node = json.loads(path.read_text(encoding="utf-8"))
    change(node)
    path.write_text(json.dumps(node, ensure_ascii=False), encoding="utf-8")


def test_a_new_label_value_and_a_new_definition_change_the_config(tmp_path: Path) -> None:
    folder = copy_schema(tmp_path)
    before = render_config(build_form())  # the shipped schema; `folder` is loaded only once edited

    def add_sector(node: dict[str, Any]) -> None:
        sector = node["$defs"]["sector"]
        sector["enum"].append("railways")
        sector["x-enumDescriptions"]["railways"] = "Building or running railways."
        sector["x-enumDescriptions"]["mining"] = "Mines and quarries (a changed definition)."

    edit(folder, "mobilization", add_sector)
    after = parsed(folder)
    (sector,) = [e for e in after.iter("Choices") if e.get("name") == "sector"]
    hints = {c.get("value"): c.get("hint") for c in sector.iter("Choice")}
    assert hints["railways"] == "Building or running railways."
    assert hints["mining"] == "Mines and quarries (a changed definition)."
    assert ET.tostring(after, encoding="unicode") != before


def test_a_new_event_field_gets_a_control_or_travels_in_event_extra(tmp_path: Path) -> None:
    folder = copy_schema(tmp_path)

    def add_fields(node: dict[str, Any]) -> None:
        node["properties"]["pay_status"] = {
            "$ref": "mobilization.schema.json#/$defs/status",
            "description": "A new label field.",
        }
        node["properties"]["witnesses"] = {
            "type": "array",
            "items": {"type": "object", "properties": {"who": {"type": "string"}}},
            "description": "A new field no control can hold.",
        }

    edit(folder, "event", add_fields)
    schemas = load_schemas(folder)
    form = build_form(schemas)
    assert form.by_name["pay_status"].values == schemas.labels["status"].values
    assert "witnesses" in form.extra_description and "witnesses" not in form.by_name
    assert 'name="pay_status"' in render_config(form)


def test_cli_prints_or_writes_the_config(tmp_path: Path) -> None:
    shown = runner.invoke(app, ["labelstudio", "config"])
    assert shown.exit_code == 0 and shown.output == render_config(build_form())
    out = tmp_path / "config.xml"
    assert runner.invoke(app, ["labelstudio", "config", "--out", str(out)]).exit_code == 0
    assert out.read_text(encoding="utf-8") == shown.output
    again = runner.invoke(app, ["labelstudio", "config", "--out", str(out)])
    assert again.exit_code == 2 and "--force" in again.output


def test_tasks_carry_the_text_the_regions_point_into() -> None:
    from tests.support import ROOT

    files = sorted((ROOT / "annotations").glob("*.json"))
    annotations = [json.loads(p.read_text(encoding="utf-8")) for p in files if p.name != "annotators.json"]
    tasks = to_tasks(annotations, build_form())
    assert len(tasks) == len({a["document"]["id"] for a in annotations})
    assert sum(len(t["predictions"]) for t in tasks) == len(annotations)
    for task in tasks:
        text = task["data"]["text"]
        assert "text" not in task["data"]["nklabor"]["document"]
        for prediction in task["predictions"]:
            for item in prediction["result"]:
                value = item.get("value", {})
                if "start" in value and isinstance(value.get("text"), str):
                    assert text[value["start"] : value["end"]] == value["text"]
    assert all("predictions" not in t for t in to_tasks(annotations, build_form(), blank=True))


def test_nklabor_never_imports_label_studio_or_its_sdk() -> None:
    """Their pins conflict with nklabor's: the labelstudio commands only read and write JSON and XML."""
    import ast

    from tests.support.imports import PACKAGE

    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            assert not any(n.split(".")[0] in ("label_studio", "label_studio_sdk") for n in names), path
