"""Changing an annotation file in place, as `nklabor span --add` and `nklabor reanchor` do: read it safely,
change it, check that the change adds no error, and replace the file atomically (key order, `$schema` and
layout kept: the canonical two-space form every nklabor file has)."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..annotation import dump, utc_stamp, write_file
from ..errors import InvalidInputError, UsageError
from ..report import Issue, Report, short
from ..schema import SchemaSet, load_schemas
from ..validation.reading import Record, iter_records
from ..validation.run import check_record
from .authoring import find_span


def read_annotation(path: Path) -> dict[str, Any]:
    """The annotation of a `.json` file (one annotation), or `UsageError` saying why it cannot be edited."""
    if path.suffix.lower() != ".json":
        raise UsageError(f"{path}: only a .json file (one annotation) can be edited in place")
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    (record, *_) = list(iter_records(path))
    if not record.ok or not isinstance(record.data, dict):
        first = record.issues[0] if record.issues else None
        where = f"{first.file}:{first.line}: [{first.code}] {first.message}" if first else "not an object"
        raise UsageError(f"cannot read the annotation: {where}")
    document = record.data.get("document")
    if not isinstance(document, dict) or not isinstance(document.get("text"), str):
        raise UsageError(f"{path}: no document.text")
    if not isinstance(record.data.get("events"), list):
        raise UsageError(f"{path}: no events list")
    data: dict[str, Any] = record.data
    return data


def findings(path: Path, data: dict[str, Any], schemas: SchemaSet) -> list[Issue]:
    """Every schema and codebook finding of `data`, located as if it were the file at `path`."""
    source = dump(data).encode("utf-8")
    return check_record(Record(str(path), 1, source, data=data, ok=True), schemas)


def _key(issue: Issue) -> tuple[str, str]:
    return issue.code, issue.path


def save(path: Path, before: dict[str, Any], after: dict[str, Any], schemas: SchemaSet) -> list[Issue]:
    """Replace `path` with `after` unless that adds an error `before` did not have (`InvalidInputError`,
    nothing written). Returns the findings the file still has (those it had already)."""
    had = {_key(i) for i in findings(path, before, schemas) if i.severity == "error"}
    now = findings(path, after, schemas)
    new = [i for i in now if i.severity == "error" and _key(i) not in had]
    if new:
        raise InvalidInputError("the change would make the file invalid: nothing written", Report(new, 1, 1))
    after["annotated_at"] = utc_stamp()
    write_file(path, dump(after), overwrite=True)
    return now


@dataclass
class Added:
    """Where a span was added, and the findings the file still has."""

    span: dict[str, Any]
    path: str
    created: bool = False
    """A new coercion indicator was made for the span."""
    remaining: list[Issue] = field(default_factory=list)


def add_evidence(
    path: Path,
    quote: str,
    event_id: str,
    *,
    indicator: str | None = None,
    status: str | None = None,
    occurrence: int | None = None,
    schemas: SchemaSet | None = None,
) -> Added:
    """Find `quote` in the file's text and add it as evidence of the event `event_id`, or of its coercion
    `indicator` (made, with `status`, if the event has none yet); the file is replaced atomically."""
    schemas = schemas or load_schemas()
    before = read_annotation(path)
    after = copy.deepcopy(before)
    span = find_span(after["document"]["text"], quote, occurrence)
    events = [e for e in after["events"] if isinstance(e, dict)]
    index = next((i for i, e in enumerate(events) if e.get("id") == event_id), None)
    if index is None:
        known = ", ".join(str(e.get("id")) for e in events) or "none yet: write the event first"
        raise UsageError(f"{path}: no event {short(event_id)} (events: {known})")
    event = events[index]
    where = f"$.events[{index}]"
    created = False
    if indicator is None:
        target = event.setdefault("evidence", [])
        where += ".evidence"
    else:
        target, where, created = _indicator_evidence(event, where, indicator, status, schemas)
    if span in target:
        raise UsageError(
            f"{path}: {where} already holds {short(span['quote'])} at [{span['start']}, {span['end']})"
        )
    target.append(span)
    remaining = save(path, before, after, schemas)
    return Added(span, f"{where}[{len(target) - 1}]", created, remaining)


def _indicator_evidence(
    event: dict[str, Any], where: str, indicator: str, status: str | None, schemas: SchemaSet
) -> tuple[list[Any], str, bool]:
    label = schemas.labels["indicator"]
    if indicator not in label.values:
        raise UsageError(f"{short(indicator)} is not a coercion indicator id (see docs/codebook.md)")
    items = event.setdefault("coercion", [])
    for k, item in enumerate(items):
        if isinstance(item, dict) and item.get("indicator") == indicator:
            if status is not None and item.get("status") != status:
                raise UsageError(
                    f"{where}.coercion[{k}] is {indicator} with status {short(item.get('status'))}, "
                    f"not {short(status)}: change the status in the file"
                )
            return item.setdefault("evidence", []), f"{where}.coercion[{k}].evidence", False
    statuses = schemas.labels["indicator_status"].values
    if status is None:
        raise UsageError(f"a new indicator needs its status ({', '.join(map(str, statuses))})")
    if status not in statuses:
        raise UsageError(f"{short(status)} is not an indicator status ({', '.join(map(str, statuses))})")
    items.append({"indicator": indicator, "status": status, "evidence": []})
    return items[-1]["evidence"], f"{where}.coercion[{len(items) - 1}].evidence", True
