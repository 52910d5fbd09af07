"""Adjudication: from several annotators' labels of a document to one gold annotation.

`plan()` sorts the documents of a set of valid annotations: documents with one annotator need nothing,
documents with an adjudication are done, and each document with two or more annotators gets an `Adjudication`.

An adjudication draft is itself a schema-valid annotation signed by the adjudicator (`role: adjudicator`):

- the annotators' events are aligned (`agreement.align`); the first annotator by id is the base, and every
  field on which the annotators agree is filled in;
- every disagreement is a `Dispute` (the field, each annotator's value); the draft holds the base annotator's
  value until the adjudicator decides. Events only some annotators coded are disputes too: the base
  annotator's are kept, the others' are left out with a pointer to the file they are in;
- evidence spans are merged: spans of the other annotators that overlap none of the base's are added;
- `notes` (sensitive, never published) opens with `ADJUDICATION DRAFT` and lists the disputes, one per line,
  with who chose what, followed by each annotator's own notes. `annotation.is_draft()` recognises an unsettled
  draft.

The adjudicator edits the draft, deletes the block, and saves it as `annotations/<doc-id>.<adjudicator>.json`.
With `accept_unanimous`, a document on which the annotators agree on every field is written as a finished
adjudication at once."""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ..agreement.align import align
from ..agreement.events import with_defaults
from ..agreement.measure import document_agreement
from ..annotation import (
    DRAFT_END,
    DRAFT_MARKER,
    ROLE_ADJUDICATOR,
    by_document,
    dump,
    file_name,
    is_adjudication,
    is_draft,
    span_of,
    spans_overlap,
    utc_stamp,
    write_file,
)
from ..errors import ExistsError, NklaborError, UsageError
from ..schema import ROOT, SchemaSet, load_schemas
from ..validation import Annotation, Validation, semantic, structural
from .disputes import ABSENT, Dispute, compare, flatten

SKIP_EVENT_KEYS = frozenset(
    {"id", "group", "evidence", "coercion"}
)  # ids and group names are arbitrary strings
SKIP_DOCUMENT_KEYS = frozenset({"text", "text_sha256"})  # equal for every annotation of a document


def _summary(event: Mapping[str, Any]) -> str:
    place = event.get("place", {})
    where = place.get("subdivision") or place.get("country", "?")
    window = event.get("time", {})
    return f"{event['mobilization_type']}, {where}, {window.get('start', '?')}..{window.get('end', '?')}"


def _merge_spans(into: list[dict[str, Any]], extra: Iterable[Mapping[str, Any]]) -> None:
    """Append the spans of `extra` that overlap none already in `into`; keep `into` sorted by offset."""
    for span in extra:
        if not any(spans_overlap(span_of(span), span_of(s)) for s in into):
            into.append(dict(span))
    into.sort(key=lambda s: (s["start"], s["end"]))


@dataclass
class Adjudication:
    """The adjudication of one document: the annotation to write, and the disputes it still holds."""

    document_id: str
    annotators: tuple[str, ...]
    sources: tuple[str, ...]
    annotation: dict[str, Any]
    disputes: list[Dispute]
    agreement: float | None

    @property
    def unanimous(self) -> bool:
        """True when the annotators agree on every field."""
        return not self.disputes

    @property
    def final(self) -> bool:
        """Written as a finished adjudication (unanimous and accepted), not as a draft."""
        return not is_draft(self.annotation)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of one document's adjudication."""
        return {
            "document": self.document_id,
            "annotators": list(self.annotators),
            "sources": list(self.sources),
            "agreement": self.agreement,
            "draft": not self.final,
            "disputes": [d.to_dict() for d in self.disputes],
        }


def _document_disputes(items: Sequence[Annotation], ids: list[str]) -> list[Dispute]:
    documents = {i: flatten(a.data["document"], SKIP_DOCUMENT_KEYS) for i, a in zip(ids, items, strict=True)}
    disputes = compare(documents, ids[0], "document.")
    relevant = {i: a.data["relevant"] for i, a in zip(ids, items, strict=True)}
    if len(set(relevant.values())) > 1:
        disputes.append(Dispute("relevant", relevant, ids[0]))
    return disputes


def _indicator_disputes(partners: dict[str, Mapping[str, Any]], base_id: str, label: str) -> list[Dispute]:
    coded = {w: {c["indicator"]: c for c in e.get("coercion", [])} for w, e in partners.items()}
    indicators: list[str] = []
    for per in coded.values():
        indicators.extend(k for k in per if k not in indicators)
    disputes = []
    for indicator in indicators:
        status = {w: per[indicator]["status"] if indicator in per else ABSENT for w, per in coded.items()}
        if len(set(map(repr, status.values()))) > 1:
            disputes.append(Dispute(f"{label}coercion {indicator}", status, base_id))
    return disputes


def _merge_partner_spans(event: dict[str, Any], partner: Mapping[str, Any]) -> None:
    _merge_spans(event["evidence"], partner.get("evidence", []))
    theirs = {c["indicator"]: c for c in partner.get("coercion", [])}
    for item in event.get("coercion", []):
        if item["indicator"] in theirs:
            _merge_spans(item["evidence"], theirs[item["indicator"]]["evidence"])


def _event_disputes(
    base: Annotation, others: Sequence[Annotation], matches: dict[str, dict[int, int]]
) -> tuple[list[dict[str, Any]], list[Dispute]]:
    """The draft's events (the base's, spans merged) and the disputes on them."""
    base_id = str(base.data["annotator"])
    events = [copy.deepcopy(e) for e in base.data["events"]]
    disputes: list[Dispute] = []
    for index, event in enumerate(events):
        label = f"events[{index}] {event['id']} "
        partners: dict[str, Mapping[str, Any]] = {base_id: base.data["events"][index]}
        for other in others:
            who = str(other.data["annotator"])
            j = matches[who].get(index)
            if j is None:
                disputes.append(
                    Dispute(
                        f"events[{index}] {event['id']}",
                        {base_id: _summary(event), who: ABSENT},
                        base_id,
                        f"{who} codes no matching event; the draft keeps it",
                    )
                )
            else:
                partners[who] = other.data["events"][j]
        # A value left out because it is the schema's default is no disagreement.
        flat = {w: flatten(with_defaults(e), SKIP_EVENT_KEYS) for w, e in partners.items()}
        disputes += compare(flat, base_id, label)
        disputes += _indicator_disputes(partners, base_id, label)
        for who, partner in partners.items():
            if who != base_id:
                _merge_partner_spans(event, partner)
    return events, disputes


def _unmatched_events(
    base_id: str, others: Sequence[Annotation], matches: dict[str, dict[int, int]]
) -> list[Dispute]:
    """Events of the other annotators that match none of the base's: left out, with a pointer to their
    file."""
    disputes = []
    for other in others:
        who = str(other.data["annotator"])
        taken = set(matches[who].values())
        for j, event in enumerate(other.data["events"]):
            if j not in taken:
                disputes.append(
                    Dispute(
                        f"{who} event {event['id']}",
                        {base_id: ABSENT, who: _summary(event)},
                        base_id,
                        f"matches no event of {base_id}; left out: to accept it, copy it "
                        f"from {other.where} and give it a new id",
                    )
                )
    return disputes


def adjudicate_document(
    group: Sequence[Annotation],
    adjudicator: str,
    *,
    accept_unanimous: bool = False,
    now: datetime | None = None,
    schemas: SchemaSet | None = None,
) -> Adjudication:
    """Draft the adjudication of one document from its annotators' annotations (two or more, `role:
    annotator`).

    The result validates against the schema and every semantic rule (it is checked before it is returned)."""
    schemas = schemas or load_schemas()
    items = sorted(group, key=lambda a: str(a.data["annotator"]))
    if len(items) < 2:
        raise UsageError("adjudication needs two or more annotators")
    ids = [str(a.data["annotator"]) for a in items]
    if len(set(ids)) != len(ids):
        raise UsageError(f"{items[0].data['document']['id']}: an annotator appears twice")
    base, others = items[0], items[1:]
    doc_id = str(base.data["document"]["id"])
    matches = {str(o.data["annotator"]): align(base.data["events"], o.data["events"]) for o in others}
    events, event_disputes = _event_disputes(base, others, matches)
    disputes = _document_disputes(items, ids) + event_disputes + _unmatched_events(ids[0], others, matches)
    figure = document_agreement([a.data for a in items])[doc_id]
    sources = tuple(a.where for a in items)
    draft = not (accept_unanimous and not disputes)
    notes = _notes(doc_id, ids, sources, figure, disputes, items, adjudicator, draft, schemas)
    annotation: dict[str, Any] = {
        "schema_version": base.data["schema_version"],
        "document": copy.deepcopy(base.data["document"]),
        "annotator": adjudicator,
        "role": ROLE_ADJUDICATOR,
        "annotated_at": utc_stamp(now),
        "relevant": base.data["relevant"],
        "events": events,
        "notes": notes,
    }
    findings = structural.check(annotation, schemas) + semantic.check(annotation)
    if findings:  # a bug here, never the user's data: say so plainly
        first = findings[0]
        raise NklaborError(
            f"{doc_id}: the adjudication draft is invalid at {first.path}: {first.message} "
            "(please report this)"
        )
    return Adjudication(doc_id, tuple(ids), sources, annotation, disputes, figure)


def _notes(
    doc_id: str,
    ids: list[str],
    sources: tuple[str, ...],
    figure: float | None,
    disputes: list[Dispute],
    items: Sequence[Annotation],
    adjudicator: str,
    draft: bool,
    schemas: SchemaSet,
) -> str:
    limit = int(schemas.schema(ROOT)["properties"]["notes"].get("maxLength", 20000))
    who = ", ".join(f"{i} ({s})" for i, s in zip(ids, sources, strict=True))
    figure_text = "n/a" if figure is None else f"{figure:.3f}"
    if draft:
        head = [
            f"{DRAFT_MARKER}: not gold until every item below is settled.",
            f"Document {doc_id}; annotators {who}; agreement {figure_text}.",
            "Fields on which the annotators agree are filled in; evidence spans are merged. Each disputed "
            "field "
            f"holds {ids[0]}'s value for now (the first annotator by id).",
            "For each item: keep or change the value in the events, then delete the item. When none is "
            "left, delete "
            f"this block through its last line, add your reasons if you like, and save the file as "
            f"annotations/{file_name(doc_id, adjudicator)} (role: adjudicator).",
            f"Disputes ({len(disputes)}):" if disputes else "Disputes: none; check the fields and sign off.",
        ]
        tail = [DRAFT_END]
    else:
        head = [
            f"Accepted without adjudication (nklabor adjudicate --accept-unanimous): {', '.join(ids)} agreed "
            f"on every field; evidence spans merged. Agreement {figure_text}."
        ]
        tail = []
    lines = [d.line(n) for n, d in enumerate(disputes, 1)]
    theirs = [f"Notes of {a.data['annotator']}: {a.data['notes']}" for a in items if a.data.get("notes")]

    def render(body: list[str], own: list[str]) -> str:
        return "\n".join(head + body + own + tail)

    text = render(lines, theirs)
    if len(text) > limit:  # keep every dispute if at all possible; cut the annotators' notes first
        theirs = [
            f"Notes of {a.data['annotator']}: too long to copy; read them in {a.where}"
            for a in items
            if a.data.get("notes")
        ]
        text = render(lines, theirs)
    while len(text) > limit and lines:
        lines.pop()
        more = len(disputes) - len(lines)
        text = render(
            [*lines, f"... {more} more: list them all with `nklabor adjudicate --format json`"],
            theirs,
        )
    return text


@dataclass
class Plan:
    """What `nklabor adjudicate` does with each document."""

    adjudications: list[Adjudication] = field(default_factory=list)
    unanimous_skipped: list[str] = field(default_factory=list)
    single: list[str] = field(default_factory=list)
    adjudicated: list[str] = field(default_factory=list)
    pending: list[tuple[str, str]] = field(default_factory=list)

    @property
    def drafts(self) -> list[Adjudication]:
        """Adjudications written as drafts."""
        return [a for a in self.adjudications if not a.final]

    @property
    def accepted(self) -> list[Adjudication]:
        """Adjudications written as finished (unanimous and accepted)."""
        return [a for a in self.adjudications if a.final]

    def to_dict(self) -> dict[str, Any]:
        """The JSON form; `nklabor adjudicate --format json` prints this (with `written`)."""
        return {
            "drafts": [a.to_dict() for a in self.drafts],
            "accepted": [a.to_dict() for a in self.accepted],
            "unanimous_not_accepted": self.unanimous_skipped,
            "single_annotator": self.single,
            "already_adjudicated": self.adjudicated,
            "pending_drafts": [{"document": d, "file": f} for d, f in self.pending],
        }


def plan(
    annotations: Iterable[Annotation],
    adjudicator: str,
    *,
    accept_unanimous: bool = False,
    now: datetime | None = None,
    schemas: SchemaSet | None = None,
) -> Plan:
    """Sort valid annotations by document and adjudicate each document with two or more annotators and no
    adjudication yet. Unanimous documents are drafted only with `accept_unanimous` (as finished
    adjudications)."""
    result = Plan()
    for doc_id, group in by_document(annotations, lambda a: a.data).items():
        judges = [a for a in group if is_adjudication(a.data)]
        annotators = [a for a in group if not is_adjudication(a.data)]
        if judges:
            drafts = [a for a in judges if is_draft(a.data)]
            if drafts:
                result.pending.extend((doc_id, a.where) for a in drafts)
            else:
                result.adjudicated.append(doc_id)
            continue
        if len(annotators) < 2:
            result.single.append(doc_id)
            continue
        adjudication = adjudicate_document(
            annotators, adjudicator, accept_unanimous=accept_unanimous, now=now, schemas=schemas
        )
        if adjudication.unanimous and not accept_unanimous:
            result.unanimous_skipped.append(doc_id)
        else:
            result.adjudications.append(adjudication)
    return result


class AdjudicatorError(UsageError):
    """No adjudicator can be chosen: the one asked for is not registered as such, or none or several are."""


def choose_adjudicator(validation: Validation, requested: str | None) -> str:
    """The id drafts are signed with: `requested` if it is registered as adjudicator, else the only registered
    adjudicator. Raises `AdjudicatorError` otherwise."""
    known = validation.registered(ROLE_ADJUDICATOR)
    if requested is not None:
        if known and requested not in known:
            raise AdjudicatorError(
                f"{requested}: not registered as adjudicator "
                f"(registered: {', '.join(sorted(known)) or 'none'})"
            )
        return requested
    if len(known) == 1:
        return next(iter(known))
    if not known:
        raise AdjudicatorError("no adjudicator is registered in annotators.json")
    raise AdjudicatorError(f"several adjudicators are registered ({', '.join(sorted(known))}): choose one")


def _inside(path: Path, folders: Iterable[Path]) -> Path | None:
    target = path.resolve()
    for folder in folders:
        root = folder.resolve()
        if target == root or root in target.parents:
            return folder
    return None


class OutputError(UsageError):
    """Where the adjudications were to be written cannot take them."""


def write(adjudications: Plan, out: Path, *, inputs: Sequence[Path] = (), force: bool = False) -> list[Path]:
    """Write the adjudications of a plan to `out`: a folder (one `<doc-id>.<adjudicator>.json` per document),
    a `.jsonl` file (one per line) or a `.json` file (exactly one document). Refuses to replace files unless
    `force` (`ExistsError`), and refuses to put drafts inside an input folder, where they would count as
    adjudications before they are settled (`OutputError`). Returns the files written."""
    items = adjudications.adjudications
    if not items:
        return []
    as_folder = out.is_dir() or str(out).endswith(("/", os.sep)) or out.suffix == ""
    if adjudications.drafts:
        folder = out if as_folder else out.parent
        clash = _inside(folder, [p for p in inputs if p.is_dir()])
        if clash is not None:
            raise OutputError(
                f"{out}: drafts inside {clash} would be read as adjudications before they are "
                "settled; write them elsewhere (e.g. adjudication/) and save each settled draft "
                "into the annotations folder"
            )
    if as_folder:
        targets = [
            (out / file_name(a.document_id, a.annotation["annotator"]), dump(a.annotation)) for a in items
        ]
    elif out.suffix.lower() == ".jsonl":
        lines = "".join(json.dumps(a.annotation, ensure_ascii=False) + "\n" for a in items)
        targets = [(out, lines)]
    elif out.suffix.lower() == ".json":
        if len(items) > 1:
            raise OutputError(
                f"{out}: {len(items)} documents to write; a .json file holds one: use a .jsonl "
                "file or a folder"
            )
        targets = [(out, dump(items[0].annotation))]
    else:
        raise OutputError(f"{out}: expected a folder, a .json or a .jsonl file")
    if not force:
        existing = [str(p) for p, _ in targets if p.exists()]
        if existing:
            raise ExistsError(f"{', '.join(existing)}: already exists")
    for path, content in targets:
        write_file(path, content, overwrite=True)
    return [p for p, _ in targets]
