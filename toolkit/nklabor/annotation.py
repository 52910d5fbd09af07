"""What every room knows about an annotation: roles, file names, the text's normal form and hash, spans, time
stamps, adjudication drafts, and the canonical way a file is written.

One home for each idea, so that validation, the annotators' tools, agreement and releases agree on it.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from .errors import ExistsError

ROLE_ANNOTATOR = "annotator"
ROLE_ADJUDICATOR = "adjudicator"
DRAFT_MARKER = "ADJUDICATION DRAFT"
DRAFT_END = "END OF ADJUDICATION DRAFT"
FILE_MODE = 0o644
"""Mode of every file nklabor writes: what a checkout gives a file (`mkstemp` alone would give 0600)."""

T = TypeVar("T")
Span = tuple[int, int]


def file_name(doc_id: str, annotator: str) -> str:
    """The file of one annotator's annotation of one document: `<doc-id>.<annotator>.json`."""
    return f"{doc_id}.{annotator}.json"


def document_id(annotation: Mapping[str, Any]) -> str:
    """The document id of a valid annotation."""
    return str(annotation["document"]["id"])


def by_document(items: Iterable[T], data: Callable[[T], Mapping[str, Any]]) -> dict[str, list[T]]:
    """Items grouped by the document id of their annotation (`data(item)`), ids sorted, input order kept."""
    groups: dict[str, list[T]] = {}
    for item in items:
        groups.setdefault(document_id(data(item)), []).append(item)
    return {doc: groups[doc] for doc in sorted(groups)}


def is_adjudication(annotation: Mapping[str, Any]) -> bool:
    """Signed by an adjudicator: gold once settled, never an independent reading."""
    return annotation.get("role") == ROLE_ADJUDICATOR


def is_draft(annotation: Mapping[str, Any]) -> bool:
    """True for an adjudication draft whose disputes are not settled yet (its notes still hold the draft
    block)."""
    notes = annotation.get("notes")
    return isinstance(notes, str) and DRAFT_MARKER in notes and is_adjudication(annotation)


def normalise_text(raw: str) -> str:
    """The text as it is annotated: `\\n` line endings and Unicode NFC."""
    return unicodedata.normalize("NFC", raw.replace("\r\n", "\n").replace("\r", "\n"))


def text_sha256(text: str) -> str:
    """Hex SHA-256 of the UTF-8 bytes of `text`."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def spans_overlap(a: Span, b: Span) -> bool:
    """Two `[start, end)` spans share at least one code point."""
    return a[0] < b[1] and b[0] < a[1]


def span_of(span: Mapping[str, Any]) -> Span:
    """`(start, end)` of a `{start, end, quote}` span."""
    return int(span["start"]), int(span["end"])


def utc_stamp(now: datetime | None = None) -> str:
    """An `annotated_at` value: RFC 3339 in UTC to the second, e.g. `2026-11-20T10:00:00Z`."""
    return (
        (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    )


def dump(annotation: Mapping[str, Any]) -> str:
    """The canonical on-disk form of an annotation: UTF-8, 2-space indent, key order kept."""
    return json.dumps(annotation, ensure_ascii=False, indent=2) + "\n"


def write_file(path: Path, content: str, overwrite: bool = False) -> None:
    """Write `content` to `path` atomically, mode 0644; refuse to replace an existing file unless `overwrite`
    (`ExistsError`)."""
    if (path.exists() or path.is_symlink()) and not overwrite:
        raise ExistsError(f"{path}: already exists")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
