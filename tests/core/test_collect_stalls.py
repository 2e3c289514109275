"""Issue 17 #8 and #11: a download that trickles in has a deadline, Ctrl-C stops it at once with exit
130 and a 'cancelled' log, and a captive portal's page fails at once with a message that says so.
Everything against the loopback replay server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from gapscope.collect import CollectError, collect_arxiv
from gapscope.store import Library

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([os.path.join(ROOT, "core"), env.get("PYTHONPATH", "")])
    return env


def _library(tmp_path, **settings) -> str:
    path = tmp_path / "lib.sqlite"
    lib = Library(path)
    lib.set_setting("collect.arxiv_interval_s", 0)
    for k, v in settings.items():
        lib.set_setting(f"collect.{k}", v)
    lib.close()
    return str(path)


def _collect(lib_path):
    return subprocess.Popen([sys.executable, "-m", "gapscope", "--library", lib_path, "collect", "arxiv", "testing",
                             "--max", "60", "--page-size", "10", "--quiet"],
                            env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish(proc, guard_s=120):
    """The process's (returncode, stdout, stderr); a process still going after ``guard_s`` (the defect:
    it would go on for hours) is killed and reported as such, so the test fails instead of hanging."""
    try:
        out, err = proc.communicate(timeout=guard_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        return None, out, err
    return proc.returncode, out, err


def test_a_trickling_answer_is_given_up_at_its_deadline(arxiv_server, tmp_path):
    arxiv_server.inject("trickle", times=99, match={"start": "10"})
    lib_path = _library(tmp_path, timeout_s=5, deadline_s=1.5, max_retries=1)
    code, out, err = _finish(_collect(lib_path))
    assert code == 5, (code, err)        # every retry failed: the source stopped answering, as in `enrich`
    assert "did not come whole within 1.5 s" in err
    lib = Library(lib_path)
    assert lib.count_papers() == 10  # the first page is kept
    assert lib.imports_log()[0]["status"] == "failed"
    lib.close()


def test_ctrl_c_stops_a_stalled_download_at_once_with_130(arxiv_server, tmp_path):
    arxiv_server.inject("trickle", times=99, match={"start": "10"})
    lib_path = _library(tmp_path, timeout_s=60)
    proc = _collect(lib_path)
    while not arxiv_server.hits(start="10") and proc.poll() is None:
        time.sleep(0.05)
    time.sleep(0.5)  # the body is trickling in now
    proc.send_signal(signal.SIGINT)  # once
    code, out, err = _finish(proc, guard_s=60)
    assert code == 130, (code, err)
    assert "KeyboardInterrupt" not in err and "Traceback" not in err
    lib = Library(lib_path)
    log = lib.imports_log()[0]
    assert log["status"] == "cancelled" and "cancelled" in log["message"]
    assert lib.count_papers() == 10
    lib.close()


def test_a_captive_portal_page_fails_at_once_and_says_what_it_is(arxiv_server, library):
    library.set_setting("collect.arxiv_interval_s", 0)
    arxiv_server.inject("portal", times=99, match={"start": "10"})
    with pytest.raises(CollectError, match="HTML page titled 'Welcome to Airport Free WiFi', not an arXiv Atom feed") as err:
        collect_arxiv(library, "testing", max_results=60, page_size=10, sleep=lambda s: None)
    # the window shows the same message: no command-line wording
    assert "then try again" in str(err.value) and "command" not in str(err.value)
    assert len(arxiv_server.hits(start="10")) == 1  # not fetched again and again
    assert library.count_papers() == 10
