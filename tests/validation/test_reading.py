"""Safe reading: line numbers, streaming, and the bad-input classes at the unit level."""

from __future__ import annotations

import os
import tracemalloc
from pathlib import Path

import pytest

from nklabor.validation.reading import MAX_DEPTH, iter_records


def records(tmp_path: Path, name: str, content: bytes) -> list[tuple[int, object, list[str]]]:
    path = tmp_path / name
    path.write_bytes(content)
    return [(r.line, r.data, [i.code for i in r.issues]) for r in iter_records(path)]


def test_crlf_jsonl_keeps_line_numbers(tmp_path: Path) -> None:
    got = records(tmp_path, "a.jsonl", b'{"a": 1}\r\n{"a": 2}\r\n{"a": }\r\n')
    assert got == [(1, {"a": 1}, []), (2, {"a": 2}, []), (3, None, ["json.syntax"])]


def test_u2028_inside_a_string_is_not_a_line_break(tmp_path: Path) -> None:
    got = records(tmp_path, "a.jsonl", '{"a": "x\u2028y\u2029z\x85"}\n{"b": 1}\n'.encode())
    assert got == [(1, {"a": "x\u2028y\u2029z\x85"}, []), (2, {"b": 1}, [])]


def test_last_line_without_newline(tmp_path: Path) -> None:
    assert records(tmp_path, "a.jsonl", b'{"a": 1}\n{"a": 2}') == [
        (1, {"a": 1}, []),
        (2, {"a": 2}, []),
    ]


def test_valid_surrogate_pairs_pass(tmp_path: Path) -> None:
    assert records(tmp_path, "a.json", b'{"a": "\\ud83d\\ude00"}') == [(1, {"a": "\U0001f600"}, [])]


@pytest.mark.parametrize(
    ("content", "code", "column"),
    [
        (b'{"a": 1, "a": 2}', "json.duplicate-key", 10),
        (b'{"a": NaN}', "json.non-finite-number", 7),
        (b'{"a": [1, Infinity]}', "json.non-finite-number", 11),
        (b'{"a": 1e999}', "json.non-finite-number", 7),
        (b'{"a": -99999999999999999}', "json.unsafe-integer", 7),
        (b'{"a": [1,]}', "json.trailing-comma", 9),
        (b'{"a": 1}}', "json.extra-data", 9),
        ('{"a": "caf\u00e9"}'.encode("latin-1"), "encoding.invalid-utf8", 11),
    ],
)
def test_bad_json_is_located(tmp_path: Path, content: bytes, code: str, column: int) -> None:
    path = tmp_path / "a.json"
    path.write_bytes(content)
    (record,) = iter_records(path)
    assert record.data is None
    assert [(i.code, i.line, i.column) for i in record.issues] == [(code, 1, column)]


def test_numbers_in_strings_are_not_flagged(tmp_path: Path) -> None:
    content = b'{"a": "NaN Infinity 1e999 123456789012345678901234"}'
    assert records(tmp_path, "a.json", content) == [
        (1, {"a": "NaN Infinity 1e999 123456789012345678901234"}, [])
    ]


def test_hostile_nesting_does_not_crash(tmp_path: Path) -> None:
    got = records(tmp_path, "a.json", b"[" * 200_000 + b"]" * 200_000)
    assert got == [(1, None, ["json.too-deep"])]
    assert MAX_DEPTH < 100


def test_whitespace_only_file_is_empty(tmp_path: Path) -> None:
    assert records(tmp_path, "a.jsonl", b"\n \n") == [(1, None, ["file.empty"])]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"[-1e+9999]", "number too large for a float: '-1e+9999'"),
        (b"[1e+400, 2]", "number too large for a float: '1e+400'"),
    ],
)
def test_an_overflow_is_reported_as_written(tmp_path: Path, content: bytes, message: str) -> None:
    (record,) = iter_records(_write(tmp_path, "a.json", content))
    assert [(i.code, i.message) for i in record.issues] == [("json.non-finite-number", message)]


def test_an_explicit_plus_exponent_is_a_number(tmp_path: Path) -> None:
    assert records(tmp_path, "a.json", b'{"a": 3e+0, "b": 1.5E+2}') == [(1, {"a": 3.0, "b": 150.0}, [])]
    (record,) = iter_records(_write(tmp_path, "b.json", b'{"a": 3e+0, "a": 1}'))
    assert [(i.code, i.column) for i in record.issues] == [("json.duplicate-key", 13)]


def test_null_and_other_values_are_read_but_marked(tmp_path: Path) -> None:
    (record,) = iter_records(_write(tmp_path, "a.json", b"null"))
    assert record.ok and record.data is None and not record.issues


def test_floats_are_noticed(tmp_path: Path) -> None:
    (ints,) = iter_records(_write(tmp_path, "a.json", b'{"a": 3}'))
    (floats,) = iter_records(_write(tmp_path, "b.json", b'{"a": 3.0}'))
    assert (ints.floats, floats.floats) == (False, True)


def test_a_json_file_over_the_cap_is_not_read(tmp_path: Path) -> None:
    (record,) = iter_records(
        _write(tmp_path, "a.json", b'{"a": "' + b"x" * 5000 + b'"}'), max_record_bytes=1000
    )
    assert not record.ok and [i.code for i in record.issues] == ["record.too-large"]


def test_a_huge_jsonl_line_is_skipped_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    with path.open("wb") as handle:
        handle.write(b'{"a": 1}\n{"a": "')
        for _ in range(40):
            handle.write(b"x" * (1 << 20))
        handle.write(b'"}\r\n{"a": 3}\n')
    tracemalloc.start()
    try:
        got = [
            (r.line, r.data, [i.code for i in r.issues]) for r in iter_records(path, max_record_bytes=1 << 20)
        ]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert got == [(1, {"a": 1}, []), (2, None, ["record.too-large"]), (3, {"a": 3}, [])]
    assert peak < 8 << 20  # a 40 MiB line, read in 1 MiB chunks


def test_a_line_of_exactly_the_cap_is_read(tmp_path: Path) -> None:
    line = b'{"a": "' + b"x" * 93 + b'"}'
    assert len(line) == 102
    got = records(tmp_path, "a.jsonl", line + b"\r\n" + line + b"y\n")
    assert got[0][2] == []
    path = tmp_path / "a.jsonl"
    assert [[i.code for i in r.issues] for r in iter_records(path, max_record_bytes=102)] == [
        [],
        ["record.too-large"],
    ]


def test_a_fifo_is_never_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    (record,) = iter_records(fifo)
    assert [i.code for i in record.issues] == ["path.not-regular-file"]


def _write(folder: Path, name: str, content: bytes) -> Path:
    path = folder / name
    path.write_bytes(content)
    return path
