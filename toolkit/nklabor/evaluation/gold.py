"""A release's gold written as predictions: what a perfect system would output, and the shape a model's
output takes (the document block as released, events as annotated, no annotator fields)."""

from __future__ import annotations

import json
from pathlib import Path

from ..annotation import write_file
from ..errors import UsageError
from ..release.layout import SCHEMA, SPLITS
from ..release.records import documents
from ..schema import load_schemas


def write_gold_predictions(release: Path | str, out: Path | str, split: str | None = None) -> int:
    """Write the gold documents of `release` (of one `split`, or all) to the JSONL file `out`, one
    prediction per line; returns how many. `UsageError` for an unknown split or an existing `out`."""
    folder = Path(release)
    if split is not None and split not in SPLITS:
        raise UsageError(f"{split!r} is not a split: {', '.join(SPLITS)}")
    version = load_schemas(folder / SCHEMA).version
    lines = [
        json.dumps(doc.annotation, ensure_ascii=False)
        for doc in documents(folder, version)
        if split is None or doc.split == split
    ]
    write_file(Path(out), "".join(line + "\n" for line in lines))
    return len(lines)
