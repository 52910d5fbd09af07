"""Agreement measures: Krippendorff's alpha (through the maintained `krippendorff` package), MASI distance
between label sets, and lenient span-overlap F1."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import krippendorff
import numpy as np

from ..annotation import spans_overlap


def rounded(value: float | None) -> float | None:
    """A figure as the JSON reports give it: six decimals (`None` stays `None`)."""
    return None if value is None else round(value, 6)


@dataclass(frozen=True)
class FieldAgreement:
    """Agreement on one field (a label family, a coercion indicator, or a field of the aligned events)."""

    field: str
    measure: str
    units: int
    alpha: float | None
    observed: float | None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "field": self.field,
            "measure": self.measure,
            "units": self.units,
            "alpha": rounded(self.alpha),
            "observed": rounded(self.observed),
        }


def alpha(
    units: Sequence[Sequence[Any]],
    level: Literal["nominal", "ordinal", "interval"] = "nominal",
    domain: Sequence[Any] | None = None,
) -> float | None:
    """Krippendorff's alpha of `units`: one row per unit, one value per annotator, `None` for a missing value.

    `level` is `nominal`, `ordinal` or `interval`; an ordinal level needs `domain`, the values lowest first;
    interval values are numbers (distances are their differences). Units with fewer than two values are
    unpairable and ignored. Returns `None` when alpha is undefined: no pairable unit, or every pairable value
    the same (no variation, so expected disagreement is 0)."""
    pairable = [[v for v in unit if v is not None] for unit in units]
    pairable = [values for values in pairable if len(values) >= 2]
    observed = {v for values in pairable for v in values}
    if len(observed) < 2:
        return None
    if level == "interval":
        domain = sorted(observed)
    elif domain is None:
        if level != "nominal":
            raise ValueError("an ordinal alpha needs the ordered domain")
        domain = sorted(observed, key=repr)
    index = {v: i for i, v in enumerate(domain)}
    unknown = observed - index.keys()
    if unknown:
        raise ValueError(f"values outside the domain: {sorted(map(repr, unknown))}")
    counts = np.zeros((len(pairable), len(domain)))
    for row, values in enumerate(pairable):
        for v in values:
            counts[row, index[v]] += 1
    # Interval distances are between the values themselves; nominal and ordinal ones between ranks.
    values = [float(v) for v in domain] if level == "interval" else list(range(len(domain)))
    return float(krippendorff.alpha(value_counts=counts, value_domain=values, level_of_measurement=level))


def masi_distance(a: frozenset[Any] | set[Any], b: frozenset[Any] | set[Any]) -> float:
    """MASI distance (Passonneau 2006): 1 - Jaccard x M, M = 1 for equal sets, 2/3 when one contains the
    other,
    1/3 when they overlap otherwise, 0 when disjoint. Two empty sets are equal (distance 0)."""
    if a == b:
        return 0.0
    union = len(a | b)
    shared = len(a & b)
    if a <= b or b <= a:
        monotonicity = 2 / 3
    elif shared:
        monotonicity = 1 / 3
    else:
        monotonicity = 0.0
    return 1.0 - (shared / union) * monotonicity


def span_f1(a: Iterable[tuple[int, int]], b: Iterable[tuple[int, int]]) -> float:
    """Lenient span agreement: a span counts as found when it overlaps a span of the other side by at least
    one
    code point. F1 of precision (spans of `b` found in `a`) and recall (spans of `a` found in `b`); 1.0 when
    neither side cites a span, 0.0 when only one does."""
    left, right = sorted(set(a)), sorted(set(b))
    if not left and not right:
        return 1.0
    if not left or not right:
        return 0.0

    def found(span: tuple[int, int], other: list[tuple[int, int]]) -> bool:
        return any(spans_overlap(span, o) for o in other)

    recall = sum(found(s, right) for s in left) / len(left)
    precision = sum(found(s, left) for s in right) / len(right)
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)
