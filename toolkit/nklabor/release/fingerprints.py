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

from .tables import WRITE_OPTIONS, row_groups

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


def fingerprint_rows(pairs: list[tuple[str, bytes]]) -> pa.Table:
    """The rows of the fingerprint file for `(document_id, fingerprint(text))` pairs."""
    return pa.table(
        [
            pa.array([d for d, _ in pairs], pa.string()),
            pa.array([BLOCK] * len(pairs), pa.int32()),
            pa.array([p for _, p in pairs], pa.binary()),
        ],
        schema=SCHEMA,
    )


class Writer:
    """The fingerprint file, written as tables of rows (`fingerprint_rows`) come, in the release's document
    order: one row group when the release holds at most `GROUP_ROWS` documents (`documents`), else row
    groups of `GROUP_ROWS`. Rows wait as Arrow tables (about 1 kB per document of an article's
    length), not as a row group's worth of Python objects."""

    def __init__(self, path: Path, documents: int) -> None:
        self.path = path
        self.single = documents <= GROUP_ROWS
        self.pending: pa.Table | None = None
        self.writer: pq.ParquetWriter | None = None

    def add(self, rows: pa.Table) -> None:
        """Rows of fingerprints (`fingerprint_rows`)."""
        full, self.pending = row_groups(self.pending, rows, None if self.single else GROUP_ROWS)
        for group in full:
            self._write(group)

    def _write(self, rows: pa.Table) -> None:
        if self.writer is None:
            self.writer = pq.ParquetWriter(self.path, SCHEMA, **WRITE_OPTIONS)
        # One chunk per column, however the rows arrived: the writer then cuts the same pages.
        self.writer.write_table(rows.combine_chunks(), row_group_size=GROUP_ROWS)

    def close(self) -> None:
        """Write what is left and close the file."""
        rest = self.pending if self.pending is not None else fingerprint_rows([])
        self.pending = None
        if self.single:
            pq.write_table(rest.combine_chunks(), self.path, **WRITE_OPTIONS)
            return
        if rest.num_rows or self.writer is None:
            self._write(rest)
        assert self.writer is not None
        self.writer.close()


def read(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """`(document_id, {"block_chars", "fingerprints"})` of every document of a fingerprint file."""
    for row in pq.read_table(path).to_pylist():
        yield row["document_id"], row
