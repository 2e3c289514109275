"""Readable cluster labels: class-based TF-IDF keywords (as in BERTopic) and a representative sentence."""

from __future__ import annotations

import importlib
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Mapping, Optional, Sequence

import numpy as np

from ..jobs import ProgressFn, abandonable, check, counted, stages

_LATEX = re.compile(r"\$[^$]*\$|\\[a-zA-Z]+|\{|\}")
_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")
# Words that tell nothing about a cluster in scientific prose, on top of sklearn's English list.
EXTRA_STOP = {
    "paper", "propose", "proposed", "proposes", "method", "methods", "approach", "approaches", "results",
    "result", "show", "shows", "demonstrate", "demonstrates", "based", "using", "use", "used", "novel",
    "new", "existing", "work", "study", "present", "introduce", "introduces", "achieve", "achieves",
    "performance", "experiments", "experimental", "state", "art", "model", "models", "framework", "task",
    "tasks", "data", "however", "significantly", "improve", "improves", "improved", "outperforms",
    "effective", "effectively", "efficient", "various", "different", "specific", "limited", "also",
    "furthermore", "moreover", "extensive", "key", "while", "address", "challenges", "challenge",
    "remains", "remain", "often", "problem", "problems", "prove", "obtain", "give", "paper", "arxiv",
    "demonstrated", "remarkable", "recent", "recently", "advances", "advancements", "impressive", "success",
    "significant", "substantial", "widely", "growing", "increasingly", "despite", "current", "typically",
    # verbs and fillers of result and method sentences ("we give two main applications", "this holds in
    # the case ..."), which otherwise label whole clusters of papers in mathematics
    "gives", "given", "giving", "holds", "hold", "including", "includes", "expressed", "case", "cases",
    "main", "application", "applications", "provide", "provides", "provided", "proves", "proved", "proof",
    "shown", "showing", "obtained", "obtains", "establish", "establishes", "certain", "particular",
    "respectively", "version", "area", "allows", "allow", "enables", "enable", "way", "ways",
}


_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-']*|[^\sA-Za-z0-9]")
_WORD = re.compile(r"[a-z][a-z\-]{2,}")


def clean_text(text: str) -> str:
    """Formulas out; each leaves a mark that breaks bigrams ("groups $G$ acting" is not "groups acting")."""
    return _LATEX.sub(" ; ", text or "")


def chains(text: str, stop: frozenset) -> list[list[str]]:
    """The runs of adjacent words of a text, lower case: a stop word, a number, a formula or a punctuation
    mark ends a run ("groups of Lie type" gives [groups], [lie, type])."""
    out: list[list[str]] = [[]]
    for tok in _TOKEN.findall(text.lower()):
        tok = tok.strip("-'")
        if not _WORD.fullmatch(tok) or tok in stop:
            if out[-1]:
                out.append([])
            continue
        out[-1].append(tok)
    return [c for c in out if c]


def terms_of(text: str, stop: frozenset) -> list[str]:
    """Unigrams and bigrams of adjacent words. A stop word, a number, a formula or a punctuation mark
    breaks the chain, so "groups of Lie type" yields "lie type" but never "groups lie"."""
    out: list[str] = []
    for run in chains(text, stop):
        for i, tok in enumerate(run):
            out.append(tok)
            if i:
                out.append(f"{run[i - 1]} {tok}")
    return out


# A keyword is a piece of a longer term when nearly all its uses in the cluster's texts sit inside that term:
# the bigrams cut "mean average precision" to "mean average" (a label "ViTs, mean average, tiny" on the
# 10,653-paper library, where 13 of its 13 uses went on with "precision"); the label shows the whole term.
WHOLE_TERM_SHARE = 0.9
WHOLE_TERM_MAX_WORDS = 5
# Head nouns among the stop words: no keyword alone, yet the end of a term the bigrams cut before them
# ("Multimodal Large Language" of "multimodal large language models", "pre-trained vision-language" on the
# 10,653-paper library). A term of two words or a hyphenated one grows across them as across any word.
TERM_HEADS = frozenset({"model", "models", "framework", "frameworks", "method", "methods", "task", "tasks"})
# A keyword that the texts of this share of the clusters write names no subject: a term every part of the
# library uses ("layers" 22 %, "sensitivity" 28 %, "sequences" 32 % of the shortcoming clusters of the
# 10,653-paper library, which made the label "sensitivity, layers, sequences"; "state-of-the-art",
# "large language models") comes after the cluster's other terms. Subjects sit far below: "antenna", "pricing"
# 1 %, "fairness" 7-10 %.
KEYWORD_MAX_SPREAD = 0.2
KEYWORD_SPREAD_MIN_CLUSTERS = 10     # with fewer clusters a share says little: two clusters, 50 % each


def word_positions(runs: Sequence[Sequence[str]]) -> dict[str, list[tuple[int, int]]]:
    """{word: (run, position) of each of its uses}: where ``whole_term`` looks."""
    where: dict[str, list[tuple[int, int]]] = {}
    for k, run in enumerate(runs):
        for i, w in enumerate(run):
            where.setdefault(w, []).append((k, i))
    return where


def whole_term(term: str, runs: Sequence[Sequence[str]], where: Optional[Mapping] = None,
               share: float = WHOLE_TERM_SHARE, max_words: int = WHOLE_TERM_MAX_WORDS) -> str:
    """``term`` grown a word at a time to the left or the right while ``share`` of its uses in ``runs``
    (``chains`` of the cluster's texts; ``where``: their ``word_positions``) have that word there, at most
    ``max_words`` words."""
    q = term.split()
    where = word_positions(runs) if where is None else where
    occ = [(runs[k], i) for k, i in where.get(q[0], ()) if list(runs[k][i:i + len(q)]) == q]
    lo, hi = 0, len(q)                     # a use's span is [i + lo, i + hi) of its run
    while len(occ) >= 2 and hi - lo < max_words:
        # a word and its plural count as one ("whole-slide image" and "whole-slide images")
        left = Counter(_plural_off(r[i + lo - 1]) for r, i in occ if i + lo > 0)
        right = Counter(_plural_off(r[i + hi]) for r, i in occ if i + hi < len(r))
        best = max([(c, 0, w) for w, c in right.most_common(1)] + [(c, 1, w) for w, c in left.most_common(1)],
                   default=None)
        if best is None or best[0] < share * len(occ):
            break
        _, on_left, w = best
        if on_left:
            occ = [(r, i) for r, i in occ if i + lo > 0 and _plural_off(r[i + lo - 1]) == w]
            lo -= 1
            q = [Counter(r[i + lo] for r, i in occ).most_common(1)[0][0], *q]
        else:
            occ = [(r, i) for r, i in occ if i + hi < len(r) and _plural_off(r[i + hi]) == w]
            q = [*q, Counter(r[i + hi] for r, i in occ).most_common(1)[0][0]]
            hi += 1
    return " ".join(q)


def _plural_off(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def ctfidf_keywords(texts_by_cluster: Sequence[Sequence[str]], top_n: int = 6,
                    max_docs_per_cluster: int = 200, seed: int = 0, *, cancel=None,
                    widespread: Optional[list] = None, progress: Optional[ProgressFn] = None) -> list[list[str]]:
    """Top c-TF-IDF terms (unigrams and bigrams) per cluster; at most ``max_docs_per_cluster``
    texts per cluster are read (a seeded sample), which keeps labelling 75k papers to seconds.
    ``cancel`` is read as each text is split into terms and between clusters (seconds of a map build), and
    ``progress`` told every batch of texts, then of clusters (jobs.counted): on a large library the whole is
    a quarter of a minute per map.
    A term the texts of KEYWORD_MAX_SPREAD of the clusters write comes after the others; given a list,
    ``widespread`` receives such terms instead (a list per cluster), for the label's last resort, unless the
    cluster has no other term."""
    import scipy.sparse as sp

    # sklearn's first import is seconds that no token reaches: a Cancel meanwhile does not wait for it
    text_features = abandonable(lambda: importlib.import_module("sklearn.feature_extraction.text"), cancel,
                                name="gapscope-import")
    ENGLISH_STOP_WORDS, CountVectorizer = text_features.ENGLISH_STOP_WORDS, text_features.CountVectorizer

    rng = np.random.default_rng(seed)
    member_docs: list[str] = []
    owner: list[int] = []
    for ci, texts in enumerate(texts_by_cluster):
        texts = [t for t in texts if t]
        if len(texts) > max_docs_per_cluster:
            texts = [texts[i] for i in sorted(rng.choice(len(texts), max_docs_per_cluster, replace=False))]
        member_docs += [clean_text(t) for t in texts]
        owner += [ci] * len(texts)
    k = len(texts_by_cluster)
    if not member_docs:
        return [[] for _ in range(k)]
    stop = frozenset(ENGLISH_STOP_WORDS | EXTRA_STOP)
    part = stages(progress, 2)
    doc_terms = [terms_of(t, stop) for t in counted(member_docs, part(0), "keywords", cancel=cancel, unit="texts")]
    vec = CountVectorizer(analyzer=lambda terms: terms, min_df=1)     # each text split into terms above
    try:
        per_doc = vec.fit_transform(doc_terms)
    except ValueError:  # only stop words
        return [[] for _ in range(k)]
    which = sp.csr_matrix((np.ones(len(owner)), (np.array(owner), np.arange(len(owner)))), shape=(k, len(owner)))
    counts = (which @ per_doc).astype(np.float64).tocsr()
    doc_freq = (which @ (per_doc > 0).astype(np.float64)).tocsr()
    sizes = np.asarray(which.sum(axis=1)).ravel()
    # a label word must be used by several members, not one paper's acronym
    min_docs = np.maximum(2, np.ceil(0.08 * sizes))
    terms = np.array(vec.get_feature_names_out())
    # BERTopic's c-TF-IDF with its reduce_frequent_words (sqrt of the term frequency), times a class
    # idf so that a word every cluster uses ("llms" in a cs library) does not label them all
    sq = counts.sqrt()
    tf = sq.multiply(1.0 / np.maximum(np.asarray(sq.sum(axis=1)), 1e-9)).tocsr()
    avg_words = counts.sum() / max(counts.shape[0], 1)
    freq = np.asarray(counts.sum(axis=0)).ravel()
    idf = np.log(1.0 + avg_words / np.maximum(freq, 1))
    n_classes = max(int((sizes > 0).sum()), 1)
    class_df = np.asarray((counts > 0).sum(axis=0)).ravel()
    idf = idf * np.log(1.0 + n_classes / np.maximum(class_df, 1))
    scores = tf.multiply(idf).tocsr()
    out = []
    for i in counted(range(scores.shape[0]), part(1), "keywords", cancel=cancel, unit="clusters"):
        row = scores.getrow(i)
        df_row = doc_freq.getrow(i).toarray().ravel()
        keep = df_row[row.indices] >= min(min_docs[i], max(sizes[i], 1))
        if keep.any():  # a tiny cluster whose words are all one-offs keeps them rather than no label
            row = sp.csr_matrix((row.data[keep], row.indices[keep], [0, int(keep.sum())]), shape=row.shape)
        if row.nnz == 0:
            out.append([])
            if widespread is not None:
                widespread.append([])
            continue
        order = row.indices[np.argsort(-row.data)]
        texts = [member_docs[j] for j in np.flatnonzero(np.asarray(owner) == i)]
        runs = [run for t in texts for run in chains(t, stop)]
        where = word_positions(runs)
        head_runs = [run for t in texts for run in chains(t, stop - TERM_HEADS)]
        head_where = word_positions(head_runs)
        picked: list[str] = []
        common: list[str] = []                     # terms all the library writes: "layers", "state-of-the-art"
        for j, t in zip(order, terms[order]):
            t = whole_term(str(t), runs, where)    # "mean average precision", not "mean average"
            if " " in t or "-" in t:               # "multimodal large language models"
                t = whole_term(t, head_runs, head_where)
            if any(t in p or p in t for p in picked + common):  # no 'graph' next to 'graph neural'
                continue
            if n_classes >= KEYWORD_SPREAD_MIN_CLUSTERS and class_df[j] >= KEYWORD_MAX_SPREAD * n_classes:
                common.append(t)                   # last: only where the cluster has too few other terms
                continue
            picked.append(t)
            if len(picked) == top_n:
                break
        apart = widespread is not None and bool(picked)     # a cluster with only such terms keeps them
        if apart:
            widespread.append([surface_form(t, texts) for t in common[:top_n]])
        else:
            picked += common[:top_n - len(picked)]
            if widespread is not None:
                widespread.append([])
        out.append([surface_form(t, texts) for t in picked])
    return out


def surface_form(term: str, texts: Sequence[str]) -> str:
    """A keyword as the cluster's texts most often write it: terms are counted in lower case, which read as
    "lrms, vits, mil" in a label for "LRMs, ViTs, MIL". A capital at a sentence's start says nothing of the
    word and is not counted, nor is a title's where the texts also write the term in lower case; a term its
    texts never write (or only at sentence starts) stays as it is."""
    words = term.split()
    pat = re.compile(r"(?<![A-Za-z0-9\-'])" + r"\s+".join(re.escape(w) for w in words) + r"(?![A-Za-z0-9\-'])",
                     re.IGNORECASE)
    seen: dict[str, int] = {}
    for text in texts:
        for m in pat.finditer(text):
            form = " ".join(m.group(0).split())
            before = text[max(0, m.start() - 8):m.start()].rstrip()
            if form[0].isupper() and form[1:] == form[1:].lower() and (not before or before[-1] in ".!?:;"):
                continue            # a sentence's first word
            seen[form] = seen.get(form, 0) + 1
    if term in seen:
        # titles capitalise every word ("Neuro-Symbolic Reasoning for ..."): such a form wins only over texts
        # that never write the term in lower case (a name: "Nash", "Lie type"); an acronym's or a name's inner
        # capitals ("LRMs", "SemanticKITTI") are the word's own
        seen = {f: n for f, n in seen.items() if not _title_cased(f)}
    if not seen:
        return term
    # the most frequent form; on a tie the lower-case one, then the first seen
    return max(seen, key=lambda f: (seen[f], f == term))


def _title_cased(form: str) -> bool:
    """Capitals only at its words' starts ("Neuro-Symbolic", "Pricing"), none inside a word ("ViTs")."""
    return form != form.lower() and all(w[1:] == w[1:].lower() for w in re.split(r"[\s\-]+", form))


def label_from_keywords(keywords: Sequence[str], n: int = 3) -> str:
    return ", ".join(keywords[:n]) if keywords else "(no words)"


def filled_terms(terms: Sequence[str], more: Sequence[str], n: int = 3) -> list[str]:
    """``terms`` with the first of ``more`` (the cluster's ranked concept phrases) that repeat none of them
    added up to ``n``: a keyword label the judge left one or two words (11 of the 10,653-paper library's 286
    labels: "word", "SFT, convergence") is completed by what its papers name rather than shown short."""
    out = list(terms[:n])
    for m in more:
        if len(out) >= n:
            break
        if not any(redundant(m, t) or m.lower() in t.lower() or t.lower() in m.lower() for t in out):
            out.append(m)
    return out


def label_keywords(keywords: Sequence[str], term_ok: Optional[Callable[..., bool]] = None, *,
                   fallback: bool = True) -> list[str]:
    """The keywords a label may show, best first: those ``term_ok`` (PaperConcepts.term_ok) takes for a name,
    none a spelling or an inflection of a better one ("grading, grade"; :func:`redundant`). When it takes
    none the cluster keeps its best words rather than no label (``fallback``; else [])."""
    good = [k for k in keywords if term_ok is None or term_ok(k, keyword=True)] or (list(keywords) if fallback else [])
    out: list[str] = []
    for k in good:
        if not any(redundant(k, p) for p in out):
            out.append(k)
    return out


def representative_sentence(text: str, centroid: Optional[np.ndarray] = None, max_chars: int = 240) -> str:
    """The first sentence of the member nearest the centroid, trimmed for display."""
    text = " ".join((text or "").split())
    first = _SENT.split(text, maxsplit=1)[0] if text else ""
    return first if len(first) <= max_chars else first[: max_chars - 1].rstrip() + "\u2026"


# --- labels from concepts --------------------------------------------------------------------------
@dataclass
class PaperConcepts:
    """What cluster labels are made from when the library has concepts, handed in by the caller (the
    maps area may not import the concepts area): each paper's concept phrases, method and problem alike,
    the phrases' vectors (to keep near-duplicates out of one label), the concept batch they came from and the
    judge of which terms may name a cluster."""
    phrases: Mapping[int, Sequence[str]]
    vectors: Mapping[str, np.ndarray] = field(default_factory=dict)
    batch: Optional[int] = None
    # term_ok(phrase, keyword=False): whether a phrase may be a label term (concepts/label_terms.py: a nameable
    # concept, no fragment nor modifier); None takes every phrase
    term_ok: Optional[Callable[..., bool]] = None
    # prepare_terms(phrases, keyword=False): let term_ok read these phrases' vectors in one batch (encoding
    # one phrase costs about as much as fifty); None: nothing to prepare
    prepare_terms: Optional[Callable[..., None]] = None
    # each phrase's kind ("method" or "problem") and synonyms, and naming(forms_of, cancel=None): the papers
    # whose title or abstract names one of a phrase's forms (Library.papers_naming); what a one-phrase label
    # reads (phrase_labels.py). Without naming only the papers a concept was extracted from name it.
    kinds: Mapping[str, str] = field(default_factory=dict)
    synonyms: Mapping[str, Sequence[str]] = field(default_factory=dict)
    naming: Optional[Callable[..., Mapping[str, set]]] = None
    # reads_as(phrases, cancel=None) -> {phrase: whether it reads as its kind says}: a method concept as a
    # technique, a problem concept as a task, as a gap's ends are judged (gaps/label_ends.py). A label writes
    # "X for Y" only for two that do ("LiDAR" is a sensor: "LiDAR / pose estimation"); None: every one does
    reads_as: Optional[Callable[..., Mapping[str, bool]]] = None

    def __bool__(self) -> bool:
        return bool(self.phrases)


CONCEPT_LABEL_N = 3          # phrases in a label
CONCEPT_KEEP = 6             # ranked phrases kept per cluster (the tooltip shows them)
SHARE_POWER = 0.5           # weight of a phrase's concentration in the cluster (0: plain c-TF-IDF)
# A label must speak for a good part of its cluster, as the keywords (from every member's text) do:
# concept phrases become the label only when one of them is named by this share of the members. KeyBERT
# names a paper's top 5 phrases, so a phrase often covers 3-5 % of a cluster; labels from so few papers
# misnamed clusters ("continual learning, CIFAR-10" over a semi-supervised one, see
# benchmarks/results/maps/concept_labels.txt); the clusters with such a phrase read better by concepts.
CONCEPT_MIN_COVER = 0.10
NEAR_DUPLICATE_COS = 0.8     # concept vectors this close name the same thing ("LLMs" / "language models")
_CHECK_EVERY = 500           # papers (or phrases) between two reads of the cancel token in concept_labels


def _stem(t: str) -> str:
    """A light stem, enough to match a label's words: plural 's', a version number, then 'ing', then a
    final 'e' off ("images", "imaging", "image" -> "imag"; "captioning" -> "caption"; "SAM2" -> "sam")."""
    if len(t) > 3 and t.endswith("s") and not t.endswith("ss"):
        t = t[:-1]
    base = t.rstrip("0123456789")            # a version number: "SAM2" is "SAM"
    if len(base) >= 2 and base != t:
        return base
    if len(t) > 5 and t.endswith("ing"):
        t = t[:-3]
    if len(t) > 3 and t.endswith("e"):
        t = t[:-1]
    return t


def _norm_tokens(phrase: str) -> frozenset:
    """Stemmed lower-cased words of a phrase, hyphens split: "diffusion models" -> {diffusion, model}."""
    return frozenset(_stem(t) for t in re.split(r"[\s\-]+", phrase.lower()) if t)


def _acronym_of(short: str, long: str) -> bool:
    """Whether the one word ``short`` (two capitals or more, perhaps a plural s) abbreviates ``long``: each
    word of ``long`` starts the next of its letters and may hold more in order ("LLMs" large language
    models, "ViT" vision transformer, "HSI" hyperspectral image, "3DGS" 3D gaussian splatting); its first
    letters may be words ``long`` leaves out ("ASR" and "speech recognition": the automatic one)."""
    s = short.strip()
    if " " in s or len(s) < 2 or sum(c.isupper() for c in s) < 2:
        return False
    s = s[:-1] if s.endswith("s") and len(s) > 2 else s
    words = [w for w in re.split(r"[\s\-]+", long.lower()) if w]
    if not words or not s.isalnum():
        return False
    # the long form without its first words must keep two words and spell two letters or more
    skips = range(len(s) - 1) if len(words) >= 2 else range(1)
    return any(_spells(s[k:], words) for k in skips)


# A capital of an acronym starts a word of its long form, or sits inside a compound this long
# ("hyperspectral" for the S of HSI); a lower-case letter may come from anywhere inside (ViT, LoRA). Without
# the bound "MDS" (maximum distance separable) spelt "minimum distance".
_COMPOUND_CHARS = 10


def _spells(letters: str, words: Sequence[str]) -> bool:
    """``letters`` (an acronym, as written) spelt by ``words`` (lower case): each word starts with the next
    letter and may hold the following ones in order after its first character; every word and letter used."""
    if not words:
        return not letters
    if not letters or words[0][0] != letters[0].lower():
        return False
    if _spells(letters[1:], words[1:]):
        return True
    i = 1
    for at, ch in enumerate(words[0][1:], 1):       # more letters from inside this word, in order
        if i < len(letters) and ch == letters[i].lower() and (
                letters[i].islower() or at == 1 or len(words[0]) >= _COMPOUND_CHARS):
            i += 1
            if _spells(letters[i:], words[1:]):
                return True
    return False


def _acronym_inside(a: str, b: str) -> bool:
    """A word of ``a`` that abbreviates the whole of ``b``: "ASR models" and "speech recognition", "HSI
    classification" and "hyperspectral image" name one thing twice."""
    return " " in a.strip() and any(_acronym_of(w, b) for w in a.split())


def redundant(a: str, b: str, va: Optional[np.ndarray] = None, vb: Optional[np.ndarray] = None,
              cos: float = NEAR_DUPLICATE_COS) -> bool:
    """Whether two phrases should not appear in one label: one contains the other's words ("diffusion"
    and "diffusion models") or most of its words, one is the other's acronym, or their vectors are near-duplicates."""
    ta, tb = _norm_tokens(a), _norm_tokens(b)
    # one inside the other, or most of the shorter one's words shared ("text-to-image generation" and
    # "text-to-image models"; "video understanding benchmarks" and "long video understanding")
    if ta and tb and (ta <= tb or tb <= ta or 2 * len(ta & tb) > min(len(ta), len(tb))):
        return True
    if _acronym_of(a, b) or _acronym_of(b, a) or _acronym_inside(a, b) or _acronym_inside(b, a):
        return True
    if va is not None and vb is not None:
        na, nb = float(np.linalg.norm(va)), float(np.linalg.norm(vb))
        if na > 0 and nb > 0 and float(va @ vb) / (na * nb) >= cos:
            return True
    return False


def concept_labels(members_by_cluster: Sequence[Sequence[int]], paper_concepts: Mapping[int, Sequence[str]], *,
                   vectors: Optional[Mapping[str, np.ndarray]] = None, top_n: int = CONCEPT_KEEP,
                   min_share: float = 0.03, term_ok: Optional[Callable[..., bool]] = None,
                   distinct: bool = True, cancel=None) -> list[list[str]]:
    """The most distinctive concept phrases of each cluster, best first: c-TF-IDF (BERTopic's, with its
    square-root term frequency) over bags of whole phrases, one bag per cluster holding the phrases its
    papers name, times the square root of the share of the phrase's papers that are in the cluster, so
    a phrase many of this cluster's papers name and few others' wins over one every cluster names. A phrase must be named by at least two papers of the cluster and ``min_share`` of
    its papers with concepts (5 % kept "tumor", named by 11 of 223, out of a cancer imaging cluster);
    phrases redundant with a better one (:func:`redundant`) are skipped, and so is a phrase with a word
    two phrases already chosen share, and so is one ``term_ok`` refuses (no name for a cluster: "findings
    underscore"), so the next most distinctive good phrase takes its place. A cluster none of whose papers
    has a concept gets [] (the caller falls back to keywords). ``distinct=False`` keeps redundant phrases and
    repeated words: candidates for a one-phrase label ("NMT" would hide "machine translation"), which weighs
    them itself (phrase_labels.py).
    ``cancel`` is read between clusters and every ``_CHECK_EVERY`` papers or phrases (a second on a big library)."""
    import scipy.sparse as sp

    k = len(members_by_cluster)
    index: dict[str, int] = {}
    rows, cols = [], []
    with_concepts = np.zeros(k, dtype=np.float64)
    for ci, members in enumerate(members_by_cluster):
        check(cancel)
        for n, pid in enumerate(members):
            if n % _CHECK_EVERY == _CHECK_EVERY - 1:
                check(cancel)
            phrases = sorted(set(paper_concepts.get(int(pid)) or ()))   # sorted: ties break the same each run
            if phrases:
                with_concepts[ci] += 1
            for ph in phrases:
                rows.append(ci)
                cols.append(index.setdefault(ph, len(index)))
    if not index:
        return [[] for _ in range(k)]
    phrases = np.array(sorted(index, key=index.get), dtype=object)
    counts = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(k, len(index)))   # papers naming it
    counts.sum_duplicates()
    sq = counts.sqrt()
    tf = sq.multiply(1.0 / np.maximum(np.asarray(sq.sum(axis=1)), 1e-9)).tocsr()
    freq = np.asarray(counts.sum(axis=0)).ravel()
    avg = counts.sum() / max(int((with_concepts > 0).sum()), 1)
    # BERTopic's idf alone: times a class idf (as the keywords use) it let phrases of 7 papers beat the
    # cluster's subject on the 10k cs library ("low-rank, long-context" over "LoRA")
    idf = np.log(1.0 + avg / np.maximum(freq, 1))
    # times the square root of the phrase's share of its papers in this cluster: a phrase spread thinly
    # over every cluster ("consider", "challenging") loses to one most of whose papers are here
    # ("POPE" beside "hallucination detection"; measured in benchmarks/results/maps/concept_labels.txt)
    share = counts.multiply(1.0 / np.maximum(freq, 1)[None, :]).tocsr()
    share.data = share.data ** SHARE_POWER
    scores = tf.multiply(idf).multiply(share).tocsr()
    out: list[list[str]] = []
    for ci in range(k):
        check(cancel)
        row, crow = scores.getrow(ci), counts.getrow(ci)
        if row.nnz == 0:
            out.append([])
            continue
        need = max(2.0, min_share * with_concepts[ci]) if with_concepts[ci] >= 4 else 1.0
        got = dict(zip(crow.indices, crow.data))
        order = [j for j in row.indices[np.argsort(-row.data, kind="stable")] if got.get(j, 0) >= need]
        picked: list[str] = []
        words: dict[str, int] = {}
        for n, j in enumerate(order):
            if n % _CHECK_EVERY == _CHECK_EVERY - 1:
                check(cancel)
            ph = str(phrases[j])
            if term_ok is not None and not term_ok(ph):
                continue
            if not distinct:
                picked.append(ph)
                if len(picked) == top_n:
                    break
                continue
            v = vectors.get(ph) if vectors else None
            if any(redundant(ph, p, v, vectors.get(p) if vectors else None) for p in picked):
                continue
            # a word in two phrases already: a third says little new ("reasoning paths, reasoning traces,
            # LLM reasoning")
            toks = _norm_tokens(ph)
            if any(words.get(t, 0) >= 2 for t in toks):
                continue
            for t in toks:
                words[t] = words.get(t, 0) + 1
            picked.append(ph)
            if len(picked) == top_n:
                break
        out.append(picked)
    return out


def label_from_concepts(phrases: Sequence[str], n: int = CONCEPT_LABEL_N) -> str:
    return ", ".join(phrases[:n])
