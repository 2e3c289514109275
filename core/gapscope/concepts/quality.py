"""Which concepts and which (method, problem) pairs a gap may name.

Three rules, each measurable on its own (benchmarks/results/gaps/concept-quality-*.txt lists what each one
removes on a real library):

1. Not a concept (``not_a_concept``): a single common word ("encoder", "robustness"; a named thing such
   as "LoRA" or "NeRF", written with a capital, is a concept), a modifier without its noun ("cross-modal",
   "spatial-spectral": the last word an adjective), a phrase led by an adverb ("directly predicts"), or a
   phrase made of words from the stop
   lists in vocabulary.py: an evaluation measure ("f1 score", "ground truth", "PSNR") is how results are scored, not a problem; a
   phrase that ends in a connective verb ("dataset containing"), in the verb of a claim ("LLMs excel") or
   in an acronym it cuts ("learning RL") is a fragment of a sentence; and on the problem side a named model ("Qwen3-8B", "OpenVLA", ``model_name``) or a
   model class ("CNN", "VLMs", "diffusion models", ``model_class``) is a tool, not a problem.
2. Generic (``topic_spread``): a concept whose papers spread over the library's topics as evenly as the
   same number of papers drawn at random ("foundation models", "NLP", "standard benchmarks") names a
   field or a habit of writing, not something a proposal can apply. The score is the entropy of the
   concept's papers over ``GENERIC_AREAS`` clusters of the library's abstracts divided by the entropy
   expected of as many random papers; a concept with at least ``GENERIC_MIN_PAPERS`` papers and a spread
   at or above ``GENERIC_SPREAD`` is generic.
3. One thing twice (``same_thing``): a pair whose ends are the same concept or one contains the other:
   the content words of one phrase (or of a synonym) within the other's ("diffusion transformer" x
   "diffusion models"), an acronym of the other ("QA" x "question answering"), or phrase vectors closer
   than ``SAME_THING_SIM``.
4. A bare property (``bare_property``): a quality without the thing it is a quality of ("visual fidelity",
   "semantic consistency", "failure modes", "faster inference"): a property noun whose other words are
   adjectives or properties, or a phrase led by a comparative. "image quality" or "inference latency" name
   their object and stay. A setting of training or inference ("batch sizes", "context length", "learning
   rate", ``setting``) is refused with them: a quantity a paper chooses, not one it addresses.
5. A measure as the problem (``metric``): "answer accuracy", "segmentation accuracy", "dice score", "attack
   success rate", "word error rate": how a result is scored, not a problem ("Apply X to answer accuracy"
   is "Apply X to question answering", which the problem side names already). A property to improve
   stays: "inference latency", "frame rate", "hallucination rates", "compounding errors", and a clinical
   outcome, "diagnostic accuracy".
The rules on pairs that read the library's text and topics (joined in text, one inside the other's area)
are in concepts/pair_rules.py."""

from __future__ import annotations

import re
from typing import Iterable, Mapping, Optional, Sequence

import numpy as np

from .acronyms import is_capitals
from .tokens import dimension
from ..vocabulary import (CONCEPT_COMPARATIVES, CONCEPT_CONNECTIVES, CONCEPT_HEAD_NOUNS, CONCEPT_MEASURES,
                          CONCEPT_MODEL_FAMILIES, CONCEPT_MODEL_HEADS, CONCEPT_NOT_ADJECTIVES, CONCEPT_NUMBERED_METHODS,
                          CONCEPT_PLAIN_ADJECTIVES, CONCEPT_PROPERTIES, CONCEPT_SETTING_HEADS)
from ..vocabulary import (CONCEPT_ARTEFACT_MODIFIERS, CONCEPT_CLAUSE_VERBS, CONCEPT_HARDWARE_HEADS,
                          CONCEPT_METRIC_ERROR_WORDS, CONCEPT_METRIC_HEADS, CONCEPT_METRIC_RATE_WORDS,
                          CONCEPT_TASK_ADJECTIVES)

GENERIC_AREAS = 12       # topic clusters the spread counts over: areas (vision, language, ...), not topics
GENERIC_SPREAD = 0.9      # see benchmarks/results/gaps/concept-quality-*.txt for what each value removes
GENERIC_MIN_PAPERS = 15   # below this a spread is chance (5 papers in 5 areas): a small concept is not judged
SAME_THING_SIM = 0.65     # cosine of MiniLM phrase vectors: "VLMs" and "MLLMs" name one thing twice
_SPLIT = re.compile(r"[\s\-/]+")
_SIZE = re.compile(r"\b\d+(\.\d+)?[bm]\b|-\d+(\.\d+)?[bm]\b")      # "8B", "-70b", "1.5B" parameter counts


def generic(spread: np.ndarray, papers: np.ndarray) -> np.ndarray:
    """Generic concepts: enough papers to judge and spread over the areas as much as chance."""
    s = np.nan_to_num(np.asarray(spread, dtype=np.float64), nan=0.0)
    return (np.asarray(papers) >= GENERIC_MIN_PAPERS) & (s >= GENERIC_SPREAD)


def _tokens(phrase: str) -> list[str]:
    return [t for t in _SPLIT.split(phrase.lower()) if t]


def singular(t: str) -> str:
    """A plural by its -s made singular ("models": model; "loss" and short words stay)."""
    return t[:-1] if len(t) > 3 and t.endswith("s") and not t.endswith("ss") else t


def hardware(phrase: str) -> bool:
    """What a method runs on ("NVIDIA Jetson", "edge GPUs", "VRAM"): neither a method, a problem nor data."""
    toks = _tokens(phrase)
    return bool(toks) and singular(toks[-1]) in CONCEPT_HARDWARE_HEADS


def specific(phrase: str) -> bool:
    """A phrase of two or more words or a named thing with a capital ("point clouds", "LoRA"), not one word
    ("diffusion") nor one compound ("high-resolution"): what a gap or its statement may name."""
    return " " in phrase.strip() or any(ch.isupper() for ch in phrase)


def not_a_concept(phrase: str) -> Optional[str]:
    """Why ``phrase`` is not a concept (a short reason), or None when it may be one."""
    toks = [singular(t) for t in _tokens(phrase)]
    if not toks:
        return "empty"
    if len(toks) == 1 and " " not in phrase.strip() and not any(ch.isupper() for ch in phrase):
        return "single common word"
    if toks[-1] in CONCEPT_CONNECTIVES or toks[0] in CONCEPT_CONNECTIVES:
        return "sentence fragment"
    if len(toks) >= 2 and toks[-1] in CONCEPT_CLAUSE_VERBS:
        return "sentence fragment"          # "LLMs excel", "existing methods struggle"
    if hardware(phrase):
        return "hardware"
    raw = _tokens(phrase)
    if len(raw) >= 2 and "-" not in phrase.split()[0] and adverb(raw[0]):
        return "sentence fragment"          # "directly predicts", "jointly optimizes"
    last = _SPLIT.split(phrase.strip())[-1]
    if not any(ch.isupper() for ch in last) and adjective(raw[-1]) and raw[-1] not in CONCEPT_COMPARATIVES:
        return "modifier without its noun"  # "cross-modal", "spatial-spectral", "high-level semantic"
    compound = phrase.split()[-1].lower().split("-")
    if len(compound) >= 2 and compound[0] in CONCEPT_PLAIN_ADJECTIVES and not compound[-1].endswith("ing"):
        return "modifier without its noun"  # "generating high-fidelity", "real-time", "fine-grained"
    if all(t in CONCEPT_MEASURES or t in CONCEPT_HEAD_NOUNS for t in toks) and any(t in CONCEPT_MEASURES for t in toks):
        return "evaluation measure"
    words = phrase.split()
    if len(words) >= 2 and is_capitals(words[-1]):
        # "learning RL", "processing NLP": the end of "reinforcement learning (RL)", cut by the n-grams
        # only when the words before it end an expansion ("learning", "processing", "models"), so that
        # "multimodal LLMs" or "medical LLMs" stay
        acr = singular(words[-1].lower())
        lead_words = _tokens(" ".join(words[:-1]))
        lead = "".join(t[0] for t in lead_words)
        ends_expansion = all(t.endswith("ing") or singular(t) in CONCEPT_HEAD_NOUNS for t in lead_words)
        if ends_expansion and len(lead) < len(acr) and acr.endswith(lead):
            return "sentence fragment"
    return None


_ADJECTIVE_ENDINGS = ("al", "ic", "ive", "ous", "ful", "less", "able", "ible", "ular")


def adjective(word: str) -> bool:
    """An adjective by its ending ("visual", "semantic", "generative") or a plain one ("high", "robust")."""
    if word in CONCEPT_PLAIN_ADJECTIVES or word in CONCEPT_COMPARATIVES:
        return True
    if word in CONCEPT_NOT_ADJECTIVES or len(word) < 5 or not word.isalpha():
        return False
    return word.endswith(_ADJECTIVE_ENDINGS) or (word.endswith("ed") and not word.endswith("eed"))


def adverb(word: str) -> bool:
    """An adverb ("heavily"), not a noun ending in -ly ("anomaly", "supply")."""
    return len(word) > 4 and word.endswith("ly") and word.isalpha() and word not in CONCEPT_NOT_ADJECTIVES


def _base(word: str) -> str:
    return word[:-3] + "y" if len(word) > 4 and word.endswith("ies") else singular(word)


def bare_property(phrase: str) -> bool:
    """A quality without its object, or a setting (``setting``): neither a method nor a problem a proposal
    can address."""
    words = [_base(t) for t in _tokens(phrase)]
    if len(words) >= 2 and words[0] in CONCEPT_COMPARATIVES:
        return True
    if setting(phrase):
        return True
    if not words or words[-1] not in CONCEPT_PROPERTIES:
        return False
    if any(w in CONCEPT_TASK_ADJECTIVES for w in words[:-1]):
        return False                            # "diagnostic accuracy": the accuracy of a diagnosis
    return all(w in CONCEPT_PROPERTIES or w in CONCEPT_MEASURES or adjective(w) for w in words[:-1])


def setting(phrase: str) -> bool:
    """A setting of training or inference ("batch sizes", "context length", "number of views", "denoising
    steps", "learning rate"): a quantity a paper chooses, not a problem to apply a method to nor a method.
    See CONCEPT_SETTING_HEADS in vocabulary.py."""
    raw = [t for t in _tokens(phrase) if t != "of"]
    words = [singular(t) for t in raw]
    if len(words) < 2:
        return False
    if words[-1] in CONCEPT_SETTING_HEADS:
        return True
    if words[0] == "number":
        return raw[-1].endswith("s")          # "number of views", not "number theory"
    return words[-1] == "rate" and any(w.endswith("ing") and len(w) > 5 for w in words[:-1])


def metric(phrase: str) -> bool:
    """A measure results are scored by, with its object ("answer accuracy", "dice score", "macro-F1",
    "attack success rate", "mean absolute error"): no problem end. See CONCEPT_METRIC_* in vocabulary.py."""
    words = [singular(t) for t in _tokens(phrase)]
    last = phrase.split()[-1].lower() if phrase.split() else ""
    if len(words) < 2 or "-and-" in last:          # "trial-and-error"
        return False
    head, rest = words[-1], words[:-1]
    if any(w in CONCEPT_TASK_ADJECTIVES for w in rest):
        return False                            # "diagnostic accuracy": the accuracy of a diagnosis
    if head in CONCEPT_METRIC_HEADS or singular(last) in CONCEPT_METRIC_HEADS:
        return True
    if head == "rate":
        return any(w in CONCEPT_METRIC_RATE_WORDS for w in rest)
    if head == "error":
        return any(w in CONCEPT_METRIC_ERROR_WORDS for w in rest)
    return False


def model_class(phrase: str) -> bool:
    """An architecture or model class ("CNN", "state-of-the-art MLLMs", "diffusion models", "LLM agents"):
    as a problem, the area a method belongs to rather than a problem it could address ("visual context" x
    "VLMs" is VLM work, not a gap)."""
    words = _tokens(phrase)
    if not words:
        return False
    head = singular(words[-1])
    if head in CONCEPT_MODEL_HEADS:
        # "CAD models", "3D models": geometry, not a learnt model
        return not (head == "model" and len(words) >= 2 and words[-2] in CONCEPT_ARTEFACT_MODIFIERS)
    last = _SPLIT.split(phrase.strip())[-1]
    stem = last[:-1] if last.endswith("s") else last
    return is_capitals(last) and stem.lower().endswith("lm")     # LM, LLM, MLLM, VLM, LVLM


# a named network architecture: "ConvNeXt", "ResNeXt", "SegFormer", "Mask2Former", "ResNet-50", "U-Net",
# "EfficientNet-B0"; a name that merely ends in "Net" is often a data set (ImageNet, ShapeNet, ScanNet), so
# "Net" counts only after the prefixes of the common backbones
_ARCHITECTURE = re.compile(r"(?:[A-Za-z0-9]NeXt|[A-Z][A-Za-z0-9]*[Ff]ormer|(?:Res|Conv|Dense|Efficient|Mobile|Shuffle"
                           r"|Squeeze|Point|Reg|Alex|Le|Goog[Ll]e|HR|U-|V-|Y-|W-)Net)(?:[-\s]?[A-Za-z]?\d+\w*)?$")


# one word that ends in capitals after a lower-case letter or a digit: "OpenVLA" ("VLA"), "CycleGAN", "dLLMs"
_NAMED_CLASS = re.compile(r"^[A-Za-z0-9]*[a-z0-9]([A-Z]{2,}s?)$")


def model_name(phrase: str) -> bool:
    """A named model ("Qwen3-8B", "GPT-4o", "Llama 3", "OpenVLA": a name ending in a model class) or network
    architecture ("ConvNeXt", "U-Net"): a tool a paper uses, not a problem it addresses."""
    low = phrase.lower()
    named = _NAMED_CLASS.match(phrase.strip())
    return (any(low.startswith(f) for f in CONCEPT_MODEL_FAMILIES) or bool(_SIZE.search(low))
            or bool(_ARCHITECTURE.search(phrase.strip())) or (named is not None and model_class(named.group(1))))


# a release's version: a number that ends a word or its hyphenated part, with at most two letters after it
# ("YOLOv8", "DeepSeek-V3", "GPT-4o", "Qwen2.5", "ResNet-50", "T5"), not the digit inside a name
# ("Mask2Former", "word2vec", "seq2seq")
_RELEASE = re.compile(r"[A-Za-z][A-Za-z]*[-_.]?[vV]?\d+(?:\.\d+)*[A-Za-z]{0,2}$")
# a "2" between letters reads "to": "T2I" (text-to-image), "I2V", "T2V" are tasks, no releases
_TO = re.compile(r"[A-Za-z]{1,4}2[A-Za-z]{1,4}")
# the lower-case word a release may end in: "GPT-4o mini", "Gemini 2.5 Pro" (read "Gemini pro")
_RELEASE_SUFFIXES = frozenset("mini nano pro flash turbo lite base large small tiny chat instruct max plus".split())
# a number format or a chip, which carries a number as a release does: "FP8", "INT4", "BF16", "H100", "A100"
_NUMBER_FORMAT = re.compile(r"^(?:u?int|fp|bf|tf|mxfp|nvfp|[abhv])\d+$", re.IGNORECASE)


def release_name(phrase: str) -> bool:
    """A named release of a model ("DeepSeek-V3", "GPT-4o", "Qwen2.5-VL", "Llama-3-8B", "YOLOv8", "SAM2",
    "ResNet-50"): a name (one or two words, each with a capital or a digit, or the second a model head such
    as "model") whose word carries a version, or that of a known model family (CONCEPT_MODEL_FAMILIES) or
    a parameter count. As a method end it is a checkpoint one evaluates ("Apply DeepSeek-V3 to low-resource
    languages" is an evaluation, not a method gap); the family or technique it releases ("YOLO", "SAM",
    "diffusion transformer") stays a method."""
    words = phrase.split()
    if not 1 <= len(words) <= 2:
        return False
    if len(words) == 2 and not (any(ch.isupper() or ch.isdigit() for ch in words[1])
                                or singular(words[1].lower()) in CONCEPT_MODEL_HEADS | _RELEASE_SUFFIXES):
        return False
    first = words[0]
    if not (any(ch.isupper() for ch in first) or any(ch.isdigit() for ch in first)):
        return False
    low = phrase.lower()
    # a version in a word ("YOLOv8", "Qwen2.5") or after its hyphen ("DeepSeek-V3", "Llama-3", "ResNet-50"); not
    # a dimension ("text-to-3D") nor a number format
    versioned = [p for w in words for k, p in enumerate(w.split("-"))
                 if p and not dimension(p) and not _NUMBER_FORMAT.match(p) and not _TO.fullmatch(p)
                 and p.lower() not in CONCEPT_NUMBERED_METHODS
                 and (_RELEASE.match(p) or (k > 0 and re.fullmatch(r"[vV]?\d+(?:\.\d+)*[A-Za-z]{0,2}", p)))]
    return bool(versioned) or any(low.startswith(f) for f in CONCEPT_MODEL_FAMILIES) or bool(_SIZE.search(low))


def refused_end(phrase: str, kind: str) -> bool:
    """What the end rules refuse whatever the library says: no concept, a bare property or a setting, as a
    problem a named model, a model class or a measure, and as a method a model's named release
    (``release_name``). No end of a gap, nor a related method or problem its statement names."""
    return (not_a_concept(phrase) is not None or bare_property(phrase)
            or (kind == "problem" and (model_name(phrase) or model_class(phrase) or metric(phrase)))
            or (kind == "method" and release_name(phrase)))


def content_words(phrase: str) -> frozenset:
    """The words that say what a phrase is about: singular, lower case, without the head nouns any phrase
    may end in ("models", "methods")."""
    return frozenset(singular(t) for t in _tokens(phrase)) - CONCEPT_HEAD_NOUNS


def _acronym(phrase: str) -> str:
    return "".join(t[0] for t in _tokens(phrase) if t not in CONCEPT_HEAD_NOUNS)


def same_thing(a_forms: Sequence[str], b_forms: Sequence[str], a_vec: Optional[np.ndarray] = None,
               b_vec: Optional[np.ndarray] = None, sim: float = SAME_THING_SIM) -> Optional[str]:
    """Why two concepts (each given by its phrase and synonyms) are one thing or one inside the other, or
    None when they are two concepts."""
    if a_vec is not None and b_vec is not None and float(a_vec @ b_vec) >= sim:
        return "similar phrases"
    for a in a_forms:
        wa = content_words(a)
        for b in b_forms:
            wb = content_words(b)
            if wa and wb and (wa <= wb or wb <= wa):
                return "one contains the other"
            sa, sb = singular(a.lower().replace(" ", "")), singular(b.lower().replace(" ", ""))
            if (len(sa) >= 2 and sa == _acronym(b)) or (len(sb) >= 2 and sb == _acronym(a)):
                return "acronym"
    return None


def expected_entropy(sizes: Iterable[int], topic_share: np.ndarray, draws: int = 24, seed: int = 0) -> dict[int, float]:
    """Mean entropy (nats) of the topics of ``n`` papers drawn at random from the library, per size ``n``."""
    rng = np.random.default_rng(seed)
    q = np.asarray(topic_share, dtype=np.float64)
    q = q / q.sum()
    out = {}
    for n in sorted(set(int(s) for s in sizes)):
        if n <= 1:
            out[n] = 0.0
            continue
        c = rng.multinomial(n, q, size=draws).astype(np.float64) / n
        with np.errstate(divide="ignore", invalid="ignore"):
            h = -np.where(c > 0, c * np.log(c), 0.0).sum(axis=1)
        out[n] = float(h.mean())
    return out


def topic_spread(topic_counts: np.ndarray, topic_share: Optional[np.ndarray] = None) -> np.ndarray:
    """Per concept (a row of papers per topic): the entropy of its papers over the topics divided by the
    entropy of as many random papers (1 = as spread as chance: generic; near 0 = one topic)."""
    t = np.asarray(topic_counts, dtype=np.float64)
    n = t.sum(axis=1)
    share = t.sum(axis=0) if topic_share is None else np.asarray(topic_share, dtype=np.float64)
    exp = expected_entropy(n.astype(int), share)
    p = t / np.maximum(n[:, None], 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        h = -np.where(p > 0, p * np.log(p), 0.0).sum(axis=1)
    e = np.array([exp[int(k)] for k in n])
    return np.where(e > 0, h / np.maximum(e, 1e-9), 0.0)


def _forms(c, n_synonyms: int = 5) -> list[str]:
    return [c.phrase, *c.synonyms[:n_synonyms]]


def same_thing_matrix(rows: Sequence, cols: Sequence, row_vecs: Optional[np.ndarray] = None,
                      col_vecs: Optional[np.ndarray] = None, sim: float = SAME_THING_SIM) -> np.ndarray:
    """``same_thing`` for every (row concept, column concept) pair at once (concepts with ``phrase`` and
    ``synonyms``): a form's content words are a subset of the other's only when they equal one of its
    subsets, so each form's few subsets are looked up instead of comparing every pair of forms."""
    from itertools import combinations

    out = np.zeros((len(rows), len(cols)), dtype=bool)
    if row_vecs is not None and col_vecs is not None and len(rows) and len(cols):
        out |= (row_vecs @ col_vecs.T) >= sim

    def index(concepts):
        words: dict[frozenset, set] = {}
        squash: dict[str, set] = {}
        acro: dict[str, set] = {}
        subsets: list[set] = []
        for i, c in enumerate(concepts):
            subs: set = set()
            for f in _forms(c):
                w = content_words(f)
                if not w:
                    continue
                words.setdefault(w, set()).add(i)
                ws = sorted(w)
                for k in range(1, min(len(ws), 6) + 1):
                    subs.update(frozenset(s) for s in combinations(ws, k))
                sq = singular(f.lower().replace(" ", ""))
                if len(sq) >= 2:
                    squash.setdefault(sq, set()).add(i)
                a = _acronym(f)
                if len(a) >= 2:
                    acro.setdefault(a, set()).add(i)
            subsets.append(subs)
        return words, squash, acro, subsets

    rw, rsq, racr, rsub = index(rows)
    cw, csq, cacr, csub = index(cols)
    for i, subs in enumerate(rsub):            # a column concept's words within a row concept's
        for s in subs:
            for j in cw.get(s, ()):
                out[i, j] = True
    for j, subs in enumerate(csub):            # a row concept's words within a column concept's
        for s in subs:
            for i in rw.get(s, ()):
                out[i, j] = True
    for key, ii in rsq.items():                # a row concept is the acronym of a column concept
        for j in cacr.get(key, ()):
            out[list(ii), j] = True
    for key, jj in csq.items():
        for i in racr.get(key, ()):
            out[i, list(jj)] = True
    return out


def text_mentions(concepts: Sequence, texts: Mapping[int, str], n_synonyms: int = 5) -> dict[int, set]:
    """{concept id: ids of the papers whose text holds one of its forms (phrase or a synonym)}, matched as
    the extractor tokenises (1-3 word n-grams, English stop words out). KeyBERT names only a paper's top
    phrases, so two concepts an abstract mentions together may never be "named together": a gap must not
    claim that nobody combined them when abstracts do."""
    from sklearn.feature_extraction.text import CountVectorizer

    from .tokens import lower_words

    forms: dict[str, set] = {}
    for c in concepts:
        for f in _forms(c, n_synonyms):
            if len(f.split()) <= 3:
                forms.setdefault(f.lower(), set()).add(c.id)
    out: dict[int, set] = {c.id: set() for c in concepts}
    if not forms or not texts:
        return out
    vocab = sorted(forms)
    cv = CountVectorizer(ngram_range=(1, 3), stop_words="english", tokenizer=lower_words, token_pattern=None,
                         vocabulary=vocab, lowercase=True, binary=True)
    ids = list(texts)
    x = cv.transform([texts[p] for p in ids]).tocsc()
    for k, f in enumerate(vocab):
        rows = x.indices[x.indptr[k]:x.indptr[k + 1]]
        if len(rows):
            hit = {int(ids[r]) for r in rows}
            for cid in forms[f]:
                out[cid] |= hit
    return out
