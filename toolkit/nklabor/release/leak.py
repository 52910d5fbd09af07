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

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from .errors import LeakError
from .tables import iter_tables

MIN_NOTE = 8  # shorter withheld values are too common to scan for (they would match ordinary words)
MIN_NOTE_LINE = 24  # lines of a multi-line withheld value scanned on their own
SAMPLE_CHARS = (
    12  # how much of a withheld value a leak message shows: enough to find it, never the whole note
)
SHINGLE = 12
"""Words in a row of an article that a public flavour must not hold anywhere."""
SAMPLE_WORDS = 6  # how much of a leaked run a message shows
_WORD = re.compile(r"\w+")


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

    def patterns(self) -> tuple[re.Pattern[bytes] | None, re.Pattern[bytes] | None]:
        """(withheld, ids) byte patterns; ids only match as whole ids, not inside longer tokens."""
        withheld = _trie_pattern(self.withheld)
        ids = _trie_pattern(self.ids)
        id_pattern = (
            re.compile(rb"(?<![A-Za-z0-9-])(?:" + ids.pattern + rb")(?![A-Za-z0-9])") if ids else None
        )
        return withheld, id_pattern


def _trie_pattern(words: Iterable[str]) -> re.Pattern[bytes] | None:
    """One regex for many literals, shaped as a trie so the scan stays linear in the bytes scanned."""
    trie: dict[bytes, Any] = {}
    for word in words:
        node = trie
        for byte in word.encode("utf-8"):
            node = node.setdefault(bytes([byte]), {})
        node[b""] = {}
    return re.compile(_render(trie)) if trie else None


def _render(node: dict[bytes, Any]) -> bytes:
    """Regex of a trie node; chains of single children are emitted flat, so nesting follows branching only."""
    branches = []
    for first, child in sorted(node.items()):
        if not first:
            continue
        literal = [first]
        while len(child) == 1 and b"" not in child:
            ((byte, child),) = child.items()
            literal.append(byte)
        branches.append(re.escape(b"".join(literal)) + (_render(child) if child else b""))
    if not branches:
        return b""
    optional = b"" in node
    if len(branches) == 1 and not optional:
        return branches[0]
    return b"(?:" + b"|".join(branches) + b")" + (b"?" if optional else b"")


@dataclass(frozen=True)
class Finding:
    """A sensitive value (`withheld`) or raw annotator id (`id`) found in a file; `sample` is what matched."""

    file: str
    kind: str
    sample: str


def _decoded(path: Path) -> Iterator[bytes]:
    """Every string value of a Parquet file, UTF-8, NUL-separated, one row group at a time."""
    for table in iter_tables(path):
        chunks: list[bytes] = []
        for column in table.columns:
            chunks.extend(_column_strings(column))
        yield b"\x00".join(chunks)


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


def scan(root: Path, files: Iterable[str], needles: Needles, ids_exempt: Iterable[str] = ()) -> list[Finding]:
    """Scan the files (paths relative to `root`); returns every finding, at most one per file and kind."""
    withheld, ids = needles.patterns()
    exempt = set(ids_exempt)
    findings: list[Finding] = []
    for rel in sorted(files):
        path = root / rel
        blobs: Iterator[bytes] = iter([path.read_bytes()])
        if rel.endswith(".parquet"):
            blobs = _chain(path.read_bytes(), _decoded(path))
        hit: dict[str, str] = {}
        for blob in blobs:
            for kind, pattern in (("withheld", withheld), ("id", None if rel in exempt else ids)):
                if pattern is not None and kind not in hit:
                    match = pattern.search(blob)
                    if match:
                        hit[kind] = match.group(0).decode("utf-8", "replace")
        findings.extend(Finding(rel, kind, sample) for kind, sample in sorted(hit.items()))
    return findings


def _chain(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest


def words(text: str) -> list[str]:
    """The words of a text as the article scan compares them: runs of letters and digits, case-folded (so
    punctuation, spacing and case cannot hide a copied sentence)."""
    return _WORD.findall(text.casefold())


def _runs(text: str) -> Iterator[tuple[str, ...]]:
    found = words(text)
    for i in range(len(found) - SHINGLE + 1):
        yield tuple(found[i : i + SHINGLE])


def _file_strings(root: Path, rel: str) -> Iterator[str]:
    """Every string a file holds: a Parquet file's decoded values and its raw bytes (footer and metadata),
    any other file's text."""
    path = root / rel
    yield path.read_bytes().decode("utf-8", "replace")
    if rel.endswith(".parquet"):
        for blob in _decoded(path):
            yield blob.decode("utf-8", "replace")


@dataclass(frozen=True)
class ArticleFinding:
    """A run of `SHINGLE` words of an article found in a file; `sample` is its first words."""

    file: str
    document_id: str
    sample: str


def scan_articles(
    root: Path, files: Iterable[str], texts: Iterable[tuple[str, str]], exempt: Iterable[str] = ()
) -> list[ArticleFinding]:
    """Every file (paths relative to `root`) that holds a run of `SHINGLE` words of one of the `texts`
    (`(document_id, text)` pairs), at most one finding per file and document. Runs that occur in an `exempt`
    string (the titles) are allowed. The written strings are indexed and the texts streamed past them, so
    memory follows the size of the release, never of the corpus."""
    # Keyed by the run's hash (a collision could only add a false alarm, which names the file to look at);
    # the value is a bit set of the files that hold the run.
    names = sorted(files)
    written: dict[int, int] = {}
    for i, rel in enumerate(names):
        for blob in _file_strings(root, rel):
            for run in _runs(blob):
                key = hash(run)
                written[key] = written.get(key, 0) | (1 << i)
    for value in exempt:
        for run in _runs(value):
            written.pop(hash(run), None)
    findings: dict[tuple[str, str], ArticleFinding] = {}
    for document_id, text in texts if written else ():
        for run in _runs(text):
            held = written.get(hash(run), 0)
            for i, rel in enumerate(names):
                if held >> i & 1 and (rel, document_id) not in findings:
                    findings[(rel, document_id)] = ArticleFinding(
                        rel, document_id, " ".join(run[:SAMPLE_WORDS])
                    )
    return sorted(findings.values(), key=lambda f: (f.file, f.document_id))


def check(
    root: Path,
    files: Iterable[str],
    needles: Needles,
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
