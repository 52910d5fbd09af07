"""SHA-256 of release files and the `checksums.sha256` manifest (`sha256sum -c` format)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

from .layout import MANIFEST

_LINE = re.compile(r"([0-9a-f]{64})  (\S(?:.*\S)?)")


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def render(root: Path, files: Iterable[str]) -> str:
    """The manifest for `files` (paths relative to `root`, `/`-separated), sorted by path."""
    return "".join(f"{sha256_file(root / rel)}  {rel}\n" for rel in sorted(files))


def parse(text: str, source: str = MANIFEST) -> dict[str, str]:
    """Manifest text -> {relative path: sha256}. `ValueError` names the first bad line."""
    out: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        match = _LINE.fullmatch(line)
        if match is None:
            raise ValueError(f"{source}:{number}: not a `<sha256>  <path>` line")
        digest, rel = match.groups()
        if rel in out:
            raise ValueError(f"{source}:{number}: {rel} is listed twice")
        out[rel] = digest
    return out


def release_files(root: Path) -> list[str]:
    """Every file under `root` except the manifest itself, relative and `/`-separated, sorted."""
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if (p.is_file() or p.is_symlink()) and p.relative_to(root).as_posix() != MANIFEST
    )
