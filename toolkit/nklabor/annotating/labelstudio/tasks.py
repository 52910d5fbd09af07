"""Annotations as Label Studio tasks: one task per document, each annotation of it a prediction (the labels an
adjudicator or a second annotator starts from), or none for an independent annotation."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ...annotation import by_document
from .form import (
    CHOICES,
    DATETIME,
    EVENT,
    EVENT_LABELS,
    EVIDENCE_LABELS,
    FIRST,
    INDICATOR,
    INDICATOR_KEY,
    INDICATOR_LABELS,
    INDICATORS,
    META,
    NUMBER,
    PRIMARY,
    RELATION,
    TASK,
    TEXT,
    TEXTAREA,
    Control,
    Form,
    Group,
)

AT = "$at"
"""Key of `event_extra` that says which item of a list the controls hold (the primary count's index)."""


def task_data(annotation: Mapping[str, Any]) -> dict[str, Any]:
    """The task's data: the text the regions point into, a title to show, and the document's metadata."""
    document = dict(annotation["document"])
    text = document.pop("text")
    title = document.get("title", {})
    shown = title.get("text") if isinstance(title, dict) else None
    meta: dict[str, Any] = {"schema_version": annotation["schema_version"], "document": document}
    if "$schema" in annotation:  # not data, but the file's own: it comes back with the file
        meta["$schema"] = annotation["$schema"]
    return {TEXT: text, "title": shown or document["id"], META: meta}


def to_tasks(
    annotations: Iterable[Mapping[str, Any]], form: Form, blank: bool = False
) -> list[dict[str, Any]]:
    """One task per document, in document-id order; each annotation of the document becomes a prediction
    (none when `blank`). The annotations must be valid and agree on their document's text."""
    tasks = []
    for _, group in by_document(list(annotations), lambda a: a).items():
        task: dict[str, Any] = {"data": task_data(group[0])}
        if not blank:
            task["predictions"] = [
                {"model_version": f"nklabor {a['annotator']} ({a['role']})", "result": to_result(a, form)}
                for a in group
            ]
        tasks.append(task)
    return tasks


def _span_value(span: Mapping[str, Any]) -> dict[str, Any]:
    return {"start": span["start"], "end": span["end"], "text": span["quote"]}


def _region(rid: str, control: str, label: str, span: Mapping[str, Any]) -> dict[str, Any]:
    value = {**_span_value(span), "labels": [label]}
    return {"id": rid, "from_name": control, "to_name": TEXT, "type": "labels", "value": value}


def _relation(source: str, target: str) -> dict[str, Any]:
    return {
        "from_id": source,
        "to_id": target,
        "type": "relation",
        "direction": "right",
        "labels": [RELATION],
    }


def control_value(control: Control, value: Any) -> dict[str, Any] | None:
    """The `value` payload of a control holding `value`, or None when it would hold nothing (an empty
    list)."""
    if control.kind == CHOICES:
        values = value if control.many else [value]
        return (
            {"choices": [control.choice_values[control.values.index(v)] for v in values]} if values else None
        )
    if control.kind == TEXTAREA:
        texts = value if control.many else [value]
        return {"text": [str(t) for t in texts]} if texts else None
    if control.kind == NUMBER:
        return {"number": value}
    if control.kind == DATETIME:
        return {"datetime": value}
    raise ValueError(f"unknown control kind {control.kind}")  # pragma: no cover


def _item(
    control: Control, payload: dict[str, Any], region: tuple[str, Mapping[str, Any]] | None
) -> dict[str, Any]:
    item: dict[str, Any] = {"from_name": control.name, "to_name": TEXT, "type": control.kind}
    if region is None:
        item["id"] = control.name
        item["value"] = payload
    else:
        rid, span = region
        item["id"] = rid
        offsets = {"start": span["start"], "end": span["end"]}
        # A text area's `text` is its entries; the other controls repeat the region's text.
        item["value"] = (
            {**offsets, **payload} if control.kind == TEXTAREA else {**_span_value(span), **payload}
        )
    return item


def picked(event: Mapping[str, Any], group: Group) -> tuple[int | None, dict[str, Any] | None]:
    """(index in its list, the object) of what a group's controls hold in `event`: the object itself, the
    first item, or the item marked primary; (None, None) when there is none."""
    value = event.get(group.key)
    if group.pick is None:
        return (None, value) if isinstance(value, dict) else (None, None)
    if not isinstance(value, list):
        return None, None
    for index, item in enumerate(value):
        if isinstance(item, dict) and (group.pick == FIRST or item.get("primary") is True):
            return index, item
    return None, None


@dataclass
class _Event:
    """The result items of one event, and what of it they do not hold."""

    form: Form
    event: Mapping[str, Any]
    items: list[dict[str, Any]] = field(default_factory=list)

    def build(self) -> list[dict[str, Any]]:
        event, eid = self.event, str(self.event["id"])
        spans = event.get("evidence") or []
        if not spans:
            raise ValueError(f"event {eid!r} has no evidence span: it cannot be a region")
        anchor = (f"{eid}_ev1", spans[0])
        self.items.append(_region(anchor[0], EVENT_LABELS, self.form.event_label.value, spans[0]))
        rest = copy.deepcopy(dict(event))
        rest.pop("evidence")
        self._controls(event, None, rest, anchor)
        for group in self.form.groups.values():
            self._group(group, rest, anchor)
        for m, span in enumerate(spans[1:], 2):
            self._linked(f"{eid}_ev{m}", EVENT_LABELS, self.form.event_label.value, span, anchor[0])
        self._indicators(rest, anchor, eid)
        if rest:
            payload = {"text": [json.dumps(rest, ensure_ascii=False)]}
            self.items.append(_item(self.form.extra, payload, anchor))
        return self.items

    def _controls(
        self,
        obj: Mapping[str, Any],
        group: str | None,
        rest: dict[str, Any],
        region: tuple[str, Mapping[str, Any]],
        owner: str = EVENT,
    ) -> None:
        """Items of the controls that hold keys of `obj`; each key they hold leaves `rest`, and so does a
        required list left empty (the import rebuilds it)."""
        for control in self.form.owned_by(owner):
            if control.group != group or control.key not in obj:
                continue
            payload = control_value(control, obj[control.key])
            if payload is not None:
                self.items.append(_item(control, payload, region))
                rest.pop(control.key, None)
        for key in list(rest):
            if rest[key] == [] and (owner == EVENT and self.form.required_list(group, key)):
                rest.pop(key)

    def _group(self, group: Group, rest: dict[str, Any], anchor: tuple[str, Mapping[str, Any]]) -> None:
        index, obj = picked(self.event, group)
        if obj is None:
            return
        reduced = copy.deepcopy(obj)
        if group.pick == PRIMARY:
            reduced.pop("primary", None)
        self._controls(obj, group.key, reduced, anchor)
        spans = obj.get("evidence") or []
        if spans:
            reduced.pop("evidence", None)
        for m, span in enumerate(spans, 1):
            rid = f"{self.event['id']}_{group.prefix}{m}"
            self._linked(rid, EVIDENCE_LABELS, group.prefix, span, anchor[0])
        if index is None:
            if reduced:
                rest[group.key] = reduced
            else:
                rest.pop(group.key, None)
            return
        items = rest[group.key]
        if len(items) == 1 and not reduced:
            rest.pop(group.key)
            return
        items[index] = reduced
        if group.pick == PRIMARY or index:
            rest.setdefault(AT, {})[group.key] = index

    def _linked(self, rid: str, control: str, label: str, span: Mapping[str, Any], anchor: str) -> None:
        self.items.append(_region(rid, control, label, span))
        self.items.append(_relation(rid, anchor))

    def _indicators(self, rest: dict[str, Any], anchor: tuple[str, Mapping[str, Any]], eid: str) -> None:
        reduced_items = []
        for c, item in enumerate(self.event.get(INDICATORS) or [], 1):
            reduced = copy.deepcopy(dict(item))
            reduced.pop(INDICATOR_KEY, None)
            reduced.pop("evidence", None)
            for m, span in enumerate(item.get("evidence") or [], 1):
                rid = f"{eid}_in{c}_{m}"
                self._linked(rid, INDICATOR_LABELS, str(item[INDICATOR_KEY]), span, anchor[0])
                holder = dict(reduced)
                self._controls(item, None, holder, (rid, span), owner=INDICATOR)
                if m == 1:
                    reduced = holder
            reduced_items.append(reduced)
        if any(reduced_items):
            rest[INDICATORS] = reduced_items
        else:
            rest.pop(INDICATORS, None)


def to_result(annotation: Mapping[str, Any], form: Form) -> list[dict[str, Any]]:
    """The Label Studio result of one annotation: regions, per-region values, relations, task-level values."""
    items: list[dict[str, Any]] = []
    for event in annotation.get("events", []):
        items.extend(_Event(form, event).build())
    for control in form.owned_by(TASK):
        if control.key in annotation:
            payload = control_value(control, annotation[control.key])
            if payload is not None:
                items.append(_item(control, payload, None))
    return items
