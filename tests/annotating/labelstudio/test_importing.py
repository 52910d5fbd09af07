"""A Label Studio export back to annotation files: lossless for what nklabor exported, every region that does
not map a located finding (task and region), and nothing written unless everything validates."""

from __future__ import annotations

import copy
import json
import random
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from nklabor.annotating.labelstudio import build_form, plan_import, to_tasks
from nklabor.annotating.labelstudio.importing import ImportPlan
from nklabor.annotation import dump
from nklabor.cli import app
from tests.support import DATA, ROOT
from tests.support.synthetic import annotation as synthetic

runner = CliRunner()
EVERY_FIELD = DATA / "labelstudio" / "synthetic-every-field.ann-01.json"
FORM = build_form()


def every_field() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(EVERY_FIELD.read_text(encoding="utf-8"))
    return data


def export_of(*annotations: dict[str, Any]) -> list[dict[str, Any]]:
    """What Label Studio exports after an annotator accepted each task's (first) prediction."""
    return [
        {
            "id": 100 + i,
            "data": task["data"],
            "annotations": [
                {
                    "id": 7,
                    "completed_by": 1,
                    "result": task["predictions"][0]["result"],
                    "was_cancelled": False,
                    "updated_at": "2026-12-01T09:30:00.123456Z",
                }
            ],
        }
        for i, task in enumerate(to_tasks(annotations, FORM))
    ]


def run(folder: Path, export: Any, annotator: str = "ann-01", **options: Any) -> ImportPlan:
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / "annotators.json").exists():
        shutil.copy(DATA / "annotators.json", folder)
    path = folder / "export.json"
    path.write_text(json.dumps(export, ensure_ascii=False, indent=1), encoding="utf-8")
    return plan_import(path, annotator=annotator, out=folder, **options)


def result(export: list[dict[str, Any]], task: int = 0) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = export[task]["annotations"][0]["result"]
    return items


def codes(plan: ImportPlan) -> list[str]:
    return [i.code for i in plan.report.issues]


def test_every_field_of_the_schema_survives_export_and_import(tmp_path: Path) -> None:
    original = every_field()
    plan = run(tmp_path, export_of(original))
    assert plan.report.valid and not plan.report.issues, plan.report.issues
    (planned,) = plan.files
    back = dict(planned.annotation, annotated_at=original["annotated_at"])
    assert dump(back) == dump(original)  # equal, and in the same key order
    assert planned.path == tmp_path / "synthetic-every-field.ann-01.json"


def test_the_every_field_case_really_has_every_field() -> None:
    from nklabor import load_schemas

    present: set[str] = set()

    def walk(value: Any, path: str) -> None:
        present.add(path)
        if isinstance(value, dict):
            for key, sub in value.items():
                walk(sub, f"{path}.{key}")
        elif isinstance(value, list):
            for sub in value:
                walk(sub, f"{path}[*]")

    walk(every_field(), "$")
    paths = {p for p, _ in load_schemas().instance_nodes()}
    assert paths - present == set()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10**6))
def test_synthetic_annotations_survive_export_and_import(tmp_path: Path, seed: int) -> None:
    original = synthetic(random.Random(seed), 0, seed)
    plan = run(tmp_path / str(seed), export_of(original))
    assert plan.report.valid, plan.report.issues
    assert dict(plan.files[0].annotation, annotated_at=original["annotated_at"]) == original


def test_annotated_at_is_when_label_studio_last_saved_it(tmp_path: Path) -> None:
    plan = run(tmp_path, export_of(every_field()))
    assert plan.files[0].annotation["annotated_at"] == "2026-12-01T09:30:00Z"


def broken_export() -> list[dict[str, Any]]:
    export = export_of(every_field())
    items = result(export)
    items[0]["value"]["labels"] = ["no_such_label"]  # an event region with an unknown label
    span = next(i for i in items if i.get("from_name") == "indicator")
    span["value"]["start"], span["value"]["end"] = 10_000, 10_010  # a span off the text
    return export


def test_a_broken_export_gives_located_findings_and_writes_nothing(tmp_path: Path) -> None:
    export = broken_export()
    out = tmp_path / "annotations"
    out.mkdir()
    shutil.copy(DATA / "annotators.json", out)
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export, ensure_ascii=False, indent=2), encoding="utf-8")
    before = sorted(p.name for p in out.iterdir())
    done = runner.invoke(
        app, ["labelstudio", "import", str(path), "--annotator", "ann-01", "--out", str(out)]
    )
    assert done.exit_code == 1, done.output
    assert "nothing written" in done.output
    assert sorted(p.name for p in out.iterdir()) == before
    lines = path.read_text(encoding="utf-8").splitlines()
    unknown = next(x for x in done.output.splitlines() if "[labelstudio.unknown-label]" in x)
    assert re.match(
        rf"{re.escape(str(path))}:\d+:\d+: \$\[0\]\.annotations\[0\]\.result\[0\]\.value\.labels ", unknown
    )
    assert "task 100, region 'e1_ev1': 'no_such_label' is not a label of event" in unknown
    line = int(unknown.split(":")[1])
    assert '"labels"' in lines[line - 1]
    off = next(x for x in done.output.splitlines() if "[labelstudio.span-off-text]" in x)
    assert "task 100, region 'e1_in1_1': [10000, 10010) is outside the text" in off
    # Only these two: what hangs on a rejected region (its values, relations, the event it would have
    # anchored) is not reported again.
    assert sorted(codes(run(tmp_path / "again", export))) == [
        "labelstudio.span-off-text",
        "labelstudio.unknown-label",
    ]


def test_a_region_counted_in_utf16_units_is_converted_and_one_that_fits_nothing_is_an_error(
    tmp_path: Path,
) -> None:
    export = export_of(every_field())
    text = export[0]["data"]["text"]
    astral = text.index("🪖") + 1  # every span after the emoji is one UTF-16 unit further on
    later = [i for i in result(export) if i.get("value", {}).get("start", 0) > astral]
    for item in later:
        item["value"]["start"] += 1
        item["value"]["end"] += 1
    plan = run(tmp_path / "a", export)
    assert plan.report.valid
    assert set(codes(plan)) == {"labelstudio.offsets-converted"}
    assert dict(plan.files[0].annotation, annotated_at=every_field()["annotated_at"]) == every_field()
    later[0]["value"]["text"] = "not what the text holds"
    broken = run(tmp_path / "b", export)
    assert "labelstudio.span-mismatch" in codes(broken) and not broken.report.valid


def ui_export() -> list[dict[str, Any]]:
    """What the Label Studio UI writes: random region ids, `origin` keys, relations without labels, drawn
    from the event to the evidence, no event id and no event_extra (a one-event annotation)."""
    original = every_field()
    original["events"] = [dict(original["events"][0], id="dispatch")]
    export = export_of(original)
    items = result(export)
    renamed: dict[str, str] = {}
    for item in items:
        if "id" in item and item["id"] not in ("relevant", "notes"):
            renamed.setdefault(item["id"], f"Zx{len(renamed):03d}_q")
            item["id"] = renamed[item["id"]]
            item["origin"] = "manual"
        if item.get("type") == "relation":
            item["from_id"], item["to_id"] = renamed[item["to_id"]], renamed[item["from_id"]]
            item.pop("labels")
    items[:] = [i for i in items if i.get("from_name") not in ("event_id", "event_extra")]
    return export


def test_an_export_made_in_the_ui_maps_too(tmp_path: Path) -> None:
    plan = run(tmp_path, ui_export())
    assert plan.report.valid, plan.report.issues
    (event,) = plan.files[0].annotation["events"]
    original = every_field()["events"][0]
    assert event["id"] == "e1"  # generated: the UI gave no event id
    for key in ("evidence", "coercion", "place", "time", "casualties", "population", "sector"):
        assert event[key] == original[key], key
    assert event["counts"] == [original["counts"][1]]  # the primary count; the other was in event_extra
    assert "route" not in event and event["sanctions"]["evasion"] == []


def test_evidence_without_a_relation_belongs_to_the_only_event(tmp_path: Path) -> None:
    export = ui_export()
    events = {i["id"] for i in result(export) if i.get("from_name") == "event"}
    kept = [i for i in result(export) if i.get("type") != "relation" or {i["from_id"], i["to_id"]} <= events]
    assert len(kept) < len(result(export))
    result(export)[:] = kept
    plan = run(tmp_path, export)
    assert plan.report.valid, plan.report.issues
    assert plan.files[0].annotation["events"][0]["coercion"] == every_field()["events"][0]["coercion"]


def test_evidence_without_a_relation_among_several_events_is_a_finding(tmp_path: Path) -> None:
    export = export_of(every_field())
    result(export)[:] = [
        i for i in result(export) if not (i.get("type") == "relation" and "_in" in i["from_id"])
    ]
    plan = run(tmp_path, export)
    assert "labelstudio.unlinked-region" in codes(plan) and not plan.report.valid


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (
            lambda items: items.append(
                {
                    **items[0],
                    "from_name": "indicator",
                    "value": {**items[0]["value"], "labels": ["ilo_deception"]},
                }
            ),
            "labelstudio.ambiguous-region",
        ),
        (
            lambda items: items.append(
                {
                    "id": "nowhere",
                    "from_name": "sector",
                    "to_name": "text",
                    "type": "choices",
                    "value": {"choices": ["mining"]},
                }
            ),
            "labelstudio.orphan-value",
        ),
        (
            lambda items: items.append(
                {**next(i for i in items if i.get("from_name") == "indicator_status"), "id": "e1_ev1"}
            ),
            "labelstudio.orphan-value",
        ),
        (
            lambda items: items.append({"from_id": "e1_in1_1", "to_id": "e1_place1", "type": "relation"}),
            "labelstudio.bad-relation",
        ),
        (
            lambda items: items.append({"from_id": "e1_in1_1", "to_id": "gone", "type": "relation"}),
            "labelstudio.bad-relation",
        ),
        (
            lambda items: next(
                i for i in items if i.get("id") == "e1_in1_2" and i.get("from_name") == "indicator_status"
            )["value"].update(choices=["hedged"]),
            "labelstudio.conflicting-values",
        ),
        (
            lambda items: next(i for i in items if i.get("from_name") == "event_extra")["value"].update(
                text=["{oops"]
            ),
            "labelstudio.bad-extra",
        ),
        (
            lambda items: items.append(
                {"id": "x", "from_name": "rectangles", "type": "rectanglelabels", "value": {}}
            ),
            "labelstudio.unknown-control",
        ),
        (
            lambda items: next(i for i in items if i.get("from_name") == "sector")["value"].update(
                choices=["minig"]
            ),
            "labelstudio.unknown-label",
        ),
        (
            lambda items: next(i for i in items if i.get("from_name") == "status")["value"].update(
                choices=["ongoing", "planned"]
            ),
            "labelstudio.bad-value",
        ),
        (
            lambda items: next(i for i in items if i.get("from_name") == "count_best")["value"].update(
                number="120"
            ),
            "labelstudio.bad-value",
        ),
        (
            lambda items: next(i for i in items if i.get("from_name") == "time_start")["value"].update(
                datetime="03/01/2024"
            ),
            "labelstudio.bad-value",
        ),
    ],
)
def test_what_does_not_map_is_a_finding_with_its_task_and_region(
    tmp_path: Path, change: Any, code: str
) -> None:
    export = export_of(every_field())
    change(result(export))
    plan = run(tmp_path, export)
    found = [i for i in plan.report.issues if i.code == code]
    assert found and not plan.report.valid, plan.report.issues
    assert all(
        i.line is not None and i.column is not None and i.message.startswith("task 100") for i in found
    )


def test_codebook_rules_on_the_rebuilt_annotation_are_located_at_the_region(tmp_path: Path) -> None:
    export = export_of(every_field())
    best = next(i for i in result(export) if i.get("from_name") == "count_best")
    best["value"]["number"] = 5
    best["from_name"] = "count_min"  # min 5 where best 120 was: fine; now make best below it
    result(export).append({**best, "from_name": "count_best", "value": {**best["value"], "number": 1}})
    plan = run(tmp_path, export)
    (order,) = [i for i in plan.report.issues if i.code == "counts.order"]
    assert order.path.startswith("$[0].annotations[0].result[")
    assert "region 'e1_ev1': $.events[0].counts[1]" in order.message


def test_a_task_whose_text_changed_is_refused(tmp_path: Path) -> None:
    export = export_of(every_field())
    export[0]["data"]["text"] = export[0]["data"]["text"].replace("Synthetic", "Corrected")
    assert "labelstudio.text-changed" in codes(run(tmp_path, export))


def test_one_users_annotation_is_chosen_and_skipped_ones_are_reported(tmp_path: Path) -> None:
    export = export_of(every_field())
    second = copy.deepcopy(export[0]["annotations"][0])
    second["completed_by"] = 2
    export[0]["annotations"].append(second)
    assert "labelstudio.several-annotations" in codes(run(tmp_path / "a", export))
    assert run(tmp_path / "b", export, completed_by=2).report.valid
    export[0]["annotations"][1]["was_cancelled"] = True
    plan = run(tmp_path / "c", export)
    assert plan.report.valid and codes(plan) == ["labelstudio.no-annotation"]
    export[0]["annotations"] = []
    export[0]["drafts"] = [{"id": 3, "result": []}]
    (unsent,) = run(tmp_path / "d", export).report.issues
    assert unsent.severity == "warning" and "1 draft(s) not submitted" in unsent.message


def test_not_an_export(tmp_path: Path) -> None:
    assert codes(run(tmp_path / "a", {"tasks": []})) == ["labelstudio.not-an-export"]
    assert codes(run(tmp_path / "b", [{"data": {"text": "hello"}}])) == ["labelstudio.no-document"]


def test_cli_writes_the_files_refuses_to_replace_them_and_checks_the_annotator(tmp_path: Path) -> None:
    out = tmp_path / "annotations"
    out.mkdir()
    shutil.copy(DATA / "annotators.json", out)
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export_of(every_field())), encoding="utf-8")
    args = ["labelstudio", "import", str(path), "--out", str(out)]
    done = runner.invoke(app, [*args, "--annotator", "ann-01"])
    assert done.exit_code == 0, done.output
    written = out / "synthetic-every-field.ann-01.json"
    assert f"wrote {written}" in done.output
    again = runner.invoke(app, [*args, "--annotator", "ann-01"])
    assert again.exit_code == 2 and "--force" in again.output
    assert runner.invoke(app, [*args, "--annotator", "ann-01", "--force"]).exit_code == 0
    stranger = runner.invoke(app, [*args, "--annotator", "ann-77"])
    assert stranger.exit_code == 2 and "not registered" in stranger.output
    wrong_role = runner.invoke(app, [*args, "--annotator", "ann-02", "--role", "adjudicator"])
    assert wrong_role.exit_code == 2 and "not registered as adjudicator" in wrong_role.output
    nobody = runner.invoke(app, args, env={"NKLABOR_ANNOTATOR": ""})
    assert nobody.exit_code == 2 and "--annotator" in nobody.output


def test_cli_export_validates_first_and_counts_tasks(tmp_path: Path) -> None:
    out = tmp_path / "tasks.json"
    files = sorted((ROOT / "annotations").glob("dailynk-2021-komdok-soldiers-miners.*.json"))
    done = runner.invoke(app, ["labelstudio", "export", *map(str, files), "--out", str(out)])
    assert done.exit_code == 0 and "1 task(s), 3 prediction(s)" in done.output
    blank = runner.invoke(
        app, ["labelstudio", "export", *map(str, files), "--out", str(out), "--blank", "--force"]
    )
    assert blank.exit_code == 0 and "1 task(s), 0 prediction(s)" in blank.output
    bad = DATA / "invalid" / "span-off-by-one" / "input.json"
    refused = runner.invoke(app, ["labelstudio", "export", str(bad), "--out", str(tmp_path / "x.json")])
    assert refused.exit_code == 1 and "span.quote-mismatch" in refused.output
    assert not (tmp_path / "x.json").exists()


def test_an_export_captured_from_label_studio_imports_to_the_file_it_came_from(tmp_path: Path) -> None:
    """tests/data/labelstudio/export/: the JSON export of a real server (label-studio 1.23.2), with every
    key it adds (drafts, prediction, lead_time, ...)."""
    export = json.loads(
        (DATA / "labelstudio" / "export" / "synthetic-every-field.json").read_text(encoding="utf-8")
    )
    plan = run(tmp_path, export)
    assert plan.report.valid and not plan.report.issues
    assert dict(plan.files[0].annotation, annotated_at=every_field()["annotated_at"]) == every_field()
