"""`nklabor new` and `nklabor span`: the annotator's helpers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from ..annotating import authoring
from ..annotation import dump, write_file
from .app import RegistryOption, app, guarded

# The option behind each field `nklabor new` may find at fault.
NEW_OPTIONS = {
    "document.id": "--id",
    "document.outlet": "--outlet",
    "document.outlet_type": "--outlet-type",
    "document.url": "--url",
    "document.published": "--published",
    "document.published.date": "--published",
    "document.published.provenance": "--published-provenance",
    "document.title": "--title",
    "document.title.text": "--title",
    "document.title.provenance": "--title-provenance",
    "document.language": "--language",
    "annotator": "--annotator",
    "out": "--out",
    "document.text": "ARTICLE",
}


AnnotatorOption = Annotated[
    str | None,
    typer.Option(
        help=f"Your pseudonymous id, e.g. ann-03 (default: ${authoring.ANNOTATOR_VARIABLE}).",
        show_default=False,
    ),
]


def resolve_annotator(given: str | None) -> str:
    """The id to sign with: --annotator, else the default (see `authoring.default_annotator`); there is no
    built-in one, so that nobody signs a colleague's id by forgetting a flag."""
    found = given or authoring.default_annotator()
    if not found:
        typer.echo(
            f"error: --annotator: say who you are (--annotator ID, or set {authoring.ANNOTATOR_VARIABLE})",
            err=True,
        )
        raise typer.Exit(2)
    return found


@app.command()
def new(
    article: Annotated[Path, typer.Argument(help="The article as a UTF-8 text file.")],
    doc_id: Annotated[str, typer.Option("--id", help="Document slug, e.g. dailynk-2021-komdok-soldiers.")],
    outlet: Annotated[str, typer.Option(help='Publisher, e.g. "Daily NK".')],
    url: Annotated[str, typer.Option(help="Where the article was published.")],
    published: Annotated[
        str | None,
        typer.Option(
            help="Publication date as precise as known: YYYY-MM-DD, YYYY-MM or YYYY (leave it out when "
            "unknown, "
            "with --published-basis)."
        ),
    ] = None,
    published_provenance: Annotated[
        str | None,
        typer.Option(
            help="as_published (default with a date), translated, reconstructed (needs --published-basis)."
        ),
    ] = None,
    published_basis: Annotated[
        str | None, typer.Option(help="How the date was worked out or searched for.")
    ] = None,
    title: Annotated[
        str | None,
        typer.Option(
            help="The headline (default: the article's first line, recorded as reconstructed from it)."
        ),
    ] = None,
    title_provenance: Annotated[
        str | None,
        typer.Option(
            help="as_published (default with a title), translated, reconstructed (needs --title-basis)."
        ),
    ] = None,
    title_basis: Annotated[str | None, typer.Option(help="How the title was worked out.")] = None,
    outlet_type: Annotated[str, typer.Option(help="Outlet type id.")] = "nk_specialist_outlet",
    language: Annotated[str, typer.Option(help="BCP 47 language tag.")] = "en",
    annotator: AnnotatorOption = None,
    out: Annotated[
        Path | None, typer.Option(help="Output file (default: annotations/<id>.<annotator>.json).")
    ] = None,
    annotators: RegistryOption = None,
    force: Annotated[bool, typer.Option(help="Replace an existing file.")] = False,
) -> None:
    """Write a skeleton annotation: text, hash and no events yet, valid from the start."""
    annotator = resolve_annotator(annotator)
    with guarded():
        text = authoring.read_article(article)
        try:
            planned = authoring.plan_new(
                text,
                doc_id=doc_id,
                outlet=outlet,
                outlet_type=outlet_type,
                url=url,
                published=authoring.metadata("date", published, published_provenance, published_basis),
                title=None
                if title is None and title_provenance is None
                else authoring.metadata("text", title, title_provenance, title_basis),
                language=language,
                annotator=annotator,
                out=out,
                registry=annotators,
                overwrite=force,
            )
        except authoring.OptionsError as exc:
            for name, why in exc.faults:
                typer.echo(f"error: {NEW_OPTIONS.get(name, name)}: {why}", err=True)
            typer.echo("nothing written", err=True)
            raise typer.Exit(exc.exit_code) from None
        write_file(planned.path, dump(planned.annotation), overwrite=force)
    typer.echo(f"wrote {planned.path}")


@app.command()
def span(
    file: Annotated[Path, typer.Argument(help="An annotation (.json) or a plain-text article.")],
    quote: Annotated[str, typer.Argument(help="The exact words to find.")],
    occurrence: Annotated[
        int | None, typer.Option(help="Which occurrence (1-based) when the quote repeats.")
    ] = None,
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
