"""Column types of a release, written once and rendered three ways: the Arrow type in the Parquet file, the
Hugging Face `datasets` feature (schema metadata and the card's `dataset_info`), and the Croissant data type.

Label columns are `ClassLabel`s whose names are the codebook ids, in schema order: the stored value is the
index of the id in the label's `enum`. Rendering is done here, not by `datasets`, so the bytes of a release
depend only on the pinned pyarrow, never on the installed `datasets` version."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Union

import pyarrow as pa

_ARROW_VALUES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "int32": pa.int32(),
    "int64": pa.int64(),
    "bool": pa.bool_(),
    "date32": pa.date32(),
    "float64": pa.float64(),
}
_CROISSANT_VALUES = {
    "string": "sc:Text",
    "int32": "sc:Integer",
    "int64": "sc:Integer",
    "bool": "sc:Boolean",
    "date32": "sc:Date",
    "float64": "sc:Float",
}


@dataclass(frozen=True)
class Value:
    """A scalar: `string`, `int32`, `int64`, `float64`, `bool` or `date32`."""

    dtype: str

    def __post_init__(self) -> None:
        if self.dtype not in _ARROW_VALUES:
            raise ValueError(f"unsupported dtype {self.dtype!r}")


@dataclass(frozen=True)
class ClassLabel:
    """A closed vocabulary stored as the int64 index of the class name."""

    label: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class List:
    """A variable-length list of one feature."""

    feature: Feature


Struct = dict[str, "Feature"]
Feature = Union[Value, ClassLabel, List, Struct]  # noqa: UP007 (a runtime alias)


def arrow_type(feature: Feature) -> pa.DataType:
    """The Arrow type a feature is stored as."""
    if isinstance(feature, Value):
        return _ARROW_VALUES[feature.dtype]
    if isinstance(feature, ClassLabel):
        return pa.int64()
    if isinstance(feature, List):
        return pa.list_(arrow_type(feature.feature))
    return pa.struct([pa.field(name, arrow_type(sub)) for name, sub in feature.items()])


def arrow_schema(features: Struct) -> pa.Schema:
    """The explicit Arrow schema of a table, with the `huggingface` metadata `datasets` reads back."""
    info = json.dumps(
        {"info": {"features": {name: hf_json(f) for name, f in features.items()}}},
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return pa.schema(
        [pa.field(name, arrow_type(f)) for name, f in features.items()],
        metadata={"huggingface": info},
    )


def hf_json(feature: Feature) -> Any:
    """`datasets.Features.to_dict()` form of one feature."""
    if isinstance(feature, Value):
        return {"dtype": feature.dtype, "_type": "Value"}
    if isinstance(feature, ClassLabel):
        return {"names": list(feature.names), "_type": "ClassLabel"}
    if isinstance(feature, List):
        return {"feature": hf_json(feature.feature), "_type": "List"}
    return {name: hf_json(sub) for name, sub in feature.items()}


def hf_yaml(features: Struct) -> list[dict[str, Any]]:
    """The `dataset_info.features` list of a dataset card (what `datasets.Features._to_yaml_list` writes)."""
    return [{"name": name, **_yaml(f)} for name, f in features.items()]


def _yaml(feature: Feature) -> dict[str, Any]:
    if isinstance(feature, Value):
        return {"dtype": feature.dtype}
    if isinstance(feature, ClassLabel):
        return {"dtype": {"class_label": {"names": {str(i): n for i, n in enumerate(feature.names)}}}}
    if isinstance(feature, List):
        inner = _yaml(feature.feature)
        if list(inner) == ["dtype"]:
            return {"list": inner["dtype"]}
        if list(inner) == ["struct"]:
            return {"list": inner["struct"]}
        return {"list": inner}
    return {"struct": hf_yaml(feature)}


def croissant_type(feature: Value | ClassLabel) -> str:
    """The Croissant `dataType` of a scalar feature (a class label is its integer index)."""
    if isinstance(feature, ClassLabel):
        return "sc:Integer"
    return _CROISSANT_VALUES[feature.dtype]


def class_labels(features: Struct) -> dict[str, ClassLabel]:
    """Top-level label columns (single- or multi-label) by column name."""
    out: dict[str, ClassLabel] = {}
    for name, feature in features.items():
        inner = feature.feature if isinstance(feature, List) else feature
        if isinstance(inner, ClassLabel):
            out[name] = inner
    return out


def from_hf_json(node: Any) -> Feature:
    """Inverse of `hf_json`, for reading the schema metadata of a published Parquet file."""
    if isinstance(node, dict) and "_type" in node:
        kind = node["_type"]
        if kind == "Value":
            return Value(node["dtype"])
        if kind == "ClassLabel":
            return ClassLabel("", tuple(node["names"]))
        if kind in ("List", "Sequence"):
            return List(from_hf_json(node["feature"]))
        raise ValueError(f"unsupported feature type {kind!r}")
    if isinstance(node, dict):
        return {name: from_hf_json(sub) for name, sub in node.items()}
    raise ValueError(f"not a feature: {node!r}")


def features_of(schema: pa.Schema) -> Struct:
    """The features recorded in a release table's schema metadata."""
    raw = (schema.metadata or {}).get(b"huggingface")
    if raw is None:
        raise ValueError("no huggingface feature metadata")
    features = from_hf_json(json.loads(raw)["info"]["features"])
    assert isinstance(features, dict)
    return features


def decode(value: Any, feature: Feature) -> Any:
    """Replace class indices by class names, recursively (dates become ISO strings, so that a date and the
    same date written as text compare equal across releases)."""
    if value is None:
        return None
    if isinstance(feature, ClassLabel):
        return feature.names[value]
    if isinstance(feature, List):
        return [decode(v, feature.feature) for v in value]
    if isinstance(feature, dict):
        return {k: decode(value.get(k), f) for k, f in feature.items()}
    return value.isoformat() if hasattr(value, "isoformat") else value


def type_name(feature: Feature) -> str:
    """A short name of a feature's kind, ignoring class names: `string`, `class`, `list<class>`,
    `list<struct>`..."""
    if isinstance(feature, Value):
        return feature.dtype
    if isinstance(feature, ClassLabel):
        return "class"
    if isinstance(feature, List):
        return f"list<{type_name(feature.feature)}>"
    return "struct"


def fields(features: Struct, prefix: str = "") -> dict[str, Feature]:
    """Every column and sub-field by dotted path (`coercion`, `coercion.indicator`, ...), in order."""
    out: dict[str, Feature] = {}
    for name, feature in features.items():
        path = f"{prefix}{name}"
        out[path] = feature
        inner = feature.feature if isinstance(feature, List) else feature
        if isinstance(inner, dict):
            out.update(fields(inner, f"{path}."))
    return out
