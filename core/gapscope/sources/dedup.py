"""Deciding whether two records are the same paper: arXiv id (any version), DOI, or a title that is
the same or nearly the same (a preprint and its published version), guarded by author and year; a
record without title or identifier (imported under a placeholder title) by the same abstract, guarded
the same way, so that its export read back is the paper it came from."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable, Optional

from ..models import Paper, is_untitled

_LATEX_CMD = re.compile(r"\\[a-zA-Z]+\*?")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
FUZZY_MIN_RATIO = 93.0  # rapidfuzz ratio (0..100) of normalized titles that counts as the same title
FUZZY_MIN_LENGTH = 25  # shorter titles ("Introduction") must match exactly and agree on authors


def normalize_title(title: str) -> str:
    """Lower case ASCII words: LaTeX commands, braces, math dollars, accents and punctuation removed."""
    t = _LATEX_CMD.sub(" ", title or "") if "\\" in (title or "") else (title or "")
    if not t.isascii():
        t = unicodedata.normalize("NFKD", t)
        t = "".join(c for c in t if not unicodedata.combining(c))
    return _NON_ALNUM.sub(" ", t.lower()).strip()


_NUMBERED = frozenset({"part", "vol", "volume", "book", "chapter", "section", "phase", "stage", "study", "paper",
                       "experiment", "trial", "series", "no", "number", "edition", "round", "episode", "level",
                       "task", "track", "step", "wave", "cohort", "generation", "version"})
_ROMAN = re.compile(r"^(?=[ivxlc]+$)c{0,3}(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")


def distinguishing_marks(norm_title: str) -> tuple[str, ...]:
    """What tells apart two papers whose titles differ in little else: every number (a year, a task
    number: SemEval-2023 vs SemEval-2024) and a part or volume marker (Part I vs Part II, including
    a roman numeral or a single letter after such a word, or ending the title). A fuzzy title match
    must agree on these."""
    words = norm_title.split()
    marks = []
    for i, w in enumerate(words):
        if w.isdigit():
            marks.append(str(int(w)) if len(w) < 6 else w)
        elif (i and words[i - 1] in _NUMBERED and (_ROMAN.match(w) or len(w) == 1)) or \
                (i == len(words) - 1 and i and len(w) <= 4 and _ROMAN.match(w)):
            marks.append(w)
    return tuple(marks)


def first_author_key(authors: list[str]) -> Optional[str]:
    """The first author's surname, normalized ("Smith, J." and "John Smith" give "smith")."""
    if not authors:
        return None
    a = authors[0].strip()
    surname = a.split(",")[0] if "," in a else (a.split()[-1] if a.split() else "")
    key = normalize_title(surname)
    return key or None


_NON_WORD = re.compile(r"[\W_]+")


def abstract_key(abstract: Optional[str]) -> str:
    """An abstract as the words a re-read leaves it (an export and its import may change case, spacing,
    punctuation, markup and LaTeX escapes): the key of a paper without a title ("" for no abstract).
    Unlike normalize_title it keeps letters of every script: an ASCII-only key of a Russian or Chinese
    abstract is its numbers alone, which two different papers may share."""
    t = _LATEX_CMD.sub(" ", abstract or "")
    t = "".join(c for c in unicodedata.normalize("NFKD", t) if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", t.casefold()).strip()


def _untitled(paper: Paper) -> bool:
    """A record with no title of its own (none, or the placeholder an import gave it). A real title that
    normalize_title leaves empty (Chinese, Greek, Cyrillic) is a title: such papers are not matched by their
    abstract, which two different papers of one import may share ("An abstract.")."""
    return not (paper.title or "").strip() or is_untitled(paper.title)


@dataclass
class _Known:
    arxiv_id: Optional[str]
    doi: Optional[str]
    year: Optional[int]
    author: Optional[str]
    norm_title: str
    pmid: Optional[str] = None


# DOI prefixes of preprint servers: a preprint and its published version have different DOIs but
# are one paper (bioRxiv/medRxiv, arXiv, Research Square, Preprints.org, OSF, SSRN, TechRxiv, ChemRxiv).
PREPRINT_DOI_PREFIXES = ("10.1101/", "10.48550/", "10.21203/", "10.20944/", "10.31219/", "10.31234/",
                         "10.31235/", "10.2139/", "10.36227/", "10.26434/")


def is_preprint_doi(doi: Optional[str]) -> bool:
    return bool(doi) and doi.startswith(PREPRINT_DOI_PREFIXES)


def _blocks(norm_title: str) -> list[str]:
    """Candidate keys for fuzzy matching: the first and the last three words, each cut to five
    letters, so that plurals and British/American spellings still land in the same block."""
    words = [w[:5] for w in norm_title.split()]
    if len(words) < 3:
        return [" ".join(words)]
    return ["h:" + " ".join(words[:3]), "t:" + " ".join(words[-3:])]


class DedupIndex:
    """An in-memory index of the papers in a library, to match incoming records in O(1) per record
    (exact keys) plus a fuzzy title comparison against the few papers sharing a title block."""

    def __init__(self) -> None:
        self.by_arxiv: dict[str, int] = {}
        self.by_doi: dict[str, int] = {}
        self.by_pmid: dict[str, int] = {}
        self.by_title: dict[str, list[int]] = {}
        # papers under a placeholder title ("[untitled] ..."), by abstract_key: no title to match them by
        self.by_abstract: dict[str, list[int]] = {}
        self.by_block: dict[str, list[int]] = {}
        # The same blocks holding only papers without an arXiv id: a record with an arXiv id that
        # by_arxiv did not match can only be the same paper as one of these (two different arXiv
        # ids are two papers), so an arXiv import compares titles against these alone.
        self.by_block_no_arxiv: dict[str, list[int]] = {}
        self.known: dict[int, _Known] = {}
        # why match() matched, as the import's merge list says it: "same arXiv id", "same DOI", "same title",
        # "similar title (ratio 95) and same first author"
        self.last_reason = ""

    @classmethod
    def from_rows(cls, rows: Iterable[tuple]) -> "DedupIndex":
        """rows: (id, arxiv_id, doi, year, first_author_key, norm_title[, pmid])."""
        index = cls()
        for pid, arxiv_id, doi, year, author, norm, *pmid in rows:
            index._add(pid, _Known(arxiv_id, doi, year, author, norm, pmid[0] if pmid else None))
        return index

    def from_row(self, pid: int, arxiv_id: Optional[str], doi: Optional[str], year: Optional[int],
                 author: Optional[str], norm_title: str, pmid: Optional[str] = None) -> None:
        self._add(pid, _Known(arxiv_id, doi, year, author, norm_title, pmid))

    def add(self, pid: int, paper: Paper, norm_title: str, author: Optional[str] = None) -> None:
        author = author if author is not None else first_author_key(paper.authors)
        self._add(pid, _Known(paper.arxiv_id, paper.doi, paper.year, author, norm_title, paper.pmid))
        if _untitled(paper):
            self.add_untitled(pid, paper.abstract)

    def add_untitled(self, pid: int, abstract: Optional[str]) -> None:
        """A paper of the index that has no title to match by: its abstract stands in for it."""
        key = abstract_key(abstract)
        if key and pid not in self.by_abstract.get(key, ()):
            self.by_abstract.setdefault(key, []).append(pid)

    def update_ids(self, pid: int, arxiv_id: Optional[str], doi: Optional[str], pmid: Optional[str] = None) -> None:
        k = self.known[pid]
        if pmid and not k.pmid:
            k.pmid = pmid
            self.by_pmid.setdefault(pmid, pid)
        if arxiv_id and not k.arxiv_id:
            k.arxiv_id = arxiv_id
            self.by_arxiv[arxiv_id] = pid
            if k.norm_title:
                for b in _blocks(k.norm_title):
                    self.by_block_no_arxiv[b].remove(pid)
        if doi and doi != k.doi:
            k.doi = doi
            self.by_doi[doi] = pid  # the old (preprint) DOI keeps pointing here too

    def update_title(self, pid: int, norm_title: str) -> None:
        """A paper that had no title to compare (a placeholder) got one: later records may match it by title."""
        k = self.known[pid]
        if k.norm_title or not norm_title:
            return
        k.norm_title = norm_title
        self.by_title.setdefault(norm_title, []).append(pid)
        for b in _blocks(norm_title):
            self.by_block.setdefault(b, []).append(pid)
            if not k.arxiv_id:
                self.by_block_no_arxiv.setdefault(b, []).append(pid)

    def _add(self, pid: int, k: _Known) -> None:
        self.known[pid] = k
        if k.arxiv_id:
            self.by_arxiv[k.arxiv_id] = pid
        if k.doi:
            self.by_doi[k.doi] = pid
        if k.pmid:
            self.by_pmid.setdefault(k.pmid, pid)   # the first paper with it: the one a merge fills
        if k.norm_title:
            self.by_title.setdefault(k.norm_title, []).append(pid)
            for b in _blocks(k.norm_title):
                self.by_block.setdefault(b, []).append(pid)
                if not k.arxiv_id:
                    self.by_block_no_arxiv.setdefault(b, []).append(pid)

    def match(self, paper: Paper, norm_title: str, author: Optional[str] = None) -> Optional[int]:
        """The library id of the paper this record describes, or None when it is new.
        ``author``: the record's first_author_key when the caller has it already."""
        if paper.arxiv_id and paper.arxiv_id in self.by_arxiv:
            self.last_reason = "same arXiv id"
            return self.by_arxiv[paper.arxiv_id]
        if paper.doi and paper.doi in self.by_doi:
            self.last_reason = "same DOI"
            return self.by_doi[paper.doi]
        if paper.pmid and paper.pmid in self.by_pmid:
            # a PubMed record without a title carries nothing else to match by
            self.last_reason = "same PMID"
            return self.by_pmid[paper.pmid]
        if author is None:
            author = first_author_key(paper.authors)
        if _untitled(paper):
            # an untitled record (its title a placeholder): the same abstract, author and year are the
            # same paper (an export of it read back); another abstract is another paper, and so is another
            # PMID (a duplicate publication's abstract is the same: it is all there is to compare)
            for pid in self.by_abstract.get(abstract_key(paper.abstract), ()) if paper.abstract else ():
                k = self.known[pid]
                if self._compatible(k, paper, author, exact=True) and not (k.pmid and paper.pmid
                                                                         and k.pmid != paper.pmid):
                    self.last_reason = "no title; same abstract"
                    return pid
            return None
        for pid in self.by_title.get(norm_title, ()):
            if self._compatible(self.known[pid], paper, author, exact=True):
                self.last_reason = "same title"
                return pid
        if len(norm_title) < FUZZY_MIN_LENGTH:
            return None
        from rapidfuzz import fuzz

        seen: set[int] = set()
        best, best_score = None, FUZZY_MIN_RATIO
        blocks = self.by_block_no_arxiv if paper.arxiv_id else self.by_block
        for b in _blocks(norm_title):
            for pid in blocks.get(b, ()):
                if pid in seen:
                    continue
                seen.add(pid)
                k = self.known[pid]
                score = fuzz.ratio(norm_title, k.norm_title, score_cutoff=best_score)
                if (score >= best_score and self._compatible(k, paper, author, exact=False)
                        and distinguishing_marks(norm_title) == distinguishing_marks(k.norm_title)):
                    best, best_score = pid, score
        if best is not None:
            self.last_reason = f"similar title (ratio {best_score:.0f}) and same first author"
        return best

    @staticmethod
    def _compatible(k: _Known, paper: Paper, author: Optional[str], exact: bool) -> bool:
        # Two different arXiv ids or two different DOIs are two papers, whatever their titles say.
        if k.arxiv_id and paper.arxiv_id and k.arxiv_id != paper.arxiv_id:
            return False
        if k.doi and paper.doi and k.doi != paper.doi and not (is_preprint_doi(k.doi) or is_preprint_doi(paper.doi)):
            return False
        if k.author and author and k.author != author:
            return False
        if k.year and paper.year and abs(k.year - paper.year) > 2:
            return False
        if not exact and not (k.author and author):
            return False  # a fuzzy title alone is not enough; it needs the same first author
        return True
