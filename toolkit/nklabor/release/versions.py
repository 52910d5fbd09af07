"""Release version names: strict semantic versions (`1.2.3`, `1.2.3-rc.1`), published as folders `v1.2.3`.

A version is only ever a name, never a path: `../x`, `/etc`, `1.0` and `v1.0.0/..` are refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError

# ASCII only: `\d` would also take Arabic-Indic and other Unicode digits (and int() reads them).
_IDENT = r"(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)"
SEMVER = re.compile(
    rf"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(?:-({_IDENT}(?:\.{_IDENT})*))?", re.ASCII
)
MAX_LENGTH = 64


@dataclass(frozen=True)
class Version:
    """A parsed semantic version. Orders by semver precedence."""

    major: int
    minor: int
    patch: int
    prerelease: tuple[str, ...] = ()

    def __str__(self) -> str:
        core = f"{self.major}.{self.minor}.{self.patch}"
        return f"{core}-{'.'.join(self.prerelease)}" if self.prerelease else core

    @property
    def name(self) -> str:
        """The release folder name, `v1.2.3`."""
        return f"v{self}"

    def key(self) -> tuple[int, int, int, int, tuple[tuple[int, int, str], ...]]:
        """Semver precedence: a pre-release sorts before its release; numeric identifiers before others."""
        pre = tuple((0, int(p), "") if p.isascii() and p.isdigit() else (1, 0, p) for p in self.prerelease)
        return (self.major, self.minor, self.patch, 0 if self.prerelease else 1, pre)

    def __lt__(self, other: Version) -> bool:
        return self.key() < other.key()

    def __le__(self, other: Version) -> bool:
        return self.key() <= other.key()


def parse_version(text: str) -> Version:
    """`1.2.3` or `v1.2.3` -> `Version`; anything else (paths, `1.0`, build metadata) is a `UsageError`."""
    raw = text[1:] if text.startswith("v") else text
    match = SEMVER.fullmatch(raw) if len(text) <= MAX_LENGTH else None
    if match is None:
        shown = text if len(text) <= MAX_LENGTH else text[:MAX_LENGTH] + "..."
        raise UsageError(
            f"{shown!r} is not a release version: use semantic versioning, e.g. 1.0.0 or v1.2.0-rc.1"
        )
    major, minor, patch, pre = match.groups()
    return Version(int(major), int(minor), int(patch), tuple(pre.split(".")) if pre else ())


def published(releases: Path) -> list[Version]:
    """Versions published in `releases` (folders named `v<semver>`), oldest first. Hidden build folders are
    not."""
    found = []
    if releases.is_dir():
        for child in releases.iterdir():
            if child.name.startswith("v") and child.is_dir() and not child.is_symlink():
                try:
                    found.append(parse_version(child.name))
                except UsageError:
                    continue
    return sorted(found, key=Version.key)


def release_dir(releases: Path, version: str | Version) -> Path:
    """The folder of a published version; `UsageError` when there is none."""
    parsed = version if isinstance(version, Version) else parse_version(version)
    folder = releases / parsed.name
    if not folder.is_dir():
        raise UsageError(f"{folder}: no such release")
    return folder
