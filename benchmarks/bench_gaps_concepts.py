"""Concept-level gaps on a real library: the backtest side by side (GapScope's ranker against preferential
attachment, common neighbours, Adamic-Adar, popularity and random: ROC-AUC over all candidate pairs and
precision@k) at each cut-off date, and the top gaps as a researcher reads them (statement, concepts,
evidence counts by role). The library needs facets and concepts (`gapscope facets`, `gapscope concepts`)
and, for the topic of each gap, a topic map (`gapscope map --facet topic`).

usage:
  python benchmarks/bench_gaps_concepts.py --library L --before 2025-11-01 --before 2026-01-01 \\
      [--top 20] [--out benchmarks/results/gaps] [--name cs-10653] [--no-find]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "core"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--library", required=True)
    ap.add_argument("--before", action="append", required=True)
    ap.add_argument("--k", type=int, default=20)
    ap.add_argument("--top", type=int, default=20)
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "gaps"))
    ap.add_argument("--name", default="library")
    ap.add_argument("--no-find", action="store_true")
    a = ap.parse_args()

    from gapscope.commands.maps import ROLE_NAMES, side_by_side
    from gapscope.gaps import find_gaps
    from gapscope.gaps.concept_backtest import backtest_concepts
    from gapscope.store import Library

    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    lib = Library(a.library, create=False)
    n = lib.count_papers()
    run = lib.concept_run(lib.latest_concept_batch()) or {}
    head = (f"library {a.library}: {n} papers, facet labels by {', '.join(lib.facet_models_used()) or '?'}; concepts batch {run.get('batch')} ({run.get('params')}); "
            f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    t0 = time.perf_counter()
    res = backtest_concepts(lib, a.before, k=a.k)
    dates = res.get("dates") or [res]
    text = [head, f"backtest ({time.perf_counter() - t0:.1f} s):", side_by_side(dates), ""]
    (out / f"backtest-{a.name}.json").write_text(json.dumps(res, indent=1, default=str))
    if not a.no_find:
        notices: list[str] = []
        t0 = time.perf_counter()
        gaps = find_gaps(lib, notices=notices)
        concept = [g for g in gaps if (g.details or {}).get("level") == "concept"][: a.top]
        text.append(f"gaps find: {len(gaps)} gaps in {time.perf_counter() - t0:.1f} s; notices: {notices or 'none'}")
        text.append(f"top {len(concept)} concept gaps as a researcher reads them:")
        for i, g in enumerate(concept, 1):
            d = g.details
            counts = ", ".join(f"{ROLE_NAMES.get(r, r)} {c}" for r, c in d["evidence_counts"].items() if c)
            topic = (d.get("topic") or {}).get("label", "")
            text.append(f"{i:>2}. {g.statement}")
            text.append(f"    concepts: method \u201c{g.method.label}\u201d ({d['method_papers']} papers), problem "
                        f"\u201c{g.problem.label}\u201d ({d['problem_papers']}); abstracts mentioning both: "
                        f"{d.get('abstracts_mentioning_both')}; topic: {topic}; evidence: {counts}")
        (out / f"gaps-{a.name}.json").write_text(json.dumps([g.to_dict() for g in concept], indent=1, default=str))
    (out / f"gaps-{a.name}.txt").write_text("\n".join(text) + "\n")
    print("\n".join(text))


if __name__ == "__main__":
    main()
