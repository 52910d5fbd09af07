"""JSON paths in the `$.events[0].place` form used by every finding."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def child(path: str, key: str | int) -> str:
    """The path of `key` (an object key or an array index) under `path`."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    if _IDENT.match(key):
        return f"{path}.{key}"
    return f"{path}[{json.dumps(key, ensure_ascii=False)}]"


def join(parts: Iterable[str | int], root: str = "$") -> str:
    """Build a path from a sequence of keys and indexes (e.g. a jsonschema error's `absolute_path`)."""
    path = root
    for part in parts:
        path = child(path, part)
    return path
