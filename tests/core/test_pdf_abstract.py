"""The abstract of a paper made from a PDF: the heading rules on lines of text, then the real PDFs in
../shared/data/pdfs (the expected text is what each PDF prints under its Abstract heading, or as its
first paragraph when it prints no heading), and the import: a new paper takes the abstract, one from
the first paragraph with a note and a tag saying so, one without any gets none and a note saying why,
and a library paper's own abstract is never replaced."""

from __future__ import annotations

import shutil

import pytest

from gapscope.fulltext import attach as attach_mod
from gapscope.fulltext.abstract import (NO_HEADING, NO_TEXT, abstract_from_texts, abstract_heading, ends_abstract,
                                        read_abstract, strip_line_numbers)
from gapscope.fulltext.extract import Line
from gapscope.fulltext.lead_paragraph import NOTE as FIRST_PARAGRAPH_NOTE, lead_paragraph
from gapscope.fulltext.meta import FROM_FIRST_PARAGRAPH
from gapscope.models import Paper


ACL = "cs/2020.acl-main.447.pdf"                  # "Abstract" centred over the left column, then "1 Introduction"
NATURE = "bio/10.1038%2Fs41467-024-44806-1.pdf"   # Nature Communications: the abstract has no heading
EDITORIAL = "odd/papermage-index-string-out-of-range.pdf"   # an editorial: no abstract, its text starts below the title


# --- the heading rules, on text ---------------------------------------------------------------------

@pytest.mark.parametrize("line, rest", [
    ("Abstract", ""), ("ABSTRACT", ""), ("Abstract:", ""), ("13 Abstract:", ""), ("A B S T R A C T", ""),
    ("Abstract\u2014We study graphs.", "We study graphs."), ("Abstract. We study graphs.", "We study graphs."),
    ("Abstract: We study graphs.", "We study graphs."), ("Abstract -- We study graphs.", "We study graphs."),
    ("ABSTRACT The two species that account for most", "The two species that account for most"),
    ("Abstract Splicing is the stepwise molecular process by which introns",
     "Splicing is the stepwise molecular process by which introns"),
    ("Summary", ""),
])
def test_an_abstract_heading_alone_or_run_in(line, rest):
    assert abstract_heading(line) == rest


@pytest.mark.parametrize("line", [
    "Abstract Meaning Representation Parsing",     # a title, not a heading run in
    "Abstracts of the papers were screened",        # a word that starts like it
    "Graphical abstract", "Summary statistics were computed", "abstract", "Summary We report a new method",
])
def test_not_an_abstract_heading(line):
    assert abstract_heading(line) is None


@pytest.mark.parametrize("line", [
    "1 Introduction", "1. INTRODUCTION", "I. INTRODUCTION", "Introduction", "INTRODUCTION", "29 Introduction:",
    "2 Related Work", "Keywords: graphs; trees", "KEYWORDS", "Key words Graphs · Trees",
    "Index Terms\u2014graphs, trees", "CCS Concepts: \u2022 Computing", "ACM Reference Format:",
    "Additional Key Words and Phrases: reading",
    "IMPORTANCE Acinetobacter lwoffii is", "Significance Statement", "eLife assessment", "Graphical abstract",
])
def test_headings_that_end_an_abstract(line):
    assert ends_abstract(line)


@pytest.mark.parametrize("line", [
    "Background: Glucokinase (GCK) regulates insulin secretion",   # a structured abstract's own labels
    "Results: here we show", "Result: Here, we exploit a multiplexed assay",
    "1 of 9 human tubulins is targeted", "162 papers on long-form summarization",
    "highlights that fine-tuning genetic sequences can create", "main results are shown",
])
def test_lines_that_do_not_end_an_abstract(line):
    assert not ends_abstract(line)


def test_lines_are_joined_and_de_hyphenated_up_to_the_next_heading():
    text, why = abstract_from_texts([
        "A Title About Graphs", "Jane Doe", "Abstract", "We study the classi\ufffe", "fication of large",
        "graphs in two columns. Our method is state-of-the-", "art and fast.", "1 Introduction", "Graphs are ..."])
    assert why is None
    assert text == ("We study the classification of large graphs in two columns. "
                    "Our method is state-of-the-art and fast.")


def test_a_run_in_heading_and_keywords_after_it():
    text, _why = abstract_from_texts([
        "Abstract\u2014We propose a parser for trees that runs", "in linear time on every input we tried.",
        "Index Terms\u2014parsing, trees", "I. INTRODUCTION"])
    assert text == "We propose a parser for trees that runs in linear time on every input we tried."


def test_line_numbers_of_a_draft_are_taken_off():
    lines = ["13 Abstract:", "14 The field of engineering living materials seeks", "15 to engineer cells that",
             "16 form materials with tailorable structures.", "17 Introduction:"]
    assert strip_line_numbers(lines)[1] == "The field of engineering living materials seeks"
    text, _why = abstract_from_texts(lines)
    assert text == ("The field of engineering living materials seeks to engineer cells that form materials "
                    "with tailorable structures.")
    # numbers that start sentences are not line numbers
    lines = ["162 papers were read", "and 3 were kept"]
    assert strip_line_numbers(lines) == lines


def test_a_structured_abstract_goes_on_past_its_own_labels():
    """A structured abstract's labels (BMC and PLOS Medicine set "Background", "Methods" ... on lines of their
    own; JAMA runs "IMPORTANCE", "MAIN OUTCOMES AND MEASURES" in) are no heading after the abstract: before,
    the first label ended it and the import said no text followed the Abstract heading."""
    text, why = abstract_from_texts([
        "Abstract", "Background", "Sepsis is a leading cause of death in hospitals.", "Methods",
        "We randomised 400 patients at six sites.", "Results", "Mortality fell by a third.", "Conclusions",
        "Early treatment saves lives.", "Keywords: sepsis, mortality", "Background", "Sepsis kills ..."])
    assert why is None and text == ("Background Sepsis is a leading cause of death in hospitals. Methods We "
                                    "randomised 400 patients at six sites. Results Mortality fell by a third. "
                                    "Conclusions Early treatment saves lives.")
    text, _why = abstract_from_texts([
        "ABSTRACT", "IMPORTANCE Sepsis is a leading cause of death in hospitals.", "OBJECTIVE To test early",
        "treatment.", "MAIN OUTCOMES AND MEASURES Mortality at 28 days.", "RESULTS Mortality fell by a third.",
        "CONCLUSIONS AND RELEVANCE Early treatment saves lives.", "Introduction", "Sepsis kills ..."])
    assert text.startswith("IMPORTANCE Sepsis") and text.endswith("RELEVANCE Early treatment saves lives.")
    # the body's own "Background" after the abstract's ends it; an unstructured abstract ends at its labels
    assert abstract_from_texts(["Abstract", "Background", "Sepsis is a leading cause of death in hospitals.",
                                "Conclusions", "Early treatment saves lives.", "Background", "Sepsis kills ..."])[0] \
        == "Background Sepsis is a leading cause of death in hospitals. Conclusions Early treatment saves lives."
    assert abstract_from_texts(["ABSTRACT Bacteria that resist antibiotics kill many patients in hospitals.",
                                "IMPORTANCE This matters."])[0] == \
        "Bacteria that resist antibiotics kill many patients in hospitals."


def test_a_structured_abstract_is_read_down_its_column_past_its_labels():
    from gapscope.fulltext.extract import Line

    texts = ["Abstract", "Background", "Sepsis is a leading cause of death in hospitals.", "Results",
             "Mortality fell by a third in the treated arm.", "Keywords: sepsis", "Background", "Body."]
    lines = [Line(0, 50, 100 + 12 * i, 300, 110 + 12 * i, t, 9.0, t in ("Abstract", "Background", "Results"))
             for i, t in enumerate(texts)]
    assert read_abstract(lines)[0] == ("Background Sepsis is a leading cause of death in hospitals. Results "
                                       "Mortality fell by a third in the treated arm.")


def test_an_abstract_cut_by_the_first_heading_goes_on_in_the_next_column_only_up_to_its_keywords():
    """Before, an abstract set across the top of two columns ended at the "Introduction" below it in the
    first column, its second half lost. The next column's top is read only when it ends on "Key words":
    else it is the body going on (a two-column paper whose Introduction runs on beside its abstract)."""
    def page(right):
        left = ["Summary", "We study graphs in two columns of text and find", "that they grow.", "Introduction",
                "Graphs are everywhere."]
        lines = [Line(0, 50, 100 + 12 * i, 290, 109 + 12 * i, t, 9.0, False) for i, t in enumerate(left)]
        return lines + [Line(0, 310, 106 + 12 * i, 550, 115 + 12 * i, t, 9.0, False) for i, t in enumerate(right)]

    text, _why = read_abstract(page(["Our method is fast on every paper", "we tried.", "Key words: graphs, columns",
                                     "in the sciences and their growth."]))
    assert text == ("We study graphs in two columns of text and find that they grow. Our method is fast on every "
                    "paper we tried.")
    text, _why = read_abstract(page(["in the sciences and their growth is", "studied in many fields."]))
    assert text == "We study graphs in two columns of text and find that they grow."


def test_no_heading_no_text_level_guess():
    assert abstract_from_texts(["A Title", "Jane Doe", "We study graphs in two columns and more.", "1 Introduction"]) \
        == ("", NO_HEADING)
    assert abstract_from_texts(["Abstract", "1 Introduction", "Graphs are everywhere."]) == ("", NO_TEXT)


# --- the real PDFs -----------------------------------------------------------------------------------

@pytest.mark.parametrize("name, start, end", [
    # a heading over one column of two, "1 Introduction" below it
    (ACL, "We introduce S2ORC,1 a large corpus of 81.1M English-language academic papers spanning",
     "development of tools and tasks for text mining over academic text."),
    # the abstract in the left column, "1 Introduction" at the top of the right one; footnotes below it
    ("cs/pasa-2501.10120.pdf", "We introduce PaSa, an advanced Paper Search agent powered by large language models.",
     "Model, datasets, and code are available at https://github.com/bytedance/pasa."),
    # "ABSTRACT" then "KEYWORDS" (ACM)
    ("cs/2304.02623v1.pdf", "Large language models have introduced exciting new opportunities",
     "We sketch three components for AI support design and discuss considerations for future research."),
    # a structured abstract ("Background:", "Result:", "Conclusion:") beside a margin column of affiliations
    ("bio/10.1186%2Fs13059-023-02935-8.pdf", "Background: Glucokinase (GCK) regulates insulin secretion to "
     "maintain appropriate blood glucose levels.", "and inform development of therapeutics targeting GCK."),
    # "Abstract Splicing is ..." run in, beside a margin column of dates and the editor
    ("bio/10.7554%2FeLife.91357.3.pdf", "Splicing is the stepwise molecular process by which introns are removed",
     "These results may unify conflicting reports of co-transcriptional versus post-transcriptional splicing."),
    # "ABSTRACT The two species ..." run in, then "IMPORTANCE"
    ("bio/10.1128%2Fmsphere.00109-24.pdf", "The two species that account for most cases of Acinetobacter-associated",
     "how development of resistance can be constrained in Gram-negative bacteria."),
    # a bioRxiv draft: line numbers before every line, "13 Abstract:" ... "29 Introduction:" on the next page
    ("bio/10.1101%2F2024.05.14.594155.pdf", "The field of engineering living materials (ELMs) seeks to engineer cells",
     "create significant differences in rheological properties, uncovering new design principles of ELMs."),
    # J Cell Sci 2002: "Summary" over the left column, the abstract going on at the top of the right column
    # down to "Key words", "Introduction" below it in the left column
    ("bio/10.1242%2Fjcs.115.4.827.pdf", "Group 1 of plant pathogenesis-related proteins (PR-1) and a variety",
     "these data could indicate that GAPR-1 is involved in the immune system."),
    # the abstract in smaller type at the foot of page 1: no footnote
    ("odd/paperqa-paper.pdf", "Chemists can be skeptical in using deep learning (DL) in decision making",
     "explaining predictions can uncover structure-property relationships."),
])
def test_the_abstract_under_the_heading(pdf_meta, name, start, end):
    m = pdf_meta(name)
    assert m.abstract.startswith(start) and m.abstract.endswith(end), m.abstract
    assert m.abstract_missing is None and m.sources["abstract"]
    assert "\ufffe" not in m.abstract and "  " not in m.abstract


def test_hyphenation_at_line_ends_is_repaired(pdf_meta):
    a = pdf_meta(ACL).abstract
    assert "The corpus consists of rich metadata" in a and "structured full text for 8.1M open access papers" in a
    assert "\u2011 " not in pdf_meta("bio/10.1186%2Fs13059-023-02935-8.pdf").abstract     # "hyperinsuline-" "mic"


@pytest.mark.parametrize("name, start, end", [
    # Nature Communications: in larger type than the body, right of a margin column ("Received", "Check for updates")
    (NATURE, "The archaeal ancestor of eukaryotes apparently belonged to the phylum Asgardarchaeota",
     "appears to coincide with a transition from thermophilic to mesophilic lifestyle during the evolution of "
     "Asgard archaea."),
    ("bio/10.1038%2Fs41467-024-48375-1.pdf", "The dorsolateral prefrontal cortex (dlPFC) is crucial for regulation",
     "could underlie negative biases in decision-making as observed in depressive states."),
    # Experimental & Molecular Medicine: the body's type, but across the page above two columns, indented
    ("bio/10.1038%2Fs12276-023-01094-x.pdf", "Ubiquitously expressed aminoacyl-tRNA synthetases play essential roles",
     "The involvement of EPRS1 in diseases such as cancer is also discussed."),
    # PNAS 2004: in bold below the affiliations and "Contributed by ..."
    ("bio/10.1073%2Fpnas.0403760101.pdf", "Biochemical, genetic, and animal studies in recent years have established",
     "new targets for pharmacologic intervention in metabolic diseases such as diabetes and obesity."),
    # ACM journal format: in smaller type below the authors, "CCS Concepts" after it
    ("cs/2203.00130v1.pdf", "When seeking information not covered in patient-friendly documents, like medical",
     "can make reading medical papers easier and give readers more confidence to approach these papers."),
])
def test_an_abstract_with_no_heading_is_taken_from_the_first_paragraph(pdf_meta, name, start, end):
    """Five of the shared PDFs print their abstract with no heading: before, they got none, and the paper
    had no place in the facets, maps and gaps. The first block of prose below the title, set apart from the
    body, is theirs, and the metadata says where it came from."""
    m = pdf_meta(name)
    assert m.abstract.startswith(start) and m.abstract.endswith(end), m.abstract
    assert m.abstract_missing is None and m.sources["abstract"] == FROM_FIRST_PARAGRAPH
    assert "\ufffe" not in m.abstract and "  " not in m.abstract


@pytest.mark.parametrize("name", [EDITORIAL, "cs/1903.10676.pdf", "odd/papermage-test-uu.pdf"])
def test_no_heading_and_no_abstract_like_first_paragraph_gives_none_and_says_so(pdf_meta, name):
    """An editorial opens in the body's own type and column: no abstract. A one-page excerpt (a table and
    body text in larger type than the table's) has no title, so no first paragraph below it."""
    m = pdf_meta(name)
    assert m.abstract == "" and m.abstract_missing == NO_HEADING and "abstract" not in m.sources


# --- the first paragraph, on lines laid out by hand ------------------------------------------------

_ABSTRACT = ("We study the growth of graphs in two columns of text. Our method reads each page once and keeps "
             "the lines in order. It is fast on the papers we tried, and it fails on none of them. We also show "
             "that the order of the columns can be read from the gaps between them. The results hold for papers "
             "from several fields and publishers, old and new, set in one column or two columns of text. "
             "Code and data are available to all readers.")
_BODY = ("Graphs are everywhere in the sciences and their growth is studied in many fields of research. "
         "They come in many sizes and shapes and their study has a long history in the literature. ") * 4


def _para(text, x0, x1, y, size=9.0, bold=False, per_line=60, pitch=12.0):
    words, rows, row = text.split(), [], ""
    for w in words:
        if row and len(row) + len(w) > per_line:
            rows.append(row)
            row = ""
        row = f"{row} {w}".strip()
    rows.append(row)
    return [Line(0, x0, y + pitch * i, x1, y + pitch * i + size, r, size, bold) for i, r in enumerate(rows)]


def _page(abstract_lines, above=()):
    """Page 1 of a two-column paper: a title, an author line, the block given, the body's two columns."""
    title = [Line(0, 50, 60, 500, 80, "A Study of the Growth of Graphs in Two Columns", 20.0, True)]
    authors = [Line(0, 50, 100, 300, 109, "Jane Doe, John Roe", 10.0, False)]
    body = _para(_BODY, 50, 290, 400, per_line=48) + _para(_BODY, 310, 550, 400, per_line=48)
    return title + authors + list(above) + abstract_lines + body, title


def test_a_first_paragraph_set_apart_from_the_body_is_the_abstract():
    wide, title = _page(_para(_ABSTRACT, 60, 540, 150, per_line=110))        # across both columns
    assert lead_paragraph(wide, title) == _ABSTRACT
    larger, title = _page(_para(_ABSTRACT, 50, 290, 150, size=10.5, per_line=48))
    assert lead_paragraph(larger, title) == _ABSTRACT
    bold, title = _page(_para(_ABSTRACT, 50, 290, 150, bold=True, per_line=48))
    assert lead_paragraph(bold, title) == _ABSTRACT


def test_a_first_paragraph_like_the_body_or_unlike_an_abstract_is_not_taken():
    # in the body's type and column: the body's first paragraph (an editorial)
    lines, title = _page(_para(_ABSTRACT, 50, 290, 150, per_line=48))
    assert lead_paragraph(lines, title) == ""
    # no title above it
    lines, _title = _page(_para(_ABSTRACT, 60, 540, 150, per_line=110))
    assert lead_paragraph(lines, []) == ""
    # too short to be an abstract
    lines, title = _page(_para(" ".join(_ABSTRACT.split()[:30]) + ".", 60, 540, 150, per_line=110))
    assert lead_paragraph(lines, title) == ""
    # affiliations and an e-mail, set apart all the same
    affiliations = ("1Department of Biology, University of Somewhere, 12 Long Road, Sometown 12345, Country. "
                    "2Institute of Graphs, Other University, Othertown 54321, Country. These authors contributed "
                    "equally: Jane Doe, John Roe. Correspondence and requests for materials should be addressed "
                    "to Jane Doe, whose address is jane.doe@example.org. 3Laboratory of Columns, Third College, "
                    "Thirdtown, Country. We thank the many readers of the first draft for their help.")
    lines, title = _page(_para(affiliations, 60, 540, 150, per_line=110))
    assert lead_paragraph(lines, title) == ""
    # a box with a label of its own above it ("Significance"): not the abstract
    label = [Line(0, 60, 135, 140, 144, "Significance", 9.0, True)]
    lines, title = _page(_para(_ABSTRACT, 60, 540, 150, per_line=110), above=label)
    assert lead_paragraph(lines, title) == ""


# --- the import ------------------------------------------------------------------------------------

@pytest.fixture
def lib(pdf_library):
    return pdf_library


def test_a_folder_import_gives_new_papers_their_abstracts_and_notes_those_without(lib, shared_data, tmp_path):
    """The abstract under a heading is taken as it is; one taken from the first paragraph comes with a note
    and a tag for the user to check it; a PDF with neither gets a note saying why it has none."""
    folder = tmp_path / "pdfs"
    folder.mkdir()
    for rel in (ACL, NATURE, EDITORIAL):
        shutil.copyfile(shared_data / "pdfs" / rel, folder / rel.split("/")[-1])
    results = {r.file.split("/")[-1]: r for r in attach_mod.attach_paths(lib, [folder])}
    assert {r.status for r in results.values()} == {"new-paper"}
    acl = lib.get_paper(results["2020.acl-main.447.pdf"].paper_id)
    assert acl.abstract.startswith("We introduce S2ORC") and acl.abstract.endswith("over academic text.")
    assert attach_mod.CHECK_ABSTRACT_TAG not in lib.tags_of(acl.id)
    nature = lib.get_paper(results[NATURE.split("/")[-1]].paper_id)
    assert nature.abstract.startswith("The archaeal ancestor of eukaryotes")
    assert attach_mod.CHECK_ABSTRACT_TAG in lib.tags_of(nature.id)
    editorial = results[EDITORIAL.split("/")[-1]].paper_id
    assert lib.get_paper(editorial).abstract == "" and attach_mod.CHECK_ABSTRACT_TAG not in lib.tags_of(editorial)
    [run] = [e for e in lib.imports_log() if e["source"] == "pdf"]
    assert run["status"] == "done"
    guessed, missing = sorted(run["warnings"], key=lambda w: NO_HEADING in w)
    assert NATURE.split("/")[-1] in guessed and FIRST_PARAGRAPH_NOTE in guessed
    assert EDITORIAL.split("/")[-1] in missing and NO_HEADING in missing


def test_a_pdf_never_replaces_the_abstract_a_library_paper_has(lib, shared_data):
    from gapscope.ingest import ingest_papers

    own = "Our own abstract, as the arXiv listing gives it."
    ingest_papers(lib, [Paper(title="S2ORC: The Semantic Scholar Open Research Corpus", abstract=own,
                              doi="10.18653/v1/2020.acl-main.447", source="bibtex", source_key="lo2020")],
                  kind="import", source="bibtex", target="refs.bib")
    res = attach_mod.attach_file(lib, shared_data / "pdfs" / ACL)
    assert res.status == "attached" and res.match == "doi"
    assert lib.get_paper(res.paper_id).abstract == own


def test_a_library_paper_without_an_abstract_is_not_given_one_by_an_attach(lib, shared_data):
    """Attaching a PDF to a library paper changes none of its fields (the user chose them)."""
    from gapscope.ingest import ingest_papers

    ingest_papers(lib, [Paper(title="S2ORC: The Semantic Scholar Open Research Corpus",
                              doi="10.18653/v1/2020.acl-main.447", source="bibtex", source_key="lo2020")],
                  kind="import", source="bibtex", target="refs.bib")
    res = attach_mod.attach_file(lib, shared_data / "pdfs" / ACL)
    assert res.status == "attached" and lib.get_paper(res.paper_id).abstract == ""


def test_pdf_extract_says_an_abstract_came_from_the_first_paragraph(shared_data):
    from click.testing import CliRunner

    from gapscope.cli import main

    res = CliRunner().invoke(main, ["pdf", "extract", str(shared_data / "pdfs" / NATURE)])
    assert res.exit_code == 0, res.output
    assert f"Abstract (read from: {FROM_FIRST_PARAGRAPH}): The archaeal ancestor of eukaryotes" in res.output


def test_a_heading_in_the_same_type_close_below_ends_the_first_paragraph():
    """ACM sets "CCS Concepts: ..." in the abstract's type under it; set a line closer, it ends the block."""
    block = _para(_ABSTRACT, 60, 540, 150, per_line=110)
    ccs = Line(0, 60, block[-1].y0 + 12, 540, block[-1].y0 + 21, "CCS Concepts: \u2022 Computing methodologies.", 9.0,
               False)
    lines, title = _page(block + [ccs])
    assert lead_paragraph(lines, title) == _ABSTRACT


def _shared_pdfs():
    from ..conftest import SHARED_DATA

    root = SHARED_DATA / "pdfs"
    return sorted(str(p.relative_to(root)) for p in root.rglob("*.pdf")) if root.is_dir() else []


@pytest.mark.parametrize("name", _shared_pdfs())
def test_with_its_heading_taken_out_a_pdf_gives_its_own_abstract_or_none(shared_data, extract_once, name):
    """The first-paragraph rule tried where the answer is known: each shared PDF with its abstract heading
    taken out (a heading line dropped, a run-in "Abstract:" cut off) gives the abstract the heading gives,
    or nothing; never another block (an affiliation, a body paragraph, a half of the abstract)."""
    import dataclasses

    from gapscope.fulltext.meta import _page1_title, read_metadata

    path = shared_data / "pdfs" / name
    doc = extract_once(path)
    headed = read_metadata(doc, path)
    lines = []
    for ln in doc.lead_lines or doc.first_page_lines:
        rest = abstract_heading(ln.text)
        if rest is None or rest:
            lines.append(ln if rest is None else dataclasses.replace(ln, text=rest))
    guess = lead_paragraph(lines, _page1_title(doc.first_page_lines)[1])
    assert guess in ("", headed.abstract), guess
