"""Realistic synthetic annotations, valid against the schema and every semantic rule, and the corpus writers.

For benchmarks and tests (not shipped): article-length text, 1-4 events with evidence and coercion spans.
Deterministic for a given seed. Notes carry a recognisable marker (`SENSITIVE-NOTE-...`) so leak scans can
look for it."""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from nklabor.annotation import ROLE_ADJUDICATOR, ROLE_ANNOTATOR, dump, file_name, text_sha256
from nklabor.schema import SchemaSet, load_schemas

MARKER = "SENSITIVE-NOTE-"

ANNOTATORS = ("ann-01", "ann-02", "ann-03")
ADJUDICATOR = "adj-01"
_WORDS = (
    "workers",
    "mine",
    "soldiers",
    "province",
    "order",
    "authorities",
    "source",
    "construction",
    "Russia",
    "dispatch",
    "brigade",
    "campaign",
    "rations",
    "quota",
    "selection",
    "party",
    "committee",
    "site",
    "labour",
    "reportedly",
    "housing",
    "flood",
    "recovery",
    "enterprise",
    "students",
    "farm",
    "harvest",
    "officials",
    "minders",
    "wages",
    "loyalty",
    "fund",
    "contract",
    "border",
    "train",
    "Rason",
    "Musan",
    "Hyesan",
    "said",
    "were",
    "sent",
    "to",
    "the",
    "and",
    "of",
    "in",
    "for",
    "by",
    "from",
    "with",
    "without",
    "pay",
    "—",
    "Ü",
)
_DOMESTIC = (("KP", "KP-08"), ("KP", "KP-09"), ("KP", "KP-10"), ("KP", "KP-13"), ("KP", "KP-01"))
_ABROAD = (("RU", "RU-PRI"), ("CN", "CN-JL"), ("RU", "RU-MOW"))
_DETENTION = (
    "detention_labour_training_camp",
    "detention_kyohwaso",
    "detention_kwanliso",
    "detention_pretrial",
)


def registry() -> dict[str, Any]:
    """An annotators.json registering every id the generator uses."""
    entries = [{"id": a, "roles": ["annotator"]} for a in ANNOTATORS]
    entries.append({"id": ADJUDICATOR, "roles": ["adjudicator"]})
    return {
        "schema_version": load_schemas().schema("annotators")["properties"]["schema_version"]["enum"][-1],
        "annotators": entries,
    }


def _text(rng: random.Random, sentences: int) -> tuple[str, list[tuple[int, int]]]:
    parts: list[str] = []
    bounds: list[tuple[int, int]] = []
    offset = 0
    for i in range(sentences):
        words = [rng.choice(_WORDS) for _ in range(rng.randint(8, 24))]
        sentence = " ".join(words).capitalize() + f" ({i})."
        sep = "\n\n" if i and i % 5 == 0 else " " if i else ""
        offset += len(sep)
        bounds.append((offset, offset + len(sentence)))
        parts.append(sep + sentence)
        offset += len(sentence)
    return "".join(parts), bounds


def _spans(rng: random.Random, text: str, bounds: list[tuple[int, int]], k: int) -> list[dict[str, Any]]:
    out = []
    for start, end in rng.sample(bounds, k):
        out.append({"start": start, "end": end, "quote": text[start:end]})
    return out


def _count(rng: random.Random, scope: str) -> dict[str, Any]:
    qualifier = rng.choice(("exact", "approx", "more_than", "less_than", "range", "vague"))
    low = rng.randint(5, 500)
    high = low + rng.randint(0, 1000)
    numbers = {
        "exact": {"best": low},
        "approx": {"best": low},
        "more_than": {"min": low},
        "less_than": {"max": high},
        "range": {"min": low, "max": high},
    }.get(qualifier, {})
    return {**numbers, "qualifier": qualifier, "scope": scope, "status": rng.choice(("stated", "hedged"))}


def _counts(rng: random.Random) -> list[dict[str, Any]]:
    """None, one or two counts (of different scopes), the first primary."""
    scopes = rng.sample(("total", "per_group", "per_rotation", "cumulative"), rng.choice((0, 1, 1, 2)))
    counts = [_count(rng, scope) for scope in scopes]
    if counts:
        counts[0]["primary"] = True
    return counts


def _event(
    rng: random.Random, schemas: SchemaSet, index: int, text: str, bounds: list[tuple[int, int]]
) -> dict[str, Any]:
    labels = schemas.labels
    kind = rng.choice(labels["mobilization_type"].values)
    abroad = kind == "overseas_dispatch" or rng.random() < 0.15
    country, subdivision = rng.choice(_ABROAD if abroad else _DOMESTIC)
    start = date(2015, 1, 1) + timedelta(days=rng.randint(0, 3650))
    end = start + timedelta(days=rng.randint(0, 240))
    status = rng.choice(labels["status"].values)
    if abroad:
        methods = rng.sample(labels["evasion"].values, rng.randint(0, 2))
        sanctions = {
            # direct needs the income to be earned already
            "relevance": rng.choice(("direct", "possible"))
            if status in ("ongoing", "completed")
            else "possible",
            "provisions": rng.sample(labels["provision"].values, rng.randint(1, 2)),
            "evasion": [
                {"method": m, "status": rng.choice(labels["evasion_status"].values)} for m in methods
            ],
        }
    else:
        sanctions = {
            "relevance": rng.choice(("none", "contextual", "supply_chain")),
            "provisions": [],
            "evasion": [],
        }
    indicators = rng.sample(labels["indicator"].values, rng.randint(0, 4))
    event: dict[str, Any] = {
        "id": f"e{index + 1}",
        "mobilization_type": kind,
        "population": rng.sample(labels["population"].values, rng.randint(1, 2)),
        "sector": rng.sample(labels["sector"].values, rng.randint(1, 2)),
        "status": status,
        "recruitment_mode": rng.choice(labels["recruitment_mode"].values),
        "financial_extraction": rng.sample(labels["financial_extraction"].values, rng.randint(0, 2)),
        "place": {
            "country": country,
            "subdivisions": [subdivision],
            "precision": rng.choice(("site", "district")),
            "territory_status": "normal",
        },
        "time": {
            "start": start.isoformat(),
            "end": end.isoformat(),
            "start_precision": rng.choice(("day", "month", "year")),
            "end_precision": rng.choice(("day", "dekad", "month")),
        },
        "counts": _counts(rng),
        "coercion": [
            {
                "indicator": ind,
                "status": rng.choice(labels["indicator_status"].values),
                "evidence": _spans(rng, text, bounds, rng.randint(1, 2)),
            }
            for ind in indicators
        ],
        "sanctions": sanctions,
        "sources": [
            {
                "attribution": rng.choice(labels["attribution"].values),
                "claim_status": rng.choice(labels["claim_status"].values),
                "reliability": rng.choice(labels["reliability"].values),
                "credibility": rng.choice(labels["credibility"].values[1:]),  # 1 needs corroboration
            }
        ],
        "evidence": _spans(rng, text, bounds, rng.randint(1, 3)),
    }
    if abroad:
        event["route"] = [
            {"role": "origin", "country": "KP"},
            {"role": "transit", "country": "KP", "subdivisions": ["KP-13"], "name": "Rason"},
            {"role": "destination", "country": country},
        ]
    if kind in _DETENTION and rng.random() < 0.5:
        event["secondary_types"] = ["campaign_mobilization"]
    if kind == "campaign_mobilization" or "campaign_mobilization" in event.get("secondary_types", []):
        event["campaign_name"] = rng.choice(("80-day battle", "150-day battle", "200-day battle"))
    return event


def _published(rng: random.Random, day: date) -> dict[str, Any]:
    """A publication date at day, month or year precision, with its provenance."""
    form = rng.choice(("day", "day", "month", "year"))
    if form == "day":
        return {"date": day.isoformat(), "provenance": "as_published"}
    shown = day.isoformat()[:7] if form == "month" else str(day.year)
    return {"date": shown, "provenance": "reconstructed", "basis": "from the URL path"}


def annotation(
    rng: random.Random,
    doc_index: int,
    seed: int = 0,
    annotator: str = "ann-01",
    schemas: SchemaSet | None = None,
) -> dict[str, Any]:
    """One synthetic annotation of document number `doc_index`."""
    schemas = schemas or load_schemas()
    doc_rng = random.Random(f"{seed}-{doc_index}")  # the same document text for every annotator
    text, bounds = _text(doc_rng, doc_rng.randint(25, 45))
    published = date(2016, 1, 1) + timedelta(days=doc_rng.randint(0, 3600))
    doc: dict[str, Any] = {
        "id": f"synthetic-{seed}-{doc_index:07d}",
        "outlet": "Synthetic News",
        "outlet_type": "nk_specialist_outlet",
        "url": f"https://example.org/articles/{seed}/{doc_index}",
        "title": {"text": f"Synthetic article {doc_index}", "provenance": "as_published"},
        "published": _published(doc_rng, published),
        "language": "en",
        "text": text,
        "text_sha256": text_sha256(text),
    }
    if doc_rng.random() < 0.2:
        doc["story_group"] = f"story-{seed}-{doc_index // 3:06d}"
    events = [_event(rng, schemas, i, text, bounds) for i in range(rng.randint(1, 4))]
    out: dict[str, Any] = {
        "schema_version": schemas.version,
        "document": doc,
        "annotator": annotator,
        "role": ROLE_ADJUDICATOR if annotator == ADJUDICATOR else ROLE_ANNOTATOR,
        "annotated_at": f"{published.isoformat()}T12:00:00Z",
        "relevant": True,
        "events": events,
    }
    if rng.random() < 0.5:
        out["notes"] = f"{MARKER}{seed}-{doc_index}-{annotator}: source is a relative in Musan"
    return out


def generate(n: int, seed: int = 0, per_document: int = 1) -> Iterator[dict[str, Any]]:
    """`n` documents' worth of annotations; with `per_document` > 1, that many annotators label each document
    independently (labels differ, text and hash are shared)."""
    schemas = load_schemas()
    rng = random.Random(seed)
    for i in range(n):
        for annotator in ANNOTATORS[:per_document]:
            yield annotation(rng, i, seed, annotator, schemas)


def corpus_annotations(
    n: int, seed: int = 3, two_annotators: Iterable[int] = (), adjudicated: Iterable[int] = ()
) -> list[dict[str, Any]]:
    """`n` synthetic documents, one annotation each; documents in `two_annotators` also get ann-02, those in
    `adjudicated` get ann-02 and the adjudicator adj-01. Every annotation carries a note."""
    schemas = load_schemas()
    rng = random.Random(seed)
    two, adj = set(two_annotators), set(adjudicated)
    out = []
    for i in range(n):
        annotators = ["ann-01"]
        if i in two or i in adj:
            annotators.append("ann-02")
        if i in adj:
            annotators.append(ADJUDICATOR)
        for annotator in annotators:
            item = annotation(rng, i, seed, annotator, schemas)
            item["notes"] = f"{MARKER}{seed}-{i}-{annotator}: the source is a cousin of the brigade leader"
            out.append(item)
    return out


def _registry_beside(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "annotators.json").write_text(json.dumps(registry()), encoding="utf-8")


def write_corpus(folder: Path, items: Iterable[dict[str, Any]]) -> Path:
    """Annotations as `folder/corpus.jsonl` beside an annotators.json; returns the folder."""
    _registry_beside(folder)
    with (folder / "corpus.jsonl").open("w", encoding="utf-8") as handle:
        for item in items:
            handle.write(json.dumps(item, ensure_ascii=False) + "\n")
    return folder


def write_files(folder: Path, items: Iterable[dict[str, Any]]) -> Path:
    """Annotations as `<doc-id>.<annotator>.json` files beside an annotators.json; returns the folder."""
    _registry_beside(folder)
    for item in items:
        name = file_name(item["document"]["id"], item["annotator"])
        (folder / name).write_text(dump(item), encoding="utf-8")
    return folder
