"""The paraphrase-aware check (core/gapscope/gaps/closest.py, its calibrated defaults) on the concept pairs of
an earlier `gaps find` listing: for each "Apply “M” to “P”" line of FILE, the reference abstracts naming both
(the phrase check) and the abstracts close to the pair about both (the dense check; ESTABLISHED at the count),
with the first two that did both. Read-only on both libraries.

usage:
  python benchmarks/bench_gaps_closest_pairs.py --library L --reference R --listing FILE [--out OUT]
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "core"))
LINE = re.compile(r"^\s*(\d+)\. Apply \u201c([^\u201d]+)\u201d to \u201c([^\u201d]+)\u201d")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--library", required=True)
    ap.add_argument("--reference", required=True)
    ap.add_argument("--listing", required=True)
    ap.add_argument("--out", default=None)
    a = ap.parse_args()

    from gapscope.concepts import load_concept_set
    from gapscope.gaps.closest import open_closest
    from gapscope.gaps.reference import ReferenceCorpus
    from gapscope.store.library import ReadOnlyLibrary

    lib = ReadOnlyLibrary(a.library, create=False)
    ref = ReferenceCorpus.open(a.reference)
    by = {(c.kind, c.phrase): c for c in load_concept_set(lib).concepts}
    cw = open_closest(lib, ref)
    text = [f"command: python benchmarks/bench_gaps_closest_pairs.py --library {a.library} --reference {a.reference} "
            f"--listing {a.listing}", f"parameters: {cw.params}"]
    removed = 0
    for line in Path(a.listing).read_text().splitlines():
        hit = LINE.match(line)
        if not hit:
            continue
        n, m, p = hit.groups()
        M, P = by.get(("method", m)), by.get(("problem", p))
        if M is None or P is None:
            text.append(f"{n:>2} {m} x {p}: concept not in the library's latest batch")
            continue
        r, ph = cw.check(M, P), ref.check(M, P)
        removed += r["established"]
        did = [f"{x['year']} {x.get('arxiv_id') or ''} {str(x['title'])[:70]}" for x in r["closest_work"] if x["did_both"]][:2]
        text.append(f"{n:>2} {m} x {p}: phrase {ph['co_mentions']}, dense {r['done']}"
                    f"{' ESTABLISHED' if r['established'] else ''}  {did}")
    text.append(f"established by the dense check: {removed}")
    ref.close()
    lib.close()
    if a.out:
        Path(a.out).write_text("\n".join(text) + "\n")
    print("\n".join(text))


if __name__ == "__main__":
    main()
