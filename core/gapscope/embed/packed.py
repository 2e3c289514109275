"""A padding-free forward pass for BERT encoders (all-MiniLM-L6-v2 and fine-tuned copies of it).

The windows of a batch are laid end to end in one flat ``[tokens, hidden]`` tensor, so the linear
layers, layer norms and GELUs do no work on padding; only attention regroups the tokens per window
(runs of equal-length windows go through attention together, unpadded and unmasked). The weights are the
model's own, read when the runner is built (one runner per ``Encoder._run`` call, so a model that is
trained between calls is always run with its current weights).

On CPU in bf16 the linear layers go through oneDNN with pre-packed weights and the bias, GELU and
residual add fused into the matmul; elsewhere (fp32, CUDA) plain ``torch.nn.functional`` ops run.
"""

from __future__ import annotations

from typing import Sequence


def supports(model) -> bool:
    """True for a stock encoder-only BERT with absolute positions and exact GELU (what runs here)."""
    cfg = getattr(model, "config", None)
    if cfg is None or type(model).__name__ != "BertModel":
        return False
    return (getattr(cfg, "hidden_act", None) == "gelu"
            and getattr(cfg, "position_embedding_type", "absolute") == "absolute"
            and not getattr(cfg, "is_decoder", False)
            and not getattr(cfg, "add_cross_attention", False)
            and hasattr(model, "embeddings") and hasattr(model, "encoder"))


def _mkldnn_ok(device, dtype) -> bool:
    import torch

    return (device.type == "cpu" and dtype == torch.bfloat16 and torch.backends.mkldnn.is_available()
            and hasattr(torch.ops.mkldnn, "_linear_pointwise") and hasattr(torch.ops.mkldnn, "_reorder_linear_weight"))


class _Linear:
    """y = x @ W.T + b, optionally followed by exact GELU or by adding a residual (fused under oneDNN)."""

    def __init__(self, weight, bias, packed: bool, hint: int) -> None:
        import torch

        self.bias = bias
        self.packed = packed
        if packed:
            try:
                self.weight = torch.ops.mkldnn._reorder_linear_weight(weight, hint)
            except RuntimeError:  # an older oneDNN without the reorder: unpacked weights still fuse
                self.weight = weight
        else:
            self.weight = weight

    def __call__(self, x, act: str = "none", residual=None):
        import torch
        import torch.nn.functional as F

        if self.packed:
            if residual is not None:
                return torch.ops.mkldnn._linear_pointwise.binary(x, residual, self.weight, self.bias, "add")
            if act == "gelu":
                return torch.ops.mkldnn._linear_pointwise(x, self.weight, self.bias, "gelu", [], "none")
            return torch.ops.mkldnn._linear_pointwise(x, self.weight, self.bias, "none", [], "")
        y = F.linear(x, self.weight, self.bias)
        if act == "gelu":
            y = F.gelu(y)
        if residual is not None:
            y = y + residual
        return y


class PackedBert:
    """Runs a BertModel over windows given as one flat token tensor and their lengths."""

    def __init__(self, model, token_hint: int = 4096, branch_layers: Sequence = ()) -> None:
        p = next(model.parameters())
        self.device, self.dtype = p.device, p.dtype
        packed = _mkldnn_ok(self.device, self.dtype)
        self.fused = packed
        emb = model.embeddings
        self.word = emb.word_embeddings.weight
        self.pos = emb.position_embeddings.weight
        self.type0 = emb.token_type_embeddings.weight[0]
        self.emb_ln = (emb.LayerNorm.weight, emb.LayerNorm.bias, emb.LayerNorm.eps)
        cfg = model.config
        self.heads = cfg.num_attention_heads
        self.head_dim = cfg.hidden_size // cfg.num_attention_heads
        self.hidden = cfg.hidden_size
        self.layers = [_layer_weights(layer, packed, token_hint) for layer in model.encoder.layer]
        # the top layers again with an adapter merged into their weights: they run from the base
        # branch's hidden state below them, so the lower layers run once for both branches
        self.branch = [_layer_weights(layer, packed, token_hint) for layer in (branch_layers or ())]
        self.branch_from = len(self.layers) - len(self.branch)

    def __call__(self, ids, lengths: Sequence[int], keep: Sequence[int] = ()):
        """``ids``: 1-D long tensor of every window's tokens end to end (on the model's device);
        ``lengths``: each window's token count. Returns the last hidden states, ``[len(ids), hidden]``;
        with ``keep`` (hidden-state indices as transformers counts them: 0 = the embeddings, i = after
        layer i) a list of those hidden states instead, in ``keep``'s order; ``"a<i>"`` in ``keep`` is hidden
        state i of the branch (the top layers built from ``branch_layers``), which leaves the base states
        exactly as they are without it."""
        import torch
        import torch.nn.functional as F

        dev = self.device
        total = int(sum(lengths))
        # runs of equal-length windows: attention runs per run, unpadded and unmasked
        groups, pos = [], 0
        for n in lengths:
            if groups and groups[-1][2] == n:
                groups[-1][1] += 1
            else:
                groups.append([pos, 1, n])
            pos += n
        positions = torch.cat([torch.arange(n, device=dev).repeat(g) for _, g, n in groups])
        x = self.word[ids] + self.type0 + self.pos[positions]
        x = F.layer_norm(x, (self.hidden,), *self.emb_ln[:2], eps=self.emb_ln[2])
        kept = {0: x} if 0 in keep else {}
        h, d, hid = self.heads, self.head_dim, self.hidden
        att = torch.empty((total, hid), dtype=x.dtype, device=dev)

        def layer(L, x):
            qkv = L["qkv"](x)
            for start, g, n in groups:
                q, k, v = qkv[start:start + g * n].view(g, n, 3, h, d).permute(2, 0, 3, 1, 4).unbind(0)
                o = F.scaled_dot_product_attention(q, k, v)
                att[start:start + g * n].view(g, n, h, d).copy_(o.transpose(1, 2))
            x = F.layer_norm(L["out"](att, residual=x), (hid,), *L["ln1"][:2], eps=L["ln1"][2])
            up = L["up"](x, act="gelu")
            return F.layer_norm(L["down"](up, residual=x), (hid,), *L["ln2"][:2], eps=L["ln2"][2])

        want_branch = any(isinstance(i, str) for i in keep)
        if want_branch and not self.branch:
            raise ValueError("branch hidden states asked for, but this runner has no branch layers")
        fork = x if self.branch_from == 0 else None
        for depth, L in enumerate(self.layers, 1):
            x = layer(L, x)
            if depth in keep:
                kept[depth] = x
            if depth == self.branch_from:
                fork = x
        if want_branch:
            y = fork
            for depth, L in enumerate(self.branch, self.branch_from + 1):
                y = layer(L, y)
                if f"a{depth}" in keep:
                    kept[f"a{depth}"] = y
        return [kept[i] for i in keep] if keep else x


def _layer_weights(layer, packed: bool, token_hint: int) -> dict:
    """A BertLayer's weights for the packed forward."""
    import torch

    sa, so = layer.attention.self, layer.attention.output
    qkv_w = torch.cat([sa.query.weight, sa.key.weight, sa.value.weight])
    qkv_b = torch.cat([sa.query.bias, sa.key.bias, sa.value.bias])
    out = {
        "qkv": _Linear(qkv_w, qkv_b, packed, token_hint),
        "out": _Linear(so.dense.weight, so.dense.bias, packed, token_hint),
        "ln1": (so.LayerNorm.weight, so.LayerNorm.bias, so.LayerNorm.eps),
        "up": _Linear(layer.intermediate.dense.weight, layer.intermediate.dense.bias, packed, token_hint),
        "down": _Linear(layer.output.dense.weight, layer.output.dense.bias, packed, token_hint),
        "ln2": (layer.output.LayerNorm.weight, layer.output.LayerNorm.bias, layer.output.LayerNorm.eps),
    }
    return out
