"""Every file name and folder of a release, in one place.

releases/vX.Y.Z/
  README.md                                   the data card
  labels.json                                 class names and definitions of every label column
  label_distribution.svg                      the card's figure: events per class and split
  agreement.json                              human agreement per split (the scorer's ceiling)
  croissant.json                              Croissant 1.1 + RAI
  codebook.md                                 rendered from schema/
  schema/<unit>.schema.json                   the schema the build used
  data/<config>/<split>-00000-of-00001.parquet
  checksums.sha256                            SHA-256 of every other file

Beside the releases, never inside one:

releases/.pseudonyms.json                     raw annotator id -> stable release pseudonym (tracked, never
                                              published; see `pseudonyms`)
"""

from __future__ import annotations

from pathlib import Path

CONFIGS = ("documents", "events", "spans")
"""The Hugging Face configs, in card order."""
SPLITS = ("train", "validation", "test")
DATA = "data"
SCHEMA = "schema"
CARD = "README.md"
CODEBOOK = "codebook.md"
CROISSANT = "croissant.json"
LABELS = "labels.json"
FIGURE = "label_distribution.svg"
AGREEMENT = "agreement.json"
MANIFEST = "checksums.sha256"
PSEUDONYMS = ".pseudonyms.json"
"""The pseudonym mapping, in the folder that holds the releases."""
PSEUDONYMS_LOCK = ".pseudonyms.lock"
SPLIT_FILE_REGEX = r"^(train|validation|test)-.*\.parquet$"
"""How Croissant reads the split from a data file's name."""


def data_file(config: str, split: str) -> str:
    """Path of a data file inside the release, Hugging Face layout."""
    return f"{DATA}/{config}/{split}-00000-of-00001.parquet"


def config_glob(config: str) -> str:
    """Every data file of one config, as a glob relative to the release."""
    return f"{DATA}/{config}/*.parquet"


def config_of(rel: str) -> str | None:
    """The config a release-relative data file belongs to, None for any other file."""
    parts = rel.split("/")
    return parts[1] if len(parts) == 3 and parts[0] == DATA and parts[2].endswith(".parquet") else None


def data_files(release: Path, config: str) -> list[tuple[str, Path]]:
    """(split, path) of the data files a release has for `config`, in split order."""
    return [
        (split, release / data_file(config, split))
        for split in SPLITS
        if (release / data_file(config, split)).is_file()
    ]


def schema_file(name: str) -> str:
    """Path of a schema snapshot file inside the release."""
    return f"{SCHEMA}/{name}"
