"""Structural checks against the JSON Schema, with short messages that never echo long values.

A compiled validator (jsonschema-rs) answers valid/invalid for every record; only records it rejects go through
the Python `jsonschema` validator, which lists every error with its path.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from jsonschema.exceptions import ValidationError, best_match

from . import jsonpath
from .report import short
from .schemas import ROOT, SchemaSet

_JSON_TYPES = {dict: "object", list: "array", str: "string", bool: "boolean", int: "integer", float: "number",
               type(None): "null"}
_REQUIRED = re.compile(r"^'(.*)' is a required property$")
_CODES = {
    "required": "schema.required", "additionalProperties": "schema.additional-property", "type": "schema.type",
    "enum": "schema.enum", "const": "schema.enum", "format": "schema.format", "pattern": "schema.pattern",
    "minLength": "schema.length", "maxLength": "schema.length", "minimum": "schema.range",
    "maximum": "schema.range", "exclusiveMinimum": "schema.range", "exclusiveMaximum": "schema.range",
    "minItems": "schema.items", "maxItems": "schema.items", "uniqueItems": "schema.unique-items",
}
MAX_LISTED = 8


@dataclass(frozen=True)
class Finding:
    """A finding before it is located in a file: code, JSON path, message, whether it points at a key, and its
    severity (`error` or `warning`)."""

    code: str
    path: str
    message: str
    at_key: bool = False
    severity: str = "error"


def check(data: Any, schemas: SchemaSet, name: str = ROOT) -> list[Finding]:
    """Every schema violation of `data`, or [] when valid. Cheap when valid."""
    if schemas.fast_validator(name).is_valid(data):
        return []
    found = [f for error in schemas.validator(name).iter_errors(data) for f in explain(error)]
    if not found:  # the two validators disagree: never let that pass silently
        found.append(Finding("schema.invalid", "$", "rejected by the compiled validator (no detail available)"))
    return sorted(set(found), key=lambda f: (f.path, f.code, f.message))


def floats_for_integers(data: Any, schemas: SchemaSet, name: str = ROOT) -> list[Finding]:
    """Values the schema types as `integer` that were written as a float token (`3.0`, `1e2`).

    JSON Schema counts 3.0 as an integer, so both validators accept it; the codebook does not (offsets and
    counts are integer tokens), and a float where an int is expected must never slip past a later check.
    """
    paths = schemas.integer_paths if name == ROOT else frozenset(
        p for p, node in schemas.instance_nodes(name) if node.get("type") == "integer")
    out = []
    for pattern in sorted(paths):
        for path, value in _located(data, pattern):
            if isinstance(value, float):
                shown = int(value) if value.is_integer() else value
                out.append(Finding("json.float-for-integer", path,
                                   f"{short(value)} is not an integer token; write {short(shown)}"))
    return out


def _located(data: Any, pattern: str) -> Iterator[tuple[str, Any]]:
    """(concrete path, value) of every value at a `$.a[*].b` pattern."""
    nodes: list[tuple[str, Any]] = [("$", data)]
    for key, star in re.findall(r"\.([^.\[]+)|(\[\*\])", pattern):
        nxt: list[tuple[str, Any]] = []
        for path, node in nodes:
            if star and isinstance(node, list):
                nxt.extend((jsonpath.child(path, i), v) for i, v in enumerate(node))
            elif key and isinstance(node, dict) and key in node:
                nxt.append((jsonpath.child(path, key), node[key]))
        nodes = nxt
    yield from nodes


def explain(error: ValidationError) -> Iterator[Finding]:
    """Turn one jsonschema error into findings with a stable code and a short message."""
    keyword = str(error.validator)
    path = jsonpath.join(error.absolute_path)
    instance = error.instance
    value: Any = error.validator_value
    schema = error.schema if isinstance(error.schema, dict) else {}
    code = _CODES.get(keyword, "schema.invalid")
    if keyword == "required":
        match = _REQUIRED.match(error.message)
        missing = match.group(1) if match else "?"
        yield Finding(code, path, f"missing required property {missing!r}")
    elif keyword == "additionalProperties" and isinstance(instance, dict):
        known = list(schema.get("properties", {}))
        for key in instance:
            if key not in known:
                hint = _suggest(key, known)
                yield Finding(code, jsonpath.child(path, key), f"unexpected property {short(key)}{hint}", at_key=True)
    elif keyword == "type":
        yield Finding(code, path, f"expected {_expected(value)}, got {type_name(instance)}")
    elif keyword in ("enum", "const"):
        options = list(value) if keyword == "enum" else [value]
        label = schema.get("title", "value")
        hint = _suggest(instance, options) if isinstance(instance, str) else ""
        if not hint:
            listed = ", ".join(str(o) for o in options[:MAX_LISTED])
            more = f", … ({len(options)} ids, see docs/codebook.md)" if len(options) > MAX_LISTED else ""
            hint = f"; expected one of: {listed}{more}"
        yield Finding(code, path, f"{short(instance)} is not a valid {label}{hint}")
    elif keyword == "format":
        yield Finding(code, path, f"{short(instance)} is not a valid {value}")
    elif keyword == "pattern":
        custom = schema.get("x-errorMessage")
        yield Finding(code, path, f"{short(instance)} {custom}" if custom else
                      f"{short(instance)} does not match {short(value, 60)}")
    elif keyword in ("minLength", "maxLength"):
        size = len(instance) if isinstance(instance, str) else 0
        bound = "at least" if keyword == "minLength" else "at most"
        yield Finding(code, path, f"string of {size} characters; {bound} {value} allowed")
    elif keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        relation = {"minimum": ">=", "maximum": "<=", "exclusiveMinimum": ">", "exclusiveMaximum": "<"}[keyword]
        yield Finding(code, path, f"{short(instance)} must be {relation} {value}")
    elif keyword in ("minItems", "maxItems"):
        size = len(instance) if isinstance(instance, list) else 0
        bound = "at least" if keyword == "minItems" else "at most"
        yield Finding(code, path, f"list of {size} items; {bound} {value} required")
    elif keyword == "uniqueItems":
        yield Finding(code, path, "the list repeats an item")
    elif keyword in ("oneOf", "anyOf") and error.context:
        closest = best_match(error.context)
        for inner in explain(closest):
            yield Finding(inner.code, inner.path, f"no alternative matches; closest: {inner.message}", inner.at_key)
    else:
        yield Finding(code, path, f"fails the schema's {keyword!r} rule")


def _suggest(word: str, options: list[Any]) -> str:
    names = [str(o) for o in options]
    close = difflib.get_close_matches(str(word), names, n=1, cutoff=0.75)
    return f"; did you mean {close[0]!r}?" if close else ""


def type_name(value: Any) -> str:
    """The JSON type name of a Python value."""
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _expected(value: Any) -> str:
    return " or ".join(value) if isinstance(value, list) else str(value)
