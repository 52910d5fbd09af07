"""The official scorer: a model's predictions against the gold of a release, with the human ceiling beside.

    from nklabor.evaluation import evaluate
    result = evaluate(["predictions.jsonl"], "releases/v2.0.0", split="test")
    result.scores.events.f1, result.to_dict()

Flow: `predictions` (validated with the release's schema in predictions mode, then checked against the
release's documents) -> `agreement.scoring` (the same event alignment as `nklabor agreement`) -> `run`
(`Evaluation`, with the human agreement the release recorded in `agreement.json`). `gold` writes a release's
gold as predictions (a perfect system; a starting point for a model's output). The CLI is
`nklabor evaluate`.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "Evaluation": "run",
    "evaluate": "run",
    "write_gold_predictions": "gold",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
