"""A PDF whose title the reader cannot take as one (printed in the body's type, repeated at the top of
every page, so dropped as a running header; no file properties) is still the library paper of that
title: attaching it adds no duplicate, by the core and the CLI alike; and a PDF that does
become a new paper says so."""

from __future__ import annotations

import json
from pathlib import Path

from gapscope.fulltext import attach as attach_mod

from .fulltext_helpers import add_paper

TITLE = "A Good Paper on Retrieval"


def plain_pdf(dest: Path, title: str = TITLE) -> Path:
    """Three pages, each headed by ``title`` in the body's type, an inline "Abstract." and no metadata."""
    from fpdf import FPDF

    class Pdf(FPDF):
        def header(self):
            self.set_font("Helvetica", size=12)
            self.cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")

    pdf = Pdf()
    pdf.set_font("Helvetica", size=12)
    for n in range(3):
        pdf.add_page()
        pdf.multi_cell(0, 8, "Abstract. We study retrieval. However, our method fails on long documents. "
                       + f"Introduction text sentence number {n}. " * 20)
    pdf.output(str(dest))
    return dest


def test_a_pdf_printing_a_library_title_on_page_1_attaches_to_that_paper(library, tmp_path):
    lib = library
    pid = add_paper(lib, title=TITLE, authors=["John Smith"], year=2021, abstract="We study retrieval.")
    add_paper(lib, title="A Good Paper on Retrieval Augmented Generation", year=2023)
    res = attach_mod.attach_file(lib, plain_pdf(tmp_path / "good.pdf"))
    assert (res.status, res.paper_id, res.match, res.matched_on) == ("attached", pid, "title", TITLE)
    assert lib.count_papers() == 2
    assert lib.get_paper(pid).abstract == "We study retrieval."


def test_page_1_lines_match_a_library_title_only_when_whole(library, tmp_path):
    """A line that holds a library title's words but more (or fewer) is another paper: a new one, said so."""
    add_paper(library, title="Good Paper on Retrieval")
    res = attach_mod.attach_file(library, plain_pdf(tmp_path / "good.pdf", "A Good Paper on Retrieval of Tables"))
    assert res.status == "new-paper"
    assert res.message.startswith(f"{tmp_path / 'good.pdf'}: no library paper matches it: it is a new paper")
    assert '"good" (title: file name)' in res.message and attach_mod.CHECK_TAG in res.message


def test_cli_attach_matches_the_page_1_title_the_same(tmp_path):
    from click.testing import CliRunner

    from gapscope.cli import main
    from gapscope.store import Library

    path = tmp_path / "review.gapscope"
    lib = Library(path)
    pid = add_paper(lib, title=TITLE, year=2021)
    lib.close()
    out = CliRunner().invoke(main, ["--library", str(path), "attach", "--no-facets", "--json",
                                    str(plain_pdf(tmp_path / "good.pdf"))])
    assert out.exit_code == 0, out.output
    [res] = [json.loads(line) for line in out.output.splitlines() if line.startswith("{")]
    assert (res["status"], res["paper_id"], res["match"]) == ("attached", pid, "title")
    lib = Library(path)
    assert lib.count_papers() == 1
    lib.close()


def test_a_library_title_that_is_only_the_first_line_of_the_read_title_is_another_paper(library, tmp_path):
    """The PDF's title, read from page 1 and set on two lines, starts with a whole library title: its
    first line alone is that title, yet the paper is another one (a new paper, not an attach to it)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "B", size=20)
    pdf.multi_cell(0, 10, "Deep Residual Learning\nfor Image Recognition", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 8, "John Smith\n\nAbstract\nWe study images. However, our method fails on small ones. "
                   + "Introduction text sentence. " * 40)
    pdf.output(str(tmp_path / "resnet.pdf"))
    pid = add_paper(library, title="Deep Residual Learning", year=2015)
    res = attach_mod.attach_file(library, tmp_path / "resnet.pdf")
    assert (res.status, res.match) == ("new-paper", "new"), (res.paper_id, pid, res.matched_on)
    assert res.paper_id != pid and library.count_papers() == 2


def test_a_pdf_of_another_arxiv_id_never_attaches_by_title(library, tmp_path):
    """Two arXiv papers may print the same title: a PDF named by its arXiv id is not the library paper of
    that title when the paper has another arXiv id (neither by its page 1 lines nor by the title read)."""
    other = add_paper(library, title=TITLE, arxiv_id="2401.01234", year=2024)
    res = attach_mod.attach_file(library, plain_pdf(tmp_path / "2401.05678.pdf"))
    assert (res.status, res.match) == ("new-paper", "new"), (res.paper_id, other, res.matched_on)
    assert res.paper_id != other and library.get_paper(res.paper_id).arxiv_id == "2401.05678"
