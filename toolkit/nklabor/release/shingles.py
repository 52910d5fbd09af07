"""Runs of `SHINGLE` words as 64-bit hashes, computed with numpy, for the article scan (`leak.ArticleScan`).

The words are those the scan has always compared: runs of letters and digits (`\\w+`), case-folded, so that
punctuation, spacing and case cannot hide a copied sentence. Each word is hashed from its code points and
each run from its words' hashes, by arithmetic on whole arrays; the hashes are the same in every process
(unlike Python's `hash`, which is salted per process), so a worker and the process that gathers its results
agree on them. A collision can only make two different runs look alike (a false alarm that names the file
to look at), never hide a run.
"""

from __future__ import annotations

import re

import numpy as np
import numpy.typing as npt

SHINGLE = 12
"""Words in a row of an article that a public flavour must not hold anywhere."""
_WORD = re.compile(r"\w+")
_EMPTY = np.zeros(0, dtype=np.uint64)
_CHAR_BASE = np.uint64(0x100000001B3)
_RUN_BASE = np.uint64(0x9E3779B97F4A7C15)
_RUN_POWERS = [np.uint64(1)]
for _ in range(SHINGLE - 1):
    _RUN_POWERS.append(np.uint64((int(_RUN_POWERS[-1]) * int(_RUN_BASE)) % (1 << 64)))
_powers = np.ones(1, dtype=np.uint64)

Hashes = npt.NDArray[np.uint64]


def words(text: str) -> list[str]:
    """The words of a text as the article scan compares them."""
    return _WORD.findall(text.casefold())


def _char_powers(n: int) -> Hashes:
    """`_CHAR_BASE ** k` for k < n (kept, and doubled as longer words come)."""
    global _powers
    while len(_powers) < n:
        step = len(_powers)
        top = np.uint64(int(_powers[-1]) * int(_CHAR_BASE) % (1 << 64))  # _CHAR_BASE ** step
        _powers = np.concatenate([_powers, _powers * top])
        assert len(_powers) == 2 * step
    return _powers[:n]


def _mix(z: Hashes) -> Hashes:
    """The splitmix64 finaliser: every input bit moves every output bit, so that nearby values (words that
    differ in one letter) get unrelated hashes."""
    z = z ^ (z >> np.uint64(30))
    z = z * np.uint64(0xBF58476D1CE4E5B9)
    z = z ^ (z >> np.uint64(27))
    z = z * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def _word_table() -> npt.NDArray[np.bool_]:
    """Which code points of the Basic Multilingual Plane `\\w` matches (letters, digits, `_`), built once."""
    global _table
    if _table is None:
        _table = np.array([chr(c).isalnum() or c == 0x5F for c in range(0x10000)], dtype=bool)
    return _table


_table: npt.NDArray[np.bool_] | None = None


def _hash_words(codes: npt.NDArray[np.uint32], inside: npt.NDArray[np.bool_]) -> Hashes:
    """One hash per maximal run of code points marked `inside` (a word), in order."""
    edges = np.diff(np.concatenate(([0], inside.view(np.int8), [0])))
    starts = np.flatnonzero(edges == 1)
    if not len(starts):
        return _EMPTY
    lengths = np.flatnonzero(edges == -1) - starts
    chars = codes[inside].astype(np.uint64)
    first = np.zeros(len(lengths), dtype=np.int64)
    np.cumsum(lengths[:-1], out=first[1:])
    position = np.arange(len(chars), dtype=np.int64) - np.repeat(first, lengths)
    sums = np.add.reduceat(chars * _char_powers(int(lengths.max()))[position], first)
    return _mix(sums + lengths.astype(np.uint64) * _RUN_BASE)


def word_hashes(found: list[str]) -> Hashes:
    """One hash per word of `found` (as `words` gives them), in order: the hashes `text_hashes` gives."""
    if not found:
        return _EMPTY
    joined = "\x00".join(found)  # \x00 is never part of a word: it marks where each one ends
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    return _hash_words(codes, codes != 0)


def text_hashes(text: str) -> Hashes:
    """The hash of every word of `text` (`words(text)`, hashed as `word_hashes` does), found by a table
    of the code points `\\w` matches rather than by the regular expression, which is slower; a text with
    code points beyond the Basic Multilingual Plane goes through the expression."""
    folded = text.casefold()
    codes = np.frombuffer(folded.encode("utf-32-le"), dtype=np.uint32)
    if not len(codes):
        return _EMPTY
    if int(codes.max()) >= 0x10000:
        return word_hashes(_WORD.findall(folded))
    return _hash_words(codes, _word_table()[codes])


def run_hashes(hashes: Hashes) -> Hashes:
    """The hash of every run of `SHINGLE` consecutive words, from the words' hashes (`word_hashes`)."""
    n = len(hashes) - SHINGLE + 1
    if n <= 0:
        return _EMPTY
    total = np.zeros(n, dtype=np.uint64)
    for k in range(SHINGLE):
        total += hashes[k : k + n] * _RUN_POWERS[SHINGLE - 1 - k]
    return _mix(total)


def runs_within(hashes: Hashes, vocabulary: Hashes) -> Hashes:
    """The run hashes of the runs whose every word is in `vocabulary` (sorted word hashes): only such a run
    can be a run of an article whose words made the vocabulary."""
    n = len(hashes) - SHINGLE + 1
    if n <= 0 or not len(vocabulary):
        return _EMPTY
    at = np.searchsorted(vocabulary, hashes)
    at[at == len(vocabulary)] = 0
    outside = np.concatenate(([0], np.cumsum(vocabulary[at] != hashes)))
    inside = (outside[SHINGLE:] - outside[:-SHINGLE]) == 0
    if not inside.any():
        return _EMPTY
    return run_hashes(hashes)[inside]


def contains(sorted_hashes: Hashes, hashes: Hashes) -> npt.NDArray[np.bool_]:
    """Which of `hashes` are in `sorted_hashes` (sorted, unique)."""
    if not len(sorted_hashes) or not len(hashes):
        return np.zeros(len(hashes), dtype=bool)
    at = np.searchsorted(sorted_hashes, hashes)
    at[at == len(sorted_hashes)] = 0
    return sorted_hashes[at] == hashes


class Vocabulary:
    """The word hashes of many texts, gathered in pieces and merged now and then (sorted, unique)."""

    MERGE = 1 << 20
    """Pending hashes that trigger a merge: memory holds the vocabulary and at most this many more."""

    def __init__(self) -> None:
        self._merged = _EMPTY
        self._pending: list[Hashes] = []
        self._size = 0

    def add(self, hashes: Hashes) -> None:
        """Add word hashes (any order, repeats allowed)."""
        self._pending.append(hashes)
        self._size += len(hashes)
        if self._size >= self.MERGE:
            self._merge()

    def _merge(self) -> None:
        if self._pending:
            self._merged = np.unique(np.concatenate([self._merged, *self._pending]))
            self._pending, self._size = [], 0

    def array(self) -> Hashes:
        """Every word hash added, sorted and unique."""
        self._merge()
        return self._merged
