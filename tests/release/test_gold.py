"""Gold selection, and the order in which published annotators appear."""

from __future__ import annotations

from typing import Any

from nklabor.release.gold import annotators_in_order, select_gold


def ann(doc: str, annotator: str, role: str = "annotator", label: str = "x") -> dict[str, Any]:
    return {"document": {"id": doc}, "annotator": annotator, "role": role, "label": label}


def test_adjudicator_wins_single_is_used_several_are_withheld() -> None:
    gold = select_gold(
        [
            ann("b-doc", "ann-01", label="first"),
            ann("b-doc", "adj-01", "adjudicator", label="decided"),
            ann("b-doc", "ann-02"),
            ann("a-doc", "ann-02", label="only"),
            ann("c-doc", "ann-01"),
            ann("c-doc", "ann-02"),
            ann("d-doc", "adj-01", "adjudicator"),
            ann("d-doc", "adj-02", "adjudicator"),
        ]
    )
    assert [(d.id, d.annotation["label"], d.annotators) for d in gold.documents] == [
        ("a-doc", "only", 1),
        ("b-doc", "decided", 2),
    ]  # the adjudicator is not counted as an annotator
    assert [(w.document_id, w.annotators) for w in gold.withheld] == [("c-doc", 2), ("d-doc", 0)]
    assert "no adjudicator" in gold.withheld[0].reason and "adjudicators" in gold.withheld[1].reason


def test_a_lone_adjudication_is_used() -> None:
    gold = select_gold([ann("a-doc", "adj-01", "adjudicator")])
    assert [d.id for d in gold.documents] == ["a-doc"] and gold.withheld == []


def test_published_annotators_come_in_document_order() -> None:
    gold = select_gold([ann("z-doc", "ann-01"), ann("a-doc", "ann-07"), ann("m-doc", "ann-01")])
    assert annotators_in_order(gold.documents) == ["ann-07", "ann-01"]
