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
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from filelock import FileLock, Timeout

from .. import codebook
from .. import workers as pool
from ..errors import UsageError
from ..report import Report
from ..schema import SchemaSet
from ..validation import Validation
from ..validation.reading import DEFAULT_MAX_RECORD_BYTES
from ..workers import Executor
from . import card, ceiling, checksums, fingerprints, labels, layout, leak, pseudonyms, publish, shingles
from .batches import GoldTexts, Plan, build_batch, chunked, share, text_hits
from .describing import describe, snapshot_files
from .diff import diff_releases
from .errors import ReleaseConflictError
from .flavours import Flavour, location
from .gold import Withheld
from .index import GoldRefs, Index, Summariser
from .rehydrate import build_record, hydrate
from .splits import assign_splits, release_splits
from .tables import PSEUDONYMIZED_PATHS, PUBLISHED_PATHS, Columns, TableWriter
from .versions import Version, parse_version, published

T = TypeVar("T")
R = TypeVar("R")

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
    texts: Mapping[str, str] = field(default_factory=dict, repr=False)
    """The gold documents' texts (what the full flavour puts back), read from the annotations on demand."""
    needles: leak.Sought = field(default_factory=leak.Needles, repr=False)


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


@dataclass(frozen=True)
class _Options:
    """How a build reads its input."""

    schema_dir: Path | str | None
    registry: Path | str | None
    max_record_bytes: int
    workers: int
    executor: Executor | None


@dataclass
class _Input:
    """What the first pass learnt of the input: the index of every valid annotation, the report, the leak
    needles, the latest timestamp and how many annotations hold a withheld value."""

    index: Index
    report: Report
    needles: leak.NeedleStore
    latest: datetime
    withheld_values: int


def _first_pass(validation: Validation, sources: list[Path]) -> _Input:
    """Validate everything and index it (`InvalidInputError` if anything does not validate)."""
    index = Index()
    try:
        needles = leak.NeedleStore()
        withheld_values = 0
        latest: datetime | None = None
        for annotation in validation.annotations():
            summary = index.add(annotation)
            needles.update(summary.needles)
            withheld_values += summary.withholds
            stamp = datetime.fromisoformat(summary.annotated_at).astimezone(UTC)
            latest = stamp if latest is None or stamp > latest else latest
        validation.refuse_invalid()
        if latest is None:
            raise UsageError(f"no annotations in {', '.join(map(str, sources))}: nothing to release")
    except BaseException:
        index.close()
        raise
    needles.ids.update(validation.registered())
    return _Input(index, validation.report, needles, latest, withheld_values)


@dataclass
class _Written:
    """What the second pass gathered besides the tables."""

    vocabulary: shingles.Vocabulary = field(default_factory=shingles.Vocabulary)
    exempt: list[shingles.Hashes] = field(default_factory=list)
    languages: set[str] = field(default_factory=set)
    readings: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    splits: dict[str, str] = field(default_factory=dict)
    """The split of each document in `readings` (what `agreement.json` needs of the splits)."""
    agreement: dict[str, tuple[int, float | None]] = field(default_factory=dict)


class _Runner:
    """Runs the batches of the later passes in order: here, in worker processes, or on `executor`."""

    def __init__(self, workers: int, parallel: bool, executor: Executor | None) -> None:
        self.workers = workers
        self.parallel = parallel or executor is not None
        self.executor = executor

    def map(self, fn: Callable[..., R], pieces: Iterable[T], args: tuple[Any, ...]) -> Iterator[R]:
        if not self.parallel:
            for piece in pieces:
                yield fn(*args, piece)
            return
        own = pool.process_pool(self.workers) if self.executor is None else None
        executor = own if own is not None else self.executor
        assert executor is not None
        try:
            for _, result in pool.ordered(executor, fn, pieces, args, workers=self.workers):
                yield result
        finally:
            if own is not None:
                own.shutdown(wait=True, cancel_futures=True)


def _second_pass(
    staging: Path,
    refs: GoldRefs,
    plan: Plan,
    runner: _Runner,
    columns: Columns,
) -> _Written:
    """Write the tables and the fingerprints of the gold documents, batch by batch, in document order."""
    writer = TableWriter(staging, columns)
    prints = fingerprints.Writer(staging / layout.FINGERPRINTS, len(refs))
    written = _Written()
    for batch in runner.map(build_batch, chunked(refs.with_splits()), (plan,)):
        for (config, split), table in batch.tables.items():
            writer.add_table(config, split, table)
        prints.add(batch.fingerprints)
        written.vocabulary.add(batch.vocabulary)
        written.exempt.append(batch.exempt)
        written.languages |= batch.languages
        written.readings.update(batch.readings)
        written.splits.update(batch.splits)
        written.agreement.update(batch.agreement)
    writer.close()
    prints.close()
    return written


def _write_schema_and_codebook(staging: Path, schemas: SchemaSet, schema_dir: Path | str | None) -> None:
    """Copy the schema files and render the codebook from them."""
    (staging / layout.SCHEMA).mkdir()
    for source in sorted(schemas.files.values()):
        shutil.copyfile(source, staging / layout.schema_file(source.name))
    _write(staging / layout.CODEBOOK, codebook.render(schema_dir))  # from the files the snapshot copies


def _seal(
    staging: Path, needles: leak.Sought, written: _Written, refs: GoldRefs, plan: Plan, runner: _Runner
) -> None:
    """The leak scan over every written byte, the manifest included: sensitive values and raw ids, and
    (a public flavour) any run of words of an article."""
    files = [*checksums.release_files(staging), layout.MANIFEST]
    articles = _article_findings(staging, files, written, refs, plan, runner)
    leak.check(staging, files, needles, ids_exempt=snapshot_files(staging), articles=articles)


def _article_findings(
    staging: Path, files: list[str], written: _Written, refs: GoldRefs, plan: Plan, runner: _Runner
) -> list[leak.ArticleFinding]:
    """Where a written file holds a run of an article's words. The texts are read again only when a written
    run could be an article's, and only the texts that have such a run come back. (A function of its own so
    that its index is gone before the scan for notes and ids builds its automata.)"""
    scan = leak.ArticleScan(written.vocabulary.array())
    for rel in sorted(files):
        scan.add(staging, rel)
    for exempt in written.exempt:
        scan.allow(exempt)
    wanted = scan.wanted
    if not len(wanted):
        return []
    batches = runner.map(text_hits, chunked(refs), (plan, wanted))
    return scan.find((hit for found in batches for hit in found), wanted)


def _stage(
    staging: Path,
    version: Version,
    sources: list[Path],
    out: Path,
    options: _Options,
    mapping_lock: FileLock,
) -> BuildResult:
    """Write the whole public flavour into `staging`; raise on any problem (the caller removes `staging`).
    The pseudonym mapping is locked once the input is known to be valid, and stays locked (the caller
    releases it) until the release is published."""
    schema_key = None if options.schema_dir is None else str(options.schema_dir)
    validation = Validation(
        sources,
        options.schema_dir,
        options.registry,
        max_record_bytes=options.max_record_bytes,
        workers=options.workers,
        executor=options.executor,
        extract=Summariser(schema_key),
    )
    schemas = validation.schemas
    check_sensitivity(schemas)
    found = _first_pass(validation, sources)
    withheld: list[Withheld] = []
    try:
        refs = found.index.gold(withheld)
    finally:
        found.index.close()
    earlier = [v for v in published(out) if v < version]
    previous_splits: dict[str, str] = {}
    for v in earlier:
        previous_splits.update(release_splits(out / v.name))
    refs.assign(assign_splits(((r.doc, r.story_group) for r in refs), previous_splits))
    del previous_splits
    columns = Columns(schemas, Flavour.public)
    try:
        mapping_lock.acquire()
    except Timeout:
        raise ReleaseConflictError(
            f"another build in {out} has held {layout.PSEUDONYMS} for {PSEUDONYM_WAIT:g} s; "
            "try again when it ends"
        ) from None
    mapping = pseudonyms.load(out / layout.PSEUDONYMS)
    in_order = list(dict.fromkeys(r.annotator for r in refs))
    mapping.assign(in_order, version)
    plan = Plan(schema_key, {raw: mapping.names[raw] for raw in in_order})
    share(plan, columns)
    runner = _Runner(options.workers, validation.parallel, options.executor)
    written = _second_pass(staging, refs, plan, runner, columns)
    _write_schema_and_codebook(staging, schemas, options.schema_dir)
    _write(staging / layout.LABELS, labels.render(columns.configs, schemas))
    human = ceiling.compute(written.readings, written.splits, schemas)
    _write(staging / layout.AGREEMENT, ceiling.render(human))
    previous = earlier[-1] if earlier else None
    card_input = card.CardInput(
        version=str(version),
        date=found.latest.date(),
        input_annotations=found.report.records,
        withheld_values=found.withheld_values,
        withheld=withheld,
        languages=sorted(written.languages) or ["en"],
        previous=previous.name if previous else None,
        changes=card.changelog(diff_releases(out / previous.name, staging)) if previous else None,
        agreement=written.agreement,
        pseudonyms_since=str(mapping.since) if mapping.since else None,
        legacy_pseudonyms=pseudonyms.published_before(mapping.since, earlier),
        human=human,
    )
    _write(staging / layout.BUILD, build_record(card_input))
    rows_written = describe(staging, card_input, Flavour.public)
    _seal(staging, found.needles, written, refs, plan, runner)
    result = BuildResult(
        version, out / version.name, found.report, rows_written, withheld, previous, dict(plan.names)
    )
    result.new_pseudonyms = len(mapping.added)
    result.texts, result.needles = GoldTexts(refs), found.needles
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
    workers: int = 1,
    executor: Executor | None = None,
) -> BuildResult:
    """Build and publish `out/v<version>/` from the annotations in `source` (files or folders): the
    `public` flavour (no article texts; the default), the `full` one in `out/full/v<version>/`, or `both`.

    The input is read twice and never held: once to validate and index every annotation, once to turn the
    gold ones into rows, in `workers` processes when it is large enough to pay for them (as `validate`
    decides), or on `executor` (a Dask client: `nklabor.release.dask`). The release is the same bytes
    whichever way it was built.

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
    options = _Options(schema_dir, registry, max_record_bytes, workers, executor)
    try:
        for target in targets.values():
            publish.refuse_existing(target)
        staging = publish.stage(out, parsed.name)
        full: Path | None = None
        try:
            result = _stage(staging, parsed, sources, out, options, mapping_lock)
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
