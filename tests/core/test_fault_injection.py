"""Fault injection: SIGKILL at seeded random points of every step, a second writer beside an import, a
read-only library, a full disk (SQLITE_FULL injected with max_page_count), a torn WAL and a truncated
database file. After each: the library opens, integrity_check is ok, every acknowledged decision and
note is there, and running the step again completes it. The table of cases is printed at the end
(and written to $GAPSCOPE_FAULT_TABLE when set)."""

from __future__ import annotations

import gzip
import itertools
import os
import random
import shutil
import sqlite3
import subprocess

import pytest

from gapscope.store import Library, LibraryDamaged

from .fault_helpers import check_library, env, gapscope, kill_at_random, read_acks, writer

pytestmark = pytest.mark.slow
SEED = 17
TABLE: list[tuple[str, int, bool, int, str]] = []   # case, kills, integrity ok, actions lost, note


@pytest.fixture(scope="module", autouse=True)
def fault_table(request):
    yield
    lines = [f"{'case':<40} {'kills':>5} {'integrity':>9} {'lost':>4}  note",
             *(f"{c:<40} {k:>5} {'ok' if ok else 'FAIL':>9} {lost:>4}  {note}" for c, k, ok, lost, note in TABLE)]
    text = "\n".join(lines)
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line("\nfault injection (seed %d):\n%s" % (SEED, text))
    if os.environ.get("GAPSCOPE_FAULT_TABLE"):
        with open(os.environ["GAPSCOPE_FAULT_TABLE"], "a", encoding="utf-8") as f:
            f.write(text + "\n")


def _run(cmd, timeout=600):
    done = subprocess.run(cmd, env=env(), capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, (cmd, done.stderr[-2000:])
    return done


def _write_acked(path, n=6):
    """Decisions and notes committed before the fault: they must all be there after it."""
    p = writer(path, n)
    out, err = p.communicate(timeout=300)
    assert p.returncode == 0, err
    return read_acks(out.splitlines())[:2]


@pytest.fixture(scope="module")
def stages(tmp_path_factory, shared_data):
    """A small real library (80 papers) with decisions and notes acknowledged before any fault."""
    d = tmp_path_factory.mktemp("stages")
    src = d / "papers.jsonl"
    with open(shared_data / "arxiv/kaggle-snapshot-head200.jsonl", encoding="utf-8") as f, \
            open(src, "w", encoding="utf-8") as out:
        out.writelines(itertools.islice(f, 80))
    lib = d / "imported.gapscope"
    _run(gapscope(lib, "import", "--quiet", str(src)))
    return {"imported": lib, "acked": _write_acked(lib)}


def _copy(src, tmp_path, name="case.gapscope"):
    dest = tmp_path / name
    shutil.copytree(src, dest)
    return dest


def _case(name, path, acked, kills, rerun=None, note=""):
    ok, lost = check_library(path, *acked)
    if rerun is not None:
        _run(gapscope(path, *rerun))
        ok2, lost2 = check_library(path, *acked)
        ok, lost = ok and ok2, lost + lost2
    TABLE.append((name, kills, ok, lost, note))
    assert ok and lost == 0


def test_sigkill_through_the_pipeline(stages, tmp_path):
    """facets, embed, map, gaps find in turn on one library: each killed at a seeded random time
    (model loading, encoding or writing), checked, then run again to completion before the next."""
    path = _copy(stages["imported"], tmp_path)
    for step, delay in ((["facets", "-q"], (1.0, 8.0)), (["embed", "-q"], (1.0, 8.0)),
                        (["map", "-q"], (0.5, 5.0)), (["gaps", "find", "-q"], (0.5, 4.0))):
        rng = random.Random(f"{SEED}-{step[0]}")
        killed, _ = kill_at_random(gapscope(path, *step), rng, delay=delay)
        for _ in range(2):   # map and gaps recompute each run: a run that beat its kill time is tried again sooner
            if killed or step[0] in ("facets", "embed"):
                break
            delay = (delay[0] / 2, delay[1] / 2)
            killed, _ = kill_at_random(gapscope(path, *step), rng, delay=delay)
        _case(f"SIGKILL {' '.join(s for s in step if s != '-q')}", path, stages["acked"], int(killed), rerun=step,
              note="" if killed else "finished before its kill time")


def test_sigkill_during_an_import(tmp_path, shared_data, stages):
    rng = random.Random(f"{SEED}-import")
    part = tmp_path / "part.jsonl.gz"
    with gzip.open(shared_data / "arxiv/arxiv-cs-2025-2026.jsonl.gz", "rt", encoding="utf-8") as f, \
            gzip.open(part, "wt", encoding="utf-8") as out:
        out.writelines(itertools.islice(f, 3000))
    path = _copy(stages["imported"], tmp_path)
    db = path / "library.sqlite"

    def one_batch_in():
        conn = sqlite3.connect(db, timeout=30)
        try:
            row = conn.execute("SELECT added FROM imports ORDER BY id DESC LIMIT 1").fetchone()
        finally:
            conn.close()
        return bool(row and row[0] >= 250)

    cmd = gapscope(path, "import", "--quiet", "--batch-size", "250", str(part))
    killed, _ = kill_at_random(cmd, rng, ready=one_batch_in, delay=(0.0, 1.0))
    _case("SIGKILL import", path, stages["acked"], int(killed), rerun=cmd[5:])
    lib = Library(path)
    assert lib.count_papers() == 80 + 3000
    lib.close()


def test_sigkill_during_a_collect(tmp_path, arxiv_server, stages):
    rng = random.Random(f"{SEED}-collect")
    path = _copy(stages["imported"], tmp_path)
    lib = Library(path)
    lib.set_setting("collect.arxiv_interval_s", 0)
    lib.close()
    arxiv_server.slow_s = 0.5                       # every page answers after 0.5 s
    arxiv_server.inject("timeout", times=100)
    cmd = gapscope(path, "collect", "arxiv", "testing", "--max", "60", "--page-size", "10", "--quiet")
    killed, _ = kill_at_random(cmd, rng, ready=lambda: len(arxiv_server.log) >= 1, delay=(0.2, 2.0))
    _case("SIGKILL collect (replay server)", path, stages["acked"], int(killed), rerun=cmd[5:])


def test_sigkill_during_decisions_and_notes(tmp_path, stages):
    rng = random.Random(f"{SEED}-decisions")
    path = _copy(stages["imported"], tmp_path)
    kills, decisions, notes = 0, list(stages["acked"][0]), list(stages["acked"][1])
    for _ in range(3):
        p = writer(path, 10_000)
        lines = []
        target = rng.randint(3, 40)
        for line in p.stdout:
            lines.append(line)
            if len(lines) >= target:
                p.kill()
                break
        p.wait(timeout=30)
        kills += p.returncode == -9
        d, n, _ = read_acks(lines)
        decisions += d
        notes += n
    ok, lost = check_library(path, decisions, notes)
    more = _write_acked(path, 3)                          # writing goes on afterwards
    ok2, lost2 = check_library(path, decisions + more[0], notes + more[1])
    TABLE.append(("SIGKILL decisions + notes", kills, ok and ok2, lost + lost2, f"{len(decisions)} decisions acked"))
    assert ok and ok2 and lost + lost2 == 0 and kills == 3


def test_sigkill_during_an_experiment_run(tmp_path, stages):
    from .fault_helpers import ROOT

    rng = random.Random(f"{SEED}-run")
    path = _copy(stages["imported"], tmp_path)
    spec = str(ROOT / "resources/examples/iris-logistic.toml")
    cmd = gapscope(path, "run", spec, "--quiet", "--runs-dir", str(tmp_path / "runs"))
    killed, _ = kill_at_random(cmd, rng, delay=(1.0, 6.0))
    _case("SIGKILL experiment run", path, stages["acked"], int(killed), rerun=cmd[5:],
          note="" if killed else "finished before its kill time")


def test_a_second_writer_beside_a_long_import_loses_nothing(tmp_path, shared_data, stages):
    """Decisions and notes written while another process imports (each batch holds the write lock):
    every one is stored. With the default busy timeout, and with a 50 ms one that makes the retry
    with backoff do the waiting. The lock figures are printed in the table."""
    part = tmp_path / "part.jsonl.gz"
    with gzip.open(shared_data / "arxiv/arxiv-cs-2025-2026.jsonl.gz", "rt", encoding="utf-8") as f, \
            gzip.open(part, "wt", encoding="utf-8") as out:
        out.writelines(itertools.islice(f, 8000))
    for busy in (30.0, 0.05):
        path = _copy(stages["imported"], tmp_path, f"w{busy}.gapscope")
        imp = subprocess.Popen(gapscope(path, "import", "--quiet", "--batch-size", "2000", str(part)),
                               env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        w = writer(path, 40, busy_s=busy, pause_s=0.05)
        out, err = w.communicate(timeout=600)
        imp.communicate(timeout=600)
        assert w.returncode == 0, err
        assert imp.returncode == 0
        d, n, summary = read_acks(out.splitlines())
        ok, lost = check_library(path, d, n)
        TABLE.append((f"2nd writer beside import (busy {busy:g}s)", 0, ok, lost,
                      f"{summary['actions']} actions, retries {summary['retries']}, waited {summary['lock_wait_s']}s,"
                      f" p50 {summary['p50_ms']}ms, max {summary['max_ms']}ms"))
        assert ok and lost == 0 and len(d) == len(n) == 40


def test_a_full_disk_refuses_the_write_and_keeps_the_rest(tmp_path, stages, monkeypatch):
    from gapscope.store import DiskFull, library_fault
    from gapscope.triage import add_note

    path = _copy(stages["imported"], tmp_path)
    real_connect = Library._connect

    def capped(self, db):
        conn, tables = real_connect(self, db)
        conn.execute(f"PRAGMA max_page_count={conn.execute('PRAGMA page_count').fetchone()[0] + 3}")
        return conn, tables

    monkeypatch.setattr(Library, "_connect", capped)
    lib = Library(path)
    pid = lib.list_paper_ids()[0]
    notes, refused = [], 0
    for k in range(40):
        try:
            notes.append(add_note(lib, pid, f"note {k} " + "x" * 4000))
        except sqlite3.Error as exc:
            assert isinstance(library_fault(exc), DiskFull)
            refused += 1
    lib.close()
    monkeypatch.undo()
    assert refused and notes
    ok, lost = check_library(path, stages["acked"][0], stages["acked"][1] + notes)
    more = _write_acked(path, 2)                            # space again: writing goes on
    ok2, lost2 = check_library(path, more[0], more[1])
    TABLE.append(("full disk (max_page_count)", 0, ok and ok2, lost + lost2, f"{refused} writes refused whole"))
    assert ok and ok2 and lost + lost2 == 0


def test_a_torn_wal_keeps_every_commit_before_the_tear(tmp_path, stages):
    path = _copy(stages["imported"], tmp_path)
    holder = Library(path)              # held open so that the WAL is not checkpointed away at close
    before = _write_acked(path, 4)
    wal = path / "library.sqlite-wal"
    size = wal.stat().st_size
    shutil.copy(wal, tmp_path / "wal")
    shutil.copy(path / "library.sqlite", tmp_path / "db")
    holder.close()
    torn = tmp_path / "torn.gapscope"
    torn.mkdir()
    shutil.copy(tmp_path / "db", torn / "library.sqlite")
    with open(tmp_path / "wal", "rb") as f, open(torn / "library.sqlite-wal", "wb") as g:
        g.write(f.read(size - 1000))    # the last frames cut: a write torn by a power cut
    lib = Library(torn)
    ok = lib._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    lib.close()
    ok2, lost = check_library(torn, stages["acked"][0], stages["acked"][1])
    TABLE.append(("torn -wal (last frames cut)", 0, ok and ok2, lost, "the torn last transaction is dropped"))
    assert ok and ok2 and lost == 0 and before


def test_a_truncated_database_is_refused_as_damaged_not_written(tmp_path, stages):
    path = _copy(stages["imported"], tmp_path)
    Library(path).close()
    db = path / "library.sqlite"
    os.truncate(db, 16384)
    before = db.read_bytes()
    done = subprocess.run(gapscope(path, "annotate", "note", "1", "x"), env=env(), capture_output=True, text=True)
    assert done.returncode == LibraryDamaged.exit_code and "damaged" in done.stderr
    assert db.read_bytes() == before
    TABLE.append(("truncated database file", 0, False, 0, f"refused: exit {done.returncode} 'damaged', file unchanged"))


def test_a_read_only_library_reads_and_refuses_writes(tmp_path, stages):
    from .test_library_faults import _read_only_copy

    folder, prefix = _read_only_copy(stages["imported"])
    try:
        run = lambda *a: subprocess.run([*prefix, *gapscope(folder, *a)], env=env(), capture_output=True,  # noqa: E731
                                        text=True, cwd="/")
        r = run("stats", "--json")
        assert r.returncode == 0, r.stderr
        w = run("triage", "decide", "1", "include")
        assert w.returncode == 13 and "read-only" in w.stderr
        TABLE.append(("read-only library", 0, True, 0, "reads exit 0; a decision: exit 13 'read-only'"))
    finally:
        os.chmod(folder, 0o755)
        shutil.rmtree(folder.parent)
