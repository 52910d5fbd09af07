"""The short way for the common valid annotation: one fast read and one compiled check that vouch for it.

A record takes it only when it can be proved that the detailed path (the detailed reader, both schema
validators, the float check and every semantic rule) would find nothing:

- `reading.fast_parse` (jiter) accepts the bytes: no encoding, syntax or duplicate-key finding;
- it declares the current schema version;
- `structural.guard` accepts the value: the schema does, and, the schema being closed, every number is an
  integer within +/-(2**53 - 1) (no float for an integer, no unsafe integer, no overflow);
- `semantic.clean`: no semantic rule fires.

Anything else, or a schema that is not closed, goes the detailed way, which then reports exactly what it
always did. The fast path only ever skips work; it never decides a finding.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..schema import SchemaSet
from . import semantic, structural
from .reading import UNREAD, fast_parse


class FastPath:
    """The fast path for one schema set (see the module)."""

    def __init__(self, schemas: SchemaSet) -> None:
        self.guard = structural.guard(schemas)
        shape = schemas.shape
        self.evidence = semantic.Evidence.of(shape) if shape is not None else None
        self.version = schemas.version

    @property
    def enabled(self) -> bool:
        """False when the schema gives nothing to prove with: every record then goes the detailed way."""
        return self.guard is not None and self.evidence is not None

    def _guarded(self, data: Any) -> bool:
        try:
            return bool(self.guard is not None and self.guard.is_valid(data))
        except ValueError:  # a LosslessFloat where the schema looks: a float, which the detailed path judges
            return False

    def read(self, raw: bytes) -> Any:
        """The value in `raw` when the detailed reader would read it without a finding and to the same
        value (valid against the schema, too), else `reading.UNREAD`."""
        data = fast_parse(raw)
        if data is UNREAD or not self._guarded(data):
            return UNREAD
        return data

    def accept(self, raw: bytes, fill: Callable[[Any], None] | None = None) -> dict[str, Any] | None:
        """The annotation in `raw` when the detailed path would find nothing at all in it, else None.
        `fill` completes the value first, as the detailed path does (predictions mode)."""
        if self.evidence is None:
            return None
        data = fast_parse(raw)
        if fill is not None and data is not UNREAD:
            fill(data)
        if type(data) is not dict or data.get("schema_version") != self.version:
            return None
        if not self._guarded(data) or not semantic.clean(data, self.evidence):
            return None
        return data
