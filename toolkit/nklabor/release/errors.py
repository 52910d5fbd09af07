"""Exceptions of the release packager, each with the exit code the CLI returns. Invalid input is the package's
`InvalidInputError`."""

from __future__ import annotations

from ..errors import NklaborError, UsageError


class LeakError(NklaborError):
    """A value the schema marks sensitive was found in a file about to be published: nothing is published."""

    exit_code = 1


class ReleaseExistsError(UsageError):
    """The version is already published; releases are never overwritten."""


class ReleaseConflictError(UsageError):
    """Another build of the same version holds the lock, or the inputs contradict an earlier release."""
