"""Run hashes for the article scan: the same words as the regular expression, the same hash for the same
run, whichever way a text is hashed."""

from __future__ import annotations

import random
import re

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from nklabor.release import shingles
from nklabor.release.shingles import SHINGLE

PIECES = [
    "Workers",
    "Ü",
    "straße",
    "the",
    "a1",
    "mine",
    "x_y",
    "—",
    "(12).",
    "İstanbul",
    "ǅ",
    "𝐀bc",
    "٣",
    "e\u0301",
]


def exact_runs(text: str) -> list[tuple[str, ...]]:
    found = shingles.words(text)
    return [tuple(found[i : i + SHINGLE]) for i in range(len(found) - SHINGLE + 1)]


def test_the_word_table_is_what_the_regular_expression_matches() -> None:
    table = shingles._word_table()
    word = re.compile(r"\w")
    assert [c for c in range(0x10000) if bool(word.match(chr(c))) != bool(table[c])] == []


@given(st.lists(st.sampled_from(PIECES), max_size=60).map(" ".join))
def test_a_text_hashes_as_its_words(text: str) -> None:
    assert shingles.text_hashes(text).tolist() == shingles.word_hashes(shingles.words(text)).tolist()


def test_equal_runs_hash_equal_and_different_runs_differently() -> None:
    rng = random.Random(3)
    seen: dict[tuple[str, ...], int] = {}
    for _ in range(300):
        text = " ".join(rng.choice(PIECES[:6]) for _ in range(rng.randint(0, 40)))
        runs = shingles.run_hashes(shingles.text_hashes(text)).tolist()
        exact = exact_runs(text)
        assert len(runs) == len(exact)
        for run, key in zip(exact, runs, strict=True):
            assert seen.setdefault(run, key) == key
    assert len(set(seen.values())) == len(seen) > 1000


def test_runs_within_a_vocabulary_keep_only_runs_of_its_words() -> None:
    article = " ".join(f"w{i % 20}" for i in range(40))
    vocabulary = shingles.Vocabulary()
    vocabulary.add(shingles.text_hashes(article))
    known = vocabulary.array()
    assert len(known) == 20 and list(known) == sorted(known)
    written = shingles.text_hashes("id-7 " + " ".join(f"w{i}" for i in range(3, 15)) + " 0000001 w1")
    kept = shingles.runs_within(written, known)
    assert len(kept) == 1  # the one run of 12 article words; every other run holds id, 7 or 0000001
    assert shingles.contains(np.sort(shingles.run_hashes(shingles.text_hashes(article))), kept).all()
