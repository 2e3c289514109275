"""SIGTERM (what a process manager, `kill` or a logout sends) stops a long command as Ctrl-C does: after
the batch in hand, with the log saying "cancelled", exit code 130 and the library closed cleanly; before,
the process ended where it stood (exit -15, the import left for the next open to call "interrupted")."""

import signal
import subprocess
import sys

from gapscope.store import Library

from .import_process import arxiv_slice, env as _env, start_import, wait_committed


def test_sigterm_mid_import_stops_after_the_batch_and_says_cancelled(tmp_path, shared_data):
    n_lines = 6000
    part = arxiv_slice(shared_data, tmp_path, n_lines)
    lib_path = tmp_path / "lib.sqlite"
    Library(lib_path).close()
    batch = 250
    proc = start_import(lib_path, part, batch)
    wait_committed(proc, lib_path, 2 * batch)
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
