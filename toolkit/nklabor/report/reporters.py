"""Render a `Report` as text, JSON, GitHub workflow annotations, SARIF 2.1.0 or JUnit XML. Reporters only
format; they decide nothing."""

from __future__ import annotations

import json
from collections.abc import Callable

from .issues import Issue, Report
from .junit import junit
from .sarif import to_sarif


def _where(issue: Issue) -> str:
    parts = [issue.file]
    if issue.line is not None:
        parts.append(str(issue.line))
        if issue.column is not None:
            parts.append(str(issue.column))
    return ":".join(parts)


def issue_lines(report: Report) -> list[str]:
    """`file:line:col: $.path [code] message`, one per finding."""
    return [f"{_where(i)}: {i.path} [{i.code}] {i.message}" for i in report.issues]


def text(report: Report) -> str:
    """`file:line:col: $.path [code] message`, one per line, then a summary line."""
    return "\n".join([*issue_lines(report), summary(report)])


def summary(report: Report) -> str:
    """One line: valid or not, records, files, errors, warnings, and the files consulted or skipped."""
    status = "valid" if report.valid else "invalid"
    line = f"{status}: {report.records} record(s) in {report.files} file(s), {report.errors} error(s)"
    if report.warnings:
        line += f", {report.warnings} warning(s)"
    if report.consulted:
        line += f"; the rules across files also consulted {report.consulted} other file(s)"
    if report.skipped:
        line += f"; {report.skipped} named file(s) left out by the configuration"
    return line


def as_json(report: Report) -> str:
    """The report object, exactly `Report.to_dict()`."""
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2)


def _escape(value: str, prop: bool = False) -> str:
    # GitHub workflow command escaping.
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def github(report: Report) -> str:
    """`::error file=...,line=...,col=...,title=code::message` lines for GitHub Actions."""
    out = []
    for i in report.issues:
        props = [f"file={_escape(i.file, True)}"]
        if i.line is not None:
            props.append(f"line={i.line}")
        if i.column is not None:
            props.append(f"col={i.column}")
        props.append(f"title={_escape(i.code, True)}")
        out.append(f"::{i.severity} {','.join(props)}::{_escape(f'{i.path} {i.message}')}")
    return "\n".join(out)


def sarif(report: Report) -> str:
    """The SARIF 2.1.0 log of the report (`sarif.to_sarif`)."""
    return json.dumps(to_sarif(report), ensure_ascii=False, indent=2)


REPORTERS: dict[str, Callable[[Report], str]] = {
    "text": text,
    "json": as_json,
    "github": github,
    "sarif": sarif,
    "junit": junit,
}
