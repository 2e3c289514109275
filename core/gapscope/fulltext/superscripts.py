"""Footnote and citation marks set as superscripts, told apart from the text's own raised characters.

A mark glued to a word ("S2ORC,¹", "species¹") reads as part of it once the text is extracted
("S2ORC,1", "species1"); extract.py leaves the marks these functions find out of a line's text. pdfium
gives each character's box and type size; a mark is smaller than the line and raised above its
baseline."""

from __future__ import annotations

import ctypes
import math
import re


def char_size(raw, tp, i: int) -> float:
    """The type size a character is drawn at (text may be drawn at size 1 and scaled)."""
    size = raw.FPDFText_GetFontSize(tp, i)
    matrix = raw.FS_MATRIX()
    if raw.FPDFText_GetMatrix(tp, i, ctypes.byref(matrix)):
        size *= math.hypot(matrix.c, matrix.d) or 1.0
    return size


MARK_CHARS = set("0123456789,*\u2020\u2021\u00a7\u00b6\u2013")   # what a footnote or citation mark is made of
_MARK_SIGNS = set("0123456789*\u2020\u2021\u00a7\u00b6")
_BEFORE_MARK = set(".,;:)]\"'\u201d\u2019")                         # punctuation a mark may follow


def raised_marks(chars: list[str], idx: list[int], size: float, base: float, bottoms: dict[int, float],
                 raw, tp) -> set[int]:
    """The positions in a line's ``chars`` of footnote and citation marks set as superscripts after a
    word or its punctuation: "S2ORC,¹", "research.¹", "species¹", "Paper Plain¹", "years²,³" (smaller than
    the line's ``size``, their baseline raised above the line's ``base``). A mark starting a line (an
    affiliation's), one after a number or a short word ("10⁵", "cm²"), a sign ("s⁻¹", "Ca²⁺") and one
    glued to the text after it stay: those are the text's own. So does one between a word and a capital:
    in a list of authors a mark may be all that parts two names ("Zejiang Shen† Kyle Lo"); after
    punctuation it goes ("to date.² We")."""
    raised = set()
    ox, oy = ctypes.c_double(), ctypes.c_double()
    for k, ch in enumerate(chars):
        i = idx[k]
        if i not in bottoms:
            continue
        # a digit's or symbol's box sits on its baseline (the box is known); a comma's hangs below it
        low = oy.value if ch == "," and raw.FPDFText_GetCharOrigin(tp, i, ctypes.byref(ox), ctypes.byref(oy)) \
            else bottoms[i]
        if low - base > 0.2 * size and char_size(raw, tp, i) < 0.85 * size:
            raised.add(k)
    marks: set[int] = set()
    k = 0
    while k < len(chars):
        if k not in raised:
            k += 1
            continue
        end = k
        while True:                       # the run, on over spaces between its marks ("1, 3, 4")
            nxt = end + 1
            while nxt < len(chars) and chars[nxt].isspace():
                nxt += 1
            if nxt not in raised:
                break
            end = nxt
        run, prev, after = chars[k:end + 1], chars[k - 1] if k else "", chars[end + 1] if end + 1 < len(chars) else " "
        word = re.search(r"[^\W\d_]*$", "".join(chars[:k])).group()
        then = "".join(chars[end + 1:]).lstrip()[:1]
        if (any(c in _MARK_SIGNS for c in run) and run[0] != "\u2013" and not (after.isalnum() or after in "+-\u2212")
                and (prev in _BEFORE_MARK or (prev.isalpha() and len(word) >= 3 and not then.isupper()))):
            marks.update(range(k, end + 1))
        k = end + 1
    return marks
