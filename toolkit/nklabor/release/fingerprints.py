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
from collections.abc import Iterable, Iterator
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


def write(path: Path, texts: Iterable[tuple[str, str]]) -> None:
    """Write `(document_id, text)` pairs (in the release's document order) as the fingerprint file."""
    rows = [{"document_id": i, "block_chars": BLOCK, "fingerprints": fingerprint(t)} for i, t in texts]
    table = pa.Table.from_pylist(rows, schema=SCHEMA)
    pq.write_table(table, path, **WRITE_OPTIONS)


def read(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """`(document_id, {"block_chars", "fingerprints"})` of every document of a fingerprint file."""
    for row in pq.read_table(path).to_pylist():
        yield row["document_id"], row
