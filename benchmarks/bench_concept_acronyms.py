"""Every acronym concept of a library (concepts/acronyms.py): how many papers name it and how many define
it, its expansions with the number of papers giving each (and, under an ambiguous one or with --papers,
their ids), and the verdict (defined / ambiguous / undefined), then totals. Reads the library only.

usage:
  python benchmarks/bench_concept_acronyms.py --library L [--batch 1] [--papers] [--out FILE]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "core"))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--library", required=True)
    ap.add_argument("--batch", type=int, default=None, help="concept batch (default: the latest)")
    ap.add_argument("--out", help="also write the listing here")
    ap.add_argument("--papers", action="store_true",
                    help="under every acronym the papers giving each expansion (by default under the ambiguous ones)")
    args = ap.parse_args(argv)

    from gapscope.concepts import load_concept_set
    from gapscope.concepts.acronyms import AMBIGUOUS, DEFINED, MAJORITY, MIN_DEFINING, UNDEFINED, library_acronyms
    from gapscope.store.library import Library

    lib = Library(args.library, create=False)
    cs = load_concept_set(lib, args.batch)
    t0 = time.perf_counter()
    readings = library_acronyms(lib, cs.concepts)
    took = time.perf_counter() - t0
    kinds = {c.id: c.kind for c in cs.concepts}
    lines = [f"$ python benchmarks/bench_concept_acronyms.py --library {args.library}"
             + (f" --batch {args.batch}" if args.batch is not None else ""),
             f"concept batch {cs.batch}: {len(cs.concepts)} concepts, {len(readings)} acronyms "
             f"(read in {took:.1f} s); ambiguous: >= {MIN_DEFINING} defining papers and no expansion given by "
             f">= {MAJORITY:.2f} of them", ""]
    order = {AMBIGUOUS: 0, DEFINED: 1, UNDEFINED: 2}
    for cid, r in sorted(readings.items(), key=lambda x: (order[x[1].verdict], -x[1].papers, x[1].phrase)):
        exps = "; ".join(f"{e} ({n})" for e, n in r.expansions) or "-"
        lines.append(f"{r.verdict:<9} {kinds[cid]:<7} {r.phrase:<10} papers {r.papers:>4}  defining {r.defining:>3}  "
                     f"{exps}")
        if args.papers or r.verdict == AMBIGUOUS:
            for (e, _), pids in zip(r.expansions, r.defined_by):
                lines.append(f"{'':<29}{e}: papers {', '.join(str(p) for p in pids)}")
    v = Counter(r.verdict for r in readings.values())
    weighted = Counter()
    for r in readings.values():
        weighted[r.verdict] += r.papers
    lines += ["", f"totals: {len(readings)} acronym concepts: {v[DEFINED]} defined, {v[AMBIGUOUS]} ambiguous, "
                  f"{v[UNDEFINED]} undefined (no expansion given by 2+ papers naming it)",
              f"papers naming them: defined {weighted[DEFINED]}, ambiguous {weighted[AMBIGUOUS]}, "
              f"undefined {weighted[UNDEFINED]}",
              f"defining papers: {sum(r.defining for r in readings.values())} of "
              f"{sum(r.papers for r in readings.values())} (paper, acronym) namings"]
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
