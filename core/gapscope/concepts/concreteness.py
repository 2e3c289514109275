"""Whether a concept is concrete: a thing a research proposal can name ("KV cache", "Text-to-SQL", "reward
hacking") rather than a vague property, a generic component, a descriptor or an umbrella ("accuracy
degrading", "preprocessing pipeline", "AI-driven", "artificial intelligence"). Word lists cannot draw that
line (quality.py catches what they can); the meaning and the use of the phrase can.

Two logistic regressions, trained on phrases and concepts labelled by the guidelines of
docs/annotation/concept-concreteness.md (data/annotations/concept-concreteness: the labels, their agreement,
the training script and the held-out figures):
- the phrase model reads the concept's phrase vector (the encoder's vector of the lower-cased phrase, the one
  the concept carries), the vector of its last word (the head: "pipeline", "decoder", "weights" are what every
  system has) and how it is written (an acronym, capitals, its length);
- the use model reads the phrase model's logit and how the library uses the concept (``USAGE``): a vague
  phrase is written far more often than the extractor picks it, its papers are spread and unlike each other,
  and its papers seldom use it as a technique or name it as a problem.
The weights (a few KB) ship in resources/concepts/concreteness.json with the encoder they were trained for.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Callable, Mapping, Optional, Sequence

import numpy as np

from ..jobs import check
from .acronyms import has_two_capitals

RESOURCE = Path(__file__).resolve().parents[1] / "resources" / "concepts" / "concreteness.json"
USAGE = ("log_papers", "log_mentions", "mentions_per_paper", "cohesion", "spread", "technique_share",
         "task_share", "is_problem")


def head_word(phrase: str) -> str:
    return phrase.lower().split()[-1] if phrase.strip() else ""


def form_features(phrase: str) -> list[float]:
    """How the phrase is written: an acronym or inner-capital name, any capital, one / two / three words."""
    toks = phrase.split()
    return [float(any(has_two_capitals(t) for t in toks)), float(any(ch.isupper() for ch in phrase)),
            float(len(toks) == 1), float(len(toks) == 2), float(len(toks) >= 3)]


def _unit(v) -> np.ndarray:
    v = np.asarray(v, dtype=np.float32)
    return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9)


def phrase_features(phrases: Sequence[str], vectors: np.ndarray, head_vectors: np.ndarray) -> np.ndarray:
    """The phrase model's input: the phrase's vector, its form, its head word's vector."""
    form = np.array([form_features(p) for p in phrases], np.float32).reshape(len(phrases), 5)
    return np.hstack([_unit(vectors), form, _unit(head_vectors)])


def usage_features(concepts: Sequence, mentions: Mapping[int, frozenset], spread: Mapping[int, float],
                   paper_vecs: Optional[tuple]) -> np.ndarray:
    """``USAGE`` per concept. ``mentions``: concepts/pair_rules.ConceptMentions (the papers whose text
    mentions each concept, and those using it as a technique / naming it as a problem); ``spread``: {concept
    id: its papers' spread over the library's areas} (gaps.linkpred.pair_block); ``paper_vecs`` = (paper ids,
    abstract vectors) for the cohesion of its papers (the mean cosine between two of them)."""
    at = {int(p): i for i, p in enumerate(paper_vecs[0])} if paper_vecs is not None else {}
    unit = _unit(paper_vecs[1]) if paper_vecs is not None else None
    tech, task = getattr(mentions, "as_technique", None) or {}, getattr(mentions, "as_task", None) or {}
    out = []
    for c in concepts:
        men = len(mentions.get(c.id, ())) or c.n_papers      # 0: its papers all deleted since the extraction
        rows = [at[p] for p in c.papers if p in at]
        coh = 0.0
        if len(rows) > 1:
            m = unit[rows].mean(axis=0)
            coh = (len(rows) ** 2 * float(m @ m) - len(rows)) / (len(rows) * (len(rows) - 1))
        s = spread.get(c.id, np.nan)
        out.append([np.log(max(c.n_papers, 1)), np.log1p(men), men / max(c.n_papers, 1), coh,
                    0.0 if s is None or np.isnan(s) else float(s), len(tech.get(c.id, ())) / max(men, 1),
                    len(task.get(c.id, ())) / max(men, 1), float(c.kind == "problem")])
    return np.array(out, dtype=np.float32).reshape(len(concepts), len(USAGE))


def _logistic(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


class ConcretenessModel:
    """``config``: {"encoder", "threshold", "phrase": {"weights", "bias"}, "usage": {"mean", "scale",
    "weights", "bias"} (over ``USAGE`` and the phrase logit)}."""

    def __init__(self, config: dict) -> None:
        self.config = config
        self.encoder = str(config["encoder"])
        self.threshold = float(config["threshold"])
        self._pw = np.asarray(config["phrase"]["weights"], np.float32)
        self._pb = float(config["phrase"]["bias"])
        u = config["usage"]
        self._um, self._us = np.asarray(u["mean"], np.float32), np.asarray(u["scale"], np.float32)
        self._uw, self._ub = np.asarray(u["weights"], np.float32), float(u["bias"])

    @property
    def dim(self) -> int:
        """The encoder's vector size the phrase model reads."""
        return (len(self._pw) - 5) // 2

    def phrase_logit(self, phrases: Sequence[str], vectors: np.ndarray, head_vectors: np.ndarray) -> np.ndarray:
        return phrase_features(phrases, vectors, head_vectors) @ self._pw + self._pb

    def probability(self, phrases: Sequence[str], vectors: np.ndarray, head_vectors: np.ndarray,
                    usage: np.ndarray) -> np.ndarray:
        """P(concrete) per concept."""
        if not len(phrases):
            return np.zeros(0)
        x = np.hstack([usage, self.phrase_logit(phrases, vectors, head_vectors)[:, None]])
        return _logistic(((x - self._um) / self._us) @ self._uw + self._ub)

    def save(self, path: Path = RESOURCE) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.config, indent=1) + "\n", encoding="utf-8")


@lru_cache(maxsize=1)
def load_model(path: str = str(RESOURCE)) -> Optional[ConcretenessModel]:
    """The shipped model, None when the file is not there."""
    p = Path(path)
    return ConcretenessModel(json.loads(p.read_text(encoding="utf-8"))) if p.is_file() else None


def concreteness(concepts: Sequence, encoder_id: Optional[str], usage: np.ndarray, notices: Optional[list] = None,
                 encode: Optional[Callable[[list[str]], np.ndarray]] = None, cancel=None) -> Optional[np.ndarray]:
    """P(concrete) of each concept (``usage``: their ``usage_features``); None (and a notice) when the concepts'
    vectors come from another encoder than the model's, or there is no model. ``encode`` gives the head
    words' vectors (default: that encoder, loaded here). ``cancel``: read while the encoder loads (a Cancel
    does not wait for the seconds of imports: embed.encoder.load_encoder) and between its batches."""
    model = load_model()
    if model is None or not len(concepts) or not encoder_id:   # no encoder recorded: vectors of unknown meaning
        return None
    if Path(str(encoder_id)).name != model.encoder or len(concepts[0].vector) != model.dim:
        if notices is not None:
            notices.append(f"the concreteness check is off: it reads {model.encoder} phrase vectors and the "
                           f"concepts were extracted with {encoder_id}")
        return None
    if encode is None:
        from ..embed.encoder import DEFAULT_MODEL, load_encoder

        encoder = load_encoder(None if model.encoder == DEFAULT_MODEL else model.encoder, cancel=cancel)

        def encode(texts):
            return encoder.encode(texts, cancel=cancel)     # stops between batches
    phrases = [c.phrase for c in concepts]
    heads = sorted({head_word(p) for p in phrases})
    check(cancel)
    hv = dict(zip(heads, encode(heads)))
    check(cancel)
    return model.probability(phrases, np.stack([c.vector for c in concepts]),
                             np.stack([hv[head_word(p)] for p in phrases]), usage)
