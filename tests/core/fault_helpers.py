"""Shared by the fault-injection tests: run a step in a child process and SIGKILL it at a seeded random
point, a child that writes decisions and notes and acknowledges each after its commit, and the checks
every case ends with (the library opens, integrity ok, every acknowledged action is there)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Callable, Optional

ROOT = Path(__file__).resolve().parents[2]


def env(**extra: str) -> dict:
    e = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "core"), os.environ.get("PYTHONPATH", "")]))
    e.update(extra)
    return e


def gapscope(library: Path, *args: str, **kw) -> list[str]:
    return [sys.executable, "-m", "gapscope", "--library", str(library), *args]


# Writes a decision and a note on paper after paper; prints "d LOG_ID PAPER DECISION" / "n NOTE_ID PAPER"
# only after each call returned (its own transaction committed), then one JSON line of lock figures.
WRITER = textwrap.dedent("""
    import json, sys, time
    from gapscope.store import Library
    from gapscope.triage import add_note, decide
    path, n, busy, pause = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
    lib = Library(path, busy_timeout_s=busy)
    ids = lib.list_paper_ids()
    lat = []
    for k in range(n):
        pid = ids[k % len(ids)]
        t = time.perf_counter()
        log_id = decide(lib, pid, ("include", "maybe", "postpone")[k % 3])
        lat.append(time.perf_counter() - t)
        print("d", log_id, pid, flush=True)
        t = time.perf_counter()
        note_id = add_note(lib, pid, f"note {k}")
        lat.append(time.perf_counter() - t)
        print("n", note_id, pid, flush=True)
        time.sleep(pause)
    lat.sort()
    print(json.dumps({"actions": len(lat), "retries": lib.lock_retries, "lock_wait_s": round(lib.lock_wait_s, 3),
                      "p50_ms": round(1000 * lat[len(lat) // 2], 1), "max_ms": round(1000 * lat[-1], 1)}), flush=True)
""")


def writer(library: Path, n: int, *, busy_s: float = 30.0, pause_s: float = 0.0) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", WRITER, str(library), str(n), str(busy_s), str(pause_s)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env())


def read_acks(lines) -> tuple[list[int], list[int], Optional[dict]]:
    decisions, notes, summary = [], [], None
    for line in lines:
        if line.startswith("d "):
            decisions.append(int(line.split()[1]))
        elif line.startswith("n "):
            notes.append(int(line.split()[1]))
        elif line.startswith("{"):
            summary = json.loads(line)
    return decisions, notes, summary


def kill_at_random(cmd: list[str], rng, *, ready: Callable[[], bool] = lambda: True, delay: tuple[float, float],
                   timeout: float = 180, **popen) -> tuple[bool, subprocess.Popen]:
    """Start ``cmd``; once ``ready()`` (polled) wait a seeded random time within ``delay`` and SIGKILL it.
    Returns (killed, process): False when the step finished before its kill time."""
    proc = subprocess.Popen(cmd, env=popen.pop("env", env()), stdout=popen.pop("stdout", subprocess.DEVNULL),
                            stderr=subprocess.PIPE, **popen)
    deadline = time.time() + timeout
    while time.time() < deadline and proc.poll() is None and not ready():
        time.sleep(0.02)
    end = time.time() + rng.uniform(*delay)
    while time.time() < end and proc.poll() is None:
        time.sleep(0.01)
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        return True, proc
    proc.wait(timeout=30)
    return False, proc


def check_library(path: Path, decisions=(), notes=()) -> tuple[bool, int]:
    """The library opens, PRAGMA integrity_check is ok; returns (ok, actions lost) where lost counts the
    acknowledged decision log ids and note ids that are not in the library."""
    from gapscope.store import Library
    from gapscope.triage import decision_log

    lib = Library(path)
    try:
        ok = lib._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        logged = {d["id"] for d in decision_log(lib)}
        stored_notes = {n["id"] for pid in lib.list_paper_ids() for n in lib.notes_of(pid)}
        lost = len(set(decisions) - logged) + len(set(notes) - stored_notes)
        return ok, lost
    finally:
        lib.close()
