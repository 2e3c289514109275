"""Attached PDFs, their sections and sentences (full-text search beside the abstract)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any, Optional, Sequence

from ..vocabulary import FULLTEXT_SHORTCOMING_SECTIONS
from .base import LibraryError, chunks, now_iso
from .papers import literal_conditions, names_paper_column, search_error
from .search_query import parse_search

_ATT_COLS = ("id", "paper_id", "sha256", "stored_name", "original_name", "source", "match_how", "match_score",
             "status", "message", "pages", "added_at")


class FulltextMixin:
    # --- storage folder ----------------------------------------------------------------------------
    def files_folder(self) -> Path:
        """Where attached files are kept: ``NAME.gapscope/files/`` (``NAME-files/`` beside an old
        single-file library)."""
        db = Path(self.db_path)
        if Path(self.path).suffix == ".gapscope" or Path(self.path).is_dir():
            return db.parent / "files"
        return db.parent / (db.stem + "-files")

    def paper_id_by_doi(self, doi: str) -> Optional[int]:
        """The paper with this DOI in any letter case (importers keep a DOI as the source wrote it)."""
        row = self._conn.execute("SELECT id FROM papers WHERE doi = ? OR lower(doi) = ? LIMIT 1",
                                 (doi, doi.lower())).fetchone()
        return row[0] if row else None

    # --- attachments -------------------------------------------------------------------------------
    def attachment_by_hash(self, sha256: str) -> Optional[dict[str, Any]]:
        row = self._conn.execute(f"SELECT {', '.join(_ATT_COLS)} FROM attachments WHERE sha256 = ?",
                                 (sha256,)).fetchone()
        return dict(zip(_ATT_COLS, row)) if row else None

    def attachments_of(self, paper_id: int) -> list[dict[str, Any]]:
        return [dict(zip(_ATT_COLS, r)) for r in self._conn.execute(
            f"SELECT {', '.join(_ATT_COLS)} FROM attachments WHERE paper_id = ? ORDER BY id", (paper_id,))]

    def get_attachment(self, attachment_id: int) -> dict[str, Any]:
        row = self._conn.execute(f"SELECT {', '.join(_ATT_COLS)} FROM attachments WHERE id = ?",
                                 (attachment_id,)).fetchone()
        if row is None:
            raise LibraryError(f"no attachment with id {attachment_id}")
        return dict(zip(_ATT_COLS, row))

    def arxiv_papers_without_pdf(self) -> list[tuple[int, str, Optional[int]]]:
        """(paper id, arXiv id, version) of the papers with an arXiv id and no attached file."""
        return [tuple(r) for r in self._conn.execute(
            "SELECT p.id, p.arxiv_id, p.arxiv_version FROM papers p WHERE p.arxiv_id IS NOT NULL AND p.arxiv_id != ''"
            " AND NOT EXISTS (SELECT 1 FROM attachments a WHERE a.paper_id = p.id) ORDER BY p.id")]

    def pdfs_of_papers(self, paper_ids: Sequence[int]) -> dict[int, list[tuple[str, Optional[int]]]]:
        """{paper id: (file name as it came, pages) of each attached PDF, oldest first} for the papers that
        have one: what the Library table marks, one query for a page of rows (never one per row)."""
        out: dict[int, list[tuple[str, Optional[int]]]] = {}
        for part in chunks(sorted({int(i) for i in paper_ids})):
            for pid, name, pages in self._conn.execute(
                    f"SELECT paper_id, original_name, pages FROM attachments WHERE paper_id IN"
                    f" ({', '.join('?' * len(part))}) ORDER BY id", part):
                out.setdefault(pid, []).append((name, pages))
        return out

    def paper_ids_with_pdf(self) -> list[int]:
        """The papers with at least one attached PDF, by id."""
        return [r[0] for r in self._conn.execute("SELECT DISTINCT paper_id FROM attachments ORDER BY paper_id")]

    def list_attachments(self) -> list[dict[str, Any]]:
        return [dict(zip(_ATT_COLS, r)) for r in self._conn.execute(
            f"SELECT {', '.join(_ATT_COLS)} FROM attachments ORDER BY id")]

    def add_attachment(self, paper_id: int, sha256: str, stored_name: str, original_name: str, *, source: str,
                       match_how: Optional[str], match_score: Optional[float], status: str,
                       message: Optional[str], pages: Optional[int]) -> int:
        with self.transaction() as conn:
            try:
                return conn.execute(
                    "INSERT INTO attachments (paper_id, sha256, stored_name, original_name, source, match_how,"
                    " match_score, status, message, pages, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (paper_id, sha256, stored_name, original_name, source, match_how, match_score, status,
                     message, pages, now_iso())).lastrowid
            except sqlite3.IntegrityError as exc:
                raise LibraryError(f"{original_name}: already attached ({exc})") from exc

    def put_fulltext(self, attachment_id: int, paper_id: int, sections: Sequence[dict[str, Any]],
                     sentences: Sequence[dict[str, Any]]) -> None:
        """Replace an attachment's sections and sentences (dicts with the columns' names)."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM fulltext_sentences WHERE attachment_id = ?", (attachment_id,))
            conn.execute("DELETE FROM fulltext_sections WHERE attachment_id = ?", (attachment_id,))
            conn.executemany(
                "INSERT INTO fulltext_sections (attachment_id, position, name, kind, number, level, page)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(attachment_id, s["position"], s["name"], s["kind"], s.get("number", ""), s.get("level", 1),
                  s["page"]) for s in sections])
            conn.executemany(
                'INSERT INTO fulltext_sentences (attachment_id, paper_id, section_pos, page, paragraph, start, "end",'
                " text, role, shortcoming, confidence, facet_model) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(attachment_id, paper_id, s["section_pos"], s["page"], s["paragraph"], s["start"], s["end"],
                  s["text"], s.get("role"), s.get("shortcoming"), s.get("confidence"), s.get("facet_model"))
                 for s in sentences])

    def set_fulltext_labels(self, rows: Sequence[tuple[int, str, Optional[str], float, str]]) -> None:
        """(sentence id, role, shortcoming, confidence, facet model) for classified sentences."""
        with self.transaction() as conn:
            conn.executemany("UPDATE fulltext_sentences SET role = ?, shortcoming = ?, confidence = ?, facet_model = ?"
                             " WHERE id = ?", [(r, s, c, m, i) for i, r, s, c, m in rows])

    def fulltext_sections(self, attachment_id: int) -> list[dict[str, Any]]:
        cols = ("position", "name", "kind", "number", "level", "page")
        return [dict(zip(cols, r)) for r in self._conn.execute(
            f"SELECT {', '.join(cols)} FROM fulltext_sections WHERE attachment_id = ? ORDER BY position",
            (attachment_id,))]

    _SENT = ('SELECT s.id, s.paper_id, s.attachment_id, s.section_pos, coalesce(x.name, \'\'), coalesce(x.kind, \'\'),'
             ' s.page, s.paragraph, s.start, s."end", s.text, s.role, s.shortcoming, s.confidence'
             ' FROM fulltext_sentences s LEFT JOIN fulltext_sections x'
             ' ON x.attachment_id = s.attachment_id AND x.position = s.section_pos')
    _SENT_COLS = ("id", "paper_id", "attachment_id", "section_pos", "section", "section_kind", "page", "paragraph",
                  "start", "end", "text", "role", "shortcoming", "confidence")

    def fulltext_sentences(self, attachment_id: int, *, kinds: Optional[Sequence[str]] = None) -> list[dict[str, Any]]:
        sql, args = self._SENT + " WHERE s.attachment_id = ?", [attachment_id]
        if kinds:
            sql += f" AND x.kind IN ({', '.join('?' * len(kinds))})"
            args += list(kinds)
        return [dict(zip(self._SENT_COLS, r)) for r in self._conn.execute(sql + " ORDER BY s.id", args)]

    def fulltext_shortcomings(self, paper_ids: Optional[Sequence[int]] = None, *,
                              exclude: Sequence[str] = ("none", "other", ""),
                              kinds: Optional[Sequence[str]] = None) -> list[dict[str, Any]]:
        """Full-text sentences the classifier flagged as a shortcoming, with the section they stand in
        (for the shortcoming map and gap evidence); only those in sections of ``kinds`` when given."""
        sql = self._SENT + f" WHERE s.shortcoming IS NOT NULL AND s.shortcoming NOT IN ({', '.join('?' * len(exclude))})"
        args: list[Any] = list(exclude)
        if kinds:
            sql += f" AND x.kind IN ({', '.join('?' * len(kinds))})"
            args += list(kinds)
        if paper_ids is not None:
            ids = [int(i) for i in paper_ids]
            sql += f" AND s.paper_id IN ({', '.join('?' * len(ids))})" if ids else " AND 0"
            args += ids
        return [dict(zip(self._SENT_COLS, r)) for r in self._conn.execute(sql + " ORDER BY s.paper_id, s.id", args)]

    def fulltext_shortcoming_stamp(self) -> str:
        """Changes when sentences of the sections the shortcoming map reads (FULLTEXT_SHORTCOMING_SECTIONS)
        are flagged as shortcomings or no longer are (a PDF labelled, removed, or labelled again): what
        the shortcoming map and its gaps read of the full text."""
        kinds = FULLTEXT_SHORTCOMING_SECTIONS
        n, ids, models = self._conn.execute(
            "SELECT count(*), coalesce(total(s.id), 0), coalesce(group_concat(DISTINCT s.facet_model), '')"
            " FROM fulltext_sentences s JOIN fulltext_sections x"
            " ON x.attachment_id = s.attachment_id AND x.position = s.section_pos"
            f" WHERE s.shortcoming IS NOT NULL AND s.shortcoming != 'none' AND x.kind IN ({', '.join('?' * len(kinds))})",
            list(kinds)).fetchone()
        return f"flagged={n};ids={int(ids)};models={models}"

    def fulltext_label_counts(self, paper_id: int) -> tuple[int, int]:
        """(sentences of the paper's PDF text, how many of them the facet classifier labelled)."""
        n, labelled = self._conn.execute("SELECT count(*), count(facet_model) FROM fulltext_sentences WHERE paper_id = ?",
                                         (int(paper_id),)).fetchone()
        return int(n), int(labelled)

    def unlabelled_fulltext_attachments(self, facet_model: Optional[str] = None) -> list[int]:
        """The attachments with sentences no facet model labelled yet (new ones, and those whose labelling
        was cancelled or killed: labels are committed a chunk at a time); with ``facet_model``, also those
        another model labelled."""
        other = " OR facet_model != ?" if facet_model is not None else ""
        return [r[0] for r in self._conn.execute(
            "SELECT DISTINCT attachment_id FROM fulltext_sentences WHERE facet_model IS NULL" + other
            + " ORDER BY attachment_id", (facet_model,) if facet_model is not None else ())]

    def search_fulltext(self, query: str, limit: int = 50, *, per_paper: int = 0) -> list[dict[str, Any]]:
        """Full-text sentences matching an FTS query, best first, each with its paper, section and page, and
        ``paper_hits``: how many sentences of its paper match. ``per_paper``: at most this many of one paper
        (0: no cap), so that one long PDF does not fill the list. A query that names a paper's column
        ("ti:covid", "{title abstract} : ("KV cache")") asks about titles, abstracts or authors only: no
        sentence of a PDF is one of them."""
        q = parse_search(query)
        if names_paper_column(q) or not q.fts:      # no words: arXiv ids or DOIs alone ask about papers
            return []
        # "C++" is indexed as "c": the sentence must also hold it as typed, as for titles and abstracts
        more, more_args = literal_conditions(q, alias="s.", columns=("text",))
        named, named_args = self.named_conditions(q, "s.paper_id")     # "2506.00475 pooling": its PDF only
        more, more_args = more + named, more_args + named_args
        matches = ("SELECT f.rowid AS id, bm25(fulltext_fts) AS rank, s.paper_id FROM fulltext_fts f"
                   " JOIN fulltext_sentences s ON s.id = f.rowid WHERE fulltext_fts MATCH ?"
                   + "".join(f" AND {w}" for w in more))
        # each match's place among its paper's (best first) and their number, then the cap
        ranked = ("SELECT id, rank, row_number() OVER (PARTITION BY paper_id ORDER BY rank, id) AS place,"
                  f" count(*) OVER (PARTITION BY paper_id) AS paper_hits FROM ({matches})")
        try:
            rows = self._conn.execute(
                f"SELECT id, rank, paper_hits FROM ({ranked}) WHERE ? = 0 OR place <= ? ORDER BY rank, id LIMIT ?",
                (q.fts, *more_args, per_paper, per_paper, limit)).fetchall()
        except sqlite3.OperationalError as exc:
            raise search_error(query, exc)
        if not rows:
            return []
        found_by = {i: (r, n) for i, r, n in rows}
        found = [dict(zip(self._SENT_COLS, r)) for r in self._conn.execute(
            self._SENT + f" WHERE s.id IN ({', '.join('?' * len(found_by))})", list(found_by))]
        for f in found:
            f["rank"], f["paper_hits"] = found_by[f["id"]]
        return sorted(found, key=lambda f: (f["rank"], f["id"]))
