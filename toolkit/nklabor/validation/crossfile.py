"""Rules across files: the annotator registry, one annotation per (document, annotator), one text per
document."""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from ..report import Issue, short
from ..schema import REGISTRY, SchemaSet
from ..spill import Spill
from . import jsonpath, structural
from .discovery import REGISTRY_NAME
from .locate import SourceMap
from .reading import Record, iter_records, read_source

PERSONAL_KEYS = frozenset(
    {
        "name",
        "full_name",
        "first_name",
        "last_name",
        "surname",
        "email",
        "e-mail",
        "mail",
        "phone",
        "telephone",
        "address",
        "real_name",
    }
)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@dataclass
class Registry:
    """The annotator ids of one annotators.json and the roles each may sign with. `read` is false when the
    file
    could not be read as a registry at all (a symlink, a FIFO, broken JSON): then no id is judged by it."""

    file: str
    roles: dict[str, set[str]] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    read: bool = False


def load_registry(path: Path, schemas: SchemaSet, display: str | None = None) -> Registry:
    """Read and check one annotators.json. A symlink is reported and never followed."""
    registry = Registry(display or str(path))
    for record in iter_records(path, registry.file):
        registry.issues.extend(record.issues)
        if record.ok:
            registry.read = True
            _check_registry(record, schemas, registry)
    return registry


def _check_registry(record: Record, schemas: SchemaSet, registry: Registry) -> None:
    personal: set[str] = set()
    stack: list[tuple[Any, str]] = [(record.data, "$")]
    while stack:
        node, path = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                member = jsonpath.child(path, key)
                if key.casefold() in PERSONAL_KEYS:
                    personal.add(member)
                    registry.issues.append(
                        record.issue(
                            "registry.personal-data",
                            member,
                            f"{short(key)}: the registry holds pseudonymous ids only",
                            key=True,
                        )
                    )
                else:
                    stack.append((value, member))
        elif isinstance(node, list):
            stack.extend((v, jsonpath.child(path, i)) for i, v in enumerate(node))
        elif isinstance(node, str) and _EMAIL.search(node):
            personal.add(path)
            registry.issues.append(
                record.issue(
                    "registry.personal-data",
                    path,
                    "an e-mail address: the registry holds pseudonymous ids only",
                )
            )
    for finding in structural.check(record.data, schemas, REGISTRY):
        if finding.path not in personal:
            registry.issues.append(
                record.issue(finding.code, finding.path, finding.message, key=finding.at_key)
            )
    entries = record.data.get("annotators") if isinstance(record.data, dict) else None
    for i, entry in enumerate(entries if isinstance(entries, list) else []):
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            continue
        roles = entry.get("roles")
        role_set = {r for r in roles if isinstance(r, str)} if isinstance(roles, list) else set()
        if entry["id"] in registry.roles:
            registry.issues.append(
                record.issue(
                    "registry.duplicate-id",
                    f"$.annotators[{i}].id",
                    f"{short(entry['id'])} is listed twice",
                )
            )
        registry.roles.setdefault(entry["id"], set()).update(role_set)


Fact = tuple[str | None, str | None, str | None, str | None, bool]
"""What the rules across files need from one annotation: its document id, annotator, role and text hash
(each None unless a string), and whether its annotator is to be checked against the registry."""


def fact_of(data: Any, check_annotator: bool = True) -> Fact | None:
    """The `Fact` of one parsed record, or None when it is not an object."""
    if not isinstance(data, dict):
        return None
    doc = data.get("document")
    doc_id = doc.get("id") if isinstance(doc, dict) else None
    digest = doc.get("text_sha256") if isinstance(doc, dict) else None
    annotator, role = data.get("annotator"), data.get("role")
    return (
        doc_id if isinstance(doc_id, str) else None,
        annotator if isinstance(annotator, str) else None,
        role if isinstance(role, str) else None,
        digest if isinstance(digest, str) else None,
        check_annotator,
    )


class Where(NamedTuple):
    """Where a record is: the number of its file in the run (`CrossFileIndex.file`), its line, and its bytes
    (`reading.Record.offset`, length), from which a finding about it is located once it is known."""

    file: int
    line: int
    offset: int
    length: int


class _Row(NamedTuple):
    """One annotation with a document id, in the order the run read it (`seq`)."""

    doc: str
    seq: int
    file: int
    line: int
    offset: int
    length: int
    annotator: str | None
    digest: str | None
    consulted: bool


_UNSEEN = object()
SPILL_ROWS = 5_000
"""Rows kept in memory before the index moves them to a temporary SQLite file (flat memory for any input).
Few, for the reason of `nklabor.release.index.SPILL_ROWS`, at about 5% of the time of a run of 20,000
records (which 50,000 kept in memory)."""


_COLUMNS = (
    "doc TEXT",
    "seq INTEGER",
    "file INTEGER",
    "line INTEGER",
    "offset INTEGER",
    "length INTEGER",
    "annotator TEXT",
    "digest TEXT",
    "consulted INTEGER",
)


def _row(stored: tuple[Any, ...]) -> _Row:
    return _Row._make((*stored[:8], bool(stored[8])))


class _Rows:
    """The rows of the index: a list, then a temporary SQLite database once there are more than
    `SPILL_ROWS`, so that memory does not grow with the input. `grouped()` gives the documents that appear
    more than once, each with its rows in reading order."""

    def __init__(self) -> None:
        self.rows: Spill[_Row] = Spill("nklabor-index-", _COLUMNS, _row)

    def add(self, row: _Row) -> None:
        self.rows.add(row, SPILL_ROWS)

    def grouped(self) -> Iterator[list[_Row]]:
        for _, rows in itertools.groupby(self.rows.ordered(), key=lambda r: r.doc):
            group = list(rows)
            if len(group) > 1:
                yield group

    def close(self) -> None:
        self.rows.close()  # the index is done with: its rows are not kept for the rest of a build


class _Pending(NamedTuple):
    """A finding about a record whose bytes are gone: located at the end (`CrossFileIndex.finish`)."""

    where: Where
    code: str
    path: str
    message: str


class CrossFileIndex:
    """Collects what each annotation says about its document and annotator (`note`), checks each annotator
    against its registry as it comes, and the rules across annotations at the end (`finish`).

    Memory stays flat: per annotation it keeps one compact row (in a temporary SQLite file past
    `SPILL_ROWS`), and a finding is located by reading its record again, once it is known."""

    def __init__(
        self,
        schemas: SchemaSet,
        registry_path: Path | None = None,
        already_reported: frozenset[Path] = frozenset(),
        *,
        predictions: bool = False,
    ) -> None:
        self.schemas = schemas
        self.predictions = predictions  # a model's output: no registry, one prediction per document
        # A symlinked override is kept as given, so that it is reported instead of followed.
        self.override = _absolute(registry_path) if registry_path is not None else None
        self.override_display = str(registry_path) if registry_path is not None else None
        self.already_reported = already_reported
        self.registries: dict[Path, Registry | None] = {}
        self.governing: dict[Path, Path | None] = {}
        self.reported: set[Path] = set()
        self.issues: list[Issue] = []
        self.files: list[tuple[Path, str, Callable[[int, int], bytes]]] = []
        self._rows = _Rows()
        self._pending: list[_Pending] = []
        self._seq = 0
        self._judges: dict[Path, Registry | object | None] = {}

    def registry_file(self, path: Path) -> Path | None:
        """The registry that governs `path`: the override, or the nearest annotators.json above it."""
        if self.override is not None:
            return self.override
        if path not in self.governing:  # once per file, not once per JSONL record
            self.governing[path] = nearest_registry(path.parent)
        return self.governing[path]

    def registry(self, file: Path | None, display: str | None = None) -> Registry | None:
        if file is None:
            return None
        if file not in self.registries:
            self.registries[file] = load_registry(file, self.schemas, display)
        return self.registries[file]

    def check_registry_file(self, path: Path, display: str) -> None:
        """Report the findings of a registry file named on the command line or met while walking."""
        key = path if path in self.reported else _absolute(path)
        registry = self.registry(key, display)
        if registry is not None and key not in self.reported:
            self.reported.add(key)
            if key not in self.already_reported:
                self.issues.extend(registry.issues)

    def file(self, path: Path, display: str, read: Callable[[int, int], bytes] | None = None) -> int:
        """The number of a file in this run; `read(offset, length)` gives its bytes back (default: from
        `path`)."""
        self.files.append((path, display, read or (lambda offset, length: read_source(path, offset, length))))
        return len(self.files) - 1

    def note(
        self,
        where: Where,
        fact: Fact,
        *,
        consulted: bool = False,
        given_registries: frozenset[Path] = frozenset(),
    ) -> None:
        """Note one annotation read at `where`. For a `consulted` one (of a file not asked about) nothing is
        reported, except that when the registry governing it is one of the `given_registries`, its
        annotator is checked against that registry."""
        doc_id, annotator, role, digest, check = fact
        if annotator is not None and check and not (self.predictions and not consulted):
            source = self.files[where.file][0]
            if not consulted or (given_registries and self.registry_file(source) in given_registries):
                self._check_annotator(where, source, annotator, role)
        if doc_id is not None:
            if self.predictions and not consulted and annotator is not None:
                annotator = ""  # predictions have no annotator to tell apart: one prediction per document
            self._seq += 1
            self._rows.add(_Row(doc_id, self._seq, *where, annotator, digest, consulted))

    def _check_annotator(self, where: Where, source: Path, annotator: str, role: str | None) -> None:
        # What governs a file is settled at its first record (reported once): the rest only look it up.
        registry = self._judges.get(source, _UNSEEN)
        if registry is _UNSEEN:
            registry = self._judges[source] = self._judge(where, source)
        if not isinstance(registry, Registry):
            return
        if annotator not in registry.roles:
            message = f"{short(annotator)} is not registered in {registry.file}"
            self._pending.append(_Pending(where, "annotator.unregistered", "$.annotator", message))
        elif role is not None and role not in registry.roles[annotator]:
            message = f"{short(annotator)} is not registered as {role}"
            self._pending.append(_Pending(where, "annotator.role-not-granted", "$.role", message))

    def _judge(self, where: Where, source: Path) -> Registry | None:
        """The registry that judges the annotators of `source`, or None (reported once: no registry)."""
        file = self.registry_file(source)
        if file is None:
            folder = str(source.parent)
            marker = Path(folder)
            if marker not in self.reported:
                self.reported.add(marker)
                self.issues.append(
                    Issue(
                        self.files[where.file][1],
                        where.line,
                        None,
                        "$.annotator",
                        "registry.missing",
                        f"no {REGISTRY_NAME} in {folder} or any parent folder",
                    )
                )
            return None
        registry = self.registry(file, self.override_display if file == self.override else None)
        if registry is None:
            return None
        self.check_registry_file(file, registry.file)
        if not registry.read:
            return None  # its own finding says why; judging ids by it would only add noise
        return registry

    def finish(self) -> list[Issue]:
        """The rules across annotations (one per document and annotator, one text per document), every
        finding located; then the index is emptied. Returns every finding of the index."""
        try:
            for group in self._rows.grouped():
                self._pending.extend(self._group(group))
        finally:
            self._rows.close()
        self.issues.extend(self._locate(self._pending))
        self._pending = []
        return self.issues

    def _group(self, rows: list[_Row]) -> Iterator[_Pending]:
        """The findings about the annotations of one document, `rows` in reading order: the consulted ones
        are only looked up, a given one is checked against every one before it."""
        by_annotator: dict[str, _Row] = {}
        first: _Row | None = None  # the first given annotation with a text hash
        consulted_pairs: dict[str, _Row] = {}
        consulted_hashes: dict[str, _Row] = {}
        for row in rows:
            if row.consulted:
                if row.annotator is not None:
                    consulted_pairs.setdefault(row.annotator, row)
                if row.digest is not None:
                    consulted_hashes.setdefault(row.digest, row)
                continue
            where = Where(row.file, row.line, row.offset, row.length)
            if row.annotator is not None:
                prior = by_annotator.get(row.annotator) or consulted_pairs.get(row.annotator)
                if prior is None:
                    by_annotator[row.annotator] = row
                else:
                    seen = f"{self.files[prior.file][1]}:{prior.line}"
                    if self.predictions:
                        path, message = (
                            "$.document.id",
                            f"a prediction of {short(row.doc)} is already in {seen}",
                        )
                    else:
                        path, message = (
                            "$.annotator",
                            f"{short(row.annotator)} already annotated {short(row.doc)} in {seen}",
                        )
                    yield _Pending(where, "annotation.duplicate", path, message)
            if row.digest is None:
                continue
            other = first
            if first is None:
                first = row
            if other is None or other.digest == row.digest:
                # a consulted file that disagrees: one is enough to name
                other = next((s for h, s in consulted_hashes.items() if h != row.digest), None)
            if other is not None and other.digest != row.digest:
                message = (
                    f"{short(row.doc)} has another text hash in "
                    f"{self.files[other.file][1]}:{other.line}: the texts differ"
                )
                yield _Pending(where, "document.hash-conflict", "$.document.text_sha256", message)

    def _locate(self, pending: list[_Pending]) -> Iterator[Issue]:
        """Each finding at its line and column: every record concerned is read again, once."""
        ordered = sorted(pending, key=lambda p: (p.where.file, p.where.offset))
        for where, group in itertools.groupby(ordered, key=lambda p: p.where):
            _, display, read = self.files[where.file]
            smap = SourceMap.build(read(where.offset, where.length), where.line)
            for item in group:
                line, column = smap.position(item.path)
                yield Issue(display, line, column, item.path, item.code, item.message)


def nearest_registry(folder: Path) -> Path | None:
    """The `annotators.json` that governs files in `folder`: the nearest one in it or above it. A symlinked or
    otherwise unreadable one still governs (lexists), so that it is reported rather than skipped."""
    here = folder.resolve()
    return next(
        (c / REGISTRY_NAME for c in (here, *here.parents) if os.path.lexists(c / REGISTRY_NAME)),
        None,
    )


def _absolute(path: Path) -> Path:
    """`path` made absolute through its folder only: a symlink at the end stays a symlink."""
    return path.parent.resolve() / path.name
