"""`nklabor reanchor`: after the article text is corrected, every quote is re-located, offsets and hash
updated; a quote that cannot be placed uniquely is reported and nothing is written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nklabor import validate
from nklabor.annotating.reanchor import reanchor, spans_of
from nklabor.annotation import text_sha256
from nklabor.cli import app
from tests.support import ROOT
from tests.support.project import KOMDOK, load, one_annotation

runner = CliRunner()


@pytest.fixture
def komdok(tmp_path: Path) -> Path:
    return one_annotation(tmp_path)


def corrected(text: str) -> str:
    """A dash changed, a word capitalised inside a quote, and words inserted before most quotes."""
    return (
        text.replace("locals – who", "locals — who")
        .replace(
            "North Korea’s military manpower department", "North Korea’s Military Manpower Department", 1
        )
        .replace("last Thursday,", "last Thursday (June 24),")
    )


def test_a_corrected_text_moves_every_quote_and_updates_the_hash(komdok: Path) -> None:
    before = load(komdok)
    new = corrected(before["document"]["text"])
    done = reanchor(komdok, new)
    after = load(komdok)
    assert done.written and not done.unplaced
    assert after["document"]["text"] == new and after["document"]["text_sha256"] == text_sha256(new)
    assert done.count("moved") > 5 and done.count("requoted") == 1
    assert len(list(spans_of(after))) == len(list(spans_of(before)))
    for _, span in spans_of(after):
        assert new[span["start"] : span["end"]] == span["quote"]
    assert validate([komdok]).valid


def test_a_text_corrected_in_the_file_by_hand(komdok: Path) -> None:
    data = load(komdok)
    data["document"]["text"] = corrected(data["document"]["text"])
    komdok.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert not validate([komdok]).valid  # the hash and the offsets are stale
    done = reanchor(komdok)
    assert done.written and validate([komdok]).valid
    assert done.count("requoted") == 1  # the capitalised quote was found as its one near match


def test_a_quote_that_is_repeated_in_the_new_text_is_reported_and_nothing_written(komdok: Path) -> None:
    data = load(komdok)
    quote = data["events"][0]["evidence"][0]["quote"]
    data["document"]["text"] = f"{quote}. " + data["document"]["text"]  # now twice, and nowhere it was
    komdok.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    before = komdok.read_bytes()
    done = reanchor(komdok)
    assert not done.written and komdok.read_bytes() == before
    (unplaced,) = [u for u in done.unplaced if u.span["quote"] == quote]
    assert unplaced.path == "$.events[0].evidence[0]" and "occurs 2 times" in unplaced.why
    allowed = reanchor(komdok, allow_unplaced=True)
    assert allowed.written and "span.quote-mismatch" in {i.code for i in allowed.remaining}


def test_with_the_old_text_known_even_a_repeated_quote_lands_where_it_was(komdok: Path) -> None:
    data = load(komdok)
    quote = data["events"][0]["evidence"][0]["quote"]
    new = f"{quote}. " + data["document"]["text"]
    done = reanchor(komdok, new)
    assert done.written and not done.unplaced
    span = load(komdok)["events"][0]["evidence"][0]
    assert span["start"] == data["events"][0]["evidence"][0]["start"] + len(quote) + 2


def test_check_writes_nothing_and_a_current_file_needs_nothing(komdok: Path) -> None:
    before = komdok.read_bytes()
    text = load(komdok)["document"]["text"]
    done = runner.invoke(app, ["reanchor", str(komdok), "--check"])
    assert done.exit_code == 0 and "nothing to do" in done.output
    new = komdok.parent / "corrected.txt"
    new.write_text(corrected(text), encoding="utf-8")
    pending = runner.invoke(app, ["reanchor", str(komdok), "--text", str(new), "--check"])
    assert pending.exit_code == 1 and "1 requoted" in pending.output
    assert komdok.read_bytes() == before
    written = runner.invoke(app, ["reanchor", str(komdok), "--text", str(new)])
    assert written.exit_code == 0 and f"wrote {komdok}" in written.output
    assert 'the quote is now "Military Manpower Department' in written.output


def test_other_annotators_files_of_the_document_are_named(komdok: Path) -> None:
    shutil.copy(ROOT / "annotations" / KOMDOK.replace("ann-01", "ann-02"), komdok.parent)
    new = komdok.parent / "corrected.txt"
    new.write_text(corrected(load(komdok)["document"]["text"]), encoding="utf-8")
    done = runner.invoke(app, ["reanchor", str(komdok), "--text", str(new)])
    assert done.exit_code == 0
    assert "note: differs from the text of" in done.output and "ann-02" in done.output
