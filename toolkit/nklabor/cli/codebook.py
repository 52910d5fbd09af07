"""`nklabor codebook`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .. import codebook as rendering
from ..annotation import write_file
from .app import EXIT_INVALID, SchemaDirOption, app, guarded


@app.command()
def codebook(
    out: Annotated[Path, typer.Option(help="Where to write the Markdown codebook.")] = Path(
        "docs/codebook.md"
    ),
    check: Annotated[
        bool, typer.Option("--check", help="Exit 1 if the file is stale instead of writing it.")
    ] = False,
    schema_dir: SchemaDirOption = None,
) -> None:
    """Render the schema into the Markdown codebook."""
    with guarded():
        if check:
            if not rendering.is_current(out, schema_dir):
                typer.echo(f"{out}: stale; run `nklabor codebook` and commit the result", err=True)
                raise typer.Exit(EXIT_INVALID)
            typer.echo(f"{out}: up to date")
            return
        write_file(out, rendering.render(schema_dir), overwrite=True)
    typer.echo(f"wrote {out}")
