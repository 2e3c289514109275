"""How the sentences of cs_limitation_sentences.jsonl were drawn (labels were then added by hand).

Reads a library's sentences after `gapscope facets` (session 3's full cs library, head
facets-def15e66c9) and prints the pooled sentences as JSON lines, in the labelled file's order:
  first pool set (seed 20261126): 100 the head labels `limitation`, 100 other sentences with a broad
  limitation word, 100 of any kind, shuffled together;
  second pool set (seed 7), none already drawn: 60 "our/this study/work/..." with a limitation word,
  60 with a strong phrasing ("limitations of", "a key limitation", ...), shuffled together.

    python benchmarks/facet_experiments/cs_limitations/draw_pools.py LIBRARY.sqlite > pools.jsonl
"""
from __future__ import annotations

import json
import random
import re
import sqlite3
import sys

CUE = re.compile(r"\b(limitation|limited|limits|fail|fails|failing|cannot|can not|unable|does not|do not|not yet|"
                 r"remain|remains|restricted|drawback|weakness|caveat|only|future work|left for|beyond the scope|"
                 r"however|although|insufficient|lack|small sample|bias)\b", re.I)
OWN = re.compile(r"\b(our|this|the present|the current) (study|work|approach|method|analysis|model|framework|paper|"
                 r"results?|findings|evaluation|system|dataset|benchmark)\b", re.I)
LIMIT = re.compile(r"\b(limitations?|limited|only|cannot|restricted|does not|do not|not yet|left (for|to) future|"
                   r"beyond the scope|we acknowledge|caveat|shortcoming|weakness|drawback|fails?)\b", re.I)
STRONG = re.compile(r"\b(limitations? (of|include|are)|we acknowledge|beyond the scope|left (for|to) future work|"
                    r"caveat|our (study|work|analysis|approach|method) (is|has) (limited|several|some)|"
                    r"(a|one|main|key) limitation)", re.I)


def draw(rnd: random.Random, pools, seen: set) -> list[dict]:
    """``pools``: (name, candidate rows, how many); rows already in ``seen`` are skipped."""
    for _, rows, _ in pools:
        rnd.shuffle(rows)
    out = []
    for name, rows, n in pools:
        taken = 0
        for paper_id, idx, text, _, arxiv_id in rows:
            if taken >= n:
                break
            if (arxiv_id, idx) in seen:
                continue
            seen.add((arxiv_id, idx))
            taken += 1
            out.append({"arxiv_id": arxiv_id, "idx": idx, "pool": name, "text": text})
    rnd.shuffle(out)
    return out


def main() -> None:
    db = sqlite3.connect(sys.argv[1])
    rows = db.execute("select s.paper_id, s.idx, s.text, s.label, p.arxiv_id "
                      "from sentences s join papers p on p.id = s.paper_id").fetchall()
    seen: set = set()
    rnd = random.Random(20261126)
    first = draw(rnd, [("predicted", [r for r in rows if r[3] == "limitation"], 100),
                       ("cue", [r for r in rows if r[3] != "limitation" and CUE.search(r[2])], 100),
                       ("random", list(rows), 100)], seen)
    rnd = random.Random(7)
    second = draw(rnd, [("own-cue", [r for r in rows if OWN.search(r[2]) and LIMIT.search(r[2])
                                     and (r[4], r[1]) not in seen], 60),
                        ("strong-cue", [r for r in rows if STRONG.search(r[2]) and (r[4], r[1]) not in seen], 60)],
                  set())
    for o in first + second:
        print(json.dumps(o, ensure_ascii=False))


if __name__ == "__main__":
    main()
