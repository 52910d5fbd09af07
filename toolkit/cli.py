"""The `nklabor` command. It parses arguments, calls the library, prints a report and sets the exit code:
0 valid, 1 invalid data, 2 usage error, 3 environment error."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from . import adjudicate, agreement, authoring, codebook
from .authoring import ExistsError
from .errors import NklaborError, ToolkitEnvironmentError
from .reading import DEFAULT_MAX_RECORD_BYTES
from .release.cli import release_app
from .reporters import REPORTERS
from .validate import Annotation, Validation
from .validate import validate as run_validation

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_ENVIRONMENT = 0, 1, 2, 3

# Options shared by every command that reads annotations.
SchemaDirOption = Annotated[Path | None, typer.Option(help="Schema folder (default: the project's schema/).")]
RegistryOption = Annotated[Path | None, typer.Option(
    help="Annotator registry (default: the nearest annotators.json above each file).")]
MaxRecordOption = Annotated[int, typer.Option(
    "--max-record-bytes", min=1,
    help="Largest record read (a .json file or a JSONL line); a larger one is a record.too-large finding.")]

app = typer.Typer(help=__doc__, no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
app.add_typer(release_app, name="release")


class Format(StrEnum):
    text = "text"
    json = "json"
    github = "github"


@contextmanager
def guarded() -> Iterator[None]:
    """Turn the toolkit's exceptions into a one-line message on stderr and the matching exit code."""
    try:
        yield
    except ExistsError as exc:
        typer.echo(f"error: {exc} (use --force to replace it)", err=True)
        raise typer.Exit(exc.exit_code) from None
    except NklaborError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(exc.exit_code) from None
    except OSError as exc:
        typer.echo(f"error: {ToolkitEnvironmentError(exc)}", err=True)
        raise typer.Exit(EXIT_ENVIRONMENT) from None


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
        report = run_validation(paths, schema_dir=schema_dir, registry=annotators, max_record_bytes=max_record_bytes)
    out = REPORTERS[format.value](report)
    if out:
        typer.echo(out)
    raise typer.Exit(EXIT_OK if report.valid else EXIT_INVALID)


@app.command("codebook")
def codebook_cmd(
    out: Annotated[Path, typer.Option(help="Where to write the Markdown codebook.")] = Path("docs/codebook.md"),
    check: Annotated[bool, typer.Option("--check", help="Exit 1 if the file is stale instead of writing it.")] = False,
    schema_dir: Annotated[Path | None, typer.Option(help="Schema folder.")] = None,
) -> None:
    """Render the schema into the Markdown codebook."""
    with guarded():
        text = codebook.render(schema_dir)
        if check:
            current = out.read_text(encoding="utf-8") if out.exists() else None
            if current != text:
                typer.echo(f"{out}: stale; run `nklabor codebook` and commit the result", err=True)
                raise typer.Exit(EXIT_INVALID)
            typer.echo(f"{out}: up to date")
            return
        authoring.write_new(out, text, overwrite=True)
    typer.echo(f"wrote {out}")


# How `nklabor new` names the field behind each of its options in a fault.
NEW_OPTIONS = {"document.id": "--id", "document.outlet": "--outlet", "document.outlet_type": "--outlet-type",
               "document.url": "--url", "document.published": "--published", "document.title": "--title",
               "document.language": "--language", "annotator": "--annotator", "out": "--out",
               "document.text": "ARTICLE"}


@app.command()
def new(
    article: Annotated[Path, typer.Argument(help="The article as a UTF-8 text file.")],
    doc_id: Annotated[str, typer.Option("--id", help="Document slug, e.g. dailynk-2021-komdok-soldiers.")],
    outlet: Annotated[str, typer.Option(help="Publisher, e.g. \"Daily NK\".")],
    url: Annotated[str, typer.Option(help="Where the article was published.")],
    published: Annotated[str, typer.Option(help="Publication date, YYYY-MM-DD.")],
    title: Annotated[str | None, typer.Option(help="Article title (default: its first line).")] = None,
    outlet_type: Annotated[str, typer.Option(help="Outlet type id.")] = "nk_specialist_outlet",
    language: Annotated[str, typer.Option(help="BCP 47 language tag.")] = "en",
    annotator: Annotated[str, typer.Option(help="Your pseudonymous id, e.g. ann-03.")] = "ann-01",
    out: Annotated[Path | None, typer.Option(help="Output file (default: annotations/<id>.<annotator>.json).")] = None,
    annotators: RegistryOption = None,
    force: Annotated[bool, typer.Option(help="Replace an existing file.")] = False,
) -> None:
    """Write a skeleton annotation: text, hash and no events yet, valid from the start."""
    with guarded():
        text = authoring.read_article(article)
        try:
            planned = authoring.plan_new(text, doc_id=doc_id, outlet=outlet, outlet_type=outlet_type, url=url,
                                         published=published, title=title, language=language,
                                         annotator=annotator, out=out, registry=annotators, overwrite=force)
        except authoring.OptionsError as exc:
            for name, why in exc.faults:
                typer.echo(f"error: {NEW_OPTIONS.get(name, name)}: {why}", err=True)
            typer.echo("nothing written", err=True)
            raise typer.Exit(exc.exit_code) from None
        authoring.write_new(planned.path, authoring.dump(planned.annotation), overwrite=force)
    typer.echo(f"wrote {planned.path}")


@app.command()
def span(
    file: Annotated[Path, typer.Argument(help="An annotation (.json) or a plain-text article.")],
    quote: Annotated[str, typer.Argument(help="The exact words to find.")],
    occurrence: Annotated[int | None, typer.Option(help="Which occurrence (1-based) when the quote repeats.")] = None,
) -> None:
    """Print the {start, end, quote} span of a quote in the document text."""
    with guarded():
        text = authoring.document_text(file)
        try:
            found = authoring.find_span(text, quote, occurrence)
        except authoring.QuoteError as exc:
            hint = " (--occurrence N)" if exc.occurrences > 1 else ""
            raise authoring.QuoteError(f"{file}: {exc}{hint}", exc.occurrences) from None
    typer.echo(json.dumps(found, ensure_ascii=False))


class AgreementFormat(StrEnum):
    text = "text"
    json = "json"


def _valid_annotations(paths: list[Path], fmt: str, schema_dir: Path | None,
                       annotators: Path | None) -> tuple[list[Annotation], Validation]:
    """Read and validate `paths`; on any finding print the validator's report and exit 1."""
    validation = Validation(paths, schema_dir, annotators)
    found = list(validation.annotations())
    if not validation.report.valid:
        typer.echo(REPORTERS[fmt](validation.report))
        raise typer.Exit(EXIT_INVALID)
    return found, validation


@app.command("agreement")
def agreement_cmd(
    paths: Annotated[list[Path], typer.Argument(help="Annotation files and folders, several annotators per document.")],
    format: Annotated[AgreementFormat, typer.Option("--format", "-f", help="Report format.")] = AgreementFormat.text,
    min_alpha: Annotated[float | None, typer.Option(
        "--min-alpha", min=-1.0, max=1.0,
        help="CI gate: exit 1 when any field's alpha is below this (e.g. 0.67).")] = None,
    schema_dir: SchemaDirOption = None,
    annotators: RegistryOption = None,
) -> None:
    """Inter-annotator agreement: Krippendorff's alpha per label family, annotator pairs, documents worst first."""
    with guarded():
        found, _ = _valid_annotations(paths, format.value, schema_dir, annotators)
        report = agreement.measure([a.data for a in found], [f"{a.file}:{a.line}" for a in found], min_alpha)
    if format is AgreementFormat.json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        typer.echo(agreement.render_text(report))
    raise typer.Exit(EXIT_INVALID if report.gate_failed else EXIT_OK)


@app.command("adjudicate")
def adjudicate_cmd(
    paths: Annotated[list[Path], typer.Argument(help="Annotation files and folders, several annotators per document.")],
    out: Annotated[Path, typer.Option(
        help="Where to write: a folder (one <doc-id>.<adjudicator>.json each), a .jsonl file, or a .json file for "
             "one document.")],
    adjudicator: Annotated[str | None, typer.Option(
        help="Adjudicator id (default: the only one registered with the adjudicator role).")] = None,
    accept_unanimous: Annotated[bool, typer.Option(
        "--accept-unanimous", help="Write documents on which the annotators agree on every field as adjudicated.")
    ] = False,
    force: Annotated[bool, typer.Option(help="Replace existing files.")] = False,
    format: Annotated[AgreementFormat, typer.Option("--format", "-f", help="Summary format.")] = AgreementFormat.text,
    schema_dir: SchemaDirOption = None,
    annotators: RegistryOption = None,
) -> None:
    """Write an adjudication draft per disputed document: agreed fields filled, disputes listed with who chose what."""
    with guarded():
        found, validation = _valid_annotations(paths, format.value, schema_dir, annotators)
        judge = adjudicate.choose_adjudicator(validation, adjudicator)
        plan = adjudicate.plan(found, judge, accept_unanimous=accept_unanimous, schemas=validation.schemas)
        written = adjudicate.write(plan, out, inputs=paths, force=force)
    if format is AgreementFormat.json:
        typer.echo(json.dumps({**plan.to_dict(), "written": [str(p) for p in written]}, ensure_ascii=False,
                              indent=2))
    else:
        typer.echo(adjudicate.render_text(plan, written))


def main() -> None:
    """Console-script entry point."""
    sys.exit(app())
