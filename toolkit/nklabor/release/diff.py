"""`diff_releases(old, new)`: documents and events added, removed and relabelled, and label-count changes.

Labels are compared by class name, not index, so a vocabulary that grew between releases does not show as
relabelling. Annotator pseudonyms are per release and are not compared.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from .features import ClassLabel, Feature, List, class_labels, features_of
from .layout import SPLITS, data_file
from .stats import Stats, compute

KEYS = ("document_id", "event_id")
NOT_COMPARED = frozenset({*KEYS, "annotator"})


def decode(value: Any, feature: Feature) -> Any:
    """Replace class indices by class names, recursively."""
    if value is None:
        return None
    if isinstance(feature, ClassLabel):
        return feature.names[value]
    if isinstance(feature, List):
        return [decode(v, feature.feature) for v in value]
    if isinstance(feature, dict):
        return {k: decode(value.get(k), f) for k, f in feature.items()}
    return value


def _events(release: Path) -> tuple[dict[tuple[str, str], dict[str, Any]], set[str]]:
    out: dict[tuple[str, str], dict[str, Any]] = {}
    labels: set[str] = set()
    for split in SPLITS:
        path = release / data_file("events", split)
        if not path.is_file():
            continue
        table = pq.read_table(path)
        features = features_of(table.schema)
        labels |= set(class_labels(features))
        for row in table.to_pylist():
            out[(row["document_id"], row["event_id"])] = {
                k: decode(v, features[k]) for k, v in row.items() if k not in NOT_COMPARED
            }
    return out, labels


def _documents(release: Path) -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for split in SPLITS:
        path = release / data_file("documents", split)
        if path.is_file():
            table = pq.read_table(path, columns=["id", "text_sha256"])
            for doc_id, digest in zip(
                table.column("id").to_pylist(), table.column("text_sha256").to_pylist(), strict=True
            ):
                out[doc_id] = (split, digest)
    return out


@dataclass
class ReleaseDiff:
    """What changed from `old` to `new`."""

    old: str
    new: str
    documents_added: list[str] = field(default_factory=list)
    documents_removed: list[str] = field(default_factory=list)
    documents_retexted: list[str] = field(default_factory=list)
    documents_resplit: list[tuple[str, str, str]] = field(default_factory=list)
    events_added: list[tuple[str, str]] = field(default_factory=list)
    events_removed: list[tuple[str, str]] = field(default_factory=list)
    relabelled: list[tuple[str, str, dict[str, tuple[Any, Any]]]] = field(default_factory=list)
    edited: list[tuple[str, str, list[str]]] = field(default_factory=list)
    label_counts: dict[str, dict[str, tuple[int, int]]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        """True when nothing changed."""
        return not any(
            (
                self.documents_added,
                self.documents_removed,
                self.documents_retexted,
                self.documents_resplit,
                self.events_added,
                self.events_removed,
                self.relabelled,
                self.edited,
                self.label_counts,
            )
        )

    def summary(self) -> list[str]:
        """One line per kind of change (for the changelog)."""
        parts = [
            (len(self.documents_added), "document(s) added"),
            (len(self.documents_removed), "document(s) removed"),
            (len(self.documents_retexted), "document text(s) changed"),
            (len(self.events_added), "event(s) added"),
            (len(self.events_removed), "event(s) removed"),
            (len(self.relabelled), "event(s) relabelled"),
            (len(self.edited), "event(s) with other edits"),
        ]
        return [f"{n} {what}" for n, what in parts if n] or ["no change to documents or events"]

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (`nklabor release diff --json`)."""
        return {
            "old": self.old,
            "new": self.new,
            "documents": {
                "added": self.documents_added,
                "removed": self.documents_removed,
                "text_changed": self.documents_retexted,
                "split_changed": [{"id": d, "old": o, "new": n} for d, o, n in self.documents_resplit],
            },
            "events": {
                "added": [{"document_id": d, "event_id": e} for d, e in self.events_added],
                "removed": [{"document_id": d, "event_id": e} for d, e in self.events_removed],
                "relabelled": [
                    {
                        "document_id": d,
                        "event_id": e,
                        "labels": {k: {"old": o, "new": n} for k, (o, n) in changes.items()},
                    }
                    for d, e, changes in self.relabelled
                ],
                "edited": [{"document_id": d, "event_id": e, "fields": cols} for d, e, cols in self.edited],
            },
            "label_counts": {
                col: {name: {"old": o, "new": n} for name, (o, n) in counts.items()}
                for col, counts in self.label_counts.items()
            },
        }


def _label_counts(old: Stats, new: Stats) -> dict[str, dict[str, tuple[int, int]]]:
    out: dict[str, dict[str, tuple[int, int]]] = {}
    for column in sorted(set(old.labels) | set(new.labels)):
        before = old.total(column) if column in old.labels else {}
        after = new.total(column) if column in new.labels else {}
        names = list(new.names.get(column, ())) + [n for n in old.names.get(column, ()) if n not in after]
        changed = {
            name: (before.get(name, 0), after.get(name, 0))
            for name in dict.fromkeys(names)
            if before.get(name, 0) != after.get(name, 0)
        }
        if changed:
            out[column] = changed
    return out


def diff_releases(old: Path, new: Path) -> ReleaseDiff:
    """Compare two release folders."""
    result = ReleaseDiff(old.name, new.name)
    old_docs, new_docs = _documents(old), _documents(new)
    result.documents_added = sorted(set(new_docs) - set(old_docs))
    result.documents_removed = sorted(set(old_docs) - set(new_docs))
    for doc in sorted(set(old_docs) & set(new_docs)):
        (old_split, old_hash), (new_split, new_hash) = old_docs[doc], new_docs[doc]
        if old_hash != new_hash:
            result.documents_retexted.append(doc)
        if old_split != new_split:
            result.documents_resplit.append((doc, old_split, new_split))
    old_events, old_labels = _events(old)
    new_events, new_labels = _events(new)
    result.events_added = sorted(set(new_events) - set(old_events))
    result.events_removed = sorted(set(old_events) - set(new_events))
    labels = old_labels | new_labels
    for key in sorted(set(old_events) & set(new_events)):
        before, after = old_events[key], new_events[key]
        changed = [c for c in dict.fromkeys([*after, *before]) if before.get(c) != after.get(c)]
        relabels = {c: (before.get(c), after.get(c)) for c in changed if c in labels}
        others = [c for c in changed if c not in labels]
        if relabels:
            result.relabelled.append((*key, relabels))
        if others:
            result.edited.append((*key, others))
    result.label_counts = _label_counts(compute(old), compute(new))
    return result
