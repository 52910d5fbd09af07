"""The fast path (`validation.fast`) against the detailed one: the same report, finding for finding, on every
held-in bad input, every JSONTestSuite file, deliberate faults in a synthetic corpus and random mutations."""

from __future__ import annotations

import json
import random
import tempfile
from pathlib import Path

import jiter
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nklabor import validate
from nklabor.config import load
from nklabor.report import Report
from nklabor.schema import load_schemas
from nklabor.validation import Validation, semantic, structural
from nklabor.validation.fast import FastPath
from nklabor.validation.reading import UNREAD, fast_parse
from tests.support import DATA, faults, synthetic
from tests.validation.test_run import INVALID, inputs

SUITE = sorted((DATA / "jsontestsuite").glob("*.json"))
REGISTRY = DATA / "annotators.json"


def both(paths: list[Path], **options: object) -> tuple[Report, Report]:
    fast = validate(paths, fast=True, **options)  # type: ignore[arg-type]
    slow = validate(paths, fast=False, **options)  # type: ignore[arg-type]
    return fast, slow


def test_the_shipped_schema_lets_the_fast_path_run() -> None:
    assert Validation([DATA / "valid"]).fast is not None


@pytest.mark.parametrize("case", INVALID, ids=[p.name for p in INVALID])
def test_every_invalid_case_reports_the_same_on_the_fast_path(case: Path) -> None:
    body = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    fast, slow = both(inputs(case), **body.get("options", {}))
    assert fast.to_dict() == slow.to_dict()


def test_the_valid_cases_and_the_shipped_annotations_report_the_same() -> None:
    for paths in ([DATA / "valid"], [DATA.parents[1] / "annotations"]):
        fast, slow = both(paths)
        assert fast.to_dict() == slow.to_dict()
        assert fast.valid


@pytest.mark.parametrize("path", SUITE, ids=lambda p: p.name)
def test_every_jsontestsuite_file_reports_the_same(path: Path) -> None:
    fast, slow = both([path], registry=REGISTRY)
    assert fast.to_dict() == slow.to_dict()


@pytest.mark.parametrize("path", SUITE, ids=lambda p: p.name)
def test_what_the_fast_reader_accepts_the_detailed_reader_reads_alike(path: Path) -> None:
    """jiter never accepts bytes that json.loads refuses or reads differently (floats held apart)."""
    raw = path.read_bytes()
    value = fast_parse(raw)
    if value is UNREAD:
        return
    try:
        expected = json.loads(raw.decode("utf-8"), parse_float=lambda t: ("float", t))
    except (UnicodeDecodeError, ValueError):
        pytest.fail("the fast reader accepted what the detailed one refuses")
    assert _plain(value) == expected


def _plain(value: object) -> object:
    if isinstance(value, jiter.LosslessFloat):
        return ("float", bytes(value).decode())
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


@pytest.mark.parametrize(
    "raw",
    [
        b'{"a": 1, "a": 2}',
        b'{"a\\u0062": 1, "ab": 2}',
        b'{"a": NaN}',
        b'{"a": -Infinity}',
        b'{"a": "\\ud800"}',
        b'{"a": "\xed\xa0\x80"}',
        b'{"a": "caf\xe9"}',
        b'\xef\xbb\xbf{"a": 1}',
        b'{"a": [1,]}',
        b'{"a": 1} {}',
        b"[" * 300 + b"]" * 300,
    ],
)
def test_the_fast_reader_refuses_what_the_detailed_reader_reports(raw: bytes) -> None:
    assert fast_parse(raw) is UNREAD


def test_the_fast_reader_hands_floats_and_large_integers_over_unjudged() -> None:
    value = fast_parse(b'{"a": 3.0, "b": 1e400, "c": 123456789012345678901234567890}')
    assert isinstance(value, dict)
    assert isinstance(value["a"], jiter.LosslessFloat) and isinstance(value["b"], jiter.LosslessFloat)
    assert value["c"] == 123456789012345678901234567890


def test_the_guard_refuses_floats_and_unsafe_integers_where_the_schema_accepts_them() -> None:
    """What `validation.fast` relies on: the compiled validator raises on a LosslessFloat, and the guard's
    bounds catch integers that the schema alone lets through (span offsets have no maximum)."""
    schemas = load_schemas()
    guard = structural.guard(schemas)
    assert guard is not None
    line = faults.dumps(next(synthetic.generate(1, seed=5))).encode()
    assert guard.is_valid(fast_parse(line))
    for name in ("float-offset", "exponent-offset"):
        with pytest.raises(ValueError):
            guard.is_valid(fast_parse(faults.BYTE_FAULTS[name](line.decode()).encode()))
    for name in ("unsafe-integer", "huge-integer"):
        value = fast_parse(faults.BYTE_FAULTS[name](line.decode()).encode())
        assert schemas.fast_validator().is_valid(value)
        assert not guard.is_valid(value)


def _corpus_lines(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    lines = []
    for i, item in enumerate(synthetic.generate(n, seed=seed)):
        kind = rng.choice(["clean", "semantic", "bytes"])
        if kind == "semantic":
            item = faults.inject(item, rng.choice(sorted(faults.SEMANTIC))) or item
        line = faults.dumps(item)
        if kind == "bytes":
            line = faults.BYTE_FAULTS[rng.choice(sorted(faults.BYTE_FAULTS))](line)
        lines.append(line if i % 7 else line + "\r")  # some CRLF line ends
    return lines


def test_a_corpus_with_injected_faults_reports_the_same(tmp_path: Path) -> None:
    lines = _corpus_lines(3, 120)
    synthetic.write_corpus(tmp_path, [])
    (tmp_path / "corpus.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    fast, slow = both([tmp_path])
    assert fast.to_dict() == slow.to_dict()
    assert len({i.code for i in slow.issues}) > 20  # the faults did land


@pytest.mark.parametrize("name", sorted(faults.BYTE_FAULTS))
def test_each_byte_fault_reports_the_same(tmp_path: Path, name: str) -> None:
    line = faults.BYTE_FAULTS[name](faults.dumps(next(synthetic.generate(1, seed=9))))
    synthetic.write_corpus(tmp_path, [])
    (tmp_path / "corpus.jsonl").write_text(line + "\n", encoding="utf-8")
    (tmp_path / "one.json").write_text(line, encoding="utf-8")
    fast, slow = both([tmp_path])
    assert fast.to_dict() == slow.to_dict()
    assert not slow.valid


@pytest.mark.parametrize("name", sorted(faults.SEMANTIC))
def test_clean_is_true_exactly_when_check_finds_nothing(name: str) -> None:
    evidence = FastPath(load_schemas()).evidence
    assert evidence is not None
    validator = load_schemas().fast_validator()
    hits = 0
    for item in synthetic.generate(8, seed=len(name)):
        assert semantic.clean(item, evidence) and semantic.check(item) == []
        bad = faults.inject(item, name)
        if bad is None or not validator.is_valid(bad):
            continue
        hits += 1
        assert semantic.clean(bad, evidence) == (semantic.check(bad) == [])
        assert not semantic.clean(bad, evidence)
    assert hits


INSERTS = [b"", b"1", b".0", b"e9", b'"', b",", b"}", b"\\", b"\\u0000", b"\\ud800", b"\xc3", b" ", b"-"]
VALID_LINE = faults.dumps(synthetic.annotation(random.Random(1), 1, 1))


@settings(max_examples=150, deadline=None)
@given(
    edits=st.lists(
        st.tuples(
            st.integers(0, len(VALID_LINE.encode())),
            st.integers(0, 6),
            st.sampled_from(INSERTS),
        ),
        min_size=1,
        max_size=3,
    ),
    jsonl=st.booleans(),
)
def test_random_byte_mutations_report_the_same(edits: list[tuple[int, int, bytes]], jsonl: bool) -> None:
    content = bytearray(VALID_LINE.encode())
    for at, cut, insert in edits:
        content[at : at + cut] = insert
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        synthetic.write_corpus(folder, [])
        (folder / "corpus.jsonl").unlink()
        (folder / ("a.jsonl" if jsonl else "a.json")).write_bytes(bytes(content).replace(b"\n", b" "))
        fast, slow = both([folder])
        assert fast.to_dict() == slow.to_dict()


SCALARS = st.none() | st.booleans() | st.integers(-(2**60), 2**60) | st.floats(allow_nan=False) | st.text()
JSON_VALUES = st.recursive(
    SCALARS,
    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=6), kids, max_size=3),
    max_leaves=6,
)


def _nodes(node: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _nodes(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _nodes(value, (*prefix, i))
    return out


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_replaced_values_report_the_same(data: st.DataObject) -> None:
    """Any node of a valid annotation replaced by any JSON value (floats and big integers included)."""
    document = synthetic.annotation(random.Random(4), 4, 4)
    nodes = _nodes(document)[1:]
    for path in data.draw(st.lists(st.sampled_from(nodes), min_size=1, max_size=3)):
        node: object = document
        try:
            for key in path[:-1]:
                node = node[key]  # type: ignore[index]
            node[path[-1]] = data.draw(JSON_VALUES)  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            continue
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        synthetic.write_corpus(folder, [document])
        fast, slow = both([folder])
        assert fast.to_dict() == slow.to_dict()


def test_a_partial_run_consults_alike(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The consulted files are read on the fast path too; a faulty one is read in detail."""
    lines = _corpus_lines(8, 30)
    folder = tmp_path / "annotations"
    synthetic.write_corpus(folder, [])
    (folder / "corpus.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "changed.jsonl").write_text("\n".join(lines[:10]) + "\n", encoding="utf-8")
    (tmp_path / "nklabor.toml").write_text('roots = ["annotations"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    config = load()
    fast, slow = both([Path("annotations/changed.jsonl")], config=config)
    assert fast.consulted == 1
    assert fast.to_dict() == slow.to_dict()
    assert any(i.code == "annotation.duplicate" for i in fast.issues)


def test_predictions_report_the_same_on_the_fast_path(tmp_path: Path) -> None:
    """A model's predictions (no annotator fields, a document predicted twice, one bad count) take the fast
    path after the same placeholders are filled in."""
    from nklabor.validation.run import PREDICTION_FIELDS

    items = list(synthetic.generate(12, seed=21))
    items.append(items[3])
    items[5] = faults.inject(items[5], "counts_order") or items[5]
    lines = []
    for item in items:
        lines.append(faults.dumps({k: v for k, v in item.items() if k not in PREDICTION_FIELDS}))
    (tmp_path / "model.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    fast = Validation([tmp_path], predictions=True).run()
    slow = Validation([tmp_path], predictions=True, fast=False).run()
    assert fast.to_dict() == slow.to_dict()
    assert {"annotation.duplicate", "counts.order"} <= set(fast.counts)
