"""The Typer application, the options several commands share, and the one place that turns nklabor's
exceptions into a message and an exit code: 0 valid, 1 invalid data, 2 usage error, 3 environment error."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from .. import package_version
from ..config import Config, load
from ..errors import ExistsError, InvalidInputError, NklaborError, ToolkitEnvironmentError
from ..report import REPORTERS
from ..schema import load_schemas

EXIT_OK, EXIT_INVALID, EXIT_ENVIRONMENT = 0, 1, 3
COMMAND = False
"""Whether this process is the `nklabor` command (set by `nklabor.cli.main`, not under a test's `CliRunner`):
what would surprise a program that imports nklabor (`nklabor.release.memory.spare_pandas`) is done only
then."""

# Plain help and usage errors (rich_markup_mode=None): rendering them with rich imports rich and a Markdown
# parser, which doubles the time `nklabor --help` takes. Shell completion is on (`--install-completion`).
app = typer.Typer(
    help="Schemas, validator and release packager for datasets on state-imposed labour in North Korea.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    add_completion=True,
)
release_app = typer.Typer(
    help="Build, verify, compare and list dataset releases.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
app.add_typer(release_app, name="release")

SchemaDirOption = Annotated[Path | None, typer.Option(help="Schema folder (default: the project's schema/).")]
RegistryOption = Annotated[
    Path | None,
    typer.Option(help="Annotator registry (default: the nearest annotators.json above each file)."),
]
MaxRecordOption = Annotated[
    int | None,
    typer.Option(
        "--max-record-bytes",
        min=1,
        help="Largest record read (a .json file or a JSONL line); a larger one is a record.too-large "
        "finding. Default: the configuration's max_record_bytes, else 16 MiB.",
        show_default=False,
    ),
]
ReleasesOption = Annotated[Path, typer.Option("--releases", help="Folder holding the releases.")]
ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        help="Configuration file (default: the nearest nklabor.toml, or pyproject.toml with a "
        "[tool.nklabor] table, from the current folder up).",
    ),
]


class Format(StrEnum):
    """Formats of a validation report."""

    text = "text"
    json = "json"
    github = "github"
    sarif = "sarif"
    junit = "junit"


class ResultFormat(StrEnum):
    """Formats of any other result."""

    text = "text"
    json = "json"


class GateFormat(StrEnum):
    """Formats of a result that is a CI gate (agreement): GitHub annotations say whether it passed."""

    text = "text"
    json = "json"
    github = "github"


def project(file: Path | None, **overrides: Any) -> Config:
    """The project configuration (`file`, else the nearest one) with the command line's values over it."""
    return load(file).override(**overrides)


def versions() -> str:
    """`nklabor <version> (schema <version>)`: the package version from its metadata, one source."""
    return f"nklabor {package_version()} (schema {load_schemas().version})"


@contextmanager
def guarded(report_format: str = "text") -> Iterator[None]:
    """Turn nklabor's exceptions into a one-line message on stderr and the matching exit code. Invalid input
    prints the validator's report (in `report_format`) first."""
    try:
        yield
    except InvalidInputError as exc:
        typer.echo(REPORTERS[report_format](exc.report))
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(exc.exit_code) from None
    except ExistsError as exc:
        typer.echo(f"error: {exc} (use --force to replace it)", err=True)
        raise typer.Exit(exc.exit_code) from None
    except NklaborError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(exc.exit_code) from None
    except OSError as exc:
        typer.echo(f"error: {ToolkitEnvironmentError(exc)}", err=True)
        raise typer.Exit(EXIT_ENVIRONMENT) from None
