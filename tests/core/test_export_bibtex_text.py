"""BibTeX text escaping and the reader's handling of escaped literals (both directions)."""

from __future__ import annotations

import pytest

from gapscope.exports.bibtex import tex_escape
from gapscope.exports.names import split_name
from gapscope.sources.files import latex_to_text


@pytest.mark.parametrize("bib,text", [
    (r"Caf{\'e} and G{\"o}del", "Café and Gödel"),              # accents, as Zotero and JabRef write them
    (r"\{braces\} 50\% \& \$5 \#1 a\_b", "{braces} 50% & $5 #1 a_b"),
    (r"back\textbackslash{}slash \textasciitilde{}x \textasciicircum{}y", "back\\slash ~x ^y"),
    (r"\textbraceleft{}k\textbraceright{}", "{k}"),
    (r"\emph{Deep} {L}earning", "Deep Learning"),
])
def test_reader_turns_latex_into_text(bib, text):
    assert latex_to_text(bib) == text


@pytest.mark.parametrize("text", [
    r"$\mathcal{O}(n^2)$ bounds for {k}-means on \textbf{real} data_sets & 100% #1 ~ ^",
    r"Koll\'ar's theorem, Gr\"obner bases, \{escaped\} and \\ double",
    "plain words: nothing to escape -- even ,, or := or rock 'n roll",
    "Unicode: Gödel Ω ∑ 深度学习",
])
def test_escape_then_read_is_the_identity(text):
    assert latex_to_text(tex_escape(text)) == text


def test_names_split_for_bibliographies():
    assert split_name("Ludwig van Beethoven") == ("Ludwig", "van Beethoven", "")
    assert split_name("Robert Tables Jr.") == ("Robert", "Tables", "Jr.")
    assert split_name("Plato") == ("", "Plato", "")
    assert split_name("Maria de la Cruz") == ("Maria", "de la Cruz", "")
    assert split_name("J. R. R. Tolkien") == ("J. R. R.", "Tolkien", "")
    assert split_name("John F. Kennedy") == ("John F.", "Kennedy", "")


@pytest.mark.parametrize("display,family,given", [
    ("Vasanth K.", "K.", "Vasanth"),
    ("Sanayya A", "A", "Sanayya"),
    ("Kaiming He", "He", "Kaiming"),
])
def test_a_name_ending_in_an_initial_is_written_as_bibtex_reads_it_and_reads_back_the_same(display, family, given):
    """A name without a comma, 'Vasanth K.', is 'Given Family' to BibTeX (its family name the last word), to
    arXiv's parsed author lists and to GapScope's de-duplication (first_author_key): the export writes that
    reading with a comma ('K., Vasanth'), which every BibTeX tool takes the same way and GapScope's importer
    reads back as the very name the library shows. ('Vasanth, K.' would read back as 'K. Vasanth'.)"""
    import bibtexparser
    from bibtexparser.customization import splitname

    from gapscope.exports.bibtex import to_bibtex
    from gapscope.models import Paper
    from gapscope.sources.dedup import first_author_key
    from gapscope.sources.files import paper_from_bibtex_entry

    assert split_name(display)[:2] == (given, family)
    text = to_bibtex([Paper(title="A paper", authors=[display], year=2020)])
    entry = bibtexparser.loads(text).entries[0]
    assert entry["author"] == f"{family}, {given}"
    read = splitname(entry["author"])                       # what BibTeX tools take from the field
    assert (" ".join(read["last"]), " ".join(read["first"])) == (family, given)
    assert first_author_key([display]) == first_author_key([f"{family}, {given}"])
    assert paper_from_bibtex_entry(entry, "").authors == [display]


def test_keep_math_writes_math_spans_for_latex_and_escapes_the_rest():
    from gapscope.exports.bibtex import to_bibtex
    from gapscope.models import Paper

    title = r"Bounds of $\mathcal{O}(n^2)$ for {k}-means & $\frac{1$ broken"
    assert tex_escape(title, keep_math=True) == (
        r"Bounds of $\mathcal{O}(n^2)$ for \textbraceleft{}k\textbraceright{}-means \& "
        r"\$\textbackslash{}frac\textbraceleft{}1\$ broken")
    import bibtexparser

    text = to_bibtex([Paper(title=title, authors=["Ada Lovelace"], year=1843)], keep_math=True)
    entry = bibtexparser.loads(text).entries[0]
    assert entry["title"].startswith(r"Bounds of $\mathcal{O}(n^2)$")


def test_an_organisation_author_is_exported_whole_and_read_back_whole(tmp_path):
    """`{World Health Organization}` is one name: BibTeX writes it braced, RIS as it is, CSL-JSON as a
    literal, and none of them as the person "Organization, World Health"."""
    import json

    from gapscope.exports import export_text
    from gapscope.ingest import import_file
    from gapscope.store import Library

    assert split_name("World Health Organization") == ("", "World Health Organization", "")
    assert split_name("Cochrane Airways Group") == ("", "Cochrane Airways Group", "")
    (tmp_path / "in.bib").write_text("@article{w, title = {Guidelines}, year = {2020},"
                                     " author = {Smith, John and {World Health Organization}}}\n", encoding="utf-8")
    lib = Library(tmp_path / "lib.gapscope")
    try:
        import_file(lib, tmp_path / "in.bib")
        ids = lib.list_paper_ids()
        bib = export_text(lib, "bibtex", ids)
        assert "author = {Smith, John and {World Health Organization}}" in bib
        assert "AU  - World Health Organization\n" in export_text(lib, "ris", ids)
        (item,) = json.loads(export_text(lib, "csljson", ids))
        assert item["author"][1] == {"literal": "World Health Organization"}
        (tmp_path / "out.bib").write_text(bib, encoding="utf-8")
        fresh = Library(tmp_path / "fresh.gapscope")
        import_file(fresh, tmp_path / "out.bib")
        assert fresh.get_papers(fresh.list_paper_ids())[0].authors == ["John Smith", "World Health Organization"]
        fresh.close()
    finally:
        lib.close()


def test_bibtex_import_keeps_math_and_citations_as_arxiv_records_keep_them(tmp_path):
    """`$O(n^{1/2})$` stays itself (not "O(n^1/2)"), `\\cite{foo}` too (not "<cit.>"); the text around them is
    read as LaTeX; `--keep-math` writes the math back as math."""
    from gapscope.exports import export_text
    from gapscope.ingest import import_file
    from gapscope.store import Library

    (tmp_path / "m.bib").write_text(
        "@article{m1,\n  title = {Sorting with {$\\epsilon$}-approximations for $x_i^2$},\n  author = {Knuth, Donald E.},\n"
        "  year = {2001},\n  abstract = {A bound of $O(n^{1/2})$, \\emph{emphasised}, 100\\% and \\cite{foo}. "
        "Also ``quoted'' -- a~tilde.}\n}\n", encoding="utf-8")
    lib = Library(tmp_path / "lib.gapscope")
    try:
        import_file(lib, tmp_path / "m.bib")
        (p,) = lib.get_papers(lib.list_paper_ids())
        assert p.title == "Sorting with $\\epsilon$-approximations for $x_i^2$"
        assert p.abstract == "A bound of $O(n^{1/2})$, emphasised, 100% and \\cite{foo}. Also \u201cquoted\u201d \u2013 a tilde."
        bib = export_text(lib, "bibtex", [p.id], keep_math=True)
        assert "title = {Sorting with $\\epsilon$-approximations for $x_i^2$}" in bib
        assert "$O(n^{1/2})$" in bib
    finally:
        lib.close()
