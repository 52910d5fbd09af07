"""Test helpers, not shipped: paths, the synthetic corpus (`synthetic`), and the offline environment every
test
runs in."""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa

ROOT = Path(__file__).resolve().parents[2]
"""The repository root."""
DATA = ROOT / "tests" / "data"
SHARED = ROOT.parent / "shared"
"""The seed articles, reviews and peer suites beside the checkout (absent on a bare clone)."""

SEED_RELEASE = ROOT / "releases" / "v1.0.0"

os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def normal(kind: pa.DataType) -> pa.DataType:
    """The type with list items named `item` (Parquet names them `element` on the way back)."""
    if pa.types.is_list(kind):
        return pa.list_(normal(kind.value_type))
    if pa.types.is_struct(kind):
        return pa.struct(
            [pa.field(kind.field(i).name, normal(kind.field(i).type)) for i in range(kind.num_fields)]
        )
    return kind
