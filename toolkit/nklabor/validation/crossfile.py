"""Rules across files: the annotator registry, one annotation per (document, annotator), one text per
document."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..report import Issue, short
from ..schema import REGISTRY, SchemaSet
from . import jsonpath, structural
from .discovery import REGISTRY_NAME
from .reading import Record, iter_records

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


@dataclass(slots=True)
class _Seen:
    """Where a (document, annotator) was first seen; one per record, so kept small."""

    file: str
    line: int
    hash: Any


class CrossFileIndex:
    """Collects what each annotation says about its document and annotator, then checks the rules at the
    end."""

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
        self.by_doc_annotator: dict[tuple[str, str], _Seen] = {}
        self.first_by_doc: dict[str, _Seen] = {}
        # What the consulted files (not asked about) say: the given files are checked against it.
        self.consulted_pairs: dict[tuple[str, str], _Seen] = {}
        self.consulted_hashes: dict[str, dict[str, _Seen]] = {}
        self.issues: list[Issue] = []

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

    def consult(self, record: Record, source: Path, given_registries: frozenset[Path] = frozenset()) -> None:
        """Note an annotation of a file that was not asked about, so that the given files are checked against
        it: nothing is reported about it, except that when the registry governing it is one of the
        `given_registries`, its annotator is checked against that registry."""
        data = record.data
        if not isinstance(data, dict):
            return
        doc = data.get("document")
        doc_id = doc.get("id") if isinstance(doc, dict) else None
        annotator = data.get("annotator")
        if isinstance(annotator, str) and given_registries:
            governing = self.registry_file(source)
            if governing is not None and governing in given_registries:
                self._check_annotator(record, source, annotator, data.get("role"))
        if not isinstance(doc_id, str):
            return
        seen = _Seen(record.file, record.line, doc.get("text_sha256") if isinstance(doc, dict) else None)
        if isinstance(annotator, str):
            self.consulted_pairs.setdefault((doc_id, annotator), seen)
        if isinstance(seen.hash, str):
            self.consulted_hashes.setdefault(doc_id, {}).setdefault(seen.hash, seen)

    def add(self, record: Record, source: Path, flagged: frozenset[str] = frozenset()) -> None:
        """Note one parsed annotation; `flagged` holds the paths that already have a finding."""
        data = record.data
        if not isinstance(data, dict):
            return
        doc = data.get("document")
        doc_id = doc.get("id") if isinstance(doc, dict) else None
        annotator = data.get("annotator")
        if isinstance(annotator, str) and "$.annotator" not in flagged and not self.predictions:
            self._check_annotator(record, source, annotator, data.get("role"))
        if not isinstance(doc_id, str):
            return
        digest = doc.get("text_sha256") if isinstance(doc, dict) else None
        if isinstance(annotator, str):
            # Predictions have no annotator to tell apart: one prediction per document.
            key = (doc_id, "" if self.predictions else annotator)
            if key in self.by_doc_annotator or key in self.consulted_pairs:
                first = self.by_doc_annotator.get(key) or self.consulted_pairs[key]
                self.by_doc_annotator.setdefault(key, _Seen(record.file, record.line, digest))
                if self.predictions:
                    path, message = "$.document.id", f"a prediction of {short(doc_id)} is already in"
                else:
                    path, message = "$.annotator", f"{short(annotator)} already annotated {short(doc_id)} in"
                self.issues.append(
                    record.issue("annotation.duplicate", path, f"{message} {first.file}:{first.line}")
                )
            else:
                self.by_doc_annotator[key] = _Seen(record.file, record.line, digest)
        if isinstance(digest, str):
            first_doc = self.first_by_doc.get(doc_id)
            if first_doc is None:
                self.first_by_doc[doc_id] = _Seen(record.file, record.line, digest)
            if first_doc is None or first_doc.hash == digest:
                # a consulted file that disagrees: one is enough to name
                first_doc = next(
                    (s for h, s in self.consulted_hashes.get(doc_id, {}).items() if h != digest), None
                )
            if first_doc is not None and first_doc.hash != digest:
                self.issues.append(
                    record.issue(
                        "document.hash-conflict",
                        "$.document.text_sha256",
                        f"{short(doc_id)} has another text hash in "
                        f"{first_doc.file}:{first_doc.line}: the texts differ",
                    )
                )

    def _check_annotator(self, record: Record, source: Path, annotator: str, role: Any) -> None:
        file = self.registry_file(source)
        if file is None:
            folder = str(source.parent)
            marker = Path(folder)
            if marker not in self.reported:
                self.reported.add(marker)
                self.issues.append(
                    Issue(
                        record.file,
                        record.line,
                        None,
                        "$.annotator",
                        "registry.missing",
                        f"no {REGISTRY_NAME} in {folder} or any parent folder",
                    )
                )
            return
        registry = self.registry(file, self.override_display if file == self.override else None)
        if registry is None:
            return
        self.check_registry_file(file, registry.file)
        if not registry.read:
            return  # its own finding says why; judging ids by it would only add noise
        if annotator not in registry.roles:
            self.issues.append(
                record.issue(
                    "annotator.unregistered",
                    "$.annotator",
                    f"{short(annotator)} is not registered in {registry.file}",
                )
            )
        elif isinstance(role, str) and role not in registry.roles[annotator]:
            self.issues.append(
                record.issue(
                    "annotator.role-not-granted",
                    "$.role",
                    f"{short(annotator)} is not registered as {role}",
                )
            )


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
