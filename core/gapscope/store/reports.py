"""The counts and rows a gap report reads, over the whole library or one collection."""

from __future__ import annotations

from typing import Any, Optional

from ..models import OWN_EXPORT_SOURCE
from .imports import own_export_only_sql


def in_scope_sql(collection: Optional[str], column: str = "id") -> tuple[str, list[Any]]:
    """A WHERE condition keeping ``column`` (a paper id) inside ``collection`` (everything when None)."""
    if collection is None:
        return "1", []
    return (f"{column} IN (SELECT cp.paper_id FROM collection_papers cp JOIN collections c"
            f" ON c.id = cp.collection_id WHERE c.name = ?)"), [collection]


_IMPORT_COLS = ["id", "kind", "source", "target", "started_at", "finished_at", "status", "read", "added", "merged",
                "unchanged", "error_count", "message"]


class ReportsMixin:
    def corpus_counts(self, collection: Optional[str] = None) -> dict[str, Any]:
        """papers, with_abstract, arxiv, doi, first_published, last_published, years {year: n} and
        categories {primary category: n} (the 12 largest)."""
        where, args = in_scope_sql(collection)
        q = lambda sql: self._conn.execute(sql.format(w=where), args).fetchone()[0]  # noqa: E731
        return dict(
            papers=q("SELECT count(*) FROM papers WHERE {w}"),
            with_abstract=q("SELECT count(*) FROM papers WHERE {w} AND abstract != ''"),
            arxiv=q("SELECT count(*) FROM papers WHERE {w} AND arxiv_id IS NOT NULL"),
            doi=q("SELECT count(*) FROM papers WHERE {w} AND doi IS NOT NULL"),
            first_published=q("SELECT min(published) FROM papers WHERE {w}"),
            last_published=q("SELECT max(published) FROM papers WHERE {w}"),
            years={str(y): n for y, n in self._conn.execute(
                f"SELECT year, count(*) FROM papers WHERE {where} AND year IS NOT NULL GROUP BY year ORDER BY year",
                args)},
            categories={c: n for c, n in self._conn.execute(
                f"SELECT primary_category, count(*) AS n FROM papers WHERE {where} AND primary_category IS NOT NULL"
                " GROUP BY primary_category ORDER BY n DESC, primary_category LIMIT 12", args)},
        )

    def import_rows(self, collection: Optional[str] = None) -> list[dict[str, Any]]:
        """Every import and collect in the log, oldest first (errors: how many); with ``collection``,
        those that brought at least one of its papers."""
        imp_where, imp_args = "1", []
        if collection is not None:
            imp_where = ("id IN (SELECT sr.import_id FROM source_records sr WHERE " +
                         in_scope_sql(collection, "sr.paper_id")[0] + ")")
            imp_args = [collection]
        out = []
        for row in self._conn.execute(f"SELECT {', '.join(_IMPORT_COLS)} FROM imports WHERE {imp_where} ORDER BY id",
                                      imp_args):
            d = dict(zip(_IMPORT_COLS, row))
            d["errors"] = d.pop("error_count")   # every bad record, beyond the 1,000 the log keeps
            out.append(d)
        return out

    def count_source_records(self, collection: Optional[str] = None) -> int:
        """Source records of the papers in scope; those read back from GapScope's own exports count
        only for a paper that has no other record (one for it)."""
        where, args = in_scope_sql(collection, "paper_id")
        return self._conn.execute(
            f"SELECT (SELECT count(*) FROM source_records WHERE {where} AND source != ?) + ({own_export_only_sql(where)})",
            [*args, OWN_EXPORT_SOURCE, *args, OWN_EXPORT_SOURCE, OWN_EXPORT_SOURCE]).fetchone()[0]

    def report_run_rows(self, collection: Optional[str] = None) -> list[tuple]:
        """(id, name, status, gap_id, metrics JSON, created_at, finished_at, folder, spec) of every run,
        oldest first; with ``collection``, the runs linked to at least one of its papers."""
        where, args = "1", []
        if collection is not None:
            where, args = ("id IN (SELECT rp.run_id FROM run_papers rp WHERE " +
                           in_scope_sql(collection, "rp.paper_id")[0] + ")"), [collection]
        rows = self._conn.execute(
            f"SELECT id, name, status, gap_id, metrics, created_at, finished_at, folder, spec FROM runs WHERE {where}"
            " ORDER BY created_at, id", args).fetchall()
        return [(*r[:7], self.resolved_path(r[7]), r[8]) for r in rows]     # folders where the library is now

    def note_rows(self, collection: Optional[str] = None, limit: int = 500) -> list[tuple[int, str, str]]:
        """(paper_id, body, updated_at) of the notes, by paper."""
        where, args = in_scope_sql(collection, "n.paper_id")
        return self._conn.execute(
            f"SELECT n.paper_id, n.body, n.updated_at FROM notes n WHERE {where} ORDER BY n.paper_id, n.id LIMIT ?",
            args + [limit]).fetchall()

    def highlight_rows(self, collection: Optional[str] = None,
                       limit: int = 500) -> list[tuple[int, int, int, str, str, str]]:
        """(paper_id, start, end, color, comment, the paper's abstract) of the highlights, by paper."""
        where, args = in_scope_sql(collection, "h.paper_id")
        return self._conn.execute(
            f"SELECT h.paper_id, h.start, h.end, h.color, h.comment, p.abstract FROM highlights h"
            f" JOIN papers p ON p.id = h.paper_id WHERE {where} ORDER BY h.paper_id, h.start LIMIT ?",
            args + [limit]).fetchall()

    def pdf_highlight_rows(self, collection: Optional[str] = None,
                           limit: int = 500) -> list[tuple[int, int, str, str, str, str, int]]:
        """(paper_id, page (1-based), text, color, comment, the PDF's original name, how many PDFs the paper
        has) of the highlights made in attached PDFs (the Reader's), by paper and page."""
        where, args = in_scope_sql(collection, "h.paper_id")
        return self._conn.execute(
            "SELECT h.paper_id, h.page, h.text, h.color, h.comment, a.original_name,"
            " (SELECT COUNT(*) FROM attachments b WHERE b.paper_id = h.paper_id)"
            f" FROM pdf_highlights h JOIN attachments a ON a.id = h.attachment_id WHERE {where}"
            f" ORDER BY h.paper_id, h.page, h.id LIMIT ?", args + [limit]).fetchall()
