"""`labels.json`: every class-label column of a release (nested ones too) with the names and definitions of
its classes, so that readers without `datasets` (pandas, polars, DuckDB) decode the stored indices with a
join.

    {"classes": [{"label": "mobilization_type", "index": 0, "name": "overseas_dispatch", "definition": "..."},
                 ...],
     "columns": [{"config": "events", "column": "mobilization_type", "label": "mobilization_type",
                  "multi": false}, {"config": "events", "column": "coercion.indicator", ...}, ...]}

`classes` is one flat table (label, index) -> name, definition; `columns` says which vocabulary each column
uses (`column` is a dotted path for a field inside a struct or a list of structs; `multi` is true when the
value at that path is a list of indices). In DuckDB:
`SELECT unnest(classes, recursive := true) FROM read_json('labels.json')` is the lookup table.
"""

from __future__ import annotations

import json
from typing import Any

from ..schema import SchemaSet
from .features import ClassLabel, List, Struct, fields
from .tables import SPAN_KIND_DEFINITIONS


def label_columns(configs: dict[str, Struct]) -> list[dict[str, Any]]:
    """(config, dotted column, vocabulary, multi) of every class-label column and sub-field."""
    out: list[dict[str, Any]] = []
    for config, features in configs.items():
        for path, feature in fields(features).items():
            inner = feature.feature if isinstance(feature, List) else feature
            if isinstance(inner, ClassLabel):
                out.append(
                    {
                        "config": config,
                        "column": path,
                        "label": inner.label,
                        "multi": isinstance(feature, List),
                    }
                )
    return out


def definitions(schemas: SchemaSet) -> dict[str, dict[str, str]]:
    """Vocabulary -> class name -> definition: the codebook's, and the release's own `span_kind`."""
    return {
        **{name: dict(label.descriptions) for name, label in schemas.labels.items()},
        "span_kind": dict(SPAN_KIND_DEFINITIONS),
    }


def render(configs: dict[str, Struct], schemas: SchemaSet) -> str:
    """The text of `labels.json` (deterministic: configs, columns and classes in their release order)."""
    columns = label_columns(configs)
    vocabularies: dict[str, ClassLabel] = {}
    for features in configs.values():
        for feature in fields(features).values():
            inner = feature.feature if isinstance(feature, List) else feature
            if isinstance(inner, ClassLabel):
                vocabularies.setdefault(inner.label, inner)
    known = definitions(schemas)
    classes = [
        {"label": name, "index": i, "name": cls, "definition": known.get(name, {}).get(cls, "")}
        for name in sorted(vocabularies)
        for i, cls in enumerate(vocabularies[name].names)
    ]
    return json.dumps({"classes": classes, "columns": columns}, ensure_ascii=False, indent=2) + "\n"
