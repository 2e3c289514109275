"""A screening session killed between decisions loses nothing it had acknowledged."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from gapscope.store import Library
from gapscope.store.library import now_iso
from gapscope.triage import current_decisions, decision_log

ROOT = Path(__file__).resolve().parents[2]

# The child screens through the public API: each decision or note is acknowledged on stdout only
# after the call returned (i.e. after its own commit). It never ends by itself.
CHILD = textwrap.dedent("""
    import itertools, sys
    from gapscope.store import Library
    from gapscope.triage import TriageSession, add_note
    lib = Library(sys.argv[1])
    session = TriageSession(lib, use_embeddings=False)
    for k in itertools.count():
        batch = session.queue(n=1)
        if not batch:
            batch = [{"paper_id": session.paper_ids[k % len(session.paper_ids)]}]
        pid = batch[0]["paper_id"]
        decision = ("include", "exclude", "maybe")[k % 3]
        session.decide(pid, decision, reason="off topic" if decision == "exclude" else None)
        print("decided", pid, decision, flush=True)
        nid = add_note(lib, pid, f"note {k}")
        print("noted", pid, nid, flush=True)
""")


def _fill(lib, n=60):
    with lib.transaction() as conn:
        for i in range(n):
            conn.execute("INSERT INTO papers (title, abstract, norm_title, added_at) VALUES (?, ?, ?, ?)",
                         (f"Paper {i} on {'graphs' if i % 2 else 'proteins'}",
                          f"We study {'graph neural networks' if i % 2 else 'protein folding'} in setting {i}.",
                          f"paper {i}", now_iso()))


def test_killed_between_decisions_keeps_every_acknowledged_decision_and_note(tmp_path):
    path = tmp_path / "lib.sqlite"
    lib = Library(path)
    _fill(lib)
    lib.close()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "core"), os.environ.get("PYTHONPATH", "")]),
               GAPSCOPE_TRIAGE_CACHE=str(tmp_path / "cache"))
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(path)], stdout=subprocess.PIPE, text=True, env=env)
    acked_decisions, acked_notes = [], []
    try:
        for line in proc.stdout:
            kind, pid, rest = line.split()
            if kind == "decided":
                acked_decisions.append((int(pid), rest))
            else:
                acked_notes.append((int(pid), int(rest)))
            if len(acked_decisions) >= 12 and kind == "decided":
                proc.send_signal(signal.SIGKILL)  # mid-way: the child is already on its next step
                break
    finally:
        proc.kill()
        proc.wait(timeout=30)
        proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL

    lib = Library(path)
    try:
        assert lib._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        log = decision_log(lib)
        logged = [(d["paper_id"], d["decision"]) for d in log]
        assert logged[:len(acked_decisions)] == acked_decisions
        assert all(d["decided_at"] for d in log)
        current = current_decisions(lib)
        for pid, decision in acked_decisions:
            assert current[pid]["decision"] == decision
        for pid, nid in acked_notes:
            assert nid in {n["id"] for n in lib.notes_of(pid)}
        assert len(acked_notes) >= 11
        reasons = {d["reason"] for d in log if d["decision"] == "exclude"}
        assert reasons == {"off topic"}
    finally:
        lib.close()


def test_cli_decisions_survive_a_kill(tmp_path):
    """The same through `gapscope triage decide` / `annotate note`: each command commits before it exits;
    a command killed while starting up leaves the earlier ones intact."""
    path = tmp_path / "lib.sqlite"
    lib = Library(path)
    _fill(lib, 10)
    lib.close()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "core"), os.environ.get("PYTHONPATH", "")]))
    run = lambda *args: subprocess.run([sys.executable, "-m", "gapscope", "-L", str(path), *args],  # noqa: E731
                                       env=env, capture_output=True, text=True, timeout=120)
    assert run("triage", "decide", "1", "include").returncode == 0
    assert run("triage", "decide", "2", "exclude", "--reason", "duplicate").returncode == 0
    assert run("annotate", "note", "1", "key", "paper").returncode == 0
    victim = subprocess.Popen([sys.executable, "-m", "gapscope", "-L", str(path), "triage", "decide", "3", "include"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    lib = Library(path)
    try:
        cur = current_decisions(lib)
        assert cur[1]["decision"] == "include" and cur[2] == {**cur[2], "decision": "exclude", "reason": "duplicate"}
        assert [n["body"] for n in lib.notes_of(1)] == ["key paper"]
        assert set(cur) <= {1, 2, 3}
    finally:
        lib.close()
