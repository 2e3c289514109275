"""A researcher's search, as typed in the search box or `gapscope papers search`, read into an FTS5 query.

What a user may write (the search box advertises it): plain words (all of them must appear; the last one is
a prefix while typing), "an exact phrase", ``OR`` between alternatives, ``-word`` or ``-"a phrase"`` (or
``NOT``) to leave papers out, ``word*`` for a prefix, a field before a word, a phrase or a parenthesis
(``title:``, ``ti:``, ``abstract:``, ``abs:``, ``authors:``, ``au:``), parentheses to group (one without
a partner, as in a pasted fragment "llm)", is ignored, with a note), and FTS5's ``NEAR(a "b c", 5)``: its
words and phrases within that many words of each other (10 when no number is given).

A paper's arXiv id or DOI, as pasted (one or a list), names that paper: search_identifiers.py takes it out
before the words are read, and the store keeps to the papers it names (:attr:`SearchQuery.papers`).

Nothing of the user's text reaches FTS5 unquoted: every word becomes a quoted phrase, so no character of it
can be read as FTS5 syntax (``-19`` as a column, ``'`` as an error). A query this module cannot read raises
LibraryError saying what is wrong in the user's terms, never SQLite's.

The index keeps letters and digits only, so "C++", "C#" and ".NET" reach it as "c" and "net". Such a word
is also kept as a literal the paper's text must contain (or, left out, must not; in the case typed when
it has a capital, store/papers.py literal_conditions): the store checks it
beside the MATCH, where the word stands on its own (not inside OR or parentheses; there it is searched as
its letters, and :attr:`SearchQuery.notes` says so).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from .base import LibraryError
from .search_identifiers import MixedIdentifierError, PaperIdent, take_identifiers

# the field names a researcher brings from arXiv's and PubMed's search (ti:, au:, abs:) or writes in the
# singular (author:): the search index's columns are title, abstract and authors
COLUMN_OF = {"ti": "title", "title": "title", "ab": "abstract", "abs": "abstract", "abstract": "abstract",
             "au": "authors", "author": "authors", "authors": "authors"}
OPERATORS = ("AND", "OR", "NOT")      # upper case only, as in FTS5: "or" is a word
# the last word is matched as a prefix (search as you type) from this many letters on: "AI" as a prefix
# would find every word that starts with ai
PREFIX_MIN_CHARS = 3

_FIELD = re.compile(r"(?:(\w+)|\{([^{}]*)\})\s*:", re.UNICODE)
_WORD_CHAR = re.compile(r"\w", re.UNICODE)
# FTS5's NEAR group opens with NEAR in capitals, as its operators ("near(" is a word)
_NEAR_OPEN = re.compile(r"NEAR\s*\(")
NEAR_EXAMPLE = "as in NEAR(word \"a phrase\", 5)"
# a word the index cannot tell from its letters: "C++", "C#", "F#", ".NET"
_SYMBOL_WORD = re.compile(r"[+#]|^\.\w")
# the end of a typed word that a prefix star would reach: the index splits words at any sign but keeps
# what a hyphen or an apostrophe joins as one typed word ("GPT-4", "O'Brien"), so "R&D" and "i.e." end in
# the one-letter parts "D" and "e" (a prefix there would match every word starting with that letter)
_LAST_PART = re.compile(r"\w[\w\-']*$", re.UNICODE)


@dataclass
class Literal:
    text: str                       # as typed: "C++"
    column: Optional[str] = None    # None: title, abstract or authors


@dataclass
class SearchQuery:
    fts: str                                              # the FTS5 MATCH expression
    require: list[Literal] = field(default_factory=list)  # text each paper must contain
    exclude: list[Literal] = field(default_factory=list)  # text no paper may contain
    notes: list[str] = field(default_factory=list)        # what was searched otherwise than typed
    # the papers named by arXiv id or DOI (search_identifiers.py); with them ``fts`` may be "" (no words)
    papers: list[PaperIdent] = field(default_factory=list)


class SearchSyntaxError(LibraryError):
    """The user's search cannot be read; the message says why in the user's terms."""


@dataclass
class _Term:
    text: str
    phrase: bool
    column: Optional[str]
    prefix: bool
    negated: bool = False


@dataclass
class _Group:
    items: list            # of _Item (ANDed)
    column: Optional[str]
    negated: bool = False


@dataclass
class _Near:
    phrases: list          # of _Term, at least two
    distance: Optional[int]
    column: Optional[str]
    negated: bool = False


@dataclass
class _Or:
    sides: list            # of _Term | _Group
    negated: bool = False


def _columns(m: re.Match) -> Optional[list[str]]:
    """The index columns a field prefix names, or None when it names none (then "a:b" is plain text)."""
    names = [m.group(1)] if m.group(1) is not None else m.group(2).split()
    cols = [COLUMN_OF.get(n.lower()) for n in names]
    return None if not cols or None in cols else list(dict.fromkeys(cols))


class _Reader:
    def __init__(self, text: str):
        self.text = text
        self.i = 0

    # --- scanning -----------------------------------------------------------------------------------
    def _skip_space(self) -> None:
        while self.i < len(self.text) and self.text[self.i].isspace():
            self.i += 1

    def _peek(self) -> str:
        self._skip_space()
        return self.text[self.i] if self.i < len(self.text) else ""

    def _operator(self) -> Optional[str]:
        self._skip_space()
        for op in OPERATORS:
            end = self.i + len(op)
            if self.text.startswith(op, self.i) and (end == len(self.text) or self.text[end].isspace()
                                                     or self.text[end] in '()"'):
                return op
        return None

    # --- grammar: items (ANDed) of alternatives (OR) of units (a term or a parenthesis) ----------------
    def read_items(self, closing: bool) -> list:
        items = []
        while True:
            c = self._peek()
            if not c:
                if closing:
                    raise SearchSyntaxError("a parenthesis ( is not closed")
                return items
            if c == ")":
                if not closing:
                    raise SearchSyntaxError("a closing parenthesis ) has no ( before it")
                self.i += 1
                return items
            op = self._operator()
            if op == "AND":             # the ANDing of items, said: as OR, a word or phrase on each side
                self.i += 3
                if not items or self._peek() in ("", ")") or self._operator() in ("AND", "OR"):
                    raise SearchSyntaxError("AND needs a word or \"phrase\" on each side")
                continue
            negated = False
            if op == "NOT":
                self.i += 3
                negated = True
            elif c == "-":
                self.i += 1
                if self.i == len(self.text) or self.text[self.i].isspace():
                    continue             # a dash standing alone ("graphs - a survey") leaves nothing out
                negated = True
            item = self._read_or()
            if item is None:
                if negated:
                    raise SearchSyntaxError("NOT or - needs a word or \"phrase\" after it")
                continue
            item.negated = negated
            items.append(item)

    def _read_or(self):
        first = self._read_unit()
        sides = [first] if first is not None else []
        while self._operator() == "OR":
            self.i += 2
            if self._peek() == "-" or self._operator() == "NOT":
                raise SearchSyntaxError("a left-out word (-word, NOT word) cannot be one side of OR")
            side = self._read_unit()
            if side is None or not sides:
                raise SearchSyntaxError("OR needs a word or \"phrase\" on each side")
            sides.append(side)
        if not sides:
            return None
        return sides[0] if len(sides) == 1 else _Or(sides)

    def _read_unit(self, column: Optional[str] = None):
        """A quoted phrase, a parenthesis, a word, each perhaps after a field name; None for a bare symbol
        ("&", "--") that holds nothing to search for."""
        c = self._peek()
        if not c or c == ")":
            if column:
                raise SearchSyntaxError(f"{column}: needs a word, \"phrase\" or (...) after it")
            return None
        if self._operator() == "OR":
            raise SearchSyntaxError("OR needs a word or \"phrase\" on each side")
        if c == '"':
            end = self.text.find('"', self.i + 1)
            if end < 0:
                raise SearchSyntaxError('a quote (") is not closed')
            words = self.text[self.i + 1:end]
            self.i = end + 1
            star = self.i < len(self.text) and self.text[self.i] == "*"
            self.i += star
            if not _WORD_CHAR.search(words):
                return None
            return _Term(words, True, column, star)
        if c == "(":
            self.i += 1
            return _Group(self.read_items(closing=True), column)
        if m := _NEAR_OPEN.match(self.text, self.i):
            self.i = m.end()
            return self._read_near(column)
        m = _FIELD.match(self.text, self.i)
        if m and column is None and (cols := _columns(m)) is not None:
            self.i = m.end()
            return self._read_unit(column=" ".join(cols))
        start = self.i
        while self.i < len(self.text) and not self.text[self.i].isspace() and self.text[self.i] not in '()"':
            self.i += 1
        word = self.text[start:self.i]
        star = word.endswith("*")
        word = word.rstrip("*")
        if not _WORD_CHAR.search(word):
            return None
        return _Term(word, False, column, star)

    def _read_near(self, column: Optional[str]) -> _Near:
        """The inside of ``NEAR(`` up to its ``)``: words and "phrases", then perhaps ``, N``."""
        phrases, distance = [], None
        while True:
            c = self._peek()
            if not c:
                raise SearchSyntaxError(f"NEAR( is not closed ({NEAR_EXAMPLE})")
            if c == ")":
                self.i += 1
                break
            if c == ",":
                self.i += 1
                self._skip_space()
                number = re.match(r"\d+", self.text[self.i:])
                if not number:
                    raise SearchSyntaxError(f"the distance after the comma in NEAR( ) must be a number of words "
                                            f"({NEAR_EXAMPLE})")
                self.i += number.end()
                distance = int(number.group())
                if self._peek() != ")":
                    raise SearchSyntaxError(f"NEAR( ) ends with its distance: a ) must follow the number "
                                            f"({NEAR_EXAMPLE})")
                continue
            field = _FIELD.match(self.text, self.i)
            if (c in "(-" or self._operator() or _NEAR_OPEN.match(self.text, self.i)
                    or (field and _columns(field) is not None)):
                raise SearchSyntaxError(f"NEAR( ) holds words and \"phrases\" only, no OR, NOT, -word, field: or "
                                        f"parentheses ({NEAR_EXAMPLE})")
            if c == '"':
                term = self._read_unit()
            else:
                start = self.i
                while self.i < len(self.text) and not self.text[self.i].isspace() and self.text[self.i] not in '(),"':
                    self.i += 1
                word = self.text[start:self.i]
                term = _Term(word.rstrip("*"), False, None, word.endswith("*")) if _WORD_CHAR.search(word) else None
            if term is not None:
                phrases.append(term)
        if len(phrases) < 2:
            raise SearchSyntaxError(f"NEAR( ) needs two or more words or \"phrases\" to find near each other "
                                    f"({NEAR_EXAMPLE})")
        return _Near(phrases, distance, column)


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _column_prefix(column: Optional[str]) -> str:
    if column is None:
        return ""
    return f"{column} : " if " " not in column else "{" + column + "} : "


class _Writer:
    def __init__(self, query: SearchQuery):
        self.q = query

    def term(self, t: _Term, top: bool, inside: str = "OR or ( )") -> Optional[str]:
        symbols = [w for w in t.text.split() if _SYMBOL_WORD.search(w)]
        for w in symbols:
            if top:
                (self.q.exclude if t.negated else self.q.require).append(Literal(w, t.column))
            else:
                letters = " ".join(re.findall(r"\w+", w))
                note = f"{w} inside {inside} was searched as \u201c{letters}\u201d (the index keeps letters and digits)"
                if note not in self.q.notes:
                    self.q.notes.append(note)
        if top and t.negated and symbols:
            return None          # "-C++": not the papers with "c" in them, only those with "C++" (the literal)
        return _column_prefix(t.column) + _quote(t.text) + ("*" if t.prefix else "")

    def unit(self, u, top: bool) -> Optional[str]:
        if isinstance(u, _Term):
            return self.term(u, top)
        if isinstance(u, _Or):
            return "(" + " OR ".join(self.unit(s, False) for s in u.sides) + ")"
        if isinstance(u, _Near):          # its words are searched as their letters, as inside OR
            distance = "" if u.distance is None else f", {u.distance}"
            phrases = " ".join(self.term(t, False, "NEAR( )") for t in u.phrases)
            return _column_prefix(u.column) + "NEAR(" + phrases + distance + ")"
        inner = self.items(u.items, top=False)
        return _column_prefix(u.column) + "(" + inner + ")"

    def items(self, items: list, top: bool) -> str:
        wanted = [s for s in (self.unit(i, top) for i in items if not i.negated) if s]
        unwanted = [s for s in (self.unit(i, top) for i in items if i.negated) if s]
        if not wanted:
            if top:
                raise SearchSyntaxError("nothing to search for" + (
                    " (a -word only leaves papers out)" if unwanted or self.q.exclude else ""))
            raise SearchSyntaxError("a parenthesis holds nothing to search for (a -word only leaves papers out)")
        expr = " AND ".join(wanted) if len(wanted) > 1 else wanted[0]
        if unwanted:
            expr = f"({expr}) NOT ({' OR '.join(unwanted)})"
        return expr


def _last_word_is_typed_prefix(items: list, text: str) -> None:
    """Search as you type: a last plain word the text ends with is a prefix, from three letters on (in
    its last part: :data:`_LAST_PART`)."""
    if not items:
        return
    last = items[-1]
    if (isinstance(last, _Term) and not last.negated and not last.phrase and not last.prefix
            and text.rstrip() == text and text.endswith(last.text) and not _SYMBOL_WORD.search(last.text)
            and (part := _LAST_PART.search(last.text)) and len(part.group()) >= PREFIX_MIN_CHARS):
        last.prefix = True


def _unmatched_parentheses(text: str) -> list[int]:
    """The positions of the parentheses in ``text`` that have no partner (outside quoted phrases): a pasted
    fragment ("llm)", "(see Table 2") holds them, and they are searched past, not refused."""
    opened, alone, quoted = [], [], False
    for i, c in enumerate(text):
        if c == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif c == "(":
            opened.append(i)
        elif c == ")":
            (opened.pop() if opened else alone.append(i))
    return sorted(alone + opened)


def parse_search(text: str) -> SearchQuery:
    """The FTS5 query, the literals to check, the papers named by id and the notes for a user's search
    ``text``."""
    stripped = (text or "").strip()
    if not stripped:
        raise SearchSyntaxError("empty search")
    try:
        words, named = take_identifiers(stripped)
    except MixedIdentifierError as exc:
        raise SearchSyntaxError(f"bad search {stripped!r}: {exc}") from None
    if named and not words.strip():
        if all(p.negated for p in named):
            raise SearchSyntaxError(f"bad search {stripped!r}: nothing to search for (a -word only leaves papers out)")
        return SearchQuery(fts="", papers=named)
    alone = _unmatched_parentheses(words)
    # "NEAR(a b" asks for a NEAR group (not a pasted fragment, searched past): say what is wrong
    if any(words[i] == "(" and re.search(r"NEAR\s*$", words[:i]) for i in alone):
        raise SearchSyntaxError(f"bad search {stripped!r}: NEAR( is not closed ({NEAR_EXAMPLE})")
    readable = "".join(" " if i in alone else c for i, c in enumerate(words)) if alone else words
    try:
        items = _Reader(readable).read_items(closing=False)
        _last_word_is_typed_prefix(items, words)     # "llm)" was not typed as a prefix: the text says where
        query = SearchQuery(fts="", papers=named)
        query.fts = _Writer(query).items(items, top=True)
        if alone:
            shown = " ".join(words[i] for i in alone)
            query.notes.append(f"the parenthesis {shown} without a partner was ignored" if len(alone) == 1 else
                               f"the parentheses {shown} without a partner were ignored")
    except SearchSyntaxError as exc:
        raise SearchSyntaxError(f"bad search {stripped!r}: {exc}") from None
    return query
