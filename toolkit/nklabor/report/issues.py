"""Findings as data: a `Finding` before it is located, one `Issue` per located finding, gathered in a
`Report`.
Reporters only format these."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from .codes import CODES

MAX_VALUE_CHARS = 40


def short(value: Any, limit: int = MAX_VALUE_CHARS) -> str:
    """repr() of a value cut to `limit` characters, so a 2,000-character quote never reaches a message."""
    text = repr(value)
    if len(text) <= limit:
        return text
    return f"{text[: limit - 1]}…({len(text)} chars)"


@dataclass(frozen=True)
class Finding:
    """A finding before it is located in a file: code, JSON path, message, whether it points at a key, and its
    severity (`error` or `warning`)."""

    code: str
    path: str
    message: str
    at_key: bool = False
    severity: str = "error"


@dataclass(frozen=True, order=True)
class Issue:
    """One finding: where it is (file, 1-based line and column, JSON path), its stable code, and a short
    message."""

    file: str
    line: int | None
    column: int | None
    path: str
    code: str
    message: str
    severity: str = "error"

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(f"unknown issue code {self.code!r}")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Report:
    """The outcome of a validation run: every finding, the files and records read (`sources` names the
    files), how many other files the rules across files consulted, and how many named files the project
    configuration left out (`skipped`)."""

    issues: list[Issue] = field(default_factory=list)
    files: int = 0
    records: int = 0
    consulted: int = 0
    skipped: int = 0
    sources: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not any(i.severity == "error" for i in self.issues)

    @property
    def counts(self) -> dict[str, int]:
        return dict(sorted(Counter(i.code for i in self.issues).items()))

    @property
    def errors(self) -> int:
        return sum(1 for i in self.issues if i.severity == "error")

    @property
    def warnings(self) -> int:
        return len(self.issues) - self.errors

    def sort(self) -> Report:
        self.issues.sort(key=lambda i: (i.file, i.line or 0, i.column or 0, i.path, i.code, i.message))
        self.sources.sort()
        return self

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of the report; `--format json` prints exactly this (its JSON Schema is
        `docs/report.schema.json`)."""
        return {
            "valid": self.valid,
            "files": self.files,
            "records": self.records,
            "consulted": self.consulted,
            "skipped": self.skipped,
            "sources": list(self.sources),
            "counts": self.counts,
            "issues": [i.to_dict() for i in self.issues],
        }
