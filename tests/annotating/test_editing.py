"""`nklabor span --add`: evidence inserted into the file, validated, atomically; nothing else changes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nklabor import validate
from nklabor.annotating.editing import add_evidence
from nklabor.cli import app
from nklabor.errors import InvalidInputError, UsageError
from tests.support.project import load, one_annotation

runner = CliRunner()


@pytest.fixture
def komdok(tmp_path: Path) -> Path:
    return one_annotation(tmp_path)


def test_adding_event_evidence_changes_that_list_and_the_stamp_only(komdok: Path) -> None:
    before = load(komdok)
    added = add_evidence(komdok, "taking part in reconstruction efforts", "e2")
    after = load(komdok)
    assert after["events"][1]["evidence"][-1] == added.span
    assert added.path == f"$.events[1].evidence[{len(after['events'][1]['evidence']) - 1}]"
    after["events"][1]["evidence"].pop()
    assert {k: v for k, v in after.items() if k != "annotated_at"} == {
        k: v for k, v in before.items() if k != "annotated_at"
    }
    assert validate([komdok.parent]).valid


def test_adding_indicator_evidence_to_an_existing_or_a_new_indicator(komdok: Path) -> None:
    existing = load(komdok)["events"][1]["coercion"][0]["indicator"]
    add_evidence(komdok, "replace their guns with rock drills", "e2", indicator=existing)
    assert (
        load(komdok)["events"][1]["coercion"][0]["evidence"][-1]["quote"]
        == "replace their guns with rock drills"
    )
    with pytest.raises(UsageError, match="needs its status"):
        add_evidence(komdok, "little regard for the soldiers", "e2", indicator="ilo_abusive_conditions")
    made = add_evidence(
        komdok, "little regard for the soldiers", "e2", indicator="ilo_abusive_conditions", status="implied"
    )
    assert made.created
    assert load(komdok)["events"][1]["coercion"][-1] == {
        "indicator": "ilo_abusive_conditions",
        "status": "implied",
        "evidence": [made.span],
    }
    assert validate([komdok.parent]).valid


@pytest.mark.parametrize(
    ("event", "options", "message"),
    [
        ("e9", {}, "no event 'e9' \\(events: e1, e2\\)"),
        ("e2", {"indicator": "st_made_up"}, "not a coercion indicator id"),
        ("e2", {"indicator": "st_compulsory_order", "status": "hedged"}, "change the status in the file"),
    ],
)
def test_what_cannot_be_added_is_refused_and_nothing_written(
    komdok: Path, event: str, options: dict[str, str], message: str
) -> None:
    before = komdok.read_bytes()
    with pytest.raises(UsageError, match=message):
        add_evidence(
            komdok,
            "taking part in reconstruction efforts",
            event,
            indicator=options.get("indicator"),
            status=options.get("status"),
        )
    assert komdok.read_bytes() == before


def test_a_span_already_there_is_refused(komdok: Path) -> None:
    quote = load(komdok)["events"][1]["evidence"][0]["quote"]
    with pytest.raises(UsageError, match="already holds"):
        add_evidence(komdok, quote, "e2")


def test_a_file_already_invalid_can_be_completed_by_an_addition(komdok: Path) -> None:
    data = load(komdok)
    data["events"][1]["coercion"].append({"indicator": "st_ration_cut", "status": "stated", "evidence": []})
    komdok.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert not validate([komdok]).valid  # an indicator with no evidence yet
    add_evidence(komdok, "replace their guns with rock drills", "e2", indicator="st_ration_cut")
    assert validate([komdok]).valid


def test_an_addition_that_would_add_an_error_writes_nothing(
    komdok: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong = {"start": 0, "end": 5, "quote": "wrong"}  # as a faulty quote finder would return it
    monkeypatch.setattr("nklabor.annotating.editing.find_span", lambda *args: dict(wrong))
    before = komdok.read_bytes()
    with pytest.raises(InvalidInputError) as caught:
        add_evidence(komdok, "anything", "e2")
    assert [i.code for i in caught.value.report.issues] == ["span.quote-mismatch"]
    assert komdok.read_bytes() == before


def test_the_file_keeps_its_schema_key_and_key_order(komdok: Path) -> None:
    data = load(komdok)
    komdok.write_text(
        json.dumps({"$schema": "../.nklabor/annotation.schema.json", **data}, ensure_ascii=False, indent=2)
        + "\n",
        encoding="utf-8",
    )
    add_evidence(komdok, "taking part in reconstruction efforts", "e2")
    assert list(load(komdok))[:3] == ["$schema", "schema_version", "document"]
    assert validate([komdok]).valid


def test_cli_adds_and_reports_where(komdok: Path) -> None:
    done = runner.invoke(
        app,
        [
            "span",
            str(komdok),
            "replace their guns with rock drills",
            "--add",
            "e2",
            "--indicator",
            "st_compulsory_order",
        ],
    )
    assert done.exit_code == 0, done.output
    assert f"added to {komdok} at $.events[1].coercion[0].evidence[1]" in done.output
    lone = runner.invoke(app, ["span", str(komdok), "rock drills", "--indicator", "st_compulsory_order"])
    assert lone.exit_code == 2 and "go with --add" in lone.output
    missing = runner.invoke(app, ["span", str(komdok), "rock drills", "--add", "e7"])
    assert missing.exit_code == 2 and "no event 'e7'" in missing.output
