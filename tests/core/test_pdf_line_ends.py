"""A PDF's text as the abstracts of the shared PDFs showed it wrong: a line-end hyphen that is the word's
own was dropped ("EF-1A" read "EF1A", "protein-protein" "proteinprotein"), a hyphen the line kept was
followed by a space before a digit ("GAPR- 1"), and footnote and citation marks set as superscripts
were glued to the word before them ("S2ORC,1", "research.1", "Paper Plain1", "species1")."""

from __future__ import annotations

import pytest

from gapscope.fulltext.extract import join_lines
from gapscope.fulltext.hyphens import Spellings, keeps_hyphen

SOFT = "\x02"      # pdfium's mark of a line-end hyphen it takes for hyphenation


@pytest.mark.parametrize("before, after, joined", [
    ("ancestral EF", "1A sequences", "ancestral EF-1A sequences"),              # a digit after the break
    ("exceeds PaSa", "GPT-4o by", "exceeds PaSa-GPT-4o by"),                    # a capital after it
    ("removed from pre", "mRNA and", "removed from pre-mRNA and"),              # a capital inside the part after
    ("the Kir6.2", "S118L mutation", "the Kir6.2-S118L mutation"),
    ("to measure protein", "protein interactions", "to measure protein-protein interactions"),   # repeated
    ("with automatically", "detected inline", "with automatically-detected inline"),   # no word joined
    ("as a parameter", "efficient method", "as a parameter-efficient method"),
    ("a binding as", "say of", "a binding assay of"),                           # joins into a word
    ("we study the classi", "fication of", "we study the classification of"),   # a word cut in syllables
    ("congenital hyperinsu", "linism, whereas", "congenital hyperinsulinism, whereas"),
    ("a genetic cross", "over between", "a genetic crossover between"),          # joins into a common word
    ("a relational data", "base of", "a relational database of"),
    ("the manu", "script was", "the manuscript was"),
])
def test_a_line_end_hyphen_is_kept_only_where_it_is_the_words(before, after, joined):
    assert join_lines([before + SOFT, after]) == joined
    assert join_lines([before + "\u00ad", after]) == joined          # a soft hyphen set at the line's end


def test_the_documents_own_spelling_decides_first():
    """A word the document prints whole inside a line elsewhere loses the hyphen a line end gave it
    (a name in camel case, cut where a capital follows); one it prints hyphenated keeps it."""
    cut = ["queries of AutoScholar" + SOFT, "Query and"]
    assert join_lines(cut) == "queries of AutoScholar-Query and"           # a capital after the break
    assert join_lines(cut, Spellings(["We build AutoScholarQuery, a set"])) == "queries of AutoScholarQuery and"
    cut = ["loss moduli to the mid" + SOFT, "length ELP"]
    assert join_lines(cut) == "loss moduli to the midlength ELP"           # wordfreq knows "midlength"
    assert join_lines(cut, Spellings(["the mid-length ELP forms"])) == "loss moduli to the mid-length ELP"


def test_a_hyphen_the_line_kept_before_a_digit_joins_without_a_space():
    assert join_lines(["Immunoprecipitation of GAPR-", "1 from Golgi membranes"]) == \
        "Immunoprecipitation of GAPR-1 from Golgi membranes"
    assert join_lines(["a state-of-the-", "art method"]) == "a state-of-the-art method"
    assert join_lines(["as in 1998 -", "2000 it"]) == "as in 1998 - 2000 it"       # a dash between spaces


def test_no_word_around_the_hyphen_drops_it_as_before():
    assert not keeps_hyphen("(", "[3] shows")
    assert not keeps_hyphen("words", "")


@pytest.mark.parametrize("name, right, wrong", [
    ("bio/10.1038%2Fs41467-024-44806-1.pdf", "we reconstruct ancestral EF-1A sequences", "EF1A"),
    ("bio/10.1101%2F2024.05.13.593936.pdf", "to measure protein-protein interactions", "proteinprotein"),
    ("bio/10.7554%2FeLife.91357.3.pdf", "introns are removed from pre-mRNA", "premRNA"),
    ("bio/10.1101%2F2024.05.14.594155.pdf", "loss moduli to the mid-length ELP", "midlength"),
    ("cs/2020.acl-main.447.pdf", "automatically-detected inline mentions", "automaticallydetected"),
    ("cs/pasa-2501.10120.pdf", "It also exceeds PaSa-GPT-4o by", "PaSaGPT"),
    ("odd/papermage-value-error-box-diff-page.pdf", "as a parameter-efficient method", "parameterefficient"),
    ("cs/papermage.pdf", "an open-source Python toolkit", "opensource"),
])
def test_the_shared_pdfs_keep_their_words_hyphens(pdf_meta, name, right, wrong):
    a = pdf_meta(name).abstract
    assert right in a and wrong not in a, a


@pytest.mark.parametrize("name, right, wrong", [
    ("cs/2020.acl-main.447.pdf", "We introduce S2ORC, a large corpus", "S2ORC,1"),             # footnote marks
    ("cs/2023.eacl-main.121.pdf", "software for future research.", "research.1"),
    ("cs/2203.00130v1.pdf", "interactive interface\u2014Paper Plain\u2014with four features", "Plain1"),
    ("cs/2206.10883v3.pdf", "Clearinghouse (CRLC), which posts", "(CRLC),1"),
    ("cs/papermage.pdf", "github.com/allenai/papermage", "papermage1"),
    ("bio/10.1101%2F2022.03.19.484946.pdf", "than most other citrus species. Many cultivar", "species1"),   # citations
    ("bio/10.1101%2F2022.03.19.484946.pdf", "hundreds of years. The reasons", "years2"),
])
def test_superscript_marks_are_not_glued_to_the_words(pdf_meta, name, right, wrong):
    a = pdf_meta(name).abstract
    assert right in a and wrong not in a, a


def test_superscripts_that_are_the_texts_own_stay(extract_once, shared_data):
    """Marks start an affiliation line and exponents follow numbers and units: those are kept. The
    5\u2032 of a DNA sequence is raised too, and no mark."""
    from gapscope.fulltext.extract import read_lines

    pages, _ = read_lines(shared_data / "pdfs" / "bio/10.3390%2Fijms25031660.pdf")
    text = " ".join(ln.text for page in pages[:2] for ln in page)
    assert "5\u2032-CCGCGG-3\u2032" in text
    pages, _ = read_lines(shared_data / "pdfs" / "bio/10.1038%2Fs41467-024-44806-1.pdf")
    assert any(ln.text.startswith("1") and "Archaeal" in ln.text for ln in pages[0])     # "1Archaeal Biology Center"


def test_marks_are_dropped_and_exponents_kept_in_a_made_pdf(tmp_path):
    """A PDF set with superscripts (fpdf2): a citation after a word or its full stop goes; an exponent
    after a number, a unit's power, an ion's charge and a mark starting the line stay."""
    from fpdf import FPDF

    from gapscope.fulltext.extract import read_lines
    from gapscope.fonts import dejavu_dir

    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("DejaVu", "", str(dejavu_dir() / "DejaVuSans.ttf"))
    pdf.set_font("DejaVu", size=10)
    lines = [[("Most citrus species", ""), ("1,2", "SUP"), (" grow in ", ""), ("10", ""), ("5", "SUP"),
              (" plots of 3 m", ""), ("2", "SUP"), (" each.", "")],
             [("Calcium (Ca", ""), ("2+", "SUP"), (") is needed for growth.", ""), ("3", "SUP"), (" We agree.", "")],
             [("1", "SUP"), ("Department of Biology, a university", "")]]
    for parts in lines:
        for text, vpos in parts:
            pdf.char_vpos = vpos or "LINE"
            pdf.write(5, text)
        pdf.ln(8)
    pdf.output(str(tmp_path / "sup.pdf"))
    pages, _ = read_lines(tmp_path / "sup.pdf")
    assert [ln.text for ln in pages[0]] == ["Most citrus species grow in 105 plots of 3 m2 each.",
                                            "Calcium (Ca2+) is needed for growth. We agree.",
                                            "1Department of Biology, a university"]


@pytest.mark.parametrize("name, authors", [
    ("cs/2206.10883v3.pdf", ["Zejiang Shen", "Kyle Lo"]),                 # "Zejiang Shen† Kyle Lo"
    ("cs/pasa-2501.10120.pdf", ["Yuchen Zhang", "Hang Li"]),               # "Yuchen Zhang1 Hang Li"
    ("bio/10.1101%2F2024.05.14.594155.pdf", ["Alanna Stull", "Caroline M. Ajo-Franklin"]),   # "Ajo-Franklin1, 3, 4, 5"
])
def test_a_mark_that_parts_two_authors_names_stays(pdf_meta, name, authors):
    found = pdf_meta(name).authors
    assert any(found[i:i + len(authors)] == authors for i in range(len(found))), found


def test_a_mark_after_a_full_stop_goes_before_the_next_sentence(extract_once, shared_data):
    """"... from the PDF.¹¹ We then use ...": a mark after punctuation is a footnote's, whatever follows."""
    text = " ".join(extract_once(shared_data / "pdfs" / "cs/2020.acl-main.447.pdf").text().split())
    assert "PDF. We then use" in text and "PDF.11" not in text
