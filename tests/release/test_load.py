"""`nklabor.load_release` (through the real `datasets` loader) and `labels.json` (decoded with DuckDB)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest

import nklabor
from nklabor import load_schemas
from nklabor.errors import UsageError
from nklabor.release.features import ClassLabel, List, features_of, fields
from nklabor.release.labels import label_columns
from nklabor.release.load import resolve
from nklabor.release.versions import published
from tests.support import ROOT


def newest_current() -> Path | None:
    """The newest checked-in release built under the current codebook, if any."""
    folder = ROOT / "releases"
    for version in reversed(published(folder)):
        if load_schemas(folder / version.name / "schema").version == load_schemas().version:
            return folder / version.name
    return None


def test_label_columns_come_back_as_codebook_ids(shipped_release: Path, tmp_path: Path) -> None:
    events = nklabor.load_release(shipped_release, "events", cache_dir=tmp_path)
    labels = load_schemas().labels
    assert isinstance(events["mobilization_type"].dtype, pd.CategoricalDtype)
    assert list(events["mobilization_type"].cat.categories) == labels["mobilization_type"].names
    rows = pq.read_table(sorted(shipped_release.glob("data/events/train-*.parquet"))[0]).to_pylist()
    train = events[events["split"] == "train"].reset_index(drop=True)
    assert len(train) == len(rows)
    for loaded, row in zip(train.to_dict("records"), rows, strict=True):
        assert loaded["mobilization_type"] == labels["mobilization_type"].names[row["mobilization_type"]]
        assert loaded["population"] == [labels["population"].names[i] for i in row["population"]]
        assert [c["indicator"] for c in loaded["coercion"]] == [
            labels["indicator"].names[c["indicator"]] for c in row["coercion"]
        ]
        assert [c["status"] for c in loaded["coercion"]] == [
            labels["indicator_status"].names[c["status"]] for c in row["coercion"]
        ]
        assert (loaded["document_id"], loaded["event_id"]) == (row["document_id"], row["event_id"])
    assert not any(isinstance(v, int) for v in events["mobilization_type"])
    assert list(events["split"].cat.categories) == [
        s
        for s in ("train", "validation", "test")
        if (shipped_release / f"data/events/{s}-00000-of-00001.parquet").is_file()
    ]


def test_ids_keep_the_stored_indices_and_one_split_is_loaded_alone(
    shipped_release: Path, tmp_path: Path
) -> None:
    events = nklabor.load_release(shipped_release, "events", split="train", labels="ids", cache_dir=tmp_path)
    rows = pq.read_table(shipped_release / "data/events/train-00000-of-00001.parquet").to_pylist()
    assert "split" not in events.columns
    assert events["mobilization_type"].tolist() == [r["mobilization_type"] for r in rows]
    assert [list(v) for v in events["population"]] == [r["population"] for r in rows]


def test_documents_and_spans_decode_too(shipped_release: Path, tmp_path: Path) -> None:
    documents = nklabor.load_release(shipped_release, "documents", cache_dir=tmp_path)
    assert set(documents["role"]) <= {"annotator", "adjudicator"}
    nested = [e["mobilization_type"] for events in documents["events"] for e in events]
    assert nested and all(isinstance(t, str) for t in nested)
    spans = nklabor.load_release(shipped_release, "spans", cache_dir=tmp_path)
    assert set(spans["kind"]) <= {
        "event",
        "indicator",
        "count",
        "place",
        "time",
        "sanctions",
        "evasion",
        "casualties",
        "actor",
    }


def test_bad_arguments_are_usage_errors(shipped_release: Path, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not a config"):
        nklabor.load_release(shipped_release, "people")
    with pytest.raises(UsageError, match="labels must be one of names, ids"):
        nklabor.load_release(shipped_release, "events", labels="codes")
    with pytest.raises(UsageError, match="'dev' is not a split"):
        nklabor.load_release(shipped_release, "events", split="dev")
    with pytest.raises(UsageError, match="neither a release folder nor a release version"):
        nklabor.load_release(tmp_path / "nowhere", "events")
    with pytest.raises(UsageError, match="no such release"):
        nklabor.load_release("v99.0.0", "events", releases=shipped_release.parent)


def test_versions_resolve_in_the_releases_folder(shipped_release: Path) -> None:
    folder = shipped_release.parent
    assert resolve(shipped_release.name, folder) == shipped_release
    assert resolve(shipped_release.name[1:], folder) == shipped_release
    assert resolve("latest", folder) == folder / published(folder)[-1].name


def test_the_latest_checked_in_release_loads_with_names(tmp_path: Path) -> None:
    """Whatever its codebook: `load_release("latest", "events")` gives codebook ids, never class indices."""
    folder = ROOT / "releases"
    if not published(folder):
        pytest.skip("no release is checked in")
    events = nklabor.load_release("latest", "events", releases=folder, cache_dir=tmp_path)
    latest = folder / published(folder)[-1].name
    names = load_schemas(latest / "schema").labels["mobilization_type"].names
    assert len(events) == sum(
        pq.ParquetFile(p).metadata.num_rows for p in latest.glob("data/events/*.parquet")
    )
    assert set(events["mobilization_type"]) <= set(names)
    assert all(isinstance(v, str) for values in events["population"] for v in values)


def test_the_newest_published_release_loads_with_names(tmp_path: Path) -> None:
    release = newest_current()
    if release is None:
        pytest.skip("no checked-in release is built under the current codebook yet")
    events = nklabor.load_release(release, "events", cache_dir=tmp_path)
    names = load_schemas().labels["mobilization_type"].names
    assert set(events["mobilization_type"].dropna()) <= set(names)
    assert isinstance(events["mobilization_type"].dtype, pd.CategoricalDtype)


def test_import_nklabor_does_not_load_pandas_or_datasets() -> None:
    code = (
        "import sys, nklabor; nklabor.load_release; "
        "print(sorted(m for m in ('pandas', 'datasets', 'pyarrow') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


# labels.json ------------------------------------------------------------------------------------------


def test_labels_json_lists_every_class_label_column(shipped_release: Path) -> None:
    doc = json.loads((shipped_release / "labels.json").read_text(encoding="utf-8"))
    classes: dict[str, list[dict[str, Any]]] = {}
    for item in doc["classes"]:
        classes.setdefault(item["label"], []).append(item)
    seen = set()
    for path in shipped_release.glob("data/*/*.parquet"):
        config = path.parent.name
        for column, feature in fields(features_of(pq.read_schema(path))).items():
            inner = feature.feature if isinstance(feature, List) else feature
            if isinstance(inner, ClassLabel):
                seen.add((config, column))
                entry = next(c for c in doc["columns"] if (c["config"], c["column"]) == (config, column))
                assert entry["multi"] == isinstance(feature, List)
                assert [c["name"] for c in classes[entry["label"]]] == list(inner.names)
                assert [c["index"] for c in classes[entry["label"]]] == list(range(len(inner.names)))
    assert seen == {(c["config"], c["column"]) for c in doc["columns"]}
    assert ("events", "coercion.indicator") in seen and ("spans", "kind") in seen
    assert all(c["definition"] for c in doc["classes"]), "every class has its definition"
    indicator = {c["name"]: c["definition"] for c in classes["indicator"]}
    assert indicator == load_schemas().labels["indicator"].descriptions


def test_duckdb_decodes_the_parquet_with_labels_json(shipped_release: Path, tmp_path: Path) -> None:
    con = duckdb.connect()
    labels = str(shipped_release / "labels.json").replace("'", "''")
    con.execute(
        f"CREATE VIEW classes AS SELECT unnest(classes, recursive := true) FROM read_json('{labels}')"
    )
    events = str(shipped_release / "data/events/*.parquet")
    single = con.execute(
        "SELECT e.document_id, e.event_id, c.name FROM read_parquet(?) e "
        "JOIN classes c ON c.label = 'mobilization_type' AND c.index = e.mobilization_type",
        [events],
    ).fetchall()
    multi = con.execute(
        "SELECT e.document_id, e.event_id, c.name FROM "
        "(SELECT document_id, event_id, unnest(population) AS p FROM read_parquet(?)) e "
        "JOIN classes c ON c.label = 'population' AND c.index = e.p",
        [events],
    ).fetchall()
    nested = con.execute(
        "SELECT e.document_id, e.event_id, c.name FROM "
        "(SELECT document_id, event_id, unnest(coercion).indicator AS i FROM read_parquet(?)) e "
        "JOIN classes c ON c.label = 'indicator' AND c.index = e.i",
        [events],
    ).fetchall()
    loaded = nklabor.load_release(shipped_release, "events", cache_dir=tmp_path)
    expected_single = {(r.document_id, r.event_id, r.mobilization_type) for r in loaded.itertuples()}
    expected_multi = sorted((r.document_id, r.event_id, p) for r in loaded.itertuples() for p in r.population)
    expected_nested = sorted(
        (r.document_id, r.event_id, c["indicator"]) for r in loaded.itertuples() for c in r.coercion
    )
    assert set(single) == expected_single and len(single) == len(loaded)
    assert sorted(multi) == expected_multi and multi
    assert sorted(nested) == expected_nested and nested
    assert label_columns({"x": {"a": ClassLabel("l", ("p", "q"))}}) == [
        {"config": "x", "column": "a", "label": "l", "multi": False}
    ]
