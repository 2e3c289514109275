"""What each concept-quality rule (gapscope.concepts.quality, gapscope.concepts.pair_rules) removes on a
real library: the concepts that are not concepts (by reason), the generic ones at the chosen spread
threshold and at its neighbours, the one-thing pairs, the bare properties, the pairs the abstracts already
join and the pairs with one concept inside the other's area, each with the most frequent examples, from the
papers before DATE (as the backtest sees them) or all papers.

usage:
  python benchmarks/bench_concept_quality.py --library L [--before 2025-11-01] [--out FILE]
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "core"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--library", required=True)
    ap.add_argument("--before", default="9999")
    ap.add_argument("--out")
    a = ap.parse_args()

    from gapscope.concepts import load_concept_set
    from gapscope.concepts.pair_rules import TEXT_JOINED_MIN, concept_mentions, joined_in_text
    from gapscope.concepts.quality import (GENERIC_AREAS, GENERIC_MIN_PAPERS, GENERIC_SPREAD, bare_property,
                                           not_a_concept, same_thing)
    from gapscope.gaps.concept_backtest import abstract_vectors
    from gapscope.gaps.linkpred import pair_block
    from gapscope.maps.build import paper_dates
    from gapscope.store import Library

    lib = Library(a.library, create=False)
    cs, dates = load_concept_set(lib), paper_dates(lib)
    blk = pair_block(cs, dates, a.before, paper_vecs=abstract_vectors(lib), mentions=concept_mentions(lib, cs.concepts))
    sel = np.concatenate([blk.m_idx, blk.p_idx])
    n = {int(i): sum(1 for p in cs.concepts[i].papers if (dates.get(p) or "") < a.before) for i in sel}
    out = [f"library {a.library}: {len(cs.concepts)} concepts (batch {cs.batch}); papers before {a.before}; "
           f"{len(sel)} concepts with >= 5 papers ({len(blk.m_idx)} method, {len(blk.p_idx)} problem)", ""]
    by_reason = defaultdict(list)
    for i in sel:
        r = not_a_concept(cs.concepts[i].phrase)
        if r:
            by_reason[r].append(int(i))
    out.append("1. not a concept:")
    for r, ii in sorted(by_reason.items(), key=lambda x: -len(x[1])):
        ii.sort(key=lambda i: -n[i])
        out.append(f"   {r}: {len(ii)} concepts, e.g. " + "; ".join(f"{cs.concepts[i].phrase} ({n[i]})" for i in ii[:25]))
    rest = [int(i) for i in sel if not not_a_concept(cs.concepts[int(i)].phrase)]
    out.append("")
    out.append(f"2. generic: topic spread over {GENERIC_AREAS} areas (k-means of the abstracts) / chance, concepts with "
               f">= {GENERIC_MIN_PAPERS} papers; the rule: spread >= {GENERIC_SPREAD}")
    big = [i for i in rest if n[i] >= GENERIC_MIN_PAPERS]
    for lo, hi in ((0.8, 0.85), (0.85, GENERIC_SPREAD), (GENERIC_SPREAD, 0.95), (0.95, 9)):
        ii = sorted([i for i in big if lo <= blk.spread[i] < hi], key=lambda i: -n[i])
        tag = "removed" if lo >= GENERIC_SPREAD else "kept"
        out.append(f"   spread {lo:.2f}-{min(hi, 9):.2f} ({tag}): {len(ii)} concepts, e.g. "
                   + "; ".join(f"{cs.concepts[i].phrase} ({n[i]})" for i in ii[:30]))
    low = sorted([i for i in big if blk.spread[i] < 0.5], key=lambda i: -n[i])
    out.append(f"   spread < 0.50 (kept): {len(low)} concepts, e.g. " + "; ".join(f"{cs.concepts[i].phrase} ({n[i]})" for i in low[:30]))
    out.append("")
    rare = blk.both <= 0
    same = blk.same & rare
    out.append(f"3. one thing twice: {int(same.sum())} of {int(rare.sum())} unlinked pairs, e.g. (most papers first):")
    mi, pi = np.nonzero(same)
    order = np.argsort(-(np.array([n[int(blk.m_idx[r])] for r in mi]) * np.array([n[int(blk.p_idx[c])] for c in pi])))
    for k in order[:25]:
        m, p = cs.concepts[int(blk.m_idx[mi[k]])], cs.concepts[int(blk.p_idx[pi[k]])]
        why = same_thing([m.phrase, *m.synonyms[:5]], [p.phrase, *p.synonyms[:5]], m.vector, p.vector)
        out.append(f"   {m.phrase} x {p.phrase}: {why}")

    def pairs(mask, title, why=lambda r, c: ""):
        mi, pi = np.nonzero(mask)
        order = np.argsort(-(np.array([n[int(blk.m_idx[r])] for r in mi]) * np.array([n[int(blk.p_idx[c])] for c in pi])))
        out.append(f"{title}: {int(mask.sum())} of {int(rare.sum())} unlinked pairs, e.g. (most papers first):")
        for k in order[:25]:
            m, p = cs.concepts[int(blk.m_idx[mi[k]])], cs.concepts[int(blk.p_idx[pi[k]])]
            out.append(f"   {m.phrase} ({n[int(blk.m_idx[mi[k]])]}) x {p.phrase} ({n[int(blk.p_idx[pi[k]])]}){why(mi[k], pi[k])}")

    out.append("")
    bare = [int(i) for i in sel if bare_property(cs.concepts[int(i)].phrase) and not not_a_concept(cs.concepts[int(i)].phrase)]
    bare.sort(key=lambda i: -n[i])
    out.append(f"4. bare property: {len(bare)} concepts (not counted under 1.), e.g. "
               + "; ".join(f"{cs.concepts[i].phrase} ({n[i]})" for i in bare[:40]))
    out.append("")
    joined = rare & joined_in_text(blk.text_both)
    pairs(joined, f"5. joined in text ({TEXT_JOINED_MIN}+ abstracts before the date mention both)",
          lambda r, c: f": {int(blk.text_both[r, c])} abstracts")
    out.append("")
    pairs(rare & blk.contained & ~joined, "6. one inside the other's area (and not joined in text)")
    ok = blk.quality_pairs() & rare
    out.append("")
    out.append(f"kept: {int(blk.ok_m.sum())} of {len(blk.m_idx)} method and {int(blk.ok_p.sum())} of {len(blk.p_idx)} "
               f"problem concepts; {int(ok.sum())} of {int(rare.sum())} unlinked pairs")
    text = "\n".join(out) + "\n"
    if a.out:
        Path(a.out).write_text(text)
    print(text)


if __name__ == "__main__":
    main()
