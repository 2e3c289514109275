"""A paper's abstract read from its PDF: the text after an "Abstract" heading on the first two pages
(a line of its own, "ABSTRACT", or run in: "Abstract—We ...", "Abstract. We ...", "ABSTRACT The ..."),
up to the first heading that follows it ("1 Introduction", "I. INTRODUCTION", "Keywords", "Index
Terms", "CCS Concepts" ...; a structured abstract's own labels, "Background", "Results", go on in it),
its lines joined and de-hyphenated as the extraction joins a paragraph's.

Without such a heading nothing is taken here (the first paragraph of a page is as often an affiliation
or a summary for lay readers as the abstract): :func:`read_abstract` says why, for the import's note,
and lead_paragraph.py may still take page 1's first paragraph when it is surely the abstract.
The rules work on the lines' text (:func:`abstract_heading`, :func:`ends_abstract`); the type size and
position of the lines only set aside a margin column (affiliations beside a BMC abstract), footnotes
and a title in large type."""

from __future__ import annotations

import re
from typing import Optional

from .edit_advice import ADD_ABSTRACT
from .extract import Line, join_lines
from .hyphens import Spellings

# what the user can do: type it in, or import a record of the same paper (BibTeX, RIS ...), which fills it in
# (in the CLI's words: the app shows it in its own, edit_advice.in_app_words)
_ADD = f"; {ADD_ABSTRACT}, or import a record of the paper with its abstract (BibTeX, RIS ...)"
NO_HEADING = "no abstract found in the PDF: it has no \u201cAbstract\u201d heading on its first two pages" + _ADD
NO_TEXT = "no abstract found in the PDF: no text follows its \u201cAbstract\u201d heading" + _ADD
NOT_AN_ABSTRACT = "no abstract found in the PDF: the text after its \u201cAbstract\u201d heading is {why}" + _ADD
# an abstract runs to some 450 words at most (a structured one); text running on far past that with no
# heading to end it is the body read on from a word "Abstract" that was no heading (a figure's, say)
MAX_WORDS = 600
# a figure's text set far smaller than the body ("ABSTRACT" in a screenshot of a paper) is no heading
FIGURE_TYPE = 0.75

# the heading, alone or run in; "A B S T R A C T" (Elsevier) too. A mixed-case "Abstract" runs in with
# no punctuation only before a sentence's worth of words ("Abstract Splicing is the ...", eLife): a
# title may start "Abstract Meaning Representation".
_ABSTRACT = re.compile(
    r"^(?:(?P<upper>ABSTRACT|A B S T R A C T)|(?P<mixed>Abstract|Summary|SUMMARY))"
    r"(?:\s*$|\s*[:.\u2014\u2013]\s*(?P<rest1>.*)$|\s*-{1,2}\s*(?P<rest2>.*)$|\s+(?P<rest3>[A-Z\d(\u201c\"].*)$)")
RUN_IN_WORDS = 8
# a line number (bioRxiv, PLOS drafts) glued before the text: "13 Abstract:", "14 The field of ..."
_LINE_NUMBER = re.compile(r"^\d{1,4}\s+(?=\S)")

_FRONT_END = (r"key\s*words?|keywords?(?: and phrases)?|additional key words(?: and phrases)?|index terms"
              r"|ccs concepts|acm reference format|general terms|categories and subject descriptors"
              r"|subjects?|(?:ams |mathematics )?subject classification|msc(?: \d{4})?|jel(?: classification)?"
              r"|abbreviations|graphical abstract|highlights|significance(?: statement)?|importance"
              r"|author summary|lay summary|plain language summary|elife digest|elife assessment|editor'?s evaluation"
              r"|one sentence summary|summary|teaser|main|main text")
# "Keywords: ...", "Index Terms—...", "CCS Concepts: •", "KEYWORDS" alone; "IMPORTANCE Acinetobacter ..."
# (any case for the name; a capital after it, so that "highlights that ..." in a sentence is no heading)
_FRONT_END_RE = re.compile(rf"^(?i:{_FRONT_END})(?:\s*$|\s*[:.\u2014\u2013-]|\s+(?=[A-Z\u2022]))")
_BODY_NAMES = (r"introduction|background|related work|methods?|materials and methods|results|discussion"
               r"|conclusions?|references|acknowledge?ments?|preliminaries|overview|motivation")
# an unnumbered body heading on a line of its own: "Introduction", "INTRODUCTION" (not "Background:
# Glucokinase ...", the run-in label of a structured abstract)
_BODY_HEADING = re.compile(rf"^(?:{_BODY_NAMES})[.:]?$", re.I)
# a numbered heading: "1 Introduction", "1. INTRODUCTION", "I. INTRODUCTION", "2 Related Work"
_NUMBERED = re.compile(r"^(?:\d{1,2}|[IVX]{1,4})\.?\s+(?P<name>[A-Z][\w'’-]*(?:\s+[\w'’&-]+){0,6}):?$")


def abstract_heading(text: str) -> Optional[str]:
    """The text run in after an abstract heading on this line ("" when the heading stands alone), or
    None when the line is no abstract heading."""
    m = _ABSTRACT.match(_LINE_NUMBER.sub("", text.strip()))
    if not m:
        return None
    rest = next((g for g in (m.group("rest1"), m.group("rest2"), m.group("rest3")) if g is not None), "")
    if m.group("mixed") and m.group("rest3") is not None and len(rest.split()) < RUN_IN_WORDS:
        return None                    # "Abstract Meaning Representation ...": a title, no heading
    if m.group("mixed") in ("Summary", "SUMMARY") and rest:
        return None                    # only a "Summary" line of its own stands for the abstract (Cell)
    return rest.strip()


def ends_abstract(text: str) -> bool:
    """The line is a heading that follows an abstract: front matter (keywords, index terms, a
    significance statement) or the body's first section."""
    t = _LINE_NUMBER.sub("", text.strip()) if not _NUMBERED.match(text.strip()) else text.strip()
    if _FRONT_END_RE.match(t) or _BODY_HEADING.match(t):
        return True
    m = _NUMBERED.match(text.strip())
    if not m or re.search(r"[.,;:]$", m.group("name")):
        return False
    return m.group("name").split()[0].lower() not in _NOT_NAMES


# "1 of 9 human ...", "2 In the present study": a number starting a sentence, not a section
_NOT_NAMES = {"in", "of", "the", "a", "an", "and", "we", "this", "these", "to", "for", "with", "on", "at", "by"}


# the labels of a structured abstract (BMC, PLOS Medicine: "Background" on a line of its own; JAMA:
# "IMPORTANCE Sepsis is ...", "MAIN OUTCOMES AND MEASURES ..."). Some name a body section too, and
# "Importance" follows an ASM abstract: an abstract whose first line is such a label is structured, and
# then its labels go on in it (each once: a second "Background" is the body's first section).
_STRUCTURED_NAMES = (r"background|context|importance|objectives?|aims?|purpose|rationale|design(?:,? setting,? and"
                     r" participants)?|setting|participants|patients|interventions?|exposures?|methods?"
                     r"|materials and methods|methods and findings|main outcomes?(?: and measures?)?"
                     r"|main outcome measures?|measurements?|results?|findings|conclusions?(?: and relevance)?"
                     r"|interpretation|limitations")
_STRUCTURED = re.compile(rf"^(?P<name>(?i:{_STRUCTURED_NAMES}))(?:\s*$|\s*[:.\u2014\u2013]|(?P<run>\s+(?=[A-Z])))")


def structured_label(text: str) -> Optional[str]:
    """The label of a structured abstract's part that starts this line ("background", "main outcomes and
    measures"), or None. Run in without a colon only in capitals ("RESULTS Mortality ..."): "Design
    Patterns are ..." starts a sentence."""
    m = _STRUCTURED.match(_LINE_NUMBER.sub("", text.strip()))
    if not m or (m.group("run") and not m.group("name").isupper()):
        return None
    return " ".join(m.group("name").lower().split())


class _Ends:
    """:func:`ends_abstract` for the lines of one abstract in turn, the first one first: the labels of a
    structured abstract end it only when one comes again."""

    def __init__(self) -> None:
        self.structured: Optional[bool] = None
        self.seen: set[str] = set()

    def __call__(self, text: str) -> bool:
        label = structured_label(text)
        if self.structured is None:
            self.structured = label is not None
        if label is not None and self.structured:
            if label in self.seen:
                return True
            self.seen.add(label)
            return False
        return ends_abstract(text)


def strip_line_numbers(texts: list[str]) -> list[str]:
    """Lines without the line numbers a draft prints before them ("14 The field ...", "15 macro..."):
    taken off only when most lines start with a number and those numbers mostly go up by one."""
    nums = [int(m.group(0)) if (m := re.match(r"^\d{1,4}(?=\s)", t)) else None for t in texts]
    given = [n for n in nums if n is not None]
    steps = sum(1 for a, b in zip(nums, nums[1:]) if a is not None and b is not None and b == a + 1)
    if len(given) < max(2, 0.6 * len(texts)) or steps < 0.5 * (len(given) - 1):
        return texts
    return [_LINE_NUMBER.sub("", t) if n is not None else t for t, n in zip(texts, nums)]


def abstract_from_texts(texts: list[str]) -> tuple[str, Optional[str]]:
    """(abstract, why it is empty or None) from lines of text in reading order: the text-level rules
    alone (:func:`read_abstract` adds the layout)."""
    start = next((i for i, t in enumerate(texts) if abstract_heading(t) is not None), None)
    if start is None:
        return "", NO_HEADING
    return _collect(texts[start:], Spellings(texts))


def hyphenation_marked(texts: list[str]) -> list[str]:
    """The lines without a draft's line numbers, a line-end non-breaking hyphen before a lower-case
    letter marked as the hyphenation it is (BMC sets them so)."""
    return [t[:-1] + "\u00ad" if t.endswith("\u2011") and k + 1 < len(texts) and texts[k + 1][:1].islower()
            else t for k, t in enumerate(strip_line_numbers(texts))]


def join_abstract_lines(texts: list[str], spelled: Optional[Spellings] = None) -> str:
    """An abstract's lines as one paragraph: line numbers taken off, hyphenation repaired (``spelled``:
    the document's spellings, hyphens.py), white space collapsed."""
    return re.sub(r"\s+", " ", join_lines(hyphenation_marked(texts), spelled)).strip()


def _collect(texts: list[str], spelled: Spellings) -> tuple[str, Optional[str]]:
    texts = hyphenation_marked(texts)
    first = abstract_heading(texts[0]) or ""
    body = [first] if first else []
    ends = _Ends()
    if first:
        ends(first)
    for t in texts[1:]:
        if ends(t):
            break
        body.append(t)
    text = re.sub(r"\s+", " ", join_lines(body, spelled)).strip()
    if len(text.split()) < 8:
        return "", NO_TEXT
    why = not_abstract_text(text)
    return (text, None) if why is None else ("", NOT_AN_ABSTRACT.format(why=why))


SENTENCE_BREAK = re.compile(r"[a-z\d%)\]][.!?][\"\u201d\u2019)]?\s+[A-Z(\"\u201c]")


def not_abstract_text(text: str) -> Optional[str]:
    """Why the text read after an abstract heading is no abstract, or None: a template or code ("{abstract}
    User Query: ..."), a list of labels with no sentence in it (a figure's legend), or far longer than
    an abstract (the body read on past it)."""
    words = text.split()
    if not (words[0][0].isalnum() or words[0][0] in "\"\u201c\u2018'("):
        return "not prose (it starts with \u201c" + words[0][:20] + "\u201d)"
    sentence = SENTENCE_BREAK.search(text) or re.search(r"[a-z\d%)\]][.!?][\"\u201d\u2019)]?$", text)
    if not sentence or sum(w[:1].islower() for w in words) < 0.3 * len(words):
        return "not running text (a figure's labels or a list)"
    if len(words) > MAX_WORDS:
        return f"{len(words)} words long with no heading to end it (body text)"
    return None


def read_abstract(lines: list[Line]) -> tuple[str, Optional[str]]:
    """(abstract, why it is empty or None) from the first pages' lines in reading order: the text
    after the first abstract heading up to the next heading (:func:`ends_abstract`). The abstract is
    read down its column: a line beside it at the same height (a margin column of affiliations and
    dates, BMC and eLife) is left out; one beside it higher up, or on the next page, goes on in the
    next column."""
    start = next((i for i, ln in enumerate(lines) if abstract_heading(ln.text) is not None
                  and not (abstract_heading(ln.text) and _title_type(ln, lines)) and not _figure_type(ln, lines)),
                 None)
    if start is None:
        return "", NO_HEADING
    head = lines[start]
    col = head
    if not abstract_heading(head.text):       # a heading of its own: the column is the text's below it
        col = next((ln for ln in lines[start + 1:] if _overlap(ln, head)), head)
    kept, last = [head.text], head
    ends = _Ends()
    if abstract_heading(head.text):
        ends(abstract_heading(head.text))
    for k, ln in enumerate(lines[start + 1:], start + 1):
        if not _overlap(ln, col):
            if ln.page == last.page and ln.y0 > last.y0 - 1:
                continue                      # beside the abstract, at the height it is read at
            col = ln                          # the next column, or the next page
        if ends(ln.text):
            kept += _next_column_above(lines[k + 1:], head, ln, col) + [ln.text]
            break
        if ln.size < col.size - 0.5 and _FOOTNOTE.match(ln.text):
            continue                          # a footnote at the column's foot ("∗Equal contribution.")
        kept.append(ln.text)
        last = ln
    return _collect(kept, Spellings(ln.text for ln in lines))


def _next_column_above(after: list[Line], head: Line, stop: Line, col: Line) -> list[str]:
    """The abstract's lines in the next column when the body's first heading (``stop``) cuts it in its
    first column: J Cell Sci sets the abstract across the top of both columns, "Key words" at its end in
    the second, "Introduction" below it in the first. Taken only when the next column, from the height
    the abstract starts at to the heading's, ends on a front-matter heading ("Key words"): the top of the
    next column is as often the body's text going on (ACL)."""
    if _FRONT_END_RE.match(stop.text.strip()):
        return []
    beside = sorted((ln for ln in after if ln.page == stop.page and not _overlap(ln, col)
                     and head.y0 - 1 <= ln.y0 < stop.y0), key=lambda ln: ln.y0)
    end = next((i for i, ln in enumerate(beside) if _FRONT_END_RE.match(ln.text.strip())), None)
    if not end or beside[0].y0 > head.y0 + 3 * head.size:
        return []
    return [ln.text for ln in beside[:end]]


_FOOTNOTE = re.compile(r"^[*\u2217\u2020\u2021\u00a7\u00b6#\u22c6\d\u00b9\u00b2\u00b3\u2070-\u2079]")


def _overlap(a: Line, b: Line) -> bool:
    return a.x0 < b.x1 + 2 and b.x0 < a.x1 + 2


def _figure_type(ln: Line, lines: list[Line]) -> bool:
    """Set far smaller than most lines: text inside a figure (a screenshot of a paper), not a heading."""
    sizes = sorted(x.size for x in lines)
    return ln.size < FIGURE_TYPE * sizes[len(sizes) // 2]


def _title_type(ln: Line, lines: list[Line]) -> bool:
    """Set far larger than most lines: a title ("Abstract Algebra for ..."), not a heading run in."""
    sizes = sorted(x.size for x in lines)
    return ln.size > sizes[len(sizes) // 2] + 4
