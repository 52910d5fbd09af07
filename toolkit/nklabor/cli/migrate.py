"""`nklabor migrate`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from ..errors import UsageError
from ..validation.discovery import shown
from . import render
from .app import EXIT_INVALID, EXIT_OK, ConfigOption, ResultFormat, SchemaDirOption, app, guarded, project


@app.command("migrate")
def migrate_cmd(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Annotation files (.json, .jsonl) and folders (default: the configured annotation roots).",
            show_default=False,
        ),
    ] = None,
    to: Annotated[
        str | None, typer.Option("--to", help="Target schema version (default: the current one).")
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 if any file needs migrating.")
    ] = False,
    format: Annotated[
        ResultFormat, typer.Option("--format", "-f", help="Report format.")
    ] = ResultFormat.text,
    schema_dir: SchemaDirOption = None,
    config: ConfigOption = None,
) -> None:
    """Rewrite older annotation files to the current schema, each atomically; list what needs a human."""
    from ..annotating.migration import CURRENT, migrate  # on use: other commands do not pay for it

    if to is not None and to != CURRENT:
        typer.echo(f"error: --to {to}: only {CURRENT} (the current schema) is a target", err=True)
        raise typer.Exit(2)
    with guarded():
        if not paths:
            settings = project(config)
            if not settings.roots_configured:
                raise UsageError("name the files or folders to migrate (no annotation roots are configured)")
            paths = [Path(shown(r)) for r in settings.roots]
        report = migrate(paths, check=check, schema_dir=schema_dir)
    if format is ResultFormat.json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        typer.echo(render.migration_text(report, check))
    stuck = report.blocked or (check and report.pending)
    raise typer.Exit(EXIT_INVALID if stuck else EXIT_OK)
