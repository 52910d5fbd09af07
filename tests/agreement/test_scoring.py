"""The scorer's definitions: tallies, end-to-end label items, indicators with their status, counts within
range, evidence overlap, and human agreement as pairwise scores."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from nklabor import load_schemas
from nklabor.agreement.scoring import Scores, Tally, counts_agree, pairwise, score
from tests.support import DATA

BASE = json.loads((DATA / "valid" / "komdok-excerpt.json").read_text(encoding="utf-8"))
DIMENSIONS = load_schemas().dimensions


def events(**changes: dict[str, Any]) -> list[dict[str, Any]]:
    out = copy.deepcopy(BASE["events"])
    for event in out:
        event.update(copy.deepcopy(changes.get(event["id"], {})))
    return out


def figures(result: Scores) -> dict[str, Any]:
    data = result.to_dict()
    flat = {"events": data["events"]["f1"], "evidence": data["evidence"]["f1"]}
    for name, item in data["fields"].items():
        flat[name] = item["f1"]
        flat[f"{name}.macro"] = item["macro_f1"]
        for cls, tally in item["classes"].items():
            flat[f"{name}.{cls}"] = tally["f1"]
    return flat


def test_tally_conventions() -> None:
    assert (Tally(2, 1, 1).precision, Tally(2, 1, 1).recall, Tally(2, 1, 1).f1) == (2 / 3, 2 / 3, 2 / 3)
    assert Tally(0, 0, 3).precision is None and Tally(0, 0, 3).f1 == 0.0
    assert Tally(0, 2, 0).recall is None and Tally().f1 is None


def test_identical_readings_score_1_wherever_there_is_something_to_score() -> None:
    result = score({"d": events()}, {"d": events()}, DIMENSIONS)
    flat = figures(result)
    assert {v for v in flat.values() if v is not None} == {1.0}
    for name in (
        "events",
        "mobilization_type",
        "population",
        "coercion",
        "counts",
        "place_country",
        "evidence",
    ):
        assert flat[name] == 1.0, name
    assert result.events.tp == len(BASE["events"]) and result.events.fp == result.events.fn == 0


def test_a_relabelled_sector_lowers_the_sector_figures_only() -> None:
    gold = events()
    first = gold[0]
    other = next(s for s in load_schemas().labels["sector"].names if s not in first["sector"])
    predicted = events(**{first["id"]: {"sector": [other]}})
    before = figures(score({"d": gold}, {"d": gold}, DIMENSIONS))
    after = figures(score({"d": gold}, {"d": predicted}, DIMENSIONS))
    changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    assert changed and all(k == "sector" or k.startswith("sector.") for k in changed), changed
    assert after["sector"] is not None and after["sector"] < 1.0


def test_an_indicator_counts_only_with_its_status() -> None:
    gold = events()
    event = next(e for e in gold if e["coercion"])
    item = event["coercion"][0]
    status = "hedged" if item["status"] != "hedged" else "stated"
    changed = [{**c, "status": status} if c is item else c for c in event["coercion"]]
    result = score({"d": gold}, {"d": events(**{event["id"]: {"coercion": changed}})}, DIMENSIONS)
    indicator = result.fields["coercion"].classes[item["indicator"]]
    assert (indicator.tp, indicator.fp, indicator.fn) == (0, 1, 1)
    assert result.events.f1 == 1.0


def test_a_missed_event_costs_its_labels_too() -> None:
    gold = events()
    result = score({"d": gold}, {"d": gold[:1]}, DIMENSIONS)
    assert (result.events.tp, result.events.fn, result.events.fp) == (1, len(gold) - 1, 0)
    assert result.fields["mobilization_type"].micro.fn == len(gold) - 1
    assert result.fields["mobilization_type"].micro.precision == 1.0
    nothing = score({"d": gold}, {}, DIMENSIONS)
    assert nothing.events.recall == 0.0 and nothing.events.precision is None and nothing.evidence.f1 == 0.0


@pytest.mark.parametrize(
    ("gold", "predicted", "agree"),
    [
        ({"best": 110, "qualifier": "approx"}, {"best": 110, "qualifier": "exact"}, True),
        ({"best": 110, "qualifier": "approx"}, {"best": 100, "qualifier": "approx"}, False),
        ({"min": 800, "max": 1000, "qualifier": "range"}, {"best": 900, "qualifier": "approx"}, True),
        (
            {"min": 800, "max": 1000, "qualifier": "range"},
            {"min": 700, "max": 1100, "qualifier": "range"},
            True,
        ),
        ({"min": 100, "qualifier": "more_than"}, {"best": 5000, "qualifier": "approx"}, True),
        ({"min": 100, "qualifier": "more_than"}, {"best": 50, "qualifier": "approx"}, False),
        ({"max": 30, "qualifier": "less_than"}, {"best": 12, "qualifier": "approx"}, True),
        ({"qualifier": "vague"}, {"qualifier": "vague"}, True),
        ({"qualifier": "vague"}, {"best": 3, "qualifier": "exact"}, False),
        ({"best": 3, "qualifier": "exact"}, {"qualifier": "vague"}, False),
    ],
)
def test_counts_agree_within_the_gold_range(
    gold: dict[str, Any], predicted: dict[str, Any], agree: bool
) -> None:
    assert counts_agree(gold, predicted) is agree


def test_evidence_overlap_is_lenient() -> None:
    gold = events()
    shifted = copy.deepcopy(gold)
    for event in shifted:
        for span in event["evidence"]:
            span["start"] += 1  # still overlapping; the scorer does not read quotes
    result = score({"d": gold}, {"d": shifted}, DIMENSIONS)
    assert result.evidence.f1 == 1.0


def test_pairwise_f1_does_not_depend_on_who_is_gold() -> None:
    a = events()
    b = events(**{a[0]["id"]: {"sector": ["agriculture"], "population": ["residents"]}})[:1]
    one, n = pairwise({"doc": {"ann-01": a, "ann-02": b}}, DIMENSIONS)
    other, _ = pairwise({"doc": {"ann-01": b, "ann-02": a}}, DIMENSIONS)
    assert n == 1
    assert figures(one) == figures(other)
    assert one.events.precision != other.events.precision
