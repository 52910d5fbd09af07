"""nklabor: schemas, validator and release tooling for datasets on state-imposed labour in North Korea.

    import nklabor
    report = nklabor.validate(["annotations/"])
    report.valid, report.counts, report.to_dict()

    events = nklabor.load_release("releases/v2.0.0", "events")   # pandas, labels as codebook ids

Rooms (see docs/architecture.md): `validation` (files -> `Report`), `annotating` (the annotators' tools),
`agreement`, `release` (annotations -> Parquet releases), `cli` (the `nklabor` command); `schema`, `report`
and `annotation` hold what they all share.
"""

from typing import Any

from .errors import (
    InvalidInputError,
    NklaborError,
    SchemaError,
    ToolkitEnvironmentError,
    UsageError,
)
from .report import Issue, Report
from .schema import SchemaSet, load_schemas
from .validation import Annotation, Validation, validate


def package_version() -> str:
    """The installed package's version, from its metadata (one source: pyproject.toml), or `unknown` for a
    source tree that was never installed."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("nklabor")
    except PackageNotFoundError:
        return "unknown"


__all__ = [
    "Annotation",
    "InvalidInputError",
    "Issue",
    "NklaborError",
    "Report",
    "SchemaError",
    "SchemaSet",
    "ToolkitEnvironmentError",
    "UsageError",
    "Validation",
    "__version__",
    "load_release",
    "load_schemas",
    "package_version",
    "validate",
]

_LAZY = {"load_release": "nklabor.release.load"}
"""Names whose modules pull in heavy libraries (datasets, pandas, pyarrow): imported on first use."""


def __getattr__(name: str) -> Any:
    # `__version__` on first use: reading package metadata imports `email` and friends, a tenth of a start-up.
    if name == "__version__":
        return package_version()
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
