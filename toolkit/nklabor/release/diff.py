"""`diff_releases(old, new)`: what changed between two releases, also when they were built under different
codebook versions.

- **schema**: the codebook version of each release, fields (instance paths) and label vocabularies and ids
  added, removed or renamed (renames from `nklabor.schema.RENAMES`, for every version after the old one);
- **columns**: per config, columns and sub-fields added, removed, renamed (`tables.RENAMED_COLUMNS`) or
  retyped, and configs added or removed;
- **documents**: added, removed, text changed, gold source changed (a single annotation became an
  adjudicated one, or back), other fields edited, split moves (a document never moves: any is reported);
- **events**: added, removed, relabelled (label columns, with old and new class names) and other edits;
- **label counts**: per label column over all splits.

Labels are compared by class name, not index, so a vocabulary that grew does not show as relabelling. Rows are
compared on the columns both releases have with the same type (a renamed column is compared under its new
name, a single value against a one-item list when it became multi-valued); the others are reported once, as
column changes. Annotator pseudonyms are not compared: releases before stable pseudonyms numbered them anew.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from ..errors import SchemaError
from ..schema import RENAMES, SchemaSet, load_schemas
from .features import (
    ClassLabel,
    Feature,
    List,
    Struct,
    Value,
    class_labels,
    decode,
    features_of,
    fields,
    type_name,
)
from .layout import CONFIGS, SCHEMA, SPLITS, data_file
from .stats import Stats, compute
from .tables import RENAMED_COLUMNS

KEYS = ("document_id", "event_id")
Renames = dict[str, tuple[str, ...]]
NOT_COMPARED = frozenset({*KEYS, "annotator"})
DOCUMENT_NOT_COMPARED = frozenset(
    {"id", "annotator", "events", "text", "text_sha256", "role", "annotators", "agreement"}
)
"""Document columns compared elsewhere (text by its hash, the gold source) or not at all (pseudonyms, the
nested events, compared as `events` rows; agreement, which follows from the gold)."""
ADJUDICATOR = "adjudicator"


# ----------------------------------------------------------------------------------------------------------
# Schema changes


@dataclass
class Renamed:
    """A field or label id of the old release and what replaces it in the new one."""

    old: str
    new: list[str]

    def to_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {"old": self.old, "new": self.new}


@dataclass
class Changes:
    """Names added, removed and renamed between two releases (fields, ids, columns...)."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    renamed: list[Renamed] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """True when nothing was added, removed or renamed."""
        return not (self.added or self.removed or self.renamed)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "added": self.added,
            "removed": self.removed,
            "renamed": [r.to_dict() for r in self.renamed],
        }


@dataclass
class SchemaChanges:
    """How the codebook of the new release differs from the old one's."""

    old_version: str | None
    new_version: str | None
    fields: Changes = field(default_factory=Changes)
    vocabularies: Changes = field(default_factory=Changes)
    ids: dict[str, Changes] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        """True when both releases use the same codebook."""
        return (
            self.old_version == self.new_version
            and self.fields.empty
            and self.vocabularies.empty
            and not self.ids
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "old_version": self.old_version,
            "new_version": self.new_version,
            "fields": self.fields.to_dict(),
            "vocabularies": self.vocabularies.to_dict(),
            "ids": {name: c.to_dict() for name, c in self.ids.items()},
        }


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", version))


def renames_between(old: str | None, new: str | None) -> dict[str, tuple[str, ...]]:
    """The renames of every codebook version after `old` up to `new` (later versions win)."""
    if old is None or new is None:
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for version in sorted(RENAMES, key=_version_key):
        if _version_key(old) < _version_key(version) <= _version_key(new):
            out.update(RENAMES[version])
    return out


_SEGMENT = re.compile(r"\.([^.\[]+)|\[\*\]")


def _keys(path: str) -> list[str]:
    """`$.events[*].place.subdivision` -> [`events`, `place`, `subdivision`]."""
    return [m.group(1) for m in _SEGMENT.finditer(path) if m.group(1)]


def _covered(path: str, others: Iterable[str]) -> bool:
    """True when a proper ancestor of `path` is among `others` (its change already says it)."""
    return any(path.startswith((o + ".", o + "[")) for o in others)


def _renamed_paths(
    removed: set[str], added: set[str], renames: dict[str, tuple[str, ...]]
) -> dict[str, list[str]]:
    """Removed path -> the added paths it was renamed to: one segment replaced by what `renames` gives for it,
    array markers ignored (`workers.best` became `counts[*].best`)."""
    by_keys: dict[tuple[str, ...], list[str]] = {}
    for path in sorted(added):
        by_keys.setdefault(tuple(_keys(path)), []).append(path)
    out: dict[str, list[str]] = {}
    for path in sorted(removed):
        keys = _keys(path)
        found: list[str] = []
        for i, key in enumerate(keys):
            for replacement in renames.get(key, ()):
                found.extend(by_keys.get((*keys[:i], replacement, *keys[i + 1 :]), []))
        if found:
            out[path] = sorted(dict.fromkeys(found))
    return out


def _path_changes(old: set[str], new: set[str], renames: dict[str, tuple[str, ...]]) -> Changes:
    removed, added = old - new, new - old
    renamed = _renamed_paths(removed, added, renames)
    targets = {t for ts in renamed.values() for t in ts}
    removed -= set(renamed)
    added -= targets
    return Changes(
        added=sorted(p for p in added if not _covered(p, added | targets)),
        removed=sorted(p for p in removed if not _covered(p, removed | set(renamed))),
        renamed=[
            Renamed(p, [t for t in ts if not _covered(t, ts)])
            for p, ts in sorted(renamed.items())
            if not _covered(p, renamed)
        ],
    )


def _release_schemas(release: Path) -> SchemaSet | None:
    folder = release / SCHEMA
    if not folder.is_dir():
        return None
    try:
        return load_schemas(folder)
    except SchemaError:
        return None


def schema_changes(old: SchemaSet | None, new: SchemaSet | None) -> SchemaChanges:
    """Codebook versions, fields, vocabularies and ids of two releases' schema snapshots."""
    result = SchemaChanges(old.version if old else None, new.version if new else None)
    if old is None or new is None:
        return result
    renames = renames_between(result.old_version, result.new_version)
    result.fields = _path_changes(
        {p for p, _ in old.instance_nodes()}, {p for p, _ in new.instance_nodes()}, renames
    )
    result.vocabularies = Changes(
        added=sorted(set(new.labels) - set(old.labels)), removed=sorted(set(old.labels) - set(new.labels))
    )
    for name in sorted(set(old.labels) & set(new.labels)):
        before, after = old.labels[name].names, new.labels[name].names
        removed = [n for n in before if n not in after]
        added = [n for n in after if n not in before]
        renamed = [Renamed(n, [r for r in renames.get(n, ()) if r in added]) for n in removed]
        renamed = [r for r in renamed if r.new]
        gone = {r.old for r in renamed}
        used = {n for r in renamed for n in r.new}
        ids = Changes(
            added=[n for n in added if n not in used],
            removed=[n for n in removed if n not in gone],
            renamed=renamed,
        )
        if not ids.empty:
            result.ids[name] = ids
    return result


# ----------------------------------------------------------------------------------------------------------
# Column changes


def signature(feature: Feature) -> Any:
    """The type of a feature without its class names (a vocabulary change is a schema change, not a type
    change)."""
    if isinstance(feature, Value):
        return feature.dtype
    if isinstance(feature, ClassLabel):
        return "class"
    if isinstance(feature, List):
        return ("list", signature(feature.feature))
    return tuple((name, signature(sub)) for name, sub in feature.items())


@dataclass
class Retyped:
    """A column (or sub-field) whose type changed."""

    column: str
    old: str
    new: str

    def to_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {"column": self.column, "old": self.old, "new": self.new}


@dataclass
class ColumnChanges(Changes):
    """Columns and sub-fields (dotted: `route.subdivisions`) of one config."""

    retyped: list[Retyped] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """True when the config has the same columns with the same types."""
        return super().empty and not self.retyped

    @property
    def size(self) -> int:
        """How many columns changed."""
        return len(self.added) + len(self.removed) + len(self.renamed) + len(self.retyped)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {**super().to_dict(), "retyped": [r.to_dict() for r in self.retyped]}

    def outside(self, prefix: str) -> tuple[ColumnChanges, bool]:
        """The changes to columns not under `prefix` (`events.` of `documents`, which repeat the `events`
        config), and whether any was left out."""

        def keep(name: str) -> bool:
            return not name.startswith(prefix)

        kept = ColumnChanges(
            added=[c for c in self.added if keep(c)],
            removed=[c for c in self.removed if keep(c)],
            renamed=[r for r in self.renamed if keep(r.old)],
            retyped=[r for r in self.retyped if keep(r.column)],
        )
        dropped = self.size > kept.size
        return kept, dropped


def column_renames(
    config: str, old_version: str | None, new_version: str | None
) -> dict[str, tuple[str, ...]]:
    """Old column path -> new column paths of `config` (documents nest the event columns under `events.`)."""
    if old_version is None or new_version is None:
        return {}
    found: dict[str, tuple[str, ...]] = {}
    for version in sorted(RENAMED_COLUMNS, key=_version_key):
        if _version_key(old_version) < _version_key(version) <= _version_key(new_version):
            found.update(RENAMED_COLUMNS[version])
    if config == "events":
        return found
    if config == "documents":
        return {f"events.{k}": tuple(f"events.{t}" for t in v) for k, v in found.items()}
    return {}


def column_changes(old: Struct, new: Struct, renames: dict[str, tuple[str, ...]]) -> ColumnChanges:
    """Columns and sub-fields of one config, old against new."""
    before, after = fields(old), fields(new)
    renamed = {k: [t for t in v if t in after and t not in before] for k, v in renames.items() if k in before}
    renamed = {k: v for k, v in renamed.items() if v and k not in after}
    targets = {t for ts in renamed.values() for t in ts}
    removed = {p for p in before if p not in after and p not in renamed}
    added = {p for p in after if p not in before and p not in targets}
    retyped = [
        Retyped(p, type_name(before[p]), type_name(after[p]))
        for p in before
        if p in after and type_name(before[p]) != type_name(after[p])
    ]
    return ColumnChanges(
        added=[p for p in after if p in added and not _covered(p, added | targets)],
        removed=[p for p in before if p in removed and not _covered(p, removed | set(renamed))],
        renamed=[Renamed(p, ts) for p, ts in renamed.items() if not _covered(p, renamed)],
        retyped=[r for r in retyped if not _covered(r.column, set(renamed) | {x.column for x in retyped})],
    )


def _config_features(release: Path) -> dict[str, Struct]:
    out: dict[str, Struct] = {}
    for config in CONFIGS:
        for split in SPLITS:
            path = release / data_file(config, split)
            if path.is_file():
                out[config] = features_of(pq.read_schema(path))
                break
    return out


# ----------------------------------------------------------------------------------------------------------
# Rows


def _comparable(old: Struct, new: Struct, renames: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, bool]]:
    """New column -> (the old column it is compared with, whether the old single value becomes a one-item
    list), for the columns whose values can be compared."""
    out: dict[str, tuple[str, bool]] = {}
    for name, feature in new.items():
        if name in old and signature(old[name]) == signature(feature):
            out[name] = (name, False)
    for source, targets in renames.items():
        if source not in old or "." in source:
            continue
        for target in targets:
            if target not in new or target in out:
                continue
            if signature(old[source]) == signature(new[target]):
                out[target] = (source, False)
            else:
                inner = new[target]
                if isinstance(inner, List) and signature(inner.feature) == signature(old[source]):
                    out[target] = (source, True)
    return out


def _project(row: dict[str, Any], plan: dict[str, tuple[str, bool]]) -> dict[str, Any]:
    out = {}
    for name, (source, wrap) in plan.items():
        value = row.get(source)
        out[name] = ([] if value is None else [value]) if wrap else value
    return out


def _rows(release: Path, config: str, key: Iterable[str]) -> tuple[dict[Any, dict[str, Any]], dict[Any, str]]:
    """Decoded rows of one config by key, and the split of each."""
    keys = tuple(key)
    rows: dict[Any, dict[str, Any]] = {}
    splits: dict[Any, str] = {}
    for split in SPLITS:
        path = release / data_file(config, split)
        if not path.is_file():
            continue
        table = pq.read_table(path)
        features = features_of(table.schema)
        for row in table.to_pylist():
            k = tuple(row[c] for c in keys) if len(keys) > 1 else row[keys[0]]
            rows[k] = {name: decode(value, features[name]) for name, value in row.items()}
            splits[k] = split
    return rows, splits


def _gold_source(row: dict[str, Any]) -> str:
    return "adjudicated" if row.get("role") == ADJUDICATOR else "single annotator"


@dataclass
class GoldChange:
    """A document whose published annotation changed kind (single annotator <-> adjudicated)."""

    id: str
    old: str
    new: str
    old_annotators: int | None
    new_annotators: int | None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "id": self.id,
            "old": {"source": self.old, "annotators": self.old_annotators},
            "new": {"source": self.new, "annotators": self.new_annotators},
        }


# ----------------------------------------------------------------------------------------------------------
# The result


@dataclass
class ReleaseDiff:
    """What changed from `old` to `new`."""

    old: str
    new: str
    schema: SchemaChanges = field(default_factory=lambda: SchemaChanges(None, None))
    configs_added: list[str] = field(default_factory=list)
    configs_removed: list[str] = field(default_factory=list)
    columns: dict[str, ColumnChanges] = field(default_factory=dict)
    documents_added: list[str] = field(default_factory=list)
    documents_removed: list[str] = field(default_factory=list)
    documents_retexted: list[str] = field(default_factory=list)
    documents_resplit: list[tuple[str, str, str]] = field(default_factory=list)
    documents_compared: int = 0
    gold_changed: list[GoldChange] = field(default_factory=list)
    documents_edited: list[tuple[str, list[str]]] = field(default_factory=list)
    events_added: list[tuple[str, str]] = field(default_factory=list)
    events_removed: list[tuple[str, str]] = field(default_factory=list)
    relabelled: list[tuple[str, str, dict[str, tuple[Any, Any]]]] = field(default_factory=list)
    edited: list[tuple[str, str, list[str]]] = field(default_factory=list)
    label_counts: dict[str, dict[str, tuple[int, int]]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        """True when nothing changed."""
        return self.schema.empty and not any(
            (
                self.configs_added,
                self.configs_removed,
                self.columns,
                self.documents_added,
                self.documents_removed,
                self.documents_retexted,
                self.documents_resplit,
                self.gold_changed,
                self.documents_edited,
                self.events_added,
                self.events_removed,
                self.relabelled,
                self.edited,
                self.label_counts,
            )
        )

    @property
    def adjudicated(self) -> list[str]:
        """Documents whose gold became adjudicated."""
        return [g.id for g in self.gold_changed if g.new == "adjudicated"]

    def summary(self) -> list[str]:
        """One short phrase per kind of change."""
        parts: list[tuple[int, str]] = []
        if self.schema.old_version != self.schema.new_version:
            parts.append((1, f"codebook {self.schema.old_version} -> {self.schema.new_version}"))
        columns = sum(c.size for c in self.columns.values())
        parts += [
            (columns, "column change(s)"),
            (len(self.documents_added), "document(s) added"),
            (len(self.documents_removed), "document(s) removed"),
            (len(self.documents_retexted), "document text(s) changed"),
            (len(self.adjudicated), "document(s) now adjudicated"),
            (len(self.gold_changed) - len(self.adjudicated), "document(s) no longer adjudicated"),
            (len(self.documents_edited), "document(s) with other edits"),
            (len(self.documents_resplit), "document(s) moved split"),
            (len(self.events_added), "event(s) added"),
            (len(self.events_removed), "event(s) removed"),
            (len(self.relabelled), "event(s) relabelled"),
            (len(self.edited), "event(s) with other edits"),
        ]
        out = [what if what.startswith("codebook") else f"{n} {what}" for n, what in parts if n]
        return out or ["no change to documents or events"]

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (`nklabor release diff --json`)."""
        return {
            "old": self.old,
            "new": self.new,
            "schema": self.schema.to_dict(),
            "configs": {"added": self.configs_added, "removed": self.configs_removed},
            "columns": {config: c.to_dict() for config, c in self.columns.items()},
            "documents": {
                "compared": self.documents_compared,
                "added": self.documents_added,
                "removed": self.documents_removed,
                "text_changed": self.documents_retexted,
                "gold_changed": [g.to_dict() for g in self.gold_changed],
                "edited": [{"id": d, "fields": cols} for d, cols in self.documents_edited],
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


def _label_counts(
    old: Stats, new: Stats, plan: dict[str, tuple[str, bool]]
) -> dict[str, dict[str, tuple[int, int]]]:
    """Class counts of the label columns both releases have (a renamed one under its new name)."""
    out: dict[str, dict[str, tuple[int, int]]] = {}
    for column in new.labels:
        source = plan.get(column, (None, False))[0]
        if source is None or source not in old.labels:
            continue
        before, after = old.total(source), new.total(column)
        names = list(new.names.get(column, ())) + [n for n in old.names.get(source, ()) if n not in after]
        changed = {
            name: (before.get(name, 0), after.get(name, 0))
            for name in dict.fromkeys(names)
            if before.get(name, 0) != after.get(name, 0)
        }
        if changed:
            out[column] = changed
    return out


def _changed(before: dict[str, Any], after: dict[str, Any], skip: Iterable[str] = ()) -> list[str]:
    excluded = set(skip)
    return [c for c in after if c not in excluded and c in before and before[c] != after[c]]


def _diff_documents(
    result: ReleaseDiff, old: Path, new: Path, old_f: Struct, new_f: Struct, renames: Renames
) -> None:
    old_docs, old_splits = _rows(old, "documents", ["id"])
    new_docs, new_splits = _rows(new, "documents", ["id"])
    result.documents_added = sorted(set(new_docs) - set(old_docs))
    result.documents_removed = sorted(set(old_docs) - set(new_docs))
    plan = _comparable(old_f, new_f, renames)
    for doc in sorted(set(old_docs) & set(new_docs)):
        before, after = old_docs[doc], new_docs[doc]
        result.documents_compared += 1
        if before.get("text_sha256") != after.get("text_sha256"):
            result.documents_retexted.append(doc)
        if old_splits[doc] != new_splits[doc]:
            result.documents_resplit.append((doc, old_splits[doc], new_splits[doc]))
        if _gold_source(before) != _gold_source(after):
            result.gold_changed.append(
                GoldChange(
                    doc,
                    _gold_source(before),
                    _gold_source(after),
                    before.get("annotators"),
                    after.get("annotators"),
                )
            )
        edited = _changed(_project(before, plan), after, DOCUMENT_NOT_COMPARED)
        if edited:
            result.documents_edited.append((doc, edited))


def _diff_events(
    result: ReleaseDiff, old: Path, new: Path, old_f: Struct, new_f: Struct, renames: Renames
) -> None:
    old_events, _ = _rows(old, "events", KEYS)
    new_events, _ = _rows(new, "events", KEYS)
    result.events_added = sorted(set(new_events) - set(old_events))
    result.events_removed = sorted(set(old_events) - set(new_events))
    plan = _comparable(old_f, new_f, renames)
    labels = set(class_labels(new_f))
    for key in sorted(set(old_events) & set(new_events)):
        before, after = _project(old_events[key], plan), new_events[key]
        changed = _changed(before, after, NOT_COMPARED)
        relabels = {c: (before[c], after[c]) for c in changed if c in labels}
        others = [c for c in changed if c not in labels]
        if relabels:
            result.relabelled.append((*key, relabels))
        if others:
            result.edited.append((*key, others))
    result.label_counts = _label_counts(compute(old), compute(new), plan)


def diff_releases(old: Path, new: Path) -> ReleaseDiff:
    """Compare two release folders (of the same or of different codebook versions)."""
    result = ReleaseDiff(old.name, new.name)
    result.schema = schema_changes(_release_schemas(old), _release_schemas(new))
    versions = (result.schema.old_version, result.schema.new_version)
    old_configs, new_configs = _config_features(old), _config_features(new)
    result.configs_added = [c for c in new_configs if c not in old_configs]
    result.configs_removed = [c for c in old_configs if c not in new_configs]
    renames = {c: column_renames(c, *versions) for c in CONFIGS}
    for config in (c for c in CONFIGS if c in old_configs and c in new_configs):
        changes = column_changes(old_configs[config], new_configs[config], renames[config])
        if not changes.empty:
            result.columns[config] = changes
    empty: Struct = {}
    _diff_documents(
        result,
        old,
        new,
        old_configs.get("documents", empty),
        new_configs.get("documents", empty),
        renames["documents"],
    )
    _diff_events(
        result,
        old,
        new,
        old_configs.get("events", empty),
        new_configs.get("events", empty),
        renames["events"],
    )
    return result
