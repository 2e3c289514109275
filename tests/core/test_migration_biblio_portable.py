"""Migration 1410_paper_biblio, rewritten without UPDATE ... FROM (SQLite 3.33) so that an older SQLite
upgrades a library too, gives the papers the same rows as the statement it was released with."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest

import gapscope.store.library as store_lib
from gapscope.ingest import import_file
from gapscope.store import Library
from gapscope.store.library import _split_sql
from gapscope.store.schema import MIGRATIONS
from gapscope.store.sqlite_support import parse_version
from tests.core.test_export_biblio import BIB, CSL, RIS

NAMES = [name for name, _ in MIGRATIONS]
BEFORE_1410 = MIGRATIONS[:NAMES.index("1410_paper_biblio")]   # the library as the GapScope before it left it
MIGRATION_1410 = dict(MIGRATIONS)["1410_paper_biblio"]

# 1410 as released (SQLite 3.33 and newer only), kept word for word: the reference the rewrite must match
RELEASED_1410 = """
        ALTER TABLE papers ADD COLUMN biblio TEXT NOT NULL DEFAULT '';
        UPDATE papers SET biblio = r.b FROM (
            SELECT paper_id, b, min(id) FROM (
                SELECT s.paper_id, s.id, json_patch('{}', CASE s.source
                    WHEN 'bibtex' THEN json_object(
                        'type', CASE lower(json_extract(s.data, '$.ENTRYTYPE'))
                            WHEN 'article' THEN 'article-journal' WHEN 'inproceedings' THEN 'paper-conference'
                            WHEN 'conference' THEN 'paper-conference' WHEN 'book' THEN 'book'
                            WHEN 'proceedings' THEN 'book' WHEN 'incollection' THEN 'chapter'
                            WHEN 'inbook' THEN 'chapter' WHEN 'phdthesis' THEN 'thesis'
                            WHEN 'mastersthesis' THEN 'thesis' WHEN 'techreport' THEN 'report'
                            WHEN 'unpublished' THEN 'manuscript' END,
                        'volume', json_extract(s.data, '$.volume'), 'issue', json_extract(s.data, '$.number'),
                        'page', replace(replace(json_extract(s.data, '$.pages'), '---', '-'), '--', '-'),
                        'publisher', json_extract(s.data, '$.publisher'), 'ISBN', json_extract(s.data, '$.isbn'),
                        'ISSN', json_extract(s.data, '$.issn'))
                    WHEN 'ris' THEN json_object(
                        'type', CASE json_extract(s.data, '$.TY[0]')
                            WHEN 'JOUR' THEN 'article-journal' WHEN 'CONF' THEN 'paper-conference'
                            WHEN 'CPAPER' THEN 'paper-conference' WHEN 'BOOK' THEN 'book' WHEN 'CHAP' THEN 'chapter'
                            WHEN 'THES' THEN 'thesis' WHEN 'RPRT' THEN 'report' WHEN 'UNPB' THEN 'manuscript' END,
                        'volume', json_extract(s.data, '$.VL[0]'), 'issue', json_extract(s.data, '$.IS[0]'),
                        'page', json_extract(s.data, '$.SP[0]')
                                || coalesce('-' || json_extract(s.data, '$.EP[0]'), ''),
                        'publisher', json_extract(s.data, '$.PB[0]'))
                    WHEN 'csljson' THEN json_object(
                        'type', CASE WHEN json_extract(s.data, '$.type') IN ('article-journal',
                            'paper-conference', 'book', 'chapter', 'thesis', 'report', 'manuscript')
                            THEN json_extract(s.data, '$.type') END,
                        'volume', json_extract(s.data, '$.volume'), 'issue', json_extract(s.data, '$.issue'),
                        'page', json_extract(s.data, '$.page'),
                        'publisher', CASE WHEN lower(json_extract(s.data, '$.publisher')) != 'arxiv'
                            THEN json_extract(s.data, '$.publisher') END,
                        'ISBN', json_extract(s.data, '$.ISBN'), 'ISSN', json_extract(s.data, '$.ISSN'))
                    END) AS b
                FROM source_records s WHERE s.source IN ('bibtex', 'ris', 'csljson') AND json_valid(s.data))
            WHERE b != '{}' GROUP BY paper_id) AS r
        WHERE r.paper_id = papers.id;
"""

# beyond test_export_biblio's files: a record without the fields, a publisher in BibTeX markup (1420 reads
# it out after 1410)
BIB_MORE = """@misc{plain2018,
  title = {A Record With No Bibliographic Fields},
  author = {Poe, Ann},
  year = {2018},
}
@book{braced2010,
  title = {A Braced Publisher},
  author = {Loe, Lou},
  year = {2010},
  publisher = {{IEEE} Press},
}
"""
# the same article again from another file: a second BibTeX record of one paper, with other fields
BIB_AGAIN = """@article{smith2020again,
  title = {Deep Learning for SQL},
  author = {Smith, John},
  journal = {Journal of Important Results},
  year = {2020},
  volume = {99},
  pages = {1---2},
}
"""
RIS_MORE = """TY  - JOUR
TI  - A journal paper without an end page
AU  - Coe, Carl
PY  - 2015
SP  - 77
ER  -
"""
CSL_MORE = [{"id": "k2", "type": "article", "title": "A preprint in CSL", "issued": {"date-parts": [[2021]]},
             "publisher": "arXiv", "volume": "7"}]


def _library_before_1410(tmp_path, monkeypatch):
    """The database file of a library at the schema before 1410 (the GapScope that did not keep these fields),
    holding the papers and source records that imports of BibTeX, RIS and CSL-JSON files make, and records an
    import would not write (not JSON, an unknown source)."""
    files = {"a.bib": BIB, "b.bib": BIB_AGAIN, "c.bib": BIB_MORE, "d.ris": RIS, "e.ris": RIS_MORE,
             "f.json": json.dumps(CSL), "g.json": json.dumps(CSL_MORE)}
    fresh = Library(tmp_path / "fresh.gapscope")
    try:
        for name, text in files.items():
            (tmp_path / name).write_text(text, encoding="utf-8")
            rep = import_file(fresh, tmp_path / name)
            assert rep.errors == [], (name, rep.errors)
        papers = fresh._conn.execute("SELECT id, title, norm_title, added_at FROM papers ORDER BY id").fetchall()
        records = fresh._conn.execute("SELECT id, paper_id, source, source_key, seen_at, data FROM source_records"
                                      " ORDER BY id").fetchall()
    finally:
        fresh.close()
    path = tmp_path / "old.gapscope"
    with monkeypatch.context() as m:
        m.setattr(store_lib, "MIGRATIONS", BEFORE_1410)
        Library(path).close()
    first = papers[0][0]
    records += [(1001, first, "bibtex", "broken#1", "2020-01-01", "{not json"),
                (1002, first, "scholar", "s#1", "2020-01-01", json.dumps({"volume": "5"}))]
    conn = sqlite3.connect(str(path / "library.sqlite"))
    try:
        with conn:
            conn.executemany("INSERT INTO papers (id, title, norm_title, added_at) VALUES (?, ?, ?, ?)", papers)
            conn.executemany("INSERT INTO source_records (id, paper_id, source, source_key, seen_at, data)"
                             " VALUES (?, ?, ?, ?, ?, ?)", records)
        merged = conn.execute("SELECT count(*) FROM (SELECT paper_id FROM source_records WHERE source = 'bibtex'"
                              " AND json_valid(data) GROUP BY paper_id HAVING count(*) > 1)").fetchone()[0]
    finally:
        conn.close()
    assert merged == 1            # the article's two BibTeX records: the first one's fields are taken
    return path / "library.sqlite"


def _papers_after(db, tmp_path, name, sql):
    copy = tmp_path / name
    shutil.copyfile(db, copy)
    conn = sqlite3.connect(str(copy), isolation_level=None)
    try:
        conn.execute("BEGIN")
        for stmt in _split_sql(sql):
            conn.execute(stmt)
        conn.execute("COMMIT")
        return conn.execute("SELECT * FROM papers ORDER BY id").fetchall()
    finally:
        conn.close()


@pytest.mark.skipif(parse_version(sqlite3.sqlite_version) < (3, 33, 0),
                    reason="the released 1410 (UPDATE ... FROM) needs SQLite 3.33 to run as the reference")
def test_the_rewritten_1410_gives_the_rows_the_released_one_gave(tmp_path, monkeypatch):
    db = _library_before_1410(tmp_path, monkeypatch)
    released = _papers_after(db, tmp_path, "released.sqlite", RELEASED_1410)
    rewritten = _papers_after(db, tmp_path, "rewritten.sqlite", MIGRATION_1410)
    assert rewritten == released
    biblio = [json.loads(row[-1]) for row in released if row[-1]]
    assert len(biblio) >= 5 and len(biblio) < len(released)     # the comparison covers both kinds of paper


def test_a_library_before_1410_opens_with_the_fields_of_its_first_record(tmp_path, monkeypatch):
    """The upgrade itself, on this SQLite (3.31 too): each paper takes its first BibTeX, RIS or CSL-JSON
    record that has fields; a record that is not JSON, or of another source, gives none."""
    db = _library_before_1410(tmp_path, monkeypatch)
    with Library(db.parent) as lib:
        by_title = {p.title: p.biblio for p in lib.get_papers(lib.list_paper_ids())}
        assert lib.applied_migrations() == NAMES
    assert by_title["Deep Learning for SQL"] == {"type": "article-journal", "volume": "12", "issue": "3",
                                                 "page": "100-120", "ISSN": "1234-5678"}
    assert by_title["A Braced Publisher"] == {"type": "book", "publisher": "IEEE Press"}      # 1420 after it
    assert by_title["A journal paper without an end page"] == {"type": "article-journal", "page": "77"}
    assert by_title["A chapter in CSL"]["volume"] == "2"
    assert "publisher" not in by_title["A preprint in CSL"]
    assert not by_title["A Record With No Bibliographic Fields"]
