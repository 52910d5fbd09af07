"""The package's shape: data flows one way between rooms, and nothing imports the old `toolkit` name."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.support import ROOT
from tests.support.imports import PACKAGE, cycles, graph, rooms

# Which room may import which, at top level (shared modules: schema, report, annotation, errors, codebook,
# config, derive, workers, paths, spill). Anything else is a new dependency to think about.
ALLOWED = {
    "validation": set(),
    "agreement": set(),
    "annotating": {"agreement", "validation"},
    "release": {"agreement", "validation"},
    "evaluation": {"agreement", "release", "validation"},
    "cli": {"annotating", "release", "validation"},
}
OLD_NAME = re.compile(r"^\s*(import|from) toolkit\b", re.M)
SHARED = {
    "schema",
    "report",
    "annotation",
    "errors",
    "codebook",
    "derive",
    "config",
    "workers",
    "paths",
    "spill",
}


def test_no_module_import_cycle() -> None:
    top, deferred = graph()
    assert cycles(top) == []
    both = {m: top.get(m, set()) | deferred.get(m, set()) for m in set(top) | set(deferred)}
    assert cycles(both) == []


def test_rooms_depend_one_way() -> None:
    for name, targets in rooms().items():
        if name in ALLOWED:
            assert targets - SHARED <= ALLOWED[name], name


def test_nothing_imports_toolkit() -> None:
    for path in [
        *PACKAGE.rglob("*.py"),
        *(ROOT / "tests").rglob("*.py"),
        *(ROOT / "benchmarks").glob("*.py"),
    ]:
        assert not OLD_NAME.search(path.read_text(encoding="utf-8")), path


def test_validate_does_not_load_numpy_or_pyarrow() -> None:
    heavy = "('numpy', 'pyarrow', 'krippendorff', 'dask', 'distributed', 'fsspec')"
    code = f"import sys, nklabor.cli; print(sorted(m for m in {heavy} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
