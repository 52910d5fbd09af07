"""The description of every column and sub-field of a release, taken from the schema property it comes from.

A column's source is found by its name: `place_country` is `place.country` of an event,
`coercion.evidence.start` is `start` of a span in `coercion[*].evidence`, and so on. Columns that exist only
in a release (ids joining the configs, the pseudonymised annotator, derived values) are described here."""

from __future__ import annotations

from ..schema import ROOT, SchemaSet
from .features import Feature, List, Struct

EVENT = "$.events[*]"
RELEASE_ONLY = {
    "document_id": "`document.id` of the document the row belongs to (join key to `documents`).",
    "event_id": "Id of the event within its document (`events[*].id`); `document_id` + `event_id` is unique.",
    "annotator": "Release pseudonym (R1, R2, ...) of the annotator whose annotation is published; never the "
    "raw id. Stable across releases built with the project's pseudonym mapping.",
    "annotators": "How many annotators annotated the document (1, or more when it was adjudicated).",
    "agreement": "Observed agreement between the document's annotators before adjudication (0-1); empty "
    "with one.",
    "indicators": "Every coercion indicator coded on the event (the set of `coercion[*].indicator`).",
    "kind": "What the span is evidence for: the event itself, one coercion indicator, a count, the place, "
    "the time, the sanctions, an evasion item, the casualties or an actor.",
    "indicator_status": "The status of the indicator the span supports; empty for other evidence.",
    "count_min": "min of the event's primary count (`counts` holds every count).",
    "count_best": "best of the event's primary count.",
    "count_max": "max of the event's primary count.",
    "count_qualifier": "qualifier of the event's primary count.",
    "count_scope": "scope of the event's primary count.",
    "count_status": "status of the event's primary count.",
    "source_attribution": "attribution of the event's main source (`sources` holds every source).",
    "source_claim_status": "claim status of the event's main source.",
    "source_reliability": "Admiralty reliability of the event's main source.",
    "source_credibility": "Admiralty credibility of the event's main source.",
    "assessment_involuntariness": "The stated or hedged involuntariness indicators behind "
    "forced_labour_assessment.",
    "assessment_penalty": "The stated or hedged penalty indicators behind forced_labour_assessment.",
    "published_earliest": "The first day the publication date allows (YYYY-MM gives its first day).",
    "published_latest": "The last day the publication date allows (YYYY-MM gives its last day).",
}
# Flattened columns: `<prefix>_<field>` comes from `<object>.<field>` of the event.
FLATTENED = {"place": "place", "time": "time", "sanctions": "sanctions", "casualties": "casualties"}
DOCUMENT_OBJECTS = {"title": ("title", "text"), "published": ("published", "date")}
"""Document columns flattened from an object: column -> (object, the field its value is)."""


def schema_descriptions(schemas: SchemaSet) -> dict[str, str]:
    """Instance path (`$.events[*].place.country`) -> the description of its schema property (or, failing
    that, of what it refers to, or its title)."""
    found: dict[str, str] = {}
    for path, node in schemas.instance_nodes(ROOT):
        # A property's own description wins over the one of the definition it refers to (walked first).
        if isinstance(node.get("description"), str):
            found[path] = node["description"]
        elif isinstance(node.get("title"), str):
            found.setdefault(path, node["title"])
    for name, node in schemas.schema(ROOT).get("x-derived", {}).items():
        found[f"{EVENT}.{name}"] = node.get("description", name)
    return found


def _source(config: str, column: str) -> str:
    """The instance path a top-level column of `config` comes from."""
    if config == "documents":
        if column in ("relevant", "role", "annotator", "events"):
            return f"$.{column}"
        head, _, rest = column.partition("_")
        if column in DOCUMENT_OBJECTS:
            obj, field = DOCUMENT_OBJECTS[column]
            return f"$.document.{obj}.{field}"
        if head in DOCUMENT_OBJECTS and rest:
            return f"$.document.{head}.{rest}"
        return f"$.document.{column}"
    if config == "spans":
        return {
            "mobilization_type": f"{EVENT}.mobilization_type",
            "indicator": f"{EVENT}.coercion[*].indicator",
        }.get(column, f"{EVENT}.evidence[*].{column}")
    return _event_column(column)


def _event_column(column: str) -> str:
    head, _, rest = column.partition("_")
    if head in FLATTENED and rest:
        return f"{EVENT}.{FLATTENED[head]}.{rest}"
    return f"{EVENT}.{column}"


def _walk(feature: Feature, prefix: str, path: str, known: dict[str, str], out: dict[str, str]) -> None:
    inner = feature.feature if isinstance(feature, List) else feature
    item = f"{path}[*]" if isinstance(feature, List) else path
    if isinstance(inner, dict):
        for name, sub in inner.items():
            sub_path = _event_column(name) if path == "$.events" else f"{item}.{name}"
            _describe(f"{prefix}.{name}", name, sub_path, sub, known, out)


def _describe(
    key: str, name: str, path: str, feature: Feature, known: dict[str, str], out: dict[str, str]
) -> None:
    # Derived values (`sanctions_period`) look flattened but are not: they sit on the event itself.
    text = known.get(path) or known.get(f"{EVENT}.{name}") or RELEASE_ONLY.get(name)
    if text is None:
        raise KeyError(
            f"no description for release field {key} (schema path {path}): describe it in the schema"
        )
    out[key] = text
    _walk(feature, key, path, known, out)


def field_descriptions(schemas: SchemaSet, configs: dict[str, Struct]) -> dict[str, dict[str, str]]:
    """Config -> {dotted field path (`coercion.evidence.start`): description}, for every field of every
    config. `KeyError` names a field that has none, so a new column cannot ship undescribed."""
    known = schema_descriptions(schemas)
    out: dict[str, dict[str, str]] = {}
    for config, features in configs.items():
        described: dict[str, str] = {}
        for column, feature in features.items():
            _describe(column, column, _source(config, column), feature, known, described)
        out[config] = described
    return out
