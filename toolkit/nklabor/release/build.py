"""`build_release`: validated annotations -> `releases/vX.Y.Z/`, atomically, or nothing at all.

The build holds a per-version lock (`releases/.vX.Y.Z.lock`), refuses a version that exists, validates the
input, writes everything into a hidden folder beside the target (`releases/.vX.Y.Z.tmp-*`), scans it for
leaks, and publishes it with one `rename`. A build that fails or is killed leaves no `vX.Y.Z`; its hidden
folder is removed by the next build of that version."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from filelock import FileLock, Timeout

from .. import codebook
from ..errors import UsageError
from ..report import Report
from ..schema import SchemaSet
from ..validation import Validation
from ..validation.reading import DEFAULT_MAX_RECORD_BYTES
from . import card, ceiling, checksums, croissant, figure, labels, layout, leak, metadata, pseudonyms
from .descriptions import field_descriptions
from .diff import diff_releases
from .errors import ReleaseConflictError, ReleaseExistsError
from .gold import Gold, Withheld, annotators_in_order, readings, select_gold
from .splits import assign_splits, release_splits
from .stats import compute as compute_stats
from .tables import PSEUDONYMIZED_PATHS, PUBLISHED_PATHS, Columns, TableWriter, rows
from .versions import Version, parse_version, published

PAUSE_ENV = "NKLABOR_RELEASE_TEST_PAUSE"  # testing hook: see `_pause_for_tests`
PAUSE_LIMIT = 60.0
PSEUDONYM_WAIT = 120.0
"""Seconds a build waits for another build (of another version) to finish with the pseudonym mapping."""


@dataclass
class BuildResult:
    """What a build published."""

    version: Version
    path: Path
    report: Report
    rows: dict[str, dict[str, int]]
    withheld: list[Withheld] = field(default_factory=list)
    previous: Version | None = None
    pseudonyms: dict[str, str] = field(default_factory=dict)
    """Raw id -> pseudonym of the annotators this release publishes (never printed: raw ids stay private)."""
    new_pseudonyms: int = 0
    """How many annotators got a pseudonym for the first time (the mapping beside the releases changed)."""


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


def _publishable_modes(root: Path) -> None:
    """Folders 0755 and files 0644, as git checks them out (`mkdtemp` made the staging folder 0700)."""
    os.chmod(root, 0o755)
    for folder, dirs, files in os.walk(root):
        for name in dirs:
            os.chmod(os.path.join(folder, name), 0o755)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o644)


def _fsync_tree(root: Path) -> None:
    for folder, _dirs, files in os.walk(root):
        for name in files:
            fd = os.open(os.path.join(folder, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(Path(folder))


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


def _sizes(root: Path, files: Iterable[str]) -> dict[str, tuple[int, int]]:
    out = {}
    for rel in files:
        meta = pq.ParquetFile(root / rel).metadata
        out[rel] = (
            (root / rel).stat().st_size,
            sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups)),
        )
    return out


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


def _write_schema_and_codebook(staging: Path, schemas: SchemaSet, schema_dir: Path | str | None) -> list[str]:
    """Copy the schema files and render the codebook from them; returns these public copies."""
    (staging / layout.SCHEMA).mkdir()
    for source in sorted(schemas.files.values()):
        shutil.copyfile(source, staging / layout.schema_file(source.name))
    _write(staging / layout.CODEBOOK, codebook.render(schema_dir))  # from the files the snapshot copies
    return [layout.schema_file(p.name) for p in sorted(schemas.files.values())] + [layout.CODEBOOK]


def _write_croissant(
    staging: Path,
    version: Version,
    found: _Input,
    card_input: card.CardInput,
    columns: Columns,
    described: list[str],
) -> None:
    files = {rel: (checksums.sha256_file(staging / rel), (staging / rel).stat().st_size) for rel in described}
    _write(
        staging / layout.CROISSANT,
        croissant.render(
            meta=metadata.dataset(str(version), found.latest.date(), card_input.languages),
            rai=metadata.rai(found.withheld_values, card_input.pseudonyms_since),
            configs=columns.configs,
            files=files,
            label_descriptions=labels.definitions(columns.schemas),
            config_descriptions=metadata.CONFIG_DESCRIPTIONS,
            field_descriptions=field_descriptions(columns.schemas, columns.configs),
        ),
    )


def _seal(staging: Path, needles: leak.Needles, public_copies: list[str]) -> None:
    """The checksum manifest, then the leak scan over every written byte."""
    _write(staging / layout.MANIFEST, checksums.render(staging, checksums.release_files(staging)))
    leak.check(
        staging,
        [*checksums.release_files(staging), layout.MANIFEST],
        needles,
        ids_exempt=public_copies,
    )


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
    """Write the whole release into `staging`; raise on any problem (the caller removes `staging`). The
    pseudonym mapping is locked once the input is known to be valid, and stays locked (the caller releases
    it) until the release is published."""
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
    columns = Columns(schemas)
    try:
        mapping_lock.acquire()
    except Timeout:
        raise ReleaseConflictError(
            f"another build in {out} has held {layout.PSEUDONYMS} for {PSEUDONYM_WAIT:g} s; "
            "try again when it ends"
        ) from None
    mapping = pseudonyms.load(out / layout.PSEUDONYMS)
    mapping.assign(annotators_in_order(gold.documents), version)
    data_files = _write_tables(staging, gold, split_of, columns, mapping.names)
    public_copies = _write_schema_and_codebook(staging, schemas, schema_dir)
    _write(staging / layout.LABELS, labels.render(columns.configs, schemas))
    stats = compute_stats(staging)
    (staging / layout.FIGURE).write_bytes(figure.render(stats))
    human = ceiling.compute(independent, split_of, schemas)
    _write(staging / layout.AGREEMENT, ceiling.render(human))
    previous = earlier[-1] if earlier else None
    card_input = card.CardInput(
        version=str(version),
        date=found.latest.date(),
        input_annotations=found.report.records,
        withheld_values=found.withheld_values,
        withheld=gold.withheld,
        languages=sorted(stats.documents.get("language", {})) or ["en"],
        previous=previous.name if previous else None,
        changes=diff_releases(out / previous.name, staging) if previous else None,
        agreement={d.id: (d.annotators, d.agreement) for d in gold.documents if d.annotators > 1},
        pseudonyms_since=str(mapping.since) if mapping.since else None,
        legacy_pseudonyms=pseudonyms.published_before(mapping.since, earlier),
        human=human,
    )
    _write(
        staging / layout.CARD,
        card.render(card_input, stats, columns.configs, _sizes(staging, data_files)),
    )
    _write_croissant(
        staging,
        version,
        found,
        card_input,
        columns,
        [*data_files, layout.CARD, layout.LABELS, layout.FIGURE, layout.AGREEMENT, *public_copies],
    )
    _seal(staging, found.needles, public_copies)
    published_names = {raw: mapping.names[raw] for raw in annotators_in_order(gold.documents)}
    result = BuildResult(
        version, out / version.name, found.report, stats.rows, gold.withheld, previous, published_names
    )
    result.new_pseudonyms = len(mapping.added)
    # Recorded before the release is published: no release holds a pseudonym the mapping lacks.
    path = out / layout.PSEUDONYMS
    if mapping.added or not path.is_file() or pseudonyms.load(path).since != mapping.since:
        pseudonyms.save(path, mapping)
    return result


def _remove_stale(out: Path, version: Version) -> None:
    """Hidden staging folders of earlier, dead builds of this version (only called under its lock)."""
    for stale in out.glob(f".{version.name}.tmp-*"):
        if stale.is_dir() and not stale.is_symlink():
            shutil.rmtree(stale, ignore_errors=True)


def build_release(
    version: str,
    source: Path | str | Iterable[Path | str] = "annotations",
    out: Path | str = "releases",
    *,
    schema_dir: Path | str | None = None,
    registry: Path | str | None = None,
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
) -> BuildResult:
    """Build and publish `out/v<version>/` from the annotations in `source` (files or folders).

    Raises `UsageError` for a bad version (exit 2), `ReleaseExistsError` if it is published (exit 2),
    `ReleaseConflictError` if another build of it is running (exit 2), `InvalidInputError` with the
    validator's report if the input does not validate (exit 1), and `LeakError` if the leak scan finds a
    sensitive value (exit 1)."""
    parsed = parse_version(version)
    sources = [Path(source)] if isinstance(source, str | Path) else [Path(s) for s in source]
    out = Path(out)
    target = out / parsed.name
    if target.exists() or target.is_symlink():
        raise ReleaseExistsError(f"{target}: already published; releases are never overwritten")
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
        if target.exists() or target.is_symlink():
            raise ReleaseExistsError(f"{target}: already published; releases are never overwritten")
        _remove_stale(out, parsed)
        staging = Path(tempfile.mkdtemp(prefix=f".{parsed.name}.tmp-", dir=out))
        try:
            result = _stage(
                staging, parsed, sources, out, schema_dir, registry, max_record_bytes, mapping_lock
            )
            _pause_for_tests()
            _publishable_modes(staging)
            _fsync_tree(staging)
            if target.exists() or target.is_symlink():
                raise ReleaseExistsError(f"{target}: appeared during the build; not overwritten")
            os.rename(staging, target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        _fsync_dir(out)
        return result
    finally:
        if mapping_lock.is_locked:
            mapping_lock.release()
        lock.release()
