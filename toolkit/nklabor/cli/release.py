"""`nklabor release build|rehydrate|verify|diff|list`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import UsageError
from ..paths import local_path
from ..report import REPORTERS
from ..report.reporters import issue_lines
from ..validation.discovery import shown
from ..validation.run import PARALLEL_MIN_BYTES
from ..workers import default_workers
from . import app as app_state
from . import render
from .app import (
    EXIT_INVALID,
    ConfigOption,
    MaxRecordOption,
    RegistryOption,
    ReleasesOption,
    ResultFormat,
    SchemaDirOption,
    guarded,
    project,
    release_app,
)

FormatOption = Annotated[ResultFormat, typer.Option("--format", "-f", help="Output format.")]


@contextmanager
def _executor(address: str | None) -> Iterator[tuple[Any, int]]:
    """A Dask client and its number of worker threads for `--dask` (Dask imported only then), else none."""
    if address is None:
        yield None, 0
        return
    from ..release.dask import connect

    with connect(address) as (client, threads):
        yield client, threads


class FlavourChoice(StrEnum):
    """Which flavours `release build` publishes."""

    public = "public"
    full = "full"
    both = "both"


@release_app.command()
def build(
    version: Annotated[str, typer.Option("--version", help="Semantic version, e.g. 1.0.0.")],
    source: Annotated[
        list[str] | None,
        typer.Option(
            "--from",
            help="Annotation files or folders, as paths or file:// URLs (repeatable; default: the "
            "configured annotation roots, annotations/ without a configuration).",
        ),
    ] = None,
    out: Annotated[
        str, typer.Option("--out", help="Folder holding the releases (a path or a file:// URL).")
    ] = "releases",
    schema_dir: SchemaDirOption = None,
    annotators: RegistryOption = None,
    max_record_bytes: MaxRecordOption = None,
    config: ConfigOption = None,
    flavour: Annotated[
        FlavourChoice,
        typer.Option(
            "--flavour",
            help="public: no article texts or quotes, in releases/vX.Y.Z/ (shareable); full: with them, in "
            "releases/full/vX.Y.Z/ (the team's only); both.",
        ),
    ] = FlavourChoice.public,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            help="Processes that validate the annotations and build the rows (default: the number of "
            f"cores). Used only when the files hold at least {PARALLEL_MIN_BYTES >> 20} MiB. The report and "
            "the release are the same with any number.",
            show_default=False,
        ),
    ] = None,
    dask: Annotated[
        str | None,
        typer.Option(
            "--dask",
            help="Run the validation and the rows on a Dask cluster: its scheduler's address "
            "(tcp://host:8786), or local for a cluster of this machine's cores. The workers must see "
            "--from at the same paths; the release is written here.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Validate the annotations and publish releases/vX.Y.Z/ (never overwriting one)."""
    from ..release.build import (
        build_release,  # imported on use: other commands do not pay for pyarrow
    )
    from ..release.memory import spare_pandas

    if app_state.COMMAND:
        spare_pandas()
    with guarded():
        if dask is not None and workers is not None:
            raise UsageError("--workers and --dask exclude each other (a Dask cluster has its own workers)")
        settings = project(config, registry=annotators, max_record_bytes=max_record_bytes)
        default = (
            [Path(shown(r)) for r in settings.roots] if settings.roots_configured else [Path("annotations")]
        )
        with _executor(dask) as (executor, count):
            result = build_release(
                version,
                [local_path(s) for s in source] if source else default,
                local_path(out),
                schema_dir=schema_dir,
                registry=settings.registry,
                max_record_bytes=settings.max_record_bytes,
                flavour=flavour.value,
                workers=count or workers or default_workers(),
                executor=executor,
            )
    typer.echo(REPORTERS["text"](result.report))
    typer.echo(render.build_text(result))


@release_app.command()
def rehydrate(
    version: Annotated[str, typer.Argument(help="The public release, e.g. v2.0.0.")],
    texts: Annotated[
        Path,
        typer.Option(
            "--texts",
            help="Folder with your copies of the articles: <document id>.txt files (UTF-8), or annotation "
            "files.",
        ),
    ],
    releases: ReleasesOption = Path("releases"),
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Folder that receives vX.Y.Z/ (default: releases/full/)."),
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Write nothing unless every document's text matches.")
    ] = False,
    format: FormatOption = ResultFormat.text,
) -> None:
    """Rebuild the full flavour (texts and quotes) of a public release from your own copies of the articles:
    byte-identical to the team's when every text matches. A missing or different text is reported and its
    document left out."""
    from ..release.rehydrate import rehydrate as run
    from ..release.versions import release_dir

    with guarded(format.value):
        result = run(release_dir(releases, version), texts, out, strict=strict)
    if format is ResultFormat.json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    for line in issue_lines(result.report):
        typer.echo(line)
    typer.echo(render.rehydrate_text(result))


@release_app.command()
def verify(
    version: Annotated[str, typer.Argument(help="The release, e.g. v1.0.0.")],
    releases: ReleasesOption = Path("releases"),
    format: FormatOption = ResultFormat.text,
) -> None:
    """Recompute every checksum of a release; exit 1 naming each file that does not match."""
    from ..release.verify import verify_release
    from ..release.versions import release_dir

    with guarded():
        result = verify_release(release_dir(releases, version))
    if format is ResultFormat.json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        raise typer.Exit(0 if result.ok else EXIT_INVALID)
    problems, summary = render.verify_text(result)
    for line in problems:
        typer.echo(line, err=True)
    typer.echo(summary, err=not result.ok)
    if not result.ok:
        raise typer.Exit(EXIT_INVALID)


@release_app.command()
def diff(
    old: Annotated[str, typer.Argument(help="The older release, e.g. v1.0.0.")],
    new: Annotated[str, typer.Argument(help="The newer release, e.g. v1.1.0.")],
    releases: ReleasesOption = Path("releases"),
    format: FormatOption = ResultFormat.text,
    as_json: Annotated[
        bool, typer.Option("--json", help="The same as --format json (kept for scripts).", hidden=True)
    ] = False,
) -> None:
    """What changed between two releases: schema, columns, gold sources, documents, events, splits and label
    counts (also across codebook versions)."""
    from ..release.diff import diff_releases
    from ..release.versions import release_dir

    with guarded():
        result = diff_releases(release_dir(releases, old), release_dir(releases, new))
    if as_json or format is ResultFormat.json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        typer.echo(render.diff_text(result))


@release_app.command("list")
def list_(
    releases: ReleasesOption = Path("releases"),
    format: FormatOption = ResultFormat.text,
) -> None:
    """Show the published releases: version, date, codebook version, size and rows per config."""
    from ..release.listing import list_releases

    with guarded():
        found = list_releases(releases)
    if format is ResultFormat.json:
        typer.echo(json.dumps([r.to_dict() for r in found], ensure_ascii=False, indent=2))
    else:
        typer.echo(render.list_text(found, releases))
