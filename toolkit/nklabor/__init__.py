"""nklabor: schemas, validator and release tooling for datasets on state-imposed labour in North Korea.

    import nklabor
    report = nklabor.validate(["annotations/"])
    report.valid, report.counts, report.to_dict()

Rooms (see docs/architecture.md): `validation` (files -> `Report`), `annotating` (the annotators' tools),
`agreement`, `release` (annotations -> Parquet releases), `cli` (the `nklabor` command); `schema`, `report`
and `annotation` hold what they all share.
"""

from importlib.metadata import PackageNotFoundError, version

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

try:
    __version__ = version("nklabor")
except PackageNotFoundError:  # a source tree that was never installed
    __version__ = "unknown"

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
    "load_schemas",
    "validate",
]
