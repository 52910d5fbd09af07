"""The machine-readable formats hold up against their published schemas, on real reports: SARIF 2.1.0
(the OASIS JSON Schema), JUnit XML (the Jenkins xUnit XSD) and the JSON report (docs/report.schema.json)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from functools import cache
from typing import Any

import jsonschema
import pytest
import xmlschema

from nklabor import Report
from nklabor.report import CODES, Issue
from nklabor.report.junit import junit
from nklabor.report.reporters import REPORTERS, as_json, sarif
from nklabor.report.sarif import SARIF_SCHEMA, to_sarif
from tests.support import DATA, ROOT
from tests.support.reports import real_reports

SCHEMAS = DATA / "schemas"
NAMES = sorted(real_reports())


@cache
def sarif_validator() -> jsonschema.Draft4Validator:
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


@cache
def junit_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SCHEMAS / "junit-10.xsd"))


@cache
def report_validator() -> jsonschema.Draft202012Validator:
    schema = json.loads((ROOT / "docs" / "report.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def errors(validator: Any, instance: Any) -> list[str]:
    return [f"{e.json_path}: {e.message}" for e in validator.iter_errors(instance)]


def test_the_real_reports_cover_every_kind_of_place() -> None:
    issues = [i for r in real_reports().values() for i in r.issues]
    assert any(i.line is None for i in issues) and any(i.column is None and i.line for i in issues)
    assert any(i.severity == "warning" for i in issues) and any(i.file.startswith("/") for i in issues)
    assert any(r.valid for r in real_reports().values())


@pytest.mark.parametrize("name", NAMES)
def test_sarif_validates_against_the_sarif_schema(name: str) -> None:
    log = json.loads(sarif(real_reports()[name]))
    assert errors(sarif_validator(), log) == []
    assert log["version"] == "2.1.0" and log["$schema"] == SARIF_SCHEMA


@pytest.mark.parametrize("name", NAMES)
def test_junit_validates_against_the_junit_xsd(name: str) -> None:
    document = junit(real_reports()[name])
    junit_schema().validate(document)


@pytest.mark.parametrize("name", NAMES)
def test_the_json_report_validates_against_the_published_schema(name: str) -> None:
    assert errors(report_validator(), json.loads(as_json(real_reports()[name]))) == []


def test_every_code_fits_the_published_code_pattern() -> None:
    schema = json.loads((ROOT / "docs" / "report.schema.json").read_text(encoding="utf-8"))
    code = jsonschema.Draft202012Validator(schema["$defs"]["code"])
    assert [c for c in CODES if not code.is_valid(c)] == []


def test_the_published_schema_refuses_what_a_report_never_holds() -> None:
    good = real_reports()["partial"].to_dict()
    for broken in (
        {**good, "extra": 1},
        {**good, "consulted": -1},
        {**good, "issues": [{**good["issues"][0], "severity": "fatal"}]},
        {k: v for k, v in good.items() if k != "sources"},
    ):
        assert errors(report_validator(), broken)


def test_sarif_results_point_at_the_findings() -> None:
    report = real_reports()["invalid/many-errors"]
    run = to_sarif(report)["runs"][0]
    assert [r["ruleId"] for r in run["results"]] == [i.code for i in report.issues]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert rules == sorted({i.code for i in report.issues})
    first, issue = run["results"][0], report.issues[0]
    assert rules[first["ruleIndex"]] == issue.code
    location = first["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == issue.file
    assert location["region"] == {"startLine": issue.line, "startColumn": issue.column}
    assert first["message"]["text"] == f"{issue.path} {issue.message}"
    assert run["columnKind"] == "unicodeCodePoints"


def test_sarif_uris_are_encoded_and_absolute_paths_are_file_uris() -> None:
    report = Report(
        issues=[
            Issue("my annotations/a#1.json", None, None, "$", "file.empty", "the file is empty"),
            Issue("/data/b.json", 2, None, "$", "span.splits-grapheme", "x", "warning"),
        ]
    )
    results = to_sarif(report)["runs"][0]["results"]
    assert [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results] == [
        "my%20annotations/a%231.json",
        "file:///data/b.json",
    ]
    assert "region" not in results[0]["locations"][0]["physicalLocation"]
    assert results[1]["level"] == "warning"
    assert errors(sarif_validator(), to_sarif(report)) == []


def test_junit_has_one_case_per_file() -> None:
    report = real_reports()["invalid/span-splits-grapheme"]
    root = ET.fromstring(junit(report))
    cases = root.findall("./testsuite/testcase")
    assert [c.get("name") for c in cases] == sorted(set(report.sources) | {i.file for i in report.issues})
    (case,) = cases
    assert case.find("failure") is None  # warnings only: the case passes ...
    out = case.find("system-out")
    assert out is not None and out.text and out.text.count("span.splits-grapheme") == 2  # ... and says why
    failing = ET.fromstring(junit(real_reports()["invalid/many-errors"])).find("./testsuite/testcase/failure")
    assert failing is not None and failing.get("message", "").startswith("5 error(s): ")
    assert failing.text is not None and len(failing.text.splitlines()) == 5


def test_junit_counts_and_a_valid_report() -> None:
    report = real_reports()["annotations"]
    suite = ET.fromstring(junit(report)).find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == (str(report.files), "0", "0")


def test_junit_holds_names_xml_cannot_hold() -> None:
    report = Report(issues=[Issue("bad\x01name.json", 1, 1, "$", "json.syntax", "not JSON: \x00")])
    document = junit(report)
    junit_schema().validate(document)
    assert "bad\\u0001name.json" in document


def test_every_format_is_a_reporter() -> None:
    assert set(REPORTERS) == {"text", "json", "github", "sarif", "junit"}
