"""`list_releases(folder)`: what is published in a releases folder: version, date, codebook version, size on
disk and rows per config, read from each release's own files (`croissant.json`, its schema snapshot, the
Parquet footers)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from ..errors import SchemaError
from ..schema import load_schemas
from .layout import CONFIGS, CROISSANT, SCHEMA, data_files
from .versions import published


@dataclass(frozen=True)
class ReleaseInfo:
    """One published release, as `nklabor release list` shows it."""

    version: str
    path: Path
    date: str | None
    codebook: str | None
    files: int
    bytes: int
    rows: dict[str, dict[str, int]] = field(default_factory=dict)

    def total(self, config: str) -> int:
        """Rows of one config over every split."""
        return sum(self.rows.get(config, {}).values())

    def to_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "version": self.version,
            "path": str(self.path),
            "date": self.date,
            "codebook": self.codebook,
            "files": self.files,
            "bytes": self.bytes,
            "rows": {
                config: {"total": self.total(config), **self.rows.get(config, {})} for config in CONFIGS
            },
        }


def _date(release: Path) -> str | None:
    try:
        doc = json.loads((release / CROISSANT).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    value = doc.get("datePublished") if isinstance(doc, dict) else None
    return value if isinstance(value, str) else None


def _codebook(release: Path) -> str | None:
    try:
        return load_schemas(release / SCHEMA).version if (release / SCHEMA).is_dir() else None
    except SchemaError:
        return None


def describe(release: Path) -> ReleaseInfo:
    """The facts of one release folder."""
    files = [p for p in release.rglob("*") if p.is_file() and not p.is_symlink()]
    rows = {
        config: {split: pq.ParquetFile(path).metadata.num_rows for split, path in data_files(release, config)}
        for config in CONFIGS
    }
    return ReleaseInfo(
        version=release.name,
        path=release,
        date=_date(release),
        codebook=_codebook(release),
        files=len(files),
        bytes=sum(p.stat().st_size for p in files),
        rows=rows,
    )


def list_releases(folder: Path | str) -> list[ReleaseInfo]:
    """Every release published in `folder`, oldest first (none when the folder does not exist)."""
    root = Path(folder)
    return [describe(root / version.name) for version in published(root)]
