"""A concept that is a fragment of a longer name joins the concept that name belongs to.

The candidate phrases are 1-3 word n-grams, so a longer name is cut into pieces: "Group Relative Policy
Optimization (GRPO)" yields "group relative policy", "relative policy optimization" and "optimization
GRPO", each a concept of its own next to "GRPO", and a gap could pair "relative policy optimization" with a
problem as if it were a method of its own. A phrase is a fragment when nearly all (``FRAGMENT_SHARE``) of
its mentions in the papers' text sit inside one longer phrase (grown a word at a time to the left or the
right while one neighbour word holds that share). Its concept is merged (papers and forms) into the concept
that names the longer phrase: one whose phrase or merged variant is a longer part of it that holds the
fragment ("text-to-image diffusion" into "text-to-image diffusion models"), or an acronym of its words
that most of the texts with the fragment use ("GRPO" for "group relative policy optimization"). A
fragment of a name no concept holds stays as it is."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Optional, Sequence

FRAGMENT_SHARE = 0.9     # of a phrase's mentions inside one longer phrase; "policy optimization" is split
                         # between "proximal ..." and "relative ...", and stays
FRAGMENT_MIN_MENTIONS = 3   # fewer mentions say nothing (the least papers a concept has)
MAX_WORDS = 7            # how far a phrase is grown
ACRONYM_USED = 0.5       # an acronym names the longer phrase only where most texts with the fragment use it


def token_streams(texts: Sequence[str]) -> list[list[str]]:
    """Each text as the extractor reads it: lower-case tokens, English stop words out (the n-grams of
    extract.candidate_vocabulary are runs of these)."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    from .tokens import lower_words

    return [[t for t in lower_words(x or "") if t not in ENGLISH_STOP_WORDS] for x in texts]


def _positions(streams: list[list[str]]) -> dict[str, list[tuple[int, int]]]:
    where: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for d, s in enumerate(streams):
        for i, t in enumerate(s):
            where[t].append((d, i))
    return where


def longer_phrase(phrase: Sequence[str], streams: list[list[str]], where: dict, *,
                  share: float = FRAGMENT_SHARE) -> tuple[tuple[str, ...], int, set[int]]:
    """(the longest phrase holding ``share`` of ``phrase``'s mentions, where ``phrase`` starts in it, the
    texts mentioning ``phrase``)."""
    k = len(phrase)
    occ = [(d, i) for d, i in where.get(phrase[0], ()) if streams[d][i:i + k] == list(phrase)]
    docs = {d for d, _ in occ}
    n0, q, start, lo, hi = len(occ), tuple(phrase), 0, 0, k     # occurrence spans are [i + lo, i + hi)
    while n0 >= FRAGMENT_MIN_MENTIONS and len(q) < MAX_WORDS:
        left = Counter(streams[d][i + lo - 1] for d, i in occ if i + lo > 0)
        right = Counter(streams[d][i + hi] for d, i in occ if i + hi < len(streams[d]))
        best = max([(c, "L", w) for w, c in left.most_common(1)] + [(c, "R", w) for w, c in right.most_common(1)],
                   default=None)
        if best is None or best[0] < share * n0:
            break
        _, side, w = best
        if side == "L":
            occ = [(d, i) for d, i in occ if i + lo > 0 and streams[d][i + lo - 1] == w]
            q, lo, start = (w, *q), lo - 1, start + 1
        else:
            occ = [(d, i) for d, i in occ if i + hi < len(streams[d]) and streams[d][i + hi] == w]
            q, hi = (*q, w), hi + 1
    return q, start, docs


def _singular(t: str) -> str:
    return t[:-1] if len(t) > 3 and t.endswith("s") and not t.endswith("ss") else t


def _initials(words: Sequence[str]) -> set[str]:
    """The ways ``words`` are abbreviated: a hyphenated word gives its first letter or one per part
    ("contrastive language-image pre-training": clip; "multiple-input multiple-output": mimo)."""
    out = {""}
    for w in words:
        parts = [x for x in w.split("-") if x]
        out = {o + v for o in out for v in {w[0], "".join(x[0] for x in parts)}}
    return out


def _acronyms(q: tuple[str, ...], start: int, k: int) -> set[str]:
    """The abbreviations of the runs of ``q``'s words that hold the whole fragment q[start:start + k], or
    all of it but its last word when that word is the abbreviation ("optimization GRPO" in "group relative
    policy optimization GRPO"). A run that holds only part of it names something else: "semi-supervised
    medical" is no SSM (state space model)."""
    out = set()
    for a in range(start + 1):
        for b in range(max(a + 2, start + k), len(q) + 1):
            out |= _initials(q[a:b])
        if start + k - 1 - a >= 2:
            run = _initials(q[a:start + k - 1])
            out |= run & {_singular(q[start + k - 1])}
    return out


def fragment_targets(concepts: Sequence[dict], streams: list[list[str]], *,
                     share: float = FRAGMENT_SHARE) -> dict[int, tuple[int, str]]:
    """{index of a fragment concept: (index of the concept it belongs to, the longer phrase)} over concepts
    given as dicts with ``phrase``, ``synonyms`` and ``papers`` (as extract.py builds and the store loads)."""
    forms = [list(dict.fromkeys(t for t in map(tuple, token_streams([c["phrase"], *c.get("synonyms", [])])) if t))
             for c in concepts]         # each concept's phrase and merged variants as token runs, phrase first
    by_form: dict[tuple[str, ...], set[int]] = defaultdict(set)
    for j, fs in enumerate(forms):
        for f in fs:
            by_form[f].add(j)
    # concepts named by an acronym: a one-word phrase in capitals ("GRPO", "LLMs")
    acronyms: dict[str, set[int]] = defaultdict(set)
    for j, c in enumerate(concepts):
        words = c["phrase"].split()
        acr = _singular(words[0]) if len(words) == 1 else ""
        if len(acr) >= 2 and acr.isalpha() and acr.isupper():      # not "dLLMs" (diffusion LLMs)
            acronyms[acr.lower()].add(j)
    size = [len({p[0] for p in c["papers"]}) for c in concepts]
    where = _positions(streams)
    out: dict[int, tuple[int, str]] = {}
    for i, c in enumerate(concepts):
        if not forms[i]:
            continue
        p = forms[i][0]
        q, start, docs = longer_phrase(p, streams, where, share=share)
        if len(q) == len(p):
            continue
        hits = set()
        for n_words in range(len(p) + 1, len(q) + 1):     # longer parts of q that hold the fragment
            for j in range(max(0, start + len(p) - n_words), min(start, len(q) - n_words) + 1):
                hits |= by_form.get(q[j:j + n_words], set())
        for acr in _acronyms(q, start, len(p)):            # an acronym of q's words ("GRPO") that most
            if acr in acronyms:                            # texts with the fragment use: "medical large
                used = {d for t in (acr, acr + "s") for d, _ in where.get(t, ())}    # language" is no MLLM
                if len(docs & used) >= ACRONYM_USED * len(docs):
                    hits |= acronyms[acr]
        hits.discard(i)
        if hits:
            out[i] = (max(hits, key=lambda j: (size[j], -j)), " ".join(q))
    return out


def _root(i: int, targets: dict[int, tuple[int, str]], size: Sequence[int]) -> int:
    """Where fragment ``i`` ends up along its chain of merges; in a cycle (two fragments of one name, each
    inside the other's longer phrase) the cycle's biggest concept, so no concept is lost."""
    path = [i]
    while i in targets:
        i = targets[i][0]
        if i in path:
            cycle = path[path.index(i):]
            return max(cycle, key=lambda j: (size[j], -j))
        path.append(i)
    return i


def merge_fragments(concepts: list[dict], texts: Sequence[str], *, share: float = FRAGMENT_SHARE,
                    streams: Optional[list[list[str]]] = None) -> tuple[list[dict], dict[int, tuple[int, str]]]:
    """(the concepts with each fragment merged into the concept of its longer name, the merges as
    {fragment index: (index of the concept it joined, the longer phrase)} into the given list). The
    merged concept keeps its phrase and vector, gains the fragment's papers (best score per paper and
    side) and its forms as synonyms, and takes its kind from the sides that named its papers."""
    streams = token_streams(texts) if streams is None else streams
    targets = fragment_targets(concepts, streams, share=share)
    size = [len({p[0] for p in c["papers"]}) for c in concepts]
    merged = {i: (_root(i, targets, size), q) for i, (_, q) in targets.items()}
    merged = {i: t for i, t in merged.items() if t[0] != i}         # a cycle's root stays, the rest join it
    return _join(concepts, merged), merged


def _join(concepts: list[dict], merged: dict[int, tuple[int, str]]) -> list[dict]:
    """The concepts with each of ``merged`` ({index: (index it joins, phrase)}) joined into its target."""
    into: dict[int, list[int]] = defaultdict(list)
    for i, (j, _) in merged.items():
        into[j].append(i)
    return [absorb(c, [concepts[i] for i in into[j]]) if j in into else c
            for j, c in enumerate(concepts) if j not in merged]


WHOLE_WRITTEN = 0.5     # of the texts with a fragment that write its whole name word for word


def _next_words(p: tuple[str, ...], streams: list[list[str]], where: dict,
                share: float) -> tuple[list[tuple[str, ...]], set[int]]:
    """(``p`` with the word that stands before it, and with the one after it, in ``share`` of its mentions;
    the texts that mention ``p``)."""
    k = len(p)
    occ = [(d, i) for d, i in where.get(p[0], ()) if streams[d][i:i + k] == list(p)]
    docs = {d for d, _ in occ}
    if len(occ) < FRAGMENT_MIN_MENTIONS:
        return [], docs
    left = Counter(streams[d][i - 1] for d, i in occ if i > 0)
    right = Counter(streams[d][i + k] for d, i in occ if i + k < len(streams[d]))
    out = [(w, *p) for w, c in left.most_common(1) if c >= share * len(occ)]
    return out + [(*p, w) for w, c in right.most_common(1) if c >= share * len(occ)], docs


def whole_names(concepts: Sequence[dict], texts: Sequence[str], *, share: float = FRAGMENT_SHARE,
                streams: Optional[list[list[str]]] = None) -> dict[int, str]:
    """{index of a concept whose phrase is a fragment of a longer name no concept holds: that name}. The
    3-word n-grams cut "Group Relative Policy Optimization" to "relative policy optimization"; where no
    "GRPO" concept takes the piece (a library that writes the name without its acronym), the piece is named
    whole: grown by the one word beside it in ``share`` of its mentions (the word the n-grams cut), when the
    longer phrase could be a candidate (extract.keep_phrase: no "apply" nor "using" at its edge), is no
    phrase and its acronym ("optimization GRPO"), and most of the texts write it word for word (no stop word
    dropped inside)."""
    from .extract import keep_phrase
    from .tokens import lower_words
    from .word_forms import verb_form

    streams = token_streams(texts) if streams is None else streams
    where = _positions(streams)
    out: dict[int, str] = {}
    for i, c in enumerate(concepts):
        p = tuple(token_streams([c["phrase"]])[0])
        if len(p) < 2:                              # a word or an acronym is no piece of a name
            continue
        longer, docs = _next_words(p, streams, where, share)
        grown = [q for q in longer if _singular(q[-1]) not in _initials(q[:-1])        # no "optimization GRPO"
                 and not verb_form(q[0] if q[1:] == p else q[-1]) and keep_phrase(" ".join(q))]   # no "apply"
        if not grown:
            continue
        name = " ".join(grown[0])
        written = sum(f" {name} " in f" {' '.join(lower_words(texts[d]))} " for d in docs)
        if written >= WHOLE_WRITTEN * len(docs):
            out[i] = name
    return out


def name_whole(concepts: list[dict], texts: Sequence[str], written: Optional[dict] = None, *,
               share: float = FRAGMENT_SHARE) -> tuple[list[dict], dict[int, str]]:
    """(the concepts with each fragment of a longer name no concept holds renamed to that name, its old
    phrase a synonym, and two fragments of one name joined; {index: the name}). ``written``: {lower-case
    word: its written form} (extract.surface_forms) for the name's display."""
    streams = token_streams(texts)
    names = whole_names(concepts, texts, share=share, streams=streams)
    out = [dict(c) for c in concepts]
    for i, name in names.items():
        c = out[i]
        c["synonyms"] = [c["phrase"].lower(), *[s for s in c.get("synonyms", []) if s != name]]
        c["phrase"] = " ".join((written or {}).get(t, t) for t in name.split())
    size = [len({p[0] for p in c["papers"]}) for c in out]
    first: dict[str, int] = {}
    merged: dict[int, tuple[int, str]] = {}
    for i in sorted(names, key=lambda i: (-size[i], i)):     # one name, two fragments: the bigger keeps it
        if names[i] in first:
            merged[i] = (first[names[i]], names[i])
        else:
            first[names[i]] = i
    return _join(out, merged), names


def absorb(concept: dict, others: Sequence[dict]) -> dict:
    """``concept`` (an extractor's dict) with ``others`` merged into it: it keeps its phrase and vector, gains
    their papers (best score per paper and side) and their forms as synonyms (most papers first), and takes its
    kind from the sides that named its papers."""
    c = dict(concept)
    papers = {(p, s): sc for p, s, sc in c["papers"]}
    syn = list(c.get("synonyms", []))
    for o in sorted(others, key=lambda o: -len(o["papers"])):
        for p, s, sc in o["papers"]:
            papers[(p, s)] = max(papers.get((p, s), 0.0), sc)
        syn += [f for f in [o["phrase"].lower(), *o.get("synonyms", [])] if f not in syn and f != c["phrase"].lower()]
    c["papers"] = [(p, s, sc) for (p, s), sc in papers.items()]
    c["synonyms"] = syn
    sides = Counter(s for _, s, _ in c["papers"])
    c["kind"] = "method" if sides["method"] >= sides["problem"] else "problem"
    return c


def paper_texts(method_texts: Sequence[str], problem_texts: Sequence[str]) -> list[str]:
    """One text per paper (its method and problem sentences), where a fragment and its acronym are looked for."""
    return [f"{m} {p}" for m, p in zip(method_texts, problem_texts)]
