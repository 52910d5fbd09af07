"""`evaluate(predictions, release, split)`: score a model's predictions against a release's gold on one split,
and put the human agreement the release recorded for that split beside every figure.

What is scored and how is `nklabor.agreement.scoring` (the same event alignment as `nklabor agreement`); the
human figures are the same computation with one annotator scored against another (`agreement.json`).
Documents of the split without a prediction are scored as predicting no event, and listed; predictions of
documents in other splits are ignored, and counted.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..agreement.scoring import Scores, score
from ..errors import UsageError
from ..release.layout import AGREEMENT, SCHEMA, SPLITS, data_files
from ..release.records import documents
from ..report import Report
from ..schema import load_schemas
from ..validation.reading import DEFAULT_MAX_RECORD_BYTES
from . import predictions as reading


@dataclass
class Evaluation:
    """The scores of one set of predictions on one split of a release, and the human agreement there."""

    release: Path
    split: str
    codebook: str
    scores: Scores
    report: Report
    predicted: int
    missing: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    human: dict[str, Any] | None = None
    """The split's entry of the release's `agreement.json` (None when the release has none)."""

    def human_figure(self, name: str, key: str = "f1", cls: str | None = None) -> float | None:
        """The human agreement on one field (`events`, `evidence` or a field name), optionally of one class:
        its F1 (`key="f1"`) or macro F1 (`key="macro_f1"`); None where no document had two annotators."""
        scores = (self.human or {}).get("scores")
        if not scores:
            return None
        if name in ("events", "evidence"):
            node = scores[name]
        else:
            node = scores["fields"].get(name, {})
            if cls is not None:
                node = node.get("classes", {}).get(cls, {})
        value = node.get(key)
        return float(value) if isinstance(value, int | float) else None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (`nklabor evaluate --format json`)."""
        return {
            "release": str(self.release),
            "split": self.split,
            "codebook": self.codebook,
            "predictions": {
                "scored": self.predicted,
                "missing_documents": self.missing,
                "ignored_documents": self.ignored,
            },
            "scores": self.scores.to_dict(),
            "human": self.human,
            "warnings": [i.to_dict() for i in self.report.issues if i.severity != "error"],
        }


def _human(release: Path, split: str) -> dict[str, Any] | None:
    path = release / AGREEMENT
    if not path.is_file():
        return None
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise UsageError(f"{path}: unreadable ({exc})") from None
    entry = doc.get("splits", {}).get(split) if isinstance(doc, dict) else None
    return entry if isinstance(entry, dict) else None


def evaluate(
    predictions: Iterable[str | Path],
    release: str | Path,
    split: str = "test",
    *,
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
) -> Evaluation:
    """Score the predictions (annotation files, JSONL files or folders) on `split` of `release`.

    `UsageError` for a folder that is not a release, one built under another codebook version, or a split
    without documents; `InvalidInputError` (with every finding) when a prediction does not validate, is of a
    document the release does not hold, or carries another text."""
    folder = Path(release)
    if not folder.is_dir() or not data_files(folder, "documents"):
        raise UsageError(f"{folder}: not a release (no documents data)")
    if split not in SPLITS:
        raise UsageError(f"{split!r} is not a split: {', '.join(SPLITS)}")
    schemas = load_schemas(folder / SCHEMA)
    current = load_schemas().version
    if schemas.version != current:
        raise UsageError(
            f"{folder} was built under codebook {schemas.version}; predictions are scored in codebook "
            f"{current}"
        )
    released = list(documents(folder, schemas.version))
    gold = {d.id: d.events for d in released if d.split == split}
    if not gold:
        present = sorted({d.split for d in released}, key=SPLITS.index)
        raise UsageError(f"no document of {folder} is in {split}: it has {', '.join(present)}")
    known = {d.id: reading.Released(d.split, d.text_sha256) for d in released}
    items, report = reading.read(predictions, folder / SCHEMA, known, max_record_bytes=max_record_bytes)
    predicted = {str(a.data["document"]["id"]): a.data["events"] for a in items}
    in_split = {d: events for d, events in predicted.items() if d in gold}
    result = Evaluation(
        release=folder,
        split=split,
        codebook=schemas.version,
        scores=score(gold, in_split, schemas.dimensions),
        report=report,
        predicted=len(in_split),
        missing=sorted(set(gold) - set(predicted)),
        ignored=sorted(set(predicted) - set(gold)),
        human=_human(folder, split),
    )
    return result
