"""The paraphrase-aware "already done" check: the abstracts closest to a concept pair in embedding space.

The phrase check (reference.py) counts abstracts that name BOTH concepts; paraphrases escape it
("multiple-instance learning for weakly supervised lesion segmentation" never writes "medical image
segmentation"). Here a pair (method m, problem p) is a query vector built from both concepts; FAISS returns
the abstracts nearest to it in the reference library and in the user's library (their cached abstract
vectors, the project's encoder), and an abstract counts as having DONE the pair when it is about both sides:

  - close to both: its cosine to each side's vector is >= ``both``, or
  - names one and is close to the other: its title or abstract mentions one concept (FTS, the concept's
    phrase and merged variants, as the phrase check) and its cosine to the other side is >= ``named``.

A pair with ``min_done`` or more such abstracts (the sources' hits merged by arXiv id / title) is
established practice and not listed; below that, the closest few abstracts are the gap's evidence
"closest existing work" (title, year, arXiv id, similarity, whether it did both).

A side's vector is the concept's phrase vector, the mean abstract vector of its papers in the library
("content"), or both averaged; the query likewise; a cosine to a side may be read as a share of the median
cosine of the concept's own papers to it ("relative": an abstract as close to the concept as its typical
paper reads 1.0, whatever the encoder's scale and however broad the concept). Chosen by
benchmarks/bench_gaps_closest.py (benchmarks/results/gaps/closest-calibration-cs-10653.txt) on pairs the
field has joined (3+ reference abstracts naming both, those abstracts hidden) against random plausible pairs
no reference abstract names together (400 of each): mixed query and sides, absolute cosines, 50 nearest per
source, about both at 0.75 to each side (the grid's top: in effect off) or naming one concept at 0.60 to the
other's, established from 5 such abstracts: 36.5% of the joined pairs recognised from other abstracts alone
(46.3% with theirs in view), 9.8% of the unjoined pairs removed. The cosines are those of all-MiniLM-L6-v2:
another encoder (the embed.model setting) needs its own calibration (the relative reading, ``relative``,
scales by each concept's own papers and was within 0.06 of it).

Only `gaps find` uses it, never the backtest (a reference holds papers from after any cut-off date)."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Mapping, Optional, Sequence

import numpy as np

from ..jobs import ProgressFn, check as check_cancel, report



@dataclass(frozen=True)
class ClosestParams:
    """How the check reads a pair; the defaults are the calibrated choice (see the module docstring)."""
    query: str = "mixed"        # phrase | content | mixed: what the query vector is made of
    side: str = "mixed"         # phrase | content | mixed: each side's vector an abstract is compared with
    k: int = 50                 # abstracts retrieved per source and pair
    relative: bool = False      # compare cosines to a side with its own papers' typical (median) cosine to it
    both: float = 0.75          # cosine (relative: share of the typical one) to each side: about both
    named: float = 0.60         # cosine (or share) to the other side of an abstract naming one concept
    min_done: int = 5           # abstracts that did the pair making it established (setting gaps_closest_min)
    examples: int = 5           # closest abstracts kept as the gap's evidence


VECTOR_KINDS = ("phrase", "content", "mixed")


def _unit(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=np.float32)
    return v / max(float(np.linalg.norm(v)), 1e-9)


class AbstractSource:
    """One library's abstract vectors in a FAISS inner-product index, and its FTS index for mentions."""

    def __init__(self, name: str, lib, ids: np.ndarray, vecs: np.ndarray) -> None:
        import faiss

        self.name, self.lib = name, lib
        self.path = str(getattr(lib, "path", ""))
        self.ids = np.asarray(ids, dtype=np.int64)
        self.vecs = np.ascontiguousarray(vecs, dtype=np.float32)
        self.index = faiss.IndexFlatIP(self.vecs.shape[1])
        self.index.add(self.vecs)
        self._mentions: dict[int, frozenset] = {}
        self.senses: dict = {}          # {concept id: AcronymReading}: the sense an acronym is counted in
        # told and read while an acronym's abstracts are read for its sense (set by `gaps find`, as senses)
        self.progress, self.cancel = None, None
        self._copies: dict[tuple, Optional[int]] = {}

    @classmethod
    def load(cls, name: str, lib, model_id: Optional[str] = None) -> Optional["AbstractSource"]:
        """The source, or None when the library has no abstract vectors for ``model_id`` (its own model)."""
        from ..embed import load_vectors

        try:
            ids, vecs = load_vectors(lib, "abstract", model_id)
        except Exception:    # no vectors for this model (or none at all)
            return None
        return cls(name, lib, ids, vecs) if len(ids) else None

    def __len__(self) -> int:
        return len(self.ids)

    def mentions(self, concept) -> frozenset:
        """Ids of the papers whose title or abstract mentions the concept (any of its forms), in the sense the
        library's papers give an acronym (``senses``, set by `gaps find`: {concept id: reading})."""
        if concept.id not in self._mentions:
            from ..concepts.members import mentioning

            where = " in the library" if self.name == "library" else " in the reference corpus"
            self._mentions[concept.id] = mentioning(self.lib, concept, self.senses, progress=self.progress,
                                                    cancel=self.cancel, where=where)
        return self._mentions[concept.id]

    def nearest(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(rows into ids / vecs, cosines) of the ``k`` abstracts nearest to ``query``."""
        sims, rows = self.index.search(_unit(query)[None, :], min(k, len(self.ids)))
        keep = rows[0] >= 0
        return rows[0][keep], sims[0][keep]

    def papers(self, ids: Sequence[int]) -> dict[int, dict]:
        return {p.id: {"title": p.title, "year": p.year, "arxiv_id": p.arxiv_id, "doi": p.doi}
                for p in self.lib.get_papers([int(i) for i in ids])}

    def holding(self, info: dict) -> Optional[int]:
        """The id of this library's copy of a paper another source found (its arXiv id or DOI), or None."""
        key = (info.get("arxiv_id"), info.get("doi"))
        if not any(key):
            return None
        if key not in self._copies:
            self._copies[key] = self.lib.paper_with_ids(*key)
        return self._copies[key]


class ConceptVectors:
    """Each concept's phrase vector and content vector (the unit mean abstract vector of its papers in the
    user's library; the phrase vector where none of its papers has a vector)."""

    def __init__(self, paper_vecs: Optional[tuple] = None) -> None:
        self.at = ({int(q): r for r, q in enumerate(paper_vecs[0])} if paper_vecs is not None and len(paper_vecs[0])
                   else {})
        self.vecs = paper_vecs[1] if self.at else None
        self._content: dict[int, np.ndarray] = {}
        self._typical: dict[tuple, float] = {}

    def content(self, c) -> np.ndarray:
        if c.id not in self._content:
            rows = [self.at[q] for q in c.papers if q in self.at]
            self._content[c.id] = _unit(self.vecs[rows].sum(axis=0)) if rows else _unit(c.vector)
        return self._content[c.id]

    def vector(self, c, kind: str) -> np.ndarray:
        if kind == "phrase":
            return _unit(c.vector)
        if kind == "content":
            return self.content(c)
        if kind == "mixed":
            return _unit(_unit(c.vector) + self.content(c))
        raise ValueError(f"unknown vector kind {kind!r}; choose from {', '.join(VECTOR_KINDS)}")

    def typical(self, c, kind: str) -> float:
        """How close an abstract about the concept usually is to its side vector (broad concepts sit further
        from their papers): the median cosine of its own papers (those with vectors) to the vector made
        without them (left out one at a time, so a concept of few papers is not close to itself); 1 where
        it has no such paper."""
        key = (c.id, kind)
        if key not in self._typical:
            rows = [self.at[q] for q in c.papers if q in self.at]
            if len(rows) < 2:
                self._typical[key] = 1.0
            else:
                v = self.vecs[rows]
                phrase = _unit(c.vector)
                rest = v.sum(axis=0)[None, :] - v                  # each paper's content without itself
                rest /= np.maximum(np.linalg.norm(rest, axis=1, keepdims=True), 1e-9)
                if kind == "phrase":
                    side = np.repeat(phrase[None, :], len(rows), axis=0)
                elif kind == "content":
                    side = rest
                else:
                    side = rest + phrase[None, :]
                    side /= np.maximum(np.linalg.norm(side, axis=1, keepdims=True), 1e-9)
                self._typical[key] = max(float(np.median((v * side).sum(axis=1))), 0.05)
        return self._typical[key]

    def query(self, m, p, kind: str) -> np.ndarray:
        return _unit(self.vector(m, kind) + self.vector(p, kind))


def work_key(info: dict, source: str, pid: int) -> str:
    """One paper across sources (the user's library is often inside the reference): arXiv id, else title."""
    if info.get("arxiv_id"):     # without a version: "2501.01234v2"; "solv-int/9901001" keeps its v
        return "arxiv:" + re.sub(r"v[0-9]+$", "", str(info["arxiv_id"]).strip()).lower()
    t = " ".join(str(info.get("title") or "").lower().split())
    return "title:" + t if t else f"{source}:{pid}"


class ClosestWork:
    """The check over one or more sources; ``check(m, p)`` per pair."""

    def __init__(self, sources: Sequence[AbstractSource], concept_vectors: ConceptVectors,
                 params: ClosestParams = ClosestParams()) -> None:
        self.sources = list(sources)
        self.cv = concept_vectors
        self.params = params
        self.checked = 0
        self.established = 0

    def scored(self, m, p, k: Optional[int] = None, side: Optional[str] = None,
               query: Optional[str] = None) -> list[dict]:
        """The abstracts nearest the pair in every source: {"source", "id", "similarity", "to_method",
        "to_problem", "names_method", "names_problem"}, nearest first (not merged across sources)."""
        prm = self.params
        q = self.cv.query(m, p, query or prm.query)
        sk = side or prm.side
        vm, vp = self.cv.vector(m, sk), self.cv.vector(p, sk)
        tm, tp = self.cv.typical(m, sk), self.cv.typical(p, sk)
        out = []
        for src in self.sources:
            rows, sims = src.nearest(q, k or prm.k)
            if not len(rows):
                continue
            v = src.vecs[rows]
            to_m, to_p = v @ vm, v @ vp
            mm, mp = src.mentions(m), src.mentions(p)
            for r, s, a, b in zip(rows, sims, to_m, to_p):
                pid = int(src.ids[r])
                out.append({"source": src.name, "id": pid, "similarity": float(s), "to_method": float(a),
                            "to_problem": float(b), "rel_method": float(a) / tm, "rel_problem": float(b) / tp,
                            "names_method": pid in mm, "names_problem": pid in mp})
        out.sort(key=lambda x: -x["similarity"])
        return out

    @staticmethod
    def did_both(x: dict, both: float, named: float, relative: bool = False) -> bool:
        """An abstract about both sides: close to each, or naming one concept and close to the other."""
        a, b = (x["rel_method"], x["rel_problem"]) if relative else (x["to_method"], x["to_problem"])
        return ((a >= both and b >= both) or (x["names_method"] and b >= named) or (x["names_problem"] and a >= named))

    def check(self, m, p) -> dict:
        """{"established", "done" (abstracts about both, merged across sources), "min_done", "done_library"
        (the library's papers among them), "done_elsewhere" (the others), "sources", "named_both" (the
        abstracts among the nearest whose title or abstract names both concepts: {"source", "id", "arxiv_id",
        "title", "year"}), "done_unnamed" (those about both that name not both: {"source", "id"}),
        "closest_work": [{"source", "id", "arxiv_id", "title", "year", "similarity", "did_both", "names_both"}]}. "About both" (did_both) is a reading by meaning, enough to call a pair
        established; only an abstract that names both is evidence that a paper combined them. A paper the
        reference and the library both hold is the library's ("source" "library", its id there)."""
        prm = self.params
        self.checked += 1
        hits = self.scored(m, p)
        done_hits = [x for x in hits if self.did_both(x, prm.both, prm.named, prm.relative)]
        named_hits = [x for x in hits if x["names_method"] and x["names_problem"]]
        # the papers to look up: those that did or named both, and the closest few
        wanted = {(x["source"], x["id"]) for x in done_hits + named_hits}
        wanted |= {(x["source"], x["id"]) for x in hits[: prm.examples * max(1, len(self.sources))]}
        info: dict[tuple, dict] = {}
        for src in self.sources:
            ids = [i for s, i in wanted if s == src.name]
            if ids:
                info.update({(src.name, i): d for i, d in src.papers(ids).items()})
        here = self._library_ids(info)

        def key(x) -> str:
            return work_key(info.get((x["source"], x["id"]), {}), x["source"], x["id"])

        done_keys = {key(x) for x in done_hits}
        # about both by meaning without naming both: the works the statement's "N abstracts combine them"
        # does not count (candidates.py leaves out any it counts anyway, e.g. one the extractor named both in)
        unnamed: dict[str, dict] = {}
        for x in done_hits:
            if not (x["names_method"] and x["names_problem"]):
                unnamed.setdefault(key(x), self._where(x, here))
        done_here = {key(x): here[(x["source"], x["id"])] for x in done_hits if (x["source"], x["id"]) in here}
        established = len(done_keys) >= prm.min_done
        self.established += established
        closest, seen = [], set()
        # evidence: the abstracts that did both first, then the nearest others
        for x in done_hits + hits:
            d = info.get((x["source"], x["id"]))
            if d is None:
                continue
            k = key(x)
            if k in seen:
                continue
            seen.add(k)
            closest.append({**self._where(x, here), "arxiv_id": d.get("arxiv_id"),
                            "title": d.get("title"), "year": d.get("year"),
                            "similarity": round(x["similarity"], 3), "to_method": round(x["to_method"], 3),
                            "to_problem": round(x["to_problem"], 3),
                            "did_both": self.did_both(x, prm.both, prm.named, prm.relative),
                            "names_both": bool(x["names_method"] and x["names_problem"])})
            if len(closest) >= prm.examples:
                break
        named, named_keys = [], set()
        for x in named_hits:
            d, k = info.get((x["source"], x["id"]), {}), key(x)
            if k not in named_keys:
                named_keys.add(k)
                named.append({**self._where(x, here), "arxiv_id": d.get("arxiv_id"), "title": d.get("title"),
                              "year": d.get("year")})
        # which of them are the library's own papers (the gap's statement counts them with the abstracts
        # naming both, once each), and how many more only the other sources hold
        return {"established": established, "done": len(done_keys), "min_done": prm.min_done,
                "done_library": sorted(set(done_here.values())),
                "done_elsewhere": len(done_keys - set(done_here)),
                "sources": [s.name for s in self.sources], "named_both": named,
                "done_unnamed": list(unnamed.values()), "closest_work": closest}

    def _library_ids(self, info: dict) -> dict[tuple, int]:
        """{(source, id): the library's id} of the papers looked up that the library holds: its own, and
        another source's the library holds a copy of (a library inside the reference is common)."""
        lib_src = next((s for s in self.sources if s.name == "library"), None)
        out = {}
        for (source, pid), d in info.items():
            if source == "library":
                out[(source, pid)] = int(pid)
            elif lib_src is not None and (own := lib_src.holding(d)) is not None:
                out[(source, pid)] = int(own)
        return out

    @staticmethod
    def _where(x: dict, here: dict) -> dict:
        """A hit's source and id, the library's where the library holds the paper."""
        own = here.get((x["source"], x["id"]))
        return {"source": "library", "id": own} if own is not None else {"source": x["source"], "id": x["id"]}


def open_closest(lib, reference=None, *, paper_vecs: Optional[tuple] = None, notices: Optional[list] = None,
                 params: Optional[ClosestParams] = None, progress: Optional[ProgressFn] = None,
                 cancel=None) -> Optional[ClosestWork]:
    """The check for `gaps find`: over the reference library (a gaps.reference.ReferenceCorpus or a
    library) and the user's library, each where it has abstract vectors of the library's model. None (and a
    notice saying so, with the command that makes the vectors) when neither has them."""
    from ..embed import library_model

    model = library_model(lib)
    sources, missing = [], []
    ref_lib = getattr(reference, "lib", reference)
    for name, l in (("reference", ref_lib), ("library", lib)):
        if l is None:
            continue
        check_cancel(cancel)
        report(progress, 0, 1, f"loading the {name}'s abstract vectors for the closest-work check")
        if l is lib and paper_vecs is not None and len(paper_vecs[0]):
            src = AbstractSource(name, l, paper_vecs[0], paper_vecs[1])     # loaded already by the caller
        else:
            src = AbstractSource.load(name, l, model)
        if src is None:
            missing.append((name, str(getattr(l, "path", ""))))
            continue
        if name == "reference" and hasattr(reference, "mentions"):
            src.mentions = reference.mentions        # the phrase check's FTS answers, cached once (same forms)
        sources.append(src)
    if notices is not None:
        for name, path in missing:
            notices.append(f"the {name} {path} has no abstract vectors ({model}): the paraphrase-aware check "
                           f"(closest existing work) could not run on it; `gapscope -L {path} embed --kinds "
                           f"abstract` makes them")
    if not sources:
        return None
    if paper_vecs is None and any(s.name == "library" for s in sources):
        src = next(s for s in sources if s.name == "library")
        paper_vecs = (src.ids, src.vecs)
    return ClosestWork(sources, ConceptVectors(paper_vecs), params or default_params(lib))


def default_params(lib=None) -> ClosestParams:
    """The calibrated parameters, with the count that makes a pair established from the setting
    ``gaps_closest_min`` (0 turns the check off; see find.py)."""
    from ..settings import get

    n = get("gaps_closest_min", lib)
    return ClosestParams(min_done=int(n)) if n else ClosestParams()


CLOSEST_MARKS = ("names both", "about both", "nearest")


def closest_mark(p: dict) -> str:
    """One closest-work entry's mark: "names both" (evidence that a paper combined the two), "about both" (a
    reading by meaning) or "nearest"."""
    return CLOSEST_MARKS[0] if p.get("names_both") else CLOSEST_MARKS[1] if p.get("did_both") else CLOSEST_MARKS[2]


def closest_entries(details: dict, listed=(), held: Optional[dict] = None) -> list[dict]:
    """A gap's closest existing work as `gaps show`, the report and the Gaps view all list it: each entry of
    ``details["closest_work"]`` with "mark" (closest_mark) and "library_id" (its id in the library: its own,
    or for another source's paper the library's copy, ``held``: {arXiv id: library id}; None when the
    library lacks it). A work that names or is about both is always listed, also when ``listed`` (the
    library ids listed under a role already; a mapping gives each one's role) holds it: its other role
    ("predicting neighbours") does not say it combined the two, and the statement counts it; a nearest one
    listed already, and any one listed under the role "both" (that row says it), is not repeated."""
    out = []
    roles = ({int(k): v for k, v in listed.items()} if isinstance(listed, Mapping)
             else {int(x): None for x in listed})
    for p in details.get("closest_work") or []:
        own = (int(p["id"]) if p.get("source") == "library" and p.get("id") is not None
               else (held or {}).get(str(p.get("arxiv_id") or "")))
        mark = closest_mark(p)
        if own is not None and own in roles and (mark == CLOSEST_MARKS[2] or roles[own] == "both"):
            continue
        out.append({**p, "mark": mark, "library_id": own})
    return out


def meaning_only(cw: dict, combined_papers) -> int:
    """How many works the check read as about both by meaning that the statement's count of works naming both
    (candidates.combined_by, ``combined_papers`` its library ids) leaves out: the "more" of the closest line."""
    own = {int(p) for p in combined_papers or ()}
    return sum(1 for x in cw.get("done_unnamed") or () if not (x.get("source") == "library" and int(x["id"]) in own))


def closest_line(details: dict) -> str:
    """One line for `gaps show`, the Gaps view and the report, from a gap's details: how many abstracts name
    both concepts (the statement's count, "only N abstracts combine them"), how many more the closest-work
    check reads as about both by meaning only, how many of the nearest are about both and from how many the
    pair is done (the Preferences label of that setting). Naming both is what a search of the abstracts
    verifies; being about both is a reading by meaning, enough to call a pair done, no evidence that a paper
    combined them. Each said once: a researcher reads the line beside the statement, not as a report."""
    from .thresholds import done_at

    cw = details.get("closest_check")
    if not cw:
        return ""
    done = int(cw.get("done") or 0)
    combined = details.get("combined_by")
    where = " and ".join("this library" if s == "library" else "the " + s for s in cw.get("sources") or ["library"])
    s = f"closest existing work in {where}: "
    if combined is not None and "done_unnamed" in cw:
        named = int(combined.get("count") or 0)
        more = int(cw.get("meaning_only", meaning_only(cw, combined.get("papers"))))
        s += (f"{_abstracts(named)} name{'s' if named <= 1 else ''} both concepts, "
              f"{'no other is' if more == 0 else f'{more} more ' + ('is' if more == 1 else 'are')} about both by meaning; "
              f"{done} of the nearest {'is' if done == 1 else 'are'} about both")
    else:        # a gap found before the two were told apart
        s += f"{done} of the nearest {'is' if done == 1 else 'are'} about both by meaning"
    s += f", {done_at('gaps_closest_min', cw.get('min_done'))}"
    # the most similar of the listed works (the list puts those about both first, so its head may not be it)
    near = max(details.get("closest_work") or [], key=lambda w: float(w.get("similarity") or 0.0), default=None)
    if near:
        s += f"; nearest: \u201c{near['title']}\u201d ({near.get('year') or ''}, similarity {near['similarity']:.2f})"
    return s


def _abstracts(n: int) -> str:
    return "no abstract" if n == 0 else "1 abstract" if n == 1 else f"{n} abstracts"


def params_dict(p: ClosestParams) -> dict:
    return asdict(p)
