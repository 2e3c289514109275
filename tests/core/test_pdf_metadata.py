"""Title, authors and date read from the real PDFs in ../shared/data/pdfs: what a file's properties hold
is taken only when it looks like a title or a person (not a typesetter's job name, a section heading, an
HTML entity, "Administrator"); else page 1, else the file name, with where each came from. The expected
values are only what page 1 of each PDF shows when it is drawn."""

from __future__ import annotations

import re

import pytest

from gapscope.fulltext import attach as attach_mod
from gapscope.fulltext.meta import (FROM_ARXIV_ID, FROM_FILE_DATE, FROM_FILE_NAME, FROM_NOWHERE, FROM_PAGE1,
                                    FROM_PROPERTIES, FROM_XMP, plausible_author, title_problem)


MARKS = re.compile(r"[♢♠♡*†‡§¶∗\d]")


def test_html_entities_in_the_title_are_decoded(pdf_meta):
    m = pdf_meta("odd/papermage-index-string-out-of-range.pdf")
    assert "&#" not in m.title and m.title.startswith("COVID-19 vaccination and treatment")


def test_a_login_name_is_not_an_author(pdf_meta):
    m = pdf_meta("bio/10.1101%2F2023.08.22.554289.pdf")        # Author property: "Administrator"
    assert "Administrator" not in m.authors
    assert m.authors[0] == "Nicholas L. Truex" and m.sources["authors"] == FROM_PAGE1
    assert all(plausible_author(a) for a in m.authors)


def test_a_typesetter_job_name_gives_way_to_page_one(pdf_meta):
    m = pdf_meta("bio/10.1093%2Fgenetics%2Fiyab101.pdf")       # Title property: "OP-GENE210101 1..14"
    assert title_problem("OP-GENE210101 1..14")
    assert m.title.startswith("Discovery of new vascular disrupting agents") and m.sources["title"] == FROM_PAGE1
    assert "Riddhiman K. Garge" in m.authors


def test_a_cut_off_property_title_gives_way_to_page_one(pdf_meta):
    m = pdf_meta("bio/10.1007%2Fs00125-024-06103-w.pdf")       # Title property: "A loss-of-function mutation in"
    assert m.title.endswith("diabetes in early adult life") and m.sources["title"] == FROM_PAGE1
    assert (m.year, m.published, m.sources["date"]) == (2024, "2024-02-17", FROM_PAGE1)    # "Published online"


@pytest.mark.parametrize("name", ["cs/1903.10676.pdf", "odd/papermage-test-uu.pdf"])
def test_a_table_page_gives_no_section_heading_for_a_title(pdf_meta, name):
    m = pdf_meta(name)
    assert m.title != "5 Discussion" and "REL ChemProt" not in m.authors
    assert m.sources["title"] in (FROM_FILE_NAME, FROM_NOWHERE) and not m.title_is_read


def test_a_page_named_by_its_arxiv_id_is_untitled_with_that_id_not_titled_by_it(pdf_meta):
    """The SciBERT table page, 1903.10676.pdf, has no title on it: its name is its arXiv id, which is the
    paper's id, not its title; the title is the placeholder of a record without one. A file with a name
    of its own keeps that name as its title."""
    m = pdf_meta("cs/1903.10676.pdf")
    assert (m.title, m.sources["title"], m.arxiv_id) == ("[untitled] arXiv 1903.10676", FROM_NOWHERE, "1903.10676")
    assert pdf_meta("odd/papermage-test-uu.pdf").title == "papermage-test-uu"


def _excerpt(path, *, title_size):
    """A one-page excerpt: a title line (in ``title_size`` type), a byline and body text in 11 pt."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=title_size)
    pdf.multi_cell(180, 9, "Sparse Mixture Routing for Long-Context Retrieval", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(180, 6, "Ann Lee, Bo Chen", new_x="LMARGIN", new_y="NEXT")
    for _ in range(6):
        pdf.multi_cell(180, 6, "We study how sparse routing of experts changes retrieval quality over long "
                               "contexts, and report results on three benchmarks.", new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def test_an_excerpt_named_by_its_arxiv_id_is_titled_from_its_text_and_keeps_the_id(tmp_path, shared_data):
    """Imported as new papers: an excerpt with its title in larger type is titled by it; the table page
    and an excerpt whose title line is body-sized are "[untitled] arXiv ..."; each keeps the arXiv id of its
    file name, and a record of the paper with a title, imported later, gives it that title."""
    from gapscope.ingest import import_file
    from gapscope.models import is_untitled
    from gapscope.store import Library

    titled = _excerpt(tmp_path / "2401.01234v2.pdf", title_size=17)
    (tmp_path / "plain").mkdir()
    plain = _excerpt(tmp_path / "plain" / "2401.05678.pdf", title_size=11)
    with Library(tmp_path / "l.gapscope") as lib:
        res = attach_mod.attach_paths(lib, [titled, plain, shared_data / "pdfs" / "cs" / "1903.10676.pdf"])
        assert [r.status for r in res] == ["new-paper"] * 3
        papers = [lib.get_paper(r.paper_id) for r in res]
        assert [(p.arxiv_id, p.arxiv_version) for p in papers] == [("2401.01234", 2), ("2401.05678", None),
                                                                      ("1903.10676", None)]
        assert papers[0].title == "Sparse Mixture Routing for Long-Context Retrieval"
        assert [p.title for p in papers[1:]] == ["[untitled] arXiv 2401.05678", "[untitled] arXiv 1903.10676"]
        bib = tmp_path / "scibert.bib"
        bib.write_text("@misc{beltagy2019, title = {SciBERT: A Pretrained Language Model for Scientific Text},"
                       " author = {Beltagy, Iz}, year = {2019}, eprint = {1903.10676}, archivePrefix = {arXiv}}\n",
                       encoding="utf-8")
        assert import_file(lib, bib).merged == 1
        scibert = lib.get_paper(res[2].paper_id)
        assert scibert.title.startswith("SciBERT") and not is_untitled(scibert.title)


def test_affiliation_marks_are_not_part_of_names(pdf_meta):
    m = pdf_meta("cs/2023.eacl-main.121.pdf")
    assert {"Kalpesh Krishna", "Erin Bransom", "Bailey Kuehl", "Kyle Lo"} <= set(m.authors)
    assert not any(MARKS.search(a) for a in m.authors)
    pasa = pdf_meta("cs/pasa-2501.10120.pdf")
    assert pasa.title.startswith("PaSa: An LLM Agent") and "Paper Search" != pasa.title
    assert pasa.authors[0] == "Yichen He" and not any(MARKS.search(a) for a in pasa.authors)


def test_the_year_from_the_arxiv_id_a_biorxiv_doi_or_weakly_the_file(pdf_meta):
    pasa = pdf_meta("cs/pasa-2501.10120.pdf")
    assert (pasa.year, pasa.published, pasa.sources["date"]) == (2025, "2025-01", FROM_ARXIV_ID)
    biorxiv = pdf_meta("bio/10.1101%2F2023.08.22.554289.pdf")
    assert biorxiv.year == 2023 and biorxiv.published.startswith("2023-08")
    uu = pdf_meta("odd/papermage-test-uu.pdf")
    assert uu.year and uu.sources["date"] == FROM_FILE_DATE


def test_no_title_match_on_a_title_made_from_the_file_name(tmp_path, shared_data, monkeypatch, extract_once):
    """The SciBERT table page and its copy under another name: the copy once matched the first's paper
    by its "title" ("5 Discussion") at 1.00."""
    from gapscope.store import Library

    monkeypatch.setattr(attach_mod, "extract", extract_once)
    with Library(tmp_path / "l.gapscope") as lib:
        first = attach_mod.attach_file(lib, shared_data / "pdfs" / "cs" / "1903.10676.pdf")
        second = attach_mod.attach_file(lib, shared_data / "pdfs" / "odd" / "papermage-test-uu.pdf")
        assert first.status == second.status == "new-paper"
        assert second.match != "title" and second.paper_id != first.paper_id
        paper = lib.get_paper(first.paper_id)
        assert paper.title != "5 Discussion" and paper.year == 2019
        weak = lib.get_paper(second.paper_id)
        assert attach_mod.CHECK_YEAR_TAG in lib.tags_of(weak.id)


def test_the_xmp_author_list_wins_over_an_author_property_with_one_name(pdf_meta):
    m = pdf_meta("bio/10.1186%2Fs13059-023-02935-8.pdf")       # Author property: " Sarah Gersing"; XMP: all 15
    assert m.sources["authors"] == FROM_XMP and len(m.authors) == 15
    assert m.authors[:3] == ["Sarah Gersing", "Matteo Cagiada", "Marinella Gebbia"]
    nar = pdf_meta("bio/10.1093%2Fnar%2Fgkae223.pdf")          # Author property "Shahu Sneha; ...": XMP's order
    assert nar.sources["authors"] == FROM_XMP and nar.authors[0] == "Sneha Shahu"
    # the XMP list is held to the same test as the property: an "Administrator" there is no author either
    truex = pdf_meta("bio/10.1101%2F2023.08.22.554289.pdf")
    assert "Administrator" not in truex.authors and truex.sources["authors"] == FROM_PAGE1
    # a file whose properties hold the whole list keeps it
    assert pdf_meta("bio/10.3390%2Fijms25031660.pdf").sources["authors"] == FROM_PROPERTIES


def test_page_ones_byline_wins_when_it_holds_the_propertys_name_and_more(pdf_meta):
    m = pdf_meta("bio/10.1101%2F2024.02.13.580051.pdf")        # Author property (and XMP): "McVey, Mitch" alone
    assert m.sources["authors"] == FROM_PAGE1 and "Mitch McVey" in m.authors and len(m.authors) > 3
    jcs = pdf_meta("bio/10.1242%2Fjcs.115.4.827.pdf")           # "Heike B. Eberle et al."
    assert jcs.authors[0] == "Heike B. Eberle" and len(jcs.authors) > 3
    assert all(plausible_author(a) and not MARKS.search(a) for a in m.authors + jcs.authors)


def test_the_year_from_an_open_access_copyright_or_the_articles_own_citation_line(pdf_meta):
    gersing = pdf_meta("bio/10.1186%2Fs13059-023-02935-8.pdf")  # "© The Author(s) 2023" (was the file's date)
    assert (gersing.year, gersing.sources["date"]) == (2023, FROM_PAGE1)
    jcs = pdf_meta("bio/10.1242%2Fjcs.115.4.827.pdf")           # "Journal of Cell Science 115, 827-838 (2002)"
    assert (jcs.year, jcs.sources["date"]) == (2002, FROM_PAGE1)


def test_a_reference_on_page_one_does_not_give_the_year():
    from gapscope.fulltext.meta import _page1_date

    lines = ["Gersing et al. Genome Biology (2021) 24:97", "1. Smith, J. et al. A study of things.",
             "Nature 405, 12-15 (2000).", "Cell 101, 3-9 (2019)."]
    assert _page1_date(lines) == (2021, None)
    assert _page1_date(["(Wong et al., 2001) showed", "as Smith (1999) found"]) == (None, None)


def test_pdf_extract_says_what_it_read_and_where_from(pdf_meta):
    """`gapscope pdf extract FILE` prints what an attach would store: each identifier, or that the PDF has
    none (not a Python list or None), and the date with where it was read from."""
    from gapscope.commands.fulltext import extract_summary

    pasa = extract_summary(pdf_meta("cs/pasa-2501.10120.pdf"), 15)
    assert pasa[-1] == f"no DOI  ·  arXiv 2501.10120v1  ·  date 2025-01 (read from: {FROM_ARXIV_ID})  ·  15 pages"
    assert pasa[0].startswith("Title: PaSa: An LLM Agent") and pasa[0].endswith(f"(read from: {FROM_PAGE1})")
    eacl = extract_summary(pdf_meta("cs/2023.eacl-main.121.pdf"), 20)[-1]
    assert eacl.startswith("DOI 10.18653/v1/2023.eacl-main.121  ·  no arXiv id  ·  date 2023")
    assert not any(bad in line for line in pasa + [eacl] for bad in ("[]", "None", "['"))


def test_pdf_extract_json_has_the_date_and_where_each_field_came_from(shared_data):
    import json

    from click.testing import CliRunner

    from gapscope.cli import main

    res = CliRunner().invoke(main, ["pdf", "extract", str(shared_data / "pdfs" / "cs" / "pasa-2501.10120.pdf"), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert (data["arxiv_id"], data["arxiv_version"], data["published"], data["year"]) == ("2501.10120", 1, "2025-01", 2025)
    assert data["read_from"]["date"] == FROM_ARXIV_ID and data["read_from"]["title"] == FROM_PAGE1
