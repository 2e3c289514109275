"""What a figure in a result sentence measures and on what: the words of its clause around it, and the
benchmark the sentence names next to it. "13.12%" alone says nothing; "achieving a +13.12% RAI improvement"
(on the Pascal Series) says what it is."""

from __future__ import annotations

import re
from typing import Any

# where a clause of a result sentence ends: one figure's words stop at the next figure's clause
# ("and" before a capital joins names: "the Pascal Series and Diverse Weather Series")
CLAUSE_BREAK = re.compile(r";|,\s|\s(?:while|whereas|as well as|but|with)\s|\sand\s(?![A-Z])")
# "on the Pascal Series", "across ImageNet-1k and COCO": a named benchmark (capitalised or a number first)
ON_WHAT = re.compile(r"\b(?:on|across)\s+(?:the\s+)?(?:[A-Z0-9][\w.\-+/]*)(?:\s+(?:[A-Z0-9][\w.\-+/]*|and|of|&))*")
WORDS_BEFORE = 16
WORDS_AFTER = 10
RELATIVE = re.compile(r"\s*(?:which|that|who|whose|where)\b", re.I)   # a clause that is no subject
MIN_BEFORE = 3      # fewer words before a figure in its clause ("remains below 10%"): reach into the clause before


def _clause_bounds(sentence: str, start: int, end: int) -> tuple[int, int]:
    """The clause around ``start``..``end``."""
    left, right = 0, len(sentence)
    for m in CLAUSE_BREAK.finditer(sentence):
        if m.end() <= start:
            left = m.end()
        elif m.start() >= end:
            right = m.start()
            break
    return left, right


def _reach_back(sentence: str, left: int, start: int) -> int:
    """``left`` moved back over whole clauses without figures of their own until MIN_BEFORE words come
    before the figure at ``start`` and the clause is not a relative one (what "remains below 10%" is, is said
    before it)."""
    lefts = [0] + [m.end() for m in CLAUSE_BREAK.finditer(sentence) if m.end() < left]
    while lefts and not re.search(r"\d", sentence[lefts[-1]:left]) and (
            len(re.findall(r"[A-Za-z]\w*", sentence[left:start])) < MIN_BEFORE
            or RELATIVE.match(sentence, left)):       # "..., which skip thinking, remains below 10%"
        left = lefts.pop()
    return left


def _context(sentence: str, start: int, end: int, left: int, right: int) -> str:
    """The words from ``start`` to ``end`` widened to whole words, with a few each side inside the clause."""
    while start > left and not sentence[start - 1].isspace():   # "+13.12%", "(91.8%)"
        start -= 1
    while end < right and not sentence[end].isspace():
        end += 1
    before = sentence[left:start].split()
    after = sentence[end:right].split()
    text = " ".join(before[-WORDS_BEFORE:] + [sentence[start:end]] + after[:WORDS_AFTER]).strip(" .,")
    return ("\u2026" if len(before) > WORDS_BEFORE else "") + text + ("\u2026" if len(after) > WORDS_AFTER else "")


def _measured_on(sentence: str, at: int, context: str) -> str:
    """The benchmark the sentence names for a figure at ``at``: the first "on X" after it, else the last before
    it; empty when the context already says it or the sentence names none."""
    found = list(ON_WHAT.finditer(sentence))
    after = [m for m in found if m.start() >= at]
    before = [m for m in found if m.end() <= at]
    m = after[0] if after else (before[-1] if before else None)
    if m is None:
        return ""
    # the sentence's full stop is no part of the name ("on COCO." is "on COCO")
    phrase = re.sub(r"\s+(?:and|of|&)$", "", m.group().strip().rstrip("."))
    return "" if phrase in context else phrase


def _find_figure(sentence: str, figure: str) -> int:
    """Where ``figure`` stands in ``sentence`` as a number of its own (-1: nowhere): "1.5%" is not the tail of
    "11.5%", nor "5" the head of "5.3"."""
    head = r"(?<![\d.])" if figure[:1].isdigit() else ""
    tail = r"(?!\.?\d)" if figure[-1:].isdigit() else ""
    m = re.search(head + re.escape(figure) + tail, sentence)
    return m.start() if m else -1


def figures_said(sentence: str, figures: list[str]) -> list[dict[str, Any]]:
    """{figures, context, on} for the ``figures`` of one sentence, those of one clause together
    ("from 68.1% to 75.2%" is one statement, not two)."""
    clauses: dict[tuple[int, int], list[tuple[int, str]]] = {}
    for f in figures:
        at = _find_figure(sentence, f)
        if at >= 0:
            clauses.setdefault(_clause_bounds(sentence, at, at + len(f)), []).append((at, f))
    out = []
    for (left, right), figs in clauses.items():
        figs.sort()
        start, end = figs[0][0], figs[-1][0] + len(figs[-1][1])
        context = _context(sentence, start, end, _reach_back(sentence, left, start), right)
        out.append({"figures": [f for _, f in figs], "context": context,
                    "on": _measured_on(sentence, start, context)})
    return sorted(out, key=lambda x: _find_figure(sentence, x["figures"][0]))
