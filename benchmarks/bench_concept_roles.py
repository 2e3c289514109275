"""The problem concepts a gap may not name as its problem: techniques (concepts/pair_rules.techniques, rule 6)
and measures (concepts/quality.metric), on a real library from the papers before DATE (as the backtest sees
them). For every problem concept the backtest can pair (>= 5 papers before DATE, passing the other concept
checks): the papers mentioning it, the share using it as a technique and the share naming it as a problem,
sorted by the technique share, each marked FLAGGED where the rule flags it; then the measures.
Thresholds are read from this list at the validation date 2025-09-01 (benchmarks/results/gaps/README.txt).

usage:
  python benchmarks/bench_concept_roles.py --library L --before 2025-09-01 [--min-mentions 8] [--out FILE]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "core"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--library", required=True)
    ap.add_argument("--before", required=True)
    ap.add_argument("--min-mentions", type=int, default=8, help="list the concepts with this many mentions")
    ap.add_argument("--share", type=float, default=0.15, help="list the concepts with this technique share or more")
    ap.add_argument("--out")
    a = ap.parse_args()

    from gapscope.concepts import load_concept_set
    from gapscope.concepts.pair_rules import (TECHNIQUE_OVER, TECHNIQUE_SHARE, concept_mentions, technique_shares,
                                              techniques)
    from gapscope.concepts.quality import bare_property, metric, model_class, model_name, not_a_concept
    from gapscope.maps.build import paper_dates
    from gapscope.store.library import ReadOnlyLibrary

    lib = ReadOnlyLibrary(a.library, create=False)
    cs, dates = load_concept_set(lib), paper_dates(lib)
    earlier = {int(p) for p, d in dates.items() if d and d < a.before}
    probs = [c for c in cs.concepts if c.kind == "problem" and len(set(c.papers) & earlier) >= 5
             and not_a_concept(c.phrase) is None and not bare_property(c.phrase)
             and not model_name(c.phrase) and not model_class(c.phrase)]
    men = concept_mentions(lib, cs.concepts)
    shares = technique_shares(probs, men, men.as_technique, men.as_task, earlier)
    flag = techniques(probs, men, men.as_technique, men.as_task, earlier)
    rows = sorted(zip(probs, shares, flag), key=lambda r: -(r[1][1] / max(r[1][0], 1)))
    out = [f"library {a.library}: concept batch {cs.batch}; papers before {a.before}; {len(probs)} problem concepts "
           f"with >= 5 papers that pass the other concept checks",
           f"rule 6 (technique as the problem): technique share >= {TECHNIQUE_SHARE} and technique > "
           f"{TECHNIQUE_OVER} x problem; {int(flag.sum())} flagged", "",
           f"flagged ({int(flag.sum())}), by mentions:"]
    for c, (n, t, p), f in sorted((r for r in rows if r[2]), key=lambda r: -r[1][0]):
        out.append(f"  {c.phrase} ({n}: technique {t / n:.2f}, problem {p / n:.2f})")
    out += ["", f"problem concepts with >= {a.min_mentions} mentions and technique share >= {a.share}:",
            "  mentions  technique  problem  concept"]
    for c, (n, t, p), f in rows:
        if n >= a.min_mentions and t / max(n, 1) >= a.share:
            out.append(f"  {n:8d}  {t / n:9.2f}  {p / n:7.2f}  {c.phrase}{'   FLAGGED' if f else ''}")
    mets = sorted((c for c in probs if metric(c.phrase)), key=lambda c: -len(set(c.papers) & earlier))
    out += ["", f"measures as the problem (quality.metric): {len(mets)}",
            "  " + "; ".join(f"{c.phrase} ({len(set(c.papers) & earlier)})" for c in mets)]
    text = "\n".join(out) + "\n"
    if a.out:
        Path(a.out).write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
