"""The build's first pass: what the release must know of every input annotation, without holding any.

Validation reads every annotation; in the process that read it, `Summariser` keeps of a valid one only what
the build needs (`Summary`: document, annotator, role, story group, date, and its leak needles). The build
gathers those into an `Index` (one compact row per annotation, in a temporary SQLite file past `SPILL_ROWS`,
as the validator's own index does) and, at the end, picks the gold of each document from it (`gold.choose`),
in document order. The second pass reads only the gold annotations again, by where their bytes are."""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import pyarrow as pa

from .. import workers
from ..annotation import is_draft
from ..schema import load_schemas
from ..spill import Spill
from ..validation.run import Annotation
from . import leak
from .gold import Withheld, choose

SPILL_ROWS = 5_000
"""Rows kept in memory before the index moves them to a temporary SQLite file. Few: rows kept for a whole
pass, each among the short-lived objects of its record's parse, pin the interpreter's small-object arenas
long after they are spilled (50,000 left about 20 MB of them behind in a build of 100,000 annotations)."""
REF_PART = 10_000
"""Gold documents per part of `GoldRefs`."""


class Summary(NamedTuple):
    """What the build keeps of one valid annotation."""

    doc: str
    annotator: str
    role: str
    draft: bool
    story_group: str | None
    annotated_at: str
    withholds: bool
    """Whether it holds a value the schema withholds (`notes`)."""
    needles: leak.Needles


@dataclass(frozen=True)
class Summariser:
    """`Summary` of a valid annotation, made where it was read (a value, so that a worker can be handed it
    and keep its schema once per process)."""

    schema_dir: str | None

    def __call__(self, data: dict[str, Any]) -> Summary:
        sensitive = workers.cached(("sensitive", self.schema_dir), lambda: _sensitive(self.schema_dir))
        needles = leak.Needles()
        needles.add(data, sensitive)
        withholds = any(
            next(leak.values_at(data, p), None) is not None
            for p, mode in sensitive.items()
            if mode == "withhold"
        )
        document = data["document"]
        return Summary(
            str(document["id"]),
            str(data["annotator"]),
            str(data["role"]),
            is_draft(data),
            document.get("story_group"),
            str(data["annotated_at"]),
            withholds,
            needles,
        )


def _sensitive(schema_dir: str | None) -> dict[str, str]:
    return load_schemas(schema_dir).sensitive_fields


class Where(NamedTuple):
    """Where an annotation's bytes are."""

    path: Path
    offset: int
    length: int


class Member(NamedTuple):
    """One annotation of a document, as the index keeps it (`seq`: input order)."""

    doc: str
    seq: int
    annotator: str
    role: str
    draft: bool
    story_group: str | None
    file: int
    offset: int
    length: int


class GoldRef(NamedTuple):
    """A gold document as the second pass needs it: where its annotation is, who signed it, how many
    annotators labelled it, and where their own readings are (when there are two or more, for the
    agreement figures)."""

    doc: str
    where: Where
    annotator: str
    story_group: str | None
    annotators: int
    adjudicated: bool
    readers: tuple[Where, ...]


_PLACE = pa.struct([("file", pa.int32()), ("offset", pa.int64()), ("length", pa.int64())])
_REFS = pa.schema(
    [
        ("doc", pa.string()),
        ("where", _PLACE),
        ("annotator", pa.string()),
        ("story_group", pa.string()),
        ("annotators", pa.int32()),
        ("adjudicated", pa.bool_()),
        ("readers", pa.list_(_PLACE)),
    ]
)


class GoldRefs:
    """The gold documents' `GoldRef`s (and, once assigned, their splits), in document order, held as Arrow
    columns in parts of `REF_PART`: about 100 bytes a document, where a `GoldRef` of Python objects took
    about 400 (40 MB at 100,000 documents, held through the whole build). A part's refs become Python
    objects only while they are iterated."""

    def __init__(self, files: list[Path]) -> None:
        self.files = files
        self._numbers = {path: i for i, path in enumerate(files)}
        self._parts: list[pa.Table] = []
        self._pending: list[GoldRef] = []
        self._splits: list[pa.Array] = []
        self._firsts: list[str] = []
        self._count = 0
        self._looked: tuple[int, dict[str, Where]] = (-1, {})

    def append(self, ref: GoldRef) -> None:
        """Add the next gold document (in document order)."""
        self._pending.append(ref)
        self._count += 1
        if len(self._pending) >= REF_PART:
            self.flush()

    def flush(self) -> None:
        """Turn the refs appended since the last part into a part (iterating does it too)."""
        if not self._pending:
            return
        place = self._place
        rows = self._pending
        columns = [
            [r.doc for r in rows],
            [place(r.where) for r in rows],
            [r.annotator for r in rows],
            [r.story_group for r in rows],
            [r.annotators for r in rows],
            [r.adjudicated for r in rows],
            [[place(w) for w in r.readers] for r in rows],
        ]
        self._parts.append(
            pa.table([pa.array(c, t) for c, t in zip(columns, _REFS.types, strict=True)], _REFS)
        )
        self._firsts.append(rows[0].doc)
        self._pending = []

    def _place(self, where: Where) -> dict[str, Any]:
        return {"file": self._numbers[where.path], "offset": where.offset, "length": where.length}

    def _where(self, place: dict[str, Any]) -> Where:
        return Where(self.files[place["file"]], place["offset"], place["length"])

    def __len__(self) -> int:
        return self._count

    def _part(self, i: int) -> Iterator[GoldRef]:
        columns = [self._parts[i].column(name).to_pylist() for name in _REFS.names]
        for doc, where, annotator, group, annotators, adjudicated, readers in zip(*columns, strict=True):
            yield GoldRef(
                doc,
                self._where(where),
                annotator,
                group,
                annotators,
                adjudicated,
                tuple(self._where(w) for w in readers),
            )

    def __iter__(self) -> Iterator[GoldRef]:
        self.flush()
        for i in range(len(self._parts)):
            yield from self._part(i)

    def assign(self, split_of: Mapping[str, str]) -> None:
        """Record each document's split (`split_of` then need not be kept)."""
        self.flush()
        self._splits = [
            pa.array([split_of[d] for d in part.column("doc").to_pylist()], pa.string()).dictionary_encode()
            for part in self._parts
        ]

    def with_splits(self) -> Iterator[tuple[GoldRef, str]]:
        """`(ref, split)` of every gold document, in document order (`assign` first)."""
        self.flush()
        assert len(self._splits) == len(self._parts), "splits are assigned first"
        for i, refs in enumerate(map(self._part, range(len(self._parts)))):
            yield from zip(refs, self._splits[i].to_pylist(), strict=True)

    def where(self, doc: str) -> Where:
        """Where the gold annotation of `doc` is (`KeyError` if it has none). The part looked in last is kept
        as a dict: a full flavour asks for each document in turn."""
        self.flush()
        at = bisect.bisect_right(self._firsts, doc) - 1
        if at < 0:
            raise KeyError(doc)
        if self._looked[0] != at:
            self._looked = (at, {r.doc: r.where for r in self._part(at)})
        return self._looked[1][doc]


_COLUMNS = (
    "doc TEXT",
    "seq INTEGER",
    "annotator TEXT",
    "role TEXT",
    "draft INTEGER",
    "story_group TEXT",
    "file INTEGER",
    "offset INTEGER",
    "length INTEGER",
)


def _member(stored: tuple[Any, ...]) -> Member:
    return Member(stored[0], stored[1], stored[2], stored[3], bool(stored[4]), *stored[5:])


class Index:
    """The members of every document, in memory and then in a temporary SQLite file (`SPILL_ROWS`)."""

    def __init__(self) -> None:
        self.files: list[Path] = []
        self._numbers: dict[Path, int] = {}
        self._rows: Spill[Member] = Spill("nklabor-build-", _COLUMNS, _member)
        self._seq = 0

    def add(self, annotation: Annotation) -> Summary:
        """Note one valid annotation (its `data` a `Summary`); returns the summary."""
        summary: Summary = annotation.data
        assert annotation.path is not None, "the build reads annotations from files"
        number = self._numbers.get(annotation.path)
        if number is None:
            number = self._numbers[annotation.path] = len(self.files)
            self.files.append(annotation.path)
        self._seq += 1
        self._rows.add(
            Member(
                summary.doc,
                self._seq,
                summary.annotator,
                summary.role,
                summary.draft,
                summary.story_group,
                number,
                annotation.offset,
                annotation.length,
            ),
            SPILL_ROWS,
        )
        return summary

    def gold(self, withheld: list[Withheld]) -> GoldRefs:
        """The gold document of every document that has one, in document order (`GoldRefs`); the others
        are appended to `withheld`."""
        refs = GoldRefs(self.files)
        for doc, group in itertools.groupby(self._rows.ordered(), key=lambda m: m.doc):
            members = list(group)
            choice = choose(doc, members, lambda m: m.role, lambda m: m.draft)
            if choice.withheld is not None:
                withheld.append(choice.withheld)
                continue
            gold = choice.gold
            assert gold is not None
            readers = tuple(self._where(m) for m in choice.readers) if choice.annotators > 1 else ()
            refs.append(
                GoldRef(
                    doc,
                    self._where(gold),
                    gold.annotator,
                    gold.story_group,
                    choice.annotators,
                    choice.adjudicated,
                    readers,
                )
            )
        refs.flush()
        return refs

    def _where(self, member: Member) -> Where:
        return Where(self.files[member.file], member.offset, member.length)

    def close(self) -> None:
        """Forget the rows and remove the temporary file, if any."""
        self._rows.close()
