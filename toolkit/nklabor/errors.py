"""Exceptions for misuse and I/O. Findings about data are never exceptions: they are `Issue`s in a `Report`.

Every exception nklabor raises on purpose derives from `NklaborError` and carries the exit code the command
line returns: 1 invalid data, 2 usage, 3 environment. Messages state facts about files and values; they never
name a command-line option (the CLI adds those)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .report import Report


class NklaborError(Exception):
    """Root of every exception nklabor raises on purpose. `exit_code` is what the CLI returns."""

    exit_code = 2


class UsageError(NklaborError):
    """The caller asked for something impossible: a missing path, a bad option, a schema that refers
    outside."""

    exit_code = 2


class SchemaError(UsageError):
    """The schema set itself is broken: invalid against the metaschema, or a `$ref` that is not local."""


class ExistsError(UsageError):
    """The file to write exists and replacing it was not asked for."""


class ToolkitEnvironmentError(NklaborError):
    """The machine is not in a state to do the work: unreadable files, a missing dependency, a full disk."""

    exit_code = 3


class InvalidInputError(NklaborError):
    """The annotations a command needs do not validate, so it did nothing. `report` holds every finding."""

    exit_code = 1

    def __init__(self, message: str, report: Report) -> None:
        super().__init__(message)
        self.report = report
