"""`validate(paths) -> Report`: every finding in every file, at once."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InvalidInputError, UsageError
from ..report import Issue, Report
from ..schema import SchemaSet, load_schemas
from . import semantic, structural
from .crossfile import CrossFileIndex
from .discovery import SourceFile, discover
from .reading import DEFAULT_MAX_RECORD_BYTES, Record, iter_records, too_deep


def check_record(record: Record, schemas: SchemaSet) -> list[Issue]:
    """Schema and semantic findings of one parsed annotation, located in its file."""
    if not isinstance(record.data, dict):
        what = "null" if record.data is None else structural.type_name(record.data)
        return [
            Issue(
                record.file,
                record.line,
                1,
                "$",
                "record.not-object",
                f"a record must be a JSON object (an annotation), not {what}",
            )
        ]
    version = record.data.get("schema_version")
    if isinstance(version, str) and version != schemas.version and version in schemas.older_versions:
        message = (
            f"declares schema {version}; this is schema {schemas.version}: `nklabor migrate` rewrites it"
        )
        return [record.issue("schema.outdated-version", "$.schema_version", message)]
    findings = structural.check(record.data, schemas)
    if findings:
        deep = too_deep(record)
        if deep is not None:  # the schema errors of a hostile structure would only be noise
            return [deep]
    if record.floats:
        findings.extend(structural.floats_for_integers(record.data, schemas))
    findings.extend(semantic.check(record.data))
    return [record.issue(f.code, f.path, f.message, key=f.at_key, severity=f.severity) for f in findings]


@dataclass(frozen=True)
class Annotation:
    """A valid annotation and where it came from."""

    file: str
    line: int
    data: dict[str, Any]

    @property
    def where(self) -> str:
        """`file:line`, or `(in memory)` for an annotation that was never read from a file."""
        return f"{self.file}:{self.line}" if self.file else "(in memory)"


PREDICTION_FIELDS: dict[str, str] = {
    "annotator": "pred-00",
    "role": "annotator",
    "annotated_at": "1970-01-01T00:00:00Z",
}
"""Predictions mode: the annotator fields a model's output may leave out, and the placeholders that stand in
for them (an id of the registered form, so the schema still checks every other field)."""


def fill_prediction_fields(data: Any) -> None:
    """Give a prediction the placeholder annotator fields it lacks (nothing else is touched)."""
    if isinstance(data, dict):
        for key, value in PREDICTION_FIELDS.items():
            data.setdefault(key, value)


class Validation:
    """One validation run. Iterate `annotations()` to stream the valid ones, then read `report`.

    With `predictions=True` the records are a model's predictions: `annotator`, `role` and `annotated_at` may
    be left out (placeholders stand in, `PREDICTION_FIELDS`), no annotator registry is consulted, and a
    document may be predicted once; every other rule of the schema and the codebook applies."""

    def __init__(
        self,
        paths: Iterable[str | Path],
        schema_dir: Path | str | None = None,
        registry: Path | str | None = None,
        *,
        max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
        predictions: bool = False,
    ) -> None:
        if max_record_bytes < 1:
            raise UsageError(f"a record cap of {max_record_bytes} bytes cannot hold any record")
        self.max_record_bytes = max_record_bytes
        self.schemas = load_schemas(schema_dir)
        self.files, issues = discover(paths)
        self.report = Report(issues=issues)
        unread = frozenset(
            Path(i.file).parent.resolve() / Path(i.file).name
            for i in issues
            if i.code in ("path.symlink", "path.not-regular-file")
        )
        self.predictions = predictions
        self.index = CrossFileIndex(
            self.schemas, Path(registry) if registry is not None else None, unread, predictions=predictions
        )

    def annotations(self) -> Iterator[Annotation]:
        """Read every file; yield each annotation that has no finding of its own (cross-file findings come at
        the end, in `report`)."""
        for source in self.files:
            yield from self._file(source)
        self.report.issues.extend(self.index.issues)
        self.report.sort()

    def _file(self, source: SourceFile) -> Iterator[Annotation]:
        self.report.files += 1
        if source.is_registry:
            self.index.check_registry_file(source.path, source.display)
            return
        for record in iter_records(source.path, source.display, max_record_bytes=self.max_record_bytes):
            self.report.records += 1
            if not record.ok:
                self.report.issues.extend(record.issues)
                continue
            if self.predictions:
                fill_prediction_fields(record.data)
            found = check_record(record, self.schemas)
            self.report.issues.extend(found)
            self.index.add(record, source.path, frozenset(i.path for i in found))
            if not any(i.severity == "error" for i in found):
                yield Annotation(record.file, record.line, record.data)

    def run(self) -> Report:
        """Validate everything, keeping nothing but the report."""
        for _ in self.annotations():
            pass
        return self.report

    def valid_annotations(self) -> list[Annotation]:
        """Every annotation, when the whole input is valid; otherwise `InvalidInputError` with the report.

        The one place where "validate first, then refuse" lives: agreement, adjudication and releases use it.
        """
        found = list(self.annotations())
        if not self.report.valid:
            errors = sum(1 for i in self.report.issues if i.severity == "error")
            raise InvalidInputError(
                f"the input does not validate ({errors} error(s)): nothing done", self.report
            )
        return found

    def registered(self, role: str | None = None) -> set[str]:
        """Ids registered (with `role`, when given) in the registries this run read."""
        return {
            who
            for registry in self.index.registries.values()
            if registry is not None
            for who, roles in registry.roles.items()
            if role is None or role in roles
        }


def validate(
    paths: Iterable[str | Path],
    *,
    schema_dir: Path | str | None = None,
    registry: Path | str | None = None,
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
) -> Report:
    """Validate annotation files and folders; return a `Report` of every finding. A record (a `.json` file or
    a JSONL line) larger than `max_record_bytes` is a `record.too-large` finding, never read whole.

    Raises `UsageError` for paths that do not exist or a broken schema set, `ToolkitEnvironmentError` for
    files that cannot be read.
    """
    return Validation(paths, schema_dir, registry, max_record_bytes=max_record_bytes).run()
