"""`diff_releases`: added, removed and relabelled documents and events, and label-count changes."""

from __future__ import annotations

import json
from pathlib import Path

from nklabor import load_schemas
from nklabor.cli.render import diff_text
from nklabor.release.build import build_release
from nklabor.release.diff import diff_releases
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
