"""The build's second pass, one run of gold documents at a time (`build_batch`, in a worker or here).

A batch reads its gold annotations again by where their bytes are (they were validated in the first pass,
so they are parsed as they are), and turns them into what the release needs of them: Arrow tables of the
rows of each config and split (the order of the rows is that of the documents, which come in id order), the
text fingerprints, the words of the texts (for the article scan), the runs of the titles (which the scan
allows), the languages, and, for a document that several annotators labelled, their agreement and their
readings (without the text) for `agreement.json`. Nothing of a batch depends on the others, so batches can
run anywhere and be gathered in order."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import jiter
import numpy as np
import pyarrow as pa

from .. import workers
from ..agreement.measure import document_agreement
from ..schema import load_schemas
from . import shingles
from .fingerprints import fingerprint, fingerprint_rows
from .flavours import Flavour
from .index import GoldRef, GoldRefs, Where
from .tables import Columns, rows

T = TypeVar("T")

DOCUMENTS = 128
"""Gold documents per batch: about 1 MB of annotations, few enough that the batches in flight (three per
worker) weigh little in the build, many enough that handing them over costs little (64 made a build with
two workers a quarter slower)."""
ROWS_DOCUMENTS = 64
"""Documents whose rows wait as Python objects before they become Arrow tables: rows as dicts take about
ten times the memory of the table they make (a batch's 256 documents held 40 MB in a worker; 64 hold 20)."""


@dataclass(frozen=True)
class Plan:
    """What every batch of one build shares: the schema, and the pseudonym of each gold annotator."""

    schema_dir: str | None
    names: dict[str, str]
    """Raw annotator id -> release pseudonym."""


@dataclass
class Batch:
    """What one batch of gold documents gives the build."""

    tables: dict[tuple[str, str], pa.Table] = field(default_factory=dict)
    fingerprints: pa.Table = field(default_factory=lambda: fingerprint_rows([]))
    vocabulary: shingles.Hashes = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))
    exempt: shingles.Hashes = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))
    languages: set[str] = field(default_factory=set)
    readings: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    splits: dict[str, str] = field(default_factory=dict)
    """The split of each document in `readings`."""
    agreement: dict[str, tuple[int, float | None]] = field(default_factory=dict)


class Reader:
    """Reads annotations back by where they are, keeping one file open at a time."""

    def __init__(self) -> None:
        self.path: Path | None = None
        self.handle: Any = None

    def read(self, where: Where) -> dict[str, Any]:
        if where.path != self.path:
            self.close()
            self.handle, self.path = where.path.open("rb"), where.path
        self.handle.seek(where.offset)
        data: dict[str, Any] = jiter.from_json(self.handle.read(where.length))
        return data

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()
        self.handle = self.path = None


def _columns(schema_dir: str | None) -> Columns:
    return Columns(load_schemas(schema_dir), Flavour.public)


def share(plan: Plan, columns: Columns) -> None:
    """Hand a build's own `columns` to the batches run here and in workers forked from here: built afresh
    for each build (its schema may have changed), and built once, not once in each worker (about 5 MB)."""
    workers.seed(("columns", plan.schema_dir), columns)


def _reading(annotation: dict[str, Any]) -> dict[str, Any]:
    """An annotator's reading as the agreement figures use it: without the text (it is the gold's)."""
    document = {k: v for k, v in annotation["document"].items() if k != "text"}
    return {**annotation, "document": document}


def build_batch(plan: Plan, piece: list[tuple[GoldRef, str]]) -> Batch:
    """The rows and the rest of one run of gold documents (in document order, each with its split)."""
    columns = workers.cached(("columns", plan.schema_dir), lambda: _columns(plan.schema_dir))
    out = Batch()
    pending: dict[tuple[str, str], list[dict[str, Any]]] = {}
    made: dict[tuple[str, str], list[pa.Table]] = {}
    texts: list[str] = []
    titles: list[str] = []
    prints: list[tuple[str, bytes]] = []
    reader = Reader()
    try:
        for n, (ref, split) in enumerate(piece):
            if n and not n % ROWS_DOCUMENTS:
                _tables(pending, made, columns)
            annotation = reader.read(ref.where)
            agreement = None
            if ref.readers:
                readings = [reader.read(w) for w in ref.readers]
                if ref.adjudicated:
                    agreement = document_agreement(readings).get(ref.doc)
                out.readings[ref.doc] = {str(a["annotator"]): _reading(a) for a in readings}
                out.splits[ref.doc] = split
                out.agreement[ref.doc] = (ref.annotators, agreement)
            document, events, spans = rows(
                annotation, ref.annotators, plan.names[ref.annotator], columns, agreement
            )
            pending.setdefault(("documents", split), []).append(document)
            pending.setdefault(("events", split), []).extend(events)
            pending.setdefault(("spans", split), []).extend(spans)
            doc = annotation["document"]
            texts.append(doc["text"])
            prints.append((ref.doc, fingerprint(doc["text"])))
            out.languages.add(doc["language"])
            if title := doc["title"].get("text"):
                titles.append(title)
    finally:
        reader.close()
    _tables(pending, made, columns)
    out.tables = {key: pa.concat_tables(tables) for key, tables in made.items()}
    out.fingerprints = fingerprint_rows(prints)
    # One text at a time: hashing holds about 40 bytes per character in temporaries.
    found = [np.unique(shingles.text_hashes(text)) for text in texts]
    out.vocabulary = np.unique(np.concatenate(found)) if found else out.vocabulary
    exempt = [shingles.run_hashes(shingles.text_hashes(t)) for t in titles]
    out.exempt = np.unique(np.concatenate(exempt)) if exempt else out.exempt
    return out


def _tables(
    pending: dict[tuple[str, str], list[dict[str, Any]]],
    made: dict[tuple[str, str], list[pa.Table]],
    columns: Columns,
) -> None:
    """Turn the rows waiting in `pending` into tables (appended to `made`), and empty it."""
    for (config, split), batch in pending.items():
        table = pa.Table.from_pylist(batch, schema=columns.schemas_by_config[config])
        made.setdefault((config, split), []).append(table)
    pending.clear()


def chunked(items: Iterable[T], size: int | None = None) -> Iterator[list[T]]:
    """`items` in lists of `size` (default `DOCUMENTS`; the last one shorter)."""
    size = size or DOCUMENTS
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


class GoldTexts(Mapping[str, str]):
    """The gold documents' texts by document id, read from the annotations when asked for (the last one
    kept: a full flavour asks for one document's text for each of its rows in turn), never all held."""

    def __init__(self, refs: GoldRefs) -> None:
        self.refs = refs
        self.last: tuple[str, str] | None = None

    def __getitem__(self, doc: str) -> str:
        if self.last is None or self.last[0] != doc:
            reader = Reader()
            try:
                self.last = (doc, str(reader.read(self.refs.where(doc))["document"]["text"]))
            finally:
                reader.close()
        return self.last[1]

    def __iter__(self) -> Iterator[str]:
        return (r.doc for r in self.refs)

    def __len__(self) -> int:
        return len(self.refs)


def text_hits(plan: Plan, wanted: shingles.Hashes, refs: list[GoldRef]) -> list[tuple[str, str]]:
    """`(document id, text)` of the documents of `refs` that have a run in `wanted` (the article scan's
    last step: only those texts travel back)."""
    from .leak import hits

    found: list[tuple[str, str]] = []
    reader = Reader()
    try:
        for ref in refs:
            text = reader.read(ref.where)["document"]["text"]
            if hits(text, wanted):
                found.append((ref.doc, text))
    finally:
        reader.close()
    return found
