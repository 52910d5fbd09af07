"""The Label Studio labeling config (XML) of a form: generated from the schema, never written by hand."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable

from .form import (
    CHOICES,
    DATETIME,
    EVENT,
    EVENT_ID,
    EVENT_LABELS,
    EVIDENCE_LABELS,
    EXTRA,
    INDICATOR,
    INDICATOR_LABELS,
    INDICATORS,
    NUMBER,
    RELATION,
    TASK,
    TEXT,
    TEXTAREA,
    Control,
    Form,
    Group,
    Label,
)

_EVENT_COLOUR = "#1f77b4"
_DIMENSION_COLOURS = {"involuntariness": "#d62728", "penalty": "#ff7f0e", "flag": "#7f7f7f"}
_EVIDENCE_COLOURS = ("#2ca02c", "#17becf", "#9467bd", "#8c564b", "#e377c2", "#bcbd22")
_INLINE = 6
"""Choices with at most this many values are shown on one line."""


def render_config(form: Form) -> str:
    """The labeling config of `form` as Label Studio XML, one element per line."""
    view = ET.Element("View")
    ET.SubElement(view, "Header", value="$title", size="4")
    _labels(view, EVENT_LABELS, [form.event_label], lambda _: _EVENT_COLOUR)
    evidence_colours = dict(zip((e.value for e in form.evidence), _EVIDENCE_COLOURS * 4, strict=False))
    _labels(view, EVIDENCE_LABELS, list(form.evidence), lambda label: evidence_colours[label.value])
    _labels(
        view,
        INDICATOR_LABELS,
        list(form.indicators),
        lambda label: _DIMENSION_COLOURS.get(label.dimension or "", "#7f7f7f"),
    )
    ET.SubElement(view, "Text", name=TEXT, value=f"${TEXT}", granularity="symbol")
    relations = ET.SubElement(view, "Relations")
    ET.SubElement(relations, "Relation", value=RELATION)
    _event_view(view, form)
    indicator = ET.SubElement(view, "View", visibleWhen="region-selected", whenTagName=INDICATOR_LABELS)
    for control in form.owned_by(INDICATOR):
        _control(indicator, control)
    for control in form.owned_by(TASK):
        _control(view, control)
    ET.indent(view, space="  ")
    return ET.tostring(view, encoding="unicode") + "\n"


def _labels(parent: ET.Element, name: str, labels: list[Label], colour: Callable[[Label], str]) -> None:
    tag = ET.SubElement(parent, "Labels", name=name, toName=TEXT, showInline="true")
    for label in labels:
        ET.SubElement(tag, "Label", value=label.value, hint=label.hint, background=colour(label))


def _event_view(parent: ET.Element, form: Form) -> None:
    view = ET.SubElement(parent, "View", visibleWhen="region-selected", whenTagName=EVENT_LABELS)
    ET.SubElement(
        view,
        "Header",
        value="Event (on its first event region; further event regions and evidence "
        "are linked to it by a relation)",
        size="5",
    )
    own = {c.key: c for c in form.owned_by(EVENT) if c.group is None}
    for key in form.event_order:
        if key in form.groups:
            _group_view(view, form.groups[key], [c for c in form.owned_by(EVENT) if c.group == key])
        elif key in own:
            _control(view, own[key])
        elif key == INDICATORS:
            continue
    _control(view, form.extra)


def _group_view(parent: ET.Element, group: Group, controls: list[Control]) -> None:
    view = ET.SubElement(parent, "View")
    which = {"first": " (the main source, the first one)", "primary": " (the primary count)"}.get(
        group.pick or "", ""
    )
    ET.SubElement(view, "Header", value=f"{group.title}{which}: {group.description}", size="5")
    for control in controls:
        _control(view, control)


def _control(parent: ET.Element, control: Control) -> None:
    title = "event id" if control.name == EVENT_ID else control.title
    ET.SubElement(parent, "Header", value=f"{title}: {control.description}", size="6")
    attrib = {"name": control.name, "toName": TEXT}
    if control.owner != TASK:
        attrib["perRegion"] = "true"
    if control.kind == CHOICES:
        attrib["choice"] = "multiple" if control.many else "single"
        if len(control.values) <= _INLINE:
            attrib["showInline"] = "true"
        tag = ET.SubElement(parent, "Choices", attrib)
        for value, hint in zip(control.choice_values, control.hints, strict=True):
            ET.SubElement(tag, "Choice", value=value, hint=hint)
    elif control.kind == TEXTAREA:
        attrib.update(editable="true", rows="4" if control.name == EXTRA else "1")
        if not control.many:
            attrib["maxSubmissions"] = "1"
        ET.SubElement(parent, "TextArea", attrib)
    elif control.kind == NUMBER:
        attrib.update(
            {k: str(v) for k, v in (("min", control.minimum), ("max", control.maximum)) if v is not None}
        )
        ET.SubElement(parent, "Number", attrib)
    elif control.kind == DATETIME:
        attrib["only"] = "date"
        ET.SubElement(parent, "DateTime", attrib)
    else:  # pragma: no cover - the form only makes the four kinds
        raise ValueError(f"no Label Studio tag for a {control.kind} control")
