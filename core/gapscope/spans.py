"""Spans the user put on a text (highlights, facet corrections: character offsets into a paper's abstract)
followed to where the same words are once the text changes: markup taken out by ``check --repair``, a
search engine's shortened abstract replaced by the full one on import. A span that cannot be placed for
sure is never guessed: the caller then leaves the text as it was."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from itertools import islice, zip_longest
from typing import Callable, Iterator, Optional, Sequence

# private-use characters marking a span's ends while the whole text is read (a tag or an entity is only
# markup in its context: "sample.</p>" read alone keeps its "</p>")
_MARKS = [chr(c) for c in range(0xE000, 0xF900)]


def moved_spans(old: str, new: str, spans: Sequence[tuple[int, int]],
                reads_as: Optional[Callable[[str], str]] = None) -> Optional[list[tuple[int, int]]]:
    """Each ``(start, end)`` of ``old`` at the same words in ``new``; None when one of them cannot be
    placed for sure. ``reads_as(text)``: what ``old`` reads as in ``new`` (without its markup, say); words
    are compared with their spacing collapsed, and a span on whole words is not put on a piece of a longer
    one. A span goes to the one place in ``new`` that holds its words; where several do, to the one whose
    neighbouring words agree with the span's in ``old`` further than any other's, and nowhere when two
    agree as far (a snippet holding the words alone, say). Offsets count characters as Python does."""
    if not spans:
        return []
    marks = list(islice((m for m in _MARKS if m not in old), 2))
    if len(marks) < 2:
        return None
    out = []
    found = [m.span() for m in re.finditer(r"\S+", new)]
    words = ([s for s, _ in found], [e for _, e in found])          # where the new text's words begin, end
    for start, end in spans:
        read = _read_in_context(old, start, end, marks, reads_as)
        if read is None:
            return None
        before, inside, after = read
        want = _words(inside)
        if not want:
            return None
        glued = (inside[0].isalnum() and before[-1:].isalnum(), inside[-1].isalnum() and after[:1].isalnum())
        places = [p for p in _places(want, new) if _glued(new, *p, want) == glued]
        if len(places) > 1:
            around = (before.split(), after.split())
            scored = sorted(((_agreement(*around, new, words, *p), p) for p in places), reverse=True)
            places = [scored[0][1]] if scored[0][0] > scored[1][0] else []
        if len(places) != 1:
            return None
        out.append(places[0])
    return out


def _read_in_context(old: str, start: int, end: int, marks: list[str],
                     reads_as: Optional[Callable[[str], str]]) -> Optional[tuple[str, str, str]]:
    """What comes before the span, the span and what follows, as ``old`` read whole (marks at the span's
    ends); None when the marks do not come through the reading in their order (a span that begins or ends
    inside a tag or an entity)."""
    if not 0 <= start < end <= len(old):
        return None
    marked = old[:start] + marks[0] + old[start:end] + marks[1] + old[end:]
    read = reads_as(marked) if reads_as else marked
    if read.count(marks[0]) != 1 or read.count(marks[1]) != 1:
        return None
    before, rest = read.split(marks[0])
    if marks[1] not in rest:
        return None
    inside, after = rest.split(marks[1])
    return before, inside, after


def _words(text: str) -> str:
    return " ".join(text.split())


def _places(want: str, new: str) -> list[tuple[int, int]]:
    """Every place of ``new`` holding the words ``want``, overlapping ones too ("ha ha" is twice in "ha ha ha")."""
    pattern = r"\s+".join(map(re.escape, want.split(" ")))
    return [m.span(1) for m in re.finditer(f"(?=({pattern}))", new)]


def _glued(text: str, a: int, b: int, want: str) -> tuple[bool, bool]:
    """Does ``text[a:b]`` begin (end) inside a longer word?"""
    return (want[0].isalnum() and text[a - 1:a].isalnum(), want[-1].isalnum() and text[b:b + 1].isalnum())


def _agreement(before: list[str], after: list[str], new: str, words: tuple[list[int], list[int]], a: int,
               b: int) -> int:
    """How many of the span's neighbouring words in the old text are the same around ``new[a:b]`` (whose
    words are at ``words``), each side counted up to the first that differs; the text's edge met on both
    sides counts as one more. Word by word from the span out: a word as common as "the" has hundreds of
    places in a long text."""
    starts, ends = words
    k, j = bisect_left(starts, a), bisect_right(ends, b)
    left = (new[starts[i]:min(ends[i], a)] for i in range(k - 1, -1, -1))
    right = (new[max(starts[i], b):ends[i]] for i in range(j, len(starts)))
    return _common(reversed(before), left) + _common(iter(after), right)


def _common(xs: Iterator[str], ys: Iterator[str]) -> int:
    n = 0
    for x, y in zip_longest(xs, ys):
        if x != y:
            return n
        n += 1
    return n + 1
