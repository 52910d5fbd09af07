"""`croissant.json`: Croissant 1.1 metadata with the Responsible-AI (RAI 1.0) fields and a SHA-256 per file.

Each config is a `FileSet` of its Parquet files and a `RecordSet` whose fields extract its columns; each label
vocabulary is a small enumeration `RecordSet` (index, name, definition) that label fields reference.
Written without `mlcroissant` (a dev-only dependency, used by the tests to validate the output).
"""

from __future__ import annotations

import json
from typing import Any

from .features import ClassLabel, Feature, List, Struct, Value, croissant_type
from .layout import SPLIT_FILE_REGEX, config_glob, config_of

CROISSANT = "http://mlcommons.org/croissant/1.1"
RAI = "http://mlcommons.org/croissant/RAI/1.0"
CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "arrayShape": "cr:arrayShape",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "containedIn": "cr:containedIn",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "description": {"@container": "@language"},
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isArray": "cr:isArray",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "name": {"@container": "@language"},
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}
MIME = {
    ".parquet": "application/x-parquet",
    ".md": "text/markdown",
    ".json": "application/json",
    ".svg": "image/svg+xml",
}


def _mime(path: str) -> str:
    return next((mime for suffix, mime in MIME.items() if path.endswith(suffix)), "application/octet-stream")


def _file_id(path: str) -> str:
    return path.replace("/", "-")


def _source(file_set: str, column: str, path: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"fileSet": {"@id": file_set}, "extract": {"column": column}}
    if path:
        out["transform"] = {"jsonPath": path}
    return out


def _field(
    record: str,
    name: str,
    feature: Feature,
    file_set: str,
    column: str,
    path: str | None,
    descriptions: dict[str, str],
    key: str,
) -> dict[str, Any]:
    """One Croissant field; `key` is its dotted path in the config (`coercion.evidence.start`), which names
    its description."""
    node: dict[str, Any] = {
        "@type": "cr:Field",
        "@id": f"{record}/{name}",
        "name": name,
        "description": descriptions[key],
    }
    array = isinstance(feature, List)
    inner = feature.feature if isinstance(feature, List) else feature
    if array:
        node["isArray"] = True
        node["arrayShape"] = "-1"
    if isinstance(inner, dict):
        prefix = f"{path}[*]" if path and array else path  # items of a list nested in a list
        node["subField"] = [
            _field(
                f"{record}/{name}",
                sub,
                subfeature,
                file_set,
                column,
                f"{prefix}.{sub}" if prefix else sub,
                descriptions,
                f"{key}.{sub}",
            )
            for sub, subfeature in inner.items()
        ]
        return node
    if isinstance(inner, List):  # a list nested in a list is left to the Parquet schema
        node["dataType"] = "sc:Text"
        return node
    assert isinstance(inner, Value | ClassLabel)
    node["dataType"] = croissant_type(inner)
    if isinstance(inner, ClassLabel):
        node["references"] = {"field": {"@id": f"labels/{inner.label}/index"}}
    node["source"] = _source(file_set, column, path)
    return node


def _label_set(label: ClassLabel, descriptions: dict[str, str]) -> dict[str, Any]:
    rid = f"labels/{label.label}"
    return {
        "@type": "cr:RecordSet",
        "@id": rid,
        "name": label.label,
        "description": f"Class names of `{label.label}`: the stored value of a label column is the index.",
        "key": {"@id": f"{rid}/index"},
        "field": [
            {"@type": "cr:Field", "@id": f"{rid}/index", "name": "index", "dataType": "sc:Integer"},
            {"@type": "cr:Field", "@id": f"{rid}/name", "name": "name", "dataType": "sc:Text"},
            {
                "@type": "cr:Field",
                "@id": f"{rid}/definition",
                "name": "definition",
                "dataType": "sc:Text",
            },
        ],
        "data": [
            {
                f"{rid}/index": i,
                f"{rid}/name": name,
                f"{rid}/definition": descriptions.get(name, ""),
            }
            for i, name in enumerate(label.names)
        ],
    }


def _labels(features: Struct, found: dict[str, ClassLabel]) -> None:
    for feature in features.values():
        inner = feature.feature if isinstance(feature, List) else feature
        if isinstance(inner, ClassLabel):
            found.setdefault(inner.label, inner)
        elif isinstance(inner, dict):
            _labels(inner, found)


def render(
    *,
    meta: dict[str, Any],
    rai: dict[str, Any],
    configs: dict[str, Struct],
    files: dict[str, tuple[str, int]],
    label_descriptions: dict[str, dict[str, str]],
    config_descriptions: dict[str, str],
    field_descriptions: dict[str, dict[str, str]],
) -> str:
    """The JSON-LD text. `files` maps relative paths to (sha256, size); `meta` holds schema.org properties;
    `field_descriptions` maps each config's dotted field paths to their descriptions."""
    distribution: list[dict[str, Any]] = [
        {
            "@type": "cr:FileObject",
            "@id": _file_id(path),
            "name": path,
            "contentUrl": path,
            "encodingFormat": _mime(path),
            "contentSize": f"{size} B",
            "sha256": digest,
        }
        for path, (digest, size) in sorted(files.items())
    ]
    record_sets: list[dict[str, Any]] = []
    labels: dict[str, ClassLabel] = {}
    for config, features in configs.items():
        if not any(config_of(path) == config for path in files):
            continue  # no rows at all: no file, no record set
        file_set = f"{config}-parquet"
        distribution.append(
            {
                "@type": "cr:FileSet",
                "@id": file_set,
                "name": file_set,
                "description": f"Parquet files of the `{config}` config, one per split.",
                "encodingFormat": "application/x-parquet",
                "includes": config_glob(config),
            }
        )
        fields = [
            _field(config, name, feature, file_set, name, None, field_descriptions[config], name)
            for name, feature in features.items()
        ]
        fields.append(
            {
                "@type": "cr:Field",
                "@id": f"{config}/split",
                "name": "split",
                "dataType": "sc:Text",
                "description": "train, validation or test, from the file name.",
                "source": {
                    "fileSet": {"@id": file_set},
                    "extract": {"fileProperty": "filename"},
                    "transform": {"regex": SPLIT_FILE_REGEX},
                },
            }
        )
        record_sets.append(
            {
                "@type": "cr:RecordSet",
                "@id": config,
                "name": config,
                "description": config_descriptions[config],
                "field": fields,
            }
        )
        _labels(features, labels)
    record_sets.extend(_label_set(labels[name], label_descriptions.get(name, {})) for name in sorted(labels))
    doc: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": [CROISSANT, RAI],
        **meta,
        **{f"rai:{key}": value for key, value in rai.items()},
        "distribution": distribution,
        "recordSet": record_sets,
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
