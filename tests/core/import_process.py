"""An import run as its own `gapscope` process, stopped partway by a signal (SIGKILL, SIGTERM): the slice
of the arXiv snapshot it reads, the process, and the wait until some batches are committed."""

from __future__ import annotations

import gzip
import os
import sqlite3
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def env() -> dict:
    out = dict(os.environ)
    out["PYTHONPATH"] = os.pathsep.join([os.path.join(ROOT, "core"), out.get("PYTHONPATH", "")])
    return out


def arxiv_slice(shared_data, tmp_path, n_lines: int):
    """The first ``n_lines`` records of the arXiv snapshot, as a file of their own."""
    src = shared_data / "arxiv/arxiv-cs-2025-2026.jsonl.gz"
    part = tmp_path / "part.jsonl.gz"
    with gzip.open(src, "rt", encoding="utf-8") as f, gzip.open(part, "wt", encoding="utf-8") as out:
        for i, line in enumerate(f):
            if i == n_lines:
                break
            out.write(line)
    return part


def start_import(lib_path, part, batch: int, stdout=subprocess.PIPE) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "gapscope", "--library", str(lib_path), "import", "--quiet",
         "--batch-size", str(batch), str(part)],
        env=env(), stdout=stdout, stderr=subprocess.PIPE, text=True,
    )


def wait_committed(proc, lib_path, n: int, timeout: float = 120) -> None:
    """Until the import has committed at least ``n`` papers (or ended, or the time is up)."""
    deadline = time.time() + timeout
    while time.time() < deadline and proc.poll() is None:
        conn = sqlite3.connect(lib_path, timeout=30)
        row = conn.execute("SELECT added FROM imports ORDER BY id DESC LIMIT 1").fetchone()
        conn.close()
        if row and row[0] >= n:
            break
        time.sleep(0.02)
