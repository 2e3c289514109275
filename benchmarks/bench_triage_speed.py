"""Triage's costs on a big library, this code side by side with an earlier revision, in the same run:
the re-ranking the Triage view does after each decision (the kept session's check, the queue, the
statistics with the stopping estimate), the memory of a ranking process, and `gapscope triage next`: again
in the same state, and after a new decision (`triage decide` of the top paper shown, untimed), and `gapscope
triage stats --json`.

    python benchmarks/bench_triage_speed.py --library /path/big.gapscope [--before REV] [--decisions 8]
        [--cli-runs 3] [--out benchmarks/results/triage/triage_speed.txt]

The library is only read: each side screens its own copy (sqlite backup, in a temporary folder), from
the same start: ``--seed-decisions`` papers drawn with a fixed seed, included when they match
``--relevant`` (a full-text search standing in for a reviewer) or every eighth, excluded otherwise.
Each side then decides the top paper of each ranking by the same rule, so as long as both rank alike
they make the same decisions; the script checks that rankings (papers and scores), the stopping
figures and the CLI's output are equal, and says where they are not. ``--before``: a git revision;
its ``core`` is extracted (git archive) and run from there. The features are built once, before the
timings, and given to each side in the form its code reads. Each side runs in a fresh Python process;
the figures are medians.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# The child: one side's ranking loop, printing one JSON object.
CHILD = r'''
import json, resource, sys, time
from pathlib import Path
t0 = time.perf_counter()
from gapscope.store import Library
from gapscope.triage import Scope, SessionCache, decide
lib_path, relevant, decisions = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
lib = Library(lib_path)
wanted = set(lib.list_paper_ids(query=relevant))
cache, steps, rankings = SessionCache(), [], []
for step in range(decisions + 1):
    t = time.perf_counter()
    with cache.session(lib, Scope()) as s:
        t_session = time.perf_counter() - t
        t = time.perf_counter(); q = s.queue(10); t_queue = time.perf_counter() - t
        t = time.perf_counter(); st = s.stats(); t_stats = time.perf_counter() - t
    steps.append({"session": t_session, "queue": t_queue, "stats": t_stats})
    rankings.append({"queue": [(r["paper_id"], r["score"], r["probability"], r["why"]) for r in q],
                     "stopping": st["stopping"], "screened": st["screened"]})
    if step < decisions:
        pid = q[0]["paper_id"]
        decide(lib, pid, "include" if pid in wanted else "exclude")
def status_mb(field):   # Linux: the process's own (anonymous) memory and its mapped file pages, now
    try:
        for line in open("/proc/self/status"):
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
print(json.dumps({"steps": steps, "rankings": rankings, "loads": cache.loads,
                  "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "anon_mb": status_mb("RssAnon"), "file_mb": status_mb("RssFile")}))
'''


def copy_library(src: Path, dest: Path) -> Path:
    """A copy of the library folder's database (the sqlite backup API: safe while others read it)."""
    dest.mkdir(parents=True, exist_ok=True)
    db = src / "library.sqlite" if src.is_dir() else src
    a, b = sqlite3.connect(f"file:{db}?mode=ro", uri=True), sqlite3.connect(dest / "library.sqlite")
    with b:
        a.backup(b)
    a.close(), b.close()
    return dest


def seed(path: Path, code: Path, n: int, relevant: str) -> int:
    """The starting decisions, the same on every copy."""
    script = (
        "import random, sys\nfrom pathlib import Path\nfrom gapscope.store import Library\n"
        "from gapscope.triage import decide\n"
        f"lib = Library(Path({str(path)!r}))\nids = lib.list_paper_ids()\n"
        f"wanted = set(lib.list_paper_ids(query={relevant!r}))\n"
        f"rng = random.Random(1)\nsample = rng.sample(ids, {n})\n"
        "inc = 0\nfor i, pid in enumerate(sample):\n"
        "    d = 'include' if (pid in wanted or i % 8 == 0) else 'exclude'\n    inc += d == 'include'\n"
        "    decide(lib, pid, d)\nprint(inc)\n")
    return int(_run(code, [sys.executable, "-c", script]).strip())


CACHES: dict[str, str] = {}       # the feature cache of each side's code (their forms differ)


def _env(code: Path) -> dict:
    return dict(os.environ, PYTHONPATH=str(code), HF_HUB_OFFLINE="1", GAPSCOPE_TRIAGE_CACHE=CACHES[str(code)])


def share_cache(src: Path, dest: Path) -> None:
    """The cache built by this code, also in the single-.npz form an earlier revision reads (when it is
    in the mapped form: a folder of .npy arrays per key)."""
    import numpy as np
    from scipy import sparse

    dest.mkdir(parents=True, exist_ok=True)
    for folder in src.glob("features-*"):
        if folder.is_dir():
            shape = tuple(int(v) for v in np.load(folder / "shape.npy"))
            m = sparse.csr_matrix(tuple(np.load(folder / f"{p}.npy") for p in ("data", "indices", "indptr")),
                                  shape=shape)
            sparse.save_npz(dest / f"{folder.name}.npz", m, compressed=False)
        else:
            shutil.copy(folder, dest / folder.name)


def _run(code: Path, argv: list[str]) -> str:
    r = subprocess.run(argv, env=_env(code), capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"{' '.join(argv[:3])}... failed:\n{r.stderr[-3000:]}")
    return r.stdout


def extract_core(rev: str, dest: Path) -> Path:
    data = subprocess.run(["git", "archive", rev, "core"], cwd=ROOT, capture_output=True, check=True).stdout
    with tarfile.open(fileobj=BytesIO(data)) as tar:
        tar.extractall(dest, filter="data")
    return dest / "core"


def cli_papers(output: str) -> list:
    """The papers `triage next --json` printed: the list itself, or (with the stopping figures beside them)
    its "papers"."""
    data = json.loads(output)
    return data["papers"] if isinstance(data, dict) else data


def cli_text(output: str) -> str:
    """The papers of a `triage next --json` output as one text, to compare the two sides by."""
    return json.dumps(cli_papers(output), sort_keys=True)


def ratio(before: float, after: float) -> str:
    return f"{before / after:.1f}x" if after > 0 else "-"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--library", required=True, type=Path)
    ap.add_argument("--before", default=None,
                    help="git revision to compare with (default: where this branch left main)")
    ap.add_argument("--decisions", type=int, default=8)
    ap.add_argument("--seed-decisions", type=int, default=600)
    ap.add_argument("--relevant", default="reinforcement learning")
    ap.add_argument("--cli-runs", type=int, default=3)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    lines: list[str] = []

    def say(text: str = "") -> None:
        print(text, flush=True)
        lines.append(text)

    if args.before is None:
        args.before = subprocess.run(["git", "merge-base", "main", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                                     check=True).stdout.strip()[:10]
    rev = subprocess.run(["git", "rev-parse", "--short", args.before], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.strip()
    here = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout.strip()
    say("command: " + " ".join([Path(sys.executable).name, *sys.argv]))
    say(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; before = {args.before} ({rev}), "
        f"after = HEAD ({here}) + working tree")
    tmp = Path(tempfile.mkdtemp(prefix="gapscope-bench-triage-speed-"))
    sides = {"before": extract_core(args.before, tmp / "before"), "after": ROOT / "core"}
    for name, code in sides.items():
        CACHES[str(code)] = str(tmp / f"cache-{name}")
    libs = {}
    for name, code in sides.items():
        libs[name] = copy_library(args.library, tmp / f"{name}.gapscope")
        included = seed(libs[name], code, args.seed_decisions, args.relevant)
    say(f"library: {args.library}; {args.seed_decisions} starting decisions ({included} includes), then "
        f"{args.decisions} decisions, one after each ranking")
    t = time.perf_counter()       # the feature cache, shared by both sides: built once, outside the timings
    _run(sides["after"], [sys.executable, "-c", "from pathlib import Path; from gapscope.store import Library; "
                          "from gapscope.triage import TriageSession; "
                          f"TriageSession(Library(Path({str(libs['after'])!r})))"])
    share_cache(Path(CACHES[str(sides["after"])]), Path(CACHES[str(sides["before"])]))
    say(f"features built once for both sides in {time.perf_counter() - t:.0f} s")

    out = {name: json.loads(_run(code, [sys.executable, "-c", CHILD, str(libs[name]), args.relevant,
                                        str(args.decisions)]))
           for name, code in sides.items()}
    say()
    say("Re-ranking after a decision (the Triage view's kept session), median of the rankings after the first:")
    say(f"{'part':<34}{'before s':>10}{'after s':>10}{'before/after':>14}")
    for part, label in (("session", "session check (papers, texts)"), ("queue", "queue (refit, score, order)"),
                        ("stats", "statistics + stopping estimate"), (None, "whole ranking")):
        med = {}
        for name in sides:
            steps = out[name]["steps"][1:]
            med[name] = statistics.median(sum(s.values()) if part is None else s[part] for s in steps)
        say(f"{label:<34}{med['before']:>10.3f}{med['after']:>10.3f}{ratio(med['before'], med['after']):>14}")
    say(f"first ranking (features loaded from the cache): before {sum(out['before']['steps'][0].values()):.2f} s, "
        f"after {sum(out['after']['steps'][0].values()):.2f} s")
    say(f"peak resident memory of the ranking process: before {out['before']['maxrss_mb']:.0f} MB, "
        f"after {out['after']['maxrss_mb']:.0f} MB")
    if out["after"]["anon_mb"] is not None:
        say("held after the last ranking, its own (anonymous) memory + mapped file pages (shared, reclaimable): "
            + ", ".join(f"{name} {out[name]['anon_mb']:.0f} + {out[name]['file_mb']:.0f} MB" for name in sides))
    same = out["before"]["rankings"] == out["after"]["rankings"]
    say(f"rankings (papers, scores, probabilities) and stopping figures equal at every step: {same}")
    if not same:
        for k, (b, a) in enumerate(zip(out["before"]["rankings"], out["after"]["rankings"])):
            if b != a:
                say(f"  step {k}: first difference\n    before {b}\n    after  {a}")
                break

    say()
    say(f"`gapscope triage next --n 10 --json` (a fresh Python each call), {args.cli_runs} runs per side, "
        f"alternating:")
    times: dict[str, list[float]] = {name: [] for name in sides}
    outputs: dict[str, set[str]] = {name: set() for name in sides}
    for _ in range(args.cli_runs):
        for name, code in sides.items():
            t = time.perf_counter()
            outputs[name].add(cli_text(_run(code, [sys.executable, "-m", "gapscope", "-L", str(libs[name]), "triage",
                                                   "next", "--n", "10", "--json"])))
            times[name].append(time.perf_counter() - t)
    b, a = statistics.median(times["before"]), statistics.median(times["after"])
    say(f"{'triage next (the same state again)':<34}{b:>10.2f}{a:>10.2f}{ratio(b, a):>14}")
    # A new decision before each call (the top paper shown, excluded, untimed): no kept fit applies
    last = {name: min(outputs[name]) for name in sides}
    decided: dict[str, list[float]] = {name: [] for name in sides}
    seen: dict[str, list[str]] = {name: [] for name in sides}
    for _ in range(args.cli_runs):
        for name, code in sides.items():
            top = json.loads(last[name])[0]["paper_id"]
            _run(code, [sys.executable, "-m", "gapscope", "-L", str(libs[name]), "triage", "decide", str(top),
                        "exclude"])
            t = time.perf_counter()
            last[name] = cli_text(_run(code, [sys.executable, "-m", "gapscope", "-L", str(libs[name]), "triage",
                                              "next", "--n", "10", "--json"]))
            decided[name].append(time.perf_counter() - t)
            seen[name].append(last[name])
    b, a = statistics.median(decided["before"]), statistics.median(decided["after"])
    say(f"{'triage next after a decision':<34}{b:>10.2f}{a:>10.2f}{ratio(b, a):>14}")
    stats_t: dict[str, list[float]] = {name: [] for name in sides}
    stops: dict[str, set[str]] = {name: set() for name in sides}
    for _ in range(args.cli_runs):
        for name, code in sides.items():
            t = time.perf_counter()
            out_stats = _run(code, [sys.executable, "-m", "gapscope", "-L", str(libs[name]), "triage", "stats", "--json"])
            stats_t[name].append(time.perf_counter() - t)
            stops[name].add(json.dumps(json.loads(out_stats)["stopping"], sort_keys=True))
    b, a = statistics.median(stats_t["before"]), statistics.median(stats_t["after"])
    say(f"{'triage stats --json':<34}{b:>10.2f}{a:>10.2f}{ratio(b, a):>14}")
    start = {name: [] for name in sides}
    for _ in range(args.cli_runs):
        for name, code in sides.items():
            t = time.perf_counter()
            _run(code, [sys.executable, "-m", "gapscope", "--version"])
            start[name].append(time.perf_counter() - t)
    b, a = statistics.median(start["before"]), statistics.median(start["after"])
    say(f"{'gapscope --version (start-up)':<34}{b:>10.2f}{a:>10.2f}{ratio(b, a):>14}")
    say(f"CLI output (the papers) equal on both sides: {outputs['before'] == outputs['after'] and len(outputs['after']) == 1}"
        f" (the same state), {seen['before'] == seen['after']} (after each decision); "
        f"triage stats' stopping figures equal: {stops['before'] == stops['after'] and len(stops['after']) == 1}")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
