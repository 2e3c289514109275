"""The facet classifier: a small two-head model over the encoder's contextual sentence vectors.

Every sentence gets a **role** (background / objective / method / result / other) and a **shortcoming**
type (none / prior / open / own: whose deficiency the sentence states, if any; ``own`` is the clinical
"limitation of this study"). A sentence's vector pools several of the encoder's hidden states
(``span_layers``), all from the one pass that also embeds the abstract.

Each head reads the sentence in its abstract: a shared projection of (sentence vector, abstract vector,
position, hashed bag of words and word pairs), then a 1-layer BiGRU per head over the abstract's sentences,
so "However, ..." after a background sentence, or "First, ..." after "This study has several limitations.",
is read with what came before. Weights live in a .npz (no pickle) next to a JSON that says how they were made;
a fine-tuned model also has ``adapter.npz``, a LoRA adapter of the encoder's top layers (facets.adapter), whose
adapted hidden states replace the base ones in the sentence vectors.
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, Optional, Sequence

import numpy as np

from ..vocabulary import FACET_LABELS, SHORTCOMINGS  # noqa: F401 - re-exported
from ..vocabulary import SENTENCE_ROLES as ROLES
N_POS = 4
FORMAT = 2                     # head.json "format": 2 = role + shortcoming heads


def resource_dir() -> Path:
    return Path(__file__).resolve().parents[1] / "resources" / "facets"


def position_features(n: int) -> np.ndarray:
    i = np.arange(n, dtype=np.float32)
    rel = i / max(n - 1, 1)
    return np.stack([rel, (i == 0).astype(np.float32), (i == n - 1).astype(np.float32),
                     np.full(n, min(n, 20) / 20.0, np.float32)], axis=1)


_WORD = re.compile(r"[a-z]+|\d+|[^\sa-z\d]")


def lexical_ids(text: str, buckets: int) -> list[int]:
    """Hashed word unigrams and bigrams of a sentence (cue phrases: "we propose", "fail to", "remains
    unexplored"). crc32 keeps the hashing identical across runs and machines."""
    words = ["<s>"] + [w if not w.isdigit() else "0" for w in _WORD.findall(text.lower())] + ["</s>"]
    grams = words[1:-1] + [a + " " + b for a, b in zip(words, words[1:])]
    return [zlib.crc32(g.encode("utf-8")) % buckets for g in grams] or [0]


def lexical_batch(texts: Sequence[str], buckets: int):
    import torch

    ids, offsets = [], []
    for t in texts:
        offsets.append(len(ids))
        ids.extend(lexical_ids(t, buckets))
    return torch.tensor(ids, dtype=torch.long), torch.tensor(offsets, dtype=torch.long)


def build_module(dim: int, doc_dim: int, hidden: int, dropout: float, lex_buckets: int, lex_dim: int,
                 separate: bool = False):
    """``separate``: each head has its own projection of the inputs (else one shared)."""
    import torch
    from torch import nn

    class TwoHeads(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lex = nn.EmbeddingBag(lex_buckets, lex_dim, mode="mean")
            self.proj = nn.Linear(dim + doc_dim + N_POS + lex_dim, hidden)
            self.short_proj = nn.Linear(dim + doc_dim + N_POS + lex_dim, hidden) if separate else None
            self.drop = nn.Dropout(dropout)
            self.role_gru = nn.GRU(hidden, hidden, batch_first=True, bidirectional=True)
            self.role_out = nn.Linear(3 * hidden, len(ROLES))
            self.short_gru = nn.GRU(hidden, hidden, batch_first=True, bidirectional=True)
            self.short_out = nn.Linear(3 * hidden, len(SHORTCOMINGS))

        def forward(self, x, lengths, lex):
            bag = self.lex(*lex)                                   # one row per real sentence
            mask = torch.arange(x.shape[1], device=x.device)[None, :] < lengths.to(x.device)[:, None]
            full = x.new_zeros(x.shape[0], x.shape[1], bag.shape[1])
            full[mask] = bag
            xin = torch.cat([x, full], dim=-1)
            h_role = self.drop(torch.relu(self.proj(xin)))
            h_short = self.drop(torch.relu(self.short_proj(xin))) if self.short_proj is not None else h_role
            outs = []
            for h, gru, out in ((h_role, self.role_gru, self.role_out), (h_short, self.short_gru, self.short_out)):
                packed = nn.utils.rnn.pack_padded_sequence(h, lengths.cpu(), batch_first=True, enforce_sorted=False)
                ctx, _ = gru(packed)
                ctx, _ = nn.utils.rnn.pad_packed_sequence(ctx, batch_first=True, total_length=x.shape[1])
                outs.append(out(self.drop(torch.cat([h, ctx], dim=-1))))
            return outs[0], outs[1]

    return TwoHeads()


def sequence_inputs(doc: np.ndarray, sents: np.ndarray) -> np.ndarray:
    n = len(sents)
    return np.concatenate([sents, np.repeat(doc[None, :], n, axis=0), position_features(n)], axis=1).astype(np.float32)


class SentenceLabel(NamedTuple):
    role: str
    role_confidence: float
    shortcoming: str
    shortcoming_confidence: float


def decide_shortcoming(p: np.ndarray, threshold: float) -> tuple[str, float]:
    """``p``: probabilities over SHORTCOMINGS. A shortcoming when P(any type) = 1 - P(none) reaches
    ``threshold`` (tuned on held-out data), then the likeliest type; the confidence is that of the answer
    given: P(any) for a shortcoming, P(none) otherwise."""
    p_any = 1.0 - float(p[0])
    if p_any >= threshold:
        return SHORTCOMINGS[1 + int(np.argmax(p[1:]))], p_any
    return "none", float(p[0])


@dataclass
class FacetModel:
    config: dict[str, Any]
    net: Any
    info: dict[str, Any] = field(default_factory=dict)
    adapter: Any = None          # a LoRA adapter of the encoder's top layers (facets.adapter), or None

    @property
    def model_id(self) -> str:
        return self.info.get("id", "facets")

    @property
    def encoder_model(self) -> Optional[str]:
        return self.config.get("encoder_model")

    @property
    def span_layers(self) -> Optional[list]:
        """The encoder hidden states the sentence vectors pool (None: the last one only); with an adapter,
        those of its layers come from the adapted branch (``"a<i>"``, see Encoder.encode_spans)."""
        layers = self.config.get("span_layers")
        if not layers:
            return None
        top = set(self.adapter.layers) if self.adapter is not None else set()
        return [f"a{int(i)}" if int(i) in top else int(i) for i in layers]

    @property
    def threshold(self) -> float:
        """P(any shortcoming) from which a sentence is flagged."""
        return float(self.config.get("threshold", 0.5))

    def lex(self, texts: Sequence[str]):
        return lexical_batch(texts, self.config["lex_buckets"])

    def probabilities(self, docs: np.ndarray, sent_lists: Sequence[np.ndarray],
                      text_lists: Sequence[Sequence[str]]) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per abstract: (role probabilities (n, 5), shortcoming probabilities (n, 4))."""
        import torch

        out: list[tuple[np.ndarray, np.ndarray]] = []
        self.net.eval()
        empty = (np.zeros((0, len(ROLES)), np.float32), np.zeros((0, len(SHORTCOMINGS)), np.float32))
        with torch.inference_mode():
            for s in range(0, len(sent_lists), 256):
                part = list(range(s, min(s + 256, len(sent_lists))))
                nonempty = [i for i in part if len(sent_lists[i])]
                res = {i: empty for i in part}
                if nonempty:
                    x, lengths = pad([sequence_inputs(docs[i], sent_lists[i]) for i in nonempty])
                    lex = self.lex([t for i in nonempty for t in text_lists[i]])
                    role_logits, short_logits = self.net(x, lengths, lex)
                    pr = torch.softmax(role_logits, dim=-1).numpy()
                    ps = torch.softmax(short_logits, dim=-1).numpy()
                    for r, i in enumerate(nonempty):
                        n = len(sent_lists[i])
                        res[i] = (pr[r, :n], ps[r, :n])
                out += [res[i] for i in part]
        return out

    def predict(self, docs: np.ndarray, sent_lists: Sequence[np.ndarray],
                text_lists: Sequence[Sequence[str]]) -> list[list[SentenceLabel]]:
        """A role and a shortcoming type, each with its confidence, for the sentences of each abstract."""
        out = []
        for pr, ps in self.probabilities(docs, sent_lists, text_lists):
            labels = []
            for j in range(len(pr)):
                short, sconf = decide_shortcoming(ps[j], self.threshold)
                labels.append(SentenceLabel(ROLES[int(pr[j].argmax())], float(pr[j].max()), short, sconf))
            out.append(labels)
        return out

    # --- files -------------------------------------------------------------------------------------
    def state_arrays(self) -> dict[str, np.ndarray]:
        return {k: v.detach().cpu().numpy().astype(np.float32) for k, v in self.net.state_dict().items()}

    def weights_digest(self) -> str:
        h = hashlib.sha256()
        for k, v in sorted(self.state_arrays().items()):
            h.update(k.encode())
            h.update(np.ascontiguousarray(v).tobytes())
        if self.adapter is not None:
            h.update(self.adapter.digest().encode())
        return h.hexdigest()

    def save(self, folder: str | Path) -> Path:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        # float16 on disk keeps the file small; the digest is of the trained float32 weights
        np.savez_compressed(folder / "head.npz", **{k: v.astype(np.float16) for k, v in self.state_arrays().items()})
        if self.adapter is not None:
            self.adapter.save(folder)
            self.config["adapter"] = self.adapter.config
        info = dict(self.info)
        info["format"] = FORMAT
        info["config"] = self.config
        info["weights_sha256"] = self.weights_digest()
        # the threshold decides labels too: a retuned threshold is another model id
        tag = hashlib.sha256((info["weights_sha256"] + repr(self.threshold)).encode()).hexdigest()
        info["id"] = "facets2-" + tag[:10]
        self.info = info
        (folder / "head.json").write_text(json.dumps(info, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        return folder


def new_model(config: dict[str, Any]) -> FacetModel:
    net = build_module(config["dim"], config.get("doc_dim") or config["dim"], config["hidden"], config["dropout"],
                       config["lex_buckets"], config["lex_dim"], bool(config.get("separate_proj", False)))
    return FacetModel(config, net)


def load_model(folder: str | Path | None = None) -> FacetModel:
    """The shipped model (resources/facets) or one written by ``gapscope facets train --out``."""
    import torch

    folder = Path(folder) if folder else resource_dir()
    info_path, weights = folder / "head.json", folder / "head.npz"
    if not info_path.exists() or not weights.exists():
        raise FileNotFoundError(f"no facet model in {folder} (head.json + head.npz); run `gapscope facets train`")
    info = json.loads(info_path.read_text(encoding="utf-8"))
    if info.get("format") != FORMAT:
        raise FileNotFoundError(f"{info_path}: a facet model of an older format (one label per sentence); "
                                "retrain it with `gapscope facets train`")
    model = new_model(info["config"])
    with np.load(weights, allow_pickle=False) as z:
        model.net.load_state_dict({k: torch.from_numpy(z[k].astype(np.float32)) for k in z.files})
    if info["config"].get("adapter"):
        from .adapter import LoraAdapter

        if not (folder / "adapter.npz").exists():
            raise FileNotFoundError(f"{info_path} names an encoder adapter, but {folder / 'adapter.npz'} is missing")
        model.adapter = LoraAdapter.load(folder, info["config"]["adapter"])
    model.info = info
    model.net.eval()
    return model


def pad(seqs: Sequence[np.ndarray]):
    import torch

    n = max(len(s) for s in seqs)
    x = np.zeros((len(seqs), n, seqs[0].shape[1]), np.float32)
    for i, s in enumerate(seqs):
        x[i, :len(s)] = s
    return torch.from_numpy(x), torch.tensor([len(s) for s in seqs], dtype=torch.long)
