"""Rehydration: the full flavour of a release from its public flavour and the article texts.

`hydrate` is the one way a full flavour is made: the build calls it with the gold annotations' texts, and
`rehydrate` with a user's own copies, so both give the same bytes. A copy must have the SHA-256 the release
records once normalised as `nklabor new` normalises an article (`\\n` line endings, NFC, no BOM); a document
whose copy is missing or differs is reported (hash, length, the first 64-character block that differs) and
left out, never guessed.

    from nklabor.release.rehydrate import rehydrate
    result = rehydrate("releases/v2.0.0", texts="my-texts/", out="releases/full")
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from filelock import FileLock, Timeout

from ..annotation import normalise_text, text_sha256
from ..errors import InvalidInputError, UsageError
from ..report import Issue, Report
from . import fingerprints, layout, publish
from .card import CardInput
from .describing import describe
from .errors import ReleaseConflictError
from .flavours import LEGACY, QUOTE_FIELD, TEXT_COLUMN, Flavour, flavour_of
from .tables import Columns, TableWriter, iter_tables
from .verify import verify_release
from .versions import parse_version

SHARED = (layout.LABELS, layout.AGREEMENT, layout.BUILD, layout.FINGERPRINTS, layout.CODEBOOK)
"""Files a full flavour takes unchanged from its public flavour (besides the schema snapshot)."""


def read_card_input(release: Path) -> CardInput:
    """The card input a release keeps in `build.json`; `UsageError` when it is missing or unreadable."""
    path = release / layout.BUILD
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return CardInput.from_dict(data["card"])
    except FileNotFoundError:
        raise UsageError(f"{path}: missing: the release predates flavours and cannot be rehydrated") from None
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise UsageError(f"{path}: unreadable: {exc}") from None


def build_record(card_input: CardInput) -> str:
    """The text of `build.json`."""
    return json.dumps({"card": card_input.to_dict()}, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _fill(value: Any, text: str, problems: list[str]) -> None:
    """Put each span's quote back (`text[start:end]`), checking it against its `quote_sha256`."""
    if isinstance(value, dict):
        if "quote_sha256" in value and "start" in value and "end" in value:
            quote = text[value["start"] : value["end"]]
            if text_sha256(quote) != value["quote_sha256"]:
                problems.append(f"span {value['start']}-{value['end']}")
            value[QUOTE_FIELD] = quote
        for item in value.values():
            if isinstance(item, list | dict):
                _fill(item, text, problems)
    elif isinstance(value, list):
        for item in value:
            _fill(item, text, problems)


def _rows(public: Path, config: str) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    for split, path in layout.data_files(public, config):
        for table in iter_tables(path):
            yield split, table.to_pylist()


def hydrate(public: Path, texts: Mapping[str, str], staging: Path, left_out: list[tuple[str, str]]) -> None:
    """Write the full flavour of the public release `public` into `staging`: its rows with `texts` (document
    id -> verified text) put back, the documents of `left_out` (id, why) left out. `InvalidInputError` if a
    span's quote does not match its hash (a damaged release)."""
    from ..schema import load_schemas

    shutil.copytree(public / layout.SCHEMA, staging / layout.SCHEMA)
    for name in SHARED:
        shutil.copyfile(public / name, staging / name)
    columns = Columns(load_schemas(staging / layout.SCHEMA), Flavour.full)
    writer = TableWriter(staging, columns)
    problems: list[str] = []
    skipped = {doc for doc, _why in left_out}
    for config, key in (("documents", "id"), ("events", "document_id"), ("spans", "document_id")):
        for split, rows in _rows(public, config):
            kept = []
            for row in rows:
                if row[key] in skipped:
                    continue
                text = texts[row[key]]
                if config == "documents":
                    row[TEXT_COLUMN] = text
                _fill(row, text, problems)
                kept.append(row)
            writer.add(config, split, kept)
    writer.close()
    if problems:
        raise InvalidInputError(
            f"{public}: {len(problems)} quote(s) do not match their quote_sha256 ({problems[0]}, ...): "
            "the release is damaged",
            Report(),
        )
    describe(staging, read_card_input(public), Flavour.full, left_out)


# ----------------------------------------------------------------------------------------------------------
# The user's texts


@dataclass(frozen=True)
class Expected:
    """What a document's text must be, as the public flavour records it."""

    sha256: str
    length: int
    blocks: bytes


def expected_texts(public: Path) -> dict[str, Expected]:
    """Document id -> its recorded hash, length and fingerprints, in release order."""
    blocks = dict(fingerprints.read(public / layout.FINGERPRINTS))
    out: dict[str, Expected] = {}
    for _split, path in layout.data_files(public, "documents"):
        table = pq.read_table(path, columns=["id", "text_sha256", "text_length"])
        for row in table.to_pylist():
            found = blocks.get(row["id"])
            out[row["id"]] = Expected(
                row["text_sha256"], row["text_length"], found["fingerprints"] if found else b""
            )
    return out


@dataclass
class Candidate:
    """One copy of a document's text found in the user's folder."""

    source: str
    path: str
    """The JSON path of the text inside its file (`$` for a plain text file)."""
    text: str | None
    problem: str | None = None


def _decode(raw: bytes) -> str | None:
    try:
        return normalise_text(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return None


def _from_text_files(folder: Path, wanted: Mapping[str, Expected]) -> dict[str, list[Candidate]]:
    found: dict[str, list[Candidate]] = {}
    for doc in wanted:
        path = folder / f"{doc}.txt"
        if not path.is_file():
            continue
        try:
            raw = path.read_bytes()
        except OSError as exc:
            found.setdefault(doc, []).append(Candidate(str(path), "$", None, f"cannot read: {exc.strerror}"))
            continue
        text = _decode(raw)
        problem = None if text is not None else "not UTF-8"
        found.setdefault(doc, []).append(Candidate(str(path), "$", text, problem))
    return found


def _records(path: Path) -> Iterator[Any]:
    raw = path.read_text(encoding="utf-8-sig")
    if path.suffix == ".jsonl":
        for line in raw.splitlines():
            if line.strip():
                yield json.loads(line)
    else:
        yield json.loads(raw)


def _from_annotations(folder: Path, wanted: Mapping[str, Expected]) -> dict[str, list[Candidate]]:
    """Texts of annotation files (any annotator's) under `folder`; files that are not annotations are
    skipped."""
    found: dict[str, list[Candidate]] = {}
    for path in sorted([*folder.rglob("*.json"), *folder.rglob("*.jsonl")]):
        if not path.is_file() or path.name == "annotators.json":
            continue
        try:
            records = list(_records(path))
        except (OSError, UnicodeDecodeError, ValueError):
            continue
        for record in records:
            document = record.get("document") if isinstance(record, dict) else None
            if not isinstance(document, dict) or document.get("id") not in wanted:
                continue
            text = document.get("text")
            if isinstance(text, str):
                candidate = Candidate(str(path), "$.document.text", normalise_text(text))
                found.setdefault(document["id"], []).append(candidate)
    return found


@dataclass
class Texts:
    """What a folder of texts gave: each verified text, and every document left out with its finding."""

    texts: dict[str, str]
    report: Report
    left_out: list[tuple[str, str]]
    """(document id, why), in release order."""


REASONS = {
    "rehydrate.text-missing": "no copy of its text was given",
    "rehydrate.text-unreadable": "its copy could not be read",
    "rehydrate.text-differs": "the copy given differs from the annotated text",
}
"""What the card says of a document left out, by the code of its finding."""


def read_texts(folder: Path, wanted: Mapping[str, Expected]) -> Texts:
    """The verified text of each wanted document found in `folder` (`<document id>.txt` files, or annotation
    files), with a finding for every document left out."""
    if not folder.is_dir():
        raise UsageError(f"{folder}: not a folder")
    candidates = _from_text_files(folder, wanted)
    for doc, more in _from_annotations(folder, wanted).items():
        candidates.setdefault(doc, []).extend(more)
    result = Texts({}, Report(files=sum(len(c) for c in candidates.values()), records=len(wanted)), [])
    for doc, expected in wanted.items():
        found = candidates.get(doc, [])
        match = next(
            (c.text for c in found if c.text is not None and text_sha256(c.text) == expected.sha256), None
        )
        if match is not None:
            result.texts[doc] = match
            continue
        issue = _left_out(folder, doc, expected, found)
        result.report.issues.append(issue)
        result.left_out.append((doc, REASONS[issue.code]))
    result.report.sort()
    return result


def _left_out(folder: Path, doc: str, expected: Expected, found: list[Candidate]) -> Issue:
    if not found:
        return Issue(
            str(folder / f"{doc}.txt"),
            None,
            None,
            "$",
            "rehydrate.text-missing",
            f"{doc!r}: no {doc}.txt and no annotation of it in {folder}: left out",
            "warning",
        )
    first = found[0]
    if first.text is None:
        return Issue(
            first.source,
            None,
            None,
            first.path,
            "rehydrate.text-unreadable",
            f"{doc!r}: {first.problem}: left out",
            "warning",
        )
    where = fingerprints.first_difference(first.text, expected.blocks, expected.length)
    return Issue(
        first.source,
        None,
        None,
        first.path,
        "rehydrate.text-differs",
        f"{doc!r}: SHA-256 {text_sha256(first.text)[:12]}... where the release has "
        f"{expected.sha256[:12]}...; "
        f"{len(first.text)} code points where it has {expected.length}; the first difference is in "
        f"characters {where.start}-{where.end} (offset {where.start} at the earliest): left out",
        "warning",
    )


@dataclass
class RehydrateResult:
    """A rehydrated full flavour: where, how many documents it holds, and the report of those left out."""

    path: Path
    documents: int
    report: Report
    left_out: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "path": str(self.path),
            "documents": self.documents,
            "left_out": self.left_out,
            "report": self.report.to_dict(),
        }


def rehydrate(
    release: Path | str, texts: Path | str, out: Path | str | None = None, *, strict: bool = False
) -> RehydrateResult:
    """Rebuild the full flavour of the public release `release` from the texts in the folder `texts`, into
    `out/vX.Y.Z` (default: the `full` folder beside the release). With `strict`, a document left out is an
    `InvalidInputError` and nothing is written.

    `UsageError` for a release that is not a public flavour or whose checksums fail, an existing target,
    or a `texts` that is not a folder."""
    public = Path(release)
    version = parse_version(public.name)
    if not public.is_dir():
        raise UsageError(f"{public}: no such release")
    kind = flavour_of(public)
    if kind != Flavour.public.value:
        what = "built before flavours" if kind == LEGACY else "a full flavour already"
        raise UsageError(f"{public}: {what}; only a public flavour is rehydrated")
    checked = verify_release(public)
    if not checked.ok:
        raise UsageError(f"{public}: fails verification ({checked.problems[0]}): not rehydrated")
    wanted = expected_texts(public)
    given = read_texts(Path(texts), wanted)
    if strict and given.left_out:
        raise InvalidInputError(
            f"{len(given.left_out)} document(s) have no matching text: nothing written", given.report
        )
    parent = Path(out) if out is not None else public.parent / layout.FULL
    target = parent / version.name
    publish.refuse_existing(target)
    parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(parent / f".{version.name}.lock"), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise ReleaseConflictError(f"another build of {target} is running; try again when it ends") from None
    try:
        publish.refuse_existing(target)
        staging = publish.stage(parent, version.name)
        try:
            hydrate(public, given.texts, staging, given.left_out)
            publish.publish(staging, target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    finally:
        lock.release()
    return RehydrateResult(target, len(given.texts), given.report, [doc for doc, _ in given.left_out])
