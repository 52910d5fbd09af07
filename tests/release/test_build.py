"""Building a release: gold and withheld documents, never leaking, immutable, atomic, deterministic."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from nklabor import load_schemas
from nklabor.errors import InvalidInputError, UsageError
from nklabor.release import batches, fingerprints, leak, tables
from nklabor.release import index as index_module
from nklabor.release.build import PAUSE_ENV, BuildResult, build_release, check_sensitivity
from nklabor.release.diff import diff_releases
from nklabor.release.errors import LeakError, ReleaseConflictError, ReleaseExistsError
from nklabor.release.splits import hashed_split
from nklabor.validation import run as run_module
from tests.support import ROOT
from tests.support.project import all_strings
from tests.support.synthetic import MARKER, corpus_annotations, write_corpus


def visible(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


def test_gold_documents_are_published_and_others_withheld(shared_build: BuildResult) -> None:
    release = shared_build.path
    ids = []
    for path in sorted(release.glob("data/documents/*.parquet")):
        ids += pq.read_table(path, columns=["id"]).column("id").to_pylist()
    withheld = {"synthetic-3-0000003", "synthetic-3-0000007"}
    assert len(ids) == 38 and not withheld & set(ids)
    assert sorted(w.document_id for w in shared_build.withheld) == sorted(withheld)
    card = (release / "README.md").read_text(encoding="utf-8")
    assert all(f"`{doc}`: 2 annotators and no adjudicator" in card for doc in withheld)
    for path in release.rglob("*.parquet"):
        assert not withheld & set(all_strings(pq.read_table(path).to_pylist()))
    adjudicated = {}
    for path in release.glob("data/documents/*.parquet"):
        for row in pq.read_table(path, columns=["id", "role", "annotators"]).to_pylist():
            adjudicated[row["id"]] = (row["role"], row["annotators"])
    assert adjudicated["synthetic-3-0000005"] == (
        1,
        2,
    )  # role index 1 = adjudicator; 2 annotators besides
    assert adjudicated["synthetic-3-0000000"] == (0, 1)


def test_notes_and_raw_ids_are_absent_from_every_written_byte(shared_release: Path) -> None:
    notes = [a["notes"] for a in corpus_annotations(40, two_annotators=[3, 7], adjudicated=[5, 11])]
    raw_ids = ("ann-01", "ann-02", "adj-01")
    public_copies = {"codebook.md"} | {f"schema/{p.name}" for p in (ROOT / "schema").glob("*.json")}
    files = [p for p in shared_release.rglob("*") if p.is_file()]
    assert len(files) > 10
    for path in files:
        rel = path.relative_to(shared_release).as_posix()
        raw = path.read_bytes()
        texts = [raw.decode("utf-8", "replace")]
        if path.suffix == ".parquet":
            texts += all_strings(pq.read_table(path).to_pylist())
        blob = "\n".join(texts)
        assert MARKER not in blob, rel
        assert not any(note in blob or note.split(":", 1)[1] in blob for note in notes), rel
        if rel not in public_copies:
            assert not any(raw_id in blob for raw_id in raw_ids), rel
    for rel in public_copies:
        assert (shared_release / rel).read_bytes() == (
            (ROOT / "docs" / "codebook.md").read_bytes()
            if rel == "codebook.md"
            else (ROOT / rel).read_bytes()
        )


def test_rebuild_is_byte_identical_whatever_the_input_order(corpus: Path, tmp_path: Path) -> None:
    first = build_release("1.0.0", corpus, tmp_path / "a").path
    lines = (corpus / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    shuffled = tmp_path / "shuffled"
    shuffled.mkdir()
    shutil.copy(corpus / "annotators.json", shuffled)
    (shuffled / "b.jsonl").write_text("\n".join(lines[::-2]) + "\n", encoding="utf-8")
    (shuffled / "a.jsonl").write_text("\n".join(lines[-2::-2]) + "\n", encoding="utf-8")
    second = build_release("1.0.0", shuffled, tmp_path / "b").path
    names = sorted(p.relative_to(first).as_posix() for p in first.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(second).as_posix() for p in second.rglob("*") if p.is_file())
    for rel in names:
        assert (first / rel).read_bytes() == (second / rel).read_bytes(), rel


def test_an_existing_version_is_never_overwritten(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "releases"
    result = build_release("1.0.0", corpus, out)
    before = (result.path / "checksums.sha256").read_bytes()
    (corpus / "corpus.jsonl").write_text(
        (corpus / "corpus.jsonl").read_text(encoding="utf-8").splitlines()[0] + "\n"
    )
    with pytest.raises(ReleaseExistsError, match="never overwritten") as caught:
        build_release("v1.0.0", corpus, out)
    assert caught.value.exit_code == 2
    assert (result.path / "checksums.sha256").read_bytes() == before
    assert visible(out) == ["v1.0.0"]


def test_invalid_input_builds_nothing(corpus: Path, tmp_path: Path) -> None:
    lines = (corpus / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    broken = json.loads(lines[2])
    broken["events"][0]["status"] = "going"
    lines[2] = json.dumps(broken)
    (corpus / "corpus.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "releases"
    with pytest.raises(InvalidInputError) as caught:
        build_release("1.0.0", corpus, out)
    assert caught.value.exit_code == 1
    assert [(i.line, i.code) for i in caught.value.report.issues] == [(3, "schema.enum")]
    assert os.listdir(out) == [".v1.0.0.lock"]


@pytest.mark.parametrize("fault", ["null-line", "float-span"])
def test_a_null_record_or_a_float_offset_builds_nothing(corpus: Path, tmp_path: Path, fault: str) -> None:
    lines = (corpus / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    if fault == "null-line":
        lines.insert(1, "null")
        expected = [(2, "record.not-object")]
    else:
        broken = json.loads(lines[2])
        span = broken["events"][0]["evidence"][0]
        span["start"], span["end"] = (
            0.0,
            float(len(span["quote"])),
        )  # offsets as floats, quote now wrong
        lines[2] = json.dumps(broken)
        expected = [
            (3, "json.float-for-integer"),
            (3, "json.float-for-integer"),
            (3, "span.quote-mismatch"),
        ]
    (corpus / "corpus.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "releases"
    with pytest.raises(InvalidInputError) as caught:
        build_release("1.0.0", corpus, out)
    assert sorted((i.line, i.code) for i in caught.value.report.issues) == expected
    assert os.listdir(out) == [".v1.0.0.lock"]


def test_a_published_release_has_the_modes_of_a_checkout(shared_release: Path) -> None:
    assert stat.S_IMODE(shared_release.stat().st_mode) == 0o755
    for path in shared_release.rglob("*"):
        assert stat.S_IMODE(path.stat().st_mode) == (0o755 if path.is_dir() else 0o644), path


def test_no_annotations_is_a_usage_error(tmp_path: Path) -> None:
    source = write_corpus(tmp_path / "empty", [])
    (source / "corpus.jsonl").unlink()
    with pytest.raises(UsageError, match="nothing to release"):
        build_release("1.0.0", source, tmp_path / "releases")


def test_a_leak_fails_the_build_and_publishes_nothing(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_rows = batches.rows

    def leaky(annotation: dict[str, Any], *args: Any) -> Any:
        document, events, spans = real_rows(annotation, *args)
        document["title"] = annotation["notes"]  # a bug that copies the notes
        return document, events, spans

    monkeypatch.setattr(batches, "rows", leaky)
    out = tmp_path / "releases"
    with pytest.raises(
        LeakError, match=r"data/documents/\w+-00000-of-00001.parquet: a withheld value"
    ) as caught:
        build_release("1.0.0", corpus, out)
    assert MARKER not in str(caught.value)
    # Only the locks: no release, no staging folder, and no pseudonym recorded for a release never published.
    assert sorted(os.listdir(out)) == [".pseudonyms.lock", ".v1.0.0.lock"]


def test_a_schema_withholding_a_published_field_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "schema"
    shutil.copytree(ROOT / "schema", folder)
    path = folder / "document.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["properties"]["url"]["x-sensitivity"] = "withhold"
    path.write_text(json.dumps(schema), encoding="utf-8")
    with pytest.raises(UsageError, match=r"\$\.document\.url as withhold"):
        check_sensitivity(load_schemas(folder))
    check_sensitivity(load_schemas())


def test_card_date_is_the_latest_annotation(shared_release: Path) -> None:
    latest = max(
        a["annotated_at"] for a in corpus_annotations(40, two_annotators=[3, 7], adjudicated=[5, 11])
    )
    card = (shared_release / "README.md").read_text(encoding="utf-8")
    croissant = json.loads((shared_release / "croissant.json").read_text(encoding="utf-8"))
    assert f"Released {latest[:10]}" in card
    assert croissant["datePublished"] == latest[:10]


def test_documents_keep_their_split_in_later_releases(tmp_path: Path) -> None:
    old = corpus_annotations(30, seed=4)
    out = tmp_path / "releases"
    build_release("1.0.0", write_corpus(tmp_path / "v1", old), out)
    new = corpus_annotations(60, seed=4)  # the same 30 documents, then 30 more
    # An old document without a story joins a new story whose name hashes to another split.
    veteran = next(a for a in new[:30] if "story_group" not in a["document"])["document"]
    newcomer = next(a for a in new[30:] if "story_group" not in a["document"])["document"]
    group = next(
        f"story-joined-{k}"
        for k in range(100)
        if hashed_split(f"story-joined-{k}") != hashed_split(veteran["id"])
    )
    veteran["story_group"] = newcomer["story_group"] = group
    result = build_release("1.1.0", write_corpus(tmp_path / "v2", new), out)
    change = diff_releases(out / "v1.0.0", result.path)
    assert change.documents_resplit == [] and len(change.documents_added) == 30
    splits = {}
    for path in result.path.glob("data/documents/*.parquet"):
        for doc in pq.read_table(path, columns=["id"]).column("id").to_pylist():
            splits[doc] = path.name.split("-")[0]
    assert splits[veteran["id"]] == splits[newcomer["id"]] == hashed_split(veteran["id"])
    assert "Compared with v1.0.0" in (result.path / "README.md").read_text(encoding="utf-8")


def _start_paused(corpus: Path, out: Path, marker: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, PAUSE_ENV: str(marker)}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "nklabor",
            "release",
            "build",
            "--version",
            "1.0.0",
            "--from",
            str(corpus),
            "--out",
            str(out),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _wait_for(marker: Path, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while not marker.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise AssertionError(f"the build never paused: {process.communicate()}")
        time.sleep(0.02)


def test_a_killed_build_leaves_no_visible_release(corpus: Path, tmp_path: Path) -> None:
    out, marker = tmp_path / "releases", tmp_path / "paused"
    process = _start_paused(corpus, out, marker)
    _wait_for(marker, process)
    staged = [p for p in out.iterdir() if p.name.startswith(".v1.0.0.tmp-")]
    assert (
        len(staged) == 1 and (staged[0] / "checksums.sha256").is_file()
    )  # everything written, not published
    process.kill()
    process.wait()
    assert visible(out) == []
    result = build_release("1.0.0", corpus, out)  # the next build cleans up and publishes
    assert visible(out) == ["v1.0.0"] and result.path.is_dir()
    assert not [p for p in out.iterdir() if ".tmp-" in p.name]


def test_concurrent_builds_of_one_version_one_wins(corpus: Path, tmp_path: Path) -> None:
    out, marker = tmp_path / "releases", tmp_path / "paused"
    process = _start_paused(corpus, out, marker)
    _wait_for(marker, process)
    with pytest.raises(ReleaseConflictError, match=r"another build of v1\.0\.0 is running") as caught:
        build_release("1.0.0", corpus, out)
    assert caught.value.exit_code == 2
    marker.unlink()
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    assert b"built" in stdout and visible(out) == ["v1.0.0"]
    with pytest.raises(ReleaseExistsError):
        build_release("1.0.0", corpus, out)


def test_parquet_has_no_pandas_index_and_stable_sort(shared_release: Path) -> None:
    for path in shared_release.rglob("*.parquet"):
        table = pq.read_table(path)
        assert b"pandas" not in (table.schema.metadata or {})
        assert "__index_level_0__" not in table.column_names
        key = "id" if "documents" in path.parts else "document_id"
        docs = table.column(key).to_pylist()
        assert docs == sorted(docs)
        assert not any(pa.types.is_dictionary(f.type) for f in table.schema)


def test_the_shipped_annotations_rebuild_byte_identical(shipped_build: BuildResult, tmp_path: Path) -> None:
    """The real annotations, with everything a release now holds (figure, labels, human agreement), built
    again beside the same earlier releases and pseudonym mapping."""
    first = shipped_build.path
    releases = tmp_path / "releases"
    shutil.copytree(ROOT / "releases", releases, ignore=shutil.ignore_patterns("full"))
    mapping = first.parent / ".pseudonyms.json"
    shutil.copy(mapping, releases / ".pseudonyms.json")
    second = build_release(str(shipped_build.version), ROOT / "annotations", releases).path
    names = sorted(p.relative_to(first).as_posix() for p in first.rglob("*") if p.is_file())
    assert {"label_distribution.svg", "labels.json", "agreement.json"} <= set(names)
    assert names == sorted(p.relative_to(second).as_posix() for p in second.rglob("*") if p.is_file())
    for rel in names:
        assert (first / rel).read_bytes() == (second / rel).read_bytes(), rel


def test_workers_spills_and_batches_change_no_byte(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Worker processes, an index spilled to SQLite, gold references in parts of 3, batches of 2 documents
    (their rows made into tables one document at a time), needles packed one at a time and row groups of 3
    rows give the release and the report of one process with everything in memory."""
    monkeypatch.setattr(tables, "BATCH_ROWS", 3)
    monkeypatch.setattr(fingerprints, "GROUP_ROWS", 3)
    serial = build_release("1.0.0", corpus, tmp_path / "serial")
    monkeypatch.setattr(run_module, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(index_module, "SPILL_ROWS", 4)
    monkeypatch.setattr(index_module, "REF_PART", 3)
    monkeypatch.setattr(batches, "DOCUMENTS", 2)
    monkeypatch.setattr(batches, "ROWS_DOCUMENTS", 1)
    monkeypatch.setattr(leak.NeedleStore, "PACK", 1)
    monkeypatch.setattr(leak.NeedleStore, "ARRAYS", 2)
    spread = build_release("1.0.0", corpus, tmp_path / "spread", workers=2)
    assert spread.report.to_dict() == serial.report.to_dict() and spread.withheld == serial.withheld
    names = sorted(p.relative_to(serial.path).as_posix() for p in serial.path.rglob("*") if p.is_file())
    assert names == sorted(
        p.relative_to(spread.path).as_posix() for p in spread.path.rglob("*") if p.is_file()
    )
    for rel in names:
        assert (serial.path / rel).read_bytes() == (spread.path / rel).read_bytes(), rel
    assert pq.ParquetFile(serial.path / "data/events/train-00000-of-00001.parquet").num_row_groups > 3
    assert pq.ParquetFile(serial.path / "fingerprints.parquet").num_row_groups > 1
