"""RIS export (Zotero, EndNote, Mendeley). One value per line: control characters are dropped and
runs of whitespace become one space, as RIS has no way to write a line break inside a field.
GapScope's importer reads back the full date (DA), the arXiv id with its version (N1 ``arXiv:...``),
the PubMed id (AN), the categories (KW) and the paper's URL (the first UR). The paper's tags follow the
categories as KW lines after the DB line (Zotero's tags; GapScope reads the KW lines after the DB line of
its own export back as tags, even one named like a category, and the ones before it as categories), and
each of its notes is an N1 line after the arXiv one (Zotero's notes)."""

from __future__ import annotations

import re
from typing import Callable, Optional, Sequence

from ..bibfields import CSL_TO_RIS
from ..models import EXPORT_MARK, Paper
from .bibtex import plain, title_of
from .names import split_name


def _name(display: str) -> str:
    name = split_name(plain(display))
    family = " ".join(p for p in (name.family, name.suffix) if p)
    if "," in family:
        return ", " + plain(display)  # importers split at the first comma: keep the whole name after it
    return f"{family}, {name.given}" if name.given else family


def biblio_lines(biblio: dict[str, str]) -> list[tuple[str, str]]:
    """Volume, issue, pages (start and end), publisher, ISBN and ISSN as RIS lines (SN holds either)."""
    start, _, end = biblio.get("page", "").partition("-")
    lines = [("VL", biblio.get("volume", "")), ("IS", biblio.get("issue", "")), ("SP", start), ("EP", end),
             ("PB", biblio.get("publisher", "")), ("SN", biblio.get("ISBN", "")), ("SN", biblio.get("ISSN", ""))]
    return [(tag, plain(value)) for tag, value in lines if plain(value)]


def record(p: Paper, tags: Sequence[str] = (), notes: Sequence[str] = ()) -> str:
    kind = CSL_TO_RIS.get(p.biblio.get("type", "")) or ("JOUR" if p.venue else "GEN")
    lines = [("TY", kind)] + ([("TI", title_of(p))] if title_of(p) else [])
    lines += [("AU", _name(a)) for a in p.authors if plain(a)]
    if p.year:
        lines.append(("PY", str(p.year)))
    if p.published and re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", p.published):
        lines.append(("DA", p.published.replace("-", "/")))
    if p.venue:      # a journal's name is JO; a book's or proceedings' title (and any other container) T2
        lines.append(("JO" if kind == "JOUR" else "T2", plain(p.venue)))
    lines += biblio_lines(p.biblio)
    if p.doi:
        lines.append(("DO", plain(p.doi)))
    if p.pmid:  # the accession number, as PubMed's own RIS has it: a paper known by its PMID alone matches by it
        lines.append(("AN", p.pmid))
    # The paper's own URL first (the importer keeps the first UR), then its arXiv page.
    urls = [plain(p.url)] if p.url else []
    if p.arxiv_id and f"https://arxiv.org/abs/{p.arxiv_id}" not in urls:
        urls.append(f"https://arxiv.org/abs/{p.arxiv_id}")
    if not urls and p.doi:
        urls.append(f"https://doi.org/{plain(p.doi)}")
    lines += [("UR", u) for u in urls]
    if p.arxiv_id:  # with its version: the importer reads the id back from here
        lines.append(("N1", f"arXiv:{p.arxiv_id_versioned}" + (f" [{p.primary_category}]" if p.primary_category else "")))
    lines += [("N1", plain(n)) for n in notes if plain(n)]
    lines += [("KW", c) for c in p.categories]  # read back as categories (they look like cs.CV)
    lines.append(("DB", EXPORT_MARK))  # where the record comes from (see models.EXPORT_MARK)
    # after the mark: read back as tags, even one named like a category ("cs.LG"); Zotero reads KW anywhere
    lines += [("KW", plain(t)) for t in tags if plain(t)]
    if p.abstract:
        lines.append(("AB", plain(p.abstract)))
    lines.append(("ER", ""))
    return "\n".join(f"{tag}  - {value}".rstrip() if tag == "ER" else f"{tag}  - {value}" for tag, value in lines) + "\n"


def to_ris(papers: list[Paper], *, tags_of: Optional[Callable[[int], list[str]]] = None,
           notes_of: Optional[Callable[[int], list[str]]] = None) -> str:
    """The papers as RIS; with ``tags_of`` / ``notes_of`` (paper id -> its tags / its notes' text) each
    record carries them."""
    return "\n".join(record(p, tags_of(p.id) if tags_of and p.id else (), notes_of(p.id) if notes_of and p.id else ())
                     for p in papers)
