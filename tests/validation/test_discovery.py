"""Files and folders: symlinks reported and not followed, case collisions reported, hidden entries skipped."""

from __future__ import annotations

import os
import shutil
import time
import unicodedata
from pathlib import Path

import pytest

from nklabor import validate
from tests.support import DATA

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
        ("dir-link", "path.symlink"),
        ("link.json", "path.symlink"),
    ]


def test_case_colliding_names_are_reported(tmp_path: Path) -> None:
    folder = setup(tmp_path)
    shutil.copy(VALID, folder / "Komdok.json")
    (folder / "komdok.json").write_bytes(
        (DATA / "valid" / "komdok-excerpt.json").read_bytes().replace(b'"ann-01"', b'"ann-02"')
    )
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


def test_a_fifo_in_a_folder_is_reported_at_once_never_opened(tmp_path: Path) -> None:
    folder = setup(tmp_path)
    shutil.copy(VALID, folder / "a.json")
    os.mkfifo(folder / "pipe.json")
    started = time.monotonic()
    report = validate([folder])
    assert time.monotonic() - started < 1.0  # a FIFO opened for reading would block forever
    assert [(Path(i.file).name, i.code) for i in report.issues] == [("pipe.json", "path.not-regular-file")]
    assert report.records == 1


def test_a_fifo_named_on_the_command_line_is_reported(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.jsonl")
    report = validate([tmp_path / "pipe.jsonl"])
    assert [i.code for i in report.issues] == ["path.not-regular-file"]


def _symlinked_registry(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(VALID, folder / "a.json")
    target = tmp_path / "elsewhere.json"
    target.write_text(
        '{"schema_version": "1.0", "annotators": [{"id": "ann-01", "roles": ["annotator"], '
        '"email": "kim@example.org"}]}',
        encoding="utf-8",
    )
    (folder / "annotators.json").symlink_to(target)
    return folder


def test_a_symlinked_registry_is_reported_and_not_read_when_walking(tmp_path: Path) -> None:
    folder = _symlinked_registry(tmp_path)
    report = validate([folder])
    # Reported once, and nothing of the target (its personal data) is read.
    assert [(Path(i.file).name, i.code) for i in report.issues] == [("annotators.json", "path.symlink")]


def test_a_symlinked_registry_is_reported_when_files_are_named(tmp_path: Path) -> None:
    folder = _symlinked_registry(tmp_path)
    report = validate([folder / "a.json"])
    assert [(Path(i.file).name, i.code) for i in report.issues] == [("annotators.json", "path.symlink")]
    override = validate([folder / "a.json"], registry=folder / "annotators.json")
    assert [(Path(i.file).name, i.code) for i in override.issues] == [("annotators.json", "path.symlink")]


def test_a_fifo_registry_is_reported_not_opened(tmp_path: Path) -> None:
    shutil.copy(VALID, tmp_path / "a.json")
    os.mkfifo(tmp_path / "annotators.json")
    report = validate([tmp_path / "a.json"])
    assert [(Path(i.file).name, i.code) for i in report.issues] == [
        ("annotators.json", "path.not-regular-file")
    ]


def test_names_differing_only_by_unicode_normalisation_collide(tmp_path: Path) -> None:
    folder = setup(tmp_path)
    nfc, nfd = (
        unicodedata.normalize("NFC", "caf\u00e9.json"),
        unicodedata.normalize("NFD", "caf\u00e9.json"),
    )
    shutil.copy(VALID, folder / nfc)
    try:
        shutil.copy(VALID, folder / nfd)
    except OSError:
        pytest.skip("this file system normalises names itself")
    if len(os.listdir(folder)) < 3:
        pytest.skip("this file system normalises names itself")
    issues = [i for i in validate([folder]).issues if i.code == "path.case-collision"]
    assert len(issues) == 1 and "Unicode normalisation" in issues[0].message
