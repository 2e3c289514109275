"""Hostile text from scraped or imported data: HTML, script tags, LaTeX, Markdown and control
characters must come out of every report and export as the same text, never as markup."""

from __future__ import annotations

import json
import re

import pytest

from gapscope.exports import export_text
from gapscope.exports.bibtex import plain
from gapscope.ingest import import_file, ingest_papers
from gapscope.models import Paper
from gapscope.reports import write_report
from gapscope.exports.text import md, md_unescape, visible
from gapscope.store import Library
from gapscope.store.library import now_iso
from gapscope.textfmt import latex_to_text

from .test_reports_build import parse

TITLES = [
    "<script>alert(1)</script> Deep learning for everything",
    'Robust <img src=x onerror="alert(1)"> segmentation & <a href="javascript:alert(2)">click</a>',
    'G{\\"o}del, {\\LaTeX} and \\emph{really} \\textbf{bold} matter',
    "Scaling $x^2$ laws: 100% of {braces} #1 ~50 ^up_down \\ backslash \\\\ and \\{escaped\\}",
    "Control\x00chars\x07in\x1btitle\x7f and a \x85 C1 one",
    "Quotes \"double\" 'single' and </section></body></html> tags <!-- comment --> ]]> &amp; &lt;",
    "Markdown **bold** _it_ [link](http://evil.example) ![img](x.png) `code` # not a heading | pipe",
    "Unicode: Gödel Ω ∑ ∫ — em-dash, naïve café, Ünïcödé",
]
ABSTRACTS = [
    "We show <script>document.cookie</script> and <style>body{display:none}</style> text.",
    "An abstract with\x00NUL, bell\x07 and escape\x1b[31m red, then <b>bold</b>.",
    "LaTeX: $\\mathcal{O}(n^2)$ and \\cite{x} and {\\'e}t{\\'e}.",
]
AUTHORS = [["<b>Eve</b> Hacker", "Ludwig van Beethoven", "Jean {\\'E}cole"],
           ["Robert Tables Jr.", "O'Brien & Sons", "A and B Consortium"], ["Plato"]]


@pytest.fixture
def hostile(tmp_path):
    lib = Library(tmp_path / "hostile.sqlite")
    papers = [Paper(title=t, abstract=ABSTRACTS[i % 3], authors=AUTHORS[i % 3], year=2020 + i,
                    published=f"{2020 + i}-01-0{i + 1}",
                    doi=(f"10.1234/hostile.{i}" if i != 5 else "10.1002/(sici)x>[y](javascript:alert(1))<") if i % 2 else None,
                    arxiv_id=f"2001.0000{i}" if i % 2 == 0 else None, categories=["cs.LG"],
                    source="scraped", source_key=str(i)) for i, t in enumerate(TITLES)]
    rep = ingest_papers(lib, papers, kind="import", source="scraped", target="hostile test")
    assert rep.added == len(TITLES)
    ids = lib.list_paper_ids()
    extra = ingest_papers(lib, [Paper(title="Excluded <b>paper</b>", source="scraped", source_key="x")],
                          kind="import", source="scraped", target="hostile test").added_ids[0]
    with lib.transaction() as conn:
        for pid in ids:
            conn.execute("INSERT INTO decisions (paper_id, decision, reason, decided_at) VALUES (?, 'include', NULL, ?)",
                         (pid, now_iso()))
        conn.execute("INSERT INTO decisions (paper_id, decision, reason, decided_at) VALUES (?, 'exclude', ?, ?)",
                     (extra, "<script>alert('reason')</script> $\\frac{1 $x^2$", now_iso()))
    lib.add_note(ids[1], "note with <script>alert(3)</script> and **markdown**")
    yield lib
    lib.close()


def test_html_shows_hostile_text_as_text(hostile, tmp_path):
    out = tmp_path / "r.html"
    write_report(hostile, "html", out)
    html_text = out.read_text(encoding="utf-8")
    doc = parse(html_text)
    tags = {t for t, _ in doc.tags}
    assert not tags & {"script", "style_", "iframe", "object", "embed", "b", "svg"}
    assert [t for t, _ in doc.tags].count("style") == 1  # only the report's own stylesheet
    for tag, attrs in doc.tags:
        assert not any(k.lower().startswith("on") for k in attrs), (tag, attrs)
        if tag == "img":
            assert attrs["src"].startswith("data:image/png;base64,")
        if tag == "a":
            assert attrs["href"].startswith(("#", "https://arxiv.org/abs/", "https://doi.org/")), attrs
    text = "".join(doc.text)
    for t in TITLES:                       # titles as a reader sees them: LaTeX rendered as text
        assert visible(latex_to_text(t)) in text, t
    assert 'G{\\"o}del' not in text and "Gödel, LaTeX and really bold matter" in text
    assert "<script>alert('reason')</script> $\\frac{1 $x^2$" in text  # the exclusion reason, as text (and drawn in the figure)
    assert "note with <script>alert(3)</script>" in text
    for raw in ("\x00", "\x07", "\x1b", "\x7f", "\x85"):
        assert raw not in html_text
    assert "\u2400" in text and "\u2407" in text  # NUL and BEL shown as control pictures


def test_markdown_escapes_every_special(hostile, tmp_path):
    out = tmp_path / "r.md"
    write_report(hostile, "md", out)
    text = out.read_text(encoding="utf-8")
    # every < is escaped (or opens a link destination `](<...>)`): no HTML reaches a renderer
    assert not re.search(r"(?<!\\)(?<!\]\()<", text)
    assert "https://doi.org/10.1002/(sici)x%3E%5By%5D(javascript:alert(1))%3C" in text  # < > [ ] encoded in links
    assert "\\](http://evil" in text and not re.search(r"(?<!\\)\]\(http://evil", text)
    for t in TITLES:
        shown = latex_to_text(t)
        assert md(shown) in text
        assert md_unescape(md(shown)) == " ".join(visible(shown).split())


def test_pdf_renders_hostile_text(hostile, tmp_path):
    from pypdf import PdfReader

    out = tmp_path / "r.pdf"
    write_report(hostile, "pdf", out)
    reader = PdfReader(out)
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "<script>alert(1)</script> Deep learning" in text
    assert "Gödel Ω ∑" in text


@pytest.mark.parametrize("fmt,ext", [("bibtex", "bib"), ("ris", "ris")])
def test_bibliography_exports_reimport_hostile_text_unchanged(hostile, tmp_path, fmt, ext):
    """Unchanged except for control characters, which BibTeX and RIS cannot carry: they are dropped
    and whitespace runs become one space (`plain`)."""
    ids = hostile.list_paper_ids()
    path = tmp_path / f"h.{ext}"
    path.write_text(export_text(hostile, fmt, ids), encoding="utf-8")
    fresh = Library(tmp_path / "fresh.sqlite")
    rep = import_file(fresh, path)
    assert rep.errors == [] and rep.added == len(ids)
    back = fresh.get_papers(fresh.list_paper_ids())
    for orig, got in zip(hostile.get_papers(ids), back):
        assert got.title == plain(orig.title)
        assert got.authors == [plain(a) for a in orig.authors]
        assert (got.year, got.doi, got.arxiv_id) == (orig.year, orig.doi, orig.arxiv_id)
        assert got.abstract == plain(orig.abstract)
    fresh.close()


def test_csl_json_and_notes_json_keep_text(hostile):
    ids = hostile.list_paper_ids()
    items = json.loads(export_text(hostile, "csljson", ids))
    assert [it["title"] for it in items][:len(TITLES)] == [plain(t) for t in TITLES]
    notes = json.loads(export_text(hostile, "notes-json", ids))
    assert notes[0]["notes"][0]["body"] == "note with <script>alert(3)</script> and **markdown**"
    md_notes = export_text(hostile, "notes-md", ids)
    assert not re.search(r"(?<!\\)<(?!https://)", md_notes) and "\\*\\*markdown\\*\\*" in md_notes
