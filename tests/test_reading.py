"""Safe reading: line numbers, streaming, and the bad-input classes at the unit level."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.reading import MAX_DEPTH, iter_records


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
    assert records(tmp_path, "a.jsonl", b'{"a": 1}\n{"a": 2}') == [(1, {"a": 1}, []), (2, {"a": 2}, [])]


def test_valid_surrogate_pairs_pass(tmp_path: Path) -> None:
    assert records(tmp_path, "a.json", b'{"a": "\\ud83d\\ude00"}') == [(1, {"a": "\U0001F600"}, [])]


@pytest.mark.parametrize(("content", "code", "column"), [
    (b'{"a": 1, "a": 2}', "json.duplicate-key", 10),
    (b'{"a": NaN}', "json.non-finite-number", 7),
    (b'{"a": [1, Infinity]}', "json.non-finite-number", 11),
    (b'{"a": 1e999}', "json.non-finite-number", 7),
    (b'{"a": -99999999999999999}', "json.unsafe-integer", 7),
    (b'{"a": [1,]}', "json.trailing-comma", 9),
    (b'{"a": 1}}', "json.extra-data", 9),
    ('{"a": "caf\u00e9"}'.encode("latin-1"), "encoding.invalid-utf8", 11),
])
def test_bad_json_is_located(tmp_path: Path, content: bytes, code: str, column: int) -> None:
    path = tmp_path / "a.json"
    path.write_bytes(content)
    (record,) = iter_records(path)
    assert record.data is None
    assert [(i.code, i.line, i.column) for i in record.issues] == [(code, 1, column)]


def test_numbers_in_strings_are_not_flagged(tmp_path: Path) -> None:
    content = b'{"a": "NaN Infinity 1e999 123456789012345678901234"}'
    assert records(tmp_path, "a.json", content) == [(1, {"a": "NaN Infinity 1e999 123456789012345678901234"}, [])]


def test_hostile_nesting_does_not_crash(tmp_path: Path) -> None:
    got = records(tmp_path, "a.json", b"[" * 200_000 + b"]" * 200_000)
    assert got == [(1, None, ["json.too-deep"])]
    assert MAX_DEPTH < 100


def test_whitespace_only_file_is_empty(tmp_path: Path) -> None:
    assert records(tmp_path, "a.jsonl", b"\n \n") == [(1, None, ["file.empty"])]
