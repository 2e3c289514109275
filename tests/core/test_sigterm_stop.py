"""SIGTERM (what a process manager, `kill` or a logout sends) stops a long command as Ctrl-C does: after
the batch in hand, with the log saying "cancelled", exit code 130 and the library closed cleanly; before,
the process ended where it stood (exit -15, the import left for the next open to call "interrupted")."""

import gzip
import os
import signal
import sqlite3
import subprocess
import sys
import time

from gapscope.store import Library

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([os.path.join(ROOT, "core"), env.get("PYTHONPATH", "")])
    return env


def test_sigterm_mid_import_stops_after_the_batch_and_says_cancelled(tmp_path, shared_data):
    src = shared_data / "arxiv/arxiv-cs-2025-2026.jsonl.gz"
    part = tmp_path / "part.jsonl.gz"
    n_lines = 6000
    with gzip.open(src, "rt", encoding="utf-8") as f, gzip.open(part, "wt", encoding="utf-8") as out:
        for i, line in enumerate(f):
            if i == n_lines:
                break
            out.write(line)
    lib_path = tmp_path / "lib.sqlite"
    Library(lib_path).close()
    batch = 250
    proc = subprocess.Popen(
        [sys.executable, "-m", "gapscope", "--library", str(lib_path), "import", "--quiet",
         "--batch-size", str(batch), str(part)],
        env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        conn = sqlite3.connect(lib_path, timeout=30)
        row = conn.execute("SELECT added FROM imports ORDER BY id DESC LIMIT 1").fetchone()
        conn.close()
        if row and row[0] >= 2 * batch:
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the import finished before it could be stopped; make the slice larger"
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=120)

    assert proc.returncode == 130, err
    assert "SIGTERM" in err and "cancelled" in out
    assert not (tmp_path / "lib.sqlite-wal").exists()      # closed, not dropped: the WAL was checkpointed
    lib = Library(lib_path)
    log = lib.imports_log()[0]
    assert log["status"] == "cancelled"
    assert lib.count_papers() == log["added"] and 0 < log["added"] < n_lines
    lib.close()

    done = subprocess.run([sys.executable, "-m", "gapscope", "--library", str(lib_path), "import", "--quiet", str(part)],
                          env=_env(), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    lib = Library(lib_path)
    assert lib.count_papers() == n_lines
    assert [e["status"] for e in lib.imports_log()] == ["done", "cancelled"]
    lib.close()
