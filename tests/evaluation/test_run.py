"""`evaluate`: predictions against the gold of a release, with the human agreement beside.

The acceptance cases run on the shipped annotations built into a temporary release (`shipped_release`) and,
once one is checked in, on the newest release built under the current codebook."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from nklabor import load_schemas
from nklabor.annotation import text_sha256
from nklabor.errors import InvalidInputError, UsageError
from nklabor.evaluation import Evaluation, evaluate, write_gold_predictions
from nklabor.release.layout import SPLITS, data_files
from nklabor.release.versions import published
from tests.support import ROOT


def splits_of(release: Path) -> list[str]:
    return [s for s, _ in data_files(release, "documents")]


def flat(result: Evaluation) -> dict[str, float | None]:
    """Every figure of a result by a dotted name (precision, recall, F1, macro F1 and per class)."""
    data = result.to_dict()["scores"]
    out: dict[str, float | None] = {}
    for name in ("events", "evidence"):
        for key in ("precision", "recall", "f1"):
            out[f"{name}.{key}"] = data[name][key]
    for name, item in data["fields"].items():
        for key in ("precision", "recall", "f1", "macro_f1"):
            out[f"{name}.{key}"] = item[key]
        for cls, tally in item["classes"].items():
            for key in ("precision", "recall", "f1"):
                out[f"{name}.{cls}.{key}"] = tally[key]
    return out


def gold_predictions(release: Path, tmp_path: Path, split: str) -> Path:
    out = tmp_path / f"gold-{split}.jsonl"
    assert write_gold_predictions(release, out, split) > 0
    return out


def assert_perfect(result: Evaluation) -> None:
    figures = flat(result)
    assert {v for v in figures.values() if v is not None} == {1.0}, {
        k: v for k, v in figures.items() if v != 1.0
    }
    for name in ("events", "mobilization_type", "population", "sector", "coercion", "sanctions_relevance"):
        assert figures[f"{name}.f1"] == 1.0, name
    assert (
        figures["place_country.f1"] == figures["counts.f1"] == figures["forced_labour_assessment.f1"] == 1.0
    )
    assert figures["evidence.f1"] == 1.0
    assert result.missing == [] and result.ignored == []


def newest_current() -> Path | None:
    folder = ROOT / "releases"
    for version in reversed(published(folder)):
        if load_schemas(folder / version.name / "schema").version == load_schemas().version:
            return folder / version.name
    return None


def test_the_gold_of_a_release_scores_1_everywhere(shipped_release: Path, tmp_path: Path) -> None:
    for split in splits_of(shipped_release):
        result = evaluate([gold_predictions(shipped_release, tmp_path, split)], shipped_release, split)
        assert_perfect(result)
        assert result.scores.gold_events == result.scores.predicted_events > 0


def test_the_gold_of_the_newest_published_release_scores_1(tmp_path: Path) -> None:
    release = newest_current()
    if release is None:
        pytest.skip("no checked-in release is built under the current codebook yet")
    for split in splits_of(release):
        assert_perfect(evaluate([gold_predictions(release, tmp_path, split)], release, split))


def relabel(path: Path, out: Path, change: Any) -> tuple[str, str]:
    """Copy a predictions file, changing one event with `change(event)`; returns (document, event) ids."""
    lines = path.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        data = json.loads(line)
        for event in data["events"]:
            if change(event):
                lines[i] = json.dumps(data, ensure_ascii=False)
                out.write_text("\n".join(lines) + "\n", encoding="utf-8")
                return data["document"]["id"], event["id"]
    raise AssertionError("no event to change")


def changed_figures(before: Evaluation, after: Evaluation) -> set[str]:
    a, b = flat(before), flat(after)
    return {k for k in set(a) | set(b) if a.get(k) != b.get(k)}


def test_one_relabelled_event_lowers_exactly_the_affected_figures(
    shipped_release: Path, tmp_path: Path
) -> None:
    split = splits_of(shipped_release)[0]
    gold = gold_predictions(shipped_release, tmp_path, split)
    perfect = evaluate([gold], shipped_release, split)
    modes = load_schemas().labels["recruitment_mode"].names
    seen: dict[str, str] = {}

    def other_mode(event: dict[str, Any]) -> bool:
        seen["old"] = event["recruitment_mode"]
        event["recruitment_mode"] = next(m for m in modes if m not in (event["recruitment_mode"], "unknown"))
        seen["new"] = event["recruitment_mode"]
        return True

    relabel(gold, tmp_path / "relabelled.jsonl", other_mode)
    worse = evaluate([tmp_path / "relabelled.jsonl"], shipped_release, split)
    changed = changed_figures(perfect, worse)
    assert changed and all(k.startswith("recruitment_mode.") for k in changed), changed
    assert worse.scores.fields["recruitment_mode"].micro.f1 < 1.0
    before, after = (
        perfect.scores.fields["recruitment_mode"].classes,
        worse.scores.fields["recruitment_mode"].classes,
    )
    assert after[seen["old"]].fn == 1 and after[seen["old"]].tp == before[seen["old"]].tp - 1
    assert after[seen["new"]].fp == 1 and after[seen["new"]].tp == (
        before[seen["new"]].tp if seen["new"] in before else 0
    )
    assert worse.scores.events.f1 == 1.0


def test_a_changed_indicator_status_lowers_that_indicator(shipped_release: Path, tmp_path: Path) -> None:
    split = next(s for s in splits_of(shipped_release))
    gold = gold_predictions(shipped_release, tmp_path, split)
    perfect = evaluate([gold], shipped_release, split)
    picked: dict[str, str] = {}

    def restate(event: dict[str, Any]) -> bool:
        for item in event["coercion"]:
            if item["status"] in ("stated", "hedged"):  # the other also counts: the assessment stays
                item["status"] = "hedged" if item["status"] == "stated" else "stated"
                picked["indicator"] = item["indicator"]
                return True
        return False

    relabel(gold, tmp_path / "restated.jsonl", restate)
    worse = evaluate([tmp_path / "restated.jsonl"], shipped_release, split)
    changed = changed_figures(perfect, worse)
    assert changed and all(k.startswith("coercion.") for k in changed), changed
    assert f"coercion.{picked['indicator']}.f1" in changed


def test_missing_documents_are_scored_as_no_event_and_other_splits_ignored(
    shipped_release: Path, tmp_path: Path
) -> None:
    split = splits_of(shipped_release)[0]
    everything = tmp_path / "all.jsonl"
    write_gold_predictions(shipped_release, everything)
    lines = everything.read_text(encoding="utf-8").splitlines()
    in_split = [
        json.loads(line)["document"]["id"]
        for line in gold_predictions(shipped_release, tmp_path, split)
        .read_text(encoding="utf-8")
        .splitlines()
    ]
    dropped = in_split[0]
    kept = [line for line in lines if json.loads(line)["document"]["id"] != dropped]
    (tmp_path / "partial.jsonl").write_text("\n".join(kept) + "\n", encoding="utf-8")
    result = evaluate([tmp_path / "partial.jsonl"], shipped_release, split)
    assert result.missing == [dropped]
    assert set(result.ignored) == {json.loads(line)["document"]["id"] for line in lines} - set(in_split)
    assert result.scores.events.recall is not None and result.scores.events.recall < 1.0
    assert result.scores.events.precision == 1.0


def test_the_human_agreement_of_the_split_stands_beside(shipped_release: Path, tmp_path: Path) -> None:
    agreement = json.loads((shipped_release / "agreement.json").read_text(encoding="utf-8"))
    for split in splits_of(shipped_release):
        result = evaluate([gold_predictions(shipped_release, tmp_path, split)], shipped_release, split)
        entry = agreement["splits"][split]
        assert result.human == entry
        if entry["documents"]:
            assert result.human_figure("events") == entry["scores"]["events"]["f1"]
            assert (
                result.human_figure("mobilization_type")
                == entry["scores"]["fields"]["mobilization_type"]["f1"]
            )
        else:
            assert result.human_figure("events") is None


def test_predictions_must_validate_and_match_the_release(shipped_release: Path, tmp_path: Path) -> None:
    split = splits_of(shipped_release)[0]
    gold = gold_predictions(shipped_release, tmp_path, split)
    first = json.loads(gold.read_text(encoding="utf-8").splitlines()[0])
    bad = json.loads(json.dumps(first))
    bad["events"][0]["status"] = "going"
    (tmp_path / "bad.jsonl").write_text(json.dumps(bad) + "\n", encoding="utf-8")
    with pytest.raises(InvalidInputError) as caught:
        evaluate([tmp_path / "bad.jsonl"], shipped_release, split)
    assert [(i.line, i.code) for i in caught.value.report.issues] == [(1, "schema.enum")]
    (tmp_path / "twice.jsonl").write_text(
        json.dumps(first) + "\n" + json.dumps(first) + "\n", encoding="utf-8"
    )
    with pytest.raises(InvalidInputError) as caught:
        evaluate([tmp_path / "twice.jsonl"], shipped_release, split)
    found = [(i.line, i.code) for i in caught.value.report.issues]
    assert found == [(2, "annotation.duplicate")] and caught.value.exit_code == 1
    assert "a prediction of" in caught.value.report.issues[0].message


def test_unknown_documents_and_other_texts_are_findings(shipped_release: Path, tmp_path: Path) -> None:
    split = splits_of(shipped_release)[0]
    first = json.loads(
        gold_predictions(shipped_release, tmp_path, split).read_text(encoding="utf-8").splitlines()[0]
    )
    unknown = json.loads(json.dumps(first))
    unknown["document"]["id"] = "no-such-document"
    retexted = json.loads(json.dumps(first))
    retexted["events"] = []
    retexted["document"]["text"] = first["document"]["text"] + "\nA later correction."
    retexted["document"]["text_sha256"] = text_sha256(retexted["document"]["text"])
    path = tmp_path / "mismatch.jsonl"
    path.write_text(json.dumps(unknown) + "\n" + json.dumps(retexted) + "\n", encoding="utf-8")
    with pytest.raises(InvalidInputError) as caught:
        evaluate([path], shipped_release, split)
    assert [(i.line, i.code, i.path) for i in caught.value.report.issues] == [
        (1, "prediction.unknown-document", "$.document.id"),
        (2, "prediction.text-mismatch", "$.document.text_sha256"),
    ]


def test_usage_errors(shipped_release: Path, tmp_path: Path) -> None:
    gold = gold_predictions(shipped_release, tmp_path, splits_of(shipped_release)[0])
    empty = [s for s in SPLITS if s not in splits_of(shipped_release)]
    if empty:
        with pytest.raises(UsageError, match=f"no document of .* is in {empty[0]}"):
            evaluate([gold], shipped_release, empty[0])
    with pytest.raises(UsageError, match="'dev' is not a split"):
        evaluate([gold], shipped_release, "dev")
    with pytest.raises(UsageError, match="not a release"):
        evaluate([gold], tmp_path, "train")
    old = ROOT / "releases" / "v1.1.0"
    if old.is_dir():
        with pytest.raises(UsageError, match=r"built under codebook 1\.0"):
            evaluate([gold], old, "train")
