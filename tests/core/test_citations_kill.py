"""Kill `gapscope enrich` (SIGKILL) in the middle of a paper's citation pages: the library keeps the steps
committed before, the rerun continues from there (nothing fetched twice that was stored) and ends with
exactly what an uninterrupted run stores."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from gapscope.citations.enrich import enrich
from gapscope.store import Library

from .citations_fixtures import MICRO_DOI, MICRO_S2, Recorded, make_library, point_at, serve
from .test_citations_enrich import Sleeps, expected_outside

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_sigkill_mid_enrich_then_rerun_completes_without_doubling(tmp_path, replay_server, shared_data, monkeypatch):
    rec = Recorded(shared_data)
    serve(replay_server, rec)
    path = tmp_path / "lib.gapscope"
    lib = Library(path)
    ids = make_library(lib)
    point_at(lib, replay_server, monkeypatch)
    lib.set_setting("citations.s2_interval_s", 0.15)   # 19 citation pages: about 3 s to kill it in
    lib.close()

    env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.path.join(ROOT, "core"), os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.Popen([sys.executable, "-m", "gapscope", "--library", str(path), "enrich", "--quiet"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    cits = f"/graph/v1/paper/{MICRO_S2}/citations"
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None and len(replay_server.hits(cits)) < 5:
        time.sleep(0.02)
    assert proc.poll() is None, "enrich ended before it could be killed: " + proc.stderr.read().decode()[-2000:]
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    asked = len(replay_server.hits(cits))
    assert 5 <= asked < 19

    lib = Library(path)
    assert lib._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    steps = lib.enrich_steps_of(ids[MICRO_DOI])
    assert steps[("s2", "lookup")]["status"] == "done" and steps[("s2", "references")]["count"] == 44
    assert ("s2", "citations") not in steps                   # its pages were never committed: none stored
    me = lib.work_of_paper(ids[MICRO_DOI])
    assert lib.citation_counts_of(me) == (44, 0)

    rep = enrich(lib, sleep=Sleeps())
    assert not rep.failed and not rep.refused
    assert lib.citation_counts_of(me) == (44, 1873)
    works, papers, edges = lib.count_works()
    assert papers == len(ids) and works - papers == expected_outside(rec)
    # the killed run's committed steps were not fetched again; the citation pages were (all of them)
    assert len(replay_server.hits(f"/graph/v1/paper/DOI:{MICRO_DOI}")) == 1
    assert len(replay_server.hits(f"/graph/v1/paper/{MICRO_S2}/references")) == 2
    assert len(replay_server.hits(cits)) == asked + 19
    lib.close()
