"""`diff_releases`: added, removed and relabelled documents and events, and label-count changes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from nklabor import load_schemas
from nklabor.cli.render import diff_text
from nklabor.release.build import build_release
from nklabor.release.diff import column_renames, diff_releases, renames_between
from nklabor.release.features import fields
from nklabor.release.tables import RENAMED_COLUMNS, Columns
from tests.support import ROOT
from tests.support.synthetic import corpus_annotations, write_corpus


def test_diff_lists_what_changed(tmp_path: Path) -> None:
    old = corpus_annotations(8, seed=9)
    out = tmp_path / "releases"
    build_release("1.0.0", write_corpus(tmp_path / "a", old), out)
    new = json.loads(json.dumps(old[:7] + corpus_annotations(10, seed=9)[8:]))  # drop #7, add #8, #9
    names = load_schemas().labels["mobilization_type"].names
    event = new[0]["events"][0]
    before = event["mobilization_type"]
    after = next(
        n
        for n in names
        if n not in (before, "campaign_mobilization", "overseas_dispatch") and not n.startswith("detention")
    )
    event["mobilization_type"] = after
    dropped = new[1]["events"].pop()
    new[2]["events"][0]["counts"] = [{"qualifier": "vague", "status": "hedged", "primary": True}]
    build_release("1.1.0", write_corpus(tmp_path / "b", new), out)
    change = diff_releases(out / "v1.0.0", out / "v1.1.0")
    doc = lambda i: new[i]["document"]["id"]  # noqa: E731
    assert change.documents_added == [doc(7), doc(8)]
    assert change.documents_removed == [old[7]["document"]["id"]]
    assert (doc(1), dropped["id"]) in change.events_removed
    relabelled = {(d, e): labels for d, e, labels in change.relabelled}
    assert relabelled[(doc(0), event["id"])]["mobilization_type"] == (before, after)
    assert any(d == doc(2) and "count_qualifier" in labels for d, _, labels in change.relabelled)
    counts = change.label_counts["mobilization_type"]
    assert counts[after][1] - counts[after][0] >= 1
    text = diff_text(change)
    assert f"~ event {doc(0)}/{event['id']}: mobilization_type: {before} -> {after}" in text
    assert f"- document {old[7]['document']['id']}" in text
    assert json.loads(json.dumps(change.to_dict()))["documents"]["added"] == [doc(7), doc(8)]


def test_a_release_against_itself_is_empty(shared_release: Path) -> None:
    change = diff_releases(shared_release, shared_release)
    assert change.empty and change.summary() == ["no change to documents or events"]


PUBLISHED = ROOT / "releases"
needs_published = pytest.mark.skipif(
    not (PUBLISHED / "v1.0.0").is_dir() or not (PUBLISHED / "v1.1.0").is_dir(),
    reason="releases v1.0.0 and v1.1.0 are not checked in",
)
ADJUDICATED = [
    "asiapress-2026-musan-workers-russia",
    "dailynk-2021-komdok-soldiers-miners",
    "dailynk-2022-donbas-workers-selected",
]


@needs_published
def test_v1_0_to_v1_1_names_the_agreement_column_and_the_adjudicated_documents() -> None:
    change = diff_releases(PUBLISHED / "v1.0.0", PUBLISHED / "v1.1.0")
    assert change.columns["documents"].added == ["agreement"]
    assert set(change.columns) == {"documents"}
    assert change.adjudicated == ADJUDICATED
    assert all((g.old_annotators, g.new_annotators) == (1, 2) for g in change.gold_changed)
    assert change.schema.empty and change.schema.new_version == "1.0"
    assert change.documents_resplit == [] and change.documents_compared == 5
    text = diff_text(change)
    assert "  documents: + agreement" in text
    for doc in ADJUDICATED:
        assert f"~ document {doc}: gold single annotator -> adjudicated (2 annotators)" in text
    assert "splits: no document moved (5 in both releases)" in text
    data = json.loads(json.dumps(change.to_dict()))
    assert data["columns"]["documents"]["added"] == ["agreement"]
    assert [g["id"] for g in data["documents"]["gold_changed"]] == ADJUDICATED
    assert data["documents"]["gold_changed"][0]["new"] == {"source": "adjudicated", "annotators": 2}


def _events(release: Path) -> dict[tuple[str, str], dict[str, object]]:
    rows = pa.concat_tables(
        [pq.read_table(p) for p in sorted((release / "data" / "events").glob("*.parquet"))]
    )
    return {(r["document_id"], r["event_id"]): r for r in rows.to_pylist()}


@needs_published
def test_a_diff_across_codebook_versions_reports_renames_and_compares_renamed_columns(
    shipped_release: Path,
) -> None:
    change = diff_releases(PUBLISHED / "v1.1.0", shipped_release)
    assert (change.schema.old_version, change.schema.new_version) == ("1.0", "2.0")
    fields = {r.old: r.new for r in change.schema.fields.renamed}
    assert fields["$.events[*].place.subdivision"] == ["$.events[*].place.subdivisions"]
    assert fields["$.events[*].workers"] == ["$.events[*].counts"]
    assert fields["$.events[*].time.precision"] == [
        "$.events[*].time.end_precision",
        "$.events[*].time.start_precision",
    ]
    assert "$.events[*].workers.best" not in fields  # said by its parent's rename
    assert "$.events[*].phase" in change.schema.fields.added
    assert "phase" in change.schema.vocabularies.added
    indicator = change.schema.ids["indicator"]
    assert [(r.old, r.new) for r in indicator.renamed] == [
        ("st_ideological_sanction", ["st_punitive_self_criticism", "st_indoctrination"])
    ]
    assert "st_ideological_sanction" not in indicator.removed
    assert change.schema.ids["qualifier"].removed == ["unknown"]
    events = change.columns["events"]
    columns = {r.old: r.new for r in events.renamed}
    assert columns["workers_best"] == ["count_best"] and columns["place_subdivision"] == [
        "place_subdivisions"
    ]
    assert "phase" in events.added and "workers_best" not in events.removed
    documents = change.columns["documents"]
    assert [(r.column, r.old, r.new) for r in documents.retyped] == [
        ("published", "date32", "string"),
        ("events.sanctions_evasion", "list<class>", "list<struct>"),
    ]
    # Renamed columns are compared under their new names; new columns are not per-event edits.
    edited = {c for _, _, cols in change.edited for c in cols}
    relabelled = {c for _, _, labels in change.relabelled for c in labels}
    assert not (edited | relabelled) & {"phase", "text_region", "sources"}
    # A renamed column is an edit only where its value changed (the corrected gold changed some counts).
    old_rows = _events(PUBLISHED / "v1.1.0")
    new_rows = _events(shipped_release)
    for doc, event, cols in change.edited:
        key = (doc, event)
        if "count_best" in cols:
            assert old_rows[key]["workers_best"] != new_rows[key]["count_best"]
        else:
            assert old_rows[key]["workers_best"] == new_rows[key]["count_best"]
    assert change.label_counts["count_qualifier"]["unknown"][0] > 0  # counted from workers_qualifier
    assert change.documents_resplit == []
    # 2.0's gold adjudicates the two documents 1.1.0 took from a single annotator.
    assert sorted(g.id for g in change.gold_changed) == [
        "asiapress-2025-russia-dispatch-boom",
        "onefreekorea-2009-labor-camp-uprisings",
    ]
    text = diff_text(change)
    assert "schema: codebook 1.0 -> 2.0" in text
    assert "  > field $.events[*].place.subdivision -> $.events[*].place.subdivisions" in text
    assert "  > id indicator.st_ideological_sanction -> st_punitive_self_criticism, st_indoctrination" in text
    assert "> workers_best -> count_best" in text and "events.*: as in events" in text


def test_renames_apply_for_every_version_after_the_old_one() -> None:
    assert renames_between("1.0", "2.0")["workers"] == ("counts",)
    assert renames_between("2.0", "2.0") == {} and renames_between(None, "2.0") == {}
    assert column_renames("documents", "1.0", "2.0")["events.workers_best"] == ("events.count_best",)
    assert column_renames("spans", "1.0", "2.0") == {}


def test_the_column_renames_name_real_columns() -> None:
    """Every target of `RENAMED_COLUMNS` is a column of today's `events` config, and no source is."""
    current = fields(Columns(load_schemas()).configs["events"])
    for renames in RENAMED_COLUMNS.values():
        for old, new in renames.items():
            assert old not in current and all(n in current for n in new), old


def test_a_split_move_is_reported(shared_release: Path, tmp_path: Path) -> None:
    moved = tmp_path / "v9.0.0"
    shutil.copytree(shared_release, moved)
    train = moved / "data" / "documents" / "train-00000-of-00001.parquet"
    test = moved / "data" / "documents" / "test-00000-of-00001.parquet"
    table = pq.read_table(train)
    pq.write_table(table.slice(1), train)
    pq.write_table(pa.concat_tables([table.slice(0, 1), pq.read_table(test)]), test)
    change = diff_releases(shared_release, moved)
    doc = table.column("id")[0].as_py()
    assert change.documents_resplit == [(doc, "train", "test")]
    assert f"! document {doc}: split train -> test" in diff_text(change)
