"""`GoldRefs`: the gold documents' references come back as they went in, from compact parts."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nklabor.release import index
from nklabor.release.index import GoldRef, GoldRefs, Where

FILES = [Path("annotations/a.jsonl"), Path("annotations/b/c.json")]
places = st.builds(Where, st.sampled_from(FILES), st.integers(0, 2**40), st.integers(1, 2**31))
ids = st.text(st.characters(codec="utf-8"), min_size=1, max_size=12)


@st.composite
def gold_refs(draw: st.DrawFn) -> list[GoldRef]:
    docs = sorted(draw(st.sets(ids, max_size=12)))
    return [
        GoldRef(
            doc,
            draw(places),
            draw(ids),
            draw(st.none() | ids),
            draw(st.integers(1, 5)),
            draw(st.booleans()),
            tuple(draw(st.lists(places, max_size=3))),
        )
        for doc in docs
    ]


@settings(max_examples=60, deadline=None)
@given(refs=gold_refs(), part=st.integers(1, 5))
def test_refs_round_trip_through_parts(refs: list[GoldRef], part: int) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(index, "REF_PART", part)
        held = GoldRefs(FILES)
        for ref in refs:
            held.append(ref)
        assert len(held) == len(refs) and list(held) == refs == list(held)  # iterated twice
        splits = {r.doc: ("train", "test")[i % 2] for i, r in enumerate(refs)}
        held.assign(splits)
        assert list(held.with_splits()) == [(r, splits[r.doc]) for r in refs]
        for ref in reversed(refs):
            assert held.where(ref.doc) == ref.where
        for missing in ("", "\U0010ffff" * 13):  # before and after every id: no such document
            with pytest.raises(KeyError):
                held.where(missing)
