"""Limitation heads trained with in-domain arXiv data, scored on the clinical held-out articles and on
the hand-labelled CS sentences (eval_cs_limitations.py).

The shipped head learns limitations from clinical sentences only, with CSAbstruct's sentences as
down-weighted negatives. The variants add, from the shared arXiv file (never a paper of the labelled
set):
  * in-domain negatives: every sentence of 2,000 abstracts (records 30,000-32,000); about 1 in 60
    arXiv sentences states a limitation, so this is label noise of a few percent;
  * weak positives: sentences of records 32,000 onwards that match a narrow own-limitation pattern
    ("limitations of this work", "a key limitation is that", "we discuss limitations", ...).
Only the limitation head is trained (the role head does not see these sentences).

    python benchmarks/facet_experiments/cs_limitations/train_variants.py [CSAB_W,ARXIVNEG_W,WEAKPOS_W,SEED ...]
"""
from __future__ import annotations

import re
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from common import D, LIMITATIONS  # noqa: E402
import eval_cs_limitations as cs  # noqa: E402

OWN_LIMITATION = [re.compile(p, re.I) for p in (
    r"\b(limitations?|caveats?|shortcomings?|weakness(es)?) of (this|our|the present|the proposed) "
    r"(work|study|approach|method|analysis|paper|framework|model|system|benchmark|dataset)\b",
    r"\bour (study|work|approach|method|analysis|results?|findings|evaluation|dataset|benchmark|model) "
    r"(is|are|was|were|has|have|remains?) (limited|restricted|constrained|not)\b",
    r"\bwe (also )?(discuss|acknowledge|note|outline|highlight) (the |several |some |its |our )?(limitations|caveats|shortcomings)",
    r"\b(is|are) (left|deferred) (for|to) future (work|research)",
    r"\bbeyond the scope of (this|our)",
    r"\b(one|a|the main|a key|the key|an important) limitation (of (this|our)|is that)")]


def arxiv_abstracts(start: int, stop: int, exclude: set[str]):
    """(text, spans, sentences) of the arXiv records in [start, stop), as the library splits them."""
    import gzip
    import json

    from gapscope.embed.store import abstract_text
    from gapscope.facets.split import split_sentences

    out = []
    with gzip.open(cs.ARXIV, "rt", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if i < start:
                continue
            if i >= stop:
                break
            r = json.loads(line)
            if r["id"] in exclude or not r.get("abstract"):
                continue
            title, abstract = cs._norm(r.get("title") or ""), r["abstract"].strip()
            text = abstract_text(title, abstract)
            shift = text.index(abstract)
            split = split_sentences(abstract)
            if split:
                out.append((text, [(x + shift, y + shift) for x, y, _ in split], [s for _, _, s in split]))
    return out


def in_context(enc, tag: str, abstracts, layers) -> dict:
    """Cached contextual vectors of every sentence of ``abstracts`` (from :func:`arxiv_abstracts`)."""
    from gapscope.facets.features import abstract_features, cached

    return cached(enc, tag + "-L" + "_".join(map(str, layers)), [a[0] for a in abstracts],
                  lambda: {"sent": np.concatenate(abstract_features(enc, [a[0] for a in abstracts],
                                                                    [a[1] for a in abstracts], span_layers=layers)[1]
                                                  ).astype(np.float32)})


def load(enc=None) -> SimpleNamespace:
    """Every training and scoring set the variants use, as cached vectors and texts."""
    from gapscope.embed import Encoder
    from gapscope.facets.data import read_csabstruct, read_limitations
    from gapscope.facets.dataset import abstracts_arrays, sentences_arrays
    from gapscope.facets.features import abstract_features, cached

    enc = enc or Encoder()
    layers = list(range(1, enc.num_layers + 1))
    abstracts = read_csabstruct(D + "csabstruct/train.jsonl")
    lims = read_limitations(LIMITATIONS, split="train")
    held = read_limitations(LIMITATIONS, split="heldout")
    gold = cs.load_gold()
    exclude = {g["arxiv_id"] for g in gold}
    gx, gt = cs.features(enc, gold, layers)
    neg = arxiv_abstracts(30000, 32000, exclude)
    pos = []
    for a in arxiv_abstracts(32000, 10 ** 9, exclude):
        hits = [k for k, s in enumerate(a[2]) if any(r.search(s) for r in OWN_LIMITATION)]
        if hits:
            pos.append((*a, hits))

    def pos_features():
        _, vecs = abstract_features(enc, [a[0] for a in pos], [a[1] for a in pos], span_layers=layers)
        return {"sent": np.concatenate([v[a[3]] for v, a in zip(vecs, pos)]).astype(np.float32)}

    return SimpleNamespace(
        enc=enc, layers=layers, exclude=exclude, gold=gold, gx=gx, gt=gt, lims=lims, held=held,
        feats=abstracts_arrays(enc, abstracts, "csab", span_layers=layers),
        lf=sentences_arrays(enc, lims, "lim", span_layers=layers),
        hf=sentences_arrays(enc, held, "limheld", span_layers=layers),
        csab_t=[a.text[x:y] for a in abstracts for x, y in a.spans],
        negf=in_context(enc, "arxivneg2", neg, layers), neg_t=[s for a in neg for s in a[2]],
        posf=cached(enc, "weakpos2-L" + "_".join(map(str, layers)), [a[0] for a in pos], pos_features),
        pos_t=[a[2][k] for a in pos for k in a[3]])


def train_head(data: SimpleNamespace, csab_w: float, neg_w: float, pos_w: float, seed: int = 0, extra=()):
    """A limitation head trained on the clinical sentences plus the weighted parts; ``extra``: more
    (vectors, labels, weight, texts) parts."""
    import torch

    from gapscope.facets import train as T
    from gapscope.facets.model import new_model

    cfg = dict(T.DEFAULTS, span_layers=data.layers)
    parts = [(data.lf["sent"], [s.positive for s in data.lims], 1.0, [s.text for s in data.lims]),
             (data.feats["sent"], [0] * len(data.csab_t), csab_w, data.csab_t)]
    if neg_w:
        parts.append((data.negf["sent"], [0] * len(data.neg_t), neg_w, data.neg_t))
    if pos_w:
        parts.append((data.posf["sent"], [1] * len(data.pos_t), pos_w, data.pos_t))
    parts += list(extra)
    x = np.concatenate([p[0] for p in parts]).astype(np.float32)
    y = np.concatenate([np.asarray(p[1], np.float32) for p in parts])
    w = np.concatenate([np.full(len(p[1]), p[2], np.float32) for p in parts])
    texts = [t for p in parts for t in p[3]]
    config = dict(cfg, dim=int(data.feats["sent"].shape[1]), doc_dim=int(data.feats["doc"].shape[1]),
                  encoder_model=data.enc.model_id, encoder_precision=data.enc.precision, seed=seed)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    torch.manual_seed(seed)
    m = new_model(config)
    T._train_limitations(m, x, y, w, texts, cfg, torch.Generator().manual_seed(seed), None, None)
    return m


def print_scores(data: SimpleNamespace, m) -> None:
    """Clinical held-out and labelled-CS figures at thresholds 0.5 and 0.7."""
    ph = cs.scores(m, data.hf["sent"].astype(np.float32), [s.text for s in data.held])
    yh = np.array([s.positive for s in data.held])
    s = cs.scores(m, data.gx, data.gt)
    for thr in (0.5, 0.7):
        p = ph >= thr
        tp = int((p & yh).sum())
        pr, rc = tp / max(p.sum(), 1), tp / yh.sum()
        print(f"  clinical held-out thr {thr}: P {pr:.3f} R {rc:.3f} F1 {2 * pr * rc / max(pr + rc, 1e-9):.3f}")
        print("  CS " + cs.report(data.gold, s, thr))
    sys.stdout.flush()


def main() -> None:
    data = load()
    print(f"sentences: clinical {len(data.lims)}, CSAbstruct {len(data.csab_t)}, arXiv negatives {len(data.neg_t)}, "
          f"weak positives {len(data.pos_t)}; labelled CS sentences {len(data.gold)}", flush=True)

    def run(csab_w: float, neg_w: float, pos_w: float, seed: int = 0) -> None:
        t0 = time.time()
        m = train_head(data, csab_w, neg_w, pos_w, seed)
        print(f"CSAbstruct negatives x{csab_w}, arXiv negatives x{neg_w}, weak positives x{pos_w}, seed {seed} "
              f"({time.time() - t0:.0f} s)")
        print_scores(data, m)

    if sys.argv[1:]:     # CSAB_W,ARXIVNEG_W,WEAKPOS_W,SEED per run
        for arg in sys.argv[1:]:
            c, n, p, seed = arg.split(",")
            run(float(c), float(n), float(p), int(seed))
        return
    for cfg in ((0.3, 0, 0), (0.3, 1.0, 0), (0.3, 1.0, 1.0), (0.3, 1.0, 3.0)):
        run(*cfg)
    for seed in (1, 2):
        run(0.3, 0, 0, seed)
        run(0.3, 1.0, 3.0, seed)


if __name__ == "__main__":
    main()
