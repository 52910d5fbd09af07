"""Helpers for annotators: a skeleton annotation for a new article (every input checked before anything is
written), and the offsets of a quote."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ..annotation import ROLE_ANNOTATOR, file_name, normalise_text, text_sha256, utc_stamp
from ..errors import ToolkitEnvironmentError, UsageError
from ..schema import SchemaSet, load_schemas
from ..validation import semantic, structural
from ..validation.crossfile import load_registry, nearest_registry
from ..validation.discovery import REGISTRY_NAME
from ..validation.reading import iter_records
from .quotes import NearMatch, near_matches, occurrences

ANNOTATIONS = Path("annotations")
"""Where `nklabor new` writes by default."""


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
        raise UsageError(
            f"{path}: byte {exc.start} is not UTF-8; convert the article to UTF-8 first"
        ) from None
    if not text.strip():
        raise UsageError(f"{path}: the article is empty")
    return normalise_text(text)


def skeleton(
    text: str,
    *,
    doc_id: str,
    outlet: str,
    outlet_type: str,
    url: str,
    published: dict[str, Any],
    title: dict[str, Any],
    language: str,
    annotator: str,
    role: str = ROLE_ANNOTATOR,
    now: datetime | None = None,
    schemas: SchemaSet | None = None,
) -> dict[str, Any]:
    """A valid annotation of `text` with no events yet: the hash and offsets are never typed by hand.
    `title` and `published` are metadata objects (see `metadata`)."""
    return {
        "schema_version": (schemas or load_schemas()).version,
        "document": {
            "id": doc_id,
            "outlet": outlet,
            "outlet_type": outlet_type,
            "url": url,
            "title": title,
            "published": published,
            "language": language,
            "text": text,
            "text_sha256": text_sha256(text),
        },
        "annotator": annotator,
        "role": role,
        "annotated_at": utc_stamp(now),
        "relevant": True,
        "events": [],
    }


def metadata(
    key: str, value: str | None, provenance: str | None = None, basis: str | None = None
) -> dict[str, Any]:
    """A title (`key` "text") or publication date (`key` "date") with its provenance: `as_published` by
    default
    when there is a value, `unknown` when there is none."""
    node: dict[str, Any] = {}
    if value is not None:
        node[key] = value
    node["provenance"] = provenance or ("as_published" if value is not None else "unknown")
    if basis is not None:
        node["basis"] = basis
    return node


class OptionsError(UsageError):
    """Inputs of a new annotation that cannot make a valid file; `faults` maps each field to what is wrong."""

    def __init__(self, faults: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{name}: {why}" for name, why in faults))
        self.faults = faults


@dataclass(frozen=True)
class NewAnnotation:
    """A checked skeleton and where it is to be written."""

    path: Path
    annotation: dict[str, Any]


def default_path(doc_id: str, annotator: str, folder: Path = ANNOTATIONS) -> Path:
    """Where an annotator's annotation of a document lives: `<folder>/<doc-id>.<annotator>.json`."""
    return folder / file_name(doc_id, annotator)


def plan_new(
    text: str,
    *,
    doc_id: str,
    outlet: str,
    outlet_type: str,
    url: str,
    published: dict[str, Any],
    title: dict[str, Any] | None,
    language: str,
    annotator: str,
    out: Path | None = None,
    registry: Path | None = None,
    overwrite: bool = False,
    schemas: SchemaSet | None = None,
    now: datetime | None = None,
) -> NewAnnotation:
    """Check every input of a new annotation before anything is written, and build it.

    `title` and `published` are metadata objects (`metadata`); without a title, the article's first line is
    used, recorded as reconstructed from it.

    Raises `OptionsError` listing every fault: an id that is not a slug (so never a path), a bad date, URL,
    outlet type or language, a provenance without the basis it needs, an annotator id that is not a pseudonym
    or is not registered as annotator in the registry that governs the target folder (or `registry`), a target
    that exists (unless `overwrite`), or a text that differs from the one another annotation of the document
    in that folder carries."""
    schemas = schemas or load_schemas()
    faults: list[tuple[str, str]] = []
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), doc_id)
    if title is None:
        title = metadata("text", first_line[:200], "reconstructed", "the first line of the article text")
    annotation = skeleton(
        text,
        doc_id=doc_id,
        outlet=outlet,
        outlet_type=outlet_type,
        url=url,
        published=published,
        title=title,
        language=language,
        annotator=annotator,
        now=now,
        schemas=schemas,
    )
    reported: set[str] = set()
    # The schema's own patterns decide: the document id is a slug, so it can never be a path.
    for finding in structural.check(annotation, schemas) + semantic.check(annotation):
        name = finding.path.removeprefix("$.")
        if name not in reported:
            reported.add(name)
            faults.append((name, finding.message))
    target = out or default_path(doc_id if "document.id" not in reported else "invalid", annotator)
    if "annotator" not in reported:
        fault = registration_fault(annotator, target, registry, schemas)
        if fault:
            faults.append(("annotator", fault))
    if (target.exists() or target.is_symlink()) and not overwrite:
        faults.append(("out", f"{target} already exists"))
    if "document.id" not in reported:
        faults.extend(text_conflicts(target.parent, doc_id, annotation["document"]["text_sha256"], target))
    if faults:
        raise OptionsError(faults)
    return NewAnnotation(target, annotation)


def registration_fault(
    annotator: str, target: Path, registry: Path | None, schemas: SchemaSet, role: str = ROLE_ANNOTATOR
) -> str | None:
    """Why `annotator` may not sign `target` in `role` (not registered, or not for that role, in the registry
    that governs it or in `registry`), or None."""
    file = registry if registry is not None else nearest_registry(target.parent)
    if file is None:
        return f"no {REGISTRY_NAME} in {target.parent} or above: register {annotator} there first"
    found = load_registry(file, schemas)
    if not found.read or found.issues:
        first = found.issues[0] if found.issues else None
        return f"{file} cannot be used: {first.message if first else 'unreadable'}"
    if annotator not in found.roles:
        return f"{annotator!r} is not registered in {file}"
    if role not in found.roles[annotator]:
        return f"{annotator!r} is not registered as {role} in {file}"
    return None


def text_conflicts(folder: Path, doc_id: str, digest: str, target: Path) -> list[tuple[str, str]]:
    """Other annotations of the document in `folder` (named `<doc-id>.<annotator>.json`) whose text differs:
    the new file would conflict with them."""
    out: list[tuple[str, str]] = []
    for path in sorted(folder.glob(f"{doc_id}.*.json")) if folder.is_dir() else []:
        if path.resolve() == target.resolve() or path.is_symlink():
            continue
        for record in iter_records(path):
            doc = record.data.get("document") if record.ok and isinstance(record.data, dict) else None
            theirs = doc.get("text_sha256") if isinstance(doc, dict) else None
            if isinstance(theirs, str) and theirs != digest:
                out.append(
                    (
                        "document.text",
                        f"differs from the text of {path} (SHA-256 {theirs[:12]}…, this "
                        f"one {digest[:12]}…); annotate the same text",
                    )
                )
    return out


def document_text(path: Path) -> str:
    """The text a quote is looked up in: `document.text` of an annotation file, or a plain-text article."""
    if path.suffix.lower() not in (".json", ".jsonl"):
        return read_article(path)
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    for record in iter_records(path):
        if record.issues or not isinstance(record.data, dict):
            first = record.issues[0] if record.issues else None
            where = (
                f"{first.file}:{first.line}: [{first.code}] {first.message}"
                if first
                else f"{path}: not an object"
            )
            raise UsageError(f"cannot read the annotation: {where}")
        text = (
            record.data.get("document", {}).get("text")
            if isinstance(record.data.get("document"), dict)
            else None
        )
        if not isinstance(text, str):
            raise UsageError(f"{path}: no document.text")
        return text
    raise UsageError(f"{path}: empty")


class QuoteError(UsageError):
    """The quote is absent from the text, or occurs more than once and no occurrence was chosen.
    `occurrences` is how often it occurs, `spans` every occurrence as a span, `suggestions` the near matches
    of an absent quote."""

    exit_code = 1

    def __init__(
        self,
        message: str,
        occurrences: int = 0,
        spans: list[dict[str, Any]] | None = None,
        suggestions: list[NearMatch] | None = None,
    ) -> None:
        super().__init__(message)
        self.occurrences = occurrences
        self.spans = spans or []
        self.suggestions = suggestions or []


def find_span(text: str, quote: str, occurrence: int | None = None) -> dict[str, Any]:
    """`{start, end, quote}` of `quote` in `text`, in code points. Ambiguous quotes need `occurrence`
    (1-based). An absent quote's error carries its near matches (curly or straight quotes, dashes, white
    space, case); a repeated one's carries every occurrence."""
    quote = normalise_text(quote)
    if not quote:
        raise QuoteError("the quote is empty")
    starts = occurrences(text, quote)
    spans = [{"start": s, "end": s + len(quote), "quote": quote} for s in starts]
    if not starts:
        near = near_matches(text, quote)
        hint = f"; {len(near)} near match(es)" if near else " (check quotes, apostrophes and spaces)"
        raise QuoteError(f"the quote does not occur in the text{hint}", 0, [], near)
    if occurrence is None:
        if len(starts) > 1:
            raise QuoteError(
                f"the quote occurs {len(starts)} times; quote more words or choose an occurrence",
                len(starts),
                spans,
            )
        return spans[0]
    if 1 <= occurrence <= len(starts):
        return spans[occurrence - 1]
    raise QuoteError(f"occurrence {occurrence}: the quote occurs {len(starts)} time(s)", len(starts), spans)
