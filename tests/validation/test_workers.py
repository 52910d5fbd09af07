"""Validation in worker processes (`workers=N`): the same report as one process, finding for finding, and the
annotations in the same order; JSONL split by byte ranges keeps every line number exact."""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nklabor import validate
from nklabor.config import load
from nklabor.report import Report
from nklabor.validation import Validation, crossfile, run
from nklabor.validation.reading import iter_part, iter_records, jsonl_parts
from tests.support import DATA, faults, synthetic
from tests.validation.test_run import INVALID, inputs


@pytest.fixture
def parallel(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers for any input, and JSONL parts of a few lines."""
    monkeypatch.setattr(run, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(run, "PART_BYTES", (2048, 2048))


def serial_and_parallel(paths: list[Path], **options: object) -> tuple[Report, Report]:
    one = validate(paths, workers=1, **options)  # type: ignore[arg-type]
    two = validate(paths, workers=2, **options)  # type: ignore[arg-type]
    return one, two


@pytest.mark.parametrize("case", INVALID, ids=[p.name for p in INVALID])
def test_every_invalid_case_reports_the_same_with_workers(parallel: None, case: Path) -> None:
    body = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    one, two = serial_and_parallel(inputs(case), **body.get("options", {}))
    assert two.to_dict() == one.to_dict()


def _faulty_corpus(folder: Path, n: int = 60, seed: int = 5) -> Path:
    """A JSONL corpus with every kind of fault, CRLF line ends, blank lines, U+2028 in strings, a BOM on the
    first line, an over-long line, and documents annotated twice (duplicates, hash conflicts)."""
    rng = random.Random(seed)
    lines = ["\ufeff" + faults.dumps(next(synthetic.generate(1, seed=seed + 1)))]
    for item in synthetic.generate(n, seed=seed, per_document=2):
        kind = rng.random()
        if kind < 0.3:
            item = faults.inject(item, rng.choice(sorted(faults.SEMANTIC))) or item
        line = faults.dumps(item).replace("Musan", "Mu\u2028san")
        if kind > 0.85:
            line = faults.BYTE_FAULTS[rng.choice(sorted(faults.BYTE_FAULTS))](line)
        if rng.random() < 0.2:
            line += "\r"
        lines.append(line)
        if rng.random() < 0.05:
            lines.append("")
        if rng.random() < 0.08:
            lines.append(line)  # the same annotation twice
    lines.insert(len(lines) // 2, '{"x": "' + "y" * 70_000 + '"}')
    synthetic.write_corpus(folder, [])
    (folder / "corpus.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_a_faulty_corpus_in_many_parts_reports_the_same(parallel: None, tmp_path: Path) -> None:
    folder = _faulty_corpus(tmp_path)
    one, two = serial_and_parallel([folder], max_record_bytes=65_536)
    assert two.to_dict() == one.to_dict()
    codes = set(one.counts)
    assert {"annotation.duplicate", "encoding.bom", "record.too-large", "jsonl.blank-line"} <= codes
    assert {"document.hash-conflict", "json.duplicate-key", "span.quote-mismatch"} <= codes
    assert len(jsonl_parts(folder / "corpus.jsonl", 2048) or []) > 50


def test_annotations_come_in_the_same_order(parallel: None, tmp_path: Path) -> None:
    folder = tmp_path / "a"
    synthetic.write_corpus(folder, synthetic.generate(40, seed=2))
    for i, item in enumerate(synthetic.generate(5, seed=3)):
        (folder / f"doc-{i}.json").write_text(json.dumps(item), encoding="utf-8")
    one = Validation([folder], workers=1)
    two = Validation([folder], workers=2)
    assert [(a.file, a.line, a.data) for a in two.annotations()] == [
        (a.file, a.line, a.data) for a in one.annotations()
    ]
    assert two.parallel and not one.parallel
    assert two.report.to_dict() == one.report.to_dict()
    assert two.report.records == 45


def test_small_inputs_stay_in_one_process(tmp_path: Path) -> None:
    run_ = Validation([DATA / "valid"], workers=2)
    run_.run()
    assert not run_.parallel


def test_a_partial_run_consults_alike_with_workers(
    parallel: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _faulty_corpus(tmp_path / "annotations", n=20)
    changed = folder / "changed.jsonl"
    changed.write_text(
        "\n".join((folder / "corpus.jsonl").read_text(encoding="utf-8").split("\n")[2:9]) + "\n",
        encoding="utf-8",
    )
    (tmp_path / "nklabor.toml").write_text('roots = ["annotations"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    one, two = serial_and_parallel([Path("annotations/changed.jsonl")], config=load())
    assert one.consulted == 1
    assert two.to_dict() == one.to_dict()
    assert "annotation.duplicate" in one.counts


def test_standard_input_reports_the_same_with_workers(parallel: None) -> None:
    content = (DATA / "valid" / "two-annotators-crlf.jsonl").read_bytes() + b'{"a": 1, "a": 2}\n'
    reports = [
        validate(stdin=io.BytesIO(content), stdin_filename="tests/data/valid/x.jsonl", workers=w)
        for w in (1, 2)
    ]
    assert reports[0].to_dict() == reports[1].to_dict()
    assert "json.duplicate-key" in reports[0].counts


def test_the_index_spilled_to_disk_reports_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _faulty_corpus(tmp_path)
    in_memory = validate([folder])
    monkeypatch.setattr(crossfile, "SPILL_ROWS", 7)
    assert validate([folder]).to_dict() == in_memory.to_dict()
    assert {"annotation.duplicate", "document.hash-conflict"} & set(in_memory.counts)


LINES = st.lists(
    st.sampled_from(
        ['{"a": 1}', '{"a": "x\u2028y"}', "", "  ", '{"a": [1,]}', '{"b": "\u00e9\u0301"}', "[2]"]
    ),
    min_size=1,
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(
    lines=LINES,
    ends=st.lists(st.sampled_from(["\n", "\r\n"]), min_size=40, max_size=40),
    target=st.integers(1, 60),
)
def test_byte_range_parts_keep_every_line_number(lines: list[str], ends: list[str], target: int) -> None:
    import tempfile

    content = "".join(line + end for line, end in zip(lines, ends, strict=False))
    if not content.strip():
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "a.jsonl"
        path.write_text(content, encoding="utf-8", newline="")
        size = path.stat().st_size
        want = [
            (r.line, r.source, [(i.code, i.line, i.column) for i in r.issues]) for r in iter_records(path)
        ]
        ranges = jsonl_parts(path, target) or [(0, size)]
        assert ranges[0][0] == 0 and ranges[-1][1] == size
        raw = path.read_bytes()
        got = []
        base = 0
        for start, end in ranges:
            assert start == 0 or raw[start - 1 : start] == b"\n"
            records = list(iter_part(path, "a.jsonl", start, end))
            got += [
                (r.line + base, r.source, [(i.code, (i.line or 0) + base, i.column) for i in r.issues])
                for r in records
            ]
            base += len(records)
            for r in records:
                assert raw[r.offset : r.offset + len(r.source)] == r.source
        assert got == want
