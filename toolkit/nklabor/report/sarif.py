"""A `Report` as a SARIF 2.1.0 log (the OASIS Static Analysis Results Interchange Format), which code-scanning
services (GitHub's among them) and editors read. One run, one rule per finding code met, one result per
finding."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from .codes import CODES
from .issues import Issue, Report

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"


def _tool_version() -> str:
    try:
        return version("nklabor")
    except PackageNotFoundError:  # a source tree that was never installed
        return "unknown"


def _uri(file: str) -> str:
    """A file name as a SARIF URI reference: relative names stay relative (to the folder the run started
    in), absolute ones become file: URIs; both percent-encoded."""
    path = PurePath(file)
    if path.is_absolute():
        return "file://" + quote(path.as_posix())
    return quote(path.as_posix())


def _result(issue: Issue, rule_index: int) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(issue.file)}}
    if issue.line is not None:
        region: dict[str, int] = {"startLine": issue.line}
        if issue.column is not None:
            region["startColumn"] = issue.column
        physical["region"] = region
    return {
        "ruleId": issue.code,
        "ruleIndex": rule_index,
        "level": "warning" if issue.severity == "warning" else "error",
        "message": {"text": f"{issue.path} {issue.message}"},
        "locations": [
            {
                "physicalLocation": physical,
                "logicalLocations": [{"fullyQualifiedName": issue.path, "kind": "element"}],
            }
        ],
    }


def to_sarif(report: Report) -> dict[str, Any]:
    """The SARIF log of a report, as a JSON-ready dict. Columns count Unicode code points, as in `Issue`."""
    codes = sorted({i.code for i in report.issues})
    index = {code: n for n, code in enumerate(codes)}
    rules = [
        {
            "id": code,
            "shortDescription": {"text": CODES[code].description},
            "properties": {"tags": [CODES[code].layer]},
        }
        for code in codes
    ]
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "nklabor",
                        "version": _tool_version(),
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": [_result(i, index[i.code]) for i in report.issues],
                "properties": {
                    "valid": report.valid,
                    "files": report.files,
                    "records": report.records,
                    "consulted": report.consulted,
                    "skipped": report.skipped,
                },
            }
        ],
    }
