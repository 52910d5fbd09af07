"""The checked-in `releases/v1.0.0`: it loads offline with its class names, its Parquet schemas are the
declared
ones, `mlcroissant` validates it, every checksum holds, and no note of the seed annotations is in it."""

from __future__ import annotations

import json
from pathlib import Path

import datasets
import mlcroissant as mlc
import pyarrow.parquet as pq
import pytest

from nklabor import load_schemas
from nklabor.release.flavours import Flavour, flavour_of
from nklabor.release.tables import Columns
from nklabor.release.verify import verify_release
from tests.support import ROOT, SEED_RELEASE, normal

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
        pq.ParquetFile(p).metadata.num_rows for p in SEED_RELEASE.glob("data/events/*.parquet")
    )
    assert no_network == []


LATEST = max(
    (p for p in (ROOT / "releases").glob("v*") if p.is_dir()),
    key=lambda p: tuple(int(x) for x in p.name[1:].split("-")[0].split(".")),
)


def test_parquet_schemas_are_the_declared_ones() -> None:
    """The newest release of the current schema version has exactly the columns nklabor declares (releases of
    older schema versions keep the layout they had)."""
    if load_schemas(LATEST / "schema").version != load_schemas().version:
        pytest.skip(f"{LATEST.name} was built under an older schema")
    flavour = Flavour.public if flavour_of(LATEST) == "public" else Flavour.full
    declared = Columns(load_schemas(LATEST / "schema"), flavour).schemas_by_config
    files = sorted(LATEST.glob("data/*/*.parquet"))
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


def test_latest_release_records_annotators_and_agreement() -> None:
    rows = [
        row
        for path in sorted(LATEST.glob("data/documents/*.parquet"))
        for row in pq.read_table(path, columns=["annotators", "agreement", "role"]).to_pylist()
    ]
    adjudicated = [r for r in rows if r["role"] == 1]
    single = [r for r in rows if r["annotators"] == 1]
    assert adjudicated and all(r["annotators"] >= 2 and 0 <= r["agreement"] <= 1 for r in adjudicated)
    assert all(r["agreement"] is None for r in single)
    assert verify_release(LATEST).ok


def test_latest_card_lists_agreement_of_adjudicated_documents() -> None:
    card = (LATEST / "README.md").read_text(encoding="utf-8")
    section = card[
        card.index("### Agreement before adjudication") : card.index("### Withheld until adjudicated")
    ]
    rows = [
        r
        for path in sorted(LATEST.glob("data/documents/*.parquet"))
        for r in pq.read_table(path, columns=["id", "annotators", "agreement"]).to_pylist()
        if r["annotators"] > 1
    ]
    assert rows
    for row in rows:
        assert f"| `{row['id']}` | {row['annotators']} | {row['agreement']:.3f} |" in section
