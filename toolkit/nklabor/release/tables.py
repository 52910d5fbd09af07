"""Gold annotations -> rows of the three release configs, and the Parquet writer.

- `documents`: one row per document: metadata, text, the gold annotator's release pseudonym and the nested
  events.
- `events`: one row per event: the document id, every label flattened where natural, the derived
  `forced_labour_assessment` and `sanctions_period`, and the evidence spans.
- `spans`: one row per evidence span with what it supports (the event, or one coercion indicator), for
  span-extraction training; join on `document_id` for the text.

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

from ..derive import derived
from ..schema import SchemaSet
from .features import ClassLabel, List, Struct, Value, arrow_schema
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

SPAN_KINDS = ("event", "indicator")

# Every annotation field a release reads. `annotator` is published as a release pseudonym only.
PUBLISHED_PATHS = frozenset(
    {
        "$.document.id",
        "$.document.title",
        "$.document.outlet",
        "$.document.outlet_type",
        "$.document.url",
        "$.document.published",
        "$.document.language",
        "$.document.story_group",
        "$.document.text",
        "$.document.text_sha256",
        "$.relevant",
        "$.role",
        "$.annotator",
        *(
            f"$.events[*].{key}"
            for key in (
                "id",
                "mobilization_type",
                "secondary_types",
                "population",
                "sector",
                "status",
                "recruitment_mode",
                "financial_extraction",
                "campaign_name",
                "group",
                "place",
                "route",
                "time",
                "workers",
                "coercion",
                "sanctions",
                "source",
                "evidence",
            )
        ),
    }
)
PSEUDONYMIZED_PATHS = frozenset({"$.annotator"})


def _span() -> Struct:
    return {"start": Value("int32"), "end": Value("int32"), "quote": Value("string")}


class Columns:
    """The features of every config, built from the schema's label vocabularies."""

    def __init__(self, schemas: SchemaSet) -> None:
        self.schemas = schemas
        labels = schemas.labels

        def cl(name: str) -> ClassLabel:
            return ClassLabel(name, tuple(labels[name].names))

        self.event: Struct = {
            "mobilization_type": cl("mobilization_type"),
            "secondary_types": List(cl("mobilization_type")),
            "population": List(cl("population")),
            "sector": List(cl("sector")),
            "status": cl("status"),
            "recruitment_mode": cl("recruitment_mode"),
            "financial_extraction": List(cl("financial_extraction")),
            "campaign_name": Value("string"),
            "group": Value("string"),
            "place_country": Value("string"),
            "place_subdivision": Value("string"),
            "place_name": Value("string"),
            "place_precision": cl("place_precision"),
            "place_territory_status": cl("territory_status"),
            "place_controlling_state": Value("string"),
            "route": List(
                {
                    "role": cl("route_role"),
                    "country": Value("string"),
                    "subdivision": Value("string"),
                    "name": Value("string"),
                }
            ),
            "time_start": Value("date32"),
            "time_end": Value("date32"),
            "time_precision": cl("time_precision"),
            "workers_min": Value("int32"),
            "workers_best": Value("int32"),
            "workers_max": Value("int32"),
            "workers_qualifier": cl("qualifier"),
            "workers_scope": cl("scope"),
            "indicators": List(cl("indicator")),
            "coercion": List(
                {
                    "indicator": cl("indicator"),
                    "status": cl("indicator_status"),
                    "evidence": List(_span()),
                }
            ),
            "sanctions_relevance": cl("relevance"),
            "sanctions_provisions": List(cl("provision")),
            "sanctions_evasion": List(cl("evasion")),
            "source_attribution": cl("attribution"),
            "source_claim_status": cl("claim_status"),
            "source_reliability": cl("reliability"),
            "source_credibility": cl("credibility"),
            "forced_labour_assessment": cl("forced_labour_assessment"),
            "sanctions_period": cl("sanctions_period"),
            "evidence": List(_span()),
        }
        self.configs: dict[str, Struct] = {
            "documents": {
                "id": Value("string"),
                "title": Value("string"),
                "outlet": Value("string"),
                "outlet_type": cl("outlet_type"),
                "url": Value("string"),
                "published": Value("date32"),
                "language": Value("string"),
                "story_group": Value("string"),
                "text": Value("string"),
                "text_sha256": Value("string"),
                "relevant": Value("bool"),
                "annotator": Value("string"),
                "role": cl("role"),
                "annotators": Value("int32"),
                "agreement": Value("float64"),
                "events": List({"id": Value("string"), **self.event}),
            },
            "events": {
                "document_id": Value("string"),
                "event_id": Value("string"),
                "annotator": Value("string"),
                **self.event,
            },
            "spans": {
                "document_id": Value("string"),
                "event_id": Value("string"),
                "kind": ClassLabel("span_kind", SPAN_KINDS),
                "mobilization_type": cl("mobilization_type"),
                "indicator": cl("indicator"),
                "indicator_status": cl("indicator_status"),
                "start": Value("int32"),
                "end": Value("int32"),
                "quote": Value("string"),
            },
        }
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
    return [{"start": s["start"], "end": s["end"], "quote": s["quote"]} for s in items]


def event_labels(event: dict[str, Any], features: Columns) -> dict[str, Any]:
    """The label columns of one event (shared by `events` and the nested `documents.events`)."""
    f = features
    place, window, workers = event["place"], event["time"], event["workers"]
    sanctions, source = event["sanctions"], event["source"]
    extra = derived(event, f.schemas)
    return {
        "mobilization_type": f.code("mobilization_type", event["mobilization_type"]),
        "secondary_types": f.codes("mobilization_type", event.get("secondary_types")),
        "population": f.codes("population", event["population"]),
        "sector": f.codes("sector", event["sector"]),
        "status": f.code("status", event["status"]),
        "recruitment_mode": f.code("recruitment_mode", event["recruitment_mode"]),
        "financial_extraction": f.codes("financial_extraction", event.get("financial_extraction")),
        "campaign_name": event.get("campaign_name"),
        "group": event.get("group"),
        "place_country": place["country"],
        "place_subdivision": place.get("subdivision"),
        "place_name": place.get("name"),
        "place_precision": f.code("place_precision", place["precision"]),
        "place_territory_status": f.code("territory_status", place.get("territory_status")),
        "place_controlling_state": place.get("controlling_state"),
        "route": [
            {
                "role": f.code("route_role", leg["role"]),
                "country": leg["country"],
                "subdivision": leg.get("subdivision"),
                "name": leg.get("name"),
            }
            for leg in event.get("route", [])
        ],
        "time_start": _date(window.get("start")),
        "time_end": _date(window.get("end")),
        "time_precision": f.code("time_precision", window["precision"]),
        "workers_min": workers.get("min"),
        "workers_best": workers.get("best"),
        "workers_max": workers.get("max"),
        "workers_qualifier": f.code("qualifier", workers["qualifier"]),
        "workers_scope": f.code("scope", workers.get("scope")),
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
        "sanctions_evasion": f.codes("evasion", sanctions["evasion"]),
        "source_attribution": f.code("attribution", source["attribution"]),
        "source_claim_status": f.code("claim_status", source["claim_status"]),
        "source_reliability": f.code("reliability", source["reliability"]),
        "source_credibility": f.code("credibility", source["credibility"]),
        "forced_labour_assessment": f.code("forced_labour_assessment", extra["forced_labour_assessment"]),
        "sanctions_period": f.code("sanctions_period", extra["sanctions_period"]),
        "evidence": _spans(event["evidence"]),
    }


def rows(
    annotation: dict[str, Any],
    annotators: int,
    pseudonym: str,
    features: Columns,
    agreement: float | None = None,
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """The `documents` row, `events` rows and `spans` rows of one gold annotation. `agreement` is the
    document's observed agreement between its annotators (None with a single annotator)."""
    doc = annotation["document"]
    doc_id = doc["id"]
    labelled = [(event, event_labels(event, features)) for event in annotation["events"]]
    document = {
        "id": doc_id,
        "title": doc["title"],
        "outlet": doc["outlet"],
        "outlet_type": features.code("outlet_type", doc["outlet_type"]),
        "url": doc["url"],
        "published": _date(doc["published"]),
        "language": doc["language"],
        "story_group": doc.get("story_group"),
        "text": doc["text"],
        "text_sha256": doc["text_sha256"],
        "relevant": annotation["relevant"],
        "annotator": pseudonym,
        "role": features.code("role", annotation["role"]),
        "annotators": annotators,
        "agreement": agreement,
        "events": [{"id": event["id"], **labels} for event, labels in labelled],
    }
    events = [
        {"document_id": doc_id, "event_id": event["id"], "annotator": pseudonym, **labels}
        for event, labels in labelled
    ]
    spans: list[dict[str, Any]] = []
    for event, labels in labelled:
        base = {
            "document_id": doc_id,
            "event_id": event["id"],
            "mobilization_type": labels["mobilization_type"],
        }
        for span in event["evidence"]:
            spans.append(
                {
                    **base,
                    "kind": 0,
                    "indicator": None,
                    "indicator_status": None,
                    "start": span["start"],
                    "end": span["end"],
                    "quote": span["quote"],
                }
            )
        for item, coded in zip(event["coercion"], labels["coercion"], strict=True):
            for span in item["evidence"]:
                spans.append(
                    {
                        **base,
                        "kind": 1,
                        "indicator": coded["indicator"],
                        "indicator_status": coded["status"],
                        "start": span["start"],
                        "end": span["end"],
                        "quote": span["quote"],
                    }
                )
    return document, events, spans


class TableWriter:
    """One Parquet file per (config, split), written in fixed-size row groups as rows arrive."""

    def __init__(self, root: Path, features: Columns) -> None:
        self.root = root
        self.features = features
        self.buffers: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.writers: dict[tuple[str, str], pq.ParquetWriter] = {}

    def add(self, config: str, split: str, batch: Iterable[dict[str, Any]]) -> None:
        """Queue rows for one file; full row groups are written as they fill."""
        buffer = self.buffers.setdefault((config, split), [])
        buffer.extend(batch)
        while len(buffer) >= BATCH_ROWS:
            self._flush(config, split, buffer[:BATCH_ROWS])
            del buffer[:BATCH_ROWS]

    def _writer(self, config: str, split: str) -> pq.ParquetWriter:
        key = (config, split)
        if key not in self.writers:
            path = self.root / data_file(config, split)
            path.parent.mkdir(parents=True, exist_ok=True)
            self.writers[key] = pq.ParquetWriter(
                path, self.features.schemas_by_config[config], **WRITE_OPTIONS
            )
        return self.writers[key]

    def _flush(self, config: str, split: str, batch: list[dict[str, Any]]) -> None:
        if batch:
            table = pa.Table.from_pylist(batch, schema=self.features.schemas_by_config[config])
            self._writer(config, split).write_table(table, row_group_size=BATCH_ROWS)

    def close(self) -> list[str]:
        """Flush and close; returns the relative paths written. A split without rows gets no file: `datasets`
        cannot load an empty split."""
        for (config, split), buffer in self.buffers.items():
            self._flush(config, split, buffer)
        self.buffers.clear()
        for writer in self.writers.values():
            writer.close()
        return [data_file(c, s) for c in CONFIGS for s in SPLITS if (c, s) in self.writers]


def iter_tables(path: Path) -> Iterator[pa.Table]:
    """A published Parquet file, one row group at a time."""
    handle = pq.ParquetFile(path)
    for i in range(handle.num_row_groups):
        yield handle.read_row_group(i)
