"""`agreement.json`: human agreement per split, computed at build time, without annotator ids."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq

from nklabor import load_schemas
from nklabor.agreement.measure import measure
from nklabor.agreement.scoring import pairwise
from nklabor.release.build import BuildResult
from nklabor.release.ceiling import compute
from nklabor.release.gold import readings, select_gold
from tests.support import ROOT
from tests.support.synthetic import ADJUDICATOR, ANNOTATORS, corpus_annotations


def shipped() -> list[dict]:
    return [
        json.loads(p.read_text(encoding="utf-8"))
        for p in sorted((ROOT / "annotations").glob("*.json"))
        if p.name != "annotators.json"
    ]


def test_each_split_has_the_scorer_figures_between_annotators(shipped_release: Path) -> None:
    agreement = json.loads((shipped_release / "agreement.json").read_text(encoding="utf-8"))
    split_of = {
        row["id"]: path.name.split("-")[0]
        for path in shipped_release.glob("data/documents/*.parquet")
        for row in pq.read_table(path, columns=["id"]).to_pylist()
    }
    annotations = shipped()
    independent = readings(annotations, select_gold(annotations))
    assert independent, "the shipped annotations have adjudicated documents"
    schemas = load_schemas()
    for split, entry in agreement["splits"].items():
        docs = {d: r for d, r in independent.items() if split_of[d] == split}
        assert entry["documents"] == len(docs)
        if not docs:
            assert entry["scores"] is None
            continue
        expected, comparisons = pairwise(
            {d: {a: x["events"] for a, x in r.items()} for d, r in docs.items()}, schemas.dimensions
        )
        assert entry["comparisons"] == comparisons
        assert entry["scores"] == json.loads(json.dumps(expected.to_dict()))
        report = measure([x for r in docs.values() for x in r.values()], schemas=schemas)
        assert entry["alpha"]["events"] == {
            f.field: None if f.alpha is None else round(f.alpha, 6) for f in report.events
        }


def test_no_annotator_id_is_written(shared_build: BuildResult) -> None:
    text = (shared_build.path / "agreement.json").read_text(encoding="utf-8")
    for raw in (*ANNOTATORS, ADJUDICATOR):
        assert raw not in text
    data = json.loads(text)
    assert any(entry["documents"] for entry in data["splits"].values())


def test_the_same_readings_give_the_same_bytes() -> None:
    annotations = corpus_annotations(12, adjudicated=[1, 4, 9])
    gold = select_gold(annotations)
    split_of = {d.id: "train" if i % 2 else "test" for i, d in enumerate(gold.documents)}
    first = compute(readings(annotations, gold), split_of, load_schemas())
    second = compute(readings(list(reversed(annotations)), gold), split_of, load_schemas())
    assert json.dumps(first) == json.dumps(second)
    assert first["splits"]["validation"] == {"documents": 0, "comparisons": 0, "scores": None, "alpha": None}
