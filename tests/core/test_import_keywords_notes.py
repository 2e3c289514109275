"""Another program's keywords become the paper's tags and its notes the paper's notes (BibTeX keywords /
note / annote, RIS KW / N1, CSV keywords / notes columns), once each; a CSV column GapScope does not read
is named."""

from __future__ import annotations

from gapscope.ingest import import_file

BIB = """@article{smith2020deep,
  title = {Deep Learning for SQL},
  author = {Smith, John},
  year = {2020},
  keywords = {deep learning, sql, cs.LG},
  note = {Important note}
}
"""

RIS = """TY  - JOUR
TI  - A RIS paper
AU  - Roe, Richard
KW  - screening
KW  - active learning
N1  - Read for the review
ER  -
"""

CSV = "title,authors,notes,keywords,label_included\nA CSV paper,\"Poe, Ann\",my note,alpha; beta,1\n"


def _paper(library, title):
    return next(pid for pid in library.list_paper_ids() if library.get_paper(pid).title == title)


def test_keywords_become_tags_and_notes_become_notes(library, tmp_path):
    for name, text in (("in.bib", BIB), ("in.ris", RIS), ("in.csv", CSV)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        import_file(library, tmp_path / name)
    bib = _paper(library, "Deep Learning for SQL")
    assert library.tags_of(bib) == ["deep learning", "sql"]              # cs.LG is a category
    assert library.get_paper(bib).categories == ["cs.LG"]
    assert [n["body"] for n in library.notes_of(bib)] == ["Important note"]
    ris = _paper(library, "A RIS paper")
    assert sorted(library.tags_of(ris)) == ["active learning", "screening"]
    assert [n["body"] for n in library.notes_of(ris)] == ["Read for the review"]
    csv_paper = _paper(library, "A CSV paper")
    assert sorted(library.tags_of(csv_paper)) == ["alpha", "beta"]
    assert [n["body"] for n in library.notes_of(csv_paper)] == ["my note"]


def test_importing_the_file_again_adds_no_second_note(library, tmp_path):
    (tmp_path / "in.bib").write_text(BIB, encoding="utf-8")
    import_file(library, tmp_path / "in.bib")
    import_file(library, tmp_path / "in.bib")
    (tmp_path / "copy.bib").write_text(BIB.replace("smith2020deep", "other"), encoding="utf-8")
    assert import_file(library, tmp_path / "copy.bib").merged == 1
    (pid,) = library.list_paper_ids()
    assert [n["body"] for n in library.notes_of(pid)] == ["Important note"]


def test_a_csv_column_that_is_not_read_is_named(library, tmp_path):
    (tmp_path / "in.csv").write_text(CSV, encoding="utf-8")
    rep = import_file(library, tmp_path / "in.csv")
    (note,) = [w for w in rep.warnings if "not read" in w.message]
    assert note.location == f"{tmp_path / 'in.csv'}:1" and "'label_included'" in note.message
