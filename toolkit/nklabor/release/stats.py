"""Statistics of a written release, computed from its Parquet files (so the card, the diff and a reader all
count the same thing): rows per split, label distributions, indicator counts, annotators per document."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
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


def _batches(path: Path, columns: list[str]) -> Iterator[pa.Table]:
    """The columns of a Parquet file, a row group at a time (a large release is never read whole)."""
    handle = pq.ParquetFile(path)
    for i in range(handle.num_row_groups):
        yield handle.read_row_group(i, columns=columns)


def _count_events(stats: Stats, split: str, path: Path) -> None:
    schema = pq.read_schema(path)
    features = features_of(schema)
    labels = class_labels(features)
    feature = features["coercion"]
    assert isinstance(feature, List) and isinstance(feature.feature, dict)
    ind, status = feature.feature["indicator"], feature.feature["status"]
    assert isinstance(ind, ClassLabel) and isinstance(status, ClassLabel)
    stats.names["indicator_status"] = status.names
    pairs: Counter[tuple[str, str]] = Counter()
    for column, label in labels.items():
        stats.names[column] = label.names
        if isinstance(features[column], List):
            stats.multi.add(column)
        stats.labels.setdefault(column, {})[split] = Counter()
    for table in _batches(path, [*labels, "coercion"]):
        for column, label in labels.items():
            array = table.column(column)
            if column in stats.multi:
                array = pc.list_flatten(array)
            stats.labels[column][split].update(_names(array, label.names))
        coercion = pc.list_flatten(table.column("coercion"))
        for i, s in zip(
            pc.struct_field(coercion, "indicator").to_pylist(),
            pc.struct_field(coercion, "status").to_pylist(),
            strict=True,
        ):
            pairs[(ind.names[i], status.names[s])] += 1
    stats.indicators[split] = pairs


def _count_documents(stats: Stats, split: str, path: Path) -> tuple[date | None, date | None]:
    names = pq.read_schema(path).names
    # Releases before schema 2.0 store one `published` day; later ones the bounds of a partial date.
    low, high = (
        ("published_earliest", "published_latest")
        if "published_latest" in names
        else ("published", "published")
    )
    outlet = features_of(pq.read_schema(path))["outlet_type"]
    assert isinstance(outlet, ClassLabel)
    stats.annotators[split] = Counter()
    first: date | None = None
    last: date | None = None
    columns = ["annotators", "outlet", "outlet_type", "language", *dict.fromkeys((low, high))]
    for docs in _batches(path, columns):
        stats.annotators[split].update(docs.column("annotators").to_pylist())
        stats.documents.setdefault("outlet_type", Counter()).update(
            _names(docs.column("outlet_type"), outlet.names)
        )
        stats.documents.setdefault("language", Counter()).update(docs.column("language").to_pylist())
        stats.documents.setdefault("outlet", Counter()).update(docs.column("outlet").to_pylist())
        lo, hi = pc.min(docs.column(low)).as_py(), pc.max(docs.column(high)).as_py()
        first = lo if lo is not None and (first is None or lo < first) else first
        last = hi if hi is not None and (last is None or hi > last) else last
    return first, last


def compute(release: Path) -> Stats:
    """Read the release's Parquet files, a row group at a time, and count."""
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
            _count_events(stats, split, path)
        path = release / data_file("documents", split)
        if path.is_file():
            lo, hi = _count_documents(stats, split, path)
            if lo is not None and hi is not None:
                first = lo if first is None or lo < first else first
                last = hi if last is None or hi > last else last
    stats.published = (first, last) if first is not None and last is not None else None
    return stats
