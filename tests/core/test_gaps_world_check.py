"""The "already done" check against OpenAlex (gaps/world_check.py), replayed through the loopback server
with OpenAlex's recorded works-list answers: a pair enough works mention is established and not listed,
one with fewer keeps the most cited of them as evidence, a failed request leaves its pair unchecked (and
enough of them in a row stop the check), a refused key stops it at once; the list is made either way."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from tests.core.citations_fixtures import CITED_BY_PAGES, JSON, point_at
from tests.core.test_gaps_rank import constructed_graph

SEARCH = "title_and_abstract.search:"


def _pair(g):
    return g.details["method_concept"], g.details["problem_concept"]


@pytest.fixture(scope="module")
def pages(shared_data):
    """The recorded OpenAlex works lists: "ChemCrow" (2 works) and "PaperQA" (1 work)."""
    folder = shared_data / "fixtures" / "paperqa-api-cassettes" / "decoded"
    two, _, one = (json.loads((folder / f).read_text()) for f in CITED_BY_PAGES)
    assert two["meta"]["count"] == 2 and one["meta"]["count"] == 1
    return two, one


def _serve(server, answers: dict[str, dict], asked: list[str]) -> None:
    """``/works`` answers a title-and-abstract search for a query in ``answers`` with its recorded page;
    any other gets OpenAlex's 404 error body (a failed request)."""
    def works(params):
        f = params.get("filter", "")
        assert f.startswith(SEARCH) and params.get("sort") == "cited_by_count:desc", params
        asked.append(f[len(SEARCH):])
        page = answers.get(f[len(SEARCH):])
        return (200, json.dumps(page).encode()) if page else (404, b'{"error": "no recorded response"}')

    server.add("/works", works, content_type=JSON)


def test_query_asks_for_both_phrases_and_an_acronym_by_its_expansion():
    from gapscope.gaps.world_check import pair_query, search_forms

    crf = SimpleNamespace(id=1, phrase="CRF")
    asr = SimpleNamespace(id=2, phrase="ASR")
    odd = SimpleNamespace(id=3, phrase='a "quoted", piped | name: (x)')
    reading = SimpleNamespace(verdict="defined", dominant="conditional random fields")
    unclear = SimpleNamespace(verdict="ambiguous", dominant="automatic speech recognition")
    acr = {1: reading, 2: unclear}
    assert search_forms(crf, acr) == ["conditional random fields"]
    assert search_forms(asr, acr) == ["ASR"]                  # no agreed expansion: the acronym itself
    assert search_forms(odd) == ["a quoted piped name x"]     # nothing that breaks the filter syntax
    assert pair_query(search_forms(crf, acr), ["ASR", "speech recognition"]) == \
        '("conditional random fields") AND ("ASR" OR "speech recognition")'


def test_established_in_openalex_is_dropped_and_a_rarer_pair_kept_with_its_works(library, replay_server, monkeypatch,
                                                                                 pages):
    from gapscope.gaps.candidates import concept_gaps
    from gapscope.gaps.world_check import OpenAlexCheck, pair_query

    cs, dates, pv = constructed_graph(seed=2)
    listed = concept_gaps(cs, dates, top=10, min_support=3, paper_vecs=pv, plausible_min=0.0)
    (m0, p0), (m1, p1) = _pair(listed[0]), _pair(listed[1])
    two, one = pages
    asked: list[str] = []
    _serve(replay_server, {pair_query([m0], [p0]): two, pair_query([m1], [p1]): one}, asked)
    point_at(library, replay_server, monkeypatch)
    world = OpenAlexCheck.open(library, 2)
    notices: list[str] = []
    again = concept_gaps(cs, dates, top=10, min_support=3, paper_vecs=pv, plausible_min=0.0, world=world,
                         notices=notices)
    pairs = [_pair(g) for g in again]
    assert (m0, p0) not in pairs                              # 2 works mention both: established
    kept = again[pairs.index((m1, p1))]                       # 1: still a gap, with that work as evidence
    w = kept.details["openalex"]
    assert w["works"] == 1 and not w["established"] and w["min_works"] == 2 and w["error"] is None
    assert [(p["title"], p["year"], p["openalex_id"]) for p in w["papers"]] == [
        (r["title"], r["publication_year"], r["id"].rsplit("/", 1)[-1]) for r in one["results"]]
    assert kept.details["evidence_counts"]["openalex"] == 1
    assert kept.statement.endswith("OpenAlex lists 1 work mentioning both.")
    # the other pairs got the recorded 404: unchecked, and after three in a row the check stopped asking
    others = [g.details["openalex"] for g in again if _pair(g) != (m1, p1)]
    assert all(o["works"] is None and not o["established"] and o["error"] for o in others)
    assert len(asked) == world.checked == 2 + 3 and world.failed == 3
    assert "stopped" in world.stopped or "failed in a row" in world.stopped
    assert len(again) == len(listed)                          # the list is still made, one pair fewer in it
    note = next(n for n in notices if n.startswith("OpenAlex"))
    assert "1 established" in note and "3 requests failed" in note and "the check stopped" in note


def test_a_refused_key_stops_the_check_at_once_and_the_list_is_made(library, replay_server, monkeypatch):
    from gapscope.gaps.candidates import concept_gaps
    from gapscope.gaps.world_check import OpenAlexCheck

    cs, dates, pv = constructed_graph(seed=2)
    replay_server.add("/works", b'{"error": "Invalid API key"}', status=401, content_type=JSON)
    point_at(library, replay_server, monkeypatch)
    monkeypatch.setenv("GAPSCOPE_OPENALEX_API_KEY", "k" * 24)
    world = OpenAlexCheck.open(library, 2)
    notices: list[str] = []
    listed = concept_gaps(cs, dates, top=10, min_support=3, paper_vecs=pv, plausible_min=0.0, world=world,
                          notices=notices)
    assert world.checked == 1 and "refused the key" in world.stopped
    assert len([p for p, *_ in replay_server.log if p == "/works"]) == 1
    assert listed and all(g.details["openalex"]["works"] is None for g in listed)
    assert not any("k" * 24 in n for n in notices)            # the key is never shown
    assert any("the check stopped: OpenAlex refused the key" in n for n in notices)


def test_check_cancels_before_asking(library, replay_server, monkeypatch):
    from gapscope.gaps.candidates import concept_gaps
    from gapscope.gaps.world_check import OpenAlexCheck
    from gapscope.jobs import CancelToken, Cancelled

    cs, dates, pv = constructed_graph(seed=2)
    _serve(replay_server, {}, asked := [])
    point_at(library, replay_server, monkeypatch)
    token = CancelToken()
    token.cancel()
    world = OpenAlexCheck.open(library, 2, cancel=token)
    with pytest.raises(Cancelled):
        concept_gaps(cs, dates, top=10, min_support=3, paper_vecs=pv, plausible_min=0.0, world=world, cancel=token)
    assert asked == [] and world.checked == 0


def test_setting_is_off_by_default_and_the_command_line_wins(library, monkeypatch):
    from gapscope import settings
    from gapscope.gaps.find import _world

    monkeypatch.delenv("GAPSCOPE_GAPS_OPENALEX_MIN", raising=False)
    assert settings.get("gaps_openalex_min", library) == 0 and _world(library, {}, None) is None
    library.set_setting("gaps.openalex_min", 40)
    assert _world(library, {}, None).min_works == 40
    settings.set_command_line("gaps_openalex_min", 0)
    try:
        assert _world(library, {}, None) is None              # `gaps find --openalex 0`: offline
    finally:
        settings.set_command_line("gaps_openalex_min", None)


def test_no_answer_at_all_stops_the_check_after_one_pair(library, monkeypatch):
    """Offline (nothing listens at the endpoint): one pair is tried, with few retries, then the check stops."""
    import socket

    from gapscope.gaps.world_check import RETRIES, OpenAlexCheck

    with socket.socket() as s:                                # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("GAPSCOPE_OPENALEX_URL", f"http://127.0.0.1:{port}")
    library.set_setting("citations.openalex_interval_s", 0)
    world = OpenAlexCheck.open(library, 20)
    assert world.client.fetcher.max_retries == RETRIES < 5     # not the enrichment's five
    crf, asr = SimpleNamespace(id=1, phrase="CRF"), SimpleNamespace(id=2, phrase="ASR")
    first, second = world.check(crf, asr), world.check(crf, asr)
    assert world.checked == 1 and world.failed == 1 and world.stopped.startswith("OpenAlex stopped answering")
    assert first["works"] is None and second["error"] == world.stopped and not second["established"]


def test_an_answer_that_is_no_works_list_leaves_its_pair_unchecked_and_the_next_is_asked(library, replay_server,
                                                                                        monkeypatch, pages):
    from gapscope.gaps.candidates import concept_gaps
    from gapscope.gaps.world_check import OpenAlexCheck, pair_query

    cs, dates, pv = constructed_graph(seed=2)
    listed = concept_gaps(cs, dates, top=10, min_support=3, paper_vecs=pv, plausible_min=0.0)
    (m0, p0), (m1, p1) = _pair(listed[0]), _pair(listed[1])
    _, one = pages
    no_count = {"results": one["results"]}                    # the recorded list without its meta: no count
    _serve(replay_server, {pair_query([m0], [p0]): no_count, pair_query([m1], [p1]): one}, asked := [])
    point_at(library, replay_server, monkeypatch)
    world = OpenAlexCheck.open(library, 2)
    again = concept_gaps(cs, dates, top=10, min_support=3, paper_vecs=pv, plausible_min=0.0, world=world)
    by_pair = {_pair(g): g.details["openalex"] for g in again}
    assert by_pair[(m0, p0)]["works"] is None and "not a works list" in by_pair[(m0, p0)]["error"]
    assert by_pair[(m1, p1)]["works"] == 1 and asked[:2] == [pair_query([m0], [p0]), pair_query([m1], [p1])]


def test_no_answer_after_the_retries_stops_the_check(library, replay_server, monkeypatch):
    """A server that keeps answering 503 (down, or rate limited): given up after the retries, as enrichment does."""
    from gapscope.gaps.world_check import RETRIES, OpenAlexCheck

    replay_server.add("/works", b'{"error": "unavailable"}', status=503, content_type=JSON)
    point_at(library, replay_server, monkeypatch)
    world = OpenAlexCheck.open(library, 20)
    crf, asr = SimpleNamespace(id=1, phrase="CRF"), SimpleNamespace(id=2, phrase="ASR")
    world.check(crf, asr)
    world.check(crf, asr)
    assert world.checked == 1 and world.stopped.startswith("OpenAlex stopped answering")
    assert len([p for p, *_ in replay_server.log if p == "/works"]) == RETRIES + 1


def test_a_key_in_a_redirected_portal_address_is_masked_too():
    from gapscope.citations.sources import _shown

    assert _shown("https://api.openalex.org/works?api_key=SECRETKEY12345678&x=1") == \
        "https://api.openalex.org/works?api_key=***&x=1"
    shown = _shown("http://portal.example/login?next=https%3A%2F%2Fapi.openalex.org%2Fworks%3FAPI_KEY%3DSECRETKEY12345678")
    assert "SECRETKEY" not in shown
