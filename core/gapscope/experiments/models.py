"""The runner's model families: linear (logistic / linear regression), MLP, a small CNN for 8x8 digits,
a GRU and a small transformer encoder for token sequences. torch is imported inside build_model."""

from __future__ import annotations

from typing import Any, Optional

Shape = Optional[tuple[int, int, int]]   # channels, height, width of an image dataset


def _linear(spec_model: dict[str, Any], input_dim: int, out_dim: int, drop: float, image_shape: Shape, max_len: int):
    """Logistic or linear regression: one linear map."""
    from torch import nn

    return nn.Linear(input_dim, out_dim)


def _mlp(spec_model: dict[str, Any], input_dim: int, out_dim: int, drop: float, image_shape: Shape, max_len: int):
    """Linear layers with ReLU (and dropout) between them."""
    from torch import nn

    layers: list[nn.Module] = []
    prev = input_dim
    for h in spec_model["hidden"]:
        layers += [nn.Linear(prev, h), nn.ReLU()]
        if drop:
            layers.append(nn.Dropout(drop))
        prev = h
    layers.append(nn.Linear(prev, out_dim))
    return nn.Sequential(*layers)


def _cnn(spec_model: dict[str, Any], input_dim: int, out_dim: int, drop: float, image_shape: Shape, max_len: int):
    """Two 3x3 convolutions and a max-pool over the 8x8 digit images."""
    from torch import nn

    c, h, w = image_shape or (1, 8, 8)
    c1, c2 = (list(spec_model["channels"]) + [32])[:2]

    class SmallCNN(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.shape = (c, h, w)
            self.features = nn.Sequential(
                nn.Conv2d(c, c1, 3, padding=1), nn.ReLU(),
                nn.Conv2d(c1, c2, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
            self.head = nn.Sequential(nn.Flatten(), nn.Dropout(drop), nn.Linear(c2 * (h // 2) * (w // 2), out_dim))

        def forward(self, x):
            return self.head(self.features(x.view(-1, *self.shape)))

    return SmallCNN()


def _gru(spec_model: dict[str, Any], input_dim: int, out_dim: int, drop: float, image_shape: Shape, max_len: int):
    """A bidirectional GRU over token ids, mean-pooled over the real tokens."""
    from torch import nn

    class GRUClassifier(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embed = nn.Embedding(input_dim, spec_model["embed_dim"], padding_idx=0)
            self.gru = nn.GRU(spec_model["embed_dim"], spec_model["hidden_size"], num_layers=spec_model["layers"],
                              batch_first=True, bidirectional=True,
                              dropout=drop if spec_model["layers"] > 1 else 0.0)
            self.drop = nn.Dropout(drop)
            self.head = nn.Linear(2 * spec_model["hidden_size"], out_dim)

        def forward(self, x):
            mask = (x != 0).unsqueeze(-1).float()
            out, _ = self.gru(self.embed(x))
            pooled = (out * mask).sum(1) / mask.sum(1).clamp(min=1.0)  # mean over real tokens
            return self.head(self.drop(pooled))

    return GRUClassifier()


def _transformer(spec_model: dict[str, Any], input_dim: int, out_dim: int, drop: float, image_shape: Shape,
                 max_len: int):
    """A small pre-norm transformer encoder with learned positions, mean-pooled."""
    import torch
    from torch import nn

    class TransformerClassifier(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            d = spec_model["embed_dim"]
            self.embed = nn.Embedding(input_dim, d, padding_idx=0)
            self.pos = nn.Parameter(torch.zeros(1, max_len, d))
            nn.init.normal_(self.pos, std=0.02)
            layer = nn.TransformerEncoderLayer(d, spec_model["heads"], spec_model["ff_dim"], dropout=drop,
                                               batch_first=True, norm_first=True)
            self.encoder = nn.TransformerEncoder(layer, spec_model["layers"], enable_nested_tensor=False)
            self.head = nn.Linear(d, out_dim)

        def forward(self, x):
            pad = x == 0
            h = self.embed(x) + self.pos[:, : x.shape[1]]
            h = self.encoder(h, src_key_padding_mask=pad)
            mask = (~pad).unsqueeze(-1).float()
            return self.head((h * mask).sum(1) / mask.sum(1).clamp(min=1.0))

    return TransformerClassifier()


_FAMILIES = {"linear": _linear, "mlp": _mlp, "cnn": _cnn, "gru": _gru, "transformer": _transformer}


def build_model(spec_model: dict[str, Any], input_dim: int, out_dim: int,
                image_shape: Optional[tuple[int, int, int]] = None, max_len: int = 200):
    fam = spec_model["family"]
    if fam not in _FAMILIES:
        raise ValueError(f"model.family: unknown family {fam!r}")
    return _FAMILIES[fam](spec_model, input_dim, out_dim, float(spec_model["dropout"]), image_shape, max_len)


def count_parameters(model) -> int:
    return int(sum(p.numel() for p in model.parameters()))
