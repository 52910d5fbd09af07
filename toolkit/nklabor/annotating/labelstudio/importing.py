"""A Label Studio JSON export back to annotation files, everything checked before anything is written.

Every result item is mapped or is a located finding (the export file, line and column, the task id and the
region id): an unknown control or label, a span off the text, a value with no region, evidence linked to no
event. The annotations rebuilt from what maps are then validated like any file (schema, codebook rules), their
findings located at the region they came from. Only when nothing is an error does the caller write.

Offsets: Label Studio counts the code points of the text it was given (as nklabor does); a region whose
offsets only fit when read as UTF-16 units (another tool's export) is converted and reported as a warning, and
one that fits neither is an error. So `text[start:end] == quote` holds for every span written.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ...annotation import ROLE_ANNOTATOR, file_name, text_sha256, utc_stamp
from ...report import Finding, Issue, Report, short
from ...schema import SchemaSet, load_schemas
from ...validation import semantic, structural
from ...validation.jsonpath import child
from ...validation.reading import Record, iter_records
from ..authoring import text_conflicts
from .form import (
    CHOICES,
    DATETIME,
    EVENT,
    EVENT_ID,
    EVENT_LABELS,
    EVIDENCE_LABELS,
    EXTRA,
    INDICATOR,
    INDICATOR_KEY,
    INDICATOR_LABELS,
    INDICATORS,
    META,
    NUMBER,
    PRIMARY,
    TASK,
    TEXT,
    TEXTAREA,
    Control,
    Form,
    build_form,
)
from .tasks import AT

SPAN_CONTROLS = (EVENT_LABELS, INDICATOR_LABELS, EVIDENCE_LABELS)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class Region:
    """One labelled span of a result."""

    id: str
    control: str
    label: str
    start: int
    end: int
    quote: str
    where: str
    """JSON path of its item in the export."""

    @property
    def span(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "quote": self.quote}


@dataclass
class _Value:
    value: Any
    where: str


@dataclass
class _Result:
    """The items of one Label Studio annotation, sorted into regions, values and relations."""

    regions: dict[str, Region] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    values: dict[str, dict[str, _Value]] = field(default_factory=dict)
    task_values: dict[str, _Value] = field(default_factory=dict)
    relations: list[tuple[str, str, str]] = field(default_factory=list)
    rejected: set[str] = field(default_factory=set)
    """Regions that are findings themselves: their values and relations go with them, unreported."""


@dataclass
class PlannedFile:
    """An annotation rebuilt from one task, and where it is to be written."""

    path: Path
    annotation: dict[str, Any]
    task: Any


@dataclass
class ImportPlan:
    """What an import would write, and every finding. Write only when `report.valid`."""

    report: Report
    files: list[PlannedFile] = field(default_factory=list)

    @property
    def existing(self) -> list[Path]:
        """Targets that exist already (replaced only when asked)."""
        return [f.path for f in self.files if f.path.exists() or f.path.is_symlink()]


class _Task:
    """Maps one task of the export; its findings are located in the export's record."""

    def __init__(self, record: Record, index: int, task: Any, form: Form, text: str) -> None:
        self.record, self.form, self.text = record, form, text
        self.path = f"$[{index}]"
        self.task = task
        self.id = task.get("id") if isinstance(task, dict) else None
        self.issues: list[Issue] = []
        self.provenance: dict[str, tuple[str, str | None]] = {}
        self._u16: list[int] | None = None

    # Findings ----------------------------------------------------------------------------------------------

    def issue(
        self, code: str, path: str, message: str, region: str | None = None, severity: str = "error"
    ) -> None:
        where = f"task {self.id}" + (f", region {region!r}" if region is not None else "")
        self.issues.append(self.record.issue(code, path, f"{where}: {message}", severity=severity))

    # Result items ------------------------------------------------------------------------------------------

    def sort(self, items: list[Any], base: str) -> _Result:
        """Every item of a result into regions, values and relations; each one that does not map is a
        finding."""
        out = _Result()
        for k, item in enumerate(items):
            where = child(base, k)
            if not isinstance(item, dict):
                self.issue("labelstudio.bad-value", where, "a result item must be an object")
            elif item.get("type") == "relation":
                self._relation(item, where, out)
            elif item.get("from_name") in SPAN_CONTROLS:
                self._region(item, where, out)
            elif item.get("from_name") in self.form.by_name or item.get("from_name") == EXTRA:
                self._value(item, where, out)
            else:
                name = short(item.get("from_name"))
                self.issue(
                    "labelstudio.unknown-control",
                    where,
                    f"no control {name} in the labeling config",
                    _id(item),
                )
        for rid, values in out.values.items():
            region = out.regions.get(rid)
            if rid in out.rejected:
                continue
            for name, value in values.items():
                owner = self._owner(name)
                if region is None:
                    self.issue("labelstudio.orphan-value", value.where, f"{name}: no region {rid!r}", rid)
                elif (owner == EVENT) != (region.control == EVENT_LABELS) or (
                    owner == INDICATOR and region.control != INDICATOR_LABELS
                ):
                    self.issue(
                        "labelstudio.orphan-value",
                        value.where,
                        f"{name} belongs on an {owner} region, not on a {region.control} region",
                        rid,
                    )
        return out

    def _owner(self, name: str) -> str:
        return EVENT if name == EXTRA else self.form.by_name[name].owner

    def _relation(self, item: dict[str, Any], where: str, out: _Result) -> None:
        source, target = item.get("from_id"), item.get("to_id")
        if not isinstance(source, str) or not isinstance(target, str):
            self.issue("labelstudio.bad-relation", where, "a relation needs from_id and to_id")
            return
        out.relations.append((source, target, where))

    def _region(self, item: dict[str, Any], where: str, out: _Result) -> None:
        rid, control, value = _id(item), str(item["from_name"]), item.get("value")
        if rid is None or not isinstance(value, dict):
            self.issue("labelstudio.bad-value", where, f"a {control} region needs an id and a value")
            return
        labels = value.get("labels")
        out.rejected.add(rid)  # until it maps
        if not isinstance(labels, list) or len(labels) != 1 or not isinstance(labels[0], str):
            self.issue(
                "labelstudio.bad-value", child(where, "value"), f"{short(labels)}: one label per region", rid
            )
            return
        label = labels[0]
        if label not in self._labels(control):
            self.issue(
                "labelstudio.unknown-label",
                child(child(where, "value"), "labels"),
                f"{short(label)} is not a label of {control}",
                rid,
            )
            return
        if rid in out.regions:
            other = out.regions.pop(rid)
            out.order.remove(rid)
            self.issue(
                "labelstudio.ambiguous-region",
                where,
                f"the region is labelled both {other.control}:{other.label} and {control}:{label}",
                rid,
            )
            return
        span = self._offsets(value, where, rid)
        if span is not None:
            out.regions[rid] = Region(rid, control, label, *span, where)
            out.order.append(rid)
            out.rejected.discard(rid)

    def _labels(self, control: str) -> frozenset[str]:
        if control == EVENT_LABELS:
            return frozenset({self.form.event_label.value})
        if control == INDICATOR_LABELS:
            return self.form.indicator_ids
        return frozenset(self.form.evidence_groups)

    def _offsets(self, value: dict[str, Any], where: str, rid: str) -> tuple[int, int, str] | None:
        start, end, quote = value.get("start"), value.get("end"), value.get("text")
        if not (_is_int(start) and _is_int(end)):
            self.issue("labelstudio.bad-value", child(where, "value"), "start and end must be integers", rid)
            return None
        assert isinstance(start, int) and isinstance(end, int)
        if not 0 <= start < end <= len(self.text):
            self.issue(
                "labelstudio.span-off-text",
                child(where, "value"),
                f"[{start}, {end}) is outside the text ({len(self.text)} code points)",
                rid,
            )
            return None
        if not isinstance(quote, str) or self.text[start:end] == quote:
            return start, end, self.text[start:end]
        converted = self._from_utf16(start), self._from_utf16(end)
        first, last = converted
        if first is not None and last is not None and self.text[first:last] == quote:
            self.issue(
                "labelstudio.offsets-converted",
                child(where, "value"),
                f"[{start}, {end}) counts UTF-16 units; in code points the span is [{first}, {last})",
                rid,
                severity="warning",
            )
            return first, last, quote
        self.issue(
            "labelstudio.span-mismatch",
            child(child(where, "value"), "text"),
            f"text[{start}:{end}] is {short(self.text[start:end])}, the region's text is {short(quote)}",
            rid,
        )
        return None

    def _from_utf16(self, offset: int) -> int | None:
        """The code-point offset of a UTF-16 offset, or None when it falls inside a surrogate pair."""
        if self._u16 is None:
            self._u16 = [0]
            for char in self.text:
                self._u16.append(self._u16[-1] + (2 if ord(char) > 0xFFFF else 1))
        try:
            return self._u16.index(offset)
        except ValueError:
            return None

    def _value(self, item: dict[str, Any], where: str, out: _Result) -> None:
        name = str(item["from_name"])
        control = self.form.extra if name == EXTRA else self.form.by_name[name]
        rid, value = _id(item), item.get("value")
        if not isinstance(value, dict):
            self.issue("labelstudio.bad-value", where, f"{name}: no value", rid)
            return
        parsed = self._parse(control, value, where, rid)
        if parsed is _MISSING:
            return
        holder = out.task_values if control.owner == TASK else out.values.setdefault(str(rid), {})
        if control.owner != TASK and rid is None:
            self.issue("labelstudio.orphan-value", where, f"{name}: a per-region value needs its region's id")
            return
        if name in holder:
            self.issue("labelstudio.conflicting-values", where, f"{name} is given twice", rid)
            return
        holder[name] = _Value(parsed, where)

    def _parse(self, control: Control, value: dict[str, Any], where: str, rid: str | None) -> Any:
        key = {CHOICES: "choices", TEXTAREA: "text", NUMBER: "number", DATETIME: "datetime"}[control.kind]
        at = child(child(where, "value"), key)
        raw = value.get(key)
        if control.kind == CHOICES:
            return self._choices(control, raw, at, rid)
        if control.kind == TEXTAREA:
            texts = [raw] if isinstance(raw, str) else raw
            if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
                self.issue("labelstudio.bad-value", at, f"{control.name}: expected a list of texts", rid)
                return _MISSING
            if control.many:
                return texts
            if len(texts) > 1:
                self.issue("labelstudio.bad-value", at, f"{control.name}: one entry, not {len(texts)}", rid)
                return _MISSING
            return texts[0] if texts else _MISSING
        if control.kind == NUMBER:
            if isinstance(raw, float) and raw.is_integer():
                raw = int(raw)
            if not _is_int(raw):
                self.issue(
                    "labelstudio.bad-value", at, f"{control.name}: {short(raw)} is not an integer", rid
                )
                return _MISSING
            return raw
        if not isinstance(raw, str) or not _DATE.match(raw):
            self.issue(
                "labelstudio.bad-value", at, f"{control.name}: {short(raw)} is not a YYYY-MM-DD date", rid
            )
            return _MISSING
        return raw

    def _choices(self, control: Control, raw: Any, at: str, rid: str | None) -> Any:
        if not isinstance(raw, list) or not all(isinstance(c, str) for c in raw):
            self.issue("labelstudio.bad-value", at, f"{control.name}: expected a list of choices", rid)
            return _MISSING
        unknown = [c for c in raw if c not in control.choice_values]
        if unknown:
            self.issue(
                "labelstudio.unknown-label",
                at,
                f"{control.name}: {short(unknown[0])} is not a codebook id "
                f"({', '.join(control.choice_values[:8])}{'…' if len(control.values) > 8 else ''})",
                rid,
            )
            return _MISSING
        values = [control.from_choice(c) for c in raw]
        if control.many:
            return values
        if len(values) != 1:
            if not values:
                return _MISSING
            self.issue("labelstudio.bad-value", at, f"{control.name}: one choice, not {len(values)}", rid)
            return _MISSING
        return values[0]


_MISSING = object()


def _id(item: Mapping[str, Any]) -> str | None:
    rid = item.get("id")
    return rid if isinstance(rid, str) and rid else None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass
class _Linked:
    """The regions of one event: its own (the first carries its fields) and the evidence linked to it."""

    regions: list[Region] = field(default_factory=list)
    evidence: list[Region] = field(default_factory=list)

    @property
    def first(self) -> Region:
        return self.regions[0]


class _Events:
    """Groups a result's regions into events: event regions linked by relations are one event; every other
    region belongs to the event it is linked to."""

    def __init__(self, task: _Task, result: _Result) -> None:
        self.task, self.result = task, result
        self.parent: dict[str, str] = {
            r: r for r in result.order if result.regions[r].control == EVENT_LABELS
        }
        self.orphaned: set[str] = set()
        """Regions linked to a rejected one: where they belong is unknown until it is fixed."""

    def _root(self, rid: str) -> str:
        while self.parent[rid] != rid:
            rid = self.parent[rid]
        return rid

    def group(self) -> list[_Linked]:
        links: dict[str, set[str]] = {}
        for source, target, where in self.result.relations:
            if {source, target} & self.result.rejected:
                self.orphaned.update({source, target} - self.result.rejected)
                continue  # the rejected region's own finding covers its links
            ends = [self.result.regions.get(source), self.result.regions.get(target)]
            if None in ends:
                missing = source if ends[0] is None else target
                self.task.issue("labelstudio.bad-relation", where, f"no region {missing!r}", missing)
                continue
            events = [r for r in (source, target) if r in self.parent]
            if len(events) == 2:
                self.parent[self._root(source)] = self._root(target)
            elif events:
                other = target if events[0] == source else source
                links.setdefault(other, set()).add(events[0])
            else:
                self.task.issue(
                    "labelstudio.bad-relation", where, "links two regions, neither an event", source
                )
        groups: dict[str, _Linked] = {}
        for rid in self.result.order:
            if rid in self.parent:
                groups.setdefault(self._root(rid), _Linked()).regions.append(self.result.regions[rid])
        self._anchor(groups)
        for rid in self.result.order:
            if rid not in self.parent:
                self._attach(self.result.regions[rid], links.get(rid, set()), groups)
        return list(groups.values())

    def _anchor(self, groups: dict[str, _Linked]) -> None:
        """The region carrying an event's fields comes first; two carrying them conflict."""
        for linked in groups.values():
            carrying = [r for r in linked.regions if self.result.values.get(r.id)]
            if len(carrying) > 1:
                self.task.issue(
                    "labelstudio.conflicting-values",
                    carrying[1].where,
                    f"this region and {carrying[0].id!r} both carry the fields of one event",
                    carrying[1].id,
                )
            if carrying:
                linked.regions.remove(carrying[0])
                linked.regions.insert(0, carrying[0])

    def _attach(self, region: Region, events: set[str], groups: dict[str, _Linked]) -> None:
        roots = {self._root(e) for e in events}
        if len(roots) > 1:
            self.task.issue("labelstudio.bad-relation", region.where, "linked to two events", region.id)
        elif roots:
            groups[roots.pop()].evidence.append(region)
        elif region.id in self.orphaned:
            return
        elif len(groups) == 1:
            next(iter(groups.values())).evidence.append(region)
        else:
            many = f"{len(groups)} events" if groups else "no event"
            self.task.issue(
                "labelstudio.unlinked-region",
                region.where,
                f"{region.control}:{region.label} is linked to no event (the annotation has {many})",
                region.id,
            )


class _EventBuilder:
    """One event rebuilt from its regions and their values; records where each part came from."""

    def __init__(self, task: _Task, result: _Result, linked: _Linked, index: int, taken: set[str]) -> None:
        self.task, self.result, self.linked, self.form = task, result, linked, task.form
        self.path = f"$.events[{index}]"
        self.index, self.taken = index, taken
        self.values = result.values.get(linked.first.id, {})

    def note(self, path: str, where: str, region: str | None) -> None:
        self.task.provenance[path] = (where, region)

    def build(self) -> dict[str, Any]:
        first = self.linked.first
        self.note(self.path, first.where, first.id)
        event = self._extra()
        for control in self.form.owned_by(EVENT):
            if control.group is None and control.name in self.values:
                value = self.values[control.name]
                event[control.key] = value.value
                self.note(child(self.path, control.key), value.where, first.id)
        if "id" not in event:
            event["id"] = self._new_id()
        event["evidence"] = [r.span for r in self.linked.regions]
        for m, region in enumerate(self.linked.regions):
            self.note(f"{self.path}.evidence[{m}]", region.where, region.id)
        self._groups(event)
        self._indicators(event)
        for key in self.form.event_arrays:
            if key not in event and self.form.required_list(None, key):
                event[key] = []
        return _ordered(event, self.form.event_order)

    def _new_id(self) -> str:
        n = self.index + 1
        while f"e{n}" in self.taken:
            n += 1
        self.taken.add(f"e{n}")
        return f"e{n}"

    def _extra(self) -> dict[str, Any]:
        value = self.values.get(EXTRA)
        if value is None:
            return {}
        try:
            extra = json.loads(value.value)
        except ValueError as exc:
            self.task.issue("labelstudio.bad-extra", value.where, f"not JSON: {exc}", self.linked.first.id)
            return {}
        if not isinstance(extra, dict):
            self.task.issue("labelstudio.bad-extra", value.where, "not a JSON object", self.linked.first.id)
            return {}
        return extra

    def _groups(self, event: dict[str, Any]) -> None:
        evidence: dict[str, list[Region]] = {}
        for region in self.linked.evidence:
            if region.control == EVIDENCE_LABELS:
                evidence.setdefault(self.form.evidence_groups[region.label], []).append(region)
        at = event.pop(AT, {})
        for group in self.form.groups.values():
            item: dict[str, Any] = {}
            path = child(self.path, group.key)
            for control in self.form.owned_by(EVENT):
                if control.group == group.key and control.name in self.values:
                    item[control.key] = self.values[control.name].value
            spans = evidence.get(group.key, [])
            if spans:
                item["evidence"] = [r.span for r in spans]
            if group.pick is None:
                base = event.get(group.key)
                merged = {**base, **item} if isinstance(base, dict) else item
                if merged:
                    event[group.key] = self._complete(merged, group.key, group.order)
                    self._note_group(path, group.key, spans)
                continue
            self._item(event, group, item, at, path, spans)

    def _item(
        self, event: dict[str, Any], group: Any, item: dict[str, Any], at: Any, path: str, spans: list[Region]
    ) -> None:
        items = event.get(group.key)
        if item and group.pick == PRIMARY:
            item["primary"] = True
        if not isinstance(items, list):
            if item:
                event[group.key] = [self._complete(item, group.key, group.order)]
                self._note_group(f"{path}[0]", group.key, spans)
            return
        index = at.get(group.key, 0) if isinstance(at, dict) else 0
        if not (_is_int(index) and 0 <= index < len(items) and isinstance(items[index], dict)):
            where = self.values[EXTRA].where if EXTRA in self.values else self.linked.first.where
            self.task.issue("labelstudio.bad-extra", where, f"{AT}: no item {short(index)} in {group.key}")
            return
        items[index] = self._complete({**items[index], **item}, group.key, group.order)
        self._note_group(f"{path}[{index}]", group.key, spans)

    def _complete(self, obj: dict[str, Any], group: str, order: tuple[str, ...]) -> dict[str, Any]:
        for key in order:
            if key not in obj and self.form.required_list(group, key):
                obj[key] = []
        return _ordered(obj, order)

    def _note_group(self, path: str, group: str, spans: list[Region]) -> None:
        first = self.linked.first
        for control in self.form.owned_by(EVENT):
            if control.group == group and control.name in self.values:
                self.note(child(path, control.key), self.values[control.name].where, first.id)
        for m, region in enumerate(spans):
            self.note(f"{path}.evidence[{m}]", region.where, region.id)

    def _indicators(self, event: dict[str, Any]) -> None:
        by_indicator: dict[str, list[Region]] = {}
        for region in self.linked.evidence:
            if region.control == INDICATOR_LABELS:
                by_indicator.setdefault(region.label, []).append(region)
        given = event.get(INDICATORS)
        reduced: list[Any] = given if isinstance(given, list) else []
        items = []
        for c, (indicator, regions) in enumerate(by_indicator.items()):
            path = f"{self.path}.{INDICATORS}[{c}]"
            self.note(path, regions[0].where, regions[0].id)
            item: dict[str, Any] = (
                dict(reduced[c]) if c < len(reduced) and isinstance(reduced[c], dict) else {}
            )
            item[INDICATOR_KEY] = indicator
            for control in self.form.owned_by(INDICATOR):
                given = [(r, self.result.values.get(r.id, {}).get(control.name)) for r in regions]
                found = [(r, v) for r, v in given if v is not None]
                if found:
                    item[control.key] = found[0][1].value
                    self.note(child(path, control.key), found[0][1].where, found[0][0].id)
                for region, value in found[1:]:
                    if value.value != found[0][1].value:
                        self.task.issue(
                            "labelstudio.conflicting-values",
                            value.where,
                            f"{indicator}: {control.key} {short(value.value)} here, "
                            f"{short(found[0][1].value)} on region {found[0][0].id!r}",
                            region.id,
                        )
            item["evidence"] = [r.span for r in regions]
            for m, region in enumerate(regions):
                self.note(f"{path}.evidence[{m}]", region.where, region.id)
            items.append(_ordered(item, self.form.indicator_order))
        event[INDICATORS] = items


def _ordered(obj: dict[str, Any], order: Iterable[str]) -> dict[str, Any]:
    """`obj` with its keys in the schema's order (keys the schema does not list keep theirs, last)."""
    keys = [k for k in order if k in obj]
    return {**{k: obj[k] for k in keys}, **{k: v for k, v in obj.items() if k not in keys}}


def _annotated_at(annotation: Mapping[str, Any]) -> str:
    """When the annotation was last saved in Label Studio, as an RFC 3339 stamp in UTC."""
    for key in ("updated_at", "created_at"):
        stamp = annotation.get(key)
        if isinstance(stamp, str):
            try:
                return utc_stamp(datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(UTC))
            except ValueError:
                continue
    return utc_stamp()


@dataclass
class _Options:
    annotator: str
    role: str
    out: Path
    completed_by: int | None
    schemas: SchemaSet
    form: Form


class _Importer:
    def __init__(self, record: Record, options: _Options) -> None:
        self.record, self.options = record, options
        self.report = Report(files=1, records=0)
        self.files: list[PlannedFile] = []
        self.documents: dict[str, str] = {}

    def run(self, tasks: list[Any]) -> ImportPlan:
        for index, task in enumerate(tasks):
            self.report.records += 1
            self._task(index, task)
        self.report.sort()
        return ImportPlan(self.report, self.files)

    def _task(self, index: int, task: Any) -> None:
        path = f"$[{index}]"
        if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
            self.report.issues.append(
                self.record.issue("labelstudio.not-an-export", path, "a task needs data")
            )
            return
        data = task["data"]
        text, meta = data.get(TEXT), data.get(META)
        document = meta.get("document") if isinstance(meta, dict) else None
        if (
            not isinstance(text, str)
            or not isinstance(document, dict)
            or not isinstance(document.get("id"), str)
        ):
            message = f"task {task.get('id')}: no {TEXT} and {META}.document: export tasks with nklabor"
            self.report.issues.append(
                self.record.issue("labelstudio.no-document", child(path, "data"), message)
            )
            return
        mapper = _Task(self.record, index, task, self.options.form, text)
        chosen = self._choose(mapper, task)
        if chosen is not None:
            self._build(mapper, chosen, document, text, meta.get("$schema"))
        self.report.issues.extend(mapper.issues)

    def _choose(self, mapper: _Task, task: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
        given = task.get("annotations")
        annotations: list[Any] = given if isinstance(given, list) else []
        candidates = []
        for j, annotation in enumerate(annotations):
            if not isinstance(annotation, dict):
                continue
            who = annotation.get("completed_by")
            who = who.get("id") if isinstance(who, dict) else who
            if self.options.completed_by is not None and who != self.options.completed_by:
                continue
            if annotation.get("was_cancelled"):
                where = f"{mapper.path}.annotations[{j}]"
                mapper.issue(
                    "labelstudio.no-annotation",
                    where,
                    "skipped in Label Studio: not imported",
                    severity="warning",
                )
                continue
            candidates.append((j, annotation))
        if not candidates:
            drafts = task.get("drafts")
            unsent = f" ({len(drafts)} draft(s) not submitted: submit them in Label Studio)" if drafts else ""
            mapper.issue(
                "labelstudio.no-annotation",
                mapper.path,
                f"no annotation to import{unsent}",
                severity="warning",
            )
            return None
        if len(candidates) > 1:
            users = ", ".join(str(a.get("completed_by")) for _, a in candidates)
            mapper.issue(
                "labelstudio.several-annotations",
                f"{mapper.path}.annotations",
                f"{len(candidates)} annotations (by users {users}): import one user's at a time",
            )
            return None
        return candidates[0]

    def _build(
        self,
        mapper: _Task,
        chosen: tuple[int, dict[str, Any]],
        document: dict[str, Any],
        text: str,
        editor: Any,
    ) -> None:
        j, annotation = chosen
        base = f"{mapper.path}.annotations[{j}]"
        given = annotation.get("result")
        items: list[Any] = given if isinstance(given, list) else []
        result = mapper.sort(items, child(base, "result"))
        doc = self._document(mapper, document, text)
        if doc is None:
            return
        taken = {str(v.value) for vs in result.values.values() for k, v in vs.items() if k == EVENT_ID}
        events = [
            _EventBuilder(mapper, result, linked, n, taken).build()
            for n, linked in enumerate(_Events(mapper, result).group())
        ]
        built: dict[str, Any] = {
            "schema_version": self.options.form.schema_version,
            "document": doc,
            "annotator": self.options.annotator,
            "role": self.options.role,
            "annotated_at": _annotated_at(annotation),
            "events": events,
        }
        self._task_values(mapper, result, built, base)
        if editor is not None:
            built["$schema"] = editor
        built = _ordered(built, ("$schema", *self.options.form.annotation_order))  # editors put it first
        mapper.provenance.setdefault("$", (base, None))
        mapper.provenance.setdefault("$.document", (child(mapper.path, "data"), None))
        if not any(i.severity == "error" for i in mapper.issues):
            # What did not map is missing from the rebuilt annotation: its schema findings would only echo it.
            self._validate(mapper, built, base)
        target = self.options.out / file_name(doc["id"], self.options.annotator)
        self.files.append(PlannedFile(target, built, mapper.id))

    def _document(self, mapper: _Task, document: dict[str, Any], text: str) -> dict[str, Any] | None:
        doc_id = str(document["id"])
        if doc_id in self.documents:
            mapper.issue(
                "labelstudio.duplicate-document",
                mapper.path,
                f"{doc_id} is also task {self.documents[doc_id]}",
            )
            return None
        self.documents[doc_id] = str(mapper.id)
        digest = document.get("text_sha256")
        if digest != text_sha256(text):
            mapper.issue(
                "labelstudio.text-changed",
                f"{mapper.path}.data.{TEXT}",
                f"the text's SHA-256 is not the one {doc_id} was exported with: regions may not fit it",
            )
            return None
        target = self.options.out / file_name(doc_id, self.options.annotator)
        for _, why in text_conflicts(self.options.out, doc_id, digest, target):
            mapper.issue("document.hash-conflict", f"{mapper.path}.data.{TEXT}", why)
        doc = {**document, TEXT: text}
        return _ordered(doc, self.options.form.document_order)

    def _task_values(self, mapper: _Task, result: _Result, built: dict[str, Any], base: str) -> None:
        for control in self.options.form.owned_by(TASK):
            value = result.task_values.get(control.name)
            if value is not None:
                built[control.key] = value.value
                mapper.provenance[child("$", control.key)] = (value.where, None)
        if "relevant" not in built:
            if built["events"]:
                built["relevant"] = True
            else:
                mapper.issue("labelstudio.missing-value", base, "say whether the article is relevant")

    def _validate(self, mapper: _Task, built: dict[str, Any], base: str) -> None:
        """The rebuilt annotation's schema and codebook findings, each at the region it came from."""
        findings: list[Finding] = structural.check(built, self.options.schemas) + semantic.check(built)
        for finding in findings:
            where, region = _locate(mapper.provenance, finding.path, base)
            mapper.issue(finding.code, where, f"{finding.path}: {finding.message}", region, finding.severity)


def _locate(
    provenance: Mapping[str, tuple[str, str | None]], path: str, fallback: str
) -> tuple[str, str | None]:
    probe = path
    while probe:
        if probe in provenance:
            return provenance[probe]
        cut = max(probe.rfind("."), probe.rfind("["))
        if cut <= 0:
            break
        probe = probe[:cut]
    return provenance.get("$", (fallback, None))


def plan_import(
    export: Path,
    *,
    annotator: str,
    out: Path,
    role: str = ROLE_ANNOTATOR,
    completed_by: int | None = None,
    schemas: SchemaSet | None = None,
) -> ImportPlan:
    """Map a Label Studio JSON export to one annotation per task, signed by `annotator` in `role`, planned as
    `<out>/<doc-id>.<annotator>.json`; nothing is written. `completed_by` keeps only that Label Studio user's
    annotations. Every finding (located in the export) is in the plan's report."""
    schemas = schemas or load_schemas()
    options = _Options(annotator, role, out, completed_by, schemas, build_form(schemas))
    records = list(iter_records(export))
    record = records[0]
    if not record.ok:
        return ImportPlan(Report(issues=list(record.issues), files=1, records=1))
    if not isinstance(record.data, list):
        issue = record.issue(
            "labelstudio.not-an-export", "$", "a Label Studio JSON export is a list of tasks"
        )
        return ImportPlan(Report(issues=[issue], files=1, records=1))
    return _Importer(record, options).run(copy.deepcopy(record.data))
