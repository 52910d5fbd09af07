"""`nklabor evaluate`: the official scorer."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from . import render
from .app import MaxRecordOption, ResultFormat, app, guarded, project


class Split(StrEnum):
    """The split scored."""

    test = "test"
    validation = "validation"
    train = "train"


@app.command()
def evaluate(
    predictions: Annotated[
        list[Path],
        typer.Argument(
            help="Prediction files (annotation .json or .jsonl, annotator fields optional) or folders."
        ),
    ],
    release: Annotated[
        str,
        typer.Option("--release", help="The release scored against: its folder, or a version in releases/."),
    ],
    split: Annotated[Split, typer.Option("--split", help="The split scored.")] = Split.test,
    format: Annotated[
        ResultFormat, typer.Option("--format", "-f", help="Report format.")
    ] = ResultFormat.text,
    max_record_bytes: MaxRecordOption = None,
) -> None:
    """Score predictions against a release's gold: event detection, every label family, indicators with their
    status, sanctions, counts, places, the derived assessment and evidence spans, with the human agreement
    on the same split beside each figure."""
    from ..evaluation.run import evaluate as run  # imported on use: other commands do not pay for pyarrow
    from ..release.load import resolve

    with guarded(format.value):
        cap = project(None, max_record_bytes=max_record_bytes).max_record_bytes
        result = run(predictions, resolve(release), split.value, max_record_bytes=cap)
    if format is ResultFormat.json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        typer.echo(render.evaluation_text(result))
