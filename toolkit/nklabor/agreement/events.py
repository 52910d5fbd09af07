"""Event-level agreement: annotators' events are aligned into clusters (one per episode), then every field of
the
aligned events is compared with Krippendorff's alpha.

- Alignment: the first annotator by id is the base; each other annotator's events are matched one to one to
  the base's (`align.align`: type, place, evidence overlap, population, time). A cluster holds the base event
  and the events matched to it; an event that matches nothing is a cluster of its own and is reported as
  unaligned.
- Values that differ only by a schema default (territory_status `normal`, count scope `total`, text_region
  `body`, background false, leg status `actual`) are normalised before comparing.
- A unit is a cluster; an annotator without an event in it is a missing value. Set-valued fields are scored as
  present/absent per (cluster, value), as at document level; indicator status per (cluster, indicator) coded
  by both, on the ordinal scale denied < implied < hedged < stated; counts on the interval scale (the primary
  count's best, else the midpoint of min and max); dates in days."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from statistics import fmean
from typing import Any, Literal

from ..derive import assessment
from ..schema import SchemaSet
from .align import align
from .metrics import FieldAgreement, alpha

STATUS_ORDER = ("denied", "implied", "hedged", "stated")
"""Indicator status, weakest first."""
ASSESSMENT_ORDER = ("insufficient", "possible", "indicated")
RELEVANCE_ORDER = ("none", "contextual", "supply_chain", "possible", "direct")
CREDIBILITY_ORDER = (6, 5, 4, 3, 2, 1)
"""Admiralty credibility from 6 (cannot be judged) to 1 (confirmed)."""

Level = Literal["nominal", "ordinal", "interval"]


@dataclass(frozen=True)
class Cluster:
    """One episode: each annotator's event describing it (absent annotators coded none)."""

    document: str
    events: dict[str, Mapping[str, Any]]


@dataclass(frozen=True)
class Unaligned:
    """An event that matches no event of the base annotator (or of any other, for the base's own)."""

    document: str
    annotator: str
    event_id: str
    summary: str

    def to_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "document": self.document,
            "annotator": self.annotator,
            "event": self.event_id,
            "summary": self.summary,
        }


def with_defaults(event: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of `event` with the schema's defaults written out, so an omitted default equals its value."""
    out = dict(event)
    place = dict(out.get("place", {}))
    place.setdefault("territory_status", "normal")
    out["place"] = place
    out["route"] = [{"status": "actual", **leg} for leg in out.get("route", [])]
    out["counts"] = [{"scope": "total", "primary": False, **c} for c in out.get("counts", [])]
    out.setdefault("text_region", "body")
    out.setdefault("background", False)
    return out


def _summary(event: Mapping[str, Any]) -> str:
    place = event.get("place", {})
    where = ",".join(place.get("subdivisions", [])) or place.get("country", "?")
    window = event.get("time", {})
    return f"{event.get('mobilization_type')}, {where}, {window.get('start', '?')}..{window.get('end', '?')}"


def clusters(
    document: str, events: Mapping[str, Sequence[Mapping[str, Any]]]
) -> tuple[list[Cluster], list[Unaligned]]:
    """Align the events of one document's annotators (annotator -> events)."""
    annotators = sorted(events)
    base, others = annotators[0], annotators[1:]
    found = [Cluster(document, {base: with_defaults(e)}) for e in events[base]]
    matched_base: set[int] = set()
    unaligned: list[Unaligned] = []
    for who in others:
        matches = align(events[base], events[who])
        matched_base.update(matches)
        taken = set(matches.values())
        for i, j in matches.items():
            found[i].events[who] = with_defaults(events[who][j])
        for j, event in enumerate(events[who]):
            if j not in taken:
                found.append(Cluster(document, {who: with_defaults(event)}))
                unaligned.append(Unaligned(document, who, str(event.get("id")), _summary(event)))
    if others:
        for i, event in enumerate(events[base]):
            if i not in matched_base:
                unaligned.append(Unaligned(document, base, str(event.get("id")), _summary(event)))
    return found, unaligned


# Field values
# ------------------------------------------------------------------------------------------------


def _primary_count(event: Mapping[str, Any]) -> float | None:
    primary = next((c for c in event.get("counts", []) if c.get("primary")), None)
    if primary is None:
        return None
    if "best" in primary:
        return float(primary["best"])
    low, high = primary.get("min"), primary.get("max")
    if low is not None and high is not None:
        return (low + high) / 2
    return float(low if low is not None else high) if (low is not None or high is not None) else None


def _day(event: Mapping[str, Any], key: str) -> int | None:
    value = event.get("time", {}).get(key)
    return date.fromisoformat(value).toordinal() if isinstance(value, str) else None


def _main_source(event: Mapping[str, Any], key: str) -> Any:
    sources = event.get("sources", [])
    return sources[0].get(key) if sources else None


Scalar = Callable[[Mapping[str, Any]], Any]
SCALARS: dict[str, tuple[Level, Sequence[Any] | None, Scalar]] = {
    "mobilization_type": ("nominal", None, lambda e: e.get("mobilization_type")),
    "status": ("nominal", None, lambda e: e.get("status")),
    "phase": ("nominal", None, lambda e: e.get("phase")),
    "recruitment_mode": ("nominal", None, lambda e: e.get("recruitment_mode")),
    "text_region": ("nominal", None, lambda e: e.get("text_region")),
    "background": ("nominal", None, lambda e: e.get("background")),
    "place.country": ("nominal", None, lambda e: e.get("place", {}).get("country")),
    "place.precision": ("nominal", None, lambda e: e.get("place", {}).get("precision")),
    "time.start": ("interval", None, lambda e: _day(e, "start")),
    "time.end": ("interval", None, lambda e: _day(e, "end")),
    "time.start_precision": ("nominal", None, lambda e: e.get("time", {}).get("start_precision")),
    "time.end_precision": ("nominal", None, lambda e: e.get("time", {}).get("end_precision")),
    "counts.primary": ("interval", None, _primary_count),
    "sources.attribution": ("nominal", None, lambda e: _main_source(e, "attribution")),
    "sources.claim_status": ("nominal", None, lambda e: _main_source(e, "claim_status")),
    "sources.reliability": ("nominal", None, lambda e: _main_source(e, "reliability")),
    "sources.credibility": ("ordinal", CREDIBILITY_ORDER, lambda e: _main_source(e, "credibility")),
    "sanctions.relevance": ("ordinal", RELEVANCE_ORDER, lambda e: e.get("sanctions", {}).get("relevance")),
}
SETS: dict[str, Callable[[Mapping[str, Any]], frozenset[Any]]] = {
    "secondary_types": lambda e: frozenset(e.get("secondary_types", [])),
    "population": lambda e: frozenset(e.get("population", [])),
    "sector": lambda e: frozenset(e.get("sector", [])),
    "financial_extraction": lambda e: frozenset(e.get("financial_extraction", [])),
    "place.subdivisions": lambda e: frozenset(e.get("place", {}).get("subdivisions", [])),
    "sources": lambda e: frozenset(s.get("attribution") for s in e.get("sources", [])),
    "sanctions.provisions": lambda e: frozenset(e.get("sanctions", {}).get("provisions", [])),
    "sanctions.evasion": lambda e: frozenset(
        x.get("method") for x in e.get("sanctions", {}).get("evasion", [])
    ),
    "coercion": lambda e: frozenset(c.get("indicator") for c in e.get("coercion", [])),
}


def _observed(units: list[list[Any]]) -> float | None:
    same = [
        float(a == b)
        for unit in units
        for a, b in itertools.combinations([v for v in unit if v is not None], 2)
    ]
    return fmean(same) if same else None


def _row(
    name: str,
    measure: str,
    units: list[list[Any]],
    level: Level = "nominal",
    domain: Sequence[Any] | None = None,
) -> FieldAgreement:
    pairable = [u for u in units if sum(v is not None for v in u) >= 2]
    return FieldAgreement(name, measure, len(pairable), alpha(units, level, domain), _observed(units))


def field_agreement(found: list[Cluster], annotators: list[str], schemas: SchemaSet) -> list[FieldAgreement]:
    """Alpha per field over the clusters of every compared document."""

    def values(get: Callable[[Mapping[str, Any]], Any]) -> list[list[Any]]:
        return [[get(c.events[a]) if a in c.events else None for a in annotators] for c in found]

    rows = [
        _row(name, level if level != "nominal" else "nominal", values(get), level, domain)
        for name, (level, domain, get) in SCALARS.items()
    ]
    for name, get in SETS.items():
        chosen = sorted({v for c in found for e in c.events.values() for v in get(e)}, key=repr)
        units = [
            [(value in get(c.events[a])) if a in c.events else None for a in annotators]
            for c in found
            for value in chosen
        ]
        rows.append(_row(name, "presence", units))
    rows.append(_status_row(found, annotators))
    rows.append(
        _row(
            "forced_labour_assessment",
            "ordinal",
            values(lambda e: assessment(dict(e), schemas.dimensions).value),
            "ordinal",
            ASSESSMENT_ORDER,
        )
    )
    return rows


def _status_row(found: list[Cluster], annotators: list[str]) -> FieldAgreement:
    """Indicator status on (cluster, indicator) units, compared where annotators coded the indicator."""
    units = []
    for cluster in found:
        coded = {
            a: {c["indicator"]: c["status"] for c in e.get("coercion", [])} for a, e in cluster.events.items()
        }
        for indicator in sorted({i for per in coded.values() for i in per}):
            units.append([coded.get(a, {}).get(indicator) for a in annotators])
    return _row("coercion.status", "ordinal", units, "ordinal", STATUS_ORDER)
