"""The evidence of one concept gap, by role: the papers on the method side and on the problem side, the
neighbouring concepts' papers that predict the link, the few papers that already did both, and the
shortcoming sentences that name the problem; and the two checks that a pair is not already established
practice (a reference corpus's abstracts naming both, the closest existing work)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Callable, Mapping, Optional, Sequence

import numpy as np

from ..concepts.model import Concept
from ..jobs import check, report
from .dedup import Candidate
from .linkpred import NEIGHBOURS
from .quotes import no_quote_note, pick_quotes

ROLE_ORDER = ("both", "method", "problem", "neighbour", "shortcoming")


@dataclass
class PairEvidence:
    """What a candidate pair (m, p) rests on, gathered once for deduplication and for its gap."""
    method: Concept
    problem: Concept
    both: list[int]                          # papers the extractor found naming both
    near_methods: list[tuple[Concept, int]]  # m's nearest methods that have met p, with their papers with p
    near_problems: list[tuple[Concept, int]]
    method_papers: list[int]                 # evidence papers on each side
    problem_papers: list[int]
    bridge: list[int]                        # the neighbours' papers that predict the link
    text_both: Optional[int]                 # abstracts mentioning both phrases

    def roles(self) -> dict[int, str]:
        """{paper id: its role}, each paper once, in ROLE_ORDER."""
        roles: dict[int, str] = {}
        for role, ps in (("both", self.both), ("method", self.method_papers), ("problem", self.problem_papers),
                         ("neighbour", self.bridge)):
            for q in ps:
                roles.setdefault(int(q), role)
        return roles


def top_papers(c: Concept, exclude: set, n: int) -> list[int]:
    """``c``'s ``n`` most representative papers (those naming it in its own kind first), none of ``exclude``."""
    ps = [p for p in c.papers if p not in exclude]
    ps.sort(key=lambda p: (c.papers[p] != c.kind, -c.scores.get(p, 0.0), p))
    return ps[:n]


# a related concept is near by its name AND by its papers: the phrase vectors alone put "knowledge graph" next to
# "knowledge distillation" and "scene flow" next to "flow matching" for the word they share, while their papers
# are about other things (on the 10,653-paper library, their papers sit at the 87th and 85th percentile of
# closeness; "knowledge base" for "knowledge graph", "contrastive loss" for "contrastive learning" at the 99.9th)
RELATED_CONTENT_SHARE = 0.05   # the share of its kind (at least NEIGHBOURS) closest to a concept's papers
# a phrase sharing a word with the concept is near by phrase for that word alone: its papers must be among the
# closest 1% ("contrastive loss" for "contrastive learning", "3D gaussians" for "gaussian primitives": the very
# closest), where "curriculum learning" for "contrastive learning" and "semantic matching" for "flow matching"
# sit at the 98th and 97th percentile (and "normalizing flow" for "flow matching" too, left out with them)
SHARED_WORD_CONTENT_SHARE = 0.01
PHRASE_POOL = 3                # phrase-nearest NEIGHBOURS x this are read for the ones near by their papers too


def neighbours(c: Concept, others: Sequence[Concept], vecs: np.ndarray, target: Concept,
               k: int = NEIGHBOURS, same: frozenset = frozenset(),
               content: Optional[np.ndarray] = None) -> list[tuple[Concept, int]]:
    """Of ``c``'s ``k`` most similar concepts (of the same kind), those that co-occur with ``target``,
    with the number of papers naming both, most first. ``same``: the ids of ``c`` under its other names
    (an acronym's expansion): no neighbour, for having met ``target`` under another name is no related
    concept meeting it. ``content``: each of ``others``' closeness to ``c`` by their papers (the cosine of their
    mean abstract vectors); given, a concept is similar only when it is near by phrase and its papers are among
    the RELATED_CONTENT_SHARE of ``others`` closest to ``c``'s (related_by_papers)."""
    s = vecs @ c.vector
    order = [i for i in np.argsort(-s) if others[i].id != c.id and others[i].id not in same]
    if content is not None:
        close = related_by_papers(content, k)
        closest = related_by_papers(content, k, SHARED_WORD_CONTENT_SHARE)
        words = _words(c.phrase)
        order = [i for i in order[:PHRASE_POOL * k]
                 if (closest[i] if words & _words(others[i].phrase) else close[i])]
    order = order[:k]
    tp = set(target.papers)
    out = [(others[i], len(tp & set(others[i].papers))) for i in order]
    return sorted([x for x in out if x[1] > 0], key=lambda x: -x[1])


def related_by_papers(content: np.ndarray, k: int = NEIGHBOURS, share: float = RELATED_CONTENT_SHARE) -> np.ndarray:
    """Which concepts are near by their papers: the ``share`` (at least ``k``) with the highest ``content``
    closeness."""
    n = len(content)
    keep = min(n, max(k, int(np.ceil(share * n))))
    close = np.zeros(n, dtype=bool)
    if keep:
        close[np.argsort(-content, kind="stable")[:keep]] = True
    return close


def _words(phrase: str) -> set[str]:
    """The words of a phrase (three letters or more), plural and ending folded: what two phrases may share."""
    from ..concepts.acronyms import fold_word

    return {fold_word(w) for w in phrase.lower().replace("-", " ").split() if len(w) >= 3}


def nameable(c: Concept) -> bool:
    """A neighbour a gap's statement may name as the related method or problem: a concept (not a bare
    word such as "detecting", "predicting", "diffusion") of two or more words or a named thing ("LoRA")."""
    from ..concepts.quality import not_a_concept, specific

    return specific(c.phrase) and not_a_concept(c.phrase) is None


class EvidenceGatherer:
    """Builds each pair's PairEvidence and its deduplication Candidate over one concept set; the neighbours
    that predict a link are drawn from the nameable concepts only, for the statement names them."""

    def __init__(self, concepts: Sequence[Concept], evidence_n: int, paper_vecs: Optional[tuple],
                 same_as: Optional[Mapping[int, int]] = None, unnamed: frozenset = frozenset()):
        """``same_as`` ({concept id: the concept it is one with}, concepts/acronyms.same_concepts): an
        acronym and its expansion are one concept here: neither is the other's related concept, and a paper
        naming the method and the problem under either name already did both. ``unnamed``: the ids of
        concepts no statement may name as a related method or problem (data named as a method, a modifier).
        Nor is one the end rules refuse whatever the library says (concepts/quality.refused_end): a named
        model such as "OpenVLA" is no related problem, as it is no problem end."""
        from ..concepts.quality import refused_end

        self.evidence_n = evidence_n
        self._one = dict(same_as or {})
        self._alias: dict[int, list[Concept]] = {}
        for c in concepts:
            if c.id in self._one:
                self._alias.setdefault(self._one[c.id], []).append(c)
        self.methods = [c for c in concepts if c.kind == "method" and nameable(c) and c.id not in unnamed
                        and not refused_end(c.phrase, c.kind)]
        self.problems = [c for c in concepts if c.kind == "problem" and nameable(c) and c.id not in unnamed
                         and not refused_end(c.phrase, c.kind)]
        self.mv = np.stack([c.vector for c in self.methods]) if self.methods else np.zeros((0, 1))
        self.pv = np.stack([c.vector for c in self.problems]) if self.problems else np.zeros((0, 1))
        self.paper_vecs = paper_vecs if paper_vecs is not None and len(paper_vecs[0]) else None
        self._row = {int(q): r for r, q in enumerate(self.paper_vecs[0])} if self.paper_vecs is not None else {}
        self._content: dict[int, np.ndarray] = {}
        self._contents: dict[int, np.ndarray] = {}      # id(methods or problems): their content vectors

    def content(self, c: Concept) -> Optional[np.ndarray]:
        """The unit mean abstract vector of ``c``'s papers (None without abstract vectors)."""
        if self.paper_vecs is None:
            return None
        if c.id not in self._content:
            rows = [self._row[q] for q in c.papers if q in self._row]
            vecs = self.paper_vecs[1]
            v = vecs[rows].sum(axis=0) if rows else np.zeros(vecs.shape[1], np.float32)
            self._content[c.id] = v / max(float(np.linalg.norm(v)), 1e-9)
        return self._content[c.id]

    def content_closeness(self, c: Concept, others: Sequence[Concept]) -> Optional[np.ndarray]:
        """Each of ``others``' closeness to ``c`` by their papers (None without abstract vectors): what makes a
        concept near by phrase a related one (neighbours)."""
        if self.paper_vecs is None or not others:
            return None
        key = id(others)
        if key not in self._contents:
            self._contents[key] = np.stack([self.content(x) for x in others])
        return self._contents[key] @ self.content(c)

    def names_of(self, c: Concept) -> list[Concept]:
        """``c`` and the concepts it is one with (an acronym and its expansion), ``c`` first."""
        head = self._one.get(c.id)
        return [c] + [x for x in self._alias.get(head, []) if x.id != c.id] if head is not None else [c]

    def gather(self, m: Concept, p: Concept, text_both: Optional[int]) -> PairEvidence:
        ms, ps = self.names_of(m), self.names_of(p)
        both = sorted({q for x in ms for q in x.papers} & {q for x in ps for q in x.papers})
        nb_m = neighbours(m, self.methods, self.mv, p, same=frozenset(x.id for x in ms),
                          content=self.content_closeness(m, self.methods))
        nb_p = neighbours(p, self.problems, self.pv, m, same=frozenset(x.id for x in ps),
                          content=self.content_closeness(p, self.problems))
        bridge = []
        for c, _ in nb_m[:2]:
            bridge += sorted(set(c.papers) & set(p.papers))[:2]
        for c, _ in nb_p[:2]:
            bridge += sorted(set(c.papers) & set(m.papers))[:1]
        return PairEvidence(m, p, both, nb_m, nb_p, top_papers(m, set(both) | set(p.papers), self.evidence_n),
                            top_papers(p, set(both) | set(m.papers), self.evidence_n), bridge, text_both)

    def candidate(self, key, score: float, ev: PairEvidence, same_as: Optional[Mapping[int, int]] = None) -> Candidate:
        """``same_as`` ({concept id: the concept it is one with}, concepts/acronyms.same_concepts): an acronym
        and its expansion count as one concept in deduplication and in the gaps a concept may lead."""
        m, p = ev.method, ev.problem
        one = same_as or {}
        return Candidate(key=key, score=score, method=one.get(m.id, m.id), problem=one.get(p.id, p.id),
                         method_vec=m.vector, problem_vec=p.vector,
                         evidence=frozenset(ev.method_papers + ev.problem_papers + ev.both + ev.bridge),
                         method_content=self.content(m), problem_content=self.content(p))


def shortcoming_quotes(m: Concept, p: Concept, shortcomings: Optional[Callable[[Sequence[int]], Mapping[int, list]]]
                       ) -> tuple[list[dict], Optional[str]]:
    """Up to three shortcoming sentences of the problem's papers that name either end (or a synonym): those
    that state one, the surest first, from three papers where there are (gaps/quotes.py); and, when none is
    quoted, why not (else None)."""
    if shortcomings is None:
        return [], None
    named = []
    words = [w.lower() for w in [p.phrase, *p.synonyms, m.phrase, *m.synonyms] if len(w) > 3]
    pp = sorted(p.papers, key=lambda q: -p.scores.get(q, 0.0))[:200]
    for pid, sents in shortcomings(pp).items():
        for s in sents:
            # labelled, as find.shortcoming_reader gives them; from a PDF also with "section" and "page"
            q = {"text": s} if isinstance(s, str) else dict(s)
            if any(w in q["text"].lower() for w in words):
                named.append({"paper_id": int(pid), **q})
    short = pick_quotes(named, 3)
    return short, (None if short else no_quote_note(
        named, f"naming \u201c{p.phrase}\u201d or \u201c{m.phrase}\u201d in the papers on \u201c{p.phrase}\u201d"))


def main_topic(m: Concept, p: Concept, topic_of: Optional[Mapping[int, tuple[int, str]]]) -> Optional[tuple[int, str]]:
    """The topic cluster most of the two concepts' papers sit in."""
    if not topic_of:
        return None
    tc = Counter(topic_of[q] for q in list(p.papers) + list(m.papers) if q in topic_of)
    return tc.most_common(1)[0][0] if tc else None


class EstablishedCheck:
    """The dedup pass's accept(): a pair is established practice, no gap, when enough of a reference
    corpus's abstracts mention both concepts (``reference``, gaps/reference.py), enough abstracts close
    to the pair are about both (``closest``, gaps/closest.py) or enough works in OpenAlex mention both
    (``world``, gaps/world_check.py; asked last, only for pairs the offline checks let through, since each
    is a request); each checked pair keeps what was found."""

    def __init__(self, reference, closest, pairs: Mapping[tuple, PairEvidence], top: int, progress=None, cancel=None,
                 world=None):
        self.reference, self.closest, self.world, self.pairs = reference, closest, world, pairs
        self.top, self.progress, self.cancel = top, progress, cancel
        self.reference_of: dict = {}
        self.closest_of: dict = {}
        self.world_of: dict = {}
        self.accepted = 0
        self.left_out = {"phrase": 0, "dense": 0, "world": 0}

    @property
    def active(self) -> bool:
        return self.reference is not None or self.closest is not None or self.world is not None

    def __call__(self, c: Candidate) -> Optional[str]:
        check(self.cancel)
        ev = self.pairs[c.key]
        why = None
        if self.reference is not None:
            r = self.reference_of[c.key] = self.reference.check(ev.method, ev.problem)
            if r["established"]:
                why = f"established: {r['co_mentions']} reference abstracts mention both"
                self.left_out["phrase"] += 1
        if why is None and self.closest is not None:
            cw = self.closest_of[c.key] = self.closest.check(ev.method, ev.problem)
            if cw["established"]:
                why = f"established: {cw['done']} abstracts close to the pair are about both concepts"
                self.left_out["dense"] += 1
        if why is None and self.world is not None:
            w = self.world_of[c.key] = self.world.check(ev.method, ev.problem)
            if w["established"]:
                why = f"established: {w['works']} works in OpenAlex mention both"
                self.left_out["world"] += 1
        self.accepted += why is None
        what = ("the reference corpus" if self.reference is not None else
                "the closest existing work" if self.closest is not None else "OpenAlex")
        checked = len(self.reference_of) or len(self.closest_of) or len(self.world_of)
        report(self.progress, self.accepted, self.top,
               f"checking gaps against {what}: {checked} pairs, {self.accepted} kept")
        return why

    def notices(self, kept: int, pool: int) -> list[str]:
        out = []
        est_phrase, est_dense, est_world = self.left_out["phrase"], self.left_out["dense"], self.left_out["world"]
        if self.reference is not None:
            r = self.reference
            out.append(f"reference corpus {r.path} ({r.n_papers} abstracts): {r.checked} pairs checked, {est_phrase} "
                       f"established (mentioned together by >= {r.min_co_mentions}) left out")
        if self.closest is not None:
            cl = self.closest
            where = " and ".join(("this library" if s.name == "library" else "the reference library")
                                 for s in cl.sources)
            out.append(f"closest existing work: {cl.checked} pairs compared by meaning with the abstracts of {where}; "
                       f"{est_dense} left out as already done ({cl.params.min_done} or more abstracts are about "
                       "both concepts, in whatever words)")
        if self.world is not None:
            out.append(self.world.notice(est_world))
        if self.active and kept < self.top and est_phrase + est_dense + est_world:
            # name the checks that left pairs out: with no reference set, it was the library's own
            # closest-work check (or OpenAlex), not a reference corpus
            by = [f"{n} by {what}" for n, what in (
                (est_phrase, "the reference corpus (abstracts mentioning both)"),
                (est_dense, "the closest-work check (abstracts of " + self._closest_where() + " about both)"),
                (est_world, "OpenAlex (works mentioning both)")) if n]
            out.append(f"only {kept} concept gaps among the best {pool} candidates are not established practice; "
                       f"left out as established: {', '.join(by)}")
        return out

    def _closest_where(self) -> str:
        names = [s.name for s in getattr(self.closest, "sources", ())]
        return " and ".join("this library" if n == "library" else "the reference library" for n in names) or "libraries"
