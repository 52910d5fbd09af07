"""Stable release pseudonyms: a mapping beside the releases, append-only, never published."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from nklabor.errors import UsageError
from nklabor.release.build import BuildResult, build_release
from nklabor.release.layout import PSEUDONYMS
from nklabor.release.pseudonyms import Pseudonyms, load
from nklabor.release.versions import parse_version
from tests.support import ROOT
from tests.support.synthetic import corpus_annotations, write_corpus


def published_annotators(release: Path) -> dict[str, str]:
    """Document id -> the pseudonym in its `documents` row (and the same in every `events` row)."""
    out: dict[str, str] = {}
    for path in sorted(release.glob("data/documents/*.parquet")):
        for row in pq.read_table(path, columns=["id", "annotator"]).to_pylist():
            out[row["id"]] = row["annotator"]
    for path in sorted(release.glob("data/events/*.parquet")):
        for row in pq.read_table(path, columns=["document_id", "annotator"]).to_pylist():
            assert row["annotator"] == out[row["document_id"]]
    return out


def test_two_builds_with_the_same_annotators_give_the_same_pseudonyms(tmp_path: Path) -> None:
    annotations = corpus_annotations(8, adjudicated=[2, 5])
    source = write_corpus(tmp_path / "annotations", annotations)
    first = build_release("1.0.0", source, tmp_path / "a")
    second = build_release("1.0.0", source, tmp_path / "b")  # a fresh mapping, the same order of appearance
    again = build_release("1.0.1", source, tmp_path / "a")  # the mapping of the first build
    names = published_annotators(first.path)
    assert set(names.values()) == {"R1", "R2"}
    assert published_annotators(second.path) == names == published_annotators(again.path)
    assert first.pseudonyms == {"ann-01": "R1", "adj-01": "R2"} and first.new_pseudonyms == 2
    assert again.new_pseudonyms == 0
    assert (tmp_path / "a" / PSEUDONYMS).read_bytes() == (tmp_path / "b" / PSEUDONYMS).read_bytes()


def test_an_added_annotator_gets_a_new_pseudonym_and_the_others_keep_theirs(tmp_path: Path) -> None:
    out = tmp_path / "releases"
    old = corpus_annotations(6, adjudicated=[3])
    v1 = build_release("1.0.0", write_corpus(tmp_path / "v1", old), out)
    before = published_annotators(v1.path)
    # ann-03 joins: the first document is now theirs. Numbering by order of appearance would make them R1.
    new = json.loads(json.dumps(old))
    first = next(a for a in new if a["document"]["id"].endswith("0000000"))
    first["annotator"] = "ann-03"
    v2 = build_release("1.1.0", write_corpus(tmp_path / "v2", new), out)
    after = published_annotators(v2.path)
    changed = first["document"]["id"]
    assert after[changed] == "R3" and before[changed] == "R1"
    assert {d: p for d, p in after.items() if d != changed} == {
        d: p for d, p in before.items() if d != changed
    }
    mapping = json.loads((out / PSEUDONYMS).read_text(encoding="utf-8"))
    assert mapping == {
        "scheme": "nklabor-pseudonyms-1",
        "since": "1.0.0",
        "pseudonyms": {"adj-01": "R2", "ann-01": "R1", "ann-03": "R3"},
    }
    card = (v2.path / "README.md").read_text(encoding="utf-8")
    assert "They are stable from v1.0.0 on" in card


def test_the_mapping_stays_beside_the_releases(shared_build: BuildResult) -> None:
    release = shared_build.path
    mapping = release.parent / PSEUDONYMS
    assert mapping.is_file() and set(load(mapping).names) == set(shared_build.pseudonyms)
    assert not any(p.name == PSEUDONYMS for p in release.rglob("*"))
    raw = set(shared_build.pseudonyms)
    for path in release.rglob("*"):
        if path.is_file() and path.suffix != ".parquet" and path.parent.name != "schema":
            text = path.read_text(encoding="utf-8")
            assert not any(f'"{r}"' in text for r in raw), path


def test_the_project_mapping_is_tracked_by_git() -> None:
    """releases/.* is ignored (staging folders, locks), except the mapping, which must be committed."""
    done = subprocess.run(
        ["git", "check-ignore", "-q", f"releases/{PSEUDONYMS}"], cwd=ROOT, capture_output=True, check=False
    )
    if done.returncode == 128:
        pytest.skip("not a git checkout")
    assert done.returncode == 1, "releases/.pseudonyms.json is ignored by git"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "not JSON"),
        ('{"scheme": "other"}', "not a pseudonym mapping"),
        (
            '{"scheme": "nklabor-pseudonyms-1", "since": "1.0.0", "pseudonyms": {"a-1": "R1", "b-1": "R1"}}',
            "R1 is given to two annotators",
        ),
        (
            '{"scheme": "nklabor-pseudonyms-1", "since": "1.0.0", "pseudonyms": {"a-1": "ann-01"}}',
            "'ann-01' is not a pseudonym",
        ),
        ('{"scheme": "nklabor-pseudonyms-1", "since": "x", "pseudonyms": {"a-1": "R1"}}', "`since` must be"),
    ],
)
def test_a_broken_mapping_stops_the_build_before_anything_is_published(
    corpus: Path, tmp_path: Path, content: str, message: str
) -> None:
    out = tmp_path / "releases"
    out.mkdir()
    (out / PSEUDONYMS).write_text(content, encoding="utf-8")
    with pytest.raises(UsageError, match=message) as caught:
        build_release("1.0.0", corpus, out)
    assert str(out / PSEUDONYMS) in str(caught.value) and caught.value.exit_code == 2
    assert not (out / "v1.0.0").exists()
    assert (out / PSEUDONYMS).read_text(encoding="utf-8") == content


def test_assign_is_append_only() -> None:
    mapping = Pseudonyms(parse_version("2.0.0"), {"ann-01": "R1", "adj-01": "R4"})
    mapping.assign(["ann-09", "ann-01", "ann-02"], parse_version("2.1.0"))
    assert mapping.names == {"ann-01": "R1", "adj-01": "R4", "ann-09": "R5", "ann-02": "R6"}
    assert mapping.added == ["ann-09", "ann-02"] and str(mapping.since) == "2.0.0"
