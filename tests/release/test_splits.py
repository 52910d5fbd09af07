"""Splits: deterministic, whole story groups, and a document never moves."""

from __future__ import annotations

from collections import Counter

import pytest

from nklabor.release.errors import ReleaseConflictError
from nklabor.release.splits import assign_splits, hashed_split


def test_hash_split_is_stable_and_roughly_80_10_10() -> None:
    counts = Counter(hashed_split(f"doc-{i}") for i in range(20000))
    assert counts.keys() == {"train", "validation", "test"}
    assert 0.78 < counts["train"] / 20000 < 0.82
    assert 0.09 < counts["validation"] / 20000 < 0.11
    assert [hashed_split(f"doc-{i}") for i in range(50)] == [hashed_split(f"doc-{i}") for i in range(50)]


def test_story_groups_never_straddle_splits() -> None:
    docs = [(f"doc-{i}", f"story-{i % 37}" if i % 2 else None) for i in range(600)]
    out = assign_splits(docs)
    by_group: dict[str, set[str]] = {}
    for doc, group in docs:
        if group:
            by_group.setdefault(group, set()).add(out[doc])
    assert all(len(splits) == 1 for splits in by_group.values())
    assert len({out[d] for d, g in docs if g}) > 1  # the groups themselves are spread over splits
    assert all(out[d] == hashed_split(d) for d, g in docs if g is None)


def test_earlier_splits_are_kept_and_pull_their_group() -> None:
    key = next(f"doc-{i}" for i in range(100) if hashed_split(f"doc-{i}") != "test")
    out = assign_splits([(key, "story-x"), ("newcomer", "story-x")], previous={key: "test"})
    assert out == {key: "test", "newcomer": "test"}


def test_a_group_joining_two_earlier_splits_is_refused() -> None:
    with pytest.raises(ReleaseConflictError, match="story-y"):
        assign_splits([("a", "story-y"), ("b", "story-y")], previous={"a": "train", "b": "test"})
