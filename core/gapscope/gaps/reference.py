"""The "already done" check against a reference corpus: a researcher's library is small, so a pair of
concepts that no two of its abstracts mention together may still be established practice ("KV cache" x
"inference latency"). A reference library (any GapScope library, e.g. an import of the arXiv snapshot; no
embedding or facets needed) is asked, through its FTS index (``Library.papers_mentioning``, the same forms
as the joined-in-text rule: the concept's phrase and merged variants), how many of its abstracts mention
both concepts. A pair that ``established_min(size)`` or more reference abstracts mention together is no
gap; below that, the few that did are the gap's evidence ("already tried in the reference corpus").

Only `gaps find` uses it, never the backtest: the reference holds papers from after any cut-off date."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Optional, Sequence

from ..settings import SETTINGS
from ..store.base import LibraryError

# A pair is established when this many reference abstracts mention both concepts, or this share of the
# reference corpus when that is more (a count for a corpus of ~75k abstracts; a larger one needs more,
# since chance co-mentions of two common concepts grow with its size). Chosen by reading the top 80
# candidates of the 10,653-paper library against the 74,566-abstract arXiv file
# (benchmarks/results/gaps/README.txt): pairs at 3+ were mostly a known combination, pairs at 1-2 mostly
# a chance sentence or a genuinely untried pairing.
ESTABLISHED_MIN = SETTINGS["gaps_established_min"].default     # 3; the setting gaps_established_min
ESTABLISHED_SHARE = 4e-5
EXAMPLES = 5          # reference papers kept as evidence of a pair below the threshold
EXAMPLE_READ = 50     # the newest abstracts naming both that are read for the examples
# a list of keywords after an abstract ("Index Terms - ..., YOLOv8, semantic segmentation, ..."): terms side by
# side, not a sentence that relates them
_KEYWORDS = re.compile(r"\b(?:index terms|keywords|key words)\s*[-\u2013\u2014:.]", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")
# the dot of an abbreviation ends no sentence ("tasks, e.g. machine translation", "LoRA vs. full fine-tuning")
_ABBREVIATION = re.compile(r"\b(?:e\.g|i\.e|vs|cf|et al|etc|resp|approx|fig|figs|eq|eqs|sec)\.", re.IGNORECASE)


def named_together(text: str, forms_a: Sequence[str], forms_b: Sequence[str]) -> bool:
    """Whether one sentence of ``text`` (a keyword list after it left out) names a form of each concept, as
    words (case, hyphens and plurals aside)."""
    from ..concepts.tokens import lower_words

    def norm(words: list[str]) -> str:
        return " " + " ".join(w[:-1] if len(w) > 3 and w.endswith("s") else w for w in words) + " "

    def holds(sentence: str, forms: Sequence[str]) -> bool:
        return any(norm(lower_words(f.replace("-", " "))) in sentence for f in forms if lower_words(f))

    body = _ABBREVIATION.sub(lambda m: m.group(0)[:-1], _KEYWORDS.split(text or "", maxsplit=1)[0])
    for sentence in _SENTENCE_END.split(body):
        s = norm(lower_words(sentence.replace("-", " ")))
        if holds(s, forms_a) and holds(s, forms_b):
            return True
    return False


def established_min(n_reference: int, minimum: Optional[int] = None) -> int:
    """The reference abstracts mentioning both concepts that make a pair established practice (at least
    ``minimum``, ESTABLISHED_MIN by default)."""
    return max(minimum or ESTABLISHED_MIN, math.ceil(ESTABLISHED_SHARE * max(n_reference, 0)))


class ReferenceCorpus:
    """A reference library opened read-only; mentions are cached per concept id (one FTS query each)."""

    def __init__(self, lib, *, min_co_mentions: Optional[int] = None, examples: int = EXAMPLES,
                 established: Optional[int] = None) -> None:
        """``min_co_mentions``: the exact count that makes a pair established; else ``established_min``
        of the corpus size with ``established`` (the gaps_established_min setting) as the least count."""
        self.lib = lib
        self.path = str(getattr(lib, "path", ""))
        self.n_papers = int(lib.count_papers())
        self.min_co_mentions = (int(min_co_mentions) if min_co_mentions
                                else established_min(self.n_papers, established))
        self.examples = examples
        self._mentions: dict[int, frozenset] = {}
        self.senses: dict = {}          # {concept id: AcronymReading}: the sense an acronym is counted in
        # told and read while an acronym's abstracts are read for its sense (set by `gaps find`, as senses)
        self.progress, self.cancel = None, None
        self.checked = 0

    @classmethod
    def open(cls, path, **kw) -> "ReferenceCorpus":
        from ..store.library import ReadOnlyLibrary

        p = Path(path).expanduser()
        if not p.exists():
            raise LibraryError(f"no reference library at {p} (import one first, e.g. "
                               f"`gapscope -L {p} import arxiv-cs-2025-2026.jsonl.gz`)")
        return cls(ReadOnlyLibrary(p, create=False), **kw)

    def close(self) -> None:
        self.lib.close()

    def mentions(self, concept) -> frozenset:
        """Ids of the reference papers whose title or abstract mentions the concept (any of its forms), in the
        sense the library's papers give an acronym (``senses``, set by `gaps find`: {concept id: reading})."""
        if concept.id not in self._mentions:
            from ..concepts.members import mentioning

            self._mentions[concept.id] = mentioning(self.lib, concept, self.senses, progress=self.progress,
                                                    cancel=self.cancel, where=" in the reference corpus")
        return self._mentions[concept.id]

    def check(self, method, problem) -> dict:
        """{"co_mentions": n, "established": bool, "min_co_mentions", "papers": [{"id", "title", "year",
        "together"}]}
        for a method and a problem concept (the papers only when the pair is not established)."""
        self.checked += 1
        both = sorted(self.mentions(method) & self.mentions(problem))
        established = len(both) >= self.min_co_mentions
        return {"library": self.path, "size": self.n_papers, "co_mentions": len(both),
                "min_co_mentions": self.min_co_mentions, "established": established,
                "papers": [] if established else self._examples(both, method, problem)}

    def _examples(self, both: Sequence[int], method, problem) -> list[dict]:
        """The ``examples`` of ``both`` a gap shows (``papers``, with "together": whether one sentence names
        the two), those naming the two in one sentence first (an abstract
        can name them apart: "Multimodal Large Language Model Framework for ... Grid-Integrated EVs" lists
        "semantic segmentation" among its sensor data and uses YOLOv8 for detection), then the newest."""
        from ..concepts.members import concept_forms, paper_texts

        texts = paper_texts(self.lib, both[-EXAMPLE_READ:])
        fm, fp = concept_forms(method), concept_forms(problem)
        together = {i: named_together(texts.get(i, ""), fm, fp) for i in both[-EXAMPLE_READ:]}
        ranked = sorted(together, key=lambda i: (not together[i], -i))[:self.examples]
        return [{**x, "together": together[x["id"]]} for x in self.papers(ranked)]

    def papers(self, ids: Sequence[int]) -> list[dict]:
        """Title, year and id in the reference library (newest ids first)."""
        by_id = {p.id: p for p in self.lib.get_papers(list(ids))}
        return [{"id": int(i), "title": by_id[i].title, "year": by_id[i].year,
                 "arxiv_id": by_id[i].arxiv_id} for i in ids if i in by_id]
