"""Text fingerprints: where a user's copy of an article first differs from the annotated text, without
publishing the text.

For each document the public flavour keeps, besides `text_sha256`, the first 8 bytes of the SHA-256 of each
consecutive block of `BLOCK` code points. A copy whose hash differs is compared block by block: the first
block whose fingerprint differs holds the first differing character. Blocks are long on purpose: a
fingerprint of a short block could be inverted by trying the likely continuations of the block before it
(English carries about 1.3 bits per character), which would publish the text by another name; 64 characters
are out of reach of such a search, so the difference is located to a block of 64 characters, not to one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from .tables import WRITE_OPTIONS

BLOCK = 64
"""Code points per fingerprinted block."""
DIGEST = 8
"""Bytes of SHA-256 kept per block."""
SCHEMA = pa.schema(
    [
        pa.field("document_id", pa.string(), nullable=False),
        pa.field("block_chars", pa.int32(), nullable=False),
        pa.field("fingerprints", pa.binary(), nullable=False),
    ]
)


def fingerprint(text: str) -> bytes:
    """The fingerprints of every block of `text`, concatenated (`DIGEST` bytes per block)."""
    return b"".join(
        hashlib.sha256(text[i : i + BLOCK].encode("utf-8")).digest()[:DIGEST]
        for i in range(0, len(text), BLOCK)
    )


@dataclass(frozen=True)
class Difference:
    """Where a copy first differs from the annotated text: the block `[start, end)` of the annotated text
    (code points) that holds the first differing character."""

    start: int
    end: int


def first_difference(copy: str, expected: bytes, length: int) -> Difference:
    """The first block of the annotated text (`length` code points, fingerprints `expected`) that `copy`
    does not match. A copy that matches every block but is longer differs right after the text's end."""
    got = fingerprint(copy)
    for n in range(0, len(expected), DIGEST):
        if got[n : n + DIGEST] != expected[n : n + DIGEST]:
            start = (n // DIGEST) * BLOCK
            return Difference(start, min(start + BLOCK, length))
    return Difference(length, length)


GROUP_ROWS = 10_000
"""Documents per row group of a larger fingerprint file; a release of up to this many documents has one
row group, as every release had before (its bytes do not change), and a larger one is written a row group at
a time instead of held whole."""


class Writer:
    """The fingerprint file, written as `(document_id, text)` pairs come (in the release's document
    order): one row group when the release holds at most `GROUP_ROWS` documents (`documents`), else row
    groups of `GROUP_ROWS`."""

    def __init__(self, path: Path, documents: int) -> None:
        self.path = path
        self.single = documents <= GROUP_ROWS
        self.rows: list[dict[str, Any]] = []
        self.writer: pq.ParquetWriter | None = None

    def add(self, document_id: str, prints: bytes) -> None:
        """One document's fingerprints (`fingerprint(text)`)."""
        self.rows.append({"document_id": document_id, "block_chars": BLOCK, "fingerprints": prints})
        if not self.single and len(self.rows) >= GROUP_ROWS:
            self._flush()

    def _flush(self) -> None:
        table = pa.Table.from_pylist(self.rows, schema=SCHEMA)
        if self.writer is None:
            self.writer = pq.ParquetWriter(self.path, SCHEMA, **WRITE_OPTIONS)
        self.writer.write_table(table, row_group_size=GROUP_ROWS)
        self.rows = []

    def close(self) -> None:
        """Write what is left and close the file."""
        if self.single:
            pq.write_table(pa.Table.from_pylist(self.rows, schema=SCHEMA), self.path, **WRITE_OPTIONS)
            return
        if self.rows or self.writer is None:
            self._flush()
        assert self.writer is not None
        self.writer.close()


def read(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """`(document_id, {"block_chars", "fingerprints"})` of every document of a fingerprint file."""
    for row in pq.read_table(path).to_pylist():
        yield row["document_id"], row
