"""nklabor: schemas, validator and release tooling for datasets on state-imposed labour in North Korea."""

from .errors import NklaborError, SchemaError, ToolkitEnvironmentError, UsageError
from .report import Issue, Report
from .schemas import SchemaSet, load_schemas
from .validate import Validation, validate

__version__ = "0.1.0"
__all__ = ["Issue", "NklaborError", "Report", "SchemaError", "SchemaSet", "ToolkitEnvironmentError", "UsageError",
           "Validation", "__version__", "load_schemas", "validate"]
