"""`nklabor agreement` and `nklabor adjudicate`: several annotators per document."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from ..validation import Validation
from ..validation.reading import DEFAULT_MAX_RECORD_BYTES
from . import render
from .app import (
    EXIT_INVALID,
    EXIT_OK,
    MaxRecordOption,
    RegistryOption,
    ResultFormat,
    SchemaDirOption,
    app,
    guarded,
)


@app.command()
def agreement(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Annotation files and folders, several annotators per document."),
    ],
    format: Annotated[
        ResultFormat, typer.Option("--format", "-f", help="Report format.")
    ] = ResultFormat.text,
    min_alpha: Annotated[
        float | None,
        typer.Option(
            "--min-alpha",
            min=-1.0,
            max=1.0,
            help="CI gate: exit 1 when any field's alpha is below this (e.g. 0.67).",
        ),
    ] = None,
    schema_dir: SchemaDirOption = None,
    annotators: RegistryOption = None,
    max_record_bytes: MaxRecordOption = DEFAULT_MAX_RECORD_BYTES,
) -> None:
    """Inter-annotator agreement: Krippendorff's alpha per label family, annotator pairs, documents worst
    first."""
    from ..agreement.measure import (
        measure,  # imported on use: `nklabor validate` does not pay for numpy
    )

    with guarded(format.value):
        found = Validation(
            paths, schema_dir, annotators, max_record_bytes=max_record_bytes
        ).valid_annotations()
        report = measure([a.data for a in found], [a.where for a in found], min_alpha)
    if format is ResultFormat.json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        typer.echo(render.agreement_text(report))
    raise typer.Exit(EXIT_INVALID if report.gate_failed else EXIT_OK)


@app.command()
def adjudicate(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Annotation files and folders, several annotators per document."),
    ],
    out: Annotated[
        Path,
        typer.Option(
            help="Where to write: a folder (one <doc-id>.<adjudicator>.json each), a .jsonl file, or a "
            ".json file for "
            "one document."
        ),
    ],
    adjudicator: Annotated[
        str | None,
        typer.Option(help="Adjudicator id (default: the only one registered with the adjudicator role)."),
    ] = None,
    accept_unanimous: Annotated[
        bool,
        typer.Option(
            "--accept-unanimous",
            help="Write documents on which the annotators agree on every field as adjudicated.",
        ),
    ] = False,
    force: Annotated[bool, typer.Option(help="Replace existing files.")] = False,
    format: Annotated[
        ResultFormat, typer.Option("--format", "-f", help="Summary format.")
    ] = ResultFormat.text,
    schema_dir: SchemaDirOption = None,
    annotators: RegistryOption = None,
    max_record_bytes: MaxRecordOption = DEFAULT_MAX_RECORD_BYTES,
) -> None:
    """Write an adjudication draft per disputed document: agreed fields filled, disputes listed with who chose
    what."""
    from ..annotating import (
        adjudication,  # imported on use: `nklabor validate` does not pay for numpy
    )

    with guarded(format.value):
        validation = Validation(paths, schema_dir, annotators, max_record_bytes=max_record_bytes)
        found = validation.valid_annotations()
        try:
            judge = adjudication.choose_adjudicator(validation, adjudicator)
        except adjudication.AdjudicatorError as exc:
            raise adjudication.AdjudicatorError(f"--adjudicator: {exc}") from None
        plan = adjudication.plan(found, judge, accept_unanimous=accept_unanimous, schemas=validation.schemas)
        try:
            written = adjudication.write(plan, out, inputs=paths, force=force)
        except adjudication.OutputError as exc:
            raise adjudication.OutputError(f"--out {exc}") from None
    if format is ResultFormat.json:
        typer.echo(
            json.dumps(
                {**plan.to_dict(), "written": [str(p) for p in written]},
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        typer.echo(render.adjudication_text(plan, written))
