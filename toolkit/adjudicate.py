"""Adjudication: from several annotators' labels of a document to one gold annotation.

`plan()` sorts the documents of a set of valid annotations: documents with one annotator need nothing, documents
with an adjudication are done, and each document with two or more annotators gets an `Adjudication`.

An adjudication draft is itself a schema-valid annotation signed by the adjudicator (`role: adjudicator`):

- the annotators' events are aligned (same type, place, time, population, evidence); the first annotator by id is
  the base, and every field on which the annotators agree is filled in;
- every disagreement is a `Dispute` (the field, each annotator's value); the draft holds the base annotator's value
  until the adjudicator decides. Events only some annotators coded are disputes too: the base annotator's are kept,
  the others' are left out with a pointer to the file they are in;
- evidence spans are merged: spans of the other annotators that overlap none of the base's are added;
- `notes` (sensitive, never published) opens with `ADJUDICATION DRAFT` and lists the disputes, one per line, with
  who chose what, followed by each annotator's own notes. `is_draft()` recognises an unsettled draft.

The adjudicator edits the draft, deletes the block, and saves it as `annotations/<doc-id>.<adjudicator>.json`.
With `accept_unanimous`, a document on which the annotators agree on every field is written as a finished
adjudication at once.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import semantic, structural
from .agreement import document_agreement, masi_distance
from .authoring import ExistsError, dump, write_new
from .errors import NklaborError, UsageError
from .schemas import ROOT, SchemaSet, load_schemas
from .validate import Annotation, Validation

DRAFT_MARKER = "ADJUDICATION DRAFT"
DRAFT_END = "END OF ADJUDICATION DRAFT"
MATCH_THRESHOLD = 0.45
"""Two events are the same episode when their similarity (0..1, see `event_similarity`) reaches this."""

_SKIP_EVENT_KEYS = frozenset({"id", "group", "evidence", "coercion"})  # ids and group names are arbitrary strings
_FREE_TEXT = frozenset({"name", "campaign_name"})
_SKIP_DOCUMENT_KEYS = frozenset({"text", "text_sha256"})  # equal for every annotation of a document


class _Absent:
    def __repr__(self) -> str:
        return "(absent)"


ABSENT: Any = _Absent()
"""The value of a field an annotator did not set (or an event or indicator an annotator did not code)."""


def is_draft(annotation: Mapping[str, Any]) -> bool:
    """True for an adjudication draft whose disputes are not settled yet (its notes still hold the draft block)."""
    notes = annotation.get("notes")
    return isinstance(notes, str) and DRAFT_MARKER in notes and annotation.get("role") == "adjudicator"


# ---------------------------------------------------------------------------------------------------------------
# Disputes


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
        return {"where": self.where, "values": {k: (None if v is ABSENT else v) for k, v in self.values.items()},
                "absent": sorted(k for k, v in self.values.items() if v is ABSENT), "draft_keeps": self.kept,
                "hint": self.hint}


def _canon(key: str, value: Any) -> Any:
    """A comparable form: lists as sorted tuples (order carries no meaning), free text folded."""
    if value is ABSENT:
        return value
    if isinstance(value, list):
        return tuple(sorted(json.dumps(v, ensure_ascii=False, sort_keys=True) for v in value))
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if key in _FREE_TEXT and isinstance(value, str):
        return " ".join(value.casefold().split())
    return value


def _flatten(node: Mapping[str, Any], skip: frozenset[str]) -> dict[str, Any]:
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


def _compare(flat: dict[str, dict[str, Any]], base: str, prefix: str) -> list[Dispute]:
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
        if len({repr(_canon(key.rsplit(".", 1)[-1], v)) for v in values.values()}) > 1:
            disputes.append(Dispute(f"{prefix}{key}", values, base))
    return disputes


# ---------------------------------------------------------------------------------------------------------------
# Event alignment


def _spans(items: Iterable[Mapping[str, Any]]) -> list[tuple[int, int]]:
    return [(s["start"], s["end"]) for s in items]


def _overlap(a: Sequence[tuple[int, int]], b: Sequence[tuple[int, int]]) -> float:
    if not a or not b:
        return 0.0
    hits = sum(any(x[0] < y[1] and y[0] < x[1] for y in b) for x in a)
    hits_b = sum(any(y[0] < x[1] and x[0] < y[1] for x in a) for y in b)
    return (hits / len(a) + hits_b / len(b)) / 2


def event_similarity(a: Mapping[str, Any], b: Mapping[str, Any]) -> float:
    """How likely two events are the same episode, 0..1: weighted type (3), place (2), evidence overlap (2),
    population (1) and time-window overlap (1)."""
    types_a = {a["mobilization_type"], *a.get("secondary_types", [])}
    types_b = {b["mobilization_type"], *b.get("secondary_types", [])}
    kind = 1.0 if a["mobilization_type"] == b["mobilization_type"] else 0.5 if types_a & types_b else 0.0
    pa, pb = a.get("place", {}), b.get("place", {})
    place = 0.0
    if pa.get("country") == pb.get("country"):
        place = 0.5 + 0.5 * (pa.get("subdivision") == pb.get("subdivision"))
    population = 1.0 - masi_distance(frozenset(a.get("population", [])), frozenset(b.get("population", [])))
    ta, tb = a.get("time", {}), b.get("time", {})
    try:
        when = float(ta["start"] <= tb["end"] and tb["start"] <= ta["end"])
    except (KeyError, TypeError):
        when = 0.0
    evidence = _overlap(_spans(a.get("evidence", [])), _spans(b.get("evidence", [])))
    return (3 * kind + 2 * place + 2 * evidence + population + when) / 9


def align(base: Sequence[Mapping[str, Any]], other: Sequence[Mapping[str, Any]],
          threshold: float = MATCH_THRESHOLD) -> dict[int, int]:
    """Match events one to one, most similar pairs first: base index -> other index, for pairs whose similarity
    reaches `threshold`."""
    scored = sorted(((event_similarity(x, y), i, j) for i, x in enumerate(base) for j, y in enumerate(other)),
                    key=lambda t: (-t[0], t[1], t[2]))
    matched: dict[int, int] = {}
    used: set[int] = set()
    for score, i, j in scored:
        if score < threshold:
            break
        if i not in matched and j not in used:
            matched[i] = j
            used.add(j)
    return matched


def _summary(event: Mapping[str, Any]) -> str:
    place = event.get("place", {})
    where = place.get("subdivision") or place.get("country", "?")
    window = event.get("time", {})
    return f"{event['mobilization_type']}, {where}, {window.get('start', '?')}..{window.get('end', '?')}"


def _merge_spans(into: list[dict[str, Any]], extra: Iterable[Mapping[str, Any]]) -> None:
    """Append the spans of `extra` that overlap none already in `into`; keep `into` sorted by offset."""
    for span in extra:
        if not any(span["start"] < s["end"] and s["start"] < span["end"] for s in into):
            into.append(dict(span))
    into.sort(key=lambda s: (s["start"], s["end"]))


# ---------------------------------------------------------------------------------------------------------------
# One document


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
        return not self.disputes

    @property
    def final(self) -> bool:
        """Written as a finished adjudication (unanimous and accepted), not as a draft."""
        return not is_draft(self.annotation)

    def to_dict(self) -> dict[str, Any]:
        return {"document": self.document_id, "annotators": list(self.annotators), "sources": list(self.sources),
                "agreement": self.agreement, "draft": not self.final,
                "disputes": [d.to_dict() for d in self.disputes]}


def _stamp(now: datetime | None) -> str:
    return (now or datetime.now(UTC)).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _where(item: Annotation) -> str:
    return f"{item.file}:{item.line}" if item.file else "(in memory)"


def adjudicate_document(group: Sequence[Annotation], adjudicator: str, *, accept_unanimous: bool = False,
                        now: datetime | None = None, schemas: SchemaSet | None = None) -> Adjudication:
    """Draft the adjudication of one document from its annotators' annotations (two or more, `role: annotator`).

    The result validates against the schema and every semantic rule (it is checked before it is returned).
    """
    schemas = schemas or load_schemas()
    items = sorted(group, key=lambda a: str(a.data["annotator"]))
    if len(items) < 2:
        raise UsageError("adjudication needs two or more annotators")
    ids = [str(a.data["annotator"]) for a in items]
    if len(set(ids)) != len(ids):
        raise UsageError(f"{items[0].data['document']['id']}: an annotator appears twice")
    base, others = items[0], items[1:]
    base_id = ids[0]
    doc_id = str(base.data["document"]["id"])
    disputes: list[Dispute] = []

    documents = {i: _flatten(a.data["document"], _SKIP_DOCUMENT_KEYS) for i, a in zip(ids, items, strict=True)}
    disputes += _compare(documents, base_id, "document.")
    relevant = {i: a.data["relevant"] for i, a in zip(ids, items, strict=True)}
    if len(set(relevant.values())) > 1:
        disputes.append(Dispute("relevant", relevant, base_id))

    events = [copy.deepcopy(e) for e in base.data["events"]]
    matches = {str(o.data["annotator"]): align(base.data["events"], o.data["events"]) for o in others}
    for index, event in enumerate(events):
        label = f"events[{index}] {event['id']} "
        partners = {base_id: base.data["events"][index]}
        for other in others:
            who = str(other.data["annotator"])
            j = matches[who].get(index)
            if j is None:
                disputes.append(Dispute(f"events[{index}] {event['id']}", {base_id: _summary(event), who: ABSENT},
                                        base_id, f"{who} codes no matching event; the draft keeps it"))
            else:
                partners[who] = other.data["events"][j]
        disputes += _compare({w: _flatten(e, _SKIP_EVENT_KEYS) for w, e in partners.items()}, base_id, label)
        coded = {w: {c["indicator"]: c for c in e.get("coercion", [])} for w, e in partners.items()}
        indicators: list[str] = []
        for per in coded.values():
            indicators.extend(k for k in per if k not in indicators)
        for indicator in indicators:
            status = {w: per[indicator]["status"] if indicator in per else ABSENT for w, per in coded.items()}
            if len(set(map(repr, status.values()))) > 1:
                disputes.append(Dispute(f"{label}coercion {indicator}", status, base_id))
        for who, partner in partners.items():
            if who == base_id:
                continue
            _merge_spans(event["evidence"], partner.get("evidence", []))
            for item in event.get("coercion", []):
                theirs = coded[who].get(item["indicator"])
                if theirs is not None:
                    _merge_spans(item["evidence"], theirs["evidence"])
    for other in others:
        who = str(other.data["annotator"])
        taken = set(matches[who].values())
        for j, event in enumerate(other.data["events"]):
            if j not in taken:
                disputes.append(Dispute(f"{who} event {event['id']}", {base_id: ABSENT, who: _summary(event)},
                                        base_id, f"matches no event of {base_id}; left out: to accept it, copy it "
                                                 f"from {_where(other)} and give it a new id"))

    figure = document_agreement([a.data for a in items])[doc_id]
    sources = tuple(_where(a) for a in items)
    draft = not (accept_unanimous and not disputes)
    notes = _notes(doc_id, ids, sources, figure, disputes, items, adjudicator, draft, schemas)
    annotation: dict[str, Any] = {
        "schema_version": base.data["schema_version"],
        "document": copy.deepcopy(base.data["document"]),
        "annotator": adjudicator,
        "role": "adjudicator",
        "annotated_at": _stamp(now),
        "relevant": base.data["relevant"],
        "events": events,
        "notes": notes,
    }
    findings = structural.check(annotation, schemas) + semantic.check(annotation)
    if findings:  # a bug here, never the user's data: say so plainly
        first = findings[0]
        raise NklaborError(f"{doc_id}: the adjudication draft is invalid at {first.path}: {first.message} "
                           "(please report this)")
    return Adjudication(doc_id, tuple(ids), sources, annotation, disputes, figure)


def _notes(doc_id: str, ids: list[str], sources: tuple[str, ...], figure: float | None, disputes: list[Dispute],
           items: Sequence[Annotation], adjudicator: str, draft: bool, schemas: SchemaSet) -> str:
    limit = int(schemas.schema(ROOT)["properties"]["notes"].get("maxLength", 20000))
    who = ", ".join(f"{i} ({s})" for i, s in zip(ids, sources, strict=True))
    figure_text = "n/a" if figure is None else f"{figure:.3f}"
    if draft:
        head = [
            f"{DRAFT_MARKER}: not gold until every item below is settled.",
            f"Document {doc_id}; annotators {who}; agreement {figure_text}.",
            "Fields on which the annotators agree are filled in; evidence spans are merged. Each disputed field "
            f"holds {ids[0]}'s value for now (the first annotator by id).",
            "For each item: keep or change the value in the events, then delete the item. When none is left, delete "
            f"this block through its last line, add your reasons if you like, and save the file as "
            f"annotations/{doc_id}.{adjudicator}.json (role: adjudicator).",
            f"Disputes ({len(disputes)}):" if disputes else "Disputes: none; check the fields and sign off.",
        ]
        tail = [DRAFT_END]
    else:
        head = [f"Accepted without adjudication (nklabor adjudicate --accept-unanimous): {', '.join(ids)} agreed "
                f"on every field; evidence spans merged. Agreement {figure_text}."]
        tail = []
    lines = [d.line(n) for n, d in enumerate(disputes, 1)]
    theirs = [f"Notes of {a.data['annotator']}: {a.data['notes']}" for a in items if a.data.get("notes")]

    def render(body: list[str], own: list[str]) -> str:
        return "\n".join(head + body + own + tail)

    text = render(lines, theirs)
    if len(text) > limit:  # keep every dispute if at all possible; cut the annotators' notes first
        theirs = [f"Notes of {a.data['annotator']}: too long to copy; read them in {_where(a)}"
                  for a in items if a.data.get("notes")]
        text = render(lines, theirs)
    while len(text) > limit and lines:
        lines.pop()
        more = len(disputes) - len(lines)
        text = render([*lines, f"... {more} more: list them all with `nklabor adjudicate --format json`"], theirs)
    return text


# ---------------------------------------------------------------------------------------------------------------
# Many documents


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
        return [a for a in self.adjudications if not a.final]

    @property
    def accepted(self) -> list[Adjudication]:
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


def plan(annotations: Iterable[Annotation], adjudicator: str, *, accept_unanimous: bool = False,
         now: datetime | None = None, schemas: SchemaSet | None = None) -> Plan:
    """Sort valid annotations by document and adjudicate each document with two or more annotators and no
    adjudication yet. Unanimous documents are drafted only with `accept_unanimous` (as finished adjudications)."""
    by_doc: dict[str, list[Annotation]] = {}
    for item in annotations:
        by_doc.setdefault(str(item.data["document"]["id"]), []).append(item)
    result = Plan()
    for doc_id in sorted(by_doc):
        group = by_doc[doc_id]
        judges = [a for a in group if a.data.get("role") == "adjudicator"]
        annotators = [a for a in group if a.data.get("role") != "adjudicator"]
        if judges:
            drafts = [a for a in judges if is_draft(a.data)]
            if drafts:
                result.pending.extend((doc_id, _where(a)) for a in drafts)
            else:
                result.adjudicated.append(doc_id)
            continue
        if len(annotators) < 2:
            result.single.append(doc_id)
            continue
        adjudication = adjudicate_document(annotators, adjudicator, accept_unanimous=accept_unanimous, now=now,
                                           schemas=schemas)
        if adjudication.unanimous and not accept_unanimous:
            result.unanimous_skipped.append(doc_id)
        else:
            result.adjudications.append(adjudication)
    return result


def adjudicators(validation: Validation) -> set[str]:
    """Ids registered with the `adjudicator` role in the registries a validation run read."""
    return {who for registry in validation.index.registries.values() if registry is not None
            for who, roles in registry.roles.items() if "adjudicator" in roles}


def choose_adjudicator(validation: Validation, requested: str | None) -> str:
    """The id drafts are signed with: `requested` if it is registered as adjudicator, else the only registered
    adjudicator. Raises `UsageError` otherwise."""
    known = adjudicators(validation)
    if requested is not None:
        if known and requested not in known:
            raise UsageError(f"--adjudicator {requested}: not registered as adjudicator "
                             f"(registered: {', '.join(sorted(known)) or 'none'})")
        return requested
    if len(known) == 1:
        return next(iter(known))
    if not known:
        raise UsageError("no adjudicator is registered in annotators.json: register one or pass --adjudicator")
    raise UsageError(f"several adjudicators are registered ({', '.join(sorted(known))}): pass --adjudicator")


def _inside(path: Path, folders: Iterable[Path]) -> Path | None:
    target = path.resolve()
    for folder in folders:
        root = folder.resolve()
        if target == root or root in target.parents:
            return folder
    return None


def write(plan_: Plan, out: Path, *, inputs: Sequence[Path] = (), force: bool = False) -> list[Path]:
    """Write the adjudications of `plan_` to `out`: a folder (one `<doc-id>.<adjudicator>.json` per document), a
    `.jsonl` file (one per line) or a `.json` file (exactly one document). Refuses to replace files unless `force`,
    and refuses to put drafts inside an input folder, where they would count as adjudications before they are
    settled. Returns the files written."""
    items = plan_.adjudications
    if not items:
        return []
    as_folder = out.is_dir() or str(out).endswith(("/", os.sep)) or out.suffix == ""
    if plan_.drafts:
        folder = out if as_folder else out.parent
        clash = _inside(folder, [p for p in inputs if p.is_dir()])
        if clash is not None:
            raise UsageError(f"--out {out}: drafts inside {clash} would be read as adjudications before they are "
                             "settled; write them elsewhere (e.g. --out adjudication/) and save each settled draft "
                             "into the annotations folder")
    if as_folder:
        targets = [(out / f"{a.document_id}.{a.annotation['annotator']}.json", dump(a.annotation)) for a in items]
    elif out.suffix.lower() == ".jsonl":
        lines = "".join(json.dumps(a.annotation, ensure_ascii=False) + "\n" for a in items)
        targets = [(out, lines)]
    elif out.suffix.lower() == ".json":
        if len(items) > 1:
            raise UsageError(f"--out {out}: {len(items)} documents to write; a .json file holds one: use a .jsonl "
                             "file or a folder")
        targets = [(out, dump(items[0].annotation))]
    else:
        raise UsageError(f"--out {out}: expected a folder, a .json or a .jsonl file")
    if not force:
        existing = [str(p) for p, _ in targets if p.exists()]
        if existing:
            raise ExistsError(f"{', '.join(existing)}: already exists")
    for path, content in targets:
        write_new(path, content, overwrite=True)
    return [p for p, _ in targets]


def render_text(plan_: Plan, written: Sequence[Path]) -> str:
    """What was written and what was left alone, one line per document."""
    lines = [f"wrote {p}" for p in written]
    width = max((len(a.document_id) for a in plan_.adjudications), default=0)
    for a in plan_.adjudications:
        figure = "n/a" if a.agreement is None else f"{a.agreement:.3f}"
        kind = "accepted" if a.final else "draft"
        lines.append(f"{kind:<9} {a.document_id.ljust(width)}  {', '.join(a.annotators)}  agreement {figure}  "
                     f"{len(a.disputes)} dispute(s)")
    for doc in plan_.unanimous_skipped:
        lines.append(f"unanimous {doc}  (pass --accept-unanimous to write it as adjudicated)")
    for doc, where in plan_.pending:
        lines.append(f"pending   {doc}  draft not settled yet in {where}")
    if plan_.adjudicated:
        lines.append(f"{len(plan_.adjudicated)} document(s) already adjudicated")
    if plan_.single:
        lines.append(f"{len(plan_.single)} document(s) with one annotator: nothing to adjudicate")
    if not plan_.adjudications:
        lines.append("nothing written")
    return "\n".join(lines)
