"""`nklabor config`: the effective project configuration."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from . import render
from .app import ConfigOption, ResultFormat, app, guarded, project


@app.command("config")
def show_config(
    config: ConfigOption = None,
    format: Annotated[
        ResultFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ResultFormat.text,
) -> None:
    """Print the effective settings ([tool.nklabor] in pyproject.toml, or nklabor.toml) and where each
    came from."""
    with guarded():
        settings = project(config)
    if format is ResultFormat.json:
        typer.echo(json.dumps(settings.to_dict(), ensure_ascii=False, indent=2))
    else:
        typer.echo(render.config_text(settings))
