"""Reporters format a Report and nothing else."""

from __future__ import annotations

import json

from nklabor.report import Issue, Report
from nklabor.report.reporters import as_json, github, text

REPORT = Report(
    issues=[Issue("a,b.json", 3, 7, "$.events[0]", "schema.enum", "bad: 100%\nnext")],
    files=1,
    records=1,
)


def test_text() -> None:
    assert text(REPORT).splitlines() == [
        "a,b.json:3:7: $.events[0] [schema.enum] bad: 100%\nnext".splitlines()[0],
        "next",
        "invalid: 1 record(s) in 1 file(s), 1 error(s)",
    ]


def test_json_is_the_report_dict() -> None:
    assert json.loads(as_json(REPORT)) == REPORT.to_dict()
    assert REPORT.to_dict()["counts"] == {"schema.enum": 1}


def test_github_escapes_properties_and_message() -> None:
    assert (
        github(REPORT)
        == "::error file=a%2Cb.json,line=3,col=7,title=schema.enum::$.events[0] bad: 100%25%0Anext"
    )


def test_unknown_code_is_refused() -> None:
    import pytest

    with pytest.raises(ValueError):
        Issue("f", 1, 1, "$", "no.such-code", "x")


def test_summary_says_what_was_consulted_and_left_out() -> None:
    report = Report(files=1, records=1, consulted=4, skipped=2)
    assert text(report) == (
        "valid: 1 record(s) in 1 file(s), 0 error(s); the rules across files also consulted 4 other file(s); "
        "2 named file(s) left out by the configuration"
    )
    assert text(Report(files=1, records=1)) == "valid: 1 record(s) in 1 file(s), 0 error(s)"
