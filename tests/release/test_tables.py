"""Rows and Parquet files: encoded labels, canonical order, fixed writer options, nothing unpublished."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from nklabor import load_schemas
from nklabor.release.features import features_of
from nklabor.release.layout import data_file
from nklabor.release.tables import CONFIGS, SPLITS, WRITE_OPTIONS, Columns, TableWriter, rows
from tests.support import normal, synthetic


@pytest.fixture(scope="module")
def columns() -> Columns:
    return Columns(load_schemas())


def annotation() -> dict:
    schemas = load_schemas()
    data = synthetic.annotation(random.Random(1), 0, 1, "ann-01", schemas)
    data["notes"] = "SENSITIVE-NOTE-x: informant lives in Hyesan"
    return data


def test_rows_encode_labels_and_drop_notes(columns: Columns) -> None:
    data = annotation()
    labels = load_schemas().labels
    document, events, spans = rows(data, 1, "R1", columns)
    assert "notes" not in json.dumps([document, events, spans], default=str)
    assert "ann-01" not in json.dumps([document, events, spans], default=str)
    assert document["annotator"] == "R1" and events[0]["annotator"] == "R1"
    first = data["events"][0]
    assert events[0]["mobilization_type"] == labels["mobilization_type"].names.index(
        first["mobilization_type"]
    )
    assert events[0]["population"] == sorted(labels["population"].names.index(p) for p in first["population"])
    assert len(events) == len(data["events"]) == len(document["events"])
    expected_spans = sum(
        len(e["evidence"]) + sum(len(c["evidence"]) for c in e["coercion"]) for e in data["events"]
    )
    assert len(spans) == expected_spans
    for span in spans:
        assert data["document"]["text"][span["start"] : span["end"]] == span["quote"]
        assert (span["indicator"] is None) == (span["kind"] == 0)


def test_multi_label_order_does_not_matter(columns: Columns) -> None:
    data = annotation()
    flipped = json.loads(json.dumps(data))
    for event in flipped["events"]:
        event["population"].reverse()
        event["sector"].reverse()
    assert rows(data, 1, "R1", columns) == rows(flipped, 1, "R1", columns)


def test_parquet_files_have_the_declared_schema_and_options(tmp_path: Path, columns: Columns) -> None:
    writer = TableWriter(tmp_path, columns)
    document, events, spans = rows(annotation(), 1, "R1", columns)
    writer.add("documents", "train", [document])
    writer.add("events", "train", events)
    writer.add("spans", "test", spans)
    written = writer.close()
    assert written == [
        data_file(c, s) for c, s in [("documents", "train"), ("events", "train"), ("spans", "test")]
    ]
    for rel in written:
        config = rel.split("/")[1]
        schema = pq.read_schema(tmp_path / rel)
        declared = columns.schemas_by_config[config]
        assert schema.names == declared.names
        for field in declared:
            assert normal(schema.field(field.name).type) == normal(field.type), field.name
        assert features_of(schema) == features_of(declared)
        assert b"pandas" not in (schema.metadata or {})
        meta = pq.ParquetFile(tmp_path / rel).metadata
        assert meta.format_version == WRITE_OPTIONS["version"]
        for i in range(meta.num_columns):
            chunk = meta.row_group(0).column(i)
            assert chunk.compression == "ZSTD"
            assert not any("DICTIONARY" in e for e in chunk.encodings), chunk.encodings
            assert not chunk.has_dictionary_page
    assert not (tmp_path / data_file("documents", "test")).exists()  # no empty split files
    assert set(SPLITS) >= {"train", "test"} and set(CONFIGS) == {"documents", "events", "spans"}


def test_labels_are_int64_class_indices(columns: Columns) -> None:
    schema = columns.schemas_by_config["events"]
    assert schema.field("mobilization_type").type == pa.int64()
    assert schema.field("population").type == pa.list_(pa.int64())
    assert schema.field("time_start").type == pa.date32()
