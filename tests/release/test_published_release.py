"""The checked-in `releases/v1.0.0`: it loads offline with its class names, its Parquet schemas are the declared
ones, `mlcroissant` validates it, every checksum holds, and no note of the seed annotations is in it."""

from __future__ import annotations

import json
from pathlib import Path

import datasets
import mlcroissant as mlc
import pyarrow.parquet as pq
import pytest

from toolkit import load_schemas
from toolkit.release.tables import Columns
from toolkit.release.verify import verify_release

from .conftest import ROOT, SEED_RELEASE, normal
from .test_card import label_ids

pytestmark = pytest.mark.skipif(not SEED_RELEASE.is_dir(), reason="releases/v1.0.0 is not checked in")


def test_events_load_offline_with_class_names(tmp_path: Path, no_network: list[object]) -> None:
    ds = datasets.load_dataset(str(SEED_RELEASE), "events", cache_dir=str(tmp_path))
    assert isinstance(ds, datasets.DatasetDict)
    labels = load_schemas(SEED_RELEASE / "schema").labels
    for part in ds.values():
        assert part.features["mobilization_type"].names == labels["mobilization_type"].names
        assert part.features["population"].feature.names == labels["population"].names
        assert part.features["forced_labour_assessment"].names == labels["forced_labour_assessment"].names
        checked = 0
        for row in part:
            for value, classes in label_ids(row, part.features):
                assert 0 <= value < classes
                checked += 1
        assert checked > part.num_rows
    assert sum(p.num_rows for p in ds.values()) == sum(
        pq.ParquetFile(p).metadata.num_rows for p in SEED_RELEASE.glob("data/events/*.parquet"))
    assert no_network == []


def test_parquet_schemas_are_the_declared_ones() -> None:
    declared = Columns(load_schemas(SEED_RELEASE / "schema")).schemas_by_config
    files = sorted(SEED_RELEASE.glob("data/*/*.parquet"))
    assert {p.parent.name for p in files} == set(declared)
    for path in files:
        schema = pq.read_schema(path)
        expected = declared[path.parent.name]
        assert schema.names == expected.names
        for field in expected:
            assert normal(schema.field(field.name).type) == normal(field.type), field.name
        assert schema.metadata[b"huggingface"] == expected.metadata[b"huggingface"]


def test_croissant_validates(no_network: list[object]) -> None:
    dataset = mlc.Dataset(jsonld=SEED_RELEASE / "croissant.json")
    assert dataset.metadata.ctx.issues.errors == set()
    assert no_network == []


def test_checksums_hold() -> None:
    result = verify_release(SEED_RELEASE)
    assert result.ok, result.problems


def test_no_seed_note_is_in_the_release() -> None:
    notes = []
    for path in sorted((ROOT / "annotations").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and isinstance(data.get("notes"), str):
            notes.append(data["notes"])
    lines = [line.strip() for note in notes for line in note.splitlines() if len(line.strip()) >= 40]
    for path in SEED_RELEASE.rglob("*"):
        if path.is_file():
            blob = path.read_bytes().decode("utf-8", "replace")
            if path.suffix == ".parquet":
                blob += json.dumps(pq.read_table(path).to_pylist(), ensure_ascii=False, default=str)
            assert not any(note in blob for note in notes), path
            assert not any(line in blob for line in lines), path
