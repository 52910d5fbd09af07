"""`validate(paths) -> Report`: every finding in every file, at once.

With a project configuration (`config=nklabor.config.load()`), the files are those it selects, and when only
some annotation files of a corpus are given, the rules across files also consult the corpus's other files:
a changed file never hides a duplicate or a text-hash conflict with a file that was not given.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from ..config import Config
from ..errors import InvalidInputError, UsageError
from ..report import Issue, Report
from ..schema import SchemaSet, load_schemas
from . import semantic, structural
from .crossfile import CrossFileIndex, nearest_registry
from .discovery import REGISTRY_NAME, SUFFIXES, Found, Selection, SourceFile, corpus, select, shown
from .fast import FastPath
from .reading import DEFAULT_MAX_RECORD_BYTES, UNREAD, Record, finish, iter_records, iter_stream, too_deep

STDIN_NAME = "<stdin>"
"""The file name findings in standard input carry when no name is given for it."""


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


class Validation:
    """One validation run. Iterate `annotations()` to stream the valid ones, then read `report`.

    `config` (a `nklabor.config.Config`) brings its file selection, registry and record cap (explicit
    arguments win), the configured roots when no path is given, and the consultation of the other files of a
    corpus; `force_exclude` applies its selection to named files too. `stdin` is read as the one file
    `stdin_filename` (its suffix decides between one JSON value and JSONL; its folder, the registry).
    `fast=False` reads and checks every record the detailed way (`validation.fast` says why the report is
    the same either way; the tests hold the two to it).
    """

    def __init__(
        self,
        paths: Iterable[str | Path] = (),
        schema_dir: Path | str | None = None,
        registry: Path | str | None = None,
        *,
        max_record_bytes: int | None = None,
        config: Config | None = None,
        force_exclude: bool = False,
        stdin: BinaryIO | None = None,
        stdin_filename: str | None = None,
        fast: bool = True,
    ) -> None:
        if max_record_bytes is None:
            max_record_bytes = config.max_record_bytes if config is not None else DEFAULT_MAX_RECORD_BYTES
        if max_record_bytes < 1:
            raise UsageError(f"a record cap of {max_record_bytes} bytes cannot hold any record")
        if registry is None and config is not None and config.registry is not None:
            registry = shown(config.registry)  # findings name it as the user would
        self.max_record_bytes = max_record_bytes
        self.schemas = load_schemas(schema_dir)
        fast_path = FastPath(self.schemas) if fast else None
        self.fast = fast_path if fast_path is not None and fast_path.enabled else None
        selection = Selection.of(config) if config is not None else None
        given = [Path(p) for p in paths]
        if stdin is not None:
            found = _stdin_source(given, stdin, stdin_filename, selection, force_exclude)
        else:
            if not given and config is not None:
                given = [Path(shown(r)) for r in config.roots]
            found = select(given, selection, force_exclude=force_exclude)
        self.files = found.files
        self.report = Report(issues=found.issues, skipped=found.skipped)
        unread = frozenset(
            Path(i.file).parent.resolve() / Path(i.file).name
            for i in found.issues
            if i.code in ("path.symlink", "path.not-regular-file")
        )
        self.index = CrossFileIndex(self.schemas, Path(registry) if registry is not None else None, unread)
        # Without configured roots a file's corpus is the folder of the registry above it (not an override).
        self.consulted = (
            corpus(selection, self.files, lambda p: nearest_registry(p.parent)) if selection else []
        )
        """The other files of the corpus that the rules across files consult."""

    def annotations(self) -> Iterator[Annotation]:
        """Read every file; yield each annotation that has no finding of its own (cross-file findings come at
        the end, in `report`). Registries given come first, then the consulted files, so that findings land
        on the files asked about."""
        for source in self.files:
            if source.is_registry:
                yield from self._file(source)
        self._consult()
        for source in self.files:
            if not source.is_registry:
                yield from self._file(source)
        self.report.issues.extend(self.index.issues)
        self.report.sort()

    def _consult(self) -> None:
        given = frozenset(s.path.parent.resolve() / s.path.name for s in self.files if s.is_registry)
        for source in self.consulted:
            self.report.consulted += 1
            records = iter_records(
                source.path, source.display, max_record_bytes=self.max_record_bytes, deferred=bool(self.fast)
            )
            for record in records:
                if record.deferred and self.fast is not None:
                    data = self.fast.read(record.source)
                    if data is not UNREAD:
                        record.data, record.ok, record.deferred = data, True, False
                    else:
                        finish(record)
                if record.ok:
                    self.index.consult(record, source.path, given)

    def _file(self, source: SourceFile) -> Iterator[Annotation]:
        self.report.files += 1
        self.report.sources.append(source.display)
        if source.is_registry:
            self.index.check_registry_file(source.path, source.display)
            return
        deferred = self.fast is not None
        if source.stream is not None:
            records = iter_stream(
                source.stream,
                source.display,
                jsonl=source.path.suffix.lower() == ".jsonl",
                max_record_bytes=self.max_record_bytes,
                deferred=deferred,
            )
        else:
            records = iter_records(
                source.path, source.display, max_record_bytes=self.max_record_bytes, deferred=deferred
            )
        for record in records:
            self.report.records += 1
            found = self._check(record)
            if found is None:
                self.report.issues.extend(record.issues)
                continue
            self.report.issues.extend(found)
            self.index.add(record, source.path, frozenset(i.path for i in found))
            if not any(i.severity == "error" for i in found):
                yield Annotation(record.file, record.line, record.data)

    def _check(self, record: Record) -> list[Issue] | None:
        """The findings of one record, or None when it could not be read (its findings are in
        `record.issues`)."""
        if record.deferred and self.fast is not None:
            data = self.fast.accept(record.source)
            if data is not None:
                record.data, record.ok, record.deferred = data, True, False
                return []
            finish(record)
        if not record.ok:
            return None
        return check_record(record, self.schemas)

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


def _stdin_source(
    paths: list[Path],
    stream: BinaryIO,
    name: str | None,
    selection: Selection | None,
    force_exclude: bool,
) -> Found:
    """Standard input as the one file to read, named `name`."""
    if paths:
        raise UsageError("standard input is read alone, not together with other paths")
    path = Path(name) if name else Path(STDIN_NAME)
    if name is not None and path.suffix.lower() not in SUFFIXES:
        raise UsageError(f"{name}: not a .json or .jsonl file name")
    if path.name == REGISTRY_NAME:
        raise UsageError(f"{name}: a registry is read from its file, not from standard input")
    if force_exclude and selection is not None and name and not selection.admits(path):
        return Found([], [], skipped=1)
    return Found([SourceFile(path, str(name or STDIN_NAME), stream)], [])


def validate(
    paths: Iterable[str | Path] = (),
    *,
    schema_dir: Path | str | None = None,
    registry: Path | str | None = None,
    max_record_bytes: int | None = None,
    config: Config | None = None,
    force_exclude: bool = False,
    stdin: BinaryIO | None = None,
    stdin_filename: str | None = None,
    fast: bool = True,
) -> Report:
    """Validate annotation files and folders; return a `Report` of every finding. A record (a `.json` file or
    a JSONL line) larger than `max_record_bytes` (default 16 MiB) is a `record.too-large` finding, never read
    whole. `config`, `force_exclude`, `stdin` and `fast` are those of `Validation`.

    Raises `UsageError` for paths that do not exist or a broken schema set, `ToolkitEnvironmentError` for
    files that cannot be read.
    """
    return Validation(
        paths,
        schema_dir,
        registry,
        max_record_bytes=max_record_bytes,
        config=config,
        force_exclude=force_exclude,
        stdin=stdin,
        stdin_filename=stdin_filename,
        fast=fast,
    ).run()
