"""`build_release`: validated annotations -> `releases/vX.Y.Z/` (public flavour) and/or
`releases/full/vX.Y.Z/` (full flavour), atomically, or nothing at all.

The build holds a per-version lock (`releases/.vX.Y.Z.lock`), refuses a version that exists in either
flavour, validates the input, writes the public flavour into a hidden folder beside the target
(`releases/.vX.Y.Z.tmp-*`), scans it for leaks (sensitive values, raw ids, and any sentence of an article),
makes the full flavour from it and the texts as a rehydration would (`rehydrate.hydrate`), and publishes
each with one `rename`. A build that fails or is killed leaves no `vX.Y.Z`; its hidden folders are removed
by the next build of that version."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from .. import codebook
from ..errors import UsageError
from ..report import Report
from ..schema import SchemaSet
from ..validation import Validation
from ..validation.reading import DEFAULT_MAX_RECORD_BYTES
from . import card, ceiling, checksums, fingerprints, labels, layout, leak, pseudonyms, publish
from .describing import describe, snapshot_files
from .diff import diff_releases
from .errors import ReleaseConflictError
from .flavours import Flavour, location
from .gold import Gold, Withheld, annotators_in_order, readings, select_gold
from .rehydrate import build_record, hydrate
from .splits import assign_splits, release_splits
from .tables import PSEUDONYMIZED_PATHS, PUBLISHED_PATHS, Columns, TableWriter, rows
from .versions import Version, parse_version, published

FLAVOURS = {
    "public": (Flavour.public,),
    "full": (Flavour.full,),
    "both": (Flavour.public, Flavour.full),
}
"""What `flavour=` of `build_release` publishes."""
_write = publish.write_text

PAUSE_ENV = "NKLABOR_RELEASE_TEST_PAUSE"  # testing hook: see `_pause_for_tests`
PAUSE_LIMIT = 60.0
PSEUDONYM_WAIT = 120.0
"""Seconds a build waits for another build (of another version) to finish with the pseudonym mapping."""


@dataclass
class BuildResult:
    """What a build published."""

    version: Version
    path: Path
    """The published folder: the public flavour's, or the full one's when only it was built."""
    report: Report
    rows: dict[str, dict[str, int]]
    withheld: list[Withheld] = field(default_factory=list)
    previous: Version | None = None
    pseudonyms: dict[str, str] = field(default_factory=dict)
    """Raw id -> pseudonym of the annotators this release publishes (never printed: raw ids stay private)."""
    new_pseudonyms: int = 0
    """How many annotators got a pseudonym for the first time (the mapping beside the releases changed)."""
    flavours: dict[str, Path] = field(default_factory=dict)
    """Flavour -> the folder it was published in."""
    pseudonym_file: Path | None = None
    """The pseudonym mapping beside the releases (commit it with a release; never publish it)."""
    texts: dict[str, str] = field(default_factory=dict, repr=False)
    """The gold documents' texts (what the full flavour puts back)."""
    needles: leak.Needles = field(default_factory=leak.Needles, repr=False)


def check_sensitivity(schemas: SchemaSet) -> None:
    """Refuse a schema that marks as sensitive a field this release format publishes as is."""
    for path, mode in sorted(schemas.sensitive_fields.items()):
        if mode not in ("withhold", "pseudonymize"):
            raise UsageError(f"schema: unknown x-sensitivity {mode!r} at {path}")
        if mode == "pseudonymize" and path in PSEUDONYMIZED_PATHS:
            continue
        overlap = sorted(
            p
            for p in PUBLISHED_PATHS
            if p == path or p.startswith((path + ".", path + "[")) or path.startswith((p + ".", p + "["))
        )
        if overlap:
            raise UsageError(
                f"schema marks {path} as {mode}, but releases publish {overlap[0]} "
                "(nklabor.release.tables.PUBLISHED_PATHS)"
            )


def _pause_for_tests() -> None:
    """With $NKLABOR_RELEASE_TEST_PAUSE set to a path: create that file once everything is staged, then wait
    (at most a minute) until it is deleted, so a test can kill or race a build at its most delicate point."""
    marker = os.environ.get(PAUSE_ENV)
    if not marker:
        return
    Path(marker).write_text("staged\n", encoding="utf-8")
    deadline = time.monotonic() + PAUSE_LIMIT
    while Path(marker).exists() and time.monotonic() < deadline:
        time.sleep(0.02)


@dataclass
class _Input:
    """The valid annotations of a build and what the release must know about them."""

    annotations: list[dict[str, Any]]
    report: Report
    needles: leak.Needles
    latest: datetime
    withheld_values: int


def _read_input(validation: Validation, sources: list[Path]) -> _Input:
    """The valid annotations (`InvalidInputError` if anything does not validate), the leak needles and the
    latest timestamp."""
    annotations = [a.data for a in validation.valid_annotations()]
    if not annotations:
        raise UsageError(f"no annotations in {', '.join(map(str, sources))}: nothing to release")
    sensitive = validation.schemas.sensitive_fields
    withhold_paths = [p for p, mode in sensitive.items() if mode == "withhold"]
    needles = leak.Needles()
    withheld_values = 0
    for data in annotations:
        needles.add(data, sensitive)
        withheld_values += any(next(leak.values_at(data, p), None) is not None for p in withhold_paths)
    latest = max(datetime.fromisoformat(a["annotated_at"]).astimezone(UTC) for a in annotations)
    needles.ids.update(validation.registered())
    return _Input(annotations, validation.report, needles, latest, withheld_values)


def _write_tables(
    staging: Path, gold: Gold, split_of: dict[str, str], columns: Columns, names: dict[str, str]
) -> list[str]:
    writer = TableWriter(staging, columns)
    for doc in gold.documents:
        document, events, spans = rows(
            doc.annotation,
            doc.annotators,
            names[doc.annotation["annotator"]],
            columns,
            doc.agreement,
        )
        split = split_of[doc.id]
        writer.add("documents", split, [document])
        writer.add("events", split, events)
        writer.add("spans", split, spans)
    return writer.close()


def _write_schema_and_codebook(staging: Path, schemas: SchemaSet, schema_dir: Path | str | None) -> None:
    """Copy the schema files and render the codebook from them."""
    (staging / layout.SCHEMA).mkdir()
    for source in sorted(schemas.files.values()):
        shutil.copyfile(source, staging / layout.schema_file(source.name))
    _write(staging / layout.CODEBOOK, codebook.render(schema_dir))  # from the files the snapshot copies


def _seal(staging: Path, needles: leak.Needles, texts: dict[str, str], titles: list[str]) -> None:
    """The leak scan over every written byte, the manifest included: sensitive values and raw ids, and
    (a public flavour) any run of words of an article."""
    files = [*checksums.release_files(staging), layout.MANIFEST]
    articles = leak.scan_articles(staging, files, texts.items(), exempt=titles)
    leak.check(staging, files, needles, ids_exempt=snapshot_files(staging), articles=articles)


def _stage(
    staging: Path,
    version: Version,
    sources: list[Path],
    out: Path,
    schema_dir: Path | str | None,
    registry: Path | str | None,
    max_record_bytes: int,
    mapping_lock: FileLock,
) -> BuildResult:
    """Write the whole public flavour into `staging`; raise on any problem (the caller removes `staging`).
    The pseudonym mapping is locked once the input is known to be valid, and stays locked (the caller
    releases it) until the release is published."""
    validation = Validation(sources, schema_dir, registry, max_record_bytes=max_record_bytes)
    schemas = validation.schemas
    check_sensitivity(schemas)
    found = _read_input(validation, sources)
    gold = select_gold(found.annotations)
    independent = readings(found.annotations, gold)
    found.annotations.clear()
    earlier = [v for v in published(out) if v < version]
    previous_splits: dict[str, str] = {}
    for v in earlier:
        previous_splits.update(release_splits(out / v.name))
    split_of = assign_splits(
        ((d.id, d.annotation["document"].get("story_group")) for d in gold.documents),
        previous_splits,
    )
    columns = Columns(schemas, Flavour.public)
    try:
        mapping_lock.acquire()
    except Timeout:
        raise ReleaseConflictError(
            f"another build in {out} has held {layout.PSEUDONYMS} for {PSEUDONYM_WAIT:g} s; "
            "try again when it ends"
        ) from None
    mapping = pseudonyms.load(out / layout.PSEUDONYMS)
    mapping.assign(annotators_in_order(gold.documents), version)
    _write_tables(staging, gold, split_of, columns, mapping.names)
    texts = {d.id: d.annotation["document"]["text"] for d in gold.documents}
    fingerprints.write(staging / layout.FINGERPRINTS, texts.items())
    _write_schema_and_codebook(staging, schemas, schema_dir)
    _write(staging / layout.LABELS, labels.render(columns.configs, schemas))
    human = ceiling.compute(independent, split_of, schemas)
    _write(staging / layout.AGREEMENT, ceiling.render(human))
    previous = earlier[-1] if earlier else None
    card_input = card.CardInput(
        version=str(version),
        date=found.latest.date(),
        input_annotations=found.report.records,
        withheld_values=found.withheld_values,
        withheld=gold.withheld,
        languages=sorted({d.annotation["document"]["language"] for d in gold.documents}) or ["en"],
        previous=previous.name if previous else None,
        changes=card.changelog(diff_releases(out / previous.name, staging)) if previous else None,
        agreement={d.id: (d.annotators, d.agreement) for d in gold.documents if d.annotators > 1},
        pseudonyms_since=str(mapping.since) if mapping.since else None,
        legacy_pseudonyms=pseudonyms.published_before(mapping.since, earlier),
        human=human,
    )
    _write(staging / layout.BUILD, build_record(card_input))
    rows_written = describe(staging, card_input, Flavour.public)
    titles = [t for d in gold.documents if (t := d.annotation["document"]["title"].get("text"))]
    _seal(staging, found.needles, texts, titles)
    published_names = {raw: mapping.names[raw] for raw in annotators_in_order(gold.documents)}
    result = BuildResult(
        version, out / version.name, found.report, rows_written, gold.withheld, previous, published_names
    )
    result.new_pseudonyms = len(mapping.added)
    result.texts, result.needles = texts, found.needles
    result.pseudonym_file = out / layout.PSEUDONYMS
    # Recorded before the release is published: no release holds a pseudonym the mapping lacks.
    path = out / layout.PSEUDONYMS
    if mapping.added or not path.is_file() or pseudonyms.load(path).since != mapping.since:
        pseudonyms.save(path, mapping)
    return result


def _stage_full(public: Path, out: Path, version: Version, result: BuildResult) -> Path:
    """The full flavour made from the staged public one and the gold texts, scanned for sensitive values and
    raw ids (the texts are the only thing it adds)."""
    staging = publish.stage(out / layout.FULL, version.name)
    try:
        hydrate(public, result.texts, staging, [])
        files = [*checksums.release_files(staging), layout.MANIFEST]
        leak.check(staging, files, result.needles, ids_exempt=snapshot_files(staging))
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


def _publish(
    staging: Path,
    full: Path | None,
    targets: dict[Flavour, Path],
    wanted: tuple[Flavour, ...],
    result: BuildResult,
) -> None:
    """Publish the full flavour, then the public one (removing the full one again if that fails: both or
    neither); a public flavour that was only a step towards the full one is removed."""
    if full is not None:
        publish.publish(full, targets[Flavour.full])
        result.flavours[Flavour.full.value] = targets[Flavour.full]
    if Flavour.public not in wanted:
        shutil.rmtree(staging, ignore_errors=True)
        return
    try:
        publish.publish(staging, targets[Flavour.public])
    except BaseException:
        shutil.rmtree(targets[Flavour.full], ignore_errors=True)
        raise
    result.flavours[Flavour.public.value] = targets[Flavour.public]


def build_release(
    version: str,
    source: Path | str | Iterable[Path | str] = "annotations",
    out: Path | str = "releases",
    *,
    schema_dir: Path | str | None = None,
    registry: Path | str | None = None,
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
    flavour: str = "public",
) -> BuildResult:
    """Build and publish `out/v<version>/` from the annotations in `source` (files or folders): the
    `public` flavour (no article texts; the default), the `full` one in `out/full/v<version>/`, or `both`.

    Raises `UsageError` for a bad version or flavour (exit 2), `ReleaseExistsError` if either flavour of the
    version is published (exit 2), `ReleaseConflictError` if another build of it is running (exit 2),
    `InvalidInputError` with the validator's report if the input does not validate (exit 1), and
    `LeakError` if the leak scan finds a sensitive value or an article's sentence (exit 1)."""
    parsed = parse_version(version)
    if flavour not in FLAVOURS:
        raise UsageError(f"{flavour!r} is not a flavour: {', '.join(FLAVOURS)}")
    wanted = FLAVOURS[flavour]
    sources = [Path(source)] if isinstance(source, str | Path) else [Path(s) for s in source]
    out = Path(out)
    targets = {f: location(out, parsed.name, f) for f in Flavour}
    for target in targets.values():
        publish.refuse_existing(target)
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out}: not a folder")
    out.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(out / f".{parsed.name}.lock"), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise ReleaseConflictError(
            f"another build of {parsed.name} is running in {out}; try again when it ends"
        ) from None
    mapping_lock = FileLock(str(out / layout.PSEUDONYMS_LOCK), timeout=PSEUDONYM_WAIT)
    try:
        for target in targets.values():
            publish.refuse_existing(target)
        staging = publish.stage(out, parsed.name)
        full: Path | None = None
        try:
            result = _stage(
                staging, parsed, sources, out, schema_dir, registry, max_record_bytes, mapping_lock
            )
            if Flavour.full in wanted:
                full = _stage_full(staging, out, parsed, result)
            _pause_for_tests()
            _publish(staging, full, targets, wanted, result)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            if full is not None:
                shutil.rmtree(full, ignore_errors=True)
            raise
        result.path = result.flavours.get(Flavour.public.value) or result.flavours[Flavour.full.value]
        result.texts = {}
        return result
    finally:
        if mapping_lock.is_locked:
            mapping_lock.release()
        lock.release()
