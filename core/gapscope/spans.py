"""Spans the user put on a text (highlights, facet corrections: character offsets into a paper's abstract)
followed to where the same words are once the text changes: markup taken out by ``check --repair``, a
search engine's shortened abstract replaced by the full one on import. A span that cannot be placed for
sure is never guessed: the caller then leaves the text as it was."""

from __future__ import annotations

import difflib
import re
from typing import Callable, Optional, Sequence


def moved_spans(old: str, new: str, spans: Sequence[tuple[int, int]],
                reads_as: Optional[Callable[[str], str]] = None) -> Optional[list[tuple[int, int]]]:
    """Each ``(start, end)`` of ``old`` at the same words in ``new``; None when one of them cannot be
    placed for sure. ``reads_as(text)``: what a stretch of ``old`` reads as in ``new`` (without its markup,
    say); words are compared with their spacing collapsed. A span goes by the alignment of the two texts
    where that gives its words, else to the one place in ``new`` that holds them."""
    if not spans:
        return []
    blocks = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    out = []
    for start, end in spans:
        want = _words(reads_as(old[start:end]) if reads_as else old[start:end])
        if not want:
            return None
        at = (_offset_in(blocks, start, False), _offset_in(blocks, end, True))
        if _words(new[at[0]:at[1]]) != want:
            found = list(re.finditer(r"\s+".join(map(re.escape, want.split(" "))), new))
            if len(found) != 1:
                return None
            at = found[0].span()
        out.append(at)
    return out


def _words(text: str) -> str:
    return " ".join(text.split())


def _offset_in(blocks: list[tuple[str, int, int, int, int]], i: int, end: bool) -> int:
    """Offset ``i`` of the old text in the new one, by difflib's opcodes: kept text moves as it is; an
    offset inside text taken out or replaced (a tag, an entity) goes to the start of what replaced it, or
    its end for the end of a span."""
    for tag, i1, i2, j1, j2 in blocks:
        if (i1 < i <= i2) if end else (i1 <= i < i2):
            return j1 + (i - i1) if tag == "equal" else (j2 if end else j1)
    return blocks[-1][4] if end and blocks else 0
