"""The bibliographic fields a citation needs (the kind of work, its container's field, volume, issue, pages,
publisher, ISBN, ISSN) travel from every importer through the library to every exporter."""

from __future__ import annotations

import csv
import io
import json
import sqlite3

import pytest

import gapscope.store.library as store_lib
from gapscope.exports import export_text
from gapscope.ingest import import_file
from gapscope.store import Library
from gapscope.store.schema import MIGRATIONS

BIB = """@article{smith2020deep,
  title = {Deep Learning for SQL},
  author = {Smith, John},
  journal = {Journal of Important Results},
  year = {2020},
  volume = {12},
  number = {3},
  pages = {100--120},
  issn = {1234-5678},
}
@inproceedings{doe2019,
  title = "Graph Neural Networks: {A} Review",
  author = "Doe, Jane",
  booktitle = {Proceedings of NeurIPS},
  year = 2019,
  publisher = {ACM},
  isbn = {978-1-2345-6789-0},
}
"""

RIS = """TY  - CONF
TI  - A conference paper in RIS
AU  - Roe, Richard
PY  - 2018
T2  - Proceedings of ICML
VL  - 80
SP  - 5
EP  - 9
PB  - PMLR
ER  -
"""

CSL = [{"id": "k1", "type": "chapter", "title": "A chapter in CSL", "container-title": "The Book",
        "issued": {"date-parts": [[2017]]}, "volume": 2, "page": "33-44", "publisher": "Springer",
        "ISBN": "978-3-16-148410-0"}]

CSV = "title,authors,year,journal,Volume,Issue,pages,publisher,Type\nA CSV paper,\"Poe, Ann\",2016,J Things,7,1,1-10,Elsevier,Journal Article\n"


def _library(tmp_path) -> Library:
    lib = Library(tmp_path / "lib.gapscope")
    for name, text in (("in.bib", BIB), ("in.ris", RIS), ("in.json", json.dumps(CSL)), ("in.csv", CSV)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        rep = import_file(lib, tmp_path / name)
        assert rep.errors == [] and rep.added >= 1, (name, rep.errors)
    return lib


# the migrations of a GapScope before papers kept these fields (1410_paper_biblio and those after it)
_BEFORE_BIBLIO = MIGRATIONS[:[name for name, _ in MIGRATIONS].index("1410_paper_biblio")]


def _by_title(lib, title):
    return next(p for p in lib.get_papers(lib.list_paper_ids()) if p.title.startswith(title))


def test_the_importers_keep_kind_volume_issue_pages_publisher_isbn_issn(tmp_path):
    lib = _library(tmp_path)
    try:
        assert _by_title(lib, "Deep Learning").biblio == {"type": "article-journal", "volume": "12", "issue": "3",
                                                          "page": "100-120", "ISSN": "1234-5678"}
        assert _by_title(lib, "Graph Neural").biblio == {"type": "paper-conference", "publisher": "ACM",
                                                         "ISBN": "978-1-2345-6789-0"}
        assert _by_title(lib, "A conference paper").biblio == {"type": "paper-conference", "volume": "80",
                                                               "page": "5-9", "publisher": "PMLR"}
        assert _by_title(lib, "A chapter").biblio == {"type": "chapter", "volume": "2", "page": "33-44",
                                                      "publisher": "Springer", "ISBN": "978-3-16-148410-0"}
        assert _by_title(lib, "A CSV paper").biblio == {"type": "article-journal", "volume": "7", "issue": "1",
                                                        "page": "1-10", "publisher": "Elsevier"}
    finally:
        lib.close()


def test_bibtex_export_keeps_the_entry_type_booktitle_and_the_fields(tmp_path):
    lib = _library(tmp_path)
    try:
        text = export_text(lib, "bibtex", lib.list_paper_ids())
        assert "@article{smith2020deep," in text
        assert "volume = {12}" in text and "number = {3}" in text and "pages = {100--120}" in text
        assert "issn = {1234-5678}" in text
        conf = text[text.index("@inproceedings{doe2019graph,"):]
        conf = conf[:conf.index("\n}\n")]
        assert "booktitle = {Proceedings of NeurIPS}" in conf and "journal" not in conf
        assert "publisher = {ACM}" in conf and "isbn = {978-1-2345-6789-0}" in conf
        assert "@incollection{" in text and "booktitle = {The Book}" in text
    finally:
        lib.close()


def test_ris_csljson_and_csv_exports_carry_the_fields(tmp_path):
    lib = _library(tmp_path)
    try:
        ids = lib.list_paper_ids()
        ris = export_text(lib, "ris", ids)
        conf = ris[ris.index("TI  - Graph Neural"):].split("ER  -")[0]
        assert ris[:ris.index("TI  - Graph Neural")].rstrip().endswith("TY  - CPAPER")
        assert "T2  - Proceedings of NeurIPS" in conf and "PB  - ACM" in conf and "SN  - 978-1-2345-6789-0" in conf
        journal = ris.split("ER  -")[0]
        assert "TY  - JOUR" in journal and "VL  - 12" in journal and "IS  - 3" in journal
        assert "SP  - 100" in journal and "EP  - 120" in journal and "SN  - 1234-5678" in journal

        items = {i["title"]: i for i in json.loads(export_text(lib, "csljson", ids))}
        assert items["Graph Neural Networks: A Review"]["type"] == "paper-conference"
        assert items["Graph Neural Networks: A Review"]["publisher"] == "ACM"
        assert (items["Deep Learning for SQL"]["volume"], items["Deep Learning for SQL"]["page"]) == ("12", "100-120")
        assert items["A chapter in CSL"]["type"] == "chapter"

        rows = {r["title"]: r for r in csv.DictReader(io.StringIO(export_text(lib, "csv", ids)))}
        assert (rows["A conference paper in RIS"]["type"], rows["A conference paper in RIS"]["pages"]) == \
            ("paper-conference", "5-9")
    finally:
        lib.close()


def test_each_export_reads_back_with_the_same_fields(tmp_path):
    lib = _library(tmp_path)
    try:
        ids = lib.list_paper_ids()
        want = {p.title: p.biblio for p in lib.get_papers(ids)}
        for fmt, ext in (("bibtex", "bib"), ("ris", "ris"), ("csljson", "json"), ("csv", "csv")):
            path = tmp_path / f"out.{ext}"
            path.write_text(export_text(lib, fmt, ids), encoding="utf-8")
            fresh = Library(tmp_path / f"fresh-{fmt}.gapscope")
            try:
                assert import_file(fresh, path).errors == []
                got = {p.title: p.biblio for p in fresh.get_papers(fresh.list_paper_ids())}
                assert got == want, fmt
            finally:
                fresh.close()
    finally:
        lib.close()


def test_a_merge_fills_the_fields_the_library_lacks_and_keeps_the_others(tmp_path):
    lib = Library(tmp_path / "lib.gapscope")
    try:
        (tmp_path / "a.bib").write_text("@article{a, title = {One paper}, author = {Poe, Ann}, journal = {J},"
                                        " year = {2020}, volume = {4}, doi = {10.1/x}}\n", encoding="utf-8")
        (tmp_path / "b.bib").write_text("@article{b, title = {One paper}, author = {Poe, Ann}, journal = {J},"
                                        " year = {2020}, volume = {5}, pages = {1--2}, doi = {10.1/x}}\n",
                                        encoding="utf-8")
        import_file(lib, tmp_path / "a.bib")
        assert import_file(lib, tmp_path / "b.bib").merged == 1
        (p,) = lib.get_papers(lib.list_paper_ids())
        assert p.biblio == {"type": "article-journal", "volume": "4", "page": "1-2"}
    finally:
        lib.close()


def _upgraded_library(tmp_path, monkeypatch, *sources):
    """A library made by the GapScope before papers kept these fields, with ``sources`` imported, opened
    (upgraded) by this one."""
    if sqlite3.sqlite_version_info < (3, 35, 0):       # the upgrade itself: test_migration_biblio_portable.py
        pytest.skip("making the old library drops a column (ALTER TABLE DROP COLUMN: SQLite 3.35)")
    path = tmp_path / "old.gapscope"
    with monkeypatch.context() as m:
        m.setattr(store_lib, "MIGRATIONS", _BEFORE_BIBLIO)
        m.setattr("gapscope.store.imports.biblio_json", lambda fields: "")
        old = Library(path)
        conn = sqlite3.connect(str(path / "library.sqlite"))
        conn.execute("ALTER TABLE papers ADD COLUMN biblio TEXT NOT NULL DEFAULT ''")  # to let this import run
        conn.execute("ALTER TABLE papers ADD COLUMN title_sort TEXT NOT NULL DEFAULT ''")   # and the later title key
        conn.commit()
        conn.close()
        for source in sources:
            import_file(old, source)
        old.close()
    conn = sqlite3.connect(str(path / "library.sqlite"))
    conn.execute("ALTER TABLE papers DROP COLUMN biblio")
    conn.execute("ALTER TABLE papers DROP COLUMN title_sort")
    conn.commit()
    conn.close()
    return Library(path)


def test_an_upgraded_library_takes_the_fields_from_its_source_records(tmp_path, monkeypatch):
    (tmp_path / "in.bib").write_text(BIB, encoding="utf-8")
    (tmp_path / "in.ris").write_text(RIS, encoding="utf-8")
    lib = _upgraded_library(tmp_path, monkeypatch, tmp_path / "in.bib", tmp_path / "in.ris")
    try:
        assert _by_title(lib, "Deep Learning").biblio == {"type": "article-journal", "volume": "12", "issue": "3",
                                                          "page": "100-120", "ISSN": "1234-5678"}
        assert _by_title(lib, "Graph Neural").biblio == {"type": "paper-conference", "publisher": "ACM",
                                                         "ISBN": "978-1-2345-6789-0"}
        assert _by_title(lib, "A conference paper").biblio == {"type": "paper-conference", "volume": "80",
                                                               "page": "5-9", "publisher": "PMLR"}
    finally:
        lib.close()


def test_an_upgraded_library_reads_bibtex_markup_out_of_the_fields_as_an_import_does(tmp_path, monkeypatch):
    """The upgrade copies the fields from the BibTeX source records as they were written: braces and escapes
    (``{IEEE} Press``, ``Taylor \\& Francis``) are read out of them, as the importer reads them, so that an
    export does not write them back escaped (``\\textbraceleft{}IEEE...``)."""
    bib = ("@inproceedings{a1,\n  title = {Braced Publisher},\n  author = {Smith, John},\n  year = {2020},\n"
           "  booktitle = {Proc},\n  publisher = {{IEEE} Press},\n  pages = {1--10},\n}\n"
           "@article{a2,\n  title = {Escaped Publisher},\n  author = {Doe, Jane},\n  year = {2021},\n"
           "  journal = {J},\n  publisher = {Taylor \\& Francis},\n  volume = {{12}},\n}\n")
    (tmp_path / "in.bib").write_text(bib, encoding="utf-8")
    lib, fresh = _upgraded_library(tmp_path, monkeypatch, tmp_path / "in.bib"), Library(tmp_path / "fresh.gapscope")
    try:
        import_file(fresh, tmp_path / "in.bib")
        for title in ("Braced Publisher", "Escaped Publisher"):
            assert _by_title(lib, title).biblio == _by_title(fresh, title).biblio
        assert "textbrace" not in export_text(lib, "bibtex", lib.list_paper_ids())
    finally:
        lib.close()
        fresh.close()
