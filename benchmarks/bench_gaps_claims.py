"""What two gap lists claim about the work that combines each pair: the statements whose count of works doing
both changed, those that count fewer than their own closest-work list calls "about both", and the pairs one
list has and the other lacks (dropped) or ranks 5 or more places lower (demoted).

    gapscope -L A gaps list --limit 50 --json > before.json     # (the list of one `gaps find`)
    gapscope -L B gaps list --limit 50 --json > after.json      # (another, after a change)
    python benchmarks/bench_gaps_claims.py before.json after.json

Reads the statements as they are written ("yet none of them ...", "yet only N abstracts combine them",
"though M [more] abstracts close to the pair are about both by meaning")."""

from __future__ import annotations

import json
import re
import sys


def stated(statement: str) -> tuple[int, int]:
    """(works naming both, works about both by meaning only) as a statement says them."""
    named = 0
    m = re.search(r"yet only (one|\d+) abstracts? combines? them", statement)
    if m:
        named = 1 if m.group(1) == "one" else int(m.group(1))
    m = re.search(r"though (\d+)(?: more)? abstracts? close to the pair", statement)
    return named, int(m.group(1)) if m else 0


def pair(g: dict) -> tuple:
    return (g["type"], (g.get("method") or {}).get("label"), (g.get("problem") or {}).get("label"))


def about_both(g: dict) -> int:
    return sum(1 for x in (g.get("details") or {}).get("closest_work") or [] if x.get("did_both"))


def compare(before: list[dict], after: list[dict]) -> list[str]:
    at_b = {pair(g): (k, g) for k, g in enumerate(before, 1)}
    at_a = {pair(g): (k, g) for k, g in enumerate(after, 1)}
    out, changed = ["rank before/after, id before/after, (naming both, about both by meaning) before -> after"], 0
    for key, (rb, gb) in at_b.items():
        if key not in at_a:
            continue
        ra, ga = at_a[key]
        sb, sa = stated(gb["statement"]), stated(ga["statement"])
        changed += sum(sb) != sum(sa)
        if sb != sa or ra >= rb + 5:
            out.append(f"  {rb:>3} {ra:>3}  #{gb['id']} #{ga['id']}  {sb} -> {sa}  {key[1]} x {key[2]}"
                       + ("  DEMOTED" if ra >= rb + 5 else ""))
    out.append(f"statements whose count of works doing both changed: {changed} of {len(before)}")
    for name, gaps in (("before", before), ("after", after)):
        short = [g["id"] for g in gaps if g["type"] == "method_x_problem" and sum(stated(g["statement"])) < about_both(g)]
        out.append(f"{name}: {len(short)} statements count fewer works doing both than their closest-work list "
                   f"calls about both {short[:12]}")
    out.append("dropped: " + "; ".join(f"#{g['id']} (rank {k}) {p[1]} x {p[2]}" for p, (k, g) in at_b.items()
                                       if p not in at_a))
    out.append("new: " + "; ".join(f"#{g['id']} (rank {k}) {p[1]} x {p[2]}" for p, (k, g) in at_a.items()
                                   if p not in at_b))
    return out


if __name__ == "__main__":
    with open(sys.argv[1]) as b, open(sys.argv[2]) as a:
        print("\n".join(compare(json.load(b), json.load(a))))
