"""Event alignment: which events of two annotations describe the same episode.

Events are scored pairwise (type, place, evidence overlap, population, time window) and matched one to one,
most similar pairs first. Adjudication drafts from the matches; agreement and scoring compare matched events.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..annotation import Span, span_of, spans_overlap
from .metrics import masi_distance

MATCH_THRESHOLD = 0.45
"""Two events are the same episode when their similarity (0..1, see `event_similarity`) reaches this."""


def _spans(items: Iterable[Mapping[str, Any]]) -> list[Span]:
    return [span_of(s) for s in items]


def _overlap(a: Sequence[Span], b: Sequence[Span]) -> float:
    if not a or not b:
        return 0.0
    hits = sum(any(spans_overlap(x, y) for y in b) for x in a)
    hits_b = sum(any(spans_overlap(y, x) for x in a) for y in b)
    return (hits / len(a) + hits_b / len(b)) / 2


def event_similarity(a: Mapping[str, Any], b: Mapping[str, Any]) -> float:
    """How likely two events are the same episode, 0..1: weighted type (3), place (2), evidence overlap (2),
    population (1) and time-window overlap (1)."""
    types_a = {a["mobilization_type"], *a.get("secondary_types", [])}
    types_b = {b["mobilization_type"], *b.get("secondary_types", [])}
    kind = 1.0 if a["mobilization_type"] == b["mobilization_type"] else 0.5 if types_a & types_b else 0.0
    pa, pb = a.get("place", {}), b.get("place", {})
    place = 0.0
    if pa.get("country") == pb.get("country"):
        place = 0.5 + 0.5 * (set(pa.get("subdivisions", [])) == set(pb.get("subdivisions", [])))
    population = 1.0 - masi_distance(frozenset(a.get("population", [])), frozenset(b.get("population", [])))
    ta, tb = a.get("time", {}), b.get("time", {})
    try:
        when = float(ta["start"] <= tb["end"] and tb["start"] <= ta["end"])
    except (KeyError, TypeError):
        when = 0.0
    evidence = _overlap(_spans(a.get("evidence", [])), _spans(b.get("evidence", [])))
    return (3 * kind + 2 * place + 2 * evidence + population + when) / 9


def align(
    base: Sequence[Mapping[str, Any]],
    other: Sequence[Mapping[str, Any]],
    threshold: float = MATCH_THRESHOLD,
) -> dict[int, int]:
    """Match events one to one, most similar pairs first: base index -> other index, for pairs whose
    similarity
    reaches `threshold`."""
    scored = sorted(
        ((event_similarity(x, y), i, j) for i, x in enumerate(base) for j, y in enumerate(other)),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    matched: dict[int, int] = {}
    used: set[int] = set()
    for score, i, j in scored:
        if score < threshold:
            break
        if i not in matched and j not in used:
            matched[i] = j
            used.add(j)
    return matched
