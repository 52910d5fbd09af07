"""The leak scan finds sensitive values in text files and inside compressed Parquet pages."""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nklabor.release import leak
from nklabor.release.errors import LeakError
from nklabor.release.leak import Matcher, Needles, check, scan, values_at, windows

SENSITIVE = {"$.notes": "withhold", "$.annotator": "pseudonymize"}
NOTE = "The informant is the brigade leader's cousin in Musan\nShe crossed in May 2021 near the third bridge"


def needles() -> Needles:
    found = Needles()
    found.add({"document": {"text": "Article text."}, "annotator": "ann-04", "notes": NOTE}, SENSITIVE)
    return found


def test_values_at_paths() -> None:
    data = {"a": {"b": [{"c": 1}, {"c": 2}, {}]}, "n": "x"}
    assert list(values_at(data, "$.a.b[*].c")) == [1, 2]
    assert list(values_at(data, "$.n")) == ["x"]
    assert list(values_at(data, "$.missing.b")) == []


def test_needles_are_whole_notes_and_long_lines_not_in_the_text() -> None:
    found = Needles()
    found.add(
        {
            "document": {"text": "He said: the order came on June 21 from Pyongyang."},
            "annotator": "ann-04",
            "notes": "short\nthe order came on June 21 from Pyongyang\nsource B is a relative of the mine "
            "manager",
        },
        SENSITIVE,
    )
    assert found.ids == {"ann-04"}
    assert "source B is a relative of the mine manager" in found.withheld
    assert "the order came on June 21 from Pyongyang" not in found.withheld  # quotes the public text
    assert "short" not in found.withheld


@pytest.mark.parametrize(("automaton_bytes", "prefix"), [(leak.AUTOMATON_BYTES, leak.PREFIX), (16, 2)])
def test_the_matcher_finds_exactly_the_needles(
    automaton_bytes: int, prefix: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Many small automata over short prefixes (as for the notes of a large corpus) find what one automaton
    # over the whole values finds.
    monkeypatch.setattr(leak, "AUTOMATON_BYTES", automaton_bytes)
    monkeypatch.setattr(leak, "PREFIX", prefix)
    rng = random.Random(5)
    words = {"".join(rng.choice("abé-") for _ in range(rng.randint(1, 6))) for _ in range(300)}
    matcher = Matcher(Needles(withheld=words))
    assert (len(matcher.withheld) == 1) == (automaton_bytes > 10_000)
    assert Matcher(Needles()).find(b"anything", ["withheld", "id"]) == {}
    for _ in range(500):
        hay = "".join(rng.choice("abé-" + string.digits) for _ in range(rng.randint(0, 12)))
        found = matcher.find(hay.encode(), ["withheld"])
        assert bool(found) == any(w in hay for w in words), hay
        if found:
            sample = found["withheld"]
            assert sample in words and sample in hay
            # the match that ends first, as one automaton reports it
            assert hay.encode().index(sample.encode()) + len(sample.encode()) == min(
                hay.encode().index(w.encode()) + len(w.encode()) for w in words if w in hay
            )


def test_ids_match_whole_and_across_window_edges(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    matcher = Matcher(Needles(ids={"ann-04", "ab"}))
    assert matcher.find(b"by ann-04.", ["id"]) == {"id": "ann-04"}
    assert matcher.find(b"xann-04 ann-045 -ann-04 abc", ["id"]) == {}
    assert matcher.find(b"ann-045 then ab", ["id"]) == {"id": "ab"}  # an overlapping later id still counts
    monkeypatch.setattr(leak, "WINDOW", 7)
    for at in range(12):
        text = "z" * at + " ann-04 " + "z" * 3
        (tmp_path / "f.md").write_text(text, encoding="utf-8")
        assert [f.kind for f in scan(tmp_path, ["f.md"], Needles(ids={"ann-04"}))] == ["id"], text
        (tmp_path / "f.md").write_text(text.replace(" ann-04 ", " ann-045"), encoding="utf-8")
        assert scan(tmp_path, ["f.md"], Needles(ids={"ann-04"})) == [], text
    (tmp_path / "g.md").write_bytes(b"0123456789abcdefghij")
    pieces = list(windows(tmp_path / "g.md", 3))
    assert [(w, h, t) for w, h, t in pieces] == [
        (b"0123456", True, False),
        (b"456789abcd", False, False),
        (b"bcdefghij", False, True),
    ]


def stored() -> leak.NeedleStore:
    store = leak.NeedleStore()
    store.update(needles())
    return store


@pytest.mark.parametrize("sought", [needles, stored])
def test_text_files_and_compressed_parquet_values_are_scanned(
    tmp_path: Path, sought: Callable[[], leak.Sought]
) -> None:
    line = NOTE.splitlines()[1]
    table = pa.table({"title": ["fine", f"prefix {line} suffix"]})
    pq.write_table(table, tmp_path / "a.parquet", compression="zstd", write_statistics=False)
    assert line.encode() not in (tmp_path / "a.parquet").read_bytes()  # only decoding can find it
    (tmp_path / "card.md").write_text("Annotated by ann-04.", encoding="utf-8")
    (tmp_path / "ok.md").write_text(
        "Annotated by R1; ann-045 and xann-04 are other tokens.", encoding="utf-8"
    )
    (tmp_path / "schema.json").write_text('{"examples": ["ann-04"]}', encoding="utf-8")
    findings = scan(
        tmp_path,
        ["a.parquet", "card.md", "ok.md", "schema.json"],
        sought(),
        ids_exempt=["schema.json"],
    )
    assert [(f.file, f.kind) for f in findings] == [("a.parquet", "withheld"), ("card.md", "id")]
    with pytest.raises(LeakError) as caught:
        check(tmp_path, ["a.parquet", "card.md"], sought())
    assert "a.parquet" in str(caught.value) and "card.md" in str(caught.value)
    assert line not in str(caught.value)  # the message never repeats a note


def test_nested_parquet_strings_are_scanned(tmp_path: Path) -> None:
    table = pa.table({"events": [[{"quote": "x", "spans": [{"q": NOTE}]}]]})
    pq.write_table(table, tmp_path / "n.parquet", compression="zstd")
    assert [f.kind for f in scan(tmp_path, ["n.parquet"], needles())] == ["withheld"]


def test_article_runs_are_looked_for_within_each_value_not_across_values(tmp_path: Path) -> None:
    from nklabor.release.leak import scan_articles

    text = "one two three four five six seven eight nine ten eleven twelve thirteen"
    first, second = " ".join(text.split()[:6]), " ".join(text.split()[6:12])
    pq.write_table(pa.table({"name": [first, second]}), tmp_path / "apart.parquet")
    pq.write_table(pa.table({"name": [f"{first} {second}"]}), tmp_path / "whole.parquet")
    found = scan_articles(tmp_path, ["apart.parquet", "whole.parquet"], [("doc", text)])
    assert [(f.file, f.document_id) for f in found] == [("whole.parquet", "doc")]


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.lists(st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=6), max_size=5)),
    st.integers(min_value=1, max_value=4),
    st.integers(min_value=1, max_value=3),
)
def test_a_needle_store_holds_what_needles_hold(groups: list[list[str]], pack: int, arrays: int) -> None:
    """However its values are packed and joined, a store gives the values of one set of needles: encoded,
    sorted as bytes, each once (repeats across packs too), and every id."""

    class Store(leak.NeedleStore):
        PACK, ARRAYS = pack, arrays

    store, together = Store(), Needles()
    for i, group in enumerate(groups):
        part = Needles(withheld=set(group), ids={f"ann-{i % 3}"})
        store.update(part)
        together.update(part)
    assert store.values() == together.values() == sorted({v.encode() for v in together.withheld})
    assert store.ids == together.ids
    assert store.values() == together.values()  # asking again changes nothing
