"""Deliberate faults for synthetic annotations (tests only): semantic faults that keep an annotation valid
against the schema, and byte-level faults of its JSON text. Each fault returns a changed copy, or None when
the annotation has no place for it."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from typing import Any

from nklabor.annotation import text_sha256

Fault = Callable[[dict[str, Any]], dict[str, Any] | None]


def _spans(item: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for e in item["events"] for s in e["evidence"]]


def _retext(item: dict[str, Any], text: str) -> None:
    item["document"]["text"] = text
    item["document"]["text_sha256"] = text_sha256(text)


def quote_mismatch(item: dict[str, Any]) -> dict[str, Any]:
    _spans(item)[-1]["quote"] = "not the text"
    return item


def out_of_range(item: dict[str, Any]) -> dict[str, Any]:
    _spans(item)[0]["end"] = len(item["document"]["text"]) + 5
    return item


def hash_mismatch(item: dict[str, Any]) -> dict[str, Any]:
    item["document"]["text_sha256"] = "0" * 64
    return item


def carriage_return(item: dict[str, Any]) -> dict[str, Any]:
    _retext(item, item["document"]["text"] + "\r\n")
    return item


def not_nfc(item: dict[str, Any]) -> dict[str, Any]:
    _retext(item, item["document"]["text"] + " cafe\u0301")
    return item


def splits_grapheme(item: dict[str, Any]) -> dict[str, Any]:
    text = item["document"]["text"]
    start = len(text) + 1
    text += " \U0001f469\u200d\U0001f527 worker"
    _retext(item, text)
    item["events"][0]["evidence"].append({"start": start, "end": start + 1, "quote": text[start : start + 1]})
    return item


def duplicate_event_id(item: dict[str, Any]) -> dict[str, Any]:
    item["events"].append(copy.deepcopy(item["events"][0]))
    return item


def irrelevant_with_events(item: dict[str, Any]) -> dict[str, Any]:
    item["relevant"] = False
    return item


def _first_count(item: dict[str, Any]) -> dict[str, Any] | None:
    return next((c for e in item["events"] for c in e["counts"]), None)


def counts_order(item: dict[str, Any]) -> dict[str, Any] | None:
    count = _first_count(item)
    if count is None:
        return None
    count.update({"qualifier": "range", "min": 50, "max": 10})
    count.pop("best", None)
    return item


def counts_primary(item: dict[str, Any]) -> dict[str, Any] | None:
    count = _first_count(item)
    if count is None:
        return None
    count.pop("primary", None)
    return item


def counts_vague(item: dict[str, Any]) -> dict[str, Any] | None:
    count = _first_count(item)
    if count is None:
        return None
    count.update({"qualifier": "vague", "best": 3})
    return item


def duplicate_scope(item: dict[str, Any]) -> dict[str, Any] | None:
    count = _first_count(item)
    if count is None:
        return None
    event = next(e for e in item["events"] if count in e["counts"])
    twin = {k: v for k, v in count.items() if k != "primary"}
    event["counts"].append(twin)
    return item


def as_of_not_cumulative(item: dict[str, Any]) -> dict[str, Any] | None:
    count = _first_count(item)
    if count is None or count.get("scope") == "cumulative":
        return None
    count["as_of"] = "2020-01-01"
    return item


def duplicate_indicator(item: dict[str, Any]) -> dict[str, Any] | None:
    event = next((e for e in item["events"] if e["coercion"]), None)
    if event is None:
        return None
    event["coercion"].append(copy.deepcopy(event["coercion"][0]))
    return item


def secondary_repeats_primary(item: dict[str, Any]) -> dict[str, Any]:
    event = item["events"][0]
    event["secondary_types"] = [event["mobilization_type"]]
    if event["mobilization_type"] == "campaign_mobilization":
        event.setdefault("campaign_name", "80-day battle")
    return item


def legal_basis_without_detention(item: dict[str, Any]) -> dict[str, Any] | None:
    event = item["events"][0]
    if event["mobilization_type"].startswith("detention_"):
        return None
    event["legal_basis"] = "administrative"
    return item


def time_order(item: dict[str, Any]) -> dict[str, Any]:
    window = item["events"][0]["time"]
    window.update({"start": "2020-05-01", "end": "2019-05-01"})
    return item


def casualties_vague(item: dict[str, Any]) -> dict[str, Any]:
    item["events"][0]["casualties"] = {"qualifier": "vague", "deaths": 2}
    return item


def credibility_alone(item: dict[str, Any]) -> dict[str, Any]:
    item["events"][0]["sources"] = [dict(item["events"][0]["sources"][0], credibility=1)]
    return item


def overseas_at_home(item: dict[str, Any]) -> dict[str, Any]:
    event = item["events"][0]
    event["mobilization_type"] = "overseas_dispatch"
    event["place"] = {
        "country": "KP",
        "subdivisions": ["KP-08"],
        "precision": "site",
        "territory_status": "normal",
    }
    event.pop("route", None)
    event.pop("secondary_types", None)
    event.pop("legal_basis", None)
    return item


def needs_provision(item: dict[str, Any]) -> dict[str, Any]:
    event = item["events"][0]
    event["sanctions"] = dict(event["sanctions"], relevance="possible", provisions=[])
    return item


def unknown_subdivision(item: dict[str, Any]) -> dict[str, Any]:
    place = item["events"][0]["place"]
    place["subdivisions"] = [f"{place['country']}-99"]
    return item


def unknown_country(item: dict[str, Any]) -> dict[str, Any]:
    item["events"][0]["place"].update({"country": "ZZ", "subdivisions": ["ZZ-01"]})
    return item


def provenance_mismatch(item: dict[str, Any]) -> dict[str, Any]:
    item["document"]["title"]["provenance"] = "unknown"
    return item


def impossible_day(item: dict[str, Any]) -> dict[str, Any]:
    item["document"]["published"] = {"date": "2021-02-30", "provenance": "as_published"}
    return item


SEMANTIC: dict[str, Fault] = {
    f.__name__: f
    for f in (
        quote_mismatch,
        out_of_range,
        hash_mismatch,
        carriage_return,
        not_nfc,
        splits_grapheme,
        duplicate_event_id,
        irrelevant_with_events,
        counts_order,
        counts_primary,
        counts_vague,
        duplicate_scope,
        as_of_not_cumulative,
        duplicate_indicator,
        secondary_repeats_primary,
        legal_basis_without_detention,
        time_order,
        casualties_vague,
        credibility_alone,
        overseas_at_home,
        needs_provision,
        unknown_subdivision,
        unknown_country,
        provenance_mismatch,
        impossible_day,
    )
}


def inject(item: dict[str, Any], name: str) -> dict[str, Any] | None:
    """A copy of `item` with the semantic fault `name`, or None when it has no place for it."""
    return SEMANTIC[name](copy.deepcopy(item))


def first_span_end(line: str) -> tuple[int, int]:
    """Where the digits of the first span's `"end": N` of a JSON line are (start, end offsets)."""
    at = re.search(r'"end": [0-9]', line).end() - 1  # type: ignore[union-attr]
    stop = at
    while line[stop].isdigit():
        stop += 1
    return at, stop


def _at_offset(replace: Callable[[str], str]) -> Callable[[str], str]:
    """A fault that rewrites the digits of the first span's end offset."""

    def fault(line: str) -> str:
        a, b = first_span_end(line)
        return line[:a] + replace(line[a:b]) + line[b:]

    return fault


BYTE_FAULTS: dict[str, Callable[[str], str]] = {
    "float-offset": _at_offset(lambda digits: digits + ".0"),
    "exponent-offset": _at_offset(lambda digits: digits + "e0"),
    "unsafe-integer": _at_offset(lambda _: str(2**60)),
    "huge-integer": _at_offset(lambda _: "9" * 30),
    "overflow": _at_offset(lambda _: "1e400"),
    "nan": _at_offset(lambda _: "NaN"),
    "duplicate-key": lambda line: '{"annotator": "ann-02", ' + line[1:],
    "escaped-duplicate-key": lambda line: '{"annot\\u0061tor": "ann-02", ' + line[1:],
    "trailing-comma": lambda line: line[:-1] + ",}",
    "lone-surrogate": lambda line: line.replace('"relevant"', '"relevant\\ud800"', 1),
    "extra-data": lambda line: line + " 1",
    "not-an-object": lambda line: "[" + line + "]",
    "outdated-version": lambda line: line.replace('"schema_version": "2.0"', '"schema_version": "1.0"', 1),
    "unknown-version": lambda line: line.replace('"schema_version": "2.0"', '"schema_version": "9.9"', 1),
    "blank": lambda line: "   ",
}


def dumps(item: dict[str, Any]) -> str:
    return json.dumps(item, ensure_ascii=False)
