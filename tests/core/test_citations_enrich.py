"""Enrichment against a loopback server replaying the recorded OpenAlex and Semantic Scholar answers:
lookups, pagination, not-found, rate limiting, bad keys; nothing lost or doubled (see citations_fixtures)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from gapscope.citations.enrich import enrich
from gapscope.citations.sources import S2_FIELDS

from .citations_fixtures import (FIRST_PQA, FIRST_PQA_W, MICRO_DOI, MICRO_S2, MISSING_DOI, PQA, Recorded, make_library,
                                 point_at, serve)


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture(scope="module")
def rec(shared_data):
    return Recorded(shared_data)


@pytest.fixture
def setup(library, replay_server, rec, monkeypatch):
    serve(replay_server, rec)
    ids = make_library(library)
    point_at(library, replay_server, monkeypatch)
    return library, replay_server, ids


def snapshot(lib):
    q = lambda sql: lib._conn.execute(sql).fetchall()  # noqa: E731
    return (q("SELECT id, paper_id, doi, arxiv_id, s2_id, openalex_id, citation_count FROM works ORDER BY id"),
            q("SELECT citing, cited, via FROM citations ORDER BY citing, cited"))


def expected_outside(rec) -> int:
    """Distinct outside works the recorded answers name (S2 ids, OpenAlex W ids)."""
    s2 = set(rec.ref_ids) | set(rec.cit_ids)
    w = {u.rsplit("/", 1)[-1] for work in rec.works.values() for u in work["referenced_works"]}
    w |= set(rec.cited_by_ids())
    return len(s2) + len(w)


def test_enrich_stores_what_the_recorded_answers_say(setup, rec):
    lib, server, ids = setup
    rep = enrich(lib, sleep=Sleeps())
    by = {p.paper_id: p for p in rep.papers}

    micro = by[ids[MICRO_DOI]]
    assert micro.ids["s2_id"] == MICRO_S2 and micro.ids["corpus_id"] == rec.micro["corpusId"]
    assert micro.references == len(set(rec.ref_ids)) == 44      # two recorded pages, 23 entries by title only
    assert micro.citations == len(set(rec.cit_ids)) == 1873     # nineteen recorded pages
    assert micro.not_found == ["openalex"] and micro.failed == []
    w = lib.works([lib.work_of_paper(ids[MICRO_DOI])])[lib.work_of_paper(ids[MICRO_DOI])]
    assert w["oa_pdf_url"] == rec.micro["openAccessPdf"]["url"] and w["citation_count"] == rec.micro["citationCount"]
    assert w["venue"] == rec.micro["journal"]["name"]
    assert rep.unresolved == rec.ref_blank + rec.cit_blank

    first = by[ids[FIRST_PQA]]
    work = rec.works[FIRST_PQA]
    assert first.ids["openalex_id"] == FIRST_PQA_W and first.ids["s2_id"] == rec.s2[FIRST_PQA]["paperId"]
    assert first.references == len(set(work["referenced_works"]))   # from OpenAlex: S2 has none recorded
    assert first.citations == len(rec.cited_by_ids()) == 4          # three OpenAlex cursor pages
    row = lib.works([lib.work_of_paper(ids[FIRST_PQA])])[lib.work_of_paper(ids[FIRST_PQA])]
    assert row["venue"] == work["primary_location"]["source"]["display_name"]
    assert row["oa_pdf_url"] == work["open_access"]["oa_url"]
    for doi in PQA:
        assert by[ids[doi]].references == len(set(rec.works[doi]["referenced_works"])), doi

    missing = by[ids[MISSING_DOI]]
    assert sorted(missing.not_found) == ["openalex", "s2"] and missing.failed == [] and missing.references == 0

    works, papers, edges = lib.count_works()
    assert papers == len(ids) and works - papers == expected_outside(rec)
    assert edges == sum(p.references + p.citations for p in rep.papers)
    # every recorded page fetched once, in order
    assert [h[1]["offset"] for h in server.hits(f"/graph/v1/paper/{MICRO_S2}/references")] == ["0", "50"]
    assert len(server.hits(f"/graph/v1/paper/{MICRO_S2}/citations")) == 19
    assert [h[1]["cursor"] for h in server.hits("/works") if h[1]["filter"].startswith("cites:W44087")] == ["*", "c2", "c3"]


def test_a_second_run_asks_nothing_and_a_refresh_doubles_nothing(setup):
    lib, server, ids = setup
    enrich(lib, sleep=Sleeps())
    before, asked = snapshot(lib), len(server.log)
    again = enrich(lib, sleep=Sleeps())
    assert len(server.log) == asked and again.requests == 0       # every step done: the cache answers
    assert snapshot(lib) == before
    enrich(lib, refresh=True, sleep=Sleeps())
    assert len(server.log) > asked and snapshot(lib) == before    # fetched again, stored once


def test_rate_limits_are_waited_out_and_lose_nothing(setup):
    lib, server, ids = setup
    server.inject("429", times=2, match={"offset": "50"})          # the second references page
    server.inject("503", times=1, match={"offset": "300"})         # a citations page
    sleeps = Sleeps()
    rep = enrich(lib, sleep=sleeps)
    assert rep.retries == 3 and not rep.refused
    # the 429s said Retry-After: 0 (no wait); only the 503 backed off on our own schedule
    assert len(sleeps) == 1 and sleeps[0] > 0
    assert len(server.hits(offset="50")) == 3 and len(server.hits(offset="300")) == 2
    micro = next(p for p in rep.papers if p.paper_id == ids[MICRO_DOI])
    assert micro.references == 44 and micro.citations == 1873


def test_a_source_that_keeps_refusing_is_given_up_and_the_rerun_completes(setup, rec):
    lib, server, ids = setup
    server.inject("429", times=4, match={"offset": "900"})          # 4 tries = max_retries 3 + 1
    rep = enrich(lib, sleep=Sleeps())
    assert set(rep.refused) == {"s2"} and "again later" in rep.refused["s2"]
    micro = next(p for p in rep.papers if p.paper_id == ids[MICRO_DOI])
    assert micro.citations == 0 and any(f.startswith("s2 citations: gave up") for f in micro.failed)
    assert micro.references == 44                                    # committed before the failure
    asked_refs = len(server.hits(f"/graph/v1/paper/{MICRO_S2}/references"))
    rep2 = enrich(lib, sleep=Sleeps())
    assert not rep2.refused and not rep2.failed
    micro = next(p for p in rep2.papers if p.paper_id == ids[MICRO_DOI])
    assert micro.citations == 1873 and micro.references == 44
    assert len(server.hits(f"/graph/v1/paper/{MICRO_S2}/references")) == asked_refs   # not fetched again
    works, papers, _ = lib.count_works()
    assert works - papers == expected_outside(rec)


def test_bad_keys_stop_each_source_at_once_and_never_show_the_key(setup, rec):
    lib, server, ids = setup
    lib.set_setting("citations.openalex_api_key", "bad-key")
    lib.set_setting("citations.s2_api_key", "bad-key")
    server.inject("block", times=100, match={"api_key": "bad-key"}, status=403,
                  body=b'{"error": "Invalid API key", "message": "Forbidden"}')
    server.inject("block", times=1, match={"fields": S2_FIELDS}, status=403, body=b'{"message": "Forbidden"}')
    rep = enrich(lib, sleep=Sleeps())
    assert set(rep.refused) == {"openalex", "s2"}
    assert "citations.s2_api_key" in rep.refused["s2"] and "citations.openalex_api_key" in rep.refused["openalex"]
    assert "bad-key" not in json.dumps(rep.to_dict())
    assert len(server.log) == 2                                     # one refused request per source, then no more
    assert server.headers[[h[0] for h in server.log].index(f"/graph/v1/paper/DOI:{MICRO_DOI}")]["x-api-key"] == "bad-key"
    assert lib.count_works()[2] == 0

    lib.set_setting("citations.openalex_api_key", "good-key")
    lib.set_setting("citations.s2_api_key", "good-key")
    rep2 = enrich(lib, sleep=Sleeps())
    assert not rep2.refused and not rep2.failed
    assert all(h[1].get("api_key") == "good-key" for h in server.log[2:] if not h[0].startswith("/graph"))
    works, papers, _ = lib.count_works()
    assert works - papers == expected_outside(rec)


def test_cli_enrich_json_lists_each_paper(setup, rec):
    from gapscope.cli import main

    lib, server, ids = setup
    lib._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    r = CliRunner().invoke(main, ["--library", str(lib.path), "enrich", "--json", "--quiet"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    rows = {p["paper_id"]: p for p in out["papers"]}
    assert set(rows) == set(ids.values())
    m = rows[ids[MICRO_DOI]]
    assert m["ids"]["doi"] == MICRO_DOI and m["ids"]["s2_id"] == MICRO_S2
    assert (m["references"], m["citations"], m["failed"]) == (44, 1873, [])
    assert sorted(rows[ids[MISSING_DOI]]["not_found"]) == ["openalex", "s2"]


def test_hosts_and_keys_come_from_the_environment_then_the_library_then_the_user_file(library, monkeypatch):
    from gapscope import settings
    from gapscope.citations.enrich import api_key, endpoint
    from gapscope.citations.sources import DEFAULT_OPENALEX_URL, DEFAULT_S2_URL

    monkeypatch.delenv("GAPSCOPE_S2_URL", raising=False)
    monkeypatch.delenv("GAPSCOPE_OPENALEX_API_KEY", raising=False)
    assert endpoint(library, "s2") == "https://api.semanticscholar.org"
    assert settings.SETTINGS["s2_url"].default == DEFAULT_S2_URL
    assert settings.SETTINGS["openalex_url"].default == DEFAULT_OPENALEX_URL
    assert api_key(library, "openalex") is None                      # no key is built in
    path = settings.user_settings_path()                             # the desktop's Preferences file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("[sources]\ns2_url=http://user.example/\nopenalex_api_key=from-user-file\n", encoding="utf-8")
    assert endpoint(library, "s2") == "http://user.example" and api_key(library, "openalex") == "from-user-file"
    library.set_setting("citations.s2_url", "http://mirror.example/")
    library.set_setting("citations.openalex_api_key", "from-settings")
    assert endpoint(library, "s2") == "http://mirror.example"
    assert api_key(library, "openalex") == "from-settings"
    monkeypatch.setenv("GAPSCOPE_S2_URL", "http://127.0.0.1:1")
    monkeypatch.setenv("GAPSCOPE_OPENALEX_API_KEY", "from-env")
    assert endpoint(library, "s2") == "http://127.0.0.1:1" and api_key(library, "openalex") == "from-env"


def test_a_captive_portal_stops_each_source_at_once_with_a_message_that_says_so(setup):
    lib, server, ids = setup
    lib.set_setting("citations.openalex_api_key", "secret-key-0123456789")
    server.inject("portal", times=100)
    rep = enrich(lib, sleep=Sleeps())
    assert set(rep.refused) == {"openalex", "s2"}
    for source in ("openalex", "s2"):
        msg = rep.refused[source]
        assert "HTML page titled 'Welcome to Airport Free WiFi'" in msg and f"citations.{source}_url" in msg
    assert "secret-key" not in json.dumps(rep.to_dict())
    assert len(server.log) == 2                       # one request per source: a login page is not asked again
    assert lib.count_works()[2] == 0
