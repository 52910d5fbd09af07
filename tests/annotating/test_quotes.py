"""Finding quotes: near matches (quotes, dashes, white space, case) with real offsets; every occurrence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from nklabor.annotating.authoring import QuoteError, find_span
from nklabor.annotating.quotes import fold, near_matches, occurrences
from nklabor.cli import app

runner = CliRunner()
TEXT = (
    "North Korea’s order came on June 21 – and “no unreasonable deployments” were\npromised.  Soldiers left."
)


@pytest.mark.parametrize(
    ("typed", "found", "differences"),
    [
        ("North Korea's order", "North Korea’s order", ("quotes",)),
        ('"no unreasonable deployments"', "“no unreasonable deployments”", ("quotes",)),
        ("June 21 - and", "June 21 – and", ("dashes",)),
        ("were promised. Soldiers", "were\npromised.  Soldiers", ("whitespace",)),
        ("soldiers LEFT", "Soldiers left", ("case",)),
        ("Korea's order came on June 21 - and", "Korea’s order came on June 21 – and", ("quotes", "dashes")),
    ],
)
def test_near_matches_give_the_real_span_and_what_differs(
    typed: str, found: str, differences: tuple[str, ...]
) -> None:
    with pytest.raises(QuoteError) as caught:
        find_span(TEXT, typed)
    (match,) = caught.value.suggestions
    assert match.quote == found == TEXT[match.start : match.end]
    assert match.differences == differences
    assert "near match" in str(caught.value)


def test_an_absent_quote_with_no_near_match_says_so() -> None:
    with pytest.raises(QuoteError, match="check quotes") as caught:
        find_span(TEXT, "Pyongyang")
    assert caught.value.suggestions == [] and caught.value.occurrences == 0


def test_a_repeated_quote_lists_every_occurrence_as_a_span() -> None:
    text = "a b a b a"
    with pytest.raises(QuoteError) as caught:
        find_span(text, "a")
    assert caught.value.spans == [{"start": s, "end": s + 1, "quote": "a"} for s in (0, 4, 8)]
    assert find_span(text, "a", occurrence=2) == {"start": 4, "end": 5, "quote": "a"}


@given(st.text(min_size=1, max_size=40), st.data())
def test_every_near_match_is_a_real_span_of_the_text(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    for match in near_matches(text, text[start:end].upper()):
        assert text[match.start : match.end] == match.quote
        assert fold(match.quote)[0] == fold(text[start:end].strip())[0]


def test_occurrences_overlap() -> None:
    assert occurrences("aaa", "aa") == [0, 1]


def test_cli_prints_near_matches_and_every_occurrence(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(TEXT, encoding="utf-8")
    near = runner.invoke(app, ["span", str(article), "North Korea's order"])
    assert near.exit_code == 1
    line = next(x for x in near.output.splitlines() if x.startswith("near match"))
    assert line.startswith("near match (quotes): ")
    span = json.loads(line.removeprefix("near match (quotes): ").rsplit("  (line", 1)[0])
    assert span == {"start": 0, "end": 19, "quote": "North Korea’s order"}
    repeated = runner.invoke(app, ["span", str(article), "o"])
    assert repeated.exit_code == 1
    listed = [x for x in repeated.output.splitlines() if x.startswith("--occurrence ")]
    assert len(listed) == TEXT.count("o") and "(--occurrence N)" in repeated.output
