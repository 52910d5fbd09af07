"""Rows come back from a spill in the same order and shape whether or not they went to SQLite."""

from __future__ import annotations

from typing import Any, NamedTuple

from hypothesis import given, settings
from hypothesis import strategies as st

from nklabor.spill import Spill


class _Row(NamedTuple):
    doc: str
    seq: int
    flag: bool
    note: str | None


def _row(stored: tuple[Any, ...]) -> _Row:
    return _Row(stored[0], stored[1], bool(stored[2]), stored[3])


COLUMNS = ("doc TEXT", "seq INTEGER", "flag INTEGER", "note TEXT")


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["b", "a", "é", "a-1"]), st.booleans(), st.none() | st.text())),
    st.integers(min_value=1, max_value=5),
)
def test_spilled_rows_come_back_as_rows_kept_in_memory(items: list[Any], every: int) -> None:
    rows = [_Row(doc, seq, flag, note) for seq, (doc, flag, note) in enumerate(items)]
    kept: Spill[_Row] = Spill("nklabor-test-", COLUMNS, _row)
    spilled: Spill[_Row] = Spill("nklabor-test-", COLUMNS, _row)
    for row in rows:
        kept.add(row, len(rows) + 1)
        spilled.add(row, every)
    try:
        assert list(spilled.ordered()) == list(kept.ordered()) == sorted(rows, key=lambda r: (r.doc, r.seq))
    finally:
        kept.close()
        spilled.close()
    assert spilled.buffer == [] and list(spilled.ordered()) == []  # closed: nothing is kept
