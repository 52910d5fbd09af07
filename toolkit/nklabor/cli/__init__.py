"""The `nklabor` command. Each module of this package holds one group of commands; a command only parses its
options, calls the library, prints the result and sets the exit code: 0 valid, 1 invalid data, 2 usage error,
3 environment error."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from . import agreement, annotate, codebook, config, evaluate, labelstudio, migrate, release, validate
from .app import app, versions

__all__ = [
    "agreement",
    "annotate",
    "app",
    "codebook",
    "config",
    "evaluate",
    "labelstudio",
    "main",
    "migrate",
    "release",
    "validate",
]


def _show_version(value: bool) -> None:
    if value:
        typer.echo(versions())
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_show_version,
            is_eager=True,
            help="Print the nklabor and schema versions and exit.",
        ),
    ] = False,
) -> None:
    """Schemas, validator and release packager for datasets on state-imposed labour in North Korea."""


def main() -> None:
    """Console-script entry point."""
    sys.exit(app())
