"""What an acronym concept stands for, read from the papers that name it.

A gap "Apply SAGE to retrieval-augmented generation" tells a reader nothing unless they know what SAGE is,
and a name that different papers give to different things (SAGE: "strategy-adaptive generation engine",
"scale-aware gradual evolution", "sentient agent as a judge" ...) is no concept at all. For each concept
whose phrase is an acronym ("RAG", "LLMs", "LoRA") the titles and abstracts of the papers that name it are
read for the expansions they define:

- "long form (ACR)": the Schwartz-Hearst algorithm (the `abbreviations` package);
- "ACR (long form)", "ACR: long form ..." (a title) and "ACR, a long form ...": the way a paper names its
  own method; the long form (or the shortest run of its first words) must spell the acronym by the same
  Schwartz-Hearst letter match.

Expansions are normalised (lower case, plurals folded, hyphens and spaces alike) and near-identical ones
grouped (``same_expansion``). A concept is ``ambiguous`` when at least ``MIN_DEFINING`` papers define it
and no expansion is given by ``MAJORITY`` of them; ``defined`` when one is and at least ``MIN_AGREEING``
papers give it (its dominant expansion); ``undefined`` otherwise (no paper, or a single one, defines it).

Whatever its verdict, an acronym is a ``system_name`` when fewer than ``MIN_USERS`` of its papers write it
(in capitals, as a word) without coining it (``coins``: a title led by the name, "we propose NAME"): one
paper's system ("DIVE: Scaling Diversity in Agentic Task Synthesis", merged with papers that "dive into"
a topic) is no research concept, whereas "LoRA" or "GRPO" are written by many papers that did not coin
them."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Iterable, Mapping, Optional, Sequence

from ..jobs import check, report
from ..vocabulary import CONCEPT_HEAD_NOUNS

# Read on the 10,653-paper library (benchmarks/results/gaps/concept-acronyms-cs-10653.txt): the usual
# acronyms (RAG, GRPO, DPO, LoRA, MLLMs) have one expansion in 90-100% of their defining papers, the
# stray rest being extraction noise; a name several papers give to their own method (SAGE, PRISM) has
# as many expansions as papers. Two thirds keeps one stray reading out of five from making a name
# ambiguous while two readings in three papers, or two in two, are.
MAJORITY = 2 / 3
MIN_DEFINING = 2          # one defining paper cannot disagree with itself
# One paper's expansion among many that do not define the name is no reading of the library's use: "RGB"
# (54 papers) defined once, as "retrieval-augmented generation benchmark"; "MAC" (9) once, as a method
# name. An expansion is shown when at least this many papers give it.
MIN_AGREEING = 2
DEFINED, AMBIGUOUS, UNDEFINED = "defined", "ambiguous", "undefined"
# An acronym only the papers that coined it write names their systems, not a concept: "DIVE" (5 papers: two
# systems of that name and three papers that "dive into" a topic) on the 10,653-paper library. Two papers
# that use a name they did not coin make it a name the field uses.
MIN_USERS = 2

_STOP = frozenset("a an the of for and to in on with by as via from at or".split())
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\[])")
_LEAD_ARTICLE = re.compile(r"^(?:an?|the)\s+", re.I)


def is_acronym(phrase: str) -> bool:
    """A one-word name mostly in capitals: "RAG", "LLMs", "LoRA", "NeRF", "QLoRA" (not "Transformer",
    "DeepSeek", "GPT-4o", "KV cache")."""
    p = phrase.strip()
    if not p or " " in p or not p.isalpha():
        return False
    stem = _stem(p)
    caps = sum(ch.isupper() for ch in stem)
    return 2 <= len(stem) <= 8 and caps >= 2 and 2 * caps >= len(stem)


def is_capitals(word: str) -> bool:
    """A word in capitals only, 2 to 6 letters and perhaps a plural s: "RL", "NLP", "LLMs" (the strict form:
    the quality rules read it as the end of an expansion the n-grams cut, "learning RL")."""
    w = word[:-1] if word.endswith("s") else word
    return 2 <= len(w) <= 6 and w.isalpha() and w.isupper()


def is_plural_capitals(word: str) -> bool:
    """"MCQs", "LLMs": capitals and a plural s, a kind of thing rather than one named set."""
    return bool(_PLURAL_CAPITALS.match(word.strip()))


def has_two_capitals(token: str) -> bool:
    """A token that starts with a capital and has another: "LLM", "LoRA", "GRPO", "VLMs", "NeRF" (the written
    form the concreteness model reads; its weights were fitted with exactly this test)."""
    return bool(_TWO_CAPITALS.match(token))


_PLURAL_CAPITALS = re.compile(r"^[A-Z][A-Z0-9]+s$")
_TWO_CAPITALS = re.compile(r"^[A-Z][A-Za-z0-9]*[A-Z][A-Za-z0-9]*s?$")


def _stem(acr: str) -> str:
    """"LLMs" -> "LLM", "FLOPs" -> "FLOP": a lower-case plural s after a capital; "MAS" stays."""
    return acr[:-1] if len(acr) > 2 and acr.endswith("s") and acr[-2].isupper() else acr


def acronym_key(acr: str) -> str:
    return _stem(acr.strip()).lower()


def _schwartz_hearst():
    """The module, imported without its side effect: it calls logging.basicConfig(level=INFO) on import,
    which would print every library's INFO logs on stderr."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    from abbreviations import schwartz_hearst

    root.handlers[:] = handlers
    root.setLevel(level)
    logging.getLogger(schwartz_hearst.__name__).setLevel(logging.WARNING)
    return schwartz_hearst


def _clean(text: str) -> str:
    # "generation~(RAG)" (a LaTeX tie) and line breaks inside a definition
    return " ".join(text.replace("~(", " (").replace("~", " ").split())


def _spells(long: str, acr: str) -> bool:
    """The whole of ``long`` spells ``acr`` by the Schwartz-Hearst letter match (the first letter at the
    start of the first word, the others in order, at most min(|A|+5, 2|A|) words)."""
    sh = _schwartz_hearst()
    if not long or not long[0].isalpha() or long[0].lower() != acr[0].lower():
        return False
    cand = sh.Candidate(long)
    cand.set_position(0, len(long))
    try:
        return str(sh.select_definition(cand, acr)) == long
    except (ValueError, IndexError):
        return False


def _leading_spelling(words: str, acr: str) -> Optional[str]:
    """The shortest run of the first words of ``words`` that spells ``acr``: "Scale-Aware Gradual Evolution"
    of "SAGE: Scale-Aware Gradual Evolution for Continual Knowledge Graph Embedding"."""
    toks = _LEAD_ARTICLE.sub("", words).split()
    spelt = [long for k in range(1, min(len(toks), min(len(acr) + 5, 2 * len(acr))) + 1)
             if _spells(long := " ".join(toks[:k]).rstrip(".,;:)"), acr)]
    # the shortest run spelling it can stop inside the name ("Self-Evolving Agentic" of "Self-Evolving
    # Agentic Graph-Memory Engine", SAGE): the first run whose last word starts with the last capital
    last = _caps(acr)[-1:]
    whole = [long for long in spelt if re.split(r"[\s\-]+", long)[-1][:1].lower() == last]
    return (whole or spelt or [None])[0]


@lru_cache(maxsize=4096)
def _long_form_pairs(text: str) -> tuple[tuple[str, str], ...]:
    """Schwartz-Hearst's (short, long) pairs of a cleaned text, one sentence a line (it reads lines, and
    drops a whole line with an unbalanced parenthesis); cached, as a paper names several acronyms."""
    pairs = _schwartz_hearst().extract_abbreviation_definition_pairs(doc_text="\n".join(_SENTENCE.split(text)))
    return tuple((str(k), str(v)) for k, v in pairs.items())


def definitions(text: str, acronym: str) -> list[str]:
    """The expansions of ``acronym`` (or its plural) that ``text`` defines, as written."""
    text = _clean(text)
    stem = _stem(acronym)
    key = stem.lower()
    if stem not in text:
        return []
    out = [_whole(text, v, k) for k, v in _long_form_pairs(text) if acronym_key(k) == key]
    name = re.compile(rf"(?<![\w-]){re.escape(stem)}s?(?![\w-])")
    for m in name.finditer(text):
        short = m.group(0)
        rest = text[m.end():]
        paren = re.match(r"\s*\(([^()]{3,150})\)", rest)
        if paren:                                  # "SAGE (Structure-Aware Generative vidEo transitions)"
            long = paren.group(1).strip()
            if _spells(long, short):
                out.append(long)
            continue
        # "SAGE: Scale-Aware Gradual Evolution for ..." (a title), "SAGE, a scale-aware gradual evolution
        # framework": a paper naming its own method
        lead = re.match(r"\s*[:,]\s+", rest)
        if lead:
            long = _leading_spelling(rest[lead.end():lead.end() + 200], short)
            if long:
                out.append(long)
    out += [e for e in _parenthesised(text, stem) if e not in out]
    return [e for e in out if _plausible(e, acronym) or initials_spell(e, acronym)]


def _whole(text: str, long: str, short: str) -> str:
    """Schwartz-Hearst's long form made whole: it splits words at hyphens and takes the shortest run, so
    "Multi-modal Large Language Models (MLLMs)" gives "modal Large Language Models" and "Abstraction and
    Reasoning Corpus (ARC)" gives "and Reasoning Corpus". The run is extended to the start of its word,
    then, while it starts with a little word, by a word to the left."""
    m = re.search(re.escape(long) + r"\s*\(\s*" + re.escape(short), text)
    if not m:
        return long
    i = m.start()
    while i > 0 and not text[i - 1].isspace():
        i -= 1
    end = m.start() + len(long)
    for _ in range(3):
        if i == 0 or text[i:end].split()[0].lower() not in _STOP:
            break
        i = text.rfind(" ", 0, i - 1) + 1          # the word before
    return text[i:end]


def _caps(acr: str) -> str:
    """The letters an expansion spells: the capitals of the acronym's stem ("LoRA": l, r, a)."""
    return "".join(ch for ch in _stem(acr) if ch.isupper()).lower()


def _plausible(long: str, acr: str) -> bool:
    """A long form worth counting: no parentheses or sentence punctuation, not led by a little word, and
    most of the acronym's capitals start one of its words ("LMs": "leading to consistent improvements"
    is a Schwartz-Hearst match by letters, not an expansion); one word ("electrocardiogram") is a long
    word of letters."""
    if re.search(r"[()\[\];]|\.\s", long):
        return False
    words = [w for w in re.split(r"[\s\-/]+", _surface(long)) if w]
    if not words or words[0] in _STOP:
        return False
    caps = _caps(acr)
    if len(words) == 1:
        return words[0].isalpha() and len(words[0]) >= 3 * len(caps)
    initials = [w[0] for w in words if w not in _STOP]
    hit = sum(min(caps.count(ch), initials.count(ch)) for ch in set(caps))
    return 2 * hit > len(caps)


def _surface(expansion: str) -> str:
    s = expansion.lower().replace("\u2010", "-").replace("\\&", "&")
    s = re.sub(r"\\[a-z]+\s*|[{}]", "", s)            # "\emph{maximum distance separable}"
    return " ".join(s.split()).strip(" .,;:'\"")


@lru_cache(maxsize=1)
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=1)
def _heads() -> frozenset:
    return frozenset(_fold(w) for w in CONCEPT_HEAD_NOUNS)


# The letter an acronym writes for a word other than its initial: the sound of its lead, "X" for "ex" and
# "cross" ("eXplainable AI": XAI, "eXtreme gradient boosting": XGBoost, "cross-lingual": XLM). English has
# these few; the letter match of Schwartz-Hearst wants the acronym's first letter at the start of the words.
_SOUNDED = (("ex", "x"), ("cross", "x"))


def _word_letters(word: str) -> set[str]:
    """What a word of an expansion may give an acronym: its initial, the letter its lead sounds as
    (``_SOUNDED``), all the letters of a word that is an acronym itself ("LSTM" in "bidirectional LSTM":
    BiLSTM, "AI" in "explainable AI": XAI), nothing for a little word ("of" in "chain of thought")."""
    if is_capitals(word) or (is_acronym(word) and word[:1].isupper()):
        return {acronym_key(word)}
    lo = word.lower()
    out = {lo[:1]} | {letter for lead, letter in _SOUNDED if lo.startswith(lead) and len(lo) > len(lead) + 2}
    return out | {""} if lo in _STOP else out


def initials_spell(long: str, acr: str) -> bool:
    """Whether the words of ``long`` (two or more, as written: case tells an inner acronym) give the capitals
    of ``acr`` one word after another (``_word_letters``): "explainable AI" and "explainable artificial
    intelligence" for XAI, "bidirectional LSTM" for BiLSTM, "chain of thought" for CoT; not "short term memory"
    for LSTM. Exact, unlike the letter match: every word gives its letters and every capital is given."""
    words = [w for w in re.split(r"[\s\-/]+", long.strip()) if w]
    if len(words) < 2:
        return False
    # its capitals ("BLSTM" of BiLSTM: Bi + LSTM) or all its letters ("QLoRA": quantized LoRA; "cv" in lower case)
    targets = {t for t in (_caps(acr) if sum(ch.isupper() for ch in _stem(acr)) >= 2 else "", acronym_key(acr)) if t}

    def spells(letters: str) -> bool:
        @lru_cache(maxsize=None)
        def match(i: int, k: int) -> bool:
            if i == len(words):
                return k == len(letters)
            return any(letters.startswith(part, k) and match(i + 1, k + len(part)) for part in _word_letters(words[i]))

        return match(0, 0)

    return any(spells(t) for t in targets)


def _parenthesised(text: str, acr: str) -> list[str]:
    """The long forms written "long form (ACR)" that spell ``acr`` by ``initials_spell`` only (Schwartz-Hearst
    wants the first letter at the start: "explainable AI (XAI)"): the shortest run of the words before the
    parenthesis, within its sentence."""
    out = []
    for m in re.finditer(rf"\(\s*{re.escape(_stem(acr))}s?\s*\)", text):
        before = re.split(r"[.;:!?()\[\],]", text[:m.start()])[-1].split()
        for k in range(2, min(len(before), len(_caps(acr) or acr) + 3) + 1):
            long = " ".join(before[-k:])
            if initials_spell(long, acr):
                out.append(long)
                break
    return out


def spells_out(long: str, acr: str) -> bool:
    """Whether ``long`` is an expansion of ``acr`` by its letters: it spells it (Schwartz-Hearst's letter
    match) and most of the acronym's capitals start one of its words ("long short-term memory" for "LSTM",
    not "short term memory"), or its words' initials are the acronym's letters ("self-supervised learning" for
    "SSL", "in-context learning" for "ICL": the letter match takes the shortest run, "supervised learning",
    and reads a lead "in" as a little word), or its words give the acronym's capitals by ``initials_spell``
    ("explainable AI" for XAI, "bidirectional LSTM" for BiLSTM)."""
    initials = "".join(w[0] for w in re.split(r"[\s\-]+", _surface(long)) if w)
    if len(initials) >= 2 and initials == acronym_key(acr):
        return True
    return (_spells(long, acr) and _plausible(long, acr)) or initials_spell(long, acr)


def fold_word(word: str) -> str:
    """``_fold``: a word with its plural and ending folded."""
    return _fold(word)


@lru_cache(maxsize=1 << 17)   # in_sense folds every word of every abstract naming an acronym (4x its time)
def _fold(word: str) -> str:
    """Plural and ending folded ("images", "imaging" -> "imag"; "adapters", "adaptation" -> "adapt")."""
    return _stemmer().stemWord(word)


def _content(expansion: str) -> tuple[str, ...]:
    """The words that say what an expansion names: lower case, plurals folded, hyphens as spaces, without
    the little words and the head nouns any name may end in ("model", "framework": at its end)."""
    words = [_fold(w) for w in re.split(r"[\s\-/]+", _surface(expansion)) if w and w not in _STOP]
    while len(words) > 1 and words[-1] in _heads():      # the head at the end only: "task-oriented dialogue"
        words.pop()
    return tuple(words)


def same_expansion(a: str, b: str) -> bool:
    """Near-identical expansions are one: the content words of one (two or more) within the other's
    ("visual autoregressive" / "visual autoregressive modeling"), or the same letters once spaces and
    hyphens are gone, one the start of the other ("visual auto-regressive" / "visual autoregressive
    model"). Papers write the same name with or without a head word and a hyphen; a different name
    differs in its content words, which this never merges."""
    ca, cb = _content(a), _content(b)
    if not ca or not cb:
        return ca == cb
    sa, sb = set(ca), set(cb)
    if min(len(sa), len(sb)) >= 2 and (sa <= sb or sb <= sa):
        return True
    for ja, jb in (("".join(ca), "".join(cb)), ("".join(_content_words(a)), "".join(_content_words(b)))):
        if ja.startswith(jb) or jb.startswith(ja):     # stemmed, then as written ("multi-modal" / "multimodal")
            return True
    return _abbreviates(ca, _content_words(b)) or _abbreviates(cb, _content_words(a))


def _content_words(expansion: str) -> list[str]:
    return [w for w in re.split(r"[\s\-/]+", _surface(expansion)) if w and w not in _STOP]


def _abbreviates(short: Sequence[str], long: Sequence[str]) -> bool:
    """``short`` (folded content words) is ``long`` (content words as written) with a run of words written
    as its initials: "generative ai" / "generative artificial intelligence", "multilingual bert" /
    "multilingual bidirectional encoder representations from transformers"."""
    i = j = 0
    used = False
    while i < len(short) and j < len(long):
        if short[i] == _fold(long[j]):
            i, j = i + 1, j + 1
            continue
        k = len(short[i])
        if 2 <= k <= 5 and "".join(w[0] for w in long[j:j + k]) == short[i] and j + k <= len(long):
            i, j, used = i + 1, j + k, True
            continue
        return False
    rest = [w for w in long[j:] if _fold(w) not in _heads()]
    return used and i == len(short) and not rest


@dataclass(frozen=True)
class AcronymReading:
    """What the papers naming an acronym concept say it stands for."""
    phrase: str
    papers: int                                  # papers that name the concept
    defining: int                                # of them, those that define the acronym
    expansions: tuple[tuple[str, int], ...]      # (expansion, papers defining it so), most first
    verdict: str                                 # defined | ambiguous | undefined
    defined_by: tuple[tuple[int, ...], ...] = ()  # the papers giving each expansion, in its order
    users: Optional[int] = None                  # papers that write the name and did not coin it (None: not read)
    forms: tuple[tuple[str, ...], ...] = ()      # the written forms grouped in each expansion, in its order

    @property
    def system_name(self) -> bool:
        """The name of the systems of the few papers that coined it, not a concept (``MIN_USERS``)."""
        return self.users is not None and self.users < MIN_USERS

    @property
    def dominant(self) -> Optional[str]:
        return self.expansions[0][0] if self.expansions else None

    @property
    def ambiguous(self) -> bool:
        return self.verdict == AMBIGUOUS

    def to_dict(self) -> dict:
        return {"phrase": self.phrase, "papers": self.papers, "defining_papers": self.defining,
                "expansions": [[e, n] for e, n in self.expansions], "dominant": self.dominant,
                "verdict": self.verdict, "users": self.users}


def judge(phrase: str, found: Mapping[int, Sequence[str]], n_papers: int) -> AcronymReading:
    """The reading of an acronym from ``found`` ({paper id: the expansions it defines}): expansions grouped
    (``same_expansion``), each group named by its most common form (the shortest on a tie) and counted
    in papers (a paper once per group)."""
    forms: dict[str, set] = {}
    for pid, exps in found.items():
        for e in exps:
            s = _surface(e)
            if s:
                forms.setdefault(s, set()).add(pid)
    # most common form first; each form joins the group of the first founder it is the same as, or founds
    # one: compared with founders only, "supervised learning" cannot chain "self-supervised learning"
    # and "semi-supervised learning" (SSL) into one group
    keys = sorted(forms, key=lambda s: (-len(forms[s]), len(s), s))
    groups: list[list[str]] = []
    for k in keys:
        home = next((g for g in groups if same_expansion(g[0], k)), None)
        if home is None:
            groups.append([k])
        else:
            home.append(k)
    counted = []
    for members in groups:
        pids = set().union(*(forms[m] for m in members))
        # named by its most common form that is not another's end: "policy optimization" (the letter match
        # finds PPO's second P inside "oPtimization") beside "proximal policy optimization" is a broader idea
        members = [m for m in members if not _ends_another(m, members)] + [m for m in members if _ends_another(m, members)]
        counted.append((members[0], len(pids), tuple(sorted(pids)), tuple(members)))
    counted.sort(key=lambda x: (-x[1], x[0]))
    defining = len({p for p, exps in found.items() if any(_surface(e) for e in exps)})
    if defining >= MIN_DEFINING and counted[0][1] < MAJORITY * defining:
        verdict = AMBIGUOUS
    elif defining and counted[0][1] >= MIN_AGREEING:
        verdict = DEFINED
    else:
        verdict = UNDEFINED
    return AcronymReading(phrase, n_papers, defining, tuple((e, n) for e, n, _, _ in counted), verdict,
                          tuple(p for _, _, p, _ in counted), forms=tuple(f for _, _, _, f in counted))


def _ends_another(form: str, forms: Sequence[str]) -> bool:
    """Whether ``form`` is the end of a longer one of ``forms``, word for word (folded): it lacks lead words
    that say something ("proximal"; not the little word of "with chain-of-thought", the letter match's noise)."""
    key = form_key(form)
    return any(len(k) > len(key) and k[-len(key):] == key and not set(k[:-len(key)]) <= _STOP
               for k in map(form_key, forms))


def _name_pattern(acronym: str) -> re.Pattern:
    """The acronym (or its plural) as a word, in capitals as the concept writes it: "DIVE", not "dive"."""
    return re.compile(rf"(?<![\w-]){re.escape(_stem(acronym))}s?(?![\w-])")


def writes(text: str, acronym: str) -> bool:
    """Whether ``text`` writes the acronym as a name (case kept)."""
    return bool(_name_pattern(acronym).search(_clean(text)))


# present tense only: "the recently proposed GRPO" coins nothing
_COINING_VERBS = r"(?:propose|present|introduce|develop|design|build|call|name|dub|term)s?"
_COINING_FILLER = (r"(?:a|an|the|our|novel|new|simple|unified|framework|method|model|system|benchmark|dataset"
                   r"|approach|pipeline|agent|it|called|named|dubbed|termed)")


def coins(text: str, acronym: str) -> bool:
    """Whether a paper's "title. abstract" coins the acronym as the name of its own system: its title opens
    with the name ("DIVE: Scaling Diversity ...", "\u201cDIVE\u201d into ..."), or it proposes the name ("we
    propose DIVE", "we introduce a framework called DIVE")."""
    text = _clean(text)
    name = re.escape(_stem(acronym)) + "s?"
    if re.match(rf"[\"'\u201c\u2018(\[]?{name}(?:[\"'\u201d\u2019)\]]|\s*[:\u2013\u2014]|\s+-\s)", text):
        return True
    # the verbs and the words between them and the name in any case, the name as written
    return bool(re.search(rf"(?i:\b{_COINING_VERBS}\s+(?:{_COINING_FILLER},?\s+){{0,4}}){name}(?![\w-])", text))


def users(acronym: str, texts: Sequence[str]) -> int:
    """How many of ``texts`` write the acronym as a name without coining it."""
    return sum(1 for t in texts if t and writes(t, acronym) and not coins(t, acronym))


def read_acronyms(concepts: Sequence, texts: Mapping[int, str], *, progress=None,
                  cancel=None) -> dict[int, AcronymReading]:
    """{concept id: its reading} for the acronym concepts, from ``texts`` (paper id -> title and abstract)
    of the papers that name each; ``cancel`` is read and ``progress`` told before each acronym's papers."""
    out = {}
    acr = [c for c in concepts if is_acronym(c.phrase)]
    for n, c in enumerate(acr):
        check(cancel)
        report(progress, n, len(acr), f"reading what {len(acr)} acronyms stand for in the library: {c.phrase}")
        found = {}
        for pid in c.papers:
            t = texts.get(pid)
            if t:
                d = definitions(t, c.phrase.strip())
                if d:
                    found[pid] = d
        r = judge(c.phrase.strip(), found, c.n_papers)
        out[c.id] = replace(r, users=users(c.phrase.strip(), [texts.get(p, "") for p in c.papers]))
    return out


def form_key(phrase: str) -> tuple[str, ...]:
    """A phrase with case, plurals and hyphens folded: "Large Language Models" = "large language model"."""
    return tuple(_fold(w) for w in re.split(r"[\s\-/]+", _surface(phrase)) if w)


def same_concepts(concepts: Sequence, readings: Mapping[int, AcronymReading]) -> dict[int, int]:
    """{concept id: the id of the concept it is one with}, for an acronym whose papers agree on an expansion
    ("SFT": supervised fine-tuning) and the concept whose phrase or merged variant is that expansion (case,
    plurals and hyphens aside): the extractor keeps them apart (their phrase vectors are far apart), yet
    they are one idea, and a gap list must neither pair them nor let the idea lead more gaps than any
    other; so is a concept whose phrase is the expansion with the acronym ("supervised fine-tuning SFT"). All
    map to the largest (the acronym on a tie); a concept in no such pair is absent."""
    by_form: dict[tuple, list] = {}
    for c in concepts:
        for f in {form_key(x) for x in [c.phrase, *c.synonyms]}:
            if f:
                by_form.setdefault(f, []).append(c)
    # groups that share a concept are one group ("LoRA" -> "low-rank adaptation" and "LoRAs" -> "low-rank
    # adapters" fold to one form): joined, else the later group would re-point the shared one and the
    # acronym would stand alone again
    parent: dict[int, int] = {}

    def root(k: int) -> int:
        while parent.setdefault(k, k) != k:
            k = parent[k]
        return k

    by_id, acronym_of = {c.id: c for c in concepts}, set()
    for c in concepts:
        r = readings.get(c.id)
        if r is None or r.verdict != DEFINED or not r.dominant:
            continue
        # the expansion, and the expansion written with the acronym ("low-rank adaptation LoRA", "LoRA
        # low-rank adaptation"), which the extractor keeps as a concept of its own
        keys = {form_key(r.dominant), form_key(f"{r.dominant} {c.phrase}"), form_key(f"{c.phrase} {r.dominant}")}
        alike = [x for k in keys for x in by_form.get(k, []) if x.id != c.id]
        if not alike:
            continue
        acronym_of.add(c.id)
        for x in alike:
            parent[root(x.id)] = root(c.id)
    groups: dict[int, list] = {}
    for k in parent:
        groups.setdefault(root(k), []).append(by_id[k])
    out: dict[int, int] = {}
    for group in groups.values():
        head = max(group, key=lambda x: (x.n_papers, x.id in acronym_of, -x.id))
        for x in group:
            out[x.id] = head.id
    return out


def competing(reading: AcronymReading) -> bool:
    """Whether some of a defined acronym's papers define it otherwise: "ASR" is automatic speech recognition
    to most of its papers and attack success rate to a few; a paper that writes it without defining it may
    mean either."""
    return reading.verdict == DEFINED and len(reading.expansions) > 1


def in_sense(text: str, reading: AcronymReading) -> bool:
    """Whether a paper's title and abstract use a defined acronym in the sense its papers agree on
    (``reading.dominant``): it defines the acronym so (not otherwise), or, when other papers define it
    otherwise (``competing``), it writes the acronym and names half of the expansion's content words ("speech"
    and "recognition" for ASR), or names the whole expansion; when no paper defines it otherwise, writing it or
    a merged variant is enough."""
    if reading.verdict != DEFINED or not reading.dominant:
        return True
    defs = definitions(text, reading.phrase)
    if defs:
        return any(same_expansion(d, reading.dominant) for d in defs)
    if not competing(reading):
        return True
    folded = [_fold(w) for w in re.split(r"[^\w]+", _surface(text)) if w and w not in _STOP]
    if not writes(text, reading.phrase):
        # found through a merged variant only: it must name the expansion itself ("automatic speech" of ASR
        # is near "automatic part-of-speech tagging" to the search)
        key = [_fold(w) for w in _content_words(reading.dominant)]
        return any(folded[k:k + len(key)] == key for k in range(len(folded) - len(key) + 1))
    content = set(_content(reading.dominant))
    return 2 * len(content & set(folded)) >= len(content) > 0


SENSE_BATCH = 256   # abstracts read at a time by off_sense (one query), cancel read and progress told between


def off_sense(readings: Mapping[int, AcronymReading], mentions: Mapping[int, Iterable[int]],
              texts_of, *, progress=None, cancel=None, where: str = "") -> dict[int, frozenset]:
    """{concept id: the papers of ``mentions`` that do not use the acronym in its library's sense
    (``in_sense``)}, for the defined acronym concepts; ``texts_of(ids)`` gives {paper id: title and abstract}.
    The abstracts are read ``SENSE_BATCH`` at a time (every abstract naming "LLM" in a reference corpus is tens
    of thousands): ``cancel`` is read before each batch and ``progress`` told after it, the abstracts read of
    all there are to read; ``where`` names the corpus in the message (" in the reference corpus")."""
    todo = [(cid, r, sorted(set(mentions.get(cid, ())))) for cid, r in readings.items() if r.verdict == DEFINED]
    todo = [(cid, r, ids) for cid, r, ids in todo if ids]
    total, done, out = sum(len(ids) for _, _, ids in todo), 0, {}
    for cid, r, ids in todo:
        off: set[int] = set()
        for start in range(0, len(ids), SENSE_BATCH):
            check(cancel)
            chunk = ids[start:start + SENSE_BATCH]
            texts = texts_of(chunk)
            off |= {p for p in chunk if texts.get(p) and not in_sense(texts[p], r)}
            done += len(chunk)
            report(progress, done, total, f"reading the sense of {r.phrase}{where}: {done:,} of {total:,} abstracts")
        if off:
            out[cid] = frozenset(off)
    return out


def library_acronyms(lib, concepts: Sequence, *, progress=None, cancel=None) -> dict[int, AcronymReading]:
    """``read_acronyms`` over the titles and abstracts of the library's papers (``progress`` and ``cancel`` as
    there)."""
    acr = [c for c in concepts if is_acronym(c.phrase)]
    check(cancel)
    return read_acronyms(acr, title_abstract_texts(lib, {p for c in acr for p in c.papers}),
                         progress=progress, cancel=cancel)


def title_abstract_texts(lib, ids: Iterable[int]) -> dict[int, str]:
    """{paper id: "title. abstract"}, the text an acronym's definitions are read from."""
    ids = sorted(ids)
    return {pid: f"{t or ''}. {a or ''}" for pid, (t, a) in lib.title_abstracts_of(ids).items()} if ids else {}


def ambiguous_notice(readings: Sequence[AcronymReading]) -> Optional[str]:
    """The notice for the ambiguous acronyms left out of the gaps."""
    if not readings:
        return None
    rs = sorted(readings, key=lambda r: (-r.papers, r.phrase))
    names = ", ".join(f"{r.phrase} ({len(r.expansions)} expansions in {r.defining} defining papers)" for r in rs[:8])
    more = f" and {len(rs) - 8} more" if len(rs) > 8 else ""
    n = len(rs)
    return (f"{n} acronym{'s' if n != 1 else ''} name{'' if n != 1 else 's'} different things in different papers "
            f"and {'were' if n != 1 else 'was'} not listed as gap ends: {names}{more}")


def system_name_notice(readings: Sequence[AcronymReading]) -> Optional[str]:
    """The notice for the acronyms left out of the gaps as the names of a few papers' own systems."""
    if not readings:
        return None
    rs = sorted(readings, key=lambda r: (-r.papers, r.phrase))
    names = ", ".join(f"{r.phrase} ({r.papers} papers, {r.users} using it)" for r in rs[:8])
    more = f" and {len(rs) - 8} more" if len(rs) > 8 else ""
    n = len(rs)
    return (f"{n} acronym{'s' if n != 1 else ''} only the papers that coined {'them' if n != 1 else 'it'} write "
            f"name{'' if n != 1 else 's'} a system, not a concept, and {'were' if n != 1 else 'was'} not listed "
            f"as gap ends: {names}{more}")


def reading_line(d: Mapping) -> str:
    """One line for `gaps show` and the Gaps view from ``AcronymReading.to_dict()``: "VAR: visual
    autoregressive modeling (5 of the 6 papers that define it)"."""
    exps = d.get("expansions") or []
    if d.get("verdict") == DEFINED and exps:
        return (f"{d['phrase']}: {exps[0][0]} ({exps[0][1]} of the {d['defining_papers']} papers that define it"
                f"{', ' + str(len(exps) - 1) + ' other reading' + ('s' if len(exps) > 2 else '') if len(exps) > 1 else ''})")
    if d.get("verdict") == AMBIGUOUS:
        return f"{d['phrase']}: ambiguous, {len(exps)} expansions in {d['defining_papers']} papers"
    return f"{d['phrase']}: not defined by two or more of its {d.get('papers')} papers"


def telling_synonyms(phrase: str, synonyms: Sequence[str], expansion: Optional[str] = None) -> list[str]:
    """The synonyms of an acronym concept worth showing beside it: not the pieces the extractor cut from its
    definition ("relative policy optimization", "group relative", "optimization grpo" for GRPO, "sam sam"),
    every word of which is the acronym's or its expansion's and which are not the expansion itself."""
    if not expansion:
        return list(synonyms)

    def words(text: str) -> set[str]:
        return {w for w in re.split(r"[\s\-]+", text.lower()) if w}

    known = words(phrase) | words(expansion)
    return [s for s in synonyms if not (words(s) <= known and s.lower() != expansion.lower())]


def readable_phrase(phrase: str) -> str:
    """A concept phrase that ends in its own acronym, as a sentence writes it: the extractor drops the
    brackets of "whole-slide images (WSIs)", which then read "whole-slide images WSIs"."""
    words = phrase.split()
    if len(words) < 2:
        return phrase
    last = words[-1]
    core = last[:-1] if last.endswith("s") and len(last) > 2 else last
    if sum(c.isupper() for c in core) < 2 or not core.isalnum():
        return phrase
    initials = "".join(w[0] for w in re.split(r"[\s\-]+", " ".join(words[:-1])) if w)
    return f"{' '.join(words[:-1])} ({last})" if core.lower() == initials.lower() else phrase
