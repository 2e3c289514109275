"""The 10,653-paper library (every 7th line of the CS file): classify with the facet model from the cached
one-pass features, then

- the share of sentences flagged as a shortcoming (by type);
- the blind read: /work/annotation/blind/sample.tsv (50 random flagged + 50 random unflagged sentences,
  shuffled, no labels) and key.tsv beside it (the model's labels), for a separate reader;
- facet vectors two ways, side by side: pooled span vectors of the one pass (the mean of the sentences'
  last-layer vectors) against a second encoder pass over the joined facet texts (`gapscope embed`):
  time, map agreement (ARI / NMI at the same k), backtest (method x result, before 2026-01-01, seeds 0-4);
- the shortcoming map: its 15 largest clusters with labels; the unaddressed-shortcoming gaps with quotes.

    python benchmarks/shortcomings/library_run.py MODEL_DIR [WORKDIR] [--compare]
(--compare: also the second encoder pass and the side-by-side comparison)
"""
import gzip
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

from common import ARXIV_CS, encoder, library_features, library_papers

from gapscope.facets.model import load_model
from gapscope.facets.store import _hash
from gapscope.store import Library
from gapscope.store.library import now_iso

COMPARE = "--compare" in sys.argv
args = [a for a in sys.argv[1:] if not a.startswith("--")]
model_dir = args[0]
work = Path(args[1] if len(args) > 1 else "/tmp/fv2-lib")
work.mkdir(parents=True, exist_ok=True)
BLIND = Path("/work/annotation/blind")
model = load_model(model_dir)
enc = encoder()
papers = library_papers()
t = time.time()
docs, sents, texts = library_features(enc, papers, model)
print(f"library: {len(papers)} papers, {sum(len(s) for s in sents)} sentences (features from the cache in "
      f"{time.time() - t:.0f} s; the one encoder pass that made them: see warm_features.py)")

# --- a library file with these papers (the product importer), then the model's labels --------------
db = work / "lib7.gapscope"
lines = work / "lib7.jsonl.gz"
if not db.exists():
    with gzip.open(ARXIV_CS, "rt", encoding="utf-8") as fh, gzip.open(lines, "wt", encoding="utf-8") as out:
        for i, line in enumerate(fh):
            if i % 7 == 0:
                out.write(line)
    from gapscope.ingest import import_file

    lib = Library(db)
    import_file(lib, lines)
else:
    lib = Library(db)
by_arxiv = {a: pid for pid, a in lib._conn.execute("SELECT id, arxiv_id FROM papers")}
t = time.time()
width = enc.dim * len(model.span_layers or [6])
preds = model.predict(docs, [s[:, :width] for s in sents], texts)
predict_s = time.time() - t
from gapscope.facets.store import paper_spans

stamp = now_iso()
rows_all = []
with lib.transaction() as conn:
    for p, labels in zip(papers, preds):
        pid = by_arxiv.get(p["arxiv_id"])
        if pid is None:
            continue
        abstract = lib._conn.execute("SELECT abstract FROM papers WHERE id = ?", (pid,)).fetchone()[0]
        _t, _sp, ss = paper_spans(p["title"], p["abstract"])
        if abstract != p["abstract"]:       # the importer normalised it: split what is stored
            _t, _sp, ss2 = paper_spans(p["title"], abstract)
            if len(ss2) != len(ss):
                continue
            ss = ss2
        lib.write_facet_sentences(pid, [(i, st.start, st.end, st.text, lab.role, round(lab.role_confidence, 4),
                                               lab.shortcoming, round(lab.shortcoming_confidence, 4))
                                              for i, (st, lab) in enumerate(zip(ss, labels))],
                                  model.model_id, _hash(abstract), stamp)
        rows_all += [(p, i, st.text, lab) for i, (st, lab) in enumerate(zip(ss, labels))]
n = len(rows_all)
flag = [r for r in rows_all if r[3].shortcoming != "none"]
from collections import Counter

types = Counter(r[3].shortcoming for r in flag)
print(f"head {model.model_id}: labels for {n} sentences in {predict_s:.1f} s")
print(f"flagged as a shortcoming: {len(flag)} of {n} sentences = {len(flag) / n:.1%} "
      f"(prior {types['prior']}, open {types['open']}, own {types['own']}); papers with one: "
      f"{len({r[0]['arxiv_id'] for r in flag})} of {len(papers)}")

# --- the blind read sample ---------------------------------------------------------------------------
rng = random.Random(20261204)
pick = [(r, "flagged") for r in rng.sample(flag, 50)] + \
       [(r, "unflagged") for r in rng.sample([r for r in rows_all if r[3].shortcoming == "none"], 50)]
rng.shuffle(pick)
BLIND.mkdir(parents=True, exist_ok=True)
by_paper = {}
for p, i, text, lab in rows_all:
    by_paper.setdefault(p["arxiv_id"], []).append(text)
with open(BLIND / "sample.tsv", "w", encoding="utf-8") as fh, open(BLIND / "key.tsv", "w", encoding="utf-8") as key:
    fh.write("item\tarxiv_id\tprevious_sentence\tsentence\tnext_sentence\n")
    key.write("item\tarxiv_id\tsampled_as\tshortcoming\tshortcoming_confidence\trole\n")
    for k, ((p, i, text, lab), group) in enumerate(pick, 1):
        ss = by_paper[p["arxiv_id"]]
        clean = lambda s: " ".join(s.split()).replace("\t", " ")  # noqa: E731
        fh.write(f"{k}\t{p['arxiv_id']}\t{clean(ss[i - 1]) if i else ''}\t{clean(text)}\t"
                 f"{clean(ss[i + 1]) if i + 1 < len(ss) else ''}\n")
        key.write(f"{k}\t{p['arxiv_id']}\t{group}\t{lab.shortcoming}\t{lab.shortcoming_confidence:.3f}\t{lab.role}\n")
print(f"blind read: wrote {BLIND / 'sample.tsv'} (100 items, no labels) and {BLIND / 'key.tsv'}")

# --- facet vectors: pooled from the one pass vs a second encoder pass -------------------------------
from gapscope.embed import embed_library, load_vectors
from gapscope.facets import facet_texts

dim = enc.dim
t = time.time()
pooled = {"method": ({}, None), "result": ({}, None), "shortcoming": ({}, None)}
k_rows = {k: [] for k in pooled}
for (p, labels), vecs in zip(zip(papers, preds), sents):
    pid = by_arxiv.get(p["arxiv_id"])
    if pid is None or not len(vecs):
        continue
    last = vecs[:, -dim:]                      # the last hidden state's pool of each sentence
    for kind in pooled:
        sel = [j for j, lab in enumerate(labels) if (lab.shortcoming != "none" if kind == "shortcoming" else lab.role == kind)]
        if sel:
            v = last[sel].mean(axis=0)
            k_rows[kind].append((pid, v / max(np.linalg.norm(v), 1e-12)))
pool_s = time.time() - t
pooled = {k: (np.array([a for a, _ in v], np.int64), np.stack([b for _, b in v]).astype(np.float32))
          for k, v in k_rows.items()}
from gapscope.maps.build import make_map, paper_dates

ftexts = facet_texts(lib)
dates = paper_dates(lib)
print(f"pooled facet vectors from the one pass: {pool_s:.1f} s "
      f"({', '.join(f'{k} {len(v[0])} papers' for k, v in pooled.items())})")
if COMPARE:
    t = time.time()
    stats = embed_library(lib, kinds=("method", "result", "shortcoming"), encoder=enc)
    embed_s = time.time() - t
    print(f"facet vectors, pooled from the one pass: {pool_s:.1f} s; second encoder pass over the joined texts "
          f"({stats['embedded']} texts): {embed_s:.0f} s")
    encoded = {k: load_vectors(lib, k, model_id=enc.model_id) for k in ("method", "result", "shortcoming")}

    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    maps = {}
    for kind in ("method", "result", "shortcoming"):
        ids_e, v_e = encoded[kind]
        ids_p, v_p = pooled[kind]
        common = np.intersect1d(ids_e, ids_p)
        texts_k = {int(p): ftexts.get(int(p), {}).get(kind, "") for p in common}
        ve = v_e[np.searchsorted(ids_e, common)]
        vp = v_p[np.searchsorted(ids_p, common)]
        t = time.time()
        me = make_map(kind, common, ve, texts_k, dates, seed=0, stability_seeds=0)
        te = time.time() - t
        mp = make_map(kind, common, vp, texts_k, dates, k=len(me.clusters), seed=0, stability_seeds=0)
        a = np.array([me.assignments[int(p)] for p in common])
        b = np.array([mp.assignments[int(p)] for p in common])
        me2 = make_map(kind, common, ve, texts_k, dates, k=len(me.clusters), seed=1, stability_seeds=0)
        c = np.array([me2.assignments[int(p)] for p in common])
        print(f"{kind} map: {len(common)} papers, k={len(me.clusters)} (chosen on the encoded vectors, {te:.0f} s); "
              f"pooled vs encoded ARI {adjusted_rand_score(a, b):.3f} NMI {normalized_mutual_info_score(a, b):.3f}; "
              f"for scale, encoded seed 0 vs seed 1: ARI {adjusted_rand_score(a, c):.3f} NMI {normalized_mutual_info_score(a, c):.3f}")
        maps[kind] = (me, mp)

    from gapscope.gaps.backtest import backtest_arrays

    for name, vecs in (("encoded", encoded), ("pooled", pooled)):
        t = time.time()
        res = backtest_arrays(vecs["method"], vecs["result"], dates, "2026-01-01", seeds=range(5))
        print(f"backtest ({name} vectors, before 2026-01-01, seeds 0-4, {time.time() - t:.0f} s): "
              f"P@{res['k']} {res['precision_at_k']:.3f}, popularity {res['popularity_precision_at_k']:.3f}, "
              f"random {res['random_precision_at_k']:.3f}, ratio vs popularity {res['ratio_vs_popularity']}, "
              f"map k {res['method_k']}/{res['problem_k']}, candidates {res['candidates']}")

m = make_map("shortcoming", *pooled["shortcoming"], {int(p): ftexts.get(int(p), {}).get("shortcoming", "")
             for p in pooled["shortcoming"][0]}, dates, seed=0, stability_seeds=0)
print(f"\nshortcoming map (pooled vectors, k chosen from the data): the 15 largest of {len(m.clusters)} clusters")
for c in sorted(m.clusters, key=lambda c: -c.size)[:15]:
    print(f"  {c.size:>5}  {c.label}  [{', '.join(c.keywords[:6])}]")
if COMPARE:
    m = maps["shortcoming"][0]
    print(f"\nshortcoming map (encoded vectors): the 15 largest of {len(m.clusters)} clusters")
    for c in sorted(m.clusters, key=lambda c: -c.size)[:15]:
        print(f"  {c.size:>5}  {c.label}  [{', '.join(c.keywords[:6])}]")

# --- the product's maps and gaps on pooled vectors (facets.vectors = pooled) -------------------------
from gapscope.gaps import find_gaps
from gapscope.maps import build_maps

ids_all = np.array(sorted(by_arxiv.values()), np.int64)
doc_of = {by_arxiv[p["arxiv_id"]]: d for p, d in zip(papers, docs) if p["arxiv_id"] in by_arxiv}
topic = (ids_all, np.stack([doc_of[i] for i in ids_all]).astype(np.float32), None)
from gapscope.maps.build import topic_texts

data = {"topic": (topic[0], topic[1], topic_texts(lib, ids_all.tolist()))}
for kind in ("method", "result", "shortcoming"):
    data[kind] = (pooled[kind][0], pooled[kind][1], {int(p): ftexts.get(int(p), {}).get(kind, "") for p in pooled[kind][0]})
t = time.time()
build_maps(lib, data=data, stability_seeds=0)
gaps = find_gaps(lib, data={k: v[:2] for k, v in data.items()})
print(f"\nmaps + gaps on pooled vectors: {time.time() - t:.0f} s; gaps by type: "
      f"{dict(Counter(g.type for g in gaps))}")
for g in [g for g in gaps if g.type == "unaddressed_shortcoming"][:5]:
    print(f"  [{g.score:.2f}] {g.statement[:700]}")
