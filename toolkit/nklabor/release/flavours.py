"""The two flavours of a release, and what tells them apart.

- `public`: what may be shared outside the team. No article text and no quote: spans keep `start`, `end` and
  `quote_sha256`; documents keep their metadata, `text_sha256` and `text_length`. The publishers' texts stay
  theirs; a user rebuilds the full flavour from their own copies (`rehydrate`).
- `full`: the public flavour plus `text` (documents) and `quote` (every span), for the team; never
  redistributed.

Every other file is the same in both flavours except the card, `croissant.json` and the checksums, which
describe the flavour they are in. A full flavour is always made from a public one and the texts (the build
does it the way `rehydrate` does), so a rehydrated release is byte-identical to the team's.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import pyarrow.parquet as pq

from .layout import BUILD, FULL, data_files


class Flavour(StrEnum):
    """Which texts a release carries."""

    public = "public"
    full = "full"


LEGACY = "legacy"
"""What `flavour_of` says of a release built before flavours existed (v1.x): it carries the texts, so it is
internal like a full flavour, but it has no build record to rehydrate from."""

TEXT_COLUMN = "text"
"""The documents column only the full flavour has."""
QUOTE_FIELD = "quote"
"""The span field (a `spans` column, and a sub-field of every nested span) only the full flavour has."""


def location(out: Path, version_name: str, flavour: Flavour) -> Path:
    """Where a flavour of a version is published: `out/vX.Y.Z` (public; tracked by git) or
    `out/full/vX.Y.Z` (full; ignored by git)."""
    return out / version_name if flavour is Flavour.public else out / FULL / version_name


def flavour_of(release: Path) -> str:
    """`public` (no texts), `full`, or `legacy` (texts, but built before flavours: no `build.json`), read
    from the release's own files."""
    for _split, path in data_files(release, "documents"):
        if TEXT_COLUMN not in pq.read_schema(path).names:
            return Flavour.public.value
        return Flavour.full.value if (release / BUILD).is_file() else LEGACY
    return Flavour.public.value
