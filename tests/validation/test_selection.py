"""Which files a run takes under a project configuration: the annotation roots, include and exclude patterns,
and named files left out only when asked (`force_exclude`)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nklabor import validate
from nklabor.config import load
from nklabor.errors import UsageError
from tests.support import DATA, ROOT
from tests.support.project import CHANGED, make_project

VALID = DATA / "valid" / "komdok-excerpt.json"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_project(tmp_path / "project")
    monkeypatch.chdir(root)
    return root


def annotation_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in (root / "annotations").glob("*.json"))


def test_the_project_root_is_narrowed_to_the_annotation_roots(project: Path) -> None:
    report = validate(["."], config=load())
    assert report.valid, report.issues
    assert report.sources == annotation_files(project)


def test_no_path_means_the_configured_roots(project: Path) -> None:
    assert validate([], config=load()).sources == annotation_files(project)


def test_the_repository_root_validates_its_annotations_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    report = validate(["."], config=load())
    assert report.valid and report.issues == []
    assert report.sources and all(s.startswith("annotations/") for s in report.sources)


def test_without_roots_the_defaults_leave_out_releases_schema_and_venv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project(tmp_path / "bare", config=None)
    (root / "tests").rename(root / "drafts")  # nothing but the defaults: the broken fixture is read
    (root / ".venv" / "lib").mkdir(parents=True)
    (root / ".venv" / "lib" / "x.json").write_text("{", encoding="utf-8")
    monkeypatch.chdir(root)
    report = validate(["."], config=load(environ={}))
    assert not any(s.startswith(("releases/", "schema/", ".venv/")) for s in report.sources)
    assert "drafts/data/broken.json" in report.sources


def test_extend_exclude_and_include_patterns(project: Path) -> None:
    (project / "annotations" / "drafts").mkdir()
    shutil.copy(project / CHANGED, project / "annotations" / "drafts" / "wip.json")
    (project / "annotations" / "drafts" / "link.json").symlink_to(project / CHANGED)
    (project / "pyproject.toml").write_text(
        '[tool.nklabor]\nroots = ["annotations"]\nextend_exclude = ["drafts/"]\n'
        'include = ["*.ann-0?.json", "annotators.json"]\n',
        encoding="utf-8",
    )
    report = validate(["."], config=load())
    assert report.valid and report.issues == []  # nor is the symlink in the excluded folder a finding
    assert all(".ann-0" in s or s.endswith("annotators.json") for s in report.sources)
    assert not any("adj-01" in s or "drafts" in s for s in report.sources)


def test_a_named_folder_outside_the_roots_is_walked(project: Path) -> None:
    (project / "more").mkdir()
    shutil.copy(VALID, project / "more" / "a.json")
    shutil.copy(DATA / "annotators.json", project / "more" / "annotators.json")
    report = validate(["more"], config=load())
    assert report.sources == ["more/a.json", "more/annotators.json"] and report.valid


def test_named_files_are_left_out_only_when_asked(project: Path) -> None:
    named = [
        "schema/annotation.schema.json",
        "releases/v1.0.0/croissant.json",
        "tests/data/broken.json",
        CHANGED,
    ]
    assert not validate(named, config=load()).valid  # asked for by name: read
    report = validate(named, config=load(), force_exclude=True)
    assert report.valid and report.sources == [CHANGED] and report.skipped == 3
    assert report.to_dict()["skipped"] == 3


def test_a_missing_root_is_a_usage_error(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.nklabor]\nroots = ["annotatons"]\n', encoding="utf-8")
    with pytest.raises(UsageError, match=r"annotatons: no such folder \(an annotation root set in pyproject"):
        validate(["."], config=load())
    with pytest.raises(UsageError, match="annotatons: no such file or folder"):
        validate([], config=load())


def test_a_folder_outside_the_project_is_not_narrowed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project(tmp_path / "project")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(VALID, elsewhere / "a.json")
    shutil.copy(DATA / "annotators.json", elsewhere / "annotators.json")
    monkeypatch.chdir(root)
    report = validate([elsewhere], config=load())
    assert report.valid and len(report.sources) == 2


def test_the_configured_registry_governs_and_is_named_as_the_user_would(project: Path) -> None:
    people = project / "people"
    people.mkdir()
    (project / "annotations" / "annotators.json").rename(people / "annotators.json")
    assert {i.code for i in validate(["annotations"], config=load()).issues} == {"registry.missing"}
    (project / "pyproject.toml").write_text(
        '[tool.nklabor]\nroots = ["annotations"]\nregistry = "people/annotators.json"\n', encoding="utf-8"
    )
    assert validate(["annotations"], config=load()).valid
    (people / "annotators.json").write_text(
        (people / "annotators.json").read_text(encoding="utf-8").replace('"ann-02"', '"ann-09"'),
        encoding="utf-8",
    )
    issues = validate([CHANGED], config=load()).issues
    assert [i.code for i in issues] == ["annotator.unregistered"]
    assert issues[0].message.endswith("is not registered in people/annotators.json")
