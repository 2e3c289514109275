"""The gap report built from a real library: PRISMA counts, HTML parsed and checked, Markdown, PDF."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner

from gapscope.cli import main
from gapscope.reports import build_report_data, write_report
from gapscope.reports.html import SECTIONS
from gapscope.exports.text import md

from .reports_fixtures import build


@pytest.fixture(scope="module")
def built(tmp_path_factory, shared_data):
    b = build(tmp_path_factory.mktemp("reportlib"), shared_data)
    yield b
    b.lib.close()


class Collect(HTMLParser):
    """Every tag with its attributes, the text inside each h2, and all text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.h2: list[str] = []
        self.text: list[str] = []
        self._in_h2 = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "h2":
            self._in_h2 = True
            self.h2.append("")

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag == "h2":
            self._in_h2 = False

    def handle_data(self, data):
        self.text.append(data)
        if self._in_h2:
            self.h2[-1] += data


def parse(html_text: str) -> Collect:
    c = Collect()
    c.feed(html_text)
    c.close()
    return c


def test_prisma_counts_come_from_the_import_log_and_the_decisions(built):
    d = build_report_data(built.lib)
    p = d.prisma
    reps = built.imports
    # A re-import reads the same 300 records again: they are not identified twice (issue 17 #10).
    read_once = sum(r.read - len(r.errors) for r in reps[:-1])
    assert reps[-1].unchanged == 300
    assert p.identified == read_once
    assert p.duplicates_removed == sum(r.merged for r in reps[:-1]) == p.identified - p.after_dedup
    assert p.after_dedup == built.lib.count_papers()
    assert p.included == len(built.included)
    assert p.excluded == len(built.excluded)
    assert p.excluded_by_reason == dict(Counter(built.excluded.values()))
    assert p.maybe == len(built.maybe)
    assert p.screened == len(built.included) + len(built.excluded) + len(built.maybe)
    assert p.postponed == len(built.postponed)  # postponed is not screened
    assert p.not_screened == p.after_dedup - p.screened
    assert d.corpus.papers == built.lib.count_papers() and len(d.corpus.imports) == len(built.imports)
    assert [i["source"] for i in d.corpus.imports] == ["arxiv-snapshot", "csv", "arxiv-snapshot", "arxiv-snapshot"]
    assert {r.id for r in d.included.papers} == set(built.included)
    try:  # the triage module, once merged, counts the same way
        from gapscope.triage import triage_stats
    except ImportError:
        return
    t = triage_stats(built.lib)
    assert (t["include"], t["exclude"], t["maybe"], t["screened"]) == (p.included, p.excluded, p.maybe, p.screened)
    assert p.triage_stats and "stopping.estimated_recall" in p.triage_stats


def test_html_report_is_self_contained_with_every_section_and_evidence_links(built, tmp_path):
    out = tmp_path / "report.html"
    d = write_report(built.lib, "html", out)
    text = out.read_text(encoding="utf-8")
    doc = parse(text)
    assert doc.h2 == [title for _, title in SECTIONS]
    tags = [t for t, _ in doc.tags]
    assert "script" not in tags and "iframe" not in tags and "link" not in tags and "object" not in tags
    for tag, attrs in doc.tags:
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
        if tag == "img":
            assert attrs["src"].startswith("data:image/png;base64,")
        if tag == "a":
            href = attrs["href"]
            assert href.startswith(("#", "https://arxiv.org/abs/", "https://doi.org/")), href
    assert any(t == "img" for t, _ in doc.tags)  # the PRISMA flow
    hrefs = {a["href"] for t, a in doc.tags if t == "a"}
    for p in built.lib.get_papers(built.included):
        assert f"https://arxiv.org/abs/{p.arxiv_id}" in hrefs
    body = "".join(doc.text)
    for p in built.lib.get_papers(built.included):
        assert p.title in body
    for reason in built.excluded.values():
        assert f"excluded: {reason}" in body
    # each step that has not been run says so instead of showing made-up content
    if not d.maps.maps:
        assert "No maps have been built in this library: run gapscope map." in body   # the command as code
    if not d.gaps.gaps:
        assert "No gaps have been found in this library" in body
    if not d.experiments.runs:
        assert "No experiments have been run from this library" in body
    assert str(built.lib.path) in body  # reproducibility: which library
    ET.fromstring(text.split("\n", 1)[1])  # well-formed markup: XML parsers read it too


def test_markdown_report_sections_figures_and_links(built, tmp_path):
    out = tmp_path / "report.md"
    write_report(built.lib, "md", out)
    text = out.read_text(encoding="utf-8")
    headings = [line[3:] for line in text.splitlines() if line.startswith("## ")]
    assert headings == [title for _, title in SECTIONS]
    assert (tmp_path / "report_files" / "prisma.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "](<report_files/prisma.png>)" in text
    for p in built.lib.get_papers(built.included):
        assert f"[{md(p.title)}](<https://arxiv.org/abs/{p.arxiv_id}>)" in text


def test_pdf_report_pages_and_text(built, tmp_path):
    from pypdf import PdfReader

    out = tmp_path / "report.pdf"
    write_report(built.lib, "pdf", out)
    reader = PdfReader(out)
    text = "\n".join(page.extract_text() for page in reader.pages)
    # title + corpus + import table + PRISMA table and figure + 11 included papers + reproducibility
    assert len(reader.pages) >= 3
    for _, title in SECTIONS:
        assert title.split(" (")[0] in text
    assert "Records identified" in text
    first_included = built.lib.get_paper(built.included[0])
    assert first_included.title.split()[0] in text
    assert [o.title for o in reader.outline if not isinstance(o, list)] == [t for _, t in SECTIONS]
    links = [a.get_object()["/A"].get("/URI") for page in reader.pages for a in page.get("/Annots") or []
             if a.get_object().get("/A")]
    assert f"https://arxiv.org/abs/{first_included.arxiv_id}" in links


def test_report_of_a_collection_counts_only_its_papers(built, tmp_path):
    d = build_report_data(built.lib, collection="se-review")
    assert d.corpus.papers == len(built.lib.list_paper_ids(collection="se-review")) > 0
    assert d.prisma.identified >= d.corpus.papers
    assert d.prisma.screened == 0  # the decisions were made library-wide, not in this collection
    assert [i["source"] for i in d.corpus.imports] == ["csv"]


def test_cli_report_and_bad_collection(built, tmp_path):
    runner = CliRunner()
    out = tmp_path / "r.pdf"
    res = runner.invoke(main, ["--library", str(built.lib.path), "report", "-o", str(out), "--json", "-q"])
    assert res.exit_code == 0, res.output
    assert out.read_bytes()[:5] == b"%PDF-"
    assert '"format": "pdf"' in res.output and f'"included": {len(built.included)}' in res.output
    res = runner.invoke(main, ["--library", str(built.lib.path), "report", "-o", str(tmp_path / "x.html"),
                               "--collection", "no such thing"])
    assert res.exit_code == 4 and "no such thing" in res.output
    assert not (tmp_path / "x.html").exists()


def test_empty_library_and_papers_added_outside_the_import_log(library, tmp_path):
    for fmt in ("html", "md", "pdf"):  # an empty library still gives a report that says what to do
        write_report(library, fmt, tmp_path / f"empty.{fmt}")
    body = "".join(parse((tmp_path / "empty.html").read_text(encoding="utf-8")).text)
    assert "The library holds no papers yet" in body and "No paper has been included yet" in body
    with library.transaction() as conn:
        for t in ("One", "Two", "Three"):
            conn.execute("INSERT INTO papers (title, norm_title, added_at) VALUES (?, ?, '2026')", (t, t.lower()))
    p = build_report_data(library).prisma
    assert (p.identified, p.duplicates_removed, p.after_dedup, p.not_screened) == (3, 0, 3, 3)
    assert any("added directly" in h for h in p.how_counted)


def test_markdown_sets_the_commands_it_suggests_as_code(library, tmp_path):
    """"run `gapscope map`" reads as a command in rendered Markdown, as in the HTML report, never with the
    backticks printed as text."""
    write_report(library, "md", tmp_path / "empty.md")
    text = (tmp_path / "empty.md").read_text(encoding="utf-8")
    assert "> The library holds no papers yet: run `gapscope import FILE` or `gapscope collect`." in text
    assert not [line for line in text.splitlines() if line.startswith(">") and "\\`" in line]
    assert "> No maps have been built in this library: run `gapscope map`." in text


def test_the_output_name_gives_the_format_and_an_unknown_extension_is_refused(library, tmp_path):
    """`report -o review.docx` would have written HTML under that name: it is refused, naming the formats;
    a name without an extension is HTML, as the help says."""
    from gapscope.commands.reports import format_of

    assert [format_of(n) for n in ("r.HTML", "r.htm", "r.md", "r.markdown", "r.pdf", "review")] == \
        ["html", "html", "md", "md", "pdf", "html"]
    runner = CliRunner()
    res = runner.invoke(main, ["--library", str(library.path), "report", "-o", str(tmp_path / "review.docx")])
    assert res.exit_code == 2 and ".html, .md or .pdf, not .docx" in res.output
    assert not (tmp_path / "review.docx").exists()
    res = runner.invoke(main, ["--library", str(library.path), "report", "-o", str(tmp_path / "review.docx"),
                               "--format", "html", "-q"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "review.docx").read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")
