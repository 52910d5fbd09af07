"""Statistics are counted from the written files, per split."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq

from nklabor import load_schemas
from nklabor.release.stats import compute


def test_counts_match_a_direct_count(shared_release: Path) -> None:
    stats = compute(shared_release)
    labels = load_schemas().labels
    for split, rows in stats.rows["events"].items():
        path = shared_release / f"data/events/{split}-00000-of-00001.parquet"
        if not rows:
            assert not path.exists()
            continue
        table = pq.read_table(path).to_pylist()
        assert len(table) == rows
        assert stats.labels["sector"][split] == Counter(
            labels["sector"].names[i] for r in table for i in r["sector"]
        )
        assert stats.indicators[split] == Counter(
            (
                labels["indicator"].names[c["indicator"]],
                labels["indicator_status"].names[c["status"]],
            )
            for r in table
            for c in r["coercion"]
        )
    assert "sector" in stats.multi and "status" not in stats.multi
    docs = [r for p in shared_release.glob("data/documents/*.parquet") for r in pq.read_table(p).to_pylist()]
    assert (
        sum(stats.annotators[s][2] for s in stats.annotators)
        == sum(1 for d in docs if d["annotators"] == 2)
        == 2
    )
    first = min(d["published_earliest"] for d in docs)
    assert stats.published == (first, max(d["published_latest"] for d in docs))
    assert sum(stats.total("status").values()) == sum(stats.rows["events"].values())
