"""Safe reading of `.json` (one annotation) and `.jsonl` (one per line) files.

Only strict UTF-8 JSON gets through: a BOM, UTF-16, stray CP1252 bytes, lone surrogates, duplicate keys,
NaN/Infinity, numbers that overflow, trailing commas, blank JSONL lines and extra data are findings with a
line and column. Positions are only computed, with `locate.SourceMap`, for a record that has a finding.

Two readers. The detailed one (`json.loads` with hooks that notice duplicate keys, non-finite numbers and
unsafe integers) finds and explains every reading finding. The fast one (`fast_parse`, jiter) refuses,
without explanation, everything the detailed one would report except floats and large integers, which it
hands over unjudged; a caller that can prove a record free of those (`validation.fast`) skips the detailed
reader, and any other record is read again by it (`finish`), so the findings never depend on which reader
ran.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import jiter

from ..config import DEFAULT_MAX_RECORD_BYTES
from ..errors import ToolkitEnvironmentError
from ..report import Issue, short
from . import jsonpath
from .locate import MAX_SAFE_INTEGER, SourceMap

MAX_DEPTH = 32
_CHUNK = 1 << 20
_BOM = b"\xef\xbb\xbf"
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


@dataclass
class Record:
    """One JSON value read from a file. `ok` is true when it was read without a finding; `data` is then the
    value
    (which may be any JSON value, `null` included). `floats` tells that the text holds a fraction or exponent.
    """

    file: str
    line: int
    source: bytes
    data: Any = None
    issues: list[Issue] = field(default_factory=list)
    ok: bool = False
    floats: bool = False
    deferred: bool = False
    """Not parsed yet: `source` holds its bytes, for `fast_parse` or the detailed reader (`finish`)."""
    offset: int = 0
    """Where `source` starts in its file (bytes), so that the record can be read again to locate a finding
    found later (`read_source`)."""
    _map: SourceMap | None = None

    @property
    def source_map(self) -> SourceMap:
        if self._map is None:
            self._map = SourceMap.build(self.source, self.line)
        return self._map

    def issue(self, code: str, path: str, message: str, key: bool = False, severity: str = "error") -> Issue:
        """A finding at `path` of this record, located by the source map."""
        line, column = self.source_map.position(path, key=key)
        return Issue(self.file, line, column, path, code, message, severity)


class _Flags:
    """Collects what the C parser's hooks notice; positions are found afterwards, only if needed."""

    __slots__ = ("duplicate", "floats", "non_finite", "unsafe_int")

    def __init__(self) -> None:
        self.duplicate = self.floats = self.non_finite = self.unsafe_int = False

    def pairs(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(pairs)
        if len(obj) != len(pairs):
            self.duplicate = True
        return obj

    def constant(self, _name: str) -> None:
        self.non_finite = True

    def float_(self, text: str) -> float:
        self.floats = True
        value = float(text)
        if not math.isfinite(value):
            self.non_finite = True
        return value

    def int_(self, text: str) -> int:
        if len(text) < 16:
            return int(text)
        try:
            value = int(text)
        except ValueError:  # beyond the interpreter's digit limit
            self.unsafe_int = True
            return 0
        if abs(value) > MAX_SAFE_INTEGER:
            self.unsafe_int = True
        return value


def parse(record: Record, text: str) -> None:
    """Parse `text` (the decoded record) into `record.data`, or add findings to `record.issues`."""
    flags = _Flags()
    try:
        data = json.loads(
            text,
            object_pairs_hook=flags.pairs,
            parse_constant=flags.constant,
            parse_float=flags.float_,
            parse_int=flags.int_,
        )
    except json.JSONDecodeError as exc:
        record.issues.append(_decode_error(record, text, exc))
        return
    except RecursionError:
        record.issues.append(
            Issue(
                record.file,
                record.line,
                1,
                "$",
                "json.too-deep",
                f"nesting deeper than {MAX_DEPTH} levels",
            )
        )
        return
    found: list[Issue] = []
    if flags.duplicate or flags.non_finite or flags.unsafe_int:
        smap = record.source_map
        for path, (line, col) in smap.duplicates:
            found.append(
                Issue(
                    record.file,
                    line,
                    col,
                    path,
                    "json.duplicate-key",
                    "duplicate key (JSON readers disagree on which one wins)",
                )
            )
        for path, (line, col), token in smap.bad_numbers:
            code = "json.unsafe-integer" if not any(c in token for c in ".eE") else "json.non-finite-number"
            what = (
                "integer beyond +/-(2**53 - 1)"
                if code == "json.unsafe-integer"
                else "number too large for a float"
            )
            found.append(Issue(record.file, line, col, path, code, f"{what}: {short(token, 24)}"))
        for path, (line, col), token in smap.bad_tokens:
            found.append(
                Issue(
                    record.file,
                    line,
                    col,
                    path,
                    "json.non-finite-number",
                    f"{token} is not a JSON number (NaN and Infinity are not JSON)",
                )
            )
        if not found:  # the hooks saw something the map could not place: never drop it
            code = (
                "json.duplicate-key"
                if flags.duplicate
                else ("json.unsafe-integer" if flags.unsafe_int else "json.non-finite-number")
            )
            found.append(Issue(record.file, record.line, 1, "$", code, "invalid value in this record"))
    if _SURROGATE_ESCAPE.search(text):
        found.extend(_lone_surrogates(record, data))
    record.floats = flags.floats
    if found:
        record.issues.extend(found)
    else:
        record.data = data
        record.ok = True


UNREAD = object()
"""What `fast_parse` returns for bytes it does not vouch for."""


def fast_parse(raw: bytes) -> Any:
    """The JSON value in `raw`, or `UNREAD`. Fast (jiter, in Rust), and exact about what it accepts: `raw` is
    then strict UTF-8 JSON without a byte-order mark, lone surrogate, NaN or Infinity, duplicate key (keys
    compared after unescaping), trailing comma or extra data, nested at most 200 deep. Two things it does not
    judge: every number with a fraction or an exponent comes back as a `jiter.LosslessFloat` (never a
    float: the compiled validator refuses that type wherever the schema looks at a value, so no such record
    passes it), and integers come back exact, however large. A caller must rule both out before trusting the
    value (see `validation.fast`), and read anything else with the detailed reader."""
    try:
        return jiter.from_json(
            raw,
            allow_inf_nan=False,
            catch_duplicate_keys=True,
            cache_mode="keys",
            float_mode="lossless-float",
        )
    except ValueError:
        return UNREAD


def finish(record: Record) -> None:
    """Read a deferred record with the detailed reader: its data, or its findings."""
    if record.deferred:
        record.deferred = False
        _parse_bytes(record, record.source)


def too_deep(record: Record) -> Issue | None:
    """A `json.too-deep` finding when the record nests deeper than any annotation can.

    Not on the hot path: a record that deep always fails the schema, so this runs only for records that do.
    """
    if not _depth_exceeds(record.data, MAX_DEPTH):
        return None
    return Issue(record.file, record.line, 1, "$", "json.too-deep", f"nesting deeper than {MAX_DEPTH} levels")


def _depth_exceeds(value: Any, limit: int) -> bool:
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values() if isinstance(v, dict | list))
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node if isinstance(v, dict | list))
    return False


def _lone_surrogates(record: Record, data: Any) -> list[Issue]:
    out: list[Issue] = []
    stack: list[tuple[Any, str]] = [(data, "$")]
    while stack:
        node, path = stack.pop()
        if isinstance(node, dict):
            for k, v in node.items():
                if _has_surrogate(k):
                    out.append(
                        record.issue(
                            "encoding.lone-surrogate",
                            jsonpath.child(path, "?"),
                            "a key holds an unpaired surrogate escape (\\uD800-\\uDFFF)",
                        )
                    )
                stack.append((v, jsonpath.child(path, k)))
        elif isinstance(node, list):
            stack.extend((v, jsonpath.child(path, i)) for i, v in enumerate(node))
        elif isinstance(node, str) and _has_surrogate(node):
            out.append(
                record.issue(
                    "encoding.lone-surrogate",
                    path,
                    "unpaired surrogate escape (\\uD800-\\uDFFF): not a Unicode character",
                )
            )
    return sorted(out)


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _decode_error(record: Record, text: str, exc: json.JSONDecodeError) -> Issue:
    line = record.line + exc.lineno - 1
    column = exc.colno
    before = text[: exc.pos].rstrip()
    if exc.msg == "Extra data":
        return Issue(
            record.file,
            line,
            column,
            "$",
            "json.extra-data",
            "more data after the JSON value (one value per file, or per JSONL line)",
        )
    if exc.pos < len(text) and text[exc.pos] in "}]" and before.endswith(","):
        comma = len(before) - 1
        cline = record.line + text.count("\n", 0, comma)
        ccol = comma - (text.rfind("\n", 0, comma) + 1) + 1
        return Issue(
            record.file,
            cline,
            ccol,
            "$",
            "json.trailing-comma",
            "trailing comma before a closing bracket",
        )
    return Issue(record.file, line, column, "$", "json.syntax", exc.msg)


def _decode(record: Record, raw: bytes) -> str | None:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = raw[exc.start : exc.start + 3]
        line = record.line + raw.count(b"\n", 0, exc.start)
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        column = len(raw[line_start : exc.start].decode("utf-8", "replace")) + 1
        if bad[:1] == b"\xed" and len(bad) > 1 and bad[1] >= 0xA0:
            record.issues.append(
                Issue(
                    record.file,
                    line,
                    column,
                    "$",
                    "encoding.lone-surrogate",
                    "UTF-8-encoded surrogate: not a Unicode character",
                )
            )
        else:
            record.issues.append(
                Issue(
                    record.file,
                    line,
                    column,
                    "$",
                    "encoding.invalid-utf8",
                    f"byte 0x{raw[exc.start]:02X} is not UTF-8 (a CP1252 or Latin-1 file?)",
                )
            )
        return None


def _looks_utf16(head: bytes) -> bool:
    return head.startswith(_UTF16_BOMS) or b"\x00" in head[:4096]


def _read_error(display: str, exc: OSError) -> ToolkitEnvironmentError:
    return ToolkitEnvironmentError(f"{display}: cannot read: {exc.strerror or exc}")


def _file_issue(name: str, code: str, message: str) -> Record:
    return Record(name, 1, b"", issues=[Issue(name, 1, 1, "$", code, message)])


def _open(path: Path, name: str) -> tuple[Any, int] | Record:
    """Open `path` for reading without following a symlink and without blocking on a FIFO; a file that is not
    a regular file is a finding, never opened for reading."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        if os.path.islink(path):
            return _file_issue(name, "path.symlink", "symbolic link: not followed (commit the file itself)")
        raise _read_error(name, exc) from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        return _file_issue(
            name, "path.not-regular-file", "not a regular file (a FIFO, socket or device): not read"
        )
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb", buffering=_CHUNK), info.st_size  # a JSONL line spans many 8 KiB buffers


def iter_records(
    path: Path,
    display: str | None = None,
    *,
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
    deferred: bool = False,
) -> Iterator[Record]:
    """Yield the records of one `.json` or `.jsonl` file, each parsed or carrying its findings; with
    `deferred`, a record without a finding so far comes unparsed (`Record.deferred`).

    File-level findings (empty file, UTF-16, not a regular file) come as a record with no data. Streams JSONL
    line by line; no record larger than `max_record_bytes` is ever held in memory.
    """
    name = display or str(path)
    opened = _open(path, name)
    if isinstance(opened, Record):
        yield opened
        return
    handle, size = opened
    try:
        with handle:
            yield from _records(
                handle, size, name, path.suffix.lower() == ".jsonl", max_record_bytes, deferred
            )
    except OSError as exc:
        raise _read_error(name, exc) from None


def iter_stream(
    stream: BinaryIO,
    display: str,
    *,
    jsonl: bool,
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
    deferred: bool = False,
) -> Iterator[Record]:
    """Yield the records of a stream (standard input) read as the file `display`: one JSON value, or JSONL
    when `jsonl`. The stream is spooled (`Spool`) so that it reads like a file."""
    with Spool(stream, display, jsonl=jsonl, max_record_bytes=max_record_bytes) as spool:
        yield from spool.records(deferred=deferred)


class Spool:
    """A stream (standard input) kept as a file (in memory, then on disk) while it is open, so that it
    reads like one, records and all (`records`, `read`). Of one JSON value larger than `max_record_bytes`
    only the size is kept, as of a file."""

    def __init__(
        self, stream: BinaryIO, display: str, *, jsonl: bool, max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES
    ) -> None:
        self.display, self.jsonl, self.cap = display, jsonl, max_record_bytes
        self.file: Any = tempfile.SpooledTemporaryFile(max_size=_CHUNK)  # noqa: SIM115 (closed by close())
        self.size = 0
        try:
            while chunk := stream.read(_CHUNK):
                self.size += len(chunk)
                if jsonl or self.file.tell() <= max_record_bytes:
                    self.file.write(chunk)
        except OSError as exc:
            self.close()
            raise _read_error(display, exc) from None

    def records(self, *, deferred: bool = False) -> Iterator[Record]:
        """The records of the stream, as `iter_records` reads those of a file."""
        self.file.seek(0)
        try:
            yield from _records(self.file, self.size, self.display, self.jsonl, self.cap, deferred)
        except OSError as exc:
            raise _read_error(self.display, exc) from None

    def read(self, offset: int, length: int) -> bytes:
        """Bytes of the stream again (to locate a finding, as `read_source` for a file)."""
        self.file.seek(offset)
        data: bytes = self.file.read(length)
        return data

    def close(self) -> None:
        self.file.close()

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _records(
    handle: Any, size: int, name: str, jsonl: bool, cap: int, deferred: bool = False
) -> Iterator[Record]:
    """The records of an open, seekable binary file of `size` bytes."""
    head = handle.read(4096)
    if not head.strip():
        rest = handle.read(_CHUNK)
        while rest and not rest.strip():
            rest = handle.read(_CHUNK)
        if not rest:
            yield _file_issue(name, "file.empty", "the file is empty")
            return
    if _looks_utf16(head):
        yield _file_issue(
            name,
            "encoding.utf16",
            "the file is UTF-16 (or holds NUL bytes); save it as UTF-8",
        )
        return
    handle.seek(0)
    if jsonl:
        yield from _jsonl_records(handle, name, cap, deferred)
    elif size > cap:
        yield _too_large(name, 1, size, cap)
    else:
        yield _json_record(handle.read(), name, deferred)


def _too_large(name: str, line: int, size: int | None, cap: int) -> Record:
    what = f"{size:,} bytes" if size is not None else "more"
    return Record(
        name,
        line,
        b"",
        issues=[
            Issue(
                name,
                line,
                1,
                "$",
                "record.too-large",
                f"record of {what}; at most {cap:,} bytes per record are read",
            )
        ],
    )


def _strip_bom(raw: bytes, record: Record) -> bytes:
    if raw.startswith(_BOM):
        record.issues.append(
            Issue(
                record.file,
                1,
                1,
                "$",
                "encoding.bom",
                "the file starts with a UTF-8 byte-order mark; save it without BOM",
            )
        )
        return raw[len(_BOM) :]
    return raw


def _json_record(raw: bytes, name: str, deferred: bool = False) -> Record:
    record = Record(name, 1, raw)
    stripped = _strip_bom(raw, record)
    record.offset = len(raw) - len(stripped)
    record.source = stripped
    _finish(record, stripped, deferred)
    return record


def _lines(
    handle: Any, cap: int, limit: int | None = None, start: int = 0
) -> Iterator[tuple[int, bytes | None, int, int]]:
    """(line number, bytes without the line break or None when longer than `cap`, length, offset of the
    line) of each line, at most `limit` bytes from `start` (where `handle` stands); a long line is skipped
    in chunks, never held whole."""
    number = 0
    at = start
    end = None if limit is None else start + limit
    while end is None or at < end:
        raw = handle.readline(cap + 2)  # room for "\r\n" after a line of exactly `cap` bytes
        if not raw:
            return
        number += 1
        line_at = at
        at += len(raw)
        if not raw.endswith(b"\n") and len(raw) == cap + 2:
            size = len(raw)
            while raw and not raw.endswith(b"\n"):
                raw = handle.readline(_CHUNK)
                size += len(raw)
                at += len(raw)
            yield number, None, size, line_at
            continue
        raw = raw[:-1] if raw.endswith(b"\n") else raw
        if raw.endswith(b"\r"):
            raw = raw[:-1]
        yield number, (raw if len(raw) <= cap else None), len(raw), line_at


def _jsonl_records(
    handle: Any, name: str, cap: int, deferred: bool = False, limit: int | None = None, start: int = 0
) -> Iterator[Record]:
    # Binary reading splits on b"\n" only: U+2028 inside a string stays inside its line.
    for number, raw, size, at in _lines(handle, cap, limit, start):
        if raw is None:
            yield _too_large(name, number, size, cap)
            continue
        record = Record(name, number, raw, offset=at)
        if number == 1 and start == 0:
            stripped = _strip_bom(raw, record)
            record.offset += len(raw) - len(stripped)
            raw = record.source = stripped
        if not raw.strip():
            record.issues.append(
                Issue(
                    name,
                    number,
                    1,
                    "$",
                    "jsonl.blank-line",
                    "blank line (JSONL holds one JSON value on every line)",
                )
            )
            yield record
            continue
        _finish(record, raw, deferred)
        yield record


def iter_part(
    path: Path,
    display: str,
    start: int,
    end: int,
    *,
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
    deferred: bool = False,
) -> Iterator[Record]:
    """The records of the JSONL lines in bytes [start, end) of `path` (a part made by `jsonl_parts`), one
    per line, numbered from 1: the caller adds the lines of the parts before."""
    opened = _open(path, display)
    if isinstance(opened, Record):
        yield opened
        return
    handle, _ = opened
    try:
        with handle:
            handle.seek(start)
            yield from _jsonl_records(handle, display, max_record_bytes, deferred, end - start, start)
    except OSError as exc:
        raise _read_error(display, exc) from None


def jsonl_parts(path: Path, target: int) -> list[tuple[int, int]] | None:
    """Byte ranges [start, end) of about `target` bytes that cover the JSONL file `path`, each starting at a
    line (just after a b"\n", the only line break of JSONL: CR before it stays in its line, U+2028 is no
    break); None when the file must be read whole (it is small, or its head is blank or looks like UTF-16,
    which are findings about the whole file)."""
    opened = _open(path, str(path))
    if isinstance(opened, Record):
        return None
    handle, size = opened
    with handle:
        head = handle.read(4096)
        if size <= target or not head.strip() or _looks_utf16(head):
            return None
        bounds = [0]
        while bounds[-1] + target < size:
            handle.seek(bounds[-1] + target)
            at = bounds[-1] + target
            while chunk := handle.read(_CHUNK):
                found = chunk.find(b"\n")
                if found >= 0:
                    at += found + 1
                    break
                at += len(chunk)
            if at >= size:
                break
            bounds.append(at)
    bounds.append(size)
    return list(itertools.pairwise(bounds))


def read_source(path: Path, offset: int, length: int) -> bytes:
    """The bytes of a record again (`Record.offset`, `len(Record.source)`), to locate a finding."""
    with path.open("rb") as handle:
        handle.seek(offset)
        return handle.read(length)


def _finish(record: Record, raw: bytes, deferred: bool = False) -> None:
    if deferred and not record.issues:
        record.deferred = True
        return
    _parse_bytes(record, raw)


def _parse_bytes(record: Record, raw: bytes) -> None:
    had_bom = bool(record.issues)
    text = _decode(record, raw)
    if text is not None:
        parse(record, text)
    if had_bom:  # the BOM is a finding: never accept the record silently
        record.data = None
        record.ok = False
