"""The codebook's semantic rules that JSON Schema cannot express, checked on one annotation.

Written defensively: they also run on records that failed the schema, so that every finding is reported at
once, and skip any part whose shape is wrong (the schema already reports it).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from datetime import date
from functools import lru_cache
from typing import Any

import pycountry
import regex

from ..annotation import text_sha256
from ..report import Finding, short

KP = "KP"
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_SUBDIVISION = re.compile(r"^([A-Z]{2})-[A-Z0-9]{1,3}$")
_FOREIGN_RELEVANCE = ("direct", "possible")
_NEEDS = {
    "exact": ("best",),
    "approx": ("best",),
    "more_than": ("min",),
    "less_than": ("max",),
    "range": ("min", "max"),
}
_NO_NUMBERS = ("vague", "unknown")


@lru_cache(maxsize=1)
def _countries() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries)


@lru_cache(maxsize=1)
def _subdivisions() -> frozenset[str]:
    return frozenset(s.code for s in pycountry.subdivisions)


def _int(value: Any) -> int | None:
    """An integer value, an integral float too (3.0 is reported as `json.float-for-integer`, and its rules
    must
    still run), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


_GRAPHEME = regex.compile(r"\X")


@lru_cache(maxsize=64)
def _grapheme_starts(text: str) -> frozenset[int]:
    return frozenset(m.start() for m in _GRAPHEME.finditer(text)) | {len(text)}


def _splits_grapheme(text: str, at: int) -> bool:
    """True when offset `at` falls inside a user-perceived character (a base letter and its combining marks,
    an emoji ZWJ sequence, a flag). Plain ASCII around `at` is never split (the text has no \r), so the cost
    is paid only near other characters."""
    if at <= 0 or at >= len(text) or (text[at - 1].isascii() and text[at].isascii()):
        return False
    return at not in _grapheme_starts(text)


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        return None


def check(data: Any) -> list[Finding]:
    """Every semantic finding in one annotation."""
    if not isinstance(data, dict):
        return []
    out: list[Finding] = []
    doc = data.get("document")
    text = _check_text(doc, out) if isinstance(doc, dict) else None
    events = data.get("events")
    if data.get("relevant") is False and isinstance(events, list) and events:
        out.append(
            Finding(
                "annotation.irrelevant-with-events",
                "$.events",
                f"relevant is false but {len(events)} event(s) are given",
            )
        )
    if isinstance(events, list):
        seen: dict[str, int] = {}
        for i, event in enumerate(events):
            if isinstance(event, dict):
                _check_event(event, f"$.events[{i}]", text, seen, i, out)
    return out


def _check_text(doc: dict[str, Any], out: list[Finding]) -> str | None:
    text = doc.get("text")
    if not isinstance(text, str):
        return None
    if "\r" in text:
        out.append(Finding("text.line-endings", "$.document.text", "text contains \\r; use \\n line endings"))
    if not unicodedata.is_normalized("NFC", text):
        out.append(
            Finding(
                "text.not-nfc",
                "$.document.text",
                "text is not Unicode NFC (normalise it before hashing)",
            )
        )
    declared = doc.get("text_sha256")
    if isinstance(declared, str):
        actual = text_sha256(text)
        if declared != actual:
            out.append(
                Finding(
                    "text.hash-mismatch",
                    "$.document.text_sha256",
                    f"does not match the text (its SHA-256 is {actual[:12]}…); "
                    "the text was edited or the hash is stale",
                )
            )
    return text


def _check_span(span: Any, path: str, text: str | None, out: list[Finding]) -> None:
    if text is None or not isinstance(span, dict):
        return
    start, end, quote = _int(span.get("start")), _int(span.get("end")), span.get("quote")
    if start is None or end is None or not isinstance(quote, str):
        return  # wrong shape: the schema reports it
    if not 0 <= start < end <= len(text):
        out.append(
            Finding(
                "span.out-of-range",
                path,
                f"[{start}, {end}) is outside the text (0 <= start < end <= {len(text)})",
            )
        )
        return
    for edge, at in (("start", start), ("end", end)):
        if _splits_grapheme(text, at):
            out.append(
                Finding(
                    "span.splits-grapheme",
                    path,
                    f"{edge} {at} falls inside a character of several code points "
                    f"({short(text[max(0, at - 2) : at + 2])}); move it to a character boundary",
                    severity="warning",
                )
            )
    if text[start:end] == quote:
        return
    where = text.find(quote)
    if where >= 0:
        hint = f"; the quote is at [{where}, {where + len(quote)})"
    else:
        hint = f"; text there is {short(text[start:end])}"
    out.append(Finding("span.quote-mismatch", path, f"text[{start}:{end}] differs from the quote{hint}"))


def _check_event(
    event: dict[str, Any],
    path: str,
    text: str | None,
    seen: dict[str, int],
    index: int,
    out: list[Finding],
) -> None:
    event_id = event.get("id")
    if isinstance(event_id, str):
        if event_id in seen:
            out.append(
                Finding(
                    "event.duplicate-id",
                    f"{path}.id",
                    f"event id {short(event_id)} is already used by events[{seen[event_id]}]",
                )
            )
        else:
            seen[event_id] = index
    evidence = event.get("evidence")
    if isinstance(evidence, list):
        for j, span in enumerate(evidence):
            _check_span(span, f"{path}.evidence[{j}]", text, out)
    _check_coercion(event.get("coercion"), path, text, out)
    primary = event.get("mobilization_type")
    secondary = event.get("secondary_types")
    if isinstance(secondary, list) and primary in secondary:
        out.append(
            Finding(
                "event.secondary-repeats-primary",
                f"{path}.secondary_types",
                f"{short(primary)} is already the mobilization_type",
            )
        )
    _check_workers(event.get("workers"), f"{path}.workers", out)
    _check_time(event.get("time"), f"{path}.time", out)
    _check_places(event, path, out)


def _check_coercion(coercion: Any, path: str, text: str | None, out: list[Finding]) -> None:
    if not isinstance(coercion, list):
        return
    indicators: dict[str, int] = {}
    for j, item in enumerate(coercion):
        if not isinstance(item, dict):
            continue
        indicator = item.get("indicator")
        if isinstance(indicator, str):
            if indicator in indicators:
                out.append(
                    Finding(
                        "coercion.duplicate-indicator",
                        f"{path}.coercion[{j}].indicator",
                        f"{indicator} is already coded in coercion[{indicators[indicator]}]",
                    )
                )
            else:
                indicators[indicator] = j
        spans = item.get("evidence")
        if isinstance(spans, list):
            for k, span in enumerate(spans):
                _check_span(span, f"{path}.coercion[{j}].evidence[{k}]", text, out)


def _check_workers(workers: Any, path: str, out: list[Finding]) -> None:
    if not isinstance(workers, dict):
        return
    numbers = {k: _int(workers.get(k)) for k in ("min", "best", "max")}
    given = [(k, v) for k, v in numbers.items() if v is not None]
    for (ka, va), (kb, vb) in itertools.pairwise(given):
        if va > vb:
            out.append(Finding("workers.order", path, f"{ka} ({va}) is greater than {kb} ({vb})"))
    qualifier = workers.get("qualifier")
    if qualifier in _NO_NUMBERS and given:
        out.append(
            Finding(
                "workers.qualifier-mismatch",
                path,
                f"qualifier {qualifier!r} takes no numbers; remove {', '.join(k for k, _ in given)}",
            )
        )
    elif isinstance(qualifier, str) and qualifier in _NEEDS:
        missing = [k for k in _NEEDS[qualifier] if numbers[k] is None]
        if missing:
            out.append(
                Finding(
                    "workers.qualifier-mismatch",
                    path,
                    f"qualifier {qualifier!r} needs {' and '.join(missing)}",
                )
            )


def _check_time(window: Any, path: str, out: list[Finding]) -> None:
    if not isinstance(window, dict):
        return
    start, end = _date(window.get("start")), _date(window.get("end"))
    if start and end and start > end:
        out.append(Finding("time.order", path, f"start {start} is after end {end}"))


def _check_code(place: dict[str, Any], path: str, out: list[Finding]) -> None:
    country = place.get("country")
    sub = place.get("subdivision")
    controller = place.get("controlling_state")
    countries = _countries()
    if not all(isinstance(v, str | None) for v in (country, sub, controller)):
        return  # wrong shape: the schema reports it
    if (
        country in countries
        and (sub is None or (sub in _subdivisions() and sub[:3] == f"{country}-"))
        and (controller is None or controller in countries)
    ):
        return  # the common, valid case
    # Only codes of the right shape: the schema already reports the others.
    for key in ("country", "controlling_state"):
        code = place.get(key)
        if isinstance(code, str) and _COUNTRY.match(code) and code not in countries:
            out.append(
                Finding("place.unknown-country", f"{path}.{key}", f"{code!r} is not an ISO 3166-1 code")
            )
    if isinstance(sub, str) and _SUBDIVISION.match(sub):
        if isinstance(country, str) and not sub.startswith(f"{country}-"):
            out.append(
                Finding(
                    "place.subdivision-mismatch",
                    f"{path}.subdivision",
                    f"{sub!r} is not in country {country!r}"
                    + (
                        " (occupied territory keeps its own country's codes)"
                        if place.get("territory_status") == "occupied"
                        else ""
                    ),
                )
            )
        elif sub not in _subdivisions():
            out.append(
                Finding(
                    "place.unknown-subdivision",
                    f"{path}.subdivision",
                    f"{short(sub)} is not an ISO 3166-2 code",
                )
            )


def _check_places(event: dict[str, Any], path: str, out: list[Finding]) -> None:
    place = event.get("place")
    countries: list[str] = []
    if isinstance(place, dict):
        _check_code(place, f"{path}.place", out)
        if isinstance(place.get("country"), str):
            countries.append(place["country"])
    route = event.get("route")
    if isinstance(route, list):
        for j, leg in enumerate(route):
            if isinstance(leg, dict):
                _check_code(leg, f"{path}.route[{j}]", out)
                if leg.get("role") == "destination" and isinstance(leg.get("country"), str):
                    countries.append(leg["country"])
    abroad = any(c != KP for c in countries)
    if event.get("mobilization_type") == "overseas_dispatch" and countries and not abroad:
        out.append(
            Finding(
                "event.needs-foreign-place",
                f"{path}.place",
                "overseas_dispatch needs a place (or route destination) outside KP",
            )
        )
    sanctions = event.get("sanctions")
    if isinstance(sanctions, dict) and sanctions.get("relevance") in _FOREIGN_RELEVANCE:
        relevance = sanctions["relevance"]
        if countries and not abroad:
            out.append(
                Finding(
                    "sanctions.needs-foreign-place",
                    f"{path}.sanctions.relevance",
                    f"relevance {relevance!r} needs a place (or route destination) outside KP",
                )
            )
        provisions = sanctions.get("provisions")
        if isinstance(provisions, list) and not provisions:
            out.append(
                Finding(
                    "sanctions.needs-provision",
                    f"{path}.sanctions.provisions",
                    f"relevance {relevance!r} needs at least one provision",
                )
            )
