"""Re-anchoring every quote after the article text was corrected (a dash, a typo, a paragraph moved).

The new text is either in the file already (edited by hand) or given apart. When the old text is known (the
file's, before the new one is given), offsets are carried through the alignment of the two texts
(`difflib`), so even a quote that occurs twice lands where it was. Otherwise each quote is looked up in the
new text: found once, it is placed; found several times, it stays only where it already fits; not found, a
single near match (the correction changed a quote or dash inside it) is taken and its new wording reported.
A quote that cannot be placed uniquely is reported, and nothing is written unless that is allowed.
"""

from __future__ import annotations

import copy
import difflib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..annotation import dump, normalise_text, text_sha256, utc_stamp, write_file
from ..errors import UsageError
from ..report import Issue
from ..schema import SchemaSet, load_schemas
from .authoring import text_conflicts
from .editing import findings, read_annotation, save
from .quotes import near_matches, occurrences


@dataclass(frozen=True)
class Placed:
    """One span and where it went: `moved`, `kept`, or `requoted` (its words changed with the text)."""

    path: str
    old: dict[str, Any]
    new: dict[str, Any]
    how: str


@dataclass(frozen=True)
class Unplaced:
    """A quote that could not be placed uniquely, and why (the offsets of every candidate)."""

    path: str
    span: dict[str, Any]
    why: str


@dataclass
class Reanchored:
    """What `reanchor` did (or, with `check`, would do)."""

    file: Path
    placed: list[Placed] = field(default_factory=list)
    unplaced: list[Unplaced] = field(default_factory=list)
    written: bool = False
    text_changed: bool = False
    others: list[str] = field(default_factory=list)
    """Other annotations of the document in the folder that still carry the old text."""
    remaining: list[Issue] = field(default_factory=list)

    def count(self, how: str) -> int:
        return sum(1 for p in self.placed if p.how == how)


def spans_of(annotation: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(JSON path, span) of every evidence span of an annotation, wherever the schema puts one."""

    def walk(node: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "evidence" and isinstance(value, list):
                    for i, span in enumerate(value):
                        if isinstance(span, dict) and {"start", "end", "quote"} <= span.keys():
                            yield f"{path}.evidence[{i}]", span
                else:
                    yield from walk(value, f"{path}.{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                yield from walk(value, f"{path}[{i}]")

    yield from walk(annotation.get("events"), "$.events")


class _Alignment:
    """Offsets of the old text mapped into the new one, where the two agree."""

    def __init__(self, old: str, new: str) -> None:
        matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
        self.blocks = [b for b in matcher.get_matching_blocks() if b.size]

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """The new offsets of `[start, end)` when both its first and its last character are unchanged."""
        first, last = self._point(start), self._point(end - 1)
        return (first, last + 1) if first is not None and last is not None and first <= last else None

    def _point(self, offset: int) -> int | None:
        for block in self.blocks:
            if block.a <= offset < block.a + block.size:
                return block.b + offset - block.a
        return None


def _place(span: dict[str, Any], text: str, alignment: _Alignment | None) -> tuple[dict[str, Any], str] | str:
    """(the new span, how) or why the quote cannot be placed."""
    quote, start, end = span["quote"], span["start"], span["end"]
    if alignment is not None and isinstance(start, int) and isinstance(end, int):
        mapped = alignment.span(start, end)
        if mapped is not None:
            words = text[mapped[0] : mapped[1]]
            if words == quote:
                return {**span, "start": mapped[0], "end": mapped[1]}, "moved" if mapped != (
                    start,
                    end,
                ) else "kept"
            near = [m for m in near_matches(words, quote) if (m.start, m.end) == (0, len(words))]
            if near:
                return {**span, "start": mapped[0], "end": mapped[1], "quote": words}, "requoted"
    found = occurrences(text, quote)
    if len(found) == 1:
        new = {**span, "start": found[0], "end": found[0] + len(quote)}
        return new, "kept" if found[0] == start else "moved"
    if len(found) > 1:
        if text[start:end] == quote:
            return dict(span), "kept"
        return f"occurs {len(found)} times in the new text (at {', '.join(map(str, found[:8]))})"
    near = near_matches(text, quote)
    if len(near) == 1:
        match = near[0]
        return {**span, "start": match.start, "end": match.end, "quote": match.quote}, "requoted"
    if near:
        return f"not in the new text; {len(near)} near matches (at {', '.join(str(m.start) for m in near)})"
    return "not in the new text"


def reanchor(
    path: Path,
    new_text: str | None = None,
    *,
    allow_unplaced: bool = False,
    check: bool = False,
    schemas: SchemaSet | None = None,
) -> Reanchored:
    """Re-locate every quote of the annotation at `path` in its corrected text (`new_text`, or the text the
    file holds now), then update offsets, changed quotes and the text's hash. Writes nothing when `check`,
    or when a quote cannot be placed uniquely and `allow_unplaced` is false (those spans are then listed)."""
    schemas = schemas or load_schemas()
    before = read_annotation(path)
    after = copy.deepcopy(before)
    old = after["document"]["text"]
    text = normalise_text(new_text) if new_text is not None else old
    if not text.strip():
        raise UsageError("the new text is empty")
    alignment = _Alignment(old, text) if new_text is not None and text != old else None
    result = Reanchored(path, text_changed=text != old)
    for where, span in list(spans_of(after)):
        placed = _place(span, text, alignment)
        if isinstance(placed, str):
            result.unplaced.append(Unplaced(where, dict(span), placed))
            continue
        new, how = placed
        result.placed.append(Placed(where, dict(span), new, how))
        span.clear()
        span.update(new)
    after["document"]["text"] = text
    after["document"]["text_sha256"] = text_sha256(text)
    doc_id = after["document"].get("id")
    if isinstance(doc_id, str):
        result.others = [why for _, why in text_conflicts(path.parent, doc_id, text_sha256(text), path)]
    if check or (result.unplaced and not allow_unplaced) or after == before:
        return result
    if result.unplaced:
        result.remaining = _save_anyway(path, after, schemas)
    else:
        result.remaining = save(path, before, after, schemas)
    result.written = True
    return result


def _save_anyway(path: Path, after: dict[str, Any], schemas: SchemaSet) -> list[Issue]:
    """Unplaced spans were allowed: write, and list what the file still has wrong."""
    after["annotated_at"] = utc_stamp()
    write_file(path, dump(after), overwrite=True)
    return findings(path, after, schemas)
