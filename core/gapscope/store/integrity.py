"""The library's integrity, as SQLite and the migrations see it (``gapscope check``, Help > Check Library
Integrity…): SQLite's own ``integrity_check`` and ``foreign_key_check``, the schema compared with what the
migrations make, and the paths the library keeps (attached PDFs, run folders). Everything here reads,
except :meth:`IntegrityMixin.repair_missing_indexes` and :meth:`IntegrityMixin.remove_orphan_rows`,
which only ``--repair`` calls.

The schema is read with sqlite-utils (its ``Database(conn)`` introspection: tables, columns, foreign
keys, indexes). It imports pandas (0.3 s), so it is imported here, inside the check only: opening a
library never loads it (tests/core/test_architecture.py)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any, Callable, Optional

from ..textfmt import title_sort_key
from .base import LibraryError, writes_allowed_here
from .errors import is_busy

# What a read raises when a table or column it names is gone (a schema changed outside GapScope).
UnreadableSchema = sqlite3.OperationalError

# The triggers that keep the papers' search index (papers_fts, external content: it holds no text of its
# own) in step with the papers table, and those that move the papers' text stamp. Both are derived: a
# repair makes them again from the migrations without losing anything (then rebuilds the index and
# moves the stamp, for what they missed meanwhile).
SEARCH_INDEX_TRIGGERS = ("papers_fts_ai", "papers_fts_ad", "papers_fts_au")
TEXT_STAMP_TRIGGERS = ("papers_text_stamp_ai", "papers_text_stamp_ad", "papers_text_stamp_au")
REPAIRABLE_TRIGGERS = SEARCH_INDEX_TRIGGERS + TEXT_STAMP_TRIGGERS
# The triggers that keep the index of the user's notes and highlight comments (annotations_fts, which
# holds its own copy of the texts) in step; derived too, made again by a repair that rebuilds the index.
ANNOTATION_INDEX_TRIGGERS = tuple(f"annotations_fts_{t}_{op}" for t in ("note", "highlight", "pdf_highlight")
                                  for op in ("ai", "ad", "au"))
ANNOTATION_INDEX_MIGRATION = "1500_annotation_search"
# what each row of annotations_fts should be: rowid 3 * id + kind, as the migration fills it
_ANNOTATION_ROWS = ("SELECT 3 * id AS rowid, body AS text, 'note' AS kind, id, paper_id FROM notes"
                    " UNION ALL SELECT 3 * id + 1, comment, 'highlight', id, paper_id FROM highlights WHERE comment != ''"
                    " UNION ALL SELECT 3 * id + 2, comment, 'pdf_highlight', id, paper_id FROM pdf_highlights"
                    " WHERE comment != ''")


def migrated_schema() -> sqlite3.Connection:
    """A fresh in-memory library made by the same migrations as every library: what the schema should be."""
    from .library import MIGRATIONS_TABLE, _split_sql
    from .schema import MIGRATIONS

    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute(MIGRATIONS_TABLE)
    for _name, sql in MIGRATIONS:
        for stmt in _split_sql(sql):
            conn.execute(stmt)
    return conn


def _schema(conn: sqlite3.Connection) -> dict[str, dict[str, Any]]:
    """{table: {"columns": {...}, "foreign_keys": {...}, "indexes": {...}}} and the triggers, by name."""
    from sqlite_utils import Database

    db = Database(conn)
    out: dict[str, dict[str, Any]] = {}
    for table in db.tables:
        out[table.name] = {
            "columns": {c.name: (c.type.upper(), bool(c.notnull), c.default_value, c.is_pk) for c in table.columns},
            "foreign_keys": {(tuple(fk.columns), fk.other_table, tuple(fk.other_columns or ())): getattr(fk, "on_delete", None)
                             for fk in table.foreign_keys},
            "indexes": {ix.name: (tuple(ix.columns), bool(ix.unique), bool(getattr(ix, "partial", 0)))
                        for ix in table.indexes if not ix.name.startswith("sqlite_autoindex")},
        }
    out[""] = {"triggers": {t.name: t.table for t in db.triggers}}
    return out


class IntegrityMixin:
    def _interruptible(self, cancelled: Optional[Callable[[], bool]]):
        """SQLite's checks are single statements: a progress handler stops one when the user cancels."""
        return self.stopped_when(cancelled)

    def sqlite_integrity_problems(self, *, limit: int = 100,
                                  cancelled: Optional[Callable[[], bool]] = None) -> list[str]:
        """What SQLite's ``PRAGMA integrity_check`` finds in the file (pages, b-trees, indexes that
        disagree with their tables, NOT NULL and CHECK constraints); empty when it says "ok"."""
        with self._interruptible(cancelled):
            rows = [r[0] for r in self._conn.execute(f"PRAGMA integrity_check({int(limit)})")]
        return [] if rows == ["ok"] else rows

    def table_names(self) -> list[str]:
        return [r[0] for r in self._conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]

    def foreign_key_problems(self, table: str, *,
                             cancelled: Optional[Callable[[], bool]] = None) -> list[dict[str, Any]]:
        """``PRAGMA foreign_key_check`` of one table: each row naming a row that no longer exists, as
        {table, rowid, column, value, parent, parent_column, on_delete}."""
        fks: dict[int, list] = {}
        for fk_id, _seq, parent, frm, to, _upd, on_delete, _match in self._conn.execute(
                f"PRAGMA foreign_key_list({_quote(table)})"):
            fks.setdefault(fk_id, []).append((frm, to, parent, on_delete))
        if not fks:
            return []
        with self._interruptible(cancelled):
            found = self._conn.execute(f"PRAGMA foreign_key_check({_quote(table)})").fetchall()
        out = []
        for _table, rowid, parent, fk_id in found:
            cols = fks.get(fk_id, [])
            column = ", ".join(c[0] for c in cols)
            value = None
            if rowid is not None and cols:
                row = self._conn.execute(f"SELECT {', '.join(_quote(c[0]) for c in cols)} FROM {_quote(table)}"
                                         " WHERE rowid = ?", (rowid,)).fetchone()
                value = (row[0] if len(cols) == 1 else list(row)) if row else None
            out.append({"table": table, "rowid": rowid, "column": column, "value": value, "parent": parent,
                        "parent_column": ", ".join(str(c[1]) for c in cols),
                        "on_delete": cols[0][3] if cols else None})
        return out

    def schema_differences(self) -> list[dict[str, str]]:
        """What the migrations make and this library lacks or has otherwise: tables, columns, foreign
        keys, indexes, triggers (each {kind, table, name, expected, found}). Objects the library has
        beyond them are not listed (another tool's table harms nothing)."""
        want_conn = migrated_schema()
        try:
            want = _schema(want_conn)
        finally:
            want_conn.close()
        have = _schema(self._conn)
        out: list[dict[str, str]] = []

        def add(kind, table, name, expected, found=""):
            out.append({"kind": kind, "table": table, "name": name, "expected": str(expected), "found": str(found)})

        for table, spec in want.items():
            if table == "":
                for name, on in sorted(spec["triggers"].items()):
                    if name not in have[""]["triggers"]:
                        add("trigger", on, name, "present", "missing")
                continue
            got = have.get(table)
            if got is None:
                add("table", table, table, "present", "missing")
                continue
            for col, shape in spec["columns"].items():
                if col not in got["columns"]:
                    add("column", table, col, shape[0] or "(no type)", "missing")
                elif got["columns"][col] != shape:
                    add("column", table, col, shape, got["columns"][col])
            for key, on_delete in spec["foreign_keys"].items():
                cols, other, other_cols = key
                name = f"({', '.join(cols)}) -> {other}({', '.join(other_cols)})"
                if key not in got["foreign_keys"]:
                    add("foreign key", table, name, f"ON DELETE {on_delete}", "missing")
                elif got["foreign_keys"][key] != on_delete:
                    add("foreign key", table, name, f"ON DELETE {on_delete}", f"ON DELETE {got['foreign_keys'][key]}")
            for name, shape in spec["indexes"].items():
                if name not in got["indexes"]:
                    add("index", table, name, f"on ({', '.join(shape[0])})", "missing")
                elif got["indexes"][name] != shape:
                    add("index", table, name, shape, got["indexes"][name])
        return out

    # --- the papers' search index ------------------------------------------------------------------
    def trigger_differences(self, names) -> dict[str, str]:
        """{name: "missing" | "changed"} of the named triggers whose SQL is not what the migrations make."""
        want = _migrated_sql("trigger")
        have = {n: s for n, s in self._conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")}
        return {n: ("missing" if n not in have else "changed") for n in names
                if n in want and _normal(have.get(n)) != _normal(want[n])}

    def search_index_problems(self, *, limit: int = 100,
                              cancelled: Optional[Callable[[], bool]] = None) -> list[dict[str, Any]]:
        """Where the papers' search index (papers_fts) disagrees with the papers table, each as {problem,
        paper_id, title, name, detail}: a trigger keeping it in step missing or changed ("trigger"), an
        import's deferral row left behind, which makes the triggers skip papers ("deferred"), a paper not
        in the index ("not_indexed"), an index row of a paper that no longer exists ("not_a_paper"), a
        paper indexed with other text than its own ("stale"), more rows than ``limit`` ("more"), a
        disagreement FTS5 found in rows not named ("unnamed").

        Papers in and out: the index's row ids (its docsize table, one row per indexed paper) against the
        papers' (0.1 s at 75,000 papers). Texts: where this thread may write, FTS5's own 'integrity-check'
        with the content table (an INSERT, so SQLite holds the write lock while it runs: 2.5 s); then,
        only when it fails, the rows are named by tokenizing the papers again into a temporary index
        and comparing each row's token counts (3-5 s). A read-only library, or a thread that must not write (the
        desktop's readers), gets that comparison alone: a text changed keeping each column's number of
        tokens is not seen there."""
        tables = set(self.table_names())
        if not {"papers", "papers_fts", "papers_fts_docsize"} <= tables:
            return []          # the schema findings name the missing table
        out: list[dict[str, Any]] = []
        for name, found in sorted(self.trigger_differences(SEARCH_INDEX_TRIGGERS).items()):
            out.append({"problem": "trigger", "name": name, "detail": found})
        if "fts_deferred" in tables:
            for (first_id,) in self._conn.execute("SELECT first_id FROM fts_deferred ORDER BY first_id"):
                out.append({"problem": "deferred", "paper_id": first_id})
        with self._interruptible(cancelled):
            # ids only (0.1 s at 75k papers): the few papers named have their titles read after
            missing = [r[0] for r in self._conn.execute(
                "SELECT id FROM papers WHERE id NOT IN (SELECT id FROM papers_fts_docsize) ORDER BY id")]
            gone = [r[0] for r in self._conn.execute(
                "SELECT id FROM papers_fts_docsize WHERE id NOT IN (SELECT id FROM papers) ORDER BY id")]
        named = [{"problem": "not_indexed", "paper_id": pid, "title": self._title_of(pid)} for pid in missing[:limit]]
        named += [{"problem": "not_indexed", "paper_id": pid} for pid in missing[limit:]]
        named += [{"problem": "not_a_paper", "paper_id": pid} for pid in gone]
        exact = not self.read_only and writes_allowed_here()
        agrees = self._fts_integrity_check(cancelled) if exact else None
        if not agrees:          # not known to agree: the rows with other text are looked for
            named += [{"problem": "stale", "paper_id": pid, "title": title}
                      for pid, title in self._rows_indexed_otherwise(cancelled)]
        if agrees is False and not named:
            out.append({"problem": "unnamed"})
        out += named[:limit]
        if len(named) > limit:
            out.append({"problem": "more", "detail": len(named) - limit})
        return out

    def _title_of(self, paper_id: int) -> str:
        row = self._conn.execute("SELECT title FROM papers WHERE id = ?", (paper_id,)).fetchone()
        return row[0] if row else ""

    def _fts_integrity_check(self, cancelled) -> Optional[bool]:
        """FTS5's integrity-check of papers_fts against its content table (the papers): True when it agrees,
        False when not, None when it could not run (the write lock was not to be had)."""
        try:
            with self._interruptible(cancelled):
                self._conn.execute("INSERT INTO papers_fts (papers_fts, rank) VALUES ('integrity-check', 1)")
        except sqlite3.OperationalError as exc:
            if is_busy(exc) or "readonly" in str(exc):
                return None
            raise
        except sqlite3.DatabaseError:            # SQLITE_CORRUPT_VTAB: the index is not what the rows make
            return False
        return True

    def _rows_indexed_otherwise(self, cancelled) -> list[tuple[int, str]]:
        """The papers whose indexed token counts (per column) are not those of their text now: the texts
        tokenized again into a temporary index as papers_fts tokenizes them (detail=none: no positions to
        write), its docsize compared with the real one's, row by row."""
        import re

        sql = self._conn.execute("SELECT sql FROM sqlite_master WHERE name = 'papers_fts'").fetchone()[0]
        m = re.search(r"tokenize\s*=\s*('(?:[^']|'')*'|\"[^\"]*\")", sql)
        columns = [r[1] for r in self._conn.execute("PRAGMA table_info(papers_fts)")]
        cols = ", ".join(_quote(c) for c in columns)
        self._conn.execute("DROP TABLE IF EXISTS temp.papers_fts_probe")
        self._conn.execute(f"CREATE VIRTUAL TABLE temp.papers_fts_probe USING fts5({cols}, content='', detail=none"
                           + (f", tokenize={m.group(1)}" if m else "") + ")")
        try:
            with self._interruptible(cancelled):
                self._conn.execute(f"INSERT INTO temp.papers_fts_probe (rowid, {cols}) SELECT id, {cols} FROM papers")
                return self._conn.execute(
                    "SELECT p.id, p.title FROM papers_fts_docsize d JOIN temp.papers_fts_probe_docsize n ON n.id = d.id"
                    " JOIN papers p ON p.id = d.id WHERE n.sz IS NOT d.sz ORDER BY d.id").fetchall()
        finally:
            self._conn.execute("DROP TABLE IF EXISTS temp.papers_fts_probe")

    # --- the index of notes and highlight comments ------------------------------------------------------
    def annotation_index_problems(self, *, limit: int = 100,
                                  cancelled: Optional[Callable[[], bool]] = None) -> list[dict[str, Any]]:
        """Where annotations_fts disagrees with the notes and highlights it is made from, each as {problem,
        kind (note | highlight | pdf_highlight), id, paper_id, name, detail}: a trigger keeping it in step
        missing or changed ("trigger"), a note or comment not in it ("not_indexed": a search misses it), a
        row of one that no longer exists ("not_an_annotation"), one indexed with other text ("stale"), more
        rows than ``limit`` ("more"). The index keeps its own text: compared row by row (a few thousand)."""
        if not {"annotations_fts", "notes", "highlights", "pdf_highlights"} <= set(self.table_names()):
            return []          # the schema findings name the missing table
        out: list[dict[str, Any]] = [{"problem": "trigger", "name": name, "detail": found} for name, found in
                                     sorted(self.trigger_differences(ANNOTATION_INDEX_TRIGGERS).items())]
        kinds = ("note", "highlight", "pdf_highlight")
        with self._interruptible(cancelled):
            named = [{"problem": "not_indexed" if text is None else "stale", "kind": kind, "id": i,
                      "paper_id": pid} for kind, i, pid, text in self._conn.execute(
                f"SELECT w.kind, w.id, w.paper_id, f.text FROM ({_ANNOTATION_ROWS}) w"
                " LEFT JOIN annotations_fts f ON f.rowid = w.rowid WHERE f.text IS NOT w.text ORDER BY w.rowid")]
            named += [{"problem": "not_an_annotation", "kind": kinds[r % 3], "id": r // 3} for (r,) in self._conn.execute(
                f"SELECT rowid FROM annotations_fts WHERE rowid NOT IN (SELECT rowid FROM ({_ANNOTATION_ROWS}))"
                " ORDER BY rowid")]
        out += named[:limit]
        if len(named) > limit:
            out.append({"problem": "more", "detail": len(named) - limit})
        return out

    def rebuild_annotation_index(self, triggers: list[str]) -> list[str]:
        """Repair of annotations_fts, under the write lock: the named triggers (of ANNOTATION_INDEX_TRIGGERS)
        made again from the migrations, the index emptied and filled again by the migration's own INSERTs
        (derived from the notes and highlights: nothing is lost). Returns the triggers made."""
        from .library import _split_sql
        from .schema import MIGRATIONS

        fill = [stmt for stmt in _split_sql(dict(MIGRATIONS)[ANNOTATION_INDEX_MIGRATION])
                if _without_comments(stmt).upper().startswith("INSERT INTO ANNOTATIONS_FTS")]
        with self.transaction() as conn:
            made = _make_triggers_again(conn, triggers, ANNOTATION_INDEX_TRIGGERS)
            conn.execute("DELETE FROM annotations_fts")
            for stmt in fill:
                conn.execute(stmt)
        return made

    def rebuild_search_index(self, triggers: list[str]) -> list[str]:
        """Repair of the papers' search index, under the write lock: the named triggers (of
        REPAIRABLE_TRIGGERS) made again from the migrations, an import's deferral row left behind
        removed, the index rebuilt from the papers table (FTS5 'rebuild': derived, nothing is lost), and
        the text stamp moved when one of its triggers was missing (changes it missed). Returns the
        triggers made."""
        with self.transaction() as conn:
            made = _make_triggers_again(conn, triggers, REPAIRABLE_TRIGGERS)
            conn.execute("DELETE FROM fts_deferred")    # a committed library never holds a row (0900_import_fts_per_batch)
            conn.execute("INSERT INTO papers_fts (papers_fts) VALUES ('rebuild')")
            if any(n in TEXT_STAMP_TRIGGERS for n in made):
                conn.execute("UPDATE paper_text_stamp SET stamp = random()")
        return made

    def referenced_paths(self) -> list[dict[str, Any]]:
        """Every file or folder the library keeps a path to: attached PDFs (in the files folder) and run
        folders (resolved against where the library is now), as {kind, id, paper_id, path}."""
        files = Path(self.files_folder()).absolute()
        out = [{"kind": "pdf", "id": att_id, "paper_id": paper_id, "path": str(files / name)}
               for att_id, paper_id, name in self._conn.execute(
                   "SELECT id, paper_id, stored_name FROM attachments ORDER BY id")]
        for run_id, folder in self._conn.execute("SELECT id, folder FROM runs ORDER BY created_at, id").fetchall():
            out.append({"kind": "run folder", "id": run_id, "paper_id": None, "path": self.resolved_path(folder)})
        return out

    # --- repairs (--repair only) -----------------------------------------------------------------
    def repair_missing_indexes(self, names: list[str]) -> list[str]:
        """Create the named indexes as the migrations define them (an index is derived from its table:
        making it again loses nothing). Returns those made; one that cannot be (a UNIQUE index over
        duplicate rows) raises LibraryError naming it."""
        want = migrated_schema()
        try:
            sql = {n: s for n, s in want.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index'"
                                                 " AND sql IS NOT NULL")}
        finally:
            want.close()
        made = []
        with self.transaction() as conn:
            for name in names:
                if name not in sql or conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?",
                                                   (name,)).fetchone():
                    continue        # made since the check (another GapScope opened it meanwhile)
                try:
                    conn.execute(sql[name])
                except sqlite3.IntegrityError as exc:
                    raise LibraryError(f"index {name} cannot be made again: {exc}") from exc
                made.append(name)
        return made

    def rows_removed_with(self, table: str, rowid: int) -> list[dict[str, Any]]:
        """The row and every row a delete of it would take or change through ON DELETE CASCADE / SET
        NULL, as {table, rowid, row, on_delete}: what a repair writes down before it removes the row."""
        row = self.row_dict(table, rowid)
        if row is None:
            return []
        out = [{"table": table, "rowid": rowid, "row": row, "on_delete": "removed"}]
        for child in self.table_names():
            for fk_id, cols in self._foreign_keys_to(child, table).items():
                frm = [c[0] for c in cols]
                to = [c[1] for c in cols]
                if any(t is None for t in to):
                    continue
                on_delete = cols[0][2]
                where = " AND ".join(f"{_quote(f)} = ?" for f in frm)
                for (child_rowid,) in self._conn.execute(
                        f"SELECT rowid FROM {_quote(child)} WHERE {where}", [row[t] for t in to]).fetchall():
                    if on_delete == "CASCADE":
                        out += self.rows_removed_with(child, child_rowid)
                    elif on_delete in ("SET NULL", "SET DEFAULT"):
                        out.append({"table": child, "rowid": child_rowid, "row": self.row_dict(child, child_rowid),
                                    "on_delete": on_delete.lower()})
        return out

    def row_dict(self, table: str, rowid: int) -> Optional[dict[str, Any]]:
        cur = self._conn.execute(f"SELECT * FROM {_quote(table)} WHERE rowid = ?", (rowid,))
        row = cur.fetchone()
        if row is None:
            return None
        return {d[0]: (v.hex() if isinstance(v, bytes) else v) for d, v in zip(cur.description, row)}

    def _foreign_keys_to(self, child: str, parent: str) -> dict[int, list]:
        fks: dict[int, list] = {}
        for fk_id, _seq, other, frm, to, _upd, on_delete, _match in self._conn.execute(
                f"PRAGMA foreign_key_list({_quote(child)})"):
            if other == parent:
                fks.setdefault(fk_id, []).append((frm, to, on_delete))
        return fks

    def papers_maybe_with_markup(self, *, cancelled: Optional[Callable[[], bool]] = None
                                 ) -> list[tuple[int, str, str]]:
        """(id, title, abstract) of the papers whose title or abstract holds a '<' or an '&': the only
        ones that can hold markup (the caller tells which do)."""
        with self._interruptible(cancelled):
            return [tuple(r) for r in self._conn.execute(
                "SELECT id, title, COALESCE(abstract, '') FROM papers WHERE instr(title, '<') OR instr(title, '&')"
                " OR instr(abstract, '<') OR instr(abstract, '&') ORDER BY id")]

    def replace_paper_texts(self, changes: list[dict[str, Any]]) -> int:
        """Set each paper's title (with its ``norm_title``) and abstract to the ``new`` values of
        ``changes`` ({"paper_id", "old": {field: text}, "new": {field: text}}, and with a new abstract
        "highlights": [(id, start, end, new_start, new_end)], "corrections": [(start, end, new_start,
        new_end)], every one of the paper's, moved with it), in one transaction, where the paper still holds
        the ``old`` values and those highlights and corrections (another process may have edited it since
        the check); the search index and the text stamp follow by their triggers. Returns how many were
        changed."""
        done = 0
        with self.transaction() as conn:
            for c in changes:
                old, new, pid = c["old"], c["new"], c["paper_id"]
                now = conn.execute("SELECT title, COALESCE(abstract, '') FROM papers WHERE id = ?",
                                   (pid,)).fetchone()
                if now is None or any(now[i] != old[f] for i, f in enumerate(("title", "abstract")) if f in old):
                    continue
                highlights, corrections = c.get("highlights") or [], c.get("corrections") or []
                if "abstract" in new and not self._annotation_spans_held(conn, pid, highlights, corrections):
                    continue
                cols = {k: v for k, v in new.items() if k in ("title", "norm_title", "abstract")}
                if "title" in cols:
                    cols["title_sort"] = title_sort_key(cols["title"])
                conn.execute(f"UPDATE papers SET {', '.join(f'{k} = ?' for k in cols)} WHERE id = ?",
                             (*cols.values(), pid))
                self._move_annotation_spans(conn, pid, highlights, corrections, now[1])
                done += 1
        return done


    def remove_orphan_rows(self, rows: list[tuple[str, int, str, str]]) -> None:
        """Repair of rows naming a row that no longer exists, each (table, rowid, column, on_delete):
        CASCADE removes the row (and what it takes with it), SET NULL empties the column. The caller
        has written them all down first (:meth:`rows_removed_with`)."""
        try:
            self._remove_orphan_rows(rows)
        except sqlite3.IntegrityError as exc:      # a row it would take along is still needed elsewhere
            raise LibraryError(f"the rows were not removed (nothing changed): {exc}") from exc

    def _remove_orphan_rows(self, rows: list[tuple[str, int, str, str]]) -> None:
        with self.transaction() as conn:
            # the check ran without the write lock: another process may since have removed an orphan and
            # given its rowid to a sound row. Under the lock, each row must still be one SQLite finds
            # naming a missing row, or nothing is changed (the written-down rows would not match either).
            still: dict[str, set[int]] = {}
            for table, rowid, _column, _on_delete in rows:
                if table not in still:
                    still[table] = {r[1] for r in conn.execute(f"PRAGMA foreign_key_check({_quote(table)})")}
                if rowid not in still[table]:
                    raise LibraryError(f"{table} row {rowid} changed since the check (nothing repaired): "
                                       "run the check again")
            for table, rowid, column, on_delete in rows:
                if on_delete == "CASCADE":
                    conn.execute(f"DELETE FROM {_quote(table)} WHERE rowid = ?", (rowid,))
                elif on_delete == "SET NULL" and "," not in column:
                    conn.execute(f"UPDATE {_quote(table)} SET {_quote(column)} = NULL WHERE rowid = ?", (rowid,))


def _make_triggers_again(conn: sqlite3.Connection, names: list[str], allowed: tuple[str, ...]) -> list[str]:
    """The named triggers (of ``allowed``) made again from the migrations' SQL where missing or changed,
    inside the caller's transaction; returns those made."""
    want = _migrated_sql("trigger")
    made = []
    for name in names:
        if name not in allowed or name not in want:
            continue
        have = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (name,)).fetchone()
        if have is not None and _normal(have[0]) == _normal(want[name]):
            continue            # made since the check (another GapScope repaired it meanwhile)
        if have is not None:
            conn.execute(f"DROP TRIGGER {_quote(name)}")
        conn.execute(want[name])
        made.append(name)
    return made


def _migrated_sql(kind: str) -> dict[str, str]:
    """{name: CREATE statement} of the migrations' objects of ``kind`` (index, trigger)."""
    want = migrated_schema()
    try:
        return {n: s for n, s in want.execute("SELECT name, sql FROM sqlite_master WHERE type = ? AND sql IS NOT NULL",
                                              (kind,))}
    finally:
        want.close()


def _without_comments(stmt: str) -> str:
    return "\n".join(line for line in stmt.splitlines() if not line.lstrip().startswith("--")).strip()


def _normal(sql: Optional[str]) -> str:
    return " ".join((sql or "").split())


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
