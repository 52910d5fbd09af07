"""The labeling form, read from the schema: which Label Studio control holds which field of an annotation.

One declaration, followed by the config, the export and the import alike. The schema decides the controls:
every property of an event (and of its place, time, sanctions, casualties, main source and primary count) that
is a label, a list of labels, a boolean, a string, a list of strings, a date or an integer gets a per-region
control on the event's region, named after the property; each label value's definition becomes the choice's
hint. Evidence spans are regions: an event's own evidence is labelled `event`, a coercion indicator's evidence
is labelled with the indicator id (its status a per-region choice), and the spans of a place, time, count,
sanctions or casualties are labelled `place`, `time`... and linked to their event by a relation.

What the form cannot show (route legs, actors, evasion methods, further sources and counts, relays, and any
field a later schema adds that fits none of the kinds above) travels losslessly as JSON in one per-region text
field of the event, `event_extra`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import urldefrag, urljoin

from ...schema import SchemaSet, load_schemas

CHOICES, TEXTAREA, NUMBER, DATETIME = "choices", "textarea", "number", "datetime"
TASK, EVENT, INDICATOR = "task", "event", "indicator"
FIRST, PRIMARY = "first", "primary"

TEXT = "text"
"""The Text object's name, and the task data key that holds the article."""
EVENT_LABELS = "event"
INDICATOR_LABELS = "indicator"
EVIDENCE_LABELS = "evidence"
EVENT_LABEL = "event"
EVENT_ID = "event_id"
EXTRA = "event_extra"
RELATION = "evidence_for"
META = "nklabor"
"""The task data key holding what the form does not label: the schema version and the document's metadata."""

# Objects of an event that are flattened into prefixed controls (`place_country`), and lists of objects of
# which one item is: the first source (the main one), the count marked primary.
EVENT_OBJECTS = {"place": "place", "time": "time", "sanctions": "sanctions", "casualties": "casualties"}
EVENT_ITEMS = {"sources": ("source", FIRST), "counts": ("count", PRIMARY)}
INDICATORS = "coercion"
"""The list of an event whose items are labelled regions: the label is the item's `indicator`."""
INDICATOR_KEY = "indicator"
# Annotation properties that are not labels: they come from the task data, the command line or the export.
NOT_LABELLED = frozenset(
    {"schema_version", "document", "annotator", "role", "annotated_at", "events", "$schema"}
)


@dataclass(frozen=True)
class Control:
    """One Label Studio control: what it holds, where in the annotation, and how it is shown."""

    name: str
    kind: str
    owner: str
    """`task` (the annotation), `event` (per region, on an event's region) or `indicator` (per region, on an
    indicator's region)."""
    group: str | None
    """The event's object or list that holds the field (`place`, `sources`), or None for the owner itself."""
    key: str
    many: bool = False
    title: str = ""
    description: str = ""
    values: tuple[Any, ...] = ()
    """Choices: the values as the schema types them (an integer credibility stays an integer)."""
    hints: tuple[str, ...] = ()
    boolean: bool = False
    minimum: int | None = None
    maximum: int | None = None

    @property
    def choice_values(self) -> tuple[str, ...]:
        """The values as Label Studio shows and returns them: strings."""
        return tuple(_choice(v) for v in self.values)

    def from_choice(self, choice: str) -> Any:
        """The schema value of a Label Studio choice, or KeyError."""
        return {_choice(v): v for v in self.values}[choice]


def _choice(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass(frozen=True)
class Group:
    """An object of an event (`place`), or the one item of a list (the first of `sources`), shown as prefixed
    controls."""

    key: str
    prefix: str
    title: str
    description: str
    pick: str | None
    order: tuple[str, ...]
    required: frozenset[str]
    evidence: bool
    evidence_hint: str = ""


@dataclass(frozen=True)
class Label:
    """A span label: its value and the definition shown as its hint."""

    value: str
    hint: str
    dimension: str | None = None


@dataclass(frozen=True)
class Form:
    """Every control and label of the labeling form, and the property order of what it rebuilds."""

    schema_version: str
    controls: tuple[Control, ...]
    groups: dict[str, Group]
    event_label: Label
    indicators: tuple[Label, ...]
    evidence: tuple[Label, ...]
    """Evidence of an event's object or counted item: label value = the group's prefix."""
    event_order: tuple[str, ...]
    event_required: frozenset[str]
    indicator_order: tuple[str, ...]
    annotation_order: tuple[str, ...]
    document_title: str
    document_order: tuple[str, ...]
    extra_description: str
    event_arrays: frozenset[str]
    """Event properties that are arrays (a required one left empty is rebuilt as [])."""
    group_arrays: frozenset[tuple[str, str]]
    by_name: dict[str, Control] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        self.by_name.update({c.name: c for c in self.controls})

    def owned_by(self, owner: str) -> list[Control]:
        return [c for c in self.controls if c.owner == owner]

    @property
    def extra(self) -> Control:
        """The per-region text field of an event that holds, as JSON, what no other control holds."""
        return Control(
            name=EXTRA,
            kind=TEXTAREA,
            owner=EVENT,
            group=None,
            key="",
            title="event extra",
            description=self.extra_description,
        )

    @property
    def evidence_groups(self) -> dict[str, str]:
        """Evidence label value -> the group it belongs to (`count` -> `counts`)."""
        return {g.prefix: g.key for g in self.groups.values() if g.evidence}

    @property
    def indicator_ids(self) -> frozenset[str]:
        return frozenset(label.value for label in self.indicators)

    def required_list(self, group: str | None, key: str) -> bool:
        """True when the property is a required array: an empty one is rebuilt as []."""
        if group is None:
            return key in self.event_required and key in self.event_arrays
        found = self.groups.get(group)
        return found is not None and key in found.required and (group, key) in self.group_arrays


class _Resolver:
    """`$ref`s followed within the local schema set; each node keeps the description of the property that
    refers to it."""

    def __init__(self, schemas: SchemaSet) -> None:
        self.schemas = schemas

    def resolve(self, node: dict[str, Any], base: str) -> tuple[dict[str, Any], str, str | None]:
        """(the node, its base URI, the `$defs` name it was reached by, if any)."""
        name = None
        while "$ref" in node:
            ref = node["$ref"]
            target = urljoin(base, ref)
            fragment = urldefrag(target).fragment
            name = fragment.rsplit("/", 1)[-1] if fragment.startswith("/$defs/") else None
            node = self.schemas.registry.resolver(base_uri=base).lookup(ref).contents
            base = urldefrag(target).url
        return node, base, name

    def is_span(self, base: str) -> bool:
        return base == self.schemas.uri("span")


@dataclass
class _Builder:
    schemas: SchemaSet
    resolver: _Resolver
    controls: list[Control] = field(default_factory=list)
    event_arrays: set[str] = field(default_factory=set)
    group_arrays: set[tuple[str, str]] = field(default_factory=set)

    def control(
        self, name: str, owner: str, group: str | None, key: str, prop: dict[str, Any], base: str
    ) -> bool:
        """Add the control for one property; False when the property is of no kind a control can hold."""
        description = str(prop.get("description", ""))
        node, node_base, label_name = self.resolver.resolve(prop, base)
        description = description or str(node.get("description", ""))
        common: dict[str, Any] = {
            "name": name,
            "owner": owner,
            "group": group,
            "key": key,
            "description": description,
        }
        title = key.replace("_", " ")
        kind = node.get("type")
        if kind == "array":
            items, _, item_label = self.resolver.resolve(node.get("items", {}), node_base)
            label = self.schemas.labels.get(item_label or "")
            if label is not None:
                self.controls.append(self._choices(common, title, label, many=True))
                return True
            if items.get("type") == "string" and "enum" not in items:
                self.controls.append(Control(kind=TEXTAREA, many=True, title=title, **common))
                return True
            return False
        label = self.schemas.labels.get(label_name or "")
        if label is not None and "enum" in node:
            self.controls.append(self._choices(common, title, label, many=False))
        elif kind == "boolean":
            hints = (description, "No.")
            choice = Control(
                kind=CHOICES, title=title, values=(True, False), hints=hints, boolean=True, **common
            )
            self.controls.append(choice)
        elif kind == "integer" and "enum" not in node:
            number = Control(
                kind=NUMBER, title=title, minimum=node.get("minimum"), maximum=node.get("maximum"), **common
            )
            self.controls.append(number)
        elif kind == "string" and node.get("format") == "date":
            self.controls.append(Control(kind=DATETIME, title=title, **common))
        elif kind == "string" and "enum" not in node:
            self.controls.append(Control(kind=TEXTAREA, title=title, **common))
        else:
            return False
        return True

    def _choices(self, common: dict[str, Any], title: str, label: Any, many: bool) -> Control:
        hints = tuple(label.descriptions[str(v)] for v in label.values)
        return Control(kind=CHOICES, many=many, title=title, values=label.values, hints=hints, **common)

    def group(self, key: str, prefix: str, pick: str | None, prop: dict[str, Any], base: str) -> Group | None:
        node, node_base, _ = self.resolver.resolve(prop, base)
        if pick is not None:
            node, node_base, _ = self.resolver.resolve(node.get("items", {}), node_base)
        if node.get("type") != "object":
            return None
        evidence, evidence_hint = False, ""
        for name, sub in node.get("properties", {}).items():
            if pick == PRIMARY and name == "primary":
                continue  # the selector: the count the controls hold is the primary one
            resolved, sub_base, _ = self.resolver.resolve(sub, node_base)
            if name == "evidence" and self._spans(resolved, sub_base):
                evidence, evidence_hint = True, str(sub.get("description") or resolved.get("description", ""))
                continue
            if resolved.get("type") == "array":
                self.group_arrays.add((key, name))
            self.control(f"{prefix}_{name}", EVENT, key, name, sub, node_base)
        return Group(
            key=key,
            prefix=prefix,
            title=str(node.get("title", key)),
            description=str(prop.get("description") or node.get("description", "")),
            pick=pick,
            order=tuple(node.get("properties", {})),
            required=frozenset(node.get("required", ())),
            evidence=evidence,
            evidence_hint=evidence_hint,
        )

    def _spans(self, node: dict[str, Any], base: str) -> bool:
        if node.get("type") != "array":
            return False
        _, items_base, _ = self.resolver.resolve(node.get("items", {}), base)
        return self.resolver.is_span(items_base)


def _evidence_hint(event: dict[str, Any]) -> str:
    return str(event.get("properties", {}).get("evidence", {}).get("description", "Evidence of the event."))


@lru_cache(maxsize=8)
def build_form(schemas: SchemaSet | None = None) -> Form:
    """The labeling form of a schema set (default: the project's schema)."""
    schemas = schemas or load_schemas()
    resolver = _Resolver(schemas)
    builder = _Builder(schemas, resolver)
    root = schemas.schema("annotation")
    root_base = schemas.uri("annotation")
    for key, prop in root.get("properties", {}).items():
        if key not in NOT_LABELLED:
            builder.control(key, TASK, None, key, prop, root_base)
    event, event_base, _ = resolver.resolve(root["properties"]["events"]["items"], root_base)
    groups: dict[str, Group] = {}
    extra_names: list[str] = []
    for key, prop in event.get("properties", {}).items():
        resolved, _, _ = resolver.resolve(prop, event_base)
        if resolved.get("type") == "array":
            builder.event_arrays.add(key)
        if key == "id":
            builder.control(EVENT_ID, EVENT, None, key, prop, event_base)
        elif key == "evidence" or key == INDICATORS:
            continue  # regions: the event's own spans, the indicators'
        elif key in EVENT_OBJECTS or key in EVENT_ITEMS:
            prefix, pick = (EVENT_OBJECTS[key], None) if key in EVENT_OBJECTS else EVENT_ITEMS[key]
            made = builder.group(key, prefix, pick, prop, event_base)
            if made is None:
                extra_names.append(key)
            else:
                groups[key] = made
        elif not builder.control(key, EVENT, None, key, prop, event_base):
            extra_names.append(key)
    coercion, coercion_base, _ = resolver.resolve(event["properties"][INDICATORS]["items"], event_base)
    for key, prop in coercion.get("properties", {}).items():
        if key not in (INDICATOR_KEY, "evidence"):
            builder.control(f"{INDICATOR_LABELS}_{key}", INDICATOR, None, key, prop, coercion_base)
    indicator = schemas.labels["indicator"]
    dimensions = indicator.extra.get("dimensions", {})
    indicators = tuple(
        Label(str(v), indicator.descriptions[str(v)], dimensions.get(str(v))) for v in indicator.values
    )
    evidence = tuple(Label(g.prefix, f"{g.title}: {g.evidence_hint}") for g in groups.values() if g.evidence)
    document, _, _ = resolver.resolve(root["properties"]["document"], root_base)
    form = Form(
        schema_version=schemas.version,
        controls=tuple(builder.controls),
        groups=groups,
        event_label=Label(EVENT_LABEL, _evidence_hint(event)),
        indicators=indicators,
        evidence=evidence,
        event_order=tuple(event.get("properties", {})),
        event_required=frozenset(event.get("required", ())),
        indicator_order=tuple(coercion.get("properties", {})),
        annotation_order=tuple(root.get("properties", {})),
        document_title=str(document.get("title", "Document")),
        document_order=tuple(document.get("properties", {})),
        extra_description=(
            "Fields of the event this form cannot show, as JSON; keep them, or edit them as JSON: "
            + (", ".join(extra_names) if extra_names else "none")
            + ", and further sources and counts."
        ),
        event_arrays=frozenset(builder.event_arrays),
        group_arrays=frozenset(builder.group_arrays),
    )
    return form
