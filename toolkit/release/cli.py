"""`nklabor release build|verify|diff`: parse arguments, call `toolkit.release`, print, set the exit code."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from ..reading import DEFAULT_MAX_RECORD_BYTES
from ..reporters import REPORTERS
from .versions import release_dir

release_app = typer.Typer(help="Build, verify and compare dataset releases.", no_args_is_help=True,
                          add_completion=False, pretty_exceptions_enable=False)

Releases = Annotated[Path, typer.Option("--releases", help="Folder holding the releases.")]


@release_app.command()
def build(
    version: Annotated[str, typer.Option("--version", help="Semantic version, e.g. 1.0.0.")],
    source: Annotated[list[Path] | None, typer.Option(
        "--from", help="Annotation files or folders (repeatable; default annotations/).")] = None,
    out: Annotated[Path, typer.Option("--out", help="Folder holding the releases.")] = Path("releases"),
    schema_dir: Annotated[Path | None, typer.Option(help="Schema folder (default: the project's schema/).")] = None,
    annotators: Annotated[Path | None, typer.Option(
        help="Annotator registry (default: the nearest annotators.json above each file).")] = None,
    max_record_bytes: Annotated[int, typer.Option(
        "--max-record-bytes", min=1, help="Largest record read; a larger one is a record.too-large finding.")
    ] = DEFAULT_MAX_RECORD_BYTES,
) -> None:
    """Validate the annotations and publish releases/vX.Y.Z/ (never overwriting one)."""
    from ..cli import guarded
    from .build import build_release
    from .errors import InvalidInputError

    with guarded():
        try:
            result = build_release(version, source or [Path("annotations")], out, schema_dir=schema_dir,
                                   registry=annotators, max_record_bytes=max_record_bytes)
        except InvalidInputError as exc:
            typer.echo(REPORTERS["text"](exc.report))
            raise
    typer.echo(REPORTERS["text"](result.report))
    typer.echo(result.summary())


@release_app.command()
def verify(
    version: Annotated[str, typer.Argument(help="The release, e.g. v1.0.0.")],
    releases: Releases = Path("releases"),
) -> None:
    """Recompute every checksum of a release; exit 1 naming each file that does not match."""
    from ..cli import guarded
    from .verify import verify_release

    with guarded():
        result = verify_release(release_dir(releases, version))
    for problem in result.problems:
        typer.echo(f"{result.path}/{problem}", err=True)
    if not result.ok:
        typer.echo(f"{result.path}: {len(result.problems)} problem(s)", err=True)
        raise typer.Exit(1)
    typer.echo(f"{result.path}: {result.checked} file(s) match checksums.sha256")


@release_app.command()
def diff(
    old: Annotated[str, typer.Argument(help="The older release, e.g. v1.0.0.")],
    new: Annotated[str, typer.Argument(help="The newer release, e.g. v1.1.0.")],
    releases: Releases = Path("releases"),
    as_json: Annotated[bool, typer.Option("--json", help="Print the difference as JSON.")] = False,
) -> None:
    """List documents and events added, removed and relabelled, and label-count changes."""
    from ..cli import guarded
    from .diff import diff_releases

    with guarded():
        result = diff_releases(release_dir(releases, old), release_dir(releases, new))
    typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) if as_json else result.render())
