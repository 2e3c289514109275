"""Collecting from Google Scholar against a loopback server replaying the recorded pages."""

from __future__ import annotations

import re

import pytest

from gapscope.collect import CollectBlocked, collect_scholar

GEOMAP = ("fixtures", "google-scholar-html", "geomap_2020")


def page(shared_data, name="scholar_search_results.html") -> bytes:
    return shared_data.joinpath(*GEOMAP, name).read_bytes()


def result_titles(html: bytes) -> int:
    return len(re.findall(rb'class="gs_r gs_or gs_scl"', html))


@pytest.fixture
def lib(library):
    library.set_setting("collect.scholar_interval_s", 0)
    library.set_setting("collect.arxiv_interval_s", 0)
    library.set_setting("collect.timeout_s", 0.5)
    return library


@pytest.fixture
def scholar(replay_server, monkeypatch):
    monkeypatch.setenv("GAPSCOPE_SCHOLAR_URL", replay_server.url)
    monkeypatch.setenv("GAPSCOPE_ARXIV_URL", replay_server.url + "/api/query")
    return replay_server


def no_sleep(_s: float) -> None:
    pass


def test_results_are_parsed_with_snippets_marked_truncated(lib, scholar, shared_data):
    html = page(shared_data)
    scholar.add("/scholar", html, match={"start": None}, content_type="text/html; charset=ISO-8859-1")
    scholar.add("/scholar", html, match={"q": None}, content_type="text/html; charset=ISO-8859-1")
    rep = collect_scholar(lib, "Geology of the Olympus Range", max_results=10, sleep=no_sleep)
    n = result_titles(html)
    assert rep.added == n and rep.total and rep.total >= n
    rows = lib._conn.execute("SELECT title, authors, abstract, abstract_truncated FROM papers").fetchall()
    with_snippet = [r for r in rows if r[2]]
    assert with_snippet and all(r[3] == 1 for r in with_snippet)
    assert all("\u00c2" not in r[0] + r[1] for r in rows), "mojibake from a wrong charset"
    assert {s["source"] for p in lib.list_paper_ids() for s in lib.source_records(p)} == {"scholar"}


def test_a_real_iso_8859_1_page_decodes_like_the_recorded_one(lib, scholar, shared_data):
    text = page(shared_data).decode("utf-8")
    latin1 = text.encode("iso-8859-1", errors="xmlcharrefreplace")  # what Scholar sends with that header
    assert latin1 != page(shared_data)
    scholar.add("/scholar", latin1, match={"q": None}, content_type="text/html; charset=ISO-8859-1")
    collect_scholar(lib, "Geology of the Olympus Range", max_results=10, sleep=no_sleep)
    authors = [r[0] for r in lib._conn.execute("SELECT authors FROM papers")]
    assert authors and all("\u00c2" not in a and "\ufffd" not in a for a in authors)


def test_a_block_page_ends_the_collect_keeping_what_came_before_and_resumes(lib, scholar, shared_data):
    html = page(shared_data)
    scholar.add("/scholar", html, match={"q": None}, content_type="text/html; charset=ISO-8859-1")
    scholar.inject("block", match={"start": "10"}, body=page(shared_data, "scholar_search_results2.html"))
    with pytest.raises(CollectBlocked) as err:
        collect_scholar(lib, "Geology of the Olympus Range", max_results=50, sleep=no_sleep, fill_from_arxiv=False)
    msg = str(err.value)
    assert "not a robot" in msg and "proxy" in msg and "Wait" in msg
    assert err.value.report.added == result_titles(html) == lib.count_papers()
    entry = lib.imports_log()[0]
    assert entry["status"] == "blocked" and "kept" in entry["message"]

    # The block is over: the same collect continues at the blocked page, not at the first.
    before = len(scholar.log)
    rep = collect_scholar(lib, "Geology of the Olympus Range", max_results=50, sleep=no_sleep, fill_from_arxiv=False)
    assert rep.resumed_from is not None and rep.requests == len(scholar.log) - before
    second_run = scholar.log[before:]
    assert second_run[0][1].get("start") == "10"
    assert all("start" in params for _, params, _ in second_run), "the first page was fetched again"
    # (the replayed page links to itself as "next": the same 10 papers again, added 0 times)
    assert rep.added == 0 and lib.count_papers() == result_titles(html)


@pytest.mark.parametrize("name", ["citation.html", "bibtex.html"])
def test_a_403_page_is_a_block_with_a_clear_message(lib, scholar, shared_data, name):
    scholar.add("/scholar", page(shared_data, name), status=403, match={"q": None})
    with pytest.raises(CollectBlocked, match="403") as err:
        collect_scholar(lib, "anything", sleep=no_sleep)
    # one message for the window and the command line: each names its own way to set the proxy
    assert "Preferences > Network" in str(err.value) and "`gapscope settings set collect.proxy" in str(err.value)
    assert lib.count_papers() == 0 and lib.imports_log()[0]["status"] == "blocked"
    assert len(scholar.log) == 1, "a block must not be hammered with retries"


def serve_arxiv(server, shared_data) -> None:
    """The recorded arXiv answers; a title search finds nothing (the recorded empty feed)."""
    folder = shared_data / "fixtures" / "arxiv-api-atom"
    server.add_arxiv_fixtures(folder / "arxivpy_fixtures_json")
    empty = next((folder / "arxivpy_xml").glob("id_0000.0000_*.xml"))
    server.add_arxiv_feed(empty, {"search_query": lambda q: q.startswith("ti:")})


def test_snippets_are_filled_from_arxiv_when_the_paper_is_there(lib, scholar, shared_data):
    serve_arxiv(scholar, shared_data)
    html = page(shared_data).decode("utf-8")
    # One recorded result as Scholar shows a paper that is on arXiv: its link goes to the abstract page.
    first_link = re.search(r'<h3 class="gs_rt"[^>]*><a[^>]*href="(http[^"]+)"', html).group(1)
    html = html.replace(first_link, "https://arxiv.org/abs/1605.08386", 1)
    scholar.add("/scholar", html.encode(), match={"q": None})
    rep = collect_scholar(lib, "Geology of the Olympus Range", max_results=10, sleep=no_sleep)
    assert any("filled from arXiv: 1 of 1" in e for e in rep.events)
    pid = lib.resolve("1605.08386")
    p = lib.get_paper(pid)
    assert not p.abstract_truncated and len(p.abstract) > 200
    assert {s["source"] for s in lib.source_records(pid)} == {"scholar", "arxiv"}
    truncated = lib._conn.execute("SELECT count(*) FROM papers WHERE abstract_truncated = 1").fetchone()[0]
    assert truncated >= 1  # the others are not on arXiv: still marked as snippets


def test_a_snippet_is_filled_by_an_exact_title_match_on_arxiv(lib, scholar, shared_data):
    # The recorded arXiv entry 1605.08386 answers a title search for it; any other title finds nothing.
    html = _markov_bases_page(scholar, shared_data)
    assert b"C Stanley" in html
    rep = collect_scholar(lib, "Geology of the Olympus Range", max_results=10, sleep=no_sleep)
    assert any("1 of" in e and "exact title" in e for e in rep.events), rep.events
    [(pid, trunc, abstract)] = lib._conn.execute(
        "SELECT id, abstract_truncated, abstract FROM papers WHERE title LIKE 'Heat-bath%'").fetchall()
    assert trunc == 0 and abstract.startswith("Graphs on lattice points")
    assert lib.get_paper(pid).arxiv_id == "1605.08386"
    queried = _title_queries(scholar)
    assert queried and len(queried) == len(set(queried))  # each snippet looked up once
    assert lib.count_papers() == result_titles(html)  # the arXiv record merged, nothing added


def test_the_proxy_setting_carries_the_requests(lib, replay_server, shared_data, monkeypatch):
    """With collect.proxy set, requests for the (unreachable) Scholar host go through the proxy:
    here the replay server, which sees the absolute URL a proxy receives."""
    monkeypatch.setenv("GAPSCOPE_SCHOLAR_URL", "http://scholar.example.invalid")
    lib.set_setting("collect.proxy", replay_server.url)
    replay_server.add("/scholar", page(shared_data), match={"q": None})
    rep = collect_scholar(lib, "Geology of the Olympus Range", max_results=10, sleep=no_sleep, fill_from_arxiv=False)
    assert rep.added == result_titles(page(shared_data))
    assert replay_server.log and all(p == "/scholar" for p, _, _ in replay_server.log)


@pytest.mark.parametrize("name", ["parse_test_case1.html", "parse_test_case2.html", "fetch_test.html"])
def test_the_2016_markup_is_read_too(lib, scholar, shared_data, name):
    html = shared_data.joinpath("fixtures", "google-scholar-html", "goscholar_2016", name).read_bytes()
    scholar.add("/scholar", html, match={"q": None})
    rep = collect_scholar(lib, "deep learning", max_results=1, sleep=no_sleep, fill_from_arxiv=False)
    assert rep.added == 1
    [(title, authors)] = lib._conn.execute("SELECT title, authors FROM papers").fetchall()
    h3 = re.search(rb'<h3 class="gs_rt">(.*?)</h3>', html, flags=re.S).group(1)
    assert title.split(":")[0].encode() in re.sub(rb"<[^>]+>", b"", h3) and authors


def _markov_bases_page(scholar, shared_data) -> bytes:
    """The recorded Scholar page with one result rewritten as Scholar lists arXiv 1605.08386 (no arXiv
    link: found by its exact title), served with the recorded arXiv answers."""
    folder = shared_data / "fixtures" / "arxiv-api-atom"
    scholar.add_arxiv_feed(next((folder / "arxivpy_xml").glob("id_1605.08386_*.xml")),
                           {"search_query": lambda q: q.startswith("ti:") and "Markov bases" in q})
    serve_arxiv(scholar, shared_data)
    html = page(shared_data).decode("utf-8")
    html = html.replace("The <b>Southern </b>Hemisphere glacial record-<b>Antarctica </b>and New Zealand",
                        "Heat-bath random walks with <b>Markov bases</b>", 1)
    html = re.sub(r'<div class="gs_a"><b>TJ Chinn</b>(\W+Papers)', r'<div class="gs_a">C Stanley\1', html, count=1)
    scholar.add("/scholar", html.encode(), match={"q": None})
    return html.encode()


def _title_queries(scholar) -> list[str]:
    return [h[1]["search_query"] for h in scholar.log if h[1].get("search_query", "").startswith("ti:")]


def test_the_arxiv_title_lookups_report_progress(lib, scholar, shared_data):
    _markov_bases_page(scholar, shared_data)
    seen = []
    collect_scholar(lib, "Geology of the Olympus Range", max_results=10, sleep=no_sleep,
                    progress=lambda d, t, m="": seen.append((d, t, str(m))))
    lookups = [(d, t, m) for d, t, m in seen if m.startswith("arXiv abstracts: ")]
    assert lookups
    n = lookups[0][1]        # the snippets without an arXiv link (a title too short to be sure asks nothing)
    assert {t for _, t, _ in lookups} == {n} and 0 < len(_title_queries(scholar)) <= n
    assert lookups[-1][:2] == (n, n) and "1 found" in lookups[-1][2]     # the bar ends full, with what was found
    assert [d for d, _, _ in lookups] == sorted(d for d, _, _ in lookups)


def test_cancel_during_the_arxiv_title_lookups_stops_them_and_keeps_what_was_filled(lib, scholar, shared_data):
    from gapscope.jobs import CancelToken

    _markov_bases_page(scholar, shared_data)
    cancel = CancelToken()

    seen = []

    def progress(done, total, message=""):
        seen.append((done, total, str(message)))
        if "1 found" in message:          # the first abstract is in hand: the user cancels
            cancel.cancel()

    rep = collect_scholar(lib, "Geology of the Olympus Range", max_results=10, sleep=no_sleep, progress=progress,
                          cancel=cancel)
    asked = _title_queries(scholar)
    stopped_at, titles = next((d, t) for d, t, m in seen if "1 found" in m)
    assert rep.cancelled and stopped_at < titles and len(asked) <= stopped_at, (asked, seen)   # nothing asked after
    assert any("cancelled after" in e and "filled before the stop: 1 (kept)" in e for e in rep.events), rep.events
    [(trunc, abstract)] = lib._conn.execute(
        "SELECT abstract_truncated, abstract FROM papers WHERE title LIKE 'Heat-bath%'").fetchall()
    assert trunc == 0 and abstract.startswith("Graphs on lattice points")       # the one filled is kept
