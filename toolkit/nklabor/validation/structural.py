"""Structural checks against the JSON Schema, with short messages that never echo long values.

A compiled validator (jsonschema-rs) answers valid/invalid for every record; only records it rejects go
through the Python `jsonschema` validator, which lists every error with its path."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ..report import Finding, short
from ..schema import ROOT, SchemaSet
from . import jsonpath
from .locate import MAX_SAFE_INTEGER

if TYPE_CHECKING:  # jsonschema itself is imported only for a record that fails (see `nklabor.schema`)
    from jsonschema.exceptions import ValidationError

_JSON_TYPES = {
    dict: "object",
    list: "array",
    str: "string",
    bool: "boolean",
    int: "integer",
    float: "number",
    type(None): "null",
}
_REQUIRED = re.compile(r"^'(.*)' is a required property$")
_CODES = {
    "required": "schema.required",
    "additionalProperties": "schema.additional-property",
    "type": "schema.type",
    "enum": "schema.enum",
    "const": "schema.enum",
    "format": "schema.format",
    "pattern": "schema.pattern",
    "minLength": "schema.length",
    "maxLength": "schema.length",
    "minimum": "schema.range",
    "maximum": "schema.range",
    "exclusiveMinimum": "schema.range",
    "exclusiveMaximum": "schema.range",
    "minItems": "schema.items",
    "maxItems": "schema.items",
    "uniqueItems": "schema.unique-items",
}
MAX_LISTED = 8


def check(data: Any, schemas: SchemaSet, name: str = ROOT) -> list[Finding]:
    """Every schema violation of `data`, or [] when valid. Cheap when valid."""
    if schemas.fast_validator(name).is_valid(data):
        return []
    found = [f for error in schemas.validator(name).iter_errors(data) for f in explain(error)]
    if not found:  # the two validators disagree: never let that pass silently
        found.append(
            Finding("schema.invalid", "$", "rejected by the compiled validator (no detail available)")
        )
    return sorted(set(found), key=lambda f: (f.path, f.code, f.message))


def floats_for_integers(data: Any, schemas: SchemaSet, name: str = ROOT) -> list[Finding]:
    """Values the schema types as `integer` that were written as a float token (`3.0`, `1e2`).

    JSON Schema counts 3.0 as an integer, so both validators accept it; the codebook does not (offsets and
    counts are integer tokens), and a float where an int is expected must never slip past a later check.
    One walk of the record, along the schema's integer paths only.
    """
    paths = (
        schemas.integer_paths
        if name == ROOT
        else frozenset(p for p, node in schemas.instance_nodes(name) if node.get("type") == "integer")
    )
    out = []
    for parts, value in _walk(data, _trie(paths)):
        if isinstance(value, float):
            shown = int(value) if value.is_integer() else value
            message = f"{short(value)} is not an integer token; write {short(shown)}"
            out.append(Finding("json.float-for-integer", jsonpath.join(parts), message))
    return sorted(out, key=lambda f: f.path)


@lru_cache(maxsize=4)
def guard(schemas: SchemaSet) -> Any | None:
    """A compiled validator that accepts an annotation only when the schema does and every number in it is an
    integer within +/-(2**53 - 1); None when the schema is not closed (`SchemaSet.shape`).

    With a closed schema, numbers can only sit at the shape's number paths: the guard adds those bounds where
    the schema has none as tight (in its own small schema, beside the real one: the schema files are never
    changed). Used on values read
    by `reading.fast_parse`, whose fractions and exponents are `LosslessFloat`s: the compiled validator
    raises ValueError on one wherever a keyword looks at it, which, the schema being closed, is everywhere.
    """
    shape = schemas.shape
    if shape is None:
        return None
    import jsonschema_rs  # as in `nklabor.schema`: compiled validators load when first used

    registry = jsonschema_rs.Registry(list(schemas.resources.items()))
    nodes: dict[str, list[dict[str, Any]]] = {}
    for path, node in schemas.instance_nodes():
        nodes.setdefault(path, []).append(node)
    unbounded = [p for p in sorted(shape.paths("integer", "number")) if not _bounded(nodes.get(p, []))]
    bounds = _bounds(unbounded)
    return jsonschema_rs.Draft202012Validator(
        {"allOf": [{"$ref": schemas.uri(ROOT)}, bounds]},
        registry=registry,
        validate_formats=True,
        offline=True,
    )


def _bounded(nodes: list[dict[str, Any]]) -> bool:
    """Whether the schema itself keeps a number at these nodes' path within +/-(2**53 - 1)."""

    def within(value: Any) -> bool:
        return isinstance(value, int | float) and -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER

    for node in nodes:
        values = node.get("enum", [node["const"]] if "const" in node else None)
        if isinstance(values, list) and all(not isinstance(v, int | float) or within(v) for v in values):
            return True
    high = any(within(n.get("maximum")) or within(n.get("exclusiveMaximum")) for n in nodes)
    low = any(within(n.get("minimum")) or within(n.get("exclusiveMinimum")) for n in nodes)
    return high and low


def _bounds(paths: list[str]) -> dict[str, Any]:
    """A schema that bounds every value at `paths` (and says nothing else)."""
    root: dict[str, Any] = {}
    for path in paths:
        node = root
        for key, star in re.findall(r"\.([^.\[]+)|(\[\*\])", path):
            node = (
                node.setdefault("items", {})
                if star
                else node.setdefault("properties", {}).setdefault(key, {})
            )
        node.update({"minimum": -MAX_SAFE_INTEGER, "maximum": MAX_SAFE_INTEGER})
    return root


Trie = dict[str, Any]
_LEAF = ""


@lru_cache(maxsize=16)
def _trie(paths: frozenset[str]) -> Trie:
    """`$.a[*].b` paths as a trie of keys (`*` for list items); `""` marks a path's end."""
    root: Trie = {}
    for path in paths:
        node = root
        for key, star in re.findall(r"\.([^.\[]+)|(\[\*\])", path):
            node = node.setdefault("*" if star else key, {})
        node[_LEAF] = True
    return root


def _walk(data: Any, trie: Trie) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """(path parts, value) of every value at the end of a trie path."""
    stack: list[tuple[Any, Trie, tuple[str | int, ...]]] = [(data, trie, ())]
    while stack:
        node, branch, parts = stack.pop()
        if _LEAF in branch:
            yield parts, node
        if isinstance(node, dict):
            stack.extend((node[k], sub, (*parts, k)) for k, sub in branch.items() if k != _LEAF and k in node)
        elif isinstance(node, list) and "*" in branch:
            stack.extend((item, branch["*"], (*parts, i)) for i, item in enumerate(node))


def explain(error: ValidationError) -> Iterator[Finding]:
    """Turn one jsonschema error into findings with a stable code and a short message."""
    keyword = str(error.validator)
    path = jsonpath.join(error.absolute_path)
    code = _CODES.get(keyword, "schema.invalid")
    explainer = _EXPLAINERS.get(keyword)
    if keyword in ("oneOf", "anyOf") and error.context:
        from jsonschema.exceptions import best_match

        for inner in explain(best_match(error.context)):
            message = f"no alternative matches; closest: {inner.message}"
            yield Finding(inner.code, inner.path, message, inner.at_key)
    elif explainer is not None:
        yield from explainer(error, code, path)
    else:
        yield Finding(code, path, f"fails the schema's {keyword!r} rule")


Explainer = Callable[["ValidationError", str, str], Iterator[Finding]]


def _schema(error: ValidationError) -> dict[str, Any]:
    return error.schema if isinstance(error.schema, dict) else {}


def _required(error: ValidationError, code: str, path: str) -> Iterator[Finding]:
    match = _REQUIRED.match(error.message)
    yield Finding(code, path, f"missing required property {match.group(1) if match else '?'!r}")


def _additional(error: ValidationError, code: str, path: str) -> Iterator[Finding]:
    if not isinstance(error.instance, dict):
        return
    known = list(_schema(error).get("properties", {}))
    for key in error.instance:
        if key not in known:
            message = f"unexpected property {short(key)}{_suggest(key, known)}"
            yield Finding(code, jsonpath.child(path, key), message, at_key=True)


def _type(error: ValidationError, code: str, path: str) -> Iterator[Finding]:
    yield Finding(code, path, f"expected {_expected(error.validator_value)}, got {type_name(error.instance)}")


def _enum(error: ValidationError, code: str, path: str) -> Iterator[Finding]:
    value: Any = error.validator_value
    options = list(value) if error.validator == "enum" else [value]
    label = _schema(error).get("title", "value")
    hint = _suggest(error.instance, options) if isinstance(error.instance, str) else ""
    if not hint:
        listed = ", ".join(str(o) for o in options[:MAX_LISTED])
        more = f", … ({len(options)} ids, see docs/codebook.md)" if len(options) > MAX_LISTED else ""
        hint = f"; expected one of: {listed}{more}"
    yield Finding(code, path, f"{short(error.instance)} is not a valid {label}{hint}")


def _format(error: ValidationError, code: str, path: str) -> Iterator[Finding]:
    yield Finding(code, path, f"{short(error.instance)} is not a valid {error.validator_value}")


def _pattern(error: ValidationError, code: str, path: str) -> Iterator[Finding]:
    custom = _schema(error).get("x-errorMessage")
    what = custom if custom else f"does not match {short(error.validator_value, 60)}"
    yield Finding(code, path, f"{short(error.instance)} {what}")


def _length(error: ValidationError, code: str, path: str) -> Iterator[Finding]:
    size = len(error.instance) if isinstance(error.instance, str) else 0
    bound = "at least" if error.validator == "minLength" else "at most"
    yield Finding(code, path, f"string of {size} characters; {bound} {error.validator_value} allowed")


_RELATIONS = {"minimum": ">=", "maximum": "<=", "exclusiveMinimum": ">", "exclusiveMaximum": "<"}


def _range(error: ValidationError, code: str, path: str) -> Iterator[Finding]:
    relation = _RELATIONS[str(error.validator)]
    yield Finding(code, path, f"{short(error.instance)} must be {relation} {error.validator_value}")


def _items(error: ValidationError, code: str, path: str) -> Iterator[Finding]:
    size = len(error.instance) if isinstance(error.instance, list) else 0
    bound = "at least" if error.validator == "minItems" else "at most"
    yield Finding(code, path, f"list of {size} items; {bound} {error.validator_value} required")


def _unique(error: ValidationError, code: str, path: str) -> Iterator[Finding]:
    yield Finding(code, path, "the list repeats an item")


_EXPLAINERS: dict[str, Explainer] = {
    "required": _required,
    "additionalProperties": _additional,
    "type": _type,
    "enum": _enum,
    "const": _enum,
    "format": _format,
    "pattern": _pattern,
    "minLength": _length,
    "maxLength": _length,
    **{keyword: _range for keyword in _RELATIONS},
    "minItems": _items,
    "maxItems": _items,
    "uniqueItems": _unique,
}


def _suggest(word: str, options: list[Any]) -> str:
    names = [str(o) for o in options]
    close = difflib.get_close_matches(str(word), names, n=1, cutoff=0.75)
    return f"; did you mean {close[0]!r}?" if close else ""


def type_name(value: Any) -> str:
    """The JSON type name of a Python value."""
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _expected(value: Any) -> str:
    return " or ".join(value) if isinstance(value, list) else str(value)
