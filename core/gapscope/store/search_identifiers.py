"""The papers a search names by arXiv id or DOI, as a researcher pastes them: "2506.00475", "2506.00475v2",
"arXiv:2506.00475", "hep-th/9901001", an arxiv.org/abs/ or /pdf/ address, "10.1145/3292500.3330701",
"doi:10.1145/...", a doi.org address, or several of them in a list (spaces, lines, commas or OR between).

They are taken out of the search before its words are read (search_query.py) because the text index holds
no ids ("2506.00475" would be searched as the words "2506" and "00475"); the store finds their papers with
the resolver `gapscope papers show` uses (Library.resolve). Only a whole chunk of the search at its top
level is an id: inside quotes, parentheses or after a field name ("title:2506.00475") it stays text.
Ids listed together find any of them; words beside them must also match; -id or NOT id leaves that paper
out. A number alone ("2019") is a word, never a library id; so is a number shaped like an id that is none
(no arXiv id has month 34, as "1234.5678" would; no DOI a one-digit registrant, as "10.5/10" would).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from ..models import normalize_doi, split_arxiv_id

ARXIV = "arXiv id"
DOI = "DOI"
# a pasted list: ids joined by commas or semicolons ("2506.00475,2401.01234;10.1145/...")
_LIST_MARK = re.compile(r"[,;]")
# "arXiv: 2506.00475", "DOI: 10.1145/...": the prefix and the id as two chunks
_PREFIX_ALONE = ("arxiv:", "doi:")
# what an id is beyond its shape, so that a number shaped like one ("1234.5678", "rated 10.5/10") stays
# words: a new-style arXiv id starts with a year and month (YYMM), a DOI's registrant code has 4+ digits
_ARXIV_MONTH = re.compile(r"^\d{2}(?:0[1-9]|1[0-2])\.")
_DOI_PREFIX = re.compile(r"^10\.\d{4,}(?:\.\d+)*/")


@dataclass
class PaperIdent:
    kind: str              # ARXIV or DOI
    value: str             # "2506.00475" (no version), "10.1145/3292500.3330701" (lower case)
    negated: bool = False

    @property
    def text(self) -> str:
        """As GapScope writes it (`papers show` prints the same): "arXiv:2506.00475", "doi:10.1145/..."."""
        return f"arXiv:{self.value}" if self.kind == ARXIV else f"doi:{self.value}"


class MixedIdentifierError(ValueError):
    """An id and words on the two sides of OR (search_query.py says it as a bad search)."""


def identifier(chunk: str) -> Optional[PaperIdent]:
    """The arXiv id or DOI ``chunk`` is (the end of a sentence, a comma, a semicolon left off), else None."""
    s = chunk.strip().rstrip(".,;")
    address = re.sub(r"(?i)^(?:https?://)?(?:www\.)?", "", s)     # as copied from a browser's address bar
    if re.match(r"(?i)(?:export\.)?arxiv\.org/|(?:dx\.)?doi\.org/", address):
        s = "https://" + address
    try:
        arxiv = split_arxiv_id(s)[0]
    except ValueError:
        pass
    else:
        return PaperIdent(ARXIV, arxiv) if "/" in arxiv or _ARXIV_MONTH.match(arxiv) else None
    doi = normalize_doi(s)
    return PaperIdent(DOI, doi) if doi and _DOI_PREFIX.match(doi) else None


def _identifiers(chunk: str) -> Optional[list[PaperIdent]]:
    """The ids of one chunk: the parts of a list joined by commas or semicolons, or itself (a DOI may hold
    a semicolon: then its parts are not all ids); None when it is not ids."""
    parts = [p for p in _LIST_MARK.split(chunk) if p.strip()]
    if len(parts) > 1 and all(identifier(p) for p in parts):
        return [identifier(p) for p in parts]
    one = identifier(chunk)
    return [one] if one is not None else None


def _chunks(text: str) -> list[tuple[int, int]]:
    """(start, end) of the chunks of ``text`` between white space; a quoted phrase stays inside one."""
    out, i = [], 0
    while i < len(text):
        if text[i].isspace():
            i += 1
            continue
        start, quoted = i, False
        while i < len(text) and (quoted or not text[i].isspace()):
            quoted ^= text[i] == '"'
            i += 1
        out.append((start, i))
    return out


def take_identifiers(text: str) -> tuple[str, list[PaperIdent]]:
    """``text`` with its top-level arXiv ids and DOIs (and the OR, AND, NOT, arXiv: and doi: that went with
    them) blanked out, and those ids. Raises MixedIdentifierError for an id on one side of OR and words on
    the other: the index cannot say "this paper or those words"."""
    spans = _chunks(text)
    words = [text[s:e] for s, e in spans]
    found: dict[int, list[PaperIdent]] = {}     # chunk index (of the id itself) -> its ids
    starts: dict[int, int] = {}     # the first chunk of an id ("doi:" of "doi: 10.1145/...") -> the id's chunk
    taken: set[int] = set()
    depth, k = 0, 0
    while k < len(words):
        w = words[k]
        if depth == 0 and '"' not in w:
            negated = w.startswith("-") and len(w) > 1
            bare = w[1:] if negated else w
            ids, step = None, 1
            if bare.lower() in _PREFIX_ALONE and k + 1 < len(words):
                ids = _identifiers(bare + words[k + 1])
                step = 2 if ids else 1
            ids = ids or _identifiers(bare)
            if ids:
                for ident in ids:
                    ident.negated = negated
                found[k + step - 1] = ids
                starts[k] = k + step - 1
                taken.update(range(k, k + step))
                k += step
                continue
        unquoted = _unquoted(w)      # a DOI's parentheses were taken with it; a phrase's are words
        depth = max(0, depth + unquoted.count("(") - unquoted.count(")"))
        k += 1
    for k, w in enumerate(words):
        if k in taken or w not in ("OR", "AND", "NOT"):
            continue
        # an operator's right side is where an id starts: "NOT doi: 10.1145/..." leaves that DOI out
        left, right = k - 1 in found, k + 1 in starts
        if w == "NOT" and right:
            taken.add(k)
            for ident in found[starts[k + 1]]:
                ident.negated = True
        elif w == "AND" and (left or right):
            taken.add(k)
        elif w == "OR" and left and right:
            taken.add(k)
        elif w == "OR" and (left or right):
            raise MixedIdentifierError(
                "an arXiv id or DOI cannot be one side of OR with words: ids listed together find any of "
                "them, and words beside them narrow those papers")
    if not taken:
        return text, []
    rest = list(text)
    for k in taken:
        s, e = spans[k]
        rest[s:e] = " " * (e - s)
    return "".join(rest), [ident for k in sorted(found) for ident in found[k]]


def _unquoted(chunk: str) -> str:
    return re.sub(r'"[^"]*"?', "", chunk)
