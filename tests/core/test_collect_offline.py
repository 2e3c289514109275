"""Collecting without a network: each retry is shown as it happens, a host that cannot be reached at all
is given up after two quick tries with a message that says why, and nothing read is lost.

An unresolvable host is a ``*.invalid`` name (RFC 2606: it never resolves); a refused connection is a
closed local port. No test reaches the internet, and no test waits for real."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from gapscope.cli import main
from gapscope.collect import CollectError, collect_arxiv
from gapscope.sources import polite
from gapscope.sources.polite import FetchError, PoliteFetcher

UNRESOLVABLE = "http://export.arxiv.invalid/api/query"
REFUSED = "http://127.0.0.1:9/api/query"


class Waits:
    """An injected sleep: records each wait, waits for nothing."""

    def __init__(self) -> None:
        self.slept: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.slept.append(seconds)


@pytest.mark.parametrize("url, host, cause", [
    (UNRESOLVABLE, "export.arxiv.invalid", "name not resolved"),
    (REFUSED, "127.0.0.1:9", "connection refused")])
def test_an_unreachable_host_is_given_up_after_two_quick_tries_naming_the_host_and_the_cause(url, host, cause):
    waits, lines = Waits(), []
    f = PoliteFetcher(min_interval=0, max_retries=5, backoff_base=3.0, sleep=waits, on_retry=lines.append)
    with pytest.raises(FetchError) as err:
        f.get(url + "?search_query=abs:nerf")
    message = str(err.value)
    assert f.stats.requests == 2, "one quick check after the first failure, then give up"
    assert sum(waits.slept) <= 5, "seconds, not minutes of backoff"
    assert message.startswith(f"{host} cannot be reached ({cause}") and "gave up after 2 quick tries" in message
    assert lines == [f"{host}: cannot connect ({cause}); try 2 of 6 in 2 s…"]


def test_a_rate_limit_still_gets_the_polite_backoff_and_each_retry_is_announced(replay_server):
    replay_server.add("/x", b"ok", match={})
    replay_server.inject("503", times=2)
    waits, lines = Waits(), []
    f = PoliteFetcher(min_interval=0, max_retries=5, backoff_base=3.0, sleep=waits, on_retry=lines.append)
    assert f.get(replay_server.url + "/x").content == b"ok"
    assert f.stats.requests == 3 and len(lines) == 2
    host = replay_server.url.split("//", 1)[1]
    assert re.fullmatch(rf"{re.escape(host)}: HTTP 503; try 2 of 6 in \d+ s…", lines[0])
    assert lines[1].startswith(f"{host}: HTTP 503; try 3 of 6 in ")


def test_offline_collect_shows_each_retry_through_progress_and_says_nothing_is_lost(library, monkeypatch):
    monkeypatch.setenv("GAPSCOPE_ARXIV_URL", UNRESOLVABLE)
    library.set_setting("collect.arxiv_interval_s", 0)
    seen, waits = [], Waits()
    with pytest.raises(CollectError) as err:
        collect_arxiv(library, "abs:nerf", max_results=20, sleep=waits,
                      progress=lambda done, total, message="": seen.append(message))
    message = str(err.value)
    assert seen == ["export.arxiv.invalid: cannot connect (name not resolved); try 2 of 6 in 2 s…"]
    assert "export.arxiv.invalid cannot be reached (name not resolved: no network" in message
    assert "Nothing is lost" in message and "collect again with the same query" in message
    assert sum(waits.slept) <= 5
    assert library.imports_log()[0]["status"] == "failed"


def test_cli_collect_offline_prints_the_retry_as_it_happens_and_gives_up_in_seconds(tmp_path, monkeypatch):
    monkeypatch.setenv("GAPSCOPE_ARXIV_URL", UNRESOLVABLE)
    monkeypatch.setattr(polite, "QUICK_RECHECK_S", 0.0)      # no real waiting in a test
    path = str(tmp_path / "col.gapscope")
    runner = CliRunner()
    assert runner.invoke(main, ["-L", path, "settings", "set", "collect.arxiv_interval_s", "0"]).exit_code == 0
    res = runner.invoke(main, ["-L", path, "collect", "arxiv", "abs:nerf", "--max", "20"])
    assert res.exit_code == 5     # unreachable: as `enrich` ends for the same cause
    lines = res.stderr.splitlines()
    retry = [i for i, line in enumerate(lines) if "cannot connect (name not resolved); try 2 of 6" in line]
    error = [i for i, line in enumerate(lines) if line.startswith("error: ")]
    assert retry and error and retry[0] < error[0], res.stderr
    assert "export.arxiv.invalid cannot be reached (name not resolved" in lines[error[0]]
    assert "Nothing is lost" in lines[error[0]]
    res = runner.invoke(main, ["-L", path, "collect", "arxiv", "abs:nerf", "--max", "20", "--json"])
    assert "gave up after 2 quick tries" in json.loads(res.stdout.strip().splitlines()[-1])["error"]


def test_an_unreachable_host_after_full_backoff_is_not_said_to_be_given_up_quickly(monkeypatch):
    """A host that answered 503 first and then went unreachable was waited for with the full backoff:
    the message counts the tries without calling them quick."""
    import requests

    answers = iter([polite.Response("http://h.test/x", 503, {}, b""),
                    requests.exceptions.ConnectionError(ConnectionRefusedError(111, "Connection refused")),
                    requests.exceptions.ConnectionError(ConnectionRefusedError(111, "Connection refused"))])

    def fetch(self, url):
        answer = next(answers)
        if isinstance(answer, BaseException):
            raise answer
        return answer

    monkeypatch.setattr(PoliteFetcher, "_fetch", fetch)
    f = PoliteFetcher(min_interval=0, max_retries=2, backoff_base=3.0, sleep=Waits())
    with pytest.raises(FetchError) as err:
        f.get("http://h.test/x")
    assert "gave up after 3 tries" in str(err.value) and "quick" not in str(err.value)
    assert "cannot be reached (connection refused" in str(err.value)


def test_a_connection_reset_after_connecting_is_a_failed_connection_not_an_unreachable_host(monkeypatch):
    import requests

    def reset(self, url):
        raise requests.exceptions.ConnectionError(ConnectionResetError(104, "Connection reset by peer"))

    monkeypatch.setattr(PoliteFetcher, "_fetch", reset)
    lines = []
    f = PoliteFetcher(min_interval=0, max_retries=1, backoff_base=3.0, sleep=Waits(), on_retry=lines.append)
    with pytest.raises(FetchError, match=r"gave up after 2 tries: connection failed \(ConnectionError\)"):
        f.get("http://h.test/x")
    assert lines and "cannot connect" not in lines[0] and "connection failed" in lines[0]


def test_offline_collect_and_enrich_end_with_the_same_exit_code(tmp_path, monkeypatch):
    """Network unreachable (every source at a closed loopback port): `collect arxiv`, `collect scholar`,
    `enrich` and `pdf fetch` each stop for that one cause and exit with the one code for it, 5, keeping
    what they have."""
    from gapscope.commands.common import EXIT_BLOCKED

    monkeypatch.setattr(polite, "QUICK_RECHECK_S", 0.0)
    for var in ("GAPSCOPE_ARXIV_URL", "GAPSCOPE_SCHOLAR_URL", "GAPSCOPE_S2_URL", "GAPSCOPE_OPENALEX_URL",
                "GAPSCOPE_ARXIV_PDF_URL"):
        monkeypatch.setenv(var, REFUSED.removesuffix("/api/query"))
    path = str(tmp_path / "offline.gapscope")
    runner = CliRunner()
    for key in ("collect.arxiv_interval_s", "collect.scholar_interval_s", "citations.s2_interval_s",
                "citations.openalex_interval_s"):
        assert runner.invoke(main, ["-L", path, "settings", "set", key, "0"]).exit_code == 0, key
    assert runner.invoke(main, ["-L", path, "settings", "set", "citations.openalex_api_key", "k-0123"]).exit_code == 0
    bib = tmp_path / "one.bib"
    bib.write_text("@article{kitchenham2009,\n  title = {Systematic literature reviews in software engineering -- "
                   "A systematic literature review},\n  author = {Kitchenham, Barbara and Brereton, O. Pearl},\n"
                   "  journal = {Information and Software Technology},\n  year = {2009},\n"
                   "  doi = {10.1016/j.infsof.2008.09.009}\n}\n"
                   "@article{vaswani2017,\n  title = {Attention Is All You Need},\n  author = {Vaswani, Ashish},\n"
                   "  year = {2017},\n  eprint = {1706.03762},\n  archivePrefix = {arXiv}\n}\n", encoding="utf-8")
    assert runner.invoke(main, ["-L", path, "import", str(bib)]).exit_code == 0
    codes = {}
    for name, args in (("collect arxiv", ["collect", "arxiv", "abs:nerf", "--max", "20"]),
                       ("collect scholar", ["collect", "scholar", "systematic review", "--max", "10"]),
                       ("enrich", ["enrich"]), ("pdf fetch", ["pdf", "fetch", "--no-facets"])):
        res = runner.invoke(main, ["-L", path, *args])
        assert "127.0.0.1:9 cannot be reached (connection refused" in res.stderr, (name, res.stderr)
        codes[name] = res.exit_code
    assert codes == {"collect arxiv": EXIT_BLOCKED, "collect scholar": EXIT_BLOCKED, "enrich": EXIT_BLOCKED,
                     "pdf fetch": EXIT_BLOCKED}
