"""`nklabor agreement` and `nklabor adjudicate`: several annotators per document."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from ..validation import Validation
from . import render
from .app import (
    EXIT_INVALID,
    EXIT_OK,
    ConfigOption,
    GateFormat,
    MaxRecordOption,
    RegistryOption,
    ResultFormat,
    SchemaDirOption,
    app,
    guarded,
    project,
)


@app.command()
def agreement(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Annotation files and folders, several annotators per document. Default: the configured "
            "annotation roots.",
            show_default=False,
        ),
    ] = None,
    format: Annotated[GateFormat, typer.Option("--format", "-f", help="Report format.")] = GateFormat.text,
    min_alpha: Annotated[
        float | None,
        typer.Option(
            "--min-alpha",
            min=-1.0,
            max=1.0,
            help="CI gate: exit 1 when any field's alpha is below this (e.g. 0.67). Default: the "
            "configuration's min_alpha, else no gate.",
        ),
    ] = None,
    schema_dir: SchemaDirOption = None,
    annotators: RegistryOption = None,
    max_record_bytes: MaxRecordOption = None,
    config: ConfigOption = None,
) -> None:
    """Inter-annotator agreement: Krippendorff's alpha per label family, annotator pairs, documents worst
    first."""
    from ..agreement.measure import (
        measure,  # imported on use: `nklabor validate` does not pay for numpy
    )

    with guarded(format.value):
        settings = project(
            config, registry=annotators, max_record_bytes=max_record_bytes, min_alpha=min_alpha
        )
        found = Validation(paths or [], schema_dir, config=settings).valid_annotations()
        report = measure([a.data for a in found], [a.where for a in found], settings.min_alpha)
    if format is GateFormat.json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    elif format is GateFormat.github:
        typer.echo(render.agreement_github(report))
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
    max_record_bytes: MaxRecordOption = None,
    config: ConfigOption = None,
) -> None:
    """Write an adjudication draft per disputed document: agreed fields filled, disputes listed with who chose
    what."""
    from ..annotating import (
        adjudication,  # imported on use: `nklabor validate` does not pay for numpy
    )

    with guarded(format.value):
        settings = project(config, registry=annotators, max_record_bytes=max_record_bytes)
        validation = Validation(paths, schema_dir, config=settings)
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
