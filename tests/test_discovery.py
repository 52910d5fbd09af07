"""Files and folders: symlinks reported and not followed, case collisions reported, hidden entries skipped."""

from __future__ import annotations

import shutil
from pathlib import Path

from toolkit import validate

DATA = Path(__file__).resolve().parent / "data"
VALID = DATA / "valid" / "komdok-excerpt.json"


def setup(tmp_path: Path) -> Path:
    shutil.copy(DATA / "annotators.json", tmp_path / "annotators.json")
    return tmp_path


def test_symlinks_are_reported_not_followed(tmp_path: Path) -> None:
    folder = setup(tmp_path)
    (folder / "link.json").symlink_to(DATA / "invalid" / "wrong-enum" / "input.json")
    (folder / "dir-link").symlink_to(DATA / "invalid", target_is_directory=True)
    report = validate([folder])
    assert sorted((Path(i.file).name, i.code) for i in report.issues) == [
        ("dir-link", "path.symlink"), ("link.json", "path.symlink")]


def test_case_colliding_names_are_reported(tmp_path: Path) -> None:
    folder = setup(tmp_path)
    shutil.copy(VALID, folder / "Komdok.json")
    (folder / "komdok.json").write_bytes((DATA / "valid" / "komdok-excerpt.json").read_bytes().replace(
        b'"ann-01"', b'"ann-02"'))
    report = validate([folder])
    assert [(Path(i.file).name, i.code) for i in report.issues] == [("komdok.json", "path.case-collision")]


def test_hidden_and_other_files_are_skipped(tmp_path: Path) -> None:
    folder = setup(tmp_path)
    (folder / ".hidden.json").write_text("{", encoding="utf-8")
    (folder / "README.md").write_text("notes", encoding="utf-8")
    shutil.copy(VALID, folder / "a.json")
    report = validate([folder])
    assert report.valid and report.records == 1


def test_missing_registry_is_reported(tmp_path: Path) -> None:
    shutil.copy(VALID, tmp_path / "a.json")
    report = validate([tmp_path / "a.json"])
    assert [i.code for i in report.issues] == ["registry.missing"]


def test_explicit_registry_overrides(tmp_path: Path) -> None:
    shutil.copy(VALID, tmp_path / "a.json")
    report = validate([tmp_path / "a.json"], registry=DATA / "annotators.json")
    assert report.valid
