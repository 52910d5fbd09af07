"""Event-level agreement: events aligned across annotators, then alpha per field, including indicator status,
counts, places, dates, sources, provisions and the derived assessment."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from nklabor.agreement.events import STATUS_ORDER, clusters, with_defaults
from nklabor.agreement.measure import measure
from tests.support import DATA

BASE = json.loads((DATA / "valid" / "komdok-excerpt.json").read_text(encoding="utf-8"))


def annotation(annotator: str, doc_id: str, **changes: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(BASE)
    out.update(annotator=annotator)
    out["document"]["id"] = doc_id
    for event in out["events"]:
        event.update(copy.deepcopy(changes.get(event["id"], {})))
    return out


def field(report: Any, name: str) -> Any:
    return next(f for f in report.events if f.field == name)


def test_identical_annotations_agree_on_every_varying_field() -> None:
    docs = [annotation(a, d) for d in ("doc-a", "doc-b") for a in ("ann-01", "ann-02")]
    report = measure(docs)
    assert report.clusters == 4 and report.unaligned == []
    for row in report.events:
        assert row.alpha in (None, 1.0), row
        assert row.observed in (None, 1.0), row


def test_indicator_status_is_ordinal_and_drives_the_assessment() -> None:
    stated = {
        "coercion": [
            {
                "indicator": "st_compulsory_order",
                "status": "stated",
                "evidence": BASE["events"][1]["coercion"][0]["evidence"],
            }
        ]
    }
    hedged = {"coercion": [{**stated["coercion"][0], "status": "hedged"}]}
    implied = {"coercion": [{**stated["coercion"][0], "status": "implied"}]}
    docs = [
        annotation("ann-01", "doc-a", e2=stated),
        annotation("ann-02", "doc-a", e2=hedged),
        annotation("ann-01", "doc-b", e2=stated),
        annotation("ann-02", "doc-b", e2=implied),
    ]
    report = measure(docs)
    status = field(report, "coercion.status")
    assert status.units == 2 and status.measure == "ordinal"
    assert status.observed == 0  # never the same status
    assessment = field(report, "forced_labour_assessment")
    # implied does not count: doc-b differs on the assessment (possible vs insufficient), doc-a does not.
    assert assessment.observed == pytest.approx(3 / 4)
    assert STATUS_ORDER == ("denied", "implied", "hedged", "stated")


def test_counts_are_compared_on_an_interval_scale() -> None:
    count = BASE["events"][1]["counts"][0]
    docs = [
        annotation("ann-01", "doc-a"),
        annotation("ann-02", "doc-a", e2={"counts": [{**count, "best": 120}]}),
        annotation("ann-01", "doc-b"),
        annotation("ann-02", "doc-b"),
    ]
    row = field(measure(docs), "counts.primary")
    assert row.measure == "interval" and row.units == 2
    assert row.observed == pytest.approx(1 / 2)
    assert row.alpha is not None and row.alpha < 1


def test_schema_defaults_are_no_disagreement() -> None:
    # e1 writes territory_status normal out; leaving it out means the same.
    place = {k: v for k, v in BASE["events"][0]["place"].items() if k != "territory_status"}
    docs = [annotation("ann-01", "doc-a"), annotation("ann-02", "doc-a", e1={"place": place})]
    assert with_defaults(docs[1]["events"][0])["place"] == docs[0]["events"][0]["place"]
    assert field(measure(docs), "place.precision").observed == 1.0


def test_an_event_only_one_annotator_coded_is_reported_unaligned() -> None:
    extra = copy.deepcopy(BASE["events"][0])
    extra.update(
        id="e3", mobilization_type="overseas_dispatch", place={"country": "RU", "precision": "country"}
    )
    extra["secondary_types"] = []
    extra["evidence"] = BASE["events"][1]["evidence"]
    found, loose = clusters("doc-a", {"ann-01": BASE["events"], "ann-02": [*BASE["events"], extra]})
    assert len(found) == 3
    assert [(u.annotator, u.event_id) for u in loose] == [("ann-02", "e3")]
