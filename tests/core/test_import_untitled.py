"""A record without a title but with an abstract or an identifier is imported under a placeholder title,
with a warning by file and line, and is never merged with another record by that placeholder."""

import json

from gapscope.ingest import import_file
from gapscope.models import Paper, RecordError, RecordWarning, is_untitled
from gapscope.sources.csljson import read_csl_json
from gapscope.sources.files import read_bibtex, read_csv, read_ris
from gapscope.textfmt import plural

ABSTRACT_A = ("Methylphenidate was given to forty children with attention deficit disorder in a crossover trial "
              "and their teachers rated the effect on classroom behaviour over eight weeks.")
# The same first twelve words (so the same placeholder title), then another study.
ABSTRACT_B = ("Methylphenidate was given to forty children with attention deficit disorder in a crossover trial "
              "and sleep onset was measured by actigraphy at home for two weeks.")


def _kinds(records):
    return ([r for r in records if isinstance(r, Paper)], [r for r in records if isinstance(r, RecordWarning)],
            [r for r in records if type(r) is RecordError])


def test_csv_rows_without_title_get_a_placeholder_and_a_warning(tmp_path):
    path = tmp_path / "screen.csv"
    path.write_text("record_id,pubmedID,title,abstract\n"
                    f'1,111,,"{ABSTRACT_A}"\n'
                    "2,11483144,,\n"
                    "3,,,\n", encoding="utf-8")
    papers, warnings, errors = _kinds(list(read_csv(path)))
    assert [p.title for p in papers] == [
        "[untitled] Methylphenidate was given to forty children with attention deficit disorder in a\u2026",
        "[untitled] PMID 11483144"]
    assert papers[0].abstract == ABSTRACT_A
    assert [w.location for w in warnings] == [f"{path}:2", f"{path}:3"]
    assert "no title: imported as \u201c[untitled] PMID 11483144\u201d" in warnings[1].message
    # Neither title, abstract nor identifier: still a bad record, named by its line.
    assert [str(e) for e in errors] == [f"{path}:4: row has no title, abstract or identifier (DOI, PMID, arXiv id)"]


def test_ris_bibtex_and_csl_json_records_without_title(tmp_path):
    ris = tmp_path / "refs.ris"
    ris.write_text(f"TY  - JOUR\nAB  - {ABSTRACT_A}\nER  - \n\n"
                   "TY  - JOUR\nDB  - PubMed\nAN  - 11483144\nER  - \n\n"
                   "TY  - JOUR\nAU  - Nobody\nER  - \n", encoding="utf-8")
    papers, warnings, errors = _kinds(list(read_ris(ris)))
    assert [p.title for p in papers][1] == "[untitled] PMID 11483144" and is_untitled(papers[0].title)
    assert [w.location for w in warnings] == [f"{ris}:1", f"{ris}:5"] and len(errors) == 1
    bib = tmp_path / "refs.bib"
    bib.write_text("@article{a, doi = {10.1000/xyz}, year = {2001}}\n@article{b, year = {2001}}\n", encoding="utf-8")
    papers, warnings, errors = _kinds(list(read_bibtex(bib)))
    assert [p.title for p in papers] == ["[untitled] DOI 10.1000/xyz"] and [w.location for w in warnings] == [f"{bib}:1"]
    assert [e.location for e in errors] == [f"{bib}:2"]
    csl = tmp_path / "refs.json"
    csl.write_text(json.dumps([{"id": "x", "abstract": ABSTRACT_B}, {"id": "y"}], indent=1), encoding="utf-8")
    papers, warnings, errors = _kinds(list(read_csl_json(csl)))
    assert is_untitled(papers[0].title) and len(warnings) == 1
    assert errors[0].message.startswith("item 2 of the array (id 'y') has no title, abstract")


def test_csl_items_on_one_line_are_named_by_their_place_in_the_array(tmp_path):
    """A CSL-JSON array written on one line (json.dump, pandoc) gives every item line 1: a bad item is
    named by its place in the array (and its id when it has one), so that it can be found."""
    csl = tmp_path / "refs.json"
    csl.write_text(json.dumps([{"title": "A paper"}, {"note": "no title"}, 5, {"id": "k7", "note": "x"}]),
                   encoding="utf-8")
    papers, _, errors = _kinds(list(read_csl_json(csl)))
    assert [p.title for p in papers] == ["A paper"]
    assert [str(e) for e in errors] == [
        f"{csl}:1: item 2 of the array has no title, abstract or identifier (DOI, PMID, arXiv id)",
        f"{csl}:1: item 3 of the array is not a JSON object but a number",
        f"{csl}:1: item 4 of the array (id 'k7') has no title, abstract or identifier (DOI, PMID, arXiv id)"]


def test_untitled_records_merge_by_an_identifier_only(library, tmp_path):
    path = tmp_path / "screen.csv"
    path.write_text("record_id,title,abstract,doi\n"
                    f'1,,"{ABSTRACT_A}",\n'
                    f'2,,"{ABSTRACT_B}",\n'
                    "3,Stimulant medication in children with ADHD,Full abstract.,10.1000/adhd.1\n"
                    "4,,A short abstract of the same paper.,10.1000/ADHD.1\n", encoding="utf-8")
    rep = import_file(library, path)
    # Two different studies under the same placeholder title stay two papers; the untitled record
    # with the titled record's DOI is that paper.
    assert (rep.added, rep.merged, rep.errors) == (3, 1, [])
    assert len([w for w in rep.warnings if "no title" in w.message]) == 3
    (pid,) = library.list_paper_ids(query='"Stimulant medication"')
    assert library.get_paper(pid).title == "Stimulant medication in children with ADHD"
    assert len(library.source_records(pid)) == 2
    # An untitled paper already in the library is not a title match for a later untitled record either.
    again = tmp_path / "again.csv"
    again.write_text(f'title,abstract\n,"{ABSTRACT_A} Follow-up."\n', encoding="utf-8")
    assert import_file(library, again).added == 1


def test_a_placeholder_title_gives_way_to_the_real_title_of_a_later_record(library, tmp_path):
    first = tmp_path / "screen.csv"
    first.write_text("title,abstract,doi,arxiv_id\n"
                     f',"{ABSTRACT_A}",10.1000/adhd.1,\n'
                     ",,,2501.01234\n", encoding="utf-8")
    assert import_file(library, first).added == 2
    by_doi, by_arxiv = library.list_paper_ids()
    assert is_untitled(library.get_paper(by_doi).title) and is_untitled(library.get_paper(by_arxiv).title)
    later = tmp_path / "later.ris"
    later.write_text("TY  - JOUR\nTI  - Stimulant medication in children with ADHD\nDO  - 10.1000/ADHD.1\nER  - \n\n"
                     "TY  - JOUR\nTI  - Sparse attention for long documents\nUR  - https://arxiv.org/abs/2501.01234v2\n"
                     "ER  - \n", encoding="utf-8")
    rep = import_file(library, later)
    assert (rep.added, rep.merged) == (0, 2)
    assert library.get_paper(by_doi).title == "Stimulant medication in children with ADHD"
    assert library.get_paper(by_arxiv).title == "Sparse attention for long documents"
    # the merge says so, and the record that brought the title is kept with the paper's others
    assert all("its title replaces the placeholder" in m for m in rep.merges)
    assert [s["source"] for s in library.source_records(by_doi)] == ["csv", "ris"]
    # the new title is searched and matched like any imported one; a real title is never replaced
    assert library.list_paper_ids(query='"Stimulant medication"') == [by_doi]
    third = tmp_path / "third.csv"
    third.write_text("title,doi\nA different title for the same DOI,10.1000/adhd.1\n"
                     "Stimulant medication in children with ADHD,\n", encoding="utf-8")
    rep = import_file(library, third)
    assert (rep.added, rep.merged) == (0, 2)
    assert library.get_paper(by_doi).title == "Stimulant medication in children with ADHD"


def test_a_title_edited_by_hand_replaces_the_placeholder(library, tmp_path):
    from click.testing import CliRunner

    from gapscope.cli import main
    from gapscope.editing import EditError, set_title

    path = tmp_path / "screen.csv"
    path.write_text(f'title,abstract,doi\n,"{ABSTRACT_A}",10.1000/adhd.1\n', encoding="utf-8")
    import_file(library, path)
    (pid,) = library.list_paper_ids()
    for bad in ("   ", "[untitled] Methylphenidate", "x" * 4001):
        try:
            set_title(library, pid, bad)
        except EditError:
            pass
        else:
            raise AssertionError(f"{bad[:20]!r} was taken as a title")
    assert is_untitled(library.get_paper(pid).title)
    typed = "  Methylphenidate   in a classroom\ttrial "
    assert set_title(library, pid, typed) == "Methylphenidate in a classroom trial"
    assert library.list_paper_ids(query="classroom") == [pid]
    # a later record of the paper matches it by the new title, and keeps it
    again = tmp_path / "again.csv"
    again.write_text("title,venue\nMethylphenidate in a classroom trial,Pediatrics\n", encoding="utf-8")
    assert (import_file(library, again).merged, library.get_paper(pid).venue) == (1, "Pediatrics")
    # the CLI does the same, by library id, arXiv id or DOI, and refuses an empty title by name
    cli = lambda *a: CliRunner().invoke(main, ["--library", str(library.path), "papers", "edit", *a])  # noqa: E731
    r = cli("10.1000/adhd.1", "--title", "Methylphenidate and classroom behaviour")
    assert r.exit_code == 0, r.output
    assert "'Methylphenidate in a classroom trial' -> 'Methylphenidate and classroom behaviour'" in r.output
    r = cli(str(pid), "--title", " ")
    assert r.exit_code == 2 and f"paper #{pid}: a title cannot be empty" in r.output
    assert cli("999", "--title", "X").exit_code == 4
    library.close()
    from gapscope.store import Library

    with Library(library.path) as reopened:
        assert reopened.get_paper(pid).title == "Methylphenidate and classroom behaviour"


def test_a_reimport_does_not_repeat_the_notes_of_records_already_imported(library, shared_data):
    """Importing the same export twice: the second run finds every record already there and repeats none of
    the first run's notes on them ("no title: ..."); it counts them instead. A new record's note still shows."""
    import shutil

    from click.testing import CliRunner

    from gapscope.cli import main

    path = library.path.parent / "cohen2006-adhd.csv"
    shutil.copy(shared_data / "screening" / path.name, path)
    first = import_file(library, path)
    untitled = [w for w in first.warnings if "no title" in w.message]
    assert untitled and first.known_notes == 0
    again = import_file(library, path)
    assert again.unchanged == first.read and again.added == 0
    assert not [w for w in again.warnings if "no title" in w.message]
    assert again.known_notes >= len(untitled)
    res = CliRunner().invoke(main, ["--library", str(library.path), "import", str(path)])
    assert "no title" not in res.output and f"{plural(again.known_notes, 'note')} on records already there" in res.output
    # a record the library lacks keeps its note, in the same file grown by a row
    grown = path
    ends = grown.read_text(encoding="utf-8").endswith("\n")
    with open(grown, "a", encoding="utf-8") as f:   # record_id,pubmedID,title,authors,abstract,year,labels
        f.write(("" if ends else "\n") + f'999999,,,,"{ABSTRACT_B}",2001,0,0\n')
    third = import_file(library, grown)
    assert third.added == 1 and [w.location for w in third.warnings if "no title" in w.message] == [
        f"{grown}:{len(grown.read_text(encoding='utf-8').splitlines())}"]


def test_papers_titled_in_a_script_the_title_key_leaves_empty_are_not_matched_by_a_shared_abstract(tmp_path):
    """A Chinese or Greek title normalizes to nothing, yet it is a title: two such papers of one import with the
    same stand-in abstract and year are two papers, not one record read back."""
    from gapscope.ingest import ingest_papers
    from gapscope.store import Library

    lib = Library(tmp_path / "scripts.gapscope")
    try:
        papers = [Paper(title=t, authors=[a], year=2024, abstract="An abstract.", source="test", source_key=str(i))
                  for i, (t, a) in enumerate([("基于深度学习的中文分词方法研究", "王小明"),
                                              ("深層学習を用いた日本語文書分類の検討", "山田太郎"),
                                              ("Μηχανική μάθηση για την ανάλυση κειμένων", "Γιώργος Παπαδόπουλος")])]
        rep = ingest_papers(lib, papers, kind="import", source="test", target="scripts")
        assert len(rep.added_ids) == 3
    finally:
        lib.close()
