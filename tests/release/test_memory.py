"""`spare_pandas`: pyarrow turns lists into arrays without importing pandas, which still works when asked."""

from __future__ import annotations

import subprocess
import sys

import pandas  # noqa: F401  # imported here, so that this process has nothing to spare

from nklabor.release.memory import spare_pandas

SPARED = """
import sys
import pyarrow as pa
from nklabor.release.memory import spare_pandas
assert "pandas" not in sys.modules
assert spare_pandas() is True
table = pa.Table.from_pylist([{"a": 1, "b": "x"}, {"a": None, "b": "y"}])
print("pandas" in sys.modules)
frame = table.to_pandas()  # pandas is imported when it is asked for
print("pandas" in sys.modules, frame["b"].tolist(), spare_pandas())
"""


def run(code: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout.splitlines()


def test_pyarrow_converts_lists_without_pandas_and_pandas_still_works() -> None:
    assert run(SPARED) == ["False", "True ['x', 'y'] False"]


def test_nothing_to_spare_once_pandas_is_imported() -> None:
    assert spare_pandas() is False
