"""Predictions: annotation files or JSONL, validated like annotations (predictions mode: the annotator fields
may be left out), then checked against the release they are scored on."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..errors import InvalidInputError
from ..report import Issue, Report, short
from ..validation import Annotation, Validation
from ..validation.reading import DEFAULT_MAX_RECORD_BYTES


@dataclass(frozen=True)
class Released:
    """What the scorer knows of a document of the release: its split and its text hash."""

    split: str
    text_sha256: str


def read(
    paths: Iterable[str | Path],
    schema_dir: Path,
    released: Mapping[str, Released],
    *,
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
) -> tuple[list[Annotation], Report]:
    """The valid predictions in `paths`, validated with the release's schema (`schema_dir`), each of a
    document of the release with the same text, and the validation report (warnings only). Otherwise
    `InvalidInputError` with every finding."""
    validation = Validation(paths, schema_dir, predictions=True, max_record_bytes=max_record_bytes)
    found = validation.valid_annotations()
    issues: list[Issue] = []
    for item in found:
        doc = item.data["document"]
        known = released.get(doc["id"])
        if known is None:
            issues.append(
                Issue(
                    item.file,
                    item.line,
                    None,
                    "$.document.id",
                    "prediction.unknown-document",
                    f"{short(doc['id'])} is not a document of the release",
                )
            )
        elif known.text_sha256 != doc["text_sha256"]:
            issues.append(
                Issue(
                    item.file,
                    item.line,
                    None,
                    "$.document.text_sha256",
                    "prediction.text-mismatch",
                    f"{short(doc['id'])}: the text differs from the release's (another hash): its spans "
                    "cannot be scored",
                )
            )
    if issues:
        validation.report.issues.extend(issues)
        validation.report.sort()
        raise InvalidInputError(
            f"{len(issues)} prediction(s) do not match the release: nothing scored", validation.report
        )
    return found, validation.report
