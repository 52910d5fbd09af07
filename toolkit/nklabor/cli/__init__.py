"""The `nklabor` command. Each module of this package holds one group of commands; a command only parses its
options, calls the library, prints the result and sets the exit code: 0 valid, 1 invalid data, 2 usage error,
3 environment error."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from . import agreement, annotate, codebook, config, evaluate, labelstudio, migrate, release, validate
from . import app as app_module
from .app import app, versions

__all__ = [
    "ARROW_POOL",
    "agreement",
    "annotate",
    "app",
    "codebook",
    "config",
    "evaluate",
    "labelstudio",
    "main",
    "migrate",
    "prefer_returning_pool",
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


ARROW_POOL = ("ARROW_DEFAULT_MEMORY_POOL", "jemalloc")
"""The Arrow memory pool the command asks for (on Linux, unless one is chosen already): pyarrow's default,
mimalloc, keeps what a release build frees, and a build of 100,000 annotations peaked about 90 MB higher
with it. It must be chosen before pyarrow is imported, which no command does at start-up."""


def prefer_returning_pool(environ: dict[str, str] | os._Environ[str]) -> None:
    """Choose `ARROW_POOL` in `environ` on Linux (its wheels have jemalloc), unless a pool is chosen."""
    if sys.platform == "linux":
        environ.setdefault(*ARROW_POOL)


def main() -> None:
    """Console-script entry point."""
    app_module.COMMAND = True
    prefer_returning_pool(os.environ)
    sys.exit(app())
