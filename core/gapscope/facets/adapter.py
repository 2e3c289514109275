"""A LoRA adapter of the encoder's top layers, trained for the facet classifier.

The classifier's features come from the top ``K`` layers run with low-rank updates ``W + (alpha / r) B A``
of their linear layers; the lower layers and the base top layers run as they are, so the abstract
embedding and the pooled facet vectors stay the base model's. At inference the adapted layers are a branch
of the packed forward (gapscope.embed.packed), run from the base hidden state below them in the same pass,
with the update merged into copies of their weights (in fp32, then rounded to the model's precision like
every other weight): the branch then costs what the base layers cost, pre-packed and fused alike.

Our own small module rather than ``peft``: the packed forward reads the weights itself (pre-packed for
oneDNN, the three attention projections fused), so a peft-wrapped model would not run there, and training
runs a padded copy of the packed layer code on cached hidden states, not the model's forward.
Weights live in ``adapter.npz`` (float16, no pickle) next to head.json, whose config says how it was made.
"""

from __future__ import annotations

import copy
import hashlib
import math
from pathlib import Path
from typing import Any, Optional

import numpy as np

# the linear layers of a BertLayer that get an update, by their module path
TARGETS = ("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
           "intermediate.dense", "output.dense")


def _module(layer, path: str):
    for part in path.split("."):
        layer = getattr(layer, part)
    return layer


class LoraAdapter:
    """``config``: {"layers": K, "rank": r, "alpha": a, "num_layers": the encoder's}; ``arrays``:
    ``"{depth}.{target}.A"`` (r, in) and ``".B"`` (out, r) per adapted layer (depth = hidden-state index,
    num_layers - K + 1 .. num_layers)."""

    def __init__(self, config: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        self.config = dict(config)
        self.arrays = {k: np.asarray(v, np.float32) for k, v in arrays.items()}

    @property
    def layers(self) -> list[int]:
        n, k = int(self.config["num_layers"]), int(self.config["layers"])
        return list(range(n - k + 1, n + 1))

    @property
    def scale(self) -> float:
        return float(self.config["alpha"]) / float(self.config["rank"])

    def digest(self) -> str:
        h = hashlib.sha256(repr(sorted(self.config.items())).encode())
        for k in sorted(self.arrays):
            h.update(k.encode())
            h.update(np.ascontiguousarray(self.arrays[k].astype(np.float16)).tobytes())
        return h.hexdigest()

    def branch_layers(self, model) -> list[Any]:
        """Copies of ``model``'s adapted layers with the update merged into their weights (computed in fp32,
        stored in the model's dtype and device): what gapscope.embed.packed.PackedBert runs as its branch."""
        import torch

        if int(model.config.num_hidden_layers) != int(self.config["num_layers"]):
            raise ValueError(f"adapter made for {self.config['num_layers']} layers, the model has "
                             f"{model.config.num_hidden_layers}")
        out = []
        with torch.no_grad():
            for depth in self.layers:
                layer = copy.deepcopy(model.encoder.layer[depth - 1])
                for t in TARGETS:
                    lin = _module(layer, t)
                    a = torch.from_numpy(self.arrays[f"{depth}.{t}.A"]).to(lin.weight.device)
                    b = torch.from_numpy(self.arrays[f"{depth}.{t}.B"]).to(lin.weight.device)
                    lin.weight.copy_((lin.weight.float() + self.scale * (b @ a)).to(lin.weight.dtype))
                out.append(layer.eval())
        return out

    def merged_copy(self, model):
        """A copy of ``model`` with the update merged into its top layers' weights (in fp32 first): the
        reference the tests compare the packed branch against."""
        import torch

        m = copy.deepcopy(model).float()
        with torch.no_grad():
            for depth in self.layers:
                for t in TARGETS:
                    lin = _module(m.encoder.layer[depth - 1], t)
                    a = torch.from_numpy(self.arrays[f"{depth}.{t}.A"])
                    b = torch.from_numpy(self.arrays[f"{depth}.{t}.B"])
                    lin.weight += self.scale * (b @ a)
        return m

    def save(self, folder: str | Path) -> None:
        np.savez_compressed(Path(folder) / "adapter.npz", **{k: v.astype(np.float16) for k, v in self.arrays.items()})

    @classmethod
    def load(cls, folder: str | Path, config: dict[str, Any]) -> "LoraAdapter":
        with np.load(Path(folder) / "adapter.npz", allow_pickle=False) as z:
            return cls(config, {k: z[k] for k in z.files})


def build_trainable(transformer, layers: int, rank: int = 8, alpha: float = 16.0, dropout: float = 0.1):
    """A torch module that runs the top ``layers`` layers of ``transformer`` (a BertModel) in fp32 with
    trainable LoRA updates, on padded windows of the hidden state below them: ``forward(h, mask)`` with
    ``h`` (windows, tokens, dim), ``mask`` (windows, tokens) bool -> the hidden states after each adapted
    layer. ``to_adapter()`` gives the :class:`LoraAdapter` to ship."""
    import torch
    import torch.nn.functional as F
    from torch import nn

    cfg = transformer.config
    n = int(cfg.num_hidden_layers)
    depths = list(range(n - layers + 1, n + 1))
    heads = int(cfg.num_attention_heads)

    class LoraTop(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.depths = depths
            self.scale = alpha / rank
            self.drop = nn.Dropout(dropout)
            self.A = nn.ParameterDict()
            self.B = nn.ParameterDict()
            for d in depths:
                layer = transformer.encoder.layer[d - 1]
                for t in TARGETS:
                    lin = _module(layer, t)
                    key = f"{d}_{t.replace('.', '_')}"
                    a = torch.empty(rank, lin.in_features)
                    nn.init.kaiming_uniform_(a, a=math.sqrt(5))
                    self.A[key] = nn.Parameter(a)
                    self.B[key] = nn.Parameter(torch.zeros(lin.out_features, rank))
                    self.register_buffer(f"w_{key}", lin.weight.detach().float().clone(), persistent=False)
                    self.register_buffer(f"b_{key}", lin.bias.detach().float().clone(), persistent=False)
                for name, ln in (("ln1", layer.attention.output.LayerNorm), ("ln2", layer.output.LayerNorm)):
                    self.register_buffer(f"{name}w_{d}", ln.weight.detach().float().clone(), persistent=False)
                    self.register_buffer(f"{name}b_{d}", ln.bias.detach().float().clone(), persistent=False)
                    self.eps = float(ln.eps)

        def norm(self, x, d: int, name: str):
            return F.layer_norm(x, (x.shape[-1],), getattr(self, f"{name}w_{d}"), getattr(self, f"{name}b_{d}"),
                                self.eps)

        def lin(self, x, d: int, t: str):
            key = f"{d}_{t.replace('.', '_')}"
            y = F.linear(x, getattr(self, f"w_{key}"), getattr(self, f"b_{key}"))
            return y + F.linear(F.linear(self.drop(x), self.A[key]), self.B[key]) * self.scale

        def forward(self, h, mask):
            w, tokens, dim = h.shape
            hd = dim // heads
            attn_mask = mask[:, None, None, :]
            out = []
            x = h
            for d in self.depths:
                def split(y):
                    return y.view(w, tokens, heads, hd).transpose(1, 2)
                q = split(self.lin(x, d, "attention.self.query"))
                k = split(self.lin(x, d, "attention.self.key"))
                v = split(self.lin(x, d, "attention.self.value"))
                o = F.scaled_dot_product_attention(q, k, v, attn_mask=attn_mask).transpose(1, 2).reshape(w, tokens, dim)
                x = self.norm(self.lin(o, d, "attention.output.dense") + x, d, "ln1")
                up = F.gelu(self.lin(x, d, "intermediate.dense"))
                x = self.norm(self.lin(up, d, "output.dense") + x, d, "ln2")
                out.append(x)
            return out

        def to_adapter(self) -> LoraAdapter:
            arrays = {}
            for d in depths:
                for t in TARGETS:
                    key = f"{d}_{t.replace('.', '_')}"
                    arrays[f"{d}.{t}.A"] = self.A[key].detach().cpu().numpy()
                    arrays[f"{d}.{t}.B"] = self.B[key].detach().cpu().numpy()
            return LoraAdapter({"layers": layers, "rank": rank, "alpha": alpha, "num_layers": n,
                                "targets": list(TARGETS)}, arrays)

    return LoraTop()


def adapter_key(adapter: Optional[LoraAdapter]) -> str:
    """A short tag for feature caches: features from an adapted branch depend on its weights."""
    return "" if adapter is None else "-adm" + adapter.digest()[:12]      # "m": the update merged into the weights
