"""A `Report` as JUnit XML, which CI services (GitLab, Jenkins, Azure, CircleCI) show as test results:
one test suite, one test case per file. A file with errors fails with one `<failure>` listing them;
warnings go to the case's `<system-out>`. No times or host names: the same report gives the same bytes."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict

from .issues import Issue, Report

SUITE = "nklabor validate"
# Characters XML 1.0 cannot hold at all (C0 controls, lone surrogates from undecodable file names, U+FFFE/F).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _safe(text: str) -> str:
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _line(issue: Issue) -> str:
    where = ":".join(str(p) for p in (issue.line, issue.column) if p is not None)
    return _safe(f"{where + ': ' if where else ''}{issue.path} [{issue.code}] {issue.message}")


def to_junit(report: Report) -> ET.Element:
    """The `<testsuites>` element of a report: a case per file read or found at fault, in name order."""
    by_file: dict[str, list[Issue]] = defaultdict(list)
    for issue in report.issues:
        by_file[issue.file].append(issue)
    names = sorted(set(report.sources) | set(by_file))
    failed = sum(1 for n in names if any(i.severity == "error" for i in by_file[n]))
    counts = {"tests": str(len(names)), "failures": str(failed), "errors": "0"}
    root = ET.Element("testsuites", {"name": SUITE, **counts})
    suite = ET.SubElement(root, "testsuite", {"name": SUITE, **counts, "skipped": "0"})
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("records", report.records),
        ("consulted", report.consulted),
        ("skipped", report.skipped),
    ):
        ET.SubElement(properties, "property", {"name": name, "value": str(value)})
    for name in names:
        case = ET.SubElement(suite, "testcase", {"classname": SUITE, "name": _safe(name)})
        errors = [i for i in by_file[name] if i.severity == "error"]
        warnings = [i for i in by_file[name] if i.severity != "error"]
        if errors:
            codes = sorted({i.code for i in errors})
            failure = ET.SubElement(
                case, "failure", {"type": codes[0], "message": f"{len(errors)} error(s): {', '.join(codes)}"}
            )
            failure.text = "\n".join(_line(i) for i in errors)
        if warnings:
            ET.SubElement(case, "system-out").text = "\n".join(f"warning: {_line(i)}" for i in warnings)
    return root


def junit(report: Report) -> str:
    """The JUnit XML document of a report, as text."""
    root = to_junit(report)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")
