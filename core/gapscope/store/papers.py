"""Papers: reading them one by one, in lists, by full-text search; their sources and versions; the overview."""

from __future__ import annotations

import json
import re
import sqlite3
from typing import Any, Iterable, Optional, Sequence

from ..bibfields import biblio_from_json
from ..csvcells import split_authors
from ..models import Paper
from ..textfmt import title_sort_key
from .base import LibraryError, chunks
from .search_identifiers import PaperIdent
from .search_query import SearchQuery, SearchSyntaxError, parse_search


# settings key: the highest paper id ever deleted (SQLite would otherwise give the top id to the next paper)
HIGHEST_DELETED_ID = "papers.highest_deleted_id"

_PAPER_COLUMNS = (
    "id, title, abstract, abstract_truncated, authors, year, published, updated, arxiv_id, "
    "arxiv_version, doi, primary_category, categories, venue, url, pmid, biblio"
)


def row_to_paper(row: sqlite3.Row | tuple) -> Paper:
    (pid, title, abstract, trunc, authors, year, published, updated, arxiv_id, arxiv_version, doi,
     _primary, categories, venue, url, pmid, biblio) = tuple(row)
    return Paper(
        id=pid, title=title, abstract=abstract, abstract_truncated=bool(trunc),
        authors=split_authors(authors), year=year, published=published,
        updated=updated, arxiv_id=arxiv_id, arxiv_version=arxiv_version, doi=doi,
        categories=categories.split() if categories else [], venue=venue, url=url, pmid=pmid,
        biblio=biblio_from_json(biblio),
    )


def fts_query(text: str) -> str:
    """The FTS5 MATCH expression for a user's search (search_query.py reads it); raises LibraryError
    saying what is wrong with one it cannot read."""
    return parse_search(text).fts


# FTS5's own complaints: a query the translator let through that FTS5 still refuses is the user's
# search gone wrong (said in their terms), not a fault of the library
_FTS_COMPLAINT = re.compile(r"fts5|syntax error|no such column|unterminated|unknown special query", re.IGNORECASE)


def search_error(query: str, exc: sqlite3.OperationalError) -> Exception:
    """What to raise when FTS5 refused a search: a LibraryError naming the search, not SQLite's words;
    any other failure (locked, disk) stays itself."""
    if not _FTS_COMPLAINT.search(str(exc)):
        return exc
    err = SearchSyntaxError(f"bad search {query!r}: GapScope could not read it as a search; write words, "
                            '"exact phrases", OR, -word, title: or au:')
    err.__cause__ = exc
    return err


# a column of the papers' search index named in an FTS5 query: "title:", "{title abstract} :"
_PAPER_COLUMN = re.compile(r'\b(?:title|abstract|authors)\s*:|\{[^}"]*\}\s*:')


def names_paper_column(q: SearchQuery) -> bool:
    """Whether the search asks about a paper's title, abstract or authors only ("ti:covid"): no sentence
    of a PDF and no note is one of them."""
    return bool(_PAPER_COLUMN.search(re.sub(r'"[^"]*"', '""', q.fts)))      # a phrase's words name no column


def literal_conditions(q: SearchQuery, alias: str = "",
                       columns: Sequence[str] = ("title", "abstract", "authors")) -> tuple[list[str], list[str]]:
    """SQL conditions (and their arguments) on the papers table (or, with ``columns``, another table's
    text: a PDF's sentences) for the words the index cannot tell
    from their letters ("C++" is indexed as "c"): each required one must appear, each left-out one not.
    Smart case, as in ripgrep: typed with a capital (".NET") the case must match, so the ".net" of a
    project page's address is not a hit; typed in lower case (".net") any case is."""
    where, args = [], []
    for lit, negated in [(x, False) for x in q.require] + [(x, True) for x in q.exclude]:
        cols = lit.column.split() if lit.column else list(columns)
        text = " || char(10) || ".join(f"coalesce({alias}{c}, '')" for c in cols)
        exact = lit.text != lit.text.lower()
        where.append(f"instr({text if exact else f'lower({text})'}, ?) {'=' if negated else '>'} 0")
        args.append(lit.text if exact else lit.text.lower())
    return where, args


class PapersMixin:
    """Reads of papers (the importers in ingest and collect write them)."""

    def count_papers(self) -> int:
        return self._conn.execute("SELECT count(*) FROM papers").fetchone()[0]

    def get_paper(self, paper_id: int) -> Paper:
        row = self._conn.execute(f"SELECT {_PAPER_COLUMNS} FROM papers WHERE id = ?", (paper_id,)).fetchone()
        if row is None:
            raise LibraryError(f"no paper with id {paper_id}")
        return row_to_paper(row)

    def get_papers(self, ids: Sequence[int]) -> list[Paper]:
        """Papers in the order of ``ids`` (unknown ids are skipped)."""
        out: dict[int, Paper] = {}
        ids = list(ids)
        for start in range(0, len(ids), 900):
            chunk = ids[start:start + 900]
            marks = ",".join("?" * len(chunk))
            for row in self._conn.execute(f"SELECT {_PAPER_COLUMNS} FROM papers WHERE id IN ({marks})", chunk):
                p = row_to_paper(row)
                out[p.id] = p
        return [out[i] for i in ids if i in out]

    def resolve(self, ident: str | int) -> int:
        """A library id from a library id, an arXiv id (any version) or a DOI."""
        s = str(ident).strip()
        if s.isdigit():
            row = self._conn.execute("SELECT id FROM papers WHERE id = ?", (int(s),)).fetchone()
            if row:
                return row[0]
        from ..models import normalize_doi, split_arxiv_id

        try:
            bare, _ = split_arxiv_id(s)
            row = self._conn.execute("SELECT id FROM papers WHERE arxiv_id = ?", (bare,)).fetchone()
            if row:
                return row[0]
        except ValueError:
            pass
        doi = normalize_doi(s)
        if doi:
            row = self._conn.execute("SELECT id FROM papers WHERE doi = ?", (doi,)).fetchone()
            if row:
                return row[0]
        raise LibraryError(f"no paper matches {ident!r} (give a library id, an arXiv id or a DOI)")

    def named_papers(self, q: SearchQuery) -> tuple[dict[int, PaperIdent], set[int], list[PaperIdent]]:
        """The papers a search names by arXiv id or DOI (search_identifiers.py), found by :meth:`resolve`:
        {paper id: its id as typed} of those wanted, the ids of those left out, and the typed ids no paper
        of the library has."""
        wanted: dict[int, PaperIdent] = {}
        unwanted: set[int] = set()
        missing: list[PaperIdent] = []
        for ident in q.papers:
            try:
                pid = self.resolve(ident.text)
            except LibraryError:
                missing.append(ident)
                continue
            if ident.negated:
                unwanted.add(pid)
            else:
                wanted.setdefault(pid, ident)
        return wanted, unwanted, missing

    def named_conditions(self, q: SearchQuery, column: str) -> tuple[list[str], list[int]]:
        """SQL conditions on ``column`` (a paper id) for the papers a search names by id: one of those
        wanted (any of a pasted list), none of those left out."""
        wanted, unwanted, _missing = self.named_papers(q)
        where, args = [], []
        if any(not p.negated for p in q.papers):
            where.append(f"{column} IN ({','.join('?' * len(wanted))})" if wanted else "0")
            args += list(wanted)
        if unwanted:
            where.append(f"{column} NOT IN ({','.join('?' * len(unwanted))})")
            args += sorted(unwanted)
        return where, args

    # What goes with a deleted paper (ON DELETE CASCADE): counted for the report before it goes.
    _GOES_WITH = (("decisions", "decisions"), ("notes", "notes"), ("highlights", "highlights"),
                  ("pdf_highlights", "pdf_highlights"), ("attachments", "attachments"), ("tags", "paper_tags"),
                  ("collection_entries", "collection_papers"))

    def deletion_summary(self, ids: Sequence[int]) -> dict[str, int]:
        """How many papers of ``ids`` exist, and the rows of the user's own work that go with them."""
        ids = sorted({int(i) for i in ids})
        out = {"papers": 0, **{name: 0 for name, _ in self._GOES_WITH}}
        for part in chunks(ids, 500):
            marks = ",".join("?" * len(part))
            out["papers"] += self._conn.execute(f"SELECT count(*) FROM papers WHERE id IN ({marks})", part).fetchone()[0]
            for name, table in self._GOES_WITH:
                out[name] += self._conn.execute(
                    f"SELECT count(*) FROM {table} WHERE paper_id IN ({marks})", part).fetchone()[0]
        return out

    def delete_papers(self, ids: Sequence[int]) -> dict[str, Any]:
        """Delete these papers in one transaction; everything that references them goes with them
        (the schema's ON DELETE CASCADE; the citation graph keeps the work, unlinked). Returns
        :meth:`deletion_summary` taken inside the transaction, with ``ids`` (those deleted) and
        ``stored_files`` (the attachments' file names: the caller removes the ones no longer attached,
        after the commit, so a rollback never loses a PDF)."""
        ids = sorted({int(i) for i in ids})
        with self.transaction() as conn:
            found: list[int] = []
            files: list[str] = []
            for part in chunks(ids, 500):
                marks = ",".join("?" * len(part))
                found += [r[0] for r in conn.execute(f"SELECT id FROM papers WHERE id IN ({marks})", part)]
                files += [r[0] for r in conn.execute(
                    f"SELECT stored_name FROM attachments WHERE paper_id IN ({marks})", part)]
            summary = self.deletion_summary(found)
            for part in chunks(found, 500):
                conn.execute(f"DELETE FROM papers WHERE id IN ({','.join('?' * len(part))})", part)
            if found:       # ids are never given again: runs, logs and exports that name one keep meaning it
                conn.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE"
                             " SET value = max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))",
                             (HIGHEST_DELETED_ID, str(max(found))))
        return {**summary, "ids": found, "stored_files": sorted(set(files))}

    # --- records dated before the paper they name (an id given twice: gapscope.integrity) ---------
    # (what, the paper id, the record's id, its date, from where) of rows that name a paper. Those with a
    # foreign key go with their paper when it is deleted; a map's cluster names its representative paper
    # without one, and stays. A run's paper links are left out: a sweep records its runs after they ran,
    # dated when they started, so a link may be younger than its date.
    _DATED_LINKS = (
        ("decision", "t.paper_id", "t.id", "t.decided_at", "decisions t"),
        ("note", "t.paper_id", "t.id", "t.created_at", "notes t"),
        ("highlight", "t.paper_id", "t.id", "t.created_at", "highlights t"),
        ("PDF highlight", "t.paper_id", "t.id", "t.created_at", "pdf_highlights t"),
        ("facet correction", "t.paper_id", "t.start || '..' || t.\"end\"", "t.corrected_at", "facet_corrections t"),
        ("map cluster representative", "t.representative_paper", "'map ' || t.map_id || ' cluster ' || t.cluster",
         "m.created_at", "clusters t JOIN maps m ON m.id = t.map_id"),
    )

    def records_dated_before_their_paper(self) -> list[tuple[int, str, str, str]]:
        """(paper id, what, the record's id, its date) of each row that names an existing paper and is
        dated before that paper was added (dates are UTC ISO text, compared as text)."""
        out = []
        for what, paper, ref, date, source in self._DATED_LINKS:
            out += [(pid, what, str(r), at) for pid, r, at in self._conn.execute(
                f"SELECT p.id, {ref}, {date} FROM {source} JOIN papers p ON p.id = {paper}"
                f" WHERE {date} < p.added_at ORDER BY p.id, {date}")]
        return out

    def dated_paper_mentions(self) -> list[tuple[str, int, Optional[str], str]]:
        """(what, its id, its date, its text) of records that name papers in their text, not by a foreign
        key: each finished import's merge list ("... merged into #12 ...") and each gap's details (JSON
        with "paper_id" keys)."""
        out = [("import", i, at, merges) for i, at, merges in self._conn.execute(
            "SELECT id, finished_at, merges FROM imports WHERE finished_at IS NOT NULL AND merges NOT IN ('', '[]')")]
        out += [("gap", i, at, details) for i, at, details in self._conn.execute(
            "SELECT id, created_at, details FROM gaps WHERE details LIKE '%paper_id%'")]
        return out

    def papers_added_at(self, ids: Sequence[int]) -> dict[int, tuple[str, str]]:
        """{id: (added_at, title)} of the papers of ``ids`` that exist."""
        out = {}
        for part in chunks(sorted({int(i) for i in ids}), 500):
            out.update({pid: (at, title) for pid, at, title in self._conn.execute(
                f"SELECT id, added_at, title FROM papers WHERE id IN ({','.join('?' * len(part))})", part)})
        return out

    def set_paper_title(self, paper_id: int, title: str, norm_title: str) -> None:
        """The user's own title for a paper (one transaction); ``norm_title`` is what de-duplication
        compares (empty for a placeholder title). The search index follows by its trigger."""
        with self.transaction() as conn:
            if conn.execute("UPDATE papers SET title = ?, norm_title = ?, title_sort = ? WHERE id = ?",
                            (title, norm_title, title_sort_key(title), paper_id)).rowcount != 1:
                raise LibraryError(f"no paper with id {paper_id}")

    def repair_title_sort(self) -> int:
        """Recompute the sort keys of the papers whose title another SQLite client wrote (noted by the
        triggers of migration 1530): on opening, a read of an empty table when there are none, so its
        cost is that of the papers noted. Like the migrations, not a user's write (the desktop opens the
        library on its GUI thread). Returns how many keys it recomputed."""
        if self._conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'title_sort_stale'"
                              ).fetchone() is None:
            return 0                           # a schema before migration 1530 (a test's older library)
        if self._conn.execute("SELECT 1 FROM title_sort_stale LIMIT 1").fetchone() is None:
            return 0
        try:
            with self._transaction(wait=False) as conn:     # never holds up the opening
                rows = conn.execute("SELECT p.id, p.title FROM title_sort_stale s JOIN papers p ON p.id = s.paper_id"
                                    ).fetchall()
                conn.executemany("UPDATE papers SET title_sort = ? WHERE id = ?",
                                 [(title_sort_key(t), pid) for pid, t in rows])
                conn.execute("DELETE FROM title_sort_stale")
        except sqlite3.OperationalError:   # another writer holds the lock: the notes stay, repaired next time
            return 0
        return len(rows)

    def set_paper_abstract(self, paper_id: int, abstract: str, *, expected: str,
                           highlights: Sequence[tuple] = (), corrections: Sequence[tuple] = (),
                           gone_highlights: Sequence[tuple] = (), gone_corrections: Sequence[tuple] = (),
                           note: str = "", untag: str = "", truncated: bool = False) -> None:
        """The user's own abstract for a paper ("": none), in one transaction, where the paper still
        holds abstract ``expected`` and exactly these highlights and facet corrections (another window
        may have changed it since it was read). ``highlights`` ``(id, start, end, new_start, new_end)`` and
        ``corrections`` ``(start, end, new_start, new_end)`` move with their words; ``gone_highlights``
        ``(id, start, end)`` and ``gone_corrections`` ``(start, end)`` go, what they held written into
        ``note`` (a note on the paper). What was computed from the old abstract goes too: its facet
        sentences (the next analyze classifies it again) and its text-to-vector links (the maps built with
        them show as out of date, and the next analyze embeds it again); the tag ``untag`` comes off it.
        ``truncated``: the abstract is one a source cut short (an undo putting such an abstract back)."""
        with self.transaction() as conn:
            row = conn.execute("SELECT coalesce(abstract, '') FROM papers WHERE id = ?", (paper_id,)).fetchone()
            if row is None:
                raise LibraryError(f"no paper with id {paper_id}")
            held = [h[:3] for h in highlights] + [h[:3] for h in gone_highlights]
            if row[0] != expected or not self._annotation_spans_held(
                    conn, paper_id, held, [c[:2] for c in corrections] + list(gone_corrections)):
                raise LibraryError(f"paper #{paper_id} was changed elsewhere since it was read: "
                                   "the abstract was not changed (read it again)")
            conn.executemany("DELETE FROM highlights WHERE id = ?", [(h[0],) for h in gone_highlights])
            conn.executemany('DELETE FROM facet_corrections WHERE paper_id = ? AND start = ? AND "end" = ?',
                             [(paper_id, s, e) for s, e in gone_corrections])
            conn.execute("UPDATE papers SET abstract = ?, abstract_truncated = ? WHERE id = ?",
                         (abstract, int(truncated), paper_id))
            self._move_annotation_spans(conn, paper_id, highlights, corrections, expected)
            for table in ("sentences", "paper_facets", "paper_texts"):
                conn.execute(f"DELETE FROM {table} WHERE paper_id = ?", (paper_id,))
            if note:
                self.add_note(paper_id, note)
            if untag:
                self.remove_tag([paper_id], untag)

    def attached_file_in_use(self, stored_name: str) -> bool:
        """Whether any attachment still keeps this file of the storage folder."""
        return self._conn.execute("SELECT 1 FROM attachments WHERE stored_name = ? LIMIT 1",
                                  (stored_name,)).fetchone() is not None

    _ORDERS = {
        "id": "id", "title": "title_sort", "year": "year", "published": "published",
        "authors": "authors COLLATE NOCASE", "category": "primary_category",
        # the arXiv / DOI column as shown: the arXiv id (with its version), else the DOI
        "ident": ("coalesce(arxiv_id || CASE WHEN arxiv_version THEN 'v' || arxiv_version ELSE '' END, doi)"
                  " COLLATE NOCASE"),
        # ascending (a first click on the column) lists the papers with a PDF first
        "pdf": "NOT EXISTS (SELECT 1 FROM attachments a WHERE a.paper_id = papers.id)",
    }

    def list_paper_ids(self, *, order: str = "id", descending: bool = False, tag: Optional[str] = None,
                       collection: Optional[str] = None, query: Optional[str] = None) -> list[int]:
        """Ids of papers, filtered by tag / collection / full-text query, sorted by ``order``."""
        if order not in self._ORDERS:
            raise LibraryError(f"cannot sort by {order!r}; choose one of {', '.join(self._ORDERS)}")
        where, args = [], []
        if tag is not None:
            where.append("id IN (SELECT pt.paper_id FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id WHERE t.name = ?)")
            args.append(tag)
        if collection is not None:
            where.append("id IN (SELECT cp.paper_id FROM collection_papers cp JOIN collections c"
                         " ON c.id = cp.collection_id WHERE c.name = ?)")
            args.append(collection)
        if query:
            q = parse_search(query)
            if q.fts:           # "" when the search is arXiv ids or DOIs alone
                where.append("id IN (SELECT rowid FROM papers_fts WHERE papers_fts MATCH ?)")
                args.append(q.fts)
            more, more_args = literal_conditions(q)
            named, named_args = self.named_conditions(q, "id")
            where += more + named
            args += more_args + named_args
        sql = "SELECT id FROM papers"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += f" ORDER BY {self._ORDERS[order]} {'DESC' if descending else 'ASC'}, id"
        try:
            return [r[0] for r in self._conn.execute(sql, args)]
        except sqlite3.OperationalError as exc:
            raise search_error(query, exc)

    def search(self, query: str, limit: int = 50, offset: int = 0) -> list[tuple[int, float]]:
        """Full-text search over title, abstract and authors: ``(paper id, bm25 rank)``, best first.

        Title matches weigh most (bm25 column weights 10 / 1 / 3)."""
        q = parse_search(query)
        more, more_args = literal_conditions(q, alias="p.")
        named, named_args = self.named_conditions(q, "p.id")
        if not q.fts:       # arXiv ids or DOIs alone: their papers, no words to rank them by
            return [(r[0], 0.0) for r in self._conn.execute(
                "SELECT p.id FROM papers p WHERE " + " AND ".join(named) + " ORDER BY p.id LIMIT ? OFFSET ?",
                (*named_args, limit, offset))]
        more, more_args = more + named, more_args + named_args
        join = " JOIN papers p ON p.id = papers_fts.rowid" if more else ""
        try:
            return [
                (r[0], r[1])
                for r in self._conn.execute(
                    "SELECT papers_fts.rowid, bm25(papers_fts, 10.0, 1.0, 3.0) AS rank FROM papers_fts" + join
                    + " WHERE papers_fts MATCH ?" + "".join(f" AND {w}" for w in more)
                    + " ORDER BY rank LIMIT ? OFFSET ?",
                    (q.fts, *more_args, limit, offset),
                )
            ]
        except sqlite3.OperationalError as exc:
            raise search_error(query, exc)

    def source_records(self, paper_id: int) -> list[dict[str, Any]]:
        return [
            {"source": s, "source_key": k, "seen_at": t, "import_id": i, "data": json.loads(d)}
            for s, k, t, i, d in self._conn.execute(
                "SELECT source, source_key, seen_at, import_id, data FROM source_records"
                " WHERE paper_id = ? ORDER BY id", (paper_id,))
        ]

    def source_keys(self, paper_ids: Sequence[int]) -> dict[int, list[tuple[str, str]]]:
        """paper id -> its records' (source, source_key), oldest first, for many papers in one query."""
        rows = []
        for part in chunks(sorted(set(int(i) for i in paper_ids))):
            rows += self._conn.execute("SELECT id, paper_id, source, source_key FROM source_records WHERE paper_id"
                                       f" IN ({','.join('?' * len(part))})", part).fetchall()
        out: dict[int, list[tuple[str, str]]] = {}
        for _id, pid, source, key in sorted(rows):
            out.setdefault(pid, []).append((source, key))
        return out

    def versions(self, paper_id: int) -> list[tuple[int, Optional[str]]]:
        return [tuple(r) for r in self._conn.execute(
            "SELECT version, date FROM paper_versions WHERE paper_id = ? ORDER BY version", (paper_id,))]

    def paper_title_abstracts(self, ids: Sequence[int] | None = None) -> list[tuple[int, str, str]]:
        """(id, title, abstract) of every paper (or those in ``ids``), by id."""
        rows = self._conn.execute("SELECT id, title, abstract FROM papers ORDER BY id").fetchall()
        if ids is None:
            return rows
        wanted = set(int(i) for i in ids)
        return [r for r in rows if r[0] in wanted]

    def paper_text_stamp(self) -> Optional[int]:
        """The papers' text stamp (migration 1200_paper_text_stamp): it moves whenever a paper is added or
        deleted or a title or abstract changes, in any process. None where the library has none (a
        read-only library of an older schema): then nothing can be known current without reading."""
        try:
            row = self._conn.execute("SELECT stamp FROM paper_text_stamp WHERE id = 1").fetchone()
        except sqlite3.OperationalError:
            return None
        return None if row is None else int(row[0])

    def known_paper_ids(self, ids: Iterable[int]) -> set[int]:
        """The ids of ``ids`` that are papers of the library (those deleted since left out)."""
        found: set[int] = set()
        for chunk in chunks(sorted(ids)):
            marks = ",".join("?" * len(chunk))
            found.update(r[0] for r in self._conn.execute(f"SELECT id FROM papers WHERE id IN ({marks})", chunk))
        return found

    def title_abstracts_of(self, ids: Sequence[int]) -> dict[int, tuple[str, str]]:
        """{id: (title, abstract)} of the papers in ``ids`` (unknown ids left out)."""
        out: dict[int, tuple[str, str]] = {}
        for chunk in chunks(list(ids)):
            marks = ",".join("?" * len(chunk))
            for pid, title, abstract in self._conn.execute(
                    f"SELECT id, title, abstract FROM papers WHERE id IN ({marks})", chunk):
                out[pid] = (title, abstract)
        return out

    def primary_category_counts(self) -> dict[str, int]:
        """{arXiv primary category: papers}, over the papers that have one."""
        return {c: n for c, n in self._conn.execute(
            "SELECT primary_category, count(*) FROM papers WHERE primary_category IS NOT NULL"
            " GROUP BY primary_category")}

    def stats(self) -> dict[str, Any]:
        q = lambda sql: self._conn.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "path": str(self.path),
            "papers": q("SELECT count(*) FROM papers"),
            "with_abstract": q("SELECT count(*) FROM papers WHERE abstract != ''"),
            "arxiv": q("SELECT count(*) FROM papers WHERE arxiv_id IS NOT NULL"),
            "doi": q("SELECT count(*) FROM papers WHERE doi IS NOT NULL"),
            # the authors of the papers there are: a deleted paper's author row stays behind in `authors`
            "authors": q("SELECT count(DISTINCT author_id) FROM paper_authors"),
            "source_records": q("SELECT count(*) FROM source_records"),
            "imports": q("SELECT count(*) FROM imports"),
            "tags": q("SELECT count(*) FROM tags"),
            "collections": q("SELECT count(*) FROM collections"),
            "notes": q("SELECT count(*) FROM notes"),
            "pdfs_not_labelled": len(self.unlabelled_fulltext_attachments()),
            "years": {str(y): n for y, n in self._conn.execute(
                "SELECT year, count(*) FROM papers WHERE year IS NOT NULL GROUP BY year ORDER BY year")},
            "top_categories": {c: n for c, n in self._conn.execute(
                "SELECT primary_category, count(*) AS n FROM papers WHERE primary_category IS NOT NULL"
                " GROUP BY primary_category ORDER BY n DESC LIMIT 10")},
        }

