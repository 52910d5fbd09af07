"""`validate(paths) -> Report`: every finding in every file, at once.

With a project configuration (`config=nklabor.config.load()`), the files are those it selects, and when only
some annotation files of a corpus are given, the rules across files also consult the corpus's other files:
a changed file never hides a duplicate or a text-hash conflict with a file that was not given.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from .. import workers as pool
from ..config import Config
from ..errors import InvalidInputError, UsageError
from ..report import Issue, Report
from ..schema import SchemaSet, load_schemas
from . import semantic, structural
from .crossfile import CrossFileIndex, Fact, Where, fact_of, nearest_registry
from .discovery import REGISTRY_NAME, SUFFIXES, Found, Selection, SourceFile, corpus, select, shown
from .fast import FastPath
from .reading import (
    DEFAULT_MAX_RECORD_BYTES,
    UNREAD,
    Record,
    Spool,
    finish,
    iter_part,
    iter_records,
    jsonl_parts,
    too_deep,
)

STDIN_NAME = "<stdin>"
"""The file name findings in standard input carry when no name is given for it."""

PARALLEL_MIN_BYTES = 16 << 20
"""Below this many bytes of files to read, one process reads them all: starting workers would cost more."""
PART_BYTES = (1 << 20, 8 << 20)
"""The smallest and largest part a JSONL file is split into for the workers."""
default_workers = pool.default_workers


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
    """A valid annotation and where it came from: `data` is the annotation, or what the run's `extract`
    made of it; `path`, `offset` and `length` say where its bytes are, to read it again."""

    file: str
    line: int
    data: Any
    path: Path | None = None
    offset: int = 0
    length: int = 0

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

    `config` (a `nklabor.config.Config`) brings its file selection, registry and record cap (explicit
    arguments win), the configured roots when no path is given, and the consultation of the other files of a
    corpus; `force_exclude` applies its selection to named files too. `stdin` is read as the one file
    `stdin_filename` (its suffix decides between one JSON value and JSONL; its folder, the registry).
    `workers` (default 1) reads the files in that many processes when they hold at least
    `PARALLEL_MIN_BYTES`: files are spread over them and large JSONL files split by byte ranges at line
    breaks; the report, and the order of the annotations, are those of one process. `fast=False` reads and
    checks every record the detailed way (`validation.fast` says why the report is the same either way; the
    tests hold the two to it).

    With `predictions=True` the records are a model's predictions: `annotator`, `role` and `annotated_at` may
    be left out (placeholders stand in, `PREDICTION_FIELDS`), no annotator registry is consulted, and a
    document may be predicted once; every other rule of the schema and the codebook applies.

    `extract` (a module-level function, so that it can travel to a worker) turns each valid annotation into
    what `annotations()` yields as its `data`, in the process that read it: a caller that needs a summary
    of each annotation (the release build's index) then never moves whole annotations between processes.
    `executor` (anything with `submit(fn, *args)`, such as a Dask client) runs the parts instead of a pool
    of `workers` processes, whatever the size of the input."""

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
        workers: int = 1,
        predictions: bool = False,
        extract: Callable[[dict[str, Any]], Any] | None = None,
        executor: pool.Executor | None = None,
    ) -> None:
        if max_record_bytes is None:
            max_record_bytes = config.max_record_bytes if config is not None else DEFAULT_MAX_RECORD_BYTES
        if max_record_bytes < 1:
            raise UsageError(f"a record cap of {max_record_bytes} bytes cannot hold any record")
        if workers < 1:
            raise UsageError(f"{workers} workers cannot read anything: at least 1")
        if registry is None and config is not None and config.registry is not None:
            registry = shown(config.registry)  # findings name it as the user would
        self.max_record_bytes = max_record_bytes
        self.schema_dir = schema_dir
        self.schemas = load_schemas(schema_dir)
        self.settings = Settings(schema_dir, max_record_bytes, fast, predictions, extract)
        self.checker = Checker(self.settings)
        self.fast = self.checker.fast
        self.workers = workers
        self.executor = executor
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
        self.predictions = predictions
        self.index = CrossFileIndex(
            self.schemas, Path(registry) if registry is not None else None, unread, predictions=predictions
        )
        # Without configured roots a file's corpus is the folder of the registry above it (not an override).
        self.consulted = (
            corpus(selection, self.files, lambda p: nearest_registry(p.parent)) if selection else []
        )
        """The other files of the corpus that the rules across files consult."""
        self.parallel = False
        """Whether the last run used worker processes (set once `annotations()` has started)."""

    def annotations(self) -> Iterator[Annotation]:
        """Read every file; yield each annotation that has no finding of its own (cross-file findings come at
        the end, in `report`). Registries given come first, then the consulted files, so that findings land
        on the files asked about."""
        return self._stream(keep=True)

    def _stream(self, keep: bool) -> Iterator[Annotation]:
        """`annotations()`; without `keep`, nothing is yielded and workers do not hand the annotations back
        (only the report is wanted)."""
        self._lines: dict[int, int] = {}  # lines read so far of each file (for the parts of a split file)
        spools: list[Spool] = []
        try:
            for source in self.files:
                if source.is_registry:
                    self._registry(source)
            given = frozenset(s.path.parent.resolve() / s.path.name for s in self.files if s.is_registry)
            parts = self._parts(spools)
            for part, results in self._checked(parts, keep):
                yield from self._take(part, results, given, keep)
            self.report.issues.extend(self.index.finish())
        finally:
            for spool in spools:
                spool.close()
        self.report.sort()

    def _registry(self, source: SourceFile) -> None:
        self.report.files += 1
        self.report.sources.append(source.display)
        self.index.check_registry_file(source.path, source.display)

    def _parts(self, spools: list[Spool]) -> list[Part]:
        """The work, in reading order: the consulted files, then the given ones; a large JSONL file in
        parts."""
        sources = [(s, True) for s in self.consulted] + [(s, False) for s in self.files if not s.is_registry]
        total = sum(_size(s) for s, _ in sources)
        self.parallel = self.executor is not None or (self.workers > 1 and total >= PARALLEL_MIN_BYTES)
        target = self._target = min(max(total // (self.workers * 8), PART_BYTES[0]), PART_BYTES[1])
        parts: list[Part] = []
        for source, consult in sources:
            if source.stream is not None:
                spool = Spool(
                    source.stream,
                    source.display,
                    jsonl=source.path.suffix.lower() == ".jsonl",
                    max_record_bytes=self.max_record_bytes,
                )
                spools.append(spool)
                file = self.index.file(source.path, source.display, spool.read)
                parts.append(Part(file, source.path, source.display, consult=consult, spool=spool))
                continue
            file = self.index.file(source.path, source.display)
            ranges = (
                jsonl_parts(source.path, target)
                if self.parallel and source.path.suffix.lower() == ".jsonl"
                else None
            )
            whole: list[tuple[int, int | None]] = [(0, None)]
            for start, end in ranges or whole:
                size = (end - start) if end is not None else _size(source)
                parts.append(Part(file, source.path, source.display, start, end, consult, size))
        return parts

    def _checked(self, parts: list[Part], keep: bool) -> Iterator[tuple[Part, Iterable[Checked]]]:
        """Each part with its records checked, in order: here, or in worker processes when `parallel`
        (standard input is always read here)."""
        if not self.parallel:
            for part in parts:
                yield part, self.checker.check(part, keep)
            return
        own = pool.process_pool(self.workers) if self.executor is None else None
        executor = own if own is not None else self.executor
        assert executor is not None
        try:
            batches = pool.ordered(
                executor,
                check_parts,
                _batches(parts, self._target),
                (self.settings, keep),
                workers=self.workers,
                here=lambda batch: batch[0].spool is not None,
            )
            for batch, results in batches:
                yield from zip(batch, results, strict=True)
        finally:
            if own is not None:
                own.shutdown(wait=True, cancel_futures=True)

    def _take(
        self, part: Part, results: Iterable[Checked], given: frozenset[Path], keep: bool
    ) -> Iterator[Annotation]:
        """Add what the records of one part say to the report and the index, in order; yield the valid
        annotations (when `keep`). Lines of a part after the first of its file are shifted by the lines
        before it."""
        if part.start == 0:
            self._lines[part.file] = 0
            if part.consult:
                self.report.consulted += 1
            else:
                self.report.files += 1
                self.report.sources.append(part.display)
        base = self._lines.get(part.file, 0)
        count = 0
        for checked in results:
            count += 1
            line = checked.line + base
            issues = checked.issues if not base else [_shifted(i, base) for i in checked.issues]
            if part.consult:
                if checked.fact is not None:
                    where = Where(part.file, line, checked.offset, checked.length)
                    self.index.note(where, checked.fact, consulted=True, given_registries=given)
                continue
            self.report.records += 1
            self.report.issues.extend(issues)
            if checked.fact is not None:
                self.index.note(Where(part.file, line, checked.offset, checked.length), checked.fact)
            if checked.valid and keep:
                yield Annotation(part.display, line, checked.data, part.path, checked.offset, checked.length)
        self._lines[part.file] = base + count

    def run(self) -> Report:
        """Validate everything, keeping nothing but the report."""
        for _ in self._stream(keep=False):
            pass
        return self.report

    def valid_annotations(self) -> list[Annotation]:
        """Every annotation, when the whole input is valid; otherwise `InvalidInputError` with the report.

        The one place where "validate first, then refuse" lives: agreement, adjudication and releases use it.
        """
        found = list(self.annotations())
        self.refuse_invalid()
        return found

    def refuse_invalid(self) -> None:
        """`InvalidInputError` with the report when the input read so far has an error (call it once
        `annotations()` is exhausted, before acting on what it gave)."""
        if not self.report.valid:
            errors = sum(1 for i in self.report.issues if i.severity == "error")
            raise InvalidInputError(
                f"the input does not validate ({errors} error(s)): nothing done", self.report
            )

    def registered(self, role: str | None = None) -> set[str]:
        """Ids registered (with `role`, when given) in the registries this run read."""
        return {
            who
            for registry in self.index.registries.values()
            if registry is not None
            for who, roles in registry.roles.items()
            if role is None or role in roles
        }


def _shifted(issue: Issue, base: int) -> Issue:
    return dataclasses.replace(issue, line=issue.line + base) if issue.line is not None else issue


def _size(source: SourceFile) -> int:
    try:
        return 0 if source.stream is not None else os.lstat(source.path).st_size
    except OSError:
        return 0


@dataclass(frozen=True)
class Part:
    """A piece of the work: all of one file (`end` None), or its bytes [start, end) (a JSONL file), read
    to check (or only to consult, for the rules across files); `spool` holds standard input."""

    file: int
    path: Path
    display: str
    start: int = 0
    end: int | None = None
    consult: bool = False
    size: int = 0
    spool: Spool | None = dataclasses.field(default=None, compare=False)


class Checked(NamedTuple):
    """What a run keeps of one record: where it is, its own findings, its `Fact` for the rules across files,
    and whether it is a valid annotation (`data`, when asked for)."""

    line: int
    offset: int
    length: int
    issues: list[Issue]
    fact: Fact | None
    valid: bool
    data: Any


class Settings(NamedTuple):
    """How a run reads and checks records: what a worker needs to build the same `Checker`."""

    schema_dir: Path | str | None
    max_record_bytes: int
    fast: bool
    predictions: bool = False
    extract: Callable[[dict[str, Any]], Any] | None = None


class Checker:
    """Reads and checks records, one part at a time: in the run's process or in a worker (each has one)."""

    def __init__(self, settings: Settings) -> None:
        self.schemas = load_schemas(settings.schema_dir)
        self.max_record_bytes = settings.max_record_bytes
        self.predictions = settings.predictions
        self.extract = settings.extract
        fast_path = FastPath(self.schemas) if settings.fast else None
        self.fast = fast_path if fast_path is not None and fast_path.enabled else None

    def records(self, part: Part) -> Iterator[Record]:
        deferred = self.fast is not None
        cap = self.max_record_bytes
        if part.spool is not None:
            return part.spool.records(deferred=deferred)
        if part.end is None:
            return iter_records(part.path, part.display, max_record_bytes=cap, deferred=deferred)
        return iter_part(
            part.path, part.display, part.start, part.end, max_record_bytes=cap, deferred=deferred
        )

    def check(self, part: Part, keep: bool) -> Iterator[Checked]:
        """One `Checked` per record of `part`, in order (`data` only when `keep`)."""
        for record in self.records(part):
            if part.consult:
                yield self._consulted(record)
                continue
            found = self._check(record)
            length = len(record.source)
            if found is None:
                yield Checked(record.line, record.offset, length, record.issues, None, False, None)
                continue
            fact = fact_of(record.data, all(i.path != "$.annotator" for i in found))
            valid = all(i.severity != "error" for i in found)
            data = None
            if keep and valid:
                data = record.data if self.extract is None else self.extract(record.data)
            yield Checked(record.line, record.offset, length, found, fact, valid, data)

    def _consulted(self, record: Record) -> Checked:
        if record.deferred and self.fast is not None:
            data = self.fast.read(record.source)
            if data is not UNREAD:
                record.data, record.ok, record.deferred = data, True, False
            else:
                finish(record)
        fact = fact_of(record.data) if record.ok else None
        return Checked(record.line, record.offset, len(record.source), [], fact, False, None)

    def _check(self, record: Record) -> list[Issue] | None:
        """The findings of one record, or None when it could not be read (its findings are in
        `record.issues`)."""
        if record.deferred and self.fast is not None:
            data = self.fast.accept(record.source, fill_prediction_fields if self.predictions else None)
            if data is not None:
                record.data, record.ok, record.deferred = data, True, False
                return []
            finish(record)
        if not record.ok:
            return None
        if self.predictions:
            fill_prediction_fields(record.data)
        return check_record(record, self.schemas)


def check_parts(settings: Settings, keep: bool, parts: list[Part]) -> list[list[Checked]]:
    """The records of `parts` checked, in a worker (its `Checker` is made once per process)."""
    checker = pool.cached(("checker", settings), lambda: Checker(settings))
    return [list(checker.check(part, keep)) for part in parts]


def _batches(parts: list[Part], target: int) -> Iterator[list[Part]]:
    """The parts in order, small ones (files) together up to about `target` bytes, so that a corpus of
    many small files does not pay a round trip to a worker per file; standard input alone."""
    batch: list[Part] = []
    size = 0
    for part in parts:
        if part.spool is not None or (batch and size + part.size > target):
            if batch:
                yield batch
            batch, size = [], 0
        if part.spool is not None:
            yield [part]
            continue
        batch.append(part)
        size += part.size
    if batch:
        yield batch


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
    workers: int = 1,
) -> Report:
    """Validate annotation files and folders; return a `Report` of every finding. A record (a `.json` file or
    a JSONL line) larger than `max_record_bytes` (default 16 MiB) is a `record.too-large` finding, never read
    whole. `config`, `force_exclude`, `stdin`, `fast` and `workers` are those of `Validation`.

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
        workers=workers,
    ).run()
