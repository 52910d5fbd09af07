"""`nklabor labelstudio config|export|import`: annotating in Label Studio."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ..annotation import ROLE_ADJUDICATOR, ROLE_ANNOTATOR, dump, write_file
from ..errors import ExistsError, UsageError
from ..report import REPORTERS
from ..schema import load_schemas
from ..validation.reading import DEFAULT_MAX_RECORD_BYTES
from .annotate import AnnotatorOption, resolve_annotator
from .app import (
    EXIT_INVALID,
    Format,
    MaxRecordOption,
    RegistryOption,
    SchemaDirOption,
    app,
    guarded,
)

labelstudio_app = typer.Typer(
    help="Annotate in Label Studio: the labeling config, annotations as tasks, an export back to files.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
app.add_typer(labelstudio_app, name="labelstudio")

ForceOption = Annotated[bool, typer.Option("--force", help="Replace existing files.")]


class Role(StrEnum):
    """The role an imported annotation is signed with."""

    annotator = ROLE_ANNOTATOR
    adjudicator = ROLE_ADJUDICATOR


@labelstudio_app.command("config")
def config(
    out: Annotated[Path | None, typer.Option(help="Write the XML here (default: print it).")] = None,
    force: ForceOption = False,
    schema_dir: SchemaDirOption = None,
) -> None:
    """The labeling config (XML) generated from the schema: paste it into a Label Studio project."""
    from ..annotating.labelstudio import build_form, render_config

    with guarded():
        xml = render_config(build_form(load_schemas(schema_dir)))
        if out is None:
            typer.echo(xml, nl=False)
            return
        write_file(out, xml, overwrite=force)
    typer.echo(f"wrote {out}")


@labelstudio_app.command("export")
def export(
    paths: Annotated[list[Path], typer.Argument(help="Annotation files (.json, .jsonl) and folders.")],
    out: Annotated[Path, typer.Option(help="The tasks file to import into Label Studio.")],
    blank: Annotated[
        bool,
        typer.Option("--blank", help="No predictions: tasks for an independent annotation."),
    ] = False,
    force: ForceOption = False,
    schema_dir: SchemaDirOption = None,
    annotators: RegistryOption = None,
    max_record_bytes: MaxRecordOption = DEFAULT_MAX_RECORD_BYTES,
) -> None:
    """Annotations as Label Studio tasks, one per document, each annotation of it a prediction."""
    from ..annotating.labelstudio import build_form, to_tasks
    from ..validation import Validation

    with guarded():
        validation = Validation(paths, schema_dir, annotators, max_record_bytes=max_record_bytes)
        found = validation.valid_annotations()
        if not found:
            raise UsageError("no annotation to export")
        tasks = to_tasks([a.data for a in found], build_form(validation.schemas), blank=blank)
        write_file(out, json.dumps(tasks, ensure_ascii=False, indent=2) + "\n", overwrite=force)
    predictions = sum(len(t.get("predictions", [])) for t in tasks)
    typer.echo(f"wrote {out}: {len(tasks)} task(s), {predictions} prediction(s)")


@labelstudio_app.command("import")
def import_(
    export_file: Annotated[Path, typer.Argument(metavar="EXPORT", help="A Label Studio JSON export.")],
    annotator: AnnotatorOption = None,
    out: Annotated[Path, typer.Option(help="Folder to write the annotations to.")] = Path("annotations"),
    role: Annotated[Role, typer.Option(help="The role the annotations are signed with.")] = Role.annotator,
    completed_by: Annotated[
        int | None,
        typer.Option(help="Import only the annotations of this Label Studio user (its numeric id)."),
    ] = None,
    force: ForceOption = False,
    format: Annotated[Format, typer.Option("--format", "-f", help="Report format.")] = Format.text,
    schema_dir: SchemaDirOption = None,
    annotators: RegistryOption = None,
) -> None:
    """A Label Studio JSON export to annotation files, all validated before any is written."""
    from ..annotating.authoring import registration_fault
    from ..annotating.labelstudio import plan_import

    who = resolve_annotator(annotator)
    with guarded():
        if not export_file.is_file():
            raise UsageError(f"{export_file}: no such file")
        schemas = load_schemas(schema_dir)
        fault = registration_fault(who, out / "new.json", annotators, schemas, role.value)
        if fault:
            raise UsageError(f"--annotator: {fault}")
        plan = plan_import(
            export_file, annotator=who, out=out, role=role.value, completed_by=completed_by, schemas=schemas
        )
        shown = (
            REPORTERS[format.value](plan.report) if plan.report.issues or format is not Format.text else ""
        )
        if not plan.report.valid:
            typer.echo(shown)
            typer.echo("error: nothing written", err=True)
            raise typer.Exit(EXIT_INVALID)
        if plan.existing and not force:
            raise ExistsError(", ".join(str(p) for p in plan.existing))
        for planned in plan.files:
            write_file(planned.path, dump(planned.annotation), overwrite=force)
    if shown:
        typer.echo(shown)
    for planned in plan.files:
        typer.echo(f"wrote {planned.path}", err=format is not Format.text)
