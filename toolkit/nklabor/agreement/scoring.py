"""Scoring one reading of documents against another over aligned events: precision, recall and F1.

The same computation serves two ends: `nklabor evaluate` scores a model's predictions against a release's
gold, and a release build scores one annotator against another on the documents two annotators labelled
(the human agreement printed beside a model's figures, as its ceiling).

Definitions (all counts are summed over the documents scored: micro averages):

- **Alignment**: per document, gold and predicted events are matched one to one with `align.align` (gold as
  the base), exactly as the event level of `nklabor agreement` aligns two annotators.
- **Event detection**: a matched pair is a true positive, an unmatched predicted event a false positive, an
  unmatched gold event a false negative.
- **A field** (a label family, the indicators, counts, places, the derived assessment): every event carries
  items: its value for a single-valued field, one item per value for a set-valued one. On a matched pair an
  item both sides carry is a true positive; otherwise a gold item is a false negative and a predicted item a
  false positive. Items of unmatched events are all false negatives (gold) or false positives (predicted), so
  a field's figures are end to end: a missed event costs its labels too. Micro P/R/F1 come from the summed
  counts; macro F1 is the mean of the per-class F1 over the classes present in gold or predictions.
- **Coercion indicators**: an item is an (indicator, status) pair, so an indicator counts only with the
  status the gold gives it; the classes are the indicators (per-indicator figures).
- **Counts**: one item per event with a primary count; a pair agrees when the predicted figure (best, else
  the midpoint of min and max, else the one bound given) lies within the gold range (min..max, best..best;
  `more_than` has no upper bound, `less_than` none below), or when neither gives a number (`vague`).
- **Evidence**: lenient span overlap per document, as agreement measures it: precision is the share of
  predicted spans (event and coercion evidence) that overlap a gold span, recall the share of gold spans
  that overlap a predicted one, F1 their harmonic mean.

P = TP / (TP + FP) and R = TP / (TP + FN) are undefined (None) when their denominator is 0; F1 = 2 TP /
(2 TP + FP + FN) is undefined only when nothing was there to score on either side.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from statistics import fmean
from typing import Any

from ..annotation import Span, span_of, spans_overlap
from ..derive import assessment
from .align import align
from .metrics import rounded

Event = Mapping[str, Any]


@dataclass
class Tally:
    """True positives, false positives and false negatives of one field or class."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Tally) -> None:
        """Add another tally's counts to this one."""
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    @property
    def precision(self) -> float | None:
        """TP / (TP + FP); None when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        """TP / (TP + FN); None when the gold has nothing."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        """2 TP / (2 TP + FP + FN); None when neither side has anything."""
        total = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / total if total else None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: counts and figures (rounded to 6 places)."""
        return {
            "precision": rounded(self.precision),
            "recall": rounded(self.recall),
            "f1": rounded(self.f1),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


@dataclass
class FieldScore:
    """One scored field: the micro tally and one tally per class."""

    name: str
    group: str
    measure: str
    micro: Tally = field(default_factory=Tally)
    classes: dict[str, Tally] = field(default_factory=dict)

    @property
    def macro_f1(self) -> float | None:
        """Mean F1 over the classes present in gold or predictions (None without classes)."""
        scores = [t.f1 for t in self.classes.values() if t.f1 is not None]
        return fmean(scores) if scores else None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "group": self.group,
            "measure": self.measure,
            **self.micro.to_dict(),
            "macro_f1": rounded(self.macro_f1),
            "classes": {name: t.to_dict() for name, t in sorted(self.classes.items())},
        }


# ----------------------------------------------------------------------------------------------------------
# What each field's items are


def _one(get: Callable[[Event], Any]) -> Callable[[Event], set[tuple[str, Hashable]]]:
    # Values compare as text: a class name read back from a release (`"2"`) equals the annotated 2.
    def items(event: Event) -> set[tuple[str, Hashable]]:
        value = get(event)
        return set() if value is None else {(str(value), str(value))}

    return items


def _many(get: Callable[[Event], Iterable[Any] | None]) -> Callable[[Event], set[tuple[str, Hashable]]]:
    return lambda event: {(str(v), str(v)) for v in get(event) or ()}


def _main_source(key: str) -> Callable[[Event], Any]:
    def get(event: Event) -> Any:
        sources = event.get("sources") or []
        return sources[0].get(key) if sources else None

    return get


def _primary(event: Event) -> Mapping[str, Any] | None:
    return next((c for c in event.get("counts") or [] if c.get("primary")), None)


def _coercion(event: Event) -> set[tuple[str, Hashable]]:
    return {(c["indicator"], (c["indicator"], c.get("status"))) for c in event.get("coercion") or []}


LABEL_FIELDS: dict[str, Callable[[Event], set[tuple[str, Hashable]]]] = {
    "mobilization_type": _one(lambda e: e.get("mobilization_type")),
    "secondary_types": _many(lambda e: e.get("secondary_types")),
    "population": _many(lambda e: e.get("population")),
    "sector": _many(lambda e: e.get("sector")),
    "status": _one(lambda e: e.get("status")),
    "phase": _one(lambda e: e.get("phase")),
    "recruitment_mode": _one(lambda e: e.get("recruitment_mode")),
    "financial_extraction": _many(lambda e: e.get("financial_extraction")),
    "outcomes": _many(lambda e: e.get("outcomes")),
    "legal_basis": _one(lambda e: e.get("legal_basis")),
    "source_attribution": _one(_main_source("attribution")),
    "source_claim_status": _one(_main_source("claim_status")),
    "source_reliability": _one(_main_source("reliability")),
    "source_credibility": _one(_main_source("credibility")),
}
"""Label families: (class, item) pairs of one event. Single-valued families give one item, set-valued ones an
item per value."""
OTHER_FIELDS: dict[str, tuple[str, str, Callable[[Event], set[tuple[str, Hashable]]]]] = {
    "coercion": ("coercion", "indicator with its status", _coercion),
    "sanctions_relevance": (
        "sanctions",
        "label",
        _one(lambda e: (e.get("sanctions") or {}).get("relevance")),
    ),
    "sanctions_provisions": (
        "sanctions",
        "label",
        _many(lambda e: (e.get("sanctions") or {}).get("provisions")),
    ),
    "sanctions_evasion": (
        "sanctions",
        "label",
        _many(lambda e: [x.get("method") for x in (e.get("sanctions") or {}).get("evasion") or []]),
    ),
    "count_qualifier": ("counts", "label", _one(lambda e: (_primary(e) or {}).get("qualifier"))),
    "place_country": ("places", "label", _one(lambda e: (e.get("place") or {}).get("country"))),
    "place_subdivisions": ("places", "label", _many(lambda e: (e.get("place") or {}).get("subdivisions"))),
}
GROUPS = ("events", "labels", "coercion", "sanctions", "counts", "places", "assessment", "evidence")
"""Report order of the fields' groups."""


def _count_range(count: Mapping[str, Any]) -> tuple[float, float] | None:
    """The gold range of a count; None when it gives no number."""
    low, high = count.get("min", count.get("best")), count.get("max", count.get("best"))
    if low is None and high is None:
        return None
    qualifier = count.get("qualifier")
    low_value = 0.0 if low is None or (qualifier == "less_than" and "min" not in count) else float(low)
    high_value = (
        math.inf if high is None or (qualifier == "more_than" and "max" not in count) else float(high)
    )
    return low_value, high_value


def _count_value(count: Mapping[str, Any]) -> float | None:
    """The single figure a count gives: best, else the midpoint of min and max, else the bound given."""
    if count.get("best") is not None:
        return float(count["best"])
    low, high = count.get("min"), count.get("max")
    if low is not None and high is not None:
        return (low + high) / 2
    bound = low if low is not None else high
    return None if bound is None else float(bound)


def counts_agree(gold: Mapping[str, Any], predicted: Mapping[str, Any]) -> bool:
    """The predicted primary count lies within the gold one's range (or neither gives a number)."""
    span, value = _count_range(gold), _count_value(predicted)
    if span is None or value is None:
        return span is None and value is None
    return span[0] <= value <= span[1]


# ----------------------------------------------------------------------------------------------------------
# Scoring


def _tally_items(
    score: FieldScore, gold: set[tuple[str, Hashable]], predicted: set[tuple[str, Hashable]]
) -> None:
    gold_items, predicted_items = {i for _, i in gold}, {i for _, i in predicted}
    for cls, item in gold:
        tally = score.classes.setdefault(cls, Tally())
        hit = item in predicted_items
        tally.tp += hit
        tally.fn += not hit
        score.micro.tp += hit
        score.micro.fn += not hit
    for cls, item in predicted:
        if item not in gold_items:
            score.classes.setdefault(cls, Tally()).fp += 1
            score.micro.fp += 1


def _tally_counts(score: FieldScore, gold: Event | None, predicted: Event | None) -> None:
    g = _primary(gold) if gold is not None else None
    p = _primary(predicted) if predicted is not None else None
    tally = score.classes.setdefault("primary", Tally())
    if g is not None and p is not None and counts_agree(g, p):
        tally.tp += 1
        score.micro.tp += 1
        return
    if g is not None:
        tally.fn += 1
        score.micro.fn += 1
    if p is not None:
        tally.fp += 1
        score.micro.fp += 1


def _evidence(events: Sequence[Event]) -> set[Span]:
    spans = {span_of(s) for e in events for s in e.get("evidence") or []}
    spans |= {span_of(s) for e in events for c in e.get("coercion") or [] for s in c.get("evidence") or []}
    return spans


@dataclass
class SpanScore:
    """Lenient evidence-span overlap over the documents scored."""

    gold: int = 0
    predicted: int = 0
    gold_found: int = 0
    predicted_found: int = 0

    @property
    def precision(self) -> float | None:
        """Share of predicted spans that overlap a gold span."""
        return self.predicted_found / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        """Share of gold spans that a predicted span overlaps."""
        return self.gold_found / self.gold if self.gold else None

    @property
    def f1(self) -> float | None:
        """Harmonic mean of precision and recall (0 when only one side cites a span)."""
        if not self.gold and not self.predicted:
            return None
        p, r = self.precision or 0.0, self.recall or 0.0
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)

    def add(self, gold: set[Span], predicted: set[Span]) -> None:
        """Count one document's spans."""
        self.gold += len(gold)
        self.predicted += len(predicted)
        self.gold_found += sum(any(spans_overlap(g, p) for p in predicted) for g in gold)
        self.predicted_found += sum(any(spans_overlap(p, g) for g in gold) for p in predicted)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "group": "evidence",
            "measure": "span overlap",
            "precision": rounded(self.precision),
            "recall": rounded(self.recall),
            "f1": rounded(self.f1),
            "gold_spans": self.gold,
            "predicted_spans": self.predicted,
        }


@dataclass
class Scores:
    """Every figure of one comparison."""

    documents: int = 0
    gold_events: int = 0
    predicted_events: int = 0
    events: Tally = field(default_factory=Tally)
    fields: dict[str, FieldScore] = field(default_factory=dict)
    evidence: SpanScore = field(default_factory=SpanScore)

    def figure(self, name: str) -> float | None:
        """The F1 of a field by name (`events`, `evidence`, or a field)."""
        if name == "events":
            return self.events.f1
        if name == "evidence":
            return self.evidence.f1
        return self.fields[name].micro.f1

    def to_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "documents": self.documents,
            "gold_events": self.gold_events,
            "predicted_events": self.predicted_events,
            "events": {"group": "events", "measure": "aligned events", **self.events.to_dict()},
            "fields": {name: f.to_dict() for name, f in self.fields.items()},
            "evidence": self.evidence.to_dict(),
        }


def _empty_fields() -> dict[str, FieldScore]:
    fields = {name: FieldScore(name, "labels", "label") for name in LABEL_FIELDS}
    for name, (group, measure, _) in OTHER_FIELDS.items():
        if name == "count_qualifier":
            fields["counts"] = FieldScore("counts", "counts", "primary count within the gold range")
        fields[name] = FieldScore(name, group, measure)
    fields["forced_labour_assessment"] = FieldScore("forced_labour_assessment", "assessment", "derived label")
    return fields


def _items(dimensions: Mapping[str, str]) -> dict[str, Callable[[Event], set[tuple[str, Hashable]]]]:
    def derived(event: Event) -> set[tuple[str, Hashable]]:
        value = assessment(dict(event), dict(dimensions)).value
        return {(value, value)}

    return {
        **LABEL_FIELDS,
        **{name: get for name, (_, _, get) in OTHER_FIELDS.items()},
        "forced_labour_assessment": derived,
    }


def _score_document(
    scores: Scores,
    gold: Sequence[Event],
    predicted: Sequence[Event],
    items: Mapping[str, Callable[[Event], set[tuple[str, Hashable]]]],
) -> None:
    matches = align(gold, predicted)
    scores.documents += 1
    scores.gold_events += len(gold)
    scores.predicted_events += len(predicted)
    scores.events.tp += len(matches)
    scores.events.fn += len(gold) - len(matches)
    scores.events.fp += len(predicted) - len(matches)
    taken = set(matches.values())
    pairs: list[tuple[Event | None, Event | None]] = [
        (g, predicted[matches[i]] if i in matches else None) for i, g in enumerate(gold)
    ]
    pairs += [(None, p) for j, p in enumerate(predicted) if j not in taken]
    for g, p in pairs:
        for name, get in items.items():
            _tally_items(
                scores.fields[name], get(g) if g is not None else set(), get(p) if p is not None else set()
            )
        _tally_counts(scores.fields["counts"], g, p)
    scores.evidence.add(_evidence(gold), _evidence(predicted))


def score(
    gold: Mapping[Any, Sequence[Event]],
    predicted: Mapping[Any, Sequence[Event]],
    dimensions: Mapping[str, str],
) -> Scores:
    """Score `predicted` against `gold` on every document of `gold` (a document without a prediction is
    scored as predicting no event). `dimensions` maps indicators to their dimension, for the derived
    assessment (`SchemaSet.dimensions`)."""
    scores = Scores(fields=_empty_fields())
    items = _items(dimensions)
    for doc in sorted(gold, key=repr):
        _score_document(scores, gold[doc], predicted.get(doc, ()), items)
    return scores


def pairwise(
    documents: Mapping[str, Mapping[str, Sequence[Event]]], dimensions: Mapping[str, str]
) -> tuple[Scores, int]:
    """Human agreement in the scorer's terms: for every document (id -> annotator -> events) and every pair
    of its annotators, the first by id scored as gold and the other as predicted, summed. F1 does not depend
    on which side is gold. Returns the scores and the number of (document, pair) comparisons."""
    gold: dict[Hashable, Sequence[Event]] = {}
    other: dict[Hashable, Sequence[Event]] = {}
    for doc, by_annotator in documents.items():
        for a, b in itertools.combinations(sorted(by_annotator), 2):
            key = (doc, len(gold))
            gold[key], other[key] = by_annotator[a], by_annotator[b]
    return score(gold, other, dimensions), len(gold)
