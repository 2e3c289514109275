"""The abstract of a PDF that prints it with no "Abstract" heading (Nature Communications, Experimental &
Molecular Medicine, PNAS, ACM's journal format): the first block of prose on page 1 below the title and
above the first heading of the body ("1 Introduction", "Keywords" ...). A page 1 with no title (an
excerpt) gives none.

A wrong abstract is worse than none, so the block is taken only when both hold:

- it is set apart from the body text that follows it: in another type size, in bold, or across a
  measure the body's columns do not have (full width above two columns). The body's first paragraph, in the body's type,
  is never taken: an editorial has no abstract, and its opening paragraph is no abstract either;
- it reads like an abstract: 400..3000 characters, starting with a capital and ending a sentence,
  three sentences or more, running text (not a list of names), no e-mail, affiliation, copyright or
  dates; and no label above it ("Significance", "Author summary": a box that is not the abstract).

The caller marks where it came from (meta.FROM_FIRST_PARAGRAPH), so the user knows to check it."""

from __future__ import annotations

import re
import statistics

from .abstract import SENTENCE_BREAK, ends_abstract, join_abstract_lines
from .extract import Line, body_size
from .hyphens import Spellings

MIN_CHARS, MAX_CHARS = 400, 3000
# the import's note on a paper whose abstract this gave
NOTE = ("abstract taken from the first paragraph of page 1 (the PDF prints no \u201cAbstract\u201d heading): "
        "check that it is the abstract")

_NOT_ABSTRACT = re.compile(
    r"@|\u00a9|\(c\)\s*(?:19|20)\d\d|copyright|all rights reserved|licen[cs]ed under|creative commons"
    r"|\be-?mail\b|corresponding author|\b(?:received|accepted|published(?: online)?)\s*:?\s*\d", re.I)
_AFFILIATION = re.compile(r"\b(?:universit(?:y|[éä]t|ad|à)|department|dept\.|institut(?:e|o)?|laboratory|hospital"
                          r"|school of|college|faculty|cent(?:er|re) for)\b", re.I)
# an affiliation line starts with its mark glued to a name: "1Archaeal Biology Center", "*Whitehead Institute"
_MARKED_LINE = re.compile(r"^(?:\d{1,2}|[*\u2020\u2021\u00a7\u00b6])[A-Z]")
_ENDS_SENTENCE = re.compile(r"[.!?][\"\u201d\u2019)]?\d{0,2}$")


def lead_paragraph(lines: list[Line], title: list[Line]) -> str:
    """The abstract printed with no heading as the first paragraph of page 1 below its ``title`` (see
    the module's docstring), or "" when no block there is surely one. ``lines``: the first pages' lines;
    ``title``: the title's lines on page 1 (meta.py finds them); none, nothing is taken (a page without a
    title, an excerpt, is no paper's first page)."""
    page1 = [ln for ln in lines if ln.page == 0]
    if not page1 or not title:
        return ""
    title_end = max(ln.y1 for ln in title)
    spelled = Spellings(ln.text for ln in lines)     # how the paper spells a word a line end cuts
    heading = min((ln.y0 for ln in page1 if ln.y0 > title_end and ends_abstract(ln.text)), default=float("inf"))
    for block in _blocks(page1):
        if block[0].y0 <= title_end or block[0].y0 >= heading - 1:
            continue
        # a heading in the same type set close below ("CCS Concepts: ...") ends it
        block = block[:next((i for i, ln in enumerate(block) if i and ends_abstract(ln.text)), len(block))]
        text = join_abstract_lines([ln.text for ln in block], spelled)
        if not reads_like_abstract(text, block):
            continue
        # the first block of prose decides: taken when set apart, else there is no abstract to take
        if _set_apart(block, _text_after(block, lines)) and not _labelled(block, page1):
            return text
        return ""
    return ""


def reads_like_abstract(text: str, block: list[Line]) -> bool:
    """Running text of an abstract's length and shape; not an affiliation, e-mail, copyright or dates block."""
    words = text.split()
    if not MIN_CHARS <= len(text) <= MAX_CHARS or not text[:1].isupper() or not _ENDS_SENTENCE.search(text):
        return False
    if len(SENTENCE_BREAK.findall(text)) < 2 or len(words) / len(block) < 6:
        return False
    if sum(w[:1].islower() for w in words) < 0.5 * len(words):
        return False                               # capitalised words: names, a title, a list
    if _NOT_ABSTRACT.search(text) or len(_AFFILIATION.findall(text)) >= 2:
        return False
    return sum(bool(_MARKED_LINE.match(ln.text)) for ln in block) < 2


def _blocks(page1: list[Line]) -> list[list[Line]]:
    """Page 1's lines grouped into blocks, top first: lines in one type (size and weight) and one column
    (overlapping across), each close below the one before. A line beside a block at its height ("Check
    for updates", a margin column of dates) starts a block of its own."""
    blocks: list[list[Line]] = []
    for ln in sorted(page1, key=lambda x: (x.y0, x.x0)):
        for b in reversed(blocks):
            last = b[-1]
            x0, x1 = min(x.x0 for x in b), max(x.x1 for x in b)
            across = min(x1, ln.x1) - max(x0, ln.x0) > 0.5 * min(x1 - x0, ln.x1 - ln.x0)
            if (abs(ln.size - last.size) < 0.3 and ln.bold == last.bold and across
                    and 0 < ln.y0 - last.y0 <= 1.8 * max(ln.size, last.size)):
                b.append(ln)
                break
        else:
            blocks.append([ln])
    return sorted(blocks, key=lambda b: b[0].y0)


def _measure(lines: list[Line]) -> float:
    """A block's full line width (the upper quartile: a paragraph's last line is short)."""
    widths = sorted(ln.x1 - ln.x0 for ln in lines)
    return widths[int(0.75 * (len(widths) - 1))] if widths else 0.0


def _text_after(block: list[Line], lines: list[Line]) -> list[Line]:
    """The body text the block is weighed against: page 1's lines of running length below it, or page 2's
    when page 1 holds few (a journal may set page 2 on in smaller type, its Methods say, than page 1's
    body: the first pages' commonest type would make page 1's body look set apart)."""
    after = [ln for ln in lines if ln.page == 0 and ln.y0 > block[-1].y1 and len(ln.text) >= 30]
    return after if len(after) >= 5 else [ln for ln in lines if ln.page == 1 and len(ln.text) >= 30]


def _set_apart(block: list[Line], after: list[Line]) -> bool:
    """Set in another size, in bold, or across another measure than the body text that follows it."""
    if not after:
        return False
    body = body_size([after])
    if abs(statistics.median(ln.size for ln in block) - body) >= 0.5:
        return True
    text = [ln for ln in after if abs(ln.size - body) < 0.3]
    if block[0].bold and sum(ln.bold for ln in text) < 0.2 * len(text):
        return True
    width = _measure(text)
    return abs(_measure(block) - width) > 0.15 * width


def _labelled(block: list[Line], page1: list[Line]) -> bool:
    """A heading just above the block that names something else ("Significance", "Author summary",
    "Keywords"): a box of front matter, not the abstract."""
    first = block[0]
    above = [ln for ln in page1 if ln.y1 <= first.y0 + 1 and first.y0 - ln.y0 <= 2.5 * first.size
             and ln.x0 < first.x1 and first.x0 < ln.x1 and all(ln is not b for b in block)]
    return any(len(ln.text) < 60 and ends_abstract(ln.text) for ln in above)
