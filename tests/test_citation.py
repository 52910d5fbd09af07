"""`CITATION.cff`: valid Citation File Format 1.2.0 (its JSON Schema, vendored), and the same title, authors
and addresses as the releases' metadata."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import yaml

from nklabor.release import metadata
from tests.support import DATA, ROOT


def citation() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_citation_cff_is_valid_cff_1_2_0() -> None:
    schema = json.loads((DATA / "cff" / "schema-1.2.0.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(citation()), key=lambda e: list(e.path))
    assert errors == [], [f"{list(e.path)}: {e.message}" for e in errors]


def test_an_invalid_citation_is_caught() -> None:
    schema = json.loads((DATA / "cff" / "schema-1.2.0.json").read_text(encoding="utf-8"))
    broken = {**citation(), "authors": [{"nickname": "x"}]}
    del broken["message"]
    assert not jsonschema.Draft7Validator(schema).is_valid(broken)


def test_citation_cff_agrees_with_the_release_metadata() -> None:
    data = citation()
    assert data["title"] == metadata.TITLE and data["type"] == "dataset"
    assert data["authors"] == [{"name": metadata.AUTHOR, "website": metadata.REPOSITORY}]
    assert data["contact"] == [{"name": metadata.AUTHOR, "website": metadata.ISSUES}]
    assert data["repository-code"] == data["url"] == metadata.REPOSITORY
    assert data["license"] == "CC-BY-4.0" and metadata.LICENSE["license_link"].endswith("/by/4.0/")
    assert data["keywords"] == metadata.KEYWORDS
    assert not any("given-names" in a or "family-names" in a for a in data["authors"])  # no person is named
