"""Migration of annotation files to the current schema version (1.0 -> 2.0).

A migration is lossless where the mapping is determined: `subdivision` -> `subdivisions`, `workers` ->
`counts`, `source` -> `sources`, evasion ids -> evasion items, one time precision -> a precision for each
end, and a title or date becomes an object with its provenance.

What 1.0 could not record is marked as such, never guessed: a title's or date's provenance becomes
`unverified`, a count's status `unverified`; each is a `migrate.check` warning for a human to settle. What
needs a decision (an indicator that was split in two, a rule of 2.0 the old labels break) is a
`migrate.needs-decision` or rule finding, and that file is not written.

`migrate_file` reads and converts one file; `migrate` writes each file atomically, all its records or
none."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..annotation import dump, write_file
from ..errors import UsageError
from ..report import Finding, Issue
from ..schema import RENAMES, SchemaSet, load_schemas
from ..validation import semantic, structural
from ..validation.discovery import SourceFile, discover
from ..validation.reading import Record, iter_records

CURRENT = "2.0"
RENAMED = RENAMES[CURRENT]
"""1.0 fields and ids that 2.0 renamed or split, with what replaces them (the codebook's history is kept in
`nklabor.schema.RENAMES`)."""
SPLIT_INDICATORS = {
    "st_ideological_sanction": "st_ideological_sanction was split in 2.0: choose st_punitive_self_criticism "
    "(self-criticism imposed for refusing, failing or complaining: a penalty) or st_indoctrination (training "
    "or loyalty talk before or during the work: a flag)",
}


@dataclass
class Migrated:
    """One record after migration: the new annotation (None when it cannot be written) and what was found."""

    record: Record
    annotation: dict[str, Any] | None
    findings: list[Finding] = field(default_factory=list)
    changed: bool = False

    @property
    def blocked(self) -> bool:
        """True when the record needs a human decision before it can be written."""
        return self.annotation is None or any(f.severity == "error" for f in self.findings)


@dataclass
class FileMigration:
    """The migration of one file: its records, and whether it can be written."""

    source: SourceFile
    records: list[Migrated] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """True when at least one record is rewritten."""
        return any(m.changed for m in self.records)

    @property
    def blocked(self) -> bool:
        """True when the file cannot be written: a record needs a decision or could not be read."""
        return any(i.severity == "error" for i in self.issues)

    def content(self) -> str:
        """The file's new text: one annotation (`.json`) or one per line (`.jsonl`)."""
        items = [m.annotation for m in self.records if m.annotation is not None]
        if self.source.path.suffix.lower() == ".jsonl":
            return "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items)
        return dump(items[0])


# 1.0 -> 2.0, piece by piece ---------------------------------------------------------------------------------


def _provenance(node: Any, key: str, path: str, out: list[Finding]) -> dict[str, Any]:
    if isinstance(node, dict):
        return node  # already an object: leave it to the validator
    what = "title" if key == "text" else "publication date"
    hint = ""
    if key == "date" and isinstance(node, str) and node.endswith("-01"):
        hint = (
            "; a first of the month or year is often a placeholder: lower the date to YYYY-MM or YYYY if so"
        )
    out.append(
        Finding(
            "migrate.check",
            path,
            f"the {what}'s provenance was not recorded in 1.0 (now unverified): set as_published, or "
            "translated "
            f"or reconstructed with a basis{hint}",
            severity="warning",
        )
    )
    return {key: node, "provenance": "unverified"}


def _place(place: Any) -> Any:
    if not isinstance(place, dict) or "subdivision" not in place:
        return place
    out = {}
    for key, value in place.items():
        if key == "subdivision":
            out["subdivisions"] = [value]
        else:
            out[key] = value
    return out


def _time(window: Any) -> Any:
    if not isinstance(window, dict) or "precision" not in window:
        return window
    out = {k: v for k, v in window.items() if k != "precision"}
    out["start_precision"] = out["end_precision"] = window["precision"]
    return out


def _counts(workers: Any, path: str, out: list[Finding]) -> list[dict[str, Any]]:
    if not isinstance(workers, dict) or workers.get("qualifier") == "unknown":
        return []  # 1.0's "no count given" is 2.0's empty list
    count = {k: workers[k] for k in ("min", "best", "max", "qualifier", "scope") if k in workers}
    count.update(status="unverified", primary=True)
    if workers.get("qualifier") != "vague":
        out.append(
            Finding(
                "migrate.check",
                f"{path}.counts[0].status",
                "1.0 could not record how firmly the count is given (now unverified): set stated or hedged, "
                "and "
                "add the article's other figures as further counts",
                severity="warning",
            )
        )
    return [count]


def _evasion(sanctions: Any) -> Any:
    if not isinstance(sanctions, dict) or not isinstance(sanctions.get("evasion"), list):
        return sanctions
    items = [e if isinstance(e, dict) else {"method": e, "status": "reported"} for e in sanctions["evasion"]]
    return {**sanctions, "evasion": items}


def _coercion(coercion: Any, path: str, out: list[Finding]) -> Any:
    for j, item in enumerate(coercion if isinstance(coercion, list) else []):
        indicator = item.get("indicator") if isinstance(item, dict) else None
        if indicator in SPLIT_INDICATORS:
            out.append(
                Finding(
                    "migrate.needs-decision", f"{path}.coercion[{j}].indicator", SPLIT_INDICATORS[indicator]
                )
            )
    return coercion


_EVENT_KEYS: dict[str, Callable[[Any], Any]] = {"place": _place, "time": _time, "sanctions": _evasion}


def _event(event: dict[str, Any], path: str, out: list[Finding]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in event.items():
        if key in _EVENT_KEYS:
            result[key] = _EVENT_KEYS[key](value)
        elif key == "route" and isinstance(value, list):
            result[key] = [_place(leg) for leg in value]
        elif key == "workers":
            result["counts"] = _counts(value, path, out)
        elif key == "source":
            result["sources"] = [value]
        elif key == "coercion":
            result[key] = _coercion(value, path, out)
        else:
            result[key] = value
    if "other" in (event.get("sector") or []):
        out.append(
            Finding(
                "migrate.check",
                f"{path}.sector",
                'sector other meant "other or not stated" in 1.0: use unknown if the article does not say',
                severity="warning",
            )
        )
    return result


def to_2_0(annotation: dict[str, Any]) -> tuple[dict[str, Any], list[Finding]]:
    """A 1.0 annotation as 2.0, and the findings a human must look at. The input is not changed."""
    data = copy.deepcopy(annotation)
    out: list[Finding] = []
    doc = data.get("document")
    if isinstance(doc, dict):
        if "title" in doc:
            doc["title"] = _provenance(doc["title"], "text", "$.document.title", out)
        if "published" in doc:
            doc["published"] = _provenance(doc["published"], "date", "$.document.published", out)
    events = data.get("events")
    if isinstance(events, list):
        data["events"] = [
            _event(e, f"$.events[{i}]", out) if isinstance(e, dict) else e for i, e in enumerate(events)
        ]
    data["schema_version"] = CURRENT
    return data, out


MIGRATIONS: dict[str, Callable[[dict[str, Any]], tuple[dict[str, Any], list[Finding]]]] = {"1.0": to_2_0}
"""Declared schema version -> the step to the next version."""


# Files ------------------------------------------------------------------------------------------------------


def migrate_record(record: Record, schemas: SchemaSet) -> Migrated:
    """Migrate one parsed record to the schema's version and check the result against it."""
    data = record.data
    version = data.get("schema_version") if isinstance(data, dict) else None
    if not isinstance(data, dict) or not isinstance(version, str):
        finding = Finding(
            "migrate.needs-decision", "$.schema_version", "not an annotation with a schema_version"
        )
        return Migrated(record, None, [finding])
    if version == schemas.version:
        return Migrated(record, data)
    if version not in MIGRATIONS:
        message = f"no migration from schema {version!r} to {schemas.version}"
        return Migrated(record, None, [Finding("migrate.needs-decision", "$.schema_version", message)])
    current, findings = data, []
    while current.get("schema_version") != schemas.version and current.get("schema_version") in MIGRATIONS:
        current, more = MIGRATIONS[current["schema_version"]](current)
        findings.extend(more)
    # The migrated annotation must meet the new schema and its rules; what it breaks needs a human (once: an
    # id that needs a decision is not also reported as outside the vocabulary).
    decided = {f.path for f in findings if f.code == "migrate.needs-decision"}
    rules = structural.check(current, schemas) + semantic.check(current)
    findings.extend(f for f in rules if f.path not in decided)
    return Migrated(record, current, _unique(findings), changed=True)


def _unique(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(set(findings), key=lambda f: (f.path, f.code, f.message))


def migrate_file(source: SourceFile, schemas: SchemaSet) -> FileMigration:
    """Read one file and migrate every record; `issues` hold every finding, located in the original file."""
    result = FileMigration(source)
    for record in iter_records(source.path, source.display):
        if not record.ok:
            result.issues.extend(record.issues)
            continue
        migrated = migrate_record(record, schemas)
        result.records.append(migrated)
        for f in migrated.findings:
            result.issues.append(record.issue(f.code, f.path, f.message, key=f.at_key, severity=f.severity))
    return result


@dataclass
class MigrationReport:
    """What a migration did (or would do) to every file."""

    files: list[FileMigration]
    path_issues: list[Issue] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)

    @property
    def issues(self) -> list[Issue]:
        """Every finding, in file order."""
        return sorted([*self.path_issues, *(i for f in self.files for i in f.issues)])

    @property
    def blocked(self) -> list[FileMigration]:
        """Files that need a human decision before they can be migrated."""
        return [f for f in self.files if f.blocked]

    @property
    def pending(self) -> list[FileMigration]:
        """Files that are not at the current version yet and could be written."""
        return [f for f in self.files if f.changed and not f.blocked]

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (`nklabor migrate --format json`)."""
        return {
            "files": len(self.files),
            "written": [str(p) for p in self.written],
            "pending": [f.source.display for f in self.pending if f.source.path not in self.written],
            "needs_decision": [f.source.display for f in self.blocked],
            "issues": [i.to_dict() for i in self.issues],
        }


def migrate(
    paths: Iterable[str | Path], *, check: bool = False, schema_dir: Path | str | None = None
) -> MigrationReport:
    """Migrate the annotation files under `paths` to the current schema, each atomically; with `check`, write
    nothing. A file with a finding that needs a decision is never written. Registry files are skipped."""
    schemas = load_schemas(schema_dir)
    if schemas.version != CURRENT:
        raise UsageError(f"these migrations lead to schema {CURRENT}, not {schemas.version}")
    files, issues = discover(paths)
    report = MigrationReport([migrate_file(s, schemas) for s in files if not s.is_registry], issues)
    if not check:
        for item in report.pending:
            write_file(item.source.path, item.content(), overwrite=True)
            report.written.append(item.source.path)
    return report
