"""`nklabor validate`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..report import REPORTERS
from ..validation import validate as run_validation
from ..validation.reading import DEFAULT_MAX_RECORD_BYTES
from .app import (
    EXIT_INVALID,
    EXIT_OK,
    Format,
    MaxRecordOption,
    RegistryOption,
    SchemaDirOption,
    app,
    guarded,
)


@app.command()
def validate(
    paths: Annotated[list[Path], typer.Argument(help="Annotation files (.json, .jsonl) and folders.")],
    format: Annotated[Format, typer.Option("--format", "-f", help="Report format.")] = Format.text,
    schema_dir: SchemaDirOption = None,
    annotators: RegistryOption = None,
    max_record_bytes: MaxRecordOption = DEFAULT_MAX_RECORD_BYTES,
) -> None:
    """Validate annotations and report every finding at once."""
    with guarded():
        report = run_validation(
            paths, schema_dir=schema_dir, registry=annotators, max_record_bytes=max_record_bytes
        )
    out = REPORTERS[format.value](report)
    if out:
        typer.echo(out)
    raise typer.Exit(EXIT_OK if report.valid else EXIT_INVALID)
