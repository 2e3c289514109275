"""Whether a concept is concrete: a thing a research proposal can name ("KV cache", "Text-to-SQL", "reward
hacking") rather than a vague property, a generic component, a descriptor or an umbrella ("accuracy
degrading", "preprocessing pipeline", "AI-driven", "artificial intelligence").

A logistic regression over the concept's phrase vector (the encoder's vector of the lower-cased phrase, the
one the concept carries) and how it is written (an acronym, inner capitals, its length). Trained on phrases
labelled by the guidelines of docs/annotation/concept-concreteness.md (data/annotations/concept-concreteness:
the labels, their agreement and the held-out figures); the weights (under 4 KB) ship in
resources/concepts/concreteness.json with the encoder they were trained for. The rules of quality.py catch
what a word list can; this catches what only the meaning can ("long-range dependencies" vs "label noise").
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

RESOURCE = Path(__file__).resolve().parents[1] / "resources" / "concepts" / "concreteness.json"
_ACRONYM = re.compile(r"^[A-Z][A-Za-z0-9]*[A-Z][A-Za-z0-9]*s?$")   # "LLM", "LoRA", "GRPO", "VLMs", "NeRF"


def form_features(phrase: str) -> np.ndarray:
    """How the phrase is written: an acronym or inner-capital name, any capital, one / two / three words."""
    toks = phrase.split()
    return np.array([float(any(_ACRONYM.match(t) for t in toks)), float(any(ch.isupper() for ch in phrase)),
                     float(len(toks) == 1), float(len(toks) == 2), float(len(toks) >= 3)], dtype=np.float32)


def features(phrases: Sequence[str], vectors: np.ndarray) -> np.ndarray:
    """The classifier's input: each phrase's (L2-normalised) vector and its form features."""
    v = np.asarray(vectors, dtype=np.float32)
    v = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9)
    return np.hstack([v, np.stack([form_features(p) for p in phrases]) if phrases else np.zeros((0, 5), np.float32)])


class ConcretenessModel:
    def __init__(self, config: dict) -> None:
        self.config = config
        self.weights = np.asarray(config["weights"], dtype=np.float32)
        self.bias = float(config["bias"])
        self.threshold = float(config["threshold"])
        self.encoder = str(config["encoder"])

    def probability(self, phrases: Sequence[str], vectors: np.ndarray) -> np.ndarray:
        """P(concrete) per phrase."""
        if not len(phrases):
            return np.zeros(0)
        z = features(phrases, vectors) @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-z))

    def vague(self, phrases: Sequence[str], vectors: np.ndarray) -> np.ndarray:
        """True where a phrase is not concrete enough to be the end of a gap."""
        return self.probability(phrases, vectors) < self.threshold

    def save(self, path: Path = RESOURCE) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.config, indent=1) + "\n", encoding="utf-8")


@lru_cache(maxsize=1)
def load_model(path: str = str(RESOURCE)) -> Optional[ConcretenessModel]:
    """The shipped model, None when the file is not there."""
    p = Path(path)
    if not p.is_file():
        return None
    return ConcretenessModel(json.loads(p.read_text(encoding="utf-8")))


def vague_concepts(concepts: Sequence, encoder_id: Optional[str],
                   notices: Optional[list] = None) -> Optional[set[int]]:
    """Ids of the concepts the shipped model judges not concrete; None (and a notice) when the concepts'
    vectors come from another encoder than the one it was trained for, or there is no model."""
    model = load_model()
    if model is None or not concepts or not encoder_id:   # no encoder recorded: vectors of unknown meaning
        return None
    if Path(str(encoder_id)).name != model.encoder or len(concepts[0].vector) != len(model.weights) - 5:
        if notices is not None:
            notices.append(f"the concreteness check is off: it reads {model.encoder} phrase vectors and the "
                           f"concepts were extracted with {encoder_id}")
        return None
    flags = model.vague([c.phrase for c in concepts], np.stack([c.vector for c in concepts]))
    return {c.id for c, f in zip(concepts, flags) if f}
