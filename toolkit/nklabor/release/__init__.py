"""Release packager: validated annotations -> an immutable, versioned dataset (Parquet, data card, Croissant).

    from nklabor.release import build_release, verify_release, diff_releases, list_releases, load_release
    result = build_release("1.0.0", source="annotations/", out="releases/")

The CLI (`nklabor release build|verify|diff|list`) is `nklabor.cli.release`. Names are imported on first
use, so `import nklabor` does not pay for pyarrow.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "BuildResult": "build",
    "build_release": "build",
    "ReleaseDiff": "diff",
    "diff_releases": "diff",
    "LeakError": "errors",
    "ReleaseInfo": "listing",
    "list_releases": "listing",
    "load_release": "load",
    "ReleaseConflictError": "errors",
    "ReleaseExistsError": "errors",
    "VerifyResult": "verify",
    "verify_release": "verify",
    "Version": "versions",
    "parse_version": "versions",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
