"""Reports a reviewer can hand in, checked on a real library (300 arXiv papers, a screening CSV, the
Kaggle head, decisions, notes; maps and gaps from stand-in vectors) and a real map of 80 clusters:
PDF header words never split, no JSON, human labels, the map's labels placed without overlap in a
palette that does not repeat, and the time chart only with enough points in time."""

from __future__ import annotations

import json
import re

import pytest

from gapscope import maps
from gapscope.maps.display import boxes_overlap, min_lab_distance, palette
from gapscope.reports import build_report_data, write_report
from gapscope.reports import plots
from gapscope.reports.data import MapData

from . import maps_fixtures
from .reports_fixtures import build


@pytest.fixture(scope="module")
def reported(tmp_path_factory, shared_data):
    tmp = tmp_path_factory.mktemp("readable")
    b = build(tmp, shared_data)
    lib = b.lib
    ps = lib.get_papers(b.arxiv_ids)
    rows = [{"title": p.title, "abstract": p.abstract or "", "published": p.published} for p in ps]
    ids = [p.id for p in ps]
    data = maps_fixtures.facet_data(ids, rows)
    dates = {p.id: p.published for p in ps}
    for facet, (fids, vecs, texts) in data.items():
        maps.save_map(lib, maps.make_map(facet, fids, vecs, texts, dates, seed=0, stability_seeds=1, model="stand-in"))
    from gapscope.gaps import find_gaps

    find_gaps(lib, data=data)
    out = {fmt: tmp / f"report.{fmt}" for fmt in ("html", "md", "pdf")}
    for fmt, path in out.items():
        write_report(lib, fmt, path)
    yield lib, out
    lib.close()


@pytest.fixture(scope="module")
def map80(shared_data):
    m = maps_fixtures.eighty_cluster_map(shared_data)
    clusters = [{"id": c.id, "label": c.label, "keywords": c.keywords, "size": c.size, "stability": c.stability,
                 "sizes_by_year": c.sizes_by_year, "sizes_by_month": c.sizes_by_month} for c in m.clusters]
    points = [(x, y, m.assignments[p]) for p, (x, y) in m.coords.items()]
    return MapData("topic", 1, None, m.params, m.scope, len(m.assignments), clusters, points)


def pdf_words(path):
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return [w for page in pdf.pages for w in page.extract_words(extra_attrs=["fontname", "size"])]


def pdf_text(path) -> str:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()


def html_text(path) -> str:
    body = path.read_text(encoding="utf-8")
    body = re.sub(r'src="data:[^"]*"', "", body)
    return re.sub(r"<[^>]+>", " ", body)


# --- palette and labels ----------------------------------------------------------------------------

@pytest.mark.parametrize("n", [8, 20, 27, 80])
def test_palette_is_distinct_for_every_cluster_shown(n):
    colours = palette(n)
    assert len(colours) == n and len(set(colours)) == n
    assert min_lab_distance(colours) > 15  # CIELAB: about the distance two colours read apart at a glance


def test_the_palette_check_catches_a_repeating_palette():
    import matplotlib

    tab20 = matplotlib.colormaps["tab20"]
    cycled = ["#%02x%02x%02x" % tuple(int(255 * v) for v in tab20(i % 20)[:3]) for i in range(27)]
    assert len(set(cycled)) < 27 and min_lab_distance(cycled) == 0


def _label_boxes(fig, drawn):
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    return [tuple(t.get_bbox_patch().get_window_extent(r).extents) for t in drawn]


def test_report_map_of_80_clusters_has_no_overlapping_labels(map80):
    fig, drawn = plots.map_figure(map80)
    ax = fig.axes[0]
    boxes = _label_boxes(fig, drawn)
    assert len(map80.clusters) == 80 and len(boxes) >= 10
    assert boxes_overlap(boxes) == []
    x0, y0, x1, y1 = ax.get_window_extent().extents
    assert all(a >= x0 - 0.5 and b >= y0 - 0.5 and c <= x1 + 0.5 and d <= y1 + 0.5 for a, b, c, d in boxes)
    # every colour on it is its own
    assert len(set(plots.map_colours(map80).values())) == 80
    # without the placement the same check fails: labels at their centres pile up
    fig, drawn = plots.map_figure(map80, place=False)
    assert len(boxes_overlap(_label_boxes(fig, drawn))) > 20


def test_time_chart_needs_six_points_in_time(map80, reported):
    assert plots.time_note(map80) is None and plots.cluster_sizes_png(map80) is not None  # 2025-03 .. 2026-07
    lib, out = reported
    d = build_report_data(lib)
    one_month = d.maps.maps[0]          # the first 300 papers of the file: all listed in 2025-03
    note = plots.time_note(one_month)
    assert note and "1 month" in note and str(plots.MIN_TIME_STEPS) in note
    assert plots.cluster_sizes_png(one_month) is None
    assert note in html_text(out["html"]) and note in out["md"].read_text(encoding="utf-8").replace("\\", "")


# --- PDF tables ------------------------------------------------------------------------------------

HEADER_WORDS = {w for h in ["#", "Kind", "Source", "Query or file", "Started", "Finished", "Status", "Read", "Added",
                            "Merged", "Already there", "Unreadable", "Year", "Papers", "Step", "Records", "Measure",
                            "Value", "Cluster", "Label", "Keywords", "Stability", "Parameter", "What", "Metric",
                            "Run", "Name", "Gap", "Seeds", "Cited by", "Title", "In library"] for w in h.split()}


def header_cells(words):
    """Words in the bold small font of the tables' header rows (headings are bigger)."""
    return [w["text"] for w in words if "Bold" in w["fontname"] and w["size"] < 9]


def test_pdf_table_header_words_are_never_split(reported):
    _lib, out = reported
    heads = header_cells(pdf_words(out["pdf"]))
    assert {"Unreadable", "Already", "there", "Stability", "Keywords", "Measure"} <= set(heads)
    assert [w for w in heads if w not in HEADER_WORDS] == []


def test_the_header_check_catches_a_split_word(tmp_path, monkeypatch):
    """Columns of a fixed narrow width, as the report had before: the check finds the broken words."""
    from gapscope.reports.html import IMPORT_HEAD
    from gapscope.reports.pdf import _Doc

    monkeypatch.setattr(_Doc, "fit_columns", lambda self, head, rows, size, width: [width / len(head)] * len(head)
                        if size < 7 else None)
    doc = _Doc("t")
    doc.table(IMPORT_HEAD + ["Unreadable", "Merged"] * 3, [list(range(len(IMPORT_HEAD) + 6))])
    path = tmp_path / "t.pdf"
    path.write_bytes(doc.output())
    assert [w for w in header_cells(pdf_words(path)) if w not in HEADER_WORDS]


def test_pdf_headings_are_never_last_on_their_page(reported):
    """No orphaned heading: the last line of every page is not a heading (bold, 11 pt or more)."""
    import pdfplumber

    with pdfplumber.open(reported[1]["pdf"]) as pdf:
        for page in pdf.pages:
            words = page.extract_words(extra_attrs=["fontname", "size"])
            if not words:
                continue
            bottom = max(w["bottom"] for w in words)
            last = [w for w in words if w["bottom"] > bottom - 2]
            assert not all("Bold" in w["fontname"] and w["size"] >= 11 for w in last), \
                f"page {page.page_number} ends with the heading {' '.join(w['text'] for w in last)!r}"


# --- words, not JSON -------------------------------------------------------------------------------

JSON_MARKS = re.compile(r'\{\s*"|"\s*:\s*[\[{"\d]|\[\s*\{|\bnull\b|\btrue\b|\bfalse\b')


def test_json_check_finds_json():
    assert JSON_MARKS.search(json.dumps({"params": {"k": 3}}, indent=1))


def test_no_json_in_any_report(reported):
    _lib, out = reported
    for name, text in (("html", html_text(out["html"])), ("md", out["md"].read_text(encoding="utf-8")),
                       ("pdf", pdf_text(out["pdf"]))):
        found = JSON_MARKS.findall(text)
        assert not found, f"{name}: {found[:5]}"
        assert "```json" not in text


def internal_keys(lib) -> set[str]:
    """The keys the core uses inside: triage statistics, map parameters, gap numbers."""
    d = build_report_data(lib)
    keys = set(d.prisma.triage_stats or {})
    for m in d.maps.maps:
        keys |= set(m.params)
    for g in d.gaps.gaps:
        keys |= set(g.details)
    return {k for k in keys if "_" in k or "." in k}


def test_every_statistic_has_a_human_label(reported):
    lib, out = reported
    keys = internal_keys(lib)
    assert "stopping.estimated_relevant_unseen" in keys and "stability_seeds" in keys
    for name, text in (("html", html_text(out["html"])), ("md", out["md"].read_text(encoding="utf-8").replace("\\", "")),
                       ("pdf", pdf_text(out["pdf"]))):
        shown = [k for k in keys if re.search(rf"(?<![\w.]){re.escape(k)}(?![\w.])", text)]
        assert not shown, f"{name} shows internal keys: {shown}"
        assert "Estimated relevant papers not yet seen" in text


def test_html_tables_scroll_inside_their_box(reported):
    body = reported[1]["html"].read_text(encoding="utf-8")
    assert ".table{max-width:100%;overflow-x:auto}" in body
    i = body.index("<h3>Imports and collects</h3>")
    assert body[i:].split("<table>", 1)[0].endswith('<div class="table">')


def test_a_table_too_wide_for_portrait_goes_landscape_with_whole_header_words(tmp_path):
    from gapscope.reports.pdf import _Doc

    head = [f"Measurement {i}" for i in range(16)]
    doc = _Doc("wide")
    doc.text("before")
    doc.table(head, [[f"value-{i}-{j}" for j in range(16)] for i in range(5)], title="A wide table")
    doc.text("after")
    path = tmp_path / "wide.pdf"
    path.write_bytes(doc.output())
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        sizes = [(p.width > p.height) for p in pdf.pages]
        assert sizes == [False, True, False]  # portrait, the table on a landscape page, portrait again
        words = pdf.pages[1].extract_words(extra_attrs=["fontname", "size"])
    assert "A wide table" in " ".join(w["text"] for w in words)  # its heading went with it
    heads = header_cells(words)
    assert heads.count("Measurement") == 16 and all(w == "Measurement" or w.isdigit() for w in heads)


def test_no_half_empty_pages(reported):
    """Every page but the last is filled at least half way down: no table or figure pushed to the next
    page leaving half a page empty (the report once had a page holding a heading alone)."""
    import pdfplumber

    with pdfplumber.open(reported[1]["pdf"]) as pdf:
        fill = []
        for p in pdf.pages:
            objs = p.chars + p.images + p.rects
            fill.append(max((o["bottom"] for o in objs), default=0) / p.height)
    assert len(fill) > 5
    assert [f"page {i + 1}: {f:.2f}" for i, f in enumerate(fill[:-1]) if f < 0.5] == []


def test_the_time_chart_leaves_out_a_month_the_library_covers_in_part(map80):
    """The 10,653-paper library runs 2025-03-18 .. 2026-07-01: its last month holds one day of papers and
    every line fell to about 0 there, read as a collapse of the field. A partial end month covering under
    half its days is left out, one covering more is scaled up to a whole month (drawn hollow); the caption
    says which and why."""
    from dataclasses import replace

    assert plots.drawn_steps(map80)[2].partial == []               # no day-exact dates: drawn as counted
    steps = plots.time_steps(map80)[2]
    assert steps[0] == "2025-03" and steps[-1] == "2026-06", steps    # its biggest clusters' months
    m = replace(map80, first_date="2025-03-18", last_date="2026-06-01")
    _key, unit, s = plots.drawn_steps(m)
    assert unit == "month" and s.steps == steps[1:-1] and s.scale == {}
    caption = plots.time_caption(m)
    assert "2026-06 is left out (the papers end on 2026-06-01: 1 of its 30 days)" in caption, caption
    assert "2025-03 is left out (the papers start on 2025-03-18: 14 of its 31 days)" in caption, caption
    assert "would otherwise read as a fall" in caption
    m = replace(map80, first_date="2025-03-01", last_date="2026-06-20")
    _key, _unit, s = plots.drawn_steps(m)
    assert s.steps == steps and s.scale == {"2026-06": 30 / 20}
    assert "2026-06 is scaled up to a whole month and drawn hollow" in plots.time_caption(m)
    assert plots.cluster_sizes_png(m) is not None


def test_the_time_charts_caption_names_a_biggest_cluster_it_cannot_draw(map80):
    """The chart draws a line only for a cluster with papers dated to the month: one of the biggest whose
    papers carry no such date (a BibTeX import dated by its year) is not drawn, and the caption, which counts
    the biggest clusters, says so rather than promise a line for each."""
    from dataclasses import replace

    biggest = max(map80.clusters, key=lambda c: c["size"])
    undated = [dict(c, sizes_by_month={}) if c is biggest else c for c in map80.clusters]
    m = replace(map80, clusters=undated)
    caption = plots.time_caption(m)
    assert caption.startswith("Papers per month in the 8 biggest topic clusters"), caption
    assert "1 of them has no paper dated to the month and is not drawn" in caption, caption
    assert "not drawn" not in plots.time_caption(map80)
