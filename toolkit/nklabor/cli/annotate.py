"""`nklabor init`, `new`, `span` and `reanchor`: the annotator's helpers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from ..annotating import authoring
from ..annotation import dump, write_file
from ..config import ENV_ANNOTATOR
from .app import EXIT_INVALID, RegistryOption, app, guarded, project

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
        help=f"Your pseudonymous id, e.g. ann-03 (default: ${ENV_ANNOTATOR}).",
        show_default=False,
    ),
]


def resolve_annotator(given: str | None) -> str:
    """The id to sign with: --annotator, else `$NKLABOR_ANNOTATOR`, else the project configuration's
    `default_annotator`; there is no built-in one, so that nobody signs a colleague's id by forgetting a
    flag."""
    if given:
        return given
    with guarded():
        found = project(None).default_annotator  # the environment over the file, as everywhere
    if not found:
        typer.echo(
            f"error: --annotator: say who you are (--annotator ID, set {ENV_ANNOTATOR}, or "
            "default_annotator in [tool.nklabor])",
            err=True,
        )
        raise typer.Exit(2)
    return found


@app.command()
def init(
    folder: Annotated[Path, typer.Argument(help="The project folder (default: this one).")] = Path("."),
    annotator: AnnotatorOption = None,
) -> None:
    """Get a folder ready to annotate.

    Writes annotations/annotators.json with your id, editor copies of the schemas (each label's definition
    shown while typing) and VS Code settings that check annotations/*.json against them."""
    from ..annotating.project import init_project

    who = resolve_annotator(annotator)
    with guarded():
        done = init_project(folder, who)
    for path, action in done.actions:
        what, _, detail = action.partition(": ")
        typer.echo(f"{what} {path}" + (f": {detail}" if detail else ""))
    typer.echo(
        f"next: nklabor new ARTICLE.txt --id DOC-ID --outlet OUTLET --url URL --published YYYY-MM-DD "
        f"--annotator {who}"
    )


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


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


@app.command()
def span(
    file: Annotated[Path, typer.Argument(help="An annotation (.json) or a plain-text article.")],
    quote: Annotated[str, typer.Argument(help="The exact words to find.")],
    occurrence: Annotated[
        int | None, typer.Option(help="Which occurrence (1-based) when the quote repeats.")
    ] = None,
    add: Annotated[
        str | None,
        typer.Option(
            "--add", metavar="EVENT", help="Add the span to this event's evidence (its id, e.g. e1)."
        ),
    ] = None,
    indicator: Annotated[
        str | None,
        typer.Option(help="With --add: add it to this coercion indicator of the event instead."),
    ] = None,
    status: Annotated[
        str | None,
        typer.Option(help="With --indicator: its status, when the event does not have the indicator yet."),
    ] = None,
) -> None:
    """Print the {start, end, quote} span of a quote (near matches when absent, every occurrence when
    repeated); with --add, insert it into the file as evidence."""
    if (indicator or status) and not add:
        typer.echo("error: --indicator and --status go with --add EVENT", err=True)
        raise typer.Exit(2)
    with guarded():
        text = authoring.document_text(file)
        try:
            found = authoring.find_span(text, quote, occurrence)
        except authoring.QuoteError as exc:
            for match in exc.suggestions:
                shown = json.dumps(match.span, ensure_ascii=False)
                typer.echo(
                    f"near match ({', '.join(match.differences)}): {shown}  (line {_line(text, match.start)})"
                )
            for n, each in enumerate(exc.spans, 1):
                shown = json.dumps(each, ensure_ascii=False)
                typer.echo(f"--occurrence {n}: {shown}  (line {_line(text, each['start'])})")
            hint = " (--occurrence N)" if exc.occurrences > 1 else ""
            raise authoring.QuoteError(f"{file}: {exc}{hint}", exc.occurrences) from None
        if add is None:
            typer.echo(json.dumps(found, ensure_ascii=False))
            return
        from ..annotating.editing import add_evidence

        added = add_evidence(file, quote, add, indicator=indicator, status=status, occurrence=occurrence)
    typer.echo(json.dumps(added.span, ensure_ascii=False))
    made = f" (a new indicator {indicator}, {status})" if added.created else ""
    typer.echo(f"added to {file} at {added.path}{made}")
    errors = sum(1 for i in added.remaining if i.severity == "error")
    if errors:
        typer.echo(f"note: {file} still has {errors} error(s) it had before: nklabor validate {file}")


@app.command()
def reanchor(
    file: Annotated[Path, typer.Argument(help="The annotation (.json) whose article text was corrected.")],
    text: Annotated[
        Path | None,
        typer.Option(
            "--text",
            help="The corrected article (UTF-8 text); default: the text the file holds now (edited by hand).",
        ),
    ] = None,
    allow_unplaced: Annotated[
        bool,
        typer.Option(
            "--allow-unplaced", help="Write even when some quotes could not be placed (left as they were)."
        ),
    ] = False,
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 if the file would change.")
    ] = False,
) -> None:
    """Re-locate every quote in the corrected article text; update offsets, changed quotes and the hash."""
    from ..annotating.reanchor import reanchor as run

    with guarded():
        corrected = authoring.read_article(text) if text is not None else None
        done = run(file, corrected, allow_unplaced=allow_unplaced, check=check)
    counts = {how: done.count(how) for how in ("kept", "moved", "requoted")}
    summary = ", ".join(f"{n} {how}" for how, n in counts.items())
    typer.echo(
        f"{file}: {len(done.placed) + len(done.unplaced)} span(s): {summary}, {len(done.unplaced)} unplaced"
    )
    for placed in done.placed:
        if placed.how == "requoted":
            old, new = (
                json.dumps(placed.old["quote"], ensure_ascii=False),
                json.dumps(placed.new["quote"], ensure_ascii=False),
            )
            where = f"[{placed.new['start']}, {placed.new['end']})"
            typer.echo(f"  {placed.path}: the quote is now {new} (was {old}) at {where}")
    for unplaced in done.unplaced:
        quoted = json.dumps(unplaced.span["quote"], ensure_ascii=False)
        typer.echo(f"unplaced {unplaced.path}: {quoted} {unplaced.why}")
    changes = done.text_changed or any(p.how != "kept" for p in done.placed)
    if done.written:
        typer.echo(f"wrote {file}")
    elif done.unplaced and not check:
        typer.echo(
            f"error: nothing written: {len(done.unplaced)} quote(s) could not be placed uniquely "
            "(fix them, or --allow-unplaced)",
            err=True,
        )
    elif not changes:
        typer.echo(f"{file}: every quote is in place; nothing to do")
    for other in done.others:
        typer.echo(f"note: {other}: reanchor it too (--text)")
    stuck = bool(done.unplaced) or (check and changes)
    raise typer.Exit(EXIT_INVALID if stuck else 0)
