"""The leak scan: no value the schema marks sensitive may appear in any byte of a release.

Needles come from every input annotation (published or not): the values at `withhold` paths (`notes`), whole
and line by line, and the raw annotator ids at `pseudonymize` paths (plus every id of the registries). Text
files are scanned as bytes; Parquet files both as raw bytes (footer, schema metadata) and as decoded values,
since data pages are compressed. The schema snapshot and the codebook rendered from it are byte copies of
public files whose examples use real-looking ids, so there only withheld values are looked for.

A public flavour is also scanned for the articles themselves (`scan_articles`): no run of `SHINGLE` words of
any article text may appear in any written string. Short runs are allowed on purpose: a label may name a
place or an office in the article's own words ("Economic Affairs Department of the Workers' Party's Central
Committee" is 11 words), but a sentence, or a quote, is longer. The titles are published by design, so a run
that is part of a title (an article often opens with its headline) is not a leak."""

from __future__ import annotations

import bisect
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from . import shingles
from .errors import LeakError
from .shingles import SHINGLE

MIN_NOTE = 8  # shorter withheld values are too common to scan for (they would match ordinary words)
MIN_NOTE_LINE = 24  # lines of a multi-line withheld value scanned on their own
SAMPLE_CHARS = (
    12  # how much of a withheld value a leak message shows: enough to find it, never the whole note
)
SAMPLE_WORDS = 6  # how much of a leaked run a message shows
WINDOW = 1 << 20
"""Bytes of a file scanned at a time for notes and ids: a file is never held whole."""
RUN_WINDOW = 1 << 20
"""Bytes of a file hashed at a time for the article scan (a code point takes several 8-byte words)."""
RUN_OVERLAP = 1 << 16
"""Bytes by which windows overlap for the article scan: a run of words up to this long that straddles two
windows lies whole in one of them."""
_ID_BEFORE = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-")
_ID_AFTER = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")


def values_at(data: Any, path: str) -> Iterator[Any]:
    """Values at a `$.a.b[*].c` path of an instance."""
    nodes = [data]
    for part in re.findall(r"\.([^.\[]+)|(\[\*\])", path):
        key, star = part
        nxt: list[Any] = []
        for node in nodes:
            if star and isinstance(node, list):
                nxt.extend(node)
            elif key and isinstance(node, dict) and key in node:
                nxt.append(node[key])
        nodes = nxt
    yield from nodes


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)


@dataclass
class Needles:
    """What must never be written: withheld text, and raw ids that must appear only as pseudonyms."""

    withheld: set[str] = field(default_factory=set)
    ids: set[str] = field(default_factory=set)

    def add(self, annotation: dict[str, Any], sensitive: dict[str, str]) -> None:
        """Collect the sensitive values of one input annotation. A withheld fragment that also occurs in the
        document's own public text (a note quoting the article) is no sign of a leak and is not collected."""
        text = annotation.get("document", {}).get("text", "")
        for path, mode in sensitive.items():
            for value in values_at(annotation, path):
                for s in _strings(value):
                    if mode == "pseudonymize":
                        self.ids.add(s)
                    else:
                        self._withhold(s, text)

    def _withhold(self, value: str, text: str) -> None:
        whole = value.strip()
        if len(whole) >= MIN_NOTE and whole not in text:
            self.withheld.add(whole)
        for line in whole.splitlines():
            line = line.strip()
            if len(line) >= MIN_NOTE_LINE and line not in text:
                self.withheld.add(line)

    def update(self, other: Needles) -> None:
        """Add the needles of `other` (collected from other annotations, in another process)."""
        self.withheld |= other.withheld
        self.ids |= other.ids

    def values(self) -> list[bytes]:
        """The withheld values, encoded, sorted, each once."""
        return sorted(w.encode("utf-8") for w in self.withheld)


class Sought(Protocol):
    """What a scan looks for: `Needles`, or the `NeedleStore` of a whole build."""

    ids: set[str]

    def values(self) -> list[bytes]: ...


class NeedleStore:
    """The needles of every annotation of a build, the withheld values packed into Arrow arrays a few
    thousand at a time. Kept as Python strings, each made among the short-lived objects of its record's
    parse, they pinned the interpreter's small-object arenas: about 25 MB at 100,000 annotations for 3 MB
    of notes. (Ids are a few per annotator: a set.)"""

    PACK = 4096
    """Withheld values waiting as strings before they are packed."""
    ARRAYS = 8
    """Packed arrays held before they are joined into one."""

    def __init__(self) -> None:
        self.ids: set[str] = set()
        self._waiting: set[str] = set()
        self._packed: list[pa.Array] = []

    def update(self, other: Needles) -> None:
        """Add the needles of one annotation (or of many)."""
        self.ids |= other.ids
        self._waiting |= other.withheld
        if len(self._waiting) >= self.PACK:
            self._pack()

    def _pack(self) -> None:
        if self._waiting:
            self._packed.append(pa.array(list(self._waiting), pa.large_binary()))
            self._waiting = set()
        if len(self._packed) >= self.ARRAYS:  # one array: each array's own objects would pin arenas too
            self._packed = [pa.concat_arrays(self._packed)]

    def values(self) -> list[bytes]:
        """The withheld values, encoded, sorted (as bytes), each once."""
        self._pack()
        if not self._packed:
            return []
        unique = pc.unique(pa.chunked_array(self._packed, pa.large_binary()))
        found: list[bytes] = unique.take(pc.sort_indices(unique)).to_pylist()
        return found


AUTOMATON_BYTES = 1 << 18
"""Bytes of patterns per automaton. An automaton takes about 13 times the bytes of its patterns, and up to
30 times while it is built: the notes of 100,000 annotations (3 MB) in one automaton cost about 90 MB at
once, in automata of this size a few MB each, for the same matches."""
PREFIX = 24
"""Bytes of a withheld value that the automata hold: a match of these is then checked against the whole
values that start with them. Notes average about 60 bytes, so the automata hold less than half of them."""


def _automata(patterns: list[bytes], limit: int) -> list[Any]:
    """Aho-Corasick automata over `patterns` (sorted), each built from at most about `limit` bytes of them."""
    from ahocorasick_rs import BytesAhoCorasick

    out: list[Any] = []
    start = size = 0
    for i, pattern in enumerate(patterns):
        size += len(pattern)
        if size >= limit or i == len(patterns) - 1:
            out.append(BytesAhoCorasick(patterns[start : i + 1]))
            start, size = i + 1, 0
    return out


class Matcher:
    """Every needle at once (Aho-Corasick automata, linear in the bytes scanned however many needles there
    are): `find` says which kinds occur in a blob. Ids match only as whole ids, not inside longer tokens
    (`xann-04` or `ann-045` is not `ann-04`)."""

    def __init__(self, needles: Sought) -> None:
        self.values = needles.values()
        """The withheld values, whole (the automata hold their first `PREFIX` bytes)."""
        self.ids = sorted(i.encode("utf-8") for i in needles.ids if i)
        self.longest = max((len(n) for n in [*self.values, *self.ids]), default=0)
        self.withheld = _automata(sorted({v[:PREFIX] for v in self.values}), AUTOMATON_BYTES)
        self.id_automaton = _automata(self.ids, sum(map(len, self.ids)) + 1)[0] if self.ids else None

    def find(
        self, blob: bytes, kinds: Iterable[str], *, head: bool = True, tail: bool = True
    ) -> dict[str, str]:
        """The first match of each of `kinds` (`withheld`, `id`) in `blob`. Without `head` (or `tail`),
        `blob` is a window whose first (last) byte has a neighbour outside it: an id touching that edge is
        left to the window that sees both sides of it."""
        found: dict[str, str] = {}
        for kind in kinds:
            if kind == "withheld":
                sample = self._first_withheld(blob)
                if sample is not None:
                    found[kind] = sample
            elif kind == "id" and self.id_automaton is not None:
                sample = self._whole_id(blob, head, tail)
                if sample is not None:
                    found[kind] = sample
        return found

    def _first_withheld(self, blob: bytes) -> str | None:
        """The withheld value in `blob` that ends first."""
        best: tuple[int, int] | None = None  # (end, start)
        for automaton in self.withheld:
            for _, start, end in automaton.find_matches_as_indexes(blob, overlapping=True):
                if best is not None and end > best[0]:
                    break  # matches come in the order they end; a value ends where its prefix does, or later
                stop = self._whole_value(blob, start, blob[start:end])
                if stop is not None and (best is None or (stop, start) < best):
                    best = (stop, start)
        return None if best is None else blob[best[1] : best[0]].decode("utf-8", "replace")

    def _whole_value(self, blob: bytes, start: int, prefix: bytes) -> int | None:
        """Where the shortest withheld value that starts with `prefix` and occurs at `start` ends, if any."""
        stop = None
        i = bisect.bisect_left(self.values, prefix)
        while i < len(self.values) and self.values[i].startswith(prefix):
            value = self.values[i]
            if blob.startswith(value, start) and (stop is None or start + len(value) < stop):
                stop = start + len(value)
            i += 1
        return stop

    def _whole_id(self, blob: bytes, head: bool, tail: bool) -> str | None:
        assert self.id_automaton is not None
        size = len(blob)
        for _, start, end in self.id_automaton.find_matches_as_indexes(blob, overlapping=True):
            if (start == 0 and not head) or (end == size and not tail):
                continue
            if start > 0 and blob[start - 1] in _ID_BEFORE:
                continue
            if end < size and blob[end] in _ID_AFTER:
                continue
            return blob[start:end].decode("utf-8", "replace")
        return None


@dataclass(frozen=True)
class Finding:
    """A sensitive value (`withheld`) or raw annotator id (`id`) found in a file; `sample` is what matched."""

    file: str
    kind: str
    sample: str


def _decoded(path: Path) -> Iterator[bytes]:
    """Every string value of a Parquet file, UTF-8, NUL-separated, one column of one row group at a time
    (no value spans two columns, so the pieces hold the same values as a whole row group would, in a
    fraction of the memory)."""
    handle = pq.ParquetFile(path)
    names = [f.name for f in handle.schema_arrow if _has_strings(f.type)]
    for i in range(handle.num_row_groups):
        for name in names:
            column = handle.read_row_group(i, columns=[name]).column(0)
            yield b"\x00".join(_column_strings(column))


def _has_strings(kind: pa.DataType) -> bool:
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return True
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        return _has_strings(kind.value_type)
    if pa.types.is_struct(kind):
        return any(_has_strings(kind.field(i).type) for i in range(kind.num_fields))
    return False


def _column_strings(array: pa.ChunkedArray | pa.Array) -> Iterator[bytes]:
    if isinstance(array, pa.ChunkedArray):
        for chunk in array.chunks:
            yield from _column_strings(chunk)
        return
    kind = array.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        yield "\x00".join(v for v in array.to_pylist() if v is not None).encode("utf-8")
    elif pa.types.is_list(kind) or pa.types.is_large_list(kind):
        yield from _column_strings(array.flatten())
    elif pa.types.is_struct(kind):
        for i in range(kind.num_fields):
            yield from _column_strings(array.field(i))


def windows(path: Path, overlap: int, size: int | None = None) -> Iterator[tuple[bytes, bool, bool]]:
    """A file's bytes as `(window, starts the file, ends the file)`, `size` (default `WINDOW`) bytes at a
    time, each window repeating the last `overlap` bytes of the one before, so that anything up to `overlap`
    bytes long lies whole in some window."""
    size = size or WINDOW
    with path.open("rb") as handle:
        kept = b""
        first = True
        while True:
            fresh = handle.read(size)
            last = len(fresh) < size
            if last and fresh:
                more = handle.read(1)  # a file of exactly WINDOW bytes ends here too
                if more:
                    fresh += more
                    last = False
            window = kept + fresh
            if window or first:
                yield window, first, last
            if last:
                return
            kept = window[-overlap:] if overlap else b""
            first = False


def scan(root: Path, files: Iterable[str], needles: Sought, ids_exempt: Iterable[str] = ()) -> list[Finding]:
    """Scan the files (paths relative to `root`): every byte, a window at a time, and every decoded string
    of a Parquet file, a row group at a time. Returns every finding, at most one per file and kind."""
    matcher = Matcher(needles)
    exempt = set(ids_exempt)
    findings: list[Finding] = []
    for rel in sorted(files):
        path = root / rel
        kinds = ["withheld"] if rel in exempt else ["withheld", "id"]
        hit: dict[str, str] = {}
        for window, head, tail in windows(path, matcher.longest + 1):
            for kind, sample in matcher.find(
                window, [k for k in kinds if k not in hit], head=head, tail=tail
            ).items():
                hit[kind] = sample
        if rel.endswith(".parquet"):
            for blob in _decoded(path):
                if len(hit) == len(kinds):
                    break
                hit.update(matcher.find(blob, [k for k in kinds if k not in hit]))
        findings.extend(Finding(rel, kind, sample) for kind, sample in sorted(hit.items()))
    return findings


words = shingles.words


@dataclass(frozen=True)
class ArticleFinding:
    """A run of `SHINGLE` words of an article found in a file; `sample` is its first words."""

    file: str
    document_id: str
    sample: str


def _file_words(root: Path, rel: str) -> Iterator[shingles.Hashes]:
    """The word hashes of every string a file holds, a piece at a time. A text file: its bytes, a window at a
    time (the first and last words of a window that is not at an end of the file may be cut: they are left
    to the window beside it, which holds them whole). A Parquet file: its footer (schema and metadata) as
    bytes, and its decoded values a row group at a time, each value on its own: a run that crosses from one
    value into the next is no sentence of anyone's (and joined short values, such as place names, would
    otherwise make runs that grow with the corpus). Its data pages are not read as bytes: compressed, they
    hold values only in pieces, which the decoded values cover."""
    path = root / rel
    if rel.endswith(".parquet"):
        yield shingles.text_hashes(_footer(path).decode("utf-8", "replace"))
        for blob in _decoded(path):
            for piece in _pieces(blob.decode("utf-8", "replace").split("\x00")):
                yield shingles.text_hashes(piece)
        return
    for window, head, tail in windows(path, RUN_OVERLAP, RUN_WINDOW):
        found = shingles.text_hashes(window.decode("utf-8", "replace"))
        yield found[0 if head else 1 : None if tail else -1]


VALUE_BREAK = " _nklabor_value_break_ "
"""Put between decoded values: a word no article has, so that no run of article words crosses it."""
PIECE_CHARS = 1 << 18
"""Characters hashed at once: the hashing holds about 40 bytes per character in numpy temporaries."""


def _pieces(values: list[str]) -> Iterator[str]:
    """The values joined by `VALUE_BREAK`, in pieces of about `PIECE_CHARS` characters that end at a
    break (a value longer than that is a piece of its own)."""
    piece: list[str] = []
    size = 0
    for value in values:
        piece.append(value)
        size += len(value)
        if size >= PIECE_CHARS:
            yield VALUE_BREAK.join(piece)
            piece, size = [], 0
    if piece:
        yield VALUE_BREAK.join(piece)


def _footer(path: Path) -> bytes:
    """The Parquet footer (its Thrift metadata: schema, key-value metadata, column statistics)."""
    with path.open("rb") as handle:
        handle.seek(-8, os.SEEK_END)
        tail = handle.read(8)
        length = int.from_bytes(tail[:4], "little")
        handle.seek(-8 - length, os.SEEK_END)
        return handle.read(length)


class ArticleScan:
    """Which written files hold a run of `SHINGLE` words of an article, in memory that does not grow with
    the corpus.

    The written side is indexed first (`add`), but only the runs whose every word is a word of some article
    (`vocabulary`: the word hashes of every text): any other run cannot be an article's, and in a release
    almost none is left (ids, hashes and labels are not article words). Then the texts are streamed past
    that index (`find`), one at a time, and only when it holds anything (`wanted`)."""

    def __init__(self, vocabulary: shingles.Hashes) -> None:
        self.vocabulary = vocabulary
        self.files: list[str] = []
        self.held: dict[int, int] = {}
        """Run hash -> bit set of the files (in `files`) that hold the run."""

    def add(self, root: Path, rel: str) -> None:
        """Index the runs of one written file (relative to `root`)."""
        bit = 1 << len(self.files)
        self.files.append(rel)
        for found in _file_words(root, rel):
            for key in shingles.runs_within(found, self.vocabulary).tolist():
                self.held[key] = self.held.get(key, 0) | bit

    def exempt(self, values: Iterable[str]) -> None:
        """Allow the runs of `values` (the titles, which are published by design)."""
        for value in values:
            self.allow(shingles.run_hashes(shingles.text_hashes(value)))

    def allow(self, runs: shingles.Hashes) -> None:
        """Allow the runs of these hashes (those of the titles, hashed where the titles were read)."""
        for key in runs.tolist():
            self.held.pop(key, None)

    @property
    def wanted(self) -> shingles.Hashes:
        """The run hashes a text must not have (sorted): empty when no written run could be an article's."""
        return np.array(sorted(self.held), dtype=np.uint64)

    def find(
        self, texts: Iterable[tuple[str, str]], wanted: shingles.Hashes | None = None
    ) -> list[ArticleFinding]:
        """Every (file, document) where a file holds a run of the document's text, for `(document_id,
        text)` pairs."""
        wanted = self.wanted if wanted is None else wanted
        findings: dict[tuple[str, str], ArticleFinding] = {}
        for document_id, text in texts if len(wanted) else ():
            for at, key in hits(text, wanted):
                held = self.held.get(key, 0)
                for i, rel in enumerate(self.files):
                    if held >> i & 1 and (rel, document_id) not in findings:
                        sample = " ".join(words(text)[at : at + SAMPLE_WORDS])
                        findings[(rel, document_id)] = ArticleFinding(rel, document_id, sample)
        return sorted(findings.values(), key=lambda f: (f.file, f.document_id))


def hits(text: str, wanted: shingles.Hashes) -> list[tuple[int, int]]:
    """`(word index, run hash)` of every run of `text` whose hash is in `wanted` (sorted)."""
    runs = shingles.run_hashes(shingles.text_hashes(text))
    where = np.flatnonzero(shingles.contains(wanted, runs))
    return [(int(i), int(runs[i])) for i in where]


def scan_articles(
    root: Path, files: Iterable[str], texts: Iterable[tuple[str, str]], exempt: Iterable[str] = ()
) -> list[ArticleFinding]:
    """Every file (paths relative to `root`) that holds a run of `SHINGLE` words of one of the `texts`
    (`(document_id, text)` pairs), at most one finding per file and document; runs that occur in an `exempt`
    string (the titles) are allowed. This form holds the texts (it reads them twice); the build streams them
    through an `ArticleScan`."""
    given = list(texts)
    vocabulary = shingles.Vocabulary()
    for _, text in given:
        vocabulary.add(shingles.text_hashes(text))
    scan = ArticleScan(vocabulary.array())
    for rel in sorted(files):
        scan.add(root, rel)
    scan.exempt(exempt)
    return scan.find(given)


def check(
    root: Path,
    files: Iterable[str],
    needles: Sought,
    ids_exempt: Iterable[str] = (),
    articles: list[ArticleFinding] | None = None,
) -> None:
    """`scan`, raising `LeakError` naming the files (with the `articles` findings of `scan_articles`, when
    given). The sample shown is cut short and never a whole note or sentence."""
    findings = scan(root, files, needles, ids_exempt)
    if findings or articles:
        lines = []
        for f in findings:
            what = "a withheld value (notes)" if f.kind == "withheld" else "a raw annotator id"
            sample = f.sample if f.kind == "id" else f"{f.sample[:SAMPLE_CHARS]}..."
            lines.append(f"{f.file}: {what}: {sample!r}")
        for a in articles or []:
            lines.append(
                f"{a.file}: {SHINGLE} words in a row of the article {a.document_id!r}: '{a.sample} ...'"
            )
        raise LeakError("leak scan failed, nothing published:\n  " + "\n  ".join(lines))
