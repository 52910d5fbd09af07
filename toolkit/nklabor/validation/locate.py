"""Where things are in a JSON text: line and column of every key and value, by JSON path.

Built with tree-sitter's JSON grammar, and only for records that have a finding: the common valid record never
pays for it. Columns count Unicode code points, like editors do.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field

import tree_sitter
import tree_sitter_json

from . import jsonpath

_PARSER = tree_sitter.Parser(tree_sitter.Language(tree_sitter_json.language()))
MAX_SAFE_INTEGER = 2**53 - 1
# Strings are matched first so that a token inside a string is skipped.
_NON_FINITE = re.compile(rb'"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)')
# The grammar rejects an explicit `+` in an exponent (`3e+0`), which JSON allows: it is read as `3e00`.
_PLUS_EXPONENT = re.compile(rb'"(?:[^"\\]|\\.)*"|[0-9][eE](\+)')
_VALUE_TYPES = frozenset({"object", "array", "string", "number", "true", "false", "null"})

Position = tuple[int, int]


@dataclass
class SourceMap:
    """Positions of one JSON text. `first_line` is the file line the text starts on (JSONL records)."""

    source: bytes
    first_line: int = 1
    values: dict[str, Position] = field(default_factory=dict)
    keys: dict[str, Position] = field(default_factory=dict)
    duplicates: list[tuple[str, Position]] = field(default_factory=list)
    bad_numbers: list[tuple[str, Position, str]] = field(default_factory=list)
    bad_tokens: list[tuple[str, Position, str]] = field(default_factory=list)
    _non_finite: dict[int, str] = field(default_factory=dict)

    @classmethod
    def build(cls, source: bytes, first_line: int = 1) -> SourceMap:
        smap = cls(source, first_line)
        patched = source
        if b"NaN" in source or b"Infinity" in source or b"e+" in source or b"E+" in source:
            # Swap NaN/Infinity for numbers of the same length so the grammar parses them as values in place
            # and each gets its exact path and column; every patch keeps byte offsets.
            buf = bytearray(source)
            for match in _NON_FINITE.finditer(source):
                if match.group(1):
                    token = match.group(1)
                    smap._non_finite[match.start(1)] = token.decode()
                    buf[match.start(1) : match.end(1)] = _placeholder(token)
            for match in _PLUS_EXPONENT.finditer(source):
                if match.group(1):
                    buf[match.start(1)] = ord("0")
            patched = bytes(buf)
        smap._walk(_PARSER.parse(patched).root_node)
        return smap

    def _pos(self, node: tree_sitter.Node) -> Position:
        row, col_bytes = node.start_point
        start = node.start_byte
        column = len(self.source[start - col_bytes : start].decode("utf-8", "replace")) + 1
        return self.first_line + row, column

    def _walk(self, root: tree_sitter.Node) -> None:
        # Iterative: a hostile file may nest arrays a million deep.
        stack: list[tuple[tree_sitter.Node, str]] = [(c, "$") for c in root.children]
        while stack:
            node, path = stack.pop()
            kind = node.type
            if kind == "ERROR":
                text = (node.text or b"").decode("utf-8", "replace")
                self.bad_tokens.append((path, self._pos(node), text))
                stack.extend((c, path) for c in node.children if c.type in _VALUE_TYPES)
            elif kind in _VALUE_TYPES:
                self.values.setdefault(path, self._pos(node))
                if kind == "object":
                    stack.extend(self._members(node, path))
                elif kind == "array":
                    items = [i for i in node.named_children if i.type in _VALUE_TYPES or i.type == "ERROR"]
                    stack.extend((item, jsonpath.child(path, index)) for index, item in enumerate(items))
                elif kind == "number":
                    self._number(node, path)

    def _members(self, node: tree_sitter.Node, path: str) -> list[tuple[tree_sitter.Node, str]]:
        """Record the keys of one object (a repeated key is a duplicate); returns its values to visit."""
        out: list[tuple[tree_sitter.Node, str]] = []
        seen: set[str] = set()
        for pair in node.named_children:
            if pair.type == "ERROR":
                out.append((pair, path))
            key_node = pair.child_by_field_name("key") if pair.type == "pair" else None
            if key_node is None:
                continue
            key = _decode_key(key_node)
            member = jsonpath.child(path, key)
            if key in seen:
                self.duplicates.append((member, self._pos(key_node)))
            else:
                seen.add(key)
                self.keys[member] = self._pos(key_node)
            value_node = pair.child_by_field_name("value")
            if value_node is not None:
                out.append((value_node, member))
        return out

    def _number(self, node: tree_sitter.Node, path: str) -> None:
        if node.start_byte in self._non_finite:
            self.bad_tokens.append((path, self._pos(node), self._non_finite[node.start_byte]))
            return
        # The original bytes, not the patched ones: `-1e+9999` is shown as written.
        text = self.source[node.start_byte : node.end_byte].decode("ascii", "replace")
        if _unsafe_number(text):
            self.bad_numbers.append((path, self._pos(node), text))

    def position(self, path: str, key: bool = False) -> Position:
        """Line and column of the value at `path` (of its key when `key`), else of the nearest ancestor."""
        if key and path in self.keys:
            return self.keys[path]
        probe = path
        while True:
            if probe in self.values:
                return self.values[probe]
            if probe in self.keys:
                return self.keys[probe]
            cut = max(probe.rfind("."), probe.rfind("["))
            if cut <= 0:
                return self.first_line, 1
            probe = probe[:cut]


def _placeholder(token: bytes) -> bytes:
    if len(token) == 3:
        return b"0e0"
    sign = b"-" if token.startswith(b"-") else b""
    return sign + b"0." + b"0" * (len(token) - len(sign) - 2)


def _decode_key(node: tree_sitter.Node) -> str:
    raw = (node.text or b"").decode("utf-8", "replace")
    try:
        value = json.loads(raw)
    except ValueError:
        return raw.strip('"')
    return value if isinstance(value, str) else raw


def _unsafe_number(text: str) -> bool:
    if any(c in text for c in ".eE"):
        try:
            return not math.isfinite(float(text))
        except ValueError:
            return False
    try:
        return abs(int(text)) > MAX_SAFE_INTEGER
    except ValueError:
        # Beyond the interpreter's digit limit for int(): certainly unsafe.
        return True
