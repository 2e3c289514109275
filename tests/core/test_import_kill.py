"""Kill the process in the middle of an import: the library opens afterwards and holds exactly the
papers of the committed batches; importing again completes it without doubling anything."""

import os
import signal
import subprocess
import sys

from gapscope.store import Library

from .import_process import arxiv_slice, env as _env, start_import, wait_committed


def test_sigkill_mid_import_keeps_exactly_the_committed_batches(tmp_path, shared_data):
    n_lines = 6000
    part = arxiv_slice(shared_data, tmp_path, n_lines)
    lib_path = tmp_path / "lib.sqlite"
    Library(lib_path).close()
    batch = 250
    proc = start_import(lib_path, part, batch, stdout=subprocess.DEVNULL)
    # Wait until at least two batches are committed, then kill without warning.
    wait_committed(proc, lib_path, 2 * batch)
    assert proc.poll() is None, "the import finished before it could be killed; make the slice larger"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    lib = Library(lib_path)
    count = lib.count_papers()
    log = lib.imports_log()[0]
    assert log["status"] == "interrupted"  # it never got to say it finished; the next open saw its process gone
    assert count == log["added"] == log["read"]  # the counters were committed with their batch
    assert count % batch == 0 and 0 < count < n_lines
    assert lib._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # count(*) of an external-content FTS table reads the papers table; the integrity check with
    # rank 1 compares the index itself with it (a paper missing from the index fails it).
    lib._conn.execute("INSERT INTO papers_fts (papers_fts, rank) VALUES ('integrity-check', 1)")
    assert lib._conn.execute("SELECT count(*) FROM fts_deferred").fetchone()[0] == 0
    last_id, last_title = lib._conn.execute("SELECT id, title FROM papers ORDER BY id DESC LIMIT 1").fetchone()
    phrase = '"' + last_title.replace('"', '""') + '"'
    assert last_id in [h[0] for h in lib.search(phrase)]
    lib.close()

    done = subprocess.run([sys.executable, "-m", "gapscope", "--library", str(lib_path), "import", "--quiet", "--json", str(part)],
                          env=_env(), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    lib = Library(lib_path)
    assert lib.count_papers() == n_lines
    assert lib._conn.execute("SELECT count(*) FROM source_records").fetchone()[0] == n_lines
    # Issue 17 #10: the PRISMA flow counts each record once, however many times it was read.
    from gapscope.reports.data import build_report_data

    prisma = build_report_data(lib).prisma
    assert (prisma.identified, prisma.duplicates_removed, prisma.after_dedup) == (n_lines, 0, n_lines)
    assert [e["status"] for e in lib.imports_log()] == ["done", "interrupted"]
    lib.close()
