"""`croissant.json`: Croissant 1.1 with RAI fields and a SHA-256 per file, validated by `mlcroissant`."""

from __future__ import annotations

import json
from pathlib import Path

import mlcroissant as mlc
import pyarrow.parquet as pq
import pytest

from nklabor.release.checksums import sha256_file
from nklabor.release.croissant import CROISSANT, RAI

RAI_FIELDS = (
    "dataCollection",
    "dataAnnotationProtocol",
    "personalSensitiveInformation",
    "dataLimitations",
    "dataBiases",
    "dataUseCases",
    "dataReleaseMaintenancePlan",
    "dataSocialImpact",
)


@pytest.fixture(scope="module")
def metadata(shared_release: Path) -> dict:
    return json.loads((shared_release / "croissant.json").read_text(encoding="utf-8"))


def test_mlcroissant_validates_without_issues(shared_release: Path, no_network: list[object]) -> None:
    dataset = mlc.Dataset(jsonld=shared_release / "croissant.json")
    assert dataset.metadata.ctx.issues.errors == set()
    assert dataset.metadata.ctx.issues.warnings == set()
    assert no_network == []


def test_conformance_rai_and_checksums(shared_release: Path, metadata: dict) -> None:
    assert metadata["conformsTo"] == [CROISSANT, RAI]
    for field in RAI_FIELDS:
        assert metadata[f"rai:{field}"], field
    objects = [d for d in metadata["distribution"] if d["@type"] == "cr:FileObject"]
    described = {d["contentUrl"] for d in objects}
    assert {p.relative_to(shared_release).as_posix() for p in shared_release.rglob("*.parquet")} <= described
    for item in objects:
        assert item["sha256"] == sha256_file(shared_release / item["contentUrl"])


def _text(value: object) -> object:
    return value.decode() if isinstance(value, bytes) else value


def test_mlcroissant_reads_the_events_records(shared_release: Path) -> None:
    dataset = mlc.Dataset(jsonld=shared_release / "croissant.json")
    seen = {
        (_text(r["events/document_id"]), _text(r["events/event_id"])): (
            r["events/mobilization_type"],
            list(r["events/population"]),
            _text(r["events/split"]),
        )
        for r in dataset.records("events")
    }
    expected = {}
    for path in shared_release.glob("data/events/*.parquet"):
        for row in pq.read_table(
            path, columns=["document_id", "event_id", "mobilization_type", "population"]
        ).to_pylist():
            expected[(row["document_id"], row["event_id"])] = (
                row["mobilization_type"],
                row["population"],
                path.name.split("-")[0],
            )
    assert seen == expected
    names = [
        _text(r["labels/forced_labour_assessment/name"])
        for r in dataset.records("labels/forced_labour_assessment")
    ]
    assert names == ["indicated", "possible", "insufficient"]
