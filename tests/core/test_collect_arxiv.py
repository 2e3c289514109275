"""Collecting from the arXiv API against a loopback server replaying the recorded responses."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

import pytest

from gapscope.collect import CollectError, collect_arxiv, list_cursors
from gapscope.jobs import CancelToken
from gapscope.sources import arxiv_api as ax

FIXTURES = ("fixtures", "arxiv-api-atom")


def recorded_ids(shared_data, starts=(0, 10, 20, 30, 40, 50)) -> list[str]:
    """Bare arXiv ids in the recorded 'testing' pages of 10 (what a 60-paper collect must bring)."""
    folder = shared_data.joinpath(*FIXTURES, "arxivpy_fixtures_json")
    ids = []
    for s in starts:
        body = json.loads(next(folder.glob(f"q_testing_s{s}_m10_*.json")).read_text())["body"]
        ids += [ax.split_arxiv_id(m)[0] for m in re.findall(r"<id>https?://arxiv.org/abs/([^<]+)</id>", body)]
    return ids


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def lib(library):
    library.set_setting("collect.arxiv_interval_s", 0)
    library.set_setting("collect.timeout_s", 0.3)
    library.set_setting("collect.max_retries", 3)
    return library


def counts(lib) -> tuple[int, int, int]:
    q = lambda sql: lib._conn.execute(sql).fetchone()[0]  # noqa: E731
    return (q("SELECT count(*) FROM papers"), q("SELECT count(*) FROM source_records"),
            q("SELECT count(DISTINCT arxiv_id) FROM papers"))


def test_paging_collects_every_recorded_entry_and_a_second_run_adds_nothing(lib, arxiv_server, shared_data):
    expected = recorded_ids(shared_data)
    rep = collect_arxiv(lib, "testing", max_results=60, page_size=10, sleep=Sleeps())
    assert rep.pages == 6 and rep.requests == 6
    assert rep.added == len(set(expected)) and rep.read == len(expected)
    got = {r[0] for r in lib._conn.execute("SELECT arxiv_id FROM papers")}
    assert got == set(expected)
    before = counts(lib)

    again = collect_arxiv(lib, "testing", max_results=60, page_size=10, sleep=Sleeps())
    assert again.added == 0 and again.merged == 0 and again.unchanged == len(expected)
    assert counts(lib) == before
    log = [e for e in lib.imports_log() if e["kind"] == "collect"]
    assert [e["added"] for e in log] == [0, len(set(expected))] and all(e["status"] == "done" for e in log)


def test_429_and_503_back_off_with_jitter_and_lose_nothing(lib, arxiv_server, shared_data):
    arxiv_server.inject("429", times=2, match={"start": "10"})
    arxiv_server.inject("503", times=1, match={"start": "30"})
    sleeps = Sleeps()
    rep = collect_arxiv(lib, "testing", max_results=60, page_size=10, sleep=sleeps)
    assert len(arxiv_server.hits(start="10")) == 3 and len(arxiv_server.hits(start="30")) == 2
    assert rep.retries == 3
    assert any(s > 0 for s in sleeps), "a 503 without Retry-After must back off"
    assert {r[0] for r in lib._conn.execute("SELECT arxiv_id FROM papers")} == set(recorded_ids(shared_data))


def test_timeout_empty_page_and_connection_cut_are_retried_without_doubling(lib, arxiv_server, shared_data):
    arxiv_server.inject("timeout", match={"start": "20"})
    arxiv_server.inject("cut", match={"start": "30"})
    arxiv_server.inject("empty", match={"start": "40"})
    rep = collect_arxiv(lib, "testing", max_results=60, page_size=10, sleep=Sleeps())
    served = [h[2] for h in arxiv_server.log]
    assert served.count("timeout") == served.count("cut") == served.count("empty") == 1
    assert rep.retries == 3
    expected = recorded_ids(shared_data)
    papers, records, distinct = counts(lib)
    assert papers == distinct == len(set(expected)) and records == len(set(expected))


def test_cancel_then_resume_continues_from_the_cursor(lib, arxiv_server, shared_data):
    cancel = CancelToken()

    def progress(done, total, msg=""):
        if done >= 20:
            cancel.cancel()

    rep = collect_arxiv(lib, "testing", max_results=60, page_size=10, sleep=Sleeps(), progress=progress, cancel=cancel)
    assert rep.cancelled and rep.added == 20
    [cur] = list_cursors(lib)
    assert cur["state"]["start"] == 20 and not cur["state"]["done"]
    assert lib.imports_log()[0]["status"] == "cancelled"

    rep2 = collect_arxiv(lib, "testing", max_results=60, page_size=10, sleep=Sleeps())
    assert rep2.resumed_from is not None and rep2.pages == 4
    for start in ("0", "10"):
        assert len(arxiv_server.hits(start=start)) == 1, f"page start={start} fetched again"
    assert counts(lib)[0] == len(set(recorded_ids(shared_data)))
    assert list_cursors(lib)[0]["state"]["done"]


def test_cancel_during_a_backoff_wait_stops_at_once_and_keeps_what_was_read(lib, arxiv_server):
    arxiv_server.inject("503", times=1, match={"start": "10"})
    cancel = CancelToken()

    def user_cancels_while_waiting(seconds):
        cancel.cancel()

    rep = collect_arxiv(lib, "testing", max_results=60, page_size=10, sleep=user_cancels_while_waiting, cancel=cancel)
    assert rep.cancelled and rep.added == 10 and lib.count_papers() == 10
    assert len(arxiv_server.hits(start="10")) == 1, "no request after the cancel"
    [cur] = list_cursors(lib)
    assert cur["state"]["start"] == 10 and not cur["state"]["done"]


def test_a_failure_keeps_the_pages_read_and_the_next_run_resumes(lib, arxiv_server, shared_data):
    arxiv_server.inject("503", times=4, match={"start": "30"})  # max_retries 3: four tries, all 503
    with pytest.raises(CollectError) as err:
        collect_arxiv(lib, "testing", max_results=60, page_size=10, sleep=Sleeps())
    assert "503" in str(err.value) and err.value.report.added == 30
    assert counts(lib)[0] == 30
    entry = lib.imports_log()[0]
    assert entry["status"] == "failed" and "503" in entry["message"]

    rep = collect_arxiv(lib, "testing", max_results=60, page_size=10, sleep=Sleeps())
    assert rep.resumed_from["start"] == 30 and rep.added == 30
    for start in ("0", "10", "20"):
        assert len(arxiv_server.hits(start=start)) == 1
    assert counts(lib)[0] == len(set(recorded_ids(shared_data)))


def test_id_lookup_old_style_ids_and_versions(lib, arxiv_server):
    rep = collect_arxiv(lib, ids=["2104.12255v1", "astro-ph/0601001", "quant-ph/0201082v1", "1605.08386"],
                        page_size=1, sleep=Sleeps())
    assert rep.added == 4 and not rep.errors
    ids = {r[0] for r in lib._conn.execute("SELECT arxiv_id FROM papers")}
    assert ids == {"2104.12255", "astro-ph/0601001", "quant-ph/0201082", "1605.08386"}
    pid = lib.resolve("astro-ph/0601001")
    assert lib.versions(pid) and lib.versions(pid)[0][0] == 1


def test_a_new_version_is_the_same_paper_with_both_versions_kept(lib, arxiv_server, shared_data):
    collect_arxiv(lib, ids=["2104.12255v1"], page_size=1, sleep=Sleeps())
    v1 = shared_data.joinpath(*FIXTURES, "arxivpy_xml").glob("id_2104.12255v1_*.xml").__next__().read_bytes()
    # The same recorded entry as arXiv shows it once a v2 is out: id v2, a later <updated>.
    v2 = v1.replace(b"2104.12255v1", b"2104.12255v2")
    v2 = re.sub(rb"(<entry>.*?<updated>)[^<]+", rb"\g<1>2021-06-01T00:00:00Z", v2, flags=re.S)
    arxiv_server.routes.insert(0, type(arxiv_server.routes[0])("/api/query", {"id_list": "2104.12255"}, 200, v2, {}))
    rep = collect_arxiv(lib, ids=["2104.12255"], page_size=1, sleep=Sleeps())
    assert rep.added == 0 and rep.merged == 1
    pid = lib.resolve("2104.12255")
    assert [v for v, _ in lib.versions(pid)] == [1, 2]
    assert lib.get_paper(pid).arxiv_version == 2
    assert sorted(s["source_key"] for s in lib.source_records(pid)) == ["2104.12255v1", "2104.12255v2"]


def test_invalid_and_unknown_ids_are_named(lib, arxiv_server):
    with pytest.raises(ax.ArxivQueryError, match="incorrect id format for abc"):
        ax.fetch_page(__import__("gapscope.collect").collect.make_fetcher(lib, "arxiv"),
                      arxiv_server.url + "/api/query", ax.make_search(ids=["abc"]), 0, 100)
    rep = collect_arxiv(lib, ids=["abc", "0808.05394", "1707.08567"], page_size=1, sleep=Sleeps())
    assert rep.added == 1
    errors = [str(e) for e in rep.errors]
    assert any("'abc'" in e and "not an arXiv id" in e for e in errors)
    assert any("0808.05394" in e and "no paper" in e for e in errors)


def test_date_windows_split_a_large_query_into_pieces_under_the_limit():
    lo = datetime(2020, 1, 1, tzinfo=timezone.utc)
    hi = datetime(2020, 12, 31, 23, 59, tzinfo=timezone.utc)
    per_day = 400  # 146,400 papers in the year: five times the 30,000 cap

    def count(w):
        days = (w.hi - w.lo + timedelta(minutes=1)).total_seconds() / 86400
        return int(days * per_day)

    windows = ax.plan_windows(count, lo, hi, limit=30000)
    assert all(count(w) <= 30000 for w in windows) and len(windows) >= 5
    assert windows[0].lo == lo and windows[-1].hi == hi
    for a, b in zip(windows, windows[1:]):
        assert b.lo - a.hi == timedelta(minutes=1)  # contiguous, no overlap, no gap
    assert ax.windowed_query("cat:cs.LG", windows[0]).startswith("(cat:cs.LG) AND submittedDate:[202001010000 TO ")


def test_new_in_categories_remembers_the_last_submission_date(lib, replay_server, shared_data, monkeypatch):
    old_feed = shared_data.joinpath(*FIXTURES, "findpapers_arxiv-api-search.xml")
    replay_server.add_arxiv_feed(old_feed, {"search_query": lambda q: "cat:cs.CL" in q, "start": "0"})
    replay_server.inject("empty", times=99, match={"start": "20"})
    replay_server.routes.append(type(replay_server.routes[0])(
        "/api/query", {"search_query": lambda q: "cat:cs.CL" in q, "start": "20"}, 200, old_feed.read_bytes(), {}))
    monkeypatch.setenv("GAPSCOPE_ARXIV_URL", replay_server.url + "/api/query")
    rep = collect_arxiv(lib, categories=["cs.CL"], since="2020-01-01", page_size=100, sleep=Sleeps(),
                        now=datetime(2020, 9, 1, tzinfo=timezone.utc))
    assert rep.added == 20 and any("reported 21" in e for e in rep.events)
    first_q = replay_server.log[0][1]["search_query"]
    assert first_q == "(cat:cs.CL) AND submittedDate:[202001010000 TO 202009010000]"
    latest = max(r[0] for r in lib._conn.execute("SELECT published FROM papers"))

    rep2 = collect_arxiv(lib, categories=["cs.CL"], page_size=100, sleep=Sleeps(),
                         now=datetime(2020, 9, 8, tzinfo=timezone.utc))
    assert rep2.added == 0
    q2 = replay_server.log[-2][1]["search_query"]
    since = (datetime.fromisoformat(latest) - timedelta(days=1)).strftime("%Y%m%d")
    assert f"submittedDate:[{since}" in q2 and q2.endswith("TO 202009080000]")


def test_a_query_over_the_per_query_cap_is_collected_in_date_windows(lib, replay_server, shared_data, monkeypatch):
    """A small arXiv built from the recorded 100-entry page: entry k 'submitted' on day 3k of 2020.
    With the cap lowered to 25, the collect must split the year into windows of at most 25 and
    bring every entry exactly once."""
    body = next(shared_data.joinpath(*FIXTURES, "arxivpy_xml").glob("q_testing_s0_m100_*.xml")).read_bytes()
    head = body[:body.index(b"<entry>")]
    entries = re.findall(rb"<entry>.*?</entry>", body, flags=re.S)
    day0 = datetime(2020, 1, 1, tzinfo=timezone.utc)
    dated = [(day0 + timedelta(days=3 * k, hours=12), e) for k, e in enumerate(entries)]

    def answer(params):
        m = re.search(r"submittedDate:\[(\d{12}) TO (\d{12})\]", params["search_query"])
        lo, hi = (datetime.strptime(x, "%Y%m%d%H%M").replace(tzinfo=timezone.utc) for x in m.groups())
        hits = [e for d, e in dated if lo <= d <= hi + timedelta(seconds=59)]
        start, n = int(params["start"]), int(params["max_results"])
        page = re.sub(rb"<opensearch:totalResults>\d+", b"<opensearch:totalResults>%d" % len(hits), head)
        return 200, page + b"".join(hits[start:start + n]) + b"\n</feed>\n"

    replay_server.add("/api/query", answer, match={"search_query": lambda q: "submittedDate" in q},
                      content_type="application/atom+xml; charset=utf-8")
    monkeypatch.setenv("GAPSCOPE_ARXIV_URL", replay_server.url + "/api/query")
    monkeypatch.setattr(ax, "MAX_PER_QUERY", 25)
    rep = collect_arxiv(lib, "testing", since="2020-01-01", until="2020-12-31", page_size=10, sleep=Sleeps())

    expected = {ax.split_arxiv_id(m.decode())[0] for m in re.findall(rb"<id>https?://arxiv.org/abs/([^<]+)</id>", b"".join(entries))}
    assert rep.added == len(expected) and rep.unchanged == 0 and not rep.errors
    assert {r[0] for r in lib._conn.execute("SELECT arxiv_id FROM papers")} == expected
    windows = {re.search(r"submittedDate:\[[^\]]+\]", q).group(0) for _, p, _ in replay_server.log
               if p.get("max_results") != "1" for q in [p["search_query"]]}
    assert len(windows) >= 4  # 100 entries, at most 25 per window
    assert rep.total == len(entries)  # the windows' counts add up
    assert all(p["sortBy"] == "submittedDate" for _, p, _ in replay_server.log)


def test_the_real_arxiv_endpoint_always_gets_three_seconds(lib, monkeypatch):
    from gapscope.collect import make_fetcher

    monkeypatch.delenv("GAPSCOPE_ARXIV_URL")
    assert make_fetcher(lib, "arxiv").min_interval == 3.0  # the setting says 0
    monkeypatch.setenv("GAPSCOPE_ARXIV_URL", "http://127.0.0.1:9/api/query")
    assert make_fetcher(lib, "arxiv").min_interval == 0
