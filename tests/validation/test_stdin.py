"""Standard input read as one named file: the same safe reading as a file, the name's suffix deciding between
one JSON value and JSONL, its folder deciding the registry, and its corpus consulted in place of the file."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from nklabor import validate
from nklabor.config import load
from nklabor.errors import UsageError
from nklabor.validation.reading import iter_stream
from tests.support import DATA
from tests.support.project import CHANGED, make_project, others, retext

VALID = DATA / "valid" / "komdok-excerpt.json"


def records(data: bytes, name: str = "x.json", cap: int = 1 << 20) -> list[tuple[int, bool, list[str]]]:
    found = iter_stream(io.BytesIO(data), name, jsonl=name.endswith(".jsonl"), max_record_bytes=cap)
    return [(r.line, r.ok, [i.code for i in r.issues]) for r in found]


def test_a_stream_reads_like_a_file() -> None:
    assert records(b'{"a": 1}') == [(1, True, [])]
    assert records(b"") == [(1, False, ["file.empty"])]
    assert records(b'\xef\xbb\xbf{"a": 1}') == [(1, False, ["encoding.bom"])]
    assert records(b'{"a": 1, "a": 2}') == [(1, False, ["json.duplicate-key"])]
    assert records(b'{"a": 1}\n\n{"b": 2}\r\n', "x.jsonl") == [
        (1, True, []),
        (2, False, ["jsonl.blank-line"]),
        (3, True, []),
    ]


def test_a_stream_larger_than_the_cap_is_a_finding_and_is_not_kept() -> None:
    big = b'{"a": "' + b"x" * (3 << 20) + b'"}'
    assert records(big, cap=1000) == [(1, False, ["record.too-large"])]
    assert records(b'{"a": 1}\n' + big + b"\n", "x.jsonl", cap=1000) == [
        (1, True, []),
        (2, False, ["record.too-large"]),
    ]


def test_findings_carry_the_given_name_and_the_registry_is_found_from_it() -> None:
    data = VALID.read_bytes().replace(b'"mining"', b'"minig"', 1)
    name = str(DATA / "valid" / "edited.json")
    report = validate(stdin=io.BytesIO(data), stdin_filename=name)
    assert [(i.file, i.code) for i in report.issues] == [(name, "schema.enum")]
    assert report.sources == [name] and report.files == 1 and report.records == 1
    # Registered in tests/data/annotators.json, found from the name's folder: no registry finding.
    assert validate(stdin=io.BytesIO(VALID.read_bytes()), stdin_filename=name).valid


def test_jsonl_from_the_suffix() -> None:
    lines = (DATA / "valid" / "two-annotators-crlf.jsonl").read_bytes()
    report = validate(stdin=io.BytesIO(lines), stdin_filename=str(DATA / "valid" / "piped.jsonl"))
    assert report.valid and report.records == 2


def test_without_a_name_it_is_one_json_value_called_stdin() -> None:
    report = validate(stdin=io.BytesIO(b"[1]"), registry=DATA / "annotators.json")
    assert [(i.file, i.code) for i in report.issues] == [("<stdin>", "record.not-object")]


def test_stdin_stands_in_for_its_file_in_the_corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(tmp_path / "project")
    monkeypatch.chdir(root)
    unchanged = (root / CHANGED).read_bytes()
    # The file itself is not consulted against its own edited content: no duplicate with itself.
    report = validate(stdin=io.BytesIO(unchanged), stdin_filename=CHANGED, config=load())
    assert report.valid and report.consulted == others(root)
    retext(root / CHANGED)
    edited = (root / CHANGED).read_bytes()
    (root / CHANGED).write_bytes(unchanged)
    report = validate(stdin=io.BytesIO(edited), stdin_filename=CHANGED, config=load())
    assert [(i.file, i.code) for i in report.issues] == [(CHANGED, "document.hash-conflict")]


@pytest.mark.parametrize(
    ("name", "paths", "message"),
    [
        ("notes.txt", [], "not a .json or .jsonl file name"),
        ("annotations/annotators.json", [], "a registry is read from its file"),
        ("x.json", [VALID], "read alone"),
    ],
)
def test_misuse_is_a_usage_error(name: str, paths: list[Path], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        validate(paths, stdin=io.BytesIO(b"{}"), stdin_filename=name)


def test_the_stdin_name_can_be_left_out_by_the_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project(tmp_path / "project")
    monkeypatch.chdir(root)
    body = json.dumps({"not": "an annotation"}).encode()
    report = validate(
        stdin=io.BytesIO(body), stdin_filename="schema/x.json", config=load(), force_exclude=True
    )
    assert report.valid and report.skipped == 1 and report.files == 0


def test_a_finding_across_records_of_a_stream_is_located() -> None:
    """The rules across records run at the end, reading the record again from the spooled stream."""
    line = json.dumps(json.loads(VALID.read_text(encoding="utf-8"))).encode()
    stream = io.BytesIO(line + b"\n" + b" " + line + b"\n")
    report = validate(stdin=stream, stdin_filename=str(DATA / "valid" / "x.jsonl"))
    (issue,) = report.issues
    assert (issue.code, issue.line, issue.path) == ("annotation.duplicate", 2, "$.annotator")
    assert issue.column == line.index(b'"ann-01"') + 2  # one space more on line 2; columns count from 1
