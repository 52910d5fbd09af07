"""Data-driven validator cases: `tests/data/valid/` must pass, each `tests/data/invalid/<case>/` must report
exactly the findings of its `expected.json` (code, JSON path, line), with no traceback and nothing else."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nklabor import validate
from nklabor.validation import Validation
from tests.support import DATA

INVALID = sorted(p for p in (DATA / "invalid").iterdir() if p.is_dir())


def inputs(case: Path) -> list[Path]:
    """The files of a case folder, less its expected.json."""
    return sorted(p for p in case.iterdir() if p.name != "expected.json")


def test_valid_cases_pass() -> None:
    report = validate([DATA / "valid"])
    assert report.issues == []
    assert report.valid
    assert report.records == 3


@pytest.mark.parametrize("case", INVALID, ids=[p.name for p in INVALID])
def test_invalid_case_reports_exactly_the_expected_findings(case: Path) -> None:
    body = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    expected = body["findings"]
    report = validate(inputs(case), **body.get("options", {}))
    # A case of warnings only is valid: warnings never block.
    assert report.valid == all(e.get("severity", "error") == "warning" for e in expected)
    got = sorted((Path(i.file).name, i.code, i.path, i.line, i.severity) for i in report.issues)
    default_file = next((p.name for p in inputs(case) if p.name.startswith("input")), None)
    want = sorted(
        (e.get("file", default_file), e["code"], e["path"], e["line"], e.get("severity", "error"))
        for e in expected
    )
    assert got == want


def test_every_bad_input_class_has_a_case() -> None:
    """The issue's list of bad-input classes, each covered by at least one folder."""
    codes = {
        e["code"]
        for case in INVALID
        for e in json.loads((case / "expected.json").read_text(encoding="utf-8"))["findings"]
    }
    required = {
        "encoding.bom",
        "encoding.utf16",
        "encoding.invalid-utf8",
        "encoding.lone-surrogate",
        "json.duplicate-key",
        "json.non-finite-number",
        "json.unsafe-integer",
        "json.too-deep",
        "json.trailing-comma",
        "file.empty",
        "jsonl.blank-line",
        "json.extra-data",
        "schema.enum",
        "span.quote-mismatch",
        "text.hash-mismatch",
        "schema.format",
        "annotation.duplicate",
        "document.hash-conflict",
        "annotator.unregistered",
        "registry.personal-data",
        "text.not-nfc",
    }
    assert required <= codes


def test_long_values_are_never_echoed() -> None:
    report = validate(inputs(DATA / "invalid" / "long-quote-not-echoed"))
    assert report.issues
    assert all("x" * 100 not in i.message and len(i.message) < 200 for i in report.issues)


def test_annotations_stream_only_clean_records() -> None:
    run = Validation(
        [
            DATA / "valid" / "two-annotators-crlf.jsonl",
            DATA / "invalid" / "wrong-enum" / "input.json",
        ]
    )
    files = [a.file for a in run.annotations()]
    assert len(files) == 2
    assert all("invalid" not in f for f in files)
    assert [i.code for i in run.report.issues] == ["schema.enum"]


def test_valid_annotations_are_reported_with_derived_values() -> None:
    from nklabor.derive import derived
    from nklabor.schema import load_schemas

    run = Validation([DATA / "valid" / "komdok-excerpt.json"])
    (annotation,) = list(run.annotations())
    values = [derived(e, load_schemas()) for e in annotation.data["events"]]
    # Domestic work: no sanctions period applies (schema 2.0); e2's order and assignment are one dimension.
    assert values == [
        {
            "forced_labour_assessment": "insufficient",
            "assessment_involuntariness": [],
            "assessment_penalty": [],
            "sanctions_period": "not_applicable",
            "present_after_deadline": None,
        },
        {
            "forced_labour_assessment": "possible",
            "assessment_involuntariness": ["st_compulsory_order", "st_no_choice_of_assignment"],
            "assessment_penalty": [],
            "sanctions_period": "not_applicable",
            "present_after_deadline": None,
        },
    ]


def test_predictions_mode_lets_the_annotator_fields_out_and_checks_the_rest(tmp_path: Path) -> None:
    from nklabor.validation.run import PREDICTION_FIELDS

    data = json.loads((DATA / "valid" / "komdok-excerpt.json").read_text(encoding="utf-8"))
    for key in PREDICTION_FIELDS:
        data.pop(key)
    folder = tmp_path / "predictions"  # no annotators.json anywhere above it
    folder.mkdir()
    (folder / "model.jsonl").write_text(json.dumps(data) + "\n", encoding="utf-8")
    plain = Validation([folder]).run()
    assert not plain.valid and {i.code for i in plain.issues} == {"schema.required"}
    found = Validation([folder], predictions=True).valid_annotations()
    assert [a.data["annotator"] for a in found] == [PREDICTION_FIELDS["annotator"]]
    data["events"][0]["status"] = "going"
    (folder / "model.jsonl").write_text(json.dumps(data) + "\n", encoding="utf-8")
    report = Validation([folder], predictions=True).run()
    assert [i.code for i in report.issues] == ["schema.enum"]
