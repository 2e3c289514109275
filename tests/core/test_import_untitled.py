"""A record without a title but with an abstract or an identifier is imported under a placeholder title,
with a warning by file and line, and is never merged with another record by that placeholder."""

import json

from gapscope.ingest import import_file
from gapscope.models import Paper, RecordError, RecordWarning, is_untitled
from gapscope.sources.csljson import read_csl_json
from gapscope.sources.files import read_bibtex, read_csv, read_ris

ABSTRACT_A = ("Methylphenidate was given to forty children with attention deficit disorder in a crossover trial "
              "and their teachers rated the effect on classroom behaviour over eight weeks.")
# The same first twelve words (so the same placeholder title), then another study.
ABSTRACT_B = ("Methylphenidate was given to forty children with attention deficit disorder in a crossover trial "
              "and sleep onset was measured by actigraphy at home for two weeks.")


def _kinds(records):
    return ([r for r in records if isinstance(r, Paper)], [r for r in records if type(r) is RecordWarning],
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
    assert is_untitled(papers[0].title) and len(warnings) == 1 and "'y' has no title, abstract" in errors[0].message


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
