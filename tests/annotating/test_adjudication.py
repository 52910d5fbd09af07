"""Adjudication drafts: disputes with who chose what, the draft and the settled file validate, the CLI's
outputs."""

from __future__ import annotations

import copy
import json
import stat
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from nklabor import validate
from nklabor.agreement.align import align
from nklabor.annotating.adjudication import adjudicate_document, plan
from nklabor.annotation import DRAFT_END, DRAFT_MARKER, dump, is_draft
from nklabor.cli import app
from nklabor.release.gold import select_gold
from nklabor.validation import Annotation
from tests.support import DATA
from tests.support.synthetic import write_files

BASE = json.loads((DATA / "valid" / "komdok-excerpt.json").read_text(encoding="utf-8"))
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
runner = CliRunner()


def variant(
    annotator: str, doc_id: str = "doc-a", notes: str | None = None, **events: dict[str, Any]
) -> dict[str, Any]:
    """The Komdok excerpt annotation as `annotator` labels document `doc_id`; `e1={...}` overrides fields of
    e1."""
    out = copy.deepcopy(BASE)
    out["annotator"] = annotator
    out["document"]["id"] = doc_id
    out.pop("notes", None)
    if notes:
        out["notes"] = notes
    for event in out["events"]:
        event.update(copy.deepcopy(events.get(event["id"], {})))
    return out


def disagreeing() -> tuple[dict[str, Any], dict[str, Any]]:
    """ann-02 differs from ann-01 on e1's population, e2's st_compulsory_order status and e2's evidence; it
    also
    codes a third event and lists its events in another order."""
    a = variant("ann-01", notes="ann-01 thinks the order came from the Ministry.")
    b = variant("ann-02", e1={"population": ["conscripts", "residents"]})
    order = b["events"][1]["coercion"][0]
    order["status"] = "implied"
    b["events"][1]["evidence"] = [{"start": 452, "end": 481, "quote": BASE["document"]["text"][452:481]}]
    extra = copy.deepcopy(b["events"][0])
    extra.update(
        {
            "id": "e9",
            "mobilization_type": "state_job_assignment",
            "population": ["enterprise_workers"],
            "secondary_types": [],
            "place": {"country": "KP", "subdivisions": ["KP-09"], "precision": "province"},
            "evidence": [{"start": 0, "end": 19, "quote": BASE["document"]["text"][0:19]}],
        }
    )
    b["events"] = [b["events"][1], extra, b["events"][0]]
    return a, b


def wrap(*items: dict[str, Any]) -> list[Annotation]:
    return [Annotation(f"ann/{a['document']['id']}.{a['annotator']}.json", 1, a) for a in items]


def test_events_are_aligned_across_orders() -> None:
    a, b = disagreeing()
    # b: [e2-like, extra, e1-like]
    assert align(a["events"], b["events"]) == {0: 2, 1: 0}


def test_draft_lists_each_dispute_with_who_chose_what() -> None:
    a, b = disagreeing()
    result = adjudicate_document(wrap(b, a), "adj-01", now=NOW)
    assert result.annotators == ("ann-01", "ann-02")
    where = {d.where: d for d in result.disputes}
    population = where["events[0] e1 population"]
    assert population.values == {"ann-01": ["conscripts"], "ann-02": ["conscripts", "residents"]}
    assert population.kept == "ann-01"
    status = where["events[1] e2 coercion st_compulsory_order"]
    assert status.values == {"ann-01": "stated", "ann-02": "implied"}
    extra = where["ann-02 event e9"]
    assert "state_job_assignment" in extra.values["ann-02"] and "ann/doc-a.ann-02.json:1" in extra.hint
    assert len(result.disputes) == 3, [d.where for d in result.disputes]

    draft = result.annotation
    assert draft["annotator"] == "adj-01" and draft["role"] == "adjudicator"
    assert draft["annotated_at"] == "2026-11-20T09:00:00Z"
    assert [e["id"] for e in draft["events"]] == [
        "e1",
        "e2",
    ]  # ann-01's events; ann-02's extra left out
    assert draft["events"][0]["population"] == ["conscripts"]  # disputed: ann-01's value for now
    # e2's evidence merged: ann-01's span and ann-02's non-overlapping one
    assert [(s["start"], s["end"]) for s in draft["events"][1]["evidence"]] == [
        (361, 427),
        (452, 481),
    ]
    notes = draft["notes"]
    assert notes.startswith(DRAFT_MARKER) and notes.rstrip().endswith(DRAFT_END)
    assert '[1] events[0] e1 population: ann-01 ["conscripts"] | ann-02 ["conscripts", "residents"]' in notes
    assert "Notes of ann-01: ann-01 thinks the order came from the Ministry." in notes
    assert is_draft(draft)


def test_draft_and_settled_file_round_trip_through_the_validator(tmp_path: Path) -> None:
    a, b = disagreeing()
    folder = write_files(tmp_path / "annotations", [a, b])
    drafts = tmp_path / "adjudication"
    result = runner.invoke(app, ["adjudicate", str(folder), "--out", str(drafts)])
    assert result.exit_code == 0, result.output
    draft_file = drafts / "doc-a.adj-01.json"
    assert f"wrote {draft_file}" in result.output and "3 dispute(s)" in result.output
    assert validate([draft_file], registry=folder / "annotators.json").issues == []

    # The adjudicator settles the disputes: takes ann-02's population, keeps "stated", adds nothing; deletes
    # the
    # block and saves the file beside the annotations.
    draft = json.loads(draft_file.read_text(encoding="utf-8"))
    draft["events"][0]["population"] = ["conscripts", "residents"]
    draft["notes"] = "Residents are named in the article's first paragraph."
    assert not is_draft(draft)
    (folder / "doc-a.adj-01.json").write_text(dump(draft), encoding="utf-8")
    report = validate([folder])
    assert report.issues == [] and report.records == 3

    gold = select_gold(json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("doc-*.json")))
    assert [d.annotation["annotator"] for d in gold.documents] == ["adj-01"]

    # Run again: the document is adjudicated, nothing to write.
    again = runner.invoke(app, ["adjudicate", str(folder), "--out", str(tmp_path / "again")])
    assert again.exit_code == 0 and "1 document(s) already adjudicated" in again.output
    assert not (tmp_path / "again").exists()


def test_unsettled_draft_in_the_tree_is_reported_pending(tmp_path: Path) -> None:
    a, b = disagreeing()
    draft = adjudicate_document(wrap(a, b), "adj-01", now=NOW).annotation
    folder = write_files(tmp_path / "annotations", [a, b, draft])
    found = plan(
        [
            Annotation(str(p), 1, json.loads(p.read_text(encoding="utf-8")))
            for p in sorted(folder.glob("doc-*.json"))
        ],
        "adj-01",
    )
    assert found.pending == [("doc-a", str(folder / "doc-a.adj-01.json") + ":1")] and not found.adjudications
    result = runner.invoke(app, ["adjudicate", str(folder), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0 and "pending   doc-a  draft not settled yet" in result.output


def test_unanimous_documents_need_the_flag(tmp_path: Path) -> None:
    same = [variant("ann-01", "doc-a"), variant("ann-02", "doc-a")]
    # ann-02 cites one more span for e1: evidence is merged, not disputed
    same[1]["events"][0]["evidence"].append({"start": 0, "end": 19, "quote": BASE["document"]["text"][0:19]})
    folder = write_files(tmp_path / "annotations", same)
    out = tmp_path / "gold.json"
    result = runner.invoke(app, ["adjudicate", str(folder), "--out", str(out)])
    assert result.exit_code == 0 and "unanimous doc-a" in result.output and not out.exists()

    result = runner.invoke(app, ["adjudicate", str(folder), "--out", str(out), "--accept-unanimous"])
    assert result.exit_code == 0, result.output
    written = json.loads(out.read_text(encoding="utf-8"))
    assert not is_draft(written) and written["role"] == "adjudicator"
    assert "--accept-unanimous" in written["notes"]
    assert [(s["start"], s["end"]) for s in written["events"][0]["evidence"]] == [
        (0, 19),
        (61, 139),
    ]
    assert validate([out], registry=folder / "annotators.json").issues == []


def test_jsonl_and_json_outputs(tmp_path: Path) -> None:
    a, b = disagreeing()
    c, d = (variant("ann-01", "doc-b"), variant("ann-02", "doc-b", e1={"sector": ["mining"]}))
    folder = write_files(tmp_path / "annotations", [a, b, c, d])
    jsonl = tmp_path / "drafts.jsonl"
    result = runner.invoke(app, ["adjudicate", str(folder), "--out", str(jsonl), "--format", "json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert [x["document"] for x in summary["drafts"]] == ["doc-a", "doc-b"]
    sector = summary["drafts"][1]["disputes"][0]
    assert sector["where"] == "events[0] e1 sector"
    assert (
        sector["values"] == {"ann-01": ["construction"], "ann-02": ["mining"]}
        and sector["draft_keeps"] == "ann-01"
    )
    assert len(jsonl.read_text(encoding="utf-8").splitlines()) == 2
    assert validate([jsonl], registry=folder / "annotators.json").issues == []
    assert stat.S_IMODE(jsonl.stat().st_mode) == 0o644  # as a checkout has it, not mkstemp's 0600

    one = runner.invoke(app, ["adjudicate", str(folder), "--out", str(tmp_path / "one.json")])
    assert one.exit_code == 2 and "a .json file holds one" in one.output
    exists = runner.invoke(app, ["adjudicate", str(folder), "--out", str(jsonl)])
    assert exists.exit_code == 2 and "already exists" in exists.output
    assert runner.invoke(app, ["adjudicate", str(folder), "--out", str(jsonl), "--force"]).exit_code == 0


def test_drafts_are_not_written_into_the_input_folder(tmp_path: Path) -> None:
    folder = write_files(tmp_path / "annotations", list(disagreeing()))
    result = runner.invoke(app, ["adjudicate", str(folder), "--out", str(folder)])
    assert result.exit_code == 2 and "would be read as adjudications" in result.output
    assert sorted(p.name for p in folder.iterdir()) == [
        "annotators.json",
        "doc-a.ann-01.json",
        "doc-a.ann-02.json",
    ]


def test_adjudicator_must_be_registered(tmp_path: Path) -> None:
    folder = write_files(tmp_path / "annotations", list(disagreeing()))
    result = runner.invoke(
        app, ["adjudicate", str(folder), "--out", str(tmp_path / "o"), "--adjudicator", "ann-01"]
    )
    assert result.exit_code == 2 and "not registered as adjudicator" in result.output


def test_invalid_input_is_refused_with_the_validator_report(tmp_path: Path) -> None:
    a, b = disagreeing()
    b["events"][0]["evidence"][0]["start"] += 1
    folder = write_files(tmp_path / "annotations", [a, b])
    result = runner.invoke(app, ["adjudicate", str(folder), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1 and "[span.quote-mismatch]" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "o").exists()


def test_long_notes_stay_within_the_schema_limit() -> None:
    a, b = disagreeing()
    a["notes"] = "x" * 19_000
    result = adjudicate_document(wrap(a, b), "adj-01", now=NOW)  # validated inside: raises if too long
    assert "too long to copy" in result.annotation["notes"]
    assert len(result.disputes) == 3 and "[3]" in result.annotation["notes"]


@pytest.mark.parametrize("who", ["ann-01", "ann-02"])
def test_single_annotator_needs_nothing(who: str) -> None:
    found = plan(wrap(variant(who)), "adj-01")
    assert found.single == ["doc-a"] and not found.adjudications
