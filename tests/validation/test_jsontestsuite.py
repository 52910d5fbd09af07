"""The public JSONTestSuite parsing cases (nst/JSONTestSuite, MIT; `tests/data/jsontestsuite/`).

- `n_` files are not JSON: each gets a reading finding (a `file.`, `encoding.`, `json.` or `jsonl.` code) with
  a line and column.
- `y_` files are JSON: none gets a reading finding (duplicate keys excepted: nklabor rejects them on purpose),
  and none is an annotation, so each is still rejected.
- `i_` files are implementation-defined: each gets one clear verdict, rejected as JSON or as an annotation.

No case may raise, and none may take long (a hang would show here first)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from nklabor import validate
from nklabor.report import Issue
from tests.support import DATA

SUITE = DATA / "jsontestsuite"
REGISTRY = DATA / "annotators.json"
READING = ("file.", "encoding.", "json.", "jsonl.")
DUPLICATE_KEYS = {"y_object_duplicated_key.json", "y_object_duplicated_key_and_value.json"}


def cases(prefix: str) -> list[Path]:
    return sorted(SUITE.glob(f"{prefix}_*.json"))


def run(path: Path) -> list[Issue]:
    started = time.monotonic()
    report = validate([path], registry=REGISTRY)
    assert time.monotonic() - started < 5, "took too long"
    assert not report.valid
    return report.issues


def reading(issues: list[Issue]) -> list[Issue]:
    return [i for i in issues if i.code.startswith(READING) and i.code != "json.float-for-integer"]


def test_the_suite_is_complete() -> None:
    assert (len(cases("n")), len(cases("y")), len(cases("i"))) == (188, 95, 35)
    assert (SUITE / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")


@pytest.mark.parametrize("path", cases("n"), ids=lambda p: p.name)
def test_not_json_gets_a_located_reading_finding(path: Path) -> None:
    found = reading(run(path))
    assert found, [i.code for i in run(path)]
    assert all(i.line is not None and i.line >= 1 and i.column is not None for i in found)


@pytest.mark.parametrize("path", cases("y"), ids=lambda p: p.name)
def test_json_parses_and_is_still_no_annotation(path: Path) -> None:
    issues = run(path)
    if path.name in DUPLICATE_KEYS:
        assert [i.code for i in issues] == ["json.duplicate-key"]
        return
    assert reading(issues) == []
    assert {i.code.split(".")[0] for i in issues} <= {"record", "schema"}


@pytest.mark.parametrize("path", cases("i"), ids=lambda p: p.name)
def test_implementation_defined_gets_one_clear_verdict(path: Path) -> None:
    issues = run(path)
    as_json = reading(issues)
    # Either refused while reading (and located), or read and refused as an annotation: never both, never
    # neither.
    if as_json:
        assert all(i.line is not None for i in as_json)
    else:
        assert {i.code.split(".")[0] for i in issues} <= {"record", "schema"}
    assert all(i.message for i in issues)
