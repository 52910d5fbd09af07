"""Gold selection: which annotation of each document a release publishes.

- an `adjudicator` annotation of a document wins;
- a document with a single annotation uses it;
- a document with several annotators and no adjudicator (or several adjudicators) is withheld until
  adjudicated."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..agreement.measure import document_agreement
from ..annotation import ROLE_ANNOTATOR, by_document, is_adjudication, is_draft


@dataclass(frozen=True)
class GoldDocument:
    """The annotation published for one document and how many annotations the document has."""

    annotation: dict[str, Any]
    annotators: int
    agreement: float | None = None

    @property
    def id(self) -> str:
        """The document id."""
        return str(self.annotation["document"]["id"])


@dataclass(frozen=True)
class Withheld:
    """A document left out of the release, and why."""

    document_id: str
    annotators: int
    reason: str


@dataclass(frozen=True)
class Gold:
    """Gold documents sorted by id, and the documents withheld."""

    documents: list[GoldDocument]
    withheld: list[Withheld]


def select_gold(annotations: Iterable[dict[str, Any]]) -> Gold:
    """Pick one annotation per document (see the module docstring)."""
    documents: list[GoldDocument] = []
    withheld: list[Withheld] = []
    for doc_id, group in by_document(annotations, lambda a: a).items():
        # An unsettled adjudication draft is not gold yet; only annotators' labels count as annotators.
        drafts = [a for a in group if is_draft(a)]
        group = [a for a in group if not any(a is d for d in drafts)]
        adjudicated = [a for a in group if is_adjudication(a)]
        annotators = sum(1 for a in group if a["role"] == ROLE_ANNOTATOR)
        if drafts and not adjudicated:
            withheld.append(Withheld(doc_id, annotators, "adjudication draft not yet settled"))
        elif len(adjudicated) == 1:
            agreement = document_agreement([a for a in group if a["role"] == ROLE_ANNOTATOR]).get(doc_id)
            documents.append(GoldDocument(adjudicated[0], annotators, agreement))
        elif len(adjudicated) > 1:
            withheld.append(
                Withheld(doc_id, annotators, f"{len(adjudicated)} adjudicators disagree on who decides")
            )
        elif len(group) == 1:
            documents.append(GoldDocument(group[0], 1))
        else:
            withheld.append(Withheld(doc_id, annotators, f"{annotators} annotators and no adjudicator"))
    return Gold(documents, withheld)


def annotators_in_order(documents: Iterable[GoldDocument]) -> list[str]:
    """The raw ids of the annotators whose annotations are published, in order of first appearance over the
    gold documents (sorted by id): the order in which new annotators get their release pseudonyms."""
    return list(dict.fromkeys(str(doc.annotation["annotator"]) for doc in documents))


def readings(annotations: Iterable[dict[str, Any]], gold: Gold) -> dict[str, dict[str, dict[str, Any]]]:
    """The independent readings behind each published document that several annotators labelled: document
    id -> annotator -> annotation (annotators' own annotations only: no adjudication, no draft)."""
    wanted = {d.id for d in gold.documents if d.annotators > 1}
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for annotation in annotations:
        doc_id = str(annotation["document"]["id"])
        if doc_id in wanted and annotation["role"] == ROLE_ANNOTATOR and not is_draft(annotation):
            out.setdefault(doc_id, {})[str(annotation["annotator"])] = annotation
    return out
