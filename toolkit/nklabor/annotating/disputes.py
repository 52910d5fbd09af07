"""Disputes: where annotators' values of one document differ, field by field, and who chose what."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

FREE_TEXT = frozenset({"name", "campaign_name"})
"""Fields compared case- and space-insensitively: free text, not codes."""


class _Absent:
    def __repr__(self) -> str:
        return "(absent)"


ABSENT: Any = _Absent()
"""The value of a field an annotator did not set (or an event or indicator an annotator did not code)."""


def _show(value: Any) -> str:
    if value is ABSENT:
        return "(absent)"
    return json.dumps(value, ensure_ascii=False)


@dataclass(frozen=True)
class Dispute:
    """One disagreement: where it is, each annotator's value, and whose value the draft holds."""

    where: str
    values: dict[str, Any]
    kept: str
    hint: str = ""

    def line(self, number: int) -> str:
        choices = " | ".join(f"{who} {_show(value)}" for who, value in self.values.items())
        return f"[{number}] {self.where}: {choices}" + (f" ({self.hint})" if self.hint else "")

    def to_dict(self) -> dict[str, Any]:
        return {
            "where": self.where,
            "values": {k: (None if v is ABSENT else v) for k, v in self.values.items()},
            "absent": sorted(k for k, v in self.values.items() if v is ABSENT),
            "draft_keeps": self.kept,
            "hint": self.hint,
        }


def canon(key: str, value: Any) -> Any:
    """A comparable form: lists as sorted tuples (order carries no meaning), free text folded."""
    if value is ABSENT:
        return value
    if isinstance(value, list):
        return tuple(sorted(json.dumps(v, ensure_ascii=False, sort_keys=True) for v in value))
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if key in FREE_TEXT and isinstance(value, str):
        return " ".join(value.casefold().split())
    return value


def flatten(node: Mapping[str, Any], skip: frozenset[str]) -> dict[str, Any]:
    """`{"place.country": "KP", "population": [...], ...}`: objects one level deep become dotted keys."""
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in skip:
            continue
        if isinstance(value, dict):
            for sub, inner in value.items():
                out[f"{key}.{sub}"] = inner
        else:
            out[key] = value
    return out


def compare(flat: dict[str, dict[str, Any]], base: str, prefix: str) -> list[Dispute]:
    """Disputes among annotators' flattened values (annotator -> {key: value}), keys in the base's order."""
    keys: list[str] = []
    for values in flat.values():  # a key only some annotators set goes right after the key it follows there
        previous: str | None = None
        for k in values:
            if k not in keys:
                keys.insert(keys.index(previous) + 1 if previous is not None else 0, k)
            previous = k
    disputes = []
    for key in keys:
        values = {who: values.get(key, ABSENT) for who, values in flat.items()}
        if len({repr(canon(key.rsplit(".", 1)[-1], v)) for v in values.values()}) > 1:
            disputes.append(Dispute(f"{prefix}{key}", values, base))
    return disputes
