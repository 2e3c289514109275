"""`gapscope triage next` after a decision, this code side by side with an earlier revision in the same run:
the wall time of the command (a fresh process: its imports, the features mapped from the disk cache, a new
fit) and whether it imported scikit-learn's package, scipy.stats and pandas.

    python benchmarks/bench_triage_next_startup.py --library /path/x.gapscope [--before main] [--runs 5]

The library is only read: each side screens its own copy. Each round decides the top paper of each side's
ranking (`triage decide`, untimed: include every third, else exclude), then times `triage next --json` on
both sides, in turn; the script checks that both sides list the same papers with the same scores. A library
whose scope has no include and no exclude yet ranks without a fit: give it a few decisions first (see
docs/triage.md). The figures are medians over the rounds.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_triage_speed import copy_library, extract_core  # noqa: E402  (a sibling script's helpers)

# run in the child before the command: which heavy packages the command imported, said on stderr at exit
PROBE = ("import atexit, sys; atexit.register(lambda: sys.stderr.write('\\nIMPORTED ' + ' '.join("
         "m for m in ('sklearn', 'scipy.stats', 'pandas') if m in sys.modules) + '\\n')); "
         "from gapscope.cli import main; sys.argv[0] = 'gapscope'; main()")


def gapscope(code: Path, cache: Path, lib: Path, *args: str) -> tuple[float, str, str]:
    """(seconds, stdout, the heavy packages imported) of one `gapscope` command run from ``code``."""
    env = dict(os.environ, PYTHONPATH=str(code), GAPSCOPE_TRIAGE_CACHE=str(cache), HF_HUB_OFFLINE="1")
    t = time.perf_counter()
    r = subprocess.run([sys.executable, "-c", PROBE, "-L", str(lib), *args], env=env, capture_output=True,
                       text=True)
    took = time.perf_counter() - t
    if r.returncode:
        raise SystemExit(f"{' '.join(args)} failed ({code}):\n{r.stderr}")
    imported = r.stderr.rsplit("IMPORTED", 1)[-1].strip()
    return took, r.stdout, imported or "none of them"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--library", required=True, type=Path)
    ap.add_argument("--before", default="main", help="git revision to compare with (default: main)")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="gapscope-bench-next-startup-"))
    try:
        sides = {"before": extract_core(args.before, tmp / "before"), "after": ROOT / "core"}
        libs = {s: copy_library(args.library, tmp / f"{s}.gapscope") for s in sides}
        caches = {s: tmp / f"cache-{s}" for s in sides}
        for s, code in sides.items():           # the features, built once per side, outside the timings
            gapscope(code, caches[s], libs[s], "triage", "next", "--json")
        times: dict[str, list[float]] = {s: [] for s in sides}
        imported: dict[str, str] = {}
        for r in range(args.runs):
            shown = {}
            for s, code in sides.items():
                top = json.loads(gapscope(code, caches[s], libs[s], "triage", "next", "--json")[1])
                if not top:
                    raise SystemExit("nothing left to screen: give a larger library")
                decision = "include" if r % 3 == 0 else "exclude"
                gapscope(code, caches[s], libs[s], "triage", "decide", str(top[0]["paper_id"]), decision)
            for s, code in sides.items():
                took, out, imported[s] = gapscope(code, caches[s], libs[s], "triage", "next", "--json", "-n", "5")
                times[s].append(took)
                shown[s] = [(q["paper_id"], q["score"]) for q in json.loads(out)]
            if shown["before"] != shown["after"]:
                print(f"round {r + 1}: the sides rank differently: {shown}")
        print("command: " + " ".join([Path(sys.executable).name, *sys.argv]))
        print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; before = {args.before}")
        print(f"`gapscope triage next --json -n 5` after a decision, median of {args.runs} (s):")
        for s in sides:
            print(f"  {s:<7} {statistics.median(times[s]):6.2f}   runs {' '.join(f'{t:.2f}' for t in times[s])}"
                  f"   imported: {imported[s]}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
