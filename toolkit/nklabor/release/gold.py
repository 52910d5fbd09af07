"""Gold selection: which annotation of each document a release publishes.

- an `adjudicator` annotation of a document wins;
- a document with a single annotation uses it;
- a document with several annotators and no adjudicator (or several adjudicators) is withheld until
  adjudicated."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from ..agreement.measure import document_agreement
from ..annotation import ROLE_ADJUDICATOR, ROLE_ANNOTATOR, by_document, is_draft


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


T = TypeVar("T")


@dataclass(frozen=True)
class Choice(Generic[T]):
    """The rule's decision for one document: the item published (None when withheld), how many annotators
    labelled the document, and why it is withheld."""

    gold: T | None
    annotators: int
    withheld: Withheld | None = None
    adjudicated: bool = False
    readers: tuple[T, ...] = ()
    """The annotators' own items (no adjudication, no draft), in input order."""


def choose(doc_id: str, group: list[T], role: Callable[[T], str], draft: Callable[[T], bool]) -> Choice[T]:
    """Apply the rule of the module docstring to the items of one document (annotations, or what an index
    keeps of them), in input order; `role` and `draft` read an item's role and whether it is an unsettled
    adjudication draft."""
    # An unsettled adjudication draft is not gold yet; only annotators' labels count as annotators.
    drafts = [a for a in group if draft(a)]
    group = [a for a in group if not any(a is d for d in drafts)]
    adjudicated = [a for a in group if role(a) == ROLE_ADJUDICATOR]
    readers = tuple(a for a in group if role(a) == ROLE_ANNOTATOR)
    annotators = len(readers)
    if drafts and not adjudicated:
        return Choice(None, annotators, Withheld(doc_id, annotators, "adjudication draft not yet settled"))
    if len(adjudicated) == 1:
        return Choice(adjudicated[0], annotators, adjudicated=True, readers=readers)
    if len(adjudicated) > 1:
        reason = f"{len(adjudicated)} adjudicators disagree on who decides"
        return Choice(None, annotators, Withheld(doc_id, annotators, reason))
    if len(group) == 1:
        return Choice(group[0], 1)
    return Choice(
        None, annotators, Withheld(doc_id, annotators, f"{annotators} annotators and no adjudicator")
    )


def select_gold(annotations: Iterable[dict[str, Any]]) -> Gold:
    """Pick one annotation per document (see the module docstring)."""
    documents: list[GoldDocument] = []
    withheld: list[Withheld] = []
    for doc_id, group in by_document(annotations, lambda a: a).items():
        choice = choose(doc_id, group, lambda a: a["role"], is_draft)
        if choice.withheld is not None:
            withheld.append(choice.withheld)
        elif choice.gold is not None:
            agreement = document_agreement(list(choice.readers)).get(doc_id) if choice.adjudicated else None
            documents.append(GoldDocument(choice.gold, choice.annotators, agreement))
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
