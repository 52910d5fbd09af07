"""Property tests (hypothesis): write -> read -> validate round trips keep data and validity; spans
round-trip."""

from __future__ import annotations

import json
import random
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from nklabor import validate
from nklabor.annotating.authoring import find_span
from nklabor.annotation import dump
from nklabor.validation.reading import iter_records
from tests.support import DATA, synthetic


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), jsonl=st.booleans())
def test_synthetic_annotations_round_trip(seed: int, jsonl: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        check_round_trip(Path(tmp), seed, jsonl)


def check_round_trip(folder: Path, seed: int, jsonl: bool) -> None:
    (folder / "annotators.json").write_text(json.dumps(synthetic.registry()), encoding="utf-8")
    original = synthetic.annotation(random.Random(seed), seed % 1000, seed)
    path = folder / ("a.jsonl" if jsonl else "a.json")
    path.write_text(
        json.dumps(original, ensure_ascii=False) + "\n" if jsonl else dump(original),
        encoding="utf-8",
    )
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
    assert text[span["start"] : span["end"]] == span["quote"]


VALID_BYTES = (DATA / "valid" / "komdok-excerpt.json").read_bytes()


@settings(max_examples=150, deadline=None)
@given(
    edits=st.lists(
        st.tuples(st.integers(0, len(VALID_BYTES)), st.integers(0, 8), st.binary(max_size=6)),
        min_size=1,
        max_size=4,
    ),
    jsonl=st.booleans(),
)
def test_corrupted_files_never_crash_the_validator(edits: list[tuple[int, int, bytes]], jsonl: bool) -> None:
    """Random byte edits of a valid file: the validator reports findings, it never raises."""
    content = bytearray(VALID_BYTES)
    for at, cut, insert in edits:
        content[at : at + cut] = insert
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("a.jsonl" if jsonl else "a.json")
        path.write_bytes(bytes(content))
        report = validate([path], registry=DATA / "annotators.json")
        for issue in report.issues:
            assert issue.line is None or issue.line >= 1


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


def _paths(node: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*prefix, i))
    return out


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_wrongly_shaped_values_never_crash_the_validator(data: st.DataObject) -> None:
    """Replace any node of a valid annotation with any JSON value: findings, never an exception."""
    document = json.loads(VALID_BYTES)
    paths = _paths(document)[1:]
    for path in data.draw(st.lists(st.sampled_from(paths), min_size=1, max_size=3)):
        node = document
        try:
            for key in path[:-1]:
                node = node[key]
            node[path[-1]] = data.draw(JSON_VALUES)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier replacement removed this path
    with tempfile.TemporaryDirectory() as tmp:
        path_ = Path(tmp) / "a.json"
        path_.write_text(dump(document), encoding="utf-8")
        validate([path_], registry=DATA / "annotators.json")


GRAPHEME_ALPHABET = st.sampled_from(
    [
        "a",
        "b",
        " ",
        "\n",
        "é",
        "q",
        "\u0307",
        "\u0301",
        "\u200d",
        "\U0001f469",
        "\U0001f527",
        "\U0001f1f0",
        "\U0001f1f5",
        "한",
        "\u1100",
        "\u1161",
        "\ufe0f",
        "—",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(GRAPHEME_ALPHABET, min_size=1, max_size=40).map("".join))
def test_local_grapheme_boundaries_equal_the_whole_text_ones(text: str) -> None:
    """The span-edge check walks clusters from a nearby boundary only; it must agree with clustering the
    whole text at every offset."""
    import regex

    from nklabor.validation.semantic import _splits_grapheme

    starts = {m.start() for m in regex.finditer(r"\X", text)} | {len(text)}
    for at in range(1, len(text)):
        assert _splits_grapheme(text, at) == (at not in starts), (text, at)
