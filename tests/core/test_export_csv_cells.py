"""The CSV export read back by GapScope's CSV import: tags come back, cells that would open as spreadsheet
formulas are guarded on the way out and unguarded on the way in; a tag named like an arXiv category stays a
tag in every export format."""

from __future__ import annotations

import csv

import pytest
from click.testing import CliRunner

from gapscope.cli import main
from gapscope.csvcells import guard, join_tags, split_tags, unguard
from gapscope.exports import export_text
from gapscope.ingest import import_file
from gapscope.store import Library

_BIB = ("@article{doe, title = {A study of things}, author = {Doe, Jane}, year = {2020}, journal = {J},"
        " doi = {10.1000/things}}\n"
        "@misc{roe, title = {A preprint}, author = {Roe, Ann}, year = {2023}, eprint = {2301.00001},"
        " archivePrefix = {arXiv}, primaryClass = {cs.CL}, keywords = {cs.CL, cs.AI}}\n")


def _library(tmp_path, bib: str = _BIB) -> Library:
    path = tmp_path / "in.bib"
    path.write_text(bib, encoding="utf-8")
    lib = Library(tmp_path / "orig.sqlite")
    import_file(lib, path)
    return lib


def _csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(text.splitlines()))


_TRICKY = ["-1 is not a prime", "=1+1", "+44 phones", "@home", "'=already quoted", "''=twice", "'tis the season",
           "'", "-", "plain", "", "a=b", "\t=x", "\r-y", "'\t"]


@pytest.mark.parametrize("text", _TRICKY)
def test_a_guarded_cell_never_starts_a_formula_and_unguards_to_the_same_text(text):
    cell = guard(text)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert unguard(cell) == text
    assert (cell == text) == (not text.lstrip("'").startswith(("=", "+", "-", "@", "\t", "\r")))


def test_tags_in_one_cell_come_back_whole():
    tags = ["to read", "a; b", "back\\slash", "ends with\\", "semi;", "cs.LG", ";"]
    cell = join_tags(tags)
    assert split_tags(cell) == tags
    assert join_tags(["to read", "seed"]) == "to read; seed"     # what a spreadsheet shows
    assert split_tags("") == [] and split_tags(" a ;  ; b") == ["a", "b"]


def test_a_csv_export_read_back_keeps_the_tags_and_the_categories_apart(tmp_path):
    """The tags column of GapScope's CSV comes back as the papers' tags (added to a fresh library, and to
    the papers themselves on a re-import), a tag named like a category included; the categories stay the
    categories."""
    lib = _library(tmp_path)
    doe, roe = lib.get_papers(lib.list_paper_ids())
    lib.add_tag([doe.id], "cs.LG")             # named like a category, on a paper without any
    lib.add_tag([roe.id], "math")
    lib.add_tag([roe.id], "to read; later")
    lib.add_tag([doe.id, roe.id], "seed")
    path = tmp_path / "table.csv"
    path.write_text(export_text(lib, "csv", [doe.id, roe.id]), encoding="utf-8")
    fresh = Library(tmp_path / "fresh.sqlite")
    rep = import_file(fresh, path)
    assert (rep.added, rep.errors) == (2, [])
    back_doe, back_roe = fresh.get_papers(rep.added_ids)
    assert (back_doe.categories, back_roe.categories) == ([], ["cs.CL", "cs.AI"])
    assert fresh.tags_of(back_doe.id) == lib.tags_of(doe.id) == ["cs.LG", "seed"]
    assert fresh.tags_of(back_roe.id) == lib.tags_of(roe.id)
    lib.remove_tag([doe.id], "seed")
    assert import_file(lib, path).merged == 2 and lib.tags_of(doe.id) == ["cs.LG", "seed"]   # added, never removed
    fresh.close()
    lib.close()


@pytest.mark.parametrize("fmt,ext", [("bibtex", "bib"), ("ris", "ris"), ("csljson", "json"), ("csv", "csv")])
def test_a_tag_named_like_a_category_comes_back_as_a_tag_in_every_format(tmp_path, fmt, ext):
    """Right after the categories (BibTeX keywords, RIS KW), or as a paper's only keyword, "cs.LG" and "math"
    are the user's tags: they come back as tags, never as categories (CSL-JSON carries no tags: it adds no
    category either)."""
    lib = _library(tmp_path)
    doe, roe = lib.get_papers(lib.list_paper_ids())
    for pid in (doe.id, roe.id):
        lib.add_tag([pid], "cs.LG")
        lib.add_tag([pid], "math")
    path = tmp_path / f"out.{ext}"
    path.write_text(export_text(lib, fmt, [doe.id, roe.id]), encoding="utf-8")
    fresh = Library(tmp_path / "fresh.sqlite")
    rep = import_file(fresh, path)
    back = fresh.get_papers(rep.added_ids)
    assert [p.categories for p in back] == [[], ["cs.CL", "cs.AI"]]
    want = [] if fmt == "csljson" else ["cs.LG", "math"]
    assert [fresh.tags_of(p.id) for p in back] == [want, want]
    fresh.close()
    lib.close()


def test_an_older_export_without_the_tag_marks_reads_as_before(tmp_path):
    """A BibTeX or RIS export written before tags were marked (no braces, the tags' KW before DB): the
    leading category-like keywords are categories, as they always were."""
    bib = tmp_path / "old.bib"
    bib.write_text("@comment{GapScope export}\n@misc{roe2023preprint,\n  title = {A preprint},\n  year = {2023},\n"
                   "  eprint = {2301.00001},\n  archivePrefix = {arXiv},\n  primaryClass = {cs.CL},\n"
                   "  keywords = {cs.CL, cs.AI, to read}\n}\n", encoding="utf-8")
    ris = tmp_path / "old.ris"
    ris.write_text("TY  - GEN\nTI  - Another preprint\nPY  - 2023\nKW  - cs.CL\nKW  - cs.AI\nKW  - to read\n"
                   "DB  - GapScope\nER  - \n", encoding="utf-8")
    lib = Library(tmp_path / "lib.sqlite")
    for path in (bib, ris):
        [pid] = import_file(lib, path).added_ids
        assert (lib.get_paper(pid).categories, lib.tags_of(pid)) == (["cs.CL", "cs.AI"], ["to read"])
    lib.close()


def test_no_tags_notes_leaves_the_tags_column_out_of_the_csv(tmp_path):
    """`gapscope export csv --no-tags-notes` writes no tags column at all (as BibTeX and RIS leave out
    their keywords); every other column stays, and the table still reads back."""
    lib = _library(tmp_path)
    doe, roe = lib.get_papers(lib.list_paper_ids())
    lib.add_tag([doe.id], "to read")
    lib.close()
    run = lambda *extra: CliRunner().invoke(main, ["--library", str(tmp_path / "orig.sqlite"), "export", "csv",
                                                   "-o", "-", *extra])
    with_tags, without = run(), run("--no-tags-notes")
    assert with_tags.exit_code == 0 and without.exit_code == 0, (with_tags.output, without.output)
    assert "tags" in _csv_rows(with_tags.output)[0] and "to read" in with_tags.output
    rows = _csv_rows(without.output)
    assert "tags" not in rows[0] and "to read" not in without.output
    assert [r["title"] for r in rows] == [r["title"] for r in _csv_rows(with_tags.output)]
    path = tmp_path / "bare.csv"
    path.write_text(without.output, encoding="utf-8")
    fresh = Library(tmp_path / "fresh.sqlite")
    rep = import_file(fresh, path)
    assert (rep.added, rep.errors) == (2, [])
    assert all(fresh.tags_of(pid) == [] for pid in rep.added_ids)
    fresh.close()


def test_csv_cells_that_would_open_as_formulas_are_guarded_and_read_back_unchanged(tmp_path):
    """A title, author, abstract or tag that starts with = + - @ is written with a quote before it (a
    spreadsheet shows it as text, never runs it); GapScope's CSV import takes exactly that quote away, so a
    title starting with a quote of its own survives too."""
    lib = _library(tmp_path, "@article{a, title = {-1 is not a prime}, author = {Doe, Jane}, year = {2020},"
                             " journal = {=HYPERLINK(1)}, abstract = {=cmd|' /C calc'!A0 and more}}\n"
                             "@article{b, title = {'=Quoted on purpose}, author = {Roe, Ann}, year = {2021},"
                             " abstract = {@SUM(1+1)}}\n"
                             "@article{c, title = {'Tis the season}, author = {Poe, Ed}, year = {2022}}\n")
    ids = lib.list_paper_ids()
    lib.add_tag(ids[:1], "+1 vote")
    lib.add_tag(ids[1:2], "@mention")
    path = tmp_path / "table.csv"
    r = CliRunner().invoke(main, ["--library", str(lib.path), "export", "csv", "-o", str(path)])
    assert r.exit_code == 0, r.output
    rows = _csv_rows(path.read_text(encoding="utf-8"))
    cells = [c for row in rows for c in row.values()]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert [row["title"] for row in rows] == ["'-1 is not a prime", "''=Quoted on purpose", "'Tis the season"]
    assert (rows[0]["venue"], rows[0]["tags"], rows[1]["abstract"]) == ("'=HYPERLINK(1)", "'+1 vote", "'@SUM(1+1)")
    originals = lib.get_papers(ids)
    fresh = Library(tmp_path / "fresh.sqlite")
    rep = import_file(fresh, path)
    back = fresh.get_papers(rep.added_ids)
    for orig, got in zip(originals, back):
        assert (got.title, got.abstract, got.venue, got.authors) == (orig.title, orig.abstract, orig.venue,
                                                                     orig.authors)
        assert fresh.tags_of(got.id) == lib.tags_of(orig.id)
    assert import_file(lib, path).merged == 3 and lib.list_paper_ids() == ids   # the same papers, no new one
    fresh.close()
    lib.close()


def test_another_programs_csv_keeps_its_quotes_and_brings_no_tags(tmp_path, library):
    """Only GapScope's own export is unguarded: another table's leading quote is its text, and its tags
    column is not the library's tags."""
    path = tmp_path / "other.csv"
    path.write_text("title,year,tags\n'-1 is not a prime,2020,to read\n", encoding="utf-8")
    [pid] = import_file(library, path).added_ids
    assert (library.get_paper(pid).title, library.tags_of(pid)) == ("'-1 is not a prime", [])


def test_the_triage_export_guards_its_cells_too(tmp_path):
    lib = _library(tmp_path, "@article{a, title = {=1+1 formulas in titles}, author = {Doe, Jane}, year = {2020}}\n")
    [pid] = lib.list_paper_ids()
    run = lambda *a: CliRunner().invoke(main, ["--library", str(lib.path), *a])  # noqa: E731
    assert run("triage", "reasons", "add", "@wrong population").exit_code == 0
    assert run("triage", "decide", str(pid), "exclude", "--reason", "@wrong population").exit_code == 0
    out = run("triage", "export", "-o", str(tmp_path / "decisions.csv"))
    assert out.exit_code == 0, out.output
    [row] = _csv_rows((tmp_path / "decisions.csv").read_text(encoding="utf-8"))
    assert (row["title"], row["reason"]) == ("'=1+1 formulas in titles", "'@wrong population")
    lib.close()


_NAMES = ["Ann Lee", "Research; Development Group", "Martin Luther King, Jr.", "Ann and Bo Lab", "back\\slash",
          "ends with\\", "; semi first", "Ørsted, H. C."]


def test_every_author_name_comes_back_exactly_through_the_csv_export(tmp_path):
    """GapScope's CSV export read back: a name with a ";" is one name (the library, which keeps its names
    "; "-joined, and the export made it two), a name with " and " is not split, a "Family, Given" name is not
    turned around (the export writes the library's names as they are), backslashes stay; into a fresh
    library and into the library itself (merged, unchanged)."""
    from gapscope.ingest import ingest_papers
    from gapscope.models import Paper

    lib = Library(tmp_path / "orig.sqlite")
    papers = [Paper(title="A paper by many hands", authors=_NAMES, year=2024, source="test", source_key="a"),
              Paper(title="A paper by one odd name", authors=["Lab; Group"], year=2024, source="test", source_key="b")]
    ingest_papers(lib, papers, kind="import", source="test", target="names")
    ids = lib.list_paper_ids()
    assert [p.authors for p in lib.get_papers(ids)] == [_NAMES, ["Lab; Group"]]     # the library keeps them too
    text = export_text(lib, "csv", ids)
    assert "Research\\; Development Group" in text              # what a spreadsheet shows: readable
    path = tmp_path / "table.csv"
    path.write_text(text, encoding="utf-8")
    fresh = Library(tmp_path / "fresh.sqlite")
    rep = import_file(fresh, path)
    assert (rep.added, rep.errors) == (2, [])
    assert [p.authors for p in fresh.get_papers(rep.added_ids)] == [_NAMES, ["Lab; Group"]]
    rep = import_file(lib, path)
    assert rep.merged + rep.unchanged == 2 and [p.authors for p in lib.get_papers(ids)] == [_NAMES, ["Lab; Group"]]
    fresh.close()
    lib.close()


def test_an_older_csv_export_and_another_programs_table_read_their_authors_as_before(tmp_path, library):
    """An export written before names were escaped: its "; "-separated names come back, a backslash in one
    kept. Another program's table is split at ";" and " and ", "Family, Given" turned around, as always."""
    old = tmp_path / "old.csv"
    old.write_text("id,title,authors,year,source\n1,An older export,Ann Lee; Bo Chen; A\\B Ng,2020,GapScope\n",
                   encoding="utf-8")
    other = tmp_path / "other.csv"
    other.write_text("title,authors,year\nA table from elsewhere,\"Lee, Ann; Chen, Bo and Ng, Cy\",2021\n",
                     encoding="utf-8")
    [a] = import_file(library, old).added_ids
    [b] = import_file(library, other).added_ids
    assert library.get_paper(a).authors == ["Ann Lee", "Bo Chen", "A\\B Ng"]
    assert library.get_paper(b).authors == ["Ann Lee", "Bo Chen", "Cy Ng"]


def test_author_names_in_one_cell_come_back_whole():
    from gapscope.csvcells import join_authors, split_authors

    assert split_authors(join_authors(_NAMES)) == _NAMES
    assert join_authors(["Ann Lee", "Bo Chen"]) == "Ann Lee; Bo Chen"       # as before for plain names
    assert split_authors("Ann Lee; X;Y") == ["Ann Lee", "X;Y"]             # a name kept before escapes were
