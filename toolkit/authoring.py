"""Helpers for annotators: a skeleton annotation for a new article, and the offsets of a quote."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import unicodedata
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .errors import ToolkitEnvironmentError, UsageError
from .reading import iter_records

SCHEMA_VERSION = "1.0"


def normalise_text(raw: str) -> str:
    """The text as it is annotated: `\\n` line endings and Unicode NFC."""
    return unicodedata.normalize("NFC", raw.replace("\r\n", "\n").replace("\r", "\n"))


def text_sha256(text: str) -> str:
    """Hex SHA-256 of the UTF-8 bytes of `text`."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_article(path: Path) -> str:
    """Read a plain-text article as strict UTF-8 (a BOM is dropped) and normalise it."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except OSError as exc:
        raise ToolkitEnvironmentError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: byte {exc.start} is not UTF-8; convert the article to UTF-8 first") from None
    if not text.strip():
        raise UsageError(f"{path}: the article is empty")
    return normalise_text(text)


def skeleton(text: str, *, doc_id: str, outlet: str, outlet_type: str, url: str, published: str, title: str,
             language: str, annotator: str, role: str = "annotator", now: datetime | None = None) -> dict[str, Any]:
    """A valid annotation of `text` with no events yet: the hash and offsets are never typed by hand."""
    stamp = (now or datetime.now(UTC)).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return {
        "schema_version": SCHEMA_VERSION,
        "document": {
            "id": doc_id, "outlet": outlet, "outlet_type": outlet_type, "url": url, "title": title,
            "published": published, "language": language, "text": text, "text_sha256": text_sha256(text),
        },
        "annotator": annotator,
        "role": role,
        "annotated_at": stamp,
        "relevant": True,
        "events": [],
    }


def dump(annotation: dict[str, Any]) -> str:
    """The canonical on-disk form of an annotation: UTF-8, 2-space indent, key order kept."""
    return json.dumps(annotation, ensure_ascii=False, indent=2) + "\n"


def write_new(path: Path, content: str, overwrite: bool = False) -> None:
    """Write `content` to `path` atomically; refuse to replace an existing file unless `overwrite`."""
    if path.exists() and not overwrite:
        raise UsageError(f"{path}: already exists (use --force to replace it)")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def document_text(path: Path) -> str:
    """The text a quote is looked up in: `document.text` of an annotation file, or a plain-text article."""
    if path.suffix.lower() not in (".json", ".jsonl"):
        return read_article(path)
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    for record in iter_records(path):
        if record.issues or not isinstance(record.data, dict):
            first = record.issues[0] if record.issues else None
            where = f"{first.file}:{first.line}: [{first.code}] {first.message}" if first else f"{path}: not an object"
            raise UsageError(f"cannot read the annotation: {where}")
        text = record.data.get("document", {}).get("text") if isinstance(record.data.get("document"), dict) else None
        if not isinstance(text, str):
            raise UsageError(f"{path}: no document.text")
        return text
    raise UsageError(f"{path}: empty")


class QuoteError(Exception):
    """The quote is absent from the text, or occurs more than once without --occurrence."""


def find_span(text: str, quote: str, occurrence: int | None = None) -> dict[str, Any]:
    """`{start, end, quote}` of `quote` in `text`, in code points. Ambiguous quotes need `occurrence` (1-based)."""
    quote = normalise_text(quote)
    if not quote:
        raise QuoteError("the quote is empty")
    starts = []
    at = text.find(quote)
    while at >= 0:
        starts.append(at)
        at = text.find(quote, at + 1)
    if not starts:
        raise QuoteError("the quote does not occur in the text (check quotes, apostrophes and spaces)")
    if occurrence is None:
        if len(starts) > 1:
            raise QuoteError(f"the quote occurs {len(starts)} times (at {starts[:10]}); "
                             "quote more words or pass --occurrence N")
        start = starts[0]
    elif 1 <= occurrence <= len(starts):
        start = starts[occurrence - 1]
    else:
        raise QuoteError(f"--occurrence {occurrence}: the quote occurs {len(starts)} time(s)")
    return {"start": start, "end": start + len(quote), "quote": quote}
