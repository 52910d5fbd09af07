"""`verify_release`: recompute every checksum of a published release."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import UsageError
from . import checksums
from .layout import CROISSANT, MANIFEST


@dataclass
class VerifyResult:
    """Files checked and every problem found, each naming its file."""

    path: Path
    checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every listed file matches and nothing is unlisted."""
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        """The JSON form; `nklabor release verify --format json` prints exactly this."""
        return {
            "release": str(self.path),
            "ok": self.ok,
            "checked": self.checked,
            "problems": list(self.problems),
        }


def verify_release(release: Path) -> VerifyResult:
    """Check `checksums.sha256` against the files of `release`: a changed, missing or unlisted file is a
    problem. `UsageError` if the folder or its manifest is missing or unreadable."""
    manifest = release / MANIFEST
    if not release.is_dir():
        raise UsageError(f"{release}: no such release")
    try:
        expected = checksums.parse(manifest.read_text(encoding="utf-8"), str(manifest))
    except FileNotFoundError:
        raise UsageError(f"{manifest}: missing; cannot verify") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise UsageError(f"{manifest}: unreadable: {exc}") from None
    result = VerifyResult(release)
    present = set(checksums.release_files(release))
    for rel, digest in sorted(expected.items()):
        path = release / rel
        if rel not in present or not path.is_file() or path.is_symlink():
            result.problems.append(f"{rel}: missing")
            continue
        actual = checksums.sha256_file(path)
        result.checked += 1
        if actual != digest:
            result.problems.append(f"{rel}: sha256 {actual} != {digest} in {MANIFEST}")
    for rel in sorted(present - set(expected)):
        result.problems.append(f"{rel}: not listed in {MANIFEST}")
    if CROISSANT in present:
        result.problems.extend(_croissant_problems(release))
    return result


def _croissant_problems(release: Path) -> list[str]:
    """`croissant.json` declares a SHA-256 per file too: a file edited together with its manifest line still
    disagrees with it."""
    try:
        doc = json.loads((release / CROISSANT).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return [f"{CROISSANT}: unreadable: {exc}"]
    problems: list[str] = []
    objects: list[Any] = doc.get("distribution", []) if isinstance(doc, dict) else []
    for item in objects:
        if not isinstance(item, dict) or item.get("@type") != "cr:FileObject":
            continue
        rel, declared = item.get("contentUrl"), item.get("sha256")
        if not isinstance(rel, str) or not isinstance(declared, str):
            problems.append(f"{CROISSANT}: a FileObject without contentUrl or sha256")
            continue
        path = release / rel
        if ".." in Path(rel).parts or Path(rel).is_absolute() or not path.is_file() or path.is_symlink():
            problems.append(f"{CROISSANT}: {rel}: missing")
        elif (actual := checksums.sha256_file(path)) != declared:
            problems.append(f"{CROISSANT}: {rel}: sha256 {actual} != {declared} declared there")
    return problems
