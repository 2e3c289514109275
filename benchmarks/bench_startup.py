"""Startup of the desktop app: seconds from process start to the first painted window, and to the paper
table filled, on a given library (default: a fresh 75k-paper library is NOT built here; pass one).

    python benchmarks/bench_startup.py --library /path/lib.sqlite [--runs 5]

Each run is a fresh `python -m gapscope_desktop.app --startup-time` process (offscreen platform unless a
display is set). Also prints the import time of the modules loaded before the window shows
(`python -X importtime`), to check that torch / faiss / sentence_transformers / pyqtgraph stay out.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("torch", "faiss", "sentence_transformers", "transformers", "sklearn", "pyqtgraph", "matplotlib")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--library", required=True)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    env = dict(os.environ, PYTHONPATH=f"{ROOT / 'core'}{os.pathsep}{ROOT / 'desktop'}")
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    cmd = [sys.executable, "-m", "gapscope_desktop.app", "--startup-time", "--library", args.library]
    print("command:", " ".join(cmd))
    paint, filled, cpu = [], [], []
    for _ in range(args.runs):
        out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120).stdout
        paint.append(float(re.search(r"first painted window: ([\d.]+)", out).group(1)))
        m = re.search(r"filled \(([\d,]+) rows\): ([\d.]+)", out)
        rows = m.group(1)
        filled.append(float(m.group(2)))
        cpu.append(float(re.search(r"cpu seconds to the table filled: ([\d.]+)", out).group(1)))
    print(f"library: {args.library} ({rows} papers), {args.runs} runs")
    print(f"first painted window: median {statistics.median(paint):.3f} s  (min {min(paint):.3f}, max {max(paint):.3f})")
    print(f"paper table filled:   median {statistics.median(filled):.3f} s  (min {min(filled):.3f}, max {max(filled):.3f})")
    print(f"CPU time (user+sys) to filled: median {statistics.median(cpu):.3f} s  (what an idle machine waits)")
    print(f"machine load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print("budget: 2.000 s to a usable window")
    imp = subprocess.run([sys.executable, "-X", "importtime", *cmd[1:]], env=env, capture_output=True, text=True,
                         timeout=120).stderr
    loaded = {line.split("|")[-1].strip().split(".")[0] for line in imp.splitlines() if line.startswith("import time:")}
    heavy = sorted(h for h in HEAVY if h in loaded)
    print("heavy modules imported before the window was usable:", ", ".join(heavy) if heavy else "none")
    return 0


if __name__ == "__main__":
    sys.exit(main())
