"""HTML and JATS markup that database exports leave in titles and abstracts is taken out on import
(CSV, RIS, CSL-JSON); the source record keeps the text as the file had it."""

from __future__ import annotations

import csv
import json
import re

from gapscope.exports import export_text
from gapscope.ingest import import_file
from gapscope.sources.markup import has_markup, markup_to_text
from gapscope.store import Library

_LEFT_OVER = re.compile(r"</?(?:p|i|b|sub|sup|BR|Emphasis|URLREF)\b[^>]*>|&(?:#\d+|[a-z]+);")


def test_a_real_screening_file_imports_without_its_html(library, shared_data):
    """The Kitchenham 2010 review (IEEE and Springer records): about a quarter of its abstracts hold
    <p>, <i>, entities and markup escaped twice over; imported, no abstract or title shows any, the
    words either side of a paragraph break stay apart, and the source record keeps the original."""
    path = shared_data / "screening" / "kitchenham2010-software-engineering.csv"
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    marked = [r for r in rows if _LEFT_OVER.search(r["abstract"])]
    assert len(marked) > 100
    rep = import_file(library, path)
    assert rep.errors == []
    papers = library.get_papers(library.list_paper_ids())
    assert [p.title for p in papers if _LEFT_OVER.search(p.title + " " + p.abstract)] == []
    shop = next(p for p in papers if "shopping behavior in a mall" in p.abstract)
    assert "customers' shopping" in shop.abstract
    raw = library.source_records(shop.id)[0]["data"]
    assert "customers&#39; shopping" in json.dumps(raw)
    # a paragraph break between two sentences leaves a space between them
    assert any("organizations have actively explored" in p.abstract and "alliances. Communication" in p.abstract
               for p in papers)
    assert library.list_paper_ids(query="nbsp") == []


def test_less_than_and_greater_than_in_text_stay(tmp_path):
    """Only the markup vocabularies' tags go: comparisons and formulas in the text stay as written."""
    for text in ("p<0.05 and q>1", "a<b and c>d", "x < y > z", "AT&T and R&D;", "rate <30% in <5 s"):
        assert markup_to_text(text) == text
    assert markup_to_text("rate &lt;30%") == "rate <30%"
    assert markup_to_text("H<sub>2</sub>O&nbsp;and &lt;i&gt;in vivo&lt;/i&gt;") == "H2O and in vivo"


def test_text_that_only_looks_like_markup_stays():
    """A lone tag name in angle brackets is the paper's text (LaTeX, generics, a title about HTML), and
    a word after an "&" is not a semicolon-less entity, even where the text also holds real markup."""
    for text in ("$a<b>c$ holds", "Vector<i> of ints", "the <b> element in HTML", "</i> alone"):
        assert not has_markup(text) and markup_to_text(text) == text
    assert markup_to_text("HTML <em>, <strong> tags &amp; semantics") == "HTML <em>, <strong> tags & semantics"
    assert markup_to_text("R&amp;D in macro&microeconomics &not; &para") == "R&D in macro&microeconomics \u00ac &para"
    assert markup_to_text("Evidence &amp; &notation for $a<b>c$, <i>in situ</i>") == \
        "Evidence & &notation for $a<b>c$, in situ"
    assert markup_to_text('<Emphasis Type="Bold">L</Emphasis> and <br/>x') == "L and x"


def test_the_library_check_leaves_such_text_alone(tmp_path):
    from gapscope.integrity import check_library, repair

    lib = Library(tmp_path / "lib.sqlite")
    ris = tmp_path / "a.ris"
    ris.write_text("TY  - JOUR\nTI  - Placeholder\nPY  - 2019\nER  - \n", encoding="utf-8")
    pid = import_file(lib, ris).added_ids[0]
    title, abstract = "The <b> element and macro&microeconomics", "We bound $a<b>c$ &amp; Vector<i>."
    with lib.transaction() as conn:
        conn.execute("UPDATE papers SET title = ?, abstract = ? WHERE id = ?", (title, abstract, pid))
    found = check_library(lib)
    assert [m["fields"] for m in found.markup] == [["abstract"]]
    repair(lib, found)
    got = lib.get_paper(pid)
    assert (got.title, got.abstract) == (title, "We bound $a<b>c$ & Vector<i>.")
    lib.close()


def test_ris_and_csl_json_lose_their_markup_too_and_gapscope_csv_reads_back_as_written(tmp_path):
    ris = tmp_path / "ieee.ris"
    ris.write_text("TY  - JOUR\nTI  - Cooling of H<sub>2</sub>O chips\nAU  - Doe, Jane\nPY  - 2019\n"
                   "AB  - <p>Decaps&#39; noise.</p><p>Second part.</p>\nER  - \n", encoding="utf-8")
    csl = tmp_path / "zotero.json"
    csl.write_text(json.dumps([{"id": "a", "type": "article-journal", "title": "Crossref <i>in situ</i> study",
                                "abstract": "<jats:p>We study things.</jats:p><jats:p>And more.</jats:p>",
                                "issued": {"date-parts": [[2021]]}}]), encoding="utf-8")
    lib = Library(tmp_path / "lib.sqlite")
    import_file(lib, ris)
    import_file(lib, csl)
    got = {p.title: p.abstract for p in lib.get_papers(lib.list_paper_ids())}
    assert got == {"Cooling of H2O chips": "Decaps' noise. Second part.",
                   "Crossref in situ study": "We study things. And more."}
    # GapScope's own CSV is plain text already: what looks like markup in it is the paper's text
    pid = lib.list_paper_ids()[0]
    with lib.transaction() as conn:
        conn.execute("UPDATE papers SET abstract = 'The <p> element &amp; its kin.' WHERE id = ?", (pid,))
    table = tmp_path / "own.csv"
    table.write_text(export_text(lib, "csv", [pid]), encoding="utf-8")
    fresh = Library(tmp_path / "fresh.sqlite")
    rep = import_file(fresh, table)
    assert fresh.get_paper(rep.added_ids[0]).abstract == "The <p> element &amp; its kin."
    fresh.close()
    lib.close()


def test_gapscopes_own_ris_and_csl_json_read_back_as_written(tmp_path):
    """A title about HTML ("The <div> element") or with an entity written out is the paper's text: GapScope's
    own RIS and CSL-JSON exports, read back (into another library), keep it as the CSV does; before, the
    import took it for markup and changed the title and abstract."""
    lib = Library(tmp_path / "lib.sqlite")
    src = tmp_path / "a.csv"
    src.write_text("title,abstract,year\nThe <div> element considered harmful,Write &amp; read <i>x</i>.,2020\n",
                   encoding="utf-8")
    [pid] = import_file(lib, src).added_ids
    with lib.transaction() as conn:       # as a library holds it (an earlier import, a BibTeX file)
        conn.execute("UPDATE papers SET title = 'The <div> element considered harmful',"
                     " abstract = 'Write &amp; read <i>x</i>.' WHERE id = ?", (pid,))
    for fmt, ext in (("ris", "ris"), ("csljson", "json")):
        path = tmp_path / f"own.{ext}"
        path.write_text(export_text(lib, fmt, [pid]), encoding="utf-8")
        fresh = Library(tmp_path / f"fresh-{fmt}.sqlite")
        back = fresh.get_paper(import_file(fresh, path).added_ids[0])
        assert (back.title, back.abstract) == ("The <div> element considered harmful", "Write &amp; read <i>x</i>.")
        fresh.close()
    lib.close()
