"""What the stored top concept gaps say they rest on, checked against the library's own search: for each end,
the papers the statement counts against what `gapscope search` finds for the end's search (or for its phrase,
for gaps found before the search was recorded); the works the statement counts as having combined the pair
(the library's "already did both" papers and the other sources' abstracts in its count) and whether each
names both concepts in its title or abstract (the FTS forms the gap code reads); and the closest-work and
reference papers the library holds that a gap lists as the reference corpus's. Reads only; run it after
`gaps find` (bench_gaps_reference.py stores the gaps in the library).

usage:
  python benchmarks/bench_gaps_members.py --library L --reference R [--top 20] [--out FILE]
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
    ap.add_argument("--reference", required=True)
    ap.add_argument("--top", type=int, default=20)
    ap.add_argument("--out", default=None)
    a = ap.parse_args()

    from gapscope.concepts import load_concept_set
    from gapscope.concepts.members import concept_forms
    from gapscope.gaps import list_gaps
    from gapscope.gaps.reference import ReferenceCorpus
    from gapscope.store import Library
    from gapscope.store.mentions import phrase_query

    lib = Library(a.library, create=False)
    ref = ReferenceCorpus.open(a.reference)
    by_id = load_concept_set(lib).by_id()
    gaps = [g for g in sorted(list_gaps(lib), key=lambda g: -g.score) if (g.details or {}).get("level") == "concept"]
    gaps = gaps[: a.top]

    def names(L, c):
        return L.papers_mentioning({0: concept_forms(c)})[0]

    def held(arxiv_id):
        return lib.paper_with_ids(str(arxiv_id), None) if arxiv_id else None

    text = [f"library {a.library}, reference {a.reference}: the top {len(gaps)} concept gaps stored"]
    ends, agree = {}, 0
    counted = not_both = 0
    from_ref = from_ref_held = 0
    for i, g in enumerate(gaps, 1):
        d = g.details
        m, p = by_id[g.method.cluster], by_id[g.problem.cluster]
        for end, c in (("method", m), ("problem", p)):
            q = d.get(f"{end}_search") or phrase_query(concept_forms(c))
            ends[c.phrase] = (d[f"{end}_papers"], len(lib.search(q, limit=10**6)), q)
        lm, lp, rm, rp = names(lib, m), names(lib, p), names(ref.lib, m), names(ref.lib, p)
        new = any("names_both" in x for x in d.get("closest_work") or [])
        items = [("library", q, lib.get_paper(q).title, q in lm and q in lp) for q, r in g.roles.items() if r == "both"]
        seen = {lib.get_paper(q).arxiv_id for q, r in g.roles.items() if r == "both"}
        for x in d.get("closest_work") or []:
            if x["source"] != "library":
                from_ref += 1
                from_ref_held += held(x.get("arxiv_id")) is not None
            # what the statement's count took from the closest-work check: about both (before), naming both (now)
            if (x.get("names_both") if new else x.get("did_both")) and x["source"] != "library" \
                    and x.get("arxiv_id") not in seen:
                seen.add(x.get("arxiv_id"))
                items.append(("closest", x["id"], x["title"], x["id"] in rm and x["id"] in rp))
        for x in (d.get("reference") or {}).get("papers") or []:
            mine = x.get("library_id") is not None
            from_ref += not mine
            from_ref_held += not mine and held(x.get("arxiv_id")) is not None
            if new and not mine and x.get("arxiv_id") not in seen:      # counted in the statement since
                seen.add(x.get("arxiv_id"))
                items.append(("reference", x["id"], x["title"], x["id"] in rm and x["id"] in rp))
        cb = (d.get("combined_by") or {}).get("count")
        text.append(f"{i:>2}. {m.phrase} x {p.phrase}: counts {d['method_papers']} / {d['problem_papers']}; "
                    f"{cb} said to combine them")
        for src, q, t, ok in items:
            counted += 1
            not_both += not ok
            text.append(f"      {'names both' if ok else 'NOT BOTH  '} {src:<10} {str(t)[:95]}")
    text.append("")
    text.append("each end: the papers the statement counts, those its search finds, the search")
    for phrase, (n, hits, q) in ends.items():
        agree += n == hits
        text.append(f"  {phrase:<36} {n:>5} {hits:>5}  {q}")
    text.append(f"ends whose count is their search's: {agree} of {len(ends)}")
    text.append(f"works counted as having combined a pair: {counted}, naming only one concept or neither: {not_both}")
    text.append(f"closest-work and reference papers listed as the reference's: {from_ref}, of which the library "
                f"holds: {from_ref_held}")
    ref.close()
    out = "\n".join(text) + "\n"
    if a.out:
        Path(a.out).write_text(out, encoding="utf-8")
    print(out)


if __name__ == "__main__":
    main()
