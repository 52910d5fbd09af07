"""Deterministic, leakage-safe splits.

A document's split is a hash of its `story_group` (or of its id when it has none), so every version of one
story lands in the same split. A document published before keeps the split it had in the latest earlier
release, and pulls the rest of its story group with it; if two earlier-published members of one group were in
different splits, the build is refused rather than break either promise."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path

import pyarrow.parquet as pq

from .errors import ReleaseConflictError
from .layout import data_files

# Cumulative shares out of 10,000 buckets: 80% train, 10% validation, 10% test.
THRESHOLDS = ((8000, "train"), (9000, "validation"), (10000, "test"))
SALT = "nklabor-split-v1:"


def hashed_split(key: str) -> str:
    """The split of a story group or document id, from its SHA-256."""
    bucket = int.from_bytes(hashlib.sha256((SALT + key).encode("utf-8")).digest()[:8], "big") % 10000
    return next(name for limit, name in THRESHOLDS if bucket < limit)


def assign_splits(
    documents: Iterable[tuple[str, str | None]], previous: Mapping[str, str] | None = None
) -> dict[str, str]:
    """`(document id, story_group)` pairs -> split per document id. `previous` maps ids to their split in the
    latest earlier release."""
    previous = previous or {}
    groups: dict[str, list[str]] = {}
    for doc_id, story_group in documents:
        groups.setdefault(story_group or doc_id, []).append(doc_id)
    out: dict[str, str] = {}
    for key in sorted(groups):
        members = sorted(groups[key])
        earlier = {previous[d]: d for d in members if d in previous}
        if len(earlier) > 1:
            shown = ", ".join(f"{doc} ({split})" for split, doc in sorted(earlier.items()))
            raise ReleaseConflictError(
                f"story group {key!r} joins documents that earlier releases put in different splits: "
                f"{shown}; "
                "a document never changes split, so give them different story groups or withdraw one"
            )
        split = next(iter(earlier)) if earlier else hashed_split(key)
        for doc_id in members:
            out[doc_id] = split
    return out


def release_splits(release: Path) -> dict[str, str]:
    """Document id -> split of a published release (read from its `documents` files)."""
    out: dict[str, str] = {}
    for split, path in data_files(release, "documents"):
        for doc_id in pq.read_table(path, columns=["id"]).column("id").to_pylist():
            out[doc_id] = split
    return out
