"""Render the schema into the Markdown codebook (`docs/codebook.md`). The schema is the source of truth."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag

from .report import CODES
from .schema import ROOT, SchemaSet, load_schemas

UNITS = (
    "annotation",
    "document",
    "event",
    "span",
    "place",
    "time",
    "count",
    "coercion",
    "sanctions",
    "source",
    "annotators",
)


def _anchor(name: str) -> str:
    return name.replace("_", "-")


def _type_of(node: dict[str, Any], schemas: SchemaSet) -> str:
    if "$ref" in node:
        target, fragment = urldefrag(node["$ref"])
        name = fragment.rsplit("/", 1)[-1] if fragment else target.replace(".schema.json", "")
        if name in schemas.labels:
            return f"[`{name}`](#{_anchor(name)})"
        return f"[{name}](#{_anchor(name)})" if name in UNITS else f"`{name}`"
    if node.get("type") == "array" and isinstance(node.get("items"), dict):
        return f"list of {_type_of(node['items'], schemas)}"
    if "enum" in node:
        return " \\| ".join(f"`{v}`" for v in node["enum"])
    return str(node.get("type", "any"))


def _constraints(node: dict[str, Any]) -> str:
    bits = []
    for key in ("format", "pattern", "minimum", "maximum", "minItems", "minLength", "maxLength"):
        if key in node:
            bits.append(f"{key} `{node[key]}`")
    if node.get("uniqueItems"):
        bits.append("no repeats")
    return "; ".join(bits)


def _fields(schema: dict[str, Any], schemas: SchemaSet) -> list[str]:
    required = set(schema.get("required", []))
    rows = ["| field | type | required | description |", "|---|---|---|---|"]
    for name, node in schema.get("properties", {}).items():
        desc = node.get("description", "")
        extra = _constraints(node)
        if node.get("x-sensitivity"):
            desc += f" **Sensitive ({node['x-sensitivity']}).**"
        if extra:
            desc = f"{desc} ({extra})" if desc else extra
        rows.append(
            f"| `{name}` | {_type_of(node, schemas)} | {'yes' if name in required else ''} | {desc} |"
        )
    return rows


FAMILIES = (
    "mobilization",
    "coercion",
    "sanctions",
    "source",
    "place",
    "time",
    "count",
    "document",
    "annotators",
    "annotation",
)


def _family_rank(schemas: SchemaSet, label: str) -> int:
    """Labels in the order of the codebook: mobilisation first, derived values last."""
    for uri, schema in schemas.resources.items():
        if label in schema.get("$defs", {}) or label in schema.get("x-derived", {}):
            name = schemas.files[uri].name.removesuffix(".schema.json")
            return FAMILIES.index(name) if name in FAMILIES else len(FAMILIES)
    return len(FAMILIES)


def _label(name: str, schemas: SchemaSet) -> list[str]:
    label = schemas.labels[name]
    dims = label.extra.get("dimensions")
    lines = [f'<a id="{_anchor(name)}"></a>', "", f"### {label.title} (`{name}`)", ""]
    if dims:
        lines += ["| id | dimension | definition |", "|---|---|---|"]
        lines += [f"| `{v}` | {dims[str(v)]} | {label.descriptions[str(v)]} |" for v in label.values]
    else:
        lines += ["| id | definition |", "|---|---|"]
        lines += [f"| `{v}` | {label.descriptions[str(v)]} |" for v in label.values]
    return [*lines, ""]


def render(schema_dir: Path | str | None = None) -> str:
    """The whole codebook as Markdown. Deterministic: the same schema gives the same bytes."""
    schemas = load_schemas(schema_dir)
    root = schemas.schema(ROOT)
    out = [
        "# nklabor codebook",
        "",
        "<!-- Generated from schema/ by `nklabor codebook`. Do not edit by hand: edit the schema and "
        "re-run. -->",
        "",
        f"Schema version {schemas.version}. Ids are stable snake_case "
        "identifiers; renaming or removing one is a breaking change. Annotators: start a file with "
        "`nklabor new`, find offsets with `nklabor span`, and check your work with `nklabor validate`.",
        "",
        "## Units and fields",
        "",
    ]
    for unit in UNITS:
        schema = schemas.schema(unit)
        out += [
            f'<a id="{_anchor(unit)}"></a>',
            "",
            f"### {schema.get('title', unit)}",
            "",
            schema.get("description", ""),
            "",
        ]
        if "properties" in schema:
            out += [*_fields(schema, schemas), ""]
        for name, node in schema.get("$defs", {}).items():
            if isinstance(node, dict) and "properties" in node:  # an object part of the unit, not a label
                out += [f'<a id="{_anchor(name)}"></a>', "", f"#### {node.get('title', name)} (`{unit}`)", ""]
                if node.get("description"):
                    out += [node["description"], ""]
                out += [*_fields(node, schemas), ""]
    out += ["## Labels", ""]
    for name in sorted(schemas.labels, key=lambda n: _family_rank(schemas, n)):
        out += _label(name, schemas)
    derived = root.get("x-derived", {})
    out += ["### Derived values", "", "Computed by nklabor for every event, never annotated:", ""]
    out += [f"- `{name}`: {node.get('description', '')}" for name, node in derived.items()]
    out += [""]
    out += ["## Decision rules", ""]
    out += [f"{i}. **{rule['id']}**: {rule['text']}" for i, rule in enumerate(root["x-decisionRules"], 1)]
    out += [
        "",
        "## Rules the validator enforces",
        "",
        "Besides the schema itself, `nklabor validate` checks these rules; each finding carries its code.",
        "",
        "| code | layer | rule |",
        "|---|---|---|",
    ]
    out += [f"| `{c.slug}` | {c.layer} | {c.description} |" for c in CODES.values()]
    out += [
        "",
        "## Example",
        "",
        "One event of an invented example text (the schema quotes no publisher's article), with its offsets "
        "into it: \"The county people's committee ordered about 40 students to the Sinpo farm on 3 May, "
        'telling them that refusal would be reported to their schools." See `annotations/` for complete '
        "worked examples.",
        "",
        "```json",
        json.dumps(schemas.schema("event").get("examples", [{}])[0], ensure_ascii=False, indent=2),
        "```",
        "",
    ]
    return "\n".join(out)


def is_current(path: Path, schema_dir: Path | str | None = None) -> bool:
    """True when `path` holds exactly what `render` gives for the schema."""
    return path.is_file() and path.read_text(encoding="utf-8") == render(schema_dir)
