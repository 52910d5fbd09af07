"""Regenerate the data-driven validator cases: `python tests/data/build_cases.py`.

Each case under `invalid/<case>/` holds one faulty input (made from the valid base below by one deliberate
fault) and `expected.json`: the exact findings (code, JSON path, line) the validator must report, no more, no
fewer. Lines are found by searching the written file for a marker, independently of the validator."""

from __future__ import annotations

import copy
import json
import shutil
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nklabor.annotating.authoring import find_span
from nklabor.annotation import dump, text_sha256

HERE = Path(__file__).resolve().parent
SEED = HERE.parents[2] / "shared" / "seeds" / "000_338fbe31eaaa9b58.txt"
FALLBACK_TEXT = (
    "North Korean authorities will reassign soon-to-be discharged soldiers currently deployed in "
    "reconstruction "
    "efforts in flood-stricken Komdok, South Hamgyong Province, as miners in the region, Daily NK has "
    "learned.\u00a0"
    "\n\nAccording to a Daily NK source in the North Korean military last Thursday, North Korea\u2019s "
    "military "
    "manpower department issued an order June 21 for about 110 soldiers taking part in reconstruction "
    "efforts in "
    "Komdok to be reassigned as miners after they are discharged this autumn.\n\nThe decision means that the "
    "discharged soldiers will remain in the area as laborers rather than being sent home.\u00a0\n\nThe move "
    "is part "
    "of broader efforts to redeploy soldiers awaiting early discharge to collective farms and mines and, "
    "ultimately, is aimed at bolstering the local workforce with little regard for the soldiers\u2019 "
    "personal "
    "wishes.\u00a0\n"
)
TEXT = FALLBACK_TEXT


def span(quote: str) -> dict[str, Any]:
    return find_span(TEXT, quote)


def base() -> dict[str, Any]:
    """A small but complete valid annotation: two linked events from the Komdok report."""
    return {
        "schema_version": "2.0",
        "document": {
            "id": "test-komdok-excerpt",
            "outlet": "Daily NK",
            "outlet_type": "nk_specialist_outlet",
            "url": "https://www.dailynk.com/english/example-komdok/",
            "title": {"text": "Soldiers in Komdok to be reassigned as miners", "provenance": "as_published"},
            "published": {"date": "2021-06-28", "provenance": "as_published"},
            "language": "en",
            "text": TEXT,
            "text_sha256": text_sha256(TEXT),
        },
        "annotator": "ann-01",
        "role": "annotator",
        "annotated_at": "2026-11-20T10:00:00Z",
        "relevant": True,
        "events": [
            {
                "id": "e1",
                "mobilization_type": "military_labour",
                "secondary_types": ["emergency_recovery"],
                "population": ["conscripts"],
                "sector": ["construction"],
                "status": "ongoing",
                "recruitment_mode": "ordered",
                "place": {
                    "country": "KP",
                    "subdivisions": ["KP-08"],
                    "name": "Komdok",
                    "precision": "district",
                    "territory_status": "normal",
                },
                "time": {
                    "start": "2020-09-01",
                    "end": "2021-06-28",
                    "start_precision": "month",
                    "end_precision": "day",
                },
                "counts": [{"qualifier": "vague", "status": "stated", "primary": True}],
                "coercion": [],
                "sanctions": {"relevance": "none", "provisions": [], "evasion": []},
                "sources": [
                    {
                        "attribution": "anon_source_in_dprk",
                        "claim_status": "reported",
                        "reliability": "C",
                        "credibility": 3,
                    }
                ],
                "evidence": [
                    span("soldiers currently deployed in reconstruction efforts in flood-stricken Komdok")
                ],
                "group": "komdok-soldiers",
            },
            {
                "id": "e2",
                "mobilization_type": "discharged_soldier_placement",
                "population": ["discharged_soldiers"],
                "sector": ["mining"],
                "status": "planned",
                "recruitment_mode": "ordered",
                "place": {
                    "country": "KP",
                    "subdivisions": ["KP-08"],
                    "name": "Komdok",
                    "precision": "district",
                },
                "time": {
                    "start": "2021-09-01",
                    "end": "2021-11-30",
                    "start_precision": "season",
                    "end_precision": "season",
                },
                "counts": [
                    {
                        "best": 110,
                        "qualifier": "approx",
                        "scope": "total",
                        "status": "stated",
                        "primary": True,
                    }
                ],
                "coercion": [
                    {
                        "indicator": "st_compulsory_order",
                        "status": "stated",
                        "evidence": [span("military manpower department issued an order June 21")],
                    },
                    {
                        "indicator": "st_no_choice_of_assignment",
                        "status": "stated",
                        "evidence": [span("with little regard for the soldiers\u2019 personal wishes")],
                    },
                ],
                "sanctions": {"relevance": "none", "provisions": [], "evasion": []},
                "sources": [
                    {
                        "attribution": "anon_source_in_dprk",
                        "claim_status": "reported",
                        "reliability": "C",
                        "credibility": 3,
                    }
                ],
                "evidence": [span("about 110 soldiers taking part in reconstruction efforts in Komdok")],
                "group": "komdok-soldiers",
            },
        ],
        "notes": "Worked test case. SENSITIVE-NOTE: the source's unit is not to be published.",
    }


Mutation = Callable[[dict[str, Any]], None]
Marker = str | int | tuple[str, int]
# name -> (mutation of the dict, [(code, path, marker-or-line[, severity])]); a marker is a substring whose
# first
# line is the expected line; an int is the line itself. Severity defaults to error.
Expected = tuple[str, str, Marker] | tuple[str, str, Marker, str]
DICT_CASES: dict[str, tuple[Mutation, list[Expected]]] = {}


def case(name: str, *expected: Expected) -> Callable[[Mutation], Mutation]:
    def register(fn: Mutation) -> Mutation:
        DICT_CASES[name] = (fn, list(expected))
        return fn

    return register


@case("wrong-enum", ("schema.enum", "$.events[1].mobilization_type", '"discharged_soldier_plcement"'))
def _wrong_enum(d: dict[str, Any]) -> None:
    d["events"][1]["mobilization_type"] = "discharged_soldier_plcement"


@case(
    "missing-required",
    ("schema.required", "$.events[0].sources[0]", ('"attribution": "anon_source_in_dprk"', -1)),
)
def _missing_required(d: dict[str, Any]) -> None:
    del d["events"][0]["sources"][0]["claim_status"]


@case(
    "additional-property",
    ("schema.additional-property", "$.events[0].place.province", '"province"'),
)
def _additional(d: dict[str, Any]) -> None:
    d["events"][0]["place"]["province"] = "South Hamgyong"


@case("bad-date", ("schema.format", "$.events[1].time.end", '"2021-11-31"'))
def _bad_date(d: dict[str, Any]) -> None:
    d["events"][1]["time"]["end"] = "2021-11-31"


@case("bad-date-time", ("schema.format", "$.annotated_at", '"annotated_at"'))
def _bad_datetime(d: dict[str, Any]) -> None:
    d["annotated_at"] = "2026-11-20 10:00"


@case(
    "bad-uri",
    ("schema.format", "$.document.url", '"url"'),
    ("schema.pattern", "$.document.url", '"url"'),
)
def _bad_uri(d: dict[str, Any]) -> None:
    d["document"]["url"] = "dailynk article"


@case("annotator-name", ("schema.pattern", "$.annotator", '"annotator"'))
def _annotator_name(d: dict[str, Any]) -> None:
    d["annotator"] = "Kim Young-hee"


@case("wrong-type", ("schema.type", "$.relevant", '"relevant"'))
def _wrong_type(d: dict[str, Any]) -> None:
    d["relevant"] = "yes"


@case(
    "many-errors",
    ("schema.enum", "$.events[0].status", '"status": "going"'),
    ("schema.enum", "$.events[1].sector[0]", '"minig"'),
    ("span.quote-mismatch", "$.events[1].evidence[0]", ('"quote": "about 110 soldiers taking', -3)),
    ("schema.range", "$.events[1].counts[0].best", '"best": -1'),
    ("counts.order", "$.events[1].counts[0]", ('"min": 5', -1)),
)
def _many(d: dict[str, Any]) -> None:
    d["events"][0]["status"] = "going"
    d["events"][1]["sector"] = ["minig"]
    d["events"][1]["evidence"][0]["start"] += 1
    d["events"][1]["counts"] = [
        {"min": 5, "best": -1, "qualifier": "approx", "scope": "total", "status": "stated", "primary": True}
    ]


def _long_quote(d: dict[str, Any]) -> None:
    long = "x" * 2000
    d["events"][1]["evidence"][0]["quote"] = long


DICT_CASES["long-quote-not-echoed"] = (
    _long_quote,
    [("span.quote-mismatch", "$.events[1].evidence[0]", ('"quote": "xxxxxxxx', -3))],
)


@case(
    "span-off-by-one",
    (
        "span.quote-mismatch",
        "$.events[1].coercion[0].evidence[0]",
        ('"quote": "military manpower department', -3),
    ),
)
def _off_by_one(d: dict[str, Any]) -> None:
    ev = d["events"][1]["coercion"][0]["evidence"][0]
    ev["start"] += 1
    ev["end"] += 1


@case(
    "span-out-of-range",
    ("span.out-of-range", "$.events[0].evidence[0]", ('"quote": "soldiers currently', -3)),
)
def _out_of_range(d: dict[str, Any]) -> None:
    d["events"][0]["evidence"][0]["end"] = 100000


@case("hash-mismatch", ("text.hash-mismatch", "$.document.text_sha256", '"text_sha256"'))
def _hash(d: dict[str, Any]) -> None:
    d["document"]["text"] = d["document"]["text"].replace("110", "120")
    # keep spans consistent with the edited text so that only the hash is wrong
    for ev in d["events"]:
        for s in ev["evidence"]:
            s["quote"] = s["quote"].replace("110", "120")


@case(
    "not-nfc",
    ("text.not-nfc", "$.document.text", '"text": "North'),
    ("text.hash-mismatch", "$.document.text_sha256", '"text_sha256"'),
)
def _not_nfc(d: dict[str, Any]) -> None:
    d["document"]["text"] = d["document"]["text"] + unicodedata.normalize("NFD", "Kim Jong-\u00e9un\n")


@case(
    "cr-line-endings",
    ("text.line-endings", "$.document.text", '"text": "North'),
    ("text.hash-mismatch", "$.document.text_sha256", '"text_sha256"'),
)
def _cr(d: dict[str, Any]) -> None:
    d["document"]["text"] = d["document"]["text"] + "Extra line\r\n"


@case(
    "duplicate-indicator",
    (
        "coercion.duplicate-indicator",
        "$.events[1].coercion[1].indicator",
        '"indicator": "st_compulsory_order"\u0001',
    ),
)
def _dup_indicator(d: dict[str, Any]) -> None:
    d["events"][1]["coercion"][1]["indicator"] = "st_compulsory_order"


@case("counts-order", ("counts.order", "$.events[1].counts[0]", ('"min": 200', -1)))
def _counts_order(d: dict[str, Any]) -> None:
    d["events"][1]["counts"] = [
        {"min": 200, "max": 100, "qualifier": "range", "scope": "total", "status": "stated", "primary": True}
    ]


@case("qualifier-mismatch", ("counts.qualifier-mismatch", "$.events[0].counts[0]", ('"best": 40', -1)))
def _qualifier(d: dict[str, Any]) -> None:
    d["events"][0]["counts"] = [{"best": 40, "qualifier": "vague", "status": "stated", "primary": True}]


@case("time-order", ("time.order", "$.events[1].time", '"time": {\u0001'))
def _time_order(d: dict[str, Any]) -> None:
    d["events"][1]["time"]["start"] = "2021-12-01"


@case(
    "subdivision-mismatch",
    ("place.subdivision-mismatch", "$.events[0].place.subdivisions[0]", '"RU-PRI"'),
)
def _subdivision(d: dict[str, Any]) -> None:
    d["events"][0]["place"]["subdivisions"] = ["RU-PRI"]


@case("unknown-country", ("place.unknown-country", "$.events[0].place.country", '"XQ"'))
def _country(d: dict[str, Any]) -> None:
    d["events"][0]["place"]["country"] = "XQ"
    del d["events"][0]["place"]["subdivisions"]


@case("occupied-needs-controller", ("schema.required", "$.events[1].place", '"place": {\u0001'))
def _occupied(d: dict[str, Any]) -> None:
    d["events"][1]["place"] = {
        "country": "UA",
        "subdivisions": ["UA-14", "UA-09"],
        "precision": "province",
        "territory_status": "occupied",
    }


@case(
    "sanctions-domestic",
    ("sanctions.needs-foreign-place", "$.events[0].sanctions.relevance", '"direct"'),
)
def _sanctions_domestic(d: dict[str, Any]) -> None:
    d["events"][0]["sanctions"] = {
        "relevance": "direct",
        "provisions": ["unscr2397_p8"],
        "evasion": [],
    }


@case(
    "sanctions-no-provision",
    ("sanctions.needs-provision", "$.events[1].sanctions.provisions", '"provisions": []\u0001'),
)
def _sanctions_provision(d: dict[str, Any]) -> None:
    d["events"][1]["place"] = {"country": "RU", "subdivisions": ["RU-PRI"], "precision": "province"}
    d["events"][1]["sanctions"] = {"relevance": "possible", "provisions": [], "evasion": []}


@case("overseas-at-home", ("event.needs-foreign-place", "$.events[0].place", '"place": {'))
def _overseas(d: dict[str, Any]) -> None:
    d["events"][0]["mobilization_type"] = "overseas_dispatch"
    del d["events"][0]["secondary_types"]


@case("duplicate-event-id", ("event.duplicate-id", "$.events[1].id", '"id": "e1"\u0001'))
def _dup_event(d: dict[str, Any]) -> None:
    d["events"][1]["id"] = "e1"


@case("irrelevant-with-events", ("annotation.irrelevant-with-events", "$.events", '"events"'))
def _irrelevant(d: dict[str, Any]) -> None:
    d["relevant"] = False


@case(
    "secondary-repeats-primary",
    ("event.secondary-repeats-primary", "$.events[0].secondary_types", '"secondary_types"'),
)
def _secondary(d: dict[str, Any]) -> None:
    d["events"][0]["secondary_types"] = ["military_labour"]


@case("campaign-needs-name", ("schema.required", "$.events[0]", ('"id": "e1"', -1)))
def _campaign(d: dict[str, Any]) -> None:
    d["events"][0]["secondary_types"] = ["campaign_mobilization"]


@case("unregistered-annotator", ("annotator.unregistered", "$.annotator", '"annotator"'))
def _unregistered(d: dict[str, Any]) -> None:
    d["annotator"] = "ann-77"


@case(
    "float-offsets",
    ("json.float-for-integer", "$.events[0].evidence[0].start", '"start": 0.0'),
    ("json.float-for-integer", "$.events[0].evidence[0].end", '"end": 5.0'),
    ("span.quote-mismatch", "$.events[0].evidence[0]", ('"start": 0.0', -1)),
)
def _float_offsets(d: dict[str, Any]) -> None:
    # Integral floats pass JSON Schema's `integer`; the quote check must still run on them.
    d["events"][0]["evidence"][0].update(start=0.0, end=5.0)


@case(
    "float-credibility",
    ("json.float-for-integer", "$.events[0].sources[0].credibility", '"credibility": 3.0'),
)
def _float_credibility(d: dict[str, Any]) -> None:
    d["events"][0]["sources"][0]["credibility"] = 3.0


@case(
    "float-counts",
    ("json.float-for-integer", "$.events[1].counts[0].min", '"min": 800.0'),
    ("json.float-for-integer", "$.events[1].counts[0].max", '"max": 1000.0'),
)
def _float_counts(d: dict[str, Any]) -> None:
    d["events"][1]["counts"] = [
        {
            "min": 800.0,
            "max": 1000.0,
            "qualifier": "range",
            "scope": "total",
            "status": "stated",
            "primary": True,
        }
    ]


@case("id-trailing-newline", ("schema.pattern", "$.document.id", '"id": "test-komdok-excerpt\\n"'))
def _id_newline(d: dict[str, Any]) -> None:
    d["document"]["id"] += "\n"  # Python's `re` lets `$` match before it; JSON Schema's ECMA regex does not


@case(
    "span-splits-grapheme",
    (
        "span.splits-grapheme",
        "$.events[0].evidence[1]",
        ('"quote": "Workers \U0001f469', -3),
        "warning",
    ),
    ("span.splits-grapheme", "$.events[0].evidence[2]", ('"quote": "Yongq"', -3), "warning"),
)
def _grapheme(d: dict[str, Any]) -> None:
    doc = d["document"]
    # A ZWJ emoji sequence, and q + combining dot above (which has no NFC composition).
    doc["text"] += "Workers \U0001f469\u200d\U0001f527 left Yongq\u0307ang.\n"
    doc["text_sha256"] = text_sha256(doc["text"])
    text = doc["text"]
    emoji = text.index("Workers \U0001f469")
    d["events"][0]["evidence"].append({"start": emoji, "end": emoji + 9, "quote": text[emoji : emoji + 9]})
    name = text.index("Yongq")
    d["events"][0]["evidence"].append({"start": name, "end": name + 5, "quote": "Yongq"})


@case("role-not-granted", ("annotator.role-not-granted", "$.role", '"role"'))
def _role(d: dict[str, Any]) -> None:
    d["role"] = "adjudicator"


def _line_of(content: str, marker: str | int | tuple[str, int]) -> int:
    if isinstance(marker, int):
        return marker
    if isinstance(marker, tuple):
        return _line_of(content, marker[0]) + marker[1]
    nth = marker.count("\u0001") + 1  # "\x01" suffix = the second occurrence
    marker = marker.replace("\u0001", "")
    at = -1
    for _ in range(nth):
        at = content.index(marker, at + 1)
    return content.count("\n", 0, at) + 1


def write_case(
    name: str,
    files: dict[str, bytes],
    expected: list[dict[str, Any]],
    options: dict[str, Any] | None = None,
) -> None:
    """One case folder; `options` are keyword arguments of `validate()` for this case."""
    folder = HERE / "invalid" / name
    folder.mkdir(parents=True)
    for fname, content in files.items():
        (folder / fname).write_bytes(content)
    body: dict[str, Any] = {"findings": expected, **({"options": options} if options else {})}
    (folder / "expected.json").write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")


def _finding(content: str, code: str, path: str, marker: Marker, severity: str = "error") -> dict[str, Any]:
    found: dict[str, Any] = {"code": code, "path": path, "line": _line_of(content, marker)}
    if severity != "error":
        found["severity"] = severity
    return found


def main() -> None:
    global TEXT
    if SEED.exists():
        seed_text = SEED.read_text(encoding="utf-8")
        TEXT = "\n\n".join(seed_text.split("\n\n")[:4]) + "\n"
    else:
        TEXT = FALLBACK_TEXT
    for sub in ("valid", "invalid"):
        shutil.rmtree(HERE / sub, ignore_errors=True)
    (HERE / "valid").mkdir()
    good = base()
    good_text = dump(good)
    (HERE / "valid" / "komdok-excerpt.json").write_text(good_text, encoding="utf-8")
    # JSONL with CRLF endings and a U+2028 inside a string: both valid, line numbers must stay right.
    good = copy.deepcopy(good)
    good["document"]["id"] = "test-komdok-jsonl"
    second = copy.deepcopy(good)
    second["annotator"] = "ann-02"
    second["notes"] = "line\u2028separator inside a string is not a line break"
    lines = [json.dumps(good, ensure_ascii=False), json.dumps(second, ensure_ascii=False)]
    (HERE / "valid" / "two-annotators-crlf.jsonl").write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    good = base()

    for name, (mutate, expected) in DICT_CASES.items():
        data = copy.deepcopy(good)
        mutate(data)
        content = dump(data)
        findings = [_finding(content, *e) for e in expected]
        write_case(name, {"input.json": content.encode("utf-8")}, findings)

    raw = good_text.encode("utf-8")
    line_of = lambda marker: _line_of(good_text, marker)  # noqa: E731
    byte_cases: dict[str, tuple[str, bytes, list[tuple[str, str, int]]]] = {
        "bom": ("input.json", b"\xef\xbb\xbf" + raw, [("encoding.bom", "$", 1)]),
        "utf16": ("input.json", good_text.encode("utf-16"), [("encoding.utf16", "$", 1)]),
        "cp1252": (
            "input.json",
            good_text.replace("\u2019", "'")
            .replace("Daily NK", "Daily\u00a0NK\u2019s", 1)
            .encode("cp1252", "replace"),
            [("encoding.invalid-utf8", "$", line_of('"outlet"'))],
        ),
        "lone-surrogate-escape": (
            "input.json",
            raw.replace(b'"Daily NK"', b'"Daily NK \\ud800"', 1),
            [("encoding.lone-surrogate", "$.document.outlet", line_of('"outlet"'))],
        ),
        "lone-surrogate-bytes": (
            "input.json",
            raw.replace(b'"Daily NK"', b'"Daily NK \xed\xa0\x80"', 1),
            [("encoding.lone-surrogate", "$", line_of('"outlet"'))],
        ),
        "duplicate-key": (
            "input.json",
            raw.replace(
                b'"end_precision": "season"', b'"end_precision": "season", "end_precision": "month"', 1
            ),
            [
                (
                    "json.duplicate-key",
                    "$.events[1].time.end_precision",
                    line_of('"end_precision": "season"'),
                )
            ],
        ),
        "nan": (
            "input.json",
            raw.replace(b'"credibility": 3', b'"credibility": NaN', 1),
            [
                (
                    "json.non-finite-number",
                    "$.events[0].sources[0].credibility",
                    line_of('"credibility"'),
                )
            ],
        ),
        "infinity": (
            "input.json",
            raw.replace(b'"best": 110', b'"best": -Infinity', 1),
            [("json.non-finite-number", "$.events[1].counts[0].best", line_of('"best"'))],
        ),
        "huge-float": (
            "input.json",
            raw.replace(b'"best": 110', b'"best": 1e400', 1),
            [("json.non-finite-number", "$.events[1].counts[0].best", line_of('"best"'))],
        ),
        "oversized-integer": (
            "input.json",
            raw.replace(b'"best": 110', b'"best": 1' + b"0" * 30, 1),
            [("json.unsafe-integer", "$.events[1].counts[0].best", line_of('"best"'))],
        ),
        "deep-nesting": (
            "input.json",
            b'{"schema_version": "2.0", "events": ' + b"[" * 5000 + b"]" * 5000 + b"}",
            [("json.too-deep", "$", 1)],
        ),
        "moderately-deep": (
            "input.json",
            b'{"events": [' + b"[" * 40 + b"]" * 40 + b"]}",
            [("json.too-deep", "$", 1)],
        ),
        "trailing-comma": (
            "input.json",
            raw.replace(b'"evasion": []\n', b'"evasion": [],\n', 1),
            [("json.trailing-comma", "$", line_of('"evasion": []'))],
        ),
        "empty-file": ("input.json", b"", [("file.empty", "$", 1)]),
        "blank-jsonl-line": (
            "input.jsonl",
            (json.dumps(good, ensure_ascii=False) + "\n\n").encode()
            + json.dumps({**good, "annotator": "ann-02"}, ensure_ascii=False).encode()
            + b"\n",
            [("jsonl.blank-line", "$", 2)],
        ),
        "extra-data": (
            "input.json",
            raw + b'{"more": 1}\n',
            [("json.extra-data", "$", good_text.count("\n") + 1)],
        ),
        "null-record": ("input.json", b"null\n", [("record.not-object", "$", 1)]),
        "null-jsonl-line": (
            "input.jsonl",
            (json.dumps(good, ensure_ascii=False) + "\nnull\n[1]\n").encode(),
            [("record.not-object", "$", 2), ("record.not-object", "$", 3)],
        ),
        # `3e+0` is a JSON number: beside a real reading error it must not be reported too.
        "plus-exponent-beside-duplicate": (
            "input.json",
            raw.replace(b'"credibility": 3', b'"credibility": 3e+0', 1).replace(
                b'"end_precision": "season"', b'"end_precision": "season", "end_precision": "month"', 1
            ),
            [
                (
                    "json.duplicate-key",
                    "$.events[1].time.end_precision",
                    line_of('"end_precision": "season"'),
                )
            ],
        ),
        "negative-overflow": (
            "input.json",
            raw.replace(b'"best": 110', b'"best": -1e+9999', 1),
            [("json.non-finite-number", "$.events[1].counts[0].best", line_of('"best"'))],
        ),
        "crlf-jsonl-error-line": (
            "input.jsonl",
            b"\r\n".join(
                [
                    json.dumps(good, ensure_ascii=False).encode(),
                    json.dumps(
                        {**good, "annotator": "ann-02", "role": "annotator", "relevant": "no"},
                        ensure_ascii=False,
                    ).encode(),
                ]
            )
            + b"\r\n",
            [("schema.type", "$.relevant", 2)],
        ),
    }
    for name, (fname, blob, expected_bytes) in byte_cases.items():
        write_case(
            name,
            {fname: blob},
            [{"code": c, "path": p, "line": line} for c, p, line in expected_bytes],
        )

    # A JSONL line over the per-record cap is a finding, read in chunks and never held whole; the others pass.
    first = json.dumps(good, ensure_ascii=False)
    big = json.dumps({**good, "annotator": "ann-02", "notes": "n" * (2 * len(first))}, ensure_ascii=False)
    third = json.dumps(
        {**good, "document": {**good["document"], "id": "test-komdok-third"}}, ensure_ascii=False
    )
    write_case(
        "record-too-large",
        {"input.jsonl": f"{first}\n{big}\n{third}\n".encode()},
        [{"code": "record.too-large", "path": "$", "line": 2}],
        options={"max_record_bytes": len(first.encode()) + 100},
    )

    # Across files: two annotations of one document by one annotator; and differing text hashes.
    other = copy.deepcopy(good)
    other["annotated_at"] = "2026-11-21T09:00:00Z"
    write_case(
        "duplicate-annotation",
        {"a.json": raw, "b.json": dump(other).encode()},
        [
            {
                "code": "annotation.duplicate",
                "path": "$.annotator",
                "line": line_of('"annotator"'),
                "file": "b.json",
            }
        ],
    )
    edited = copy.deepcopy(good)
    edited["annotator"] = "ann-02"
    edited["document"]["text"] = TEXT + "Update: more to follow.\n"
    edited["document"]["text_sha256"] = text_sha256(edited["document"]["text"])
    write_case(
        "hash-conflict",
        {"a.json": raw, "b.json": dump(edited).encode()},
        [
            {
                "code": "document.hash-conflict",
                "path": "$.document.text_sha256",
                "line": line_of('"text_sha256"'),
                "file": "b.json",
            }
        ],
    )
    registry = {
        "schema_version": "1.0",
        "annotators": [{"id": "ann-01", "roles": ["annotator"], "email": "kim@example.org"}],
    }
    reg_text = json.dumps(registry, indent=2) + "\n"
    write_case(
        "registry-personal-data",
        {"annotators.json": reg_text.encode(), "input.json": raw},
        [
            {
                "code": "registry.personal-data",
                "path": "$.annotators[0].email",
                "line": _line_of(reg_text, '"email"'),
                "file": "annotators.json",
            }
        ],
    )


if __name__ == "__main__":
    main()
