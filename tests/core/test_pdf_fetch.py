"""`gapscope pdf fetch` and `collect arxiv --pdf`: real PDFs from ../shared/data/pdfs served by the loopback
replay server for the arXiv ids of a test library and of the recorded arXiv answers."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from gapscope.cli import main
from gapscope.commands.common import EXIT_BLOCKED, EXIT_PARTIAL
from gapscope.fulltext import attach as attach_mod
from gapscope.fulltext import extract as extract_mod
from gapscope.models import Paper

from .fulltext_helpers import cached_extract

CITESEE = "cs/2302.07302v1.pdf"
SHORT = "cs/2304.02623v1.pdf"          # 4 pages


@pytest.fixture
def fast_extract(monkeypatch):
    monkeypatch.setattr(attach_mod, "extract", cached_extract(extract_mod.extract))


def serve_pdf(server, arxiv_id: str, file) -> None:
    for v in ("", *(f"v{i}" for i in range(1, 10))):
        server.add(f"/pdf/{arxiv_id}{v}", file.read_bytes(), content_type="application/pdf")


@pytest.fixture
def pdf_server(replay_server, shared_data, monkeypatch):
    pdfs = shared_data / "pdfs"
    serve_pdf(replay_server, "2302.07302", pdfs / CITESEE)
    serve_pdf(replay_server, "2304.02623", pdfs / SHORT)
    serve_pdf(replay_server, "2302.99999", pdfs / CITESEE)          # the same bytes under another id
    replay_server.add("/pdf/2401.00001", b"PK\x03\x04 a zip archive, not a PDF", content_type="application/zip")
    monkeypatch.setenv("GAPSCOPE_ARXIV_PDF_URL", replay_server.url + "/pdf")
    return replay_server


@pytest.fixture
def lib_path(tmp_path):
    from gapscope.ingest import ingest_papers
    from gapscope.store import Library

    path = tmp_path / "fetch.gapscope"
    with Library(path) as lib:
        lib.set_setting("collect.arxiv_interval_s", 0)
        papers = [Paper(title=t, arxiv_id=a, source="test", source_key=a) for t, a in (
            ("CiteSee", "2302.07302"), ("Beyond summarization", "2304.02623"), ("Gone", "2301.99999"),
            ("Portal", "2401.00001"), ("Same file", "2302.99999"))]
        ingest_papers(lib, papers, kind="import", source="test", target="test")
    return path


def fetch(lib_path, *args):
    run = CliRunner().invoke(main, ["-L", str(lib_path), "pdf", "fetch", "--no-facets", "--json", *args],
                             catch_exceptions=False)
    return run, [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]


def test_fetch_attaches_and_reports_404_non_pdf_and_duplicate_by_arxiv_id(lib_path, pdf_server, fast_extract):
    from gapscope.store import Library

    run, rows = fetch(lib_path)
    by = {r["arxiv_id"]: r for r in rows}
    assert run.exit_code == EXIT_PARTIAL
    assert by["2302.07302"]["status"] == "attached" and by["2302.07302"]["pages"] == 15
    assert by["2304.02623"]["status"] == "attached" and by["2304.02623"]["sentences"] > 20
    assert by["2301.99999"]["status"] == "failed" and "404" in by["2301.99999"]["message"]
    assert by["2301.99999"]["message"].startswith("arXiv 2301.99999")
    assert by["2401.00001"]["status"] == "failed" and "not a PDF (application/zip" in by["2401.00001"]["message"]
    assert by["2302.99999"]["status"] == "already-attached"       # same bytes as CiteSee: stored once
    with Library(lib_path) as lib:
        atts = lib.list_attachments()
        assert len(atts) == 2 and {a["source"] for a in atts} == {"arxiv"}
        assert {a["original_name"] for a in atts} == {pdf_server.url + "/pdf/2302.07302",
                                                      pdf_server.url + "/pdf/2304.02623"}
        assert len(list(lib.files_folder().iterdir())) == 2          # no .part file left behind
    ua = {h.get("user-agent") for h in pdf_server.headers}
    assert ua == {"GapScope (literature review tool)"}
    # a second run asks only for the papers still without a PDF
    before = len(pdf_server.log)
    run2, rows2 = fetch(lib_path)
    assert sorted(r["arxiv_id"] for r in rows2) == ["2301.99999", "2302.99999", "2401.00001"]
    assert len(pdf_server.log) - before == 3


def test_a_captive_portal_stops_the_fetch_and_names_the_papers_not_tried(lib_path, pdf_server, fast_extract):
    pdf_server.inject("portal", times=99)
    run, rows = fetch(lib_path)
    # something other than the source answered: the cause `collect` and `enrich` end with 5 for
    assert run.exit_code == EXIT_BLOCKED and [r["status"] for r in rows] == ["failed"] * 5
    assert all(r["unreachable"] for r in rows)
    assert "HTML page" in rows[0]["message"] and "Airport Free WiFi" in rows[0]["message"]
    assert all("not tried" in r["message"] for r in rows[1:])
    assert len(pdf_server.log) == 1                                  # the host was asked once


def test_fetch_named_papers_skips_one_with_a_pdf_and_retries_a_503(lib_path, pdf_server, fast_extract):
    pdf_server.inject("503", times=1)
    run, rows = fetch(lib_path, "2304.02623")
    assert run.exit_code == 0 and rows[0]["status"] == "attached"
    assert [h[2] for h in pdf_server.log] == ["503", "ok"]
    run, rows = fetch(lib_path, "2304.02623")
    assert rows[0]["status"] == "has-pdf" and len(pdf_server.log) == 2


def test_fetch_is_cancelled_between_papers_and_keeps_what_was_attached(lib_path, pdf_server, fast_extract):
    from gapscope.fulltext.fetch import fetch_pdfs
    from gapscope.jobs import Cancelled, CancelToken
    from gapscope.store import Library

    token = CancelToken()

    def progress(done, total, msg=""):
        if done == 1:
            token.cancel()

    with Library(lib_path) as lib:
        with pytest.raises(Cancelled):
            fetch_pdfs(lib, progress=progress, cancel=token)
        assert [a["paper_id"] for a in lib.list_attachments()] == [lib.resolve("2302.07302")]


def test_collect_arxiv_pdf_downloads_the_added_papers(tmp_path, arxiv_server, shared_data, monkeypatch, fast_extract):
    """The recorded id lookup of 1605.08386, its PDF served from the shared PDFs (a real 4-page paper)."""
    serve_pdf(arxiv_server, "1605.08386", shared_data / "pdfs" / SHORT)
    monkeypatch.setenv("GAPSCOPE_ARXIV_PDF_URL", arxiv_server.url + "/pdf")
    monkeypatch.setattr("gapscope.fulltext.label_fulltext", lambda *a, **k: {})      # the labels are tested elsewhere
    path = str(tmp_path / "c.gapscope")
    runner = CliRunner()
    assert runner.invoke(main, ["-L", path, "settings", "set", "collect.arxiv_interval_s", "0"]).exit_code == 0
    run = runner.invoke(main, ["-L", path, "collect", "arxiv", "--ids", "1605.08386", "--pdf", "--json"],
                        catch_exceptions=False)
    assert run.exit_code == 0, run.output
    rep = json.loads(run.stdout.strip().splitlines()[-1])
    assert rep["added"] == 1 and [p["status"] for p in rep["pdfs"]] == ["attached"]
    assert rep["pdfs"][0]["arxiv_id"] == "1605.08386" and rep["pdfs"][0]["pages"] == 4
    assert any(h[0].startswith("/pdf/1605.08386") for h in arxiv_server.log)


@pytest.fixture
def flaky_lib(tmp_path, replay_server, shared_data, monkeypatch):
    """Three papers with a known version: the first's versioned URL fails every retry (HTTP 503) while
    the id alone serves its PDF; every URL of the second fails every retry; the third is served."""
    from gapscope.ingest import ingest_papers
    from gapscope.store import Library

    pdfs = shared_data / "pdfs"
    replay_server.add("/pdf/2302.07302v1", b"busy", status=503, content_type="text/plain")
    replay_server.add("/pdf/2302.07302", (pdfs / CITESEE).read_bytes(), content_type="application/pdf")
    replay_server.add("/pdf/2501.00002v2", b"busy", status=503, content_type="text/plain")
    replay_server.add("/pdf/2501.00002", b"busy", status=503, content_type="text/plain")
    replay_server.add("/pdf/2304.02623v1", (pdfs / SHORT).read_bytes(), content_type="application/pdf")
    monkeypatch.setenv("GAPSCOPE_ARXIV_PDF_URL", replay_server.url + "/pdf")
    path = tmp_path / "flaky.gapscope"
    with Library(path) as lib:
        lib.set_setting("collect.arxiv_interval_s", 0)
        lib.set_setting("collect.max_retries", 1)          # each URL: a try and one retry
        papers = [Paper(title=t, arxiv_id=a, arxiv_version=v, source="test", source_key=a) for t, a, v in (
            ("CiteSee", "2302.07302", 1), ("Never served", "2501.00002", 2), ("Beyond summarization", "2304.02623", 1))]
        ingest_papers(lib, papers, kind="import", source="test", target="test")
    return path


def test_a_url_that_fails_every_retry_gives_way_to_the_next_url_and_the_next_paper(flaky_lib, replay_server,
                                                                                    fast_extract):
    run, rows = fetch(flaky_lib)
    by = {r["arxiv_id"]: r for r in rows}
    base = replay_server.url + "/pdf"
    # the paper's next candidate URL was asked, and gave its PDF
    assert by["2302.07302"]["status"] == "attached" and by["2302.07302"]["url"] == f"{base}/2302.07302"
    assert [t["url"] for t in by["2302.07302"]["tried"]] == [f"{base}/2302.07302v1"]
    assert "gave up after 2 tries: HTTP 503" in by["2302.07302"]["tried"][0]["error"]
    # every URL of the second failed: that paper failed, naming each URL, and the third was still asked
    failed = by["2501.00002"]
    assert failed["status"] == "failed" and failed["unreachable"]
    assert [t["url"] for t in failed["tried"]] == [f"{base}/2501.00002v2", f"{base}/2501.00002"]
    assert failed["message"].startswith("arXiv 2501.00002: every URL failed") and "not tried" not in failed["message"]
    assert by["2304.02623"]["status"] == "attached"
    assert len(replay_server.hits("/pdf/2501.00002v2")) == len(replay_server.hits("/pdf/2501.00002")) == 2
    # the host failed every retry for a paper: exit 5, as before; each failure said again at the end, by paper
    assert run.exit_code == EXIT_BLOCKED
    assert run.stderr.splitlines()[-2:] == ["1 paper of 3 got no readable PDF:",
                                            f"  paper {failed['paper_id']}: {failed['message']}"]


def test_a_paper_that_got_a_definite_no_is_exit_3_even_when_another_url_gave_up(flaky_lib, replay_server,
                                                                                fast_extract):
    replay_server.routes.insert(0, type(replay_server.routes[0])("/pdf/2501.00002", {}, 404, b"no such paper",
                                                                 {"Content-Type": "text/plain"}))
    run, rows = fetch(flaky_lib, "2501.00002")
    [row] = rows
    assert row["status"] == "failed" and not row["unreachable"] and "HTTP 404" in row["tried"][1]["error"]
    assert run.exit_code == EXIT_PARTIAL
