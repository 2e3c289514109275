"""`gapscope analyze` on a fresh library of the first N papers of the arXiv cs snapshot file, then a second
run that should do nothing: wall time of each, what each step did, and the progress lines it printed
with no terminal (stderr is a pipe, as in a log or CI).

    nice python benchmarks/bench_analyze.py [--n 2000] [--out benchmarks/results/analyze]

Each run is the `gapscope` CLI in a fresh process (model load included), the way a user runs it.
Writes analyze.txt (the summary: stdout of each run, the step report) and run1-stderr.txt /
run2-stderr.txt (the progress lines each run printed).
"""

from __future__ import annotations

import argparse
import gzip
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = "arxiv/arxiv-cs-2025-2026.jsonl.gz"


def shared_data() -> Path:
    return Path(os.environ.get("GAPSCOPE_SHARED_DATA", ROOT.parent / "shared" / "data"))


def cli(lib: Path, *args: str) -> tuple[float, subprocess.CompletedProcess]:
    env = dict(os.environ, PYTHONPATH=f"{ROOT / 'core'}{os.pathsep}{ROOT / 'desktop'}", HF_HUB_OFFLINE="1")
    t0 = time.perf_counter()
    # stdin/stdout/stderr are pipes: no TTY, so the CLI prints plain progress lines
    out = subprocess.run([sys.executable, "-m", "gapscope", "--library", str(lib), *args], env=env,
                         capture_output=True, text=True, stdin=subprocess.DEVNULL)
    return time.perf_counter() - t0, out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "analyze"))
    args = ap.parse_args()
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    lines = [f"command: {' '.join([Path(sys.executable).name, *sys.argv])}",
             f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start"]
    with tempfile.TemporaryDirectory() as tmp:
        head = Path(tmp) / f"arxiv-cs-first{args.n}.jsonl"
        with gzip.open(shared_data() / SOURCE, "rt", encoding="utf-8") as src, head.open("w", encoding="utf-8") as dst:
            for i, line in enumerate(src):
                if i == args.n:
                    break
                dst.write(line)
        lib = Path(tmp) / "bench.gapscope"
        t, imp = cli(lib, "import", str(head))
        assert imp.returncode == 0, imp.stderr
        lines.append(f"library: the first {args.n:,} lines of {SOURCE}; import {t:.1f} s: {imp.stdout.strip()}")
        for run in (1, 2):
            # no --json: the report goes to stdout and the progress to stderr, both pipes (no TTY)
            t, res = cli(lib, "analyze")
            progress = [ln for ln in res.stderr.splitlines() if ln.strip()]
            (out_dir / f"run{run}-stderr.txt").write_text("\n".join(progress) + "\n", encoding="utf-8")
            # count on the raw stream: splitlines() would split at the carriage returns it looks for
            escapes = res.stderr.count("\r") + res.stderr.count("\x1b")
            lines.append(f"\nrun {run}: {t:.1f} s wall, exit {res.returncode}")
            lines += ["  " + ln for ln in res.stdout.splitlines()]
            lines.append(f"  stderr (no TTY): {len(progress)} lines, {escapes} carriage returns or escapes;"
                         f" first and last: {progress[:1]} {progress[-1:]}")
            if res.returncode != 0:
                lines.append(res.stderr[-3000:])
                break
    lines.append(f"\nmachine load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (shared)")
    text = "\n".join(lines) + "\n"
    (out_dir / "analyze.txt").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
