"""A release's rows back in annotation form: valid predictions, equal to the gold they came from."""

from __future__ import annotations

import json
from pathlib import Path

from nklabor import load_schemas
from nklabor.agreement.scoring import score
from nklabor.release.gold import select_gold
from nklabor.release.records import documents
from nklabor.validation import Validation
from tests.support import ROOT


def test_the_released_gold_validates_as_predictions_and_equals_the_annotations(
    shipped_release: Path, tmp_path: Path
) -> None:
    released = list(documents(shipped_release, "2.0"))
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps(d.annotation) + "\n" for d in released), encoding="utf-8")
    report = Validation([path], shipped_release / "schema", predictions=True).run()
    assert report.valid, [(i.line, i.path, i.code) for i in report.issues]
    annotations = [
        json.loads(p.read_text(encoding="utf-8"))
        for p in sorted((ROOT / "annotations").glob("*.json"))
        if p.name != "annotators.json"
    ]
    gold = {d.id: d.annotation for d in select_gold(annotations).documents}
    assert {d.id for d in released} == set(gold)
    for doc in released:
        original = gold[doc.id]
        assert doc.annotation["document"] == original["document"]
        assert [e["id"] for e in doc.events] == [e["id"] for e in original["events"]]
    result = score(
        {d.id: d.events for d in released},
        {d: a["events"] for d, a in gold.items()},
        load_schemas().dimensions,
    )
    figures = [result.events.f1, result.evidence.f1, *(f.micro.f1 for f in result.fields.values())]
    assert {f for f in figures if f is not None} == {1.0}
