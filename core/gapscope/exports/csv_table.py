"""CSV export: one row per paper, for a spreadsheet or another screening tool. GapScope's CSV import
reads every column back (title, authors (each name exactly), year, published, doi, pmid, arxiv_id with its
version, venue, the kind (a CSL type), volume, issue, pages, publisher, isbn, issn, url, categories, abstract)
and, from GapScope's own export, the tags (a column of their own,
so that a tag named like a category, "cs.LG", stays a tag). The ``source`` column marks the rows as
GapScope's export (models.EXPORT_MARK), so that a re-import counts them as the library's own papers, not as
a new search (docs/triage.md, "PRISMA"). A cell that would open as a formula in a spreadsheet is guarded,
and the import takes the guard away again (csvcells)."""

from __future__ import annotations

import csv
import io
from typing import Callable, Optional

from ..bibfields import BIBLIO_KEYS
from ..csvcells import guarded_row, join_authors, join_tags
from ..models import EXPORT_MARK, Paper
from .bibtex import plain, title_of

COLUMNS = ("id", "title", "authors", "year", "published", "doi", "pmid", "arxiv_id", "venue", "type", "volume", "issue",
           "pages", "publisher", "isbn", "issn", "url", "categories", "tags", "abstract", "source")


def row(p: Paper, tags: list[str]) -> list[str]:
    # "; " between names, a ";" or a backslash inside one escaped (as in tags): every name comes back whole
    authors = join_authors(plain(a) for a in p.authors if plain(a))
    return guarded_row([str(p.id or ""), title_of(p), authors, str(p.year or ""), p.published or "", p.doi or "",
                        p.pmid or "", p.arxiv_id_versioned or "", plain(p.venue),
                        *(plain(p.biblio.get(k)) for k in BIBLIO_KEYS), p.url or "", " ".join(p.categories),
                        join_tags(tags), plain(p.abstract), EXPORT_MARK])


def to_csv(papers: list[Paper], tags_of: Optional[Callable[[int], list[str]]] = None) -> str:
    """The table of ``papers``; without ``tags_of`` (`--no-tags-notes`) the tags column is left out,
    not written empty, so that the table says nothing about tags (a re-import then leaves them alone)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    tags_at = COLUMNS.index("tags")
    writer.writerow(COLUMNS if tags_of else COLUMNS[:tags_at] + COLUMNS[tags_at + 1:])
    for p in papers:
        cells = row(p, tags_of(p.id) if p.id else []) if tags_of else row(p, [])
        writer.writerow(cells if tags_of else cells[:tags_at] + cells[tags_at + 1:])
    return out.getvalue()
