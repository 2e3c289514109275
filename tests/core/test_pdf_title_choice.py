"""The title printed on page 1 wins over a different Title in the file's properties (a publisher's
short running title), which stays as the alternative; where page 1 is not readable text, or both are the
same title written two ways, the properties' title stands."""

from __future__ import annotations

from gapscope.fulltext import attach as attach_mod
from gapscope.fulltext.meta import FROM_PAGE1, FROM_PROPERTIES, same_title

JCS_SHORT = "A human PR-1 related protein at the Golgi complex"


def test_page_one_title_beats_a_short_title_in_the_file_properties(pdf_meta):
    m = pdf_meta("bio/10.1242%2Fjcs.115.4.827.pdf")
    assert m.title.startswith("Identification and characterization of a novel human plant pathogenesis-related"
                              " protein") and m.title.endswith("in the Golgi complex")
    assert m.sources["title"] == FROM_PAGE1 and m.title_alternative == JCS_SHORT


def test_the_same_title_written_two_ways_keeps_the_properties_one(pdf_meta):
    # page 1 cuts it to three lines and drops the slash: "A family of Acrp30adiponectin ..."
    m = pdf_meta("bio/10.1073%2Fpnas.0403760101.pdf")
    assert m.title == "A family of Acrp30/adiponectin structural and functional paralogs"
    assert m.sources["title"] == FROM_PROPERTIES and m.title_alternative is None
    assert same_title("Evolution of optimal growth in Asgard archaea", "Evolution of optimal growth")
    assert not same_title(JCS_SHORT, "Identification and characterization of a novel human protein")


def _shifted(text: str) -> str:
    """Each letter one on ("the" -> "uif"): what a font without a Unicode map gives as text."""
    return "".join(chr((ord(c) - 97 + 1) % 26 + 97) if c.islower() else c for c in text)


def _pdf(path, *, garbled: bool):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_title("Sparse Mixture Routing for Long-Context Retrieval")
    pdf.add_page()
    pdf.set_font("Helvetica", size=18)
    title = "Routing sparse mixtures of experts over long contexts for retrieval"
    pdf.multi_cell(180, 9, _shifted(title) if garbled else title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    body = ("We study how the sparse routing of experts changes the quality of retrieval over long contexts, and "
            "we report the results on three of the benchmarks that are used in this area.")
    for _ in range(8):
        pdf.multi_cell(180, 6, _shifted(body) if garbled else body, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def test_garbled_page_one_text_leaves_the_properties_title(tmp_path):
    from gapscope.fulltext.extract import extract
    from gapscope.fulltext.meta import read_metadata

    garbled = _pdf(tmp_path / "garbled.pdf", garbled=True)
    m = read_metadata(extract(garbled), garbled)
    assert (m.title, m.sources["title"]) == ("Sparse Mixture Routing for Long-Context Retrieval", FROM_PROPERTIES)
    clean = _pdf(tmp_path / "clean.pdf", garbled=False)
    m = read_metadata(extract(clean), clean)
    assert m.title == "Routing sparse mixtures of experts over long contexts for retrieval"
    assert m.title_alternative == "Sparse Mixture Routing for Long-Context Retrieval"


def test_a_new_paper_keeps_the_other_title_in_its_record_and_note(tmp_path):
    from gapscope.store import Library

    pdf = _pdf(tmp_path / "routing.pdf", garbled=False)
    with Library(tmp_path / "l.gapscope") as lib:
        res = attach_mod.attach_file(lib, pdf)
        assert res.status == "new-paper"
        paper = lib.get_paper(res.paper_id)
        assert paper.title.startswith("Routing sparse mixtures")
        record = lib.source_records(paper.id)[0]["data"]
        assert record["title_in_file_properties"] == "Sparse Mixture Routing for Long-Context Retrieval"
        log = lib.import_entry(lib.imports_log(1)[0]["id"])
        assert any("Sparse Mixture Routing for Long-Context Retrieval" in w for w in log["warnings"])
