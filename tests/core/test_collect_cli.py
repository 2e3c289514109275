"""`gapscope collect` and `gapscope settings` against the loopback replay server."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from gapscope.cli import main
from gapscope.commands.common import EXIT_BLOCKED, EXIT_PARTIAL


@pytest.fixture
def run(tmp_path):
    path = str(tmp_path / "lib.sqlite")
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, ["--library", path, *args], catch_exceptions=False)

    assert invoke("init").exit_code == 0
    for key in ("collect.arxiv_interval_s", "collect.scholar_interval_s"):
        assert invoke("settings", "set", key, "0").exit_code == 0
    return invoke


def report(result) -> dict:
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_collect_arxiv_from_the_env_url_twice_adds_nothing_the_second_time(run, arxiv_server):
    first = run("collect", "arxiv", "testing", "--max", "60", "--page-size", "10", "--json")
    assert first.exit_code == 0, first.output
    r1 = report(first)
    assert r1["added"] == 60 and r1["pages"] == 6
    second = run("collect", "arxiv", "testing", "--max", "60", "--page-size", "10", "--json")
    r2 = report(second)
    assert second.exit_code == 0 and r2["added"] == 0 and r2["unchanged"] == 60
    log = run("collect", "log", "--json")
    assert [e["added"] for e in json.loads(log.stdout)] == [0, 60]


def test_collect_arxiv_into_a_collection_puts_every_paper_found_there(run, arxiv_server, tmp_path):
    from gapscope.store import Library

    first = run("collect", "arxiv", "testing", "--max", "30", "--page-size", "10", "--json")
    assert first.exit_code == 0, first.output
    # a second collect that finds those 30 again and 20 more: all 50 join the collection
    res = run("collect", "arxiv", "testing", "--max", "50", "--page-size", "10", "--restart", "--collection",
              "Testing", "--json")
    assert res.exit_code == 0, res.output
    r = report(res)
    assert r["added"] == 20 and r["unchanged"] == 30
    with Library(tmp_path / "lib.sqlite") as lib:
        assert dict(lib.list_collections()) == {"Testing": 50}
        assert set(lib.list_paper_ids(collection="Testing")) == set(lib.list_paper_ids())


def test_collect_arxiv_from_the_setting_url(run, arxiv_server, monkeypatch):
    monkeypatch.delenv("GAPSCOPE_ARXIV_URL")  # the setting decides now
    assert run("settings", "set", "collect.arxiv_url", arxiv_server.url + "/api/query").exit_code == 0
    res = run("collect", "arxiv", "--ids", "1605.08386,0808.05394", "--page-size", "1", "--json")
    assert res.exit_code == EXIT_PARTIAL  # one id arXiv does not know: named in the report
    r = report(res)
    assert r["added"] == 1 and any("0808.05394" in e for e in r["errors"])
    assert len(arxiv_server.log) == 2


def test_the_request_count_agrees_with_its_noun(run, arxiv_server, replay_server, shared_data, monkeypatch):
    """One request is "1 request", not "1 requests", in the summary and in what a blocked collect kept."""
    res = run("collect", "arxiv", "--ids", "1605.08386")
    assert res.exit_code == 0, res.output
    assert "1 request, 0 retries," in res.stderr
    geo = shared_data / "fixtures" / "google-scholar-html" / "geomap_2020"
    replay_server.add_file("/scholar", geo / "scholar_search_results2.html", match={"q": None}, charset="ISO-8859-1")
    monkeypatch.setenv("GAPSCOPE_SCHOLAR_URL", replay_server.url)
    blocked = run("collect", "scholar", "Olympus Range geology", "--max", "30", "--no-arxiv-fill")
    assert blocked.exit_code == EXIT_BLOCKED and "(1 request)" in blocked.stderr


def test_collect_scholar_block_exits_5_with_a_message_and_keeps_papers(run, replay_server, shared_data, monkeypatch):
    geo = shared_data / "fixtures" / "google-scholar-html" / "geomap_2020"
    replay_server.add_file("/scholar", geo / "scholar_search_results.html", match={"q": None}, charset="ISO-8859-1")
    replay_server.inject("block", match={"start": "10"}, status=403, body=(geo / "citation.html").read_bytes())
    monkeypatch.setenv("GAPSCOPE_SCHOLAR_URL", replay_server.url)
    res = run("collect", "scholar", "Olympus Range geology", "--max", "30", "--no-arxiv-fill")
    assert res.exit_code == EXIT_BLOCKED
    assert "403" in res.stderr and "proxy" in res.stderr and "kept: added 10" in res.stderr
    stats = json.loads(run("stats", "--json").stdout)
    assert stats["papers"] == 10


def test_settings_list_shows_defaults_and_set_values(run):
    run("settings", "set", "collect.proxy", "http://127.0.0.1:3128")
    out = json.loads(run("settings", "list", "--json").stdout)
    assert out["collect.proxy"] == "http://127.0.0.1:3128"
    assert out["collect.arxiv_url"] == "https://export.arxiv.org/api/query"


def test_sigkill_mid_collect_then_the_same_command_resumes_from_the_cursor(tmp_path, arxiv_server):
    """Kill the CLI while it waits for page 4: pages 1-3 are in the library and the cursor; the
    same command again fetches only the pages after them."""
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    from gapscope.store import Library

    root = Path(__file__).resolve().parents[2]
    lib_path = tmp_path / "lib.sqlite"
    lib = Library(lib_path)
    lib.set_setting("collect.arxiv_interval_s", 0)
    lib.close()
    arxiv_server.slow_s = 30  # page 4 hangs until we kill the client
    arxiv_server.inject("timeout", match={"start": "30"})
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(root / "core"), os.environ.get("PYTHONPATH", "")]))
    cmd = [sys.executable, "-m", "gapscope", "--library", str(lib_path), "collect", "arxiv", "testing",
           "--max", "60", "--page-size", "10", "--quiet"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline and not arxiv_server.hits(start="30"):
        time.sleep(0.05)
    assert arxiv_server.hits(start="30"), "the collect never reached page 4"
    time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)

    lib = Library(lib_path)
    assert lib.count_papers() == 30
    lib.close()
    done = subprocess.run(cmd + ["--json"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    rep = json.loads(done.stdout.strip().splitlines()[-1])
    assert rep["resumed"] and rep["added"] == 30 and rep["pages"] == 3
    for start in ("0", "10", "20"):
        assert len(arxiv_server.hits(start=start)) == 1, f"page start={start} fetched again"
    lib = Library(lib_path)
    killed = lib.imports_log()[1]
    assert lib.count_papers() == 60 and killed["status"] == "interrupted" and killed["added"] == 30
    lib.close()
