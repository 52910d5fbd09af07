"""The codebook's semantic rules that JSON Schema cannot express, checked on one annotation (schema 2.0).

Written defensively: they also run on records that failed the schema, so that every finding is reported at
once, and skip any part whose shape is wrong (the schema already reports it). `clean` is the hot path for
records the schema accepts: whether `check` would find anything, with the evidence spans found along the
schema's own paths.
"""

from __future__ import annotations

import itertools
import json
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import regex

from ..annotation import text_sha256
from ..report import Finding, short
from ..schema import Shape

KP = "KP"
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_SUBDIVISION = re.compile(r"^([A-Z]{2})-[A-Z0-9]{1,3}$")
_FOREIGN_RELEVANCE = ("direct", "possible")
_REALISED = ("ongoing", "completed")
_NEEDS = {
    "exact": ("best",),
    "approx": ("best",),
    "more_than": ("min",),
    "less_than": ("max",),
    "range": ("min", "max"),
}
_NEEDS_BASIS = ("reconstructed", "translated", "unknown")
_DETENTION = "detention_"
_GRAPHEME = regex.compile(r"\X")


def _iso_codes(standard: str, key: str) -> frozenset[str]:
    """The codes of one ISO 3166 list, read from pycountry's own database file: importing pycountry (and the
    package metadata it reads) and building its 5,000 subdivision objects would cost a fifth of a start-up
    for a set of strings. Falls back to pycountry's API if its files ever move."""
    spec = find_spec("pycountry")
    folders = spec.submodule_search_locations if spec is not None else None
    database = Path(next(iter(folders or [""]))) / "databases" / f"iso{standard}.json"
    try:
        entries = json.loads(database.read_text(encoding="utf-8"))[standard]
        return frozenset(entry[key] for entry in entries)
    except (OSError, ValueError, KeyError, TypeError):
        import pycountry

        records = pycountry.countries if standard == "3166-1" else pycountry.subdivisions
        return frozenset(getattr(record, key) for record in records)


@lru_cache(maxsize=1)
def _countries() -> frozenset[str]:
    return _iso_codes("3166-1", "alpha_2")


@lru_cache(maxsize=1)
def _subdivisions() -> frozenset[str]:
    return _iso_codes("3166-2", "code")


def _int(value: Any) -> int | None:
    """An integer value, an integral float too (3.0 is reported as `json.float-for-integer`, and its rules
    must still run), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        return None


def _dicts(value: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    """(index, item) of the objects in a list; nothing for anything else."""
    if isinstance(value, list):
        yield from ((i, item) for i, item in enumerate(value) if isinstance(item, dict))


_STEP = re.compile(r"\.([^.\[]+)|(\[\*\])")
Gather = Callable[[dict[str, Any], list[Any]], bool]


@dataclass(frozen=True)
class Evidence:
    """Where the evidence spans of an event are in an annotation the schema accepts: a trie of keys relative
    to the event (`"*"` for the items of a list; `None` marks a list of spans), and `gather`, the same trie
    compiled to plain loops."""

    trie: dict[str, Any]
    gather: Gather
    """`gather(event, spans)` appends every span of `event` to `spans`; False when a part is not shaped as the
    schema says (then nothing is proved)."""

    @classmethod
    def of(cls, shape: Shape) -> Evidence | None:
        """The evidence lists of `shape` under `$.events[*]`, or None when they are not where `_spans` would
        look for them alone (a list of spans that is not an array, a part that may be a list or an object)."""
        prefix = "$.events[*]"
        trie: dict[str, Any] = {}
        for path, types in sorted(shape.types.items()):
            if not path.startswith(prefix):
                continue
            keys = ["*" if star else key for key, star in _STEP.findall(path[len(prefix) :])]
            if "evidence" not in keys or keys.index("evidence") != len(keys) - 1:
                continue  # not evidence, or inside an evidence list (where `_spans` never looks)
            if types != {"array"}:
                return None
            node = trie
            for key in keys[:-1]:
                node = node.setdefault(key, {})
            node["evidence"] = None
        if not _unmixed(trie):
            return None
        return cls(trie, _compile(trie))


def _unmixed(trie: dict[str, Any]) -> bool:
    """No part of the trie is both a list (`*`) and an object (keys)."""
    subs = [sub for sub in trie.values() if sub is not None]
    return ("*" not in trie or len(trie) == 1) and all(_unmixed(sub) for sub in subs)


def _compile(trie: dict[str, Any]) -> Gather:
    """`Evidence.gather` for `trie`, as straight-line Python: one `get` per key, no walk of other values."""
    lines = ["def gather(event, spans):"]
    names = iter(range(1 << 30))

    def emit(var: str, branch: dict[str, Any], depth: int) -> None:
        pad = "    " * depth
        for key, sub in branch.items():
            value = f"v{next(names)}"
            lines.append(f"{pad}{value} = {var}.get({key!r})")
            if sub is None:
                lines.append(f"{pad}if type({value}) is list:")
                lines.append(f"{pad}    spans.extend({value})")
            elif "*" in sub:
                item = f"v{next(names)}"
                lines.append(f"{pad}if type({value}) is list:")
                lines.append(f"{pad}    for {item} in {value}:")
                lines.append(f"{pad}        if type({item}) is not dict:")
                lines.append(f"{pad}            return False")
                emit(item, sub["*"], depth + 2)
            else:
                lines.append(f"{pad}if type({value}) is dict:")
                emit(value, sub, depth + 1)
            lines.append(f"{pad}elif {value} is not None:")
            lines.append(f"{pad}    return False")

    emit("event", trie, 1)
    lines.append("    return True")
    scope: dict[str, Any] = {}
    exec("\n".join(lines), scope)  # the code is made from the schema's key names (repr'd), nothing else
    gather: Gather = scope["gather"]
    return gather


def check(data: Any) -> list[Finding]:
    """Every semantic finding in one annotation."""
    if not isinstance(data, dict):
        return []
    out: list[Finding] = []
    doc = data.get("document")
    text = None
    if isinstance(doc, dict):
        text = _check_text(doc, out)
        _check_metadata(doc, out)
    events = data.get("events")
    if data.get("relevant") is False and isinstance(events, list) and events:
        out.append(
            Finding(
                "annotation.irrelevant-with-events",
                "$.events",
                f"relevant is false but {len(events)} event(s) are given",
            )
        )
    seen: dict[str, int] = {}
    for i, event in _dicts(events):
        _check_event(event, f"$.events[{i}]", text, seen, i, out)
    return out


# Text, metadata and spans -----------------------------------------------------------------------------------


def _check_text(doc: dict[str, Any], out: list[Finding]) -> str | None:
    text = doc.get("text")
    if not isinstance(text, str):
        return None
    if "\r" in text:
        out.append(Finding("text.line-endings", "$.document.text", "text contains \\r; use \\n line endings"))
    if not unicodedata.is_normalized("NFC", text):
        out.append(
            Finding(
                "text.not-nfc", "$.document.text", "text is not Unicode NFC (normalise it before hashing)"
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


def _check_metadata(doc: dict[str, Any], out: list[Finding]) -> None:
    """A title or date that is not shown on the page says where it comes from; an absent one is unknown."""
    for field, value_key in (("title", "text"), ("published", "date")):
        node = doc.get(field)
        if not isinstance(node, dict) or not isinstance(node.get("provenance"), str):
            continue
        path = f"$.document.{field}"
        provenance = node["provenance"]
        has_value = value_key in node
        if has_value == (provenance == "unknown"):
            what = f"has a {value_key}" if has_value else f"has no {value_key}"
            out.append(
                Finding(
                    "metadata.provenance-mismatch",
                    f"{path}.provenance",
                    f"{field} {what} but its provenance is {provenance!r}"
                    + (" (an absent value is unknown)" if not has_value else ""),
                )
            )
        if provenance in _NEEDS_BASIS and "basis" not in node:
            out.append(
                Finding(
                    "metadata.missing-basis",
                    path,
                    f"a {provenance} {field} needs `basis`: how it was worked out or what was checked",
                )
            )
    published = doc.get("published")
    day = published.get("date") if isinstance(published, dict) else None
    if isinstance(day, str) and len(day) == 10 and _date(day) is None:
        out.append(Finding("date.invalid", "$.document.published.date", f"{day!r} is not a calendar day"))


def _splits_grapheme(text: str, at: int) -> bool:
    """True when offset `at` falls inside a user-perceived character (a base letter and its combining marks,
    an emoji ZWJ sequence, a flag). Plain ASCII around `at` is never split (the text has no \\r), so the cost
    is paid only near other characters, and only over the characters around `at`."""
    if at <= 0 or at >= len(text) or (text[at - 1].isascii() and text[at].isascii()):
        return False
    # Two ASCII characters in a row have a cluster boundary between them (no ASCII character is a prepend,
    # extend or joiner): clusters are walked from the last such boundary before `at`.
    start = at - 1
    while start > 0 and not (text[start].isascii() and text[start - 1].isascii()):
        start -= 1
    for match in _GRAPHEME.finditer(text, start):
        if match.end() >= at:
            return match.end() != at
    return False


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
    hint = (
        f"; the quote is at [{where}, {where + len(quote)})"
        if where >= 0
        else f"; text there is {short(text[start:end])}"
    )
    out.append(Finding("span.quote-mismatch", path, f"text[{start}:{end}] differs from the quote{hint}"))


def _spans(node: Any, path: str) -> Iterator[tuple[str, Any]]:
    """Every evidence span under an event: the event's own and those of its indicators, counts, place, time,
    sanctions, evasion items, casualties and actors (any `evidence` list, at any depth)."""
    stack: list[tuple[Any, str]] = [(node, path)]
    while stack:
        current, where = stack.pop()
        if isinstance(current, dict):
            for key, value in current.items():
                child = f"{where}.{key}"
                if key == "evidence" and isinstance(value, list):
                    yield from ((f"{child}[{j}]", span) for j, span in enumerate(value))
                elif isinstance(value, dict | list):
                    stack.append((value, child))
        elif isinstance(current, list):
            stack.extend((item, f"{where}[{j}]") for j, item in enumerate(current))


# One event --------------------------------------------------------------------------------------------------


def _check_event(
    event: dict[str, Any], path: str, text: str | None, seen: dict[str, int], index: int, out: list[Finding]
) -> None:
    event_id = event.get("id")
    if isinstance(event_id, str):
        if event_id in seen:
            message = f"event id {short(event_id)} is already used by events[{seen[event_id]}]"
            out.append(Finding("event.duplicate-id", f"{path}.id", message))
        else:
            seen[event_id] = index
    for where, span in sorted(_spans(event, path), key=lambda item: item[0]):
        _check_span(span, where, text, out)
    _check_coercion(event.get("coercion"), path, out)
    primary = event.get("mobilization_type")
    secondary = event.get("secondary_types")
    if isinstance(secondary, list) and primary in secondary:
        message = f"{short(primary)} is already the mobilization_type"
        out.append(Finding("event.secondary-repeats-primary", f"{path}.secondary_types", message))
    if "legal_basis" in event and isinstance(primary, str) and not primary.startswith(_DETENTION):
        message = f"legal_basis applies to detention types, not {short(primary)}"
        out.append(Finding("event.legal-basis-needs-detention", f"{path}.legal_basis", message))
    _check_counts(event.get("counts"), f"{path}.counts", out)
    _check_casualties(event.get("casualties"), f"{path}.casualties", out)
    _check_time(event.get("time"), f"{path}.time", out)
    _check_places(event, path, out)
    _check_sources(event.get("sources"), f"{path}.sources", out)


def _check_coercion(coercion: Any, path: str, out: list[Finding]) -> None:
    indicators: dict[str, int] = {}
    for j, item in _dicts(coercion):
        indicator = item.get("indicator")
        if not isinstance(indicator, str):
            continue
        if indicator in indicators:
            message = f"{indicator} is already coded in coercion[{indicators[indicator]}]"
            out.append(Finding("coercion.duplicate-indicator", f"{path}.coercion[{j}].indicator", message))
        else:
            indicators[indicator] = j


def _check_numbers(node: dict[str, Any], path: str, keys: tuple[str, ...], out: list[Finding]) -> None:
    """min <= best <= max where given, and the numbers the qualifier needs (or forbids)."""
    numbers = {k: _int(node.get(k)) for k in keys}
    given = [(k, v) for k, v in numbers.items() if v is not None]
    for (ka, va), (kb, vb) in itertools.pairwise(given):
        if va > vb:
            out.append(Finding("counts.order", path, f"{ka} ({va}) is greater than {kb} ({vb})"))
    qualifier = node.get("qualifier")
    if qualifier == "vague" and given:
        names = ", ".join(k for k, _ in given)
        out.append(
            Finding("counts.qualifier-mismatch", path, f"qualifier 'vague' takes no numbers; remove {names}")
        )
    elif isinstance(qualifier, str) and qualifier in _NEEDS and set(keys) == {"min", "best", "max"}:
        missing = [k for k in _NEEDS[qualifier] if numbers[k] is None]
        if missing:
            message = f"qualifier {qualifier!r} needs {' and '.join(missing)}"
            out.append(Finding("counts.qualifier-mismatch", path, message))


def _check_counts(counts: Any, path: str, out: list[Finding]) -> None:
    items = list(_dicts(counts))
    scopes: dict[str, int] = {}
    for j, item in items:
        where = f"{path}[{j}]"
        _check_numbers(item, where, ("min", "best", "max"), out)
        scope = item.get("scope", "total")
        if isinstance(scope, str):
            if scope in scopes:
                message = (
                    f"a second {scope} count (counts[{scopes[scope]}] is one): keep one figure per scope"
                )
                out.append(Finding("counts.duplicate-scope", f"{where}.scope", message))
            else:
                scopes[scope] = j
        if "as_of" in item and scope != "cumulative":
            out.append(
                Finding("counts.as-of-needs-cumulative", f"{where}.as_of", "as_of dates a cumulative count")
            )
    primaries = [j for j, item in items if item.get("primary") is True]
    if items and len(primaries) != 1:
        shown = ", ".join(f"counts[{j}]" for j in primaries) or "none"
        message = f"exactly one count is primary (the figure to aggregate); primary now: {shown}"
        out.append(Finding("counts.primary", path, message))


def _check_casualties(casualties: Any, path: str, out: list[Finding]) -> None:
    if not isinstance(casualties, dict):
        return
    qualifier = casualties.get("qualifier")
    given = [k for k in ("deaths", "injuries") if _int(casualties.get(k)) is not None]
    if qualifier == "vague" and given:
        message = f"qualifier 'vague' takes no numbers; remove {', '.join(given)}"
        out.append(Finding("counts.qualifier-mismatch", path, message))
    elif qualifier != "vague" and not given:
        message = f"qualifier {short(qualifier)} needs deaths or injuries"
        out.append(Finding("counts.qualifier-mismatch", path, message))


def _check_time(window: Any, path: str, out: list[Finding]) -> None:
    if not isinstance(window, dict):
        return
    start, end = _date(window.get("start")), _date(window.get("end"))
    if start and end and start > end:
        out.append(Finding("time.order", path, f"start {start} is after end {end}"))


# Places and sanctions ---------------------------------------------------------------------------------------


def _check_codes(place: dict[str, Any], path: str, out: list[Finding]) -> None:
    country, controller, subs = (
        place.get("country"),
        place.get("controlling_state"),
        place.get("subdivisions"),
    )
    subs = subs if isinstance(subs, list) else []
    countries = _countries()
    known = _subdivisions()
    if not all(isinstance(v, str | None) for v in (country, controller)) or not all(
        isinstance(s, str) for s in subs
    ):
        return  # wrong shape: the schema reports it
    if (
        country in countries
        and controller in (None, *countries)
        and all(s in known and s[:3] == f"{country}-" for s in subs)
    ):
        return  # the common, valid case
    # Only codes of the right shape: the schema already reports the others.
    for key in ("country", "controlling_state"):
        code = place.get(key)
        if isinstance(code, str) and _COUNTRY.match(code) and code not in countries:
            out.append(
                Finding("place.unknown-country", f"{path}.{key}", f"{code!r} is not an ISO 3166-1 code")
            )
    for k, sub in enumerate(subs):
        if not _SUBDIVISION.match(sub):
            continue
        where = f"{path}.subdivisions[{k}]"
        if isinstance(country, str) and not sub.startswith(f"{country}-"):
            occupied = place.get("territory_status") == "occupied"
            hint = " (occupied territory keeps its own country's codes)" if occupied else ""
            out.append(
                Finding("place.subdivision-mismatch", where, f"{sub!r} is not in country {country!r}{hint}")
            )
        elif sub not in known:
            out.append(Finding("place.unknown-subdivision", where, f"{short(sub)} is not an ISO 3166-2 code"))


def _event_countries(event: dict[str, Any], path: str, out: list[Finding]) -> list[str]:
    countries: list[str] = []
    place = event.get("place")
    if isinstance(place, dict):
        _check_codes(place, f"{path}.place", out)
        if isinstance(place.get("country"), str):
            countries.append(place["country"])
    for j, leg in _dicts(event.get("route")):
        _check_codes(leg, f"{path}.route[{j}]", out)
        if leg.get("role") == "destination" and isinstance(leg.get("country"), str):
            countries.append(leg["country"])
    return countries


def _check_places(event: dict[str, Any], path: str, out: list[Finding]) -> None:
    countries = _event_countries(event, path, out)
    abroad = any(c != KP for c in countries)
    if event.get("mobilization_type") == "overseas_dispatch" and countries and not abroad:
        message = "overseas_dispatch needs a place (or route destination) outside KP"
        out.append(Finding("event.needs-foreign-place", f"{path}.place", message))
    sanctions = event.get("sanctions")
    if not isinstance(sanctions, dict):
        return
    _check_evasion(sanctions.get("evasion"), f"{path}.sanctions.evasion", out)
    relevance = sanctions.get("relevance")
    if relevance not in _FOREIGN_RELEVANCE:
        return
    if countries and not abroad:
        message = f"relevance {relevance!r} needs a place (or route destination) outside KP"
        out.append(Finding("sanctions.needs-foreign-place", f"{path}.sanctions.relevance", message))
    provisions = sanctions.get("provisions")
    if isinstance(provisions, list) and not provisions:
        message = f"relevance {relevance!r} needs at least one provision"
        out.append(Finding("sanctions.needs-provision", f"{path}.sanctions.provisions", message))
    status = event.get("status")
    if relevance == "direct" and isinstance(status, str) and status not in _REALISED:
        message = (
            f"direct needs income being earned (status ongoing or completed), not {status!r}: use possible"
        )
        out.append(Finding("sanctions.direct-needs-realised", f"{path}.sanctions.relevance", message))


def _check_evasion(evasion: Any, path: str, out: list[Finding]) -> None:
    seen: dict[str, int] = {}
    for j, item in _dicts(evasion):
        method = item.get("method")
        if isinstance(method, str):
            if method in seen:
                message = f"{method} is already listed in evasion[{seen[method]}]"
                out.append(Finding("sanctions.duplicate-evasion", f"{path}[{j}].method", message))
            else:
                seen[method] = j


def _check_sources(sources: Any, path: str, out: list[Finding]) -> None:
    items = list(_dicts(sources))
    # repr: a wrongly shaped value (a list) must not crash the rule; the schema reports it
    distinct = {(repr(s.get("attribution")), repr(s.get("name"))) for _, s in items}
    for j, source in items:
        if _int(source.get("credibility")) == 1 and len(distinct) < 2:
            message = "credibility 1 needs a second, independent source recorded in sources"
            out.append(Finding("source.credibility-needs-corroboration", f"{path}[{j}].credibility", message))


# The hot path: annotations that the schema accepts ---------------------------------------------------------
#
# `clean(data)` is True only when `check(data)` is []. Each rule below mirrors its defensive form above: where
# that one skips a wrongly shaped part, this one skips it under the same `isinstance` test; where a shortcut
# cannot decide (an unusual shape, a rare case), it asks the defensive rule itself. So it can only be slower
# than it needs to be, never laxer (tests/validation/test_semantic_clean.py holds the two together).


def clean(data: Any, evidence: Evidence) -> bool:
    """True when `check(data)` finds nothing, for an annotation that the schema accepts and whose evidence
    lists are all where `evidence` says (`Evidence.of` the schema's shape)."""
    if type(data) is not dict:
        return False
    doc = data.get("document")
    if type(doc) is not dict or type(doc.get("text")) is not str:
        return False
    out: list[Finding] = []
    text = _check_text(doc, out)
    _check_metadata(doc, out)
    events = data.get("events")
    if out or text is None or type(events) is not list or (events and data.get("relevant") is False):
        return False
    seen: set[str] = set()
    spans: list[Any] = []
    for event in events:
        if type(event) is not dict:
            return False
        event_id = event.get("id")
        if isinstance(event_id, str):
            if event_id in seen:
                return False
            seen.add(event_id)
        if not evidence.gather(event, spans) or not _event_clean(event):
            return False
    return _spans_clean(spans, text)


def _spans_clean(spans: list[Any], text: str) -> bool:
    size = len(text)
    for span in spans:
        if type(span) is not dict:
            return False
        start, end, quote = span.get("start"), span.get("end"), span.get("quote")
        if type(start) is not int or type(end) is not int or type(quote) is not str:
            out: list[Finding] = []
            _check_span(span, "$", text, out)
            if out:
                return False
            continue
        if not 0 <= start < end <= size or end - start != len(quote) or not text.startswith(quote, start):
            return False
        # _splits_grapheme's own first test, without the call: ASCII on both sides never splits a character
        if start and not text[start - 1 : start + 1].isascii() and _splits_grapheme(text, start):
            return False
        if end < size and not text[end - 1 : end + 1].isascii() and _splits_grapheme(text, end):
            return False
    return True


def _repeats(items: Any, key: str) -> bool:
    """Whether a list of objects has the same string `key` twice (the fast path's duplicate check)."""
    if not isinstance(items, list):
        return False
    seen = [item.get(key) for item in items if isinstance(item, dict)]
    found = [value for value in seen if isinstance(value, str)]
    return len(set(found)) < len(found)


def _event_clean(event: dict[str, Any]) -> bool:
    primary = event.get("mobilization_type")
    secondary = event.get("secondary_types")
    if isinstance(secondary, list) and primary in secondary:
        return False
    if "legal_basis" in event and isinstance(primary, str) and not primary.startswith(_DETENTION):
        return False
    if _repeats(event.get("coercion"), "indicator"):
        return False
    out: list[Finding] = []
    _check_casualties(event.get("casualties"), "$", out)
    _check_time(event.get("time"), "$", out)
    if out or not _counts_clean(event.get("counts")) or not _places_clean(event):
        return False
    sources = event.get("sources")
    if isinstance(sources, list):
        for source in sources:
            if isinstance(source, dict) and _number(source.get("credibility")) == 1:
                _check_sources(sources, "$", out)  # rare: the defensive rule decides
                break
    return not out


_NEEDED = {
    qualifier: tuple(("min", "best", "max").index(k) for k in keys) for qualifier, keys in _NEEDS.items()
}


def _number(value: Any) -> int | None:
    """`_int`, without the call for the usual int or absent value."""
    return value if type(value) is int or value is None else _int(value)


def _counts_clean(counts: Any) -> bool:
    if not isinstance(counts, list):
        return True
    scopes: set[str] = set()
    items = primaries = 0
    for item in counts:
        if not isinstance(item, dict):
            continue
        items += 1
        if not _numbers_clean(item):
            return False
        scope = item.get("scope", "total")
        if isinstance(scope, str):
            if scope in scopes:
                return False
            scopes.add(scope)
        if scope != "cumulative" and "as_of" in item:
            return False
        primaries += item.get("primary") is True
    return not items or primaries == 1


def _numbers_clean(item: dict[str, Any]) -> bool:
    """`_check_numbers` of one count finds nothing."""
    numbers = (_number(item.get("min")), _number(item.get("best")), _number(item.get("max")))
    last = None
    for value in numbers:
        if value is not None:
            if last is not None and last > value:
                return False  # counts.order
            last = value
    qualifier = item.get("qualifier")
    if qualifier == "vague":
        return last is None
    needed = _NEEDED.get(qualifier) if isinstance(qualifier, str) else None
    return needed is None or all(numbers[i] is not None for i in needed)


_CODES: list[frozenset[str]] = []


def _codes_clean(place: dict[str, Any]) -> bool:
    if not _CODES:
        _CODES.extend((_countries(), _subdivisions()))
    countries, known = _CODES
    country, controller = place.get("country"), place.get("controlling_state")
    subs = place.get("subdivisions")
    if (
        isinstance(country, str)
        and country in countries
        and (controller is None or (isinstance(controller, str) and controller in countries))
    ):
        if subs is None or not isinstance(subs, list):
            return True
        prefix = f"{country}-"
        for sub in subs:
            if not (isinstance(sub, str) and sub in known and sub[:3] == prefix):
                break
        else:
            return True
    out: list[Finding] = []
    _check_codes(place, "$", out)
    return not out


def _places_clean(event: dict[str, Any]) -> bool:
    countries: list[str] = []
    place = event.get("place")
    if isinstance(place, dict):
        if not _codes_clean(place):
            return False
        if isinstance(place.get("country"), str):
            countries.append(place["country"])
    route = event.get("route")
    for leg in route if isinstance(route, list) else ():
        if isinstance(leg, dict):
            if not _codes_clean(leg):
                return False
            if leg.get("role") == "destination" and isinstance(leg.get("country"), str):
                countries.append(leg["country"])
    at_home = bool(countries) and countries.count(KP) == len(countries)
    if event.get("mobilization_type") == "overseas_dispatch" and at_home:
        return False
    sanctions = event.get("sanctions")
    return not isinstance(sanctions, dict) or _sanctions_clean(event, sanctions, at_home)


def _sanctions_clean(event: dict[str, Any], sanctions: dict[str, Any], at_home: bool) -> bool:
    if _repeats(sanctions.get("evasion"), "method"):
        return False
    relevance = sanctions.get("relevance")
    if relevance not in _FOREIGN_RELEVANCE:
        return True
    provisions = sanctions.get("provisions")
    status = event.get("status")
    return not (
        at_home
        or (isinstance(provisions, list) and not provisions)
        or (relevance == "direct" and isinstance(status, str) and status not in _REALISED)
    )
