"""The report marks a gap that may no longer hold and names the gap types the latest find could not look for,
as `gaps list` and the Gaps view do: a proposal built from the report never shows a stale gap as current, nor
an empty type as one the library has no gap of."""

from __future__ import annotations

import html

import pytest


@pytest.fixture
def lib(tmp_path):
    from gapscope.gaps.model import ClusterRef, Gap
    from gapscope.gaps.needs import skipped_entry
    from gapscope.gaps.store import save_gaps
    from gapscope.store import Library

    lib = Library(tmp_path / "marks.gapscope")
    with lib.transaction() as conn:
        pid = conn.execute("INSERT INTO papers (title, norm_title, abstract, added_at) VALUES ('Paper A', 'paper a', "
                           "'Models forget. We propose a fix.', '2026')").lastrowid
    ref = ClusterRef(facet="method", map_id=1, cluster=0, label="replay, buffer", keywords=[])
    # recorded without what it was made from: stale_reasons says so, as for a gap found by an older GapScope
    gap = Gap("method_x_problem", 1.0, "Apply replay to forgetting.", ref, ref, [pid], roles={pid: "method"},
              details={})
    save_gaps(lib, [gap], notices=[], skipped=[skipped_entry("unaddressed_shortcoming", "the library has no "
                                                             "shortcoming vectors", ["gapscope embed --kind shortcoming"])])
    yield lib
    lib.close()


def test_the_gaps_section_carries_the_stale_reasons_and_the_types_not_looked_for(lib):
    from gapscope.gaps import list_gaps
    from gapscope.gaps.stale import stale_reasons
    from gapscope.reports.data import gather_gaps

    sec = gather_gaps(lib)
    assert sec.gaps[0].stale == stale_reasons(lib, list_gaps(lib)[0]) != []
    assert sec.skipped == ["no 'unaddressed shortcoming' gaps were looked for: the library has no shortcoming "
                           "vectors: run `gapscope embed --kind shortcoming`, then `gapscope gaps find`"]


@pytest.mark.parametrize("fmt", ["html", "markdown"])
def test_the_written_report_says_both(lib, tmp_path, fmt):
    from gapscope.gaps import list_gaps
    from gapscope.gaps.stale import stale_reasons
    from gapscope.reports.api import export_report

    out = tmp_path / f"report.{'md' if fmt == 'markdown' else fmt}"
    export_report(lib, out, fmt)
    text = html.unescape(out.read_text(encoding="utf-8")) if fmt == "html" else out.read_text(encoding="utf-8")
    reason = stale_reasons(lib, list_gaps(lib)[0])[0]
    assert "Stale:" in text and reason.split(":")[0] in text
    assert "No 'unaddressed shortcoming' gaps were looked for" in text


def test_the_pdf_report_says_both(lib, tmp_path):
    from pypdf import PdfReader

    from gapscope.reports.api import export_report

    out = tmp_path / "report.pdf"
    export_report(lib, out, "pdf")
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(str(out)).pages)
    assert "Stale:" in text
    assert "looked for" in text
