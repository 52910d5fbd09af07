"""The round trip against a real Label Studio server (started once for the session from `.venv-labelstudio`):
export the shipped annotations as tasks, create a project from the generated config, import the tasks, submit
their predictions as annotations through the API, export, import back, and get the same labels."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nklabor.cli import app
from tests.support import DATA, ROOT
from tests.support.labelstudio import Server, missing

runner = CliRunner()
ANNOTATIONS = ROOT / "annotations"
SIGNERS = {"ann-01": "annotator", "ann-02": "annotator", "adj-01": "adjudicator"}
EVERY_FIELD = DATA / "labelstudio" / "synthetic-every-field.ann-01.json"
"""Every field of the schema (route legs, relays, further counts in event_extra; an emoji before spans)."""


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    why = missing()
    if why:
        pytest.fail(why)
    began = time.monotonic()
    running = Server.start()
    print(f"\nLabel Studio ready at {running.url} in {time.monotonic() - began:.1f} s")
    try:
        yield running
    finally:
        running.stop()
        assert running.process is not None and running.process.poll() is not None


def invoke(*args: str) -> str:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def without_stamp(annotation: dict[str, object]) -> dict[str, object]:
    """An annotation without `annotated_at`: the import stamps when Label Studio last saved it."""
    return {k: v for k, v in annotation.items() if k != "annotated_at"}


def test_shipped_annotations_survive_a_round_trip_through_label_studio(
    server: Server, tmp_path: Path
) -> None:
    config = tmp_path / "config.xml"
    invoke("labelstudio", "config", "--out", str(config))
    sets = {signer: sorted(ANNOTATIONS.glob(f"*.{signer}.json")) for signer in SIGNERS}
    sets["every-field"] = [EVERY_FIELD]
    projects, originals = [], {}
    for name, files in sets.items():
        assert files, name
        originals[name] = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in files}
        tasks = tmp_path / f"tasks-{name}.json"
        invoke("labelstudio", "export", *map(str, files), "--out", str(tasks))
        export = str(tmp_path / f"{name}.json")
        projects.append({"title": f"nklabor {name}", "tasks": str(tasks), "export": export})

    summary = server.drive(config.read_text(encoding="utf-8"), projects)

    out = tmp_path / "annotations"
    out.mkdir()
    shutil.copy(ANNOTATIONS / "annotators.json", out)
    for name, done in zip(sets, summary, strict=True):
        assert done["tasks"] == done["predictions"] == done["annotations"] == len(originals[name])
        sent = json.loads((tmp_path / f"tasks-{name}.json").read_text(encoding="utf-8"))
        exported = json.loads((tmp_path / f"{name}.json").read_text(encoding="utf-8"))
        by_text = {t["data"]["text"]: t for t in sent}
        for task in exported:  # the server kept every result item as it was sent
            (annotation,) = task["annotations"]
            assert annotation["result"] == by_text[task["data"]["text"]]["predictions"][0]["result"]
        signer = "ann-01" if name == "every-field" else name
        invoke(
            "labelstudio",
            "import",
            str(tmp_path / f"{name}.json"),
            "--annotator",
            signer,
            "--role",
            SIGNERS[signer],
            "--out",
            str(out),
        )
        for file, original in originals[name].items():
            back = json.loads((out / file).read_text(encoding="utf-8"))
            assert without_stamp(back) == without_stamp(original), file
    assert invoke("validate", str(out)).startswith("valid:")


def test_the_labelstudio_extra_names_the_sdk_the_round_trip_runs() -> None:
    import tomllib

    extra = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "optional-dependencies"
    ]
    (pin,) = extra["labelstudio"]
    why = missing()
    if why:
        pytest.fail(why)
    from tests.support.labelstudio import VENV

    (installed,) = (VENV / "lib").glob("python*/site-packages/label_studio_sdk-*.dist-info")
    assert pin == "label-studio-sdk==" + installed.name.removeprefix("label_studio_sdk-").removesuffix(
        ".dist-info"
    )
