"""The facet classifier: a small head over the encoder's contextual sentence vectors.

A sentence's vector pools several of the encoder's hidden states (``span_layers``; the shipped head
pools all six of MiniLM's), all from the one pass that also embeds the abstract. Roles (background /
objective / method / result / other) come from a 1-layer BiGRU over the abstract's sentence sequence
(each step: contextual sentence vector, the abstract vector and its relative position). Limitations
come from a separate binary head on the sentence vector, trained on the limitation sentences; it
overrides the role when its probability passes ``threshold``.
Weights live in a .npz (no pickle) next to a JSON that says how they were made.
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Sequence

import numpy as np

from ..vocabulary import SENTENCE_ROLES as ROLES
N_POS = 4


def resource_dir() -> Path:
    return Path(__file__).resolve().parents[1] / "resources" / "facets"


def position_features(n: int) -> np.ndarray:
    i = np.arange(n, dtype=np.float32)
    rel = i / max(n - 1, 1)
    return np.stack([rel, (i == 0).astype(np.float32), (i == n - 1).astype(np.float32),
                     np.full(n, min(n, 20) / 20.0, np.float32)], axis=1)


_WORD = re.compile(r"[a-z]+|\d+|[^\sa-z\d]")


def lexical_ids(text: str, buckets: int) -> list[int]:
    """Hashed word unigrams and bigrams of a sentence (cue phrases: "we propose", "results show").
    crc32 keeps the hashing identical across runs and machines."""
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


def build_modules(dim: int, hidden: int, lim_hidden: int, dropout: float, lex_buckets: int = 0, lex_dim: int = 0,
                  doc_dim: Optional[int] = None):
    """``dim``: a sentence vector's width; ``doc_dim``: the abstract vector's (the same by default)."""
    import torch
    from torch import nn

    class RoleHead(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lex = nn.EmbeddingBag(lex_buckets, lex_dim, mode="mean") if lex_dim else None
            self.proj = nn.Linear(dim + (dim if doc_dim is None else doc_dim) + N_POS + lex_dim, hidden)
            self.drop = nn.Dropout(dropout)
            self.gru = nn.GRU(hidden, hidden, batch_first=True, bidirectional=True)
            self.out = nn.Linear(3 * hidden, len(ROLES))

        def forward(self, x, lengths, lex=None):
            if self.lex is not None:
                ids, offsets = lex
                bag = self.lex(ids, offsets)                           # one row per real sentence
                full = x.new_zeros(x.shape[0], x.shape[1], bag.shape[1])
                mask = torch.arange(x.shape[1])[None, :] < lengths[:, None]
                full[mask] = bag
                x = torch.cat([x, full], dim=-1)
            h = self.drop(torch.relu(self.proj(x)))
            packed = nn.utils.rnn.pack_padded_sequence(h, lengths.cpu(), batch_first=True, enforce_sorted=False)
            ctx, _ = self.gru(packed)
            ctx, _ = nn.utils.rnn.pad_packed_sequence(ctx, batch_first=True, total_length=x.shape[1])
            return self.out(self.drop(torch.cat([h, ctx], dim=-1)))

    class LimitationHead(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lex = nn.EmbeddingBag(lex_buckets, lex_dim, mode="mean") if lex_dim else None
            self.net = nn.Sequential(nn.Dropout(dropout), nn.Linear(dim + lex_dim, lim_hidden), nn.GELU(),
                                     nn.Dropout(dropout), nn.Linear(lim_hidden, 1))

        def forward(self, x, lex=None):
            if self.lex is not None:
                x = torch.cat([x, self.lex(*lex)], dim=-1)
            return self.net(x).squeeze(-1)

    return RoleHead(), LimitationHead()


def role_inputs(doc: np.ndarray, sents: np.ndarray) -> np.ndarray:
    n = len(sents)
    return np.concatenate([sents, np.repeat(doc[None, :], n, axis=0), position_features(n)], axis=1).astype(np.float32)


@dataclass
class FacetModel:
    config: dict[str, Any]
    role: Any
    lim: Any
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def model_id(self) -> str:
        return self.info.get("id", "facets")

    @property
    def encoder_model(self) -> Optional[str]:
        return self.config.get("encoder_model")

    @property
    def span_layers(self) -> Optional[list[int]]:
        """The encoder hidden states the sentence vectors pool (None: the last one only)."""
        layers = self.config.get("span_layers")
        return [int(i) for i in layers] if layers else None

    @property
    def threshold(self) -> float:
        return float(self.config.get("threshold", 0.5))

    def lex(self, texts: Sequence[str]):
        return lexical_batch(texts, self.config["lex_buckets"]) if self.config.get("lex_dim") else None

    def predict(self, docs: np.ndarray, sent_lists: Sequence[np.ndarray],
                text_lists: Sequence[Sequence[str]]) -> list[tuple[list[str], list[float]]]:
        """Labels and confidences for the sentences of each abstract (vectors and texts)."""
        import torch

        out: list[tuple[list[str], list[float]]] = []
        self.role.eval()
        self.lim.eval()
        with torch.inference_mode():
            for s in range(0, len(sent_lists), 256):
                part = list(range(s, min(s + 256, len(sent_lists))))
                nonempty = [i for i in part if len(sent_lists[i])]
                res = {i: ([], []) for i in part}
                if nonempty:
                    x, lengths = pad([role_inputs(docs[i], sent_lists[i]) for i in nonempty])
                    lex = self.lex([t for i in nonempty for t in text_lists[i]])
                    probs = torch.softmax(self.role(x, lengths, lex), dim=-1).numpy()
                    flat = torch.from_numpy(np.concatenate([sent_lists[i] for i in nonempty]).astype(np.float32))
                    plim = torch.sigmoid(self.lim(flat, lex)).numpy()
                    k = 0
                    for r, i in enumerate(nonempty):
                        labels, confs = [], []
                        for j in range(len(sent_lists[i])):
                            p = probs[r, j]
                            if plim[k] >= self.threshold:
                                labels.append("limitation")
                                confs.append(float(plim[k]))
                            else:
                                labels.append(ROLES[int(p.argmax())])
                                confs.append(float(p.max()))
                            k += 1
                        res[i] = (labels, confs)
                out += [res[i] for i in part]
        return out

    # --- files -------------------------------------------------------------------------------------
    def state_arrays(self) -> dict[str, np.ndarray]:
        arrays = {}
        for prefix, mod in (("role.", self.role), ("lim.", self.lim)):
            for k, v in mod.state_dict().items():
                arrays[prefix + k] = v.detach().cpu().numpy().astype(np.float32)
        return arrays

    def weights_digest(self) -> str:
        h = hashlib.sha256()
        for k, v in sorted(self.state_arrays().items()):
            h.update(k.encode())
            h.update(np.ascontiguousarray(v).tobytes())
        return h.hexdigest()

    def save(self, folder: str | Path) -> Path:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        # float16 on disk keeps the file small; the digest is of the trained float32 weights
        np.savez(folder / "head.npz", **{k: v.astype(np.float16) for k, v in self.state_arrays().items()})
        info = dict(self.info)
        info["config"] = self.config
        info["weights_sha256"] = self.weights_digest()
        info["id"] = "facets-" + info["weights_sha256"][:10]
        self.info = info
        (folder / "head.json").write_text(json.dumps(info, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        return folder


def new_model(config: dict[str, Any]) -> FacetModel:
    role, lim = build_modules(config["dim"], config["hidden"], config["lim_hidden"], config["dropout"],
                              config.get("lex_buckets", 0), config.get("lex_dim", 0), config.get("doc_dim"))
    return FacetModel(config, role, lim)


def load_model(folder: str | Path | None = None) -> FacetModel:
    """The shipped model (resources/facets) or one written by ``gapscope facets train --out``."""
    import torch

    folder = Path(folder) if folder else resource_dir()
    info_path, weights = folder / "head.json", folder / "head.npz"
    if not info_path.exists() or not weights.exists():
        raise FileNotFoundError(f"no facet model in {folder} (head.json + head.npz); run `gapscope facets train`")
    info = json.loads(info_path.read_text(encoding="utf-8"))
    model = new_model(info["config"])
    with np.load(weights, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    for prefix, mod in (("role.", model.role), ("lim.", model.lim)):
        mod.load_state_dict({k[len(prefix):]: torch.from_numpy(v.astype(np.float32))
                             for k, v in arrays.items() if k.startswith(prefix)})
    model.info = info
    model.role.eval()
    model.lim.eval()
    return model


def pad(seqs: Sequence[np.ndarray]):
    import torch

    n = max(len(s) for s in seqs)
    x = np.zeros((len(seqs), n, seqs[0].shape[1]), np.float32)
    for i, s in enumerate(seqs):
        x[i, :len(s)] = s
    return torch.from_numpy(x), torch.tensor([len(s) for s in seqs], dtype=torch.long)
