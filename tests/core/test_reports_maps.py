"""The report's maps and gaps sections read through gapscope.maps / gapscope.gaps (skipped until the
maps area is merged). Stand-in vectors (TF-IDF + SVD of the real abstracts, from maps_fixtures) keep
it fast; the report only sees saved maps and gaps."""

from __future__ import annotations

import pytest

maps = pytest.importorskip("gapscope.maps")
gaps_mod = pytest.importorskip("gapscope.gaps")
from gapscope.reports import build_report_data, write_report  # noqa: E402
from gapscope.store.library import Library  # noqa: E402

from . import maps_fixtures  # noqa: E402  (lands with the maps area)
from .test_reports_build import parse  # noqa: E402


@pytest.fixture(scope="module")
def mapped(tmp_path_factory, shared_data):
    rows = maps_fixtures.read_slice(shared_data / "arxiv" / "arxiv-cs-2025-2026.jsonl.gz", 300, 200)
    lib = Library(tmp_path_factory.mktemp("maplib") / "library.sqlite")
    ids = maps_fixtures.insert_papers(lib, rows)
    data = maps_fixtures.facet_data(ids, rows)
    dates = {pid: r["published"] for pid, r in zip(ids, rows)}
    for facet, (fids, vecs, texts) in data.items():
        maps.save_map(lib, maps.make_map(facet, fids, vecs, texts, dates, seed=0, stability_seeds=1,
                                         model="stand-in tfidf-svd"))
    found = gaps_mod.find_gaps(lib, data=data)
    yield lib, found
    lib.close()


def test_maps_and_gaps_sections_show_what_the_modules_saved(mapped, tmp_path):
    lib, found = mapped
    d = build_report_data(lib)
    assert d.maps.missing is None and [m.facet for m in d.maps.maps] == ["topic", "method", "result", "shortcoming"]
    for m in d.maps.maps:
        saved = maps.latest_map(lib, m.facet)
        assert [c["label"] for c in m.clusters] == [c.label for c in saved.clusters]
        assert len(m.points) == len(saved.assignments) and m.params.get("seed") == 0
    assert "stand-in tfidf-svd" in d.reproducibility["models"]
    listed = gaps_mod.list_gaps(lib)
    if listed:
        assert d.gaps.missing is None
        assert [g.statement for g in d.gaps.gaps] == [g.statement for g in sorted(listed, key=lambda g: -g.score)][:25]

    out = tmp_path / "r.html"
    write_report(lib, "html", out)
    doc = parse(out.read_text(encoding="utf-8"))
    text = "".join(doc.text)
    imgs = [a for t, a in doc.tags if t == "img"]
    assert len(imgs) >= 4  # a scatter per facet (nothing screened: no PRISMA flow of zeros)
    for m in d.maps.maps:
        for c in m.clusters[:3]:
            assert c["label"] in text
    hrefs = {a["href"] for t, a in doc.tags if t == "a"}
    for g in d.gaps.gaps[:5]:
        assert g.headline in text            # the statement, less the words its heading says
        for p in g.evidence:
            assert f"https://arxiv.org/abs/{p.arxiv_id}" in hrefs

    pdf = tmp_path / "r.pdf"
    write_report(lib, "pdf", pdf)
    from pypdf import PdfReader

    assert len(PdfReader(pdf).pages) >= 5


def test_the_report_shows_concept_labels_says_so_and_keeps_the_keywords(mapped, tmp_path):
    """After the topic map is labelled from concepts, the report's table shows the concept label beside the
    cluster's keywords and says what the labels are made of (keyword maps say keywords)."""
    from gapscope.analyze import relabel_maps

    lib, _ = mapped
    out = tmp_path / "before.md"
    write_report(lib, "md", out)
    assert "most distinctive keywords" in out.read_text(encoding="utf-8")
    topic = maps.latest_map(lib, "topic")
    biggest = max(topic.clusters, key=lambda c: c.size)
    named = [{"kind": "method", "phrase": "self-supervised speech separation", "synonyms": [], "vector": None,
              "papers": [(p, "method", 0.5) for p in topic.members(biggest.id)]}]
    lib.save_concepts(named, {"extractor": "test"}, "2026-01-01T00:00:00+00:00")
    relabel_maps(lib, ("topic",))
    out = tmp_path / "after.md"
    write_report(lib, "md", out)
    text = out.read_text(encoding="utf-8")
    assert "most distinctive concepts (its keywords where its papers have none)" in text
    row = next(ln for ln in text.splitlines() if "self-supervised speech separation" in ln)
    assert ", ".join(biggest.keywords[:3]) in row      # the keywords column still lists them


def _sections(text: str, prefix: str = "## ") -> dict[str, str]:
    """A Markdown report's sections by heading, in order."""
    out: dict[str, str] = {}
    for part in text.split("\n" + prefix)[1:]:
        head, _, body = part.partition("\n")
        out[head] = body
    return out


def test_a_report_puts_the_gaps_first_and_the_long_lists_in_appendices(mapped, tmp_path):
    """What an advisor reads first: a summary, then the ranked gaps; each map shows its 10 largest clusters and
    says how many more there are, all of them listed in an appendix at the end; a step not run (screening)
    is one line naming the command, not a PRISMA flow of zeros; the title names the library, not its path."""
    from gapscope.reports.layout import SECTIONS, TOP_CLUSTERS

    lib, _ = mapped
    d = build_report_data(lib)
    assert any(len(m.clusters) > TOP_CLUSTERS for m in d.maps.maps)
    out = tmp_path / "r.md"
    write_report(lib, "md", out)
    text = out.read_text(encoding="utf-8")
    sections = _sections(text)
    assert list(sections) == [t for _, t in SECTIONS]
    heads = list(sections)
    assert heads.index("Ranked gaps") < heads.index("Corpus and how it was collected") < heads.index("Maps")
    assert heads.index("Maps") < heads.index("Appendix A: every map cluster") == len(heads) - 2
    assert text.startswith(f"# Gap report: {lib.path.parent.name}\n")
    before_appendix = text.split("## Appendix B")[0]
    assert str(lib.path) not in before_appendix and str(lib.path.parent) not in before_appendix

    screening = sections["Screening (PRISMA flow)"]
    assert "No paper has been screened yet" in screening and "`gapscope triage next`" in screening
    assert "Records screened" not in text and "Triage statistics" not in text and "prisma.png" not in text
    assert not (tmp_path / "r_files" / "prisma.png").exists()

    maps_md, appendix = _sections(sections["Maps"], "### "), _sections(sections["Appendix A: every map cluster"], "### ")
    for m in d.maps.maps:
        rows = [ln for ln in maps_md[f"{m.facet.capitalize()} map"].splitlines() if ln.startswith("| ") and ln[2].isdigit()]
        assert len(rows) == min(TOP_CLUSTERS, len(m.clusters))
        if len(m.clusters) > TOP_CLUSTERS:
            assert f"{len(m.clusters) - TOP_CLUSTERS} more cluster" in maps_md[f"{m.facet.capitalize()} map"]
        full = appendix[f"{m.facet.capitalize()} map: all {len(m.clusters)} clusters"]
        assert len([ln for ln in full.splitlines() if ln.startswith("| ") and ln[2].isdigit()]) == len(m.clusters)

    html_out = tmp_path / "r.html"
    write_report(lib, "html", html_out)
    html_text = html_out.read_text(encoding="utf-8")
    assert parse(html_text).h2 == [t for _, t in SECTIONS]
    assert "Triage statistics" not in html_text and "No paper has been screened yet" in html_text
    assert html_text.index('id="gaps"') < html_text.index('id="maps"') < html_text.index('id="clusters"')
    for m in d.maps.maps:
        in_maps = html_text.split(f'id="map-{m.facet}"')[1].split("</table>")[0]
        assert in_maps.count("<tr>") == 1 + min(TOP_CLUSTERS, len(m.clusters))    # the header and the largest

    # `report` names the step not run on the terminal too (the report's screening section says it)
    import json

    from click.testing import CliRunner
    from gapscope.cli import main

    r = CliRunner().invoke(main, ["--library", str(lib.path), "report", "-o", str(tmp_path / "cli.md"), "--json", "-q"])
    assert r.exit_code == 0, r.output
    assert "No paper has been screened yet" in json.loads(r.stdout)["not_run"]["screening"]


def test_a_pdf_report_writes_a_map_parameter_longer_than_a_page(mapped):
    """A map labelled from concepts keeps every cluster's concept phrases in its parameters: pages of text,
    which a PDF table row (never split across pages) cannot hold. The PDF gives it as text below the table."""
    from pypdf import PdfReader
    import io

    from gapscope.reports.pdf import render_pdf

    lib, _ = mapped
    d = build_report_data(lib)
    d.reproducibility["maps"][0]["params"]["label_concepts"] = {
        str(i): f"cluster {i} phrase, " + "semantic segmentation of remote sensing imagery, " * 6 for i in range(120)}
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(render_pdf(d, {}))).pages)
    assert "cluster 119 phrase" in " ".join(text.split())


def test_the_time_charts_caption_is_in_every_format(mapped, tmp_path):
    """The clusters-over-time chart's caption (what it draws, and which month at either end the papers
    cover only in part: scaled up or left out) is under the chart in html, md and pdf alike; the map
    knows its papers' first and last dates."""
    from gapscope.reports import plots

    from .test_reports_readable import html_text, pdf_text

    lib, _found = mapped
    m = build_report_data(lib).maps.maps[0]
    assert m.first_date and m.last_date and m.first_date <= m.last_date
    caption = plots.time_caption(m)
    assert caption and caption.startswith("Papers per month in the 8 biggest topic clusters")
    texts = {}
    for fmt in ("html", "md", "pdf"):
        write_report(lib, fmt, tmp_path / f"r.{fmt}")
    texts["html"] = html_text(tmp_path / "r.html")
    texts["md"] = (tmp_path / "r.md").read_text(encoding="utf-8").replace("\\", "")
    texts["pdf"] = pdf_text(tmp_path / "r.pdf")
    for fmt, text in texts.items():
        assert " ".join(caption.split()) in " ".join(text.split()), fmt


def test_a_paper_dated_by_its_year_alone_widens_the_span_the_time_chart_judges(mapped):
    """A map counts a paper with no publication date under its year (maps/build.py paper_dates): its year
    could be any day of that year, so the papers' span runs to that year's last day and a month or year at
    the end is never judged "covered in part" (and left out or scaled up) on the day-exact papers alone."""
    from gapscope.reports.data import _map_from_module

    lib, _found = mapped
    latest = lib._conn.execute("SELECT id, published FROM papers WHERE published IS NOT NULL"
                               " ORDER BY published DESC LIMIT 1").fetchone()
    year = int(latest[1][:4])
    lib._conn.execute("SAVEPOINT year_only")
    try:
        lib._conn.execute("UPDATE papers SET published = NULL, year = ? WHERE id = ?", (year, latest[0]))
        m = _map_from_module(lib, "topic")
    finally:
        lib._conn.execute("ROLLBACK TO year_only")
        lib._conn.execute("RELEASE year_only")
    assert latest[0] in {pid for pid in lib.list_paper_ids()}
    assert m.last_date == f"{year}-12-31", m.last_date
