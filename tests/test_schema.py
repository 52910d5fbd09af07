"""The schema set: valid 2020-12, closed objects, every label defined, local refs only, formats asserted."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from nklabor import SchemaError, ToolkitEnvironmentError, load_schemas
from nklabor.annotating.migration import RENAMED
from nklabor.schema import default_schema_dir
from tests.support import ROOT, SHARED

SCHEMA_DIR = default_schema_dir()
CODEBOOK = SHARED / "spec" / "codebook.md"


def all_nodes(node: Any) -> list[dict[str, Any]]:
    found = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            found.append(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


@pytest.mark.parametrize("path", sorted(SCHEMA_DIR.glob("*.schema.json")), ids=lambda p: p.name)
def test_each_schema_passes_the_2020_12_metaschema(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_every_object_schema_is_closed() -> None:
    for uri, schema in load_schemas().resources.items():
        for node in all_nodes(schema):
            if node.get("type") == "object":
                assert node.get("additionalProperties") is False, (uri, node.get("title"))


def test_every_label_value_has_a_definition_and_indicators_a_dimension() -> None:
    schemas = load_schemas()
    for label in schemas.labels.values():
        assert set(label.descriptions) == {str(v) for v in label.values}, label.name
    assert set(schemas.dimensions) == set(schemas.labels["indicator"].names)
    assert set(schemas.dimensions.values()) == {"involuntariness", "penalty", "flag"}
    # Flags never count: the authorities' claim of volunteering and indoctrination are not evidence.
    assert {i for i, d in schemas.dimensions.items() if d == "flag"} == {
        "st_claimed_voluntary",
        "st_indoctrination",
    }


def test_sensitive_fields_are_marked() -> None:
    assert load_schemas().sensitive_fields == {"$.notes": "withhold", "$.annotator": "pseudonymize"}


@pytest.mark.skipif(not CODEBOOK.exists(), reason="domain spec not beside the checkout")
def test_every_codebook_id_is_in_the_schema() -> None:
    """Each backticked snake_case id of the spec's Event fields section is a label value or a field."""
    schemas = load_schemas()
    known = {str(v) for label in schemas.labels.values() for v in label.values}
    known |= set(schemas.labels) | set(schemas.dimensions.values())  # derived values, dimensions
    fields = {
        key for s in schemas.resources.values() for node in all_nodes(s) for key in node.get("properties", {})
    }
    text = CODEBOOK.read_text(encoding="utf-8")
    section = text[text.index("## Event fields") : text.index("## Decision rules")]
    ids = set(re.findall(r"`([a-z][a-z0-9_]+)`", section))
    missing = sorted(i for i in ids if i not in known and i not in fields)
    # What 2.0 renamed or split is listed with its replacement, which must exist.
    assert set(missing) <= set(RENAMED), missing
    assert all(n in known or n in fields for i in missing for n in RENAMED[i])


def copy_schemas(tmp_path: Path) -> Path:
    target = tmp_path / "schema"
    shutil.copytree(SCHEMA_DIR, target)
    return target


@pytest.mark.parametrize(
    "ref",
    [
        "https://example.com/evil.schema.json",
        "file:///etc/passwd",
        "http://json-schema.org/draft-07/schema#",
    ],
)
def test_a_non_local_ref_is_refused_without_network(
    tmp_path: Path, no_network: list[object], ref: str
) -> None:
    folder = copy_schemas(tmp_path)
    span = folder / "span.schema.json"
    schema = json.loads(span.read_text(encoding="utf-8"))
    schema["properties"]["quote"] = {"$ref": ref}
    span.write_text(json.dumps(schema), encoding="utf-8")
    with pytest.raises(SchemaError, match="not one of the local schema files"):
        load_schemas(folder)
    assert no_network == []


def test_a_non_local_ref_is_a_usage_error_in_the_cli(tmp_path: Path, no_network: list[object]) -> None:
    from typer.testing import CliRunner

    from nklabor.cli import app

    folder = copy_schemas(tmp_path)
    span = folder / "span.schema.json"
    schema = json.loads(span.read_text(encoding="utf-8"))
    schema["properties"]["start"] = {"$ref": "https://example.com/x.json"}
    span.write_text(json.dumps(schema), encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", "--schema-dir", str(folder), "tests/data/valid"])
    assert result.exit_code == 2
    assert "span.schema.json" in result.output and "Traceback" not in result.output
    assert no_network == []


def test_an_invalid_schema_is_refused(tmp_path: Path) -> None:
    folder = copy_schemas(tmp_path)
    (folder / "span.schema.json").write_text(
        '{"$id": "https://nklabor.org/schema/v1/span.schema.json", "type": "integer", "minimum": "zero"}',
        encoding="utf-8",
    )
    with pytest.raises(SchemaError, match=r"span\.schema\.json"):
        load_schemas(folder)


def test_missing_format_checkers_are_an_environment_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from nklabor import schema

    checkers = dict(Draft202012Validator.FORMAT_CHECKER.checkers)
    checkers.pop("date-time")
    monkeypatch.setattr(Draft202012Validator.FORMAT_CHECKER, "checkers", checkers)
    schema._validator_class.cache_clear()
    schema._python_validator.cache_clear()
    try:
        with pytest.raises(ToolkitEnvironmentError, match="date-time"):
            load_schemas().validator()
    finally:
        monkeypatch.undo()
        schema._validator_class.cache_clear()
        schema._python_validator.cache_clear()


def test_missing_format_modules_are_an_environment_error_at_load(monkeypatch: pytest.MonkeyPatch) -> None:
    from nklabor import schema

    real = schema.find_spec
    monkeypatch.setattr(schema, "find_spec", lambda name: None if name == "rfc3339_validator" else real(name))
    load_schemas.cache_clear()
    try:
        with pytest.raises(ToolkitEnvironmentError, match="rfc3339_validator missing"):
            load_schemas()
    finally:
        monkeypatch.undo()
        load_schemas.cache_clear()


def test_validating_a_valid_file_never_imports_python_jsonschema() -> None:
    """The compiled validator checks the common all-valid record; jsonschema is for listing errors."""
    code = (
        "import sys, nklabor; r = nklabor.validate(['annotations']); "
        "print(r.valid, sorted(m for m in ('jsonschema', 'referencing', 'pycountry') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "[]"], done.stdout + done.stderr


def test_an_invalid_schema_is_still_explained_by_python_jsonschema(tmp_path: Path) -> None:
    folder = tmp_path / "schema"
    shutil.copytree(default_schema_dir(), folder, ignore=shutil.ignore_patterns("1.0"))
    node = json.loads((folder / "time.schema.json").read_text(encoding="utf-8"))
    node["properties"]["start"]["minLength"] = -1
    (folder / "time.schema.json").write_text(json.dumps(node), encoding="utf-8")
    with pytest.raises(SchemaError, match=r"time\.schema\.json: not a valid draft 2020-12 schema at "):
        load_schemas(folder)


@pytest.mark.parametrize(
    ("fmt", "good", "bad"),
    [
        ("date", "2021-06-21", "2021-06-31"),
        ("date-time", "2021-06-21T10:00:00+09:00", "2021-06-21T10:00:00"),
        ("uri", "https://www.dailynk.com/english/a/", "www dailynk com"),
    ],
)
def test_formats_are_asserted_by_both_validators(fmt: str, good: str, bad: str) -> None:
    import jsonschema_rs

    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "string",
        "format": fmt,
    }
    slow = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    fast = jsonschema_rs.Draft202012Validator(schema, validate_formats=True)
    assert slow.is_valid(good) and fast.is_valid(good)
    assert not slow.is_valid(bad) and not fast.is_valid(bad)


def test_the_shipped_schema_is_closed() -> None:
    """Every value of a valid annotation sits at a known path with known types (what the fast path proves
    with): numbers only where integers are, evidence lists only where the schema puts them."""
    shape = load_schemas().shape
    assert shape is not None
    assert shape.paths("integer", "number") == load_schemas().integer_paths
    assert shape.types["$.events[*].evidence"] == {"array"}
    assert shape.types["$.schema_version"] == {"string"}  # from its enum


def _edit(folder: Path, name: str, change: Callable[[dict[str, Any]], None]) -> None:
    path = folder / f"{name}.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    change(schema)
    path.write_text(json.dumps(schema), encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "change"),
    [
        ("span", lambda s: s.pop("additionalProperties")),  # other keys allowed
        ("span", lambda s: s["properties"].update(note={"description": "anything"})),  # any type
        ("span", lambda s: s["properties"].update(note=True)),  # a boolean schema: anything
        ("event", lambda s: s["properties"]["evidence"].pop("items")),  # items of any kind
        ("span", lambda s: s.update(patternProperties={"^x-": {"type": "string"}})),
    ],
)
def test_an_open_schema_has_no_shape_and_still_validates(
    tmp_path: Path, name: str, change: Callable[[dict[str, Any]], None]
) -> None:
    from nklabor import validate
    from nklabor.validation import Validation

    folder = copy_schemas(tmp_path)
    _edit(folder, name, change)
    assert load_schemas(folder).shape is None
    assert Validation(["tests/data/valid"], folder).fast is None
    case = ["tests/data/invalid/float-offsets/input.json"]
    report = validate(case, schema_dir=folder)
    assert report.to_dict() == validate(case, schema_dir=folder, fast=False).to_dict()
    assert "span.quote-mismatch" in report.counts
