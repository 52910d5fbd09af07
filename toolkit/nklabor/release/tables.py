"""Gold annotations -> rows of the three release configs, and the Parquet writer.

- `documents`: one row per document: metadata, text (full flavour only), the gold annotator's release
  pseudonym and the nested events.
- `events`: one row per event: the document id, every label flattened where natural, the derived
  `forced_labour_assessment` and `sanctions_period`, and the evidence spans.
- `spans`: one row per evidence span with what it supports (the event, or one coercion indicator), for
  span-extraction training; join on `document_id` for the text.

Every span carries `quote_sha256` (the SHA-256 of its quote); the quote itself only in the full flavour
(`flavours`). `rows` always gives full rows: a public table's schema leaves the text and quotes out.

Only the annotation fields listed in `PUBLISHED_PATHS` are read; `notes` never is. Rows come in a canonical
order (documents by id, events and spans in annotation order) and multi-label sets are sorted by class index,
so the same input always gives the same rows."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..annotation import text_sha256
from ..derive import derived
from ..schema import SchemaSet
from .features import ClassLabel, List, Struct, Value, arrow_schema
from .flavours import QUOTE_FIELD, TEXT_COLUMN, Flavour
from .layout import CONFIGS, SPLITS, data_file

BATCH_ROWS = 2000  # rows per row group: fixed, so the Parquet layout never depends on the input's chunking

# Fixed writer options: the same table always gives the same bytes under the pinned pyarrow. No dictionary
# encoding, so no page can carry a value that no written row holds.
WRITE_OPTIONS: dict[str, Any] = {
    "version": "2.6",
    "compression": "zstd",
    "compression_level": 3,
    "use_dictionary": False,
    "write_statistics": True,
    "data_page_version": "1.0",
    "data_page_size": 1 << 20,
    "use_byte_stream_split": False,
    "use_compliant_nested_type": True,
    "store_schema": True,
    "write_page_index": False,
    "write_page_checksum": True,
    "use_content_defined_chunking": False,
}


# Every annotation field a release reads. `annotator` is published as a release pseudonym only.
EVENT_FIELDS = (
    "id",
    "mobilization_type",
    "secondary_types",
    "population",
    "sector",
    "status",
    "phase",
    "recruitment_mode",
    "financial_extraction",
    "campaign_name",
    "group",
    "text_region",
    "background",
    "place",
    "route",
    "time",
    "counts",
    "coercion",
    "sanctions",
    "sources",
    "outcomes",
    "casualties",
    "legal_basis",
    "actors",
    "same_as",
    "evidence",
)
# Every annotation field a release reads. `annotator` is published as a release pseudonym only.
PUBLISHED_PATHS = frozenset(
    {
        *(
            f"$.document.{key}"
            for key in (
                "id",
                "title",
                "outlet",
                "outlet_type",
                "url",
                "published",
                "language",
                "story_group",
                "text",
                "text_sha256",
            )
        ),
        "$.relevant",
        "$.role",
        "$.annotator",
        *(f"$.events[*].{key}" for key in EVENT_FIELDS),
    }
)
PSEUDONYMIZED_PATHS = frozenset({"$.annotator"})
RENAMED_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "2.0": {
        "place_subdivision": ("place_subdivisions",),
        "route.subdivision": ("route.subdivisions",),
        "time_precision": ("time_start_precision", "time_end_precision"),
        "workers_min": ("count_min",),
        "workers_best": ("count_best",),
        "workers_max": ("count_max",),
        "workers_qualifier": ("count_qualifier",),
        "workers_scope": ("count_scope",),
    },
}
"""Event columns of releases built under the codebook version before each key, and the columns that carry
their values from that version on (`release diff` compares them; documents nest them under `events.`)."""
SPAN_KIND_DEFINITIONS = {
    "event": "Evidence for the event itself (`events[*].evidence`).",
    "indicator": "Evidence for one coercion indicator (`coercion[*].evidence`); `indicator` names it.",
    "count": "Evidence for a count of the event (`counts[*].evidence`).",
    "place": "Evidence for the event's place (`place.evidence`).",
    "time": "Evidence for the event's time window (`time.evidence`).",
    "sanctions": "Evidence for the sanctions relevance (`sanctions.evidence`).",
    "evasion": "Evidence for a sanctions-evasion method (`sanctions.evasion[*].evidence`).",
    "casualties": "Evidence for the casualties (`casualties.evidence`).",
    "actor": "Evidence for an actor of the event (`actors[*].evidence`).",
}
SPAN_KINDS = tuple(SPAN_KIND_DEFINITIONS)
"""What a row of `spans` is evidence for (class names of its `kind` column, a label of the release only)."""


def _span(flavour: Flavour) -> Struct:
    span: Struct = {"start": Value("int32"), "end": Value("int32"), QUOTE_FIELD: Value("string")}
    if flavour is Flavour.public:
        del span[QUOTE_FIELD]
    return {**span, "quote_sha256": Value("string")}


class Columns:
    """The features of every config of one flavour, built from the schema's label vocabularies."""

    def __init__(self, schemas: SchemaSet, flavour: Flavour = Flavour.full) -> None:
        self.schemas = schemas
        self.flavour = flavour
        labels = schemas.labels
        span = _span(flavour)

        def cl(name: str) -> ClassLabel:
            return ClassLabel(name, tuple(labels[name].names))

        text, day, flag, number = Value("string"), Value("date32"), Value("bool"), Value("int32")
        self.event: Struct = {
            "mobilization_type": cl("mobilization_type"),
            "secondary_types": List(cl("mobilization_type")),
            "population": List(cl("population")),
            "sector": List(cl("sector")),
            "status": cl("status"),
            "phase": cl("phase"),
            "recruitment_mode": cl("recruitment_mode"),
            "financial_extraction": List(cl("financial_extraction")),
            "campaign_name": text,
            "group": text,
            "text_region": cl("text_region"),
            "background": flag,
            "place_country": text,
            "place_subdivisions": List(text),
            "place_name": text,
            "place_precision": cl("place_precision"),
            "place_territory_status": cl("territory_status"),
            "place_controlling_state": text,
            "route": List(
                {
                    "role": cl("route_role"),
                    "country": text,
                    "subdivisions": List(text),
                    "name": text,
                    "status": cl("leg_status"),
                    "alternative": text,
                }
            ),
            "time_start": day,
            "time_end": day,
            "time_start_precision": cl("time_precision"),
            "time_end_precision": cl("time_precision"),
            "count_min": number,
            "count_best": number,
            "count_max": number,
            "count_qualifier": cl("qualifier"),
            "count_scope": cl("scope"),
            "count_status": cl("count_status"),
            "counts": List(
                {
                    "min": number,
                    "best": number,
                    "max": number,
                    "qualifier": cl("qualifier"),
                    "scope": cl("scope"),
                    "status": cl("count_status"),
                    "as_of": day,
                    "primary": flag,
                }
            ),
            "indicators": List(cl("indicator")),
            "coercion": List(
                {"indicator": cl("indicator"), "status": cl("indicator_status"), "evidence": List(span)}
            ),
            "sanctions_relevance": cl("relevance"),
            "sanctions_provisions": List(cl("provision")),
            "sanctions_evasion": List({"method": cl("evasion"), "status": cl("evasion_status")}),
            "source_attribution": cl("attribution"),
            "source_claim_status": cl("claim_status"),
            "source_reliability": cl("reliability"),
            "source_credibility": cl("credibility"),
            "sources": List(
                {
                    "attribution": cl("attribution"),
                    "name": text,
                    "claim_status": cl("claim_status"),
                    "reliability": cl("reliability"),
                    "credibility": cl("credibility"),
                    "relayed_by": List({"attribution": cl("attribution"), "name": text}),
                }
            ),
            "outcomes": List(cl("outcome")),
            "casualties_deaths": number,
            "casualties_injuries": number,
            "casualties_qualifier": cl("qualifier"),
            "legal_basis": cl("legal_basis"),
            "actors": List({"role": cl("actor_role"), "name": text, "country": text}),
            "same_as": List(text),
            "forced_labour_assessment": cl("forced_labour_assessment"),
            "assessment_involuntariness": List(cl("indicator")),
            "assessment_penalty": List(cl("indicator")),
            "sanctions_period": cl("sanctions_period"),
            "present_after_deadline": flag,
            "evidence": List(span),
        }
        self.configs: dict[str, Struct] = {
            "documents": {
                "id": text,
                "title": text,
                "title_provenance": cl("provenance"),
                "title_basis": text,
                "published": text,
                "published_earliest": day,
                "published_latest": day,
                "published_provenance": cl("provenance"),
                "published_basis": text,
                "outlet": text,
                "outlet_type": cl("outlet_type"),
                "url": text,
                "language": text,
                "story_group": text,
                TEXT_COLUMN: text,
                "text_sha256": text,
                "text_length": number,
                "relevant": flag,
                "annotator": text,
                "role": cl("role"),
                "annotators": number,
                "agreement": Value("float64"),
                "events": List({"id": text, **self.event}),
            },
            "events": {"document_id": text, "event_id": text, "annotator": text, **self.event},
            "spans": {
                "document_id": text,
                "event_id": text,
                "kind": ClassLabel("span_kind", SPAN_KINDS),
                "mobilization_type": cl("mobilization_type"),
                "indicator": cl("indicator"),
                "indicator_status": cl("indicator_status"),
                "start": number,
                "end": number,
                QUOTE_FIELD: text,
                "quote_sha256": text,
            },
        }
        if flavour is Flavour.public:
            del self.configs["documents"][TEXT_COLUMN]
            del self.configs["spans"][QUOTE_FIELD]
        self.schemas_by_config = {name: arrow_schema(f) for name, f in self.configs.items()}
        self._index = {name: {n: i for i, n in enumerate(label.names)} for name, label in labels.items()}

    def code(self, label: str, value: Any) -> int | None:
        """Class index of `value` in vocabulary `label`; None stays None."""
        if value is None:
            return None
        try:
            return self._index[label][str(value)]
        except KeyError:
            raise ValueError(f"{value!r} is not in the {label} vocabulary") from None

    def codes(self, label: str, values: Iterable[Any] | None) -> list[int]:
        """Class indices of a multi-label set, sorted and without repeats."""
        return sorted({self._index[label][str(v)] for v in values or ()})


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _spans(items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [span_row(s["start"], s["end"], s["quote"]) for s in items]


def span_row(start: int, end: int, quote: str) -> dict[str, Any]:
    """A span as a release stores it (the full form; a public table leaves `quote` out)."""
    return {"start": start, "end": end, QUOTE_FIELD: quote, "quote_sha256": text_sha256(quote)}


def published_bounds(value: str | None) -> tuple[date | None, date | None]:
    """Earliest and latest day of a publication date given as YYYY, YYYY-MM or YYYY-MM-DD."""
    if not value:
        return None, None
    if len(value) == 10:
        day = date.fromisoformat(value)
        return day, day
    if len(value) == 7:
        first = date.fromisoformat(f"{value}-01")
        following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        return first, date.fromordinal(following.toordinal() - 1)
    return date(int(value), 1, 1), date(int(value), 12, 31)


def _primary(counts: list[dict[str, Any]]) -> dict[str, Any]:
    return next((c for c in counts if c.get("primary")), {})


def _place_labels(event: dict[str, Any], f: Columns) -> dict[str, Any]:
    place = event["place"]
    return {
        "place_country": place["country"],
        "place_subdivisions": list(place.get("subdivisions", [])),
        "place_name": place.get("name"),
        "place_precision": f.code("place_precision", place["precision"]),
        "place_territory_status": f.code("territory_status", place.get("territory_status", "normal")),
        "place_controlling_state": place.get("controlling_state"),
        "route": [
            {
                "role": f.code("route_role", leg["role"]),
                "country": leg["country"],
                "subdivisions": list(leg.get("subdivisions", [])),
                "name": leg.get("name"),
                "status": f.code("leg_status", leg.get("status", "actual")),
                "alternative": leg.get("alternative"),
            }
            for leg in event.get("route", [])
        ],
    }


def _count_labels(event: dict[str, Any], f: Columns) -> dict[str, Any]:
    counts = event["counts"]
    primary = _primary(counts)
    return {
        "count_min": primary.get("min"),
        "count_best": primary.get("best"),
        "count_max": primary.get("max"),
        "count_qualifier": f.code("qualifier", primary.get("qualifier")),
        "count_scope": f.code("scope", primary.get("scope", "total") if primary else None),
        "count_status": f.code("count_status", primary.get("status")),
        "counts": [
            {
                "min": c.get("min"),
                "best": c.get("best"),
                "max": c.get("max"),
                "qualifier": f.code("qualifier", c["qualifier"]),
                "scope": f.code("scope", c.get("scope", "total")),
                "status": f.code("count_status", c["status"]),
                "as_of": _date(c.get("as_of")),
                "primary": bool(c.get("primary", False)),
            }
            for c in counts
        ],
    }


def _source_labels(event: dict[str, Any], f: Columns) -> dict[str, Any]:
    sources = event["sources"]
    main = sources[0]
    return {
        "source_attribution": f.code("attribution", main["attribution"]),
        "source_claim_status": f.code("claim_status", main["claim_status"]),
        "source_reliability": f.code("reliability", main["reliability"]),
        "source_credibility": f.code("credibility", main["credibility"]),
        "sources": [
            {
                "attribution": f.code("attribution", s["attribution"]),
                "name": s.get("name"),
                "claim_status": f.code("claim_status", s["claim_status"]),
                "reliability": f.code("reliability", s["reliability"]),
                "credibility": f.code("credibility", s["credibility"]),
                "relayed_by": [
                    {"attribution": f.code("attribution", r["attribution"]), "name": r.get("name")}
                    for r in s.get("relayed_by", [])
                ],
            }
            for s in sources
        ],
    }


def event_labels(event: dict[str, Any], features: Columns) -> dict[str, Any]:
    """The label columns of one event (shared by `events` and the nested `documents.events`)."""
    f = features
    window, sanctions = event["time"], event["sanctions"]
    casualties = event.get("casualties", {})
    extra = derived(event, f.schemas)
    return {
        "mobilization_type": f.code("mobilization_type", event["mobilization_type"]),
        "secondary_types": f.codes("mobilization_type", event.get("secondary_types")),
        "population": f.codes("population", event["population"]),
        "sector": f.codes("sector", event["sector"]),
        "status": f.code("status", event["status"]),
        "phase": f.code("phase", event.get("phase")),
        "recruitment_mode": f.code("recruitment_mode", event["recruitment_mode"]),
        "financial_extraction": f.codes("financial_extraction", event.get("financial_extraction")),
        "campaign_name": event.get("campaign_name"),
        "group": event.get("group"),
        "text_region": f.code("text_region", event.get("text_region", "body")),
        "background": bool(event.get("background", False)),
        **_place_labels(event, f),
        "time_start": _date(window.get("start")),
        "time_end": _date(window.get("end")),
        "time_start_precision": f.code("time_precision", window["start_precision"]),
        "time_end_precision": f.code("time_precision", window["end_precision"]),
        **_count_labels(event, f),
        "indicators": f.codes("indicator", (c["indicator"] for c in event["coercion"])),
        "coercion": [
            {
                "indicator": f.code("indicator", c["indicator"]),
                "status": f.code("indicator_status", c["status"]),
                "evidence": _spans(c["evidence"]),
            }
            for c in event["coercion"]
        ],
        "sanctions_relevance": f.code("relevance", sanctions["relevance"]),
        "sanctions_provisions": f.codes("provision", sanctions["provisions"]),
        "sanctions_evasion": [
            {"method": f.code("evasion", e["method"]), "status": f.code("evasion_status", e["status"])}
            for e in sanctions["evasion"]
        ],
        **_source_labels(event, f),
        "outcomes": f.codes("outcome", event.get("outcomes")),
        "casualties_deaths": casualties.get("deaths"),
        "casualties_injuries": casualties.get("injuries"),
        "casualties_qualifier": f.code("qualifier", casualties.get("qualifier")),
        "legal_basis": f.code("legal_basis", event.get("legal_basis")),
        "actors": [
            {"role": f.code("actor_role", a["role"]), "name": a["name"], "country": a.get("country")}
            for a in event.get("actors", [])
        ],
        "same_as": list(event.get("same_as", [])),
        "forced_labour_assessment": f.code("forced_labour_assessment", extra["forced_labour_assessment"]),
        "assessment_involuntariness": [f.code("indicator", i) for i in extra["assessment_involuntariness"]],
        "assessment_penalty": [f.code("indicator", i) for i in extra["assessment_penalty"]],
        "sanctions_period": f.code("sanctions_period", extra["sanctions_period"]),
        "present_after_deadline": extra["present_after_deadline"],
        "evidence": _spans(event["evidence"]),
    }


def _document_row(
    annotation: dict[str, Any], annotators: int, pseudonym: str, features: Columns, agreement: float | None
) -> dict[str, Any]:
    doc = annotation["document"]
    title, published = doc["title"], doc["published"]
    earliest, latest = published_bounds(published.get("date"))
    return {
        "id": doc["id"],
        "title": title.get("text"),
        "title_provenance": features.code("provenance", title["provenance"]),
        "title_basis": title.get("basis"),
        "published": published.get("date"),
        "published_earliest": earliest,
        "published_latest": latest,
        "published_provenance": features.code("provenance", published["provenance"]),
        "published_basis": published.get("basis"),
        "outlet": doc["outlet"],
        "outlet_type": features.code("outlet_type", doc["outlet_type"]),
        "url": doc["url"],
        "language": doc["language"],
        "story_group": doc.get("story_group"),
        TEXT_COLUMN: doc["text"],
        "text_sha256": doc["text_sha256"],
        "text_length": len(doc["text"]),
        "relevant": annotation["relevant"],
        "annotator": pseudonym,
        "role": features.code("role", annotation["role"]),
        "annotators": annotators,
        "agreement": agreement,
    }


# Where, besides the event itself and its indicators, an event may cite evidence: (kind, how to find the
# lists).
_EXTRA_EVIDENCE: tuple[tuple[str, Any], ...] = (
    ("count", lambda e: [c.get("evidence", []) for c in e["counts"]]),
    ("place", lambda e: [e["place"].get("evidence", [])]),
    ("time", lambda e: [e["time"].get("evidence", [])]),
    ("sanctions", lambda e: [e["sanctions"].get("evidence", [])]),
    ("evasion", lambda e: [x.get("evidence", []) for x in e["sanctions"]["evasion"]]),
    ("casualties", lambda e: [e.get("casualties", {}).get("evidence", [])]),
    ("actor", lambda e: [a.get("evidence", []) for a in e.get("actors", [])]),
)


def _span_rows(doc_id: str, event: dict[str, Any], labels: dict[str, Any]) -> list[dict[str, Any]]:
    base = {"document_id": doc_id, "event_id": event["id"], "mobilization_type": labels["mobilization_type"]}
    kind = {name: i for i, name in enumerate(SPAN_KINDS)}
    out = [
        {**base, "kind": kind["event"], "indicator": None, "indicator_status": None, **_spans([s])[0]}
        for s in event["evidence"]
    ]
    for item, coded in zip(event["coercion"], labels["coercion"], strict=True):
        out.extend(
            {
                **base,
                "kind": kind["indicator"],
                "indicator": coded["indicator"],
                "indicator_status": coded["status"],
                **_spans([s])[0],
            }
            for s in item["evidence"]
        )
    for name, lists in _EXTRA_EVIDENCE:
        for spans in lists(event):
            out.extend(
                {**base, "kind": kind[name], "indicator": None, "indicator_status": None, **_spans([s])[0]}
                for s in spans
            )
    return out


def rows(
    annotation: dict[str, Any],
    annotators: int,
    pseudonym: str,
    features: Columns,
    agreement: float | None = None,
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """The `documents` row, `events` rows and `spans` rows of one gold annotation. `agreement` is the
    document's observed agreement between its annotators (None with a single annotator)."""
    doc_id = annotation["document"]["id"]
    labelled = [(event, event_labels(event, features)) for event in annotation["events"]]
    document = {
        **_document_row(annotation, annotators, pseudonym, features, agreement),
        "events": [{"id": event["id"], **labels} for event, labels in labelled],
    }
    events = [
        {"document_id": doc_id, "event_id": event["id"], "annotator": pseudonym, **labels}
        for event, labels in labelled
    ]
    spans = [row for event, labels in labelled for row in _span_rows(doc_id, event, labels)]
    return document, events, spans


def row_groups(held: pa.Table | None, table: pa.Table, size: int | None) -> tuple[list[pa.Table], pa.Table]:
    """`table` after the rows `held` back so far: the row groups of `size` rows that they fill, and the rows
    left, as one contiguous table (`size` None: no group, every row is left). Not every batch's small
    tables: their many small buffers, kept across batches, held about 25 MB more of a 30,000-document
    build's memory."""
    queued = table if held is None else pa.concat_tables([held, table]).combine_chunks()
    full: list[pa.Table] = []
    while size is not None and queued.num_rows >= size:
        full.append(queued.slice(0, size))
        queued = queued.slice(size)
    return full, queued


class TableWriter:
    """One Parquet file per (config, split), written in fixed-size row groups as rows arrive (as rows, or as
    Arrow tables of rows built elsewhere: a row group is the same bytes either way)."""

    def __init__(self, root: Path, features: Columns) -> None:
        self.root = root
        self.features = features
        self.pending: dict[tuple[str, str], pa.Table] = {}
        self.writers: dict[tuple[str, str], pq.ParquetWriter] = {}

    def add(self, config: str, split: str, batch: Iterable[dict[str, Any]]) -> None:
        """Queue rows for one file; full row groups are written as they fill."""
        found = list(batch)
        table = pa.Table.from_pylist(found, schema=self.features.schemas_by_config[config])
        self.add_table(config, split, table)

    def add_table(self, config: str, split: str, table: pa.Table) -> None:
        """Queue a table of rows (of the config's schema) for one file."""
        key = (config, split)
        if not table.num_rows:
            return
        full, self.pending[key] = row_groups(self.pending.get(key), table, BATCH_ROWS)
        for group in full:
            self._flush(config, split, group)

    def _writer(self, config: str, split: str) -> pq.ParquetWriter:
        key = (config, split)
        if key not in self.writers:
            path = self.root / data_file(config, split)
            path.parent.mkdir(parents=True, exist_ok=True)
            self.writers[key] = pq.ParquetWriter(
                path, self.features.schemas_by_config[config], **WRITE_OPTIONS
            )
        return self.writers[key]

    def _flush(self, config: str, split: str, table: pa.Table) -> None:
        # One chunk per column, however the rows arrived: the writer then cuts the same pages.
        if table.num_rows:
            self._writer(config, split).write_table(table.combine_chunks(), row_group_size=BATCH_ROWS)

    def close(self) -> list[str]:
        """Flush and close; returns the relative paths written. A split without rows gets no file: `datasets`
        cannot load an empty split."""
        for (config, split), queued in self.pending.items():
            self._flush(config, split, queued)
        self.pending.clear()
        for writer in self.writers.values():
            writer.close()
        return [data_file(c, s) for c in CONFIGS for s in SPLITS if (c, s) in self.writers]


def iter_tables(path: Path) -> Iterator[pa.Table]:
    """A published Parquet file, one row group at a time."""
    handle = pq.ParquetFile(path)
    for i in range(handle.num_row_groups):
        yield handle.read_row_group(i)
