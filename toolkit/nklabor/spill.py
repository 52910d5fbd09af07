"""Rows in a list, then in a temporary SQLite table: the indexes of a validation run and of a build, in
memory that does not grow with the input."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Generic, TypeVar

R = TypeVar("R", bound=tuple[Any, ...])


class Spill(Generic[R]):
    """Rows (tuples that start with a document id and a sequence number, unique together) kept in `buffer`
    until `spill()` moves them to a temporary SQLite table (`add` does, past a limit); `ordered()` gives every
    row back by document id and sequence number."""

    def __init__(self, prefix: str, columns: Sequence[str], make: Callable[[tuple[Any, ...]], R]) -> None:
        self.prefix = prefix
        self.columns = columns
        """The table's columns with their SQLite types, in the rows' order (`"doc TEXT"`, ...)."""
        self.make = make
        """A row again from what SQLite gives back (booleans come back as integers)."""
        self.buffer: list[R] = []
        self._db: Any = None  # a sqlite3.Connection once spilled
        self._folder: tempfile.TemporaryDirectory[str] | None = None

    def add(self, row: R, limit: int) -> None:
        """Keep `row`; spill once `limit` rows are waiting."""
        self.buffer.append(row)
        if len(self.buffer) >= limit:
            self.spill()

    def spill(self) -> None:
        """Move the rows in `buffer` to the table."""
        if self._db is None:
            import sqlite3  # only for inputs large enough to spill

            self._folder = tempfile.TemporaryDirectory(prefix=self.prefix)
            self._db = sqlite3.connect(Path(self._folder.name) / "rows.sqlite")
            # A 2 MB page cache (SQLite's default): what a larger one frees stays in the heap (16 MB each cost
            # a build of 100,000 annotations 25 MB), and the table is written once and read once.
            self._db.executescript(
                "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-2000;"
                f"CREATE TABLE rows ({', '.join(self.columns)})"
            )
        marks = ", ".join("?" * len(self.columns))
        self._db.executemany(f"INSERT INTO rows VALUES ({marks})", self.buffer)
        self.buffer = []

    def ordered(self) -> Iterator[R]:
        """Every row, by document id and sequence number."""
        if self._db is None:
            yield from sorted(self.buffer)
            return
        self.spill()
        self._db.execute("CREATE INDEX by_doc ON rows (doc, seq)")
        for row in self._db.execute("SELECT * FROM rows ORDER BY doc, seq"):
            yield self.make(row)

    def close(self) -> None:
        """Forget the rows and remove the temporary file, if any."""
        self.buffer = []
        if self._db is not None:
            self._db.close()
            self._db = None
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None
