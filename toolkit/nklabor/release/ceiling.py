"""`agreement.json`: human agreement per split, the ceiling `nklabor evaluate` prints beside a model's scores.

A release publishes one annotation per document, so how far its annotators agreed can only be measured at
build time, from the input: for each split, on the published documents that two or more annotators labelled
before adjudication,

- `scores`: the scorer's own figures (`agreement.scoring.pairwise`: for every pair of annotators of a
  document, one scored as gold and the other as predicted, summed), so that a model's F1 sits beside the same
  F1 measured between people;
- `alpha`: Krippendorff's alpha per field, document level and event level (`agreement.measure`).

No annotator id is written: only counts, field names and figures. Figures are rounded to 6 places, so the
file is the same bytes for the same input.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..agreement.measure import measure
from ..agreement.scoring import pairwise
from ..schema import SchemaSet
from .layout import SPLITS

ABOUT = (
    "Human agreement per split, measured before adjudication on the published documents that two or more "
    "annotators labelled. `scores`: the figures of `nklabor evaluate` with one annotator scored against "
    "another (F1 does not depend on which is taken as gold; precision and recall swap), the ceiling for a "
    "model's scores. `alpha`: Krippendorff's alpha per field (`nklabor agreement`). No annotator ids."
)


def _alpha(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def split_agreement(
    readings: Mapping[str, Mapping[str, Mapping[str, Any]]], schemas: SchemaSet
) -> dict[str, Any]:
    """The figures of one split: `readings` maps document id -> annotator -> that annotator's annotation."""
    if not readings:
        return {"documents": 0, "comparisons": 0, "scores": None, "alpha": None}
    events = {
        doc: {who: list(a.get("events") or []) for who, a in by.items()} for doc, by in readings.items()
    }
    scores, comparisons = pairwise(events, schemas.dimensions)
    report = measure([a for by in readings.values() for a in by.values()], schemas=schemas)
    return {
        "documents": len(readings),
        "comparisons": comparisons,
        "scores": scores.to_dict(),
        "alpha": {
            "documents": {f.field: _alpha(f.alpha) for f in report.fields},
            "events": {f.field: _alpha(f.alpha) for f in report.events},
        },
    }


def compute(
    readings: Mapping[str, Mapping[str, Mapping[str, Any]]], split_of: Mapping[str, str], schemas: SchemaSet
) -> dict[str, Any]:
    """`agreement.json` as a dict: `readings` maps each published document with two or more annotators to
    its annotators' annotations; `split_of` gives the split of each document."""
    return {
        "about": ABOUT,
        "splits": {
            split: split_agreement(
                {d: r for d, r in sorted(readings.items()) if split_of.get(d) == split}, schemas
            )
            for split in SPLITS
        },
    }


def render(agreement: dict[str, Any]) -> str:
    """The file's text."""
    return json.dumps(agreement, ensure_ascii=False, indent=2) + "\n"
