"""Which stated problem concepts the generic-complaint rule (gapscope.gaps.generic_complaints) sets apart from
the unaddressed shortcomings on a real library, and which it keeps: every problem concept that can name a
shortcoming, stated by 5 or more papers and by at least 30% of those naming it, with its stating papers, the
papers naming it, their spread over the library's areas and their subject lift.

usage:
  python benchmarks/bench_generic_complaints.py --library L [--out FILE]
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
    ap.add_argument("--out")
    a = ap.parse_args()

    from gapscope.concepts import load_concept_set
    from gapscope.concepts.pair_rules import concept_mentions
    from gapscope.embed import load_vectors
    from gapscope.gaps.concept_backtest import abstract_vectors
    from gapscope.gaps.find import shortcoming_reader
    from gapscope.gaps.generic_complaints import SUBJECT_LIFT_MIN, PaperSubjects
    from gapscope.gaps.quotes import quotable
    from gapscope.gaps.shortcoming_concepts import (MIN_STATING, STATED_SHARE_MIN, shortcoming_concept,
                                                    stating_sentences)
    from gapscope.store import Library

    lib = Library(a.library, create=False)
    cs = load_concept_set(lib)
    subjects = PaperSubjects(abstract_vectors(lib))
    cands = [c for c in cs.concepts if shortcoming_concept(c)]
    mentions = concept_mentions(lib, cands)
    sids, _ = load_vectors(lib, "shortcoming")
    sentences = shortcoming_reader(lib)([int(p) for p in sids])
    quot = {int(p): q for p, ss in sentences.items() if (q := quotable(ss))}
    dropped, kept = [], []
    for c in cands:
        named = set(c.papers) | set(mentions.get(c.id, ()))
        st = stating_sentences(c, quot, among=named)
        if len(st) < MIN_STATING or len(st) / len(named | set(st)) < STATED_SHARE_MIN:
            continue
        n, spread, lift = subjects.measure(named | set(st))
        row = (len(st), c.phrase, n, spread, lift)
        (dropped if subjects.generic(named | set(st)) else kept).append(row)
    lines = [f"library: {a.library}; subject lift below {SUBJECT_LIFT_MIN} with a generic spread: a generic complaint",
             "stating  phrase                                    papers  spread  lift"]
    for title, rows in (("SET APART", dropped), ("KEPT", kept)):
        lines.append(f"{title} ({len(rows)})")
        lines += ["%7d  %-40s %6d  %6.2f  %5.3f" % r for r in sorted(rows, key=lambda r: (-r[0], r[1]))]
    text = "\n".join(lines) + "\n"
    if a.out:
        Path(a.out).write_text(text)
    print(text)


if __name__ == "__main__":
    main()
