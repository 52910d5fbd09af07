"""Exceptions for misuse and I/O. Findings about data are never exceptions: they are `Issue`s in a `Report`."""

from __future__ import annotations


class NklaborError(Exception):
    """Root of every exception the toolkit raises on purpose. `exit_code` is what the CLI returns."""

    exit_code = 2


class UsageError(NklaborError):
    """The caller asked for something impossible: a missing path, a bad option, a schema that refers outside."""

    exit_code = 2


class SchemaError(UsageError):
    """The schema set itself is broken: invalid against the metaschema, or a `$ref` that is not local."""


class ToolkitEnvironmentError(NklaborError):
    """The machine is not in a state to do the work: unreadable files, a missing dependency, a full disk."""

    exit_code = 3
