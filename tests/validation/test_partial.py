"""Cross-file-safe partial validation: given some files of a corpus, the rules across files also consult its
other files, so that a changed file never hides a duplicate or a text-hash conflict; what is wrong in the
consulted files alone is not reported as the user's."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from nklabor import validate
from nklabor.config import load
from nklabor.report.reporters import text
from tests.support.project import CHANGED, DOCUMENT, make_project, others, renote, retext
from tests.support.project import load as read_json
from tests.support.project import save as write_json


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_project(tmp_path / "project")
    monkeypatch.chdir(root)
    return root


def test_a_changed_file_cannot_hide_a_hash_conflict(project: Path) -> None:
    retext(project / CHANGED)
    # On its own, as the unsafe hook saw it, the file is valid ...
    assert validate([CHANGED]).valid
    # ... but the other annotations of its document carry the old text.
    report = validate([CHANGED], config=load())
    assert [(i.file, i.code) for i in report.issues] == [(CHANGED, "document.hash-conflict")]
    assert f"annotations/{DOCUMENT}." in report.issues[0].message
    assert report.consulted == others(project) > 0 and report.files == 1
    assert (
        f"the rules across files also consulted {others(project)} other file(s)"
        in text(report).splitlines()[-1]
    )
    assert report.to_dict()["consulted"] == others(project)


def test_a_new_file_cannot_hide_a_duplicate(project: Path) -> None:
    copy = project / "annotations" / "komdok-again.json"
    shutil.copy(project / CHANGED, copy)
    report = validate([copy.relative_to(project)], config=load())
    assert [(Path(i.file).name, i.code) for i in report.issues] == [
        ("komdok-again.json", "annotation.duplicate")
    ]
    assert CHANGED in report.issues[0].message


def test_a_valid_change_passes_and_says_what_it_consulted(project: Path) -> None:
    renote(project / CHANGED)
    report = validate([CHANGED], config=load())
    assert report.valid and report.issues == [] and report.consulted == others(project)


def test_findings_of_consulted_files_alone_are_not_reported(project: Path) -> None:
    # Another document's file is broken, and two other files conflict with each other: neither involves
    # the file asked about.
    other = project / "annotations" / "onefreekorea-2009-labor-camp-uprisings.ann-01.json"
    other.write_text("{ broken", encoding="utf-8")
    donbas = sorted((project / "annotations").glob("dailynk-2022-donbas-workers-selected.*.json"))
    retext(donbas[0])
    report = validate([CHANGED], config=load())
    assert report.valid and report.issues == []
    # The whole corpus, validated as CI does, reports both.
    full = validate([], config=load())
    assert {i.code for i in full.issues} >= {"json.syntax", "document.hash-conflict"}


def test_a_conflict_among_consulted_files_is_reported_against_the_given_file(project: Path) -> None:
    # ann-01 and the adjudication keep the old text; ann-02 (not given) has a new one. The given file agrees
    # with the first two, yet its document's annotations disagree with it: that is reported on it.
    retext(project / CHANGED)
    given = f"annotations/{DOCUMENT}.ann-01.json"
    report = validate([given], config=load())
    assert [(i.file, i.code) for i in report.issues] == [(given, "document.hash-conflict")]
    assert CHANGED in report.issues[0].message


def test_a_changed_registry_is_checked_against_the_files_it_governs(project: Path) -> None:
    registry = project / "annotations" / "annotators.json"
    data = read_json(registry)
    data["annotators"] = [a for a in data["annotators"] if a["id"] != "ann-02"]
    write_json(registry, data)
    report = validate(["annotations/annotators.json"], config=load())
    assert not report.valid
    assert {i.code for i in report.issues} == {"annotator.unregistered"}
    assert {Path(i.file).name for i in report.issues} == {
        p.name for p in (project / "annotations").glob("*.ann-02.json")
    }
    assert report.consulted == others(project) + 1


def test_without_configured_roots_the_registry_folder_is_the_corpus(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project(tmp_path / "bare", config=None)
    monkeypatch.chdir(root)
    retext(root / CHANGED)
    report = validate([CHANGED], config=load(environ={}))
    assert [i.code for i in report.issues] == ["document.hash-conflict"]
    assert report.consulted == others(root)


def test_validating_the_whole_corpus_consults_nothing_more(project: Path) -> None:
    report = validate(["annotations"], config=load())
    assert report.valid and report.consulted == 0 and report.files == others(project) + 2


def test_a_file_outside_the_roots_is_validated_alone(project: Path) -> None:
    outside = project / "scratch" / "komdok.json"
    outside.parent.mkdir()
    shutil.copy(project / CHANGED, outside)
    shutil.copy(project / "annotations" / "annotators.json", outside.parent / "annotators.json")
    report = validate(["scratch/komdok.json"], config=load())
    assert report.valid and report.consulted == 0


def test_a_jsonl_corpus_is_consulted_record_by_record(project: Path) -> None:
    # The corpus kept as one JSONL file: the changed .json must still meet its document's other records.
    lines = [
        json.dumps(read_json(p), ensure_ascii=False)
        for p in sorted((project / "annotations").glob(f"{DOCUMENT}.*.json"))
        if not p.name.endswith("ann-02.json")
    ]
    for p in (project / "annotations").glob(f"{DOCUMENT}.*.json"):
        if not p.name.endswith("ann-02.json"):
            p.unlink()
    (project / "annotations" / "komdok.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    retext(project / CHANGED)
    report = validate([CHANGED], config=load())
    assert [i.code for i in report.issues] == ["document.hash-conflict"]
    assert "annotations/komdok.jsonl:" in report.issues[0].message
