"""A PubMed record with only a PMID (no title, no abstract: 24 of the 851 records of the Cohen 2006 ADHD
review) is kept under "[untitled] PMID N"; a later record that carries the same PMID and a real title is
that paper: it merges into it and its title replaces the placeholder. Libraries that imported such records
before the PMID was kept get it from the placeholder when they are upgraded."""

from __future__ import annotations

import csv
import sqlite3

import gapscope.store.library as store_lib
from gapscope.ingest import import_file
from gapscope.models import is_untitled
from gapscope.store import Library
from gapscope.store.schema import MIGRATIONS

# Rows of the real review around its first two PMID-only records (45 and 83).
ROWS = {str(n) for n in range(41, 51)} | {"83"}


def _review_slice(shared_data, dest):
    with open(shared_data / "screening" / "cohen2006-adhd.csv", newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        rows = [r for r in reader if r["record_id"] in ROWS]
        fields = reader.fieldnames
    with open(dest, "w", newline="", encoding="utf-8") as fh:
        out = csv.DictWriter(fh, fieldnames=fields)
        out.writeheader()
        out.writerows(rows)
    return rows


PUBMED_RIS = """TY  - JOUR
DB  - PubMed
AN  - 10434822
TI  - Methylphenidate and the timing of sleep onset in children with ADHD.
AU  - Stein, M A
PY  - 1999
JO  - Journal of the American Academy of Child and Adolescent Psychiatry
ER  - 

TY  - JOUR
DB  - PubMed
AN  - 10637679
TI  - Tic exacerbation during stimulant treatment: a double-blind crossover study.
AU  - Gadow, K D
PY  - 2000
JO  - Archives of General Psychiatry
ER  - 
"""


def test_a_pmid_only_record_takes_the_title_of_a_later_record_with_that_pmid(library, shared_data, tmp_path):
    rows = _review_slice(shared_data, tmp_path / "adhd.csv")
    assert sorted(r["pubmedID"] for r in rows if not r["title"].strip()) == ["10434822", "10637679"]
    first = import_file(library, tmp_path / "adhd.csv")
    assert (first.added, first.merged) == (11, 0)
    untitled = {library.get_paper(p).title: p for p in library.list_paper_ids()
                if is_untitled(library.get_paper(p).title)}
    assert sorted(untitled) == ["[untitled] PMID 10434822", "[untitled] PMID 10637679"]
    (tmp_path / "pubmed.ris").write_text(PUBMED_RIS, encoding="utf-8")
    later = import_file(library, tmp_path / "pubmed.ris")
    assert (later.added, later.merged) == (0, 2), later.merges
    assert all("(same PMID; its title replaces the placeholder)" in m for m in later.merges), later.merges
    a, b = untitled["[untitled] PMID 10434822"], untitled["[untitled] PMID 10637679"]
    assert library.get_paper(a).title == "Methylphenidate and the timing of sleep onset in children with ADHD."
    assert library.get_paper(b).title == "Tic exacerbation during stimulant treatment: a double-blind crossover study."
    assert library.get_paper(b).venue == "Archives of General Psychiatry" and library.get_paper(b).year == 2000
    assert library.list_paper_ids(query='"sleep onset"') == [a]
    # a titled record of the review found again with its PMID is that paper, not a new one
    again = tmp_path / "again.csv"
    again.write_text("pubmedID,title\n10432470,Effect of methylphenidate on attention (corrected title)\n",
                     encoding="utf-8")
    rep = import_file(library, again)
    assert (rep.added, rep.merged) == (0, 1) and "same PMID" in rep.merges[0]
    # reading the first file again keeps the titles
    assert import_file(library, tmp_path / "adhd.csv").unchanged == 11
    assert library.get_paper(a).title.startswith("Methylphenidate and the timing")
    assert library.count_papers() == 11


def test_an_upgraded_library_matches_its_pmid_only_records_by_pmid(tmp_path, monkeypatch):
    path = tmp_path / "old.gapscope"
    with monkeypatch.context() as m:            # a library of the GapScope before papers kept a PMID
        m.setattr(store_lib, "MIGRATIONS", [mg for mg in MIGRATIONS if mg[0] != "1100_paper_pmid"])
        Library(path).close()
    conn = sqlite3.connect(str(path / "library.sqlite"))
    with conn:
        conn.execute("INSERT INTO papers (title, norm_title, added_at) VALUES"
                     " ('[untitled] PMID 10434822', '', '2026-01-05T10:00:00+00:00')")
    conn.close()
    lib = Library(path)
    try:
        (pid,) = lib.list_paper_ids()
        (tmp_path / "pubmed.ris").write_text(PUBMED_RIS, encoding="utf-8")
        rep = import_file(lib, tmp_path / "pubmed.ris")
        assert (rep.added, rep.merged) == (1, 1)
        assert lib.get_paper(pid).title == "Methylphenidate and the timing of sleep onset in children with ADHD."
    finally:
        lib.close()


def test_a_papers_pmid_is_shown_by_the_cli(library, tmp_path):
    import json

    from click.testing import CliRunner

    from gapscope.cli import main

    (tmp_path / "pubmed.ris").write_text(PUBMED_RIS, encoding="utf-8")
    import_file(library, tmp_path / "pubmed.ris")
    pid = next(p for p in library.list_paper_ids() if library.get_paper(p).pmid == "10637679")
    run = CliRunner().invoke(main, ["-L", str(library.path), "papers", "show", "--json", str(pid)])
    assert run.exit_code == 0, run.output
    assert json.loads(run.output)["pmid"] == "10637679"
    text = CliRunner().invoke(main, ["-L", str(library.path), "papers", "show", str(pid)]).output
    assert "PMID:10637679" in text
