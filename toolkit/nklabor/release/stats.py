"""Statistics of a written release, computed from its Parquet files (so the card, the diff and a reader all
count the same thing): rows per split, label distributions, indicator counts, annotators per document."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .features import ClassLabel, List, class_labels, features_of
from .layout import CONFIGS, SPLITS, data_file

PerSplit = dict[str, Counter[str]]


@dataclass
class Stats:
    """Counts of one release. Label counts are by class name, per split."""

    rows: dict[str, dict[str, int]] = field(default_factory=dict)
    labels: dict[str, PerSplit] = field(default_factory=dict)
    names: dict[str, tuple[str, ...]] = field(default_factory=dict)
    multi: set[str] = field(default_factory=set)
    indicators: dict[str, Counter[tuple[str, str]]] = field(default_factory=dict)
    annotators: dict[str, Counter[int]] = field(default_factory=dict)
    documents: dict[str, Counter[str]] = field(default_factory=dict)
    published: tuple[date, date] | None = None

    def total(self, column: str) -> Counter[str]:
        """Counts of a label column over all splits."""
        out: Counter[str] = Counter()
        for split in SPLITS:
            out.update(self.labels[column].get(split, Counter()))
        return out


def _names(array: pa.Array | pa.ChunkedArray, names: tuple[str, ...]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for row in pc.value_counts(array).to_pylist():
        if row["values"] is not None:
            counts[names[row["values"]]] += row["counts"]
    return counts


def compute(release: Path) -> Stats:
    """Read the release's Parquet files and count."""
    stats = Stats()
    for config in CONFIGS:
        stats.rows[config] = {}
        for split in SPLITS:
            path = release / data_file(config, split)
            stats.rows[config][split] = pq.ParquetFile(path).metadata.num_rows if path.is_file() else 0
    first, last = None, None
    for split in SPLITS:
        path = release / data_file("events", split)
        if path.is_file():
            schema = pq.read_schema(path)
            labels = class_labels(features_of(schema))
            table = pq.read_table(path, columns=[*labels, "coercion"])
            for column, label in labels.items():
                stats.names[column] = label.names
                array = table.column(column)
                if isinstance(features_of(schema)[column], List):
                    stats.multi.add(column)
                    array = pc.list_flatten(array)
                stats.labels.setdefault(column, {})[split] = _names(array, label.names)
            coercion = pc.list_flatten(table.column("coercion"))
            feature = features_of(schema)["coercion"]
            assert isinstance(feature, List) and isinstance(feature.feature, dict)
            ind, status = feature.feature["indicator"], feature.feature["status"]
            assert isinstance(ind, ClassLabel) and isinstance(status, ClassLabel)
            stats.names["indicator_status"] = status.names
            pairs: Counter[tuple[str, str]] = Counter()
            for i, s in zip(
                pc.struct_field(coercion, "indicator").to_pylist(),
                pc.struct_field(coercion, "status").to_pylist(),
                strict=True,
            ):
                pairs[(ind.names[i], status.names[s])] += 1
            stats.indicators[split] = pairs
        path = release / data_file("documents", split)
        if path.is_file():
            names = pq.read_schema(path).names
            # Releases before schema 2.0 store one `published` day; later ones the bounds of a partial date.
            low, high = (
                ("published_earliest", "published_latest")
                if "published_latest" in names
                else ("published", "published")
            )
            docs = pq.read_table(
                path, columns=["annotators", "outlet", "outlet_type", "language", *dict.fromkeys((low, high))]
            )
            stats.annotators[split] = Counter(docs.column("annotators").to_pylist())
            outlet = features_of(pq.read_schema(path))["outlet_type"]
            assert isinstance(outlet, ClassLabel)
            outlets = _names(docs.column("outlet_type"), outlet.names)
            stats.documents.setdefault("outlet_type", Counter()).update(outlets)
            stats.documents.setdefault("language", Counter()).update(docs.column("language").to_pylist())
            stats.documents.setdefault("outlet", Counter()).update(docs.column("outlet").to_pylist())
            lo, hi = pc.min(docs.column(low)).as_py(), pc.max(docs.column(high)).as_py()
            if lo is not None and hi is not None:
                first = lo if first is None or lo < first else first
                last = hi if last is None or hi > last else last
    stats.published = (first, last) if first is not None and last is not None else None
    return stats
