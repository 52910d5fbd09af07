"""Stable release pseudonyms: the same annotator keeps the same pseudonym in every release of a project.

The mapping from raw annotator ids to pseudonyms lives beside the releases, in `releases/.pseudonyms.json`
(`layout.PSEUDONYMS`), never inside a release folder, and is tracked in git with the annotations:

    {"scheme": "nklabor-pseudonyms-1", "since": "2.0.0", "pseudonyms": {"adj-01": "R2", "ann-01": "R1"}}

It is append-only. A build reads it, gives each annotator it publishes for the first time the next free number
(`R<n+1>`, in order of first appearance over the gold documents sorted by id, so the result does not depend on
the order of the input files) and writes it back before the release is published. `since` is the first
version built with it: releases before it (v1.0.0 and v1.1.0) numbered annotators anew in every release.

Why a mapping and not a keyed hash: a hash needs a secret that every builder and CI must share and nobody may
lose, and short hashed pseudonyms can collide; a mapping needs no secret, keeps the short `R<n>` form, and is
as sensitive as the annotations themselves (it links the registry's ids, which are already in every
annotation file, to the pseudonyms of the published rows). It is kept where the annotations are kept and
never published: the leak scan fails a build whose release holds a raw id.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..annotation import write_file
from ..errors import UsageError
from .versions import Version, parse_version

SCHEME = "nklabor-pseudonyms-1"
PATTERN = re.compile(r"R[1-9][0-9]*", re.ASCII)
"""Pseudonyms are upper case, so none can equal a raw id (the schema keeps those lower case)."""


@dataclass
class Pseudonyms:
    """Raw annotator id -> release pseudonym, and the first version built with the mapping."""

    since: Version | None = None
    names: dict[str, str] = field(default_factory=dict)
    added: list[str] = field(default_factory=list)

    def assign(self, annotators: Iterable[str], version: Version) -> None:
        """Give every annotator without a pseudonym the next free number, in the order given."""
        taken = {int(p[1:]) for p in self.names.values()}
        following = max(taken, default=0) + 1
        for raw in annotators:
            if raw not in self.names:
                self.names[raw] = f"R{following}"
                self.added.append(raw)
                following += 1
        if self.since is None or version < self.since:
            self.since = version

    def to_json(self) -> str:
        """The file's text: keys sorted, so that the same mapping is always the same bytes."""
        doc = {
            "scheme": SCHEME,
            "since": str(self.since) if self.since else None,
            "pseudonyms": dict(sorted(self.names.items())),
        }
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _problem(path: Path, message: str) -> UsageError:
    return UsageError(f"{path}: {message}; nothing was built (restore the file from version control)")


def _parse(path: Path, doc: Any) -> Pseudonyms:
    if not isinstance(doc, dict) or doc.get("scheme") != SCHEME:
        raise _problem(path, f"not a pseudonym mapping (expected an object with scheme {SCHEME!r})")
    names = doc.get("pseudonyms")
    if not isinstance(names, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in names.items()
    ):
        raise _problem(path, "`pseudonyms` must map annotator ids to pseudonyms")
    bad = sorted(v for v in names.values() if not PATTERN.fullmatch(v))
    if bad:
        raise _problem(path, f"{bad[0]!r} is not a pseudonym (R1, R2, ...)")
    seen: dict[str, str] = {}
    for raw, name in sorted(names.items()):
        if name in seen:
            raise _problem(path, f"{name} is given to two annotators")
        seen[name] = raw
    since = doc.get("since")
    try:
        version = parse_version(since) if isinstance(since, str) else None
    except UsageError:
        version = None
    if version is None and names:
        raise _problem(path, f"`since` must be the first release version built with it, not {since!r}")
    return Pseudonyms(version, dict(names))


def load(path: Path) -> Pseudonyms:
    """The mapping at `path`; an empty one when there is none yet. `UsageError` names a broken file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Pseudonyms()
    except (OSError, UnicodeDecodeError) as exc:
        raise _problem(path, f"unreadable ({exc})") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _problem(path, f"not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    return _parse(path, doc)


def save(path: Path, mapping: Pseudonyms) -> None:
    """Write the mapping atomically (mode 0644)."""
    write_file(path, mapping.to_json(), overwrite=True)


def published_before(since: Version | None, versions: Iterable[Version]) -> list[str]:
    """The release folders among `versions` built before the stable pseudonyms."""
    return [v.name for v in versions if since is not None and v < since]
