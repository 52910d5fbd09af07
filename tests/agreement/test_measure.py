"""Agreement: alpha against hand-computed and published values, MASI and span F1, the report, the CLI gate."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from nklabor.agreement import measure as agreement
from nklabor.agreement.measure import document_agreement, document_labels, measure
from nklabor.agreement.metrics import alpha, masi_distance, span_f1
from nklabor.cli import app
from nklabor.cli.render import agreement_text
from tests.support import DATA, ROOT, synthetic
from tests.support.synthetic import write_files

BASE = json.loads((DATA / "valid" / "komdok-excerpt.json").read_text(encoding="utf-8"))
runner = CliRunner()


def variant(annotator: str, doc_id: str = "doc-a", **events: dict[str, Any]) -> dict[str, Any]:
    """The Komdok excerpt annotation as `annotator` labels document `doc_id`; `e1={...}` overrides fields of
    e1."""
    out = copy.deepcopy(BASE)
    out["annotator"] = annotator
    out["document"]["id"] = doc_id
    out.pop("notes", None)
    for event in out["events"]:
        event.update(copy.deepcopy(events.get(event["id"], {})))
    return out


def unrelated(annotator: str, doc_id: str) -> dict[str, Any]:
    """`relevant: false`, no events."""
    out = variant(annotator, doc_id)
    out["relevant"] = False
    out["events"] = []
    return out


# --- alpha
# ------------------------------------------------------------------------------------------------------


def test_perfect_agreement_is_1() -> None:
    # Do = 0 (no disagreeing pair), so alpha = 1 - 0 / De = 1.
    assert alpha([["a", "a"], ["b", "b"], ["a", "a"]]) == pytest.approx(1.0)


def test_systematic_disagreement_is_negative() -> None:
    # 4 units, 2 coders, always opposite: o(0,1) = o(1,0) = 4, n = 8, n0 = n1 = 4.
    # Do = 8/8 = 1; De = 2 * 4 * 4 / (8 * 7) = 32/56; alpha = 1 - 56/32 = -0.75.
    assert alpha([[1, 0], [0, 1], [1, 0], [0, 1]]) == pytest.approx(-0.75)


def test_missing_values() -> None:
    # 3 coders, None = missing. Unit 3 has one value: unpairable, dropped.
    # u1 (1,1): o11 += 2.  u2 (0,0,0): 6 ordered pairs x 1/2 -> o00 += 3.
    # u4 (0,1,0): o01 += 1, o10 += 1, o00 += 1.
    # Totals o00 = 4, o11 = 2, o01 = o10 = 1; n = 8, n0 = 5, n1 = 3.
    # Do = 2/8; De = 2 * 5 * 3 / (8 * 7) = 30/56; alpha = 1 - (2/8) * (56/30) = 1 - 7/15 = 8/15.
    units: list[list[int | None]] = [[1, 1, None], [0, 0, 0], [1, None, None], [0, 1, 0]]
    assert alpha(units) == pytest.approx(8 / 15)


def test_ordinal_credits_near_misses() -> None:
    # Units (none, none), (direct, direct), (possible, direct); n_none = 2, n_possible = 1, n_direct = 3, n =
    # 6.
    # Ordinal delta(c,k) = (sum of n_g from c to k - (n_c + n_k)/2)^2:
    #   delta(possible, direct) = (4 - 2)^2 = 4; delta(none, possible) = (3 - 1.5)^2 = 2.25;
    #   delta(none, direct) = (6 - 2.5)^2 = 12.25.
    # Do = (1/6)(4 + 4) = 4/3; De = (2/30)(2*1*2.25 + 2*3*12.25 + 1*3*4) = 6; alpha = 1 - (4/3)/6 = 7/9.
    units = [["none", "none"], ["direct", "direct"], ["possible", "direct"]]
    assert alpha(units, "ordinal", agreement.RELEVANCE_ORDER) == pytest.approx(7 / 9)
    # Nominal on the same data: Do = 2/6, De = (30 - (2 + 0 + 6)) / 30 = 22/30, alpha = 1 - 10/22 = 6/11.
    assert alpha(units) == pytest.approx(6 / 11)


def test_published_worked_example() -> None:
    # Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": 4 observers, 12 units, missing data.
    # Published: nominal 0.743, ordinal 0.815.
    rows = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
        [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
    ]
    units = [list(col) for col in zip(*rows, strict=True)]
    assert alpha(units) == pytest.approx(0.743, abs=5e-4)
    assert alpha(units, "ordinal", [1, 2, 3, 4, 5]) == pytest.approx(0.815, abs=5e-4)


def test_undefined_alpha() -> None:
    assert alpha([[1, 1], [1, 1]]) is None  # no variation: De = 0
    assert alpha([[1, None], [None, 0]]) is None  # no pairable unit
    with pytest.raises(ValueError):
        alpha([["a", "b"]], "ordinal")


# --- set and span comparison
# -------------------------------------------------------------------------------------


def test_masi_distance() -> None:
    a, b, c = "a", "b", "c"
    assert masi_distance(frozenset(), frozenset()) == 0
    assert masi_distance(frozenset({a}), frozenset({a})) == 0
    assert masi_distance(frozenset({a}), frozenset({a, b})) == pytest.approx(1 - (1 / 2) * (2 / 3))  # subset
    assert masi_distance(frozenset({a, b}), frozenset({b, c})) == pytest.approx(
        1 - (1 / 3) * (1 / 3)
    )  # overlap
    assert masi_distance(frozenset({a}), frozenset({b})) == 1  # disjoint
    assert masi_distance(frozenset(), frozenset({a})) == 1


def test_span_f1() -> None:
    # recall: (0,10) found, (20,30) not -> 1/2; precision: (5,8) found -> 1; F1 = 2 * 0.5 * 1 / 1.5 = 2/3.
    assert span_f1([(0, 10), (20, 30)], [(5, 8)]) == pytest.approx(2 / 3)
    assert span_f1([(0, 10)], [(10, 20)]) == 0  # touching is not overlapping
    assert span_f1([], []) == 1
    assert span_f1([(0, 1)], []) == 0


def test_document_labels() -> None:
    data = variant("ann-01", e1={"sanctions": {"relevance": "contextual", "provisions": [], "evasion": []}})
    data["events"][1]["coercion"][1]["status"] = "denied"
    labels = document_labels(data)
    assert labels.mobilization_type == {
        "military_labour",
        "emergency_recovery",
        "discharged_soldier_placement",
    }
    assert labels.population == {"conscripts", "discharged_soldiers"}
    assert labels.coercion == {"st_compulsory_order"}  # denied is not present
    assert labels.sanctions_relevance == "contextual"  # strongest over the events
    assert (782, 834) in labels.evidence and (61, 139) in labels.evidence
    assert document_labels(unrelated("ann-01", "doc-z")).sanctions_relevance == "none"


# --- the report
# --------------------------------------------------------------------------------------------------


def test_identical_annotators_agree_perfectly() -> None:
    docs = list(synthetic.generate(4, seed=5))
    twins = []
    for a in docs:
        twin = copy.deepcopy(a)
        twin["annotator"] = "ann-02"
        twins += [a, twin]
    report = measure(twins)
    assert report.compared == 4 and not report.single
    defined = {f.field: f.alpha for f in report.fields if f.alpha is not None}
    assert "mobilization_type" in defined
    assert all(v == pytest.approx(1.0) for v in defined.values()), defined
    assert all(d.agreement == pytest.approx(1.0) for d in report.documents)
    assert report.pairs[0].agreement == pytest.approx(1.0) and report.pairs[0].documents == 4


def swapped() -> list[dict[str, Any]]:
    """Two documents; the annotators swap conscripts and residents on e1 and drop e2."""
    out = []
    for doc, (first, second) in {
        "doc-a": ("conscripts", "residents"),
        "doc-b": ("residents", "conscripts"),
    }.items():
        for who, value in (("ann-01", first), ("ann-02", second)):
            item = variant(who, doc, e1={"population": [value]})
            item["events"] = item["events"][:1]
            out.append(item)
    return out


def test_systematic_disagreement_on_population() -> None:
    report = measure(swapped())
    population = next(f for f in report.fields if f.field == "population")
    # Units (doc, value) for the values used: a-conscripts (1,0), a-residents (0,1), b-conscripts (0,1),
    # b-residents (1,0): the same as test_systematic_disagreement_is_negative, alpha = -0.75.
    assert population.units == 4
    assert population.alpha == pytest.approx(-0.75)
    assert population.observed == 0  # disjoint sets: MASI similarity 0
    assert next(f for f in report.fields if f.field == "sector").alpha is None  # never varies
    assert [f.field for f in report.below(0.67)] == ["population", "events.population"]


def test_missing_annotator_and_single_documents() -> None:
    # relevant per document, (ann-01, ann-02, ann-03): d1 (T, T, -), d2 (F, F, F), d3 (T, -, -), d4 (F, T, F):
    # the units of test_missing_values, alpha 8/15. d3 has one annotator: counted and excluded.
    plan = {
        "doc-1": (True, True, None),
        "doc-2": (False, False, False),
        "doc-3": (True, None, None),
        "doc-4": (False, True, False),
    }
    items = []
    for doc, flags in plan.items():
        for who, flag in zip(("ann-01", "ann-02", "ann-03"), flags, strict=True):
            if flag is not None:
                items.append(variant(who, doc) if flag else unrelated(who, doc))
    report = measure(items)
    assert report.single == ["doc-3"] and report.compared == 3 and report.total_documents == 4
    relevant = next(f for f in report.fields if f.field == "relevant")
    assert relevant.alpha == pytest.approx(8 / 15)
    text = agreement_text(report)
    assert "1 document(s) with one annotator excluded" in text
    assert document_agreement(items)["doc-3"] is None


def test_document_agreement_hand_computed() -> None:
    # Same labels except sanctions relevance none vs contextual: ordinal similarity 1 - 1/4 = 0.75, the six
    # other
    # families 1; mean (6 + 0.75) / 7. The adjudicator's annotation is not counted.
    a = variant("ann-01")
    b = variant("ann-02", e1={"sanctions": {"relevance": "contextual", "provisions": [], "evasion": []}})
    judge = unrelated("adj-01", "doc-a")
    judge["role"] = "adjudicator"
    assert document_agreement([a, b, judge]) == {"doc-a": pytest.approx(6.75 / 7)}
    assert document_agreement([a]) == {"doc-a": None}


def test_worst_document_first_and_pairs() -> None:
    items = [
        variant("ann-01", "doc-good"),
        variant("ann-02", "doc-good"),
        variant("ann-01", "doc-bad"),
        unrelated("ann-02", "doc-bad"),
    ]
    report = measure(items)
    assert [d.id for d in report.documents] == ["doc-bad", "doc-good"]
    assert report.documents[1].agreement == pytest.approx(1.0)
    bad = report.documents[0]
    assert bad.families["relevant"] == 0 and bad.families["evidence"] == 0
    # pair ann-01/ann-02: mean of the two documents
    assert report.pairs[0].agreement == pytest.approx((bad.agreement + 1.0) / 2)


# --- the command
# -------------------------------------------------------------------------------------------------


def test_cli_gate_fails_below_threshold(tmp_path: Path) -> None:
    folder = write_files(tmp_path / "ann", swapped())
    result = runner.invoke(app, ["agreement", str(folder), "--min-alpha", "0.67"])
    assert result.exit_code == 1, result.output
    assert "gate failed" in result.output and "population alpha -0.750" in result.output
    assert "sector" not in result.output.split("gate failed")[1]
    assert runner.invoke(app, ["agreement", str(folder), "--min-alpha", "-0.8"]).exit_code == 0
    assert runner.invoke(app, ["agreement", str(folder)]).exit_code == 0


def test_cli_gate_passes_on_agreement(tmp_path: Path) -> None:
    folder = write_files(
        tmp_path / "ann",
        [
            variant("ann-01", "doc-a"),
            variant("ann-02", "doc-a"),
            unrelated("ann-01", "doc-b"),
            unrelated("ann-02", "doc-b"),
        ],
    )
    result = runner.invoke(app, ["agreement", str(folder), "--min-alpha", "0.9", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["gate"] == {"min_alpha": 0.9, "passed": True, "failed": [], "reasons": []}
    assert data["documents"]["compared"] == 2
    assert {f["field"]: f["alpha"] for f in data["fields"]}["relevant"] == pytest.approx(1.0)


def test_cli_gate_without_any_comparison_fails(tmp_path: Path) -> None:
    folder = write_files(tmp_path / "ann", [variant("ann-01", "doc-a")])
    result = runner.invoke(app, ["agreement", str(folder), "--min-alpha", "0.5"])
    assert result.exit_code == 1
    assert "no document has two or more annotators" in result.output


def test_cli_refuses_invalid_input() -> None:
    case = DATA / "invalid" / "span-off-by-one" / "input.json"
    result = runner.invoke(app, ["agreement", str(case)])
    assert result.exit_code == 1
    assert "[span.quote-mismatch]" in result.output and "Traceback" not in result.output


def test_cli_usage_errors() -> None:
    result = runner.invoke(app, ["agreement", "no/such/folder"])
    assert result.exit_code == 2 and "no/such/folder" in result.output
    assert runner.invoke(app, ["agreement", str(DATA / "valid"), "--min-alpha", "2"]).exit_code == 2


def test_shipped_annotations_table() -> None:
    result = runner.invoke(app, ["agreement", str(ROOT / "annotations")])
    assert result.exit_code == 0, result.output
    assert "Documents, worst first" in result.output and "Annotator pairs" in result.output
    data = json.loads(runner.invoke(app, ["agreement", str(ROOT / "annotations"), "-f", "json"]).output)
    assert data["documents"]["compared"] >= 2
    assert data["adjudications_not_counted"] >= 2
