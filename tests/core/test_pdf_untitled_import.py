"""A PDF whose page 1 is no paper's first page (an excerpt, a chapter, pages cut from a paper): made here
from the shared real PDFs by keeping some of their pages, with or without the file's properties. Its
abstract is only what the PDF marks as one (never a figure's label, a prompt or a page of body text), its
title the file's Title property when plausible, else a title page's, else the file name; the import says
which, and says when there is no abstract to read."""

from __future__ import annotations

from pathlib import Path

import pytest

from gapscope.fulltext import attach as attach_mod
from gapscope.fulltext.meta import FROM_FILE_NAME, FROM_PROPERTIES, read_metadata

PAPERMAGE = "cs/papermage.pdf"                    # page 4 holds a figure of a paper whose tiny text reads "ABSTRACT"
PASA = "cs/pasa-2501.10120.pdf"                   # its appendix prints a prompt: "Abstract: {abstract}"
MSPHERE = "bio/10.1128%2Fmsphere.00109-24.pdf"    # page 2: "MATERIALS AND METHODS" beside a subheading
JCS = "bio/10.1242%2Fjcs.115.4.827.pdf"           # page 2: running text with a citation in larger type
NAR = "bio/10.1093%2Fnar%2Fgkae223.pdf"           # page 2: a subsection heading set a little larger
BIORXIV = "bio/10.1101%2F2024.02.13.580051.pdf"   # a title page, then page 2 opens with its Abstract heading


def _pages(shared_data: Path, rel: str, dest: Path, start: int, stop: int | None = None,
           properties: bool = True) -> Path:
    """``dest``: the pages ``start:stop`` of a shared PDF, with its file properties or without them."""
    from pypdf import PdfReader, PdfWriter

    reader, writer = PdfReader(shared_data / "pdfs" / rel), PdfWriter()
    for page in reader.pages[start:stop]:
        writer.add_page(page)
    if properties and reader.metadata:
        writer.add_metadata({k: str(v) for k, v in reader.metadata.items()})
    with open(dest, "wb") as f:
        writer.write(f)
    return dest


def _meta(path: Path, extract_once):
    return read_metadata(extract_once(path), path)


@pytest.mark.parametrize("rel, start, stop", [
    (PAPERMAGE, 3, 7),      # "ABSTRACT" in a figure's tiny type: 905 words of body text followed it
    (PAPERMAGE, 12, None),  # a figure's legend after "Abstract": a list of labels, no sentence
    (PASA, 14, None),       # a prompt template: "Abstract: {abstract} User Query: ..."
])
def test_an_abstract_word_in_a_figure_or_prompt_gives_no_abstract(shared_data, tmp_path, extract_once,
                                                                    rel, start, stop):
    path = _pages(shared_data, rel, tmp_path / f"pages {start} of {Path(rel).stem}.pdf", start, stop)
    m = _meta(path, extract_once)
    assert m.abstract == "" and "abstract" not in m.sources
    assert m.abstract_missing.startswith("no abstract found in the PDF")
    assert "`gapscope papers edit PAPER --abstract TEXT`" in m.abstract_missing


def test_an_abstract_heading_at_the_top_of_an_excerpt_is_still_read(shared_data, tmp_path, extract_once):
    path = _pages(shared_data, BIORXIV, tmp_path / "without its title page.pdf", 1, properties=False)
    m = _meta(path, extract_once)
    assert m.abstract.startswith("When replication forks encounter damaged DNA")
    assert m.abstract.endswith("to prevent genome instability.")


@pytest.mark.parametrize("rel", [MSPHERE, JCS, NAR])
def test_without_a_title_page_the_plausible_property_title_wins(shared_data, tmp_path, extract_once, rel):
    """Page 2 as page 1: its larger type is a section heading or running text, not the title."""
    from pypdf import PdfReader

    path = _pages(shared_data, rel, tmp_path / f"from page 2 of {Path(rel).stem[-12:]}.pdf", 1)
    m = _meta(path, extract_once)
    assert m.title == str(PdfReader(shared_data / "pdfs" / rel).metadata["/Title"])
    assert m.sources["title"] == FROM_PROPERTIES


@pytest.mark.parametrize("rel, start, stop", [(MSPHERE, 1, None), (JCS, 1, None), (PAPERMAGE, 3, 7)])
def test_without_title_page_or_properties_the_title_is_the_file_name(shared_data, tmp_path, extract_once,
                                                                     rel, start, stop):
    path = _pages(shared_data, rel, tmp_path / f"scan {start} of {Path(rel).stem[-12:]}.pdf", start, stop,
                  properties=False)
    m = _meta(path, extract_once)
    assert m.title == path.stem and m.sources["title"] == FROM_FILE_NAME


def test_the_import_of_an_excerpt_names_its_title_source_and_its_missing_abstract(pdf_library, shared_data,
                                                                                   tmp_path):
    path = _pages(shared_data, PAPERMAGE, tmp_path / "papermage excerpt.pdf", 3, 7, properties=False)
    res = attach_mod.attach_file(pdf_library, path)
    assert res.status == "new-paper"
    paper = pdf_library.get_paper(res.paper_id)
    assert paper.title == "papermage excerpt" and paper.abstract == ""
    assert f"(title: {FROM_FILE_NAME})" in res.message
    [run] = [e for e in pdf_library.imports_log() if e["source"] == "pdf"]
    [abstract_note] = [w for w in run["warnings"] if "abstract" in w]
    assert abstract_note.startswith(f"{path}: no abstract found in the PDF")
    assert "add one with `gapscope papers edit PAPER --abstract TEXT`" in abstract_note
    [title_note] = [w for w in run["warnings"] if "title" in w]
    assert title_note.startswith(f"{path}: no title found in the PDF") and "the title is its file name" in title_note


def test_a_title_page_adds_no_title_note_to_the_import(pdf_library, shared_data):
    res = attach_mod.attach_file(pdf_library, shared_data / "pdfs" / NAR)
    assert res.status == "new-paper"
    [run] = [e for e in pdf_library.imports_log() if e["source"] == "pdf"]
    assert not [w for w in run["warnings"] if "title" in w]


def test_a_venue_and_year_in_a_title_is_no_citation():
    """A shared task's or a challenge's report names its venue and year in brackets ("(SemEval 2024)",
    "(WMT 2023)"): a title, kept from page 1 or the Title property, where a citation in running text
    ("(Brown and London, 1998b", "(Smith 2019)", "Toomre, 2000)") still marks a line as no title."""
    from gapscope.fulltext.meta import title_problem

    for title in ("Team Alpha at Task 4 (SemEval 2024): Detecting Persuasion Techniques in Memes",
                  "Findings of the Shared Task on Machine Translation (WMT 2023)",
                  "Large Language Model Efficiency Competition (NeurIPS 2023): Lessons Learned",
                  "Lessons from the Shared Task (Findings of WMT, 2023)"):
        assert title_problem(title) is None, title
    for line in ("the cosmic web (Brown and London, 1998b) revisited in detail here",
                 "as shown before (Smith 2019) for the spiral arms of galaxies",
                 "as the tidal tails of Toomre, 2000) show for the spiral arms"):
        assert title_problem(line) == "a citation or an identifier", line


def test_a_title_page_whose_title_starts_with_a_lower_case_name_keeps_it():
    """"mixup: Beyond Empirical Risk Minimization" starts in lower case, as a sentence cut at a line does, but
    its first word is a name followed by its subtitle: the title, not running text (before, the authors' line
    below it was tried instead, and the paper was named after its file)."""
    from gapscope.fulltext.extract import Line
    from gapscope.fulltext.meta import _page1_title, title_page

    body = ["Large deep neural networks are powerful, but exhibit undesirable behaviors such as memorization",
            "and sensitivity to adversarial examples. In this work, we propose mixup, a simple learning",
            "principle to alleviate these issues. In essence, mixup trains a neural network on convex"]
    lines = [Line(0, 50, 50, 500, 70, "mixup: Beyond Empirical Risk Minimization", 17, False),
             Line(0, 50, 90, 500, 100, "Hongyi Zhang, Moustapha Cisse, Yann N. Dauphin, David Lopez-Paz", 11, False),
             *(Line(0, 50, 130 + 20 * i, 500, 140 + 20 * i, t, 10, False) for i, t in enumerate(body))]
    title, block = _page1_title(lines)
    assert title == "mixup: Beyond Empirical Risk Minimization" and title_page(lines, block)
