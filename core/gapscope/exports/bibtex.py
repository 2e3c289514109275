"""BibTeX export that Zotero, BibTeX/biber and GapScope's own importer read back unchanged.

Text fields (title, abstract, authors, journal) are escaped so that they mean exactly their text:
``\\ { } & % $ # _ ~ ^`` become ``\\textbackslash{}``, ``\\textbraceleft{}``, ``\\&`` ... and a title
holding LaTeX (``$\\ell_1$``) is written as that literal text, not as math, because that is what the
library holds. Non-ASCII text is written as UTF-8. Identifier fields (doi, url, eprint) are verbatim.
The entry type, the container's field (``booktitle`` for a paper in proceedings or a chapter, else ``journal``),
volume, number, pages, publisher, isbn and issn are those the paper was imported with (bibfields.py).
The arXiv id carries its version (``eprint = {2503.11731v2}``), ``date`` the full date of first
appearance, ``keywords`` every arXiv category (``primaryClass`` the first) and then the paper's tags;
the importer reads all of them back (the categories as categories, the tags of GapScope's own export as
tags, a tag named like a category braced so that it stays a tag). The paper's notes are ``annote`` (Zotero
makes it a note, and ``keywords`` its tags).

What is not kept: control characters (U+0000..U+001F, U+007F..U+009F) are dropped and runs of
whitespace become one space, since BibTeX has no way to write them; no case protection braces are
added (Zotero keeps the case as written; a BibTeX style may lower-case words).
"""

from __future__ import annotations

import re
from typing import Callable, Iterable, Optional, Sequence

from ..bibfields import CSL_TO_BIBTEX, IN_A_BOOK, ascii_word
from ..models import EXPORT_MARK, Paper, is_arxiv_category, is_untitled
from .names import split_name

_ESCAPES = {
    "\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}",
    "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def plain(s: Optional[str]) -> str:
    """One line without control characters (what survives any bibliography format)."""
    s = _CONTROL.sub("", s or "")
    return re.sub(r"\s+", " ", s).strip()


def title_of(p: Paper) -> str:
    """The title an export writes: the paper's own, empty for one the library shows under a placeholder
    ("[untitled] ..."): that is the app's label, not the paper's title, and read back it would be taken
    for a title."""
    return "" if is_untitled(p.title) else plain(p.title)


def tex_escape(s: Optional[str], keep_math: bool = False) -> str:
    """Text as BibTeX that means exactly this text. With ``keep_math``, ``$...$`` spans with balanced
    braces are written as they are, for LaTeX to typeset (arXiv titles are written that way); such a
    span reads back through an importer as LaTeX, not as the same text."""
    text = plain(s)
    if not keep_math:
        return "".join(_ESCAPES.get(ch, ch) for ch in text)
    out, pos = [], 0
    for m in _MATH.finditer(text):
        if not _balanced(m.group()):
            continue
        out.append("".join(_ESCAPES.get(ch, ch) for ch in text[pos:m.start()]))
        out.append(m.group())
        pos = m.end()
    out.append("".join(_ESCAPES.get(ch, ch) for ch in text[pos:]))
    return "".join(out)


_MATH = re.compile(r"(?<!\\)\$[^$]+?(?<!\\)\$")


def _balanced(s: str) -> bool:
    depth = 0
    for i, ch in enumerate(s):
        if ch in "{}" and i and s[i - 1] == "\\":
            continue
        depth += 1 if ch == "{" else -1 if ch == "}" else 0
        if depth < 0:
            return False
    return depth == 0


def _verbatim(s: Optional[str]) -> str:
    # braces would end the field early; identifiers never need them
    return plain(s).replace("{", "").replace("}", "")


def _name_field(display: str) -> str:
    """'Given Family' as BibTeX 'Family, Given' (with its particles and suffix kept in the family part)."""
    name = split_name(plain(display))
    # ' and ' separates authors in BibTeX: a name that contains the word gets it braced ({a}nd).
    protect = lambda s: re.sub(r"(?<=\s)and(?=\s)", "{a}nd", tex_escape(s))  # noqa: E731
    family = " ".join(p for p in (name.family, name.suffix) if p)
    if "," in family:
        # An importer splits 'Family, Given' at the first comma; an empty family part keeps the name whole.
        return ", " + protect(plain(display))
    if not name.given:     # an organisation's name braced, or BibTeX would split it ("Organization, World Health")
        return f"{{{protect(family)}}}" if " " in family else protect(family)
    return f"{protect(family)}, {protect(name.given)}"


_STOP = {"a", "an", "the", "on", "of", "for", "in", "to", "and", "with", "towards", "toward", "via", "from", "is"}


def citation_key(p: Paper) -> str:
    family = ascii_word(split_name(plain(p.authors[0])).family) if p.authors else ""
    words = [ascii_word(w) for w in re.findall(r"[^\W_]+", title_of(p))]
    word = next((w for w in words if w and w not in _STOP), "")
    key = f"{family or 'anon'}{p.year or ''}{word[:20]}"
    return key or f"paper{p.id}"


def unique_keys(papers: Iterable[Paper]) -> list[str]:
    """Citation keys, made unique with a, b, c ... suffixes in order of appearance."""
    seen: dict[str, int] = {}
    out = []
    taken: set[str] = set()
    for p in papers:
        base = citation_key(p)
        key = base
        n = seen.get(base, 0)
        while key in taken:
            n += 1
            key = base + _suffix(n)
        seen[base] = n
        taken.add(key)
        out.append(key)
    return out


def _suffix(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(97 + r) + s
    return s


def tag_keyword(tag: str) -> str:
    """A tag as one keyword: Zotero splits ``keywords`` at commas and semicolons, so a tag keeps none; escaped
    as the other text fields are, so that it reads back as written ("R&D", "$x$", a backslash). A tag named
    like an arXiv category ("cs.LG") is braced: BibTeX and Zotero drop the braces, GapScope's import reads
    a braced keyword as a tag, never as one of the categories written before it."""
    keyword = tex_escape(re.sub(r"\s*[,;]\s*", " / ", plain(tag)))
    return f"{{{keyword}}}" if is_arxiv_category(keyword) else keyword


def entry(p: Paper, key: str, keep_math: bool = False, tags: Sequence[str] = (), notes: Sequence[str] = ()) -> str:
    """One BibTeX entry; ``tags`` join the categories in ``keywords``, ``notes`` (their text) are ``annote``."""
    fields: list[tuple[str, str]] = [("title", tex_escape(title_of(p), keep_math))]
    if p.authors:
        fields.append(("author", " and ".join(_name_field(a) for a in p.authors if plain(a))))
    if p.year:
        fields.append(("year", str(p.year)))
    if p.published and re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", p.published):
        fields.append(("date", p.published))
    kind = p.biblio.get("type")
    if p.venue:
        fields.append(("booktitle" if kind in IN_A_BOOK else "journal", tex_escape(p.venue)))
    fields += biblio_fields(p.biblio)
    if p.doi:
        fields.append(("doi", _verbatim(p.doi)))
    if p.pmid:
        fields.append(("pmid", _verbatim(p.pmid)))
    if p.arxiv_id:
        fields += [("eprint", _verbatim(p.arxiv_id_versioned)), ("archivePrefix", "arXiv")]
        if p.primary_category:
            fields.append(("primaryClass", _verbatim(p.primary_category)))
    # every category, primary first, then the tags: GapScope reads the categories back as categories (they
    # look like cs.CV) and the rest of its own export's keywords as tags; Zotero makes them all tags
    keywords = [_verbatim(c) for c in p.categories] + [k for k in map(tag_keyword, tags) if k]
    if keywords:
        fields.append(("keywords", ", ".join(keywords)))
    url = p.url or (f"https://arxiv.org/abs/{p.arxiv_id}" if p.arxiv_id else None)
    if url:
        fields.append(("url", _verbatim(url)))
    if p.abstract:
        fields.append(("abstract", tex_escape(p.abstract, keep_math)))
    notes = [tex_escape(n) for n in notes if plain(n)]
    if notes:     # one paragraph a note
        fields.append(("annote", "\n\n".join(notes)))
    entry_type = CSL_TO_BIBTEX.get(kind or "") or ("article" if p.venue else "misc")
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@{entry_type}{{{key},\n{body}\n}}\n"


def biblio_fields(biblio: dict[str, str]) -> list[tuple[str, str]]:
    """The volume, number, pages, publisher (a report's institution, a thesis's school), ISBN and ISSN
    of a paper as BibTeX fields."""
    kind = biblio.get("type")
    publisher = {"report": "institution", "thesis": "school"}.get(kind or "", "publisher")
    names = (("volume", "volume"), ("issue", "number"), ("page", "pages"), ("publisher", publisher),
             ("ISBN", "isbn"), ("ISSN", "issn"))
    out = [(field, tex_escape(biblio[key])) for key, field in names if biblio.get(key)]
    return [(f, v.replace("-", "--") if f == "pages" else v) for f, v in out]


EXPORT_COMMENT = f"@comment{{{EXPORT_MARK} export}}\n"  # read back: see models.EXPORT_MARK


def to_bibtex(papers: list[Paper], keep_math: bool = False, *, tags_of: Optional[Callable[[int], list[str]]] = None,
              notes_of: Optional[Callable[[int], list[str]]] = None) -> str:
    """The papers as BibTeX; with ``tags_of`` / ``notes_of`` (paper id -> its tags / its notes' text)
    each entry carries them."""
    keys = unique_keys(papers)
    return EXPORT_COMMENT + "\n".join(
        entry(p, k, keep_math, tags_of(p.id) if tags_of and p.id else (), notes_of(p.id) if notes_of and p.id else ())
        for p, k in zip(papers, keys))
