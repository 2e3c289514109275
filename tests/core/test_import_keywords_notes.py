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


def test_a_bibtex_note_that_is_only_the_arxiv_id_is_the_id_not_a_note(library, tmp_path):
    """Zotero writes an arXiv preprint's id as its BibTeX note ("arXiv:2001.00001 [cs]"), as GapScope's RIS
    export writes it in N1: it is read as the paper's arXiv id, not kept as a note on every such paper; a note
    that says more than the id stays a note and does not give the paper an id."""
    (tmp_path / "in.bib").write_text(
        "@misc{a,\n  title = {A Preprint},\n  author = {Smith, John},\n  year = {2020},\n"
        "  note = {arXiv:2001.00001 [cs]},\n}\n"
        "@misc{b,\n  title = {Another Preprint},\n  author = {Doe, Jane},\n  year = {2021},\n"
        "  note = {arXiv:2101.00002 is the long version},\n}\n", encoding="utf-8")
    import_file(library, tmp_path / "in.bib")
    a, b = _paper(library, "A Preprint"), _paper(library, "Another Preprint")
    assert library.notes_of(a) == [] and library.get_paper(a).arxiv_id == "2001.00001"
    assert [n["body"] for n in library.notes_of(b)] == ["arXiv:2101.00002 is the long version"]
    assert library.get_paper(b).arxiv_id is None


def test_arxiv_categories_among_a_csv_keywords_column_stay_categories(library, tmp_path):
    """As in BibTeX keywords and RIS KW, a CSV keywords column's arXiv categories are the paper's categories,
    not tags."""
    (tmp_path / "in.csv").write_text('title,authors,keywords\nA CSV paper,"Poe, Ann",alpha; cs.LG\n', encoding="utf-8")
    import_file(library, tmp_path / "in.csv")
    pid = _paper(library, "A CSV paper")
    assert library.tags_of(pid) == ["alpha"] and library.get_paper(pid).categories == ["cs.LG"]


def test_a_ris_note_that_names_another_papers_arxiv_id_is_a_note_not_the_id(library, tmp_path):
    """Another program's N1 that starts with an arXiv id and says more ("... is the long version") names
    another paper: it stays a note and does not give the record that id (which would merge it with the paper
    holding it); an N1 that is the id alone is the id."""
    (tmp_path / "in.ris").write_text(
        "TY  - JOUR\nTI  - The short version\nAU  - Roe, Richard\nN1  - arXiv:2101.00002 is the long version\nER  -\n"
        "TY  - JOUR\nTI  - A preprint\nAU  - Poe, Ann\nN1  - arXiv:2001.00001 [cs]\nER  -\n", encoding="utf-8")
    import_file(library, tmp_path / "in.ris")
    short, pre = _paper(library, "The short version"), _paper(library, "A preprint")
    assert library.get_paper(short).arxiv_id is None
    assert [n["body"] for n in library.notes_of(short)] == ["arXiv:2101.00002 is the long version"]
    assert library.get_paper(pre).arxiv_id == "2001.00001" and library.notes_of(pre) == []
