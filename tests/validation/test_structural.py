"""Schema findings: readable messages, all errors at once, and both validators agreeing."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from nklabor.schema import load_schemas
from nklabor.validation import structural
from tests.support import DATA

BASE = json.loads((DATA / "valid" / "komdok-excerpt.json").read_text(encoding="utf-8"))


def findings(data: Any) -> list[tuple[str, str, str]]:
    return [(f.code, f.path, f.message) for f in structural.check(data, load_schemas())]


def test_valid_record_has_no_findings() -> None:
    assert findings(BASE) == []


def test_all_errors_not_first_only() -> None:
    data = copy.deepcopy(BASE)
    data["events"][0]["status"] = "finished"
    data["events"][1]["population"] = []
    data["role"] = "boss"
    del data["document"]["title"]
    codes = sorted((c, p) for c, p, _ in findings(data))
    assert codes == [
        ("schema.enum", "$.events[0].status"),
        ("schema.enum", "$.role"),
        ("schema.items", "$.events[1].population"),
        ("schema.required", "$.document"),
    ]


def test_enum_message_suggests_the_close_id() -> None:
    data = copy.deepcopy(BASE)
    data["events"][0]["mobilization_type"] = "military_labor"
    ((code, _, message),) = findings(data)
    assert code == "schema.enum"
    assert message == "'military_labor' is not a valid Mobilization type; did you mean 'military_labour'?"


def test_enum_message_lists_short_vocabularies() -> None:
    data = copy.deepcopy(BASE)
    data["events"][0]["status"] = "paused"
    ((_, _, message),) = findings(data)
    assert message.endswith("expected one of: planned, ongoing, completed, cancelled, unknown")


def test_one_of_failures_are_readable() -> None:
    schema = {
        "oneOf": [
            {
                "type": "object",
                "required": ["start"],
                "additionalProperties": False,
                "properties": {"start": {"type": "integer"}},
            },
            {"type": "string", "enum": ["unknown"]},
        ]
    }
    validator = Draft202012Validator(schema)
    (error,) = validator.iter_errors({"start": "x" * 500})
    (finding,) = structural.explain(error)
    assert finding.message.startswith("no alternative matches; closest: ")
    assert len(finding.message) < 120


def test_long_values_are_cut() -> None:
    data = copy.deepcopy(BASE)
    data["document"]["language"] = "x" * 2000
    ((_, _, message),) = findings(data)
    assert len(message) < 150 and "(2002 chars)" in message


@pytest.mark.parametrize(
    "case",
    sorted(p for p in (DATA / "invalid").iterdir() if (p / "input.json").exists()),
    ids=lambda p: p.name,
)
def test_compiled_and_python_validators_agree(case: Path) -> None:
    try:
        data = json.loads((case / "input.json").read_bytes())
    except (ValueError, RecursionError):
        pytest.skip("not JSON")
    schemas = load_schemas()
    assert schemas.fast_validator().is_valid(data) == schemas.validator().is_valid(data)
