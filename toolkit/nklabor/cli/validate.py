"""`nklabor validate`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import UsageError
from ..report import REPORTERS
from ..validation import validate as run_validation
from ..validation.run import PARALLEL_MIN_BYTES, default_workers
from .app import (
    EXIT_INVALID,
    EXIT_OK,
    ConfigOption,
    Format,
    MaxRecordOption,
    RegistryOption,
    SchemaDirOption,
    app,
    guarded,
    project,
)

STDIN = Path("-")


@app.command()
def validate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Annotation files (.json, .jsonl) and folders; - reads standard input. Default: the "
            "configured annotation roots.",
            show_default=False,
        ),
    ] = None,
    format: Annotated[Format, typer.Option("--format", "-f", help="Report format.")] = Format.text,
    stdin_filename: Annotated[
        str | None,
        typer.Option(
            "--stdin-filename",
            help="The file standard input stands for: its suffix (.json or .jsonl) decides how it is read, "
            "its folder which registry governs it; findings carry this name.",
        ),
    ] = None,
    force_exclude: Annotated[
        bool,
        typer.Option(
            "--force-exclude",
            help="Leave out named files that the configuration does not select (outside the roots, or "
            "excluded), as for folders; what the pre-commit hook passes.",
        ),
    ] = False,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            help="Processes that read the files (default: the number of cores). Used only when the files "
            f"hold at least {PARALLEL_MIN_BYTES >> 20} MiB: below that, starting them costs more than they "
            "save. The report is the same with any number.",
            show_default=False,
        ),
    ] = None,
    schema_dir: SchemaDirOption = None,
    annotators: RegistryOption = None,
    max_record_bytes: MaxRecordOption = None,
    config: ConfigOption = None,
) -> None:
    """Validate annotations and report every finding at once. Given some files of a corpus, the rules
    across files also consult its other files (the summary says how many)."""
    given = list(paths or [])
    with guarded():
        if stdin_filename is not None and STDIN not in given:
            raise UsageError("--stdin-filename names standard input: give - as the path")
        settings = project(config, registry=annotators, max_record_bytes=max_record_bytes)
        stdin = None
        if STDIN in given:
            if given != [STDIN]:
                raise UsageError("- (standard input) is read alone, not together with other paths")
            stdin, given = typer.get_binary_stream("stdin"), []
        report = run_validation(
            given,
            schema_dir=schema_dir,
            config=settings,
            force_exclude=force_exclude,
            stdin=stdin,
            stdin_filename=stdin_filename,
            workers=workers or default_workers(),
        )
    out = REPORTERS[format.value](report)
    if out:
        typer.echo(out)
    raise typer.Exit(EXIT_OK if report.valid else EXIT_INVALID)
