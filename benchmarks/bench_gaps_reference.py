"""`gaps find` with the "already done" check against a reference library (gaps/reference.py) and the
plausibility floor (concepts/pair_rules.py, rule 5; the gaps_plausible_min setting): the top gaps as a
researcher reads them (statement, concepts with their papers, reference co-mentions, evidence counts by
role, why the pair is plausible), the time of the check, and with --unchecked K the first K gaps of the
same ranking with the check's threshold and the plausibility floor out of the way, each with its reference
co-mentions and plausibility (what both thresholds were chosen by reading), and the plausibility of the
pairs the reference shows established (the pairs the field has joined: the floor should keep them).
The gaps are stored in the library (use a copy).

usage:
  python benchmarks/bench_gaps_reference.py --library L --reference R [--top 20] [--unchecked 80] \\
      [--plausible-min 0.75] [--out benchmarks/results/gaps/gaps-cs-10653-reference.txt]
"""

from __future__ import annotations

import argparse
import functools
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "core"))


def _timed(ref):
    """Wrap ref.check to add up its time (the FTS queries on the reference and the lookups of its papers)."""
    spent = [0.0]
    check = ref.check

    def timed(m, p):
        t = time.perf_counter()
        try:
            return check(m, p)
        finally:
            spent[0] += time.perf_counter() - t
    ref.check = timed
    return spent


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--library", required=True)
    ap.add_argument("--reference", required=True)
    ap.add_argument("--top", type=int, default=20)
    ap.add_argument("--unchecked", type=int, default=0)
    ap.add_argument("--plausible-min", type=float, default=None,
                    help="the plausibility floor (default: the gaps_plausible_min setting; 0: none)")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "gaps" / "gaps-cs-10653-reference.txt"))
    a = ap.parse_args()

    from gapscope.commands.maps import ROLE_NAMES
    from gapscope.gaps import candidates, find
    from gapscope.gaps.candidates import plausibility_line
    from gapscope.gaps.reference import ReferenceCorpus
    from gapscope.settings import get, set_command_line
    from gapscope.store import Library
    from gapscope.textfmt import plural

    lib = Library(a.library)
    if a.plausible_min is not None:
        set_command_line("gaps_plausible_min", a.plausible_min)
    floor = get("gaps_plausible_min", lib)
    text = [f"command: python benchmarks/bench_gaps_reference.py --library {a.library} --reference {a.reference} "
            f"--top {a.top} --unchecked {a.unchecked}"
            + (f" --plausible-min {a.plausible_min}" if a.plausible_min is not None else ""),
            f"  (the same as `gapscope -L {a.library} gaps find --reference {a.reference}`, top {a.top} shown)"]
    t = time.perf_counter()
    ref = ReferenceCorpus.open(a.reference)
    text.append(f"library {a.library}: {lib.count_papers()} papers; reference {a.reference}: {ref.n_papers} abstracts, "
                f"opened in {time.perf_counter() - t:.2f} s; a pair is established at >= {ref.min_co_mentions} "
                f"reference abstracts mentioning both; plausibility floor {floor}")
    spent = _timed(ref)
    from gapscope.gaps import closest as closest_mod

    dense = [0.0, 0]
    dense_check = closest_mod.ClosestWork.check

    def timed_dense(self, m, p):
        t = time.perf_counter()
        try:
            return dense_check(self, m, p)
        finally:
            dense[0] += time.perf_counter() - t
            dense[1] += 1
    closest_mod.ClosestWork.check = timed_dense
    notices: list[str] = []
    t = time.perf_counter()
    gaps = find.find_gaps(lib, notices=notices, reference=ref)
    total = time.perf_counter() - t
    text.append(f"gaps find: {len(gaps)} gaps in {total:.1f} s, of which the phrase reference check {spent[0]:.2f} s "
                f"({ref.checked} pairs checked, {len(ref._mentions)} concepts looked up), the paraphrase-aware check "
                f"{dense[0]:.2f} s ({dense[1]} pairs); notices: {notices or 'none'}")
    concept = [g for g in gaps if g.details.get("level") == "concept"][: a.top]
    text.append(f"top {len(concept)} concept gaps as a researcher reads them:")
    for i, g in enumerate(concept, 1):
        d = g.details
        r = d["reference"]
        counts = ", ".join(f"{ROLE_NAMES.get(k, k)} {c}" for k, c in d["evidence_counts"].items()
                           if c and k != "reference")
        text.append(f"{i:>2}. {g.statement}")
        key = ((f", the extractor's {d['method_key_papers']}", f", the extractor's {d['problem_key_papers']}")
               if "method_key_papers" in d else ("", ""))
        text.append(f"    concepts: method \u201c{g.method.label}\u201d ({d['method_papers']} papers{key[0]}), problem "
                    f"\u201c{g.problem.label}\u201d ({d['problem_papers']}{key[1]}); abstracts mentioning both: library "
                    f"{d.get('abstracts_mentioning_both')}, reference {r['co_mentions']}; evidence: {counts}")
        if d.get("plausibility"):
            text.append("    " + plausibility_line(d["plausibility"], g.method.label, g.problem.label))
        for p in r["papers"]:
            where = f"library {p['library_id']:>6}" if p.get("library_id") is not None else f"reference {p['id']:>6}"
            text.append(f"      {where} {p.get('arxiv_id') or '':<11} {p.get('year') or ''}  {p['title'][:95]}")
        cwc = d.get("closest_check")
        if cwc:     # the paraphrase-aware check (gaps/closest.py), when it ran
            text.append(f"    closest existing work: {plural(cwc['done'], 'abstract')} close to the pair about both (established "
                        f"from {cwc['min_done']}; {' + '.join(cwc['sources'])}); the nearest:")
            for p in d.get("closest_work") or []:
                mark = "names both" if p.get("names_both") else "about both" if p["did_both"] else "nearest"
                text.append(f"      {mark:<10} {p['similarity']:.2f} {p['source']:<9} "
                            f"{p.get('arxiv_id') or '':<11} {p.get('year') or ''}  {str(p['title'])[:90]}")
    if a.unchecked:
        est_min = ref.min_co_mentions
        ref.min_co_mentions, ref.checked = 10**9, 0
        set_command_line("gaps_plausible_min", 0.0)
        set_command_line("gaps_closest_min", 0)          # nor the paraphrase-aware check
        find.concept_gaps = functools.partial(candidates.concept_gaps, top=a.unchecked)
        ranked = [g for g in find.find_gaps(lib, reference=ref, save=False) if g.details.get("level") == "concept"]
        text.append("")
        text.append(f"the first {len(ranked)} of the same ranking with no pair left out as established and no "
                    f"plausibility floor (not stored), with each pair's reference co-mentions [abstracts of the "
                    f"reference mentioning the method, the problem] and plausibility (* below the floor {floor}):")
        for i, g in enumerate(ranked, 1):
            d = g.details
            pl = d["plausibility"]["plausibility"]
            text.append(f"{i:>3}. {d['reference']['co_mentions']:>4}  [{len(ref._mentions[g.method.cluster]):>5}, "
                        f"{len(ref._mentions[g.problem.cluster]):>5}]  {pl:.3f}{'*' if pl < floor else ' '} "
                        f"{d['method_concept']} x {d['problem_concept']}")
        est = sorted(g.details["plausibility"]["plausibility"] for g in ranked
                     if g.details["reference"]["co_mentions"] >= est_min)
        new_ = [g.details["plausibility"]["plausibility"] for g in ranked
                if g.details["reference"]["co_mentions"] < est_min]
        if est:
            q = lambda f: est[min(len(est) - 1, int(f * len(est)))]
            text.append(f"established pairs among them (>= {est_min} reference co-mentions): {len(est)}; plausibility "
                        f"2nd / 5th / 10th percentile {q(0.02):.3f} / {q(0.05):.3f} / {q(0.10):.3f}; at or above the "
                        f"floor {floor}: {sum(v >= floor for v in est)} ({sum(v >= floor for v in est) / len(est):.0%})")
        if new_:
            text.append(f"the others (< {est_min}): {len(new_)}, at or above the floor: {sum(v >= floor for v in new_)}")
    ref.close()
    Path(a.out).write_text("\n".join(text) + "\n")
    print("\n".join(text))


if __name__ == "__main__":
    main()
