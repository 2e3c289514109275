"""The report's gaps as a grant reviewer reads them, in html, md and pdf: how many of the gaps found are
shown, what the kinds and the score mean, the numbers behind a score in sentences (no stored record,
no "Run" for a paper), the evidence under the Gaps view's role headings with the quoted shortcoming
sentences, the closest existing work as linked references, and no quote printed twice."""

from __future__ import annotations

import re

import pytest

from gapscope.gaps.model import ClusterRef, Gap
from gapscope.gaps.store import save_gaps
from gapscope.ingest import import_file
from gapscope.reports import write_report
from gapscope.store import Library
from gapscope.vocabulary import GAP_ROLE_NAMES

from .reports_fixtures import arxiv_slice
from .test_reports_readable import html_text, pdf_text

QUOTE = "Current detectors still fail on small objects seen at night."
FILLERS = 26


def _gaps(ids: list[int], papers) -> list[Gap]:
    concept = Gap(
        "method_x_problem", 1.0, "Apply “point cloud” to “RGB”: 9 papers use point cloud and 9 address RGB, "
        "yet none of them combines the two.",
        ClusterRef("method_concept", 1, 10, "point cloud", ["point clouds"]),
        ClusterRef("problem_concept", 1, 11, "RGB", []),
        ids[:4], roles={ids[0]: "method", ids[1]: "method", ids[2]: "problem", ids[3]: "neighbour"},
        details={"level": "concept", "method_papers": 9, "problem_papers": 9, "papers_with_both": 0,
                 "abstracts_mentioning_both": 1,
                 "predicting_methods": [{"concept": "LiDAR", "papers_with_problem": 2}], "predicting_problems": [],
                 "closest_work": [
                     {"source": "library", "id": ids[5], "arxiv_id": papers[5].arxiv_id, "title": papers[5].title,
                      "year": papers[5].year, "similarity": 0.71, "to_method": 0.7, "to_problem": 0.5,
                      "did_both": True},
                     {"source": "library", "id": ids[0], "arxiv_id": papers[0].arxiv_id, "title": papers[0].title,
                      "year": papers[0].year, "similarity": 0.69, "to_method": 0.6, "to_problem": 0.6,
                      "did_both": False},
                     # found in the reference corpus, which holds the library's paper too
                     {"source": "reference", "id": 70692, "arxiv_id": papers[9].arxiv_id, "title": papers[9].title,
                      "year": papers[9].year, "similarity": 0.68, "to_method": 0.6, "to_problem": 0.55,
                      "did_both": False}],
                 "closest_check": {"established": False, "done": 1, "min_done": 5, "sources": ["library"]},
                 "plausibility": {"plausibility": 0.93, "floor": 0.75, "problem_closer_than": 0.99,
                                  "method_closer_than": 0.93, "shared_neighbours": ["multi-view"]},
                 # the searches behind each end's count: said in words in "Behind the score", never as a command
                 "method_search": '{title abstract} : ("point cloud" OR "point clouds" OR "point sets")',
                 "problem_search": '{title abstract} : ("RGB")',
                 "raw_score": 0.1009, "rank_in_type": 1, "of_type": 1, "score_scale": "standing_in_type",
                 "ranker": {"train_pairs": 666542, "train_positive": 1093, "train_before": "2026-04-03",
                            "model": "lr", "train_window": "2026-04-03 .. 2026-07-02"}})
    quotes = [{"paper_id": ids[6], "text": QUOTE, "shortcoming": "own", "confidence": 0.97, "section": "Limitations",
               "page": 9},
              {"paper_id": ids[7], "text": "Night-time detection remains open.", "shortcoming": "open",
               "confidence": 0.95}]
    short = Gap("unaddressed_shortcoming", 0.9, f"14 papers state the shortcoming “night detection” (e.g. “{QUOTE}”), "
                "yet none of the 333 later papers describe a method close to it. Stated as: "
                f"“{QUOTE}” (own, Limitations p. 9) / “Night-time detection remains open.” (open)",
                None, ClusterRef("shortcoming", 4, 12, "night detection", ["night", "small objects"]),
                [ids[6], ids[7], ids[8]], roles={ids[6]: "shortcoming", ids[7]: "shortcoming", ids[8]: "addresses"},
                details={"stated_by": 14, "later_method_papers": 333, "close_later_methods": 0, "rate": 0.0,
                         "typical_rate": 0.48, "threshold": 0.6729, "since": "2025-08-22", "raw_score": 2.708,
                         "quotes": quotes})
    fillers = [Gap("thin_growing", 0.5 - i / 100, f"Region {i} is thin but growing.", None,
                   ClusterRef("topic", 2, 20 + i, f"region {i}", [f"kw{i}"]), [ids[10 + i]],
                   roles={ids[10 + i]: "region"},
                   details={"size": 40, "density": 0.5, "density_percentile": 0.2, "growth": 1.4,
                            "recent_since": "2025-12-24", "recent": 19, "earlier": 21, "raw_score": 0.3})
               for i in range(FILLERS)]
    return [concept, short] + fillers


@pytest.fixture(scope="module")
def reports(tmp_path_factory, shared_data):
    tmp = tmp_path_factory.mktemp("gaps_report")
    lib = Library(tmp / "library.sqlite")
    ids = import_file(lib, arxiv_slice(shared_data, tmp / "arxiv60.jsonl", 60)).added_ids
    papers = lib.get_papers(ids)
    papers.sort(key=lambda p: ids.index(p.id))
    save_gaps(lib, _gaps(ids, papers))
    undated = tmp / "undated.bib"
    undated.write_text("@article{undated1, title={An Undated Note on Night Sensors}, author={Doe, Jane}}\n",
                       encoding="utf-8")
    assert import_file(lib, undated).added_ids
    out = {fmt: tmp / f"report.{fmt}" for fmt in ("html", "md", "pdf")}
    for fmt, path in out.items():
        write_report(lib, fmt, path)
    texts = {"html": " ".join(html_text(out["html"]).split()),
             "md": " ".join(out["md"].read_text(encoding="utf-8").replace("\\", "").split()),
             "pdf": " ".join(pdf_text(out["pdf"]).split())}
    yield lib, papers, out, texts
    lib.close()


def test_behind_the_score_is_plain_words_not_stored_records(reports):
    _lib, _papers, _out, texts = reports
    for fmt, text in texts.items():
        for internal in ("Run:", "Raw score", "Closeness threshold", "Paper id", "Arxiv id", "To method",
                         "Did both", "Confidence", "Source: library"):
            assert internal not in text, (fmt, internal)
        assert "1st of 1 method x problem gaps (score 1.00)" in text, fmt
        assert "none of them combines the two" in text and "LiDAR (2 papers)" in text, fmt
        assert "0.48" in text and "none describe a method close to it" in text, fmt


def test_evidence_is_grouped_by_role_with_the_gaps_views_headings(reports):
    _lib, papers, _out, texts = reports
    for fmt, text in texts.items():
        method = text.index(f"{GAP_ROLE_NAMES['method']} (2)")
        problem = text.index(f"{GAP_ROLE_NAMES['problem']} (1)")
        neighbour = text.index(f"{GAP_ROLE_NAMES['neighbour']} (1)")
        closest = text.index(f"{GAP_ROLE_NAMES['closest']} (2)")     # the method paper is not listed twice
        assert method < text.index(" ".join(papers[1].title.split()[:4])) < problem < neighbour < closest, fmt
        assert f"{GAP_ROLE_NAMES['shortcoming']} (2)" in text and f"{GAP_ROLE_NAMES['addresses']} (1)" in text, fmt
        assert "about both the method and the problem" in text, fmt
        # each quote under its paper, with its kind and place; the heading keeps its "e.g." but no longer
        # repeats the quotes in a "Stated as:" tail
        assert "Stated as" not in text and text.count(QUOTE) == 2, (fmt, text.count(QUOTE))
        # and how sure each is: the classifier's confidence
        assert "own limitation, confidence 0.97, Limitations, p. 9" in text, fmt
        assert "open problem, confidence 0.95, abstract" in text, fmt


def test_closest_work_is_a_linked_reference(reports):
    _lib, papers, out, _texts = reports
    link = f"https://arxiv.org/abs/{papers[5].arxiv_id}"
    assert f'href="{link}"' in out["html"].read_text(encoding="utf-8")
    assert f"(<{link}>)" in out["md"].read_text(encoding="utf-8")
    from pypdf import PdfReader

    links = [a.get_object()["/A"].get("/URI") for page in PdfReader(out["pdf"]).pages
             for a in page.get("/Annots") or [] if a.get_object().get("/A")]
    assert link in links


def test_the_report_says_how_many_gaps_it_shows_and_what_kinds_and_scores_mean(reports):
    _lib, _papers, _out, texts = reports
    total = FILLERS + 2
    for fmt, text in texts.items():
        assert f"The 25 best of the {total} gaps found" in text and "gapscope gaps list" in text, fmt
        assert "A thin but growing area" in text and "A score is a ranking, not a probability" in text, fmt


def test_no_empty_parentheses_after_a_concept_without_variants(reports):
    _lib, _papers, _out, texts = reports
    for fmt, text in texts.items():
        assert "Problem: RGB" in text and not re.search(r"Problem: RGB \(\s*\)", text), fmt
        assert "Method: point cloud (point clouds)" in text, fmt


def test_undated_papers_are_counted_under_papers_per_year(reports):
    _lib, _papers, _out, texts = reports
    for fmt, text in texts.items():
        assert "Papers per year" in text and "1 paper without a date is not shown." in text, fmt


def test_commands_read_as_code_in_html_and_quoted_in_the_pdf(reports):
    _lib, _papers, out, texts = reports
    body = out["html"].read_text(encoding="utf-8")
    assert "<code>gapscope run spec.toml</code>" in body
    assert f"<code>gapscope gaps list --limit {FILLERS + 2}</code>" in body      # the command that lists them all
    assert "`" not in texts["pdf"]
    assert "“gapscope run spec.toml”" in texts["pdf"] and "Draft experiment…" in texts["pdf"]
    assert "`gapscope run spec.toml`" in texts["md"]


def test_each_gap_is_headed_by_a_few_words_and_its_statement_follows(reports):
    """A 60-word statement is no heading: the heading says what the gap is, the statement is the paragraph
    under it (in every format)."""
    _lib, _papers, out, texts = reports
    md_lines = out["md"].read_text(encoding="utf-8").splitlines()
    heads = [x for x in md_lines if x.startswith("### ") and "\\. " in x]
    assert heads[:3] == ["### 1\\. Apply “point cloud” to “RGB”",
                         "### 2\\. Shortcoming not yet addressed: “night detection”",
                         "### 3\\. Thin but growing area: “region 0”"], heads[:3]
    page = out["html"].read_text(encoding="utf-8")
    assert "<h3>1. Apply “point cloud” to “RGB”</h3>" in page
    assert re.search(r'<h3>1\. [^<]*</h3>\s*<p class="statement">9 papers use point cloud', page)
    for fmt, text in texts.items():
        first = text.index("1. Apply “point cloud” to “RGB”")
        assert text.index("yet none of them combines the two", first) < text.lower().index("gap #", first), fmt


def test_the_report_can_list_every_gap_or_as_many_as_asked(reports, tmp_path):
    """`gapscope report --gaps all` puts every gap found in the report; `--gaps N` the N best; a bad count
    is refused before anything is written."""
    from click.testing import CliRunner

    from gapscope.cli import main

    lib, _papers, _out, _texts = reports
    total = FILLERS + 2
    for asked, listed in (("all", total), ("3", 3)):
        out = tmp_path / f"r-{asked}.md"
        r = CliRunner().invoke(main, ["-L", str(lib.path), "report", "-o", str(out), "-q", "--gaps", asked])
        assert r.exit_code == 0, r.output
        text = out.read_text(encoding="utf-8")
        assert len(re.findall(r"^### \d+\\?\. ", text, flags=re.M)) == listed, asked
        assert (f"All {total} gaps found" in text) == (asked == "all")
    r = CliRunner().invoke(main, ["-L", str(lib.path), "report", "-o", str(tmp_path / "bad.md"), "--gaps", "0"])
    assert r.exit_code == 2 and not (tmp_path / "bad.md").exists()


def test_closest_work_the_library_holds_is_reported_in_the_library_not_from_the_reference(reports):
    """The reference corpus often holds the library's own papers: a closest-work entry the check found in
    the reference (a gap found before the check said so itself) that the library holds is in this library."""
    _lib, papers, _out, texts = reports
    title = " ".join(papers[9].title.split())
    for fmt, text in texts.items():
        at = text.index(title[:40], text.index(GAP_ROLE_NAMES["closest"]))
        said = text[at:at + len(title) + 120]
        assert "in this library" in said and "from reference" not in said, (fmt, said)
        assert "from reference" not in text, fmt


def _gap_text(text: str, rank: int) -> str:
    """One gap of a report's text: from its heading to the next gap's."""
    start = text.index(f"{rank}. ", text.index("A score is a ranking"))   # after the introduction, not a contents line
    return text[start:text.index(f"{rank + 1}. ", start + 3)]


def test_behind_the_score_says_what_each_count_stands_for_not_a_command(reports):
    """A report is read by researchers and supervisors, not a shell: "Behind the score" quoted
    `gapscope search --limit 147 '{title abstract} : ("contrastive learning")'` for each end of a concept gap.
    It says what a count stands for instead: the words counted, where the papers are listed, and which
    names count only where written with their capitals."""
    _lib, _papers, _out, texts = reports
    for fmt, text in texts.items():
        gap = _gap_text(text, 1)
        for command in ("gapscope search", "{title abstract}", "--limit", " OR "):
            assert command not in gap, (fmt, command, gap)
        assert ("names the concept, or that the concept extractor named it in; “point cloud” is counted as "
                "“point cloud”, “point clouds” or “point sets”.") in gap, (fmt, gap)
        assert "A few of them are listed under “Method side” and “Problem side”." in gap, (fmt, gap)
        assert "a name with capitals (“RGB”) counts only the papers that write it so." in gap, (fmt, gap)


def test_every_place_that_explains_the_score_says_it_is_a_ranking(reports):
    """The introduction said "A score is a ranking, not a probability" while every method x problem gap said
    "Score 1.00 of 1 … The score is a model's estimate that the two will be combined": the 1.00 is a standing,
    and the model's own output (0.1009 here) only orders the pairs. Every format and `gaps show` say so."""
    from click.testing import CliRunner

    from gapscope.cli import main
    from html import unescape

    lib, _papers, _out, texts = reports
    for fmt, text in texts.items():
        assert "estimate that the two will be combined" not in text, fmt
        gap = _gap_text(text, 1)
        assert "1st of 1 method x problem gaps (score 1.00)" in gap, (fmt, gap)
        assert "whose output for this pair (0.101) only orders the pairs: it is not the chance" in gap, (fmt, gap)
        from gapscope.vocabulary import SCORE_MEANING        # the one wording of what a score is

        assert SCORE_MEANING in unescape(text), fmt
    gid = next(g.id for g in lib_gaps(lib) if g.type == "method_x_problem")
    r = CliRunner().invoke(main, ["-L", str(lib.path), "gaps", "show", str(gid)])
    assert r.exit_code == 0, r.output
    said = " ".join(r.output.split())
    assert "ordered by a model learnt from this library: of 666,542 concept pairs" in said, said
    assert "(0.101) only orders the pairs; it is not the chance that the two will be combined" in said, said


def lib_gaps(lib):
    from gapscope.gaps import list_gaps

    return list_gaps(lib)


def test_a_gap_says_its_statement_once_and_no_setting(reports):
    """A supervisor read each statement three times (heading, paragraph, "Behind the score") and "done at 5
    (Preferences “Gap done at …”)" under every gap: the heading's words are not repeated in the paragraph,
    "Behind the score" gives no count the statement gives, and the settings are listed once, in the
    reproducibility appendix."""
    _lib, _papers, _out, texts = reports
    for fmt, text in texts.items():
        gap = _gap_text(text, 1)
        assert gap.count("Apply “point cloud” to “RGB”") == 1, (fmt, gap)
        assert "In the library 9 papers" not in gap, (fmt, gap)
        assert "LiDAR (2 papers)" in gap, fmt                       # what the statement does not say stays
        intro = text.index("A score is a ranking")
        gaps = text[intro:text.index("Corpus and how it was collected", intro)]
        assert "Preferences" not in gaps and "done at" not in gaps and "done from" not in gaps, fmt
        appendix = text[text.index("How the gaps were found"):]
        assert "Gap done at (abstracts about both by meaning)" in appendix and "gaps_closest_min" in appendix, fmt
        assert "logistic regression learnt from this library: 666,542 concept pairs" in appendix, fmt


def test_the_intro_sends_to_the_gap_settings_only_when_the_appendix_lists_them(tmp_path, shared_data):
    """Thin, growing regions alone carry no "done" setting and no ranker: the appendix then has no “How the
    gaps were found” table, and the introduction above the gaps does not send the reader to one."""
    lib = Library(tmp_path / "library.sqlite")
    ids = import_file(lib, arxiv_slice(shared_data, tmp_path / "arxiv40.jsonl", 40)).added_ids
    save_gaps(lib, [g for g in _gaps(ids, lib.get_papers(ids)) if g.type == "thin_growing"][:2])
    path = tmp_path / "report.md"
    write_report(lib, "md", path)
    text = " ".join(path.read_text(encoding="utf-8").replace("\\", "").split())
    lib.close()
    assert "A score is a ranking" in text                    # the introduction is there
    assert "How the gaps were found" not in text, text[text.find("How the gaps were found") - 300:][:400]
