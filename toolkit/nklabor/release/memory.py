"""What a process that builds a release, and does nothing else, can set to hold less memory.

`spare_pandas` changes how pyarrow treats pandas objects for the rest of the process, so only the `nklabor`
command calls it (and `benchmarks/release.py`, which measures the command's build); a program that imports
nklabor keeps pyarrow as it was."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType


class _NoPandas:
    """A meta path finder that refuses to import pandas."""

    def find_spec(
        self, name: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if name == "pandas" or name.startswith("pandas."):
            raise ImportError(f"{name} is not imported for pyarrow's question (nklabor.release.memory)")
        return None


def spare_pandas() -> bool:
    """Keep pyarrow from importing pandas; returns whether it was kept from it (False when pandas is
    imported already, and there is nothing to spare).

    pyarrow imports pandas the first time it turns a Python list into an array, only to ask whether the
    list is a pandas object, which a build never hands it. That import is about 40 MB, an eighth of the peak
    of a build of 100,000 annotations. Here pyarrow's first attempt fails, and pyarrow remembers. pandas can
    still be imported and used (`import pandas`, `Table.to_pandas`), but `pyarrow.array` no longer takes a
    pandas object given to it for one: never call this in a process that hands pandas objects to pyarrow."""
    if "pandas" in sys.modules:
        return False
    import pyarrow as pa

    blocker = _NoPandas()
    sys.meta_path.insert(0, blocker)
    try:
        pa.array([])  # pyarrow asks about pandas now, is refused, and does not ask again
    finally:
        sys.meta_path.remove(blocker)
    return "pandas" not in sys.modules
