"""Inter-annotator agreement over annotations of the same documents by different annotators.

Everything is measured at document level, where annotators' labels can be compared without first deciding
which of their events are "the same" event. For each annotation the document-level labels are:

- `relevant`: the annotation's flag (nominal);
- `mobilization_type`: the set of types present (primary and secondary types of every event);
- `population`, `sector`: the sets of values over all events;
- `coercion`: the set of indicators present (coded on some event with a status other than `denied`), and each
  indicator on its own as present/absent;
- `sanctions_relevance`: the strongest relevance over the events, on the ordinal scale none < contextual <
  supply_chain < possible < direct (closeness to income earned abroad after a ban; a document without events
  is `none`);
- `evidence`: every span cited as evidence (event evidence and coercion evidence).

Figures:

- Krippendorff's alpha (the maintained `krippendorff` package) per family. Set-valued families are scored as
  present/absent decisions, one unit per (document, value) for every value some annotator chose somewhere in
  the compared documents (values nobody chose are left out, so the size of a vocabulary does not inflate
  alpha). An annotator who did not annotate a document is a missing value. Alpha is `None` (undefined) when
  the compared values never vary: then there is no disagreement to correct for chance.
- Observed agreement (0..1, not chance-corrected) for each family and pair of annotators on a document:
  equality for nominal labels, MASI similarity for sets (Passonneau 2006: Jaccard x monotonicity), 1 - |rank
  difference| / 4 for the ordinal relevance, and lenient span-overlap F1 for evidence.
- Per document: the mean over annotator pairs and families of the observed agreement (`document_agreement`).
- Per pair of annotators: the mean per-document agreement over the documents both annotated.

Adjudicator annotations are not counted: they are gold, not independent judgements. Documents with one
annotator are counted and excluded."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from statistics import fmean
from typing import Any

from ..annotation import by_document, is_adjudication
from ..errors import UsageError
from ..schema import SchemaSet, load_schemas
from . import events as event_level
from .metrics import FieldAgreement, alpha, masi_distance, rounded, span_f1

RELEVANCE_ORDER: tuple[str, ...] = ("none", "contextual", "supply_chain", "possible", "direct")
"""Ordinal scale of sanctions relevance, lowest first."""

SET_FAMILIES: tuple[str, ...] = ("mobilization_type", "population", "sector", "coercion")
FAMILIES: tuple[str, ...] = ("relevant", *SET_FAMILIES, "sanctions_relevance", "evidence")
"""Label families, in report order."""

NOT_PRESENT = "denied"  # an indicator coded as denied is not present


# --------------------------------------------------------------------------------------------------------
# Document-level labels


@dataclass(frozen=True)
class DocumentLabels:
    """What one annotation says about its document as a whole."""

    relevant: bool
    mobilization_type: frozenset[str]
    population: frozenset[str]
    sector: frozenset[str]
    coercion: frozenset[str]
    sanctions_relevance: str
    evidence: frozenset[tuple[int, int]]

    def family(self, name: str) -> Any:
        return getattr(self, name)


def document_labels(annotation: Mapping[str, Any]) -> DocumentLabels:
    """The document-level labels of one valid annotation."""
    events = annotation.get("events") or []
    types: set[str] = set()
    population: set[str] = set()
    sector: set[str] = set()
    coercion: set[str] = set()
    spans: set[tuple[int, int]] = set()
    rank = 0
    for event in events:
        types.add(event["mobilization_type"])
        types.update(event.get("secondary_types", []))
        population.update(event.get("population", []))
        sector.update(event.get("sector", []))
        spans.update((s["start"], s["end"]) for s in event.get("evidence", []))
        for item in event.get("coercion", []):
            if item.get("status") != NOT_PRESENT:
                coercion.add(item["indicator"])
            spans.update((s["start"], s["end"]) for s in item.get("evidence", []))
        relevance = event.get("sanctions", {}).get("relevance", "none")
        rank = max(rank, RELEVANCE_ORDER.index(relevance) if relevance in RELEVANCE_ORDER else 0)
    return DocumentLabels(
        bool(annotation.get("relevant")),
        frozenset(types),
        frozenset(population),
        frozenset(sector),
        frozenset(coercion),
        RELEVANCE_ORDER[rank],
        frozenset(spans),
    )


# --------------------------------------------------------------------------------------------------------
# Similarity of two annotators' values


def _ordinal_similarity(a: str, b: str) -> float:
    return 1.0 - abs(RELEVANCE_ORDER.index(a) - RELEVANCE_ORDER.index(b)) / (len(RELEVANCE_ORDER) - 1)


SIMILARITY: dict[str, Callable[[Any, Any], float]] = {
    "relevant": lambda a, b: float(a == b),
    **{name: (lambda a, b: 1.0 - masi_distance(a, b)) for name in SET_FAMILIES},
    "sanctions_relevance": _ordinal_similarity,
    "evidence": span_f1,
}
"""Observed agreement of two annotators' values of one family on one document, 0..1."""

MEASURES: dict[str, str] = {
    "relevant": "nominal",
    **{name: "presence + MASI" for name in SET_FAMILIES},
    "sanctions_relevance": "ordinal",
    "evidence": "span overlap F1",
}


# --------------------------------------------------------------------------------------------------------
# Report model


@dataclass(frozen=True)
class DocumentAgreement:
    """Agreement on one document with two or more annotators: the overall figure and one per family."""

    id: str
    annotators: tuple[str, ...]
    files: tuple[str, ...]
    agreement: float
    families: dict[str, float]

    def weakest(self, k: int = 2) -> list[tuple[str, float]]:
        """The `k` families with the lowest agreement that are below 1."""
        low = sorted(
            ((v, n) for n, v in self.families.items() if v < 1.0),
            key=lambda t: (t[0], FAMILIES.index(t[1])),
        )
        return [(n, v) for v, n in low[:k]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "annotators": list(self.annotators),
            "files": list(self.files),
            "agreement": rounded(self.agreement),
            "families": {k: rounded(v) for k, v in self.families.items()},
        }


@dataclass(frozen=True)
class PairAgreement:
    """Two annotators: how many documents both annotated and their mean per-document agreement there."""

    a: str
    b: str
    documents: int
    agreement: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "documents": self.documents,
            "agreement": rounded(self.agreement),
        }


@dataclass
class AgreementReport:
    """Agreement over a set of annotations. `fields` in report order; `documents` worst first."""

    annotations: int
    total_documents: int
    single: list[str]
    adjudications: int
    annotators: list[str]
    fields: list[FieldAgreement]
    documents: list[DocumentAgreement]
    pairs: list[PairAgreement]
    min_alpha: float | None = None
    events: list[FieldAgreement] = field(default_factory=list)
    clusters: int = 0
    unaligned: list[event_level.Unaligned] = field(default_factory=list)

    @property
    def compared(self) -> int:
        """Documents with two or more annotators."""
        return len(self.documents)

    def below(self, threshold: float) -> list[FieldAgreement]:
        """Fields (document-level, then event-level as `events.<field>`) whose alpha is defined and lower
        than `threshold`."""
        low: list[FieldAgreement] = [f for f in self.fields if f.alpha is not None and f.alpha < threshold]
        low += [
            FieldAgreement(f"events.{f.field}", f.measure, f.units, f.alpha, f.observed)
            for f in self.events
            if f.alpha is not None and f.alpha < threshold
        ]
        return low

    @property
    def gate_failed(self) -> list[str]:
        """Why the `min_alpha` gate fails ([] when it passes or is not set)."""
        if self.min_alpha is None:
            return []
        if not self.documents:
            return ["no document has two or more annotators: nothing to measure"]
        return [f"{f.field} alpha {f.alpha:.3f}" for f in self.below(self.min_alpha) if f.alpha is not None]

    def to_dict(self) -> dict[str, Any]:
        """The JSON form; `nklabor agreement --format json` prints exactly this."""
        out: dict[str, Any] = {
            "annotations": self.annotations,
            "documents": {
                "total": self.total_documents,
                "compared": self.compared,
                "single_annotator": len(self.single),
                "single_annotator_ids": self.single,
            },
            "adjudications_not_counted": self.adjudications,
            "annotators": self.annotators,
            "relevance_order": list(RELEVANCE_ORDER),
            "fields": [f.to_dict() for f in self.fields],
            "pairs": [p.to_dict() for p in self.pairs],
            "per_document": [d.to_dict() for d in self.documents],
            "events": {
                "aligned_clusters": self.clusters,
                "fields": [f.to_dict() for f in self.events],
                "unaligned": [u.to_dict() for u in self.unaligned],
                "status_order": list(event_level.STATUS_ORDER),
            },
        }
        if self.min_alpha is not None:
            out["gate"] = {
                "min_alpha": self.min_alpha,
                "passed": not self.gate_failed,
                "failed": [f.field for f in self.below(self.min_alpha)],
                "reasons": self.gate_failed,
            }
        return out


# --------------------------------------------------------------------------------------------------------
# Computation


@dataclass
class _Doc:
    id: str
    labels: dict[str, DocumentLabels] = field(default_factory=dict)  # annotator -> labels
    files: dict[str, str] = field(default_factory=dict)
    events: dict[str, list[Mapping[str, Any]]] = field(default_factory=dict)  # annotator -> events


def _group(
    annotations: Iterable[Mapping[str, Any]], files: Iterable[str] | None = None
) -> tuple[dict[str, _Doc], int]:
    names = list(files) if files is not None else None
    items = [(a, names[i] if names is not None else "") for i, a in enumerate(annotations)]
    docs: dict[str, _Doc] = {}
    adjudications = 0
    for doc_id, group in by_document(items, lambda item: item[0]).items():
        doc = docs[doc_id] = _Doc(doc_id)
        for annotation, where in group:
            if is_adjudication(annotation):
                adjudications += 1
                continue
            annotator = str(annotation["annotator"])
            if annotator in doc.labels:
                raise UsageError(f"{where or doc_id}: {annotator} annotated {doc_id} twice")
            doc.labels[annotator] = document_labels(annotation)
            doc.events[annotator] = list(annotation.get("events") or [])
            doc.files[annotator] = where
    return docs, adjudications


def _document(doc: _Doc) -> DocumentAgreement | None:
    annotators = sorted(doc.labels)
    if len(annotators) < 2:
        return None
    families: dict[str, float] = {}
    for name in FAMILIES:
        scores = [
            SIMILARITY[name](doc.labels[a].family(name), doc.labels[b].family(name))
            for a, b in itertools.combinations(annotators, 2)
        ]
        families[name] = fmean(scores)
    return DocumentAgreement(
        doc.id,
        tuple(annotators),
        tuple(doc.files[a] for a in annotators),
        fmean(families.values()),
        families,
    )


def _pair_score(doc: _Doc, a: str, b: str) -> float:
    return fmean(
        SIMILARITY[name](doc.labels[a].family(name), doc.labels[b].family(name)) for name in FAMILIES
    )


def _presence_units(
    docs: list[_Doc], annotators: list[str], name: str, values: Iterable[str]
) -> list[list[Any]]:
    units = []
    for doc in docs:
        for value in values:
            units.append(
                [(value in doc.labels[a].family(name)) if a in doc.labels else None for a in annotators]
            )
    return units


def _field_rows(docs: list[_Doc], annotators: list[str]) -> list[FieldAgreement]:
    rows: list[FieldAgreement] = []

    def observed(name: str) -> float | None:
        scores = [
            SIMILARITY[name](d.labels[a].family(name), d.labels[b].family(name))
            for d in docs
            for a, b in itertools.combinations(sorted(d.labels), 2)
        ]
        return fmean(scores) if scores else None

    for name in FAMILIES:
        if name == "relevant":
            units: list[list[Any]] = [
                [d.labels[a].relevant if a in d.labels else None for a in annotators] for d in docs
            ]
            rows.append(FieldAgreement(name, MEASURES[name], len(units), alpha(units), observed(name)))
        elif name in SET_FAMILIES:
            used = sorted({v for d in docs for lab in d.labels.values() for v in lab.family(name)})
            units = _presence_units(docs, annotators, name, used)
            rows.append(FieldAgreement(name, MEASURES[name], len(units), alpha(units), observed(name)))
        elif name == "sanctions_relevance":
            units = [
                [d.labels[a].sanctions_relevance if a in d.labels else None for a in annotators] for d in docs
            ]
            rows.append(
                FieldAgreement(
                    name,
                    MEASURES[name],
                    len(units),
                    alpha(units, "ordinal", RELEVANCE_ORDER),
                    observed(name),
                )
            )
        else:  # evidence spans: no alpha, overlap F1 only
            rows.append(FieldAgreement(name, MEASURES[name], len(docs), None, observed(name)))
    indicators = sorted({v for d in docs for lab in d.labels.values() for v in lab.coercion})
    for indicator in indicators:
        units = _presence_units(docs, annotators, "coercion", [indicator])
        same = [
            float((indicator in d.labels[a].coercion) == (indicator in d.labels[b].coercion))
            for d in docs
            for a, b in itertools.combinations(sorted(d.labels), 2)
        ]
        rows.append(
            FieldAgreement(
                f"coercion.{indicator}",
                "presence",
                len(units),
                alpha(units),
                fmean(same) if same else None,
            )
        )
    return rows


def measure(
    annotations: Iterable[Mapping[str, Any]],
    files: Iterable[str] | None = None,
    min_alpha: float | None = None,
    schemas: SchemaSet | None = None,
) -> AgreementReport:
    """Agreement over valid annotations (`files`, parallel to `annotations`, names where each came from), at
    document level and over aligned events.

    Raises `UsageError` when one annotator annotated a document twice (the validator reports that first).
    """
    items = list(annotations)
    docs, adjudications = _group(items, files)
    compared = [d for d in docs.values() if len(d.labels) >= 2]
    compared.sort(key=lambda d: d.id)
    single = sorted(d.id for d in docs.values() if len(d.labels) == 1)
    annotators = sorted({a for d in compared for a in d.labels})
    fields = _field_rows(compared, annotators) if compared else []
    documents = [r for r in (_document(d) for d in compared) if r is not None]
    documents.sort(key=lambda r: (r.agreement, r.id))
    pairs = []
    for a, b in itertools.combinations(annotators, 2):
        shared = [d for d in compared if a in d.labels and b in d.labels]
        pairs.append(
            PairAgreement(a, b, len(shared), fmean(_pair_score(d, a, b) for d in shared) if shared else None)
        )
    found: list[event_level.Cluster] = []
    unaligned: list[event_level.Unaligned] = []
    for doc in compared:
        more, loose = event_level.clusters(doc.id, doc.events)
        found.extend(more)
        unaligned.extend(loose)
    event_fields = event_level.field_agreement(found, annotators, schemas or load_schemas()) if found else []
    return AgreementReport(
        annotations=len(items) - adjudications,
        total_documents=len(docs),
        single=single,
        adjudications=adjudications,
        annotators=annotators,
        fields=fields,
        documents=documents,
        pairs=pairs,
        min_alpha=min_alpha,
        events=event_fields,
        clusters=len(found),
        unaligned=unaligned,
    )


def document_agreement(annotations: list[dict[str, Any]]) -> dict[str, float | None]:
    """Document id -> one agreement figure (0..1, observed, the mean over annotator pairs and label families),
    `None` for a document with fewer than two annotators. Adjudicator annotations are not counted."""
    docs, _ = _group(annotations)
    out: dict[str, float | None] = {}
    for doc_id in sorted(docs):
        result = _document(docs[doc_id])
        out[doc_id] = None if result is None else rounded(result.agreement)
    return out
