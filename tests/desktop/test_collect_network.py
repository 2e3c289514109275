"""Collect from arXiv and Google Scholar through the dialog, against the loopback server that replays
the recorded responses (tests/replay_server.py): progress, the result, and a block page reported with
what was kept. No test reaches the internet."""

from __future__ import annotations

import pytest

pytest.importorskip("gapscope.collect")
replay = pytest.importorskip("tests.replay_server")

from .conftest import run_recording_progress  # noqa: E402 - after the skips
replay_server = replay.replay_server  # the fixture

GEOMAP = ("fixtures", "google-scholar-html", "geomap_2020")


@pytest.fixture
def net(window, replay_server, monkeypatch):
    monkeypatch.setenv("GAPSCOPE_ARXIV_URL", replay_server.url + "/api/query")
    monkeypatch.setenv("GAPSCOPE_SCHOLAR_URL", replay_server.url)
    from .library_data import write_aside

    def fast(lib):
        for key, value in (("collect.arxiv_interval_s", 0), ("collect.scholar_interval_s", 0),
                           ("collect.timeout_s", 0.5), ("collect.arxiv_page_size", 10)):
            lib.set_setting(key, value)

    write_aside(window.lib.path, fast)
    return replay_server


def _run(window, qtbot, source, query, limit):
    from gapscope_desktop.dialogs.collect_dialog import CollectDialog

    dlg = CollectDialog(window.tasks, window.lib.path, source=source, parent=window)
    qtbot.addWidget(dlg)
    dlg.collected.connect(lambda _r: window.refresh_all())
    dlg.query.setText(query)
    dlg.limit.setValue(limit)
    task = dlg.start()
    assert task is not None
    qtbot.waitUntil(lambda: task.done, timeout=60000)
    return dlg, task


def test_collect_from_arxiv_adds_the_recorded_papers(window, qtbot, net, shared_data):
    net.add_arxiv_fixtures(shared_data / "fixtures" / "arxiv-api-atom" / "arxivpy_fixtures_json")
    before = window.lib.count_papers()
    dlg, task = _run(window, qtbot, "arxiv", "testing", 30)
    assert task.outcome == "succeeded", task.error
    added = dlg.report.added
    assert added > 0 and window.lib.count_papers() == before + added
    assert f"added {added:,}" in dlg.status.text()
    qtbot.waitUntil(lambda: window.library_view.model.rowCount() == before + added, timeout=10000)


def test_a_scholar_block_page_is_reported_with_what_was_kept(window, qtbot, net, shared_data):
    html = shared_data.joinpath(*GEOMAP, "scholar_search_results.html").read_bytes()
    net.add("/scholar", html, match={"q": None}, content_type="text/html; charset=ISO-8859-1")
    net.inject("block", match={"start": "10"},
               body=shared_data.joinpath(*GEOMAP, "scholar_search_results2.html").read_bytes())
    before = window.lib.count_papers()
    dlg, task = _run(window, qtbot, "scholar", "Geology of the Olympus Range", 50)
    assert task.outcome == "failed" and task.error_type == "CollectBlocked"
    text = dlg.status.text()
    assert "Blocked by the source" in text and "Kept in the library" in text
    kept = window.lib.count_papers() - before
    assert kept > 0 and f"{kept:,} added" in text
    assert dlg.start_button.isEnabled() and dlg.cancel_button.text() == "Close"


def test_offline_each_retry_shows_in_the_status_and_the_failure_says_why_in_seconds(window, qtbot, net, monkeypatch):
    """No network: the status shows the retry as it happens; the collect gives up after two quick tries
    with the host and the cause (a *.invalid name never resolves), and says nothing is lost."""
    from gapscope.sources import polite
    from gapscope_desktop.dialogs.collect_dialog import CollectDialog

    monkeypatch.setenv("GAPSCOPE_ARXIV_URL", "http://export.arxiv.invalid/api/query")
    monkeypatch.setattr(polite, "QUICK_RECHECK_S", 0.0)
    dlg = CollectDialog(window.tasks, window.lib.path, source="arxiv", parent=window)
    qtbot.addWidget(dlg)
    shown = []
    show = dlg._progress
    dlg._progress = lambda done, total, message: (show(done, total, message), shown.append(dlg.status.text()))
    dlg.query.setText("abs:nerf")
    task = dlg.start()
    qtbot.waitUntil(lambda: task.done, timeout=60000)
    assert task.outcome == "failed"
    assert "export.arxiv.invalid: cannot connect (name not resolved); try 2 of 6" in " ".join(shown)
    text = dlg.status.text()
    assert "export.arxiv.invalid cannot be reached (name not resolved" in text and "Nothing is lost" in text


def test_a_scholar_collect_shows_the_arxiv_abstract_lookups_in_its_progress(window, qtbot, net, shared_data):
    """After the Scholar pages, the snippets are looked up on arXiv by title (3 s each against arXiv):
    the dialog's bar and status follow them; the last report is the full bar with what was found."""
    from gapscope_desktop.dialogs.collect_dialog import CollectDialog

    folder = shared_data / "fixtures" / "arxiv-api-atom"
    net.add_arxiv_feed(next((folder / "arxivpy_xml").glob("id_0000.0000_*.xml")),    # every title: nothing found
                       {"search_query": lambda q: q.startswith("ti:")})
    net.add("/scholar", shared_data.joinpath(*GEOMAP, "scholar_search_results.html").read_bytes(), match={"q": None},
            content_type="text/html; charset=ISO-8859-1")
    dlg = CollectDialog(window.tasks, window.lib.path, source="scholar", parent=window)
    qtbot.addWidget(dlg)
    dlg.query.setText("Geology of the Olympus Range")
    dlg.limit.setValue(10)
    task, seen = run_recording_progress(dlg, qtbot, lambda d: (d.bar.maximum(), d.status.text()))
    assert task.outcome == "succeeded", task.error
    lookups = [s for s in seen if s[2].startswith("arXiv abstracts: ")]
    assert lookups, seen
    done, total, message, maximum, status = lookups[-1]
    assert done == total == maximum > 0 and "0 found" in message and "arXiv abstracts" in status
