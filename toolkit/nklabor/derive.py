"""Values nklabor computes from an annotation; they are never annotated by hand.

- `forced_labour_assessment` (with the indicators that triggered each dimension): `indicated` when an
  involuntariness and a penalty indicator are stated or hedged; flags (`x-dimensions: flag`) never count.
- `sanctions_period`: the sanctions period of the event's window; `not_applicable` for relevance none or
  contextual.
- `present_after_deadline`: whether the window runs past the UNSCR 2397 repatriation deadline (2019-12-22).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from .schema import SchemaSet

COUNTING_STATUSES = ("stated", "hedged")
DIMENSIONS = ("involuntariness", "penalty")
NOT_APPLICABLE_RELEVANCE = ("none", "contextual")
DEADLINE = date(2019, 12, 22)
# (first day, last day, period) per the codebook; None = open-ended.
PERIODS: tuple[tuple[date | None, date | None, str], ...] = (
    (None, date(2017, 8, 4), "pre_2371"),
    (date(2017, 8, 5), date(2017, 9, 10), "2371_2375"),
    (date(2017, 9, 11), DEADLINE, "2375_2397"),
    (date(2019, 12, 23), None, "post_repatriation_deadline"),
)


@dataclass(frozen=True)
class Assessment:
    """The derived assessment of one event and the indicators that triggered each dimension."""

    value: str
    involuntariness: tuple[str, ...]
    penalty: tuple[str, ...]


def assessment(event: dict[str, Any], dimensions: dict[str, str]) -> Assessment:
    """`indicated` when a stated/hedged indicator of each dimension (involuntariness, penalty) is coded,
    `possible` when only one dimension is, otherwise `insufficient`."""
    found: dict[str, list[str]] = {d: [] for d in DIMENSIONS}
    for item in event.get("coercion", []):
        dimension = dimensions.get(item.get("indicator", ""))
        if item.get("status") in COUNTING_STATUSES and dimension in found:
            found[dimension].append(item["indicator"])
    present = [d for d in DIMENSIONS if found[d]]
    value = "indicated" if len(present) == 2 else "possible" if present else "insufficient"
    return Assessment(value, tuple(found["involuntariness"]), tuple(found["penalty"]))


def forced_labour_assessment(event: dict[str, Any], dimensions: dict[str, str]) -> str:
    """The assessment value alone (see `assessment`)."""
    return assessment(event, dimensions).value


def _period(day: date) -> str:
    for first, last, name in PERIODS:
        if (first is None or day >= first) and (last is None or day <= last):
            return name
    raise AssertionError(day)  # PERIODS covers every date


def _bounds(event: dict[str, Any]) -> tuple[date | None, date | None]:
    window = event.get("time", {})

    def day(key: str) -> date | None:
        try:
            return date.fromisoformat(window[key])
        except (KeyError, TypeError, ValueError):
            return None

    return day("start"), day("end")


def _relevant(event: dict[str, Any]) -> bool:
    return event.get("sanctions", {}).get("relevance") not in NOT_APPLICABLE_RELEVANCE


def sanctions_period(event: dict[str, Any]) -> str:
    """The sanctions period of the event's time window: `spans_periods` when it straddles a boundary,
    `unknown` when the known bounds cannot tell, `not_applicable` for relevance none or contextual."""
    if not _relevant(event):
        return "not_applicable"
    start, end = _bounds(event)
    if start and end:
        first, last = _period(start), _period(end)
        return first if first == last else "spans_periods"
    # An open window: a known start in the last period, or a known end in the first, still decides it.
    if start and _period(start) == PERIODS[-1][2]:
        return PERIODS[-1][2]
    if end and _period(end) == PERIODS[0][2]:
        return PERIODS[0][2]
    return "unknown"


def present_after_deadline(event: dict[str, Any]) -> bool | None:
    """True when the window runs past 2019-12-22 (UNSCR 2397 para. 8 is engaged by presence abroad); None when
    the bounds cannot tell or relevance is none or contextual."""
    if not _relevant(event):
        return None
    start, end = _bounds(event)
    if end is not None:
        return end > DEADLINE
    return True if start is not None and start > DEADLINE else None


def derived(event: dict[str, Any], schemas: SchemaSet) -> dict[str, Any]:
    """Every derived value of one valid event."""
    found = assessment(event, schemas.dimensions)
    return {
        "forced_labour_assessment": found.value,
        "assessment_involuntariness": list(found.involuntariness),
        "assessment_penalty": list(found.penalty),
        "sanctions_period": sanctions_period(event),
        "present_after_deadline": present_after_deadline(event),
    }
