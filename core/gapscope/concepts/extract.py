"""Extracting concepts: KeyBERT (over the project's SentenceTransformer) picks the key phrases of each
paper's method side (method sentences) and problem side (objective, result and shortcoming sentences)
from one shared candidate vocabulary; phrases are merged by meaning (merge.py) into canonical concepts, and a
concept that is a piece of a longer name into the concept of that name (fragments.py).

Candidates are the 1-3 word n-grams (English stop words removed) that occur in at least ``min_df`` papers,
less phrases that start or end with academic filler ("proposed", "results", "novel") or consist only of
generic words ("model", "framework"): those are what made keyword-triple gaps unreadable."""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from typing import Any, Optional, Sequence

import numpy as np

from ..jobs import ProgressFn, check, report
from .expansions import acronym_texts, merge_expansions
from .fragments import merge_fragments, name_whole, paper_texts
from .merge import MERGE_SIM, head_word, merge_phrases
from .tokens import dimension, lower_words, words
from .word_forms import not_one_word_concept

# sentence role -> side of the abstract; a sentence with a shortcoming (of prior work, an open problem, the
# paper's own) names a problem whatever its role
SIDE_OF_ROLE = {"method": "method", "objective": "problem", "result": "problem"}


def side_of(sentence: dict) -> Optional[str]:
    """The side a sentence of the facet API names (its effective role and shortcoming): method, problem or None."""
    if sentence.get("shortcoming", "none") != "none":
        return "problem"
    return SIDE_OF_ROLE.get(sentence["role"])

# a phrase may not start or end with these (they wrap content, they are not content)
EDGE_FILLER = set("""
propose proposed proposes proposing novel new show shows showing shown demonstrate demonstrates demonstrated
achieve achieves achieved achieving outperform outperforms outperforming existing based using use uses used
extensive experiments experiment experimental results result significantly significant effective
effectively efficient efficiently state art sota paper work study studies introduce introduces introduced
present presents presented code available publicly github https http www com org various different multiple
also including include includes improve improves improved improving improvement improvements enable enables
enabling provide provides providing leverage leverages leveraging well first second furthermore however
specifically respectively compared comparable superior better best higher lower strong stronger key main
approach approaches method methods framework frameworks technique techniques strategy strategies
task tasks problem problems challenge challenges issue issues way ways help helps allowing allow allows
able ability make makes making given towards toward recent recently existing prior previous current
important crucial critical remains remain remaining like particularly especially widely commonly typically
consistently substantially notably significantly overall simple simply just effectiveness efficiency
superiority advantages advantage benefits benefit paradigm setting settings scenarios scenario
evaluate evaluated evaluation evaluations experiments conducted conduct comprehensive extensive thorough
competitive promising demonstrating achieves outperforms surpasses surpassing analyze analysis analyses
aims aim designed design designs develop developed developing introduce module modules component components
""".split())
# generic on their own ("model"), fine inside a phrase ("diffusion model")
GENERIC = set("""
model models data dataset datasets network networks system systems learning training performance accuracy
information features feature representation representations tasks task information results
quality time cost costs process processes level levels range set sets space structure structures type types
number amount domain domains case cases input inputs output outputs image images text texts video videos
language languages scale large small high low deep neural based large-scale real-world world real
generation understanding reasoning analysis applications application methods method approach framework
benchmark baseline baselines metric metrics score scores state-of-the-art open-source semantic semantics
modeling modelling prediction predictions validation pipeline pipelines token tokens prompt prompts map maps
scene scenes depth sparse memory agent agents multimodal multi-modal trained train training-free
""".split())
EDGE_FILLER |= set("""
highlight highlights highlighting capture captures capturing integrate integrates integrating integration
construct constructs constructing compare compares comparing validate validates validating trained train
trains leads lead yields yield offers offer reveals reveal reveals suggest suggests indicate indicates
struggle struggles offering preserving performance capability capabilities ability abilities solution
solutions mechanism mechanisms scales large fail fails failing limited limitations limitation
address addresses addressing learn learns mitigate mitigates reduce reduces reducing gap gaps
""".split())
# a phrase may not start with these ("models LLMs" is what is left of "language models (LLMs)")
START_FILLER = {"model", "models", "network", "networks", "system", "systems"}
# a one-word concept must look like a named thing (an acronym or mixed case: "LLM", "LoRA", "NeRF"), a
# hyphenated term ("super-resolution") or a noun by its ending ("segmentation", "robustness", "transformer")
NOUN_ENDINGS = ("tion", "sion", "ment", "ness", "ity", "ance", "ence", "ism", "ics", "ogy", "ing", "er", "or")


def keep_phrase(phrase: str, cased: frozenset = frozenset()) -> bool:
    toks = phrase.split()
    if toks[0] in EDGE_FILLER or toks[-1] in EDGE_FILLER or toks[-1].endswith("ed") or (len(toks) > 1 and toks[0] in START_FILLER):
        return False
    if dimension(toks[-1]):         # "3D", "reconstructing 3D", "accurate 3D": a modifier without its noun
        return False
    if all(t in GENERIC or t in EDGE_FILLER for t in toks):
        return False
    if len(toks) >= 2 and cased:
        # "language models llms", "large language models llms": the words and their own acronym
        acr = toks[-1][:-1] if toks[-1].endswith("s") else toks[-1]
        initials = "".join(t[0] for t in toks[:-1])
        if toks[-1] in cased and len(initials) >= 2 and acr.endswith(initials[-len(acr):] if len(acr) <= len(initials) else initials):
            return False
    if len(toks) == 1:
        stem = phrase[:-1] if phrase.endswith("s") and not phrase.endswith("ss") else phrase
        if phrase in cased:
            return len(phrase) >= 3
        # a noun's ending is no proof: "enhance", "evaluating", "benchmarking" end as nouns do (word_forms.py)
        return len(phrase) >= 3 and (("-" in phrase and not phrase.startswith("non-")) or stem.endswith(NOUN_ENDINGS)) \
            and not not_one_word_concept(phrase)
    return True


def head_vectors(phrases: Sequence[str], enc) -> dict[str, np.ndarray]:
    """{head word: its L2-normalised vector} for the phrases of two words or more (merge.same_head)."""
    heads = sorted({head_word(p) for p in phrases if len(p.split()) >= 2} - {""})
    if not heads:
        return {}
    v = np.asarray(enc.encode(heads), dtype=np.float32)
    v /= np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
    return dict(zip(heads, v))


def surface_forms(docs: Sequence[str]) -> dict[str, str]:
    """{lower-cased token: its usual written form} for tokens written with an inner capital (LLM, LoRA,
    NeRF, 3D) or a capital letter before a hyphen (X-ray, T-cell) in most of their uses: a concept is shown
    as "LoRA", not "lora", and "chest X-ray"."""
    forms: dict[str, Counter] = defaultdict(Counter)
    total: Counter = Counter()
    for d in docs:
        for t in words(d):
            lo = t.lower()
            total[lo] += 1
            if any(c.isupper() for c in t[1:]) or (t[0].isupper() and t[1:2] == "-"):
                forms[lo][t] += 1
    return {lo: f.most_common(1)[0][0] for lo, f in forms.items() if sum(f.values()) * 2 >= total[lo]}


def cased_tokens(docs: Sequence[str]) -> frozenset:
    """Lower-cased tokens written with an inner capital (LLM, LoRA, NeRF) in most of their uses."""
    return frozenset(surface_forms(docs))


def display_form(phrase: str, forms: dict[str, str]) -> str:
    return " ".join(forms.get(t, t) for t in phrase.split())


def side_texts(lib, paper_ids: Sequence[int]) -> tuple[list[int], list[str], list[str]]:
    """(ids, method texts, problem texts) from the facet API (the user's corrections win)."""
    from ..facets import paper_sentences

    ids, mt, pt = [], [], []
    for pid in paper_ids:
        m, p = [], []
        for s in paper_sentences(lib, int(pid)):
            side = side_of(s)
            if side == "method":
                m.append(s["text"])
            elif side == "problem":
                p.append(s["text"])
        if m or p:
            ids.append(int(pid))
            mt.append(" ".join(m))
            pt.append(" ".join(p))
    return ids, mt, pt


def candidate_vocabulary(docs: Sequence[str], min_df: int, max_df: float = 0.05) -> list[str]:
    """The 1-3 word n-grams in >= ``min_df`` documents and at most ``max_df`` of them, filler removed."""
    from sklearn.feature_extraction.text import CountVectorizer

    cv = CountVectorizer(ngram_range=(1, 3), stop_words="english", tokenizer=lower_words, token_pattern=None,
                         min_df=min_df, max_df=max_df, lowercase=True)
    cv.fit([d for d in docs if d])
    cased = cased_tokens(docs)
    return [w for w in cv.get_feature_names_out() if keep_phrase(w, cased)]


def keyphrases(docs: Sequence[str], doc_vecs: np.ndarray, vocab: list[str], vocab_vecs: np.ndarray, *,
               top_n: int = 5, diversity: float = 0.5, model=None) -> list[list[tuple[str, float]]]:
    """KeyBERT's choice of ``top_n`` phrases per document (maximal marginal relevance), over a fixed
    vocabulary whose embeddings are given; empty documents get none."""
    from keybert import KeyBERT
    from sklearn.feature_extraction.text import CountVectorizer

    out: list[list[tuple[str, float]]] = [[] for _ in docs]
    todo = [i for i, d in enumerate(docs) if d and d.strip()]
    if not todo or not vocab:
        return out
    cv = CountVectorizer(ngram_range=(1, 3), stop_words="english", tokenizer=lower_words, token_pattern=None,
                         vocabulary=vocab, lowercase=True)
    kw = KeyBERT(model=model) if model is not None else KeyBERT.__new__(KeyBERT)
    got = kw.extract_keywords([docs[i] for i in todo], vectorizer=cv, top_n=top_n, use_mmr=True,
                              diversity=diversity, doc_embeddings=doc_vecs[todo], word_embeddings=vocab_vecs)
    if todo and got and isinstance(got[0], tuple):       # KeyBERT flattens a single document's list
        got = [got]
    for i, g in zip(todo, got):
        out[i] = [(w, float(s)) for w, s in g]
    return out


def side_vectors(lib, ids: list[int], mt: list[str], pt: list[str], enc, cancel=None) -> np.ndarray:
    """Document vectors KeyBERT scores phrases against, (2n, dim), from the vector cache where it can: the
    method text's vector for the method side, the result text's for the problem side, and the abstract's
    (cached by `gapscope facets`) where a facet text has none yet; the encoder only for the rest. The
    candidates of each side come from that side's sentences alone, so the abstract vector still ranks
    method phrases among method phrases; re-encoding 20k texts on a busy CPU would double the cost."""
    from ..embed import load_vectors
    from ..embed.library import library_model

    n = len(ids)
    out = np.zeros((2 * n, enc.dim), dtype=np.float32)
    have = np.zeros(2 * n, dtype=bool)
    pos = {int(p): i for i, p in enumerate(ids)}
    if getattr(enc, "model_id", None) == library_model(lib):
        for kind, offsets in (("abstract", (0, n)), ("method", (0,)), ("result", (n,))):   # later kinds win
            try:
                vid, vv = load_vectors(lib, kind, paper_ids=ids)
            except Exception:   # no cache for this kind yet
                continue
            for p, v in zip(vid, vv):
                for off in offsets:
                    out[off + pos[int(p)]], have[off + pos[int(p)]] = v, True
    texts = mt + pt
    todo = [i for i in range(2 * n) if not have[i] and texts[i]]
    if todo:
        out[todo] = enc.encode([texts[i] for i in todo], cancel=cancel)
    return out


def extract_concepts(lib, *, paper_ids: Optional[Sequence[int]] = None, encoder=None, min_df: Optional[int] = None,
                     top_n: int = 5, merge_sim: float = MERGE_SIM, min_papers: int = 3, save: bool = True,
                     progress: Optional[ProgressFn] = None, cancel=None) -> dict[str, Any]:
    """Extract, merge and (``save``) store the library's concepts; returns a summary with the batch number.
    Needs facet labels (`gapscope facets`)."""
    from ..embed.encoder import load_encoder
    from ..store.errors import MissingStep
    from ..store.library import LibraryError, now_iso

    t0 = time.perf_counter()
    if paper_ids is None:
        paper_ids = lib.classified_paper_ids()
    if not paper_ids:
        raise MissingStep("no facet labels yet: run `gapscope facets` (or `gapscope analyze`) first")
    report(progress, 0, 5, "reading method / problem sentences")
    ids, mt, pt = side_texts(lib, paper_ids)
    check(cancel)
    min_df = min_df or max(3, round(len(ids) / 4000))
    docs = mt + pt
    n = len(ids)
    vocab = candidate_vocabulary(docs, min_df)
    if not vocab:
        raise LibraryError(f"too few papers with facet labels ({len(ids)}) to find phrases shared by {min_df}")
    enc = encoder or load_encoder(cancel=cancel)       # a Cancel does not wait for the load
    report(progress, 1, 5, f"embedding {len(vocab)} candidate phrases")
    vocab_vecs = enc.encode(vocab, cancel=cancel)
    check(cancel)
    report(progress, 2, 5, f"method / problem text vectors for {n} papers")
    doc_vecs = side_vectors(lib, ids, mt, pt, enc, cancel=cancel)
    check(cancel)
    report(progress, 3, 5, "KeyBERT key phrases")
    kp = keyphrases(docs, doc_vecs, vocab, vocab_vecs, top_n=top_n, model=getattr(enc, "st", None))
    check(cancel)
    hits: dict[str, list[tuple[int, str, float]]] = defaultdict(list)
    for k, phrases in enumerate(kp):
        pid, side = ids[k % n], ("method" if k < n else "problem")
        for w, s in phrases:
            hits[w].append((pid, side, s))
    used = sorted(hits)
    pos = {w: i for i, w in enumerate(vocab)}
    uv = vocab_vecs[[pos[w] for w in used]]
    counts = [len({p for p, _, _ in hits[w]}) for w in used]
    report(progress, 4, 5, f"merging {len(used)} phrases by meaning")
    forms = surface_forms(docs)
    lead = merge_phrases(used, uv, counts, sim=merge_sim, written=forms, head_vecs=head_vectors(used, enc))
    groups: dict[int, list[int]] = defaultdict(list)
    for i, l in enumerate(lead):
        groups[int(l)].append(i)
    concepts = []
    for l, members in groups.items():
        papers: dict[tuple[int, str], float] = {}
        sides: Counter = Counter()
        for i in members:
            for pid, side, s in hits[used[i]]:
                papers[(pid, side)] = max(papers.get((pid, side), 0.0), s)
                sides[side] += 1
        if len({p for p, _ in papers}) < min_papers:
            continue
        members.sort(key=lambda i: -counts[i])
        kind = "method" if sides["method"] >= sides["problem"] else "problem"
        concepts.append({"kind": kind, "phrase": display_form(used[l], forms), "synonyms": [used[i] for i in members[1:]][:20],
                         "vector": uv[l], "papers": [(p, s, sc) for (p, s), sc in papers.items()]})
    # a piece of a longer name ("relative policy optimization" of "Group Relative Policy Optimization")
    # joins the concept of that name ("GRPO")
    concepts, fragments = merge_fragments(concepts, paper_texts(mt, pt))
    # a piece of a name no concept holds is named whole: "group relative policy optimization"
    concepts, whole = name_whole(concepts, paper_texts(mt, pt), forms)
    # an acronym and the phrases its papers define it by ("CoT", "chain-of-thought", "chain-of-thought
    # reasoning") are one concept, whatever their vectors and heads say
    concepts, expansions = merge_expansions(concepts, acronym_texts(lib, concepts))
    params = {"extractor": "keybert", "model": getattr(enc, "model_id", "?"), "min_df": min_df, "top_n": top_n,
              "merge_sim": merge_sim, "min_papers": min_papers, "vocabulary": len(vocab),
              "fragments_merged": len(fragments), "names_made_whole": len(whole),
              "expansions_merged": len(expansions)}
    batch = lib.save_concepts(concepts, params, now_iso()) if save else None
    report(progress, 5, 5, f"{len(concepts)} concepts")
    return {"batch": batch, "papers": n, "vocabulary": len(vocab), "phrases": len(used), "concepts": len(concepts),
            "method_concepts": sum(c["kind"] == "method" for c in concepts),
            "problem_concepts": sum(c["kind"] == "problem" for c in concepts),
            "seconds": round(time.perf_counter() - t0, 1), "concept_list": concepts}
