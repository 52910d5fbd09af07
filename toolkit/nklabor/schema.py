"""The single loader for the JSON Schemas in `schema/`.

Schemas resolve `$ref` only among the local files: every reference is checked when the set is loaded, and one
that points anywhere else (another host, a `file:` URI) is a `SchemaError`. Nothing here touches the network.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urldefrag, urljoin

from .errors import SchemaError, ToolkitEnvironmentError

if TYPE_CHECKING:
    import referencing
    import regress
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

# Validators are imported when they are first used, never at import (`nklabor --help` needs none); Python
# `jsonschema`, `referencing` and `regress` (for `pattern`) only when a record fails and its errors are
# listed, or the schema tree is walked: the common all-valid run is checked by jsonschema-rs alone, and
# importing the three costs a sixth of a start-up.

ROOT = "annotation"
REGISTRY = "annotators"
REQUIRED_FORMATS = frozenset({"date", "date-time", "uri"})
FORMAT_MODULES = ("rfc3339_validator", "rfc3986_validator")
"""What makes `jsonschema` assert the `date-time` and `uri` formats (`date` needs nothing)."""
_REF_KEYWORDS = ("$ref", "$dynamicRef")
JSON_TYPES = frozenset({"object", "array", "string", "number", "integer", "boolean", "null"})
_KEY = re.compile(r"^[^.\[\]]+$")  # a key that an instance path (`$.a[*].b`) can name
RENAMES: dict[str, dict[str, tuple[str, ...]]] = {
    "2.0": {
        "subdivision": ("subdivisions",),
        "workers": ("counts",),
        "source": ("sources",),
        "precision": ("start_precision", "end_precision"),
        "st_ideological_sanction": ("st_punitive_self_criticism", "st_indoctrination"),
    },
}
"""The codebook's history: for each schema version, the fields and label ids of the version before it that it
renamed or split, with what replaces them (`nklabor migrate` and `nklabor release diff` read it)."""


def default_schema_dir() -> Path:
    """`schema/` of a source checkout, else the copy installed with the package."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parents[1] / "schema", here / "_schema"):
        if candidate.is_dir():
            return candidate
    raise ToolkitEnvironmentError(f"no schema folder found beside {here}")


@dataclass(frozen=True)
class Label:
    """One closed vocabulary: its ids, each with the definition the codebook gives it."""

    name: str
    title: str
    values: tuple[Any, ...]
    descriptions: dict[str, str]
    extra: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        """Class names as strings (ClassLabel names for integer vocabularies too)."""
        return [str(v) for v in self.values]


@dataclass(frozen=True)
class Shape:
    """Where values can sit in any instance that is valid against a closed schema: every instance path
    (`$.a[*].b`, `[*]` for array items) mapped to the JSON types the schema allows there. An instance the
    schema accepts holds no key, and no value of a type, beyond these (`SchemaSet.shape`)."""

    types: Mapping[str, frozenset[str]]

    def paths(self, *kinds: str) -> frozenset[str]:
        """The paths where a value of one of `kinds` (JSON type names) may sit."""
        return frozenset(path for path, allowed in self.types.items() if allowed & set(kinds))


@dataclass(frozen=True, eq=False)
class SchemaSet:
    """All schema resources of one folder, checked and indexed."""

    directory: Path
    resources: dict[str, dict[str, Any]]
    files: dict[str, Path]
    base: str

    def uri(self, name: str) -> str:
        """The `$id` of the schema file `<name>.schema.json`."""
        return urljoin(self.base, f"{name}.schema.json")

    @cached_property
    def older_versions(self) -> dict[str, Path]:
        """Schema versions kept for migration: version -> its folder (`schema/1.0/`)."""
        return {
            p.name: p
            for p in sorted(self.directory.iterdir())
            if p.is_dir() and (p / f"{ROOT}.schema.json").is_file()
        }

    @property
    def version(self) -> str:
        """The schema version a new annotation declares: the last value `schema_version` allows."""
        return str(self.schema(ROOT)["properties"]["schema_version"]["enum"][-1])

    def schema(self, name: str) -> dict[str, Any]:
        return self.resources[self.uri(name)]

    @cached_property
    def registry(self) -> referencing.Registry[Any]:
        import referencing
        import referencing.jsonschema

        # No `retrieve`: an unknown URI raises instead of being fetched.
        return referencing.Registry().with_resources(
            (uri, referencing.jsonschema.DRAFT202012.create_resource(s)) for uri, s in self.resources.items()
        )

    def validator(self, name: str = ROOT) -> Draft202012Validator:
        """Python `jsonschema` validator (detailed errors) with format assertion on."""
        return _python_validator(self, name)

    def fast_validator(self, name: str = ROOT) -> Any:
        """Compiled validator (jsonschema-rs, offline) for the common all-valid case."""
        return _fast_validator(self, name)

    @cached_property
    def labels(self) -> dict[str, Label]:
        """Every enum that carries `x-enumDescriptions`, keyed by its `$defs` name."""
        out: dict[str, Label] = {}
        for uri, schema in self.resources.items():
            for name, node in schema.get("$defs", {}).items():
                if isinstance(node, dict) and "x-enumDescriptions" in node:
                    if name in out:
                        raise SchemaError(f"{self.files[uri].name}: label {name!r} is defined twice")
                    extra = {k[2:]: v for k, v in node.items() if k.startswith("x-") and isinstance(v, dict)}
                    extra.pop("enumDescriptions", None)
                    out[name] = Label(
                        name,
                        node.get("title", name),
                        tuple(node["enum"]),
                        node["x-enumDescriptions"],
                        extra,
                    )
        for name, node in self.schema(ROOT).get("x-derived", {}).items():
            if "enum" not in node:
                continue  # a derived value that is not a label (a boolean)
            out[name] = Label(
                name,
                name.replace("_", " ").capitalize(),
                tuple(node["enum"]),
                node["x-enumDescriptions"],
            )
        return out

    @cached_property
    def dimensions(self) -> dict[str, str]:
        """Coercion indicator id -> `involuntariness` | `penalty` | `flag` (flags never count)."""
        return self.labels["indicator"].extra["dimensions"]

    @cached_property
    def sensitive_fields(self) -> dict[str, str]:
        """Instance paths (`$.notes`, `$.events[*].x`) -> `withhold` | `pseudonymize`, read from
        `x-sensitivity`."""
        return {
            path: node["x-sensitivity"] for path, node in self.instance_nodes() if "x-sensitivity" in node
        }

    @cached_property
    def integer_paths(self) -> frozenset[str]:
        """Instance paths (`$.events[*].workers.best`) whose schema type is `integer`."""
        return frozenset(path for path, node in self.instance_nodes() if node.get("type") == "integer")

    @cached_property
    def shape(self) -> Shape | None:
        """The `Shape` of valid annotations, or None when the schema leaves a place open (an object that
        admits other properties, an array without `items`, a value without a `type`): then nothing can be
        proved about a valid instance's shape, and the fast paths that rely on it stay off."""
        return _closed_shape(self.instance_nodes())

    def instance_nodes(self, name: str = ROOT) -> list[tuple[str, dict[str, Any]]]:
        """Every schema node that describes a value, with its instance path (`[*]` for array items), following
        `$ref` through `properties` and `items`."""
        found: list[tuple[str, dict[str, Any]]] = []
        self._walk(self.schema(name), self.uri(name), "$", found, set())
        return found

    def _lookup(self, base: str, ref: str) -> Any:
        """The node a `$ref` names. A whole file or a JSON pointer into one is looked up here, so that walking
        the tree (`instance_nodes`, on the hot path's first record) imports no `referencing`; anything else
        (an anchor, a schema with embedded `$id`s) is left to it."""
        url, fragment = urldefrag(urljoin(base, ref))
        if url in self.resources and (not fragment or fragment.startswith("/")) and not self._embedded_ids:
            node: Any = self.resources[url]
            try:
                for token in fragment.split("/")[1:]:
                    token = unquote(token).replace("~1", "/").replace("~0", "~")
                    node = node[int(token)] if isinstance(node, list) else node[token]
                return node
            except (KeyError, IndexError, ValueError, TypeError):
                pass  # let `referencing` say what is wrong
        return self.registry.resolver(base_uri=base).lookup(ref).contents

    @cached_property
    def _embedded_ids(self) -> bool:
        """Whether a schema file holds a subschema with its own `$id` (a base URI `_lookup` does not
        follow)."""
        return any(
            _has_id(value)
            for schema in self.resources.values()
            for key, value in schema.items()
            if key != "$id"
        )

    def _walk(
        self,
        node: Any,
        base: str,
        path: str,
        found: list[tuple[str, dict[str, Any]]],
        seen: set[tuple[str, str]],
    ) -> None:
        if not isinstance(node, dict):
            return
        if "$ref" in node:
            target = urljoin(base, node["$ref"])
            if (target, path) in seen:
                return
            seen.add((target, path))
            self._walk(self._lookup(base, node["$ref"]), urldefrag(target).url, path, found, seen)
        found.append((path, node))
        for key, sub in node.get("properties", {}).items():
            self._walk(sub, base, f"{path}.{key}", found, seen)
        if "items" in node:
            self._walk(node["items"], base, f"{path}[*]", found, seen)


def _has_id(node: Any) -> bool:
    if isinstance(node, dict):
        return "$id" in node or any(_has_id(v) for v in node.values())
    if isinstance(node, list):
        return any(_has_id(v) for v in node)
    return False


def _closed_shape(found: list[tuple[str, dict[str, Any]]]) -> Shape | None:
    """The shape of the instances of a schema given by its `instance_nodes`, or None when it is not closed.

    Every node `instance_nodes` lists is a necessary condition at its path (it is reached from the root
    through `properties`, `items` and `$ref` only, never through `not`, `anyOf` or `if`), so the types a value
    may have at a path are at most those every one of its nodes allows; and an object's keys are those of the
    `properties` of a node with `additionalProperties: false`, whatever `allOf` or `then` add. What those
    other keywords forbid on top is not needed: the shape only has to hold every valid instance."""
    nodes: dict[str, list[dict[str, Any]]] = {}
    for path, node in found:
        nodes.setdefault(path, []).append(node)
    types: dict[str, frozenset[str]] = {}
    for path, group in nodes.items():
        typed = [_declared(n) for n in group if "type" in n or "enum" in n or "const" in n]
        if not typed:
            return None  # a value of any type, and one that no keyword looks at
        allowed = set(JSON_TYPES)
        for names in typed:
            allowed &= names | ({"integer"} if "number" in names else set())
        if "object" in allowed and not _closed_object(path, group, nodes):
            return None
        if "array" in allowed and not _closed_array(path, group):
            return None
        types[path] = frozenset(allowed)
    return Shape(types)


def _declared(node: dict[str, Any]) -> set[str]:
    """The JSON types one node allows (by `type`, else by the values of `enum` or `const`)."""
    if "type" in node:
        declared = node["type"]
        return {declared} if isinstance(declared, str) else set(declared)
    values = node["enum"] if "enum" in node else [node["const"]]
    return {_type_of(v) for v in values if isinstance(values, list)}


def _type_of(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    names = {dict: "object", list: "array", str: "string", float: "number", type(None): "null"}
    return names.get(type(value), "null")


def _closed_object(path: str, group: list[dict[str, Any]], nodes: dict[str, list[Any]]) -> bool:
    for node in group:
        if node.get("additionalProperties") is False and "patternProperties" not in node:
            props = node.get("properties", {})
            return all(
                isinstance(key, str) and _KEY.match(key) and (sub is False or f"{path}.{key}" in nodes)
                for key, sub in props.items()
            )
    return False


def _closed_array(path: str, group: list[dict[str, Any]]) -> bool:
    if any("prefixItems" in node for node in group):
        return False
    return any(isinstance(node.get("items"), dict) or node.get("items") is False for node in group)


@lru_cache(maxsize=256)
def _ecma_regex(pattern: str) -> regress.Regex:
    import regress

    return regress.Regex(pattern, flags="u")


def _ecma_pattern(
    validator: Any, pattern: str, instance: Any, schema: dict[str, Any]
) -> Iterator[ValidationError]:
    """`pattern` with ECMA-262 semantics, as JSON Schema and the compiled validator define it: Python's `re`
    lets `$` match before a final newline, so `"abc\\n"` would pass `^[a-z]+$`."""
    from jsonschema.exceptions import ValidationError

    if validator.is_type(instance, "string") and _ecma_regex(pattern).find(instance) is None:
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@lru_cache(maxsize=1)
def _validator_class() -> Any:
    import jsonschema.validators
    from jsonschema import Draft202012Validator

    missing = REQUIRED_FORMATS - set(Draft202012Validator.FORMAT_CHECKER.checkers)
    if missing:
        raise ToolkitEnvironmentError(
            f"format checks {sorted(missing)} are unavailable: install rfc3339-validator and "
            "rfc3986-validator"
        )
    return jsonschema.validators.extend(Draft202012Validator, {"pattern": _ecma_pattern})


@lru_cache(maxsize=8)
def _python_validator(schemas: SchemaSet, name: str) -> Draft202012Validator:
    import referencing
    import referencing.jsonschema
    from jsonschema import Draft202012Validator

    # jsonschema picks the validator class of a `$ref`'s target by its `$schema`, which would drop the ECMA
    # `pattern`; the copies it validates with have no `$schema` (every file is draft 2020-12, checked on
    # load).
    bare = {uri: {k: v for k, v in s.items() if k != "$schema"} for uri, s in schemas.resources.items()}
    registry: referencing.Registry[Any] = referencing.Registry().with_resources(
        (uri, referencing.jsonschema.DRAFT202012.create_resource(s)) for uri, s in bare.items()
    )
    validator: Draft202012Validator = _validator_class()(
        bare[schemas.uri(name)],
        registry=registry,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
    return validator


@lru_cache(maxsize=8)
def _fast_validator(schemas: SchemaSet, name: str) -> Any:
    import jsonschema_rs

    registry = jsonschema_rs.Registry(list(schemas.resources.items()))
    return jsonschema_rs.Draft202012Validator(
        schemas.schema(name), registry=registry, validate_formats=True, offline=True
    )


def _iter_refs(node: Any, pointer: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in _REF_KEYWORDS and isinstance(value, str):
                yield f"{pointer}/{key}", value
            else:
                yield from _iter_refs(value, f"{pointer}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _iter_refs(value, f"{pointer}/{i}")


def _check_formats() -> None:
    """The format checkers' modules are installed (cheap: nothing is imported). Whether `jsonschema` really
    registered them is checked again when its validator is built (`_validator_class`)."""
    missing = [name for name in FORMAT_MODULES if find_spec(name) is None]
    if missing:
        raise ToolkitEnvironmentError(
            f"format checks {sorted(REQUIRED_FORMATS - {'date'})} are unavailable ({', '.join(missing)} "
            "missing): install rfc3339-validator and rfc3986-validator"
        )


@lru_cache(maxsize=4)
def load_schemas(directory: Path | str | None = None) -> SchemaSet:
    """Load, check and index every `*.schema.json` in `directory` (default: the project's `schema/`).

    Raises `SchemaError` for an invalid schema, a duplicate `$id`, or a `$ref` to anything but these files.
    """
    _check_formats()
    folder = Path(directory) if directory is not None else default_schema_dir()
    if not folder.is_dir():
        raise SchemaError(f"{folder}: schema folder not found")
    resources: dict[str, dict[str, Any]] = {}
    files: dict[str, Path] = {}
    for path in sorted(folder.glob("*.schema.json")):
        schema = _read_schema(path)
        uri = schema.get("$id")
        if not isinstance(uri, str) or urldefrag(uri).fragment:
            raise SchemaError(f"{path}: every schema needs an absolute `$id` without fragment")
        if uri in resources:
            raise SchemaError(f"{path}: `$id` {uri} is already used by {files[uri]}")
        resources[uri] = schema
        files[uri] = path
    if not resources:
        raise SchemaError(f"{folder}: no *.schema.json files")
    _check_refs(resources, files)
    base = urljoin(next(iter(resources)), ".")
    schemas = SchemaSet(folder, resources, files, base)
    for required in (ROOT, REGISTRY):
        if schemas.uri(required) not in resources:
            raise SchemaError(f"{folder}: missing {required}.schema.json")
    for label in schemas.labels.values():
        missing = [v for v in label.values if str(v) not in label.descriptions]
        if missing:
            raise SchemaError(f"label {label.name!r}: no definition for {missing}")
    return schemas


def _read_schema(path: Path) -> dict[str, Any]:
    try:
        schema = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SchemaError(f"{path}: cannot read schema: {exc}") from None
    if not isinstance(schema, dict):
        raise SchemaError(f"{path}: a schema file must hold an object")
    import jsonschema_rs

    try:
        valid = jsonschema_rs.meta.is_valid(schema)  # compiled: a hundredth of the Python check
    except (jsonschema_rs.ReferencingError, ValueError):
        valid = False
    if not valid:  # only now pay for Python jsonschema: it says where and why
        import jsonschema
        from jsonschema import Draft202012Validator

        try:
            Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as exc:
            where = "/" + "/".join(str(p) for p in exc.path)
            raise SchemaError(f"{path}: not a valid draft 2020-12 schema at {where}: {exc.message}") from None
    return schema


def _check_refs(resources: dict[str, dict[str, Any]], files: dict[str, Path]) -> None:
    """Every `$ref` must point at one of the local files: nothing is ever fetched."""
    for uri, schema in resources.items():
        for pointer, ref in _iter_refs(schema):
            target = urldefrag(urljoin(uri, ref)).url
            if target not in resources:
                raise SchemaError(
                    f"{files[uri]}: {pointer} = {ref!r} is not one of the local schema files; "
                    "remote and file: references are refused"
                )
