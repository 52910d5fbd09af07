"""Finding a quote in an article: every exact occurrence, and near matches when there is none.

A near match is the same words up to what copying from a browser or a word processor changes: curly and
straight quotes, the kinds of dash and hyphen, runs of white space (a line break, a no-break space), and case.
Each is reported with its real offsets and its real text, never silently taken for the quote.
"""

from __future__ import annotations

from dataclasses import dataclass

# Folded to their plain ASCII form; each entry is one kind of difference a near match may show.
_QUOTES = dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u00b4`", "'") | dict.fromkeys(
    "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'
)
_DASHES = dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d", "-")
KINDS = ("quotes", "dashes", "whitespace", "case")


@dataclass(frozen=True)
class NearMatch:
    """A span of the text that is the quote up to `differences` (some of `KINDS`)."""

    start: int
    end: int
    quote: str
    differences: tuple[str, ...]

    @property
    def span(self) -> dict[str, int | str]:
        return {"start": self.start, "end": self.end, "quote": self.quote}


def occurrences(text: str, quote: str) -> list[int]:
    """The start of every occurrence of `quote` in `text`, overlapping ones included."""
    starts = []
    at = text.find(quote)
    while at >= 0:
        starts.append(at)
        at = text.find(quote, at + 1)
    return starts


def fold(text: str, kinds: tuple[str, ...] = KINDS) -> tuple[str, list[int]]:
    """`text` with the differences of `kinds` folded away, and for each folded character the offset of the
    character of `text` it comes from."""
    out: list[str] = []
    origin: list[int] = []
    in_space = False
    for i, char in enumerate(text):
        if "quotes" in kinds:
            char = _QUOTES.get(char, char)
        if "dashes" in kinds:
            char = _DASHES.get(char, char)
        if "whitespace" in kinds and char.isspace():
            if in_space:
                continue
            char, in_space = " ", True
        else:
            in_space = False
        for piece in char.casefold() if "case" in kinds else char:  # casefold may lengthen (ß -> ss)
            out.append(piece)
            origin.append(i)
    return "".join(out), origin


def near_matches(text: str, quote: str, limit: int = 10) -> list[NearMatch]:
    """Spans of `text` that equal `quote` once quotes, dashes, white space and case are folded (at most
    `limit`), each with the kinds of difference it shows."""
    folded_text, origin = fold(text)
    folded_quote, _ = fold(quote.strip())
    if not folded_quote.strip():
        return []
    found: list[NearMatch] = []
    for at in occurrences(folded_text, folded_quote):
        stop = at + len(folded_quote)
        if (at and origin[at - 1] == origin[at]) or (stop < len(origin) and origin[stop] == origin[stop - 1]):
            continue  # it cuts a character that folds to several (ß -> ss)
        if len(found) == limit:
            break
        start, end = origin[at], origin[stop - 1] + 1
        real = text[start:end]
        differences = tuple(
            kind for kind in KINDS if fold(real, _without(kind))[0] != fold(quote.strip(), _without(kind))[0]
        )
        found.append(NearMatch(start, end, real, differences or ("whitespace",)))  # only the ends differed
    return found


def _without(kind: str) -> tuple[str, ...]:
    return tuple(k for k in KINDS if k != kind)
