"""Values the toolkit computes from an annotation; they are never annotated by hand."""

from __future__ import annotations

from datetime import date
from typing import Any

from .schema import SchemaSet

COUNTING_STATUSES = ("stated", "hedged")
# (first day, last day, period) per the codebook; None = open-ended.
PERIODS: tuple[tuple[date | None, date | None, str], ...] = (
    (None, date(2017, 8, 4), "pre_2371"),
    (date(2017, 8, 5), date(2017, 9, 10), "2371_2375"),
    (date(2017, 9, 11), date(2019, 12, 22), "2375_2397"),
    (date(2019, 12, 23), None, "post_repatriation_deadline"),
)


def forced_labour_assessment(event: dict[str, Any], dimensions: dict[str, str]) -> str:
    """`indicated` when a stated/hedged indicator of each dimension (involuntariness, penalty) is coded,
    `possible` when only one dimension is, otherwise `insufficient`."""
    found = {
        dimensions.get(item.get("indicator", ""))
        for item in event.get("coercion", [])
        if item.get("status") in COUNTING_STATUSES
    }
    found.discard(None)
    if {"involuntariness", "penalty"} <= found:
        return "indicated"
    return "possible" if found else "insufficient"


def _period(day: date) -> str:
    for first, last, name in PERIODS:
        if (first is None or day >= first) and (last is None or day <= last):
            return name
    raise AssertionError(day)  # PERIODS covers every date


def sanctions_period(event: dict[str, Any]) -> str:
    """The sanctions period of the event's time window; `spans_periods` when it straddles a boundary and
    `unknown` without dates."""
    window = event.get("time", {})
    try:
        start, end = date.fromisoformat(window["start"]), date.fromisoformat(window["end"])
    except (KeyError, TypeError, ValueError):
        return "unknown"
    first, last = _period(start), _period(end)
    return first if first == last else "spans_periods"


def derived(event: dict[str, Any], schemas: SchemaSet) -> dict[str, str]:
    """Both derived values of one valid event."""
    return {
        "forced_labour_assessment": forced_labour_assessment(event, schemas.dimensions),
        "sanctions_period": sanctions_period(event),
    }
