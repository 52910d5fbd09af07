"""Property tests (hypothesis): write -> read -> validate round trips keep data and validity; spans round-trip."""

from __future__ import annotations

import json
import random
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit import synthetic, validate
from toolkit.authoring import dump, find_span
from toolkit.reading import iter_records


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), jsonl=st.booleans())
def test_synthetic_annotations_round_trip(seed: int, jsonl: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        check_round_trip(Path(tmp), seed, jsonl)


def check_round_trip(folder: Path, seed: int, jsonl: bool) -> None:
    (folder / "annotators.json").write_text(json.dumps(synthetic.registry()), encoding="utf-8")
    original = synthetic.annotation(random.Random(seed), seed % 1000, seed)
    path = folder / ("a.jsonl" if jsonl else "a.json")
    path.write_text(json.dumps(original, ensure_ascii=False) + "\n" if jsonl else dump(original), encoding="utf-8")
    (record,) = iter_records(path)
    assert record.data == original
    report = validate([folder])
    assert report.valid, report.issues


@settings(max_examples=200, deadline=None)
@given(text=st.text(min_size=1, max_size=200), data=st.data())
def test_find_span_round_trips(text: str, data: st.DataObject) -> None:
    text = text.replace("\r", "\n")
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    quote = text[start:end]
    import unicodedata

    if quote != unicodedata.normalize("NFC", quote) or text.count(quote) != 1:
        return  # only unique, already-normalised quotes have a single answer
    span = find_span(text, quote)
    assert (span["start"], span["end"]) == (start, end)
    assert text[span["start"]:span["end"]] == span["quote"]
