"""Search over the user's own words: notes and highlight comments (migration 1500_annotation_search keeps
their index, annotations_fts, in step by triggers)."""

from __future__ import annotations

import sqlite3
from typing import Any

from .base import chunks
from .papers import literal_conditions, names_paper_column, search_error
from .search_query import parse_search

# the index's rowid is 3 * id + kind: which table the row is in, and the words a hit says it was found in
_KINDS = ("note", "highlight", "pdf_highlight")
_SOURCES = {
    "note": "SELECT id, paper_id, body, NULL FROM notes",
    "highlight": "SELECT id, paper_id, comment, NULL FROM highlights",
    "pdf_highlight": "SELECT id, paper_id, comment, page FROM pdf_highlights",
}


def annotation_where(hit: dict[str, Any]) -> str:
    """What a note or highlight comment hit is: "note #5", "highlight #3", "PDF highlight #2, p. 4"."""
    if hit["kind"] == "note":
        return f"note #{hit['id']}"
    if hit["kind"] == "highlight":
        return f"highlight #{hit['id']}"
    return f"PDF highlight #{hit['id']}, p. {hit['page']}"


class AnnotationSearchMixin:
    def search_annotations(self, query: str, limit: int = 50) -> list[dict[str, Any]]:
        """The notes and highlight comments matching a search, best first: kind (note | highlight |
        pdf_highlight), id (of the note or highlight), paper_id, text, page (a PDF highlight's) and rank. A
        search naming a paper's column ("ti:covid") asks about papers only: no note is one of them."""
        q = parse_search(query)
        if names_paper_column(q) or not q.fts:      # no words: arXiv ids or DOIs alone ask about papers
            return []
        # "C++" is indexed as "c": the note must also hold it as typed, as for titles and abstracts
        more, more_args = literal_conditions(q, alias="annotations_fts.", columns=("text",))
        try:
            rows = self._conn.execute(
                "SELECT rowid, bm25(annotations_fts) AS rank FROM annotations_fts WHERE annotations_fts MATCH ?"
                + "".join(f" AND {w}" for w in more) + " ORDER BY rank LIMIT ?",
                (q.fts, *more_args, -1 if q.papers else limit)).fetchall()   # the papers named: filtered below
        except sqlite3.OperationalError as exc:
            raise search_error(query, exc)
        wanted: dict[str, dict[int, float]] = {}
        for rowid, rank in rows:
            wanted.setdefault(_KINDS[rowid % 3], {})[rowid // 3] = rank
        found = []
        for kind, ranks in wanted.items():
            # in parts: an SQLite built with the old default takes at most 999 variables a statement
            for part in chunks(list(ranks)):
                for i, paper_id, text, page in self._conn.execute(
                        _SOURCES[kind] + f" WHERE id IN ({', '.join('?' * len(part))})", part):
                    found.append(dict(kind=kind, id=i, paper_id=paper_id, text=text, page=page, rank=ranks[i]))
        found.sort(key=lambda f: (f["rank"], f["paper_id"], f["id"]))
        if q.papers:            # "2506.00475 pooling": that paper's notes only
            named, left_out, _missing = self.named_papers(q)
            only_named = any(not p.negated for p in q.papers)
            found = [f for f in found if f["paper_id"] not in left_out
                     and (f["paper_id"] in named or not only_named)][:limit]
        return found
