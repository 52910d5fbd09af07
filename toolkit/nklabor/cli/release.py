"""`nklabor release build|verify|diff|list`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from ..report import REPORTERS
from ..validation.discovery import shown
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


@release_app.command()
def build(
    version: Annotated[str, typer.Option("--version", help="Semantic version, e.g. 1.0.0.")],
    source: Annotated[
        list[Path] | None,
        typer.Option(
            "--from",
            help="Annotation files or folders (repeatable; default: the configured annotation roots, "
            "annotations/ without a configuration).",
        ),
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="Folder holding the releases.")] = Path("releases"),
    schema_dir: SchemaDirOption = None,
    annotators: RegistryOption = None,
    max_record_bytes: MaxRecordOption = None,
    config: ConfigOption = None,
) -> None:
    """Validate the annotations and publish releases/vX.Y.Z/ (never overwriting one)."""
    from ..release.build import (
        build_release,  # imported on use: other commands do not pay for pyarrow
    )

    with guarded():
        settings = project(config, registry=annotators, max_record_bytes=max_record_bytes)
        default = (
            [Path(shown(r)) for r in settings.roots] if settings.roots_configured else [Path("annotations")]
        )
        result = build_release(
            version,
            source or default,
            out,
            schema_dir=schema_dir,
            registry=settings.registry,
            max_record_bytes=settings.max_record_bytes,
        )
    typer.echo(REPORTERS["text"](result.report))
    typer.echo(render.build_text(result))


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
