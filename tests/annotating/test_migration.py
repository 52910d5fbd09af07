"""`nklabor migrate`: 1.0 files become 2.0 losslessly where the mapping is determined; what needs a human is a
finding, and such a file is never written."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nklabor import validate
from nklabor.annotating.migration import migrate, to_2_0
from nklabor.cli import app
from nklabor.schema import load_schemas
from nklabor.validation import semantic, structural
from tests.support import DATA, ROOT

OLD = DATA / "migration"
runner = CliRunner()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "annotations"
    shutil.copytree(OLD, target)
    return target


def test_a_1_0_file_becomes_a_valid_2_0_file(folder: Path) -> None:
    before = json.loads((folder / "komdok-excerpt.json").read_text(encoding="utf-8"))
    report = migrate([folder / "komdok-excerpt.json"])
    assert [p.name for p in report.written] == ["komdok-excerpt.json"]
    after = json.loads((folder / "komdok-excerpt.json").read_text(encoding="utf-8"))
    assert after["schema_version"] == "2.0"
    assert validate([folder / "komdok-excerpt.json"]).issues == []
    old, new = before["events"][1], after["events"][1]
    assert new["place"]["subdivisions"] == [old["place"]["subdivision"]]
    assert new["sources"] == [old["source"]]
    assert new["time"]["start_precision"] == new["time"]["end_precision"] == old["time"]["precision"]
    count = {k: v for k, v in old["workers"].items()}
    assert new["counts"] == [{**count, "status": "unverified", "primary": True}]
    assert after["document"]["title"] == {"text": before["document"]["title"], "provenance": "unverified"}
    assert after["document"]["text"] == before["document"]["text"]  # the text, its hash and spans untouched
    assert [e["evidence"] for e in after["events"]] == [e["evidence"] for e in before["events"]]
    # What 1.0 could not record is flagged for a human, not guessed.
    assert {i.code for i in report.issues} == {"migrate.check"}
    assert all(i.severity == "warning" and i.line for i in report.issues)


def test_a_file_that_needs_a_decision_is_not_written(folder: Path) -> None:
    path = folder / "komdok-ann-01.json"
    before = path.read_bytes()
    report = migrate([path])
    assert report.written == [] and [f.source.path for f in report.blocked] == [path]
    errors = [(i.code, i.path) for i in report.issues if i.severity == "error"]
    assert ("migrate.needs-decision", "$.events[1].coercion[3].indicator") in errors
    assert ("source.credibility-needs-corroboration", "$.events[0].sources[0].credibility") in errors
    assert not any(code == "schema.enum" for code, _ in errors)  # the split id is one finding, not two
    assert path.read_bytes() == before


def test_check_writes_nothing_and_says_what_is_pending(folder: Path) -> None:
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    result = runner.invoke(app, ["migrate", "--check", str(folder)])
    assert result.exit_code == 1
    assert "would migrate 2 file(s); 1 need(s) a decision" in result.output
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_a_migrated_folder_is_current(folder: Path) -> None:
    (folder / "komdok-ann-01.json").unlink()
    assert runner.invoke(app, ["migrate", str(folder)]).exit_code == 0
    again = runner.invoke(app, ["migrate", "--check", str(folder)])
    assert again.exit_code == 0 and "already current" in again.output
    assert validate([folder]).valid


def test_jsonl_is_migrated_whole(folder: Path) -> None:
    path = folder / "two-annotators.jsonl"
    migrate([path])
    lines = path.read_text(encoding="utf-8").rstrip("\n").split("\n")  # U+2028 stays inside its line
    assert len(lines) == 2 and all(json.loads(line)["schema_version"] == "2.0" for line in lines)


def test_json_output_and_unknown_target() -> None:
    result = runner.invoke(app, ["migrate", "--check", "--format", "json", str(OLD)])
    body = json.loads(result.output)
    assert body["needs_decision"] and body["pending"] and body["written"] == []
    assert runner.invoke(app, ["migrate", "--to", "3.0", str(OLD)]).exit_code == 2


def test_every_1_0_annotation_in_git_history_migrates_or_says_why() -> None:
    """Every version of every annotation file ever committed: it migrates to a valid 2.0 annotation, or its
    migration reports at least one error finding (a decision for a human). None crashes."""
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    git = ["git", "-C", str(ROOT)]
    blobs: dict[str, str] = {}  # blob hash -> a path it was committed as
    for commit in subprocess.run(
        [*git, "rev-list", "--all"], capture_output=True, text=True, check=True
    ).stdout.split():
        tree = subprocess.run(
            [*git, "ls-tree", "-r", commit], capture_output=True, text=True, check=True
        ).stdout
        for line in tree.splitlines():
            meta, name = line.split("\t", 1)
            registry = name.endswith("annotators.json")
            if (
                name.endswith(".json")
                and name.startswith(("annotations/", "tests/data/valid/"))
                and not registry
            ):
                blobs.setdefault(meta.split()[2], name)
    schemas = load_schemas()
    outcomes = {"valid": 0, "needs_decision": 0}
    for blob in blobs:
        data = json.loads(
            subprocess.run([*git, "cat-file", "-p", blob], capture_output=True, check=True).stdout
        )
        if not isinstance(data, dict) or data.get("schema_version") != "1.0":
            continue
        migrated, findings = to_2_0(data)
        findings += structural.check(migrated, schemas) + semantic.check(migrated)
        if any(f.severity == "error" for f in findings):
            outcomes["needs_decision"] += 1
        else:
            outcomes["valid"] += 1
    assert outcomes["valid"] + outcomes["needs_decision"] >= 13, outcomes
    assert outcomes["valid"] >= 1


def test_without_paths_the_configured_roots_are_migrated(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    shutil.copytree(folder, project / "labels")
    (project / "nklabor.toml").write_text('roots = ["labels"]\n', encoding="utf-8")
    monkeypatch.chdir(project)
    result = runner.invoke(app, ["migrate", "--check"])
    assert result.exit_code == 1 and "labels/" in result.output, result.output
    (project / "nklabor.toml").write_text("", encoding="utf-8")
    result = runner.invoke(app, ["migrate", "--check"])
    assert result.exit_code == 2 and "no annotation roots are configured" in result.output
