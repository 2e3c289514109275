"""How many drafted specs can say how their gap's problem is evaluated (experiments/draft_protocol.py).

    python benchmarks/bench_draft_protocols.py LIBRARY [--out DIR]

Drafts every gap of LIBRARY (as `gapscope runs draft --gap ID` does) and counts the drafts whose [eval] says
"cannot tell how this problem is evaluated", those where the papers name benchmarks but do not agree on one
(nor on a metric with it), those that name a protocol read from the problem-side papers
("evaluate on <benchmarks> by <metric>"), and those with no placeholder at all. With --out, each draft is
written to DIR/gapID.toml, so that two versions can be compared (diff -r) and the protocols read.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "core")]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("library")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    from gapscope.experiments.draft import draft_spec_from_gap
    from gapscope.gaps import list_gaps
    from gapscope.store import Library

    lib = Library(Path(args.library))
    gaps = list_gaps(lib)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
    counts = {"cannot tell": 0, "disagree": 0, "protocol read": 0, "no placeholder": 0}
    for i, gap in enumerate(gaps, 1):
        text = draft_spec_from_gap(gap.to_dict(), lib=lib)
        counts["cannot tell"] += "cannot tell how this problem is evaluated" in text
        counts["disagree"] += "do not share a benchmark" in text or "too few of the" in text \
            or "but no metric (named" in text
        counts["protocol read"] += "# Protocol the problem-side papers share:" in text
        counts["no placeholder"] += "placeholder = " not in text
        if args.out:
            (args.out / f"gap{gap.id}.toml").write_text(text, encoding="utf-8")
        print(f"\r{i}/{len(gaps)} drafted", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    print(f"{len(gaps)} gaps drafted")
    for k, v in counts.items():
        print(f"  {k:16s} {v}")


if __name__ == "__main__":
    main()
