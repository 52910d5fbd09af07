"""Event alignment: the similarity of two events and the one-to-one matching built on it."""

from __future__ import annotations

import copy
import json
from typing import Any

from nklabor.agreement.align import MATCH_THRESHOLD, align, event_similarity
from tests.support import DATA

BASE = json.loads((DATA / "valid" / "komdok-excerpt.json").read_text(encoding="utf-8"))


def event(**place: Any) -> dict[str, Any]:
    out = copy.deepcopy(BASE["events"][1])
    out["place"] = {**out["place"], **place}
    return out


def test_an_event_is_fully_similar_to_itself() -> None:
    one = event()
    assert event_similarity(one, copy.deepcopy(one)) == 1.0


def test_subdivisions_count_towards_place_similarity() -> None:
    here = event(country="KP", subdivisions=["KP-09"])
    same = event(country="KP", subdivisions=["KP-09"])
    elsewhere = event(country="KP", subdivisions=["KP-05"])
    abroad = event(country="RU", subdivisions=["RU-PRI"])
    assert event_similarity(here, same) > event_similarity(here, elsewhere) > event_similarity(here, abroad)
    # The place weighs 2 of 9: half of it for the country, half for the same subdivisions.
    assert round(event_similarity(here, same) - event_similarity(here, elsewhere), 6) == round(1 / 9, 6)


def test_align_matches_most_similar_pairs_one_to_one() -> None:
    first, second = copy.deepcopy(BASE["events"])
    assert align([first, second], [second, first]) == {0: 1, 1: 0}
    assert align([first], []) == {}
    assert event_similarity(first, second) < 1.0 and MATCH_THRESHOLD < 1.0
