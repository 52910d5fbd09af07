"""The files that describe a staged release's data, written last: the figure, the data card, `croissant.json`
and the checksum manifest. The build and a rehydration both end here, so a rehydrated full flavour is
described exactly as the team's."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from ..schema import load_schemas
from . import card, checksums, croissant, figure, labels, layout, metadata
from .card import CardInput
from .descriptions import field_descriptions
from .flavours import Flavour
from .publish import write_text
from .stats import compute as compute_stats
from .tables import Columns


def data_files(staging: Path) -> list[str]:
    """The data files of a staged release, in config and split order."""
    return [
        layout.data_file(config, split)
        for config in layout.CONFIGS
        for split, _path in layout.data_files(staging, config)
    ]


def snapshot_files(staging: Path) -> list[str]:
    """The schema snapshot and the codebook rendered from it: byte copies of public files."""
    schema = staging / layout.SCHEMA
    return [layout.schema_file(p.name) for p in sorted(schema.iterdir())] + [layout.CODEBOOK]


def _sizes(root: Path, files: list[str]) -> dict[str, tuple[int, int]]:
    out = {}
    for rel in files:
        meta = pq.ParquetFile(root / rel).metadata
        out[rel] = (
            (root / rel).stat().st_size,
            sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups)),
        )
    return out


def describe(
    staging: Path,
    card_input: CardInput,
    flavour: Flavour,
    left_out: list[tuple[str, str]] | None = None,
) -> dict[str, dict[str, int]]:
    """Write the figure, the card and `croissant.json` of the data staged in `staging` (whose schema snapshot,
    `labels.json`, `agreement.json`, `build.json` and fingerprints are there already), then the manifest.
    Returns the rows per config and split."""
    schemas = load_schemas(staging / layout.SCHEMA)
    columns = Columns(schemas, flavour)
    stats = compute_stats(staging)
    (staging / layout.FIGURE).write_bytes(figure.render(stats))
    files = data_files(staging)
    write_text(
        staging / layout.CARD,
        card.render(card_input, stats, columns.configs, _sizes(staging, files), flavour, left_out or None),
    )
    described = [
        *files,
        layout.CARD,
        layout.LABELS,
        layout.FIGURE,
        layout.AGREEMENT,
        layout.BUILD,
        layout.FINGERPRINTS,
        *snapshot_files(staging),
    ]
    write_text(
        staging / layout.CROISSANT,
        croissant.render(
            meta=metadata.dataset(card_input.version, card_input.date, card_input.languages, flavour),
            rai=metadata.rai(card_input.withheld_values, card_input.pseudonyms_since, flavour),
            configs=columns.configs,
            files={
                rel: (checksums.sha256_file(staging / rel), (staging / rel).stat().st_size)
                for rel in described
            },
            label_descriptions=labels.definitions(schemas),
            config_descriptions=metadata.config_descriptions(flavour),
            field_descriptions=field_descriptions(schemas, columns.configs),
        ),
    )
    write_text(staging / layout.MANIFEST, checksums.render(staging, checksums.release_files(staging)))
    return stats.rows
