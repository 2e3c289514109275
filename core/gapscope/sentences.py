"""Sentence splitting for real abstracts: hard line wraps, LaTeX, abbreviations, numbered lists.

Offsets are character positions in the text given, so a sentence's span keys highlights and
facet corrections; ``Sentence.text`` is the span with its line wraps and runs of spaces collapsed.
The facet pipeline splits with it (gapscope.facets), and so do the integrity check and the imports, to
tell which sentences of a changed abstract a facet correction labels: it sits below the store.
"""

from __future__ import annotations

import re
from typing import NamedTuple


class Sentence(NamedTuple):
    start: int
    end: int
    text: str


# Words that end with a period but rarely end a sentence (compared lower case, without the period).
_ABBREV = {
    "e.g", "i.e", "eg", "ie", "al", "et al", "fig", "figs", "eq", "eqs", "eqn", "cf", "vs", "viz", "resp",
    "approx", "ca", "sec", "secs", "ch", "no", "nos", "vol", "pp", "p", "ref", "refs", "tab", "dept", "univ",
    "dr", "mr", "mrs", "ms", "prof", "st", "jr", "sr", "inc", "ltd", "co", "corp", "esp", "incl", "w.r.t",
    "wrt", "a.k.a", "aka", "u.s", "u.k", "thm", "def", "lem", "prop", "cor", "alg", "app", "appx", "max", "min",
    "avg", "std", "est", "mt", "nat", "phys", "rev", "lett", "proc", "conf", "int", "j",
}
# A protected stretch: inline/display math, \( \), \[ \], and short bracketed asides.
_PROTECT = re.compile(
    r"\$\$.+?\$\$|\$[^$]{0,400}?\$|\\\(.{0,400}?\\\)|\\\[.{0,600}?\\\]|\([^()]{0,200}\)|\[[^\[\]]{0,200}\]",
    re.S,
)
# Sentence-ending punctuation, optional closing quotes/brackets, then whitespace.
_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s)")
# What may start a sentence after a boundary.
_STARTER = re.compile(r"[A-Z0-9\"'“‘(\[$\\]|[^\x00-\x7f]")
# A list item at the start of a line: "1.", "1)", "(1)", "(i)", "(a)", "-", "*", "•".
_LIST_ITEM = re.compile(r"(?:\(?(?:\d{1,2}|[ivx]{1,4}|[a-h])[.)]|[-*•])\s+\S")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")


def split_sentences(text: str) -> list[Sentence]:
    """Split an abstract into sentences with character offsets into ``text``."""
    if not text or not text.strip():
        return []
    protected = [False] * (len(text) + 1)
    for m in _PROTECT.finditer(text):
        for i in range(m.start(), m.end()):
            protected[i] = True
    cuts: set[int] = set()
    # paragraph breaks and list items on their own line
    for m in re.finditer(r"\n[ \t]*\n\s*", text):
        cuts.add(m.end())
    for m in re.finditer(r"\n[ \t]*", text):
        rest = text[m.end():]
        if _LIST_ITEM.match(rest) and not protected[m.start()]:
            cuts.add(m.end())
    for m in _END.finditer(text):
        end = m.end()
        if protected[m.start()]:
            continue
        j = end
        while j < len(text) and text[j].isspace():
            j += 1
        if j >= len(text):
            continue
        if not _STARTER.match(text[j]):
            continue
        if _is_abbreviation(text, m.start(), m.group()):
            continue
        if _is_list_number(text, m.start()):
            continue
        cuts.add(j)
    out = []
    bounds = sorted(c for c in cuts if 0 < c < len(text))
    start = 0
    for c in bounds + [len(text)]:
        a, b = start, c
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            out.append(Sentence(a, b, re.sub(r"\s+", " ", text[a:b])))
        start = c
    return _merge_fragments(out, text)


def _is_abbreviation(text: str, dot: int, punct: str) -> bool:
    if not punct.startswith(".") or punct.startswith(".."):
        return False
    head = text[max(0, dot - 12):dot + 1]
    m = _WORD_BEFORE.search(head)
    if not m:
        return False
    word = m.group(1).lower()
    if word in _ABBREV or word.rstrip(".") in _ABBREV:
        return True
    if len(word) == 1 and word.isalpha() and text[dot - 1].isupper():      # an initial: "J. Smith"
        return True
    if re.fullmatch(r"(?:[a-z]\.)+[a-z]", word):                            # "u.s.a"
        return True
    return False


def _is_list_number(text: str, dot: int) -> bool:
    """``1.`` / ``(ii).`` opening a list item (at the text start, after a newline or a colon)."""
    m = re.search(r"(?:^|[\n:;])\s*\(?(?:\d{1,2}|[ivx]{1,4})\)?$", text[max(0, dot - 12):dot])
    return m is not None


def _merge_fragments(sents: list[Sentence], text: str) -> list[Sentence]:
    """Glue pieces that cannot stand alone (a bare list number, a lone bracket) onto the next one."""
    out: list[Sentence] = []
    pending = None
    for s in sents:
        if pending is not None:
            s = Sentence(pending.start, s.end, re.sub(r"\s+", " ", text[pending.start:s.end]))
            pending = None
        if len(s.text) <= 4 and not re.search(r"[A-Za-z]{2}", s.text):
            pending = s
            continue
        out.append(s)
    if pending is not None:
        if out:
            last = out.pop()
            out.append(Sentence(last.start, pending.end, re.sub(r"\s+", " ", text[last.start:pending.end])))
        else:
            out.append(pending)
    return out


# --- which sentences a facet correction labels -------------------------------------------------------------
def labels_sentence(span: tuple[int, int], sentence: tuple[int, int]) -> bool:
    """Does a facet correction at ``span`` label the sentence at ``sentence`` (both (start, end) in one
    abstract)? When most of either lies in the other. A correction moved with its words into a text the
    splitter cuts otherwise still labels its sentence: joined to its neighbour (most of the correction lies
    in the joined sentence) or cut in two (most of each half lies in the correction). The store's query
    (store/facets.py ``_LABELS``) says the same in SQL."""
    (a, b), (s, e) = span, sentence
    overlap = min(b, e) - max(a, s)
    return overlap > 0 and 2 * overlap > min(b - a, e - s)


def labels_some_sentence(span: tuple[int, int], sentences) -> bool:
    """Does a correction at ``span`` label one of ``sentences`` (``(start, end, ...)`` each)?"""
    return any(labels_sentence(span, (s[0], s[1])) for s in sentences)


def reads_as_split(text: str, sentences) -> bool:
    """Are ``sentences`` ((start, end, text) each, as stored) those of ``text``: each reads the same there?
    (A paper's stored sentences are of the abstract it had when classified.)"""
    return bool(sentences) and all(0 <= a < b <= len(text) and re.sub(r"\s+", " ", text[a:b]) == t
                                   for a, b, t in sentences)


def labelling_nothing(text: str, spans) -> list[int]:
    """Which of ``spans`` (``(..., start, end)`` each: corrections moved into ``text``) label none of the
    sentences :func:`split_sentences` makes of ``text``, by index."""
    if not spans:
        return []
    sentences = split_sentences(text)
    return [i for i, sp in enumerate(spans) if not labels_some_sentence((sp[-2], sp[-1]), sentences)]
