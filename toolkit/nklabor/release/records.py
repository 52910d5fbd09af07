"""A release's rows back in annotation form: the inverse of `tables.event_labels` for what a release keeps.

The scorer compares gold and predicted events in one shape, the annotation's: `events_of` rebuilds the events
of a `documents` row (class indices to codebook ids, flattened columns back into `place`, `time`, `counts`,
`coercion`, `sanctions` and `sources`). What a release does not publish is absent (notes, the raw
annotator); evidence of places, times, counts and the like is in the `spans` config only.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from .features import decode, features_of
from .layout import data_files


def _present(mapping: Mapping[str, Any]) -> dict[str, Any]:
    """The keys whose value is not None (optional fields a release stores as null)."""
    return {k: v for k, v in mapping.items() if v is not None}


def _spans(items: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    return [{"start": s["start"], "end": s["end"], "quote": s["quote"]} for s in items or []]


def _leg(leg: Mapping[str, Any]) -> dict[str, Any]:
    out = _present(leg)
    if not out.get("subdivisions"):
        out.pop("subdivisions", None)
    return out


def _source(source: Mapping[str, Any]) -> dict[str, Any]:
    out = _present({k: v for k, v in source.items() if k != "relayed_by"})
    if isinstance(out.get("credibility"), str):
        out["credibility"] = int(out["credibility"])  # an integer scale; its class names are its digits
    relayed = [_present(r) for r in source.get("relayed_by") or []]
    if relayed:
        out["relayed_by"] = relayed
    return out


def event_of(row: Mapping[str, Any]) -> dict[str, Any]:
    """One event of a decoded `documents.events` item (or `events` row) in annotation form."""
    place = _present(
        {
            "country": row.get("place_country"),
            "subdivisions": row.get("place_subdivisions") or None,
            "name": row.get("place_name"),
            "precision": row.get("place_precision"),
            "territory_status": row.get("place_territory_status"),
            "controlling_state": row.get("place_controlling_state"),
        }
    )
    time = _present(
        {
            "start": row.get("time_start"),
            "end": row.get("time_end"),
            "start_precision": row.get("time_start_precision"),
            "end_precision": row.get("time_end_precision"),
        }
    )
    casualties = _present(
        {
            "deaths": row.get("casualties_deaths"),
            "injuries": row.get("casualties_injuries"),
            "qualifier": row.get("casualties_qualifier"),
        }
    )
    event = {
        "id": row.get("id", row.get("event_id")),
        "mobilization_type": row.get("mobilization_type"),
        "secondary_types": row.get("secondary_types") or None,
        "population": row.get("population") or [],
        "sector": row.get("sector") or [],
        "status": row.get("status"),
        "phase": row.get("phase"),
        "recruitment_mode": row.get("recruitment_mode"),
        "financial_extraction": row.get("financial_extraction") or None,
        "campaign_name": row.get("campaign_name"),
        "group": row.get("group"),
        "text_region": row.get("text_region"),
        "background": row.get("background"),
        "place": place,
        "route": [_leg(leg) for leg in row.get("route") or []] or None,
        "time": time,
        "counts": [_present(c) for c in row.get("counts") or []],
        "coercion": [
            {"indicator": c["indicator"], "status": c["status"], "evidence": _spans(c.get("evidence"))}
            for c in row.get("coercion") or []
        ],
        "sanctions": {
            "relevance": row.get("sanctions_relevance"),
            "provisions": row.get("sanctions_provisions") or [],
            "evasion": [_present(x) for x in row.get("sanctions_evasion") or []],
        },
        "sources": [_source(s) for s in row.get("sources") or []],
        "outcomes": row.get("outcomes") or None,
        "casualties": casualties or None,
        "legal_basis": row.get("legal_basis"),
        "actors": [_present(a) for a in row.get("actors") or []] or None,
        "same_as": row.get("same_as") or None,
        "evidence": _spans(row.get("evidence")),
    }
    return _present(event)


def annotation_of(row: Mapping[str, Any], schema_version: str) -> dict[str, Any]:
    """A decoded `documents` row as an annotation without its annotator fields (`annotator`, `role`,
    `annotated_at`): what a prediction of the document looks like when it predicts the gold."""
    title = _present(
        {"text": row.get("title"), "provenance": row.get("title_provenance"), "basis": row.get("title_basis")}
    )
    published = _present(
        {
            "date": row.get("published"),
            "provenance": row.get("published_provenance"),
            "basis": row.get("published_basis"),
        }
    )
    document = _present(
        {
            "id": row["id"],
            "outlet": row.get("outlet"),
            "outlet_type": row.get("outlet_type"),
            "url": row.get("url"),
            "title": title,
            "published": published,
            "language": row.get("language"),
            "story_group": row.get("story_group"),
            "text": row.get("text"),
            "text_sha256": row.get("text_sha256"),
        }
    )
    return {
        "schema_version": schema_version,
        "document": document,
        "relevant": bool(row.get("relevant")),
        "events": [event_of(e) for e in row.get("events") or []],
    }


@dataclass(frozen=True)
class ReleasedDocument:
    """One document of a release: its split and its gold annotation in annotation form (no annotator
    fields)."""

    split: str
    annotation: dict[str, Any]

    @property
    def id(self) -> str:
        """The document id."""
        return str(self.annotation["document"]["id"])

    @property
    def text_sha256(self) -> str:
        """The SHA-256 of the document's text."""
        return str(self.annotation["document"]["text_sha256"])

    @property
    def events(self) -> list[dict[str, Any]]:
        """The gold events in annotation form."""
        return list(self.annotation["events"])


def documents(release: Path, schema_version: str) -> Iterator[ReleasedDocument]:
    """Every document of a release, split by split (train, validation, test), in row order."""
    for split, path in data_files(release, "documents"):
        features = features_of(pq.read_schema(path))
        for row in pq.read_table(path).to_pylist():
            decoded = {k: decode(v, features[k]) for k, v in row.items() if k in features}
            yield ReleasedDocument(split, annotation_of(decoded, schema_version))
