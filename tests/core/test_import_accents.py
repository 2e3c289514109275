"""Accents and math in imported names and titles: converted as LaTeX means them, stored composed (NFC),
so that a word the user types finds the paper."""

from __future__ import annotations

import unicodedata

import pytest

from gapscope.ingest import import_file
from gapscope.models import Paper
from gapscope.sources.files import latex_to_text, read_bibtex, read_csv, read_ris
from gapscope.textfmt import latex_to_text as render_latex


@pytest.mark.parametrize("bib,text", [
    (r"Garc{\'\i}a, Mar{\'\i}a", "García, María"),            # dotless i under the accent, as BibTeX wants it
    (r"Garc{\'i}a and Mart{\'i}nez", "García and Martínez"),    # two accents in one field
    (r"G{\"o}del and L{\"o}wenheim", "Gödel and Löwenheim"),
    (r"Fran{\c{c}}ois Gon\c{c}alves", "François Gonçalves"),
    (r"{\O}ystein Bj{\o}rnstad", "Øystein Bjørnstad"),
    (r"Stra{\ss}e and Gau\ss{}", "Straße and Gauß"),
    (r"\v{S}imon Ka{\v{s}}par", "Šimon Kašpar"),
    (r"Pe{\~n}a Ib{\'a}{\~n}ez", "Peña Ibáñez"),
    (r"Learning $\alpha$-Divergences for {G}aussian {P}rocesses", "Learning α-Divergences for Gaussian Processes"),
    (r"Sch{\"o}ne {N}eue {W}elt", "Schöne Neue Welt"),
])
def test_bibtex_accents_and_math_become_composed_text(bib, text):
    got = latex_to_text(bib)
    assert got == text
    assert unicodedata.is_normalized("NFC", got)


BIB = r"""@inproceedings{mueller2019,
  title = {Sch{\"o}ne {N}eue {W}elt: Learning $\alpha$-Divergences},
  author = {M{\"u}ller, J{\"o}rg and Garc{\'\i}a, Mar{\'\i}a and {\O}rsted, S{\o}ren},
  booktitle = {Proceedings of the {IEEE} Conference on Computer Vision and Pattern Recognition},
  year = {2019}
}
"""


def test_imported_bibtex_names_are_found_by_the_words_users_type(library, tmp_path):
    path = tmp_path / "refs.bib"
    path.write_text(BIB, encoding="utf-8")
    (paper,) = [r for r in read_bibtex(path) if isinstance(r, Paper)]
    assert paper.authors == ["Jörg Müller", "María García", "Søren Ørsted"]
    # the math is kept as written, as arXiv's records keep it, and shown rendered
    assert paper.title == r"Schöne Neue Welt: Learning $\alpha$-Divergences"
    assert render_latex(paper.title) == "Schöne Neue Welt: Learning α-Divergences"
    assert import_file(library, path).added == 1
    for word in ("García", "Garcia", "María", "Müller", "Schöne", "Ørsted"):
        assert library.list_paper_ids(query=word) == [1], word


def test_ris_and_csv_text_is_stored_composed(library, tmp_path):
    """RIS and CSV carry no LaTeX, but a file written on a Mac may spell é as e + a combining accent."""
    decomposed = unicodedata.normalize("NFD", "García")
    ris = tmp_path / "refs.ris"
    ris.write_text(f"TY  - JOUR\nTI  - Estudio de {decomposed}\nAU  - {decomposed}, María\nER  - \n", encoding="utf-8")
    csv = tmp_path / "refs.csv"
    csv.write_text(f"title,authors,abstract\nOtro {decomposed},\"{decomposed}, José; Ruiz, Ana\",Por {decomposed}\n",
                   encoding="utf-8")
    (r,) = list(read_ris(ris))
    (c,) = list(read_csv(csv))
    assert r.title == "Estudio de García" and r.authors == ["María García"]
    assert c.title == "Otro García" and c.authors == ["José García", "Ana Ruiz"] and c.abstract == "Por García"
