"""Draw the phrases and concepts to label for concreteness (README.md in this folder).

train: 500 phrases from the candidate vocabulary (concepts/extract.candidate_vocabulary, the extractor's own
       n-grams) of the abstracts on lines i of the shared cs file with i % 7 in (2, 3, 4): never the
       evaluation library's lines (i % 7 == 0) nor their neighbours; phrases in >= 8 of those abstracts that
       pass the concept checks a gap end passes before this one (concepts/quality.py rules 1, 4, 5).
test:  200 concepts of the 10,653-paper library (every 7th line; concept batch 1; >= 5 papers, passing the
       same checks), 100 method and 100 problem concepts: the distribution the rule is applied to. They are
       labelled only to measure; nothing is trained or tuned on them.
train2: 600 more phrases of the same vocabulary, none drawn before (--more: items2.tsv; seed SEED + 1).
train3: 400 more concepts of the library, 200 method and 200 problem, none of the test ones (--library-train
       LIBRARY: items3.tsv; seed SEED + 2): training data from the distribution the rule is applied to.
train4: 400 more the same way, none drawn before (--library-train LIBRARY 4: items4.tsv, `M` ids; seed SEED + 3).
Each item comes with two sentences that use it (from its pool), so an annotator can tell what it names.

    python data/annotations/concept-concreteness/draw.py LIBRARY   (LIBRARY: the 10,653-paper library)
    python data/annotations/concept-concreteness/draw.py --more
    python data/annotations/concept-concreteness/draw.py --library-train LIBRARY [4]
"""

from __future__ import annotations

import gzip
import json
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT / "core"))
SEED = 20261205
CS_FILE = ROOT.parent / "shared" / "data" / "arxiv" / "arxiv-cs-2025-2026.jsonl.gz"


def gap_end(phrase: str, kind: str = "") -> bool:
    from gapscope.concepts.quality import bare_property, metric, model_class, model_name, not_a_concept

    return (not_a_concept(phrase) is None and not bare_property(phrase)
            and not (kind == "problem" and (metric(phrase) or model_name(phrase) or model_class(phrase))))


def snippets(phrase: str, docs: list[str], rng: random.Random, n: int = 2) -> list[str]:
    pat = re.compile(r"(?<![\w-])" + r"[\s-]+".join(map(re.escape, phrase.split())) + r"(?![\w-])", re.I)
    hits = [d for d in docs if pat.search(d)]
    out = []
    for d in rng.sample(hits, min(len(hits), 12)):
        for s in re.split(r"(?<=[.!?])\s+", d):
            if pat.search(s) and 40 <= len(s) <= 320:
                out.append(s.strip())
                break
        if len(out) == n:
            break
    return out


def pool_docs() -> list[str]:
    docs = []
    with gzip.open(CS_FILE, "rt", encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i % 7 in (2, 3, 4):
                r = json.loads(line)
                docs.append(f"{r.get('title') or ''}. {r.get('abstract') or ''}".replace("\n", " "))
    return docs


def vocabulary(docs: list[str]) -> list[str]:
    from gapscope.concepts.extract import candidate_vocabulary, display_form, surface_forms

    forms = surface_forms(docs)
    vocab = [display_form(w, forms) for w in candidate_vocabulary(docs, min_df=8)]
    return sorted(w for w in vocab if gap_end(w))


def draw_more(n: int = 600) -> None:
    rng = random.Random(SEED + 1)
    with open(HERE / "items.tsv", encoding="utf-8") as f:
        drawn = {line.split("\t")[2] for line in f}
    docs = pool_docs()
    vocab = [w for w in vocabulary(docs) if w not in drawn]
    with open(HERE / "items2.tsv", "w", encoding="utf-8") as out:
        out.write("item\tsplit\tphrase\tkind\tpapers\texample_1\texample_2\n")
        for k, w in enumerate(rng.sample(vocab, n)):
            ex = snippets(w, docs, rng) + ["", ""]
            out.write(f"U{k:03d}\ttrain\t{w}\t\t\t{ex[0]}\t{ex[1]}\n")


def library_pool(lib, kind: str, exclude: set) -> list:
    from gapscope.concepts import load_concept_set

    cs = load_concept_set(lib, 1)
    return sorted((c for c in cs.concepts if c.kind == kind and c.n_papers >= 5 and gap_end(c.phrase, kind)
                   and c.phrase not in exclude), key=lambda c: c.phrase)


def write_library_items(path: Path, prefix: str, chosen: list, texts: dict, rng: random.Random) -> None:
    with open(path, "w", encoding="utf-8") as out:
        out.write("item\tsplit\tphrase\tkind\tpapers\texample_1\texample_2\n")
        for k, (c, kind) in enumerate(chosen):
            ex = snippets(c.phrase, [texts[p] for p in c.papers if p in texts], rng) + ["", ""]
            out.write(f"{prefix}{k:03d}\t{'test' if prefix == 'E' else 'train'}\t{c.phrase}\t{kind}\t{c.n_papers}"
                      f"\t{ex[0]}\t{ex[1]}\n")


def draw_library_train(library: str, batch: int = 3, n_per_kind: int = 200) -> None:
    from gapscope.store.library import ReadOnlyLibrary

    rng = random.Random(SEED + batch - 1)
    drawn = set()
    for name in ["items.tsv"] + [f"items{k}.tsv" for k in range(3, batch)]:     # the library's concepts drawn
        with open(HERE / name, encoding="utf-8") as f:
            drawn |= {line.split("\t")[2] for line in f}
    lib = ReadOnlyLibrary(library, create=False)
    texts = {pid: f"{t or ''}. {a or ''}".replace("\n", " ") for pid, t, a in lib.paper_title_abstracts()}
    chosen = [(c, kind) for kind in ("method", "problem") for c in rng.sample(library_pool(lib, kind, drawn), n_per_kind)]
    rng.shuffle(chosen)
    write_library_items(HERE / f"items{batch}.tsv", {3: "L", 4: "M"}[batch], chosen, texts, rng)


def main() -> None:
    from gapscope.concepts import load_concept_set
    from gapscope.store.library import ReadOnlyLibrary

    if sys.argv[1:] == ["--more"]:
        draw_more()
        return
    if sys.argv[1:2] == ["--library-train"]:
        draw_library_train(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 3)
        return
    rng = random.Random(SEED)
    docs = pool_docs()
    vocab = vocabulary(docs)
    train = rng.sample(vocab, 500)

    lib = ReadOnlyLibrary(sys.argv[1], create=False)
    cs = load_concept_set(lib, 1)
    texts = {pid: f"{t or ''}. {a or ''}".replace("\n", " ") for pid, t, a in lib.paper_title_abstracts()}
    test = []
    for kind in ("method", "problem"):
        pool = sorted((c for c in cs.concepts if c.kind == kind and c.n_papers >= 5 and gap_end(c.phrase, kind)),
                      key=lambda c: c.phrase)
        test += [(c, kind) for c in rng.sample(pool, 100)]
    rng.shuffle(test)

    with open(HERE / "items.tsv", "w", encoding="utf-8") as out:
        out.write("item\tsplit\tphrase\tkind\tpapers\texample_1\texample_2\n")
        for k, w in enumerate(train):
            ex = snippets(w, docs, rng) + ["", ""]
            out.write(f"T{k:03d}\ttrain\t{w}\t\t\t{ex[0]}\t{ex[1]}\n")
        for k, (c, kind) in enumerate(test):
            ex = snippets(c.phrase, [texts[p] for p in c.papers if p in texts], rng) + ["", ""]
            out.write(f"E{k:03d}\ttest\t{c.phrase}\t{kind}\t{c.n_papers}\t{ex[0]}\t{ex[1]}\n")
    print(f"{len(vocab)} vocabulary phrases passing the checks; {len(train)} train, {len(test)} test items")


if __name__ == "__main__":
    main()
